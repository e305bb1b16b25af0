import { App } from 'cdk8s';
import { BlueprintChart, PodDisruptionBudget, PreemptionPolicy, PriorityClass } from '../../constructs';
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

describe('PriorityClass', () => {
  test('is cluster-scoped and carries its policy', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'cluster', { owner: 'platform' });
    new PriorityClass(chart, 'high-priority', { value: 100000, description: 'user-facing', preemptionPolicy: PreemptionPolicy.NEVER });
    const pc = find(renderChart(chart), 'PriorityClass', 'high-priority');
    expect(pc.metadata.namespace).toBeUndefined();
    expect(pc).toMatchObject({ value: 100000, globalDefault: false, preemptionPolicy: 'Never', description: 'user-facing' });
  });

  test('PRIORITY_INVALID: reserved prefix and value range', () => {
    const { chart } = testChart();
    expectCode(() => new PriorityClass(chart, 'system-mine', { value: 1 }), 'PRIORITY_INVALID');
    expectCode(() => new PriorityClass(chart, 'huge', { value: 2_000_000_000 }), 'PRIORITY_INVALID');
    expectCode(() => new PriorityClass(chart, 'frac', { value: 1.5 }), 'PRIORITY_INVALID');
  });

  test('PRIORITY_INVALID: a second globalDefault class in the app names both paths', () => {
    const app = new App();
    const first = new PriorityClass(new BlueprintChart(app, 'one', { owner: 'platform' }), 'default-prio', {
      value: 10,
      globalDefault: true,
    });
    new PriorityClass(new BlueprintChart(app, 'two', { owner: 'platform' }), 'not-default', { value: 5 });
    const issue = expectCode(
      () => new PriorityClass(new BlueprintChart(app, 'three', { owner: 'platform' }), 'also-default', { value: 20, globalDefault: true }),
      'PRIORITY_INVALID',
    );
    expect(issue.field).toBe('globalDefault');
    expect(issue.path).toContain('three');
    expect(issue.message).toContain(first.node.path);
  });
});
