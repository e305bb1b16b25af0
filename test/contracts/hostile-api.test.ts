import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { ManifestIndex } from '../../constructs/rules/manifest-index';
import * as api from '../../index';
import { JS_VALUES } from './hostile-values';

/*
 * Every class and function the package EXPORTS, called with values a
 * JavaScript or JSON caller may pass: the outcome is a result (and, for a
 * construct, an app that renders) or a BlueprintError, never a TypeError or a
 * plain Error. The EXPORTS are enumerated from index.ts, so a new export is
 * covered without a change here.
 */

const throwingGetters = () => {
  const o: Record<string, unknown> = {};
  for (const k of ['namespace', 'name', 'image', 'data', 'teams', 'environment', 'size', 'owner'])
    Object.defineProperty(o, k, {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
  return o;
};

/** Each hostile value is made afresh per call (a construct may keep what it is given). */
const HOSTILE: readonly [string, () => unknown][] = [
  ['null', () => null],
  ['undefined', () => undefined],
  ['5', () => 5],
  ["'x'", () => 'x'],
  ['[]', () => []],
  ['{}', () => ({})],
  ['NaN', () => NaN],
  ['a throwing getter', throwingGetters],
  ['{constructor: 1}', () => ({ constructor: 1 })],
  ['__proto__ keys', () => JSON.parse('{"__proto__": {"namespace": "p"}, "namespace": {"__proto__": 1}, "name": "__proto__"}')],
];

/** Props keys the public constructs share: each gets every hostile value in turn, the rest of the props left out. */
const KEYS = ['namespace', 'name', 'image', 'data', 'files', 'size', 'limits', 'container', 'keys', 'teams', 'target', 'namespaces'];

type Outcome = 'ok' | 'BlueprintError' | string;

function outcome(fn: () => unknown): Outcome {
  try {
    const r = fn() as { then?: unknown; catch?: (f: () => void) => void } | undefined;
    // renderSvg is async: its rejection is checked by the same rule below, in its own test.
    if (r && typeof r.then === 'function') r.catch?.(() => undefined);
    return 'ok';
  } catch (e) {
    return e instanceof api.BlueprintError ? 'BlueprintError' : `${(e as Error)?.name}: ${(e as Error)?.message}`;
  }
}

const chart = () => new api.BlueprintChart(new App(), 'c', { owner: 'o' });
/** Builds with `build`, then renders the app: a construct that accepted hostile props must still render or fail typed. */
const built = (build: (c: api.BlueprintChart) => unknown) => () => {
  const c = chart();
  build(c);
  api.renderApp(c.node.root as App);
};

/*
 * The exported functions and classes. Left out: the namespaces `vpa` and
 * `velero`, the L1 classes `cdk8s import` generates from the CRDs (an escape
 * hatch like cdk8s-plus's `k8s`): they are regenerated, not written here, and
 * do no checking of their own.
 */
const EXPORTS = Object.entries(api as Record<string, unknown>).filter(([, v]) => typeof v === 'function') as [
  string,
  (...a: unknown[]) => unknown,
][];
const isConstruct = (f: unknown) => typeof f === 'function' && (f as { prototype: unknown }).prototype instanceof Construct;
const statics = (f: object) =>
  Object.getOwnPropertyNames(f).filter((k) => !['length', 'name', 'prototype'].includes(k) && typeof (f as any)[k] === 'function');

/** Every call tried: `label → thunk`. */
function calls(): [string, () => unknown][] {
  const out: [string, () => unknown][] = [];
  for (const [name, f] of EXPORTS) {
    const C = f as unknown as new (...a: unknown[]) => unknown;
    for (const [hn, h] of HOSTILE) {
      if (isConstruct(f)) {
        out.push([`new ${name}(chart, 'id', ${hn})`, built((c) => new C(c, 'id', h()))]);
        out.push([`new ${name}(chart, ${hn}, {})`, () => new C(chart(), h(), {})]);
        out.push([`new ${name}(${hn}, 'id', {})`, () => new C(h(), 'id', {})]);
        for (const k of KEYS) out.push([`new ${name}(chart, 'id', { ${k}: ${hn} })`, () => new C(chart(), 'id', { [k]: h() })]);
      } else if (/^[A-Z]/.test(name)) {
        out.push([`new ${name}(${hn}, ${hn})`, () => new C(h(), h())]);
      } else {
        out.push([`${name}(${hn})`, () => f(h())]);
        out.push([`${name}(${hn}, ${hn})`, () => f(h(), h())]);
        out.push([`${name}([${hn}])`, () => f([h()])]);
      }
      for (const k of statics(f)) {
        const m = (f as any)[k] as (...a: unknown[]) => unknown;
        out.push([`${name}.${k}(${hn})`, () => m.call(f, h())]);
        out.push([`${name}.${k}(${hn}, ${hn}, ${hn})`, () => m.call(f, h(), h(), h())]);
        out.push([`${name}.${k}('a', ${hn})`, () => m.call(f, 'a', h())]);
        out.push([`${name}.${k}('a', 'b', ${hn})`, () => m.call(f, 'a', 'b', h())]);
        if (isConstruct(f)) out.push([`${name}.${k}(chart, 'id', ${hn})`, () => m.call(f, chart(), 'id', h())]);
      }
    }
  }
  return out;
}

test('the sweep reaches every exported class and function', () => {
  const labels = calls().map(([l]) => l);
  for (const [name] of EXPORTS) expect(labels.some((l) => l.includes(name))).toBe(true);
  expect(EXPORTS.length).toBeGreaterThan(70);
});

test('every exported class and function gives a result or a BlueprintError for hostile input', () => {
  const plain = calls()
    .map(([label, thunk]) => [label, outcome(thunk)] as const)
    .filter(([, o]) => o !== 'ok' && o !== 'BlueprintError')
    .map(([label, o]) => `${label} → ${o}`);
  expect(plain).toEqual([]);
});

test('renderSvg rejects with a BlueprintError', async () => {
  await expect(api.renderSvg(5 as never)).rejects.toBeInstanceOf(api.BlueprintError);
});

/*
 * Every public method of every class of the API report, called on a built
 * instance with each hostile value: a result or a BlueprintError. The methods
 * are read from etc/cluster-blueprints.api.md (what `npm run api` records), so a
 * new public method is swept without a change here; a new class with public
 * methods needs a SAMPLE, which the first test below asks for.
 */
interface ReportedMethod {
  readonly name: string;
  /** False for `name()`: a method without parameters has no input to be hostile. */
  readonly takesArgs: boolean;
}

interface ReportedClass {
  readonly base?: string;
  readonly abstract: boolean;
  /** Public instance methods declared by the class itself. */
  readonly methods: ReportedMethod[];
}

function reportedClasses(): Map<string, ReportedClass> {
  // api-extractor writes CRLF line ends.
  const text = fs.readFileSync(path.join(__dirname, '../../etc/cluster-blueprints.api.md'), 'utf8').replace(/\r\n/g, '\n');
  const out = new Map<string, ReportedClass>();
  const classes = /^export (abstract )?class (\w+)(?:<[^\n{]*?>)?(?: extends (\w+))?[^\n]*\{\n([\s\S]*?)^\}/gm;
  for (const [, abs, name, base, body] of text.matchAll(classes)) {
    const methods = [...body.matchAll(/^ {4}(?:abstract )?(\w+)(?:<[^\n(]*>)?\((\)?)/gm)]
      .filter((m) => m[1] !== 'constructor')
      .map((m) => ({ name: m[1], takesArgs: m[2] === '' }));
    out.set(name, { base, abstract: abs !== undefined, methods });
  }
  return out;
}

const REPORTED = reportedClasses();
/** The public instance methods of `name`, its own and those of its bases in the report (an override once). */
function methodsOf(name: string): ReportedMethod[] {
  const c = REPORTED.get(name);
  if (!c) return [];
  const own = c.methods.map((m) => m.name);
  return [...c.methods, ...(c.base ? methodsOf(c.base).filter((m) => !own.includes(m.name)) : [])];
}
const namesOf = (name: string) => methodsOf(name).map((m) => m.name);

const image = 'ghcr.io/acme/web:1.4.2';
const web = (c: api.BlueprintChart) => new api.WebService(c, 'web', { namespace: 'shop', image, ports: [{ name: 'http', port: 8080 }] });
const platform = (c: api.BlueprintChart) =>
  new api.ClusterPlatform(c.node.root as App, 'p', {
    environment: 'test',
    teams: [{ name: 'users' }],
    host: 'shop.example.com',
    certificateIssuer: { name: 'letsencrypt', email: 'platform@example.com' },
  });

/** A built instance of each concrete class of the report that has public methods. */
const SAMPLES: Record<string, (c: api.BlueprintChart) => object> = {
  BatchJob: (c) => new api.BatchJob(c, 'j', { namespace: 'shop', image }),
  BlueprintChart: (c) => c,
  ClusterPlatform: platform,
  ClusterSecretStore: (c) => new api.ClusterSecretStore(c, 'store', { awsRegion: 'eu-west-1' }),
  Cpu: () => api.Cpu.parse('1'),
  ExternalService: (c) =>
    api.ExternalService.fromHostName(c, 'db', { namespace: 'shop', hostName: 'db.example.com', ports: [{ name: 'pg', port: 5432 }] }),
  HpaMetric: () => api.HpaMetric.pods('rps', '100'),
  IngressRoutes: (c) => new api.IngressRoutes(c, 'i', { namespace: 'shop', host: 'shop.example.com' }),
  JobPattern: () => api.JobPattern.workQueue(2),
  LimitRange: (c) => new api.LimitRange(c, 'lr', { namespace: 'shop' }),
  ManifestIndex: (c) => new ManifestIndex(c.toJson()),
  Memory: () => api.Memory.parse('1Gi'),
  Monitoring: (c) => new api.Monitoring(c, 'm', { namespace: new api.TeamNamespace(c, 'mon', { holdsData: true }), targets: 10 }),
  NodeAgent: (c) =>
    new api.NodeAgent(c, 'n', {
      namespace: new api.TeamNamespace(c, 'agents', { podSecurity: { enforce: api.PodSecurityLevel.PRIVILEGED } }),
      image,
      expectedNodes: 3,
    }),
  NodeRequirement: () => api.NodeRequirement.exists('k'),
  PersistentVolumeClaim: (c) => new api.PersistentVolumeClaim(c, 'pvc', { namespace: 'shop', size: '1Gi' }),
  Probe: () => api.Probe.http('/healthz', 8080),
  Release: () => api.Release.rolling(),
  ScheduledJob: (c) => new api.ScheduledJob(c, 'cron', { namespace: 'shop', image, schedule: '@daily' }),
  SecretDeclaration: (c) =>
    new api.SecretDeclaration(c, 's', { namespace: 'shop', keys: ['password'], backend: api.SecretBackend.deployTool() }),
  ServiceAccount: (c) => new api.ServiceAccount(c, 'sa', { namespace: 'shop' }),
  StatefulService: (c) =>
    new api.StatefulService(c, 'db', {
      namespace: 'shop',
      image,
      ports: [{ name: 'pg', port: 5432 }],
      claims: [{ name: 'data', mountPath: '/d', size: '1Gi' }],
    }),
  Storage: () => api.Storage.parse('1Gi'),
  TeamNamespace: (c) => new api.TeamNamespace(c, 't'),
  Toleration: () => api.Toleration.exists('k'),
  Volume: () => api.Volume.emptyDir('cache'),
  WebService: web,
  Worker: (c) => new api.Worker(c, 'w', { namespace: 'shop', image }),
};

/**
 * Hostile values for methods: the list above and every value of the property tests (hostile-values.ts)
 * but the string of a megabyte, which costs a tenth of a second for each error that prints it (the
 * secret scan of BlueprintError): thousands of calls here; bench/hostile-input.ts measures it.
 */
const METHOD_HOSTILE: readonly [string, () => unknown][] = [
  ...HOSTILE,
  ...JS_VALUES.map((v, i): [string, () => unknown] => [`jsValues[${i}]`, v]).filter(([, v]) => {
    const x = v();
    return !(typeof x === 'string' && x.length > 100_000);
  }),
];

test('every class of the API report with public methods has a SAMPLE, or is abstract and reached by one', () => {
  const samples = Object.keys(SAMPLES);
  const missing = [...REPORTED]
    .filter(([name]) => methodsOf(name).length > 0 && !samples.includes(name))
    .filter(([name, c]) => !c.abstract || !samples.some((s) => namesOf(name).every((m) => namesOf(s).includes(m))))
    .map(([name]) => name);
  expect(missing).toEqual([]);
  for (const [name, build] of Object.entries(SAMPLES)) expect([name, outcome(() => build(chart()))]).toEqual([name, 'ok']);
});

/*
 * One instance serves the calls of a method until one of them does anything
 * but refuse with a BlueprintError (a refused call changed nothing): a new one
 * is built after that, so each failure is the call's own (a build per call
 * would make this test take half a minute).
 */
test('every public method of every class of the API report gives a result or a BlueprintError for hostile arguments', () => {
  const plain: string[] = [];
  for (const [name, build] of Object.entries(SAMPLES))
    for (const { name: method, takesArgs } of methodsOf(name)) {
      let o = build(chart()) as Record<string, (...a: unknown[]) => unknown>;
      for (const [hn, h] of takesArgs ? METHOD_HOSTILE : [['no argument', () => undefined] as const]) {
        const calls: [string, () => unknown][] = [
          [`(${hn})`, () => o[method](h())],
          [`(${hn}, ${hn}, ${hn})`, () => o[method](h(), h(), h())],
          [`('a', ${hn})`, () => o[method]('a', h())],
        ];
        for (const [args, call] of calls) {
          const result = outcome(call);
          if (result === 'BlueprintError') continue;
          if (result !== 'ok') plain.push(`${name}.${method}${args} → ${result}`);
          o = build(chart()) as typeof o;
        }
      }
    }
  expect(plain).toEqual([]);
});
