import { IssueInput } from './errors';

/** The largest value of a Kubernetes `int32` field (most counts and seconds of the API). */
export const INT32_MAX = 2_147_483_647;

/**
 * The bound to give an `int64` field of the API (`activeDeadlineSeconds`,
 * `terminationGracePeriodSeconds`, `runAsUser`): every integer a JavaScript
 * number holds exactly is one.
 */
export const INT64_MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * `v` as text, for keys and messages, never throwing: a scalar as String() writes it; a map or a list where
 * foreign YAML put one in place of a scalar as `[map]`/`[list]`. String() of a map with a `toString` or `valueOf`
 * key (plain YAML: `{toString: 1}`) throws, and of a list reads as a real value (`['TCP']` is `TCP`).
 */
export function text(v: unknown): string {
  if (typeof v !== 'object' || v === null) return String(v);
  try {
    return Array.isArray(v) ? '[list]' : '[map]';
  } catch {
    return '[unreadable]'; // Array.isArray throws on a revoked Proxy
  }
}

/**
 * `v` if it is a count the API takes (a whole int32 from 0), else `undefined`: foreign YAML's replicas of -1,
 * 1.5 or 1e308 are refused by the API server (the schema check reports them), so readers skip them rather than
 * count with them.
 */
export function podCount(v: unknown): number | undefined {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= INT32_MAX ? (v as number) : undefined;
}

/** Whether an optional field was given: the API server's "set" (`null` in JSON or YAML is as if it were absent). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * The issue `code` for a count or a number of seconds that is not a whole number
 * from `min` to `max`, or `undefined` when it is one or was not given. `max`
 * defaults to `INT32_MAX`: most integer fields of the API are `int32`, and the
 * API server refuses (or the apiserver's JSON decoder overflows on) anything
 * larger; an `int64` field passes `INT64_MAX_SAFE`.
 */
export function integerIssue(
  code: string,
  field: string,
  value: number | undefined,
  range: { readonly min: number; readonly max?: number },
  fix: string,
): IssueInput | undefined {
  const { min, max = INT32_MAX } = range;
  if (value === undefined || (Number.isSafeInteger(value) && value >= min && value <= max)) return undefined;
  const limit = max === INT32_MAX ? ' (the API field is int32)' : '';
  return { code, field, value, message: `must be an integer from ${min} to ${max}${limit}`, fix };
}

/**
 * The issue `code` for a path in a container or on a node that is not absolute, or holds a NUL
 * (see `nulPathIssue`), or `undefined` when it is a path the node can use.
 */
export function absolutePathIssue(code: string, field: string, value: unknown, example: string): IssueInput | undefined {
  if (typeof value === 'string' && value.startsWith('/')) return nulPathIssue(code, field, value);
  return { code, field, value, message: 'must be an absolute path', fix: `use e.g. '${example}'` };
}

/**
 * The issue `code` for a path the kubelet or the runtime hands to the kernel (mount, mkdir, chdir, stat)
 * that holds a NUL, or `undefined`: the kernel takes C strings, and Go refuses a string with a NUL inside
 * (invalid argument), so the pod never starts. The API server accepts it. The value is not echoed.
 */
export function nulPathIssue(code: string, field: string, value: unknown): IssueInput | undefined {
  const at = typeof value === 'string' ? value.indexOf('\0') : -1;
  if (at < 0) return undefined;
  return {
    code,
    field,
    value: '<redacted>',
    message: `holds a NUL character (at ${at}): the node hands paths to the kernel as C strings, and a path with a NUL inside is refused (invalid argument), so the pod never starts`,
    fix: 'remove the NUL character',
  };
}

/**
 * For each item of `list`, the index of the first item equal to it (`===`, as `indexOf`): an item is
 * a repeat when that index is not its own. One pass over the list: `list.indexOf(x) !== i` in a loop
 * is quadratic (80,000 zones took 5 s).
 */
export function firstIndices<T>(list: readonly T[]): number[] {
  const first = new Map<T, number>();
  return list.map((x, i) => {
    // NaN is never equal to itself (indexOf never finds it): each NaN is its own first.
    if (Number.isNaN(x)) return i;
    const at = first.get(x);
    if (at !== undefined) return at;
    first.set(x, i);
    return i;
  });
}

/**
 * An issue for each item of `list` that repeats an earlier one (see `firstIndices`), at `field(i)`
 * (a string is the list's field: `zones` gives `zones[3]`), with the item as its value.
 */
export function repeatIssues<T>(
  list: readonly T[],
  field: string | ((i: number) => string),
  issue: Pick<IssueInput, 'code' | 'message' | 'fix'>,
): IssueInput[] {
  const at = typeof field === 'string' ? (i: number) => `${field}[${i}]` : field;
  const first = firstIndices(list);
  const out: IssueInput[] = [];
  list.forEach((value, i) => {
    if (first[i] !== i) out.push({ ...issue, field: at(i), value });
  });
  return out;
}
