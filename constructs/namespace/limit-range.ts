import { checkArgs, is } from '../core/shape';
import { ApiObject } from 'cdk8s';
// The generated Kube* classes alone: cdk8s-plus-28's index also loads all its constructs (about 100 ms of every import).
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { IssueInput } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { NamespacedObject } from '../core/namespaced-object';
import {
  COMPUTE_SHAPE,
  ComputeResource,
  ContainerCompute,
  ResolvedCompute,
  computeFromManifest,
  computeToManifest,
  resolveCompute,
} from '../core/resources';
import { Cpu, Memory, Quantity, Storage, StorageInput } from '../core/quantity';

/** Per-container bounds and defaults. @see https://kubernetes.io/docs/concepts/policy/limit-range/ */
export interface ContainerLimitsProps {
  /** Limit given to a container that sets none (`default`). @default - `max` when set (Kubernetes' rule), else none */
  readonly default?: ContainerCompute;
  /** Request given to a container that sets none (`defaultRequest`). @default - `default`, else `min` (Kubernetes' rule) */
  readonly defaultRequest?: ContainerCompute;
  /** Smallest request a container may have. @default - no minimum */
  readonly min?: ContainerCompute;
  /** Largest limit a container may have. @default - no maximum */
  readonly max?: ContainerCompute;
  /** Largest limit ÷ request a container may have, per resource; ≥ 1. @default - no bound */
  readonly maxLimitRequestRatio?: { readonly cpu?: number; readonly memory?: number };
}

/** Bounds on claim sizes. */
export interface ClaimLimitsProps {
  /** Smallest claim. @default - no minimum */
  readonly min?: StorageInput;
  /** Largest claim. @default - no maximum */
  readonly max?: StorageInput;
}

/** Props of a `LimitRange`. */
export interface LimitRangeProps {
  /** Namespace it governs. */
  readonly namespace: string;
  /** Object name. @default 'limits' */
  readonly name?: string;
  /** Container bounds and defaults. @default - none */
  readonly container?: ContainerLimitsProps;
  /** PersistentVolumeClaim bounds. @default - none */
  readonly persistentVolumeClaim?: ClaimLimitsProps;
}

/** What the LimitRanger gives a container that sets nothing, after Kubernetes' defaulting. */
export interface EffectiveDefaults {
  readonly requests: ResolvedCompute;
  readonly limits: ResolvedCompute;
}

/** A container's own resources, parsed. */
export interface ContainerResources {
  /** @default - none set */
  readonly requests?: ResolvedCompute;
  /** @default - none set */
  readonly limits?: ResolvedCompute;
}

/** The shape of the parsed amounts the public methods take (a JavaScript caller may pass anything). */
const RESOLVED_SHAPE = is.props<ResolvedCompute>({
  cpu: is.instance(Cpu),
  memory: is.instance(Memory),
  ephemeralStorage: is.instance(Storage),
});
const CONTAINER_RESOURCES_SHAPE = is.props<ContainerResources>({ requests: RESOLVED_SHAPE, limits: RESOLVED_SHAPE });

const RESOURCES: readonly ComputeResource[] = ['cpu', 'memory', 'ephemeralStorage'];
/** The ratio bound of `r` (the prop covers CPU and memory). */
const ratioOf = (ratios: { readonly cpu?: number; readonly memory?: number }, r: ComputeResource) =>
  r === 'ephemeralStorage' ? undefined : ratios[r];

/** The shape of `ContainerLimitsProps` (quantities are judged by their parsers). */
export const CONTAINER_LIMITS_SHAPE = is.props<ContainerLimitsProps>({
  default: COMPUTE_SHAPE,
  defaultRequest: COMPUTE_SHAPE,
  min: COMPUTE_SHAPE,
  max: COMPUTE_SHAPE,
  maxLimitRequestRatio: is.props<NonNullable<ContainerLimitsProps['maxLimitRequestRatio']>>({ cpu: is.number, memory: is.number }),
});
/** The shape of `ClaimLimitsProps`. */
export const CLAIM_LIMITS_SHAPE = is.props<ClaimLimitsProps>({ min: is.any, max: is.any });

/** The shape of the props (checked at entry; quantities are judged by their parsers). */
const LIMIT_RANGE_SHAPE = is.props<LimitRangeProps>({
  namespace: is.string,
  name: is.string,
  container: CONTAINER_LIMITS_SHAPE,
  persistentVolumeClaim: CLAIM_LIMITS_SHAPE,
});

/**
 * A LimitRange (cdk8s-plus-28 has none) that also knows what it does: it models
 * Kubernetes' defaulting so other constructs can tell, at synth time, what a
 * container in the namespace really gets.
 *
 * @example
 * const lr = new LimitRange(chart, 'Limits', { namespace: 'payments',
 *   container: { max: { cpu: '2', memory: '4Gi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } } });
 * lr.defaults.limits.cpu?.toString(); // '2' — no `default`, so the limit defaults to `max`
 */
export class LimitRange extends NamespacedObject<LimitRangeProps> {
  public readonly min: ResolvedCompute;
  public readonly max: ResolvedCompute;
  public readonly maxLimitRequestRatio: { readonly cpu?: number; readonly memory?: number };
  /** What a container that sets nothing gets, with Kubernetes' defaulting applied. */
  public readonly defaults: EffectiveDefaults;
  public readonly claimMin?: Storage;
  public readonly claimMax?: Storage;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: LimitRangeProps) {
    // ValidateLimitRangeName: NameIsDNSSubdomain, the base's rule.
    super(scope, id, props, 'LimitRange', LIMIT_RANGE_SHAPE, 'limits');
    const { problems } = this;
    props = this.checked; // without the fields whose shape failed: the checks below skip them
    const c = props.container ?? {};
    const declared = {
      default: resolveCompute(problems, 'container.default', c.default),
      defaultRequest: resolveCompute(problems, 'container.defaultRequest', c.defaultRequest),
      min: resolveCompute(problems, 'container.min', c.min),
      max: resolveCompute(problems, 'container.max', c.max),
    };
    this.min = declared.min;
    this.max = declared.max;
    this.maxLimitRequestRatio = { ...c.maxLimitRequestRatio };
    this.defaults = applyDefaulting(declared);

    for (const r of RESOURCES) {
      // min ≤ defaultRequest ≤ default ≤ max, on the values Kubernetes will use.
      const chain: [string, Quantity | undefined][] = [
        ['min', declared.min[r]],
        ['defaultRequest', this.defaults.requests[r]],
        ['default', this.defaults.limits[r]],
        ['max', declared.max[r]],
      ];
      const present = chain.filter((e): e is [string, Quantity] => e[1] !== undefined);
      for (let i = 0; i < present.length; i++) {
        for (let j = i + 1; j < present.length; j++) {
          const [lowName, low] = present[i];
          const [highName, high] = present[j];
          if (low.gt(high as never)) {
            problems.add({
              code: 'LIMITRANGE_ORDER',
              field: `container.${lowName}.${r}`,
              value: low.toString(),
              message: `is above ${highName}.${r} (${high})`,
              fix: 'keep min ≤ defaultRequest ≤ default ≤ max',
            });
          }
        }
      }
      const ratio = ratioOf(c.maxLimitRequestRatio ?? {}, r);
      if (ratio !== undefined) {
        const field = `container.maxLimitRequestRatio.${r}`;
        if (
          !problems.check(!Number.isFinite(ratio) || ratio < 1, {
            code: 'LIMITRANGE_RATIO',
            field,
            value: ratio,
            message: 'must be a number ≥ 1 (a limit is never below its request)',
            fix: 'use 1 for requests = limits, or a larger ratio',
          })
        )
          continue;
        const nanos = problems.attempt(field, () => Cpu.parse(ratio, { field }).nanos);
        if (nanos === undefined) continue;
        const min = declared.min[r];
        const max = declared.max[r];
        const maxOverMin = min && max ? ratioAboveMaxOverMin(nanos, min.nanos, max.nanos) : undefined;
        if (maxOverMin !== undefined)
          problems.add({
            code: 'LIMITRANGE_RATIO',
            field,
            value: ratio,
            message: `is greater than max/min = ${maxOverMin.toFixed(6)} (${max} / ${min}): the API server refuses the LimitRange`,
            fix: RATIO_ABOVE_MAX_OVER_MIN_FIX,
          });
        const req = this.defaults.requests[r];
        const lim = this.defaults.limits[r];
        if (req && lim && Quantity.ratioExceeds(lim as Quantity, req as Quantity, ratio)) {
          problems.add({
            code: 'LIMITRANGE_RATIO',
            field,
            value: ratio,
            message: `is below the defaults' own ratio (${lim} / ${req})`,
            fix: 'raise the ratio or bring default and defaultRequest closer',
          });
        }
      }
    }
    const pvc = props.persistentVolumeClaim;
    this.claimMin =
      pvc?.min === undefined
        ? undefined
        : problems.attempt('persistentVolumeClaim.min', () => Storage.of(pvc.min!, { field: 'persistentVolumeClaim.min' }));
    this.claimMax =
      pvc?.max === undefined
        ? undefined
        : problems.attempt('persistentVolumeClaim.max', () => Storage.of(pvc.max!, { field: 'persistentVolumeClaim.max' }));
    if (this.claimMin && this.claimMax && this.claimMin.gt(this.claimMax)) {
      problems.add({
        code: 'LIMITRANGE_ORDER',
        field: 'persistentVolumeClaim.min',
        value: this.claimMin.toString(),
        message: `is above persistentVolumeClaim.max (${this.claimMax})`,
        fix: 'keep min ≤ max',
      });
    }
    problems.throwIfAny();

    const limits: k8s.LimitRangeItem[] = [];
    const q = (r: ResolvedCompute) => {
      const m = computeToManifest(r);
      return m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, k8s.Quantity.fromString(v)])) : undefined;
    };
    if (props.container) {
      const ratio = Object.fromEntries(
        Object.entries(this.maxLimitRequestRatio)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => [k, k8s.Quantity.fromString(Cpu.parse(v).toString())]),
      );
      limits.push({
        type: 'Container',
        default: q(declared.default),
        defaultRequest: q(declared.defaultRequest),
        min: q(declared.min),
        max: q(declared.max),
        maxLimitRequestRatio: Object.keys(ratio).length ? ratio : undefined,
      });
    }
    if (this.claimMin || this.claimMax) {
      limits.push({
        type: 'PersistentVolumeClaim',
        min: this.claimMin ? { storage: k8s.Quantity.fromString(this.claimMin.toString()) } : undefined,
        max: this.claimMax ? { storage: k8s.Quantity.fromString(this.claimMax.toString()) } : undefined,
      });
    }
    this.apiObject = new k8s.KubeLimitRange(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: componentLabels({ name: 'limit-range', instance: this.namespace, component: 'governance' }),
      },
      spec: { limits },
    });
  }

  /**
   * What a container ends up with in this namespace: the API server first
   * copies a set limit into a missing request, then the LimitRanger fills what
   * is still missing from `defaultRequest` and `default`.
   */
  public resolve(own: ContainerResources = {}): Required<ContainerResources> {
    checkArgs('LimitRange.resolve', ['own', own, CONTAINER_RESOURCES_SHAPE]);
    return resolveContainerResources(own, this.defaults);
  }

  /** Issues for a claim of `size` outside this range's claim bounds (for synth-time checks: the API server refuses it). */
  public claimViolations(size: Storage, field: string): IssueInput[] {
    checkArgs('LimitRange.claimViolations', ['size', size, is.instance(Storage)], ['field', field, is.string]);
    const bounds = [
      { bound: this.claimMin, outside: (b: Storage) => size.lt(b), is: 'below', of: 'minimum', request: 'at least' },
      { bound: this.claimMax, outside: (b: Storage) => size.gt(b), is: 'above', of: 'maximum', request: 'at most' },
    ];
    return bounds
      .filter((b) => b.bound && b.outside(b.bound))
      .map((b) => ({
        code: 'LIMITRANGE_VIOLATION',
        field,
        value: size.toString(),
        message: `is ${b.is} the namespace's claim ${b.of} ${b.bound}`,
        fix: `request ${b.request} ${b.bound}`,
      }));
  }

  /** Issues for a container whose resolved resources break this range (for synth-time checks). */
  public violations(resolved: ContainerResources, field: string): IssueInput[] {
    checkArgs('LimitRange.violations', ['resolved', resolved, CONTAINER_RESOURCES_SHAPE], ['field', field, is.string]);
    const out: IssueInput[] = [];
    const where = `LimitRange ${this.namespace}/${this.name}`;
    for (const r of RESOURCES) {
      const req = resolved.requests?.[r] as Quantity | undefined;
      const lim = resolved.limits?.[r] as Quantity | undefined;
      const min = this.min[r] as Quantity | undefined;
      const max = this.max[r] as Quantity | undefined;
      const violation = (side: 'requests' | 'limits', value: string | undefined, message: string, fix: string) =>
        out.push({ code: 'LIMITRANGE_VIOLATION', field: `${field}.${side}.${r}`, value, message, fix });
      if (min && req && req.lt(min as never))
        violation('requests', req.toString(), `is below the minimum ${min} of ${where}`, `request at least ${min}`);
      if (min && !req) violation('requests', undefined, `is unset but ${where} requires at least ${min}`, `request at least ${min}`);
      if (max && lim && lim.gt(max as never))
        violation('limits', lim.toString(), `is above the maximum ${max} of ${where}`, `limit it to at most ${max}`);
      if (max && !lim) violation('limits', undefined, `is unset but ${where} caps it at ${max}`, `set a limit of at most ${max}`);
      const ratio = ratioOf(this.maxLimitRequestRatio, r);
      if (ratio !== undefined && req && lim && Quantity.ratioExceeds(lim, req, ratio)) {
        violation(
          'limits',
          `${lim}/${req}`,
          `has a limit/request ratio above ${ratio} allowed by ${where}`,
          'raise the request or lower the limit',
        );
      }
    }
    return out;
  }
}

/** apimachinery resource.MaxMilliValue: MaxInt64 / 1000. */
const MAX_MILLI_VALUE = 9223372036854775n;
const ceilDiv = (n: bigint, d: bigint) => (n + d - 1n) / d;

/**
 * ValidateLimitRange's bound on a `maxLimitRequestRatio` whose resource also has `min` and `max`: the ratio
 * may not exceed max/min (no container could hold both bounds and the ratio otherwise). Compared as the
 * API server compares: milli-values rounded up (whole values, rounded up, when one is beyond the milli
 * range), divided in floating point. Amounts in nano-units (non-negative); returns max/min when the ratio
 * is above it, else undefined (a zero min bounds nothing).
 */
export function ratioAboveMaxOverMin(ratio: bigint, min: bigint, max: bigint): number | undefined {
  const whole = [ratio, min, max].map((n) => ceilDiv(n, 1_000_000_000n));
  const milli = whole.every((n) => n < MAX_MILLI_VALUE);
  const [r, lo, hi] = milli ? [ratio, min, max].map((n) => ceilDiv(n, 1_000_000n)) : whole;
  const value = milli ? Number(r) / 1000 : Number(r);
  const limit = Number(hi) / Number(lo);
  return value > limit ? limit : undefined;
}

/** How to fix a ratio above max/min. */
export const RATIO_ABOVE_MAX_OVER_MIN_FIX = 'lower maxLimitRequestRatio to at most max/min, or widen min and max';

/**
 * What a container gets in a namespace with these defaults: the API server
 * copies a set limit into a missing request, then the LimitRanger fills what
 * is still missing. Shared by `LimitRange.resolve` and the capacity report.
 */
export function resolveContainerResources(own: ContainerResources, defaults: EffectiveDefaults): Required<ContainerResources> {
  const requests: Record<string, any> = {};
  const limits: Record<string, any> = {};
  for (const r of RESOURCES) {
    const lim = own.limits?.[r] ?? defaults.limits[r];
    const req = own.requests?.[r] ?? own.limits?.[r] ?? defaults.requests[r];
    if (req) requests[r] = req;
    if (lim) limits[r] = lim;
  }
  return { requests, limits };
}

/** Parses the `Container` item of a LimitRange manifest and applies Kubernetes' defaulting. */
export function defaultsFromManifest(item: any): EffectiveDefaults {
  return applyDefaulting({
    default: computeFromManifest(item?.default),
    defaultRequest: computeFromManifest(item?.defaultRequest),
    min: computeFromManifest(item?.min),
    max: computeFromManifest(item?.max),
  });
}

/**
 * Kubernetes' defaulting of a LimitRangeItem (pkg/apis/core/v1/defaults.go):
 * no `default` → `max`; no `defaultRequest` → `default`, else `min`.
 */
export function applyDefaulting(d: {
  default: ResolvedCompute;
  defaultRequest: ResolvedCompute;
  min: ResolvedCompute;
  max: ResolvedCompute;
}): EffectiveDefaults {
  const limits: Record<string, any> = {};
  const requests: Record<string, any> = {};
  for (const r of RESOURCES) {
    const lim = d.default[r] ?? d.max[r];
    const req = d.defaultRequest[r] ?? lim ?? d.min[r];
    if (lim) limits[r] = lim;
    if (req) requests[r] = req;
  }
  return { requests, limits };
}
