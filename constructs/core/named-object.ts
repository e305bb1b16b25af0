import { Construct } from 'constructs';
import { CheckedConstruct } from './checked-construct';
import { NameRule, checkedName } from './names';
import { Shape, is } from './shape';

/** What the base checks when it is called without a subclass's shape (see the constructor). */
const NAME_SHAPE = is.object({ name: is.string });

/**
 * A construct that renders one Kubernetes object named by its `name` prop,
 * else by its construct id: ClusterIssuer, StorageClass, PriorityClass…
 *
 * Its constructor does what each of them starts with: the entry check of the
 * scope, the id and the shape of the props (a `BlueprintError` before the
 * construct joins the tree), then the check of the name against the rule most
 * kinds follow, the DNS-1123 subdomain (apimachinery NameIsDNSSubdomain). The
 * subclass then records its own checks in `problems`, calls
 * `problems.throwIfAny()` so that every issue is reported together, and only
 * then builds its object, from `checked`, never from its `props` parameter.
 *
 * @typeParam P - the props
 */
export abstract class NamedObject<P extends { readonly name?: string } = { readonly name?: string }> extends CheckedConstruct<P> {
  /** The object's `metadata.name`: the `name` prop, else the construct id. */
  public readonly name: string;

  /**
   * @param construct - the class name errors report, e.g. `'ClusterIssuer'`
   * @param shape - the shape of the props, checked at entry (built with `is`
   * of constructs/core/shape.ts)
   */
  protected constructor(scope: Construct, id: string, props: P, construct: string, shape: Shape) {
    // `abstract` binds the compiler only: untyped JavaScript may call the base itself, which then checks the name alone, and throws.
    super(scope, id, props, construct ?? 'NamedObject', shape ?? NAME_SHAPE);
    this.name = checkedName(this.problems, NameRule.DNS1123_SUBDOMAIN, this.checked.name ?? id);
    if (shape === undefined) this.problems.throwIfAny();
  }
}
