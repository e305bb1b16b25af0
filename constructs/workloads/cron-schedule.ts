import { BlueprintError, IssueInput } from '../core/errors';
import { parseGoDuration } from '../core/duration';

/*
 * Cron schedules as the CronJob controller parses them (robfig/cron's
 * standard parser): five fields, `*`/`?`, lists, ranges, steps, month and day
 * names, the lower-case @-macros and `@every <Go duration>`. Written by hand because the npm cron libraries
 * accept a different language (a seconds field, `L`, `W`, `#`) that the
 * API server would reject.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
 */

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** The macros the controller accepts; the parser matches them case-sensitively, so `@HOURLY` is refused. */
export const CRON_MACROS: ReadonlySet<string> = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

function value(text: string, f: FieldSpec): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= f.min && n <= f.max ? n : `${text} is outside ${f.min}–${f.max} for ${f.name}`;
  }
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  if (i >= 0) return f.min + i;
  return `'${text}' is not a ${f.name}${f.names ? ` (numbers or ${f.names[0]}–${f.names[f.names.length - 1]})` : ''}`;
}

function fieldError(part: string, f: FieldSpec): string | undefined {
  for (const item of part.split(',')) {
    if (item === '') return `an empty list item in ${f.name}`;
    const [range, step, extra] = item.split('/');
    if (extra !== undefined) return `'${item}' has two steps`;
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1)) return `step '${step}' in ${f.name} must be a positive integer`;
    if (range === '*' || range === '?') continue;
    const [lo, hi, more] = range.split('-');
    if (more !== undefined) return `'${range}' is not a range`;
    const a = value(lo, f);
    if (typeof a === 'string') return a;
    if (hi !== undefined) {
      const b = value(hi, f);
      if (typeof b === 'string') return b;
      if (b < a) return `range ${range} in ${f.name} runs backwards`;
    }
  }
  return undefined;
}

const SECOND_NANOS = 1_000_000_000n;

/** The spelling of a Go duration (its size aside): an optional sign, then number+unit pairs, or a bare `0`. */
const GO_DURATION_SYNTAX = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$/;

/**
 * `@every <d>`: robfig/cron reads `d` with Go's time.ParseDuration (an error
 * refuses the schedule), then `Every` runs it every `d` truncated to whole
 * seconds, and every second for anything below one: so a zero, negative or
 * sub-second interval (which the API server accepts) runs the job every
 * second, and a fraction of a second is dropped. Those are refused.
 */
function everyError(s: string): string | undefined {
  const text = s.slice('@every '.length);
  const nanos = parseGoDuration(text);
  if (nanos === undefined)
    return GO_DURATION_SYNTAX.test(text)
      ? `'${text}' is longer than a Go duration holds (about 2,562,047 hours)`
      : `'${s}' needs a Go duration after @every, such as '@every 90m'`;
  if (nanos < SECOND_NANOS)
    return `'${s}' is ${nanos <= 0n ? 'not a positive interval' : 'under a second'}: robfig/cron runs it every second instead`;
  if (nanos % SECOND_NANOS !== 0n)
    return `'${s}' is not whole seconds: robfig/cron drops the fraction and runs it every ${nanos / SECOND_NANOS}s`;
  return undefined;
}

function macroError(s: string): string | undefined {
  if (CRON_MACROS.has(s)) return undefined;
  if (s.startsWith('@every ')) return everyError(s);
  if (CRON_MACROS.has(s.toLowerCase())) return `'${s}' must be written in lower case ('${s.toLowerCase()}')`;
  return `'${s}' is not a supported macro`;
}

/** Why `schedule` is not a valid CronJob schedule, or undefined when it is. */
export function cronScheduleError(schedule: unknown): string | undefined {
  if (typeof schedule !== 'string' || schedule.trim() === '') return 'is empty';
  const s = schedule.trim();
  if (/^(CRON_)?TZ=/.test(s)) return 'sets a time zone inside the schedule, which the API server rejects';
  if (s.startsWith('@')) return macroError(s);
  const parts = s.split(/\s+/);
  if (parts.length !== 5) return `has ${parts.length} fields, not 5 (minute hour day-of-month month day-of-week)`;
  for (const [i, part] of parts.entries()) {
    const err = fieldError(part, FIELDS[i]);
    if (err) return err;
  }
  return neverFiresError(parts);
}

/** Longest month length, January to December (February 29 in leap years). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The values a valid field selects, and whether the parser marks it `*`
 * (robfig/cron `getRange`: a `*` or `?` item without a step above 1).
 */
function fieldSet(part: string, f: FieldSpec): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const item of part.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo = f.min;
    let hi = f.max;
    if (range === '*' || range === '?') star ||= step <= 1;
    else {
      const [a, b] = range.split('-');
      lo = value(a, f) as number;
      // "N/step" means N-max/step.
      hi = b !== undefined ? (value(b, f) as number) : stepText !== undefined ? f.max : lo;
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return { values, star };
}

/**
 * A schedule whose days of the month exist in none of its months (Feb 30,
 * Apr 31) never fires: robfig/cron's Next finds no time and the CronJob never
 * runs. Only when the day of week is `*`: otherwise either field matching is
 * enough (cron's OR rule).
 */
function neverFiresError(parts: readonly string[]): string | undefined {
  const dom = fieldSet(parts[2], FIELDS[2]);
  const months = fieldSet(parts[3], FIELDS[3]);
  const dow = fieldSet(parts[4], FIELDS[4]);
  if (dom.star || !dow.star) return undefined;
  const fits = [...months.values].some((m) => [...dom.values].some((d) => d <= MONTH_DAYS[m - 1]));
  return fits ? undefined : `day of month ${parts[2]} exists in none of its months (${parts[3]}), so it would never run`;
}

const DAY_SECONDS = 86_400;

/** The shortest gap between two runs of each macro (`@monthly`: February). */
const MACRO_INTERVALS: Readonly<Record<string, number>> = {
  '@hourly': 3600,
  '@daily': DAY_SECONDS,
  '@midnight': DAY_SECONDS,
  '@weekly': 7 * DAY_SECONDS,
  '@monthly': 28 * DAY_SECONDS,
  '@yearly': 365 * DAY_SECONDS,
  '@annually': 365 * DAY_SECONDS,
};

/** Days of the Gregorian calendar's 400-year cycle: every run of dates and weekdays recurs within it. */
const GREGORIAN_CYCLE_DAYS = 146_097;

/**
 * The shortest time, in seconds, between two consecutive runs of a valid schedule, on the schedule's own clock
 * (a daylight-saving change can shorten one gap by its shift), or undefined for an invalid one. Days match as
 * robfig/cron's `dayMatches` does: both day fields when either is `*`, else either.
 * @example shortestCronInterval('0 6 * * MON-FRI') // 86400 (Monday to Tuesday)
 */
export function shortestCronInterval(schedule: unknown): number | undefined {
  if (cronScheduleError(schedule) !== undefined) return undefined;
  const s = (schedule as string).trim();
  if (s.startsWith('@every ')) return Number(parseGoDuration(s.slice('@every '.length))! / SECOND_NANOS);
  if (s.startsWith('@')) return MACRO_INTERVALS[s];
  const [minute, hour, dom, month, dow] = s.split(/\s+/).map((part, i) => fieldSet(part, FIELDS[i]));
  const times = [...hour.values].flatMap((h) => [...minute.values].map((m) => h * 60 + m)).sort((a, b) => a - b);
  let shortest = Infinity;
  for (let i = 1; i < times.length; i++) shortest = Math.min(shortest, times[i] - times[i - 1]);
  // Across days: the last run of a day to the first of the next day that runs, the nearest two such days apart.
  const either = !dom.star && !dow.star;
  let previous: number | undefined;
  let fewestDays = Infinity;
  // 2000-01-01, a Saturday; the calendar advanced by hand (a Date per day is ten times slower).
  let [year, m, day, weekday] = [2000, 1, 1, 6];
  for (let d = 0; d < GREGORIAN_CYCLE_DAYS && fewestDays > 1; d++) {
    if (month.values.has(m) && (either ? dom.values.has(day) || dow.values.has(weekday) : dom.values.has(day) && dow.values.has(weekday))) {
      if (previous !== undefined) fewestDays = Math.min(fewestDays, d - previous);
      previous = d;
    }
    weekday = (weekday + 1) % 7;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (++day > (m === 2 && !leap ? 28 : MONTH_DAYS[m - 1])) [day, m] = [1, m + 1];
    if (m > 12) [m, year] = [1, year + 1];
  }
  if (Number.isFinite(fewestDays)) shortest = Math.min(shortest, fewestDays * 1440 - times[times.length - 1] + times[0]);
  return shortest * 60;
}

/** The issue for an invalid schedule. */
export function cronScheduleIssue(schedule: unknown, field = 'schedule'): IssueInput | undefined {
  const err = cronScheduleError(schedule);
  return err
    ? {
        code: 'SCHEDULE_INVALID',
        field,
        value: schedule,
        message: `is not a valid cron schedule: ${err}`,
        fix: "use five fields such as '*/3 * * * *' or '0 4 * * MON-FRI', or a lower-case macro like '@hourly' or '@every 90m'",
      }
    : undefined;
}

/** How to mend a time zone `timeZoneError` refuses (ScheduledJob and the catalogue rule alike). */
export const TIMEZONE_FIX = "use an IANA name such as 'Europe/Berlin' or 'Etc/UTC'";

/** Why `zone` is not an IANA time zone the API server accepts, or undefined. */
export function timeZoneError(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return 'is not an IANA time zone name';
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    // Go's LoadLocation is case-sensitive; Intl is not.
    if (resolved.toLowerCase() === zone.toLowerCase() && resolved !== zone) return `is spelled '${resolved}' in the time zone database`;
    return undefined;
  } catch {
    return 'is not in the IANA time zone database';
  }
}

/** Validates a schedule, throwing `SCHEDULE_INVALID`. */
export function assertCronSchedule(schedule: string): string {
  const issue = cronScheduleIssue(schedule);
  if (issue) throw new BlueprintError({ path: '', ...issue });
  return schedule;
}
