import { enter, is } from '../core/shape';
import { ApiObject } from 'cdk8s';
import { PodDisruptionBudget as PodDisruptionBudgetModel } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Construct } from 'constructs';
import { componentLabels } from '../core/metadata';
import { NAMESPACE_SHAPE, namespaceName } from '../namespace/namespace-name';
import { TeamNamespace } from '../namespace/team-namespace';
import { specObject } from '../core/model-object';
import { NameRule, objectNameIssues, selectorLabelIssues } from '../core/names';
import { INT32_MAX, isSet } from '../core/value-issues';
import { IssueInput } from '../core/errors';

/** A count (`2`) or a percentage (`'50%'`) of pods. */
export type PodCount = number | `${number}%`;

/** Props of a `PodDisruptionBudget`. Give `minAvailable` or `maxUnavailable`, not both. */
export interface PodDisruptionBudgetProps {
  /** The namespace: a `TeamNamespace` of the app, or a name. */
  readonly namespace: TeamNamespace | string;
  /** Object name. */
  readonly name: string;
  /** Labels of the pods it protects. */
  readonly selector: Readonly<Record<string, string>>;
  /** Pods that must stay up during voluntary disruptions. @default - not set */
  readonly minAvailable?: PodCount;
  /** Pods that may be down during voluntary disruptions. @default 1 (when `minAvailable` is not set) */
  readonly maxUnavailable?: PodCount;
  /**
   * Let drains evict pods that are not Ready even when the budget is spent, so
   * a crash-looping replica never blocks node maintenance.
   * @default true (`unhealthyPodEvictionPolicy: AlwaysAllow`)
   */
  readonly evictUnhealthyPods?: boolean;
}

/**
 * A non-negative integer or a percentage of at most 100% (apps validation ValidatePositiveIntOrPercent:
 * apimachinery IsValidPercent `^[0-9]+%$`, so leading zeros as in "05%" pass; IsNotMoreThan100Percent).
 */
export function isValidCount(v: unknown): v is PodCount {
  // The integer of an IntOrString is an int32.
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 && v <= INT32_MAX;
  return typeof v === 'string' && /^[0-9]+%$/.test(v) && Number(v.slice(0, -1)) <= 100;
}

/** A count or percentage of `total` pods as a number; percentages round up (as the disruption and deployment controllers do for these fields). */
export function resolvePodCount(count: PodCount | string, total: number): number {
  return typeof count === 'number' ? count : Math.ceil((Number(String(count).replace('%', '')) / 100) * total);
}

/** The shape of the props (checked at entry). */
const PDB_SHAPE = is.props<PodDisruptionBudgetProps>(
  {
    namespace: NAMESPACE_SHAPE,
    name: is.string,
    selector: is.map(is.string),
    minAvailable: is.any,
    maxUnavailable: is.any,
    evictUnhealthyPods: is.boolean,
  },
  ['selector'],
);

/**
 * PDB_INVALID when a budget sets both minAvailable and maxUnavailable, which
 * the API server refuses (policy ValidatePodDisruptionBudgetSpec). The typed
 * PodDisruptionBudget and the catalogue rule share it.
 */
export function pdbBudgetIssue(spec: { readonly minAvailable?: unknown; readonly maxUnavailable?: unknown }): IssueInput | undefined {
  return isSet(spec.minAvailable) && isSet(spec.maxUnavailable)
    ? {
        code: 'PDB_INVALID',
        field: 'minAvailable',
        value: spec.minAvailable,
        message: 'and maxUnavailable are both set; Kubernetes accepts only one',
        fix: 'keep maxUnavailable (it follows scaling) or minAvailable, not both',
      }
    : undefined;
}

/**
 * A PodDisruptionBudget (cdk8s-plus-28 has none): how many pods of a workload
 * voluntary disruptions (node drains) may take down at once.
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export class PodDisruptionBudget extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly minAvailable?: PodCount;
  public readonly maxUnavailable?: PodCount;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: PodDisruptionBudgetProps) {
    const { problems, props: own } = enter(scope, id, props, 'PodDisruptionBudget', PDB_SHAPE);
    props = own; // the entry's frozen snapshot: the caller's object is not read again
    super(scope, id);
    this.name = props.name;
    this.namespace = namespaceName(props.namespace);
    problems.addAll(...objectNameIssues(NameRule.DNS1123_SUBDOMAIN, props.name, this.namespace));
    problems.addAll(pdbBudgetIssue(props));
    for (const field of ['minAvailable', 'maxUnavailable'] as const) {
      const v = props[field];
      if (v !== undefined)
        problems.check(!isValidCount(v), {
          code: 'PDB_INVALID',
          field,
          value: v,
          message: 'must be an integer from 0 to 2147483647 (int32) or a percentage from "0%" to "100%" (digits, then %)',
          fix: 'use e.g. 1 or "25%"',
        });
    }
    problems.addAll(
      ...selectorLabelIssues('selector', props.selector, {
        code: 'PDB_SELECTOR_INVALID',
        consequence: "the selector could never match a pod's labels",
        fix: "select the workload's pod labels (its podSelector), e.g. { 'app.kubernetes.io/name': 'api' }",
      }),
    );
    problems.check(Object.keys(props.selector).length === 0, {
      code: 'PDB_INVALID',
      field: 'selector',
      value: props.selector,
      message: 'is empty and would match every pod of the namespace',
      fix: "select the workload's pod labels",
    });
    problems.throwIfAny();
    this.minAvailable = props.minAvailable;
    this.maxUnavailable = props.minAvailable === undefined ? (props.maxUnavailable ?? 1) : undefined;
    const metadata = {
      name: this.name,
      namespace: this.namespace,
      labels: componentLabels({ name: this.name, component: 'disruption-budget' }),
    };
    this.apiObject = specObject(this, 'Resource', PodDisruptionBudgetModel, metadata, () => ({
      selector: { matchLabels: { ...props.selector } },
      minAvailable: this.minAvailable,
      maxUnavailable: this.maxUnavailable,
      unhealthyPodEvictionPolicy: (props.evictUnhealthyPods ?? true) ? ('AlwaysAllow' as const) : undefined,
    }));
  }
}
