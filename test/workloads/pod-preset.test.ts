import { EnvValue, PodField, PodPreset, Volume, WebService, Worker } from '../../constructs';
import { expectCode, find, renderChart, testChart } from '../helpers';

describe('PodPreset', () => {
  test('injects env and volumes into matching workloads at synth time', () => {
    const { chart } = testChart();
    new WebService(chart, 'web', { namespace: 'shop', image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }], component: 'frontend' });
    new Worker(chart, 'jobs', { namespace: 'shop', image: 'jobs:1.0.0' });
    const cache = Volume.emptyDir('cache');
    const changed = PodPreset.apply(chart, {
      matchLabels: { 'app.kubernetes.io/component': 'frontend' },
      env: { NODE_NAME: EnvValue.fromField(PodField.NODE_NAME), TZ: 'UTC' },
      mounts: [{ volume: cache, path: '/cache' }],
    });
    expect(changed.map((w) => w.name)).toEqual(['web']);
    const objects = renderChart(chart);
    const web = find(objects, 'Deployment', 'web').spec.template.spec;
    expect(web.containers[0].env.map((e: any) => e.name)).toEqual(['NODE_NAME', 'TZ']);
    expect(web.volumes.map((v: any) => v.name)).toContain('cache');
    expect(find(objects, 'Deployment', 'jobs').spec.template.spec.containers[0].env).toBeUndefined();
  });

  test('the usual rules still apply to what it injects', () => {
    const { chart } = testChart();
    new Worker(chart, 'jobs', { namespace: 'shop', image: 'jobs:1.0.0' });
    expectCode(() => PodPreset.apply(chart, { env: { API_TOKEN: 'abc' } }), 'PLAINTEXT_SECRET');
  });
});
