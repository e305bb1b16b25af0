import { PropsFields, is } from '../core/shape';
import { ApiObject } from 'cdk8s';
// The generated Kube* classes alone: cdk8s-plus-28's index also loads all its constructs (about 100 ms of every import).
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { IssueInput, IssueSink } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { NamespacedObject } from '../core/namespaced-object';
import { Cpu, CpuInput, Memory, MemoryInput, Quantity, Storage, StorageInput } from '../core/quantity';
import { ResolvedCompute } from '../core/resources';

/** Hard limits of a namespace. @see https://kubernetes.io/docs/concepts/policy/resource-quotas/ */
export interface QuotaLimits {
  /** Sum of CPU requests of all pods (`requests.cpu`). @default - unlimited */
  readonly requestsCpu?: CpuInput;
  /** Sum of memory requests (`requests.memory`). @default - unlimited */
  readonly requestsMemory?: MemoryInput;
  /** Sum of CPU limits (`limits.cpu`). @default - unlimited */
  readonly limitsCpu?: CpuInput;
  /** Sum of memory limits (`limits.memory`). @default - unlimited */
  readonly limitsMemory?: MemoryInput;
  /**
   * Number of pods (`pods`): guards against a replica count typed with one zero too many.
   * @default - unlimited
   */
  readonly pods?: number;
  /** Number of Services. @default - unlimited */
  readonly services?: number;
  /** Number of `LoadBalancer` Services (`services.loadbalancers`). @default - unlimited */
  readonly servicesLoadBalancers?: number;
  /** Number of `NodePort` Services (`services.nodeports`). @default - unlimited */
  readonly servicesNodePorts?: number;
  /** Number of PersistentVolumeClaims. @default - unlimited */
  readonly persistentVolumeClaims?: number;
  /** Sum of storage requested by claims (`requests.storage`). @default - unlimited */
  readonly requestsStorage?: StorageInput;
  /**
   * Sum of local ephemeral storage requested by containers
   * (`requests.ephemeral-storage`). A TeamNamespace then gives containers that
   * set none a LimitRange default, so each one counts.
   * @default - unlimited
   * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/#storage-resource-quota
   */
  readonly requestsEphemeralStorage?: StorageInput;
  /** Sum of local ephemeral storage limits (`limits.ephemeral-storage`). @default - unlimited */
  readonly limitsEphemeralStorage?: StorageInput;
}

/** Quota sizes for common team shapes. Use explicit `QuotaLimits` for anything else. */
export class QuotaPreset {
  /** 2 CPU / 4Gi requested, 4 CPU / 8Gi limits, 20 pods, 5 claims of 50Gi in all. */
  public static readonly SMALL = new QuotaPreset('small', {
    requestsCpu: '2',
    requestsMemory: '4Gi',
    limitsCpu: '4',
    limitsMemory: '8Gi',
    pods: 20,
    services: 10,
    servicesLoadBalancers: 0,
    servicesNodePorts: 0,
    persistentVolumeClaims: 5,
    requestsStorage: '50Gi',
  });
  /** 8 CPU / 16Gi requested, 16 CPU / 32Gi limits, 60 pods, 20 claims of 500Gi in all. */
  public static readonly MEDIUM = new QuotaPreset('medium', {
    requestsCpu: '8',
    requestsMemory: '16Gi',
    limitsCpu: '16',
    limitsMemory: '32Gi',
    pods: 60,
    services: 30,
    servicesLoadBalancers: 1,
    servicesNodePorts: 0,
    persistentVolumeClaims: 20,
    requestsStorage: '500Gi',
  });
  /** 32 CPU / 64Gi requested, 64 CPU / 128Gi limits, 200 pods, 50 claims of 2Ti in all. */
  public static readonly LARGE = new QuotaPreset('large', {
    requestsCpu: '32',
    requestsMemory: '64Gi',
    limitsCpu: '64',
    limitsMemory: '128Gi',
    pods: 200,
    services: 100,
    servicesLoadBalancers: 2,
    servicesNodePorts: 0,
    persistentVolumeClaims: 50,
    requestsStorage: '2Ti',
  });

  private constructor(
    public readonly name: string,
    public readonly limits: QuotaLimits,
  ) {}
}

/** Parsed hard limits. */
export interface ResolvedQuota {
  readonly requestsCpu?: Cpu;
  readonly requestsMemory?: Memory;
  readonly limitsCpu?: Cpu;
  readonly limitsMemory?: Memory;
  readonly pods?: number;
  readonly services?: number;
  readonly servicesLoadBalancers?: number;
  readonly servicesNodePorts?: number;
  readonly persistentVolumeClaims?: number;
  readonly requestsStorage?: Storage;
  readonly requestsEphemeralStorage?: Storage;
  readonly limitsEphemeralStorage?: Storage;
}

/** Scopes a quota may be restricted to. */
export enum QuotaScope {
  TERMINATING = 'Terminating',
  NOT_TERMINATING = 'NotTerminating',
  BEST_EFFORT = 'BestEffort',
  NOT_BEST_EFFORT = 'NotBestEffort',
}

/** Scopes that select disjoint pods, so a quota with both governs none (core validation validateResourceQuotaScopes). */
const CONFLICTING_SCOPES: readonly (readonly [QuotaScope, QuotaScope])[] = [
  [QuotaScope.BEST_EFFORT, QuotaScope.NOT_BEST_EFFORT],
  [QuotaScope.TERMINATING, QuotaScope.NOT_TERMINATING],
];

/** Whether every scope in `scopes` admits the limit `key`. */
function admittedByScopes(scopes: readonly QuotaScope[], key: keyof QuotaLimits): boolean {
  return scopes.every((scope) => SCOPE_ADMITS_NAMES[scope].includes(HARD_KEYS[key]));
}

/** Records every scope the API server refuses: a conflicting pair, or a set limit one of the scopes does not admit. */
function checkScopes(problems: IssueSink, scopes: readonly QuotaScope[], limits: QuotaLimits): void {
  const keyOf = new Map(Object.entries(HARD_KEYS).map(([key, name]) => [name, key]));
  const set = (Object.keys(HARD_KEYS) as (keyof QuotaLimits)[]).filter((key) => limits[key] !== undefined);
  problems.addAll(
    ...quotaScopeIssues(
      scopes,
      set.map((key) => HARD_KEYS[key]),
      (name) => `limits.${keyOf.get(name)}`,
    ).map((issue) =>
      issue.field === 'scopes' ? issue : { ...issue, value: limits[keyOf.get(issue.value as string) as keyof QuotaLimits] },
    ),
  );
}

/**
 * The standard quota resources, as the API server names them (helper.IsStandardQuotaResourceName, with
 * isStandardQuotaResource below for the huge pages); others are not judged.
 */
const STANDARD_QUOTA_RESOURCES: ReadonlySet<string> = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

/** helper.IsStandardQuotaResourceName: a name of the set above, or a huge-page quota (`hugepages-<size>`, `requests.hugepages-<size>`). */
function isStandardQuotaResource(name: string): boolean {
  return STANDARD_QUOTA_RESOURCES.has(name) || name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');
}

/**
 * The hard resources (by name) each scope admits (helper.IsResourceQuotaScopeValidForResource): BestEffort pods
 * request nothing, so only their count; the other scopes, CrossNamespacePodAffinity included, select pods, so only
 * the pod count and pod compute: CPU and memory (not ephemeral storage or huge pages, nor object counts or claims).
 */
const POD_COMPUTE = ['pods', 'cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];
const SCOPE_ADMITS_NAMES: Readonly<Record<string, readonly string[]>> = {
  BestEffort: ['pods'],
  Terminating: POD_COMPUTE,
  NotTerminating: POD_COMPUTE,
  NotBestEffort: POD_COMPUTE,
  PriorityClass: POD_COMPUTE,
  CrossNamespacePodAffinity: POD_COMPUTE,
};

/** Scopes a scopeSelector may only test with Exists (validateScopedResourceSelectorRequirement); PriorityClass takes any operator. */
const EXISTS_ONLY_SCOPES = ['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'];

/**
 * QUOTA_SCOPE_INVALID for what the API server refuses in a quota's scopes
 * (core validation validateResourceQuotaScopes): a conflicting pair, or a
 * standard hard resource (named as rendered, e.g. `requests.cpu`) one of the
 * scopes does not admit; `fieldOf` names the field a resource came from. The
 * typed ResourceQuota and the catalogue rule share it.
 */
export function quotaScopeIssues(scopes: readonly string[], hard: readonly string[], fieldOf: (name: string) => string): IssueInput[] {
  const out: IssueInput[] = [];
  for (const [a, b] of CONFLICTING_SCOPES)
    if (scopes.includes(a) && scopes.includes(b))
      out.push({
        code: 'QUOTA_SCOPE_INVALID',
        field: 'scopes',
        value: [...scopes],
        message: `holds both ${a} and ${b}, which select no pod in common: the API server refuses the quota (conflicting scopes)`,
        fix: `keep one of ${a} and ${b}, or make two quotas`,
      });
  for (const name of hard) {
    if (!isStandardQuotaResource(name)) continue;
    const refusing = scopes.filter((scope) => SCOPE_ADMITS_NAMES[scope] && !SCOPE_ADMITS_NAMES[scope].includes(name));
    if (refusing.length > 0)
      out.push({
        code: 'QUOTA_SCOPE_INVALID',
        field: fieldOf(name),
        value: name,
        message: `(${name}) is not admitted under scope ${refusing.join(', ')}: the API server refuses the quota (unsupported scope applied to resource); ${refusing
          .map((scope) => `${scope} admits only ${SCOPE_ADMITS_NAMES[scope].filter((n) => n === 'pods' || n.includes('.')).join(', ')}`)
          .join('; ')}`,
        fix: `move ${fieldOf(name)} to a quota without scopes, or drop it here`,
      });
  }
  return out;
}

/**
 * QUOTA_SCOPE_INVALID for what the API server refuses in a quota's
 * spec.scopeSelector.matchExpressions (core validation
 * validateScopedResourceSelectorRequirement): the scopes it names are held to
 * the same admission and conflict rules as spec.scopes (quotaScopeIssues);
 * BestEffort, NotBestEffort, Terminating, NotTerminating and
 * CrossNamespacePodAffinity take only Exists; In and NotIn need values, Exists
 * and DoesNotExist take none. Fields are relative
 * to the quota's spec; `fieldOf` names the field a hard resource came from.
 */
export function scopeSelectorIssues(
  matchExpressions: readonly unknown[],
  hard: readonly string[],
  fieldOf: (name: string) => string,
): IssueInput[] {
  const out: IssueInput[] = [];
  const scopes: string[] = [];
  const at = (i: number, key: string) => `scopeSelector.matchExpressions[${i}].${key}`;
  const issue = (field: string, value: unknown, message: string, fix: string) =>
    out.push({ code: 'QUOTA_SCOPE_INVALID', field, value, message, fix });
  matchExpressions.forEach((e: any, i) => {
    if (e === null || typeof e !== 'object') return;
    const scope = String(e.scopeName ?? '');
    const operator = e.operator;
    const values: unknown[] = Array.isArray(e.values) ? e.values : [];
    scopes.push(scope);
    if (EXISTS_ONLY_SCOPES.includes(scope) && operator !== 'Exists')
      issue(
        at(i, 'operator'),
        operator,
        `is ${JSON.stringify(operator)} for scope ${scope}, which takes only Exists`,
        'use operator: Exists (without values)',
      );
    // An operator outside these four (or a scope name outside the standard ones) is SCHEMA_INVALID's.
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0)
      issue(
        at(i, 'values'),
        values,
        `is empty with operator ${operator}: it needs at least one value`,
        'list the values to match (e.g. priority class names)',
      );
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0)
      issue(at(i, 'values'), values, `is set with operator ${operator}, which takes no values`, 'drop values, or use In or NotIn');
  });
  for (const i of quotaScopeIssues(scopes, hard, fieldOf))
    out.push(i.field === 'scopes' ? { ...i, field: 'scopeSelector.matchExpressions' } : i);
  return out;
}

/** Props of a `ResourceQuota`. */
export interface ResourceQuotaProps {
  /** Namespace the quota governs. */
  readonly namespace: string;
  /** Object name. @default 'quota' */
  readonly name?: string;
  /**
   * The limits: a preset or explicit values. Under `scopes`, only what every scope admits (BestEffort: pods;
   * Terminating, NotTerminating, NotBestEffort: pods and requests/limits of CPU and memory).
   * @default QuotaPreset.SMALL, less what the scopes do not admit
   */
  readonly limits?: QuotaPreset | QuotaLimits;
  /**
   * Restrict the quota to pods in these scopes (not both BestEffort and NotBestEffort, nor Terminating and NotTerminating).
   * @default - all pods
   */
  readonly scopes?: readonly QuotaScope[];
}

const COUNTS = ['pods', 'services', 'servicesLoadBalancers', 'servicesNodePorts', 'persistentVolumeClaims'] as const;
const HARD_KEYS: Record<keyof QuotaLimits, string> = {
  requestsCpu: 'requests.cpu',
  requestsMemory: 'requests.memory',
  limitsCpu: 'limits.cpu',
  limitsMemory: 'limits.memory',
  pods: 'pods',
  services: 'services',
  servicesLoadBalancers: 'services.loadbalancers',
  servicesNodePorts: 'services.nodeports',
  persistentVolumeClaims: 'persistentvolumeclaims',
  requestsStorage: 'requests.storage',
  requestsEphemeralStorage: 'requests.ephemeral-storage',
  limitsEphemeralStorage: 'limits.ephemeral-storage',
};

/** Parses and checks quota limits; records every bad value in `problems`. */
export function resolveQuota(problems: IssueSink, field: string, input: QuotaPreset | QuotaLimits, scoped = false): ResolvedQuota {
  const limits = input instanceof QuotaPreset ? input.limits : input;
  const q = <T>(key: keyof QuotaLimits, parse: (v: any, ctx: { field: string }) => T): T | undefined =>
    limits[key] === undefined ? undefined : problems.attempt(`${field}.${key}`, () => parse(limits[key], { field: `${field}.${key}` }));
  const resolved: Record<string, unknown> = {
    requestsCpu: q('requestsCpu', Cpu.of),
    requestsMemory: q('requestsMemory', Memory.of),
    limitsCpu: q('limitsCpu', Cpu.of),
    limitsMemory: q('limitsMemory', Memory.of),
    requestsStorage: q('requestsStorage', Storage.of),
    requestsEphemeralStorage: q('requestsEphemeralStorage', Storage.of),
    limitsEphemeralStorage: q('limitsEphemeralStorage', Storage.of),
  };
  for (const key of COUNTS) {
    const v = limits[key];
    if (v === undefined) continue;
    if (
      problems.check(!Number.isSafeInteger(v) || v < 0, {
        code: 'QUOTA_COUNT_INVALID',
        field: `${field}.${key}`,
        value: v,
        message: 'must be a non-negative integer',
        fix: 'give a whole count, or leave it unset for no limit',
      })
    )
      resolved[key] = v;
  }
  // pods: 0 on a scoped quota forbids only the pods its scopes match ("no best-effort pods here"), which the API
  // server accepts; only an unscoped one admits no pod at all.
  if (limits.pods === 0 && !scoped)
    problems.add({
      code: 'QUOTA_COUNT_INVALID',
      field: `${field}.pods`,
      value: 0,
      message: 'allows no pod at all',
      fix: 'allow at least one pod',
    });
  const r = resolved as ResolvedQuota;
  const pairs: [string, { lte(o: any): boolean } | undefined, unknown][] = [
    ['Cpu', r.requestsCpu, r.limitsCpu],
    ['Memory', r.requestsMemory, r.limitsMemory],
    ['EphemeralStorage', r.requestsEphemeralStorage, r.limitsEphemeralStorage],
  ];
  for (const [what, req, lim] of pairs) {
    if (req && lim && !req.lte(lim)) {
      problems.add({
        code: 'QUOTA_REQUESTS_ABOVE_LIMITS',
        field: `${field}.requests${what}`,
        value: String(req),
        message: `is above limits${what} (${lim})`,
        fix: `lower requests${what} or raise limits${what}: requests can never exceed limits`,
      });
    }
  }
  return r;
}

/** The `spec.hard` map of a resolved quota. */
export function quotaToHard(r: ResolvedQuota): Record<string, k8s.Quantity> {
  const hard: Record<string, k8s.Quantity> = {};
  for (const [key, name] of Object.entries(HARD_KEYS)) {
    const v = (r as Record<string, unknown>)[key];
    if (v === undefined) continue;
    hard[name] = typeof v === 'number' ? k8s.Quantity.fromNumber(v) : k8s.Quantity.fromString(String(v));
  }
  return hard;
}

/** The shape of quota limits: a preset, or amounts (judged by their parsers) and counts. */
export const QUOTA_LIMITS_SHAPE = is.either(
  is.instance(QuotaPreset),
  is.props<QuotaLimits>(
    Object.fromEntries(
      Object.keys(HARD_KEYS).map((k) => [k, (COUNTS as readonly string[]).includes(k) ? is.number : is.any]),
    ) as PropsFields<QuotaLimits>,
  ),
);

/** The shape of the props (checked at entry). */
const RESOURCE_QUOTA_SHAPE = is.props<ResourceQuotaProps>({
  namespace: is.string,
  name: is.string,
  limits: QUOTA_LIMITS_SHAPE,
  scopes: is.list(is.oneOf(Object.values(QuotaScope), 'QuotaScope')),
});

/**
 * A ResourceQuota (cdk8s-plus-28 has none): the hard ceiling of a namespace.
 *
 * @example
 * new ResourceQuota(chart, 'Quota', { namespace: 'payments', limits: QuotaPreset.MEDIUM });
 */
export class ResourceQuota extends NamespacedObject<ResourceQuotaProps> {
  /** The parsed limits, for synth-time checks (what fits the namespace). */
  public readonly hard: ResolvedQuota;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ResourceQuotaProps) {
    // ValidateResourceQuotaName: NameIsDNSSubdomain, the base's rule.
    super(scope, id, props, 'ResourceQuota', RESOURCE_QUOTA_SHAPE, 'quota');
    const { problems } = this;
    props = this.checked; // without the fields whose shape failed: the checks below skip them
    const scopes = props.scopes ?? [];
    // Without explicit limits, a scoped quota takes the preset's limits its scopes admit; explicit ones are judged.
    const limits: QuotaLimits =
      props.limits === undefined
        ? Object.fromEntries(Object.entries(QuotaPreset.SMALL.limits).filter(([k]) => admittedByScopes(scopes, k as keyof QuotaLimits)))
        : props.limits instanceof QuotaPreset
          ? props.limits.limits
          : props.limits;
    if (scopes.length > 0) checkScopes(problems, scopes, limits);
    this.hard = resolveQuota(problems, 'limits', props.limits instanceof QuotaPreset ? props.limits : limits, scopes.length > 0);
    problems.throwIfAny();
    this.apiObject = new k8s.KubeResourceQuota(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: componentLabels({ name: 'resource-quota', instance: this.namespace, component: 'governance' }),
      },
      spec: { hard: quotaToHard(this.hard), ...(scopes.length ? { scopes: [...scopes] } : {}) },
    });
  }
}

/** One workload's pods as quota admission sees them. */
export interface QuotaPods {
  readonly name: string;
  /** Most pods at once. */
  readonly count: number;
  /** One pod's requests and limits, after the LimitRange filled the gaps (LimitRanger admits before ResourceQuota). */
  readonly requests: ResolvedCompute;
  readonly limits: ResolvedCompute;
  /** The pod spec sets activeDeadlineSeconds (a Job's own deadline is not the pod's). */
  readonly terminating: boolean;
}

/** A ResourceQuota of a namespace, as quota admission applies it. */
export interface NamespaceQuota {
  readonly name: string;
  readonly scopes: readonly QuotaScope[];
  readonly hard: ResolvedQuota;
}

/** One hard limit the pods a quota counts exceed at peak. */
export interface QuotaExcess {
  readonly key: keyof QuotaLimits;
  /** `spec.hard` name, e.g. `requests.cpu`. */
  readonly hardName: string;
  readonly used: number | Quantity;
  readonly hard: number | Quantity;
  /** The pods the quota counts. */
  readonly pods: readonly QuotaPods[];
}

/** QoS BestEffort (pkg/apis/core/helper/qos GetPodQOS): no container requests or limits a positive CPU or memory. */
function isBestEffort(p: QuotaPods): boolean {
  return [p.requests.cpu, p.requests.memory, p.limits.cpu, p.limits.memory].every((q) => q === undefined || q.isZero);
}

/**
 * Whether a quota with `scopes` counts these pods (pkg/quota/v1/evaluator/core/pods.go podMatchesScopeFunc, every scope
 * must match): Terminating = activeDeadlineSeconds set, NotTerminating = not set, BestEffort = QoS BestEffort,
 * NotBestEffort = the rest.
 */
function quotaCountsPods(scopes: readonly QuotaScope[], pods: QuotaPods): boolean {
  return scopes.every((scope) => {
    switch (scope) {
      case QuotaScope.TERMINATING:
        return pods.terminating;
      case QuotaScope.NOT_TERMINATING:
        return !pods.terminating;
      case QuotaScope.BEST_EFFORT:
        return isBestEffort(pods);
      case QuotaScope.NOT_BEST_EFFORT:
        return !isBestEffort(pods);
      default:
        return false;
    }
  });
}

/** The pod-related limits (count, compute, ephemeral storage) in the order they are reported. */
const POD_KEYS = [
  ['pods', undefined, undefined],
  ['requestsCpu', 'requests', 'cpu'],
  ['requestsMemory', 'requests', 'memory'],
  ['limitsCpu', 'limits', 'cpu'],
  ['limitsMemory', 'limits', 'memory'],
  ['requestsEphemeralStorage', 'requests', 'ephemeralStorage'],
  ['limitsEphemeralStorage', 'limits', 'ephemeralStorage'],
] as const;

/**
 * Every pod-related hard limit of `quota` that the pods it counts exceed at peak: quota admission applies every
 * ResourceQuota of the namespace to each pod, so any one of them refuses the last pods of a rollout or scale-up.
 */
export function podQuotaExcesses(quota: NamespaceQuota, all: readonly QuotaPods[]): QuotaExcess[] {
  const pods = all.filter((p) => quotaCountsPods(quota.scopes, p));
  const out: QuotaExcess[] = [];
  for (const [key, side, resource] of POD_KEYS) {
    const hard = quota.hard[key];
    if (hard === undefined) continue;
    if (side === undefined) {
      const used = pods.reduce((n, p) => n + p.count, 0);
      if (used > (hard as number)) out.push({ key, hardName: HARD_KEYS[key], used, hard, pods });
      continue;
    }
    let used = (hard as Quantity).times(0);
    for (const p of pods) {
      const per = p[side][resource];
      if (per) used = used.plus(per.times(p.count) as never);
    }
    if (used.gt(hard as never)) out.push({ key, hardName: HARD_KEYS[key], used, hard, pods });
  }
  return out;
}

const POD_SCOPES = Object.values(QuotaScope) as string[];

/**
 * A ResourceQuota object as quota admission applies it, or undefined when its scopes are not judged here (PriorityClass,
 * CrossNamespacePodAffinity, an unknown scope or a selector other than Exists). Unparsable amounts are left out: the
 * schema check reports them.
 */
export function quotaFromManifest(o: any): NamespaceQuota | undefined {
  const spec = o?.spec && typeof o.spec === 'object' ? o.spec : {};
  const scopes: string[] = Array.isArray(spec.scopes) ? [...spec.scopes] : [];
  const exprs = spec.scopeSelector?.matchExpressions;
  for (const e of Array.isArray(exprs) ? exprs : []) {
    // validateScopedResourceSelectorRequirement: the four pod scopes take only Exists, the same as listing them.
    if (e?.operator !== 'Exists' || !POD_SCOPES.includes(e?.scopeName)) return undefined;
    scopes.push(e.scopeName);
  }
  if (!scopes.every((s) => POD_SCOPES.includes(s))) return undefined;
  const given = spec.hard && typeof spec.hard === 'object' ? spec.hard : {};
  const hard: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(HARD_KEYS) as [keyof QuotaLimits, string][]) {
    const v = given[name];
    if (v === undefined || v === null) continue;
    try {
      if ((COUNTS as readonly string[]).includes(key)) {
        const n = typeof v === 'number' ? v : Number(String(v));
        if (Number.isSafeInteger(n) && n >= 0) hard[key] = n;
      } else {
        const parse = key.endsWith('Cpu') ? Cpu.parse : key.endsWith('Memory') ? Memory.parse : Storage.parse;
        hard[key] = parse(String(v));
      }
    } catch {
      // unparsable amount: the schema check reports it
    }
  }
  // The bare names are the same limits as their requests.* forms (pkg/quota/v1/evaluator/core/pods.go); both bind.
  for (const [alias, key] of [
    ['cpu', 'requestsCpu'],
    ['memory', 'requestsMemory'],
    ['ephemeral-storage', 'requestsEphemeralStorage'],
  ] as const) {
    if (given[alias] === undefined || given[alias] === null) continue;
    try {
      const parse = key === 'requestsCpu' ? Cpu.parse : key === 'requestsMemory' ? Memory.parse : Storage.parse;
      const q = parse(String(given[alias])) as Quantity;
      const had = hard[key] as Quantity | undefined;
      if (had === undefined || q.lt(had as never)) hard[key] = q;
    } catch {
      // unparsable amount: the schema check reports it
    }
  }
  return { name: String(o?.metadata?.name ?? ''), scopes: scopes as QuotaScope[], hard: hard as ResolvedQuota };
}
