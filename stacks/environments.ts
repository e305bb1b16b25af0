import { App, Duration } from 'cdk8s';
import {
  BlueprintChart, BlueprintError, ComputeResources, Peer, Probe, QuotaLimits, QuotaPreset, ResourcePreset, TeamAccessProps, TeamNamespace, WebService, Worker,
} from '../constructs';

/** One team of an environment. */
export interface TeamConfig {
  readonly name: string;
  readonly quota: QuotaPreset | QuotaLimits;
  readonly access?: TeamAccessProps;
  readonly holdsData?: boolean;
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
}

export const dev: EnvironmentConfig = {
  name: 'dev',
  replicas: 1,
  maxReplicas: 4,
  teams: [
    { name: 'payments', quota: QuotaPreset.SMALL, access: { edit: ['payments-devs'], view: ['sre'] } },
    { name: 'catalog', quota: QuotaPreset.SMALL, access: { edit: ['catalog-devs'], view: ['sre'] } },
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
    teams.set(team.name, new TeamNamespace(chart, team.name, { quota: team.quota, access: team.access, holdsData: team.holdsData }));
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
  }
  return app;
}
