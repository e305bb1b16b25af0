import { ApiObject } from 'cdk8s';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { Service } from 'kubernetes-models/v1/Service';
import type { IServiceSpec, IVolumeMount } from 'kubernetes-models/v1';
import { Construct } from 'constructs';
import { BackupPolicy, BackupSchedule, backUpOnce } from '../backup/backup-schedule';
import { AccessMode, accessModeIssues } from '../core/access-mode';
import { addCheck } from '../core/checks';
import { IssueInput, IssueSink, Problems } from '../core/errors';
import { absolutePathIssue, integerIssue } from '../core/value-issues';
import { modelObject } from '../core/model-object';
import { Annotations } from '../core/metadata';
import { NameRule, derivedNameIssue, nameIssue } from '../core/names';
import { Storage, StorageInput } from '../core/quantity';
import { PodCount, PodDisruptionBudget } from '../policy/pod-disruption-budget';
import { PriorityClass } from '../policy/priority-class';
import { NodeLabels } from '../scheduling/node-labels';
import { Protocol } from '../networking/network-intent';
import { servicePortIssues } from '../networking/service-ports';
import { IVerticallyScalable } from '../policy/vertical-autoscaler';
import { StorageClass } from '../storage/storage-class';
import { claimStorageClassIssue, claimStorageClassNameIssue, storageClassNameOf } from '../storage/claim-storage-class';
import { ContainerProps, Probe, Qos, ResourcePreset, ResourcesProps } from './container';
import { WORKLOAD_SHAPE, Workload, WorkloadProps, podSelectorOf } from './workload';
import { enter, extend, is } from '../core/shape';

/** How pods start and stop. */
export enum PodManagementPolicy {
  /** One at a time, in order (`name-0` first): what clustered databases expect. */
  ORDERED_READY = 'OrderedReady',
  /** All at once. */
  PARALLEL = 'Parallel',
}

/** A per-pod volume claim (`volumeClaimTemplates`, which cdk8s-plus-28 lacks). */
export interface ClaimTemplate {
  /** Claim and volume name, e.g. `data`. */
  readonly name: string;
  /** Where the main container mounts it. */
  readonly mountPath: string;
  readonly size: StorageInput;
  /**
   * A StorageClass the output defines, or the name of one the environment
   * declares as existing (`existingStorageClasses` on the chart).
   * @default - the `defaultStorageClass` of the TeamNamespace (a ClusterPlatform
   *   team's: the platform's `data` class, reclaimPolicy Retain); without one, the
   *   cluster's default StorageClass (whose reclaim policy the output does not
   *   know), refused (STORAGE_CLASS_UNDECLARED) when the environment declares its
   *   `existingStorageClasses`
   */
  readonly storageClass?: StorageClass | string;
  /** @default [AccessMode.READ_WRITE_ONCE] */
  readonly accessModes?: readonly AccessMode[];
}

/** Keep or delete a pod's claims. */
export enum ClaimRetentionPolicy {
  RETAIN = 'Retain',
  DELETE = 'Delete',
}

/** What happens to claims. */
export interface ClaimRetention {
  /** When the StatefulSet is deleted. @default ClaimRetentionPolicy.RETAIN */
  readonly whenDeleted?: ClaimRetentionPolicy;
  /** When it is scaled down. @default ClaimRetentionPolicy.RETAIN */
  readonly whenScaled?: ClaimRetentionPolicy;
}

/** Props of a `StatefulService`. */
export interface StatefulServiceProps extends WorkloadProps {
  /** QoS class: a data store is evicted last. @default Qos.GUARANTEED */
  readonly qos?: Qos;
  /**
   * The main container's resources, a preset or explicit quantities.
   * @default - ResourcePreset.MEDIUM when `qos` is unset too; with `qos` given, as
   *   for any workload: the namespace's LimitRange defaults (counted as such), else
   *   ResourcePreset.SMALL (a Guaranteed pod in a TeamNamespace must then set them)
   */
  readonly resources?: ResourcePreset | ResourcesProps;
  /** Pods; 1 makes it a singleton (at most one pod, drains still allowed). @default 1 */
  readonly replicas?: number;
  /** Per-pod claims. @default - none */
  readonly claims?: readonly ClaimTemplate[];
  /**
   * Priority, as an object.
   * @default - with claims, the output's dataDefault PriorityClass (ClusterPlatform's `high`), so that no workload
   * preempts the data with a higher class; else, or without one, the output's globalDefault PriorityClass, named
   */
  readonly priorityClass?: PriorityClass;
  /** @default PodManagementPolicy.ORDERED_READY */
  readonly podManagementPolicy?: PodManagementPolicy;
  /** Only pods with an ordinal ≥ partition are updated (staged rollouts). @default 0 */
  readonly partition?: number;
  /** @default - Retain on delete and on scale-down (data is never deleted by a manifest change) */
  readonly claimRetention?: ClaimRetention;
  /**
   * Also create a ClusterIP Service `<name>-client` for clients (`clientDnsName`): it lists
   * ready pods only. The headless Service `<name>` publishes every pod before it is ready
   * (`publishNotReadyAddresses`, so that peers find each other while they bootstrap), so
   * a client that connects through it can reach a pod that is still starting or failing
   * its readiness probe. Needed by any client that does not address a given pod.
   * @default false
   * @see https://kubernetes.io/docs/concepts/services-networking/service/#headless-services
   */
  readonly clientService?: boolean;
  /** @default { maxUnavailable: 1 } */
  readonly disruptionBudget?: { readonly minAvailable?: PodCount; readonly maxUnavailable?: PodCount } | false;
  /**
   * Run without persistent storage (no claim, no mounted PersistentVolumeClaim),
   * saying why: e.g. a cache whose pods only need stable names. The reason lands
   * in the annotation `cluster-blueprints.io/no-storage` of the StatefulSet.
   * @default - none: a StatefulService needs a claim or a mounted PersistentVolumeClaim
   */
  readonly noStorageReason?: string;
}

const STATEFUL_SERVICE_SHAPE = extend<StatefulServiceProps, WorkloadProps>(WORKLOAD_SHAPE, {
  replicas: is.number,
  claims: is.list(
    is.props<ClaimTemplate>(
      {
        name: is.string,
        mountPath: is.string,
        size: is.any,
        storageClass: is.either(is.instance(StorageClass), is.string),
        accessModes: is.list(is.oneOf(Object.values(AccessMode), 'AccessMode')),
      },
      ['name', 'mountPath'],
    ),
  ),
  podManagementPolicy: is.oneOf(Object.values(PodManagementPolicy), 'PodManagementPolicy'),
  partition: is.number,
  claimRetention: is.props<ClaimRetention>({
    whenDeleted: is.oneOf(Object.values(ClaimRetentionPolicy), 'ClaimRetentionPolicy'),
    whenScaled: is.oneOf(Object.values(ClaimRetentionPolicy), 'ClaimRetentionPolicy'),
  }),
  clientService: is.boolean,
  disruptionBudget: is.either(
    is.oneOf([false], 'false'),
    is.props<Exclude<StatefulServiceProps['disruptionBudget'], false | undefined>>({ minAvailable: is.any, maxUnavailable: is.any }),
  ),
  noStorageReason: is.string,
});

/**
 * A StatefulSet with its headless (governing) Service, created together,
 * `serviceName` always pointing at it; stable identities (`podDnsName(i)`,
 * published before the pods are ready, for peers), an optional ClusterIP
 * client Service of ready pods only (`clientService`, `clientDnsName`), per-pod claims
 * retained by default, ordered start, partitioned updates, Guaranteed QoS and
 * spread across hosts. With 2+ replicas in a TeamNamespace (default deny),
 * the pods may reach each other on their ports (two NetworkPolicies,
 * `allow-<name>-from-<name>` and `allow-<name>-to-<name>`).
 *
 * @example
 * // A clustered store: each pod keeps its claim and its DNS name (the Cassandra blueprint is a complete one).
 * const store = new StatefulService(chart, 'store', { namespace: data, image: 'ghcr.io/acme/store:2.3.1', replicas: 3,
 *   ports: [{ name: 'client', port: 9042 }, { name: 'peer', port: 7000 }],
 *   claims: [{ name: 'data', mountPath: '/var/lib/store', size: '8Gi' }] });
 * store.peerDnsNames().join(','); // the peers each pod joins
 * // Clients: with `clientService: true`, `store.clientDnsName` ('store-client.<ns>.svc.cluster.local'),
 * // which lists ready pods only; never the headless `peerServiceDnsName`.
 */
export class StatefulService extends Workload implements IVerticallyScalable {
  public readonly statefulSet: ApiObject;
  /**
   * The headless governing Service (`clusterIP: None`, `publishNotReadyAddresses`) that gives
   * each pod its DNS name, ready or not: for peers, not for clients.
   */
  public readonly headlessService: ApiObject;
  /** The ClusterIP client Service `<name>-client` (ready pods only), with `clientService: true`. */
  public readonly clientService?: ApiObject;
  public readonly disruptionBudget?: PodDisruptionBudget;
  public readonly replicas: number;
  /** The claims, with their parsed size and the class they render (the namespace's default when they name none). */
  public readonly claims: readonly (ClaimTemplate & { readonly storage: Storage })[];

  constructor(scope: Construct, id: string, props: StatefulServiceProps) {
    props = enter(scope, id, props, 'StatefulService', STATEFUL_SERVICE_SHAPE).props; // the entry's frozen snapshot: the caller's object is not read again
    // Databases default to Guaranteed QoS (evicted last), sized MEDIUM unless told otherwise.
    // Replicas of a data store never share a host when avoidable.
    const name = props.name ?? id;
    const apart = (props.replicas ?? 1) >= 2 && !props.placement?.podAntiAffinity;
    super(
      scope,
      id,
      {
        ...props,
        qos: props.qos ?? Qos.GUARANTEED,
        resources: props.resources ?? (props.qos === undefined ? ResourcePreset.MEDIUM : undefined),
        ...(apart
          ? {
              placement: {
                ...props.placement,
                podAntiAffinity: [{ labels: podSelectorOf(name), topologyKey: NodeLabels.HOSTNAME, weight: 100 }],
              },
            }
          : {}),
      },
      'StatefulService',
      'database',
    );
    this.replicas = props.replicas ?? 1;
    // A claim that names no class takes its namespace's default (a platform team's Retain class), not the cluster's.
    const defaultClass = this.team?.defaultStorageClass;
    const claims = (props.claims ?? []).map((c) => ({ ...c, storageClass: c.storageClass ?? defaultClass, storage: Storage.of(c.size) }));
    this.claims = claims;

    const ports = this.containers[0].ports.map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: p.name,
      protocol: p.protocol ?? Protocol.TCP,
    }));
    const service = (name: string, spec: IServiceSpec) =>
      new Service({ metadata: { name, namespace: this.namespace, labels: this.objectLabels }, spec: { ...spec, ports } });
    this.headlessService = modelObject(this, 'HeadlessService', () =>
      service(this.name, { clusterIP: 'None', publishNotReadyAddresses: true, selector: { ...this.podSelector } }),
    );
    // Clustered stores (Cassandra gossip, etcd raft, ZooKeeper quorum) talk pod to pod: in a TeamNamespace,
    // which denies everything by default, the replicas would never find each other. Only there: in a namespace
    // managed elsewhere, a policy selecting the pods would isolate them from clients nobody declared.
    // Pods that declare no port have none to open (and a policy without ports would open every one).
    if (this.replicas >= 2 && this.team && this.listenPorts.length > 0) this.allowFrom(this);
    if (props.clientService) {
      this.clientService = modelObject(this, 'ClientService', () =>
        service(`${this.name}-client`, { type: 'ClusterIP', selector: { ...this.podSelector } }),
      );
    }
    const retention = {
      whenDeleted: props.claimRetention?.whenDeleted ?? ClaimRetentionPolicy.RETAIN,
      whenScaled: props.claimRetention?.whenScaled ?? ClaimRetentionPolicy.RETAIN,
    };
    const retained = retention.whenDeleted === ClaimRetentionPolicy.RETAIN && retention.whenScaled === ClaimRetentionPolicy.RETAIN;
    this.statefulSet = modelObject(
      this,
      'Resource',
      () =>
        new StatefulSet({
          metadata: {
            name: this.name,
            namespace: this.namespace,
            labels: this.objectLabels,
            ...(claims.length && retained ? { annotations: { [Annotations.RETAIN]: 'true' } } : {}),
            ...(props.noStorageReason !== undefined ? { annotations: { 'cluster-blueprints.io/no-storage': props.noStorageReason } } : {}),
          },
          spec: {
            serviceName: this.name,
            replicas: this.replicas,
            podManagementPolicy: props.podManagementPolicy ?? PodManagementPolicy.ORDERED_READY,
            updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: props.partition ?? 0 } },
            persistentVolumeClaimRetentionPolicy: retention,
            revisionHistoryLimit: 5,
            selector: { matchLabels: { ...this.podSelector } },
            template: this.podTemplate(this.replicas),
            ...(claims.length
              ? {
                  volumeClaimTemplates: claims.map((c) => ({
                    metadata: { name: c.name, labels: { ...this.podSelector } },
                    spec: {
                      accessModes: [...(c.accessModes ?? [AccessMode.READ_WRITE_ONCE])],
                      ...(c.storageClass ? { storageClassName: storageClassNameOf(c.storageClass) } : {}),
                      resources: { requests: { storage: c.storage.toString() } },
                    },
                  })),
                }
              : {}),
          },
        }),
    );
    this.disruptionBudget = this.createDisruptionBudget(props.disruptionBudget);
    addCheck(this, 'StatefulService', () => this.checkStateful());
    addCheck(this, 'StatefulService', () => this.checkStorageClasses());
  }

  /** With claims and no class of its own: the output's dataDefault class, before the globalDefault (see priorityClass). */
  protected override get priorityClassName(): string | undefined {
    const props = this.props as StatefulServiceProps;
    const data = !props.priorityClass && props.claims?.length ? PriorityClass.dataDefaultOf(this) : undefined;
    return data?.name ?? super.priorityClassName;
  }

  /** Readiness defaults to a TCP check of the first port, as for WebService. */
  protected mainContainerProps(props: StatefulServiceProps): ContainerProps {
    const first = props.ports?.[0];
    return { ...props, readiness: props.readiness ?? (first ? Probe.tcp(first.name, { periodSeconds: 5 }) : undefined) };
  }

  protected override validateProps(props: StatefulServiceProps, problems: IssueSink): void {
    super.validateProps(props, problems);
    const replicas = props.replicas ?? 1;
    problems.addAll(integerIssue('REPLICAS_INVALID', 'replicas', replicas, { min: 1, max: 1000 }, 'use 1 for a singleton, 3 for a quorum'));
    const partition = props.partition ?? 0;
    problems.check(!Number.isSafeInteger(partition) || partition < 0 || partition > replicas, {
      code: 'STRATEGY_INVALID',
      field: 'partition',
      value: partition,
      message: `must be an integer from 0 to replicas (${replicas})`,
      fix: 'use 0 to update every pod',
    });
    const svcName = nameIssue(NameRule.DNS1035_LABEL, 'name', this.name);
    if (svcName) problems.add({ ...svcName, message: `${svcName.message} (it names the headless Service)` });
    problems.addAll(derivedNameIssue('StatefulSet', 'name', this.name));
    // The container ports become the headless (and client) Service's: no two may share (port, protocol).
    const ports = (this.containers[0]?.ports ?? []).map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? Protocol.TCP }));
    problems.addAll(...servicePortIssues('PORT_INVALID', ports, (i, key) => `ports[${i}].${key}`, true));
    problems.addAll(this.storageIssue(props));
    const claimNames = new Set<string>();
    for (const [i, c] of (props.claims ?? []).entries()) {
      problems.addAll(nameIssue(NameRule.DNS1123_LABEL, `claims[${i}].name`, c.name));
      problems.check(claimNames.has(c.name), {
        code: 'CLAIM_INVALID',
        field: `claims[${i}].name`,
        value: c.name,
        message: 'is used twice',
        fix: 'give each claim its own name',
      });
      claimNames.add(c.name);
      problems.addAll(absolutePathIssue('CLAIM_INVALID', `claims[${i}].mountPath`, c.mountPath, '/var/lib/data'));
      if (c.accessModes !== undefined) problems.addAll(...accessModeIssues(`claims[${i}].accessModes`, c.accessModes));
      problems.addAll(claimStorageClassNameIssue(`claims[${i}].storageClass`, c.storageClass));
      const storage = problems.attempt(`claims[${i}].size`, () => Storage.of(c.size, { field: `claims[${i}].size` }));
      if (storage) {
        problems.check(storage.isZero, {
          code: 'CLAIM_INVALID',
          field: `claims[${i}].size`,
          value: c.size,
          message: 'is zero',
          fix: "request a real size such as '8Gi'",
        });
      }
    }
  }

  /**
   * A StatefulService keeps state: without a claim or a mounted
   * PersistentVolumeClaim, everything it writes is lost with the pod, which a
   * Deployment would do with less ceremony. Refused unless a reason is stated.
   */
  private storageIssue(props: StatefulServiceProps): IssueInput | undefined {
    const reason = props.noStorageReason;
    const persistent =
      (props.claims ?? []).length > 0 || (props.mounts ?? []).some((m) => m?.volume?.sourceType === 'persistentVolumeClaim');
    if (persistent && reason === undefined) return undefined;
    if (persistent)
      return {
        code: 'STORAGE_MISSING',
        field: 'noStorageReason',
        value: reason,
        message: 'is set, but the StatefulService has persistent storage',
        fix: 'remove noStorageReason',
      };
    if (reason !== undefined && reason.trim().length >= 10) return undefined;
    return {
      code: 'STORAGE_MISSING',
      field: reason === undefined ? 'claims' : 'noStorageReason',
      value: reason,
      message:
        reason === undefined
          ? 'is empty and no PersistentVolumeClaim is mounted: the pods would lose their data on every restart'
          : 'is not a reason (at least a few words)',
      fix: "add a claim, e.g. claims: [{ name: 'data', mountPath: '/var/lib/data', size: '10Gi', storageClass }], or state noStorageReason (use a Worker or WebService for a stateless app)",
    };
  }

  /**
   * Metrics are scraped through the headless Service when it publishes the
   * port; with a client Service too, both would match the monitor and every pod
   * would be scraped twice, so the pods are scraped directly.
   */
  protected override metricsServicePort(portName: string): string | undefined {
    return this.clientService ? undefined : this.containers[0].ports.find((p) => p.name === portName)?.name;
  }

  public get maxPods(): number {
    return this.replicas;
  }

  public get scaleTarget() {
    return { apiVersion: 'apps/v1', kind: 'StatefulSet', name: this.name };
  }

  /** StatefulServices are not horizontally autoscaled. */
  public get horizontalResourceMetrics(): string[] {
    return [];
  }

  public get minReplicas(): number {
    return this.replicas;
  }

  /** Claims this workload creates (one per pod per template), for the namespace quota. */
  public claimUsage(): { count: number; storage: Storage } {
    return {
      count: this.claims.length * this.replicas,
      storage: this.claims.reduce((s, c) => s.plus(c.storage.times(this.replicas)), Storage.ZERO),
    };
  }

  /**
   * Backs up this workload's namespace (its claims' volumes, Secrets and
   * config: what a restore needs) with a Velero Schedule named
   * `<namespace>-<name>` (past 63 characters, shortened with a hash: Velero
   * copies it into a label of every Backup). Call it once per workload.
   * @returns the BackupSchedule (construct id `Backup`)
   */
  public backUp(policy: BackupPolicy = {}): BackupSchedule {
    return backUpOnce(this, 'StatefulService', 'the workload', policy, () => this.podLabels);
  }

  /** Each claim names a class the output defines or the environment declares as existing. */
  private checkStorageClasses(): IssueInput[] {
    return this.claims.flatMap((c, i) => claimStorageClassIssue(this, `claims[${i}].storageClass`, c.storageClass));
  }

  /** `name-i`. */
  public podName(ordinal: number): string {
    this.checkOrdinal(ordinal);
    return `${this.name}-${ordinal}`;
  }

  /**
   * `name-i.name.ns.svc.cluster.local`: the stable DNS name of pod i, in the headless Service's
   * domain. It resolves as soon as the pod has an address, before it is ready: for peers.
   */
  public podDnsName(ordinal: number): string {
    return `${this.podName(ordinal)}.${this.peerServiceDnsName}`;
  }

  /** Every pod's DNS name, in ordinal order (e.g. Cassandra seeds, etcd peers). */
  public peerDnsNames(): string[] {
    return Array.from({ length: this.replicas }, (_, i) => this.podDnsName(i));
  }

  /**
   * `name.ns.svc.cluster.local`: the headless governing Service, which resolves to every pod,
   * ready or not (`publishNotReadyAddresses`), and is the domain of `podDnsName(i)`. For peers
   * finding each other while they bootstrap; clients use `clientDnsName`.
   */
  public get peerServiceDnsName(): string {
    return `${this.name}.${this.namespace}.svc.cluster.local`;
  }

  /**
   * `name-client.ns.svc.cluster.local`: the ClusterIP client Service, whose endpoints are the
   * ready pods only. What clients connect to. Needs `clientService: true` (CLIENT_SERVICE_MISSING
   * otherwise: the only other name, the headless Service's, reaches pods that are not ready).
   */
  public get clientDnsName(): string {
    if (!this.clientService) {
      const p = new Problems(this, 'StatefulService');
      p.add({
        code: 'CLIENT_SERVICE_MISSING',
        field: 'clientService',
        value: false,
        message:
          'is not set, so there is no client Service: the headless Service publishes pods before they are ready (publishNotReadyAddresses), and a client connecting through it bypasses readiness',
        fix: 'set clientService: true (a ClusterIP Service `<name>-client` of ready pods), or use podDnsName(i)/peerServiceDnsName for peers',
      });
      p.throwIfAny();
    }
    return `${this.name}-client.${this.namespace}.svc.cluster.local`;
  }

  /**
   * The headless Service's DNS name, as `peerServiceDnsName`: it resolves to every pod, ready or not.
   * @deprecated clients use `clientDnsName` (ready pods only, with `clientService: true`); peers use
   *   `peerServiceDnsName` or `podDnsName(i)`.
   */
  public get serviceDnsName(): string {
    return this.peerServiceDnsName;
  }

  private checkOrdinal(ordinal: number): void {
    if (!Number.isSafeInteger(ordinal) || ordinal < 0 || ordinal >= this.replicas) {
      const p = new Problems(this, 'StatefulService');
      p.add({
        code: 'ORDINAL_INVALID',
        field: 'ordinal',
        value: ordinal,
        message: `is not a pod of this StatefulSet (0–${this.replicas - 1})`,
        fix: 'use an ordinal below replicas',
      });
      p.throwIfAny();
    }
  }

  /** Each claim is mounted into the main container; its volume comes from `volumeClaimTemplates`, not the pod. */
  protected override mainOnlyMounts(): IVolumeMount[] {
    return this.claims.map((c) => ({ name: c.name, mountPath: c.mountPath }));
  }

  private checkStateful(): IssueInput[] {
    const lr = this.team?.limitRange;
    const limits = lr ? this.claims.flatMap((c, i) => lr.claimViolations(c.storage, `claims[${i}].size`)) : [];
    // The StatefulSet controller gives each pod its claims as volumes named after the templates, replacing a pod
    // volume of the same name (apps statefulset updateStorage): its mounts would silently see the claim instead.
    const spec = (this.statefulSet.toJson() as { spec?: { template?: { spec?: { volumes?: { name?: string }[] } } } }).spec;
    const podVolumes = new Set((spec?.template?.spec?.volumes ?? []).map((v) => v.name));
    const shadowed = this.claims.flatMap((c, i): IssueInput[] =>
      podVolumes.has(c.name)
        ? [
            {
              code: 'VOLUME_DUPLICATE',
              field: `claims[${i}].name`,
              value: c.name,
              message:
                "is also the name of a pod volume (a writable path, a mount or a sidecar's): the StatefulSet controller replaces that volume with the claim",
              fix: "give the claim a name no volume of the pod has, e.g. 'data'",
            },
          ]
        : [],
    );
    return [...limits, ...shadowed];
  }
}
