import { IssueInput } from './errors';

/**
 * Access modes of a volume claim, shared by a StatefulService's claim templates
 * and a PersistentVolumeClaim (here, below both, so storage need not import workloads).
 * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
 */
export enum AccessMode {
  READ_WRITE_ONCE = 'ReadWriteOnce',
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  READ_ONLY_MANY = 'ReadOnlyMany',
  READ_WRITE_MANY = 'ReadWriteMany',
}

/**
 * The `CLAIM_INVALID` issues of a claim's access modes, as core validation
 * ValidatePersistentVolumeClaimSpec refuses them: none at all, or
 * ReadWriteOncePod next to another mode.
 */
export function accessModeIssues(field: string, modes: readonly AccessMode[]): IssueInput[] {
  if (modes.length === 0)
    return [{ code: 'CLAIM_INVALID', field, value: [], message: 'is empty', fix: 'use e.g. [AccessMode.READ_WRITE_ONCE]' }];
  if (modes.includes(AccessMode.READ_WRITE_ONCE_POD) && modes.some((m) => m !== AccessMode.READ_WRITE_ONCE_POD))
    return [
      {
        code: 'CLAIM_INVALID',
        field,
        value: [...modes],
        message: 'combines ReadWriteOncePod with another mode; the API server accepts ReadWriteOncePod only alone',
        fix: 'use [AccessMode.READ_WRITE_ONCE_POD] alone, or drop it',
      },
    ];
  return [];
}
