import { PropsFields, enterPartial, is } from '../core/shape';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Problems } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { NameRule, objectNameIssues } from '../core/names';
import { Cpu, CpuInput, Memory, MemoryInput, Storage, StorageInput } from '../core/quantity';

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

/**
 * The hard limits a scope admits (pkg/apis/core/helper IsResourceQuotaScopeValidForResource): BestEffort pods request
 * nothing, so only their count; the other scopes select pods, so only the pod count and pod compute (not ephemeral
 * storage, nor object counts or claims). The API server refuses a scoped quota with any other standard resource.
 */
const SCOPE_ADMITS: Record<QuotaScope, readonly (keyof QuotaLimits)[]> = {
  [QuotaScope.BEST_EFFORT]: ['pods'],
  [QuotaScope.TERMINATING]: ['pods', 'requestsCpu', 'requestsMemory', 'limitsCpu', 'limitsMemory'],
  [QuotaScope.NOT_TERMINATING]: ['pods', 'requestsCpu', 'requestsMemory', 'limitsCpu', 'limitsMemory'],
  [QuotaScope.NOT_BEST_EFFORT]: ['pods', 'requestsCpu', 'requestsMemory', 'limitsCpu', 'limitsMemory'],
};

/** Scopes that select disjoint pods, so a quota with both governs none (core validation validateResourceQuotaScopes). */
const CONFLICTING_SCOPES: readonly (readonly [QuotaScope, QuotaScope])[] = [
  [QuotaScope.BEST_EFFORT, QuotaScope.NOT_BEST_EFFORT],
  [QuotaScope.TERMINATING, QuotaScope.NOT_TERMINATING],
];

/** Whether every scope in `scopes` admits the limit `key`. */
function admittedByScopes(scopes: readonly QuotaScope[], key: keyof QuotaLimits): boolean {
  return scopes.every((scope) => SCOPE_ADMITS[scope].includes(key));
}

/** Records every scope the API server refuses: a conflicting pair, or a set limit one of the scopes does not admit. */
function checkScopes(problems: Problems, scopes: readonly QuotaScope[], limits: QuotaLimits): void {
  for (const [a, b] of CONFLICTING_SCOPES) {
    problems.check(scopes.includes(a) && scopes.includes(b), {
      code: 'QUOTA_SCOPE_INVALID',
      field: 'scopes',
      value: [...scopes],
      message: `holds both ${a} and ${b}, which select no pod in common: the API server refuses the quota (conflicting scopes)`,
      fix: `keep one of ${a} and ${b}, or make two quotas`,
    });
  }
  for (const key of Object.keys(HARD_KEYS) as (keyof QuotaLimits)[]) {
    if (limits[key] === undefined) continue;
    const refusing = scopes.filter((scope) => !SCOPE_ADMITS[scope].includes(key));
    problems.check(refusing.length > 0, {
      code: 'QUOTA_SCOPE_INVALID',
      field: `limits.${key}`,
      value: limits[key],
      message: `(${HARD_KEYS[key]}) is not admitted under scope ${refusing.join(', ')}: the API server refuses the quota (unsupported scope applied to resource); ${refusing
        .map((scope) => `${scope} admits only ${SCOPE_ADMITS[scope].map((k) => HARD_KEYS[k]).join(', ')}`)
        .join('; ')}`,
      fix: `move ${key} to a quota without scopes, or drop it here`,
    });
  }
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
export function resolveQuota(problems: Problems, field: string, input: QuotaPreset | QuotaLimits): ResolvedQuota {
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
  if (limits.pods === 0)
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
export class ResourceQuota extends Construct {
  /** The parsed limits, for synth-time checks (what fits the namespace). */
  public readonly hard: ResolvedQuota;
  public readonly name: string;
  public readonly namespace: string;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ResourceQuotaProps) {
    const { problems, props: checked } = enterPartial(scope, id, props, 'ResourceQuota', RESOURCE_QUOTA_SHAPE);
    super(scope, id);
    props = checked; // without the fields whose shape failed: the checks below skip them
    this.name = props.name ?? 'quota';
    this.namespace = props.namespace;
    // ValidateResourceQuotaName / ValidateLimitRangeName: NameIsDNSSubdomain.
    problems.addAll(...objectNameIssues(NameRule.DNS1123_SUBDOMAIN, this.name, this.namespace));
    const scopes = props.scopes ?? [];
    // Without explicit limits, a scoped quota takes the preset's limits its scopes admit; explicit ones are judged.
    const limits: QuotaLimits =
      props.limits === undefined
        ? Object.fromEntries(Object.entries(QuotaPreset.SMALL.limits).filter(([k]) => admittedByScopes(scopes, k as keyof QuotaLimits)))
        : props.limits instanceof QuotaPreset
          ? props.limits.limits
          : props.limits;
    if (scopes.length > 0) checkScopes(problems, scopes, limits);
    this.hard = resolveQuota(problems, 'limits', props.limits instanceof QuotaPreset ? props.limits : limits);
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
