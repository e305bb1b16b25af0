import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Duration, Yaml } from 'cdk8s';
import {
  ArgoApplication,
  BackupSchedule,
  BatchJob,
  BlueprintChart,
  BlueprintError,
  ClusterIssuer,
  ClusterSecretStore,
  ConfigMap,
  ENVIRONMENT_LABEL,
  EnvValue,
  ExternalService,
  Hook,
  HpaMetric,
  IngressRoutes,
  LimitRange,
  NodeAgent,
  Peer,
  PersistentVolumeClaim,
  PodSecurityLevel,
  PodDisruptionBudget,
  PriorityClass,
  Probe,
  Qos,
  QuotaPreset,
  QuotaScope,
  RULES,
  Release,
  ResourcePreset,
  ResourceField,
  ResourceQuota,
  RuleContext,
  ScheduledJob,
  SecretBackend,
  SecretDeclaration,
  SecretRef,
  ServiceAccount,
  ServiceType,
  StatefulService,
  StorageClass,
  TREE_RULES,
  TeamNamespace,
  VerticalAutoscaler,
  Volume,
  WebService,
  Worker,
  addCheck,
  renderApp,
  runRules,
  setClusterFacts,
  synthesize,
  validateManifests,
} from '../constructs';
import { podSecurityViolations } from '../constructs/rules/pod-security';
import { checkDirectory } from '../constructs/reports/check';
import { ClusterPlatform, prometheusStorage } from '../blueprints';
import { environment } from '../stacks/environments';
import { run } from '../cli/main';
import { RULE_MUTATIONS, good } from './rules/fixture';
import { VARLOG_AGENT } from './helpers';

// The file system failures below are injected with jest.spyOn on this module object (see spyable-fs.ts).
jest.mock('fs', () => jest.requireActual('./spyable-fs').spyableFs());

/*
 * Every error code the code base declares is raised from real input: a table
 * maps each code to the smallest input that triggers it, run through the real
 * constructs, synth, rules, report or CLI. A code declared without an entry
 * here fails the coverage test, and an entry that no longer triggers its code
 * fails its own test.
 */

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : files(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const root = path.join(__dirname, '..');
/** The codes written in the source (`code: 'X'`, `rule: 'X'`, `add('X'`, `violates('X'`, `integerIssue('X'`…), plus every rule of the catalogue. */
const DECLARED = new Set<string>([...RULES, ...TREE_RULES].map((r) => r.code));
for (const f of ['constructs', 'blueprints', 'stacks', 'cli', 'pulumi', 'testing'].flatMap((d) => files(path.join(root, d))))
  for (const m of fs
    .readFileSync(f, 'utf8')
    .matchAll(/(?:code|rule): '([A-Z][A-Z0-9_]+)'|(?:add|violates|\w+Issue)\(\s*'([A-Z][A-Z0-9_]+)'/g))
    DECLARED.add(m[1] ?? m[2]);

/** What an input raised: the codes of a BlueprintError it throws, or of the findings it returns. */
type Trigger = () => unknown;
async function raised(trigger: Trigger): Promise<string[]> {
  try {
    const r: any = await trigger();
    const findings: any[] = Array.isArray(r) ? r : [...(r?.findings ?? []), ...(r?.fileErrors ?? [])];
    return findings.flatMap((f) => f?.rule ?? f?.code ?? []);
  } catch (e) {
    if (e instanceof BlueprintError) return [...e.codes];
    throw e;
  }
}

/** The codes a CLI run prints on stderr. */
async function cliCodes(argv: string[]): Promise<{ code: string }[]> {
  let err = '';
  await run(
    argv,
    () => undefined,
    (s) => (err += s),
  );
  return [...err.matchAll(/\b([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)\b/g)].map((m) => ({ code: m[1] }));
}

// ── small real inputs ──
const image = 'ghcr.io/acme/app:1.0.0';
const ports = [{ name: 'http', port: 8080 }];
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cb-codes-'));
function chart(facts?: Parameters<typeof setClusterFacts>[1]) {
  const app = new App();
  if (facts) setClusterFacts(app, facts);
  return { app, chart: new BlueprintChart(app, 'c', { owner: 'o', nodeAllocatable: { cpu: '2', memory: '4Gi' } }) };
}
function team(quota: any = QuotaPreset.LARGE, extra: object = {}) {
  const c = chart();
  return { ...c, team: new TeamNamespace(c.chart, 'shop', { quota, ...extra }) };
}
/** A WebService in a LARGE team namespace with `props`. */
const web = (props: object = {}) => {
  const t = team();
  return new WebService(t.chart, 'web', { namespace: t.team, image, ports, ...props });
};
/** Builds with `build`, then renders the whole app. */
const synth = (build: (c: ReturnType<typeof team>) => void, quota?: any) => () => {
  const t = team(quota);
  build(t);
  return renderApp(t.app);
};
const CONTEXT: RuleContext = { secretsMustBeProvided: true, externalSecrets: ['shop/ing-tls'] };
const rule = (code: string) => () => {
  const objects = good();
  RULE_MUTATIONS.get(code)!(objects);
  return runRules(objects, { context: CONTEXT });
};
const pod = (spec: object) => () =>
  podSecurityViolations({
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    ...spec,
  });
const container = (ctx: object, extra: object = {}) =>
  pod({
    containers: [
      {
        name: 'a',
        image,
        ...extra,
        securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, ...ctx },
      },
    ],
  });
const dir = (entries: Record<string, string>) => () => {
  const d = tmp();
  for (const [name, text] of Object.entries(entries)) fs.writeFileSync(path.join(d, name), text);
  return checkDirectory(d);
};
const configMap = (c: any, id: string) =>
  new ApiObject(c, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'team' } });
const STATELESS = 'a cache that only needs stable pod names';
const SOURCE = { repoUrl: 'https://github.com/acme/cluster-manifests.git', path: 'dist/prod' };

const TRIGGERS: Record<string, Trigger> = {
  // namespaces, quota, limits
  ACCESS_GROUP_INVALID: () => new TeamNamespace(chart().chart, 'shop', { access: { view: [' '] } }),
  PSA_VERSION_INVALID: () => new TeamNamespace(chart().chart, 'shop', { podSecurity: { version: '1.28' } }),
  ACCESS_PRIVILEGED_NAMESPACE: () =>
    new TeamNamespace(chart().chart, 'agents', { podSecurity: { enforce: PodSecurityLevel.PRIVILEGED }, access: { edit: ['sre'] } }),
  NAME_INVALID: () => new TeamNamespace(chart().chart, 'Bad_Name'),
  NAMESPACE_LABEL_RESERVED: () => new TeamNamespace(chart().chart, 'db', { labels: { [ENVIRONMENT_LABEL]: 'production' } }),
  QUOTA_LIMITRANGE_CONFLICT: () =>
    new TeamNamespace(chart().chart, 'shop', { quota: QuotaPreset.SMALL, containerLimits: { max: { cpu: '8' } } }),
  QUOTA_COUNT_INVALID: () => new ResourceQuota(chart().chart, 'q', { namespace: 'team', limits: { pods: -1 } }),
  QUOTA_SCOPE_INVALID: () =>
    new ResourceQuota(chart().chart, 'q', { namespace: 'team', scopes: [QuotaScope.BEST_EFFORT], limits: { pods: 5, requestsCpu: '1' } }),
  QUOTA_REQUESTS_ABOVE_LIMITS: () =>
    new ResourceQuota(chart().chart, 'q', { namespace: 'team', limits: { pods: 5, requestsCpu: '2', limitsCpu: '1' } }),
  LIMITRANGE_ORDER: () =>
    new LimitRange(chart().chart, 'l', { namespace: 'team', container: { defaultRequest: { cpu: '1' }, default: { cpu: '500m' } } }),
  LIMITRANGE_RATIO: () => new LimitRange(chart().chart, 'l', { namespace: 'team', container: { maxLimitRequestRatio: { cpu: 0.5 } } }),
  QUANTITY_INVALID: () => web({ resources: { requests: { cpu: 'lots' } } }),
  QUOTA_EXCEEDED: synth(({ team }) => new WebService(team, 'web', { namespace: team, image, ports, replicas: 50 }), QuotaPreset.SMALL),
  QUOTA_PODS_EXCEEDED: synth(({ team }) => new Worker(team, 'w', { namespace: team, image, replicas: 30, resources: undefined }), {
    pods: 5,
  }),
  QUOTA_CLAIMS_EXCEEDED: synth(
    ({ chart, team }) => ['a', 'b'].forEach((id) => new PersistentVolumeClaim(chart, id, { namespace: team, size: '4Gi' })),
    { pods: 10, persistentVolumeClaims: 1, requestsStorage: '5Gi' },
  ),
  QUOTA_SERVICES_EXCEEDED: synth(
    ({ team }) =>
      ['a', 'b'].forEach((id) => new WebService(team, id, { namespace: team, image, ports, serviceType: ServiceType.LOAD_BALANCER })),
    QuotaPreset.MEDIUM,
  ),
  QUOTA_RESOURCES_MISSING: () => {
    const { app, chart: c } = chart();
    const ns = new TeamNamespace(c, 'shop', { containerLimits: { min: { cpu: '10m' } } });
    new Worker(c, 'w', { namespace: ns, image, resources: { requests: { cpu: '100m' } } });
    return renderApp(app);
  },
  CPU_LIMIT_REQUIRED: synth(
    ({ team }) =>
      new Worker(team, 'w', { namespace: team, image, resources: ResourcePreset.withoutCpuLimit({ cpu: '100m', memory: '128Mi' }) }),
  ),
  LIMITRANGE_VIOLATION: synth(({ team }) => new Worker(team, 'w', { namespace: team, image, resources: { limits: { cpu: '64' } } })),
  // workloads
  ID_INVALID: () => new Worker(chart().chart, '' as never, { namespace: 'n', image }),
  PROPS_INVALID: () => new ConfigMap(chart().chart, 'c', null as never),
  PROPS_UNKNOWN: () => web({ replica: 3 } as never),
  IMAGE_UNPINNED: () => web({ release: Release.canary({ image: 'nginx' }) }),
  IMAGE_INVALID: () => web({ image: 'Nginx:1.27.2' }),
  REPLICAS_INVALID: () => web({ replicas: 0 }),
  STRATEGY_INVALID: () => web({ release: Release.rolling({ maxSurge: 0, maxUnavailable: 0 }) }),
  HPA_INVALID: () => web({ autoscaling: { minReplicas: 5, maxReplicas: 3 } }),
  HPA_BEHAVIOR_INVALID: () =>
    web({
      autoscaling: { maxReplicas: 4, behavior: { scaleDown: { policies: [{ type: 'Percent', value: 0, period: Duration.seconds(60) }] } } },
    }),
  HPA_METRIC_INVALID: () => web({ autoscaling: { maxReplicas: 4, metrics: [HpaMetric.pods('rps', '-5')] } }),
  GRACE_INVALID: () => web({ terminationGracePeriod: Duration.millis(1500) }),
  SECURITY_INVALID: () => web({ runAsUser: 0 }),
  QOS_MISMATCH: () => web({ qos: Qos.GUARANTEED, resources: { requests: { cpu: '1' }, limits: { cpu: '2' } } }),
  RESOURCES_REQUEST_ABOVE_LIMIT: () => web({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }),
  PLACEMENT_INVALID: () => web({ placement: { spread: { maxSkew: 0 } } }),
  PORT_INVALID: () => web({ ports: [{ name: 'Not A Port', port: 8080 }] }),
  PROBE_INVALID: () => web({ liveness: Probe.grpc(70000) }),
  HOOK_INVALID: () => web({ initContainers: [{ name: 'init', image, preStop: Hook.sleep(Duration.seconds(1)) }] }),
  PROBE_OPT_OUT_INVALID: synth(({ team }) => new Worker(team, 'w', { namespace: team, image, probeOptOut: { liveness: 'no' } })),
  PLAINTEXT_SECRET: () => web({ env: { DB_PASSWORD: 'hunter2' } }),
  ANNOTATION_INVALID: () => web({ podAnnotations: { 'bad key!': 'x' } }),
  ANNOTATION_SECRET: () => web({ podAnnotations: { 'example.com/aws': 'AKIAABCDEFGHIJKLMNOP' } }),
  PULL_SECRET_DUPLICATE: () => {
    const s = SecretRef.fromName('registry');
    return web({ imagePullSecrets: [s, s] });
  },
  PULL_SECRET_INVALID: () => {
    const t = team();
    return web({ imagePullSecrets: [new SecretDeclaration(t.team, 'registry', { namespace: t.team, keys: ['token'] })] });
  },
  MOUNT_INVALID: () => web({ mounts: [{ volume: 'data', path: '/data' }] }),
  MOUNT_SUBPATH_INVALID: () => web({ mounts: [{ volume: Volume.emptyDir('d'), path: '/d', subPath: '../etc' }] }),
  MOUNT_PATH_DUPLICATE: synth(
    ({ team }) =>
      new StatefulService(team, 'db', {
        namespace: team,
        image,
        claims: [{ name: 'data', mountPath: '/tmp', size: '1Gi', storageClass: 'gp3' }],
      }),
  ),
  VOLUME_DUPLICATE: synth(
    ({ team }) =>
      new Worker(team, 'w', {
        namespace: team,
        image,
        mounts: [
          { volume: Volume.emptyDir('d'), path: '/a' },
          { volume: Volume.emptyDir('d', { memory: true }), path: '/b' },
        ],
      }),
  ),
  VOLUME_INVALID: () => Volume.nfs('a', 'not a host', '/x'),
  CONTAINER_DUPLICATE: () => web().addSidecar({ name: 'web', image }),
  SERVICE_INVALID: () => web({ serviceType: ServiceType.NODE_PORT, loadBalancerSourceRanges: ['10.0.0.0/8'] }),
  SERVICE_ACCOUNT_INVALID: () => {
    const t = team();
    return new WebService(t.chart, 'web', {
      namespace: 'apps',
      image,
      ports,
      serviceAccount: new ServiceAccount(t.chart, 'sa', { namespace: 'other' }),
    });
  },
  METRICS_PORT_UNKNOWN: () => web().exposeMetrics({ port: 'metrics' }),
  METRICS_INVALID: () => web().exposeMetrics({ port: 'http', path: 'metrics' }),
  INTENT_INVALID: () => Peer.cidr('not-a-cidr'),
  INTENT_DUPLICATE: () => {
    const t = team();
    const api = new WebService(t.team, 'api', { namespace: t.team, image, ports });
    const front = new WebService(t.team, 'front', { namespace: t.team, image, ports });
    api.allowFrom(front);
    return api.allowFrom(front);
  },
  JOB_INVALID: () => new BatchJob(chart().chart, 'job', { namespace: 'n', image, sidecars: [{ name: 'proxy', image }] }),
  SCHEDULE_INVALID: () => new ScheduledJob(chart().chart, 'cron', { namespace: 'n', image, schedule: '* * * *' }),
  TIMEZONE_INVALID: () => new ScheduledJob(chart().chart, 'cron', { namespace: 'n', image, schedule: '@hourly', timeZone: 'Moon/Base' }),
  HOSTPATH_INVALID: () => new NodeAgent(chart().chart, 'a', { namespace: 'n', image, hostPaths: [{ name: 'x', hostPath: 'var/log' }] }),
  HOSTPATH_FORBIDDEN: synth(({ team }) => new NodeAgent(team, 'logs', { namespace: team, image, ...VARLOG_AGENT })),
  CLAIM_INVALID: () => new PersistentVolumeClaim(chart().chart, 'c', { namespace: 'shop', size: '1Gi', accessModes: [] }),
  CLIENT_SERVICE_MISSING: () =>
    new StatefulService(chart().chart, 'db', { namespace: 'n', image, noStorageReason: STATELESS }).clientDnsName,
  ORDINAL_INVALID: () => new StatefulService(chart().chart, 'db', { namespace: 'n', image, noStorageReason: STATELESS }).podDnsName(3),
  STORAGE_CLASS_UNDECLARED: () => {
    const { app, chart: c } = chart({ existingStorageClasses: ['gp3'] });
    new StatefulService(c, 'db', { namespace: 'n', image, claims: [{ name: 'd', mountPath: '/d', size: '1Gi' }] });
    return renderApp(app);
  },
  STORAGE_MISSING: () => new StatefulService(chart().chart, 'db', { namespace: 'n', image }),
  LABEL_INVALID: () => web({ version: '1.0+build' }),
  PDB_SELECTOR_INVALID: () => new PodDisruptionBudget(chart().chart, 'pdb', { namespace: 'ns', name: 'pdb', selector: { app: 'a b' } }),
  STORAGE_INVALID: () => new StorageClass(chart().chart, 'bad', { provisioner: '' }),
  PROBE_MISSING: () => {
    const { app, chart: c } = chart({ requireProbes: true });
    new Worker(c, 'w', { namespace: 'n', image, ports });
    return renderApp(app);
  },
  HA_SINGLE_REPLICA: () => {
    const { app, chart: c } = chart({ production: true });
    new WebService(c, 'one', { namespace: 'n', image, ports, replicas: 1, readiness: Probe.tcp('http') });
    return renderApp(app);
  },
  NODE_TOO_SMALL: () => {
    const { app, chart: c } = chart();
    new Worker(c, 'big', {
      namespace: 'n',
      image,
      resources: { requests: { cpu: '3', memory: '1Gi' }, limits: { cpu: '3', memory: '1Gi' } },
    });
    return renderApp(app);
  },
  PRESTOP_EXCEEDS_GRACE: () => {
    const { app, chart: c } = chart();
    new Worker(c, 'w', { namespace: 'n', image, terminationGracePeriod: Duration.seconds(10), drainTime: Duration.seconds(10) });
    return renderApp(app);
  },
  // policy, config, secrets
  PDB_INVALID: () =>
    new PodDisruptionBudget(chart().chart, 'a', { namespace: 'n', name: 'a', selector: { a: 'b' }, minAvailable: 1, maxUnavailable: 1 }),
  PRIORITY_INVALID: () => new PriorityClass(chart().chart, 'system-mine', { value: 1 }),
  RBAC_INVALID: () =>
    new ServiceAccount(chart().chart, 'sa', { namespace: 'n' }).grant([{ apiGroups: ['*'], resources: ['pods'], verbs: ['get'] }]),
  VPA_INVALID: () => {
    const { chart: c } = chart();
    const target = new WebService(c, 'web', { namespace: 'n', image, ports });
    return new VerticalAutoscaler(c, 'vpa', { target, minAllowed: { cpu: '2' }, maxAllowed: { cpu: '1' } });
  },
  CONFIG_KEY_DUPLICATE: () => new ConfigMap(chart().chart, 'a', { namespace: 'n', data: { x: '1' }, files: { x: '2' } }),
  CONFIG_KEY_INVALID: () => new ConfigMap(chart().chart, 'a', { namespace: 'n', data: { 'bad key': '1' } }),
  CONFIG_VALUE_INVALID: () => new ConfigMap(chart().chart, 'a', { namespace: 'n', data: { port: 8080 as never } }),
  CONFIG_TOO_LARGE: () => new ConfigMap(chart().chart, 'a', { namespace: 'n', data: { a: 'x'.repeat(600_000), b: 'x'.repeat(600_000) } }),
  CONFIG_FILE_UNREADABLE: () =>
    new ConfigMap(chart().chart, 'a', { namespace: 'n', files: { f: ConfigMap.file('/proc/self/environ') } as never }),
  // A lone surrogate no YAML can carry, in an env value (the emitter refuses it; a ConfigMap refuses it at once: CONFIG_VALUE_INVALID).
  TEXT_UNREPRESENTABLE: () => renderApp(App.of(web({ env: { GREETING: 'hi \ud800' } })) as App),
  SECRET_IN_OUTPUT: () => new ConfigMap(chart().chart, 'a', { namespace: 'n', data: { 'app.conf': 'key AKIAABCDEFGHIJKLMNOP' } }),
  SECRET_KEY_UNDECLARED: () =>
    EnvValue.fromSecret(new SecretDeclaration(team().team, 'creds', { namespace: 'shop', keys: ['password'] }), 'passwd'),
  CONFIG_KEY_UNDECLARED: () => EnvValue.fromConfigMap(new ConfigMap(chart().chart, 'a', { namespace: 'n', data: { a: '1' } }), 'zzz'),
  ENV_INVALID: () => EnvValue.fromResource(ResourceField.LIMITS_CPU, { divisor: '3m' }),
  SECRET_KEYS_INVALID: () => new SecretDeclaration(team().team, 'creds', { namespace: 'shop', keys: [] }),
  SECRET_DECLARED_TWICE: synth(({ team }) =>
    ['one', 'two'].forEach((id) => new SecretDeclaration(team, id, { namespace: team, name: 'creds', keys: ['password'] })),
  ),
  SECRET_NAMESPACE_MISMATCH: () => {
    const t = team();
    const creds = new SecretDeclaration(t.team, 'creds', { namespace: 'elsewhere', keys: ['password'] });
    return new WebService(t.team, 'web', { namespace: t.team, image, ports, imagePullSecrets: [creds] });
  },
  SECRET_BACKEND_MISSING: () => {
    const { app, chart: c } = chart();
    new SecretDeclaration(c, 'creds', { namespace: 'n', keys: ['password'] });
    return renderApp(app);
  },
  SECRET_STORE_INVALID: () => new ClusterSecretStore(chart().chart, 'bad', { awsRegion: 'europe' }),
  PULUMI_NAME_CONFLICT: () => {
    const c = chart();
    const resources = { limits: { cpu: '100m', memory: '64Mi' } };
    new Worker(c.chart, 'x', { namespace: new TeamNamespace(c.chart, 'a-b'), name: 'c', image, resources });
    new Worker(c.chart, 'y', { namespace: new TeamNamespace(c.chart, 'a'), name: 'b-c', image, resources });
    // Refused before anything is registered: no engine is needed.
    (require('../pulumi') as typeof import('../pulumi')).deployApp(c.app);
  },
  PULUMI_SECRET_CONFIG_PLAINTEXT: () => {
    const { app, chart: c } = chart();
    SecretBackend.use(app, SecretBackend.deployTool());
    new SecretDeclaration(c, 'creds', { namespace: 'n', keys: ['password'], configKeys: { password: 'dbPassword' } });
    const pulumi = require('@pulumi/pulumi') as typeof import('@pulumi/pulumi');
    // Set without --secret: not among the secret keys. Refused before anything is registered: no engine is needed.
    pulumi.runtime.setAllConfig({ 'codes:dbPassword': 'plain' }, []);
    try {
      (require('../pulumi') as typeof import('../pulumi')).deployApp(app, { config: new pulumi.Config('codes') });
    } finally {
      pulumi.runtime.setAllConfig({}, []);
    }
  },
  PULUMI_SECRET_CONFIG_MISSING: () => {
    const { app, chart: c } = chart();
    SecretBackend.use(app, SecretBackend.deployTool());
    new SecretDeclaration(c, 'creds', { namespace: 'n', keys: ['password'], configKeys: { password: 'dbPassword' } });
    const pulumi = require('@pulumi/pulumi') as typeof import('@pulumi/pulumi');
    // Not set at all. Refused before anything is registered: no engine is needed.
    pulumi.runtime.setAllConfig({}, []);
    (require('../pulumi') as typeof import('../pulumi')).deployApp(app, { config: new pulumi.Config('codes') });
  },
  // networking, backup, gitops, blueprints
  EXTERNAL_HOST_IS_IP: () =>
    ExternalService.fromHostName(chart().chart, 'a', { namespace: 'n', hostName: '10.1.2.3', ports: [{ name: 'db', port: 5432 }] }),
  EXTERNAL_HOST_INVALID: () =>
    ExternalService.fromHostName(chart().chart, 'a', { namespace: 'n', hostName: 'not a host!', ports: [{ name: 'db', port: 1 }] }),
  EXTERNAL_PORT_INVALID: () => ExternalService.fromHostName(chart().chart, 'a', { namespace: 'n', hostName: 'db.example.com', ports: [] }),
  EXTERNAL_PORT_REMAP: () =>
    ExternalService.fromHostName(chart().chart, 'a', {
      namespace: 'n',
      hostName: 'db.example.com',
      ports: [{ name: 'db', port: 5432, targetPort: 15432 }],
    }),
  EXTERNAL_ADDRESS_INVALID: () =>
    ExternalService.fromAddresses(chart().chart, 'a', { namespace: 'n', addresses: ['127.0.0.1'], ports: [{ name: 'db', port: 5432 }] }),
  ISSUER_INVALID: () => new ClusterIssuer(chart().chart, 'a', { email: 'ops' }),
  INGRESS_INVALID: () => {
    const { app } = chart();
    return new ClusterPlatform(app, 'platform', { environment: 'test', teams: [{ name: 'users' }] }).route({
      path: '/user',
      backend: web(),
    });
  },
  INGRESS_WILDCARD_HTTP01: () => {
    const { chart: c } = chart();
    const issuer = new ClusterIssuer(c, 'le', { email: 'ops@example.com' });
    return new IngressRoutes(c, 'i', { namespace: 'shop', hosts: ['*.example.com'], issuer });
  },
  ANNOTATION_RESERVED: () =>
    new IngressRoutes(chart().chart, 'i', {
      namespace: 'shop',
      host: 'shop.example.com',
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
    }),
  CLUSTER_FACTS_CONFLICT: () => {
    const app = new App();
    setClusterFacts(app, { production: false });
    return new ClusterPlatform(app, 'platform', { environment: 'prod', teams: [{ name: 'users' }] });
  },
  TEAM_UNKNOWN: () => new ClusterPlatform(new App(), 'platform', { environment: 'test', teams: [{ name: 'users' }] }).team('nobody'),
  SIZING_INVALID: () =>
    prometheusStorage({ targets: 0, seriesPerTarget: 700, scrapeInterval: Duration.seconds(15), retention: Duration.days(1) }),
  BACKUP_NAMESPACES_INVALID: () => new BackupSchedule(chart().chart, 'b', { namespaces: [] }),
  BACKUP_RETENTION_INVALID: () => new BackupSchedule(chart().chart, 'b', { namespaces: ['a'], retention: Duration.minutes(30) }),
  BACKUP_SELECTOR_INVALID: () => new BackupSchedule(chart().chart, 'b', { namespaces: ['a'], selector: { 'bad key!': 'x' } }),
  BACKUP_DUPLICATE: () => {
    const db = new StatefulService(team().team, 'db', { namespace: 'shop', image, noStorageReason: STATELESS });
    db.backUp();
    return db.backUp();
  },
  GITOPS_SOURCE_INVALID: () => new ArgoApplication(chart().chart, 'a', { ...SOURCE, repoUrl: 'github.com/acme' }),
  GITOPS_DESTINATION_INVALID: () => new ArgoApplication(chart().chart, 'a', { ...SOURCE, destinationServer: 'http://10.0.0.1:6443' }),
  GITOPS_CHART_SHARED: () => {
    const app = new App();
    const gitops = new BlueprintChart(app, 'argocd', { owner: 'platform' });
    new ArgoApplication(gitops, 'prod', SOURCE);
    new TeamNamespace(gitops, 'stray');
    return renderApp(app);
  },
  ENVIRONMENT_UNKNOWN: () => environment('qa'),
  // render and write
  OBJECT_DUPLICATE: () => {
    const app = new App();
    configMap(new BlueprintChart(app, 'one', { owner: 'a' }), 'cm');
    configMap(new BlueprintChart(app, 'two', { owner: 'b' }), 'cm');
    return renderApp(app);
  },
  CDK8S_VALIDATION: () => {
    const { app, chart: c } = chart();
    c.node.addValidation({ validate: () => ['plain cdk8s failure'] });
    return renderApp(app);
  },
  // A second loaded copy of cdk8s (jest loads it again, as a directory install of the library would from its own node_modules).
  PEER_DUPLICATED: () => {
    let copy!: typeof import('cdk8s');
    jest.isolateModules(() => {
      copy = require('cdk8s');
    });
    return renderApp(new copy.App());
  },
  OUTDIR_UNSAFE: () => synthesize(team().app, { outdir: '/' }),
  OUTDIR_FOREIGN_FILE: () => {
    const outdir = tmp();
    fs.writeFileSync(path.join(outdir, 'c.k8s.yaml'), 'kind: HandWritten\n');
    return synthesize(team().app, { outdir });
  },
  OUTPUT_PATH_INVALID: () => {
    const outdir = tmp();
    fs.writeFileSync(path.join(outdir, 'afile'), 'keep');
    return synthesize(team().app, { outdir: path.join(outdir, 'afile') });
  },
  OUTDIR_WRITE_FAILED: () => {
    // The disk refusing the write (full, read-only): this test runs as root, so no permission can make it fail for real.
    const spy = jest.spyOn(fs, 'renameSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
    });
    try {
      return synthesize(team().app, { outdir: tmp() });
    } finally {
      spy.mockRestore();
    }
  },
  OUTDIR_CLEANUP_INCOMPLETE: () => {
    // An old copy kept aside that the file system will not let go of (EBUSY) once the new files are in place: a warning.
    const outdir = tmp();
    synthesize(team().app, { outdir });
    const real = fs.unlinkSync;
    const spy = jest.spyOn(fs, 'unlinkSync').mockImplementation((p: fs.PathLike) => {
      if (String(p).includes('.cb-old-')) throw Object.assign(new Error('EBUSY: resource busy or locked, unlink'), { code: 'EBUSY' });
      return real(p);
    });
    try {
      return synthesize(team().app, { outdir }).warnings;
    } finally {
      spy.mockRestore();
    }
  },
  // the schema check, Pod Security, the report and the CLI
  SCHEMA_INVALID: () => validateManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' }, data: 5 }]),
  SCHEMA_UNKNOWN_FIELD: () =>
    validateManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' }, dta: {} }]),
  SCHEMA_UNKNOWN_KIND: () => validateManifests([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'a', namespace: 'n' } }]),
  SCHEMA_NOT_KUBERNETES: () => validateManifests([{ just: 'a config' }]),
  SCHEMA_API_REMOVED: () => validateManifests([{ apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'a', namespace: 'n' } }]),
  SCHEMA_NAME_INVALID: () => validateManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad Name!', namespace: 'n' } }]),
  SCHEMA_LABEL_INVALID: () =>
    validateManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n', labels: { 'bad key!': 'x' } } }]),
  SCHEMA_ANNOTATION_INVALID: () =>
    validateManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n', annotations: { 'a/b/c': 'x' } } }]),
  SCOPE_NAMESPACE_MISSING: () => validateManifests([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }]),
  SCOPE_NAMESPACE_ON_CLUSTER_OBJECT: () =>
    validateManifests([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'b' } }]),
  PSS_HOST_NAMESPACES: pod({ hostNetwork: true, containers: [] }),
  PSS_VOLUME_TYPE: pod({ containers: [], volumes: [{ name: 'n', nfs: { server: 'x', path: '/' } }] }),
  PSS_SYSCTL: pod({ containers: [], securityContext: { runAsNonRoot: true, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }),
  PSS_SECCOMP: pod({ containers: [], securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } } }),
  PSS_PRIVILEGED: container({ privileged: true }),
  PSS_CAPABILITIES: container({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }),
  PSS_HOST_PORTS: container({}, { ports: [{ containerPort: 80, hostPort: 80 }] }),
  PSS_PROC_MOUNT: container({ procMount: 'Unmasked' }),
  PSS_SELINUX: container({ seLinuxOptions: { user: 'root' } }),
  PSS_PRIVILEGE_ESCALATION: container({ allowPrivilegeEscalation: true }),
  PSS_RUN_AS_ROOT: container({ runAsUser: 0 }),
  RULE_FAILED: () =>
    runRules(good(), {
      rules: [
        {
          ...RULES[0],
          check: () => {
            throw new Error('boom');
          },
        },
      ],
    }),
  FILE_NOT_YAML: dir({ 'notes.txt': 'hello' }),
  FILE_YAML_BROKEN: dir({ 'broken.yaml': 'a: [1, 2\nb: {' }),
  FILE_UNREADABLE: () => {
    const d = tmp();
    fs.symlinkSync(path.join(d, 'nowhere'), path.join(d, 'dangling.yaml'));
    return checkDirectory(d);
  },
  FILE_SKIPPED: () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, 'big.yaml'), `# ${'x'.repeat(300_000)}\n`);
    return checkDirectory(d, { maxFileBytes: 200_000 });
  },
  // user checks (addCheck)
  CHECK_FAILED: () => {
    const { app, chart: c } = chart();
    addCheck(c, 'Mine', () => {
      throw new TypeError('boom');
    });
    return renderApp(app);
  },
  CHECK_INVALID: () => {
    const { app, chart: c } = chart();
    addCheck(c, 'Mine', (() => undefined) as never);
    return renderApp(app);
  },
  RENDER_REENTRANT: () => {
    const { app, chart: c } = chart();
    addCheck(c, 'Mine', () => (renderApp(app), []));
    return renderApp(app);
  },
  // A DaemonSet whose namespace has a quota, checked without --nodes.
  NODE_COUNT_UNKNOWN: dir({
    'agents.yaml': Yaml.stringify(
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'agents' }, spec: { hard: { pods: '10' } } },
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'a', namespace: 'agents' },
        spec: {
          selector: { matchLabels: { app: 'a' } },
          template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'a', image }] } },
        },
      },
    ),
  }),
  CLI_FLAG_INVALID: () => cliCodes(['check', tmp(), '--max-file-size', 'lots']),
  CLI_ARGS_INVALID: () => cliCodes(['diagram', tmp(), tmp()]),
  CLI_OUTPUT_INVALID: () => {
    const d = tmp();
    return cliCodes(['check', d, '--capacity-out', path.join(d, 'capacity.json')]);
  },
  CLI_OUTPUT_UNWRITABLE: async () => {
    // The disk refusing the write (full, read-only): this test runs as root, so no permission can make it fail for real.
    const spy = jest.spyOn(fs, 'writeFileSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    try {
      return await cliCodes(['capacity', tmp(), '--capacity-out', path.join(tmp(), 'capacity.json')]);
    } finally {
      spy.mockRestore();
    }
  },
  // Official nginx on the library's read-only root filesystem: its pid file and temp directories have nowhere to go.
  IMAGE_CANNOT_START: synth(({ chart: c, team: t }) => {
    new WebService(c, 'nginx', {
      namespace: t,
      image: 'nginx:1.27.3',
      ports: [{ name: 'http', port: 80 }],
      liveness: Probe.http('/', 'http'),
    });
  }),
  PRICES_INVALID: dir({
    'ns.yaml': Yaml.stringify({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', annotations: { 'cluster-blueprints.io/unit-prices': '{"cpu": -1}' } },
    }),
  }),
};
// The catalogue's rules: each one's smallest breaking change to a governed environment.
for (const code of RULE_MUTATIONS.keys()) TRIGGERS[code] ??= rule(code);

test('the scan finds the declared codes', () => {
  expect(DECLARED.size).toBeGreaterThan(100);
});

test('every declared code has a trigger (add one to TRIGGERS for a new code)', () => {
  expect([...DECLARED].filter((c) => !(c in TRIGGERS)).sort()).toEqual([]);
});

test('every trigger is for a declared code', () => {
  expect(Object.keys(TRIGGERS).filter((c) => !DECLARED.has(c))).toEqual([]);
});

test.each(Object.keys(TRIGGERS).sort())('%s is raised by real input', async (code) => {
  expect(await raised(TRIGGERS[code])).toContain(code);
});

test('the YAML of a governed environment raises nothing', () => {
  const d = tmp();
  fs.writeFileSync(path.join(d, 'all.k8s.yaml'), Yaml.stringify(...good()));
  expect(checkDirectory(d, { context: CONTEXT }).findings.filter((f) => f.severity === 'error')).toEqual([]);
});
