import { App, Duration } from 'cdk8s';
import {
  BlueprintChart,
  ClusterIssuer,
  ClusterSecretStore,
  EnvValue,
  IngressRoutes,
  Peer,
  Probe,
  SecretDeclaration,
  TeamNamespace,
  WebService,
} from '../../index';

export function build(): App {
  const app = new App();
  const cluster = new BlueprintChart(app, 'cluster', { owner: 'platform-team' });
  // Where declared Secrets come from (External Secrets Operator), and who issues TLS (cert-manager).
  const store = new ClusterSecretStore(cluster, 'aws-secrets', { awsRegion: 'eu-west-1' });
  const issuer = new ClusterIssuer(cluster, 'letsencrypt', { email: 'ops@example.com' });

  const chart = new BlueprintChart(app, 'shop', { owner: 'shop-team' });
  const team = new TeamNamespace(chart, 'shop');
  // Declared once, with the keys it must hold; no value ever reaches the YAML.
  const db = new SecretDeclaration(chart, 'orders-db', { namespace: team, keys: ['password'], backend: store.backend() });
  const api = new WebService(chart, 'api', {
    namespace: team,
    image: 'ghcr.io/acme/api:1.4.2',
    ports: [{ name: 'http', port: 8080 }],
    env: { DB_PASSWORD: EnvValue.fromSecret(db, 'password') },
    liveness: Probe.http('/livez', 'http', { periodSeconds: 20 }),
  });
  // Scraped by the Prometheus of the Monitoring blueprint (it selects every labelled monitor).
  api.exposeMetrics({ port: 'http', path: '/metrics', interval: Duration.seconds(30), scrapedBy: Peer.namespace('monitoring') });
  new IngressRoutes(chart, 'public', { namespace: team.name, host: 'shop.example.com', issuer, routes: [{ path: '/', backend: api }] });
  return app;
}
