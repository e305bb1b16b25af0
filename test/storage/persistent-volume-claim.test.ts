import { AccessMode, PersistentVolumeClaim } from '../../constructs';
import { expectCode, teamChart } from '../helpers';

describe('PersistentVolumeClaim (core validation ValidatePersistentVolumeClaimSpec)', () => {
  test('a zero size is CLAIM_INVALID: the storage request must be greater than zero', () => {
    const { chart, team } = teamChart();
    expect(expectCode(() => new PersistentVolumeClaim(chart, 'c', { namespace: team, size: '0' }), 'CLAIM_INVALID').field).toBe('size');
    expect(expectCode(() => new PersistentVolumeClaim(chart, 'd', { namespace: team, size: '0Gi' }), 'CLAIM_INVALID').field).toBe('size');
    expect(() => new PersistentVolumeClaim(chart, 'e', { namespace: team, size: '1Mi' })).not.toThrow();
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
});
