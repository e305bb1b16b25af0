import { App } from 'cdk8s';
import { BlueprintChart, PreemptionPolicy, PriorityClass, StatefulService } from '../../constructs';
import { expectCode, find, renderChart, testChart } from '../helpers';

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

describe('PriorityClass.globalDefaultOf', () => {
  test("is the tree's globalDefault class, from any scope of it; none in a tree without one, nor from another tree", () => {
    const app = new App();
    const cluster = new BlueprintChart(app, 'cluster', { owner: 'platform' });
    new PriorityClass(cluster, 'high', { value: 10 });
    const other = new App();
    const otherChart = new BlueprintChart(other, 'other', { owner: 'platform' });
    expect(PriorityClass.globalDefaultOf(cluster)).toBeUndefined();
    const standard = new PriorityClass(cluster, 'standard', { value: 1, globalDefault: true });
    expect(PriorityClass.globalDefaultOf(new BlueprintChart(app, 'team', { owner: 'team' }))).toBe(standard);
    expect(PriorityClass.globalDefaultOf(app)).toBe(standard);
    expect(PriorityClass.globalDefaultOf(otherChart)).toBeUndefined();
    // A refused second default changes nothing.
    expectCode(() => new PriorityClass(cluster, 'also', { value: 2, globalDefault: true }), 'PRIORITY_INVALID');
    expect(PriorityClass.globalDefaultOf(app)).toBe(standard);
  });
});

describe('PriorityClass.dataDefaultOf', () => {
  test('StatefulServices with claims take the dataDefault class; without claims, or naming one, they do not', () => {
    const app = new App();
    const cluster = new BlueprintChart(app, 'cluster', { owner: 'platform' });
    const high = new PriorityClass(cluster, 'high', { value: 10, dataDefault: true });
    const standard = new PriorityClass(cluster, 'standard', { value: 1, globalDefault: true });
    expect(PriorityClass.dataDefaultOf(app)).toBe(high);
    const team = new BlueprintChart(app, 'team', { owner: 'team' });
    const base = { namespace: 'shop', image: 'ghcr.io/acme/db:1.0.0', ports: [{ name: 'pg', port: 5432 }] };
    new StatefulService(team, 'db', { ...base, claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }] });
    new StatefulService(team, 'cache', { ...base, noStorageReason: 'a cache, rebuilt on start' });
    new StatefulService(team, 'pinned', { ...base, claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }], priorityClass: standard });
    const objects = renderChart(team);
    const cls = (name: string) => find(objects, 'StatefulSet', name).spec.template.spec.priorityClassName;
    expect([cls('db'), cls('cache'), cls('pinned')]).toEqual(['high', 'standard', 'standard']);
    const issue = expectCode(() => new PriorityClass(cluster, 'data', { value: 20, dataDefault: true }), 'PRIORITY_INVALID');
    expect(issue.field).toBe('dataDefault');
    expect(PriorityClass.dataDefaultOf(app)).toBe(high);
  });
});
