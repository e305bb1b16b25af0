import { Construct } from 'constructs';
import { ConfigMap, LimitRange, NamespacedObject, PersistentVolumeClaim, QuotaPreset, ResourceQuota } from '../../constructs';
import { catchBlueprintError, render, teamChart, testChart } from '../helpers';

describe('NamespacedObject', () => {
  test('its subclasses are constructs named by the name prop, else by their default name or id, in the namespace given by name or as a TeamNamespace', () => {
    const { chart, team } = teamChart();
    const objects = [
      new LimitRange(chart, 'lr', { namespace: 'payments' }),
      new ResourceQuota(chart, 'rq', { namespace: 'payments', name: 'ceiling', limits: QuotaPreset.SMALL }),
      new PersistentVolumeClaim(chart, 'claim', { namespace: team, size: '1Gi' }),
      new ConfigMap(chart, 'config', { namespace: 'payments', name: 'settings' }),
      new ConfigMap(chart, 'team-config', { namespace: team }),
    ];
    for (const o of objects) {
      expect(o).toBeInstanceOf(NamespacedObject);
      expect(o).toBeInstanceOf(Construct);
    }
    expect(objects.map((o) => [o.name, o.namespace])).toEqual([
      ['limits', 'payments'],
      ['ceiling', 'payments'],
      ['claim', 'shop'],
      ['settings', 'payments'],
      ['team-config', 'shop'],
    ]);
  });

  test("the shape's issues come first, then the name's and the namespace's, then the subclass's own, in one error", () => {
    const { chart } = testChart();
    const e = catchBlueprintError(
      () => new LimitRange(chart, 'lr', { name: 'Not_A_Name', namespace: 'Not_A_Namespace', container: { max: { cpu: 'lots' } } }),
    );
    expect(e.issues.map((i) => [i.code, i.field, i.construct, i.path])).toEqual([
      ['NAME_INVALID', 'name', 'LimitRange', 'test/lr'],
      ['NAME_INVALID', 'namespace', 'LimitRange', 'test/lr'],
      ['QUANTITY_INVALID', 'container.max.cpu', 'LimitRange', 'test/lr'],
    ]);
    // A namespace of the wrong shape is reported once, by the shape, and the name is still checked.
    const shaped = catchBlueprintError(() => new ConfigMap(chart, 'cm', { name: 'Not_A_Name', namespace: 5 } as never));
    expect(shaped.issues.map((i) => [i.code, i.field])).toEqual([
      ['PROPS_INVALID', 'namespace'],
      ['NAME_INVALID', 'name'],
    ]);
    // A missing namespace is the namespace's issue.
    const missing = catchBlueprintError(() => new ResourceQuota(chart, 'rq', {} as never));
    expect(missing.issues.map((i) => [i.code, i.field, i.value])).toEqual([['NAME_INVALID', 'namespace', undefined]]);
  });

  test('called itself from JavaScript, the base checks the name and namespace alone, and renders nothing', () => {
    const { app, chart } = testChart();
    const Base = NamespacedObject as unknown as new (scope: Construct, id: string, props: unknown) => NamespacedObject<never>;
    const e = catchBlueprintError(() => new Base(chart, 'x', { name: 5, namespace: 'shop' }));
    expect(e.issues.map((i) => [i.code, i.field, i.construct])).toEqual([['PROPS_INVALID', 'name', 'NamespacedObject']]);
    expect(catchBlueprintError(() => new Base(chart, 'y', { name: 'Bad_Name' })).issues.map((i) => [i.code, i.field])).toEqual([
      ['NAME_INVALID', 'name'],
      ['NAME_INVALID', 'namespace'],
    ]);
    const z = new Base(chart, 'z', { namespace: 'shop' });
    expect([z.name, z.namespace]).toEqual(['z', 'shop']);
    expect(render(app)).toEqual([]);
  });
});
