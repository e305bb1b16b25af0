import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import {
  ConfigMap,
  Peer,
  Probe,
  ResourcesProps,
  ServiceAccount,
  StatefulService,
  StorageClass,
  TeamNamespace,
  Volume,
} from '../constructs';
import { PrometheusSizing, prometheusStorage } from './prometheus-sizing';

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
  /** @default - the cluster default */
  readonly storageClass?: StorageClass;
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
  image: 'prom/prometheus:v2.54.1',
  seriesPerTarget: 700,
  scrapeInterval: Duration.seconds(30),
  retention: Duration.days(15),
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

/**
 * Prometheus as a StatefulService: scrape configuration (Kubernetes service
 * discovery of annotated pods) and recording rules in a ConfigMap, retention
 * flags, and a claim sized from the inputs by `prometheusStorage`.
 */
export class Monitoring extends Construct {
  public readonly prometheus: StatefulService;
  public readonly sizing: PrometheusSizing;
  public readonly config: ConfigMap;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const ns = props.namespace;
    const scrapeInterval = props.scrapeInterval ?? DEFAULTS.scrapeInterval;
    const retention = props.retention ?? DEFAULTS.retention;
    this.sizing = prometheusStorage({
      targets: props.targets,
      seriesPerTarget: props.seriesPerTarget ?? DEFAULTS.seriesPerTarget,
      scrapeInterval,
      retention,
    });
    const interval = `${scrapeInterval.toSeconds()}s`;
    const scrapeConfigs: unknown[] = [
      {
        job_name: 'kubernetes-pods',
        kubernetes_sd_configs: [{ role: 'pod' }],
        relabel_configs: [
          { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], action: 'keep', regex: 'true' },
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
        ],
      },
      ...(props.federate?.length
        ? [
            {
              job_name: 'federate',
              honor_labels: true,
              metrics_path: '/federate',
              params: { 'match[]': ['{__name__=~"namespace:.*"}'] },
              static_configs: [{ targets: [...props.federate] }],
            },
          ]
        : []),
    ];
    this.config = new ConfigMap(this, 'Config', {
      namespace: ns.name,
      name: 'prometheus-config',
      files: {
        'prometheus.yml': stringify({
          global: { scrape_interval: interval, evaluation_interval: interval },
          rule_files: ['/etc/prometheus/rules.yml'],
          scrape_configs: scrapeConfigs,
        }),
        'rules.yml': stringify({ groups: [{ name: 'recording', rules: [...(props.recordingRules ?? DEFAULTS.rules)] }] }),
      },
    });
    const account = new ServiceAccount(this, 'ServiceAccount', { namespace: ns.name, name: 'prometheus' });
    account.grantClusterWide([
      { apiGroups: [''], resources: ['nodes', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    this.prometheus = new StatefulService(this, 'Prometheus', {
      namespace: ns,
      name: 'prometheus',
      image: props.image ?? DEFAULTS.image,
      replicas: props.replicas ?? 1,
      ports: [{ name: 'web', port: 9090 }],
      args: [
        '--config.file=/etc/prometheus/prometheus.yml',
        '--storage.tsdb.path=/prometheus',
        `--storage.tsdb.retention.time=${Math.round(retention.toMilliseconds() / 3_600_000)}h`,
        `--storage.tsdb.retention.size=${this.sizing.retentionSize}`,
        '--web.enable-lifecycle',
      ],
      resources: props.resources ?? { limits: { cpu: '500m', memory: '2Gi' } },
      readiness: Probe.http('/-/ready', 'web'),
      liveness: Probe.http('/-/healthy', 'web', { periodSeconds: 20 }),
      mounts: [{ volume: Volume.fromConfigMap(this.config), path: '/etc/prometheus' }],
      claims: [{ name: 'data', mountPath: '/prometheus', size: this.sizing.claim, storageClass: props.storageClass }],
      serviceAccount: account,
      mountServiceAccountToken: true,
    });
    // Scrape every namespace; the API server for discovery.
    this.prometheus.allowTo(Peer.allNamespaces());
    this.prometheus.allowTo(Peer.cidr('0.0.0.0/0', [{ port: 443 }, { port: 6443 }]));
  }
}
