import { Construct } from 'constructs';
import { CheckedConstruct } from './checked-construct';
import { NameRule, objectNameIssues } from './names';
import { ObjectShape, is } from './shape';

/** What the base checks when it is called without a subclass's shape (see the constructor). */
const NAMESPACED_SHAPE = is.object({ name: is.string, namespace: is.string });

/**
 * A construct that renders one namespaced Kubernetes object, checked field by
 * field: LimitRange, ResourceQuota, PersistentVolumeClaim, ConfigMap.
 *
 * Its constructor does what each of them starts with: the entry check of the
 * scope, the id and the shape of the props (`enterPartial`: a bad id or props
 * that are no object throw before the construct joins the tree, a field of
 * the wrong shape is recorded and left out of `checked`), then the check of
 * the name against the DNS-1123 subdomain rule (apimachinery
 * NameIsDNSSubdomain) and of the namespace against the DNS-1123 label rule
 * (ValidateNamespaceName), in that order. The subclass then records its own
 * checks in `problems`, calls `problems.throwIfAny()` so that every issue is
 * reported together, and only then builds its object, from `checked`, never
 * from its `props` parameter.
 *
 * @typeParam P - the props; their namespace is a name, or an object that
 * carries one (a `TeamNamespace`), as the subclass's shape admits
 */
export abstract class NamespacedObject<
  P extends { readonly name?: string; readonly namespace: string | { readonly name: string } },
> extends CheckedConstruct<P> {
  /** The object's `metadata.name`: the `name` prop, else the subclass's default name, else the construct id. */
  public readonly name: string;
  /** The object's `metadata.namespace`: the namespace's name. */
  public readonly namespace: string;

  /**
   * @param construct - the class name errors report, e.g. `'LimitRange'`
   * @param shape - the shape of the props, checked at entry (built with `is.props`
   * of constructs/core/shape.ts)
   * @param defaultName - the name when the props give none. @default - the construct id
   */
  protected constructor(scope: Construct, id: string, props: P, construct: string, shape: ObjectShape, defaultName?: string) {
    // `abstract` binds the compiler only: untyped JavaScript may call the base itself, which then checks the name and namespace alone, and throws.
    super(scope, id, props, construct ?? 'NamespacedObject', shape ?? NAMESPACED_SHAPE, true);
    const { problems, checked } = this;
    this.name = checked.name ?? defaultName ?? id;
    const namespace: string | { readonly name: string } | undefined = checked.namespace;
    // Missing, or left out because its shape failed: the namespace check reports it.
    this.namespace = (typeof namespace === 'object' ? namespace.name : namespace) as string;
    problems.addAll(...objectNameIssues(NameRule.DNS1123_SUBDOMAIN, this.name, this.namespace));
    if (shape === undefined) problems.throwIfAny();
  }
}
