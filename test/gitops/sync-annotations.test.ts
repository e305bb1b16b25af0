import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PersistentVolumeClaim } from '../../constructs';
import { find, render } from '../helpers';
import { KEEP, OPTIONS, WAVE, dataAndWebTeams } from './fixture';

/** An app whose Argo CD Application lives elsewhere (app of apps, a platform repository): no ArgoApplication here. */
function withoutApplication(outdir?: string) {
  const { app, chart, data } = dataAndWebTeams(outdir);
  new PersistentVolumeClaim(chart, 'uploads', { namespace: data, size: '1Gi' });
  return app;
}

describe('data holders are protected from Argo CD pruning in any app', () => {
  test('without an ArgoApplication: every data holder and its Namespace carry Prune=false,Delete=false; stateless objects do not', () => {
    const objects = render(withoutApplication());
    expect(find(objects, 'StatefulSet', 'ledger').metadata.annotations[OPTIONS]).toBe(KEEP);
    expect(find(objects, 'PersistentVolumeClaim', 'uploads').metadata.annotations[OPTIONS]).toBe(KEEP);
    expect(find(objects, 'Namespace', 'payments').metadata.annotations[OPTIONS]).toBe(KEEP);
    expect(find(objects, 'Deployment', 'api').metadata.annotations?.[OPTIONS]).toBeUndefined();
    expect(find(objects, 'Namespace', 'web').metadata.annotations?.[OPTIONS]).toBeUndefined();
  });

  test('sync waves stay with the ArgoApplication: an app without one gets none', () => {
    const objects = render(withoutApplication());
    expect(objects.filter((o) => o.metadata.annotations?.[WAVE] !== undefined)).toEqual([]);
  });

  test('a plain app.synth() protects them too', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'keep-data-'));
    try {
      withoutApplication(outdir).synth();
      const written = fs.readFileSync(path.join(outdir, 'apps.k8s.yaml'), 'utf8');
      expect(written.split(`${OPTIONS}: ${KEEP}`).length - 1).toBe(3);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
