import { App } from 'cdk8s';
import { BlueprintChart, StatefulService, TeamNamespace, WebService } from '../../constructs';
import { POSTGRES } from '../helpers';

export const KEEP = 'Prune=false,Delete=false';
export const WAVE = 'argocd.argoproj.io/sync-wave';
export const OPTIONS = 'argocd.argoproj.io/sync-options';

/**
 * Two teams: `payments` holds data (a Postgres StatefulService with a claim),
 * `web` a stateless API. The tests add what they judge (an ArgoApplication,
 * a claim, StorageClasses) to `chart`, or a chart of their own to `app`.
 */
export function dataAndWebTeams(outdir?: string) {
  const app = new App({ outdir });
  const chart = new BlueprintChart(app, 'apps', { owner: 'test' });
  const data = new TeamNamespace(chart, 'payments');
  const web = new TeamNamespace(chart, 'web');
  new StatefulService(chart, 'ledger', {
    namespace: data,
    ...POSTGRES,
    claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '5Gi' }],
  });
  new WebService(chart, 'api', { namespace: web, image: 'ghcr.io/acme/api:1.0.0', ports: [{ name: 'http', port: 8080 }] });
  return { app, chart, data };
}
