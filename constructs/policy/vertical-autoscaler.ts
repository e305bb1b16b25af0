import { enter, is } from '../core/shape';
import { Construct, IConstruct } from 'constructs';
import {
  VerticalPodAutoscaler,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMaxAllowed as MaxAllowed,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMinAllowed as MinAllowed,
  VerticalPodAutoscalerSpecUpdatePolicyUpdateMode,
} from '../../imports/autoscaling.k8s.io';
import { addCheck, perPass } from '../core/checks';
import { IssueInput } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { Cpu, Memory } from '../core/quantity';
import { ComputeResources, ResolvedCompute, resolveCompute } from '../core/resources';
import { IQuotaConsumer, TeamNamespace } from '../namespace/team-namespace';

/** How the VPA applies its recommendations. */
export enum VpaUpdateMode {
  /** Recommend only (read them with `kubectl describe vpa`): the safe start. */
  OFF = 'Off',
  /** Set requests when pods are created. */
  INITIAL = 'Initial',
  /** Evict pods to apply new requests. */
  RECREATE = 'Recreate',
  /** Currently the same as Recreate. */
  AUTO = 'Auto',
}

/** A workload a VPA can target. */
export interface IVerticallyScalable extends IConstruct {
  readonly name: string;
  readonly namespace: string;
  /** The controller object, e.g. `apps/v1 Deployment web`. */
  readonly scaleTarget: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  /** Resource metrics an HPA scales it on (`cpu`, `memory`), if any. */
  readonly horizontalResourceMetrics: readonly string[];
}

/** Props of a `VerticalAutoscaler`. */
export interface VerticalAutoscalerProps {
  readonly target: IVerticallyScalable;
  /** @default VpaUpdateMode.OFF — recommendation mode */
  readonly updateMode?: VpaUpdateMode;
  /** Never recommend less. @default - no floor */
  readonly minAllowed?: ComputeResources;
  /** Never recommend more. @default - no ceiling */
  readonly maxAllowed?: ComputeResources;
}

function quantities<T>(r: ResolvedCompute, make: (v: string) => T): Record<string, T> | undefined {
  const out: Record<string, T> = {};
  if (r.cpu) out.cpu = make(r.cpu.toString());
  if (r.memory) out.memory = make(r.memory.toString());
  return Object.keys(out).length ? out : undefined;
}

/** The shape of the props (checked at entry). */
const VERTICAL_AUTOSCALER_SHAPE = is.props<VerticalAutoscalerProps>(
  {
    target: is.object(
      { name: is.string, namespace: is.string, scaleTarget: is.object({}), horizontalResourceMetrics: is.list(is.string) },
      ['name', 'namespace', 'scaleTarget', 'horizontalResourceMetrics'],
    ),
    updateMode: is.oneOf(Object.values(VpaUpdateMode), 'VpaUpdateMode'),
    minAllowed: is.props<ComputeResources>({ cpu: is.any, memory: is.any }),
    maxAllowed: is.props<ComputeResources>({ cpu: is.any, memory: is.any }),
  },
  ['target'],
);

/**
 * A VerticalPodAutoscaler (`autoscaling.k8s.io/v1`, typed from its CRD by
 * `cdk8s import`), in recommendation mode by default. Requires the VPA
 * components in the cluster.
 */
export class VerticalAutoscaler extends Construct {
  public readonly updateMode: VpaUpdateMode;
  public readonly apiObject: VerticalPodAutoscaler;
  /** The workload whose requests it sets, and the ceiling it sets them under. */
  private readonly target: IVerticallyScalable;
  private readonly maxAllowed: ResolvedCompute;

  constructor(scope: Construct, id: string, props: VerticalAutoscalerProps) {
    const { problems, props: own } = enter(scope, id, props, 'VerticalAutoscaler', VERTICAL_AUTOSCALER_SHAPE);
    props = own; // the entry's frozen snapshot: the caller's object is not read again
    super(scope, id);
    this.updateMode = props.updateMode ?? VpaUpdateMode.OFF;
    const min = resolveCompute(problems, 'minAllowed', props.minAllowed);
    const max = resolveCompute(problems, 'maxAllowed', props.maxAllowed);
    for (const r of ['cpu', 'memory'] as const) {
      const lo = min[r];
      const hi = max[r];
      if (lo && hi && lo.gt(hi as never))
        problems.add({
          code: 'VPA_INVALID',
          field: `minAllowed.${r}`,
          value: lo.toString(),
          message: `is above maxAllowed.${r} (${hi})`,
          fix: 'keep minAllowed ≤ maxAllowed',
        });
    }
    problems.throwIfAny();
    this.target = props.target;
    this.maxAllowed = max;
    addCheck(this, 'VerticalAutoscaler', () => quotaGrowthIssues(this));
    const t = props.target;
    const minAllowed = quantities(min, MinAllowed.fromString);
    const maxAllowed = quantities(max, MaxAllowed.fromString);
    const policy = { containerName: '*', ...(minAllowed ? { minAllowed } : {}), ...(maxAllowed ? { maxAllowed } : {}) };
    this.apiObject = new VerticalPodAutoscaler(this, 'Resource', {
      metadata: { name: t.name, namespace: t.namespace, labels: componentLabels({ name: t.name, component: 'vertical-autoscaler' }) },
      spec: {
        targetRef: { ...t.scaleTarget },
        updatePolicy: { updateMode: this.updateMode as unknown as VerticalPodAutoscalerSpecUpdatePolicyUpdateMode },
        ...(policy.minAllowed || policy.maxAllowed ? { resourcePolicy: { containerPolicies: [policy] } } : {}),
      },
    });
  }
}

/** The workload behind a VPA as its namespace's quota counts it (a workload of a TeamNamespace), if it is one. */
function quotaConsumerOf(target: IVerticallyScalable): { team: TeamNamespace; consumer: IQuotaConsumer; containers: number } | undefined {
  const t = target as IVerticallyScalable & Partial<IQuotaConsumer> & { team?: unknown; containers?: unknown };
  if (!(t.team instanceof TeamNamespace) || typeof t.maxPods !== 'number' || typeof t.podResources !== 'function') return undefined;
  // The policy is for containerName '*': every app container may be raised to maxAllowed (init containers are not).
  const containers = Array.isArray(t.containers) ? Math.max(1, t.containers.length) : 1;
  return { team: t.team, consumer: t as IQuotaConsumer, containers };
}

const QUOTA_KEYS = [
  ['cpu', 'requests', 'requestsCpu', 'requests.cpu'],
  ['memory', 'requests', 'requestsMemory', 'requests.memory'],
  ['cpu', 'limits', 'limitsCpu', 'limits.cpu'],
  ['memory', 'limits', 'limitsMemory', 'limits.memory'],
] as const;

const asQuantity = (r: 'cpu' | 'memory', nanos: bigint) =>
  r === 'cpu' ? Cpu.parse(`${nanos}n`).toString() : Memory.parse(String(nanos / 1_000_000_000n)).toString();

/**
 * QUOTA_EXCEEDED for a VPA that may raise its workload's requests past the
 * namespace's quota. Any mode but Off sets requests on the pods it creates
 * (Initial at creation, Recreate and Auto by evicting): each app container up
 * to maxAllowed, or, without it, to the LimitRange's max, which the VPA
 * admission controller caps at; limits keep their ratio to the requests
 * (controlledValues RequestsAndLimits). The namespace's peak is then counted
 * with every such VPA of the namespace at its ceiling: when it no longer fits
 * the quota (while it does without them, which TeamNamespace judges), the
 * pods the VPA evicts to resize are refused at admission and never come back.
 */
function quotaGrowthIssues(vpa: VerticalAutoscaler): IssueInput[] {
  const own = growthOf(vpa);
  if (!own) return [];
  const { team } = own;
  const hard = team.quota.hard;
  const base = team.peakUsage();
  const all = perPass(team, 'vertical-autoscalers', (tree) => tree.filter((c): c is VerticalAutoscaler => c instanceof VerticalAutoscaler))
    .map(growthOf)
    .filter((g): g is NonNullable<ReturnType<typeof growthOf>> => g !== undefined && g.team === team);
  // One issue per resource: its requests and limits quotas, when both are exceeded, are named together.
  const over: Record<'cpu' | 'memory', { side: string; key: string; name: string; quota: string; peak: string }[]> = {
    cpu: [],
    memory: [],
  };
  for (const [r, side, key, name] of QUOTA_KEYS) {
    const quota = hard[key];
    const used = base[side][r];
    if (!quota || used.gt(quota as never)) continue;
    const grownBy = all.reduce((n, g) => n + g.extra[side][r], 0n);
    const mine = own.extra[side][r];
    if (mine <= 0n || used.nanos + grownBy <= quota.nanos) continue;
    over[r].push({ side, key, name, quota: quota.toString(), peak: asQuantity(r, used.nanos + grownBy) });
  }
  const and = (parts: string[]) => parts.join(' and ');
  const out: IssueInput[] = [];
  for (const r of ['cpu', 'memory'] as const) {
    const quotas = over[r];
    if (quotas.length === 0) continue;
    const ceiling = vpa['maxAllowed'][r];
    const bound = own.bound[r];
    const refused =
      vpa.updateMode === VpaUpdateMode.INITIAL
        ? 'the pods of a rollout or scale-up it sizes would be refused at admission'
        : 'the pods it evicts to resize would be refused at admission and not come back';
    const reach = and(quotas.map((q) => `${q.name} at peak would reach ${q.peak}, above the quota of ${q.quota}`));
    out.push({
      code: 'QUOTA_EXCEEDED',
      field: `maxAllowed.${r}`,
      value: ceiling ? ceiling.toString() : undefined,
      message:
        bound === undefined
          ? `is unset and the namespace's LimitRange has no ${r} max: updateMode ${vpa.updateMode} may raise the ${r} ${and(quotas.map((q) => q.side))} of ${own.consumer.name}'s pods without bound, past the ${quotas.length > 1 ? 'quotas' : 'quota'} ${and(quotas.map((q) => `${q.name}=${q.quota}`))}: ${refused}`
          : `${ceiling ? `lets` : `is unset, so the LimitRange max (${bound}) lets`} updateMode ${vpa.updateMode} raise each container of ${own.consumer.name} (×${own.consumer.maxPods} pods at peak) to ${bound} ${r}: the namespace's ${reach}: ${refused}`,
      fix: `set maxAllowed.${r} low enough that the namespace's ${and(quotas.map((q) => `${q.name} at peak stays within ${q.quota}`))}, raise ${and(quotas.map((q) => `quota.${q.key} to at least ${q.peak}`))}, or keep updateMode Off (recommendations only)`,
    });
  }
  return out;
}

type Amounts = Record<'requests' | 'limits', Record<'cpu' | 'memory', bigint>>;

/** What a VPA that sets requests may add to its namespace's peak use, per resource, in nano-units. */
function growthOf(
  vpa: VerticalAutoscaler,
): { team: TeamNamespace; consumer: IQuotaConsumer; extra: Amounts; bound: Partial<Record<'cpu' | 'memory', string>> } | undefined {
  if (vpa.updateMode === VpaUpdateMode.OFF) return undefined;
  const found = quotaConsumerOf(vpa['target']);
  if (!found) return undefined;
  const { team, consumer, containers } = found;
  const pod = consumer.podResources();
  const extra: Amounts = { requests: { cpu: 0n, memory: 0n }, limits: { cpu: 0n, memory: 0n } };
  const bound: Partial<Record<'cpu' | 'memory', string>> = {};
  const pods = BigInt(consumer.maxPods);
  for (const r of ['cpu', 'memory'] as const) {
    const lrMax = team.limitRange.max[r]?.nanos;
    const ceiling = vpa['maxAllowed'][r]?.nanos;
    // The admission controller caps a container's limit (and so its request) at the LimitRange max.
    const perContainer = ceiling !== undefined && lrMax !== undefined ? (ceiling < lrMax ? ceiling : lrMax) : (ceiling ?? lrMax);
    if (perContainer === undefined) {
      // No ceiling at all: any growth overruns a quota on it.
      extra.requests[r] = extra.limits[r] = 1n << 80n;
      continue;
    }
    bound[r] = asQuantity(r, perContainer);
    const req = pod.requests[r]?.nanos ?? 0n;
    const lim = pod.limits[r]?.nanos;
    const grownReq = req > perContainer * BigInt(containers) ? req : perContainer * BigInt(containers);
    extra.requests[r] = (grownReq - req) * pods;
    if (lim !== undefined && req > 0n) {
      // Limits keep their ratio to the requests, capped at the LimitRange max per container.
      let grownLim = (lim * grownReq) / req;
      if (lrMax !== undefined && grownLim > lrMax * BigInt(containers)) grownLim = lrMax * BigInt(containers);
      if (grownLim > lim) extra.limits[r] = (grownLim - lim) * pods;
    }
  }
  return { team, consumer, extra, bound };
}
