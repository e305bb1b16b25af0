import { ConfigMap, EnvValue, ResourceField, Worker, renderApp } from '../../constructs';
import { catchBlueprintError, expectCode, testChart } from '../helpers';

const image = 'ghcr.io/acme/app:1.0.0';

describe('EnvValue.fromConfigMap', () => {
  const settings = () => new ConfigMap(testChart().chart, 'settings', { namespace: 'team', data: { a: '1' } });

  test('a key the ConfigMap does not hold is CONFIG_KEY_UNDECLARED (the kubelet would not start the container)', () => {
    const issue = expectCode(() => EnvValue.fromConfigMap(settings(), 'zzz'), 'CONFIG_KEY_UNDECLARED');
    expect(issue).toMatchObject({ field: 'key', value: 'zzz', path: 'test/settings' });
    expect(issue.fix).toContain('read one of a');
  });

  test('a key it holds is read, and a key named like an Object.prototype member is not mistaken for one', () => {
    expect(EnvValue.fromConfigMap(settings(), 'a').valueFrom).toEqual({ configMapKeyRef: { name: 'settings', key: 'a' } });
    expect(catchBlueprintError(() => EnvValue.fromConfigMap(settings(), 'constructor')).code).toBe('CONFIG_KEY_UNDECLARED');
  });
});

describe('EnvValue.fromResource divisors (validateContainerResourceDivisor)', () => {
  const divisor = (resource: ResourceField, d: string) => () => EnvValue.fromResource(resource, { divisor: d });

  test.each(['1m', '1', '1000m', '0.001', '1e0'])('CPU divisor %p is accepted', (d) => {
    expect(() => divisor(ResourceField.LIMITS_CPU, d)()).not.toThrow();
  });

  test.each(['3m', '2', '1k', '1Ki', '1e-3', '-1', 'lots', '1024m'])('CPU divisor %p is ENV_INVALID', (d) => {
    expect(expectCode(divisor(ResourceField.REQUESTS_CPU, d), 'ENV_INVALID')).toMatchObject({ field: 'options.divisor', value: d });
  });

  // Canonically in the list: 1000 is written 1k, 1024Ki 1Mi; 0 is unset.
  test.each(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei', '1000', '1024Ki', '0'])(
    'memory divisor %p is accepted',
    (d) => {
      expect(() => divisor(ResourceField.LIMITS_MEMORY, d)()).not.toThrow();
    },
  );

  test.each(['1m', '2Mi', '1024', '1e3', '1000Ki', '0.5Ki', 'Mi'])('memory divisor %p is ENV_INVALID', (d) => {
    expectCode(divisor(ResourceField.REQUESTS_MEMORY, d), 'ENV_INVALID');
  });

  test('the divisor is rendered as given', () => {
    expect(EnvValue.fromResource(ResourceField.LIMITS_MEMORY, { divisor: '1Mi' }).valueFrom).toEqual({
      resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' },
    });
  });
});

describe('EnvValue.fromResource containerName', () => {
  const build = (containerName: string) => () => {
    const { app, chart } = testChart();
    new Worker(chart, 'w', {
      namespace: 'team',
      image,
      env: { CPU: EnvValue.fromResource(ResourceField.LIMITS_CPU, { containerName }) },
      sidecars: [{ name: 'proxy', image }],
      initContainers: [{ name: 'setup', image }],
    });
    return renderApp(app);
  };

  test('a container the pod does not have is ENV_INVALID at synth', () => {
    expect(expectCode(build('nope'), 'ENV_INVALID')).toMatchObject({ field: 'containers.w.env.CPU', value: 'nope' });
  });

  test.each(['w', 'proxy', 'setup'])('the pod’s own container %p is accepted', (name) => {
    expect(() => build(name)()).not.toThrow();
  });
});
