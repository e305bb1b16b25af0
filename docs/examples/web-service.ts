import { App } from 'cdk8s';
import { BlueprintChart, Peer, Probe, TeamNamespace, WebService } from '../../index';

export function build(): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'shop', { owner: 'shop-team' });
  const team = new TeamNamespace(chart, 'shop');
  const api = new WebService(chart, 'api', {
    namespace: team,
    image: 'ghcr.io/acme/api:1.4.2',
    ports: [{ name: 'http', port: 8080 }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
    autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 },
    readiness: Probe.http('/readyz', 'http'),
    liveness: Probe.http('/livez', 'http', { periodSeconds: 20 }),
  });
  // The namespace denies ingress by default: open the port to the clients (here the ingress controller's pods).
  api.allowFrom(Peer.ingressController());
  console.assert(api.serviceDnsName === 'api.shop.svc.cluster.local');
  return app;
}
