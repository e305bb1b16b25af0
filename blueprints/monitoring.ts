import { ipVersion, unusableAddressReason } from '../constructs/networking/ip-address';
import { ApiObject, Duration } from 'cdk8s';
// The generated Kube* classes alone: cdk8s-plus-28's index also loads all its constructs (about 100 ms of every import).
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
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
  PriorityClass,
  Protocol,
  ResourcesProps,
  SCRAPE_LABEL,
  ServiceAccount,
  Storage,
  StorageClass,
  TeamNamespace,
  allowOutOf,
  componentLabels,
  computeToManifest,
  exemptRuntimePodsPolicy,
  resolveCompute,
} from '../constructs';
import { PrometheusSizing, prometheusStorage } from './prometheus-sizing';
import { enter, is } from '../constructs/core/shape';
import { COMPUTE_SHAPE } from '../constructs/core/resources';
import { claimStorageClassIssue, claimStorageClassNameIssue, storageClassNameOf } from '../constructs/storage/claim-storage-class';
import { integerIssue } from '../constructs/core/value-issues';
import { BlueprintError, IssueInput } from '../constructs/core/errors';
import { secondsOf } from '../constructs/core/duration';
import { isPortNumber } from '../constructs/core/ports';
import { scrapeIntervalIssue } from '../constructs/monitoring/metrics-monitor';
import { operatorPods } from '../constructs/rules/manifest-index';
import { KUBELET_PORT, SCRAPE_CONFIGS_KEY, scrapeConfigs } from '../constructs/rules/scrape-configs';
import { PROMETHEUS_RELOADER } from '../constructs/rules/node-fit';

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
  /**
   * Expected scrape targets (sizes storage). Count each node once more: its kubelet's cAdvisor, which this blueprint
   * scrapes itself, adds two series per container (fewer than `seriesPerTarget` unless a node runs over 350 containers).
   */
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
   * @default - the namespace's `defaultStorageClass`; without one, the cluster default,
   *   refused (STORAGE_CLASS_UNDECLARED) when the environment declares its `existingStorageClasses`
   */
  readonly storageClass?: StorageClass | string;
  /**
   * The recording rules, in place of the default ones. Whatever the rules, the kubelets' cAdvisor is scraped (the
   * `kubelet-cadvisor` job: namespace usage needs it) and keeps only `container_cpu_usage_seconds_total` and
   * `container_memory_working_set_bytes` of containers, so that the storage sizing holds: a rule over another
   * cAdvisor series finds none.
   * @default - CPU and memory per namespace (`namespace:container_cpu_usage_seconds:sum_rate`,
   *   `namespace:container_memory_working_set_bytes:sum`)
   */
  readonly recordingRules?: readonly RecordingRule[];
  /** Other Prometheus servers to federate (`host:port`): their `namespace:*` series. @default - none */
  readonly federate?: readonly string[];
  /**
   * Verify the kubelets' serving certificates against the cluster CA (the pod's `ca.crt`) when scraping cAdvisor.
   * Only clusters whose kubelets have their serving certificate signed by the cluster CA (kubelet `serverTLSBootstrap`
   * with its CSRs approved) pass; a kubelet's default certificate is self-signed, and verifying it fails every scrape.
   * Unverified, the pod's ServiceAccount token goes to whatever answers at a node's address (the addresses come from
   * the API server), as kube-prometheus and kube-prometheus-stack scrape the kubelet by default.
   * @default false
   * @see https://kubernetes.io/docs/reference/access-authn-authz/kubelet-tls-bootstrapping/#certificate-rotation
   */
  readonly verifyKubeletCertificates?: boolean;
  /** @default 500m/2Gi guaranteed */
  readonly resources?: ResourcesProps;
  /** @default 'prom/prometheus:v2.54.1' */
  readonly image?: string;
  /**
   * Priority of the Prometheus pods (ClusterPlatform gives its `platform-critical` class), so
   * that monitoring is not what the scheduler preempts under pressure.
   * @default - the output's globalDefault PriorityClass, named (else none: the cluster's default applies)
   */
  readonly priorityClass?: PriorityClass;
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

/** Why kube-linter's dangling-networkpolicy does not apply to the policies selecting the Prometheus pods. */
const OPERATOR_PODS = 'selects the Prometheus pods, which prometheus-operator creates from the Prometheus resource at runtime';

/** Prometheus `model.IsValidMetricName` (the legacy scheme, Prometheus 2.x): what a recording rule's `record` must be. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const CLOSING: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/**
 * Why `expr` is certainly not PromQL, or undefined. Without a PromQL parser this
 * judges only what no parse could accept: a blank expression (rulefmt: "field
 * 'expr' must be set"), a string left open, or brackets that do not pair up.
 * Strings ('…', "…" with backslash escapes, `…` raw) and # comments are skipped.
 */
function promqlSyntaxProblem(expr: string): string | undefined {
  if (expr.trim() === '') return 'is empty';
  const open: string[] = [];
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += c !== '`' && expr[j] === '\\' ? 2 : 1;
      if (j >= expr.length) return `leaves the string opened by ${c} at character ${i + 1} unterminated`;
      i = j;
    } else if (c in CLOSING) {
      open.push(c);
    } else if (c === ')' || c === ']' || c === '}') {
      const last = open.pop();
      if (last === undefined) return `closes ${c} at character ${i + 1} that was never opened`;
      if (CLOSING[last] !== c) return `closes ${last} with ${c} at character ${i + 1}`;
    }
  }
  return open.length ? `leaves ${open.join(' ')} unclosed` : undefined;
}

/** A host name or IPv4 address (letters, digits, '-' and '_' in dot-separated parts). */
const HOST = /^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?)*$/;

/** A static scrape target taken apart: its host (brackets removed) and port. */
interface ScrapeTarget {
  readonly host: string;
  /** The port Prometheus connects to: the given one, else the http scheme's 80 (what Prometheus 2 adds). */
  readonly port: number;
}

/**
 * `target` taken apart, or why it is not a static scrape target: `host` or
 * `host:port` (a DNS name, an IPv4 address or a bracketed IPv6 address;
 * Prometheus 2 adds the scheme's port when none is given). A '/' makes
 * Prometheus refuse the whole configuration (config.CheckTargetAddress: a
 * target is not a URL); the rest would fail every scrape of the target.
 */
function parseScrapeTarget(target: string): ScrapeTarget | string {
  if (target === '') return 'is empty';
  if (target.includes('/')) return "holds a '/': a target is host:port, not a URL, and Prometheus refuses the configuration";
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:]*))(?::(\d+))?$/.exec(target);
  const host = m && (m[1] ?? m[2]);
  // A fully qualified name may end in a dot (Go's resolver takes it as given).
  if (!m || !host || (m[2] !== undefined && !HOST.test(host.replace(/\.$/, ''))) || (m[1] !== undefined && ipVersion(m[1]) !== 6))
    return 'is not host or host:port (a DNS name, an IPv4 address or a bracketed IPv6 address)';
  const unusable = ipVersion(host) === 0 ? undefined : unusableAddressReason(host);
  if (unusable) return `names ${host}, which ${unusable}`;
  const port = m[3] === undefined ? 80 : Number(m[3]);
  if (!isPortNumber(port)) return 'has a port outside 1-65535';
  return { host, port };
}

/** A Service's name inside the cluster (`<service>.<namespace>.svc`, optionally `.cluster.local`), any case. */
const IN_CLUSTER_SERVICE = /\.svc(\.cluster\.local)?$/i;

/**
 * The egress the federation needs in the monitoring namespace's default deny:
 * for each port, the addresses of the targets on it. A DNS name's addresses
 * are unknown at synth time (and may change), so it is any address of either
 * family on that port only, as `ExternalService.fromHostName` opens; an IP
 * address is itself. A Service name of the cluster needs nothing: its pods are
 * in some namespace, which the scrape path to every namespace admits already.
 */
function federationPeers(targets: readonly ScrapeTarget[]): Peer[] {
  const byPort = new Map<number, Set<string>>();
  for (const { host, port } of targets) {
    if (IN_CLUSTER_SERVICE.test(host)) continue;
    const family = ipVersion(host);
    const cidrs = family === 0 ? ['0.0.0.0/0', '::/0'] : [`${host.toLowerCase()}/${family === 4 ? 32 : 128}`];
    const set = byPort.get(port) ?? new Set<string>();
    for (const c of cidrs) set.add(c);
    byPort.set(port, set);
  }
  return [...byPort].map(([port, cidrs]) => {
    // Any address covers every single one.
    const blocks = cidrs.has('0.0.0.0/0') ? ['0.0.0.0/0', '::/0'] : [...cidrs];
    return Peer.external(`federate-${port}`, blocks, [{ port, protocol: Protocol.TCP }]);
  });
}

/**
 * `ms` as a Prometheus duration (`model.Duration`: h, m, s, ms parts, largest
 * first): whole hours stay `<n>h`, anything finer keeps its minutes, seconds
 * and milliseconds instead of rounding to hours (a 20-minute retention used to
 * become `0h`, which with a size limit means keep everything).
 */
function prometheusDuration(ms: number): string {
  const parts: [number, string][] = [
    [Math.floor(ms / 3_600_000), 'h'],
    [Math.floor(ms / 60_000) % 60, 'm'],
    [Math.floor(ms / 1000) % 60, 's'],
    [ms % 1000, 'ms'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}

/** The issues of the Prometheus configuration props: recording rules and federation targets, one per bad entry. */
function configIssues(props: MonitoringProps): IssueInput[] {
  const out: IssueInput[] = [];
  for (const [i, rule] of (props.recordingRules ?? []).entries()) {
    if (!METRIC_NAME.test(rule.record))
      out.push({
        code: 'METRICS_INVALID',
        field: `recordingRules[${i}].record`,
        value: rule.record,
        message: 'is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*): Prometheus refuses the rule group',
        fix: "use level:metric:operations, e.g. 'namespace:http_requests:rate5m'",
      });
    const why = promqlSyntaxProblem(rule.expr);
    if (why)
      out.push({
        code: 'METRICS_INVALID',
        field: `recordingRules[${i}].expr`,
        value: rule.expr,
        message: `${why}: it is not a PromQL expression, and Prometheus refuses the rule group`,
        fix: "give the query, e.g. 'sum by (namespace) (rate(http_requests_total[5m]))'",
      });
  }
  for (const [i, target] of (props.federate ?? []).entries()) {
    const why = parseScrapeTarget(target);
    if (typeof why === 'string')
      out.push({
        code: 'METRICS_INVALID',
        field: `federate[${i}]`,
        value: target,
        message: why,
        fix: "give the other Prometheus as host:port, e.g. 'prometheus.eu.example.com:9090'",
      });
  }
  return out;
}

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
    verifyKubeletCertificates: is.boolean,
    // Read as requests and limits below: a Proxy or getter that throws is refused here, not there.
    resources: is.props<ResourcesProps>({ requests: COMPUTE_SHAPE, limits: COMPUTE_SHAPE }),
    image: is.string,
    priorityClass: is.instance(PriorityClass),
  },
  ['namespace', 'targets'],
);

/**
 * Prometheus run by prometheus-operator: a `Prometheus` resource selecting
 * every ServiceMonitor and PodMonitor labelled `SCRAPE_LABEL` (what
 * `Workload.exposeMetrics` makes) in any namespace, the kubelets' cAdvisor (the
 * containers' CPU and memory the default recording rules read, by its own
 * scrape job), recording rules in a `PrometheusRule`, retention and a claim sized from the inputs by
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
    const { problems, props: own } = enter(scope, id, props, 'Monitoring', MONITORING_SHAPE);
    props = own; // the entry's frozen snapshot: the caller's object is not read again
    super(scope, id);
    const ns = props.namespace;
    this.namespace = ns.name;
    this.replicas = props.replicas ?? 1;
    problems.addAll(
      integerIssue('REPLICAS_INVALID', 'replicas', this.replicas, { min: 1 }, 'use 1, or 2 for a second full copy'),
      claimStorageClassNameIssue('storageClass', props.storageClass),
    );
    const storageClass = props.storageClass ?? ns.defaultStorageClass;
    const resources: ResourcesProps = props.resources ?? DEFAULTS.resources;
    this.limits = resolveCompute(problems, 'resources.limits', resources.limits);
    // Kubernetes copies a set limit into a missing request.
    this.requests = resolveCompute(problems, 'resources.requests', resources.requests ?? resources.limits);
    const scrapeInterval = props.scrapeInterval ?? DEFAULTS.scrapeInterval;
    const retention = props.retention ?? DEFAULTS.retention;
    const retentionMs = secondsOf(retention) * 1000;
    problems.addAll(scrapeIntervalIssue('scrapeInterval', props.scrapeInterval), ...configIssues(props));
    // Prometheus durations have millisecond resolution (and cdk8s throws a plain Error for a fraction of its unit).
    problems.check(!(Number.isSafeInteger(retentionMs) && retentionMs >= 1), {
      code: 'METRICS_INVALID',
      field: 'retention',
      value: `${retentionMs}ms`,
      message: 'must be a positive whole number of milliseconds',
      fix: 'use e.g. Duration.days(15)',
    });
    // The sizing's issues (targets, seriesPerTarget) come with this construct's fields and path; a duration
    // already refused above is not reported twice.
    let sizing: PrometheusSizing | undefined;
    try {
      sizing = prometheusStorage({
        targets: props.targets,
        seriesPerTarget: props.seriesPerTarget ?? DEFAULTS.seriesPerTarget,
        scrapeInterval,
        retention,
      });
    } catch (e) {
      if (!(e instanceof BlueprintError)) throw e;
      const reported = new Set(problems.issues.map((i) => i.field));
      for (const issue of e.issues) if (!reported.has(issue.field)) problems.add({ ...issue, path: undefined, construct: undefined });
    }
    problems.throwIfAny();
    this.sizing = sizing!;
    this.podSelector = { [Labels.NAME]: 'prometheus', [Labels.INSTANCE]: this.name };
    const interval = `${secondsOf(scrapeInterval)}s`;
    const labels = componentLabels({ name: this.name, component: 'monitoring' });
    const selectByLabel = { matchLabels: { [SCRAPE_LABEL]: 'true' } };

    const account = new ServiceAccount(this, 'ServiceAccount', { namespace: ns.name, name: this.name, mountToken: true });
    // Service discovery of the targets in every namespace and of the nodes; the kubelets' metrics (the kubelet
    // authorizes /metrics/* as nodes/metrics; never nodes/proxy, which reaches exec and logs through the kubelet).
    account.grantClusterWide([
      { apiGroups: [''], resources: ['nodes', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
    ]);

    // Required here, not imported: the operator's schemas (and re2-wasm, which they load) cost about 150 ms of every import of the library.
    const { PrometheusRule } =
      require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule') as typeof import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule');
    const { Prometheus } =
      require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus') as typeof import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/Prometheus');
    this.rules = new ApiObject(
      this,
      'Rules',
      new PrometheusRule({
        metadata: { name: `${this.name}-recording`, namespace: ns.name, labels: { ...labels, [SCRAPE_LABEL]: 'true' } },
        spec: { groups: [{ name: 'recording', rules: (props.recordingRules ?? DEFAULTS.rules).map((r) => ({ ...r })) }] },
      }).toJSON() as any,
    );

    // The kubelets' cAdvisor (node discovery) and the federation (`match[]` parameters) are raw scrape jobs, which no monitor
    // of operator 0.65.1 (the oldest the library supports) can give, and additionalScrapeConfigs reads them only from a
    // Secret: SECRET_VALUE_IN_OUTPUT knows it by its content (see scrape-configs.ts).
    const scrapeJobs = new k8s.KubeSecret(this, 'ScrapeConfigs', {
      metadata: { name: `${this.name}-scrape-configs`, namespace: ns.name, labels },
      stringData: {
        [SCRAPE_CONFIGS_KEY]: scrapeConfigs({
          verifyKubeletCertificates: props.verifyKubeletCertificates ?? false,
          federate: props.federate ?? [],
        }),
      },
    });

    const image = props.image ?? DEFAULTS.image;
    const priorityClass = props.priorityClass ?? PriorityClass.globalDefaultOf(this);
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
          // Without a class of its own, the output's globalDefault one by name, as a Workload's pods carry it (the operator
          // copies priorityClassName to the pods; their priority is the same, now stated).
          ...(priorityClass ? { priorityClassName: priorityClass.name } : {}),
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
          // Team editors write ServiceMonitors: a bearerTokenFile or tlsConfig file there would make Prometheus send
          // files of its own container (its ServiceAccount token) to a target the team runs. Secret references stay.
          arbitraryFSAccessThroughSMs: { deny: true },
          podMonitorSelector: selectByLabel,
          podMonitorNamespaceSelector: {},
          ruleSelector: selectByLabel,
          retention: prometheusDuration(retentionMs),
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
                ...(storageClass === undefined ? {} : { storageClassName: storageClassNameOf(storageClass) }),
                resources: { requests: { storage: this.sizing.claim.toString() } },
              },
            },
          },
          additionalScrapeConfigs: { name: scrapeJobs.name, key: SCRAPE_CONFIGS_KEY },
        },
      }).toJSON() as any,
    );

    // Node drains take one Prometheus pod at a time.
    new PodDisruptionBudget(this, 'DisruptionBudget', { namespace: ns.name, name: this.name, selector: this.podSelector });
    ns.addQuotaConsumer(this);
    addCheck(this, 'Monitoring', () => claimStorageClassIssue(this, 'storageClass', storageClass));
    // Scrape every namespace; the API server for discovery; the kubelets, whose addresses (the nodes') are unknown at synth
    // like the API server's: any address of either family, on the kubelet's port only; the other Prometheus servers, whose
    // federation scrape the namespace's default deny would otherwise drop (the job permanently down).
    this.allowTo(Peer.allNamespaces());
    this.allowTo(Peer.kubeApiServer());
    this.allowTo(Peer.external('kubelet', ['0.0.0.0/0', '::/0'], [{ port: KUBELET_PORT, protocol: Protocol.TCP }]));
    for (const peer of federationPeers((props.federate ?? []).map((t) => parseScrapeTarget(t) as ScrapeTarget))) this.allowTo(peer);
    // Every NetworkPolicy of this construct (the paths above, and those others open to or from it later) selects the
    // Prometheus pods, which the operator creates: no pod template in the output matches, so kube-linter's
    // dangling-networkpolicy and kube-score's networkpolicy-targets-pod would always fire (the namespace's own
    // namespace-wide policies are the TeamNamespace's to exempt, while no pod template of the output is there).
    // Annotated once the tree is complete, as a node validation (cdk8s has no aspects: every synth path runs them
    // before serializing).
    // No kube-linter check judges a PDB by the pods it matches (pdb-min-available and pdb-max-unavailable compare only
    // with the DeploymentLikes that match it).
    this.node.addValidation({
      validate: () => {
        for (const child of this.node.children)
          if (child instanceof ApiObject && child.kind === 'NetworkPolicy') exemptRuntimePodsPolicy(child, OPERATOR_PODS);
        return [];
      },
    });
  }

  /**
   * The scraper as a network peer (the Prometheus server's pods, by the labels
   * the operator gives them), for `exposeMetrics({ scrapedBy })` in namespaces
   * that do not admit it already.
   */
  public get scraper(): Peer {
    return Peer.namespace(this.namespace, this.podSelector);
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
    const reloader = { cpu: Cpu.of(PROMETHEUS_RELOADER.cpu), memory: Memory.of(PROMETHEUS_RELOADER.memory) };
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
    // The pods carry podMetadata's labels and the operator's own (as the rules read them).
    const pods = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Prometheus',
      metadata: { name: this.name },
      spec: { podMetadata: { labels: this.podSelector } },
    };
    return backUpOnce(this, 'Monitoring', 'Prometheus', policy, () => operatorPods(pods)?.labels ?? this.podSelector);
  }

  /** One claim per replica. */
  public claimUsage(): { count: number; storage: Storage } {
    return { count: this.replicas, storage: this.sizing.claim.times(this.replicas) };
  }
}
