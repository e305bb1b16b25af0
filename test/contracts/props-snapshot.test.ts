import { App, Duration } from 'cdk8s';
import * as api from '../../index';
import { snapshot } from '../../constructs/core/shape';
import { FAMILIES, blueprintError, chart, image, timed } from './hostile-values';

/*
 * A construct works from its own snapshot of its props, taken at entry (before
 * the shape check): the caller's lists and objects are read once, and never
 * again, at render, in node validations or in lazy builders. Changing them
 * after construction, or sharing one props object between constructs, changes
 * nothing of what the construct renders, and cannot slip a value past the
 * checks that ran (the constructs used to keep the caller's objects: a port
 * set to 0 after construction was rendered, an emptied PDB selector covered
 * every pod of the namespace).
 */

/** The rendered objects of the app of `c`, as JSON text. */
const rendered = (c: api.BlueprintChart) => JSON.stringify(api.renderApp(c.node.root as App).map((r) => r.objects));

/** A list, or an object of no class (told by its prototype's prototype: jest's realm has its own Object.prototype). */
const plain = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return Array.isArray(v) || proto === null || Object.getPrototypeOf(proto) === null;
};

/** Applies `change` to every list and object of no class reachable from `o` (class instances and constructs left alone), deepest first. */
function everyPlain(o: unknown, change: (x: Record<string, unknown>) => void, seen = new Set<unknown>()): void {
  if (!plain(o) || seen.has(o)) return;
  seen.add(o);
  for (const k of Object.keys(o)) everyPlain(o[k], change, seen);
  change(o);
}

/** A value of the same type each construct refuses: a bad name, a zero, the other flag. */
const spoil = (v: unknown) => (typeof v === 'string' ? 'Bad Value!' : typeof v === 'number' ? 0 : typeof v === 'boolean' ? !v : v);

const MUTATIONS: [string, (props: Record<string, unknown>) => void][] = [
  [
    'every scalar spoiled, a duplicate item pushed, a bad key added',
    (props) =>
      everyPlain(props, (x) => {
        for (const k of Object.keys(x)) x[k] = spoil(x[k]);
        if (Array.isArray(x)) {
          if (x.length) x.push(x[0]);
        } else x['bad key!'] = 'Tr0ub4dor&3-x9Q2';
      }),
  ],
  [
    'every list and object emptied',
    (props) =>
      everyPlain(props, (x) => {
        if (Array.isArray(x)) x.length = 0;
        else for (const k of Object.keys(x)) delete x[k];
      }),
  ],
  [
    'every value made a getter that throws',
    (props) =>
      everyPlain(props, (x) => {
        for (const k of Object.keys(x))
          Object.defineProperty(x, k, {
            enumerable: true,
            get: () => {
              throw new Error(`late read of ${k}`);
            },
          });
      }),
  ],
];

describe.each(MUTATIONS)('props changed after construction (%s): the render is unchanged', (_how, mutate) => {
  test.each(FAMILIES)('%s', (_name, build, base) => {
    const untouched = chart();
    build(untouched, base(untouched));
    const expected = rendered(untouched);

    const c = chart();
    const props = base(c);
    build(c, props);
    mutate(props);
    const { error } = timed(() => expect(rendered(c)).toBe(expected));
    // No CHECK_FAILED blaming a check the caller never wrote, no TypeError from a late read.
    expect(error).toBeUndefined();
  });
});

describe('one props object shared by two constructs', () => {
  const shared = () => ({
    namespace: 'shop',
    image,
    ports: [{ name: 'http', port: 8080 }],
    env: { MODE: 'prod' },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    autoscaling: { minReplicas: 2, maxReplicas: 4 },
  });
  const pdb = () => ({ namespace: 'shop', name: 'p', selector: { app: 'a' }, minAvailable: 1 });

  test('each keeps what it was given: changing the object for the second does not change the first', () => {
    const separate = chart();
    new api.WebService(separate, 'a', shared());
    new api.WebService(separate, 'b', { ...shared(), ports: [{ name: 'http', port: 9090 }] });
    new api.PodDisruptionBudget(separate, 'p1', pdb());
    new api.PodDisruptionBudget(separate, 'p2', { ...pdb(), name: 'q', selector: { app: 'b' } });

    const c = chart();
    const props = shared();
    new api.WebService(c, 'a', props);
    props.ports[0].port = 9090;
    new api.WebService(c, 'b', props);
    props.ports[0].port = 0;
    props.autoscaling.maxReplicas = 0;
    props.env.MODE = 'Bad Value!';
    const budget = pdb();
    new api.PodDisruptionBudget(c, 'p1', budget);
    Object.assign(budget, { name: 'q' });
    budget.selector.app = 'b';
    new api.PodDisruptionBudget(c, 'p2', budget);
    delete (budget.selector as Partial<typeof budget.selector>).app;
    expect(rendered(c)).toBe(rendered(separate));
  });
});

test('what addSidecar, addInitContainer, addEnv, addMounts and addRoute are given is read once, at the call', () => {
  const build = (c: api.BlueprintChart) => {
    const web = new api.WebService(c, 'web', { namespace: 'shop', image, ports: [{ name: 'http', port: 8080 }] });
    const given = {
      sidecar: { name: 'proxy', image, ports: [{ name: 'proxy', port: 9000 }], args: ['--listen', ':9000'] },
      init: { name: 'migrate', image, command: ['migrate'] },
      env: { REGION: 'eu' },
      mounts: [{ volume: api.Volume.emptyDir('cache'), path: '/cache' }],
      route: { path: '/', backend: web },
    };
    web.addSidecar(given.sidecar);
    web.addInitContainer(given.init);
    web.addEnv(given.env);
    web.addMounts(given.mounts);
    const issuer = new api.ClusterIssuer(c, 'le', { email: 'ops@example.com' });
    new api.IngressRoutes(c, 'routes', { namespace: 'shop', host: 'shop.example.com', issuer }).addRoute(given.route);
    return given;
  };
  const expected = rendered(
    (() => {
      const c = chart();
      build(c);
      return c;
    })(),
  );
  const c = chart();
  const given = build(c);
  given.sidecar.ports[0].port = 0;
  given.sidecar.args.push('--password', 'Tr0ub4dor&3-x9Q2');
  given.init.command[0] = '';
  given.env.REGION = 'Bad Value!';
  given.mounts[0].path = 'relative';
  given.route.path = 'no-slash';
  expect(rendered(c)).toBe(expected);
});

describe('a getter is read once, at entry', () => {
  test('a port whose getter is good once and bad after: the good value is checked and rendered', () => {
    let reads = 0;
    const port = {
      name: 'http',
      get port() {
        return reads++ === 0 ? 8080 : 0;
      },
    };
    const c = chart();
    new api.WebService(c, 'web', { namespace: 'shop', image, ports: [port] });
    const objects = api.renderApp(c.node.root as App).flatMap((r) => r.objects);
    const deployment = objects.find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
    expect(objects.find((o) => o.kind === 'Service').spec.ports[0].port).toBe(8080);
    expect(reads).toBe(1);
  });

  test('a getter that throws after its first read: never read again', () => {
    let reads = 0;
    const selector = {
      get app() {
        if (reads++) throw new Error('second read');
        return 'a';
      },
    };
    const c = chart();
    new api.PodDisruptionBudget(c, 'p', { namespace: 'shop', name: 'p', selector, minAvailable: 1 });
    const [budget] = api.renderApp(c.node.root as App).flatMap((r) => r.objects);
    expect(budget.spec.selector).toEqual({ matchLabels: { app: 'a' } });
  });

  test('the valid neighbour: a getter that throws at entry is still PROPS_INVALID at its field', () => {
    const selector = Object.defineProperty({}, 'app', {
      enumerable: true,
      get: () => {
        throw new Error('get');
      },
    });
    const err = blueprintError(
      timed(() => new api.PodDisruptionBudget(chart(), 'p', { namespace: 'shop', name: 'p', selector, minAvailable: 1 })).error,
    );
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([['PROPS_INVALID', 'selector.app']]);
  });
});

describe('snapshot', () => {
  test('copies lists and objects of no class, recursively, and freezes them; a snapshot is its own', () => {
    const given = { a: [{ b: 1 }], c: Object.assign(Object.create(null), { d: 'e' }) };
    const own = snapshot(given);
    expect(own).toEqual(given);
    expect(own).not.toBe(given);
    expect(own.a).not.toBe(given.a);
    expect(own.a[0]).not.toBe(given.a[0]);
    expect(Object.getPrototypeOf(own.c)).toBeNull();
    for (const x of [own, own.a, own.a[0], own.c]) expect(Object.isFrozen(x)).toBe(true);
    expect(snapshot(own)).toBe(own);
  });

  test('keeps class instances, functions, Maps and Proxies as they are (immutable, constructs, or meant to be live)', () => {
    const c = chart();
    const team = new api.TeamNamespace(c, 'team', {});
    const map = new Map([['a', 'b']]);
    const fn = () => 1;
    const proxy = new Proxy({}, {});
    const given = { team, grace: Duration.seconds(5), cpu: api.Cpu.parse('1'), map, fn, proxy };
    const own = snapshot(given);
    for (const k of Object.keys(given) as (keyof typeof given)[]) expect(own[k]).toBe(given[k]);
  });

  test('a cycle is copied as a cycle; a `__proto__` key stays a key', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const own = snapshot(cyclic);
    expect(own.self).toBe(own);
    const withProto = snapshot(JSON.parse('{"__proto__": {"x": 1}}'));
    expect(Object.keys(withProto)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(withProto)).toBe(Object.prototype);
  });
});
