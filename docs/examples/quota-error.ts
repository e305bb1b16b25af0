import { App, Duration } from 'cdk8s';
import { BlueprintChart, Hook, Probe, QuotaPreset, TeamNamespace, WebService } from '../../index';

export function build(): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'dev', { owner: 'payments' });
  const team = new TeamNamespace(chart, 'payments', { quota: QuotaPreset.SMALL });
  new WebService(chart, 'api', {
    namespace: team,
    image: 'ghcr.io/acme/api:1.4.2',
    ports: [{ name: 'http', port: 8080 }],
    resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    autoscaling: { maxReplicas: 8 }, // 8 + 25% surge = 10 pods × 500m = 5 CPU
    liveness: Probe.http('/health', 'admin'), // no port named 'admin'
    preStop: Hook.sleep(Duration.seconds(40)), // longer than the 30 s grace period
  });
  return app;
}
