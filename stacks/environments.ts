import { App, Duration } from 'cdk8s';
import { Cassandra, ClusterPlatform, ExternalDatabase, HelloworldDb, HpaExample, RandomGenerator, ReverseProxy } from '../blueprints';
import {
  ArgoApplication,
  BackupPolicy,
  BatchJob,
  BlueprintChart,
  BlueprintError,
  ComputeResources,
  ConfigMap,
  EnvValue,
  ServiceType,
  ExternalService,
  JobPattern,
  NodeAgent,
  Peer,
  PodSecurityLevel,
  PriorityClass,
  Probe,
  QuotaLimits,
  QuotaPreset,
  ResourcePreset,
  ScheduledJob,
  SecretBackend,
  SecretBackendKind,
  SecretDeclaration,
  ServiceAccount,
  setClusterFacts,
  StatefulService,
  TeamAccessProps,
  TeamNamespace,
  VerticalAutoscaler,
  Volume,
  WebService,
  Worker,
} from '../constructs';

/** Everything that differs between environments. */
export interface EnvironmentConfig {
  readonly name: string;
  /** Replicas of fixed-size services (1 where a dev cluster allows). */
  readonly replicas: number;
  /** HPA ceiling of autoscaled services. */
  readonly maxReplicas: number;
  /** Quota of the application teams. */
  readonly teamQuota: QuotaPreset | QuotaLimits;
  /** Quota of the scenario namespaces. */
  readonly scenarioQuota: QuotaPreset | QuotaLimits;
  /** Allocatable CPU/memory of one node. @default - unknown: NODE_TOO_SMALL and the node plan are skipped */
  readonly nodeAllocatable?: ComputeResources;
  /** Nodes in the cluster (node agents run one pod on each). */
  readonly expectedNodes: number;
  /** Zones storage may be created in; set, it also makes spreading strict. @default - any zone, spread ScheduleAnyway */
  readonly zones?: readonly string[];
  readonly host: string;
  readonly monitoringTargets: number;
  readonly monitoringReplicas: number;
  readonly cassandraReplicas: number;
  readonly access: Readonly<Record<string, TeamAccessProps>>;
  /** Git repository Argo CD syncs the environment from; `path` defaults to `dist/<name>`. */
  readonly gitops: { readonly repoUrl: string; readonly revision?: string; readonly path?: string };
  /**
   * Velero backups of every data holder in the cluster (the ledger and MySQL unless managed,
   * Cassandra, random-generator's claims, Prometheus): the platform's `backups`.
   * @default - in production, the platform's default policy (daily at 03:00 UTC, kept 30 days); otherwise none
   */
  readonly backups?: BackupPolicy;
  /** Production: serving workloads keep two pods or more (HA_SINGLE_REPLICA). @default false */
  readonly production?: boolean;
  /** The External Secrets Operator store (AWS Secrets Manager) every declared Secret is read from. */
  readonly secretStore: { readonly name: string; readonly awsRegion: string };
  /**
   * Managed, replicated databases (RDS, Cloud SQL…) by host name, used instead of the
   * in-cluster single-pod StatefulServices: the apps reach each through an ExternalName
   * Service, and its provider replicates and backs it up (no Velero backup here). The
   * credentials Secrets stay: the apps still need the passwords.
   * @default - both databases run in the cluster
   */
  readonly managedDatabases?: ManagedDatabases;
  /**
   * Where the log shipper (Fluent Bit on every node) sends the cluster's container logs:
   * an aggregator the environment runs outside the cluster. Required: a shipper with
   * nowhere to send would read every node's logs for nothing.
   */
  readonly logSink: LogSink;
}

/**
 * A log aggregator speaking Fluent Bit's `forward` protocol (Fluentd's `in_forward`, a Fluent
 * Bit `forward` input, Vector's `fluent` source…), outside the cluster.
 */
export interface LogSink {
  /** DNS name of the aggregator, e.g. `logs.example.internal`. */
  readonly hostName: string;
  /** Its forward port. @default 24224 */
  readonly port?: number;
  /**
   * Encrypt with TLS: SNI set to `hostName`, and the aggregator's certificate verified, its
   * chain against `caCertificate` (else the image's CA bundle) and its name against `hostName`.
   * @default true
   */
  readonly tls?: boolean;
  /**
   * PEM of the CA that signs the aggregator's certificate, for a sink with a private CA (public
   * CAs do not certify internal names such as `*.internal`). Public data: it goes into a
   * ConfigMap, mounted for Fluent Bit's `tls.ca_file`.
   * @default - the image's CA bundle (a publicly certified sink)
   */
  readonly caCertificate?: string;
}

/** Host names of the managed databases an environment uses (each one set replaces its in-cluster StatefulService). */
export interface ManagedDatabases {
  /** The payments ledger (PostgreSQL, 5432), still reached as `ledger.payments.svc`. @default - in the cluster */
  readonly ledger?: string;
  /** helloworld-db's MySQL (3306), reached as `database.helloworld-db.svc`. @default - in the cluster */
  readonly helloworldDb?: string;
}

const manifests = 'https://github.com/acme/cluster-manifests.git';
const access = { payments: { edit: ['payments-devs'], view: ['sre'] }, catalog: { edit: ['catalog-devs'], view: ['sre'] } };

/** What every environment has in common; each one below states how it differs. */
const common = {
  cassandraReplicas: 3,
  access,
  gitops: { repoUrl: manifests },
  secretStore: { name: 'aws-secrets-manager', awsRegion: 'eu-west-1' },
} satisfies Partial<EnvironmentConfig>;

export const dev: EnvironmentConfig = {
  ...common,
  name: 'dev',
  replicas: 1,
  logSink: { hostName: 'logs.dev.example.com' },
  maxReplicas: 4,
  teamQuota: QuotaPreset.SMALL,
  scenarioQuota: QuotaPreset.MEDIUM,
  expectedNodes: 3,
  host: 'dev.shop.example.com',
  monitoringTargets: 50,
  monitoringReplicas: 1,
};

export const staging: EnvironmentConfig = {
  ...common,
  name: 'staging',
  replicas: 2,
  logSink: { hostName: 'logs.staging.example.com' },
  maxReplicas: 6,
  teamQuota: QuotaPreset.MEDIUM,
  scenarioQuota: QuotaPreset.MEDIUM,
  expectedNodes: 4,
  host: 'staging.shop.example.com',
  monitoringTargets: 200,
  monitoringReplicas: 1,
  nodeAllocatable: { cpu: '3920m', memory: '14Gi' },
};

export const prod: EnvironmentConfig = {
  ...common,
  name: 'prod',
  replicas: 3,
  logSink: { hostName: 'logs.prod.example.com' },
  maxReplicas: 20,
  teamQuota: QuotaPreset.LARGE,
  scenarioQuota: QuotaPreset.LARGE,
  expectedNodes: 6,
  host: 'shop.example.com',
  monitoringTargets: 1700,
  monitoringReplicas: 2,
  production: true,
  zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  nodeAllocatable: { cpu: '7910m', memory: '29Gi' },
  // Auditors may read prod as well.
  access: {
    payments: { edit: ['payments-devs'], view: ['sre', 'auditors'] },
    catalog: { edit: ['catalog-devs'], view: ['sre', 'auditors'] },
  },
  // Prod syncs from the production branch, promoted by merge; nightly backups kept 30 days.
  gitops: { repoUrl: manifests, revision: 'production' },
  backups: { schedule: '0 2 * * *', retention: Duration.days(30) },
  // No single-pod database serves prod: the ledger and MySQL are managed (multi-AZ, backed up by their provider).
  managedDatabases: { ledger: 'ledger.payments.db.example.internal', helloworldDb: 'mysql.helloworld-db.db.example.internal' },
};

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = { dev, staging, prod };

/** Looks up an environment by name; unknown names fail with the list of known ones. */
export function environment(name: string): EnvironmentConfig {
  const env = ENVIRONMENTS[name];
  if (!env) {
    throw new BlueprintError({
      code: 'ENVIRONMENT_UNKNOWN',
      path: '',
      field: 'env',
      value: name,
      message: 'is not a known environment',
      fix: `use one of ${Object.keys(ENVIRONMENTS).join(', ')}`,
    });
  }
  return env;
}

/** Where Fluent Bit keeps its state on the node (the tail offsets), and where its config is mounted. */
const FLUENT_BIT = {
  image: 'fluent/fluent-bit:3.1.4',
  stateDir: '/var/lib/fluent-bit',
  configDir: '/fluent-bit/etc/conf',
  caDir: '/fluent-bit/etc/sink-ca',
  httpPort: 2020,
  forwardPort: 24224,
} as const;

/**
 * Fluent Bit on every node: tails the container logs, adds each record's pod metadata from the
 * API server, and forwards them to the environment's `logSink`. Every path it uses is declared:
 * the sink as an ExternalService with its egress policy, the API server through its token, and the
 * scrape port for the monitoring namespace.
 */
function addLogShipper(agents: TeamNamespace, config: EnvironmentConfig, scraper: Peer, priorityClass: PriorityClass): NodeAgent {
  // The DaemonSet, its container, ConfigMap and ServiceAccount share the name; the pods are `<name>-<suffix>`.
  const name = 'log-shipper';
  const sinkPort = config.logSink.port ?? FLUENT_BIT.forwardPort;
  const tls = config.logSink.tls ?? true;
  // The sink as a cluster-local name (a CNAME to the aggregator) that the output names, and the one egress path it opens.
  const sink = ExternalService.fromHostName(agents, 'log-sink', {
    namespace: agents.name,
    hostName: config.logSink.hostName,
    ports: [{ name: 'forward', port: sinkPort }],
  });
  // A private CA's certificate (public data) as a file the output reads.
  const caConfig =
    tls && config.logSink.caCertificate !== undefined
      ? new ConfigMap(agents, 'log-sink-ca', { namespace: agents, name: 'log-sink-ca', files: { 'ca.crt': config.logSink.caCertificate } })
      : undefined;
  const section = (name: string, entries: Record<string, string | number>) =>
    [`[${name}]`, ...Object.entries(entries).map(([k, v]) => `    ${k.padEnd(20)}${v}`)].join('\n');
  const pipeline = [
    section('SERVICE', {
      Flush: 5,
      Daemon: 'Off',
      Log_Level: 'info',
      // The image's parsers (dockerfiles/Dockerfile copies conf/parsers.conf to /fluent-bit/etc), for K8S-Logging.Parser.
      Parsers_File: '/fluent-bit/etc/parsers.conf',
      HTTP_Server: 'On',
      HTTP_Listen: '0.0.0.0',
      HTTP_Port: FLUENT_BIT.httpPort,
      // Registers /api/v1/health: 500 once an output's errors or exhausted retries pass 5 in 60 s. A sink that is only
      // away is retried without end (Retry_Limit False), which it does not count: fluentbit_output_retries_total shows it.
      Health_Check: 'On',
    }),
    section('INPUT', {
      Name: 'tail',
      Tag: 'kube.*',
      // Symlinks into /var/log/pods, under the same read-only mount.
      Path: '/var/log/containers/*.log',
      // Its own logs (<pod>_<namespace>_<container>-<id>.log): shipping them would feed back every error it logs about the sink.
      Exclude_Path: `/var/log/containers/${name}-*_${agents.name}_${name}-*.log`,
      'multiline.parser': 'docker, cri',
      // Offsets on the node: a replaced pod (a rollout, an eviction) resumes where the last one stopped, neither losing nor resending lines.
      DB: `${FLUENT_BIT.stateDir}/tail-containers.db`,
      'DB.locking': 'true',
      // Stops reading (the files stay on the node) rather than buffering without bound while the sink is away.
      Mem_Buf_Limit: '5MB',
      Skip_Long_Lines: 'On',
      Refresh_Interval: 10,
    }),
    // Pod, namespace and labels of each record, read from the API server with the pod's token (Kube_URL's default, kubernetes.default.svc).
    section('FILTER', {
      Name: 'kubernetes',
      Match: 'kube.*',
      Merge_Log: 'On',
      Keep_Log: 'Off',
      'K8S-Logging.Parser': 'On',
      'K8S-Logging.Exclude': 'On',
    }),
    section('OUTPUT', {
      Name: 'forward',
      Match: '*',
      Host: sink.dnsName,
      Port: sinkPort,
      // tls.verify checks the chain only; tls.verify_hostname (Off by default since 3.0.x) checks the name as well.
      ...(tls
        ? {
            tls: 'On',
            'tls.verify': 'On',
            'tls.verify_hostname': 'On',
            // The name the certificate covers, not the cluster-local alias it connects to: SNI and verify_hostname use it.
            'tls.vhost': sink.tlsServerName!,
            ...(caConfig ? { 'tls.ca_file': `${FLUENT_BIT.caDir}/ca.crt` } : {}),
          }
        : {}),
      // Retried until the sink answers: Mem_Buf_Limit bounds what waits in memory meanwhile.
      Retry_Limit: 'False',
    }),
  ].join('\n\n');
  const pipelineConfig = new ConfigMap(agents, `${name}-config`, {
    namespace: agents,
    name,
    files: { 'fluent-bit.conf': `${pipeline}\n` },
  });
  const account = new ServiceAccount(agents, `${name}-account`, { namespace: agents.name, name });
  // What the kubernetes filter reads: the pods of every namespace, and their namespaces' labels.
  account.grantClusterWide([{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }]);
  const shipper = new NodeAgent(agents, name, {
    namespace: agents,
    image: FLUENT_BIT.image,
    // The image's binary (its ENTRYPOINT) on the mounted config; the image's own /fluent-bit/etc (parsers) stays visible.
    command: ['/fluent-bit/bin/fluent-bit', '-c', `${FLUENT_BIT.configDir}/fluent-bit.conf`],
    ports: [{ name: 'http', port: FLUENT_BIT.httpPort }],
    mounts: [
      { volume: Volume.fromConfigMap(pipelineConfig, 'config'), path: FLUENT_BIT.configDir },
      ...(caConfig ? [{ volume: Volume.fromConfigMap(caConfig, 'sink-ca'), path: FLUENT_BIT.caDir }] : []),
    ],
    // Ready once its pipeline runs and its outputs do not fail outright; a sink that is away is retried, not a reason to be
    // unready (the PodMonitor's fluentbit_output_retries_total shows it). Alive while it answers at all.
    readiness: Probe.http('/api/v1/health', 'http', { periodSeconds: 10 }),
    liveness: Probe.http('/api/v1/uptime', 'http', { periodSeconds: 20 }),
    resources: ResourcePreset.MICRO,
    tolerateControlPlane: true,
    serviceAccount: account,
    // The kubernetes filter calls the API server; mounting the token also opens the namespace's egress to it.
    mountServiceAccountToken: true,
    // Root, for the two node paths only: the container logs under /var/log/pods are root's (0640), and the state
    // directory is root's on the node. The image is distroless without a USER, so root is also what it runs as upstream.
    securityProfile: { runAsRoot: true },
    hostPaths: [
      { name: 'varlog', hostPath: '/var/log' },
      { name: 'state', hostPath: FLUENT_BIT.stateDir, readOnly: false },
    ],
    expectedNodes: config.expectedNodes,
    // Above every workload (high, standard): the scheduler places those first, and on a node they fill (most often a new
    // one) a shipper at the default priority would stay Pending and that node's logs go unshipped. The platform's own
    // class, not system-node-critical, which clusters that limit the system classes admit outside kube-system only
    // under a quota selecting it.
    priorityClass,
  });
  sink.allowFrom(shipper);
  // Its namespace does not admit the monitoring namespace, so open the metrics port.
  shipper.exposeMetrics({ port: 'http', path: '/api/v1/metrics/prometheus', scrapedBy: scraper });
  return shipper;
}

/**
 * Builds the cdk8s app of one environment: the platform (cluster, monitoring,
 * one chart per team), the teams' applications, node agents, and one chart
 * per scenario of the notes.
 */
export function buildEnvironment(
  config: EnvironmentConfig,
  outdir?: string,
  secrets: SecretBackendKind = SecretBackendKind.EXTERNAL_SECRETS,
): App {
  const app = new App({ outdir });
  // Every declared Secret is provided by the External Secrets Operator from the platform's store,
  // or, under Pulumi (`secrets` DEPLOY_TOOL), created by the program from secret stack config.
  const externalSecrets = secrets === SecretBackendKind.EXTERNAL_SECRETS;
  SecretBackend.use(app, externalSecrets ? SecretBackend.externalSecrets({ store: config.secretStore.name }) : SecretBackend.deployTool());
  // Every claim names a StorageClass of the platform (none is assumed to exist in the cluster), and every container is probed.
  setClusterFacts(app, { production: config.production ?? false, existingStorageClasses: [], requireProbes: true });
  // Two pods of everything that serves in production; dev and staging may keep one.
  const serving = config.production ? Math.max(config.replicas, 2) : config.replicas;
  const platform = new ClusterPlatform(app, 'platform', {
    environment: config.name,
    // The same as the app's facts above (which the node agents and scenarios read): the platform refuses a mismatch.
    production: config.production ?? false,
    nodeAllocatable: config.nodeAllocatable,
    zones: config.zones,
    host: config.host,
    monitoringTargets: config.monitoringTargets,
    monitoringReplicas: config.monitoringReplicas,
    secretStore: externalSecrets ? config.secretStore : undefined,
    certificateIssuer: { name: 'letsencrypt', email: 'platform@shop.example.com' },
    // The platform backs up Prometheus; the holders below take the same policy.
    backups: config.backups,
    teams: [
      // Its one data holder, the ledger, has its own Schedule below (or its provider's backups, when managed): not a second one.
      { name: 'payments', quota: config.teamQuota, access: config.access.payments, holdsData: true, backUp: false },
      { name: 'catalog', quota: config.teamQuota, access: config.access.catalog },
    ],
  });
  const payments = platform.team('payments');
  const catalog = platform.team('catalog');
  const spreadStrictly = config.zones !== undefined;

  // An autoscaled API and a fixed-size storefront calling it across namespaces.
  const api = new WebService(payments, 'api', {
    namespace: payments,
    image: 'ghcr.io/acme/payments-api:2.3.1',
    ports: [{ name: 'http', port: 8080 }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
    autoscaling: { minReplicas: 2, maxReplicas: config.maxReplicas, cpuUtilization: 70 },
    readiness: Probe.http('/readyz', 'http'),
    liveness: Probe.http('/livez', 'http', { periodSeconds: 20 }),
    terminationGracePeriod: Duration.seconds(30),
    priorityClass: platform.priorities.high,
    placement: { spread: { strict: spreadStrictly } },
  });
  const shop = new WebService(catalog, 'storefront', {
    namespace: catalog,
    image: 'ghcr.io/acme/storefront:5.0.4',
    ports: [{ name: 'http', port: 3000 }],
    resources: ResourcePreset.SMALL,
    replicas: config.replicas,
    readiness: Probe.http('/healthz', 'http'),
    liveness: Probe.http('/livez', 'http', { periodSeconds: 20 }),
    priorityClass: platform.priorities.high,
    placement: { spread: { strict: spreadStrictly } },
  });
  const indexer = new Worker(catalog, 'indexer', {
    namespace: catalog,
    image: 'ghcr.io/acme/indexer:1.9.0',
    replicas: config.production ? serving : 1,
    resources: ResourcePreset.MICRO,
    // The indexer answers health checks on its own port; it serves no Service.
    ports: [{ name: 'health', port: 8081 }],
    readiness: Probe.http('/readyz', 'health'),
    liveness: Probe.http('/livez', 'health', { periodSeconds: 20 }),
  });
  api.allowFrom(shop);
  indexer.allowTo(api);
  platform.route({ path: '/product', backend: shop });

  // State and the outside world: a ledger database, two external mappings, batch work.
  const ledgerCredentials = new SecretDeclaration(payments, 'ledger-credentials', {
    namespace: payments,
    keys: ['password'],
    configKeys: { password: 'ledgerPassword' },
  });
  // The ledger is a managed database where the environment names one, else a single Postgres pod in the cluster.
  const managedLedger = config.managedDatabases?.ledger;
  const pgIsReady = ['pg_isready', '-U', 'postgres', '-h', '127.0.0.1', '-p', '5432'];
  const ledger = managedLedger
    ? ExternalService.fromHostName(payments, 'ledger', {
        namespace: payments.name,
        hostName: managedLedger,
        ports: [{ name: 'pg', port: 5432 }],
      })
    : new StatefulService(payments, 'ledger', {
        namespace: payments,
        image: 'postgres:16.4',
        replicas: 1,
        ports: [{ name: 'pg', port: 5432 }],
        resources: ResourcePreset.SMALL,
        writablePaths: ['/tmp', '/var/run/postgresql'],
        readiness: Probe.tcp('pg', { periodSeconds: 5 }),
        // As postgres: the pod's uid 10001 has no passwd entry, so without -U libpq has no user name and pg_isready
        // exits 3 ('no attempt') without trying, and the kubelet would restart a healthy server every minute.
        liveness: Probe.exec(pgIsReady, { periodSeconds: 20, timeoutSeconds: 5 }),
        // The same check, given 5 minutes before liveness applies: the image's init server listens on the socket
        // only (listen_addresses='') and crash recovery rejects connections, so a longer initdb or recovery
        // would otherwise be killed after 60 s, again and again.
        startup: Probe.exec(pgIsReady, { failureThreshold: 30 }),
        singletonReason:
          'Postgres without replication: a second pod would be a second, diverging database; HA needs a replicating operator (e.g. CloudNativePG)',
        env: {
          PGDATA: '/var/lib/postgresql/data/pgdata',
          POSTGRES_PASSWORD: EnvValue.fromSecret(ledgerCredentials, 'password'),
        },
        claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '5Gi', storageClass: platform.storage.data }],
        // The api connects through a ClusterIP Service (ready pods only), not the headless one, which
        // publishes pods before they are ready.
        clientService: true,
      });
  // The api is the ledger's client: the managed database's ExternalName Service, or the in-cluster client Service.
  const ledgerHost = ledger instanceof ExternalService ? ledger.dnsName : ledger.clientDnsName;
  api.addEnv({ LEDGER_HOST: ledgerHost, LEDGER_PASSWORD: EnvValue.fromSecret(ledgerCredentials, 'password') });
  if (ledger instanceof ExternalService) {
    ledger.allowFrom(api);
  } else {
    api.allowTo(ledger);
    new VerticalAutoscaler(payments, 'ledger-vpa', { target: ledger });
  }
  const processor = ExternalService.fromHostName(payments, 'card-processor', {
    namespace: payments.name,
    hostName: 'api.processor.example.com',
    ports: [{ name: 'https', port: 443 }],
  });
  processor.allowFrom(api);
  const mainframe = ExternalService.fromAddresses(catalog, 'inventory-mainframe', {
    namespace: catalog.name,
    addresses: ['203.0.113.20'],
    ports: [{ name: 'db2', port: 50000, targetPort: 50001 }],
  });
  mainframe.allowFrom(indexer);
  new BatchJob(catalog, 'reindex', {
    namespace: catalog,
    image: 'ghcr.io/acme/indexer:1.9.0',
    args: ['--full'],
    resources: ResourcePreset.MICRO,
    pattern: JobPattern.fixedCompletions(3, 1),
    priorityClass: platform.priorities.batch,
  });
  new ScheduledJob(payments, 'settlement', {
    namespace: payments,
    image: 'ghcr.io/acme/settlement:0.8.0',
    schedule: '0 2 * * *',
    timeZone: 'Etc/UTC',
    resources: ResourcePreset.MICRO,
    priorityClass: platform.priorities.batch,
  });

  // Node agents need hostPath, which only the privileged level admits: a namespace of their own.
  const agentsChart = new BlueprintChart(app, 'node-agents', {
    owner: 'platform',
    partOf: `platform-${config.name}`,
    nodeAllocatable: config.nodeAllocatable,
  });
  const agents = new TeamNamespace(agentsChart, 'node-agents', {
    quota: QuotaPreset.SMALL,
    // View only: a group that could create pods in a privileged namespace would be root on every node
    // (ACCESS_PRIVILEGED_NAMESPACE); the agents change through the deploy pipeline.
    access: { view: ['sre'] },
    podSecurity: { enforce: PodSecurityLevel.PRIVILEGED, warn: PodSecurityLevel.RESTRICTED, audit: PodSecurityLevel.RESTRICTED },
  });
  addLogShipper(agents, config, platform.monitoring.scraper, platform.priorities.critical);

  // The scenarios of the notes, each in its own governed namespace.
  const scenario = (name: string, holdsData = false, quota: QuotaPreset | QuotaLimits = config.scenarioQuota) => {
    const chart = new BlueprintChart(app, `scenario-${name}`, {
      owner: name,
      partOf: `platform-${config.name}`,
      nodeAllocatable: config.nodeAllocatable,
    });
    const ns = new TeamNamespace(chart, name, { quota, holdsData });
    ns.allowFromNamespace(platform.monitoring.namespace, platform.monitoring.podSelector);
    return ns;
  };
  // helloworld-db is reached through a cloud load balancer as in the notes: one LB, and the node port it allocates.
  const scenarioLimits = config.scenarioQuota instanceof QuotaPreset ? config.scenarioQuota.limits : config.scenarioQuota;
  const helloNs = scenario('helloworld-db', true, { ...scenarioLimits, servicesLoadBalancers: 1, servicesNodePorts: 1 });
  const managedMysql = config.managedDatabases?.helloworldDb;
  const hello = new HelloworldDb(helloNs, 'HelloworldDb', {
    namespace: helloNs,
    replicas: 3,
    ...(managedMysql ? { managedDatabase: { hostName: managedMysql } } : { storageClass: platform.storage.data }),
    serviceType: ServiceType.LOAD_BALANCER,
  });
  const proxyNs = scenario('reverse-proxy');
  new ReverseProxy(proxyNs, 'ReverseProxy', { namespace: proxyNs, replicas: Math.max(config.replicas, 2) });
  const cassandraNs = scenario('cassandra', true);
  const cassandra = new Cassandra(cassandraNs, 'Cassandra', {
    namespace: cassandraNs,
    replicas: config.cassandraReplicas,
    storageClass: platform.storage.data,
  });
  const hpaNs = scenario('hpa-example');
  new HpaExample(hpaNs, 'HpaExample', { namespace: hpaNs, minReplicas: config.production ? 2 : 1, maxReplicas: 10 });
  const externalNs = scenario('external-database');
  // A shard host, not the Atlas SRV seed name (cluster0.abcde.mongodb.net has SRV and TXT records, no address).
  new ExternalDatabase(externalNs, 'ExternalDatabase', { namespace: externalNs, hostName: 'cluster0-shard-00-00.abcde.mongodb.net' });
  const randomNs = scenario('random-generator', true);
  const random = new RandomGenerator(randomNs, 'RandomGenerator', { namespace: randomNs, storageClass: platform.storage.data });

  const backups = platform.backupPolicy;
  if (backups) {
    // The data holders in the cluster the platform does not back up itself; a managed database is backed up by its provider.
    const holders = [ledger instanceof StatefulService ? ledger : undefined, hello.database, cassandra.cluster, random.stateful];
    for (const holder of holders) holder?.backUp(backups);
  }
  return app;
}

/**
 * Adds the environment's Argo CD Application (chart `argocd`, applied once by
 * hand; from then on Argo CD syncs the rest of `dist/<env>`), which also marks
 * every object with its sync wave (data holders carry `Prune=false` in any app). Only the
 * `cdk8s synth` path calls it: under Pulumi, Argo CD would fight Pulumi for the
 * same objects.
 */
export function addGitOps(app: App, config: EnvironmentConfig): ArgoApplication {
  const chart = new BlueprintChart(app, 'argocd', { owner: 'platform', partOf: `platform-${config.name}` });
  return new ArgoApplication(chart, config.name, { ...config.gitops, path: config.gitops.path ?? `dist/${config.name}` });
}
