import { ConfigMap, EnvValue, PodField, PodPreset, SecretBackend, SecretDeclaration, Volume, WebService, Worker } from '../../constructs';
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

  test("a value of the wrong shape is the preset's: field env.<NAME>, construct PodPreset, the scope's path", () => {
    const { chart } = testChart();
    new Worker(chart, 'jobs', { namespace: 'shop', image: 'jobs:1.0.0' });
    const issue = expectCode(() => PodPreset.apply(chart, { env: { A: null } } as never), 'PROPS_INVALID');
    expect(issue).toMatchObject({ field: 'env.A', construct: 'PodPreset', path: 'test' });
    expect(expectCode(() => PodPreset.apply(chart, { mounts: [null] } as never), 'PROPS_INVALID')).toMatchObject({
      field: 'mounts[0]',
      path: 'test',
    });
    expect(issue.message).toContain('must be a string or an EnvValue');
    // What a mount is on its own (a Volume, an absolute path, a subPath inside it) is the preset's too, at mounts[i].
    for (const [mount, code, field] of [
      [{ volume: null, path: '/x' }, 'MOUNT_INVALID', 'mounts[0].volume'],
      [{ path: 3 }, 'MOUNT_INVALID', 'mounts[0].volume'],
      [{ volume: Volume.emptyDir('cache'), path: 'x' }, 'MOUNT_INVALID', 'mounts[0].path'],
      [{ volume: Volume.emptyDir('cache'), path: '/x', subPath: '../y' }, 'MOUNT_SUBPATH_INVALID', 'mounts[0].subPath'],
    ] as const)
      expect(expectCode(() => PodPreset.apply(chart, { mounts: [mount] } as never), code)).toMatchObject({
        field,
        construct: 'PodPreset',
        path: 'test',
      });
    expect(
      PodPreset.apply(chart, { env: { A: 'x' }, mounts: [{ volume: Volume.emptyDir('cache'), path: '/x', subPath: 'y' }] }).map(
        (w) => w.name,
      ),
    ).toEqual(['jobs']);
  });

  test("a preset's EnvValue.fromConfigMap is judged by the key's value (known: the ConfigMap is in the output), at env.<NAME>", () => {
    const { chart } = testChart();
    new Worker(chart, 'jobs', { namespace: 'shop', image: 'jobs:1.0.0' });
    const cm = new ConfigMap(chart, 'cfg', { namespace: 'shop', data: { BIG: 'x'.repeat(131072 - 5), BIGGER: 'x'.repeat(131072 - 4) } });
    expect(expectCode(() => PodPreset.apply(chart, { env: { BIG: EnvValue.fromConfigMap(cm, 'BIGGER') } }), 'ENV_INVALID')).toMatchObject({
      field: 'env.BIG',
      path: 'test',
    });
    expect(PodPreset.apply(chart, { env: { BIG: EnvValue.fromConfigMap(cm, 'BIG') } }).map((w) => w.name)).toEqual(['jobs']);
  });

  test('what an env var is on its own (its name, its size) is refused at env.<NAME> once, however many workloads match', () => {
    const { chart } = testChart();
    new Worker(chart, 'a', { namespace: 'shop', image: 'jobs:1.0.0' });
    new Worker(chart, 'b', { namespace: 'shop', image: 'jobs:1.0.0' });
    const err = catchBlueprintError(() => PodPreset.apply(chart, { env: { '1A': 'x', BIG: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(err.issues.map((i) => [i.code, i.field, i.path])).toEqual([
      ['NAME_INVALID', 'env["1A"]', 'test'],
      ['ENV_INVALID', 'env.BIG', 'test'],
    ]);
    // "BIG=" + value + NUL = 131072 bytes is what execve takes.
    expect(PodPreset.apply(chart, { env: { BIG: 'x'.repeat(131072 - 5) } })).toHaveLength(2);
  });

  test('a Secret of another namespace is SECRET_NAMESPACE_MISMATCH, as in the workload itself, not missing at render', () => {
    const { chart } = testChart();
    new Worker(chart, 'jobs', { namespace: 'shop', image: 'jobs:1.0.0' });
    const other = new SecretDeclaration(chart, 'other', { namespace: 'billing', keys: ['token'], backend: SecretBackend.deployTool() });
    const own = new SecretDeclaration(chart, 'own', { namespace: 'shop', keys: ['token'], backend: SecretBackend.deployTool() });
    const viaEnv = expectCode(
      () => PodPreset.apply(chart, { env: { API_TOKEN: EnvValue.fromSecret(other, 'token') } }),
      'SECRET_NAMESPACE_MISMATCH',
    );
    expect(viaEnv).toMatchObject({ field: 'env.API_TOKEN', path: 'test', value: 'billing/other' });
    expect(viaEnv.message).toContain('test/jobs');
    const viaMount = expectCode(
      () => PodPreset.apply(chart, { mounts: [{ volume: Volume.fromSecret(other), path: '/secrets' }] }),
      'SECRET_NAMESPACE_MISMATCH',
    );
    expect(viaMount).toMatchObject({ field: 'mounts[0].volume', path: 'test' });
    // The same Secret declared in the workload's namespace is injected.
    expect(PodPreset.apply(chart, { env: { API_TOKEN: EnvValue.fromSecret(own, 'token') } })).toHaveLength(1);
  });

  test("addEnv reaches the workload's own namespace check too", () => {
    const { chart } = testChart();
    const w = new Worker(chart, 'jobs', { namespace: 'shop', image: 'jobs:1.0.0' });
    const other = new SecretDeclaration(chart, 'other', { namespace: 'billing', keys: ['token'], backend: SecretBackend.deployTool() });
    expect(expectCode(() => w.addEnv({ API_TOKEN: EnvValue.fromSecret(other, 'token') }), 'SECRET_NAMESPACE_MISMATCH')).toMatchObject({
      field: 'containers.jobs',
      path: 'test/jobs',
    });
  });

  test("a workload's own refusal puts back every workload already changed: nothing is half-applied", () => {
    const { chart } = testChart();
    new Worker(chart, 'a', { namespace: 'shop', image: 'jobs:1.0.0', allowPlaintextEnv: ['API_TOKEN'] });
    new Worker(chart, 'b', { namespace: 'shop', image: 'jobs:1.0.0' });
    const err = catchBlueprintError(() => PodPreset.apply(chart, { env: { API_TOKEN: 'not-a-secret' } }));
    expect(err.issues.map((i) => [i.code, i.path])).toEqual([['PLAINTEXT_SECRET', 'test/b']]);
    const objects = renderChart(chart);
    expect(find(objects, 'Deployment', 'a').spec.template.spec.containers[0].env).toBeUndefined();
  });
});
