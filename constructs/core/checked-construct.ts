import { Construct } from 'constructs';
import { BlueprintError, IssueSink, Problems } from './errors';
import { enter, is } from './shape';

/** What an entry check (`enter` or `enterPartial` of constructs/core/shape.ts) hands the construct it admits. */
export interface CheckedEntry<P> {
  /** Where the construct records the issues of its own checks, pathed to where it stands. */
  readonly problems: IssueSink & { throwIfAny(): void };
  /** The construct's own frozen snapshot of the props, as checked. */
  readonly props: P;
}

/**
 * A construct built from props checked at entry: the base of `NamedObject`,
 * `NamespacedObject` and the blueprints of the notes.
 *
 * The subclass runs the entry check in the argument of `super` (the scope,
 * the id and the shape of the props: a `BlueprintError` before the construct
 * joins the tree), records its own checks in `problems`, calls
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

  protected constructor(scope: Construct, id: string, entry: CheckedEntry<P>) {
    // `abstract` binds the compiler only: untyped JavaScript may call the base itself, with no entry check run.
    if (!(typeof entry === 'object' && entry !== null && entry.problems instanceof Problems)) {
      // A bad scope or id throws here, as from any constructor; then the base refuses to stand for a construct.
      enter(scope, id, entry, 'CheckedConstruct', is.any);
      throw new BlueprintError({
        code: 'PROPS_INVALID',
        path: '',
        construct: 'CheckedConstruct',
        field: 'entry',
        value: entry,
        message: 'is not what an entry check returns: CheckedConstruct is a base class',
        fix: 'extend it, and pass super the result of the entry check of your props',
      });
    }
    super(scope, id);
    this.problems = entry.problems;
    this.checked = entry.props;
  }
}
