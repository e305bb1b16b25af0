import { repeatIssues } from '../core/value-issues';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Schedule } from '../../imports/velero.io';
import { Problems } from '../core/errors';
import { Annotations, Labels, componentLabels } from '../core/metadata';
import { addCheck } from '../core/checks';
import { NamedObject } from '../core/named-object';
import { NameRule, checkedName, dns1123LabelOf, isDns1123Subdomain, nameIssue, selectorLabelIssues } from '../core/names';
import { TeamNamespace } from '../namespace/team-namespace';
import { namespaceName } from '../namespace/namespace-name';
import { cronScheduleIssue } from '../workloads/cron-schedule';
import { PropsFields, checkArgs, is } from '../core/shape';
import { MAX_GO_DURATION_NANOS, secondsOf } from '../core/duration';
import { VELERO_NAMESPACE } from '../rules/day2';

/** How a data holder is backed up: what `StatefulService.backUp()` takes. */
export interface BackupPolicy {
  /** When backups run: a five-field cron schedule in UTC (Velero parses it like the CronJob controller). @default '0 3 * * *' */
  readonly schedule?: string;
  /**
   * How long each backup is kept before Velero deletes it (`ttl`); whole minutes, at least one hour.
   * @default Duration.days(30)
   */
  readonly retention?: Duration;
  /** Only objects carrying these labels (`labelSelector.matchLabels`). @default - every object of the namespaces */
  readonly selector?: Readonly<Record<string, string>>;
  /** Snapshot the PersistentVolumes of the backed-up claims (`snapshotVolumes`). @default true */
  readonly snapshotVolumes?: boolean;
  /** Copy every pod volume's files instead of snapshotting (`defaultVolumesToFsBackup`), for storage without snapshots. @default false */
  readonly fileSystemBackup?: boolean;
  /** BackupStorageLocation to store backups in (`storageLocation`). @default - Velero's default location */
  readonly storageLocation?: string;
  /** Namespace Velero runs in; Schedules only work there. @default 'velero' */
  readonly veleroNamespace?: string;
}

/** Props of a `BackupSchedule`. @see https://velero.io/docs/main/api-types/schedule/ */
export interface BackupScheduleProps extends BackupPolicy {
  /** Namespaces whose objects and volumes are backed up (`includedNamespaces`); at least one. */
  readonly namespaces: readonly (TeamNamespace | string)[];
  /**
   * Schedule name: a DNS-1123 subdomain of at most 63 characters, since Velero
   * copies it into the label `velero.io/schedule-name` of every Backup it creates.
   * @default - the construct id
   */
  readonly name?: string;
}

const DEFAULTS = { schedule: '0 3 * * *', retentionHours: 30 * 24, veleroNamespace: VELERO_NAMESPACE } as const;

/** The longest Schedule name: Velero copies it into a label value of every Backup. */
const MAX_SCHEDULE_NAME = 63;

/** The longest retention, in whole days, that a Go duration holds (106,751). */
const MAX_RETENTION_DAYS = Number(MAX_GO_DURATION_NANOS / 86_400_000_000_000n);

/** Velero's `ttl` is a Go duration: `720h0m0s`. */
function goDuration(minutes: number): string {
  return `${Math.floor(minutes / 60)}h${minutes % 60}m0s`;
}

/** The shapes of a backup policy's fields, the schedule's props but the namespaces and name. */
const BACKUP_POLICY_FIELDS: PropsFields<BackupPolicy> = {
  schedule: is.string,
  retention: is.instance(Duration),
  selector: is.map(is.string),
  snapshotVolumes: is.boolean,
  fileSystemBackup: is.boolean,
  storageLocation: is.string,
  veleroNamespace: is.string,
};

/** The shape of the props (checked at entry). */
const BACKUP_SCHEDULE_SHAPE = is.props<BackupScheduleProps>(
  {
    namespaces: is.list(is.either(is.instance(TeamNamespace), is.string)),
    name: is.string,
    ...BACKUP_POLICY_FIELDS,
  },
  ['namespaces'],
);

/** The policy of `backUp()`, checked before it is spread into the schedule's props (a throwing Proxy threw there). */
const BACKUP_POLICY_SHAPE = is.props<BackupPolicy>(BACKUP_POLICY_FIELDS);

/**
 * A Velero `Schedule` (velero.io/v1, typed from Velero's CRD through `cdk8s
 * import`): periodic backups of the objects and volumes of some namespaces,
 * each kept for `retention`. Data-holding workloads declare one with
 * `StatefulService.backUp()`.
 *
 * @example
 * new BackupSchedule(chart, 'ledger-backup', { namespaces: [payments], schedule: '0 2 * * *', retention: Duration.days(14) });
 */
export class BackupSchedule extends NamedObject<BackupScheduleProps> {
  /** The Velero namespace the Schedule lives in. */
  public readonly namespace: string;
  /** Namespaces it backs up. */
  public readonly includedNamespaces: readonly string[];
  public readonly schedule: string;
  /** Retention in whole minutes. */
  public readonly retentionMinutes: number;
  public readonly apiObject: Schedule;

  constructor(scope: Construct, id: string, props: BackupScheduleProps) {
    super(scope, id, props, 'BackupSchedule', BACKUP_SCHEDULE_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const { problems } = this;
    // Velero's FromSchedule labels every Backup 'velero.io/schedule-name: <name>' (and we label it with the name too):
    // a label value is at most 63 characters (apimachinery IsValidLabelValue), so a longer name makes every Backup refused.
    problems.check(isDns1123Subdomain(this.name) && this.name.length > MAX_SCHEDULE_NAME, {
      code: 'NAME_INVALID',
      field: 'name',
      value: this.name,
      message: `is longer than ${MAX_SCHEDULE_NAME} characters: Velero labels every Backup 'velero.io/schedule-name: <name>', a label value, and the API server would refuse each Backup while the Schedule looks fine`,
      fix: `use a name of at most ${MAX_SCHEDULE_NAME} characters`,
    });
    this.namespace = checkedName(problems, NameRule.DNS1123_LABEL, props.veleroNamespace ?? DEFAULTS.veleroNamespace, 'veleroNamespace');
    // Velero hands the schedule to robfig/cron as written, which refuses a leading space before a macro ('  @daily').
    this.schedule = (props.schedule ?? DEFAULTS.schedule).trim();
    problems.addAll(
      cronScheduleIssue(this.schedule),
      props.storageLocation === undefined ? undefined : nameIssue(NameRule.DNS1123_SUBDOMAIN, 'storageLocation', props.storageLocation),
    );
    this.includedNamespaces = props.namespaces.map(namespaceName);
    problems.check(this.includedNamespaces.length === 0, {
      code: 'BACKUP_NAMESPACES_INVALID',
      field: 'namespaces',
      value: [],
      message: 'is empty: Velero would back up every namespace of the cluster',
      fix: 'name the namespaces that hold the data',
    });
    this.includedNamespaces.forEach((n, i) => problems.addAll(nameIssue(NameRule.DNS1123_LABEL, `namespaces[${i}]`, n)));
    const twice = { code: 'BACKUP_NAMESPACES_INVALID', message: 'is listed twice', fix: 'list each namespace once' };
    for (const issue of repeatIssues(this.includedNamespaces, 'namespaces', twice)) problems.add(issue);
    const ms = (props.retention ? secondsOf(props.retention) * 1000 : undefined) ?? DEFAULTS.retentionHours * 3_600_000;
    this.retentionMinutes = ms / 60_000;
    problems.check(!Number.isSafeInteger(this.retentionMinutes) || this.retentionMinutes < 60, {
      code: 'BACKUP_RETENTION_INVALID',
      field: 'retention',
      value: `${ms / 1000}s`,
      message: 'must be whole minutes and at least one hour: a shorter TTL deletes backups before anyone could restore them',
      fix: 'use e.g. Duration.days(30)',
    });
    // Velero decodes ttl with Go's time.ParseDuration: beyond an int64 of nanoseconds the Schedule cannot be read at all.
    problems.check(Number.isSafeInteger(this.retentionMinutes) && BigInt(this.retentionMinutes) * 60_000_000_000n > MAX_GO_DURATION_NANOS, {
      code: 'BACKUP_RETENTION_INVALID',
      field: 'retention',
      value: `${ms / 1000}s`,
      message: `is longer than a Go duration holds (${MAX_RETENTION_DAYS} days): Velero could not decode the Schedule's ttl`,
      fix: 'keep backups for a time a Go duration can say, e.g. Duration.days(3650)',
    });
    problems.addAll(
      ...selectorLabelIssues('selector', props.selector, {
        code: 'BACKUP_SELECTOR_INVALID',
        fix: "select by the workload's labels, e.g. { 'app.kubernetes.io/instance': 'ledger' }",
      }),
    );
    problems.throwIfAny();

    this.apiObject = new Schedule(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: componentLabels({ name: this.name, component: 'backup' }),
        // Velero's install owns its namespace: a prerequisite of the cluster, not an object of ours.
        annotations: { [Annotations.NAMESPACE_INSTALLED_BY]: 'velero' },
      },
      spec: {
        schedule: this.schedule,
        useOwnerReferencesInBackup: false,
        template: {
          includedNamespaces: [...this.includedNamespaces],
          ttl: goDuration(this.retentionMinutes),
          snapshotVolumes: props.snapshotVolumes ?? true,
          defaultVolumesToFsBackup: props.fileSystemBackup ?? false,
          ...(props.storageLocation ? { storageLocation: props.storageLocation } : {}),
          ...(props.selector ? { labelSelector: { matchLabels: { ...props.selector } } } : {}),
          metadata: { labels: { 'cluster-blueprints.io/backup-schedule': this.name } },
        },
      },
    });
  }
}

/**
 * The `backUp()` of a construct that holds data: a Schedule of its namespace
 * named `<namespace>-<name>` (past 63 characters, shortened with a hash of
 * it, `dns1123LabelOf`), construct id `Backup`, one per holder
 * (BACKUP_DUPLICATE on a second call, naming `holder` as `construct`).
 * A `selector` must select the holder's pods, labelled `podLabels()` (BACKUP_SELECTOR_INVALID at
 * synth, when the pod labels are final): Velero matches each object's own
 * labels, and a selected pod brings the claims it mounts (their labels are
 * the pods' selector labels, a subset of the pods' labels), so a selector the
 * pods do not carry backs up none of the holder's data.
 */
export function backUpOnce(
  holder: Construct & { readonly namespace: string; readonly name: string },
  construct: string,
  what: string,
  policy: BackupPolicy,
  podLabels: () => Readonly<Record<string, string>>,
): BackupSchedule {
  checkArgs(`${construct}.backUp`, ['policy', policy, BACKUP_POLICY_SHAPE]);
  const problems = new Problems(holder, construct);
  problems.check(holder.node.tryFindChild('Backup') !== undefined, {
    code: 'BACKUP_DUPLICATE',
    field: 'backUp',
    value: `${holder.namespace}/${holder.name}`,
    message: `is called twice: ${what} already has a backup schedule`,
    fix: 'call backUp() once, with the policy you want',
  });
  problems.throwIfAny();
  const schedule = new BackupSchedule(holder, 'Backup', {
    ...policy,
    name: dns1123LabelOf(`${holder.namespace}-${holder.name}`),
    namespaces: [holder.namespace],
  });
  const selector = policy.selector;
  if (selector !== undefined)
    addCheck(holder, construct, () => {
      const labels = podLabels();
      const missing = Object.entries(selector).filter(([k, v]) => labels[k] !== v);
      if (missing.length === 0) return [];
      return [
        {
          code: 'BACKUP_SELECTOR_INVALID',
          field: 'backUp.selector',
          value: { ...selector },
          message: `selects no pod of ${what} (they lack ${missing.map(([k, v]) => `${k}=${v}`).join(', ')}): Velero matches each object's own labels, so the Schedule would back up none of its claims or volumes`,
          fix: `select by labels the pods carry, e.g. { '${Labels.INSTANCE}': '${labels[Labels.INSTANCE] ?? holder.name}' }, or leave selector out to back up the whole namespace`,
        },
      ];
    });
  return schedule;
}
