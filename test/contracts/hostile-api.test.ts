import { App } from 'cdk8s';
import { Construct } from 'constructs';
import * as api from '../../index';

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

test('the add*, grant and intent methods of a built construct give a BlueprintError for hostile arguments', () => {
  const methods: [string, (web: api.WebService, sa: api.ServiceAccount, h: unknown) => unknown][] = [
    ['addSidecar', (w, _s, h) => w.addSidecar(h as never)],
    ['addAdapter', (w, _s, h) => w.addAdapter(h as never)],
    ['addAmbassador', (w, _s, h) => w.addAmbassador(h as never)],
    ['addInitContainer', (w, _s, h) => w.addInitContainer(h as never)],
    ['addEnv', (w, _s, h) => w.addEnv(h as never)],
    ['addMounts', (w, _s, h) => w.addMounts(h as never)],
    ['exposeMetrics', (w, _s, h) => w.exposeMetrics(h as never)],
    ['allowFrom', (w, _s, h) => w.allowFrom(h as never, h as never)],
    ['allowTo', (w, _s, h) => w.allowTo(api.Peer.namespace('other'), h as never)],
    ['grant', (_w, s, h) => s.grant(h as never)],
    ['grantClusterWide', (_w, s, h) => s.grantClusterWide(h as never)],
  ];
  const plain: string[] = [];
  for (const [name, call] of methods)
    for (const [hn, h] of HOSTILE) {
      const c = chart();
      const web = new api.WebService(c, 'web', { namespace: 'shop', image: 'nginx:1.27.2', ports: [{ name: 'http', port: 8080 }] });
      const sa = new api.ServiceAccount(c, 'sa', { namespace: 'shop' });
      const o = outcome(() => call(web, sa, h()));
      if (o !== 'ok' && o !== 'BlueprintError') plain.push(`${name}(${hn}) → ${o}`);
    }
  expect(plain).toEqual([]);
});
