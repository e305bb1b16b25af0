import { ApiObject, App, Testing } from 'cdk8s';
import { Annotations, BlueprintChart, Labels, MANAGED_BY, setOwner } from '../../constructs';
import { expectCode, find, render } from '../helpers';

describe('BlueprintChart', () => {
  test('stamps managed-by, part-of and the nearest owner on every object', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'platform', partOf: 'shop' });
    new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'x' } });
    const group = new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'x' } });
    setOwner(group, 'team-b');
    const objects = render(app);
    expect(find(objects, 'ConfigMap', 'a').metadata.annotations[Annotations.OWNER]).toBe('platform');
    expect(find(objects, 'ConfigMap', 'b').metadata.annotations[Annotations.OWNER]).toBe('team-b');
    expect(find(objects, 'ConfigMap', 'a').metadata.labels).toMatchObject({ [Labels.MANAGED_BY]: MANAGED_BY, [Labels.PART_OF]: 'shop' });
  });

  test('a chart namespace never reaches cluster-scoped objects; an explicit one is a typed error, not edited away', () => {
    // From JavaScript, a chart namespace is refused (it would be stamped on cluster-scoped kinds too).
    const refused = expectCode(
      () => new BlueprintChart(Testing.app(), 'c', { owner: 'platform', namespace: 'oops' } as any),
      'PROPS_UNKNOWN',
    );
    expect(refused).toMatchObject({ field: 'namespace', value: 'oops', construct: 'BlueprintChart' });
    const app = Testing.app();
    const chart = new BlueprintChart(app, 'c', { owner: 'platform' });
    expect(chart.namespace).toBeUndefined();
    new ApiObject(chart, 'pc', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'high' },
      value: 1000,
    } as any);
    const [pc] = Testing.synth(chart);
    expect(pc.metadata.namespace).toBeUndefined();
    expect(pc.metadata.annotations[Annotations.OWNER]).toBe('platform');
    const chart2 = new BlueprintChart(Testing.app(), 'c', { owner: 'platform' });
    new ApiObject(chart2, 'pc2', {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'low', namespace: 'oops' },
      value: 1,
    } as any);
    expect(expectCode(() => Testing.synth(chart2), 'SCOPE_NAMESPACE_ON_CLUSTER_OBJECT').path).toBe('c/pc2');
  });

  test('an invalid owner is a NAME_INVALID error', () => {
    expectCode(() => new BlueprintChart(new App(), 'c', { owner: 'Not A Label!' }), 'NAME_INVALID');
    expectCode(() => new BlueprintChart(new App(), 'c', { owner: '' }), 'NAME_INVALID');
    expectCode(() => new BlueprintChart(new App(), 'c', { owner: 'ok', partOf: '-bad-' }), 'NAME_INVALID');
  });
});
