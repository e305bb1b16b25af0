import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { ConfigMap, PriorityClass, ResourcePreset, ScheduledJob, ServiceAccount, TeamNamespace, Volume } from '../constructs';
import { enter, is } from '../constructs/core/shape';

/** Props of `Descheduler`. */
export interface DeschedulerProps {
  readonly namespace: TeamNamespace;
  /** @default '*\/15 * * * *' */
  readonly schedule?: string;
  /** Nodes below this % of requests are under-used (LowNodeUtilization). @default 20 */
  readonly underusedPercent?: number;
  /** Nodes above this % are over-used. @default 70 */
  readonly overusedPercent?: number;
  /** @default 'registry.k8s.io/descheduler/descheduler:v0.31.0' */
  readonly image?: string;
  /**
   * Priority of its pods (ClusterPlatform gives its `high` class), so that the run that rebalances
   * a full cluster is not the one left pending; not above the data holders' class, which it could
   * then preempt to start.
   * @default - the output's globalDefault PriorityClass, named (else none: the cluster's default applies)
   */
  readonly priorityClass?: PriorityClass;
}

/** The shape of the props (checked at entry). */
const DESCHEDULER_SHAPE = is.props<DeschedulerProps>(
  {
    namespace: is.instance(TeamNamespace),
    schedule: is.string,
    underusedPercent: is.number,
    overusedPercent: is.number,
    image: is.string,
    priorityClass: is.instance(PriorityClass),
  },
  ['namespace'],
);

/**
 * The descheduler as a CronJob (004): rebalances pods across
 * nodes, with the cluster-wide RBAC it needs and its policy in a ConfigMap.
 * It evicts through the Eviction API, so disruption budgets are honoured.
 */
export class Descheduler extends Construct {
  public readonly job: ScheduledJob;

  constructor(scope: Construct, id: string, props: DeschedulerProps) {
    const { problems, props: own } = enter(scope, id, props, 'Descheduler', DESCHEDULER_SHAPE);
    props = own; // the entry's frozen snapshot: the caller's object is not read again
    super(scope, id);
    const under = props.underusedPercent ?? 20;
    const over = props.overusedPercent ?? 70;
    // descheduler's LowNodeUtilization validation: each threshold within 0–100, the target not below the threshold.
    const isPercent = (value: number) => Number.isFinite(value) && value >= 0 && value <= 100;
    for (const [field, value] of [
      ['underusedPercent', under],
      ['overusedPercent', over],
    ] as const) {
      problems.check(!isPercent(value), {
        code: 'PROPS_INVALID',
        field,
        value,
        message: 'must be a percentage from 0 to 100: the descheduler refuses the policy and every run fails',
        fix: 'give a number from 0 to 100',
      });
    }
    // Only between two percentages: a value refused above needs no second issue.
    problems.check(isPercent(under) && isPercent(over) && under > over, {
      code: 'PROPS_INVALID',
      field: 'underusedPercent',
      value: under,
      message: `is above overusedPercent (${over}): the descheduler refuses the policy`,
      fix: 'keep underusedPercent at or below overusedPercent',
    });
    problems.throwIfAny();
    const ns = props.namespace.name;
    const policy = new ConfigMap(this, 'Policy', {
      namespace: ns,
      name: 'descheduler-policy',
      files: {
        'policy.yaml': stringify({
          apiVersion: 'descheduler/v1alpha2',
          kind: 'DeschedulerPolicy',
          profiles: [
            {
              name: 'default',
              pluginConfig: [
                // evictLocalStoragePods: every pod of this library mounts an emptyDir scratch volume (writablePaths), which
                // the evictor otherwise counts as local storage, so nothing would ever be evicted. Claims stay protected.
                { name: 'DefaultEvictor', args: { evictLocalStoragePods: true, ignorePvcPods: true } },
                { name: 'RemoveDuplicates' },
                // Spreads default to ScheduleAnyway; the plugin only balances DoNotSchedule constraints unless told.
                { name: 'RemovePodsViolatingTopologySpreadConstraint', args: { constraints: ['DoNotSchedule', 'ScheduleAnyway'] } },
                {
                  name: 'LowNodeUtilization',
                  args: {
                    thresholds: { cpu: under, memory: under, pods: 20 },
                    targetThresholds: { cpu: over, memory: over, pods: 70 },
                  },
                },
              ],
              plugins: { balance: { enabled: ['RemoveDuplicates', 'RemovePodsViolatingTopologySpreadConstraint', 'LowNodeUtilization'] } },
            },
          ],
        }),
      },
    });
    const account = new ServiceAccount(this, 'ServiceAccount', { namespace: ns, name: 'descheduler' });
    account.grantClusterWide([
      // What the upstream chart grants: events through events.k8s.io, and watch on everything the informers list.
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'update'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
      { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] },
      { apiGroups: ['scheduling.k8s.io'], resources: ['priorityclasses'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['get', 'list', 'watch'] },
    ]);
    this.job = new ScheduledJob(this, 'Job', {
      namespace: props.namespace,
      name: 'descheduler',
      image: props.image ?? 'registry.k8s.io/descheduler/descheduler:v0.31.0',
      schedule: props.schedule ?? '*/15 * * * *',
      // A run takes seconds to minutes; one that hangs (an API server it cannot reach) would, under Forbid, stop
      // every later run: it fails after 10 minutes, before the next is due. A schedule of one's own gets the
      // ScheduledJob's default, 90% of its shortest period.
      activeDeadline: props.schedule === undefined ? Duration.minutes(10) : undefined,
      // The image's CMD is `/bin/descheduler --help` (no ENTRYPOINT): args alone would replace it and run `--policy-config-file`.
      command: ['/bin/descheduler'],
      args: ['--policy-config-file', '/policy/policy.yaml', '--v', '3'],
      resources: ResourcePreset.SMALL,
      serviceAccount: account,
      mountServiceAccountToken: true,
      priorityClass: props.priorityClass,
      mounts: [{ volume: Volume.fromConfigMap(policy), path: '/policy' }],
    });
    // The job mounts its token in a TeamNamespace, so it has the path to the API server (Peer.kubeApiServer()) already.
  }
}
