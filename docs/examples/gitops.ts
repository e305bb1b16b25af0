import { App, Duration } from 'cdk8s';
import {
  ArgoApplication,
  BlueprintChart,
  ClusterSecretStore,
  EnvValue,
  SecretDeclaration,
  StatefulService,
  TeamNamespace,
} from '../../index';

export function build(): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'data', { owner: 'data-team' });
  const store = new ClusterSecretStore(chart, 'aws-secrets', { awsRegion: 'eu-west-1' });
  // It holds the database's data: declared, so the rules ask for its backups and retention.
  const team = new TeamNamespace(chart, 'orders', { holdsData: true });
  // The superuser's password: the image refuses to initialize a database without one.
  const credentials = new SecretDeclaration(chart, 'orders-db-credentials', {
    namespace: team,
    keys: ['password'],
    backend: store.backend(),
  });
  const db = new StatefulService(chart, 'orders-db', {
    namespace: team,
    image: 'postgres:16.4',
    ports: [{ name: 'pg', port: 5432 }],
    // The root filesystem is read-only: the server writes its socket and lock to /var/run/postgresql.
    writablePaths: ['/tmp', '/var/run/postgresql'],
    env: {
      // A subdirectory: initdb wants an empty directory, and the volume's root holds lost+found.
      PGDATA: '/var/lib/postgresql/data/pgdata',
      POSTGRES_PASSWORD: EnvValue.fromSecret(credentials, 'password'),
    },
    claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '20Gi' }],
  });
  db.backUp({ schedule: '0 2 * * *', retention: Duration.days(14) });
  // Its own chart: the file Argo CD leaves out of the sync (applied once by hand).
  const gitops = new BlueprintChart(app, 'argocd', { owner: 'platform' });
  new ArgoApplication(gitops, 'prod', { repoUrl: 'https://github.com/acme/cluster-manifests.git', path: 'dist/prod' });
  return app;
}
