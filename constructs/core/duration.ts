import { Duration } from 'cdk8s';

/**
 * The length of `d` in seconds, fractional when it is not a whole number of
 * milliseconds. cdk8s' own conversions throw a plain Error for a fraction of
 * their unit (`Duration.millis(0.5).toMilliseconds()`); callers judge or round
 * the number instead, so a careless duration is a typed issue, never a crash.
 */
export function secondsOf(d: Duration): number {
  return d.toMilliseconds({ integral: false }) / 1000;
}
