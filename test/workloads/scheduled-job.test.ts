import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { BlueprintError, ConcurrencyPolicy, JobPattern, QuotaPreset, ScheduledJob } from '../../constructs';
import { expectCode, find, renderChart, renderNew, teamChart, testChart } from '../helpers';
import { JOB_PATTERNS } from './job-patterns';

const image = 'ghcr.io/acme/tool:1.2.3';

describe('ScheduledJob', () => {
  test('defaults snapshot: Forbid, a run bounded below the period, history limits', () => {
    const objects = renderNew(ScheduledJob, 'report', { namespace: 'shop', image, schedule: '*/3 * * * *' });
    expect(objects).toMatchSnapshot();
    expect(find(objects, 'CronJob', 'report').spec).toMatchObject({
      schedule: '*/3 * * * *',
      concurrencyPolicy: 'Forbid',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      suspend: false,
    });
  });

  test('a missed run starts at most an hour late by default; the history limits, not a TTL, keep the last runs', () => {
    const cj = find(renderNew(ScheduledJob, 'report', { namespace: 'shop', image, schedule: '*/3 * * * *' }), 'CronJob', 'report');
    expect(cj.spec.startingDeadlineSeconds).toBe(3600);
    expect(cj.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    // Asked for, both are kept as given.
    const given = find(
      renderNew(ScheduledJob, 'report', {
        namespace: 'shop',
        image,
        schedule: '*/3 * * * *',
        startingDeadline: Duration.minutes(2),
        ttlAfterFinished: Duration.hours(2),
      }),
      'CronJob',
      'report',
    );
    expect([given.spec.startingDeadlineSeconds, given.spec.jobTemplate.spec.ttlSecondsAfterFinished]).toEqual([120, 7200]);
  });

  test('under Forbid a run is bounded below the shortest period by default, so a hung one cannot stop the later runs', () => {
    const deadline = (props: Partial<ConstructorParameters<typeof ScheduledJob>[2]>) => {
      const { chart } = testChart();
      const job = new ScheduledJob(chart, 'report', { namespace: 'shop', image, schedule: '*/15 * * * *', ...props });
      const seconds = find(renderChart(chart), 'CronJob', 'report').spec.jobTemplate.spec.activeDeadlineSeconds;
      expect(job.activeDeadline?.toSeconds()).toBe(seconds);
      return seconds;
    };
    expect(deadline({})).toBe(810);
    expect(deadline({ schedule: '0 6 * * MON-FRI', timeZone: 'Europe/Berlin' })).toBe(77_760);
    expect(deadline({ schedule: '@every 90m' })).toBe(4860);
    // Given, it is kept, even above the period (a run that may outlast it).
    expect(deadline({ activeDeadline: Duration.hours(2) })).toBe(7200);
    // Replace stops a hung run at the next one; Allow runs both: no default.
    expect(deadline({ concurrencyPolicy: ConcurrencyPolicy.REPLACE })).toBeUndefined();
    expect(deadline({ concurrencyPolicy: ConcurrencyPolicy.ALLOW })).toBeUndefined();
    expect(deadline({ concurrencyPolicy: ConcurrencyPolicy.ALLOW, activeDeadline: Duration.minutes(5) })).toBe(300);
  });

  test('all props', () => {
    const { chart } = testChart();
    const job = new ScheduledJob(chart, 'nightly', {
      namespace: 'shop',
      image,
      schedule: '0 2 * * *',
      timeZone: 'Europe/Berlin',
      concurrencyPolicy: ConcurrencyPolicy.ALLOW,
      startingDeadline: Duration.minutes(5),
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
      pattern: JobPattern.fixedCompletions(3, 3),
    });
    const cj = find(renderChart(chart), 'CronJob', 'nightly');
    expect(cj.spec).toMatchObject({ timeZone: 'Europe/Berlin', concurrencyPolicy: 'Allow', startingDeadlineSeconds: 300 });
    expect(cj.spec.jobTemplate.spec.completions).toBe(3);
    expect(job.maxPods).toBe(6);
  });

  test('SCHEDULE_INVALID, TIMEZONE_INVALID, names over 52 characters, JOB_INVALID', () => {
    const { chart } = testChart();
    expectCode(() => new ScheduledJob(chart, 'a', { namespace: 'n', image, schedule: '* * * *' }), 'SCHEDULE_INVALID');
    expectCode(
      () => new ScheduledJob(chart, 'b', { namespace: 'n', image, schedule: '@hourly', timeZone: 'Moon/Base' }),
      'TIMEZONE_INVALID',
    );
    expect(
      expectCode(() => new ScheduledJob(chart, 'c'.repeat(53), { namespace: 'n', image, schedule: '@daily' }), 'NAME_INVALID').message,
    ).toContain('52');
    expectCode(
      () => new ScheduledJob(chart, 'd', { namespace: 'n', image, schedule: '@daily', startingDeadline: Duration.seconds(5) }),
      'JOB_INVALID',
    );
    expectCode(
      () => new ScheduledJob(chart, 'e', { namespace: 'n', image, schedule: '@daily', failedJobsHistoryLimit: -1 }),
      'JOB_INVALID',
    );
  });
});

describe('ScheduledJob: properties', () => {
  const minute = fc.oneof(
    fc.constant('*'),
    fc.integer({ min: 0, max: 59 }).map(String),
    fc.integer({ min: 1, max: 30 }).map((n) => `*/${n}`),
  );

  test('valid props are schema-valid and pass the checks', () => {
    fc.assert(
      fc.property(
        JOB_PATTERNS,
        minute,
        fc.constantFrom(...Object.values(ConcurrencyPolicy)),
        fc.constantFrom('Etc/UTC', 'Europe/Berlin', 'Asia/Seoul', undefined),
        (p, min, concurrencyPolicy, timeZone) => {
          const { chart, team } = teamChart({ quota: QuotaPreset.LARGE });
          new ScheduledJob(chart, 'cron', { namespace: team, image, pattern: p, schedule: `${min} * * * *`, concurrencyPolicy, timeZone });
          renderChart(chart);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('invalid props raise a BlueprintError', () => {
    const invalid = fc.oneof(
      fc.record({ backoffLimit: fc.integer({ min: -10, max: -1 }) }),
      fc.record({ pattern: fc.integer({ min: -3, max: 0 }).map((p) => JobPattern.workQueue(p)) }),
      fc.record({ pattern: fc.integer({ min: -3, max: 0 }).map((c) => JobPattern.fixedCompletions(c, 1)) }),
      fc.record({ sidecars: fc.constant([{ name: 'proxy', image }]) }),
      fc.record({ schedule: fc.constantFrom('* * * *', '61 * * * *', '@HOURLY', '@every 5', '* * * * 8') }),
      fc.record({ timeZone: fc.constantFrom('Mars/Base', 'utc', 'GMT+25') }),
      fc.record({ image: fc.constantFrom('tool', 'tool:latest') }),
    );
    fc.assert(
      fc.property(invalid, (p) => {
        const { chart, team } = teamChart({ quota: QuotaPreset.LARGE });
        expect(() => new ScheduledJob(chart, 'cron', { namespace: team, image, schedule: '@hourly', ...p } as any)).toThrow(BlueprintError);
      }),
      { numRuns: 60 },
    );
  });
});
