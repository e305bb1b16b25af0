import { App } from 'cdk8s';
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
