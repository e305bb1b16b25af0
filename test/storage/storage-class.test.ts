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

describe('StorageClass zones (allowedTopologies: core validation validateTopologySelectorLabelRequirement)', () => {
  test('STORAGE_INVALID: a zone listed twice (the values are a set)', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(
      () => new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com', zones: ['eu-1a', 'eu-1b', 'eu-1a'] }),
    );
    expect(err.issues.map((i) => [i.code, i.field, i.value])).toEqual([['STORAGE_INVALID', 'zones[2]', 'eu-1a']]);
  });

  test('the neighbours are accepted: distinct zones, and an empty zone value, which the API server does not judge', () => {
    const { chart } = testChart();
    new StorageClass(chart, 'a', { provisioner: 'ebs.csi.aws.com', zones: ['eu-1a', 'eu-1b'] });
    new StorageClass(chart, 'b', { provisioner: 'ebs.csi.aws.com', zones: ['eu-1a', ''] });
    const objects = renderChart(chart);
    expect(find(objects, 'StorageClass', 'a').allowedTopologies).toEqual([
      { matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['eu-1a', 'eu-1b'] }] },
    ]);
    expect(find(objects, 'StorageClass', 'b').allowedTopologies[0].matchLabelExpressions[0].values).toEqual(['eu-1a', '']);
  });
});
