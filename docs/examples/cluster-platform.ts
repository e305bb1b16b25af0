import { App } from 'cdk8s';
import { ClusterPlatform, Probe, WebService } from '../../index';

export function build(): App {
  const app = new App();
  const platform = new ClusterPlatform(app, 'platform', {
    environment: 'prod',
    host: 'shop.example.com',
    // cert-manager issues the host's certificate (without an issuer, nothing would provide the Ingress's TLS Secret).
    certificateIssuer: { name: 'letsencrypt', email: 'platform@example.com' },
    monitoringTargets: 1700,
    teams: [{ name: 'users' }, { name: 'products' }],
  });
  for (const name of ['users', 'products']) {
    const team = platform.team(name);
    const svc = new WebService(team, name, {
      namespace: team,
      image: `ghcr.io/acme/${name}:1.0.0`,
      ports: [{ name: 'http', port: 8080 }],
      liveness: Probe.http('/livez', 'http', { periodSeconds: 20 }),
    });
    platform.route({ path: `/${name.replace(/s$/, '')}`, backend: svc });
  }
  return app;
}
