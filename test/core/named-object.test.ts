import { Construct } from 'constructs';
import {
  ArgoApplication,
  BackupSchedule,
  ClusterIssuer,
  ClusterSecretStore,
  IngressRoutes,
  NamedObject,
  PriorityClass,
  StorageClass,
} from '../../constructs';
import { catchBlueprintError, render, testChart } from '../helpers';

describe('NamedObject', () => {
  test('its subclasses are constructs named by the name prop, else by their id', () => {
    const { chart } = testChart();
    const objects = [
      new ClusterIssuer(chart, 'issuer', { email: 'ops@example.com' }),
      new ClusterSecretStore(chart, 'store', { awsRegion: 'eu-west-1', name: 'aws' }),
      new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com' }),
      new PriorityClass(chart, 'high', { value: 1000, name: 'high-priority' }),
      new BackupSchedule(chart, 'nightly', { namespaces: ['shop'] }),
      new ArgoApplication(chart, 'prod', { repoUrl: 'https://github.com/acme/m.git', path: 'dist/prod' }),
      new IngressRoutes(chart, 'routes', { name: 'public', namespace: 'shop', host: 'shop.example.com' }),
    ];
    for (const o of objects) {
      expect(o).toBeInstanceOf(NamedObject);
      expect(o).toBeInstanceOf(Construct);
    }
    expect(objects.map((o) => o.name)).toEqual(['issuer', 'aws', 'fast', 'high-priority', 'nightly', 'prod', 'public']);
  });

  test("the name's issue comes first, with the subclass's own in the same error", () => {
    const { chart } = testChart();
    const e = catchBlueprintError(() => new ClusterIssuer(chart, 'issuer', { name: 'Not_A_Name', email: 'ops' }));
    expect(e.issues.map((i) => [i.code, i.field, i.construct, i.path])).toEqual([
      ['NAME_INVALID', 'name', 'ClusterIssuer', 'test/issuer'],
      ['ISSUER_INVALID', 'email', 'ClusterIssuer', 'test/issuer'],
    ]);
  });

  test('untyped props are a typed error at entry, before any check of the name', () => {
    const { chart } = testChart();
    const e = catchBlueprintError(() => new StorageClass(chart, 'fast', { name: 5, provisioner: 'x' } as never));
    expect(e.issues.map((i) => [i.code, i.field])).toEqual([['PROPS_INVALID', 'name']]);
    // Refused before it joined the tree.
    expect(chart.node.tryFindChild('fast')).toBeUndefined();
  });

  test('called itself from JavaScript, the base checks the name alone, and renders nothing', () => {
    const { app, chart } = testChart();
    const Base = NamedObject as unknown as new (scope: Construct, id: string, props: unknown) => NamedObject;
    const e = catchBlueprintError(() => new Base(chart, 'x', { name: 5 }));
    expect(e.issues.map((i) => [i.code, i.field, i.construct])).toEqual([['PROPS_INVALID', 'name', 'NamedObject']]);
    expect(catchBlueprintError(() => new Base(chart, 'y', { name: 'Bad_Name' })).issues.map((i) => [i.code, i.field])).toEqual([
      ['NAME_INVALID', 'name'],
    ]);
    expect(new Base(chart, 'z', {}).name).toBe('z');
    expect(render(app)).toEqual([]);
  });
});
