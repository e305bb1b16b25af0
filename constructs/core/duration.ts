import { Duration } from 'cdk8s';

/**
 * The length of `d` in seconds, fractional when it is not a whole number of
 * milliseconds. cdk8s' own conversions throw a plain Error for a fraction of
 * their unit (`Duration.millis(0.5).toMilliseconds()`); callers judge or round
 * the number instead, so a careless duration is a typed issue, never a crash.
 * NaN when cdk8s cannot give a number: `Duration.seconds(5n)` (cdk8s takes a
 * BigInt, then throws a TypeError multiplying it by its unit), so each caller's
 * finiteness check turns it into that field's own error.
 */
export function secondsOf(d: Duration): number {
  return millisOf(d) / 1000;
}

/** The length of `d` in milliseconds, fractional or NaN as `secondsOf` says. */
export function millisOf(d: Duration): number {
  try {
    const ms: unknown = d.toMilliseconds({ integral: false });
    return typeof ms === 'number' ? ms : NaN;
  } catch {
    return NaN;
  }
}

/** The longest Go `time.Duration`, in nanoseconds (an int64: about 2,562,047 hours, 106,751 days). */
export const MAX_GO_DURATION_NANOS = (1n << 63n) - 1n;

const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/**
 * The nanoseconds of a Go duration string as `time.ParseDuration` reads it
 * (`1h30m`, `-1.5h`, `0`), or undefined where Go returns an error: no unit,
 * an unknown unit, or more than an int64 of nanoseconds (Go's "invalid
 * duration"). Fractions are truncated to the nanosecond.
 */
export function parseGoDuration(text: string): bigint | undefined {
  const m = /^([-+]?)(.*)$/s.exec(text)!;
  const negative = m[1] === '-';
  const body = m[2];
  if (body === '0') return 0n;
  if (body === '') return undefined;
  const part = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0n;
  let at = 0;
  while (at < body.length) {
    part.lastIndex = at;
    const p = part.exec(body);
    // Go needs a digit before or after the point, and a unit after every number.
    if (!p || (p[1] === '' && (p[2] ?? '') === '')) return undefined;
    const unit = GO_UNITS[p[3]];
    const fraction = p[2] ?? '';
    total += BigInt(p[1] || '0') * unit + (fraction ? (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length) : 0n);
    // Go allows -2^63 for a negative duration, 2^63-1 for a positive one.
    if (total > MAX_GO_DURATION_NANOS + (negative ? 1n : 0n)) return undefined;
    at = part.lastIndex;
  }
  return negative ? -total : total;
}

/**
 * `ms` milliseconds as the Go duration string a controller reads (`1h`, `15m`,
 * `90s`, `1500ms`), or `undefined` where Go's `time.ParseDuration` could not
 * read it back: beyond an int64 of nanoseconds (about 106,751 days), or a
 * number JavaScript writes with an exponent (`1e+21`).
 */
export function goDurationOf(ms: number): string | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const seconds = ms / 1000;
  // Durations of a fraction of a second (Duration.millis) are whole milliseconds, not whole seconds.
  const text =
    ms % 1000 !== 0 ? `${ms}ms` : seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
  return parseGoDuration(text) === undefined ? undefined : text;
}
