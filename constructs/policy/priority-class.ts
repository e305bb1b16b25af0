import { checkArgs, is } from '../core/shape';
import { PriorityClass as PriorityClassModel } from 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass';
import { Construct, IConstruct } from 'constructs';
import { componentLabels } from '../core/metadata';
import { modelObject } from '../core/model-object';
import { NamedObject } from '../core/named-object';

/** What a pod of this priority may do to lower-priority pods. */
export enum PreemptionPolicy {
  PREEMPT_LOWER_PRIORITY = 'PreemptLowerPriority',
  NEVER = 'Never',
}

/** Props of a `PriorityClass`. */
export interface PriorityClassProps {
  /** Object name (DNS-1123 subdomain, not starting with `system-`). @default - the construct id */
  readonly name?: string;
  /** Priority; higher schedules first and may preempt. User classes are at most 1,000,000,000. */
  readonly value: number;
  /** Make this the priority of pods that name none. Only one class in a cluster may. @default false */
  readonly globalDefault?: boolean;
  /**
   * Make this the class of the output's data holders (StatefulServices with claims) that name none, in place of
   * the globalDefault: a pod that holds data should not sit below a class other workloads preempt with (a
   * scale-up would evict a database replica before the autoscaler adds a node). A construct-level default, not
   * rendered: the API server knows only globalDefault. Only one class of an output may.
   * @default false
   */
  readonly dataDefault?: boolean;
  /** @default PreemptionPolicy.PREEMPT_LOWER_PRIORITY */
  readonly preemptionPolicy?: PreemptionPolicy;
  /** What it is for. @default - none */
  readonly description?: string;
}

/** The shape of the props (checked at entry). */
const PRIORITY_CLASS_SHAPE = is.props<PriorityClassProps>({
  name: is.string,
  value: is.number,
  globalDefault: is.boolean,
  dataDefault: is.boolean,
  preemptionPolicy: is.oneOf(Object.values(PreemptionPolicy), 'PreemptionPolicy'),
  description: is.string,
});

/** The globalDefault class of each construct tree, by its root: one per tree (PRIORITY_INVALID refuses a second). */
const globalDefaults = new WeakMap<IConstruct, PriorityClass>();
/** The dataDefault class of each construct tree, by its root: one per tree (PRIORITY_INVALID refuses a second). */
const dataDefaults = new WeakMap<IConstruct, PriorityClass>();

/**
 * A PriorityClass (cluster-scoped). Workloads take the object, not its name.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
 */
export class PriorityClass extends NamedObject<PriorityClassProps> {
  /** The built-in class for node agents that must run on every node. */
  public static readonly SYSTEM_NODE_CRITICAL = 'system-node-critical';
  /** The built-in class for cluster add-ons. */
  public static readonly SYSTEM_CLUSTER_CRITICAL = 'system-cluster-critical';

  /**
   * The class of the output `scope` is part of (its construct tree) that is the global default: the class
   * the API server gives every pod that names none. Workloads name it explicitly (the pod's priority is
   * the same; a reader and a linter such as Polaris' priorityClassNotSet see it).
   * @returns undefined when the tree declares no globalDefault class (the cluster's default, if any, applies)
   */
  public static globalDefaultOf(scope: IConstruct): PriorityClass | undefined {
    checkArgs('PriorityClass.globalDefaultOf', ['scope', scope, is.construct]);
    return globalDefaults.get(scope.node.root);
  }

  /**
   * The class of the output `scope` is part of that data holders take when they name none (`dataDefault`).
   * @returns undefined when the tree declares none (data holders take the globalDefault)
   */
  public static dataDefaultOf(scope: IConstruct): PriorityClass | undefined {
    checkArgs('PriorityClass.dataDefaultOf', ['scope', scope, is.construct]);
    return dataDefaults.get(scope.node.root);
  }

  public readonly value: number;
  /** Whether this is the class of pods that name none. */
  public readonly globalDefault: boolean;
  /** Whether this is the class of data holders that name none. */
  public readonly dataDefault: boolean;

  constructor(scope: Construct, id: string, props: PriorityClassProps) {
    super(scope, id, props, 'PriorityClass', PRIORITY_CLASS_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const { problems } = this;
    this.value = props.value;
    this.globalDefault = props.globalDefault === true;
    this.dataDefault = props.dataDefault === true;
    problems.check(this.name.startsWith('system-'), {
      code: 'PRIORITY_INVALID',
      field: 'name',
      value: this.name,
      message: "uses the reserved 'system-' prefix",
      fix: 'choose another name; refer to the built-in classes with PriorityClass.SYSTEM_*',
    });
    problems.check(!Number.isSafeInteger(props.value) || props.value < -2_147_483_648 || props.value > 1_000_000_000, {
      code: 'PRIORITY_INVALID',
      field: 'value',
      value: props.value,
      message: 'must be an integer ≤ 1,000,000,000 (higher values are reserved for system classes)',
      fix: 'use e.g. 1000 for high, 0 for default, -10 for batch',
    });
    // The API server admits only one global default; a second fails the deploy half-way.
    const otherDefault = this.globalDefault
      ? this.node.root.node.findAll().find((c): c is PriorityClass => c instanceof PriorityClass && c !== this && c.globalDefault)
      : undefined;
    problems.check(otherDefault !== undefined, {
      code: 'PRIORITY_INVALID',
      field: 'globalDefault',
      value: true,
      message: `is true, but ${otherDefault?.node.path} (PriorityClass '${otherDefault?.name}') is already the global default; a cluster admits only one`,
      fix: 'keep globalDefault on one PriorityClass and name the others from the workloads that need them',
    });
    const otherData = this.dataDefault ? dataDefaults.get(this.node.root) : undefined;
    problems.check(otherData !== undefined, {
      code: 'PRIORITY_INVALID',
      field: 'dataDefault',
      value: true,
      message: `is true, but ${otherData?.node.path} (PriorityClass '${otherData?.name}') is already the data holders' default`,
      fix: 'keep dataDefault on one PriorityClass and name others from the data holders that need them',
    });
    problems.throwIfAny();
    if (this.globalDefault) globalDefaults.set(this.node.root, this);
    if (this.dataDefault) dataDefaults.set(this.node.root, this);
    modelObject(
      this,
      'Resource',
      () =>
        new PriorityClassModel({
          metadata: { name: this.name, labels: componentLabels({ name: this.name, component: 'priority' }) },
          value: props.value,
          globalDefault: this.globalDefault,
          preemptionPolicy: props.preemptionPolicy ?? PreemptionPolicy.PREEMPT_LOWER_PRIORITY,
          description: props.description || undefined,
        }),
    );
  }
}
