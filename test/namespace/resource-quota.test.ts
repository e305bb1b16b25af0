import { QuotaPreset, QuotaScope, ResourceQuota } from '../../constructs';
import { catchBlueprintError, expectCode, find, renderChart, renderNew, testChart } from '../helpers';

const hardOfScoped = (scope: QuotaScope, limits: object) =>
  find(renderNew(ResourceQuota, 'Quota', { namespace: 'team', scopes: [scope], limits }), 'ResourceQuota', 'quota').spec;

describe('ResourceQuota', () => {
  test('defaults snapshot (small preset)', () => {
    const { chart } = testChart();
    const q = new ResourceQuota(chart, 'Quota', { namespace: 'team' });
    expect(renderChart(chart)).toMatchSnapshot();
    expect(q.hard.pods).toBe(20);
    expect(q.hard.requestsCpu?.toString()).toBe('2');
  });

  test('all props snapshot', () => {
    const objects = renderNew(ResourceQuota, 'Quota', {
      namespace: 'team',
      name: 'compute',
      limits: {
        requestsCpu: '1500m',
        requestsMemory: '3Gi',
        limitsCpu: 3,
        limitsMemory: '6Gi',
        pods: 12,
        services: 4,
        servicesLoadBalancers: 1,
        servicesNodePorts: 0,
        persistentVolumeClaims: 2,
        requestsStorage: '20Gi',
      },
    });
    expect(objects).toMatchSnapshot();
    expect(find(objects, 'ResourceQuota', 'compute').spec.hard).toMatchObject({
      'requests.cpu': '1500m',
      'limits.cpu': '3',
      pods: 12,
      'services.loadbalancers': 1,
    });
  });

  test('presets grow', () => {
    for (const [a, b] of [
      [QuotaPreset.SMALL, QuotaPreset.MEDIUM],
      [QuotaPreset.MEDIUM, QuotaPreset.LARGE],
    ]) {
      expect(b.limits.pods!).toBeGreaterThan(a.limits.pods!);
    }
  });

  test('QUOTA_COUNT_INVALID for negative, fractional or zero pods', () => {
    const { chart } = testChart();
    expectCode(() => new ResourceQuota(chart, 'a', { namespace: 'team', limits: { pods: -1 } }), 'QUOTA_COUNT_INVALID');
    expectCode(() => new ResourceQuota(chart, 'b', { namespace: 'team', limits: { services: 1.5 } }), 'QUOTA_COUNT_INVALID');
    const zero = expectCode(() => new ResourceQuota(chart, 'c', { namespace: 'team', limits: { pods: 0 } }), 'QUOTA_COUNT_INVALID');
    expect([zero.field, zero.value]).toEqual(['limits.pods', 0]);
  });

  test('pods: 0 under a scope forbids only the pods the scope matches ("no best-effort pods here"): accepted', () => {
    for (const scope of Object.values(QuotaScope)) {
      expect(hardOfScoped(scope, { pods: 0 })).toEqual({ hard: { pods: 0 }, scopes: [scope] });
    }
    // A scoped quota still refuses a negative or fractional count.
    const { chart } = testChart();
    const issue = expectCode(
      () => new ResourceQuota(chart, 'a', { namespace: 'team', scopes: [QuotaScope.BEST_EFFORT], limits: { pods: -1 } }),
      'QUOTA_COUNT_INVALID',
    );
    expect([issue.field, issue.value]).toEqual(['limits.pods', -1]);
  });

  test('QUOTA_REQUESTS_ABOVE_LIMITS', () => {
    const { chart } = testChart();
    const issue = expectCode(
      () => new ResourceQuota(chart, 'a', { namespace: 'team', limits: { requestsMemory: '2Gi', limitsMemory: '1Gi' } }),
      'QUOTA_REQUESTS_ABOVE_LIMITS',
    );
    expect(issue.field).toBe('limits.requestsMemory');
  });

  describe('scopes (core validation validateResourceQuotaScopes)', () => {
    const hardOf = (props: object) =>
      find(renderNew(ResourceQuota, 'Quota', { namespace: 'team', ...props }), 'ResourceQuota', 'quota').spec;

    test('without explicit limits, a scoped quota takes only the preset limits its scopes admit', () => {
      expect(hardOf({ scopes: [QuotaScope.BEST_EFFORT] })).toEqual({ hard: { pods: 20 }, scopes: ['BestEffort'] });
      expect(hardOf({ scopes: [QuotaScope.NOT_TERMINATING] })).toEqual({
        hard: { 'requests.cpu': '2', 'requests.memory': '4Gi', 'limits.cpu': '4', 'limits.memory': '8Gi', pods: 20 },
        scopes: ['NotTerminating'],
      });
      // Several scopes: only what every one admits.
      expect(hardOf({ scopes: [QuotaScope.BEST_EFFORT, QuotaScope.TERMINATING] }).hard).toEqual({
        pods: 20,
      });
    });

    test('QUOTA_SCOPE_INVALID: a limit a scope does not admit, named with the scope', () => {
      const { chart } = testChart();
      const cpu = expectCode(
        () => new ResourceQuota(chart, 'a', { namespace: 'team', scopes: [QuotaScope.BEST_EFFORT], limits: { pods: 5, requestsCpu: '1' } }),
        'QUOTA_SCOPE_INVALID',
      );
      expect(cpu.field).toBe('limits.requestsCpu');
      expect(cpu.message).toContain('BestEffort admits only pods');
      // Ephemeral storage is no pod compute resource to the scopes: refused under NotBestEffort too.
      const eph = expectCode(
        () =>
          new ResourceQuota(chart, 'b', {
            namespace: 'team',
            scopes: [QuotaScope.NOT_BEST_EFFORT],
            limits: { requestsEphemeralStorage: '1Gi' },
          }),
        'QUOTA_SCOPE_INVALID',
      );
      expect(eph.field).toBe('limits.requestsEphemeralStorage');
      // An explicit preset is judged as given: its object counts and storage are refused, one issue each.
      const err = catchBlueprintError(
        () => new ResourceQuota(chart, 'c', { namespace: 'team', scopes: [QuotaScope.TERMINATING], limits: QuotaPreset.SMALL }),
      );
      expect(err.issues.map((i) => i.field).sort()).toEqual(
        [
          'limits.persistentVolumeClaims',
          'limits.requestsStorage',
          'limits.services',
          'limits.servicesLoadBalancers',
          'limits.servicesNodePorts',
        ].sort(),
      );
    });

    test('QUOTA_SCOPE_INVALID: conflicting scopes', () => {
      const { chart } = testChart();
      for (const [a, b] of [
        [QuotaScope.TERMINATING, QuotaScope.NOT_TERMINATING],
        [QuotaScope.BEST_EFFORT, QuotaScope.NOT_BEST_EFFORT],
      ]) {
        const issue = expectCode(
          () => new ResourceQuota(chart, `${a}-${b}`, { namespace: 'team', scopes: [a, b], limits: { pods: 5 } }),
          'QUOTA_SCOPE_INVALID',
        );
        expect(issue.field).toBe('scopes');
      }
    });

    test('the valid neighbours: pod compute under NotBestEffort, two scopes that do not conflict', () => {
      const limits = { pods: 12, requestsCpu: '1', requestsMemory: '1Gi', limitsCpu: '2', limitsMemory: '2Gi' };
      expect(hardOf({ scopes: [QuotaScope.NOT_BEST_EFFORT], limits }).hard).toEqual({
        'requests.cpu': '1',
        'requests.memory': '1Gi',
        'limits.cpu': '2',
        'limits.memory': '2Gi',
        pods: 12,
      });
      expect(hardOf({ scopes: [QuotaScope.NOT_TERMINATING, QuotaScope.NOT_BEST_EFFORT], limits }).scopes).toEqual([
        'NotTerminating',
        'NotBestEffort',
      ]);
      expect(hardOf({ scopes: [QuotaScope.BEST_EFFORT, QuotaScope.TERMINATING], limits: { pods: 3 } }).hard).toEqual({ pods: 3 });
    });
  });

  test('all failures together: bad name, bad quantity, bad count', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new ResourceQuota(chart, 'a', { namespace: 'Team!', limits: { requestsCpu: 'abc', pods: -3 } }));
    expect(err.codes.sort()).toEqual(['NAME_INVALID', 'QUANTITY_INVALID', 'QUOTA_COUNT_INVALID']);
  });
});
