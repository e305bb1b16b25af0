import { is } from '../core/shape';
import { ApiObject } from 'cdk8s';
// The generated Kube* classes alone: cdk8s-plus-28's index also loads all its constructs (about 100 ms of every import).
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { addCheck } from '../core/checks';
import { componentLabels } from '../core/metadata';
import { NamespacedObject } from '../core/namespaced-object';
import { Cpu, Memory, Storage, StorageInput } from '../core/quantity';
import { IQuotaConsumer, PodResources, TeamNamespace } from '../namespace/team-namespace';
import { AccessMode, accessModeIssues } from '../core/access-mode';
import { StorageClass } from './storage-class';
import { claimStorageClassIssue, claimStorageClassNameIssue, storageClassNameOf } from './claim-storage-class';

/** Props of a `PersistentVolumeClaim`. @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims */
export interface PersistentVolumeClaimProps {
  /** The namespace: a `TeamNamespace` (the claim counts against its quota) or a name. */
  readonly namespace: TeamNamespace | string;
  /** Claim name. @default - the construct id */
  readonly name?: string;
  /** Storage requested, e.g. `'20Gi'`. */
  readonly size: StorageInput;
  /**
   * The class: a StorageClass of the output, or the name of one the cluster has
   * (declared in `existingStorageClasses` when the environment declares them).
   * @default - the `defaultStorageClass` of a TeamNamespace (a ClusterPlatform team's: the
   *   platform's `data` class, reclaimPolicy Retain); without one, the cluster's default
   *   StorageClass, refused (STORAGE_CLASS_UNDECLARED) when the environment declares its
   *   `existingStorageClasses`, as for a StatefulService's claims
   */
  readonly storageClass?: StorageClass | string;
  /** @default [AccessMode.READ_WRITE_ONCE] — one node at a time; share across nodes with READ_WRITE_MANY */
  readonly accessModes?: readonly AccessMode[];
}

/** The shape of the props (checked at entry; the size is judged by its parser). */
const PVC_SHAPE = is.props<PersistentVolumeClaimProps>(
  {
    namespace: is.either(is.instance(TeamNamespace), is.string),
    name: is.string,
    size: is.any,
    storageClass: is.either(is.instance(StorageClass), is.string),
    accessModes: is.list(is.oneOf(Object.values(AccessMode), 'AccessMode')),
  },
  ['size'],
);

/**
 * A standalone PersistentVolumeClaim that ordinary workloads mount with
 * `Volume.fromClaim(claim)` (per-pod claims belong in `StatefulService.claims`).
 * It counts against its TeamNamespace's `persistentvolumeclaims` and
 * `requests.storage` quota, and Argo CD never prunes it.
 */
export class PersistentVolumeClaim extends NamespacedObject<PersistentVolumeClaimProps> implements IQuotaConsumer {
  public readonly size: Storage;
  public readonly apiObject: ApiObject;
  /** A claim runs no pods. */
  public readonly maxPods = 0;

  constructor(scope: Construct, id: string, props: PersistentVolumeClaimProps) {
    super(scope, id, props, 'PersistentVolumeClaim', PVC_SHAPE);
    const { problems } = this;
    props = this.checked; // without the fields whose shape failed: the checks below skip them
    const size = problems.attempt('size', () => Storage.of(props.size, { field: 'size' }));
    const modes = props.accessModes ?? [AccessMode.READ_WRITE_ONCE];
    problems.addAll(...accessModeIssues('accessModes', modes), claimStorageClassNameIssue('storageClass', props.storageClass));
    // core validation ValidatePersistentVolumeClaimSpec: the storage request must be greater than zero.
    problems.check(size?.isZero === true, {
      code: 'CLAIM_INVALID',
      field: 'size',
      value: props.size,
      message: 'is zero; the API server requires a storage request greater than zero',
      fix: "request a real size such as '8Gi'",
    });
    problems.throwIfAny();
    this.size = size!;
    const storageClass = props.storageClass ?? (props.namespace instanceof TeamNamespace ? props.namespace.defaultStorageClass : undefined);
    addCheck(this, 'PersistentVolumeClaim', () => claimStorageClassIssue(this, 'storageClass', storageClass));
    if (props.namespace instanceof TeamNamespace) {
      const team = props.namespace;
      team.addQuotaConsumer(this);
      // The API server refuses a claim outside the namespace's LimitRange.
      addCheck(this, 'PersistentVolumeClaim', () => team.limitRange.claimViolations(this.size, 'size'));
    }
    this.apiObject = new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: componentLabels({ name: this.name, component: 'storage' }) },
      spec: {
        accessModes: [...modes],
        resources: { requests: { storage: k8s.Quantity.fromString(this.size.toString()) } },
        ...(storageClass === undefined ? {} : { storageClassName: storageClassNameOf(storageClass) }),
      },
    });
  }

  public podResources(): PodResources {
    return { requests: { cpu: Cpu.ZERO, memory: Memory.ZERO }, limits: {} };
  }

  public claimUsage(): { count: number; storage: Storage } {
    return { count: 1, storage: this.size };
  }
}
