import { ApiObject } from 'cdk8s';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Construct } from 'constructs';
import { HOST_PATH_TYPE_SHAPE, HostPathType, Volume, hostPathIssue, volumeNameIssue } from '../config/volume';
import { clusterFactsOf } from '../core/cluster-facts';
import { IssueInput, IssueSink } from '../core/errors';
import { absolutePathIssue, integerIssue } from '../core/value-issues';
import { nodeCount, nodeCountIssue } from '../core/node-count';
import { modelObject } from '../core/model-object';
import { exemptPolarisCheck, exemptRunAsRoot, ignoreKubeLinterCheck } from '../core/metadata';
import { PodCount, isValidCount } from '../policy/pod-disruption-budget';
import { PriorityClass } from '../policy/priority-class';
import { ControlPlaneTaints } from '../scheduling/node-labels';
import { TaintEffect, Toleration } from '../scheduling/placement';
import { ContainerProps, mountPathIssue } from './container';
import { enter, extend, is } from '../core/shape';
import { WORKLOAD_SHAPE, Workload, WorkloadProps } from './workload';

/**
 * A directory, file, socket or device of the node mounted into the agent.
 *
 * @example
 * hostPaths: [
 *   { name: 'varlog', hostPath: '/var/log' },
 *   { name: 'machine-id', hostPath: '/etc/machine-id', type: 'File' },
 * ]
 */
export interface HostPathMount {
  /** Volume name. */
  readonly name: string;
  /** Path on the node, e.g. `/var/log`. */
  readonly hostPath: string;
  /** Path in the container. @default - same as hostPath */
  readonly mountPath?: string;
  /**
   * A writable hostPath needs an agent running as root
   * (`securityProfile.runAsRoot`): the node path is root's, and fsGroup does
   * not apply to hostPath (HOSTPATH_INVALID otherwise).
   * @default true
   */
  readonly readOnly?: boolean;
  /**
   * What the kubelet checks `hostPath` to be before it starts the pod (a
   * mismatch leaves the pod in ContainerCreating): `'File'` for
   * `/etc/machine-id`, `'Socket'` for `/run/containerd/containerd.sock`. A
   * directory `DirectoryOrCreate` creates is owned by root (mode 0755).
   * @default 'Directory' (it must exist) when read-only; 'DirectoryOrCreate' when writable,
   *   so a state directory the agent keeps is created on a fresh node
   */
  readonly type?: HostPathType;
}

/** Props of a `NodeAgent`. */
export interface NodeAgentProps extends WorkloadProps {
  /** Also run on control-plane nodes. @default false */
  readonly tolerateControlPlane?: boolean;
  /** Nodes updated at once during a rollout. @default 1 */
  readonly maxUnavailable?: PodCount;
  /**
   * Priority of the agent's pods. Give a node agent a class above every workload's (e.g. `ClusterPlatform`'s
   * `priorities.critical`): the scheduler places the pods of higher priority first, so on a node they fill (most
   * often a new one) the agent's pod stays Pending and the node goes without it, unless it may preempt them.
   * @default - the output's globalDefault PriorityClass, named (else none: the cluster's default applies)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#how-daemon-pods-are-scheduled
   */
  readonly priorityClass?: PriorityClass;
  /**
   * Use the built-in `system-node-critical` priority (evicted last) instead of `priorityClass` (PRIORITY_INVALID
   * with both). Outside kube-system the API server admits it only where a ResourceQuota of the namespace selects
   * the class (scopeSelector PriorityClass In [system-node-critical]) on clusters that limit the system classes
   * (`limitedResources`, as GKE Autopilot does); a class of your own is accepted everywhere.
   * @default false
   * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#limit-priority-class-consumption-by-default
   */
  readonly systemNodeCritical?: boolean;
  /**
   * Node directories to mount. Only when explicitly requested, and only in a
   * namespace whose Pod Security level allows hostPath (privileged). A writable
   * one, or one under `/var/log` (the container logs are root-only, 0640), needs
   * `securityProfile: { runAsRoot: true }` (HOSTPATH_INVALID otherwise).
   * @default - none
   */
  readonly hostPaths?: readonly HostPathMount[];
  /**
   * The most nodes the agent runs on at once (one pod each), counted against
   * its namespace's quota: with a cluster autoscaler, its maximum node count,
   * not today's. A quota that admits fewer pods leaves the nodes beyond them
   * without an agent (the DaemonSet only logs FailedCreate).
   * @default - the cluster fact `maxNodes` (setClusterFacts); in a TeamNamespace one of the two is required
   *   (NODE_COUNT_UNKNOWN otherwise, the rule `cluster-blueprints check --nodes` applies), as no small default would be
   *   true of every cluster
   */
  readonly expectedNodes?: number;
}

const NODE_AGENT_SHAPE = extend<NodeAgentProps, WorkloadProps>(WORKLOAD_SHAPE, {
  tolerateControlPlane: is.boolean,
  maxUnavailable: is.any,
  systemNodeCritical: is.boolean,
  hostPaths: is.list(
    is.props<HostPathMount>({ name: is.any, hostPath: is.any, mountPath: is.string, readOnly: is.boolean, type: HOST_PATH_TYPE_SHAPE }),
  ),
  expectedNodes: is.number,
});

/**
 * The node directories kube-linter's sensitive-host-mounts check flags by default (the `dirs` of its
 * pkg/builtinchecks/yamls/host-mounts.yaml, each anchored `^…$`: matched against the hostPath as written).
 */
const SENSITIVE_HOST_DIRS: readonly string[] = ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr'];

/**
 * Node directories whose files only root can read: the container logs
 * (containerd's CRI openLogFile creates /var/log/pods/<pod>/<container>/*.log
 * root-owned, mode 0640; /var/log/containers holds symlinks to them) and the
 * rest of /var/log (rsyslog's and journald's files are 0640 too, owned by root
 * or by a group the pod is not in). Ancestors like `/` are left out: agents such
 * as node-exporter mount them read-only as non-root and only stat them.
 */
function readsRootOnlyLogs(hostPath: string): boolean {
  const segments = hostPath.split('/').filter((s) => s !== '' && s !== '.');
  return segments[0] === 'var' && segments[1] === 'log';
}

/**
 * A hostPath the agent could not use without running as root: a writable one
 * (a directory DirectoryOrCreate makes is root-owned 0755, an existing node path
 * belongs to the node's own users, and fsGroup does not apply to hostPath, so
 * every write fails with EACCES) or one under /var/log (it would read nothing).
 * Root reads and writes root-owned files with every capability still dropped;
 * the privileged level hostPath needs allows root.
 */
function rootOnlyIssue(props: NodeAgentProps, i: number, h: HostPathMount): IssueInput | undefined {
  if (props.securityProfile?.runAsRoot === true) return undefined;
  const who = props.runAsUser !== undefined ? `UID ${props.runAsUser}` : 'a non-root UID (the restricted default)';
  const fix =
    'set securityProfile: { runAsRoot: true } (root needs the baseline level, and the privileged level hostPath needs allows it; every capability stays dropped)';
  if (h.readOnly === false)
    return {
      code: 'HOSTPATH_INVALID',
      field: `hostPaths[${i}].readOnly`,
      value: false,
      message: `is false, but the agent runs as ${who}: ${h.hostPath} is root's on the node (DirectoryOrCreate creates it root-owned, mode 0755), and fsGroup does not apply to hostPath: every write fails (EACCES)`,
      fix: `${fix}, or mount it read-only`,
    };
  if (readsRootOnlyLogs(h.hostPath))
    return {
      code: 'HOSTPATH_INVALID',
      field: `hostPaths[${i}].hostPath`,
      value: h.hostPath,
      message: `holds node logs only root can read (containerd writes /var/log/pods/*/*/*.log root-owned, mode 0640), but the agent runs as ${who}: it would read nothing`,
      fix,
    };
  return undefined;
}

/** A DaemonSet for node agents (log shippers, metrics agents): one pod per node. */
export class NodeAgent extends Workload {
  public readonly daemonSet: ApiObject;
  /** The most nodes it runs on: `expectedNodes`, else the cluster fact `maxNodes`; unknown only outside a TeamNamespace. */
  public readonly expectedNodes: number | undefined;

  /** One pod per node by design: production's two-pod minimum does not apply. */
  protected get highAvailabilityApplies(): boolean {
    return false;
  }

  constructor(scope: Construct, id: string, props: NodeAgentProps) {
    props = enter(scope, id, props, 'NodeAgent', NODE_AGENT_SHAPE).props; // the entry's frozen snapshot: the caller's object is not read again
    // A host path the pod would refuse is reported by validateProps (under hostPaths[i]), not thrown by Volume.hostPath.
    const usable = (props.hostPaths ?? []).filter(
      (h) =>
        !volumeNameIssue('name', h.name) && !hostPathIssue('', 'hostPath', h.hostPath) && !mountPathIssue('', h.mountPath ?? h.hostPath),
    );
    const hostVolumes = usable.map((h) => {
      const readOnly = h.readOnly ?? true;
      return {
        volume: Volume.hostPath(h.name, h.hostPath, h.type ?? (readOnly ? 'Directory' : 'DirectoryOrCreate')),
        path: h.mountPath ?? h.hostPath,
        readOnly,
      };
    });
    const tolerations = [
      ...(props.placement?.tolerations ?? []),
      ...(props.tolerateControlPlane ? [Toleration.exists(ControlPlaneTaints.CONTROL_PLANE, TaintEffect.NO_SCHEDULE)] : []),
    ];
    const main: ContainerProps = { ...props, mounts: [...(props.mounts ?? []), ...hostVolumes] };
    super(scope, id, { ...props, ...main, placement: { ...props.placement, tolerations, spread: false } }, 'NodeAgent', 'node-agent');
    this.expectedNodes = props.expectedNodes ?? clusterFactsOf(this).maxNodes;
    this.daemonSet = modelObject(
      this,
      'Resource',
      () =>
        new DaemonSet({
          metadata: this.objectMetadata,
          spec: {
            selector: { matchLabels: { ...this.podSelector } },
            updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: props.maxUnavailable ?? 1 } },
            revisionHistoryLimit: 5,
            template: this.podTemplate(1),
          },
        }),
    );
    // Polaris' topologySpreadConstraint spares only Jobs and CronJobs: a DaemonSet runs one pod per node by construction,
    // so there is nothing to spread. Polaris reads no reason: it is this comment.
    exemptPolarisCheck(this.daemonSet, 'topologySpreadConstraint');
    // The agent mounts the node's paths to read the node's files, which is what it is for (hostPaths is given
    // explicitly, and only in a namespace whose Pod Security level admits hostPath): Polaris' hostPathSet refuses any.
    if (hostVolumes.length > 0) exemptPolarisCheck(this.daemonSet, 'hostPathSet');
    // So does kube-linter's sensitive-host-mounts, for the node's system directories (/proc, /sys…): said with the
    // reason where the agent only reads them. A writable one stays judged.
    const sensitive = usable.filter((h) => SENSITIVE_HOST_DIRS.includes(h.hostPath));
    if (sensitive.length > 0 && sensitive.every((h) => h.readOnly !== false))
      ignoreKubeLinterCheck(
        this.daemonSet,
        'sensitive-host-mounts',
        `mounts the node's ${sensitive.map((h) => h.hostPath).join(', ')} read-only to read the node's state, which is what the agent is for (hostPaths, given explicitly, in a namespace whose Pod Security level admits hostPath)`,
      );
    // Root is what these node paths need (rootOnlyIssue): say so to the linters that refuse root, with the reason.
    const rootPaths = (props.hostPaths ?? []).filter((h) => h.readOnly === false || readsRootOnlyLogs(h.hostPath)).map((h) => h.hostPath);
    if (props.securityProfile?.runAsRoot === true && rootPaths.length > 0)
      exemptRunAsRoot(
        this.daemonSet,
        `runs as root to use node paths only root can (${rootPaths.join(', ')}); its namespace's Pod Security level admits it`,
      );
  }

  protected override validateProps(props: NodeAgentProps, problems: IssueSink): void {
    super.validateProps(props, problems);
    const maxNodes = clusterFactsOf(this).maxNodes;
    const expectedNodes = props.expectedNodes ?? maxNodes;
    const fix = 'give the most nodes the cluster runs (with a cluster autoscaler, its maximum)';
    if (expectedNodes !== undefined)
      problems.addAll(
        integerIssue(
          'REPLICAS_INVALID',
          'expectedNodes',
          expectedNodes,
          { min: 1 },
          props.expectedNodes === undefined ? `${fix} as the cluster fact maxNodes` : fix,
        ),
      );
    // Every node's pod counts against a TeamNamespace's quota: the rule `cluster-blueprints check --nodes` applies too.
    problems.addAll(
      nodeCountIssue(expectedNodes, this.team !== undefined ? this.namespace : undefined, {
        field: 'expectedNodes',
        howToSet: 'expectedNodes: <n>, or setClusterFacts(app, { maxNodes: <n> }) for every agent',
      }),
    );
    problems.check(props.systemNodeCritical === true && props.priorityClass !== undefined, {
      code: 'PRIORITY_INVALID',
      field: 'systemNodeCritical',
      value: true,
      message: `and priorityClass (${props.priorityClass?.name}) both set the pods' priority class; the pods can have one`,
      fix: 'keep one of them: systemNodeCritical (kube-system, or a namespace whose quota admits it) or priorityClass',
    });
    // The DaemonSet has no maxSurge (0): maxUnavailable 0 could never update a node (ValidateRollingUpdateDaemonSet).
    const maxUnavailable = props.maxUnavailable;
    if (maxUnavailable !== undefined) {
      const valid = isValidCount(maxUnavailable);
      problems.check(!valid || Number(String(maxUnavailable).replace('%', '')) === 0, {
        code: 'STRATEGY_INVALID',
        field: 'maxUnavailable',
        value: maxUnavailable,
        message: valid
          ? 'is 0: with no surge either, the rollout could never update a node (the API server refuses it)'
          : 'must be a positive integer or a percentage like "10%"',
        fix: 'use e.g. 1 or "10%"',
      });
    }
    for (const [i, h] of (props.hostPaths ?? []).entries()) {
      const hostPath =
        absolutePathIssue('HOSTPATH_INVALID', `hostPaths[${i}].hostPath`, h.hostPath, '/var/log') ??
        hostPathIssue('HOSTPATH_INVALID', `hostPaths[${i}].hostPath`, h.hostPath);
      // The container path (the hostPath unless given): reported here, as the mount it becomes is left out.
      const mountPath =
        h.mountPath !== undefined || !hostPath ? mountPathIssue(`hostPaths[${i}].mountPath`, h.mountPath ?? h.hostPath) : undefined;
      problems.addAll(
        volumeNameIssue(`hostPaths[${i}].name`, h.name),
        hostPath,
        mountPath,
        hostPath ? undefined : rootOnlyIssue(props, i, h),
      );
    }
  }

  protected get priorityClassName(): string | undefined {
    return (this.props as NodeAgentProps).systemNodeCritical ? PriorityClass.SYSTEM_NODE_CRITICAL : super.priorityClassName;
  }

  // Read only by a TeamNamespace's quota and checks, where validateProps requires the count (nodeCountIssue).
  public get maxPods(): number {
    return nodeCount(this.expectedNodes);
  }
  public get minReplicas(): number {
    return nodeCount(this.expectedNodes);
  }
}
