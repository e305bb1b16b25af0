import { QuotaPreset, QuotaScope, ResourceQuota } from '../../constructs';
import { catchBlueprintError, expectCode, find, renderChart, renderNew, testChart } from '../helpers';

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
      scopes: [QuotaScope.NOT_BEST_EFFORT],
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
    expectCode(() => new ResourceQuota(chart, 'c', { namespace: 'team', limits: { pods: 0 } }), 'QUOTA_COUNT_INVALID');
  });

  test('QUOTA_REQUESTS_ABOVE_LIMITS', () => {
    const { chart } = testChart();
    const issue = expectCode(
      () => new ResourceQuota(chart, 'a', { namespace: 'team', limits: { requestsMemory: '2Gi', limitsMemory: '1Gi' } }),
      'QUOTA_REQUESTS_ABOVE_LIMITS',
    );
    expect(issue.field).toBe('limits.requestsMemory');
  });

  test('all failures together: bad name, bad quantity, bad count', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new ResourceQuota(chart, 'a', { namespace: 'Team!', limits: { requestsCpu: 'abc', pods: -3 } }));
    expect(err.codes.sort()).toEqual(['NAME_INVALID', 'QUANTITY_INVALID', 'QUOTA_COUNT_INVALID']);
  });
});
