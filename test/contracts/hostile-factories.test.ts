import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration } from 'cdk8s';
import * as api from '../../index';
import { anyValueAtAnyPath, buildAndRender, image, privileged } from './hostile-values';

/*
 * The property of hostile-fuzz.test.ts over the arguments of the public static
 * factories (its own file: the two run side by side, each near 10 s).
 */

jest.setTimeout(60_000);

/*
 * The public static factories, each with valid arguments and a use of what it
 * returns (a factory may keep a value it does not check, for the construct it
 * is given to), and the public methods that take user values: a hostile value
 * at any argument, or inside one, is a rendered app or a BlueprintError, from
 * the factory, the method or the construct.
 */
type Args = (c: api.BlueprintChart) => unknown[];
/** `o[name](...args)`, `this` being `o` (a factory may call its own statics, a method reads its construct). */
const make = <T>(o: object, name: string, args: unknown[]): T => (o as Record<string, (...a: unknown[]) => T>)[name](...args);
const web = (c: api.BlueprintChart, extra: Record<string, unknown> = {}) =>
  new api.WebService(c, 'w', { namespace: 'shop', image, ports: [{ name: 'http', port: 8080 }], ...extra } as never);
const cm = (c: api.BlueprintChart) => new api.ConfigMap(c, 'cm', { namespace: 'shop', data: { k: 'v' } });
const secret = (c: api.BlueprintChart) =>
  new api.SecretDeclaration(c, 's', { namespace: 'shop', keys: ['password'], backend: api.SecretBackend.deployTool() });
/** A factory whose product goes where `put` puts it in a WebService's props. */
const inWeb = (cls: object, name: string, put: (made: unknown) => Record<string, unknown>) => (c: api.BlueprintChart, a: unknown[]) =>
  web(c, put(make(cls, name, a)));
const mounted = (volume: unknown) => ({ mounts: [{ volume, path: '/data' }] });
/** A node volume's factory, its product mounted read-only by a NodeAgent of a privileged namespace. */
const onNode = (cls: object, name: string) => (c: api.BlueprintChart, a: unknown[]) =>
  new api.NodeAgent(c, 'n', {
    namespace: privileged(c),
    image,
    mounts: [{ volume: make(cls, name, a), path: '/node', readOnly: true }],
    expectedNodes: 3,
  } as never);
/** A file ConfigMap.file may read: inside its own root. */
const fileRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-hostile-fuzz-file-'));
fs.writeFileSync(path.join(fileRoot, 'app.conf'), 'a = 1\n');
afterAll(() => fs.rmSync(fileRoot, { recursive: true, force: true }));
const FACTORIES: [string, (c: api.BlueprintChart, args: unknown[]) => unknown, Args][] = [
  [
    'ConfigMap.file',
    (c, a) => new api.ConfigMap(c, 'cm', { namespace: 'shop', files: { 'app.conf': make(api.ConfigMap, 'file', a) } }),
    () => [path.join(fileRoot, 'app.conf'), { root: fileRoot }],
  ],
  [
    'Probe.http',
    inWeb(api.Probe, 'http', (p) => ({ liveness: p })),
    () => ['/healthz', 'http', { periodSeconds: 10, failureThreshold: 3 }],
  ],
  ['Probe.tcp', inWeb(api.Probe, 'tcp', (p) => ({ readiness: p })), () => ['http', { timeoutSeconds: 2 }]],
  ['Probe.exec', inWeb(api.Probe, 'exec', (p) => ({ readiness: p })), () => [['cat', '/tmp/ready'], { periodSeconds: 5 }]],
  ['Probe.grpc', inWeb(api.Probe, 'grpc', (p) => ({ liveness: p })), () => [8080, { initialDelaySeconds: 1 }, 'health']],
  ['Hook.sleep', inWeb(api.Hook, 'sleep', (h) => ({ preStop: h })), () => [Duration.seconds(5)]],
  ['Hook.exec', inWeb(api.Hook, 'exec', (h) => ({ preStop: h })), () => [['nginx', '-s', 'quit'], 5]],
  ['Hook.http', inWeb(api.Hook, 'http', (h) => ({ postStart: h })), () => ['/warm', 'http', 1]],
  ['EnvValue.literal', inWeb(api.EnvValue, 'literal', (v) => ({ env: { A: v } })), () => ['x']],
  ['EnvValue.fromConfigMap', inWeb(api.EnvValue, 'fromConfigMap', (v) => ({ env: { A: v } })), (c) => [cm(c), 'k']],
  ['EnvValue.fromSecret', inWeb(api.EnvValue, 'fromSecret', (v) => ({ env: { A: v } })), (c) => [secret(c), 'password']],
  ['EnvValue.fromField', inWeb(api.EnvValue, 'fromField', (v) => ({ env: { A: v } })), () => [api.PodField.NODE_NAME]],
  [
    'EnvValue.fromResource',
    inWeb(api.EnvValue, 'fromResource', (v) => ({ env: { A: v } })),
    () => [api.ResourceField.REQUESTS_MEMORY, { divisor: '1Mi' }],
  ],
  ['Volume.emptyDir', inWeb(api.Volume, 'emptyDir', mounted), () => ['cache', { sizeLimit: '1Gi', memory: false }]],
  ['Volume.fromConfigMap', inWeb(api.Volume, 'fromConfigMap', mounted), (c) => [cm(c), 'conf']],
  ['Volume.fromSecret', inWeb(api.Volume, 'fromSecret', mounted), (c) => [secret(c), 'creds']],
  ['Volume.downwardApi', inWeb(api.Volume, 'downwardApi', mounted), () => ['info', { labels: 'metadata.labels' }]],
  [
    'Volume.csi',
    inWeb(api.Volume, 'csi', mounted),
    () => ['vault', 'secrets-store.csi.k8s.io', { attributes: { a: 'b' }, readOnly: true }],
  ],
  ['Volume.nfs', onNode(api.Volume, 'nfs'), () => ['shared', 'nfs.example.com', '/exports', { readOnly: true }]],
  [
    'Volume.fromClaim',
    inWeb(api.Volume, 'fromClaim', mounted),
    (c) => [new api.PersistentVolumeClaim(c, 'p', { namespace: 'shop', size: '1Gi' }), { name: 'data', readOnly: true }],
  ],
  ['Volume.hostPath', onNode(api.Volume, 'hostPath'), () => ['h', '/var/lib/x', 'Directory']],
  [
    'HpaMetric.pods',
    inWeb(api.HpaMetric, 'pods', (m) => ({ autoscaling: { maxReplicas: 5, metrics: [m] } })),
    () => ['rps', '100', { a: 'b' }],
  ],
  [
    'HpaMetric.object',
    inWeb(api.HpaMetric, 'object', (m) => ({ autoscaling: { maxReplicas: 5, metrics: [m] } })),
    () => [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main' }, 'rps', { value: '10k' }],
  ],
  [
    'HpaMetric.external',
    inWeb(api.HpaMetric, 'external', (m) => ({ autoscaling: { maxReplicas: 5, metrics: [m] } })),
    () => ['queue_length', { averageValue: '30' }, { queue: 'orders' }],
  ],
  ['Release.rolling', inWeb(api.Release, 'rolling', (r) => ({ release: r, replicas: 2 })), () => [{ maxSurge: 1, maxUnavailable: 0 }]],
  [
    'Release.blueGreen',
    inWeb(api.Release, 'blueGreen', (r) => ({ release: r, replicas: 2 })),
    () => [{ active: api.Color.BLUE, idleImage: 'ghcr.io/acme/web:1.4.1', idleReplicas: 1 }],
  ],
  [
    'Release.canary',
    inWeb(api.Release, 'canary', (r) => ({ release: r, replicas: 2 })),
    () => [{ image: 'ghcr.io/acme/web:1.5.0', replicas: 1 }],
  ],
  ['Cpu.parse', inWeb(api.Cpu, 'parse', (q) => ({ resources: { requests: { cpu: q, memory: '64Mi' } } })), () => ['250m']],
  ['Cpu.of', inWeb(api.Cpu, 'of', (q) => ({ resources: { requests: { cpu: q, memory: '64Mi' } } })), () => ['250m']],
  ['Cpu.millis', inWeb(api.Cpu, 'millis', (q) => ({ resources: { requests: { cpu: q, memory: '64Mi' } } })), () => [250]],
  ['Cpu.cores', inWeb(api.Cpu, 'cores', (q) => ({ resources: { requests: { cpu: q, memory: '64Mi' } } })), () => [1]],
  ['Memory.parse', inWeb(api.Memory, 'parse', (q) => ({ resources: { requests: { cpu: '1', memory: q } } })), () => ['64Mi']],
  ['Memory.of', inWeb(api.Memory, 'of', (q) => ({ resources: { requests: { cpu: '1', memory: q } } })), () => ['64Mi']],
  ['Memory.mebibytes', inWeb(api.Memory, 'mebibytes', (q) => ({ resources: { requests: { cpu: '1', memory: q } } })), () => [64]],
  ['Memory.gibibytes', inWeb(api.Memory, 'gibibytes', (q) => ({ resources: { requests: { cpu: '1', memory: q } } })), () => [1]],
  [
    'Storage.parse',
    (c, a) => new api.PersistentVolumeClaim(c, 'p', { namespace: 'shop', size: make(api.Storage, 'parse', a) }),
    () => ['1Gi'],
  ],
  ['Storage.of', (c, a) => new api.PersistentVolumeClaim(c, 'p', { namespace: 'shop', size: make(api.Storage, 'of', a) }), () => ['1Gi']],
  [
    'Storage.gibibytes',
    (c, a) => new api.PersistentVolumeClaim(c, 'p', { namespace: 'shop', size: make(api.Storage, 'gibibytes', a) }),
    () => [1],
  ],
  [
    'Toleration.equal',
    inWeb(api.Toleration, 'equal', (t) => ({ placement: { tolerations: [t] } })),
    () => ['dedicated', 'db', api.TaintEffect.NO_EXECUTE, 300],
  ],
  [
    'Toleration.exists',
    inWeb(api.Toleration, 'exists', (t) => ({ placement: { tolerations: [t] } })),
    () => ['gpu', api.TaintEffect.NO_EXECUTE, 60],
  ],
  ...(['in', 'notIn', 'exists', 'doesNotExist', 'gt', 'lt'] as const).map(
    (k): [string, (c: api.BlueprintChart, args: unknown[]) => unknown, Args] => [
      `NodeRequirement.${k}`,
      inWeb(api.NodeRequirement, k, (r) => ({ placement: { requiredNodeAffinity: [r] } })),
      () => (k === 'gt' || k === 'lt' ? ['cores', 4] : ['topology.kubernetes.io/zone', ['eu-1a', 'eu-1b']]),
    ],
  ),
  [
    'JobPattern.fixedCompletions',
    (c, a) => new api.BatchJob(c, 'j', { namespace: 'shop', image, pattern: make(api.JobPattern, 'fixedCompletions', a) }),
    () => [3, 2],
  ],
  [
    'JobPattern.workQueue',
    (c, a) => new api.BatchJob(c, 'j', { namespace: 'shop', image, pattern: make(api.JobPattern, 'workQueue', a) }),
    () => [2],
  ],
  [
    'ResourcePreset.withoutCpuLimit',
    inWeb(api.ResourcePreset, 'withoutCpuLimit', (r) => ({ resources: r })),
    () => [{ cpu: '100m', memory: '128Mi' }],
  ],
  ['SecretRef.fromName', inWeb(api.SecretRef, 'fromName', (r) => ({ imagePullSecrets: [r] })), (c) => [secret(c).name, '2']],
  [
    'Peer.workload',
    (c, a) => web(c).allowFrom(make(api.Peer, 'workload', a)),
    (c) => [new api.Worker(c, 'wk', { namespace: 'shop', image })],
  ],
  ['Peer.namespace', (c, a) => web(c).allowFrom(make(api.Peer, 'namespace', a), [{ port: 8080 }]), () => ['other']],
  ['Peer.ingressController', (c, a) => web(c).allowFrom(make(api.Peer, 'ingressController', a)), () => ['ingress-nginx', { app: 'nginx' }]],
  ['Peer.cidr', (c, a) => web(c).allowTo(make(api.Peer, 'cidr', a)), () => ['10.0.0.0/8', [{ port: 443 }], ['10.1.0.0/16']]],
  ['Peer.kubeApiServer', (c, a) => web(c).allowTo(make(api.Peer, 'kubeApiServer', a)), () => ['10.0.0.1/32']],
  [
    'Peer.external',
    (c, a) => web(c).allowTo(make(api.Peer, 'external', a)),
    () => ['db', ['203.0.113.0/24'], [{ port: 5432, protocol: api.Protocol.TCP }]],
  ],
  [
    'SecretBackend.externalSecrets',
    (c, a) => {
      api.setClusterFacts(c.node.root as App, { existingSecretStores: ['vault'] });
      return new api.SecretDeclaration(c, 's', { namespace: 'shop', keys: ['k'], backend: make(api.SecretBackend, 'externalSecrets', a) });
    },
    () => [{ store: 'vault', refreshInterval: Duration.hours(1) }],
  ],
  [
    'SecretBackend.use',
    (c, a) => {
      make(api.SecretBackend, 'use', a);
      return new api.SecretDeclaration(c, 's', { namespace: 'shop', keys: ['k'] });
    },
    (c) => [c, api.SecretBackend.deployTool()],
  ],
  ['Quantity.ratioExceeds', (_c, a) => make(api.Quantity, 'ratioExceeds', a), () => [api.Cpu.parse('1'), api.Cpu.parse('2'), 2]],
  // Public methods of a built construct that take user values, by the same rule.
  ['TeamNamespace.allowFromNamespace', (c, a) => make(new api.TeamNamespace(c, 't'), 'allowFromNamespace', a), () => ['monitoring']],
  ['TeamNamespace.dnsNameOf', (c, a) => make(new api.TeamNamespace(c, 't'), 'dnsNameOf', a), () => ['api']],
  ['SecretDeclaration.requireKey', (c, a) => make(secret(c), 'requireKey', a), () => ['password', 'env.A']],
  [
    'ClusterPlatform.route',
    (c, a) => make(c.node.root.node.findChild('p'), 'route', a),
    (c) => {
      const p = new api.ClusterPlatform(c.node.root as App, 'p', {
        environment: 'test',
        teams: [{ name: 'users' }],
        host: 'shop.example.com',
        certificateIssuer: { name: 'letsencrypt', email: 'platform@example.com' },
      });
      const users = p.team('users');
      return [
        { path: '/users', backend: new api.WebService(users, 'users', { namespace: users, image, ports: [{ name: 'http', port: 8080 }] }) },
      ];
    },
  ],
  [
    'StatefulService.backUp',
    (c, a) =>
      make(
        new api.StatefulService(c, 'db', {
          namespace: 'shop',
          image,
          ports: [{ name: 'pg', port: 5432 }],
          claims: [{ name: 'data', mountPath: '/d', size: '1Gi' }],
        }),
        'backUp',
        a,
      ),
    () => [{ schedule: '0 1 * * *', retention: Duration.days(7), selector: { 'app.kubernetes.io/name': 'db' } }],
  ],
  [
    'Workload.exposeMetrics',
    (c, a) =>
      make(
        web(c, {
          ports: [
            { name: 'http', port: 8080 },
            { name: 'metrics', port: 9102 },
          ],
        }),
        'exposeMetrics',
        a,
      ),
    () => [{ port: 'metrics', path: '/m' }],
  ],
  [
    'ServiceAccount.grant',
    (c, a) => make(new api.ServiceAccount(c, 'sa', { namespace: 'shop' }), 'grant', a),
    () => [[{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]],
  ],
];

test.each(FACTORIES)('%s: the base arguments render (so an error below is the hostile value’s)', (_name, build, base) => {
  expect(() => buildAndRender(build, base)).not.toThrow();
});

test.each(FACTORIES)('%s: any JavaScript value at any argument is a rendered app or a BlueprintError', (_name, build, base) =>
  anyValueAtAnyPath(build, base, 10),
);
