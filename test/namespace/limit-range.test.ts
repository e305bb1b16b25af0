import { Cpu, LimitRange, Memory, applyDefaulting } from '../../constructs';
import { ratioAboveMaxOverMin } from '../../constructs/namespace/limit-range';
import { catchBlueprintError, expectCode, find, renderNew, testChart } from '../helpers';

describe('LimitRange', () => {
  test('defaults snapshot', () => {
    const objects = renderNew(LimitRange, 'Limits', {
      namespace: 'team',
      container: { default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } },
    });
    expect(objects).toMatchSnapshot();
  });

  test('all props snapshot', () => {
    const objects = renderNew(LimitRange, 'Limits', {
      namespace: 'team',
      name: 'bounds',
      container: {
        default: { cpu: '1', memory: '1Gi' },
        defaultRequest: { cpu: '250m', memory: '256Mi' },
        min: { cpu: '10m', memory: '16Mi' },
        max: { cpu: '2', memory: '2Gi' },
        maxLimitRequestRatio: { cpu: 8, memory: 4 },
      },
      persistentVolumeClaim: { min: '1Gi', max: '100Gi' },
    });
    expect(objects).toMatchSnapshot();
    expect(find(objects, 'LimitRange', 'bounds').spec.limits[0].maxLimitRequestRatio).toEqual({ cpu: '8', memory: '4' });
  });

  describe("Kubernetes' defaulting rules", () => {
    const none = {};
    test('max but no default → the default limit is max', () => {
      const d = applyDefaulting({ default: none, defaultRequest: none, min: none, max: { cpu: Cpu.parse('2') } });
      expect(d.limits.cpu?.toString()).toBe('2');
      expect(d.requests.cpu?.toString()).toBe('2');
    });
    test('min but no default and no defaultRequest → the request is min, no limit', () => {
      const d = applyDefaulting({ default: none, defaultRequest: none, min: { memory: Memory.parse('64Mi') }, max: none });
      expect(d.requests.memory?.toString()).toBe('64Mi');
      expect(d.limits.memory).toBeUndefined();
    });
    test('default but no defaultRequest → the request is the default limit (not min)', () => {
      const d = applyDefaulting({ default: { cpu: Cpu.parse('500m') }, defaultRequest: none, min: { cpu: Cpu.parse('10m') }, max: none });
      expect(d.requests.cpu?.toString()).toBe('500m');
    });
  });

  test('resolve(): a set limit becomes the missing request before LimitRange defaults apply', () => {
    const { chart } = testChart();
    const lr = new LimitRange(chart, 'Limits', {
      namespace: 'team',
      container: { default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } },
    });
    const r = lr.resolve({ limits: { cpu: Cpu.parse('2') } });
    expect(r.requests.cpu?.toString()).toBe('2');
    expect(r.limits.cpu?.toString()).toBe('2');
    expect(r.requests.memory?.toString()).toBe('128Mi');
    expect(r.limits.memory?.toString()).toBe('512Mi');
    expect(lr.resolve().requests.cpu?.toString()).toBe('100m');
  });

  test('violations(): min, max and ratio', () => {
    const { chart } = testChart();
    const lr = new LimitRange(chart, 'Limits', {
      namespace: 'team',
      container: { min: { cpu: '50m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: 2 } },
    });
    expect(lr.violations({ requests: { cpu: Cpu.parse('100m') }, limits: { cpu: Cpu.parse('200m') } }, 'c')).toEqual([]);
    const found = lr.violations({ requests: { cpu: Cpu.parse('10m') }, limits: { cpu: Cpu.parse('2') } }, 'c');
    expect(found.map((f) => f.field)).toEqual(['c.requests.cpu', 'c.limits.cpu', 'c.limits.cpu']);
    expect(found.every((f) => f.code === 'LIMITRANGE_VIOLATION')).toBe(true);
    expect(lr.violations({}, 'c').map((f) => f.field)).toEqual(['c.requests.cpu', 'c.limits.cpu']);
  });

  test('LIMITRANGE_ORDER: min ≤ defaultRequest ≤ default ≤ max', () => {
    const { chart } = testChart();
    const issue = expectCode(
      () => new LimitRange(chart, 'L', { namespace: 'team', container: { defaultRequest: { cpu: '1' }, default: { cpu: '500m' } } }),
      'LIMITRANGE_ORDER',
    );
    expect(issue.field).toBe('container.defaultRequest.cpu');
    expectCode(
      () => new LimitRange(chart, 'L2', { namespace: 'team', container: { min: { memory: '1Gi' }, max: { memory: '512Mi' } } }),
      'LIMITRANGE_ORDER',
    );
    expectCode(
      () => new LimitRange(chart, 'L3', { namespace: 'team', persistentVolumeClaim: { min: '10Gi', max: '1Gi' } }),
      'LIMITRANGE_ORDER',
    );
  });

  test('LIMITRANGE_RATIO: ratio ≥ 1 and consistent with the defaults', () => {
    const { chart } = testChart();
    expectCode(
      () => new LimitRange(chart, 'L', { namespace: 'team', container: { maxLimitRequestRatio: { cpu: 0.5 } } }),
      'LIMITRANGE_RATIO',
    );
    expectCode(
      () =>
        new LimitRange(chart, 'L2', {
          namespace: 'team',
          container: { default: { cpu: '1' }, defaultRequest: { cpu: '100m' }, maxLimitRequestRatio: { cpu: 2 } },
        }),
      'LIMITRANGE_RATIO',
    );
  });

  test('LIMITRANGE_RATIO: at most max/min, compared on milli-values as ValidateLimitRange does', () => {
    const { chart } = testChart();
    const build = (id: string, min: string, max: string, cpu: number) => () =>
      new LimitRange(chart, id, { namespace: 'team', container: { min: { cpu: min }, max: { cpu: max }, maxLimitRequestRatio: { cpu } } });
    const err = catchBlueprintError(build('a', '100m', '200m', 3));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([['LIMITRANGE_RATIO', 'container.maxLimitRequestRatio.cpu']]);
    expect(err.issues[0].message).toContain('is greater than max/min = 2.000000 (200m / 100m)');
    expect(build('b', '100m', '200m', 2)).not.toThrow();
    // 1m and 1500u (1.5m): the API server rounds milli-values up (MilliValue), so max/min is 2 and a ratio of 2 passes.
    expect(build('c', '1m', '1500u', 2)).not.toThrow();
    expect(ratioAboveMaxOverMin(2_000_000_000n, 1_000_000n, 1_500_000n)).toBeUndefined();
    expect(ratioAboveMaxOverMin(2_500_000_000n, 1_000_000n, 1_500_000n)).toBe(2);
    expect(ratioAboveMaxOverMin(5_000_000_000n, 0n, 1_000_000n)).toBeUndefined();
  });

  test('its name is a DNS subdomain (ValidateLimitRangeName), its namespace a label', () => {
    const { chart } = testChart();
    expect(new LimitRange(chart, 'L2', { namespace: 'team', name: 'limits.v2', container: { max: { cpu: '1' } } }).name).toBe('limits.v2');
    const err = catchBlueprintError(() => new LimitRange(chart, 'L3', { namespace: 'team.v2', container: { max: { cpu: '1' } } }));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([['NAME_INVALID', 'namespace']]);
  });

  test('reports every failure at once, and bad quantities as QUANTITY_INVALID on the prop', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new LimitRange(chart, 'L', { namespace: 'Team', container: { max: { cpu: 'lots' } } }));
    expect(err.issues.map((i) => [i.code, i.field, i.path])).toEqual([
      ['NAME_INVALID', 'namespace', 'test/L'],
      ['QUANTITY_INVALID', 'container.max.cpu', 'test/L'],
    ]);
  });
});
