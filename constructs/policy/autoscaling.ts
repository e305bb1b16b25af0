import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { IHPAScalingPolicy, IHPAScalingRules, IMetricSpec } from 'kubernetes-models/autoscaling/v2';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { IssueInput } from '../core/errors';
import { specObject } from '../core/model-object';
import { isLabelKey, isLabelValue, isPathSegmentName } from '../core/names';
import { isPositiveQuantity } from '../core/quantity';
import { checkArgs, is } from '../core/shape';
import { secondsOf } from '../core/duration';
import { INT32_MAX, integerIssue } from '../core/value-issues';
import { keyField } from '../core/field-path';

/** A metric target: an absolute value, or an average per pod. */
export interface MetricTarget {
  /** Total value across all pods (`target.type: Value`), a quantity such as `'100'` or `'500m'`. */
  readonly value?: string;
  /** Value per pod (`target.type: AverageValue`). */
  readonly averageValue?: string;
}

/*
 * The shapes of HpaMetric's arguments, checked by each factory: the metric keeps
 * them for the construct it is given to, whose checks read them as typed (a
 * sparse list of length 2^32 - 1 as a name or apiVersion hung its rendering; a
 * revoked Proxy threw a TypeError). What a value means is judged by issues().
 */
const SELECTOR = is.map(is.string);
const TARGET = is.object({ value: is.string, averageValue: is.string });
const OBJECT_REF = is.object({ apiVersion: is.string, kind: is.string, name: is.string });

/**
 * A custom or external HPA metric (served by a metrics adapter such as
 * prometheus-adapter or KEDA): per-pod (`Pods`), of another object (`Object`),
 * or from outside the cluster (`External`).
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/#autoscaling-on-multiple-metrics-and-custom-metrics
 */
export class HpaMetric {
  /** Average of a per-pod metric, e.g. `HpaMetric.pods('http_requests_per_second', '100')`. */
  public static pods(name: string, averageValue: string, selector?: Readonly<Record<string, string>>): HpaMetric {
    checkArgs(
      'HpaMetric.pods',
      ['name', name, is.string],
      ['averageValue', averageValue, is.string],
      ['selector', selector, SELECTOR, 'optional'],
    );
    return new HpaMetric('Pods', name, { averageValue }, selector);
  }
  /** A metric of another object, e.g. an Ingress's requests per second. */
  public static object(
    describedObject: { readonly apiVersion: string; readonly kind: string; readonly name: string },
    name: string,
    target: MetricTarget,
  ): HpaMetric {
    checkArgs('HpaMetric.object', ['describedObject', describedObject, OBJECT_REF], ['name', name, is.string], ['target', target, TARGET]);
    return new HpaMetric('Object', name, target, undefined, describedObject);
  }
  /** A metric from outside the cluster, e.g. a queue's length. */
  public static external(name: string, target: MetricTarget, selector?: Readonly<Record<string, string>>): HpaMetric {
    checkArgs('HpaMetric.external', ['name', name, is.string], ['target', target, TARGET], ['selector', selector, SELECTOR, 'optional']);
    return new HpaMetric('External', name, target, selector);
  }
  private constructor(
    public readonly type: 'Pods' | 'Object' | 'External',
    public readonly name: string,
    private readonly target: MetricTarget,
    private readonly selector?: Readonly<Record<string, string>>,
    private readonly describedObject?: { readonly apiVersion: string; readonly kind: string; readonly name: string },
  ) {}

  public issues(field: string): IssueInput[] {
    checkArgs('HpaMetric.issues', ['field', field, is.string]);
    const out: IssueInput[] = [];
    const bad = (f: string, value: unknown, message: string, fix: string) =>
      out.push({ code: 'HPA_METRIC_INVALID', field: `${field}.${f}`, value, message, fix });
    // autoscaling validateMetricIdentifier: a non-empty path segment name (no '/' or '%', not '.' or '..').
    if (typeof this.name !== 'string' || this.name === '' || !isPathSegmentName(this.name))
      bad('name', this.name, "is not a metric name (non-empty, no '/' or '%', not '.' or '..')", "use e.g. 'http_requests_per_second'");
    const set = [this.target.value, this.target.averageValue].filter((v) => v !== undefined);
    if (set.length !== 1) bad('target', this.target, 'must set exactly one of value and averageValue', 'choose one target type');
    if (this.type === 'Pods' && this.target.value !== undefined)
      bad('target', this.target, 'of a Pods metric can only be an averageValue', 'use averageValue');
    for (const v of set) if (!isPositiveQuantity(v)) bad('target', v, 'must be a positive quantity', "use e.g. '100' or '500m'");
    for (const [k, v] of Object.entries(this.selector ?? {}))
      if (!isLabelKey(k) || !isLabelValue(v))
        bad(keyField('selector', k), v, 'is not a valid label key and value', 'select by metric labels');
    if (this.describedObject && (!this.describedObject.kind || !this.describedObject.name || !this.describedObject.apiVersion))
      bad(
        'describedObject',
        this.describedObject,
        'needs apiVersion, kind and name',
        "e.g. { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'shop' }",
      );
    if (this.describedObject)
      for (const i of crossVersionRefIssues(this.describedObject, `${field}.describedObject`, 'HPA_METRIC_INVALID')) out.push(i);
    return out;
  }

  public toJson(): IMetricSpec {
    const target =
      this.target.value !== undefined
        ? { type: 'Value', value: this.target.value }
        : { type: 'AverageValue', averageValue: this.target.averageValue };
    const metric = { name: this.name, ...(this.selector ? { selector: { matchLabels: { ...this.selector } } } : {}) };
    if (this.type === 'Pods') return { type: 'Pods', pods: { metric, target } } as IMetricSpec;
    if (this.type === 'Object')
      return { type: 'Object', object: { metric, target, describedObject: { ...this.describedObject! } } } as IMetricSpec;
    return { type: 'External', external: { metric, target } } as IMetricSpec;
  }
}

/**
 * autoscaling ValidateCrossVersionObjectReference (an HPA's scaleTargetRef, an
 * Object metric's describedObject): a kind and a name, when given, are path
 * segment names (IsValidPathSegmentName), else the API server refuses the HPA.
 * Shared by HpaMetric and the catalogue's HPA rules.
 */
export function crossVersionRefIssues(ref: unknown, field: string, code: 'HPA_INVALID' | 'HPA_METRIC_INVALID'): IssueInput[] {
  if (typeof ref !== 'object' || ref === null) return [];
  return (['kind', 'name'] as const).flatMap((k) => {
    const value = (ref as Record<string, unknown>)[k];
    return value && (typeof value !== 'string' || !isPathSegmentName(value))
      ? [
          {
            code,
            field: `${field}.${k}`,
            value,
            message: "is not a path segment name (no '/' or '%', not '.' or '..'): the API server refuses the HPA",
            fix:
              k === 'kind' ? "give the kind alone, e.g. 'Ingress' (the group goes in apiVersion)" : "give the object's name, e.g. 'shop'",
          },
        ]
      : [];
  });
}

/** How replicas are counted when several policies apply. */
export enum ScalingSelectPolicy {
  MAX = 'Max',
  MIN = 'Min',
  /** Never scale in this direction. */
  DISABLED = 'Disabled',
}

/** One scaling policy: change by `value` pods or percent per `period`. */
export interface ScalingPolicy {
  readonly type: 'Pods' | 'Percent';
  /** > 0. */
  readonly value: number;
  /** 1 s – 30 min. */
  readonly period: Duration;
}

/** Scaling rules for one direction. @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior */
export interface ScalingRules {
  /** 0 – 1 h. @default - scaleUpStabilization / scaleDownStabilization */
  readonly stabilizationWindow?: Duration;
  /** @default - up: 100% or 4 pods per 15 s; down: 50% per 60 s */
  readonly policies?: readonly ScalingPolicy[];
  /** @default ScalingSelectPolicy.MAX */
  readonly selectPolicy?: ScalingSelectPolicy;
}

/** Horizontal autoscaling of a workload. @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ */
export interface AutoscalingProps {
  /** @default 2 (one replica cannot survive a node drain without downtime) */
  readonly minReplicas?: number;
  /** The most replicas the autoscaler may run: at least `minReplicas`; quotas and capacity reports count this many. */
  readonly maxReplicas: number;
  /** Target average CPU use, % of the request. @default 70 when no metric is given */
  readonly cpuUtilization?: number;
  /** Target average memory use, % of the request. @default - none */
  readonly memoryUtilization?: number;
  /** How long to wait before scaling up again. @default Duration.seconds(0) */
  readonly scaleUpStabilization?: Duration;
  /** How long load must stay low before scaling down (anti-thrashing). @default Duration.minutes(5) */
  readonly scaleDownStabilization?: Duration;
  /** Custom and external metrics (Pods, Object, External). @default - none */
  readonly metrics?: readonly HpaMetric[];
  /** Scaling policies per direction, within the API's bounds. @default - see ScalingRules */
  readonly behavior?: { readonly scaleUp?: ScalingRules; readonly scaleDown?: ScalingRules };
}

/** Autoscaling with defaults filled. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
  readonly scaleUpStabilizationSeconds: number;
  readonly scaleDownStabilizationSeconds: number;
  readonly metrics: readonly HpaMetric[];
  readonly behavior: { readonly scaleUp?: ScalingRules; readonly scaleDown?: ScalingRules };
}

const BOUNDS = { windowSeconds: 3600, periodSeconds: 1800 } as const;

function behaviorIssues(p: AutoscalingProps): IssueInput[] {
  const out: IssueInput[] = [];
  const seconds = secondsOf;
  const window = (field: string, d: Duration | undefined) => {
    if (d === undefined) return;
    const v = seconds(d);
    if (!Number.isSafeInteger(v) || v < 0 || v > BOUNDS.windowSeconds)
      out.push({
        code: 'HPA_BEHAVIOR_INVALID',
        field,
        value: `${v}s`,
        message: `must be whole seconds from 0 to ${BOUNDS.windowSeconds} (the API's bounds)`,
        fix: 'use at most Duration.hours(1)',
      });
  };
  window('autoscaling.scaleUpStabilization', p.scaleUpStabilization);
  window('autoscaling.scaleDownStabilization', p.scaleDownStabilization);
  for (const dir of ['scaleUp', 'scaleDown'] as const) {
    const rules = p.behavior?.[dir];
    if (!rules) continue;
    const f = `autoscaling.behavior.${dir}`;
    window(`${f}.stabilizationWindow`, rules.stabilizationWindow);
    if (rules.policies?.length === 0 && rules.selectPolicy !== ScalingSelectPolicy.DISABLED)
      out.push({
        code: 'HPA_BEHAVIOR_INVALID',
        field: `${f}.policies`,
        value: [],
        message: 'is empty',
        fix: 'give a policy, or omit policies for the defaults',
      });
    rules.policies?.forEach((pol, i) => {
      const period = seconds(pol.period);
      if (!Number.isSafeInteger(period) || period < 1 || period > BOUNDS.periodSeconds)
        out.push({
          code: 'HPA_BEHAVIOR_INVALID',
          field: `${f}.policies[${i}].period`,
          value: `${period}s`,
          message: `must be whole seconds from 1 to ${BOUNDS.periodSeconds}`,
          fix: 'use e.g. Duration.seconds(60)',
        });
      const value = integerIssue(
        'HPA_BEHAVIOR_INVALID',
        `${f}.policies[${i}].value`,
        pol.value,
        { min: 1 },
        'use e.g. 4 (pods) or 50 (percent)',
      );
      if (value) out.push(value);
    });
  }
  return out;
}

export function resolveAutoscaling(p: AutoscalingProps): { resolved: ResolvedAutoscaling; issues: IssueInput[] } {
  const issues: IssueInput[] = [];
  const min = p.minReplicas ?? 2;
  const int = (v: number, lo: number) => Number.isSafeInteger(v) && v >= lo && v <= INT32_MAX;
  const minIssue = integerIssue('HPA_INVALID', 'autoscaling.minReplicas', min, { min: 1 }, 'use 2 or more for availability');
  if (minIssue) issues.push(minIssue);
  const maxIssue = integerIssue('HPA_INVALID', 'autoscaling.maxReplicas', p.maxReplicas, { min: 1 }, 'use e.g. 10');
  if (maxIssue) issues.push(maxIssue);
  else if (p.maxReplicas === undefined || (!minIssue && p.maxReplicas < min))
    issues.push({
      code: 'HPA_INVALID',
      field: 'autoscaling.maxReplicas',
      value: p.maxReplicas,
      message: `must be an integer ≥ minReplicas (${min})`,
      fix: 'raise maxReplicas',
    });
  const noMetric = p.cpuUtilization === undefined && p.memoryUtilization === undefined && !p.metrics?.length;
  issues.push(...behaviorIssues(p));
  p.metrics?.forEach((m, i) => issues.push(...m.issues(`autoscaling.metrics[${i}]`)));
  const cpu = noMetric ? 70 : p.cpuUtilization;
  for (const [field, v] of [
    ['cpuUtilization', cpu],
    ['memoryUtilization', p.memoryUtilization],
  ] as const) {
    // autoscaling validateMetricTarget: averageUtilization is an int32 above 0 (no upper bound: a small request
    // can sensibly be targeted at 2000%).
    if (v !== undefined && !int(v, 1))
      issues.push({
        code: 'HPA_INVALID',
        field: `autoscaling.${field}`,
        value: v,
        message: 'must be a whole percentage of the request, at least 1',
        fix: 'use e.g. 70',
      });
  }
  return {
    resolved: {
      minReplicas: min,
      maxReplicas: p.maxReplicas,
      cpuUtilization: cpu,
      memoryUtilization: p.memoryUtilization,
      scaleUpStabilizationSeconds: Math.ceil(p.scaleUpStabilization ? secondsOf(p.scaleUpStabilization) : 0),
      scaleDownStabilizationSeconds: Math.ceil(p.scaleDownStabilization ? secondsOf(p.scaleDownStabilization) : 300),
      metrics: p.metrics ?? [],
      behavior: p.behavior ?? {},
    },
    issues,
  };
}

/** Renders an `autoscaling/v2` HorizontalPodAutoscaler for a Deployment. */
export function createAutoscaler(
  scope: Construct,
  id: string,
  target: { name: string; namespace: string; labels: Record<string, string> },
  a: ResolvedAutoscaling,
): ApiObject {
  const metrics: IMetricSpec[] = [
    ...(a.cpuUtilization !== undefined
      ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuUtilization } } }]
      : []),
    ...(a.memoryUtilization !== undefined
      ? [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: a.memoryUtilization } } }]
      : []),
    ...a.metrics.map((m) => m.toJson()),
  ];
  const metadata = { name: target.name, namespace: target.namespace, labels: target.labels };
  return specObject(scope, id, HorizontalPodAutoscaler, metadata, () => ({
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target.name },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics,
    behavior: {
      scaleUp: rulesToJson(a.behavior.scaleUp, a.scaleUpStabilizationSeconds, [
        { type: 'Percent', value: 100, periodSeconds: 15 },
        { type: 'Pods', value: 4, periodSeconds: 15 },
      ]),
      scaleDown: rulesToJson(a.behavior.scaleDown, a.scaleDownStabilizationSeconds, [{ type: 'Percent', value: 50, periodSeconds: 60 }]),
    },
  }));
}

function rulesToJson(rules: ScalingRules | undefined, windowSeconds: number, defaults: IHPAScalingPolicy[]): IHPAScalingRules {
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindow ? secondsOf(rules.stabilizationWindow) : windowSeconds,
    selectPolicy: rules?.selectPolicy ?? ScalingSelectPolicy.MAX,
    policies: rules?.policies?.length
      ? rules.policies.map((p) => ({ type: p.type, value: p.value, periodSeconds: secondsOf(p.period) }))
      : defaults,
  };
}
