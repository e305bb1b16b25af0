import * as fc from 'fast-check';
import { assertCronSchedule, cronScheduleError, shortestCronInterval, timeZoneError } from '../../constructs';
import { expectCode } from '../helpers';

describe('cron schedules', () => {
  test.each([
    '*/3 * * * *',
    '0 4 * * MON-FRI',
    '15,45 9-17 * JAN,jul ?',
    '0 0 1 */2 *',
    '5 0 * 8 0',
    '@hourly',
    '@annually',
    '@midnight',
    '@every 5m',
    '@every 1h30m',
    '@every 1.5h',
    '0 22 * * 1-5',
    '5-50/5 * * * *',
  ])('accepts %p', (s) => {
    expect(cronScheduleError(s)).toBeUndefined();
  });

  test.each([
    ['* * * *', /4 fields/],
    ['60 * * * *', /outside 0–59/],
    ['* 24 * * *', /outside 0–23/],
    ['* * 0 * *', /outside 1–31/],
    ['* * * 13 *', /outside 1–12/],
    ['* * * * 7', /outside 0–6/],
    ['*/0 * * * *', /step/],
    ['5-1 * * * *', /backwards/],
    ['* * * FOO *', /not a month/],
    ['0 0 * * * *', /6 fields/],
    ['@HOURLY', /lower case/],
    ['@Daily', /lower case/],
    ['@every', /macro/],
    ['@every 5', /Go duration/],
    ['@every 5 minutes', /Go duration/],
    ['@every5m', /macro/],
    ['@fortnightly', /not a supported macro/],
    ['TZ=UTC 0 * * * *', /time zone/],
    ['1,,2 * * * *', /empty/],
    ['', /empty/],
    ['L * * * *', /not a minute/],
  ])('rejects %p', (s, why) => {
    expect(cronScheduleError(s)).toMatch(why);
  });

  describe('a schedule that never fires (robfig/cron finds no next time)', () => {
    test.each(['0 0 30 2 *', '0 0 31 4 *', '0 0 31 2,4,6,9,11 *', '0 0 30,31 FEB ?', '0 0 30/5 2 *', '0 0 31 4 */1'])('rejects %p', (s) => {
      expect(cronScheduleError(s)).toMatch(/never run/);
      expect(expectCode(() => assertCronSchedule(s), 'SCHEDULE_INVALID').field).toBe('schedule');
    });

    test.each([
      '0 0 29 2 *', // leap years
      '0 0 31 4,5 *', // May 31
      '0 0 30 2 MON', // day of week given too: either matches (cron's OR rule)
      '0 0 30 2 */2', // a stepped day of week is not '*': OR as well
      '0 0 */2 2 *',
      '0 0 28-31 2 *',
      '0 0 31 * *',
    ])('accepts %p', (s) => {
      expect(cronScheduleError(s)).toBeUndefined();
    });
  });

  describe('@every: robfig/cron reads a Go duration and runs anything under a second every second', () => {
    test.each([
      ['@every -1h', /not a positive interval/],
      ['@every 0s', /not a positive interval/],
      ['@every 0', /not a positive interval/],
      ['@every 500ms', /under a second/],
      ['@every 1.5s', /not whole seconds.*every 1s/],
      ['@every 3000000h', /longer than a Go duration/],
      ['@every  1h', /Go duration/],
    ])('rejects %p', (s, why) => {
      expect(cronScheduleError(s)).toMatch(why);
      expect(expectCode(() => assertCronSchedule(s), 'SCHEDULE_INVALID').field).toBe('schedule');
    });

    test.each(['@every 1s', '@every 1h30m', '@every 1.5h', '@every 1000ms', '@every 2562047h'])('accepts %p', (s) => {
      expect(cronScheduleError(s)).toBeUndefined();
    });
  });

  test('an upper-case macro raises SCHEDULE_INVALID', () => {
    expect(expectCode(() => assertCronSchedule('@HOURLY'), 'SCHEDULE_INVALID').message).toMatch(/@hourly/);
  });

  test('SCHEDULE_INVALID carries the schedule and a fix', () => {
    expect(expectCode(() => assertCronSchedule('* * *'), 'SCHEDULE_INVALID').value).toBe('* * *');
  });

  const field = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.integer({ min: 1, max: 10 }).map((s) => `*/${s}`),
      fc.array(fc.integer({ min, max }), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(',')),
    );
  // Days of the month up to 28 exist in every month (a schedule on Feb 30 is refused: see 'never fires').
  const valid = fc.tuple(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 6)).map((f) => f.join(' '));

  test('property: generated valid schedules are accepted', () => {
    fc.assert(
      fc.property(valid, (s) => expect(cronScheduleError(s)).toBeUndefined()),
      { numRuns: 300 },
    );
  });

  test('property: mutated schedules are rejected (a field pushed out of range, a field dropped, garbage injected)', () => {
    const mutate = fc.tuple(valid, fc.integer({ min: 0, max: 4 }), fc.constantFrom('range', 'drop', 'junk')).map(([s, i, how]) => {
      const parts = s.split(' ');
      const max = [59, 23, 31, 12, 6][i];
      if (how === 'range') parts[i] = String(max + 1);
      if (how === 'drop') parts.splice(i, 1);
      if (how === 'junk') parts[i] = `${parts[i]}#`;
      return parts.join(' ');
    });
    fc.assert(
      fc.property(mutate, (s) => expect(cronScheduleError(s)).toBeDefined()),
      { numRuns: 300 },
    );
  });

  test.each([
    ['*/15 * * * *', 15 * 60],
    ['* * * * *', 60],
    ['0,5 * * * *', 5 * 60],
    // 01:00 and 03:00: the two-hour gap, not the 22 hours to the next day.
    ['0 1,3 * * *', 2 * 3600],
    // 23:00 to the next day's 01:00.
    ['0 1,23 * * *', 2 * 3600],
    // Friday to Monday is three days, but Monday to Tuesday one.
    ['0 6 * * MON-FRI', 86_400],
    ['0 4 * * MON', 7 * 86_400],
    // Either day field when neither is '*': Thursday the 13th, then Friday the 14th.
    ['0 0 13 * FRI', 86_400],
    // Both when one is '*': the first of the month, February the shortest.
    ['0 0 1 * *', 28 * 86_400],
    ['0 0 29 2 *', 1461 * 86_400],
    ['@hourly', 3600],
    ['@weekly', 7 * 86_400],
    ['@every 90m', 5400],
  ])('the shortest gap between two runs of %s is %i s', (schedule, seconds) => {
    expect(shortestCronInterval(schedule)).toBe(seconds);
  });

  test('an invalid schedule has no interval', () => {
    expect(shortestCronInterval('0 0 30 2 *')).toBeUndefined();
    expect(shortestCronInterval('@every 0s')).toBeUndefined();
  });

  test('time zones are IANA names, case-sensitive', () => {
    expect(timeZoneError('Europe/Berlin')).toBeUndefined();
    expect(timeZoneError('Etc/UTC')).toBeUndefined();
    expect(timeZoneError('Mars/Olympus')).toBeDefined();
    expect(timeZoneError('europe/berlin')).toMatch(/spelled/);
    expect(timeZoneError('UTC+2')).toBeDefined();
  });
});
