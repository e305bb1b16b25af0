import { App, Duration } from 'cdk8s';
import * as fc from 'fast-check';
import * as api from '../../index';
import { fuzzRuns } from '../fuzz-runs';
import { paths, setAt } from '../object-paths';

/*
 * The hostile values and the property of hostile-fuzz.test.ts (construct props) and
 * hostile-factories.test.ts (static factories' arguments), and what both build with.
 */

export const image = 'ghcr.io/acme/web:1.4.2';
export const chart = () => new api.BlueprintChart(new App(), 'c', { owner: 'o' });
export const revoked = () => {
  const p = Proxy.revocable({}, {});
  p.revoke();
  return p.proxy;
};
/** What `fn` threw, if anything. How long it takes is measured by `npm run bench` (bench/hostile-input.ts), not here. */
export function timed(fn: () => unknown): { error?: unknown } {
  try {
    fn();
    return {};
  } catch (error) {
    return { error };
  }
}
export const blueprintError = (e: unknown) => {
  if (!(e instanceof api.BlueprintError)) throw new Error(`not a BlueprintError: ${(e as Error)?.name}: ${(e as Error)?.message}`);
  return e;
};

/** A namespace whose Pod Security level admits node volumes (hostPath, nfs). */
export const privileged = (c: api.BlueprintChart) =>
  new api.TeamNamespace(c, 'agents', { podSecurity: { enforce: api.PodSecurityLevel.PRIVILEGED }, quota: api.QuotaPreset.MEDIUM });

/*
 * The property: any value JavaScript can make, at any prop of a construct, is
 * a rendered app or a BlueprintError. The generators below make only hostile
 * values (never a valid one), so a rendered app is as welcome as an error: the
 * test claims only that nothing else happens.
 */
export const JS_VALUES: readonly (() => unknown)[] = [
  revoked,
  () =>
    new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('ownKeys');
        },
        get: () => {
          throw new Error('get');
        },
        has: () => {
          throw new Error('has');
        },
      },
    ),
  () =>
    new Proxy([1], {
      get: () => {
        throw new Error('get');
      },
    }),
  () => Object.freeze({ a: 'b' }),
  () => Object.seal(['a']),
  () => Object.create(null),
  () => Object.assign(Object.create(null), { name: 'x', port: 80 }),
  () => Object.assign([], { 2: 'x' }),
  () => Object.assign([], { length: 2 ** 32 - 1 }),
  () => -0,
  () => Number.MAX_VALUE,
  () => -Infinity,
  () => 5n,
  () => Symbol('s'),
  () => new Date(NaN),
  () => /x/g,
  () => Buffer.from('x'),
  () => new Map([['a', 'b']]),
  () => new Set(['a']),
  () => new String('abc'),
  () => () => 'x',
  () => 'a'.repeat(1 << 20),
  () => 'a\0b',
  () => 'a\uD800b',
  () => 'a\u202Eb',
  () => 'a: b #c\n---\n&x !!binary <<: *x',
  () => '8080',
  () => JSON.parse('{"__proto__": {"x": 1}, "constructor": 1, "toString": 2}'),
  () => {
    const o: Record<string, unknown> = { a: 1 };
    o.self = o;
    return o;
  },
  () => {
    const a: unknown[] = [];
    a.push(a);
    return a;
  },
  () =>
    new (class Foo {
      public a = 1;
    })(),
];
export const jsValues: fc.Arbitrary<() => unknown> = fc.constantFrom(...JS_VALUES);

/** Builds with `build(c, base(c))` and renders the app. */
export function buildAndRender<T>(build: (c: api.BlueprintChart, value: T) => unknown, base: (c: api.BlueprintChart) => T) {
  const c = chart();
  build(c, base(c));
  api.renderApp(c.node.root as App);
}

/**
 * Puts a hostile value at one of the paths of `base`'s value, builds and renders: the outcome is a
 * rendered app or a BlueprintError. `numRuns` of a few dozen rows at a few ms a render keeps `npm test`
 * under a minute; `npm run fuzz` (NUM_RUNS, a fresh seed) tries every path times every value.
 */
export function anyValueAtAnyPath<T extends object>(
  build: (c: api.BlueprintChart, value: T) => unknown,
  base: (c: api.BlueprintChart) => T,
  numRuns: number,
) {
  const keys = paths(base(chart()));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: keys.length - 1 }), jsValues, (at, make) => {
      const withHostile = (c: api.BlueprintChart) => {
        const value = base(c);
        setAt(value, keys[at], make());
        return value;
      };
      const { error } = timed(() => buildAndRender(build, withHostile));
      if (error !== undefined) blueprintError(error);
    }),
    fuzzRuns(numRuns, 7),
  );
}

export type Build = (c: api.BlueprintChart, props: Record<string, unknown>) => unknown;
/** Valid props of a construct; `c` is the chart it is built in, for the constructs the props name (a team, a backend). */
export type Base = (c: api.BlueprintChart) => Record<string, unknown>;
/** The team namespace of a blueprint, its Secrets provided by the deploy tool. */
const team = (c: api.BlueprintChart) => {
  api.SecretBackend.use(c, api.SecretBackend.deployTool());
  return new api.TeamNamespace(c, 'team', { quota: api.QuotaPreset.MEDIUM });
};
const dataClass = (c: api.BlueprintChart) => new api.StorageClass(c, 'data', { provisioner: 'ebs.csi.aws.com' });
/**
 * Each public construct (and blueprint, scenario, PodPreset.apply) with valid props that name
 * lists and objects where it has them: the families of hostile-fuzz.test.ts and props-snapshot.test.ts.
 */
export const FAMILIES: [string, Build, Base][] = [
  [
    'WebService',
    (c, p) => new api.WebService(c, 'x', p as never),
    () => ({ namespace: 'shop', image, ports: [{ name: 'http', port: 8080 }], env: { A: '1' }, replicas: 2 }),
  ],
  [
    'Worker',
    (c, p) => new api.Worker(c, 'x', p as never),
    () => ({ namespace: 'shop', image, args: ['serve'], resources: { requests: { cpu: '100m', memory: '64Mi' } } }),
  ],
  ['BatchJob', (c, p) => new api.BatchJob(c, 'x', p as never), () => ({ namespace: 'n', image, command: ['run'] })],
  ['ConfigMap', (c, p) => new api.ConfigMap(c, 'x', p as never), () => ({ namespace: 'n', data: { x: '1' } })],
  [
    'ResourceQuota',
    (c, p) => new api.ResourceQuota(c, 'x', p as never),
    () => ({ namespace: 'team', limits: { pods: 5, requestsCpu: '1' } }),
  ],
  ['LimitRange', (c, p) => new api.LimitRange(c, 'x', p as never), () => ({ namespace: 'team', container: { max: { cpu: '2' } } })],
  ['PersistentVolumeClaim', (c, p) => new api.PersistentVolumeClaim(c, 'x', p as never), () => ({ namespace: 'team', size: '4Gi' })],
  ['StorageClass', (c, p) => new api.StorageClass(c, 'x', p as never), () => ({ provisioner: 'ebs.csi.aws.com', zones: ['eu-1a'] })],
  ['BackupSchedule', (c, p) => new api.BackupSchedule(c, 'x', p as never), () => ({ namespaces: ['shop'] })],
  [
    'SecretDeclaration',
    (c, p) => new api.SecretDeclaration(c, 'x', p as never),
    () => ({ namespace: 'team', keys: ['password'], backend: api.SecretBackend.deployTool() }),
  ],
  ['TeamNamespace', (c, p) => new api.TeamNamespace(c, 'x', p as never), () => ({ labels: { team: 'a' } })],
  ['PriorityClass', (c, p) => new api.PriorityClass(c, 'x', p as never), () => ({ value: 1000, description: 'd' })],
  [
    'ArgoApplication',
    (c, p) => new api.ArgoApplication(c, 'x', p as never),
    () => ({ repoUrl: 'https://github.com/acme/manifests.git', path: 'dist/prod', revision: 'main', project: 'default', prune: true }),
  ],
  [
    'ClusterSecretStore',
    (c, p) => new api.ClusterSecretStore(c, 'x', p as never),
    () => ({ awsRegion: 'eu-west-1', service: api.AwsSecretService.PARAMETER_STORE }),
  ],
  [
    'ClusterIssuer',
    (c, p) => new api.ClusterIssuer(c, 'x', p as never),
    () => ({ email: 'ops@example.com', server: api.AcmeServer.LETS_ENCRYPT_STAGING, ingressClassName: 'nginx' }),
  ],
  [
    'IngressRoutes',
    (c, p) => new api.IngressRoutes(c, 'x', p as never),
    (c) => ({
      namespace: 'shop',
      host: 'shop.example.com',
      routes: [{ path: '/', backend: new api.WebService(c, 'web', { namespace: 'shop', image, ports: [{ name: 'http', port: 8080 }] }) }],
      issuer: new api.ClusterIssuer(c, 'le', { email: 'ops@example.com' }),
      annotations: { a: 'b' },
    }),
  ],
  [
    'ExternalService.fromHostName',
    (c, p) => api.ExternalService.fromHostName(c, 'x', p as never),
    () => ({ namespace: 'shop', hostName: 'db.example.com', ports: [{ name: 'db', port: 5432, protocol: api.Protocol.TCP }] }),
  ],
  [
    'ExternalService.fromAddresses',
    (c, p) => api.ExternalService.fromAddresses(c, 'x', p as never),
    () => ({ namespace: 'shop', addresses: ['203.0.113.10', '2001:db8::10'], ports: [{ name: 'db', port: 3306 }] }),
  ],
  [
    'NodeAgent',
    (c, p) => new api.NodeAgent(c, 'x', p as never),
    (c) => ({
      namespace: privileged(c),
      image,
      hostPaths: [{ name: 'state', hostPath: '/var/lib/agent', readOnly: true }],
      maxUnavailable: 1,
      expectedNodes: 3,
      tolerateControlPlane: true,
    }),
  ],
  [
    'StatefulService',
    (c, p) => new api.StatefulService(c, 'x', p as never),
    () => ({
      namespace: 'shop',
      image: 'ghcr.io/acme/db:1.0.0',
      ports: [{ name: 'pg', port: 5432 }],
      replicas: 2,
      claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '5Gi' }],
      disruptionBudget: { maxUnavailable: 1 },
      claimRetention: { whenDeleted: api.ClaimRetentionPolicy.RETAIN },
    }),
  ],
  [
    'ScheduledJob',
    (c, p) => new api.ScheduledJob(c, 'x', p as never),
    () => ({
      namespace: 'shop',
      image,
      schedule: '0 3 * * *',
      timeZone: 'Europe/Paris',
      successfulJobsHistoryLimit: 2,
      startingDeadline: Duration.minutes(5),
      activeDeadline: Duration.minutes(30),
    }),
  ],
  [
    'PodDisruptionBudget',
    (c, p) => new api.PodDisruptionBudget(c, 'x', p as never),
    () => ({ namespace: 'n', name: 'rg', selector: { app: 'rg' }, minAvailable: 2, evictUnhealthyPods: false }),
  ],
  ['ServiceAccount', (c, p) => new api.ServiceAccount(c, 'x', p as never), () => ({ namespace: 'ops', name: 'reader', mountToken: true })],
  [
    'MetricsMonitor',
    (c, p) => new api.MetricsMonitor(c, 'x', p as never),
    (c) => {
      new api.Worker(c, 'web', { namespace: 'shop', image, ports: [{ name: 'metrics', port: 9102 }] });
      const target = { kind: 'pods', podSelector: { 'app.kubernetes.io/name': 'web' }, port: 'metrics' };
      return { name: 'web', namespace: 'shop', port: 'metrics', path: '/m', target };
    },
  ],
  [
    'Monitoring',
    (c, p) => new api.Monitoring(c, 'x', p as never),
    (c) => ({
      namespace: team(c),
      targets: 10,
      replicas: 2,
      federate: ['prom-eu.example.com:9090'],
      recordingRules: [{ record: 'a:b', expr: 'up' }],
      resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { memory: '2Gi' } },
      retention: Duration.days(5),
    }),
  ],
  [
    'Descheduler',
    (c, p) => new api.Descheduler(c, 'x', p as never),
    (c) => ({ namespace: team(c), schedule: '*/5 * * * *', underusedPercent: 20, overusedPercent: 70 }),
  ],
  [
    'PodPreset.apply',
    (c, p) => api.PodPreset.apply(c, p as never),
    (c) => {
      new api.WebService(c, 'web', { namespace: 'shop', image, ports: [{ name: 'http', port: 8080 }], component: 'frontend' });
      return {
        matchLabels: { 'app.kubernetes.io/component': 'frontend' },
        env: { TZ: 'UTC', NODE: api.EnvValue.fromField(api.PodField.NODE_NAME) },
        mounts: [{ volume: api.Volume.emptyDir('cache'), path: '/cache' }],
      };
    },
  ],
  [
    'ClusterPlatform',
    (c, p) => new api.ClusterPlatform(c.node.root as App, 'x', p as never),
    () => ({
      environment: 'test',
      host: 'shop.example.com',
      certificateIssuer: { name: 'letsencrypt', email: 'platform@example.com' },
      federate: ['prometheus.us.example.com:9090'],
      teams: [
        { name: 'users', holdsData: true, quota: { pods: 5, requestsCpu: '1' }, access: { admin: ['g'] } },
        { name: 'products', quota: api.QuotaPreset.SMALL },
      ],
      zones: ['eu-1a'],
      nodeAllocatable: { cpu: '4', memory: '16Gi' },
      secretStore: { awsRegion: 'eu-west-1' },
    }),
  ],
  ['Cassandra', (c, p) => new api.Cassandra(c, 'x', p as never), (c) => ({ namespace: team(c), replicas: 3, storage: '8Gi' })],
  [
    'ExternalDatabase',
    (c, p) => new api.ExternalDatabase(c, 'x', p as never),
    (c) => ({ namespace: team(c), hostName: 'cluster0.abcde.mongodb.net', port: 27017 }),
  ],
  [
    'HelloworldDb',
    (c, p) => new api.HelloworldDb(c, 'x', p as never),
    (c) => ({ namespace: team(c), storageClass: dataClass(c), replicas: 2, storage: '1Gi', serviceType: api.ServiceType.CLUSTER_IP }),
  ],
  ['HpaExample', (c, p) => new api.HpaExample(c, 'x', p as never), (c) => ({ namespace: team(c), minReplicas: 2, maxReplicas: 10 })],
  [
    'RandomGenerator',
    (c, p) => new api.RandomGenerator(c, 'x', p as never),
    (c) => ({ namespace: team(c), storageClass: dataClass(c), replicas: 3 }),
  ],
  ['ReverseProxy', (c, p) => new api.ReverseProxy(c, 'x', p as never), (c) => ({ namespace: team(c), replicas: 2 })],
];
