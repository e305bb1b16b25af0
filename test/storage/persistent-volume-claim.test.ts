import { App } from 'cdk8s';
import {
  AccessMode,
  BlueprintChart,
  PersistentVolumeClaim,
  StorageClass,
  TeamNamespace,
  renderApp,
  setClusterFacts,
} from '../../constructs';
import { expectCode, teamChart } from '../helpers';

describe('PersistentVolumeClaim (core validation ValidatePersistentVolumeClaimSpec)', () => {
  test('a zero size is CLAIM_INVALID: the storage request must be greater than zero', () => {
    const { chart, team } = teamChart();
    expect(expectCode(() => new PersistentVolumeClaim(chart, 'c', { namespace: team, size: '0' }), 'CLAIM_INVALID').field).toBe('size');
    expect(expectCode(() => new PersistentVolumeClaim(chart, 'd', { namespace: team, size: '0Gi' }), 'CLAIM_INVALID').field).toBe('size');
    expect(() => new PersistentVolumeClaim(chart, 'e', { namespace: team, size: '1Mi' })).not.toThrow();
  });

  test('its name (the id when no name is given) is a DNS subdomain: NAME_INVALID', () => {
    const { chart } = teamChart();
    expect(expectCode(() => new PersistentVolumeClaim(chart, 'Bad_Claim', { namespace: 'shop', size: '1Gi' }), 'NAME_INVALID').field).toBe(
      'name',
    );
  });

  test('no access mode is CLAIM_INVALID: the API server requires at least one', () => {
    const { chart } = teamChart();
    expect(
      expectCode(() => new PersistentVolumeClaim(chart, 'c', { namespace: 'shop', size: '1Gi', accessModes: [] }), 'CLAIM_INVALID').field,
    ).toBe('accessModes');
  });

  test('ReadWriteOncePod next to another access mode is CLAIM_INVALID; alone it is accepted', () => {
    const { chart, team } = teamChart();
    const issue = expectCode(
      () =>
        new PersistentVolumeClaim(chart, 'c', {
          namespace: team,
          size: '1Gi',
          accessModes: [AccessMode.READ_WRITE_ONCE_POD, AccessMode.READ_WRITE_ONCE],
        }),
      'CLAIM_INVALID',
    );
    expect(issue.field).toBe('accessModes');
    expect(
      () => new PersistentVolumeClaim(chart, 'd', { namespace: team, size: '1Gi', accessModes: [AccessMode.READ_WRITE_ONCE_POD] }),
    ).not.toThrow();
    expect(
      () =>
        new PersistentVolumeClaim(chart, 'e', {
          namespace: team,
          size: '1Gi',
          accessModes: [AccessMode.READ_WRITE_ONCE, AccessMode.READ_ONLY_MANY],
        }),
    ).not.toThrow();
  });

  test("without a class, the TeamNamespace's defaultStorageClass (declared: no STORAGE_CLASS_UNDECLARED); a class given wins", () => {
    const app = new App();
    setClusterFacts(app, { existingStorageClasses: ['gp3'] });
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    const data = new StorageClass(chart, 'data', { provisioner: 'ebs.csi.aws.com' });
    const team = new TeamNamespace(chart, 'team', { defaultStorageClass: data });
    new PersistentVolumeClaim(chart, 'unset', { namespace: team, size: '1Gi' });
    new PersistentVolumeClaim(chart, 'given', { namespace: team, size: '1Gi', storageClass: 'gp3' });
    const objects = renderApp(app).flatMap((r) => r.objects);
    const classOf = (name: string) =>
      objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === name).spec.storageClassName;
    expect([classOf('unset'), classOf('given')]).toEqual(['data', 'gp3']);
  });

  test('STORAGE_CLASS_UNDECLARED: with existingStorageClasses declared, a claim without a class would hang on a default class nobody declared (as a StatefulService claim)', () => {
    const app = new App();
    setClusterFacts(app, { existingStorageClasses: ['gp3'] });
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 'team');
    new PersistentVolumeClaim(chart, 'unset', { namespace: team, size: '1Gi' });
    const issue = expectCode(() => renderApp(app), 'STORAGE_CLASS_UNDECLARED');
    expect(issue.field).toBe('storageClass');
    expect(issue.path).toContain('unset');
  });

  test('a class of the output is accepted with existingStorageClasses declared; without the declaration the default class is', () => {
    const declared = new App();
    setClusterFacts(declared, { existingStorageClasses: ['gp3'] });
    const chart = new BlueprintChart(declared, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 'team');
    const efs = new StorageClass(chart, 'efs', { provisioner: 'efs.csi.aws.com' });
    new PersistentVolumeClaim(chart, 'shared', {
      namespace: team,
      size: '1Gi',
      storageClass: efs,
      accessModes: [AccessMode.READ_WRITE_MANY],
    });
    expect(() => renderApp(declared)).not.toThrow();
    const { app, chart: c2, team: t2 } = teamChart();
    new PersistentVolumeClaim(c2, 'unset', { namespace: t2, size: '1Gi' });
    expect(() => renderApp(app)).not.toThrow();
  });

  test('a class the cluster has is named by string: declared, it renders as storageClassName; undeclared, STORAGE_CLASS_UNDECLARED; not a name, NAME_INVALID', () => {
    const app = new App();
    setClusterFacts(app, { existingStorageClasses: ['gp3'] });
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 'team');
    new PersistentVolumeClaim(chart, 'gp3', { namespace: team, size: '1Gi', storageClass: 'gp3' });
    const claim = renderApp(app)
      .flatMap((r) => r.objects)
      .find((o) => o.kind === 'PersistentVolumeClaim');
    expect(claim.spec.storageClassName).toBe('gp3');
    new PersistentVolumeClaim(chart, 'io2', { namespace: team, size: '1Gi', storageClass: 'io2' });
    expect(expectCode(() => renderApp(app), 'STORAGE_CLASS_UNDECLARED').value).toBe('io2');
    for (const bad of ['', 'Fast SSD'])
      expect(
        expectCode(
          () => new PersistentVolumeClaim(chart, `bad${bad.length}`, { namespace: team, size: '1Gi', storageClass: bad }),
          'NAME_INVALID',
        ).field,
      ).toBe('storageClass');
  });
});
