import { App, Duration } from 'cdk8s';
import {
  ArgoApplication,
  BlueprintChart,
  ClusterSecretStore,
  EnvValue,
  Peer,
  Probe,
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
    // pg_isready on the socket, as postgres: libpq has no user name to default to for the pod's uid (no passwd
    // entry), and would not even try. Startup gives initdb or crash recovery 5 minutes before liveness applies.
    startup: Probe.exec(['pg_isready', '-U', 'postgres'], { failureThreshold: 30 }),
    liveness: Probe.exec(['pg_isready', '-U', 'postgres'], { periodSeconds: 20, timeoutSeconds: 5 }),
  });
  // Its one client, the orders API (deployed from its team's own chart): only its pods may connect.
  db.allowFrom(Peer.namespace('orders', { 'app.kubernetes.io/name': 'orders-api' }));
  db.backUp({ schedule: '0 2 * * *', retention: Duration.days(14) });
  // Its own chart: the file Argo CD leaves out of the sync (applied once by hand).
  const gitops = new BlueprintChart(app, 'argocd', { owner: 'platform' });
  new ArgoApplication(gitops, 'prod', { repoUrl: 'https://github.com/acme/cluster-manifests.git', path: 'dist/prod' });
  return app;
}
