import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { ArgoApplication, BlueprintChart, ConfigMap, PersistentVolumeClaim, runRules } from '../../constructs';
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

const ARGO_SOURCE = { repoUrl: 'https://github.com/acme/manifests.git', path: 'dist/prod' };

describe('objects too large for client-side apply are applied server-side under an ArgoApplication', () => {
  const SSA = 'ServerSideApply=true';
  /** A ConfigMap of about `kib` KiB in `namespace`. */
  const bigConfig = (chart: any, id: string, namespace: any, kib: number) =>
    new ConfigMap(chart, id, { namespace, files: { 'big.json': JSON.stringify({ x: 'a'.repeat(kib * 1024) }) } });

  function withBigObjects(application: boolean) {
    const { app, chart, data } = dataAndWebTeams();
    bigConfig(chart, 'dashboards', 'web', 300);
    bigConfig(chart, 'small', 'web', 200);
    // A data holder (marked retain) too large for client-side apply: its sync options hold both, in one annotation.
    new ApiObject(chart, 'bulky-seed', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'bulky', namespace: data.name, annotations: { 'cluster-blueprints.io/retain': 'true' } },
      data: { 'seed.sql': 's'.repeat(300 * 1024) },
    });
    if (application) new ArgoApplication(new BlueprintChart(app, 'argocd', { owner: 'platform' }), 'prod', ARGO_SOURCE);
    return app;
  }

  test('ServerSideApply=true joins Prune=false,Delete=false in the one sync-options annotation, on the objects that need it only', () => {
    const objects = render(withBigObjects(true));
    expect(find(objects, 'ConfigMap', 'dashboards').metadata.annotations[OPTIONS]).toBe(SSA);
    expect(find(objects, 'ConfigMap', 'bulky').metadata.annotations[OPTIONS]).toBe(`${KEEP},${SSA}`);
    expect(find(objects, 'ConfigMap', 'small').metadata.annotations?.[OPTIONS]).toBeUndefined();
    expect(find(objects, 'StatefulSet', 'ledger').metadata.annotations[OPTIONS]).toBe(KEEP);
    // So marked, the rule has nothing to say.
    expect(runRules(objects).filter((f) => f.rule === 'LAST_APPLIED_TOO_LARGE')).toEqual([]);
  });

  test('without an ArgoApplication nothing is applied server-side: LAST_APPLIED_TOO_LARGE warns instead', () => {
    const objects = render(withBigObjects(false));
    expect(find(objects, 'ConfigMap', 'dashboards').metadata.annotations?.[OPTIONS]).toBeUndefined();
    expect(find(objects, 'ConfigMap', 'bulky').metadata.annotations[OPTIONS]).toBe(KEEP);
    expect(
      runRules(objects)
        .filter((f) => f.rule === 'LAST_APPLIED_TOO_LARGE')
        .map((f) => f.object)
        .sort(),
    ).toEqual(['ConfigMap/payments/bulky', 'ConfigMap/web/dashboards']);
  });

  test('marking twice changes nothing (the options keep their order)', () => {
    const app = withBigObjects(true);
    const first = render(app);
    expect(render(app)).toEqual(first);
  });
});
