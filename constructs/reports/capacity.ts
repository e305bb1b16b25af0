import { Cpu, Memory, Storage } from '../core/quantity';
import { COMPUTE_SHAPE, ComputeResources, ResolvedCompute, computeFromManifest, resolveCompute } from '../core/resources';
import { Problems } from '../core/errors';
import { isValidCount, resolvePodCount } from '../policy/pod-disruption-budget';
import { podCount } from '../core/value-issues';
import { defaultsFromManifest, resolveContainerResources } from '../namespace/limit-range';
import { ManifestIndex, appContainersOf, arr, podTemplateOf, readingObjects } from '../rules/manifest-index';
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
  /** Nodes needed for peak requests, plus one so the largest node can be lost. */
  readonly nodes: number;
  /** Pods of the largest request that fit one node. */
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

interface Sum {
  cpu: Cpu;
  memory: Memory;
  ephemeralStorage: Storage;
}
const zero = (): Sum => ({ cpu: Cpu.ZERO, memory: Memory.ZERO, ephemeralStorage: Storage.ZERO });
const add = (a: Sum, b: Sum, times = 1): Sum => ({
  cpu: a.cpu.plus(b.cpu.times(times)),
  memory: a.memory.plus(b.memory.times(times)),
  ephemeralStorage: a.ephemeralStorage.plus(b.ephemeralStorage.times(times)),
});

/** One pod's requests and limits, filling gaps from the namespace LimitRange the way the API server would. */
function podResources(index: ManifestIndex, spec: any, ns: string | undefined): { requests: Sum; limits: Sum } {
  const defaults = defaultsFromManifest(index.containerLimits(ns));
  const one = (c: any) => {
    const r = resolveContainerResources(
      { requests: computeFromManifest(c.resources?.requests), limits: computeFromManifest(c.resources?.limits) },
      defaults,
    );
    const sum = (x: any): Sum => ({
      cpu: (x.cpu as Cpu) ?? Cpu.ZERO,
      memory: (x.memory as Memory) ?? Memory.ZERO,
      ephemeralStorage: (x.ephemeralStorage as Storage) ?? Storage.ZERO,
    });
    return { requests: sum(r.requests), limits: sum(r.limits) };
  };
  // A pod reserves max(sum of app containers, largest init container).
  const apps = appContainersOf(spec)
    .map(one)
    .reduce((s: any, c: any) => ({ requests: add(s.requests, c.requests), limits: add(s.limits, c.limits) }), {
      requests: zero(),
      limits: zero(),
    });
  for (const c of arr(spec.initContainers)
    .filter((x) => x && typeof x === 'object')
    .map(one)) {
    for (const side of ['requests', 'limits'] as const) {
      if (c[side].cpu.gt(apps[side].cpu)) apps[side].cpu = c[side].cpu;
      if (c[side].memory.gt(apps[side].memory)) apps[side].memory = c[side].memory;
      if (c[side].ephemeralStorage.gt(apps[side].ephemeralStorage)) apps[side].ephemeralStorage = c[side].ephemeralStorage;
    }
  }
  return apps;
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
  let daemon = zero();
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
      daemon = add(daemon, pod.requests);
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
    const problems = new Problems(undefined, 'capacityReport');
    const alloc: ResolvedCompute = resolveCompute(problems, 'nodeAllocatable', options.nodeAllocatable);
    problems.throwIfAny();
    const cpu = alloc.cpu as Cpu;
    const memory = alloc.memory as Memory;
    // DaemonSet pods run on every node: what is left per node serves the rest.
    const usable = { cpu: cpu.nanos - daemon.cpu.nanos, memory: memory.nanos - daemon.memory.nanos };
    const rest = {
      cpu: totalReq.cpu.nanos - daemon.cpu.nanos * BigInt(nodeCount(options.nodes)),
      memory: totalReq.memory.nanos - daemon.memory.nanos * BigInt(nodeCount(options.nodes)),
    };
    const need = (a: bigint, b: bigint) => (b <= 0n ? Infinity : Number((a + b - 1n) / b));
    const count =
      Math.max(need(rest.cpu > 0n ? rest.cpu : 0n, usable.cpu), need(rest.memory > 0n ? rest.memory : 0n, usable.memory), 1) + 1;
    const fits = Math.min(
      largest.cpu.isZero ? Infinity : Number(usable.cpu / largest.cpu.nanos),
      largest.memory.isZero ? Infinity : Number(usable.memory / largest.memory.nanos),
    );
    const overhead = Math.max(daemon.cpu.ratioTo(cpu), daemon.memory.ratioTo(memory)) * 100;
    nodes = {
      allocatable: { cpu: cpu.toString(), memory: memory.toString() },
      nodes: count,
      podsPerNode: Number.isFinite(fits) ? fits : 0,
      fixedOverheadPercent: Math.round(overhead * 10) / 10,
    };
    if (Number.isFinite(fits) && fits < 5)
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
