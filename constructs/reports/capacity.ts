import { Cpu, Memory } from '../core/quantity';
import { COMPUTE_SHAPE, ComputeResources } from '../core/resources';
import { Problems } from '../core/errors';
import { isValidCount, resolvePodCount } from '../policy/pod-disruption-budget';
import { podCount } from '../core/value-issues';
import { ManifestIndex, podTemplateOf, readingObjects } from '../rules/manifest-index';
import { NodeMisfit, nodeFit, resolveAllocatable } from '../rules/node-fit';
import { PodSum as Sum, addSum as add, podResourcesOf as podResources, zeroSum as zero } from '../rules/pod-resources';
import { checkArgs, is } from '../core/shape';
import { nodeCount } from '../core/node-count';
import { NamespaceQuota, QuotaLimits, QuotaPods, podQuotaExcesses, quotaFromManifest } from '../namespace/resource-quota';

/** One namespace's peak use against its quota. */
export interface NamespaceCapacity {
  readonly namespace: string;
  /** Pods at the HPA minimum / at the HPA maximum plus rollout surge. */
  readonly pods: { readonly min: number; readonly max: number; readonly quota?: number };
  readonly requests: {
    readonly cpu: { min: string; max: string; quota?: string };
    readonly memory: { min: string; max: string; quota?: string };
  };
  readonly limits: {
    readonly cpu: { min: string; max: string; quota?: string };
    readonly memory: { min: string; max: string; quota?: string };
  };
}

/** Node sizing for a declared node size. */
export interface NodePlan {
  readonly allocatable: { readonly cpu: string; readonly memory: string };
  /**
   * Nodes needed for peak requests, plus one so the largest node can be lost.
   * @default - none: no node of this size runs every pod (`unschedulable` says why)
   */
  readonly nodes?: number;
  /**
   * Why no number of nodes of this size runs the pods: a pod that, beside the DaemonSets on every node, fits no node
   * (NODE_TOO_SMALL, an error of `check`), or DaemonSets that alone exceed a node.
   * @default - every pod fits a node
   */
  readonly unschedulable?: string;
  /** Pods of the largest request that fit one node beside the DaemonSets (0 when it fits none). */
  readonly podsPerNode: number;
  /** DaemonSet requests per node ÷ allocatable, in %. */
  readonly fixedOverheadPercent: number;
}

export interface CapacityReport {
  readonly namespaces: readonly NamespaceCapacity[];
  readonly total: { readonly requests: { cpu: string; memory: string }; readonly podsMax: number };
  readonly nodes?: NodePlan;
  readonly warnings: readonly string[];
}

/** How a warning names each pod-related quota limit, in the order warnings list them. */
const LABELS: Partial<Record<keyof QuotaLimits, string>> = {
  requestsCpu: 'requested CPU',
  requestsMemory: 'requested memory',
  limitsCpu: 'CPU limits',
  limitsMemory: 'memory limits',
  requestsEphemeralStorage: 'requested ephemeral storage',
  limitsEphemeralStorage: 'ephemeral storage limits',
};
const ORDER: readonly string[] = Object.keys(LABELS);

function surge(o: any, replicas: number): number {
  if (o.kind !== 'Deployment' || o.spec?.strategy?.type === 'Recreate') return 0;
  const maxSurge = o.spec?.strategy?.rollingUpdate?.maxSurge ?? '25%';
  // A maxSurge the API server refuses (-1, 'half', a map; the schema check reports it) adds no pods.
  return isValidCount(maxSurge) ? resolvePodCount(maxSurge, replicas) : 0;
}

/** Options of `capacityReport`. */
export interface CapacityReportOptions {
  /** Allocatable CPU and memory of one node, for the node count. @default - unknown: no node plan */
  readonly nodeAllocatable?: ComputeResources;
  /** Nodes the cluster runs: a DaemonSet's pods count once per node. @default 1 (checkManifests requires it where a quota counts them) */
  readonly nodes?: number;
}

/**
 * Requests and limits × replicas per namespace (at the HPA minimum and at
 * the maximum plus surge) against the quota; for a declared node size, the
 * node count with room to lose the largest node, and warnings when fewer than
 * 5 pods fit a node or fixed per-node overhead exceeds 10%.
 */
export function capacityReport(objects: readonly unknown[], options: CapacityReportOptions = {}): CapacityReport {
  checkArgs(
    'capacityReport',
    ['objects', objects, is.list(is.any)],
    ['options', options, is.props<CapacityReportOptions>({ nodeAllocatable: COMPUTE_SHAPE, nodes: is.number }), 'optional'],
  );
  return readingObjects('capacityReport', objects, () => reportOf(objects, options));
}

function reportOf(objects: readonly any[], options: CapacityReportOptions): CapacityReport {
  const index = new ManifestIndex(objects.filter((o) => o?.kind));
  const perNs = new Map<
    string,
    { podsMin: number; podsMax: number; reqMin: Sum; reqMax: Sum; limMin: Sum; limMax: Sum; pods: QuotaPods[] }
  >();
  let largest = zero();
  for (const o of index.objects) {
    const t = podTemplateOf(o);
    if (!t?.spec || o.kind === 'Pod') continue;
    const ns = o.metadata?.namespace ?? '';
    let pod: { requests: Sum; limits: Sum };
    try {
      pod = podResources(index, t.spec, ns);
    } catch {
      continue; // unparsable quantities: the schema check reports them
    }
    if (pod.requests.cpu.gt(largest.cpu)) largest = { ...largest, cpu: pod.requests.cpu };
    if (pod.requests.memory.gt(largest.memory)) largest = { ...largest, memory: pod.requests.memory };
    let min: number;
    let max: number;
    if (o.kind === 'DaemonSet') {
      min = max = nodeCount(options.nodes);
    } else if (o.kind === 'Job' || o.kind === 'CronJob') {
      const spec = o.kind === 'Job' ? o.spec : o.spec?.jobTemplate?.spec;
      min = 0;
      max = (podCount(spec?.parallelism) ?? 1) * (o.kind === 'CronJob' && o.spec?.concurrencyPolicy === 'Allow' ? 2 : 1);
    } else {
      const r = index.replicas(o);
      min = r.min;
      max = r.max + surge(o, r.max);
    }
    const e = perNs.get(ns) ?? { podsMin: 0, podsMax: 0, reqMin: zero(), reqMax: zero(), limMin: zero(), limMax: zero(), pods: [] };
    // The quota scopes' view of the pods (Terminating: the pod's own activeDeadlineSeconds is set, >= 0).
    const deadline = t.spec.activeDeadlineSeconds;
    e.pods.push({
      name: `${o.kind}/${o.metadata?.name ?? ''}`,
      count: max,
      requests: pod.requests,
      limits: pod.limits,
      terminating: typeof deadline === 'number' && deadline >= 0,
    });
    e.podsMin += min;
    e.podsMax += max;
    e.reqMin = add(e.reqMin, pod.requests, min);
    e.reqMax = add(e.reqMax, pod.requests, max);
    e.limMin = add(e.limMin, pod.limits, min);
    e.limMax = add(e.limMax, pod.limits, max);
    perNs.set(ns, e);
  }
  const warnings: string[] = [];
  const namespaces: NamespaceCapacity[] = [...perNs.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ns, e]) => {
      // Quota admission applies every ResourceQuota of the namespace, each to the pods its scopes match.
      const quotas = index
        .ofKindIn('ResourceQuota', ns)
        .map((o) => ({ o, q: quotaFromManifest(o) }))
        .filter((x): x is { o: any; q: NamespaceQuota } => x.q !== undefined);
      const named = (q: NamespaceQuota) =>
        quotas.length === 1 ? 'the quota' : `ResourceQuota ${q.name}${q.scopes.length ? ` (scopes ${q.scopes.join(', ')})` : ''}`;
      const peak: [string, string][] = [];
      for (const { q } of quotas)
        for (const x of podQuotaExcesses(q, e.pods)) {
          const text = `exceeds ${named(q)} ${x.hardName}=${x.hard}`;
          if (x.key === 'pods') peak.push([x.key, `${ns}: ${x.used} pods at peak exceed ${named(q)} pods=${x.hard}`]);
          else peak.push([x.key, `${ns}: ${LABELS[x.key]} at peak (${x.used}) ${text}`]);
        }
      // Compute before pods, in the order of the keys.
      peak.sort(([a], [b]) => (a === 'pods' ? 1 : 0) - (b === 'pods' ? 1 : 0) || ORDER.indexOf(a) - ORDER.indexOf(b));
      warnings.push(...peak.map(([, w]) => w));
      // The table shows the binding ceiling: the tightest of the quotas that count every pod (no scopes).
      const unscoped = quotas.filter(({ q }) => q.scopes.length === 0);
      const tightest = (key: keyof QuotaLimits, k: string): { shown: string; n?: number } | undefined => {
        let best: { o: any; v: any } | undefined;
        for (const { o, q } of unscoped) {
          const v = q.hard[key];
          if (v !== undefined && (best === undefined || (typeof v === 'number' ? v < best.v : v.lt(best.v)))) best = { o, v };
        }
        if (best === undefined) return undefined;
        const raw = best.o.spec?.hard?.[k];
        return { shown: raw === undefined ? String(best.v) : String(raw), n: typeof best.v === 'number' ? best.v : undefined };
      };
      const quota = (key: keyof QuotaLimits, k: string) => tightest(key, k)?.shown;
      const podQuota = tightest('pods', 'pods')?.n;
      return {
        namespace: ns,
        pods: { min: e.podsMin, max: e.podsMax, ...(podQuota !== undefined ? { quota: podQuota } : {}) },
        requests: {
          cpu: { min: `${e.reqMin.cpu}`, max: `${e.reqMax.cpu}`, quota: quota('requestsCpu', 'requests.cpu') },
          memory: { min: `${e.reqMin.memory}`, max: `${e.reqMax.memory}`, quota: quota('requestsMemory', 'requests.memory') },
        },
        limits: {
          cpu: { min: `${e.limMin.cpu}`, max: `${e.limMax.cpu}`, quota: quota('limitsCpu', 'limits.cpu') },
          memory: { min: `${e.limMin.memory}`, max: `${e.limMax.memory}`, quota: quota('limitsMemory', 'limits.memory') },
        },
      };
    });
  const totalReq = [...perNs.values()].reduce((s, e) => add(s, e.reqMax), zero());
  const podsMax = [...perNs.values()].reduce((n, e) => n + e.podsMax, 0);
  let nodes: NodePlan | undefined;
  if (options.nodeAllocatable) {
    const alloc = resolveAllocatable('capacityReport', options.nodeAllocatable);
    requireBoth(alloc);
    const { cpu, memory } = alloc;
    // The same verdicts as NODE_TOO_SMALL: a pod that fits no node beside the DaemonSets leaves no node count.
    const fit = nodeFit(index, { cpu, memory });
    const daemon = fit.daemons;
    // DaemonSet pods run on every node: what is left per node serves the rest.
    const usable = { cpu: cpu.nanos - daemon.cpu.nanos, memory: memory.nanos - daemon.memory.nanos };
    const rest = {
      cpu: totalReq.cpu.nanos - daemon.cpu.nanos * BigInt(nodeCount(options.nodes)),
      memory: totalReq.memory.nanos - daemon.memory.nanos * BigInt(nodeCount(options.nodes)),
    };
    const unschedulable = unschedulableReason(fit.misfits, daemon, cpu, memory);
    const positive = (n: bigint) => (n > 0n ? n : 0n);
    // Nodes for `a` at `b` per node. Nothing to place needs none, even where the DaemonSets leave nothing (b = 0);
    // something to place with nothing left is a pod that fits no node, which unschedulable already names.
    const need = (a: bigint, b: bigint) => (a <= 0n ? 0 : b > 0n ? Number((a + b - 1n) / b) : undefined);
    const needs = [need(rest.cpu, usable.cpu), need(rest.memory, usable.memory)];
    const count = unschedulable || needs.includes(undefined) ? undefined : Math.max(...(needs as number[]), 1) + 1;
    const perNode = (have: bigint, each: Cpu | Memory) => (each.isZero ? undefined : Number(positive(have) / each.nanos));
    const limits = [perNode(usable.cpu, largest.cpu), perNode(usable.memory, largest.memory)].filter((n): n is number => n !== undefined);
    const fits = limits.length ? Math.min(...limits) : undefined;
    const overhead = Math.max(daemon.cpu.ratioTo(cpu), daemon.memory.ratioTo(memory)) * 100;
    nodes = {
      allocatable: { cpu: cpu.toString(), memory: memory.toString() },
      ...(count === undefined
        ? { unschedulable: unschedulable ?? 'the DaemonSets on every node leave no room for the other pods' }
        : { nodes: count }),
      podsPerNode: fits ?? 0,
      fixedOverheadPercent: Math.round(overhead * 10) / 10,
    };
    // Where no node runs every pod, the plan says why (`unschedulable`), instead of a count.
    if (!unschedulable && fits !== undefined && fits < 5)
      warnings.push(
        `only ${fits} pod(s) of the largest request (${largest.cpu} CPU / ${largest.memory}) fit a node: use bigger nodes (at least 5 pods per node keeps fixed overhead low)`,
      );
    if (overhead > 10)
      warnings.push(`fixed per-node overhead (DaemonSets) is ${nodes.fixedOverheadPercent}% of a node: above 10%, use bigger nodes`);
  }
  return {
    namespaces,
    total: { requests: { cpu: totalReq.cpu.toString(), memory: totalReq.memory.toString() }, podsMax },
    nodes,
    warnings,
  };
}

/** The node plan needs both sizes: one alone leaves the other resource's node count unknown. @throws BlueprintError */
function requireBoth(alloc: { cpu?: Cpu; memory?: Memory }): asserts alloc is { cpu: Cpu; memory: Memory } {
  const problems = new Problems(undefined, 'capacityReport');
  for (const [missing, other, example] of [
    ['cpu', 'memory', "'3920m'"],
    ['memory', 'CPU', "'14Gi'"],
  ] as const)
    if (!alloc[missing])
      problems.add({
        code: 'QUANTITY_INVALID',
        field: `nodeAllocatable.${missing}`,
        value: undefined,
        message: `is not given: the node plan needs it as well as the node's ${other}`,
        fix: `give nodeAllocatable.${missing} too, e.g. ${example}`,
      });
  problems.throwIfAny();
}

/**
 * Why no node of this size runs every pod, plainly: the DaemonSets alone fill a node, or the first pod that fits no
 * node (NODE_TOO_SMALL) and how many others do not; undefined when every pod fits.
 */
function unschedulableReason(misfits: readonly NodeMisfit[], daemon: Sum, cpu: Cpu, memory: Memory): string | undefined {
  if (daemon.cpu.gt(cpu) || daemon.memory.gt(memory))
    return `the DaemonSets on every node alone request ${daemon.cpu} CPU / ${daemon.memory}, more than a node allocates`;
  const owners = [...new Set(misfits.map((m) => m.owner))];
  if (owners.length === 0) return undefined;
  const first = misfits[0];
  const name = `${first.owner.kind}/${first.owner.metadata?.namespace ? `${first.owner.metadata.namespace}/` : ''}${first.owner.metadata?.name ?? ''}`;
  const unit = first.resource === 'cpu' ? 'CPU' : 'memory';
  const beside = first.daemons.isZero ? '' : ` beside the ${first.daemons} ${unit} the DaemonSets take`;
  const others = owners.length > 1 ? ` (and ${owners.length - 1} other workload(s))` : '';
  return `${name} requests ${first.pod} ${unit} per pod${beside}, more than a node allocates (NODE_TOO_SMALL)${others}`;
}

/** One pod's requests of a workload in plain units (cores, bytes), with its LimitRange defaults applied. */
export function podRequestsOf(index: ManifestIndex, o: any): { cpu: number; memory: number } | undefined {
  const t = podTemplateOf(o);
  if (!t?.spec) return undefined;
  try {
    const r = podResources(index, t.spec, o.metadata?.namespace).requests;
    return { cpu: Number(r.cpu.nanos) / 1e9, memory: Number(r.memory.nanos) / 1e9 };
  } catch {
    return undefined; // unparsable quantities: the schema check reports them
  }
}
