import { Duration } from 'cdk8s';
import { HpaMetric, ScalingSelectPolicy } from '../../constructs';
import { expectCode, find, renderChart, teamWebService } from '../helpers';

const sparse = () => Object.assign([], { length: 2 ** 32 - 1 });
const revoked = () => {
  const p = Proxy.revocable({}, {});
  p.revoke();
  return p.proxy;
};

describe('HPA on custom and external metrics, with behavior', () => {
  test('Pods, Object and External metrics render next to CPU; behavior overrides the defaults', () => {
    const { chart } = teamWebService('api', {
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
      autoscaling: {
        maxReplicas: 10,
        cpuUtilization: 70,
        metrics: [
          HpaMetric.pods('http_requests_per_second', '100'),
          HpaMetric.object({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'shop' }, 'requests_per_second', { value: '2k' }),
          HpaMetric.external('queue_messages_ready', { averageValue: '30' }, { queue: 'orders' }),
        ],
        behavior: {
          scaleDown: { stabilizationWindow: Duration.minutes(10), policies: [{ type: 'Pods', value: 1, period: Duration.minutes(2) }] },
          scaleUp: { selectPolicy: ScalingSelectPolicy.MIN },
        },
      },
    });
    const spec = find(renderChart(chart), 'HorizontalPodAutoscaler', 'api').spec;
    expect(spec.metrics.map((m: any) => m.type)).toEqual(['Resource', 'Pods', 'Object', 'External']);
    expect(spec.metrics[1].pods).toEqual({
      metric: { name: 'http_requests_per_second' },
      target: { type: 'AverageValue', averageValue: '100' },
    });
    expect(spec.metrics[2].object.describedObject).toEqual({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'shop' });
    expect(spec.metrics[3].external.metric).toEqual({ name: 'queue_messages_ready', selector: { matchLabels: { queue: 'orders' } } });
    expect(spec.behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 600,
      selectPolicy: 'Max',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }],
    });
    expect(spec.behavior.scaleUp.selectPolicy).toBe('Min');
  });

  test('custom metrics alone: no CPU metric is added', () => {
    const { chart } = teamWebService('api', { autoscaling: { maxReplicas: 4, metrics: [HpaMetric.pods('rps', '10')] } });
    expect(find(renderChart(chart), 'HorizontalPodAutoscaler', 'api').spec.metrics.map((m: any) => m.type)).toEqual(['Pods']);
  });

  test.each([
    ['a 7200 s stabilization window', { scaleDownStabilization: Duration.hours(2) }],
    ['a window above an hour in behavior', { behavior: { scaleUp: { stabilizationWindow: Duration.seconds(3601) } } }],
    ['a policy period of 0 s', { behavior: { scaleUp: { policies: [{ type: 'Pods' as const, value: 1, period: Duration.seconds(0) }] } } }],
    [
      'a policy period above 30 min',
      { behavior: { scaleDown: { policies: [{ type: 'Percent' as const, value: 10, period: Duration.minutes(31) }] } } },
    ],
    [
      'a policy value of 0',
      { behavior: { scaleDown: { policies: [{ type: 'Percent' as const, value: 0, period: Duration.seconds(60) }] } } },
    ],
  ])('HPA_BEHAVIOR_INVALID: %s', (_what, extra) => {
    expectCode(() => teamWebService('api', { autoscaling: { maxReplicas: 4, ...extra } }), 'HPA_BEHAVIOR_INVALID');
  });

  test.each([
    [
      'a lower-case policy type',
      { scaleUp: { policies: [{ type: 'pods', value: 1, period: Duration.seconds(60) }] } },
      'scaleUp.policies[0].type',
    ],
    ['a policy without a period', { scaleDown: { policies: [{ type: 'Percent', value: 10 }] } }, 'scaleDown.policies[0].period'],
    ['an unknown select policy', { scaleDown: { selectPolicy: 'max' } }, 'scaleDown.selectPolicy'],
  ])('PROPS_INVALID (untyped input; validateScalingRules takes only the enums): %s', (_what, behavior, field) => {
    const issue = expectCode(() => teamWebService('api', { autoscaling: { maxReplicas: 4, behavior: behavior as any } }), 'PROPS_INVALID');
    expect(issue.field).toBe(`autoscaling.behavior.${field}`);
  });

  test('every select policy and both policy types are accepted', () => {
    for (const selectPolicy of Object.values(ScalingSelectPolicy))
      for (const type of ['Pods', 'Percent'] as const)
        expect(() =>
          teamWebService('api', {
            autoscaling: {
              maxReplicas: 4,
              behavior: { scaleUp: { selectPolicy, policies: [{ type, value: 2, period: Duration.seconds(60) }] } },
            },
          }),
        ).not.toThrow();
  });

  test.each([
    ['an Object metric without a name', HpaMetric.object({ apiVersion: 'v1', kind: 'Service', name: '' }, 'rps', { value: '1' })],
    ['no target', HpaMetric.external('queue', {})],
    ['a negative target', HpaMetric.pods('rps', '-5')],
    ['a metric name with a slash', HpaMetric.pods('requests/second', '5')],
    ['a metric name with a percent sign', HpaMetric.pods('cpu%', '5')],
    ['a metric name of ..', HpaMetric.external('..', { value: '5' })],
    ['a zero target', HpaMetric.pods('rps', '0')],
    ['a target with no such suffix', HpaMetric.pods('rps', '1ki')],
    // ValidateCrossVersionObjectReference: IsValidPathSegmentName on kind and name.
    ['an Object metric whose kind carries a group', HpaMetric.object({ apiVersion: 'v1', kind: 'a/b', name: 'x' }, 'm', { value: '1' })],
    ['an Object metric named ..', HpaMetric.object({ apiVersion: 'v1', kind: 'Service', name: '..' }, 'm', { value: '1' })],
    [
      'an Object metric named with a percent sign',
      HpaMetric.object({ apiVersion: 'v1', kind: 'Service', name: 'a%b' }, 'm', { value: '1' }),
    ],
  ])('HPA_METRIC_INVALID: %s', (_what, metric) => {
    expectCode(() => teamWebService('api', { autoscaling: { maxReplicas: 4, metrics: [metric] } }), 'HPA_METRIC_INVALID');
  });

  test.each([
    ['a KEDA/Datadog external metric name', HpaMetric.external('datadogmetric@default:queue-depth', { averageValue: '30' })],
    ['a metric name starting with a digit', HpaMetric.pods('5xx_rate', '1')],
    ['a dotted metric name', HpaMetric.external('nginx.net.request_per_s', { value: '2k' })],
    ['an exponent target', HpaMetric.pods('rps', '1.5e3')],
    ['a micro target', HpaMetric.pods('rps', '100u')],
    ['a binary-suffix target', HpaMetric.external('queue_bytes', { value: '10Mi' })],
  ])('the API server accepts %s (validateMetricIdentifier, validateMetricTarget), and so does the library', (_what, metric) => {
    expect(() => teamWebService('api', { autoscaling: { maxReplicas: 4, metrics: [metric] } })).not.toThrow();
  });

  test.each([
    // A sparse list of length 2^32 - 1 as apiVersion hung the render; a revoked Proxy threw a TypeError.
    [
      'a sparse list of length 2^32 - 1 as apiVersion',
      () => HpaMetric.object({ apiVersion: sparse(), kind: 'Ingress', name: 'shop' } as never, 'm', { value: '1' }),
    ],
    ['a revoked Proxy as the target', () => HpaMetric.external('queue', revoked() as never)],
    ['a revoked Proxy as the selector', () => HpaMetric.pods('rps', '10', revoked() as never)],
    ['a number as the name', () => HpaMetric.pods(5 as never, '10')],
    ['a list as the target value', () => HpaMetric.external('queue', { value: ['5'] as never })],
  ])('PROPS_INVALID from the factory: %s (its arguments were kept unchecked for the HPA)', (_what, make) => {
    expectCode(make, 'PROPS_INVALID');
  });

  test('HPA_INVALID: maxReplicas below minReplicas', () => {
    expect(expectCode(() => teamWebService('api', { autoscaling: { minReplicas: 5, maxReplicas: 3 } }), 'HPA_INVALID')).toMatchObject({
      field: 'autoscaling.maxReplicas',
      value: 3,
    });
  });

  test('utilization targets are whole percentages ≥ 1 with no upper bound of their own (validateMetricTarget)', () => {
    expect(() => teamWebService('api', { autoscaling: { maxReplicas: 4, cpuUtilization: 2000, memoryUtilization: 1001 } })).not.toThrow();
    for (const cpuUtilization of [0, 70.5, 2_147_483_648])
      expect(expectCode(() => teamWebService('api', { autoscaling: { maxReplicas: 4, cpuUtilization } }), 'HPA_INVALID')).toMatchObject({
        field: 'autoscaling.cpuUtilization',
        value: cpuUtilization,
      });
  });
});
