import { PodDisruptionBudget } from '../../constructs';
import { expectCode, find, renderChart, renderNew, testChart } from '../helpers';

describe('PodDisruptionBudget', () => {
  test('defaults: maxUnavailable 1 and unhealthy pods evictable', () => {
    const objects = renderNew(PodDisruptionBudget, 'pdb', { namespace: 'n', name: 'web', selector: { app: 'web' } });
    const pdb = find(objects, 'PodDisruptionBudget', 'web');
    expect(pdb.spec).toEqual({ selector: { matchLabels: { app: 'web' } }, maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(pdb).toMatchSnapshot();
  });

  test('minAvailable, and the eviction rule', () => {
    const { chart } = testChart();
    const pdb = new PodDisruptionBudget(chart, 'pdb', {
      namespace: 'n',
      name: 'rg',
      selector: { app: 'rg' },
      minAvailable: 2,
      evictUnhealthyPods: false,
    });
    expect(find(renderChart(chart), 'PodDisruptionBudget', 'rg').spec).toEqual({
      selector: { matchLabels: { app: 'rg' } },
      minAvailable: 2,
    });
    // Whether it can block a drain is the catalogue's PDB_BLOCKS_EVICTION (test/rules/catalogue.test.ts).
    expect(pdb.minAvailable).toBe(2);
  });

  test('PDB_INVALID: both set, bad counts, empty selector', () => {
    const { chart } = testChart();
    expectCode(
      () => new PodDisruptionBudget(chart, 'a', { namespace: 'n', name: 'a', selector: { a: 'b' }, minAvailable: 1, maxUnavailable: 1 }),
      'PDB_INVALID',
    );
    expectCode(
      () => new PodDisruptionBudget(chart, 'b', { namespace: 'n', name: 'b', selector: { a: 'b' }, minAvailable: '150%' as any }),
      'PDB_INVALID',
    );
    expectCode(() => new PodDisruptionBudget(chart, 'c', { namespace: 'n', name: 'c', selector: {} }), 'PDB_INVALID');
  });

  test.each([
    [{ 'bad key': 'a' }, 'selector.bad key'],
    [{ app: 'x'.repeat(64) }, 'selector.app'],
    [{ app: 'a b' }, 'selector.app'],
  ])('PDB_SELECTOR_INVALID: the selector %j is no label selector', (selector, field) => {
    const { chart } = testChart();
    expect(
      expectCode(() => new PodDisruptionBudget(chart, 'pdb', { namespace: 'ns', name: 'pdb', selector }), 'PDB_SELECTOR_INVALID').field,
    ).toBe(field);
  });

  test("PDB_SELECTOR_INVALID says what the label rule refuses, that the selector could match no pod, and the PDB's own fix", () => {
    const { chart } = testChart();
    const issue = expectCode(
      () => new PodDisruptionBudget(chart, 'pdb', { namespace: 'ns', name: 'pdb', selector: { app: 'a b' } }),
      'PDB_SELECTOR_INVALID',
    );
    expect(issue.message).toMatch(/^is not a valid .*: the selector could never match a pod's labels$/);
    expect(issue.fix).toMatch(/podSelector/);
  });

  test('percentages as the API server reads them: IsValidPercent ^[0-9]+%$ (leading zeros too), at most 100%', () => {
    const { chart } = testChart();
    const make = (id: string, minAvailable: unknown) =>
      new PodDisruptionBudget(chart, id, { namespace: 'n', name: id, selector: { a: 'b' }, minAvailable: minAvailable as any });
    for (const [i, ok] of ['05%', '0%', '100%', '0100%', '007%'].entries()) expect(() => make(`ok${i}`, ok)).not.toThrow();
    expect(find(renderChart(chart), 'PodDisruptionBudget', 'ok0').spec.minAvailable).toBe('05%');
    for (const [i, bad] of ['101%', '0101%', '5 %', '+5%', '-5%', '5.5%', '%', '5'].entries()) {
      const issue = expectCode(() => make(`bad${i}`, bad), 'PDB_INVALID');
      expect(issue.field).toBe('minAvailable');
    }
  });
});
