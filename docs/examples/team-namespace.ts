import { App } from 'cdk8s';
import { BlueprintChart, QuotaPreset, TeamNamespace } from '../../index';

export function build(): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'platform', { owner: 'platform-team' });
  new TeamNamespace(chart, 'payments', {
    quota: QuotaPreset.SMALL,
    access: { edit: ['payments-devs'], view: ['sre'] },
  });
  return app;
}
