import { App, Duration } from 'cdk8s';
import { ArgoApplication, BlueprintChart, StatefulService, TeamNamespace } from '../../index';

export function build(): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'data', { owner: 'data-team' });
  const team = new TeamNamespace(chart, 'orders');
  const db = new StatefulService(chart, 'orders-db', {
    namespace: team,
    image: 'postgres:16.4',
    ports: [{ name: 'pg', port: 5432 }],
    claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '20Gi' }],
  });
  db.backUp({ schedule: '0 2 * * *', retention: Duration.days(14) });
  // Its own chart: the file Argo CD leaves out of the sync (applied once by hand).
  const gitops = new BlueprintChart(app, 'argocd', { owner: 'platform' });
  new ArgoApplication(gitops, 'prod', { repoUrl: 'https://github.com/acme/cluster-manifests.git', path: 'dist/prod' });
  return app;
}
