import { App, Duration } from 'cdk8s';
import {
  BatchJob, BlueprintChart, BlueprintError, ComputeResources, EnvValue, ExternalService, JobPattern, NodeAgent, Peer, PodSecurityLevel, PodSecurityProps, Probe,
  QuotaLimits, QuotaPreset, ResourcePreset, ScheduledJob, SecretRef, StatefulService, TeamAccessProps, TeamNamespace, VerticalAutoscaler, WebService, Worker,
} from '../constructs';

/** One team of an environment. */
export interface TeamConfig {
  readonly name: string;
  readonly quota: QuotaPreset | QuotaLimits;
  readonly access?: TeamAccessProps;
  readonly holdsData?: boolean;
  readonly podSecurity?: PodSecurityProps;
}

/** Everything that differs between environments. */
export interface EnvironmentConfig {
  readonly name: string;
  readonly teams: readonly TeamConfig[];
  /** Replicas of fixed-size services. */
  readonly replicas: number;
  /** HPA ceiling of autoscaled services. */
  readonly maxReplicas: number;
  /** Allocatable CPU/memory of one node, when known. */
  readonly nodeAllocatable?: ComputeResources;
  /** Nodes in the cluster (node agents run one pod on each). */
  readonly expectedNodes: number;
}

export const dev: EnvironmentConfig = {
  name: 'dev',
  replicas: 1,
  maxReplicas: 4,
  expectedNodes: 3,
  teams: [
    { name: 'payments', quota: QuotaPreset.SMALL, access: { edit: ['payments-devs'], view: ['sre'] }, holdsData: true },
    { name: 'catalog', quota: QuotaPreset.SMALL, access: { edit: ['catalog-devs'], view: ['sre'] } },
    // Node agents need hostPath, which only the privileged level admits: they get a namespace of their own.
    { name: 'node-agents', quota: QuotaPreset.SMALL, access: { admin: ['sre'] }, podSecurity: { enforce: PodSecurityLevel.PRIVILEGED, warn: PodSecurityLevel.RESTRICTED, audit: PodSecurityLevel.RESTRICTED } },
  ],
};

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentConfig>> = { dev };

/** Looks up an environment by name; unknown names fail with the list of known ones. */
export function environment(name: string): EnvironmentConfig {
  const env = ENVIRONMENTS[name];
  if (!env) {
    throw new BlueprintError({ code: 'ENVIRONMENT_UNKNOWN', path: '', field: 'env', value: name, message: 'is not a known environment', fix: `use one of ${Object.keys(ENVIRONMENTS).join(', ')}` });
  }
  return env;
}

/** Builds the cdk8s app of one environment: one chart per team. */
export function buildEnvironment(config: EnvironmentConfig, outdir?: string): App {
  const app = new App({ outdir });
  const teams = new Map<string, TeamNamespace>();
  for (const team of config.teams) {
    const chart = new BlueprintChart(app, `team-${team.name}`, { owner: team.name, partOf: `platform-${config.name}`, nodeAllocatable: config.nodeAllocatable });
    teams.set(team.name, new TeamNamespace(chart, team.name, { quota: team.quota, access: team.access, holdsData: team.holdsData, podSecurity: team.podSecurity }));
  }
  const payments = teams.get('payments');
  const catalog = teams.get('catalog');
  if (payments && catalog) {
    // An autoscaled API and a fixed-size storefront calling it across namespaces.
    const api = new WebService(payments, 'api', {
      namespace: payments, image: 'ghcr.io/acme/payments-api:2.3.1', ports: [{ name: 'http', port: 8080 }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
      autoscaling: { minReplicas: 2, maxReplicas: config.maxReplicas, cpuUtilization: 70 },
      readiness: Probe.http('/readyz', 'http'), liveness: Probe.http('/livez', 'http', { periodSeconds: 20 }),
      terminationGracePeriod: Duration.seconds(30),
    });
    const shop = new WebService(catalog, 'storefront', {
      namespace: catalog, image: 'ghcr.io/acme/storefront:5.0.4', ports: [{ name: 'http', port: 3000 }],
      resources: ResourcePreset.SMALL, replicas: config.replicas,
      readiness: Probe.http('/healthz', 'http'),
    });
    const sync = new Worker(catalog, 'indexer', { namespace: catalog, image: 'ghcr.io/acme/indexer:1.9.0', replicas: 1, resources: ResourcePreset.MICRO });
    api.allowFrom(shop);
    shop.allowFrom(Peer.ingressController('ingress-nginx'));
    sync.allowTo(api);

    // State and the outside world: a ledger database, two external mappings, batch work.
    const ledger = new StatefulService(payments, 'ledger', {
      namespace: payments, image: 'postgres:16.4', replicas: config.replicas, ports: [{ name: 'pg', port: 5432 }],
      resources: ResourcePreset.SMALL, writablePaths: ['/tmp', '/var/run/postgresql'],
      env: { PGDATA: '/var/lib/postgresql/data/pgdata', POSTGRES_PASSWORD: EnvValue.fromSecret(SecretRef.fromName('ledger-credentials'), 'password') },
      claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '5Gi' }],
    });
    api.allowTo(ledger);
    new VerticalAutoscaler(payments, 'ledger-vpa', { target: ledger });
    const psp = ExternalService.fromHostName(payments, 'card-processor', { namespace: payments.name, hostName: 'api.processor.example.com', ports: [{ name: 'https', port: 443 }] });
    psp.allowFrom(api);
    const mainframe = ExternalService.fromAddresses(catalog, 'inventory-mainframe', { namespace: catalog.name, addresses: ['203.0.113.20'], ports: [{ name: 'db2', port: 50000, targetPort: 50001 }] });
    mainframe.allowFrom(sync);
    new BatchJob(catalog, 'reindex', { namespace: catalog, image: 'ghcr.io/acme/indexer:1.9.0', args: ['--full'], resources: ResourcePreset.MICRO, pattern: JobPattern.fixedCompletions(3, 1) });
    new ScheduledJob(payments, 'settlement', { namespace: payments, image: 'ghcr.io/acme/settlement:0.8.0', schedule: '0 2 * * *', timeZone: 'Etc/UTC', resources: ResourcePreset.MICRO });
  }
  const agents = teams.get('node-agents');
  if (agents) {
    new NodeAgent(agents, 'log-shipper', {
      namespace: agents, image: 'fluent/fluent-bit:3.1.4', resources: ResourcePreset.MICRO, tolerateControlPlane: true,
      hostPaths: [{ name: 'varlog', hostPath: '/var/log' }], expectedNodes: config.expectedNodes,
    });
  }
  return app;
}
