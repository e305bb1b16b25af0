import * as fc from 'fast-check';
import { App } from 'cdk8s';
import {
  BackupSchedule,
  BlueprintChart,
  BlueprintError,
  BlueprintIssue,
  ClusterIssuer,
  ConfigMap,
  ExternalService,
  HpaMetric,
  IngressRoutes,
  MetricsMonitor,
  MonitorTarget,
  NodeLabels,
  Peer,
  PodDisruptionBudget,
  PodPreset,
  SecretBackend,
  SecretDeclaration,
  StorageClass,
  TeamNamespace,
  Volume,
  WebService,
  Worker,
  renderApp,
  setClusterFacts,
} from '../../constructs';
import { MAX_PROPS_DEPTH } from '../../constructs/core/shape';
import { fuzzRuns } from '../fuzz-runs';

/*
 * Maps from JavaScript: `{ DB_HOST: process.env.DB_HOST }` with the variable unset holds a key whose value is
 * `undefined`. Wherever a map is taken (a construct's props or a public method's argument), such an entry is
 * PROPS_INVALID at its own field: never a TypeError where the value is read, never a key dropped from the
 * output (a selector `{ app: undefined }` rendered `matchLabels: {}`, every pod of the namespace).
 * And props nested deeper than MAX_PROPS_DEPTH are PROPS_INVALID, never a stack overflow.
 */

const image = 'ghcr.io/acme/web:1.4.2';
const web = (c: BlueprintChart, extra: object = {}) =>
  new WebService(c, 'web', { namespace: 'shop', image, ports: [{ name: 'http', port: 8080 }], replicas: 2, ...extra });
const monitor = (c: BlueprintChart, port: string, target: MonitorTarget) =>
  new MetricsMonitor(c, 'm', { name: 'web', namespace: 'shop', port, target });

/** What takes a map: its valid values, and the build that hands it `map` and renders. */
type Taker = readonly [name: string, value: fc.Arbitrary<string>, build: (c: BlueprintChart, map: any) => void];

const text = fc.constantFrom('web', 'info', 'a1');
const TAKERS: readonly Taker[] = [
  ['WebService env', text, (c, m) => web(c, { env: m })],
  ['WebService podAnnotations', text, (c, m) => web(c, { podAnnotations: m })],
  ['WebService serviceAnnotations', text, (c, m) => web(c, { serviceAnnotations: m })],
  ['placement.nodeSelector', text, (c, m) => web(c, { placement: { nodeSelector: m } })],
  [
    'placement.podAffinity labels',
    text,
    (c, m) => web(c, { placement: { podAffinity: [{ labels: { ...m, tier: 'db' }, topologyKey: NodeLabels.ZONE }] } }),
  ],
  [
    'placement.podAntiAffinity labels',
    text,
    (c, m) => web(c, { placement: { podAntiAffinity: [{ labels: { ...m, tier: 'db' }, topologyKey: NodeLabels.HOSTNAME }] } }),
  ],
  ['Workload.addEnv', text, (c, m) => web(c).addEnv(m)],
  ['ConfigMap data', text, (c, m) => new ConfigMap(c, 'cm', { namespace: 'shop', data: m })],
  [
    'PodDisruptionBudget selector',
    text,
    (c, m) => new PodDisruptionBudget(c, 'p', { namespace: 'shop', name: 'p', selector: { ...m, tier: 'db' }, minAvailable: 1 }),
  ],
  ['BackupSchedule selector', text, (c, m) => new BackupSchedule(c, 'b', { namespaces: ['shop'], selector: { ...m, tier: 'db' } })],
  [
    'MetricsMonitor podSelector',
    text,
    (c, m) => monitor(c, 'metrics', { kind: 'pods', podSelector: { ...m, tier: 'db' }, port: 'metrics' }),
  ],
  [
    'MetricsMonitor serviceLabels',
    text,
    (c, m) => monitor(c, 'http', { kind: 'service', serviceLabels: { ...m, tier: 'db' }, port: 'http' }),
  ],
  ['TeamNamespace labels', text, (c, m) => new TeamNamespace(c, 'team', { labels: m })],
  ['TeamNamespace.allowFromNamespace', text, (c, m) => new TeamNamespace(c, 'team', {}).allowFromNamespace('other', { ...m, tier: 'db' })],
  ['BlueprintChart labels', text, (c, m) => new BlueprintChart(c.node.root as App, 'other', { owner: 'o', labels: m })],
  [
    'SecretDeclaration configKeys',
    fc.constantFrom('password'),
    (c, m) => new SecretDeclaration(c, 's', { namespace: 'shop', keys: ['password'], backend: SecretBackend.deployTool(), configKeys: m }),
  ],
  ['StorageClass parameters', text, (c, m) => new StorageClass(c, 'sc', { provisioner: 'ebs.csi.aws.com', parameters: m })],
  [
    'IngressRoutes annotations',
    text,
    (c, m) =>
      new IngressRoutes(c, 'r', {
        namespace: 'shop',
        host: 'shop.example.com',
        issuer: new ClusterIssuer(c, 'le', { email: 'ops@example.com' }),
        routes: [{ path: '/', backend: web(c) }],
        annotations: m,
      }),
  ],
  [
    'setClusterFacts namespacePodSecurity',
    fc.constantFrom('baseline', 'restricted'),
    (c, m) => setClusterFacts(c.node.root, { namespacePodSecurity: m }),
  ],
  ['Peer.namespace', text, (c, m) => web(c).allowFrom(Peer.namespace('other', { ...m, tier: 'db' }))],
  ['Peer.ingressController', text, (c, m) => web(c).allowFrom(Peer.ingressController('ingress-nginx', { ...m, tier: 'db' }))],
  [
    'HpaMetric.pods',
    text,
    (c, m) => web(c, { autoscaling: { minReplicas: 2, maxReplicas: 4, metrics: [HpaMetric.pods('rps', '10', { ...m, q: 'a' })] } }),
  ],
  [
    'HpaMetric.external',
    text,
    (c, m) =>
      web(c, {
        autoscaling: { minReplicas: 2, maxReplicas: 4, metrics: [HpaMetric.external('queue', { averageValue: '10' }, { ...m, q: 'a' })] },
      }),
  ],
  ['PodPreset.apply env', text, (c, m) => (web(c), PodPreset.apply(c, { env: m }))],
  ['PodPreset.apply matchLabels', text, (c, m) => (web(c), PodPreset.apply(c, { matchLabels: m, env: { TZ: 'UTC' } }))],
  [
    'Volume.downwardApi',
    fc.constantFrom('metadata.name', 'metadata.labels'),
    (c, m) => new Worker(c, 'w', { namespace: 'shop', image, mounts: [{ volume: Volume.downwardApi('d', m), path: '/d' }] }),
  ],
  [
    'Volume.csi attributes',
    text,
    (c, m) =>
      new Worker(c, 'w', {
        namespace: 'shop',
        image,
        mounts: [{ volume: Volume.csi('v', 'secrets-store.csi.k8s.io', { attributes: m }), path: '/d' }],
      }),
  ],
];

/** The issues of building and rendering with `map` (none when it renders). */
function issuesOf(build: Taker[2], map: unknown): readonly BlueprintIssue[] {
  const app = new App();
  const chart = new BlueprintChart(app, 'c', { owner: 'o' });
  new TeamNamespace(chart, 'shop', {});
  try {
    build(chart, map);
    renderApp(app);
    return [];
  } catch (e) {
    if (e instanceof BlueprintError) return e.issues;
    throw e;
  }
}

/** Keys valid as a label key, an env name, an annotation key, a ConfigMap key and a StorageClass parameter (not 'tier', which some builds add). */
const key = fc.constantFrom('app', 'role', 'x1', 'zone', 'shop');

describe('a map entry whose value is undefined is PROPS_INVALID at its field, wherever a map is taken', () => {
  test.each(TAKERS.map((t) => [t[0], t] as const))('%s', (_name, [, value, build]) => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 3 }), key, fc.nat(3), (valid, unset, at) => {
        delete valid[unset];
        const entries = Object.entries(valid);
        // The undefined entry anywhere among the valid ones.
        const map = Object.fromEntries([...entries.slice(0, at), [unset, undefined], ...entries.slice(at)]);
        const issues = issuesOf(build, map);
        expect(issues).toContainEqual(
          expect.objectContaining({
            code: 'PROPS_INVALID',
            field: expect.stringMatching(new RegExp(`(^|\\.)${unset}$`)),
            value: undefined,
          }),
        );
        expect(issues.find((i) => i.field.endsWith(unset))?.message).toMatch(/^is undefined/);
        // Without it, the same map is taken: the issue is the undefined entry's, not the map's.
        expect(issuesOf(build, valid).filter((i) => i.code === 'PROPS_INVALID')).toEqual([]);
      }),
      fuzzRuns(8, 20261208),
    );
  });
});

/** `n` levels of `{ a: … }` (or `[…]`) around `leaf`. */
function nested(n: number, list: boolean, leaf: unknown = 'x'): unknown {
  let d = leaf;
  for (let i = 0; i < n; i++) d = list ? [d] : { a: d };
  return d;
}

describe(`props nested deeper than ${MAX_PROPS_DEPTH} levels are PROPS_INVALID, never a stack overflow`, () => {
  const BUILDS: readonly [string, string, (c: BlueprintChart, deep: unknown) => void][] = [
    ['ConfigMap data', 'data.x', (c, d) => new ConfigMap(c, 'cm', { namespace: 'shop', data: { x: d } as any })],
    ['WebService env', 'env', (c, d) => web(c, { env: d })],
    ['WebService props', '', (c, d) => new WebService(c, 'w', d as any)],
    ['ExternalService.fromHostName', '', (c, d) => ExternalService.fromHostName(c, 'x', d as any)],
    ['Workload.addEnv', 'vars', (c, d) => web(c).addEnv(d as any)],
  ];
  test.each(BUILDS)('%s', (_name, field, build) => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_PROPS_DEPTH + 1, max: 30_000 }), fc.boolean(), (n, list) => {
        const issues = issuesOf(build, nested(n, list));
        const deep = issues.find((i) => /deeper than 256 levels/.test(i.message));
        expect(deep).toEqual(expect.objectContaining({ code: 'PROPS_INVALID' }));
        expect(deep!.field.startsWith(field || '')).toBe(true);
      }),
      fuzzRuns(6, 20261208),
    );
  });

  test('nesting up to the limit is copied and judged as before (a ConfigMap value that is no string is CONFIG_VALUE_INVALID)', () => {
    // The props object is level 0, data level 1, data.x level 2: its own nesting may go MAX_PROPS_DEPTH - 2 levels.
    const at = issuesOf((c, d) => new ConfigMap(c, 'cm', { namespace: 'shop', data: { x: d } as any }), nested(MAX_PROPS_DEPTH - 2, false));
    expect(at.map((i) => i.code)).toEqual(['CONFIG_VALUE_INVALID']);
    const over = issuesOf(
      (c, d) => new ConfigMap(c, 'cm', { namespace: 'shop', data: { x: d } as any }),
      nested(MAX_PROPS_DEPTH - 1, false),
    );
    expect(over.map((i) => [i.code, i.field])).toEqual([['PROPS_INVALID', 'data.x.a…']]);
  });

  test('a cycle is no depth: it is copied once and judged by the shape', () => {
    const data: any = { a: 'x' };
    data.self = data;
    expect(issuesOf((c) => new ConfigMap(c, 'cm', { namespace: 'shop', data }), undefined).map((i) => i.code)).not.toContain(
      'PROPS_INVALID',
    );
  });
});
