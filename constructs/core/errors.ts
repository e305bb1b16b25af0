import { IConstruct } from 'constructs';
import { credentialIn } from './secret-patterns';

function safeJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/**
 * One thing that is wrong, with everything needed to fix it.
 *
 * `code` is stable: tests and tooling match on it, never on the prose.
 */
export interface BlueprintIssue {
  /** Stable machine-readable code, e.g. `QUANTITY_INVALID`. */
  readonly code: string;
  /** Construct path (`prod/payments/api`), or `''` outside a construct tree. */
  readonly path: string;
  /** The construct type that raised it, e.g. `TeamNamespace`. */
  readonly construct?: string;
  /** The offending prop or field, e.g. `quota.requestsCpu`. */
  readonly field: string;
  /** The value received. */
  readonly value?: unknown;
  /** What is wrong, in one sentence. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (
    value &&
    typeof (value as { toString?: unknown }).toString === 'function' &&
    (value as object).toString !== Object.prototype.toString
  ) {
    return String(value);
  }
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}

/** Renders one issue as `[path] Construct: field ... — fix`. */
export function formatIssue(issue: BlueprintIssue): string {
  const where = issue.path ? `[${issue.path}] ` : '';
  const who = issue.construct ? `${issue.construct}: ` : '';
  const got = 'value' in issue ? `, got ${show(issue.value)}` : '';
  return `${where}${who}${issue.code} '${issue.field}' ${issue.message}${got} — ${issue.fix}`;
}

const leaks = (v: unknown) => credentialIn(typeof v === 'string' ? v : safeJson(v)) !== undefined;

/**
 * An issue safe to print: an error message ends up in CI logs, so a value,
 * field, path or message that looks like a credential is never echoed.
 */
function redacted(issue: BlueprintIssue): BlueprintIssue {
  if (!issue || typeof issue !== 'object') return issue;
  return {
    ...issue,
    ...('value' in issue && leaks(issue.value) ? { value: '<redacted>' } : {}),
    ...(leaks(issue.message) ? { message: 'holds a value that looks like a credential (not shown)' } : {}),
    ...(leaks(issue.field) ? { field: '<a field whose name looks like a credential>' } : {}),
    ...(leaks(issue.path) ? { path: '<a construct whose id looks like a credential>' } : {}),
  };
}

/** What a caller gave `new BlueprintError(…)`, as a non-empty list of issues (anything else becomes an issue saying so). */
function asIssues(given: unknown): BlueprintIssue[] {
  const wrong: BlueprintIssue = {
    code: 'PROPS_INVALID',
    path: '',
    construct: 'BlueprintError',
    field: 'issues',
    message: 'must be one issue or a non-empty list of issues ({ code, path, field, message, fix })',
    fix: 'pass at least one issue',
  };
  try {
    const list: unknown[] = Array.isArray(given) ? [...given] : [given];
    const ok = list.length > 0 && list.every((i) => i !== null && typeof i === 'object' && typeof (i as BlueprintIssue).code === 'string');
    return ok ? list.map((i) => ({ ...(i as BlueprintIssue) })) : [wrong];
  } catch {
    return [wrong];
  }
}

/**
 * The one error type of the library. It carries every issue found at once
 * (`issues`); `code`, `path`, `field`, `value` and `fix` mirror the first issue
 * so that the common single-issue case reads naturally.
 */
export class BlueprintError extends Error {
  public readonly issues: readonly BlueprintIssue[];
  public readonly code: string;
  public readonly path: string;
  public readonly field: string;
  public readonly value: unknown;
  public readonly fix: string;

  constructor(issues: BlueprintIssue | readonly BlueprintIssue[]) {
    const list = asIssues(issues).map(redacted);
    const header = list.length === 1 ? '' : `${list.length} problems:\n  `;
    super(header + list.map(formatIssue).join('\n  '));
    this.name = 'BlueprintError';
    this.issues = list;
    const first = list[0];
    this.code = first.code;
    this.path = first.path;
    this.field = first.field;
    this.value = first.value;
    this.fix = first.fix;
  }

  /** Every distinct code among the issues, in order of first appearance. */
  public get codes(): string[] {
    return [...new Set(this.issues.map((i) => i.code))];
  }
}

/** An issue before it knows where it happened. */
export type IssueInput = Omit<BlueprintIssue, 'path' | 'construct'> & { readonly path?: string; readonly construct?: string };

/** The prop a field path starts with: `data` for `data.x`, `mounts` for `mounts[0].path`. */
export const fieldRoot = (field: string): string => field.split(/[.[]/)[0];

/**
 * Where a construct's checks record what is wrong, so that every issue of the
 * construct is thrown together as one `BlueprintError`. A subclass of a
 * workload receives one in `validateProps`; the path and construct name are
 * filled in for it.
 */
export interface IssueSink {
  /** Records an issue. */
  add(issue: IssueInput): void;
  /** Records every issue given; `undefined` entries (checks that passed) are skipped. */
  addAll(...issues: (IssueInput | undefined)[]): void;
  /** Records an issue when `failed` is true. Returns `!failed`, so callers can skip dependent checks. */
  check(failed: boolean, issue: IssueInput): boolean;
  /** Runs `fn`; a `BlueprintError` it throws is recorded against `field` instead of escaping. Returns `fn`'s result or `undefined`. */
  attempt<T>(field: string, fn: () => T): T | undefined;
}

/**
 * Collects the failures of one construct so that all of them are reported
 * together, then throws once.
 */
export class Problems implements IssueSink {
  private readonly found: BlueprintIssue[] = [];
  /** Props whose shape failed: the construct's own checks of them are not recorded (the shape issue says it). */
  private readonly shapeFailed = new Set<string>();

  /** `scope`: the construct the issues are about, or its path when it has not joined the tree yet. */
  constructor(
    private readonly scope: IConstruct | string | undefined,
    private readonly constructName: string,
  ) {}

  /**
   * Records the shape issues of the props (`enterPartial`); later issues
   * about those props are dropped, since the shape issue already says what is wrong.
   */
  public addShapeIssues(issues: readonly IssueInput[]): void {
    for (const issue of issues) this.add(issue);
    for (const issue of issues) this.shapeFailed.add(fieldRoot(issue.field));
  }

  /** Records an issue. */
  public add(issue: IssueInput): void {
    if (this.shapeFailed.has(fieldRoot(issue.field))) return;
    // An error message ends up in CI logs: a credential given as a value is never echoed (BlueprintError redacts the rest).
    this.found.push({
      ...issue,
      ...('value' in issue && leaks(issue.value) ? { value: '<redacted>' } : {}),
      ...(leaks(issue.message) ? { message: 'holds a value that looks like a credential (not shown)' } : {}),
      construct: issue.construct ?? this.constructName,
      path: issue.path ?? (typeof this.scope === 'string' ? this.scope : this.scope?.node.path) ?? '',
    });
  }

  /** Records every issue given; `undefined` entries (checks that passed) are skipped. */
  public addAll(...issues: (IssueInput | undefined)[]): void {
    for (const issue of issues) if (issue) this.add(issue);
  }

  /** Records an issue when `failed` is true. Returns `!failed`, so callers can skip dependent checks. */
  public check(failed: boolean, issue: IssueInput): boolean {
    if (failed) this.add(issue);
    return !failed;
  }

  /**
   * Runs `fn`; a `BlueprintError` it throws is recorded (re-pathed to this
   * construct and field) instead of escaping. Returns `fn`'s result or `undefined`.
   */
  public attempt<T>(field: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof BlueprintError)) throw e;
      for (const issue of e.issues) this.add({ ...issue, field, path: undefined, construct: undefined });
      return undefined;
    }
  }

  public get issues(): readonly BlueprintIssue[] {
    return this.found;
  }

  public get empty(): boolean {
    return this.found.length === 0;
  }

  /** Throws one `BlueprintError` holding every recorded issue, if any. */
  public throwIfAny(): void {
    if (this.found.length > 0) throw new BlueprintError(this.found);
  }
}

/**
 * Builds independent parts (the teams of a platform, the constructs of a
 * blueprint) one after another, recording each part's `BlueprintError`
 * instead of stopping at the first, so that one bad part does not hide the
 * problems of the others. A part that depends on a failed one is skipped
 * (its builder gets `undefined` and should not run).
 */
export class Collector {
  private readonly found: BlueprintIssue[] = [];

  /** Runs `build`; its `BlueprintError` is recorded. Returns the result, or `undefined` when it failed. */
  public attempt<T>(build: () => T): T | undefined {
    try {
      return build();
    } catch (e) {
      if (!(e instanceof BlueprintError)) throw e;
      this.found.push(...e.issues);
      return undefined;
    }
  }

  /** Throws one `BlueprintError` with every recorded issue, if any. */
  public throwIfAny(): void {
    if (this.found.length > 0) throw new BlueprintError(this.found);
  }
}
