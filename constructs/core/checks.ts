import { IConstruct } from 'constructs';
import { BlueprintIssue, IssueInput, formatIssue } from './errors';
import { checkArgs, is } from './shape';

/*
 * Synth-time checks (the third validation moment, after constructors and add* methods): whole-tree invariants such as
 * "the namespace's workloads fit its quota". Each check returns typed issues.
 * They are also registered with `node.addValidation`, so a plain `app.synth()`
 * or `cdk8s synth` fails on them too (as cdk8s' joined string).
 */

/** A synth-time check: returns the issues it finds, empty when all is well. */
export type Check = () => readonly IssueInput[];

interface Registered {
  readonly constructName: string;
  readonly check: Check;
}

const registry = new WeakMap<IConstruct, Registered[]>();
let suppressed = 0;
/** Roots whose checks have all run in the current synchronous job (see `markChecksDone`). */
const checkedRoots = new WeakSet<IConstruct>();

function run(scope: IConstruct, entry: Registered): BlueprintIssue[] {
  return entry.check().map((i) => ({ ...i, path: i.path ?? scope.node.path, construct: i.construct ?? entry.constructName }));
}

/** Registers a synth-time check on `scope`. */
export function addCheck(scope: IConstruct, constructName: string, check: Check): void {
  checkArgs('addCheck', ['scope', scope, is.construct], ['constructName', constructName, is.string], ['check', check, is.func]);
  const entry = { constructName, check };
  const list = registry.get(scope);
  if (list) list.push(entry);
  else registry.set(scope, [entry]);
  scope.node.addValidation({
    validate: () => (suppressed > 0 || checkedRoots.has(scope.node.root) ? [] : run(scope, entry).map(formatIssue)),
  });
}

/** Runs every check registered under `root`, in tree order, and returns all issues. */
export function collectIssues(root: IConstruct): BlueprintIssue[] {
  const issues: BlueprintIssue[] = [];
  for (const c of root.node.findAll()) {
    for (const entry of registry.get(c) ?? []) issues.push(...run(c, entry));
  }
  return issues;
}

/**
 * Runs `fn` with our checks muted inside cdk8s' own validation pass, for callers
 * that have just run `collectIssues` themselves (running them twice would double
 * the synth time of large apps).
 */
export function withChecksAlreadyRun<T>(fn: () => T): T {
  suppressed++;
  try {
    return fn();
  } finally {
    suppressed--;
  }
}

/**
 * Records that every check under `root` has just run (and passed), so that
 * cdk8s' own validation pass later in the same synchronous job (a plain
 * `app.synth()`) does not run them again. Forgotten when the job ends.
 */
export function markChecksDone(root: IConstruct): void {
  checkedRoots.add(root);
  queueMicrotask(() => checkedRoots.delete(root));
}
