import * as fs from 'fs';
import * as path from 'path';
import { types } from 'util';
import { Construct, IConstruct } from 'constructs';
import { BlueprintError, IssueInput, Problems, fieldRoot } from './errors';
import { distance } from 'fastest-levenshtein';
import { credentialIn } from './secret-patterns';
import { keyField } from './field-path';

/*
 * Declarative shapes of props, checked at the entry of every public
 * constructor and function, so that a value from JavaScript or JSON config
 * (null, a number where a list belongs, an object where a string belongs)
 * becomes a typed `PROPS_INVALID` issue instead of a TypeError deep inside.
 *
 * A shape says only what type a present value has; whether a value is
 * required, and its Kubernetes rules (names, ranges, quantities), stay with
 * the construct's own checks, which run on props that passed the shape.
 *
 * Written by hand: the props hold class instances (Volume, Probe, TeamNamespace…)
 * and need the library's own issue format; a few dozen lines cover it.
 */

/** What a present value must look like. */
export interface Shape {
  /** What the value must be, as a phrase: `a string`, `a list of strings`. */
  readonly expected: string;
  /** The issues of `value` (never `undefined` here) at `field`. */
  readonly issuesOf: (value: unknown, field: string) => IssueInput[];
}

/** A short, secret-free description of what was received (the value itself only when it is a short scalar). */
function received(value: unknown): unknown {
  try {
    return describe(value);
  } catch {
    // A revoked Proxy, a throwing getPrototypeOf trap: untyped input may be anything.
    return '(unreadable)';
  }
}

function describe(value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint')
    return value;
  if (typeof value === 'string') return credentialIn(value) ? '<redacted>' : value.length > 64 ? `${value.slice(0, 61)}...` : value;
  if (Array.isArray(value)) return `(a list of ${value.length})`;
  if (typeof value === 'function') return '(a function)';
  if (typeof value === 'symbol') return '(a symbol)';
  const proto = Object.getPrototypeOf(value);
  const ctor = proto && typeof proto.constructor === 'function' && proto !== Object.prototype ? proto.constructor.name : '';
  return ctor ? `(${/^[aeiou]/i.test(ctor) ? 'an' : 'a'} ${ctor})` : '(an object)';
}

function invalid(field: string, value: unknown, expected: string): IssueInput {
  return {
    code: 'PROPS_INVALID',
    field: field || 'props',
    value: received(value),
    message: `must be ${expected}`,
    fix: `pass ${expected} (see the prop's documented type)`,
  };
}

// A map key that is not an identifier reads as `field[".key"]` (see keyField).
const join = keyField;

/**
 * The issue of a map entry whose value is `undefined` (`{ DB_HOST: process.env.DB_HOST }` with the variable
 * unset): a list reports such an item, and so does a map, since every reader of the map sees a different
 * thing (a TypeError where a string is read, nothing where it is spread or rendered: `selector: { app:
 * undefined }` would select every pod of the namespace).
 */
function undefinedEntry(field: string, expected: string): IssueInput {
  return {
    code: 'PROPS_INVALID',
    field,
    value: undefined,
    message: 'is undefined (an unset variable?): the output would drop the key, or its reader fail on it',
    fix: `remove the key or give ${expected}`,
  };
}

/**
 * Map keys the render cannot carry: assigning `__proto__` sets a prototype
 * instead of a key (the entry vanishes from the YAML), and cdk8s' resolver
 * reads an object's `constructor` (an own `constructor` key makes it throw).
 */
const UNCARRIED_KEYS = new Set(['__proto__', 'constructor']);

/**
 * `issuesOf` made total: inspecting an untyped value may throw anywhere (a
 * revoked Proxy throws even on `Array.isArray`), and such a value is one
 * `PROPS_INVALID` issue at its field, never a TypeError.
 */
function total(expected: string, issuesOf: Shape['issuesOf']): Shape['issuesOf'] {
  return (v, field) => {
    try {
      return issuesOf(v, field);
    } catch {
      return [unreadable(field, expected)];
    }
  };
}

function primitive(expected: string, test: (v: unknown) => boolean): Shape {
  return { expected, issuesOf: total(expected, (v, field) => (test(v) ? [] : [invalid(field, v, expected)])) };
}

/** Whether `v` is a non-list object (false for a value that cannot be inspected, e.g. a revoked Proxy). */
function isRecord(v: unknown): v is Record<string, unknown> {
  try {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

/**
 * The issue of a class instance (a Map, a Set, an object of some class) given where plain data goes (`is.map`,
 * `is.props`), or undefined: its entries are not own enumerable properties, so the check would see none, and the
 * output would hold `{}` (a Map of pod labels would select every pod). A Proxy is judged by what its traps answer.
 */
function instanceIssue(v: object, field: string, expected: string): IssueInput | undefined {
  if (types.isProxy(v) || plain(v) === 'object') return undefined;
  let name = 'an object of a class';
  try {
    const ctor = (Object.getPrototypeOf(v) as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof ctor === 'string' && ctor !== '') name = `a ${ctor}`;
  } catch {
    // A prototype whose constructor cannot be read: the generic name.
  }
  return {
    ...invalid(field, v, expected),
    message: `is ${name}, not a plain object: its entries would not reach the output (it must be ${expected})`,
    fix: 'pass a plain object literal, e.g. Object.fromEntries(map) for a Map',
  };
}

/** How many wrong items of one list are reported before the rest of it is left unread (see `is.list`). */
export const MAX_ITEM_ISSUES = 20;

/**
 * The issues of the items of a list or map, in order, until `MAX_ITEM_ISSUES` items were wrong:
 * then one more issue (`whole`, the list's) says the rest was not read, and reading stops.
 */
function capped(items: Iterable<IssueInput[]>, whole: IssueInput, rule: string): IssueInput[] {
  const found: IssueInput[] = [];
  let wrong = 0;
  for (const issues of items) {
    if (issues.length === 0) continue;
    if (++wrong > MAX_ITEM_ISSUES) {
      found.push({
        ...whole,
        message: `has more than ${MAX_ITEM_ISSUES} wrong items; the first ${MAX_ITEM_ISSUES} are listed, the rest was not read`,
        fix: `fix the items listed, then the rest: ${rule}`,
      });
      break;
    }
    for (const issue of issues) found.push(issue);
  }
  return found;
}

/** Marks a value that could not be read (a throwing getter or proxy trap). */
const UNREADABLE: unique symbol = Symbol('unreadable');

/**
 * `obj[key]`, or UNREADABLE when reading it throws (a getter, a Proxy), or when the value read is an
 * object whose prototype cannot be read (a revoked Proxy: every later `instanceof` on it would throw a
 * TypeError, even in a field whose shape is `is.any`): untyped input may be anything.
 */
function read(obj: Record<string, unknown>, key: string): unknown {
  try {
    // Read as the constructor will read it: a Proxy whose `has` says no and whose `get` throws is unreadable, not absent.
    const v = obj[key];
    if ((typeof v === 'object' && v !== null) || typeof v === 'function') Object.getPrototypeOf(v);
    return v;
  } catch {
    return UNREADABLE;
  }
}

/** The own entries of `obj`; an entry whose getter throws reads as UNREADABLE. */
function entriesOf(obj: Record<string, unknown>): [string, unknown][] {
  let keys: string[];
  try {
    keys = Object.keys(obj);
  } catch {
    return [['', UNREADABLE]];
  }
  return keys.map((k) => [k, read(obj, k)]);
}

const unreadable = (field: string, expected: string): IssueInput => ({
  ...invalid(field, '(unreadable)', expected),
  message: `could not be read (a getter or Proxy throws); it must be ${expected}`,
  fix: `pass ${expected} as a plain value`,
});

/** The jsii type information cdk8s and constructs put on their classes (`{ fqn: 'cdk8s.App', version }`). */
const JSII_RTTI = Symbol.for('jsii.rtti');
/**
 * The same for the library's own classes (`{ fqn: 'cluster-blueprints.Probe', version }`): set by
 * `is.instance` on the class it checks for, so every copy of the library marks exactly the classes
 * it checks, and a class of this name from a user or another package never carries it.
 */
const BLUEPRINT_FQN = Symbol.for('cluster-blueprints.fqn');

interface Copy {
  /** The package both copies are of. */
  readonly pkg: string;
  /** The version of the value's copy, when its class says. */
  readonly version?: string;
}

interface TypeTag {
  readonly fqn: string;
  readonly version?: string;
}

/**
 * The type tag `ctor` itself defines (never one inherited from its base class: every
 * subclass of Construct would otherwise read as `constructs.Construct`).
 */
function ownTag(ctor: unknown): TypeTag | undefined {
  if (typeof ctor !== 'function') return undefined;
  for (const key of [JSII_RTTI, BLUEPRINT_FQN]) {
    const r = Object.prototype.hasOwnProperty.call(ctor, key) ? (ctor as unknown as Record<symbol, unknown>)[key] : undefined;
    if (isRecord(r) && typeof r.fqn === 'string') return r as unknown as TypeTag;
  }
  return undefined;
}

let ownVersion: string | undefined | null = null;

/** This copy's version, from its package.json (undefined when it cannot be read). */
function libraryVersion(): string | undefined {
  if (ownVersion === null) {
    try {
      const v = JSON.parse(fs.readFileSync(path.join(loadedFrom('cluster-blueprints'), 'package.json'), 'utf8')).version;
      ownVersion = typeof v === 'string' ? v : undefined;
    } catch {
      ownVersion = undefined;
    }
  }
  return ownVersion;
}

/** The library's classes `is.instance` marked, by name: two of one name would be told apart by nothing. */
const marked = new Map<string, object>();

/**
 * Marks `type`, a class of the library's own (it has no jsii type information), with its
 * name, so that another copy of the library recognises its instances.
 */
function markLibraryClass(type: { readonly name: string }): void {
  if (ownTag(type)) return;
  const fqn = `cluster-blueprints.${type.name}`;
  const other = marked.get(fqn);
  if (other && other !== type) throw new Error(`is.instance: two classes of the library are named ${type.name}`);
  marked.set(fqn, type);
  Object.defineProperty(type, BLUEPRINT_FQN, { value: { fqn, version: libraryVersion() }, enumerable: false });
}

/**
 * The package of which `v` is an instance of `type` from another loaded copy (two
 * node_modules copies, a directory or `npm link` install): a class up its prototype
 * chain that itself carries `type`'s own tag (jsii's for cdk8s and constructs, the
 * library's mark for its own). Never a match on a class name alone.
 */
function otherCopy(v: unknown, type: { readonly prototype: object }): Copy | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const want = ownTag(type);
  if (!want) return undefined;
  for (let p = Object.getPrototypeOf(v); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const ctor = Object.prototype.hasOwnProperty.call(p, 'constructor') ? p.constructor : undefined;
    const found = ownTag(ctor);
    if (found?.fqn === want.fqn) return { pkg: want.fqn.split('.')[0], version: found.version };
  }
  return undefined;
}

/** Where the library loaded `pkg` from (cdk8s, constructs), or for itself, its own package directory. */
function loadedFrom(pkg: string): string {
  if (pkg !== 'cluster-blueprints')
    for (const spec of [`${pkg}/package.json`, pkg])
      try {
        return spec === pkg ? require.resolve(spec) : path.dirname(require.resolve(spec));
      } catch {
        // an `exports` map may hide package.json: the entry point says where it is
      }
  for (let d = __dirname; path.dirname(d) !== d; d = path.dirname(d)) if (fs.existsSync(path.join(d, 'package.json'))) return d;
  return __dirname;
}

function duplicated(field: string, value: unknown, expected: string, copy: Copy): IssueInput {
  const own = copy.pkg === 'cluster-blueprints';
  // cdk8s and constructs go together (cdk8s's classes extend constructs'): one copy of each.
  const list = own ? 'cluster-blueprints' : copy.pkg === 'cdk8s' || copy.pkg === 'constructs' ? 'cdk8s constructs' : copy.pkg;
  return {
    code: 'PEER_DUPLICATED',
    field: field || 'props',
    value: received(value),
    message:
      `is ${expected} of another copy of ${copy.pkg}${copy.version ? ` (${copy.version})` : ''}, not of the copy this library ` +
      `loaded from ${loadedFrom(copy.pkg)}: two copies of one class are two classes`,
    fix: own
      ? 'keep one copy of cluster-blueprints (`npm ls cluster-blueprints` lists them): depend on one version of it everywhere ' +
        '(your blueprints and the packages that bring their own) and `npm dedupe`, and install it from its tarball, not ' +
        'from a directory or with `npm link` (or run node with --preserve-symlinks)'
      : `keep one copy of ${list.split(' ').join(' and of ')} (\`npm ls ${list}\` lists them): match the peer ` +
        'versions and `npm dedupe`, and install cluster-blueprints from its tarball, not from a directory or with `npm link` ' +
        '(those bring its own node_modules; or run node with --preserve-symlinks)',
  };
}

/**
 * The issue of an object that inherits a construct class's prototype without its constructor having run
 * (`Object.create(App.prototype)`): it has no node, and the first read of one is a TypeError.
 */
function notConstructed(field: string, v: unknown, expected: string): IssueInput {
  const issue = {
    ...invalid(field, v, expected),
    message: `inherits the prototype of ${expected} but was not built by its constructor: it has no construct node`,
    fix: 'build it with new (e.g. new App()), never Object.create',
  };
  NOT_CONSTRUCTED.add(issue);
  return issue;
}

/** The issues `notConstructed` made: the cause `is.either` reports, rather than its list of types. */
const NOT_CONSTRUCTED = new WeakSet<IssueInput>();

function instanceShape(type: { readonly prototype: object }, name: string): Shape {
  const expected = `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
  // Construct classes: an instance also has the node its constructor made (the prototype alone has none).
  const constructClass = type.prototype === Construct.prototype || Object.prototype.isPrototypeOf.call(Construct.prototype, type.prototype);
  return {
    expected,
    issuesOf: total(expected, (v, field) => {
      if (v !== null && typeof v === 'object' && Object.prototype.isPrototypeOf.call(type.prototype, v))
        return !constructClass || isConstruct(v) ? [] : [notConstructed(field, v, expected)];
      const copy = otherCopy(v, type);
      return [copy ? duplicated(field, v, expected, copy) : invalid(field, v, expected)];
    }),
  };
}

/** The shape builders. */
export const is = {
  /** Anything: left to the construct's own typed checks (quantities, durations). */
  any: { expected: 'any value', issuesOf: () => [] } as Shape,
  string: primitive('a string', (v) => typeof v === 'string'),
  number: primitive('a number', (v) => typeof v === 'number'),
  boolean: primitive('true or false', (v) => typeof v === 'boolean'),

  /** One of the listed values (an enum). */
  oneOf<T>(values: readonly T[], name: string): Shape {
    return primitive(`one of ${name} (${values.map((x) => JSON.stringify(x)).join(', ')})`, (v) => values.includes(v as T));
  },

  /**
   * An instance of `type`, a class of the library's own (e.g. Volume) or of a jsii package
   * (cdk8s, constructs, e.g. App). An instance of the same class from another loaded copy of
   * its package is `PEER_DUPLICATED`; for that, a class of the library's own is marked with its
   * name here (see markLibraryClass). A class of any other package: `is.foreign`.
   */
  instance(type: { readonly prototype: object; readonly name: string }, name = type.name): Shape {
    markLibraryClass(type);
    return instanceShape(type, name);
  },

  /**
   * An instance of `type`, a class of another package without jsii type information
   * (pulumi): never marked as the library's, so never `PEER_DUPLICATED`.
   */
  foreign(type: { readonly prototype: object; readonly name: string }, name = type.name): Shape {
    return instanceShape(type, name);
  },

  /** A construct (a chart, an App, any node of the tree). */
  construct: primitive('a construct', (v) => isConstruct(v)),

  /** A function. */
  func: primitive('a function', (v) => typeof v === 'function'),

  /** The first of `shapes` that fits. */
  either(...shapes: Shape[]): Shape {
    const expected = shapes.map((s) => s.expected).join(' or ');
    return {
      expected,
      issuesOf: total(expected, (v, field) => {
        const results = shapes.map((s) => s.issuesOf(v, field));
        if (results.some((r) => r.length === 0)) return [];
        // The right class from another copy of its package, or its prototype without its constructor: that is the cause, not the type.
        const copy = results.flat().find((i) => i.code === 'PEER_DUPLICATED' || NOT_CONSTRUCTED.has(i));
        if (copy) return [copy];
        // An object meant for the one object shape among them: say which of its fields is wrong.
        const objects = shapes.filter((s) => 'fields' in s);
        return isRecord(v) && objects.length === 1 ? objects[0].issuesOf(v, field) : [invalid(field, v, expected)];
      }),
    };
  },

  /**
   * A list whose every item fits `item`. The items are read one by one, and the reading stops
   * after `MAX_ITEM_ISSUES` wrong ones (one more issue says so): a list of a million wrong
   * items, or a sparse one of length 2^32 - 1, is a few issues, not a million (or a hang).
   */
  list(item: Shape): Shape {
    const expected = `a list of ${item.expected.replace(/^an? /, '')}s`;
    return {
      expected,
      issuesOf: total(expected, (v, field) => {
        if (!Array.isArray(v)) return [invalid(field, v, expected)];
        function* items(): Generator<IssueInput[]> {
          for (let i = 0, n = (v as unknown[]).length; i < n; i++) {
            const x = read(v as never, String(i));
            yield x === undefined ? [invalid(`${field}[${i}]`, x, item.expected)] : itemIssues(item, x, `${field}[${i}]`);
          }
        }
        return capped(items(), invalid(field, v, expected), `every item must be ${item.expected}`);
      }),
    };
  },

  /** An object of any keys whose every value fits `value`. */
  map(value: Shape): Shape {
    const expected = `an object of key → ${value.expected.replace(/^an? /, '')}`;
    return {
      expected,
      issuesOf: total(expected, (v, field) => {
        if (!isRecord(v)) return [invalid(field, v, expected)];
        const instance = instanceIssue(v, field, expected);
        if (instance) return [instance];
        // Judged one by one, as a list's items: `capped` stops after MAX_ITEM_ISSUES wrong ones, so a map of 100,000
        // wrong values is judged 21 times, not 100,000 (1.5 s), and "the rest was not read" is true of it too.
        function* entries(): Generator<IssueInput[]> {
          for (const [k, x] of entriesOf(v as Record<string, unknown>))
            yield UNCARRIED_KEYS.has(k)
              ? [
                  {
                    code: 'PROPS_INVALID',
                    field: join(field, k),
                    value: k,
                    message: `is a key JavaScript objects do not carry to the output ('${k}' would be dropped, or break cdk8s' rendering), although Kubernetes accepts it`,
                    fix: 'rename the key',
                  },
                ]
              : x === undefined
                ? [undefinedEntry(join(field, k), value.expected)]
                : itemIssues(value, x, join(field, k));
        }
        return capped(entries(), invalid(field, v, expected), `every value must be ${value.expected}`);
      }),
    };
  },

  /**
   * The shape of props or plain data of type `P`: a field for every property
   * of `P`, which the compiler holds to the interface (one added without its
   * shape does not compile), so a key that is none of them is refused
   * (`PROPS_UNKNOWN`: a typo would otherwise be dropped in silence).
   */
  props<P>(fields: PropsFields<P>, required: readonly (keyof P & string)[] = []): ObjectShape<P> {
    return objectShape(fields, required, true);
  },

  /**
   * An object with these fields, other keys not judged (for interfaces that
   * classes implement, and shapes of a part of the props). A field that is
   * `undefined` is left to the construct (its default, or its own "missing"
   * issue) unless listed in `required`.
   */
  object(fields: Readonly<Record<string, Shape>>, required: readonly string[] = []): ObjectShape {
    return objectShape(fields, required, false);
  },
};

function objectShape<P>(fields: Readonly<Record<string, Shape>>, required: readonly string[], closed: boolean): ObjectShape<P> {
  return {
    expected: 'an object',
    fields,
    required,
    closed,
    issuesOf: total('an object', (v, field) => {
      if (!isRecord(v)) return [invalid(field, v, `an object with ${Object.keys(fields).slice(0, 4).join(', ')}…`)];
      const instance = closed ? instanceIssue(v, field, 'a plain object') : undefined;
      if (instance) return [instance];
      // A key the shape does not know cannot be read later either when its getter throws (a spread, a copy).
      const unread = entriesOf(v).filter(([k, x]) => x === UNREADABLE && !(k in fields));
      return [
        ...unread.map(([k]) => unreadable(join(field, k), 'a plain value')),
        ...(closed ? unknownKeys(v, Object.keys(fields), field) : []),
        ...Object.entries(fields).flatMap(([k, s]) => {
          const x = read(v, k);
          if (x === undefined) return required.includes(k) ? [invalid(join(field, k), x, s.expected)] : [];
          return itemIssues(s, x, join(field, k));
        }),
      ];
    }),
  };
}

/** The issues of one value; a value that could not be read is one issue. */
function itemIssues(shape: Shape, value: unknown, field: string): IssueInput[] {
  return value === UNREADABLE ? [unreadable(field, shape.expected)] : shape.issuesOf(value, field);
}

/** An object shape, extensible by subclasses' props. */
export interface ObjectShape<P = unknown> extends Shape {
  /** The shape of each field, by name. */
  readonly fields: Readonly<Record<string, Shape>>;
  /** The fields that must be present. */
  readonly required: readonly string[];
  /** Whether a key the fields do not name is refused (`is.props`). */
  readonly closed: boolean;
  /** The props type the fields describe (for the compiler only; never set). */
  readonly props?: P;
}

/** A shape for each prop of `P`, none left out and none added. */
export type PropsFields<P> = { readonly [K in keyof P]-?: Shape };

/** `base` with a field for each prop `P` adds to `B` (a subclass's props), and any of `B`'s it shapes anew. */
export function extend<P, B>(
  base: ObjectShape<B>,
  fields: PropsFields<Omit<P, keyof B>> & { readonly [K in keyof B & keyof P]?: Shape },
  required: readonly (keyof P & string)[] = [],
): ObjectShape<P> {
  return objectShape({ ...base.fields, ...fields }, [...base.required, ...required], true);
}

/** `shape` with keys it does not name let through: a base class's check of props a subclass extends. */
export function open<P>(shape: ObjectShape<P>): ObjectShape<P> {
  return objectShape(shape.fields, shape.required, false);
}

/**
 * `PROPS_UNKNOWN` for each key of `v` that is not in `known`: a typo
 * (`replica`) or a prop of another construct, which would otherwise be
 * dropped without a word. The fix names the closest known key.
 */
function unknownKeys(v: Record<string, unknown>, known: readonly string[], field: string): IssueInput[] {
  return entriesOf(v)
    .filter(([k, x]) => x !== undefined && x !== UNREADABLE && !known.includes(k))
    .map(([k, x]) => {
      const near = closest(k, known);
      return {
        code: 'PROPS_UNKNOWN',
        field: credentialIn(k) ? join(field, '<redacted>') : join(field, k),
        value: received(x),
        message: 'is not a prop',
        fix: near ? `did you mean '${near}'?` : `remove it; the props are ${known.join(', ')}`,
      };
    });
}

/** The name in `names` nearest to `key` (case aside, at most a third of its letters off), if any. */
function closest(key: string, names: readonly string[]): string | undefined {
  const scored = names.map((n) => [n, distance(key.toLowerCase(), n.toLowerCase())] as const).sort((x, y) => x[1] - y[1]);
  return scored.length && scored[0][1] <= Math.max(1, Math.floor(key.length / 3)) ? scored[0][0] : undefined;
}

/**
 * Records every shape issue of `props` into `problems`; returns whether the
 * props fit (callers stop there when they do not: the rest of the
 * constructor relies on the types).
 */
export function checkShape(problems: Problems, props: unknown, shape: Shape, field = ''): boolean {
  const found = shape.issuesOf(props, field);
  for (const issue of found) problems.add(issue);
  return found.length === 0;
}

/** Throws `PROPS_INVALID` with every shape issue of `props` (outside a construct: functions and static factories). */
export function assertShape(props: unknown, shape: Shape, field: string, construct?: string): void {
  const found = props === undefined ? [invalid(field, props, shape.expected)] : shape.issuesOf(props, field);
  if (found.length) throw new BlueprintError(found.map((i) => ({ ...i, path: '', ...(construct ? { construct } : {}) })));
}

/** One argument of a public function: its name, the value received, its shape, and whether it may be left out. */
export type Arg = readonly [name: string, value: unknown, shape: Shape, optional?: 'optional'];

/**
 * The entry check of a public function or static factory: every argument's
 * shape issues (a missing required argument included), thrown together as
 * one `PROPS_INVALID` error naming `where` (e.g. `Volume.nfs`).
 */
export function checkArgs(where: string, ...args: Arg[]): void {
  const found = args.flatMap(([name, value, shape, optional]) =>
    value === undefined ? (optional ? [] : [invalid(name, value, shape.expected)]) : itemIssues(shape, value, name),
  );
  if (found.length) throw new BlueprintError(found.map((i) => ({ ...i, path: '', construct: where })));
}

/** The snapshots `snapshot` made: taken again, each is itself. */
const SNAPSHOTS = new WeakSet<object>();

/**
 * Whether `v` is a list or object the snapshot copies: an Array, or an object of no class (its
 * prototype is an Object.prototype, or none). Told by the prototype's own prototype, so that a
 * list or object made in another realm (a vm context, jest's) counts too, and a subclass of Array does not.
 */
function plain(v: object): 'list' | 'object' | undefined {
  // A Proxy (revoked ones included) is read by the shape check as it answers, trap by trap: kept as it is.
  if (types.isProxy(v)) return undefined;
  const proto = Object.getPrototypeOf(v);
  if (proto === null || Object.getPrototypeOf(proto) === null) return Array.isArray(v) ? undefined : 'object';
  return Array.isArray(v) && Object.getPrototypeOf(Object.getPrototypeOf(proto)) === null ? 'list' : undefined;
}

/**
 * How deep props may nest lists and objects, the YAML reader's limit too (MAX_NESTING): no prop comes near
 * it (a CRD's whole schema nests a few dozen levels). The snapshot stops there and refuses the props
 * (`PROPS_INVALID`), so neither it nor any later reader recurses without bound on `{ a: { a: … } }`.
 */
export const MAX_PROPS_DEPTH = 256;

/** The levels of keys an issue of the snapshot names (a path 256 keys long names nothing). */
const FIELD_LEVELS = 3;

/**
 * The props as a construct keeps them: lists and objects of no class are
 * copied, recursively, by their own enumerable properties, each read once (a
 * getter's value becomes a plain value; a getter that throws becomes
 * UNREADABLE, which the shape check reports as it would the getter), and
 * frozen. Class instances (Duration, Cpu, Probe, EnvValue, constructs, Peer,
 * cdk8s and cdk8s-plus objects, a Map), functions and Proxies are kept as
 * they are: they are immutable, are constructs, or are meant to be live.
 *
 * Taken at entry, before the shape check, which then judges exactly what the
 * construct goes on to read, at construction and later (at render, in node
 * validations, in lazy builders): a caller that mutates or shares its props
 * object afterwards changes nothing of the construct, and cannot slip a value
 * past the checks that already ran.
 *
 * Lists and objects nested deeper than MAX_PROPS_DEPTH are `PROPS_INVALID`
 * (thrown, as `checkArgs` throws, naming `construct` and the argument `field`
 * when given): copied, they would overflow the stack.
 */
export function snapshot<T>(value: T, at: { readonly construct?: string; readonly field?: string } = {}): T {
  const { copy, issues } = snapshotOf(value, at.field ?? '');
  if (issues.length)
    throw new BlueprintError(issues.map((i) => ({ ...i, path: '', ...(at.construct ? { construct: at.construct } : {}) })));
  return copy;
}

/** The snapshot of `value`, and the issue of its nesting when it is deeper than MAX_PROPS_DEPTH (then the copy is partial). */
function snapshotOf<T>(value: T, field: string): { copy: T; issues: IssueInput[] } {
  const issues: IssueInput[] = [];
  const copy = copyOf(value, new Map(), 0, { field, keys: [] }, issues) as T;
  return { copy, issues };
}

/** Where a copy is: the keys of its first FIELD_LEVELS levels, spelled out only for an issue. */
interface Place {
  readonly field: string;
  readonly keys: { readonly key: string; readonly list: boolean }[];
}

function fieldAt(at: Place): string {
  let field = at.field;
  for (const { key, list } of at.keys) field = list ? `${field}[${key}]` : join(field, credentialIn(key) ? '<redacted>' : key);
  return `${field}…`;
}

function copyOf(v: unknown, seen: Map<object, unknown>, depth: number, at: Place, issues: IssueInput[]): unknown {
  if (v === null || typeof v !== 'object' || SNAPSHOTS.has(v)) return v;
  const done = seen.get(v);
  if (done !== undefined) return done;
  let kind: 'list' | 'object' | undefined;
  let keys: string[];
  try {
    kind = plain(v);
    keys = kind === undefined ? [] : Object.keys(v);
  } catch {
    return v;
  }
  if (kind === undefined) return v;
  if (depth >= MAX_PROPS_DEPTH) {
    // One issue: the rest of the input is not read.
    if (issues.length === 0)
      issues.push({
        code: 'PROPS_INVALID',
        field: fieldAt(at) || 'props',
        value: received(v),
        message: `nests lists and objects deeper than ${MAX_PROPS_DEPTH} levels, which no prop does`,
        fix: 'pass the value flat, or as a string where text belongs (e.g. JSON.stringify of it)',
      });
    return v;
  }
  const out: Record<string, unknown> =
    kind === 'list' ? new Array((v as unknown[]).length) : Object.getPrototypeOf(v) === null ? Object.create(null) : {};
  seen.set(v, out);
  const named = depth < FIELD_LEVELS;
  for (const k of keys) {
    let x: unknown;
    try {
      x = (v as Record<string, unknown>)[k];
    } catch {
      x = UNREADABLE;
    }
    if (named) at.keys.push({ key: k, list: kind === 'list' });
    const copied = copyOf(x, seen, depth + 1, at, issues);
    if (named) at.keys.pop();
    if (issues.length) return v; // too deep: the snapshot is refused, its copy is not read
    // A key `__proto__` stays a key (for the shape check to refuse): assigned, it would set the prototype.
    if (k === '__proto__') Object.defineProperty(out, k, { value: copied, enumerable: true, writable: true, configurable: true });
    else out[k] = copied;
  }
  Object.freeze(out);
  SNAPSHOTS.add(out);
  return out;
}

/** What a constructor works from once its entry check passed: its issues so far, and its own snapshot of the props. */
export interface Entry<T> {
  /** Collects the construct's own checks, pathed to where it is about to stand. */
  readonly problems: Problems;
  /** The construct's own frozen copy of the props (see `snapshot`): read this, never the parameter. */
  readonly props: T;
}

/**
 * The entry check of a public constructor, run before the construct joins the
 * tree: the scope, the id (see `constructId`) and every shape issue of the
 * props' snapshot (see `snapshot`), all reported together in one
 * `BlueprintError`. Returns the `Problems` that collects the construct's own
 * checks, pathed to where it is about to stand, and the snapshot, which the
 * constructor uses from then on instead of its parameter.
 */
export function enter<T>(scope: unknown, id: unknown, props: T, construct: string, shape: Shape): Entry<T> {
  const { copy: own, issues: deep } = snapshotOf(props, '');
  const { at, issues } = placeOf(scope, id, construct);
  // Props nested too deep are refused as they are: the copy the shape would judge is partial.
  const found = deep.length ? deep : own === undefined || own === null ? [invalid('', own, shape.expected)] : shape.issuesOf(own, '');
  for (const issue of found) issues.push(issue);
  if (issues.length) throw new BlueprintError(issues.map((i) => ({ ...i, path: i.path ?? at, construct })));
  return { problems: new Problems(at, construct), props: own };
}

/** `enter` for a constructor that hands its checked props on to `super` (workloads): the snapshot. */
export function entered<T>(scope: unknown, id: unknown, props: T, construct: string, shape: Shape): T {
  return enter(scope, id, props, construct, shape).props;
}

/**
 * Like `enter`, but a construct that can check each field on its own keeps
 * going: the id and a props value that is not an object still throw at once,
 * while a field of the wrong shape is recorded in the returned `problems` and
 * left out of the returned `props` (its own checks then skip it), so one
 * construct reports every bad field, of the shape or not. The returned props
 * are a snapshot too (see `snapshot`).
 */
export function enterPartial<T extends object>(
  scope: unknown,
  id: unknown,
  props: T,
  construct: string,
  shape: ObjectShape,
): { props: T; problems: Problems } {
  const { copy: own, issues: deep } = snapshotOf(props, '');
  // Nested too deep: `enter` refuses it with the construct's path.
  if (deep.length) return enter(scope, id, props, construct, shape);
  try {
    return enter(scope, id, own, construct, shape);
  } catch (e) {
    if (!(e instanceof BlueprintError) || !isRecord(own) || e.issues.some((i) => i.code === 'ID_INVALID')) throw e;
  }
  const issues = shape.issuesOf(own, '');
  const failed = new Set(issues.map((i) => fieldRoot(i.field)));
  const kept: Record<string, unknown> = {};
  for (const [k, v] of [...entriesOf(own), ...Object.keys(shape.fields).map((k) => [k, read(own, k)] as const)])
    if (v !== UNREADABLE && v !== undefined && !failed.has(k)) Object.defineProperty(kept, k, { value: v, enumerable: true });
  const problems = new Problems(placeOf(scope, id, construct).at, construct);
  problems.addShapeIssues(issues);
  SNAPSHOTS.add(Object.freeze(kept));
  return { props: kept as T, problems };
}

/** The path a construct is about to take, and the issues of its scope and id. */
function placeOf(scope: unknown, id: unknown, construct: string): { at: string; issues: IssueInput[] } {
  const parent = isConstruct(scope) ? scope.node.path : '';
  try {
    const checked = constructId(scope, id, construct);
    return { at: parent ? `${parent}/${checked}` : checked, issues: [] };
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    return { at: parent, issues: [...e.issues] };
  }
}

/** Ids the constructs library cannot hold: its children live in a plain object. */
const RESERVED_IDS = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * A construct id as given by an untyped caller, checked before the construct
 * joins the tree: a non-string or empty id, a name of `Object.prototype`
 * (`__proto__`, `constructor`), an id already used in `scope`, or an id that
 * looks like a credential (ids become object names) is refused with
 * `ID_INVALID`, never echoing the value when it looks secret.
 */
export function constructId(scope: unknown, id: unknown, construct: string): string {
  const at = isConstruct(scope) ? scope.node.path : '';
  const fail = (message: string, fix: string, value: unknown = received(id)): never => {
    throw new BlueprintError({ code: 'ID_INVALID', path: at, construct, field: 'id', value, message, fix });
  };
  if (!isConstruct(scope)) fail('has no scope: the first argument is not a construct', 'pass the chart or construct to add to as scope');
  if (typeof id !== 'string' || id.length === 0) fail('is not a non-empty string', "give each construct a string id, e.g. 'api'");
  const text = id as string;
  if (credentialIn(text))
    fail('looks like a credential; ids become object names in the YAML', 'use a descriptive id, e.g. "api"', '<redacted>');
  if (RESERVED_IDS.has(text)) fail('is a reserved word of JavaScript objects', `use another id, e.g. '${construct.toLowerCase()}-1'`);
  const existing = (scope as IConstruct).node.tryFindChild(text);
  if (existing) {
    // Say who holds the id (a construct of a blueprint's, when one made it) and who is taking it, if a blueprint is.
    const maker = CREATING.at(-1);
    const taker = maker ? `, where ${constructName(maker)} makes its own ${childKind(construct)} '${text}'` : '';
    fail(
      `is already used by ${ownerOf(existing)} in ${at ? `'${at}'` : 'the app'}${taker}`,
      maker
        ? `give ${constructName(existing)} another id: ${maker.constructor.name} needs '${text}'`
        : CREATORS.has(existing)
          ? `give this ${construct} another id: ${constructName(CREATORS.get(existing)!)} needs '${text}'`
          : 'give each construct in one scope its own id',
    );
  }
  return text;
}

/** The constructs whose children are being made by them (see `createdBy`), innermost last. */
const CREATING: IConstruct[] = [];
/** The construct that made each construct placed outside it (a blueprint's charts, siblings of the blueprint). */
const CREATORS = new WeakMap<IConstruct, IConstruct>();

/**
 * Runs `make`, which places a construct for `creator` outside it (a blueprint's
 * chart, a sibling of the blueprint), and remembers who made it: an id clash
 * on either side then names the blueprint, not only a chart.
 */
export function createdBy<T extends IConstruct>(creator: IConstruct, make: () => T): T {
  CREATING.push(creator);
  try {
    const made = make();
    CREATORS.set(made, creator);
    return made;
  } finally {
    CREATING.pop();
  }
}

/** `BlueprintChart 'shop'`: a construct's class and path. */
function constructName(c: IConstruct): string {
  return `${c.constructor.name} '${c.node.path}'`;
}

/** `chart` for a chart class, else the class name. */
function childKind(className: string): string {
  return /Chart$/.test(className) ? 'chart' : className;
}

/** Who holds a construct: `ClusterPlatform 'platform' (its chart 'cluster')` when a blueprint made it, else its class and path. */
function ownerOf(c: IConstruct): string {
  const creator = CREATORS.get(c);
  return creator ? `${constructName(creator)} (its ${childKind(c.constructor.name)} '${c.node.id}')` : constructName(c);
}

function isConstruct(x: unknown): x is IConstruct {
  try {
    return x !== null && typeof x === 'object' && typeof (x as IConstruct).node?.tryFindChild === 'function';
  } catch {
    return false;
  }
}
