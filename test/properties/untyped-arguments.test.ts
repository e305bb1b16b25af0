import * as fc from 'fast-check';
import { App } from 'cdk8s';
import { BlueprintError, Cpu, Memory, Storage, capacityReport, renderSvg, toDot } from '../../constructs';
import { findObject, objectsOfKind, synthObjects } from '../../testing';
import { good } from '../rules/fixture';
import { paths } from '../object-paths';
import { fuzzRuns } from '../fuzz-runs';

/*
 * Public functions given what only JavaScript can pass: whatever the argument, the outcome is a result or a
 * BlueprintError with a code (PROPS_INVALID, the argument check's), never a TypeError nor a getter's own Error.
 */

/** The error `fn` throws, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

const revoked = () => {
  const p = Proxy.revocable({}, {});
  p.revoke();
  return p.proxy;
};
const throwing = () =>
  Object.defineProperty({}, 'field', {
    get() {
      throw new Error('getter');
    },
    enumerable: true,
  });

describe('Cpu, Memory and Storage .parse and .of: a context that is not { field?: string } is PROPS_INVALID', () => {
  const ctx = fc.oneof(
    fc.constantFrom<() => unknown>(
      revoked,
      throwing,
      () => null,
      () => 'resources.cpu',
      () => 5,
      () => ({ field: {} }),
      () => ({ field: 7 }),
    ),
  );
  test.each([
    ['Cpu', Cpu],
    ['Memory', Memory],
    ['Storage', Storage],
  ] as const)('%s', (name, type) => {
    fc.assert(
      fc.property(ctx, fc.constantFrom('1', 'x', undefined, -1), fc.constantFrom('parse', 'of'), (make, value, method) => {
        const e = thrown(() => (type[method] as (v: unknown, c: unknown) => unknown)(value, make()));
        expect(e).toBeInstanceOf(BlueprintError);
        expect((e as BlueprintError).issues[0]).toEqual(expect.objectContaining({ code: 'PROPS_INVALID', construct: `${name}.${method}` }));
        expect((e as BlueprintError).issues[0].field).toMatch(/^ctx/);
      }),
      fuzzRuns(30, 20261208),
    );
    // A context of the documented shape still names the field of a wrong quantity.
    expect((thrown(() => type.parse('x', { field: 'resources.x' })) as BlueprintError).issues[0].field).toBe('resources.x');
    expect(type.of('1', {}).toString()).toBe('1');
  });
});

describe('reports and testing helpers over objects with a getter that throws: PROPS_INVALID at the object, never the getter’s Error', () => {
  const FUNCTIONS: readonly [string, (objects: any[]) => unknown][] = [
    ['capacityReport', (o) => capacityReport(o)],
    ['toDot', (o) => toDot(o)],
    ['findObject', (o) => findObject(o, { kind: 'Deployment', name: 'web' })],
    ['objectsOfKind', (o) => objectsOfKind(o, 'Deployment')],
  ];
  const base = good();
  const where = fc.nat(base.length - 1).chain((i) => fc.tuple(fc.constant(i), fc.constantFrom(...[[], ...paths(base[i])].map((p) => p))));
  test.each(FUNCTIONS)('%s', (name, fn) => {
    fc.assert(
      fc.property(where, ([i, at]) => {
        const objects = good();
        // A getter at one field of the object (its kind, at [], for the object itself).
        const holder = at.slice(0, -1).reduce((o: any, k) => o[k], objects[i]);
        Object.defineProperty(holder, at.length ? at[at.length - 1] : 'kind', {
          get() {
            throw new Error('getter');
          },
          enumerable: true,
        });
        const e = thrown(() => fn(objects));
        // Read or not: if read, the error is typed and names the object.
        if (e === undefined) return;
        if (!(e instanceof BlueprintError)) throw new Error(`${name} threw ${String(e)}, not a BlueprintError`);
        expect(e.issues[0]).toEqual(expect.objectContaining({ code: 'PROPS_INVALID', construct: name, field: `objects[${i}]` }));
      }),
      fuzzRuns(40, 20261208),
    );
  });

  test('the getter of the kind itself, read by all four', () => {
    const objects = good();
    Object.defineProperty(objects[1], 'kind', {
      get() {
        throw new Error('getter');
      },
    });
    for (const [name, fn] of FUNCTIONS) {
      const e = thrown(() => fn(objects));
      expect(e).toBeInstanceOf(BlueprintError);
      expect((e as BlueprintError).issues[0]).toEqual(
        expect.objectContaining({ code: 'PROPS_INVALID', construct: name, field: 'objects[1]' }),
      );
    }
  });
});

test('synthObjects: an object made from App.prototype without its constructor is PROPS_INVALID (it has no construct node)', () => {
  for (const scope of [Object.create(App.prototype), Object.create(Object.create(App.prototype))]) {
    const e = thrown(() => synthObjects(scope));
    expect(e).toBeInstanceOf(BlueprintError);
    expect((e as BlueprintError).issues[0]).toEqual(expect.objectContaining({ code: 'PROPS_INVALID', field: 'scope' }));
    expect((e as BlueprintError).issues[0].message).toMatch(/not built by its constructor/);
  }
});

test('renderSvg: DOT that Graphviz cannot read is PROPS_INVALID with its message, never a plain Error', async () => {
  for (const dot of ['x', 'digraph {', 'digraph { a -> }']) {
    const e = await renderSvg(dot).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(BlueprintError);
    expect((e as BlueprintError).issues[0]).toEqual(
      expect.objectContaining({ code: 'PROPS_INVALID', construct: 'renderSvg', field: 'dot' }),
    );
    expect((e as BlueprintError).issues[0].message).toMatch(/syntax error/);
  }
  await expect(renderSvg('digraph { a -> b }')).resolves.toContain('</svg>');
});
