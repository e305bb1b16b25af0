import { EnvValue, PodField, PodPreset, Volume, WebService, Worker } from '../../constructs';
import { catchBlueprintError, expectCode, find, renderChart, testChart } from '../helpers';

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

  test('a name a matching workload already has is refused before any workload changes, all conflicts at once', () => {
    const { chart } = testChart();
    new WebService(chart, 'a', { namespace: 'shop', image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }] });
    new WebService(chart, 'b', {
      namespace: 'shop',
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
      env: { TZ: 'Europe/Paris', LANG: 'fr' },
    });
    new WebService(chart, 'c', { namespace: 'shop', image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }], env: { TZ: 'Asia/Tokyo' } });
    const err = catchBlueprintError(() => PodPreset.apply(chart, { env: { TZ: 'UTC', LANG: 'en' } }));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([
      ['ENV_INVALID', 'env.TZ'],
      ['ENV_INVALID', 'env.LANG'],
      ['ENV_INVALID', 'env.TZ'],
    ]);
    expect(err.issues[0].message).toContain('test/b');
    expect(err.issues[2].message).toContain('test/c');
    // Nothing applied: 'a' keeps no env.
    const objects = renderChart(chart);
    expect(find(objects, 'Deployment', 'a').spec.template.spec.containers[0].env).toBeUndefined();
    expect(find(objects, 'Deployment', 'b').spec.template.spec.containers[0].env.find((e: any) => e.name === 'TZ').value).toBe(
      'Europe/Paris',
    );
  });

  test('names no matching workload has are still added', () => {
    const { chart } = testChart();
    new WebService(chart, 'b', { namespace: 'shop', image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }], env: { LANG: 'fr' } });
    expect(PodPreset.apply(chart, { env: { TZ: 'UTC' } }).map((w) => w.name)).toEqual(['b']);
  });
});
