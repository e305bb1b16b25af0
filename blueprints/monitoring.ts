import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import { Prometheus } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import {
  Annotations,
  BackupPolicy,
  BackupSchedule,
  backUpOnce,
  Cpu,
  INetworkEndpoint,
  NodeLabels,
  addCheck,
  IQuotaConsumer,
  IntentResult,
  Labels,
  Memory,
  NetworkPort,
  Peer,
  PodDisruptionBudget,
  PodResources,
  ResourcesProps,
  SCRAPE_LABEL,
  ServiceAccount,
  Storage,
  StorageClass,
  TeamNamespace,
  allowOutOf,
  componentLabels,
  computeToManifest,
  resolveCompute,
} from '../constructs';
import { PrometheusSizing, prometheusStorage } from './prometheus-sizing';
import { enter, is } from '../constructs/core/shape';
import { claimStorageClassIssue, claimStorageClassNameIssue, storageClassNameOf } from '../constructs/storage/claim-storage-class';
import { integerIssue } from '../constructs/core/value-issues';

/** A recording rule: an expensive dashboard query precomputed. */
export interface RecordingRule {
  /** `level:metric:operations`, e.g. `namespace:container_cpu_usage_seconds:sum_rate`. */
  readonly record: string;
  readonly expr: string;
}

/** Props of `Monitoring`. */
export interface MonitoringProps {
  /** The monitoring namespace. */
  readonly namespace: TeamNamespace;
  /** Expected scrape targets (sizes storage). */
  readonly targets: number;
  /** Active series per target. @default 700 */
  readonly seriesPerTarget?: number;
  /** @default Duration.seconds(30) */
  readonly scrapeInterval?: Duration;
  /** @default Duration.days(15) */
  readonly retention?: Duration;
  /** Replicas (each keeps a full copy). @default 1 */
  readonly replicas?: number;
  /**
   * The claim's class: a StorageClass of the output, or the name of one the cluster has.
   * @default - the cluster default; refused (STORAGE_CLASS_UNDECLARED) when the environment
   *   declares its `existingStorageClasses`
   */
  readonly storageClass?: StorageClass | string;
  /** Extra recording rules. @default - CPU and memory per namespace */
  readonly recordingRules?: readonly RecordingRule[];
  /** Other Prometheus servers to federate (`host:port`). @default - none */
  readonly federate?: readonly string[];
  /** @default 500m/2Gi guaranteed */
  readonly resources?: ResourcesProps;
  /** @default 'prom/prometheus:v2.54.1' */
  readonly image?: string;
}

const DEFAULTS = {
  name: 'prometheus',
  image: 'prom/prometheus:v2.54.1',
  seriesPerTarget: 700,
  scrapeInterval: Duration.seconds(30),
  retention: Duration.days(15),
  // The image's own user (nobody); fsGroup makes the claim writable to it.
  uid: 65534,
  resources: { limits: { cpu: '500m', memory: '2Gi' } },
  // What prometheus-operator gives the config-reloader sidecar unless its flags say otherwise.
  reloader: { cpu: '10m', memory: '50Mi' },
  rules: [
    {
      record: 'namespace:container_cpu_usage_seconds:sum_rate',
      expr: 'sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=""}[5m]))',
    },
    {
      record: 'namespace:container_memory_working_set_bytes:sum',
      expr: 'sum by (namespace) (container_memory_working_set_bytes{container!=""})',
    },
  ],
} as const;

/** The shape of the props (checked at entry). */
const MONITORING_SHAPE = is.props<MonitoringProps>(
  {
    namespace: is.instance(TeamNamespace),
    targets: is.number,
    seriesPerTarget: is.number,
    scrapeInterval: is.instance(Duration),
    retention: is.instance(Duration),
    replicas: is.number,
    storageClass: is.either(is.instance(StorageClass), is.string),
    recordingRules: is.list(is.props<RecordingRule>({ record: is.string, expr: is.string }, ['record', 'expr'])),
    federate: is.list(is.string),
    resources: is.any,
    image: is.string,
  },
  ['namespace', 'targets'],
);

/**
 * Prometheus run by prometheus-operator: a `Prometheus` resource selecting
 * every ServiceMonitor and PodMonitor labelled `SCRAPE_LABEL` (what
 * `Workload.exposeMetrics` makes) in any namespace, recording rules in a
 * `PrometheusRule`, retention and a claim sized from the inputs by
 * `prometheusStorage`, and a ServiceAccount that may read the targets of
 * every namespace. The operator writes the StatefulSet; this construct counts
 * its pods against the namespace quota and opens their network paths.
 */
export class Monitoring extends Construct implements INetworkEndpoint, IQuotaConsumer {
  public readonly name: string = DEFAULTS.name;
  public readonly namespace: string;
  /** The `Prometheus` custom resource. */
  public readonly prometheus: ApiObject;
  /** The recording rules. */
  public readonly rules: ApiObject;
  public readonly sizing: PrometheusSizing;
  public readonly replicas: number;
  /** Labels of the pods the operator creates (its own selector labels). */
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly listenPorts: readonly NetworkPort[] = [{ port: 9090 }];
  private readonly requests: ReturnType<typeof resolveCompute>;
  private readonly limits: ReturnType<typeof resolveCompute>;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    const problems = enter(scope, id, props, 'Monitoring', MONITORING_SHAPE);
    super(scope, id);
    const ns = props.namespace;
    this.namespace = ns.name;
    this.replicas = props.replicas ?? 1;
    problems.addAll(
      integerIssue('REPLICAS_INVALID', 'replicas', this.replicas, { min: 1 }, 'use 1, or 2 for a second full copy'),
      claimStorageClassNameIssue('storageClass', props.storageClass),
    );
    const resources: ResourcesProps = props.resources ?? DEFAULTS.resources;
    this.limits = resolveCompute(problems, 'resources.limits', resources.limits);
    // Kubernetes copies a set limit into a missing request.
    this.requests = resolveCompute(problems, 'resources.requests', resources.requests ?? resources.limits);
    problems.throwIfAny();
    const scrapeInterval = props.scrapeInterval ?? DEFAULTS.scrapeInterval;
    const retention = props.retention ?? DEFAULTS.retention;
    this.sizing = prometheusStorage({
      targets: props.targets,
      seriesPerTarget: props.seriesPerTarget ?? DEFAULTS.seriesPerTarget,
      scrapeInterval,
      retention,
    });
    this.podSelector = { [Labels.NAME]: 'prometheus', [Labels.INSTANCE]: this.name };
    const interval = `${scrapeInterval.toSeconds()}s`;
    const labels = componentLabels({ name: this.name, component: 'monitoring' });
    const selectByLabel = { matchLabels: { [SCRAPE_LABEL]: 'true' } };

    const account = new ServiceAccount(this, 'ServiceAccount', { namespace: ns.name, name: this.name, mountToken: true });
    // Service discovery of the targets in every namespace.
    account.grantClusterWide([
      { apiGroups: [''], resources: ['nodes', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);

    this.rules = new ApiObject(
      this,
      'Rules',
      new PrometheusRule({
        metadata: { name: `${this.name}-recording`, namespace: ns.name, labels: { ...labels, [SCRAPE_LABEL]: 'true' } },
        spec: { groups: [{ name: 'recording', rules: (props.recordingRules ?? DEFAULTS.rules).map((r) => ({ ...r })) }] },
      }).toJSON() as any,
    );

    // Federation needs `match[]` query parameters, which only a raw scrape configuration can give (ScrapeConfig has no params).
    const federation = props.federate?.length
      ? new k8s.KubeSecret(this, 'Federation', {
          metadata: { name: `${this.name}-federation`, namespace: ns.name, labels },
          stringData: {
            'federate.yml': stringify([
              {
                job_name: 'federate',
                honor_labels: true,
                metrics_path: '/federate',
                params: { 'match[]': ['{__name__=~"namespace:.*"}'] },
                static_configs: [{ targets: [...props.federate] }],
              },
            ]),
          },
        })
      : undefined;

    const image = props.image ?? DEFAULTS.image;
    const version = /:(v\d+\.\d+\.\d+)$/.exec(image)?.[1];
    this.prometheus = new ApiObject(
      this,
      'Resource',
      new Prometheus({
        // Its claims hold the samples: deploy tools keep it (Pulumi retain + protect, Argo CD no prune).
        metadata: { name: this.name, namespace: ns.name, labels, annotations: { [Annotations.RETAIN]: 'true' } },
        spec: {
          replicas: this.replicas,
          // The pods' labels, stated rather than left to the operator's defaults: the PDB and the
          // NetworkPolicies of this namespace select the pods by them.
          podMetadata: { labels: { ...this.podSelector } },
          // The operator sets no affinity of its own: two full copies on one node would fall together.
          ...(this.replicas >= 2
            ? {
                affinity: {
                  podAntiAffinity: {
                    preferredDuringSchedulingIgnoredDuringExecution: [
                      {
                        weight: 100,
                        podAffinityTerm: { labelSelector: { matchLabels: { ...this.podSelector } }, topologyKey: NodeLabels.HOSTNAME },
                      },
                    ],
                  },
                },
              }
            : {}),
          image,
          ...(version ? { version } : {}),
          serviceAccountName: account.name,
          scrapeInterval: interval,
          evaluationInterval: interval,
          serviceMonitorSelector: selectByLabel,
          serviceMonitorNamespaceSelector: {},
          podMonitorSelector: selectByLabel,
          podMonitorNamespaceSelector: {},
          ruleSelector: selectByLabel,
          retention: `${Math.round(retention.toMilliseconds() / 3_600_000)}h`,
          retentionSize: this.sizing.retentionSize,
          resources: { requests: computeToManifest(this.requests), limits: computeToManifest(this.limits) },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: DEFAULTS.uid,
            runAsGroup: DEFAULTS.uid,
            fsGroup: DEFAULTS.uid,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          storage: {
            volumeClaimTemplate: {
              spec: {
                accessModes: ['ReadWriteOnce'],
                ...(props.storageClass === undefined ? {} : { storageClassName: storageClassNameOf(props.storageClass) }),
                resources: { requests: { storage: this.sizing.claim.toString() } },
              },
            },
          },
          ...(federation ? { additionalScrapeConfigs: { name: federation.name, key: 'federate.yml' } } : {}),
        },
      }).toJSON() as any,
    );

    // Node drains take one Prometheus pod at a time.
    new PodDisruptionBudget(this, 'DisruptionBudget', { namespace: ns.name, name: this.name, selector: this.podSelector });
    ns.addQuotaConsumer(this);
    const storageClass = props.storageClass;
    addCheck(this, 'Monitoring', () => claimStorageClassIssue(this, 'storageClass', storageClass));
    // Scrape every namespace; the API server for discovery.
    this.allowTo(Peer.allNamespaces());
    this.allowTo(Peer.kubeApiServer());
  }

  /**
   * The scraper as a network peer (every pod of the monitoring namespace), for
   * `exposeMetrics({ scrapedBy })` in namespaces that do not admit it already.
   */
  public get scraper(): Peer {
    return Peer.namespace(this.namespace);
  }

  /** Opens the path `this → peer`. */
  public allowTo(peer: Peer | INetworkEndpoint, ports?: readonly NetworkPort[]): IntentResult {
    return allowOutOf(this, peer, ports);
  }

  public get maxPods(): number {
    return this.replicas;
  }

  /** One Prometheus pod: the server plus the operator's config-reloader sidecar. */
  public podResources(): PodResources {
    const reloader = { cpu: Cpu.of(DEFAULTS.reloader.cpu), memory: Memory.of(DEFAULTS.reloader.memory) };
    const plus = (r: ReturnType<typeof resolveCompute>) => ({
      cpu: (r.cpu ?? Cpu.ZERO).plus(reloader.cpu),
      memory: (r.memory ?? Memory.ZERO).plus(reloader.memory),
    });
    return { requests: plus(this.requests), limits: plus(this.limits) };
  }

  /**
   * Backs up the monitoring namespace (the samples' claims) with a Velero
   * Schedule named `<namespace>-prometheus`, as `StatefulService.backUp` does.
   * @returns the BackupSchedule (construct id `Backup`)
   */
  public backUp(policy: BackupPolicy = {}): BackupSchedule {
    return backUpOnce(this, 'Monitoring', 'Prometheus', policy);
  }

  /** One claim per replica. */
  public claimUsage(): { count: number; storage: Storage } {
    return { count: this.replicas, storage: this.sizing.claim.times(this.replicas) };
  }
}
