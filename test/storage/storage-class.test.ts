import { App } from 'cdk8s';
import { ClusterPlatform } from '../../blueprints';
import { StorageClass } from '../../constructs';
import { catchBlueprintError, find, renderChart, testChart } from '../helpers';

describe('StorageClass parameters', () => {
  const refused = (parameters: Record<string, string>) => {
    const { chart } = testChart();
    return catchBlueprintError(() => new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com', parameters })).issues.map((i) => [
      i.code,
      i.field,
      i.message,
    ]);
  };

  test('STORAGE_INVALID: an empty key, over 512 parameters, over 256 KiB (storage validateParameters)', () => {
    expect(refused({ '': 'x', type: 'gp3' })).toEqual([['STORAGE_INVALID', 'parameters', 'has an empty key']]);
    const many = Object.fromEntries(Array.from({ length: 513 }, (_, i) => [`p${i}`, 'v']));
    expect(refused(many)).toEqual([['STORAGE_INVALID', 'parameters', expect.stringContaining('512')]]);
    expect(refused({ blob: 'x'.repeat(256 * 1024) })).toEqual([['STORAGE_INVALID', 'parameters', expect.stringContaining('256 KiB')]]);
  });

  test('the neighbours are accepted: 512 parameters, exactly 256 KiB, long keys', () => {
    const { chart } = testChart();
    const max = Object.fromEntries(Array.from({ length: 512 }, (_, i) => [`p${i}`, 'v']));
    expect(() => new StorageClass(chart, 'a', { provisioner: 'ebs.csi.aws.com', parameters: max })).not.toThrow();
    const full = { blob: 'x'.repeat(256 * 1024 - 4) };
    expect(() => new StorageClass(chart, 'b', { provisioner: 'ebs.csi.aws.com', parameters: full })).not.toThrow();
    new StorageClass(chart, 'c', { provisioner: 'ebs.csi.aws.com', parameters: { ['csi.storage.k8s.io/' + 'k'.repeat(100)]: 'v' } });
    expect(Object.keys(find(renderChart(chart), 'StorageClass', 'c').parameters)).toHaveLength(1);
  });
});

describe('StorageClass provisioner (storage validateProvisioner: a qualified name once lower-cased)', () => {
  const build = (provisioner: unknown) => {
    const { chart } = testChart();
    return () => new StorageClass(chart, 'ssd', { provisioner } as any);
  };

  test.each(['ebs.csi.aws.com', 'kubernetes.io/aws-ebs', 'rancher.io/local-path', 'Example.COM/My_Driver', 'local_path'])(
    'accepts %s',
    (provisioner) => expect(build(provisioner)).not.toThrow(),
  );

  test.each(['', 'a/b/c', '/ebs', 'ebs csi', 'ebs.csi.aws.com/', `x/${'a'.repeat(64)}`, '_ebs'])('STORAGE_INVALID: %s', (provisioner) => {
    const issue = catchBlueprintError(build(provisioner)).issues.find((i) => i.code === 'STORAGE_INVALID');
    expect(issue).toMatchObject({ field: 'provisioner', value: provisioner });
  });
});

describe('StorageClass zones (allowedTopologies: a set, validateTopologySelectorLabelRequirement, of node label values)', () => {
  test('STORAGE_INVALID: a zone listed twice (the values are a set)', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(
      () => new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com', zones: ['eu-1a', 'eu-1b', 'eu-1a'] }),
    );
    expect(err.issues.map((i) => [i.code, i.field, i.value])).toEqual([['STORAGE_INVALID', 'zones[2]', 'eu-1a']]);
  });

  test.each<[string, string]>([
    ['empty', ''],
    ['a space', 'eu 1a'],
    ['a symbol', 'eu-1a!'],
    ['a leading hyphen', '-eu'],
    ['a trailing dot', 'eu-1a.'],
    ['64 characters', 'a'.repeat(64)],
    ['a NUL', 'eu-1a\0'],
    ['a zero-width space', 'eu-1a\u200b'],
    ['a Cyrillic look-alike', 'eu-1\u0430'],
  ])("STORAGE_INVALID: a zone that is %s, which no node's topology.kubernetes.io/zone label carries", (_what, zone) => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com', zones: ['eu-1a', zone] }));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([['STORAGE_INVALID', 'zones[1]']]);
  });

  test('the neighbours are accepted: distinct zones of letters, digits, -, _ and ., up to 63 characters', () => {
    const { chart } = testChart();
    new StorageClass(chart, 'a', { provisioner: 'ebs.csi.aws.com', zones: ['eu-1a', 'eu-1b'] });
    new StorageClass(chart, 'b', { provisioner: 'ebs.csi.aws.com', zones: ['us_east.1C', 'z', 'a'.repeat(63)] });
    const objects = renderChart(chart);
    expect(find(objects, 'StorageClass', 'a').allowedTopologies).toEqual([
      { matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['eu-1a', 'eu-1b'] }] },
    ]);
    expect(find(objects, 'StorageClass', 'b').allowedTopologies[0].matchLabelExpressions[0].values).toEqual([
      'us_east.1C',
      'z',
      'a'.repeat(63),
    ]);
  });

  test("ClusterPlatform's zones feed its StorageClasses: a bad zone is STORAGE_INVALID at the platform's zones[i], once", () => {
    const err = catchBlueprintError(
      () => new ClusterPlatform(new App(), 'p', { environment: 'test', teams: [], zones: ['eu-1a', 'eu 1b'] }),
    );
    expect(err.issues.filter((i) => i.code === 'STORAGE_INVALID').map((i) => i.field)).toEqual(['zones[1]']);
  });
});
