import { App } from 'cdk8s';
import { BlueprintChart, ExternalService, Peer, Probe, TeamNamespace, WebService } from '../../index';

export function build(): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'orders', { owner: 'orders-team' });
  const team = new TeamNamespace(chart, 'orders-ns', { name: 'orders' });
  const orders = new WebService(chart, 'orders', {
    namespace: team,
    image: 'ghcr.io/acme/orders:2.1.0',
    ports: [{ name: 'http', port: 8080 }],
    liveness: Probe.http('/livez', 'http', { periodSeconds: 20 }),
  });
  // The namespace denies ingress by default: the ingress controller's pods may reach it.
  orders.allowFrom(Peer.ingressController());
  // A managed database with a DNS name: an ExternalName Service (a CNAME).
  const rds = ExternalService.fromHostName(chart, 'orders-db', {
    namespace: 'orders',
    hostName: 'orders.abc123.eu-west-1.rds.amazonaws.com',
    ports: [{ name: 'pg', port: 5432 }],
  });
  // A server with fixed addresses: a selector-less Service + EndpointSlice, port remapped.
  const legacy = ExternalService.fromAddresses(chart, 'legacy-db', {
    namespace: 'orders',
    addresses: ['203.0.113.10'],
    ports: [{ name: 'mysql', port: 3306, targetPort: 13306 }],
  });
  rds.allowFrom(orders);
  legacy.allowFrom(orders);
  return app;
}
