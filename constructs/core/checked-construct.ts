import { Construct } from 'constructs';
import { BlueprintError, IssueSink } from './errors';
import { ObjectShape, Shape, enter, enterPartial, is } from './shape';

/**
 * A construct built from props checked at entry: the base of `NamedObject`,
 * `NamespacedObject` and the blueprints of the notes.
 *
 * Its constructor runs the entry check of the scope, the id and the shape of
 * the props (a `BlueprintError` before the construct joins the tree) and
 * keeps the construct's own frozen snapshot of them in `checked`. The
 * subclass then records its own checks in `problems`, calls
 * `problems.throwIfAny()` so that every issue is reported together, and
 * builds from `checked`, never from its `props` parameter.
 *
 * @typeParam P - the props
 */
export abstract class CheckedConstruct<P> extends Construct {
  /** The issues of this construct. The subclass adds its own and calls `throwIfAny()`, which throws them all as one `BlueprintError`. */
  protected readonly problems: IssueSink & { throwIfAny(): void };

  /** The props as checked at entry: the construct's own frozen snapshot, which later changes to the caller's props object do not reach. */
  protected readonly checked: P;

  /**
   * @param props - the caller's props; the construct reads their snapshot, `checked`, from then on
   * @param construct - the class name errors report, e.g. `'Cassandra'`
   * @param shape - the shape of the props, checked at entry (built with `is`
   * of constructs/core/shape.ts)
   * @param fieldByField - whether a field of the wrong shape is recorded in
   * `problems` and left out of `checked` (the subclass's own checks then skip
   * it) instead of thrown at once; `shape` is then an object shape (`is.props`)
   */
  protected constructor(scope: Construct, id: string, props: P, construct: string, shape: Shape, fieldByField = false) {
    // `abstract` binds the compiler only: untyped JavaScript may call the base itself, with no shape to check the props by.
    if (typeof shape?.issuesOf !== 'function') {
      // A bad scope or id throws here, as from any constructor; then the base refuses to stand for a construct.
      enter(scope, id, props, 'CheckedConstruct', is.any);
      throw new BlueprintError({
        code: 'PROPS_INVALID',
        path: '',
        construct: 'CheckedConstruct',
        field: 'shape',
        value: shape,
        message: 'is not the shape of the props: CheckedConstruct is a base class',
        fix: 'extend it, and pass super the class name and the shape of your props',
      });
    }
    const entry =
      fieldByField && 'fields' in shape
        ? enterPartial(scope, id, props as P & object, construct, shape as ObjectShape)
        : enter(scope, id, props, construct, shape);
    super(scope, id);
    this.problems = entry.problems;
    this.checked = entry.props;
  }
}
