import { Problems } from '../core/errors';
import { Cpu, Memory } from '../core/quantity';
import { ComputeResources, resolveCompute } from '../core/resources';
import { ManifestIndex, PodTemplateRef, arr, isObject } from './manifest-index';
import { PodSum, addSum, podResourcesOf, zeroSum } from './pod-resources';
import { podSpecPointer } from './pod-security';
import { Rule, Violation } from './rule';

/*
 * NODE_TOO_SMALL: a pod no node of the declared size can hold stays Pending
 * forever. Decided from rendered objects and the node's allocatable size
 * (RuleContext.nodeAllocatable): at synth from the environment's cluster
 * facts, in `check` from --node-cpu/--node-memory, and by the capacity
 * report's node plan, which reads the same verdicts (nodeFit).
 */

/**
 * What prometheus-operator gives the config-reloader sidecar of every Prometheus pod (and its init container)
 * unless its --config-reloader-* flags say otherwise (prometheus-operator cmd/operator flags: 10m CPU, 50Mi).
 */
export const PROMETHEUS_RELOADER = { cpu: '10m', memory: '50Mi' } as const;

/**
 * The pod a Prometheus custom resource makes its operator run, as far as requests go: the server's
 * `spec.resources` and the config-reloader sidecar at the operator's defaults.
 */
function prometheusPod(t: PodTemplateRef): PodTemplateRef {
  const reloader = { requests: PROMETHEUS_RELOADER, limits: PROMETHEUS_RELOADER };
  const server = isObject(t.owner.spec?.resources) ? t.owner.spec.resources : {};
  return {
    ...t,
    spec: {
      containers: [
        { name: 'prometheus', resources: server },
        { name: 'config-reloader', resources: reloader },
      ],
    },
  };
}

/** Kinds whose pods the cluster runs (a PodTemplate is only a template). */
const RUN_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod']);

/** One resource of one pod template that does not fit a node. */
export interface NodeMisfit {
  /** The workload at fault. */
  readonly owner: any;
  readonly resource: 'cpu' | 'memory';
  /** What one pod requests (LimitRange defaults applied; init containers by the max rule). */
  readonly pod: Cpu | Memory;
  /** What the DaemonSets on every node already take beside it (zero for a pod with no such neighbour). */
  readonly daemons: Cpu | Memory;
  /** The node's allocatable amount. */
  readonly allocatable: Cpu | Memory;
}

/** The verdict of nodeFit. */
export interface NodeFit {
  /** Requests of one pod of each DaemonSet that lands on every node, summed: the fixed overhead of a node. */
  readonly daemons: PodSum;
  /** Every pod template that fits no node, per resource. */
  readonly misfits: readonly NodeMisfit[];
}

/** Node labels every Linux node carries with these values: a selector of them alone narrows nothing on a Linux cluster. */
const EVERY_LINUX_NODE: Readonly<Record<string, string>> = { 'kubernetes.io/os': 'linux', 'beta.kubernetes.io/os': 'linux' };

/** Whether a required node selector term only asks for Linux (`kubernetes.io/os In [linux]`). */
function linuxOnly(term: any): boolean {
  if (!isObject(term) || arr(term.matchFields).length > 0) return false;
  const exprs = arr(term.matchExpressions);
  return (
    exprs.length > 0 &&
    exprs.every((e) => isObject(e) && e.operator === 'In' && Object.hasOwn(EVERY_LINUX_NODE, e.key) && arr(e.values).includes('linux'))
  );
}

/**
 * Whether a DaemonSet's pods land on every node: neither a nodeSelector, a required node affinity nor a nodeName
 * narrows them, other than to Linux nodes (node agents usually ask for `kubernetes.io/os: linux`, which every node of
 * a Linux cluster has; a Windows node pool's pods meet fewer DaemonSets, so counting it is the safe side). Taints are
 * not read: a pod kept off tainted nodes by them meets the DaemonSets on the others.
 */
function onEveryNode(spec: any): boolean {
  if (
    isObject(spec.nodeSelector) &&
    Object.entries(spec.nodeSelector).some(([k, v]) => !Object.hasOwn(EVERY_LINUX_NODE, k) || v !== 'linux')
  )
    return false;
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') return false;
  const terms = arr(spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms);
  // Terms are ORed: the pods may land on every node only if each term asks for Linux alone.
  return terms.every(linuxOnly);
}

/** One pod's requests, or undefined where a quantity does not parse (the schema check reports it). */
function requestsOf(ix: ManifestIndex, t: PodTemplateRef): PodSum | undefined {
  try {
    return podResourcesOf(ix, t.spec, t.namespace).requests;
  } catch {
    return undefined;
  }
}

/** The node's allocatable CPU and memory, parsed. @throws BlueprintError on a quantity that does not parse */
export function resolveAllocatable(where: string, node: ComputeResources): { cpu?: Cpu; memory?: Memory } {
  const problems = new Problems(undefined, where);
  const r = resolveCompute(problems, 'nodeAllocatable', node);
  problems.throwIfAny();
  return { cpu: r.cpu, memory: r.memory };
}

/**
 * Every pod template of `ix` whose requests, plus those of the DaemonSets that land on every node, exceed `node`
 * (a DaemonSet's pod beside the other such DaemonSets), and the per-node DaemonSet overhead.
 */
export function nodeFit(ix: ManifestIndex, node: { readonly cpu?: Cpu; readonly memory?: Memory }): NodeFit {
  const pods = [...ix.templates.filter((t) => RUN_KINDS.has(t.owner.kind)), ...ix.operated.filter(isPrometheus).map(prometheusPod)].map(
    (t) => ({ t, requests: requestsOf(ix, t), everyNode: t.owner.kind === 'DaemonSet' && onEveryNode(t.spec) }),
  );
  const everyNode = pods.filter((p) => p.everyNode && p.requests);
  const daemons = everyNode.reduce((s, p) => addSum(s, p.requests!), zeroSum());
  const misfits: NodeMisfit[] = [];
  for (const p of pods) {
    if (!p.requests) continue;
    // A DaemonSet's own pod is part of the overhead: it meets only the others.
    const beside = p.everyNode ? everyNode.filter((d) => d !== p).reduce((s, d) => addSum(s, d.requests!), zeroSum()) : daemons;
    for (const resource of ['cpu', 'memory'] as const) {
      const allocatable = node[resource];
      const pod = p.requests[resource];
      if (allocatable && pod.plus(beside[resource] as never).gt(allocatable as never))
        misfits.push({ owner: p.t.owner, resource, pod, daemons: beside[resource], allocatable });
    }
  }
  return { daemons, misfits };
}

const isPrometheus = (t: PodTemplateRef) => t.owner.kind === 'Prometheus';

const UNIT = { cpu: 'CPU', memory: 'memory' } as const;
const amounts = (ms: readonly NodeMisfit[], of: (m: NodeMisfit) => Cpu | Memory) =>
  ms.map((m) => `${of(m)} ${UNIT[m.resource]}`).join(' and ');

/** One violation per workload, naming each resource that does not fit (its `value`: what the pod asks of a node). */
function violations(misfits: readonly NodeMisfit[]): Violation[] {
  const byOwner = new Map<any, NodeMisfit[]>();
  for (const m of misfits) byOwner.set(m.owner, [...(byOwner.get(m.owner) ?? []), m]);
  return [...byOwner].map(([owner, ms]) => {
    const pointer = owner.kind === 'Prometheus' ? '/spec/resources' : `${podSpecPointer(owner.kind)}/containers`;
    const node = amounts(ms, (m) => m.allocatable);
    const beside = ms.filter((m) => !m.daemons.isZero);
    if (beside.length === 0)
      return {
        object: owner,
        pointer,
        message: `requests ${amounts(ms, (m) => m.pod)} per pod, more than a node can allocate (${node}): the pod would stay Pending forever`,
        fix: `request at most ${node} per pod, or use bigger nodes`,
        value: amounts(ms, (m) => m.pod),
      };
    const full = ms.filter((m) => m.daemons.gte(m.allocatable as never));
    return {
      object: owner,
      pointer,
      message:
        `requests ${amounts(ms, (m) => m.pod)} per pod, and the DaemonSets on every node take ${amounts(beside, (m) => m.daemons)} beside it: ` +
        `more than a node can allocate (${node}), so the pod would stay Pending forever`,
      fix: full.length
        ? `the DaemonSets alone fill a node's ${full.map((m) => UNIT[m.resource]).join(' and ')}: shrink them or use bigger nodes`
        : `keep the pod's requests within what a node leaves beside the DaemonSets (${node}, less ${amounts(beside, (m) => m.daemons)}), shrink the DaemonSets, or use bigger nodes`,
      value: `${amounts(ms, (m) => m.pod)} + ${amounts(beside, (m) => m.daemons)} (DaemonSets)`,
    };
  });
}

export const NODE_FIT_RULES: readonly Rule[] = [
  {
    code: 'NODE_TOO_SMALL',
    severity: 'error',
    category: 'reliability',
    inspects: [...RUN_KINDS, 'Prometheus'],
    description:
      "A pod's requests (LimitRange defaults applied, init containers by the max rule), plus those of the DaemonSets that land on every node, fit the allocatable size of one node.",
    fix: 'lower the requests, shrink the DaemonSets, or use bigger nodes',
    check: (ix, context) =>
      context.nodeAllocatable ? violations(nodeFit(ix, resolveAllocatable('NODE_TOO_SMALL', context.nodeAllocatable)).misfits) : [],
  },
];
