import { IConstruct } from 'constructs';
import { credentialIn, credentialSpans, credentialStrings, credentialWithin, plaintextSecretEnv } from './secret-patterns';

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

/** The name of the class of `value` (`Buffer`, `Date`), or `object` for a plain object; never calls user code beyond the prototype chain. */
function typeName(value: object): string {
  try {
    const proto = Object.getPrototypeOf(value);
    if (proto === null || proto === Object.prototype) return 'object';
    const name = typeof proto.constructor === 'function' ? proto.constructor.name : '';
    return typeof name === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? name : 'object';
  } catch {
    return 'object';
  }
}

/**
 * `value` as plain JSON data, so that `JSON.stringify(error.issues)` never
 * throws in the caller's code and no user code (a `toString`, a `toJSON`, a
 * getter, a Proxy trap) runs when an issue is printed: a BigInt becomes
 * `'2n'`, a function, symbol or class instance its type (`<Buffer>`), a cycle
 * `<cycle>`, anything that cannot be read `<unreadable>`.
 */
function jsonSafe(value: unknown, depth = 0, seen: object[] = []): unknown {
  try {
    switch (typeof value) {
      case 'undefined':
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) ? value : String(value);
      case 'bigint':
        return `${value}n`;
      case 'function':
        return '<function>';
      case 'symbol':
        return '<symbol>';
    }
    if (value === null) return null;
    const obj = value as object;
    if (seen.includes(obj)) return '<cycle>';
    if (depth >= 8) return Array.isArray(obj) ? '<list>' : '<object>';
    const inner = [...seen, obj];
    if (Array.isArray(obj)) {
      const items = obj.slice(0, 50).map((x) => jsonSafe(x, depth + 1, inner) ?? null);
      return obj.length > 50 ? [...items, `<${obj.length - 50} more>`] : items;
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) return `<${typeName(obj)}>`;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj).slice(0, 50)) {
      const d = Object.getOwnPropertyDescriptor(obj, k);
      out[k] = d && 'value' in d ? jsonSafe(d.value, depth + 1, inner) : '<getter>';
    }
    return out;
  } catch {
    return '<unreadable>';
  }
}

/** The text an issue shows for its value (`got …`). Calls no user code: `value` is first made plain data. */
function show(given: unknown): string {
  const value = jsonSafe(given);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  return typeof value !== 'string' && json.length > 120 ? `${json.slice(0, 117)}...` : json;
}

/** Renders one issue as `[path] Construct: field ... — fix`. */
export function formatIssue(issue: BlueprintIssue): string {
  const where = issue.path ? `[${issue.path}] ` : '';
  const who = issue.construct ? `${issue.construct}: ` : '';
  const got = 'value' in issue ? `, got ${show(issue.value)}` : '';
  return `${where}${who}${issue.code} '${issue.field}' ${issue.message}${got} — ${issue.fix}`;
}

/**
 * Whether `v` looks like a credential in any text it is shown as: itself (a string), its display form or its JSON;
 * or holds one where it sits in it (credentialWithin: a container's `['--password', S]`, `{ DB_PASSWORD: S }`), which
 * no scan of the flat text sees.
 */
function leaks(v: unknown): boolean {
  // A string is its own plain data and shown as its JSON: two scans, not four of the same megabytes.
  if (typeof v === 'string') return credentialIn(v) !== undefined || credentialIn(JSON.stringify(v)) !== undefined;
  const plain = jsonSafe(v);
  return credentialWithin(plain) !== undefined || credentialIn(show(plain)) !== undefined || credentialIn(safeJson(plain)) !== undefined;
}

/** The text fields of an issue, and what each becomes when it still looks like a credential once the value's secrets are out. */
const REDACTED_TEXT = {
  message: 'holds a value that looks like a credential (not shown)',
  fix: 'see the message and field; the fix named a value that looks like a credential (not shown)',
  field: '<a field whose name looks like a credential>',
  path: '<a construct whose id looks like a credential>',
  construct: '<a construct name that looks like a credential>',
} as const;

/** What a secret of the value becomes where an issue's text quotes it. */
const REDACTED = '<redacted>';

/** The shortest secret taken out of an issue's text: a shorter one would garble ordinary words of the message. */
const MIN_SECRET = 4;

/**
 * The secrets each redacted issue (and error) hid, as the raw strings: an issue made from it, beside it in one error,
 * or an error that collects its issues (Problems.attempt, Collector) hides them in its own text too. Never printed,
 * never serialized: a WeakMap holds them, not a property of the issue.
 */
const HIDDEN = new WeakMap<object, readonly string[]>();

/** The secrets `issue` (an issue or an error) was built to hide, if any. */
function hiddenBy(issue: unknown): readonly string[] {
  return (issue !== null && typeof issue === 'object' && HIDDEN.get(issue)) || [];
}

/** Records that `to` hides what `from` hides (and `more`), and returns `to`. */
function hiding<T extends object>(to: T, from: unknown, more: readonly string[] = []): T {
  const all = [...new Set([...hiddenBy(from), ...more])];
  if (all.length) HIDDEN.set(to, all);
  return to;
}

/** An issue's value as plain data, and the secrets it holds. */
interface Judged {
  /** The value as plain JSON data (`jsonSafe`), or `<redacted>` when it looks like a credential. */
  readonly shown?: unknown;
  /** Whether the issue has a value (`'value' in issue`). */
  readonly hasValue: boolean;
  /** Its secrets (see `secretsOf`); empty for a value that is no secret. */
  readonly secrets: readonly string[];
}

/** A description an issue or jsonSafe shows instead of a value (`(a string)`, `(a list of 3)`, `<SecretRef>`): no secret. */
const DESCRIPTION = /^(?:\((?:an? [A-Za-z][\w ]{0,63}|null|unreadable)\)|<[A-Za-z_$][\w$ ]{0,63}>)$/;

/**
 * A Secret object as the library's issues name one under a secret-named field (`env.API_TOKEN` read from
 * `billing/db`, `imagePullSecrets[1]` of `db (type Opaque)`): a reference to the secret, not the secret. Words, not
 * a random token: no run of 8+ characters mixing letters and digits.
 */
const SECRET_OBJECT = /^(?:[a-z0-9][-a-z0-9]*\/[a-z0-9][-a-z0-9.]*|[a-z0-9][-a-z0-9.]* \(type [\w./-]+\))$/;
const isSecretObject = (x: string) =>
  SECRET_OBJECT.test(x) && !x.split(/[-/. ]/).some((w) => w.length >= 8 && /[0-9]/.test(w) && /[a-z]/.test(w));

/**
 * The segments of a field path or JSON pointer, each without its indices: `['env', 'DB_PASSWORD']` of `env.DB_PASSWORD`,
 * `['apiToken']` of `apiToken[2]`. The last is the name its value sits under.
 */
function segmentsOf(field: unknown): string[] {
  return typeof field === 'string' ? field.split(/[./]/).map((s) => s.replace(/(?:\[[^\]]*\])+$/, '')) : [];
}

/**
 * The strings of an issue's value (a string or number, or a list of them) that the name of its field says are secret,
 * by the judgement of an env var's name and literal value (plaintextSecretEnv): `PROPS_UNKNOWN 'password'` with
 * `'correct horse battery staple'`, which no scan of its shape finds, as a map's `{ DB_PASSWORD: … }` is. A reference
 * (`$(DB_PASSWORD)`), a yes or no, a description (`(a string)`) and a Secret object (`billing/db`) are no secret; nor is the value of a field named
 * `key` alone or an entry of a map of keys (`configKeys.password`: in a props path those name a key, not hold one as
 * an env var KEY does), nor the name itself (CONFIG_KEY_INVALID shows the key at fault).
 */
function namedSecrets(issue: object, plain: unknown): string[] {
  const segments = segmentsOf((issue as { field?: unknown }).field);
  const name = segments[segments.length - 1] ?? '';
  // Names of keys, not keys: a field named key, or an entry of a map of keys (`configKeys.password`: a config key).
  if (name === '' || /^keys?$/i.test(name) || /keys$/i.test(segments[segments.length - 2] ?? '')) return [];
  const raw = (issue as { value?: unknown }).value;
  const items = typeof raw === 'string' || typeof raw === 'number' ? [raw] : Array.isArray(plain) ? plain : [];
  return items
    .filter((x): x is string | number => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)))
    .map(String)
    .filter((x) => x !== name && !DESCRIPTION.test(x) && !isSecretObject(x) && plaintextSecretEnv(name, x));
}

/**
 * Judges an issue's value: when it looks like a credential (`leaks`) or its field's name says it is one (`namedSecrets`,
 * for every issue alike), its secrets are the raw string, the strings that
 * hold a credential where they sit in an object or list (credentialStrings), the credential parts of each (a token
 * without its `Bearer `, a URL's password: what a message quoting part of the value shows), and their JSON-escaped
 * forms (a message that quotes the value as JSON).
 */
function judge(issue: object): Judged {
  if (!('value' in issue)) return { hasValue: false, secrets: [] };
  const plain = jsonSafe((issue as { value?: unknown }).value);
  const named = namedSecrets(issue, plain);
  if (!named.length && !leaks(plain)) return { shown: plain, hasValue: true, secrets: [] };
  const strings =
    typeof plain === 'string'
      ? [plain, ...credentialSpans(plain)]
      : [...named, ...credentialStrings(plain), ...credentialSpans(safeJson(plain))];
  const escaped = strings.map((x) => JSON.stringify(x).slice(1, -1));
  const secrets = [...new Set([...strings, ...escaped])].filter((x) => x.length >= MIN_SECRET && x !== REDACTED);
  return { shown: REDACTED, hasValue: true, secrets };
}

/** `text` with every occurrence of each of `secrets` (longest first) replaced by `<redacted>`. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * An issue safe to print and to serialize, the one place every issue passes (`Problems.add` and `new BlueprintError`):
 * an error message ends up in CI logs. A value that looks like a credential is shown as `<redacted>`, and each of its
 * secrets (`judge`), each secret of the issue it was made from (HIDDEN) and each of `others` (those of the other
 * issues of the same error) is taken out of every text field (message, fix, field, path, construct) wherever it is
 * quoted: in a longer sentence, glued to a prefix (`platform-<token>`). A text field that still looks like a
 * credential is replaced whole (REDACTED_TEXT). The value is stored as plain JSON data (see `jsonSafe`). What was
 * hidden is recorded (HIDDEN) for the issues and errors made from this one.
 */
function redacted<T extends IssueInput>(issue: T, others: readonly string[] = [], judged: Judged = judge(issue)): T {
  const out: Record<string, unknown> = { ...issue };
  const secrets = [...new Set([...judged.secrets, ...hiddenBy(issue), ...others])];
  for (const key of Object.keys(REDACTED_TEXT) as (keyof typeof REDACTED_TEXT)[]) {
    if (!(key in out)) continue;
    if (typeof out[key] === 'string' && secrets.length) out[key] = scrub(out[key] as string, secrets);
    if (leaks(out[key])) out[key] = REDACTED_TEXT[key];
  }
  if (judged.hasValue) out.value = judged.shown;
  return hiding(out, undefined, secrets) as T;
}

/**
 * `issues` each made safe (`redacted`), every secret of one hidden in the text of all, and those of `inherited`: a
 * message may quote the value of another issue of the same error (a port named by one and refused by the other).
 */
function redactedAll<T extends IssueInput>(issues: readonly T[], inherited: readonly string[] = []): T[] {
  const judged = issues.map(judge);
  const all = [...new Set([...inherited, ...judged.flatMap((j) => j.secrets), ...issues.flatMap(hiddenBy)])];
  return issues.map((i, n) => redacted(i, all, judged[n]));
}

/** `issue` made safe to print, as `new BlueprintError` makes each of its issues: for issues reported without an error (synth warnings). */
export function safeIssue(issue: BlueprintIssue): BlueprintIssue {
  return redacted(issue);
}

/**
 * What a caller gave `new BlueprintError(…)`, as a non-empty list of issues:
 * each entry that is not an issue becomes one saying so, and the real issues
 * beside it are kept (one bad entry must not hide the others).
 */
function asIssues(given: unknown): BlueprintIssue[] {
  const wrong = (at: string): BlueprintIssue => ({
    code: 'PROPS_INVALID',
    path: '',
    construct: 'BlueprintError',
    field: at,
    message: 'must be one issue or a non-empty list of issues ({ code, path, field, message, fix })',
    fix: 'pass at least one issue, each with a string code',
  });
  try {
    const isList = Array.isArray(given);
    const list: unknown[] = isList ? [...(given as unknown[])] : [given];
    if (list.length === 0) return [wrong('issues')];
    return list.map((i, n) => {
      const at = isList ? `issues[${n}]` : 'issues';
      try {
        if (i === null || typeof i !== 'object' || typeof (i as BlueprintIssue).code !== 'string') return wrong(at);
        const issue = { ...(i as BlueprintIssue) };
        // The text fields a caller left out read as empty, never as `undefined` in the message.
        const text = (v: unknown) => (typeof v === 'string' ? v : '');
        const copy = { ...issue, path: text(issue.path), field: text(issue.field), message: text(issue.message), fix: text(issue.fix) };
        return hiding(copy, i);
      } catch {
        return wrong(at);
      }
    });
  } catch {
    return [wrong('issues')];
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
    const list = redactedAll(asIssues(issues));
    const header = list.length === 1 ? '' : `${list.length} problems:\n  `;
    super(header + list.map(formatIssue).join('\n  '));
    this.name = 'BlueprintError';
    // Every issue carries `value`: explicitly `undefined` where none was given (the message says `got …` only for a given one).
    this.issues = list.map((i) => ('value' in i ? i : hiding({ ...i, value: undefined }, i)));
    // Every issue hides the secrets of all (redactedAll): an error collecting these issues hides them too.
    hiding(this, list[0]);
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

/** How many issues of one code on one prop (e.g. `zones[3]`, `zones[9]`…) a construct lists; the rest are counted. */
export const MAX_ISSUES_PER_KIND = 20;

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
  /** How many issues of each code and prop (`CODE prop`) were given, listed or not. */
  private readonly perKind = new Map<string, number>();
  /** The secrets of the listed issues' values: none is shown in the text of any issue of the construct. */
  private readonly secrets = new Set<string>();

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
    // One rule broken by every item of a huge list (a million duplicate zones) is a few issues and a count, not a million.
    const kind = `${issue.code} ${fieldRoot(issue.field)}`;
    const seen = (this.perKind.get(kind) ?? 0) + 1;
    this.perKind.set(kind, seen);
    if (seen > MAX_ISSUES_PER_KIND) return;
    // An error message ends up in CI logs: no text of the issue echoes a credential (see `redacted`), nor a secret of
    // another issue of the construct, recorded before it (then taken out of this one) or after (then out of those).
    const judged = judge(issue);
    const fresh = [...judged.secrets, ...hiddenBy(issue)].filter((x) => !this.secrets.has(x));
    for (const secret of fresh) this.secrets.add(secret);
    if (fresh.length) for (let n = 0; n < this.found.length; n++) this.found[n] = redacted(this.found[n], fresh);
    const where = {
      construct: issue.construct ?? this.constructName,
      path: issue.path ?? (typeof this.scope === 'string' ? this.scope : this.scope?.node.path) ?? '',
    };
    this.found.push(redacted({ ...issue, ...where }, [...this.secrets], judged));
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
      for (const issue of e.issues) this.add(hiding({ ...issue, field, path: undefined, construct: undefined }, issue));
      return undefined;
    }
  }

  /** The recorded issues; a code repeated on one prop more than `MAX_ISSUES_PER_KIND` times ends in one issue counting the rest. */
  public get issues(): readonly BlueprintIssue[] {
    const more: BlueprintIssue[] = [];
    for (const [kind, seen] of this.perKind) {
      if (seen <= MAX_ISSUES_PER_KIND) continue;
      const last = [...this.found].reverse().find((i) => `${i.code} ${fieldRoot(i.field)}` === kind)!;
      more.push(
        hiding(
          {
            ...last,
            field: fieldRoot(last.field),
            value: undefined,
            message: `and ${seen - MAX_ISSUES_PER_KIND} more issues like the ones above (${last.code}), not listed`,
          },
          last,
        ),
      );
    }
    return more.length ? [...this.found, ...more] : this.found;
  }

  public get empty(): boolean {
    return this.found.length === 0;
  }

  /** Throws one `BlueprintError` holding every recorded issue, if any. */
  public throwIfAny(): void {
    if (this.found.length > 0) throw new BlueprintError(this.issues);
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
      for (const issue of e.issues) this.found.push(issue);
      return undefined;
    }
  }

  /** Throws one `BlueprintError` with every recorded issue, if any. */
  public throwIfAny(): void {
    if (this.found.length > 0) throw new BlueprintError(this.found);
  }
}
