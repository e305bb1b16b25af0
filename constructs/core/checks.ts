import { IConstruct } from 'constructs';
import { BlueprintError, BlueprintIssue, IssueInput, formatIssue } from './errors';
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

/** The check currently running, if any: a check that renders or validates the app from inside itself is refused. */
let running: { readonly path: string; readonly name: string } | undefined;

/**
 * The error for a render or validation started while one is running (from
 * inside a check, or a `toJson` called by cdk8s' validation): it would run
 * every check again, without end, so it is refused (`RENDER_REENTRANT`).
 */
export function reentrant(): BlueprintError {
  const by = running ? `the check '${running.name}' on ${running.path || 'the app'}` : 'code run during the render';
  return new BlueprintError({
    code: 'RENDER_REENTRANT',
    path: running?.path ?? '',
    ...(running ? { construct: running.name } : {}),
    field: 'check',
    message: `${by} rendered or validated the app while it was being rendered, which would run every check again, without end`,
    fix: 'a check only inspects the construct tree and returns its issues; render or synth the app outside it',
  });
}

/**
 * Runs one check and returns its issues, pathed to its construct. A user
 * check may be anything at runtime: a throw that is not a `BlueprintError`
 * becomes `CHECK_FAILED`, a result that is not a list of issues (undefined,
 * a number, a Promise) or an entry that is not an issue becomes
 * `CHECK_INVALID`, each naming the check, so the issues of every other check
 * and stage are still reported beside it.
 */
function run(scope: IConstruct, entry: Registered): BlueprintIssue[] {
  const path = scope.node.path;
  const where = { path, construct: entry.constructName };
  const named = `the check '${entry.constructName}' on ${path || 'the app'}`;
  const invalid = (field: string, message: string): BlueprintIssue => ({
    code: 'CHECK_INVALID',
    ...where,
    field,
    message: `${named} ${message}`,
    fix: 'return a list (possibly empty) of issues { code, field, message, fix }, synchronously',
  });
  if (running) throw reentrant();
  let result: unknown;
  const outer = running;
  running = { path, name: entry.constructName };
  try {
    result = entry.check();
  } catch (e) {
    if (e instanceof BlueprintError)
      return e.issues.map((i) => ({ ...i, path: i.path || path, construct: i.construct ?? entry.constructName }));
    return [
      {
        code: 'CHECK_FAILED',
        ...where,
        field: 'check',
        message: `${named} threw ${describeThrown(e)}`,
        fix: 'fix the check so that it returns its issues instead of throwing',
      },
    ];
  } finally {
    running = outer;
  }
  let items: unknown[];
  try {
    if (!Array.isArray(result)) {
      if (isThenable(result)) {
        // Checks run synchronously: the promise is not awaited, and its rejection must not crash the process later.
        (result as Promise<unknown>).then(undefined, () => undefined);
        return [invalid('check', 'returned a Promise: checks run synchronously, so its issues would never be seen')];
      }
      return [invalid('check', `returned ${kindOf(result)} instead of a list of issues`)];
    }
    items = [...result];
  } catch {
    return [invalid('check', 'returned a value that could not be read')];
  }
  return items
    .map(
      (item, n) =>
        asIssue(item) ??
        invalid(`check[${n}]`, `returned ${kindOf(item)} at [${n}], which is not an issue with a string code, field, message and fix`),
    )
    .map((i) => ({ ...i, path: i.path ?? path, construct: i.construct ?? entry.constructName }));
}

const TEXT_FIELDS = ['code', 'field', 'message', 'fix'] as const;

/** `item` as an issue when it is one (string code, field, message and fix; path and construct strings when given). */
function asIssue(item: unknown): IssueInput | undefined {
  try {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return undefined;
    const i = item as Record<string, unknown>;
    if (!TEXT_FIELDS.every((k) => typeof i[k] === 'string') || (i.code as string).length === 0) return undefined;
    if ((i.path !== undefined && typeof i.path !== 'string') || (i.construct !== undefined && typeof i.construct !== 'string'))
      return undefined;
    return {
      code: i.code as string,
      field: i.field as string,
      message: i.message as string,
      fix: i.fix as string,
      ...(i.path !== undefined ? { path: i.path as string } : {}),
      ...(i.construct !== undefined ? { construct: i.construct as string } : {}),
      ...('value' in i ? { value: i.value } : {}),
    };
  } catch {
    return undefined;
  }
}

function isThenable(v: unknown): boolean {
  try {
    return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/** What a value is, in words, without calling its code: `undefined`, `a number`, `an object`. */
function kindOf(v: unknown): string {
  if (v === undefined || v === null) return String(v);
  if (Array.isArray(v)) return 'a list';
  const t = typeof v;
  return t === 'object' ? 'an object' : `a ${t}`;
}

/** A thrown value as `TypeError: boom` (its message cut short); reading it never throws. */
function describeThrown(e: unknown): string {
  try {
    if (e instanceof Error) {
      const text = `${typeof e.name === 'string' ? e.name : 'Error'}: ${typeof e.message === 'string' ? e.message : ''}`;
      return text.length > 200 ? `${text.slice(0, 197)}...` : text;
    }
    return kindOf(e);
  } catch {
    return 'a value that could not be read';
  }
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
  const all = root.node.findAll();
  const outer = pass;
  pass = { root, all, memo: new Map() };
  try {
    for (const c of all) {
      for (const entry of registry.get(c) ?? []) issues.push(...run(c, entry));
    }
  } finally {
    pass = outer;
  }
  return issues;
}

/** The tree of the check pass running now (checks do not add constructs), so that checks need not walk it again. */
let pass: { readonly root: IConstruct; readonly all: readonly IConstruct[]; readonly memo: Map<string, unknown> } | undefined;

/**
 * `compute` over every construct of `scope`'s tree, computed once per check pass under `key` (a check of each
 * namespace walking or filtering the whole tree again made a synth quadratic in the number of namespaces);
 * outside a pass, computed afresh.
 */
export function perPass<T>(scope: IConstruct, key: string, compute: (all: readonly IConstruct[]) => T): T {
  const root = scope.node.root;
  if (pass?.root !== root) return compute(root.node.findAll());
  if (!pass.memo.has(key)) pass.memo.set(key, compute(pass.all));
  return pass.memo.get(key) as T;
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
