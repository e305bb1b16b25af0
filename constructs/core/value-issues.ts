import { IssueInput } from './errors';

/**
 * The issue `code` for a count or a number of seconds that is not a whole number
 * from `min` to `max` (no `max`: no upper bound), or `undefined` when it is one or
 * was not given.
 */
export function integerIssue(
  code: string,
  field: string,
  value: number | undefined,
  range: { readonly min: number; readonly max?: number },
  fix: string,
): IssueInput | undefined {
  const { min, max } = range;
  if (value === undefined || (Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max))) return undefined;
  const message = max === undefined ? `must be an integer ≥ ${min}` : `must be an integer from ${min} to ${max}`;
  return { code, field, value, message, fix };
}

/** The issue `code` for a path in a container or on a node that is not absolute, or `undefined` when it is. */
export function absolutePathIssue(code: string, field: string, value: unknown, example: string): IssueInput | undefined {
  if (typeof value === 'string' && value.startsWith('/')) return undefined;
  return { code, field, value, message: 'must be an absolute path', fix: `use e.g. '${example}'` };
}
