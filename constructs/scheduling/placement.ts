import type { IAffinity, INodeSelectorRequirement, IPodAffinityTerm, IToleration, ITopologySpreadConstraint } from 'kubernetes-models/v1';
import { IssueInput } from '../core/errors';
import { NameRule, isDns1123Label, isLabelKey, isLabelValue } from '../core/names';
import { Arg, checkArgs, is } from '../core/shape';
import { INT64_MAX_SAFE, integerIssue, text } from '../core/value-issues';
import { NodeLabels } from './node-labels';
import { keyField } from '../core/field-path';

/** Taint effects. @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/ */
export enum TaintEffect {
  NO_SCHEDULE = 'NoSchedule',
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  NO_EXECUTE = 'NoExecute',
}

/** The optional arguments every Toleration factory takes. */
const tolerationArgs = (effect: unknown, seconds: unknown): Arg[] => [
  ['effect', effect, is.oneOf(Object.values(TaintEffect), 'TaintEffect'), 'optional'],
  ['tolerationSeconds', seconds, is.number, 'optional'],
];

/** A toleration of a node taint. */
export class Toleration {
  /** Tolerates taint `key=value` (operator `Equal`). `tolerationSeconds` only with `NoExecute`. */
  public static equal(key: string, value: string, effect?: TaintEffect, tolerationSeconds?: number): Toleration {
    checkArgs('Toleration.equal', ['key', key, is.string], ['value', value, is.string], ...tolerationArgs(effect, tolerationSeconds));
    return new Toleration({ key, operator: 'Equal', value, effect, tolerationSeconds });
  }
  /** Tolerates any taint with `key` (operator `Exists`); without a key, every taint. */
  public static exists(key?: string, effect?: TaintEffect, tolerationSeconds?: number): Toleration {
    checkArgs('Toleration.exists', ['key', key, is.string, 'optional'], ...tolerationArgs(effect, tolerationSeconds));
    return new Toleration({ key, operator: 'Exists', effect, tolerationSeconds });
  }
  private constructor(public readonly spec: IToleration) {}

  /** Problems with this toleration, if any. */
  public issues(field: string): IssueInput[] {
    checkArgs('Toleration.issues', ['field', field, is.string]);
    return tolerationIssues(this.spec, field);
  }
}

/**
 * What the API server refuses in a toleration as rendered (core validation
 * ValidateTolerations), and a value no taint can have: the typed Toleration
 * and the catalogue rule PLACEMENT_INVALID (any pod template) share it.
 */
export function tolerationIssues(s: IToleration, field: string): IssueInput[] {
  const out: IssueInput[] = [];
  if (s.tolerationSeconds !== undefined && s.tolerationSeconds !== null && s.effect !== TaintEffect.NO_EXECUTE) {
    out.push({
      code: 'PLACEMENT_INVALID',
      field: `${field}.tolerationSeconds`,
      value: s.tolerationSeconds,
      message: 'only applies to the NoExecute effect',
      fix: 'use TaintEffect.NO_EXECUTE or drop tolerationSeconds',
    });
  }
  // An int64 (zero and negative evict at once, as the API documents; ValidateTolerations bounds it no further).
  const seconds = integerIssue(
    'PLACEMENT_INVALID',
    `${field}.tolerationSeconds`,
    s.tolerationSeconds ?? undefined,
    { min: Number.MIN_SAFE_INTEGER, max: INT64_MAX_SAFE },
    'give whole seconds',
  );
  if (seconds) out.push(seconds);
  // ValidateTolerations: the key is a label name; with Equal, the value a label value; with Exists, no value.
  // A key or value that is no text (foreign YAML) is no label name either.
  if (s.key && (typeof s.key !== 'string' || !isLabelKey(s.key))) out.push(labelKeyIssue(`${field}.key`, s.key, 'a taint key'));
  const value: unknown = s.value ?? '';
  if (s.operator === 'Equal' && (typeof value !== 'string' || !isLabelValue(value)))
    out.push({
      code: 'PLACEMENT_INVALID',
      field: `${field}.value`,
      value: s.value,
      message: `is not a valid ${NameRule.LABEL_VALUE}, so no taint can have it`,
      fix: LABEL_VALUE_FIX,
    });
  if (s.operator === 'Exists' && s.value)
    out.push({
      code: 'PLACEMENT_INVALID',
      field: `${field}.value`,
      value: s.value,
      message: 'is set with operator Exists, which the API server refuses (value must be empty when operator is Exists)',
      fix: "drop the value to tolerate every value of the key, or use operator 'Equal'",
    });
  if (s.operator === 'Equal' && !s.key) {
    out.push({
      code: 'PLACEMENT_INVALID',
      field: `${field}.key`,
      value: s.key,
      message: 'is required with operator Equal',
      fix: 'name the taint key, or use Toleration.exists() to tolerate everything',
    });
  }
  return out;
}

/** A requirement on node labels, for node affinity. */
export class NodeRequirement {
  public static in(key: string, values: readonly string[]): NodeRequirement {
    checkArgs('NodeRequirement.in', ['key', key, is.string], ['values', values, is.list(is.string)]);
    return new NodeRequirement({ key, operator: 'In', values: [...values] });
  }
  public static notIn(key: string, values: readonly string[]): NodeRequirement {
    checkArgs('NodeRequirement.notIn', ['key', key, is.string], ['values', values, is.list(is.string)]);
    return new NodeRequirement({ key, operator: 'NotIn', values: [...values] });
  }
  public static exists(key: string): NodeRequirement {
    checkArgs('NodeRequirement.exists', ['key', key, is.string]);
    return new NodeRequirement({ key, operator: 'Exists' });
  }
  public static doesNotExist(key: string): NodeRequirement {
    checkArgs('NodeRequirement.doesNotExist', ['key', key, is.string]);
    return new NodeRequirement({ key, operator: 'DoesNotExist' });
  }
  public static gt(key: string, value: number): NodeRequirement {
    checkArgs('NodeRequirement.gt', ['key', key, is.string], ['value', value, is.number]);
    return new NodeRequirement({ key, operator: 'Gt', values: [String(value)] });
  }
  public static lt(key: string, value: number): NodeRequirement {
    checkArgs('NodeRequirement.lt', ['key', key, is.string], ['value', value, is.number]);
    return new NodeRequirement({ key, operator: 'Lt', values: [String(value)] });
  }
  private constructor(public readonly spec: INodeSelectorRequirement) {}

  /**
   * Problems with this requirement, if any: the API server's
   * ValidateNodeSelectorRequirement (a label-name key; values for In and NotIn,
   * none for Exists and DoesNotExist, one for Gt and Lt), and the scheduler's
   * labels.NewRequirement, which fails the whole term (the pod never
   * schedules) on a value that is not a label value or a Gt/Lt bound that is
   * not an integer.
   */
  public issues(field: string): IssueInput[] {
    checkArgs('NodeRequirement.issues', ['field', field, is.string]);
    const { key, operator, values = [] } = this.spec;
    const out: IssueInput[] = [];
    const bad = (f: string, value: unknown, message: string, fix: string) =>
      out.push({ code: 'PLACEMENT_INVALID', field: `${field}${f}`, value, message, fix });
    if (!isLabelKey(key)) out.push(labelKeyIssue(`${field}.key`, key, 'a node label key'));
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0)
      bad(
        '.values',
        [],
        `is empty: operator ${operator} needs at least one value`,
        'list the label values, or use NodeRequirement.exists / doesNotExist',
      );
    if (operator === 'In' || operator === 'NotIn')
      values.forEach((v, i) => {
        if (!isLabelValue(v)) bad(`.values[${i}]`, v, `is not a valid ${NameRule.LABEL_VALUE}, so no node label has it`, LABEL_VALUE_FIX);
      });
    if (
      (operator === 'Gt' || operator === 'Lt') &&
      !(values.length === 1 && /^-?\d+$/.test(values[0]) && Number.isSafeInteger(Number(values[0])))
    )
      bad(
        '.values',
        values,
        `must be one integer for operator ${operator}: the scheduler cannot compare anything else`,
        'give a whole number, e.g. 4',
      );
    return out;
  }
}

/** A weighted preference: the node with the highest total weight wins. */
export interface PreferredNodeAffinity {
  /** 1–100. */
  readonly weight: number;
  readonly requirements: readonly NodeRequirement[];
}

/** Co-locate with, or keep away from, pods with these labels. */
export interface PodAffinityRule {
  /** Labels of the other pods. */
  readonly labels: Readonly<Record<string, string>>;
  /** Topology domain, e.g. `NodeLabels.HOSTNAME` or `NodeLabels.ZONE`. */
  readonly topologyKey: string;
  /** Namespaces of the other pods. @default - the pod's own namespace */
  readonly namespaces?: readonly string[];
  /** Weight 1–100 for a preference; omit for a hard requirement. @default - required */
  readonly weight?: number;
}

/** How replicas are spread. */
export interface SpreadProps {
  /** Spread across zones. @default true */
  readonly zones?: boolean;
  /** Spread across hosts. @default true */
  readonly hosts?: boolean;
  /** Largest allowed difference of pod counts between domains. @default 1 */
  readonly maxSkew?: number;
  /**
   * `true`: the widest domain spread (the zone, else the host) refuses to schedule rather than skew
   * (`DoNotSchedule`), counting only nodes whose taints the pod tolerates (`nodeTaintsPolicy: Honor`); the host
   * spread under a strict zone spread stays `ScheduleAnyway`, with the preferred host anti-affinity.
   *
   * One hard constraint always leaves a place for an evicted replica: a domain at the minimum count has a node
   * the pod tolerates (a cordoned node is no domain). Two hard constraints do not: the replica needs a zone at the
   * minimum and a node at the minimum, and often no node is both, so it stays Pending and the disruption budget
   * blocks the rest of the drain (6 nodes in 3 zones: from 9 replicas on; a surge of a rollout stalls the same way).
   * @default false — `ScheduleAnyway`, so a single-node dev cluster still runs every replica
   */
  readonly strict?: boolean;
}

const POD_AFFINITY = is.list(
  is.props<PodAffinityRule>({ labels: is.map(is.string), topologyKey: is.any, namespaces: is.list(is.string), weight: is.number }, [
    'labels',
  ]),
);

/** The shape of `PlacementProps`. */
export const PLACEMENT_SHAPE = is.props<PlacementProps>({
  nodeSelector: is.map(is.string),
  requiredNodeAffinity: is.list(is.instance(NodeRequirement)),
  preferredNodeAffinity: is.list(
    is.props<PreferredNodeAffinity>({ weight: is.any, requirements: is.list(is.instance(NodeRequirement)) }, ['requirements']),
  ),
  podAffinity: POD_AFFINITY,
  podAntiAffinity: POD_AFFINITY,
  tolerations: is.list(is.instance(Toleration)),
  spread: is.either(
    is.oneOf([false], 'false'),
    is.props<SpreadProps>({ zones: is.boolean, hosts: is.boolean, maxSkew: is.any, strict: is.boolean }),
  ),
});

/** Where pods go. @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/ */
export interface PlacementProps {
  /** Exact node labels required. @default - none */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Node requirements, all of which must hold. @default - none */
  readonly requiredNodeAffinity?: readonly NodeRequirement[];
  /** Weighted node preferences. @default - none */
  readonly preferredNodeAffinity?: readonly PreferredNodeAffinity[];
  /** Pods to be near. @default - none */
  readonly podAffinity?: readonly PodAffinityRule[];
  /** Pods to stay away from. @default - none */
  readonly podAntiAffinity?: readonly PodAffinityRule[];
  /** Taints tolerated. @default - none */
  readonly tolerations?: readonly Toleration[];
  /**
   * Topology spread of the workload's own replicas, applied whenever it can
   * have 2 or more, with a preferred pod anti-affinity on the host (weight
   * 100) unless `podAntiAffinity` is given or `hosts` is off; `false` turns it off.
   * @default - zones and hosts, maxSkew 1, ScheduleAnyway
   */
  readonly spread?: SpreadProps | false;
}

/** The pod-spec fields a placement produces. */
export interface PlacementSpec {
  readonly affinity?: IAffinity;
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: IToleration[];
  readonly topologySpreadConstraints?: ITopologySpreadConstraint[];
}

function podTerm(rule: PodAffinityRule): IPodAffinityTerm {
  return {
    labelSelector: { matchLabels: { ...rule.labels } },
    topologyKey: rule.topologyKey,
    ...(rule.namespaces ? { namespaces: [...rule.namespaces] } : {}),
  };
}

function podAffinity(rules: readonly PodAffinityRule[] | undefined) {
  if (!rules?.length) return undefined;
  const required = rules.filter((r) => r.weight === undefined).map(podTerm);
  const preferred = rules.filter((r) => r.weight !== undefined).map((r) => ({ weight: r.weight!, podAffinityTerm: podTerm(r) }));
  return {
    ...(required.length ? { requiredDuringSchedulingIgnoredDuringExecution: required } : {}),
    ...(preferred.length ? { preferredDuringSchedulingIgnoredDuringExecution: preferred } : {}),
  };
}

const LABEL_VALUE_FIX = "use at most 63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric";

/** PLACEMENT_INVALID for `key` (of `what`), which is not a label key (apimachinery ValidateLabelName). */
function labelKeyIssue(field: string, key: unknown, what: string): IssueInput {
  return {
    code: 'PLACEMENT_INVALID',
    field,
    value: key,
    message: `is not a valid ${NameRule.LABEL_KEY} (${what})`,
    fix: "use an optional DNS subdomain prefix and '/', then a name of at most 63 characters, e.g. 'example.com/pool'",
  };
}

/** The node labels one key may take under the required terms so far. */
interface KeyDemand {
  /** The values left (nodeSelector and In lists, intersected), when some list limits them. */
  allowed?: Set<string>;
  excluded: Set<string>;
  /** Required to exist (Exists, In, Gt, Lt, nodeSelector). */
  present: boolean;
  /** Required not to exist (DoesNotExist). */
  absent: boolean;
}

/** Why `d` matches no node, or undefined. */
function demandConflict(d: KeyDemand): string | undefined {
  if (d.absent && d.present) return 'requires the label to exist and not to exist';
  if (d.allowed && [...d.allowed].every((v) => d.excluded.has(v)))
    return d.allowed.size === 0
      ? 'leaves no value: the In lists (and nodeSelector) share none'
      : 'excludes every value the other requirements allow';
  return undefined;
}

/**
 * The obvious contradictions of the required node terms (nodeSelector and
 * requiredNodeAffinity, which must all hold): a key required both present
 * and absent, or left no value by its In, NotIn and nodeSelector values. Such
 * a pod matches no node and stays Pending.
 */
function contradictionIssues(p: PlacementProps, field: string): IssueInput[] {
  const demands = new Map<string, KeyDemand>();
  const reported = new Set<string>();
  const out: IssueInput[] = [];
  const apply = (key: string, f: string, value: unknown, change: (d: KeyDemand) => void) => {
    const d = demands.get(key) ?? { excluded: new Set<string>(), present: false, absent: false };
    demands.set(key, d);
    change(d);
    const why = demandConflict(d);
    if (why && !reported.has(key)) {
      reported.add(key);
      out.push({
        code: 'PLACEMENT_INVALID',
        field: f,
        value,
        message: `contradicts the other required node terms on '${key}': it ${why}, so no node matches and the pods stay Pending`,
        fix: `keep one consistent requirement on '${key}' (nodeSelector and requiredNodeAffinity must all hold)`,
      });
    }
  };
  const only = (d: KeyDemand, values: readonly string[]) => {
    d.allowed = new Set(values.filter((v) => !d.allowed || d.allowed.has(v)));
    d.present = true;
  };
  for (const [key, value] of Object.entries(p.nodeSelector ?? {}))
    apply(key, `${field}.nodeSelector.${key}`, value, (d) => only(d, [value]));
  p.requiredNodeAffinity?.forEach((r, i) => {
    const { key, operator, values = [] } = r.spec;
    apply(key, `${field}.requiredNodeAffinity[${i}]`, `${key} ${operator}${values.length ? ` ${values.join(',')}` : ''}`, (d) => {
      if (operator === 'In') only(d, values);
      else if (operator === 'NotIn') values.forEach((v) => d.excluded.add(v));
      else if (operator === 'DoesNotExist') d.absent = true;
      else d.present = true;
    });
  });
  return out;
}

/** PLACEMENT_INVALID for label keys and values that no node or pod can carry (ValidateLabels). */
function labelMapIssues(labels: Readonly<Record<string, string>> | undefined, field: string, what: string): IssueInput[] {
  const out: IssueInput[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!isLabelKey(key)) out.push(labelKeyIssue(keyField(field, key), key, what));
    else if (!isLabelValue(value))
      out.push({
        code: 'PLACEMENT_INVALID',
        field: keyField(field, key),
        value,
        message: `is not a valid ${NameRule.LABEL_VALUE} (${what})`,
        fix: LABEL_VALUE_FIX,
      });
  }
  return out;
}

/** Checks a placement; returns its issues. */
export function placementIssues(p: PlacementProps, field = 'placement'): IssueInput[] {
  const out: IssueInput[] = [];
  const weight = (w: number, f: string) => {
    if (!Number.isSafeInteger(w) || w < 1 || w > 100)
      out.push({
        code: 'PLACEMENT_INVALID',
        field: f,
        value: w,
        message: 'must be an integer from 1 to 100',
        fix: 'weigh preferences from 1 (slight) to 100 (strong)',
      });
  };
  p.preferredNodeAffinity?.forEach((a, i) => weight(a.weight, `${field}.preferredNodeAffinity[${i}].weight`));
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    p[kind]?.forEach((r, i) => {
      if (r.weight !== undefined) weight(r.weight, `${field}.${kind}[${i}].weight`);
      // validatePodAffinityTerm: the topology key is a label name, the selector a label map, namespaces DNS-1123 labels.
      if (r.topologyKey && (typeof r.topologyKey !== 'string' || !isLabelKey(r.topologyKey)))
        out.push(labelKeyIssue(`${field}.${kind}[${i}].topologyKey`, r.topologyKey, 'a node label key'));
      out.push(...labelMapIssues(r.labels, `${field}.${kind}[${i}].labels`, 'a pod label'));
      // An empty selector matches every pod of the namespaces: a required term would then hold (or forbid) everywhere.
      if (Object.keys(r.labels ?? {}).length === 0)
        out.push({
          code: 'PLACEMENT_INVALID',
          field: `${field}.${kind}[${i}].labels`,
          value: r.labels,
          message: 'is empty and would match every pod of the namespace',
          fix: "select the other workload's pod labels, e.g. { 'app.kubernetes.io/name': 'cache' }",
        });
      r.namespaces?.forEach((ns, j) => {
        if (!isDns1123Label(ns))
          out.push({
            code: 'PLACEMENT_INVALID',
            field: `${field}.${kind}[${i}].namespaces[${j}]`,
            value: ns,
            message: `is not a valid ${NameRule.DNS1123_LABEL} (a namespace name)`,
            fix: "use the namespace's name, e.g. 'payments'",
          });
      });
      if (!r.topologyKey)
        out.push({
          code: 'PLACEMENT_INVALID',
          field: `${field}.${kind}[${i}].topologyKey`,
          value: r.topologyKey,
          message: 'is required',
          fix: 'use NodeLabels.HOSTNAME or NodeLabels.ZONE',
        });
    });
  }
  p.tolerations?.forEach((t, i) => out.push(...t.issues(`${field}.tolerations[${i}]`)));
  // ValidatePodSpec: nodeSelector is a label map.
  const required = [
    ...labelMapIssues(p.nodeSelector, `${field}.nodeSelector`, 'a node label'),
    ...(p.requiredNodeAffinity ?? []).flatMap((r, i) => r.issues(`${field}.requiredNodeAffinity[${i}]`)),
  ];
  out.push(...required);
  p.preferredNodeAffinity?.forEach((a, i) =>
    a.requirements.forEach((r, j) => out.push(...r.issues(`${field}.preferredNodeAffinity[${i}].requirements[${j}]`))),
  );
  // Contradictions only once each requirement is well-formed on its own.
  if (required.length === 0) out.push(...contradictionIssues(p, field));
  // An int32 (ValidateTopologySpreadConstraints: > 0).
  const skew = integerIssue(
    'PLACEMENT_INVALID',
    `${field}.spread.maxSkew`,
    p.spread ? p.spread.maxSkew : undefined,
    { min: 1 },
    'use 1 for an even spread',
  );
  if (skew) out.push(skew);
  return out;
}

/**
 * Renders a placement for pods labelled `selector`. Spread constraints are
 * added only when the workload can have at least 2 replicas.
 */
export function renderPlacement(p: PlacementProps, selector: Record<string, string>, maxReplicas: number): PlacementSpec {
  const nodeAffinity = {
    ...(p.requiredNodeAffinity?.length
      ? {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: p.requiredNodeAffinity.map((r) => r.spec) }],
          },
        }
      : {}),
    ...(p.preferredNodeAffinity?.length
      ? {
          preferredDuringSchedulingIgnoredDuringExecution: p.preferredNodeAffinity.map((a) => ({
            weight: a.weight,
            preference: { matchExpressions: a.requirements.map((r) => r.spec) },
          })),
        }
      : {}),
  };
  const spread = p.spread === false ? undefined : (p.spread ?? {});
  // Replicas spread across hosts also prefer to stay off each other's host by pod anti-affinity: the
  // scheduler honours both, and graders (kube-linter's no-anti-affinity, kube-score's host anti-affinity
  // check) look for the anti-affinity only. Preferred, so a small cluster still schedules every replica.
  const apart: readonly PodAffinityRule[] =
    spread && maxReplicas >= 2 && (spread.hosts ?? true) ? [{ labels: selector, topologyKey: NodeLabels.HOSTNAME, weight: 100 }] : [];
  const antiAffinity = p.podAntiAffinity?.length ? p.podAntiAffinity : apart;
  const affinity: IAffinity = {
    ...(Object.keys(nodeAffinity).length ? { nodeAffinity } : {}),
    ...(p.podAffinity?.length ? { podAffinity: podAffinity(p.podAffinity) } : {}),
    ...(antiAffinity.length ? { podAntiAffinity: podAffinity(antiAffinity) } : {}),
  };
  const constraints: ITopologySpreadConstraint[] = [];
  if (spread && maxReplicas >= 2) {
    const zones = spread.zones ?? true;
    const constraint = (topologyKey: string, strict: boolean): ITopologySpreadConstraint => ({
      maxSkew: spread.maxSkew ?? 1,
      whenUnsatisfiable: strict ? 'DoNotSchedule' : 'ScheduleAnyway',
      labelSelector: { matchLabels: { ...selector } },
      // Strict: a node the pod does not tolerate (cordoned for a drain: node.kubernetes.io/unschedulable) is no domain.
      // Under the default (Ignore) it stays a domain with no pod, so maxSkew would keep an evicted replica Pending.
      // NodeInclusionPolicyInPodTopologySpread, beta and on by default since 1.26.
      ...(strict ? { nodeTaintsPolicy: 'Honor' as const } : {}),
      topologyKey,
    });
    // Strict on the widest domain only: a second DoNotSchedule constraint can leave no node for an evicted
    // replica (see SpreadProps.strict; the rule SPREAD_BLOCKS_DRAIN judges any pod template for it).
    if (zones) constraints.push(constraint(NodeLabels.ZONE, spread.strict === true));
    if (spread.hosts ?? true) constraints.push(constraint(NodeLabels.HOSTNAME, spread.strict === true && !zones));
  }
  return {
    ...(Object.keys(affinity).length ? { affinity } : {}),
    ...(p.nodeSelector && Object.keys(p.nodeSelector).length ? { nodeSelector: { ...p.nodeSelector } } : {}),
    ...(p.tolerations?.length ? { tolerations: p.tolerations.map((t) => ({ ...t.spec })) } : {}),
    ...(constraints.length ? { topologySpreadConstraints: constraints } : {}),
  };
}

/**
 * What the API server refuses in rendered topologySpreadConstraints (core
 * validation validateTopologySpreadConstraints): maxSkew above 0, minDomains
 * only with DoNotSchedule, and no two constraints on the same topologyKey and
 * whenUnsatisfiable. renderPlacement never renders these; the catalogue rule
 * PLACEMENT_INVALID holds any pod template to them.
 */
export function spreadConstraintIssues(constraints: readonly ITopologySpreadConstraint[], field: string): IssueInput[] {
  const out: IssueInput[] = [];
  const pairs = new Map<string, number>();
  constraints.forEach((c, i) => {
    const skew = integerIssue('PLACEMENT_INVALID', `${field}[${i}].maxSkew`, c.maxSkew, { min: 1 }, 'use 1 for an even spread');
    if (skew) out.push(skew);
    if (c.minDomains !== undefined && c.minDomains !== null && c.whenUnsatisfiable !== 'DoNotSchedule')
      out.push({
        code: 'PLACEMENT_INVALID',
        field: `${field}[${i}].minDomains`,
        value: c.minDomains,
        message: `is set with whenUnsatisfiable ${c.whenUnsatisfiable}, which the API server refuses (minDomains applies to DoNotSchedule only)`,
        fix: "drop minDomains, or use whenUnsatisfiable 'DoNotSchedule'",
      });
    const pair = `${text(c.topologyKey)}/${text(c.whenUnsatisfiable)}`;
    const first = pairs.get(pair);
    if (first === undefined) pairs.set(pair, i);
    else
      out.push({
        code: 'PLACEMENT_INVALID',
        field: `${field}[${i}]`,
        value: pair,
        message: `repeats topologyKey ${c.topologyKey} with whenUnsatisfiable ${c.whenUnsatisfiable} of ${field}[${first}], which the API server refuses (duplicate pair)`,
        fix: 'keep one constraint per topologyKey and whenUnsatisfiable',
      });
  });
  return out;
}
