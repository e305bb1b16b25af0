import { ApiObject, Duration } from 'cdk8s';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Construct } from 'constructs';
import { IssueSink } from '../core/errors';
import { derivedNameIssue } from '../core/names';
import { INT64_MAX_SAFE, integerIssue } from '../core/value-issues';
import { modelObject } from '../core/model-object';
import { entered, extend, is } from '../core/shape';
import { JOB_SHAPE, JobProps, JobWorkload } from './batch-job';
import { TIMEZONE_FIX, cronScheduleIssue, shortestCronInterval, timeZoneError } from './cron-schedule';
import { secondsOf } from '../core/duration';

/** What happens when a run is due while the previous one still runs. */
export enum ConcurrencyPolicy {
  /** Skip the new run (jobs need not be idempotent against overlap). */
  FORBID = 'Forbid',
  /** Stop the old run and start the new one. */
  REPLACE = 'Replace',
  /** Run both. */
  ALLOW = 'Allow',
}

/** Props of a `ScheduledJob`. */
export interface ScheduledJobProps extends JobProps {
  /** Cron schedule, e.g. `'*\/3 * * * *'` or `'@hourly'`. */
  readonly schedule: string;
  /** IANA time zone of the schedule. @default - the controller's (usually UTC) */
  readonly timeZone?: string;
  /** @default ConcurrencyPolicy.FORBID */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Kill a run (its Job fails) after this long. Under `Forbid` the controller starts no run while the last one is
   * active, so a run that hangs (a lock, an unreachable API) would stop every later run, silently: the default
   * bounds it below the schedule's period. Set it longer for a run that may legitimately outlast the period.
   * @default - under ConcurrencyPolicy.FORBID, 90% of the shortest gap between two runs of the schedule (whole
   * seconds, on the schedule's own clock: `'*\/15 * * * *'` 810 s, `'@daily'` 21.6 h, `'0 6 * * MON-FRI'` 21.6 h);
   * none under REPLACE (the next run stops a hung one) or ALLOW
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy
   */
  readonly activeDeadline?: Duration;
  /**
   * A missed run (controller restart, an overlapping run under Forbid) still starts if at most
   * this late; later it is skipped until the next one is due.
   * @default Duration.hours(1)
   */
  readonly startingDeadline?: Duration;
  /** @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** @default 1 */
  readonly failedJobsHistoryLimit?: number;
  /** @default false */
  readonly suspend?: boolean;
}

/**
 * How late a missed run may still start by default: bounded, so a run missed during an outage never
 * starts hours later at an arbitrary time, yet wide enough for a control-plane restart or upgrade.
 */
const DEFAULT_STARTING_DEADLINE_SECONDS = 3600;

/** The share of the schedule's shortest period a run may take by default under Forbid: it ends before the next is due. */
const DEFAULT_ACTIVE_DEADLINE_SHARE = 0.9;

const SCHEDULED_JOB_SHAPE = extend<ScheduledJobProps, JobProps>(JOB_SHAPE, {
  schedule: is.any,
  timeZone: is.string,
  concurrencyPolicy: is.oneOf(Object.values(ConcurrencyPolicy), 'ConcurrencyPolicy'),
  startingDeadline: is.instance(Duration),
  successfulJobsHistoryLimit: is.number,
  failedJobsHistoryLimit: is.number,
  suspend: is.boolean,
});

/**
 * A CronJob with a validated schedule and time zone, overlapping runs
 * forbidden by default (each run bounded below the schedule's period, so a hung one cannot stop the later
 * ones), and bounded history.
 */
export class ScheduledJob extends JobWorkload {
  public readonly cronJob: ApiObject;
  public readonly concurrencyPolicy: ConcurrencyPolicy;
  /** How long a run may take before its Job fails (see `ScheduledJobProps.activeDeadline`); undefined: unbounded. */
  public readonly activeDeadline: Duration | undefined;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id, (props = entered(scope, id, props, 'ScheduledJob', SCHEDULED_JOB_SHAPE)), 'ScheduledJob', 'cron');
    const deadline =
      props.startingDeadline === undefined ? DEFAULT_STARTING_DEADLINE_SECONDS : Math.ceil(secondsOf(props.startingDeadline));
    this.concurrencyPolicy = props.concurrencyPolicy ?? ConcurrencyPolicy.FORBID;
    const period = shortestCronInterval(props.schedule);
    this.activeDeadline =
      props.activeDeadline ??
      (this.concurrencyPolicy === ConcurrencyPolicy.FORBID && period !== undefined
        ? Duration.seconds(Math.max(1, Math.floor(period * DEFAULT_ACTIVE_DEADLINE_SHARE)))
        : undefined);
    // No TTL unless asked: the history limits keep the last runs (a TTL would delete a failed run before anyone looks).
    const spec = this.jobSpec({ ...props, activeDeadline: this.activeDeadline }, undefined);
    this.cronJob = modelObject(
      this,
      'Resource',
      () =>
        new CronJob({
          metadata: this.objectMetadata,
          spec: {
            schedule: props.schedule.trim(),
            ...(props.timeZone ? { timeZone: props.timeZone } : {}),
            concurrencyPolicy: this.concurrencyPolicy,
            startingDeadlineSeconds: deadline,
            successfulJobsHistoryLimit: props.successfulJobsHistoryLimit ?? 3,
            failedJobsHistoryLimit: props.failedJobsHistoryLimit ?? 1,
            suspend: props.suspend ?? false,
            jobTemplate: { metadata: { labels: this.objectLabels }, spec: spec() },
          },
        }),
    );
  }

  protected override validateProps(props: ScheduledJobProps, problems: IssueSink): void {
    super.validateProps(props, problems);
    problems.addAll(derivedNameIssue('CronJob', 'name', this.name));
    const schedule = cronScheduleIssue(props.schedule);
    if (schedule) problems.add(schedule);
    if (props.timeZone !== undefined) {
      const tz = timeZoneError(props.timeZone);
      if (tz)
        problems.add({
          code: 'TIMEZONE_INVALID',
          field: 'timeZone',
          value: props.timeZone,
          message: tz,
          fix: TIMEZONE_FIX,
        });
    }
    for (const f of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit'] as const)
      problems.addAll(integerIssue('JOB_INVALID', f, props[f], { min: 0 }, 'keep a few for debugging, e.g. 3'));
    const deadline = props.startingDeadline === undefined ? undefined : Math.ceil(secondsOf(props.startingDeadline));
    const deadlineOk = problems.check(deadline !== undefined && deadline < 10, {
      code: 'JOB_INVALID',
      field: 'startingDeadline',
      value: deadline,
      message: 'is under 10 seconds; the controller checks every 10 s and would skip every run',
      fix: 'use at least Duration.seconds(10)',
    });
    // startingDeadlineSeconds is an int64.
    if (deadlineOk)
      problems.addAll(
        integerIssue('JOB_INVALID', 'startingDeadline', deadline, { min: 10, max: INT64_MAX_SAFE }, 'use e.g. Duration.minutes(5)'),
      );
  }

  /** With `Allow`, two runs may overlap: counted as two for the quota. */
  public override get maxPods(): number {
    return super.maxPods * (this.concurrencyPolicy === ConcurrencyPolicy.ALLOW ? 2 : 1);
  }
}
