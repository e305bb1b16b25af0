import { App } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  BlueprintChart,
  EnvValue,
  Peer,
  Probe,
  QuotaPreset,
  SecretBackend,
  SecretDeclaration,
  TeamNamespace,
  TeamNamespaceProps,
  WebService,
  Worker,
  setClusterFacts,
} from '../../constructs';
import { expectErrorCode, expectNoFindings, findObject, findingsOf, objectsOfKind, synthObjects } from '../../testing';

/* The consumer-facing test helpers (`cluster-blueprints/testing`), on small apps. */

/** A chart `name` in `app`, owned by `owner`, holding the team namespace of the same name. */
function teamChartIn(app: App, name: string, owner: string, props?: TeamNamespaceProps) {
  const chart = new BlueprintChart(app, name, { owner });
  return { chart, team: new TeamNamespace(chart, name, props) };
}

function shop() {
  const app = new App();
  const { chart, team } = teamChartIn(app, 'shop', 'shop-team', { quota: QuotaPreset.SMALL });
  const web = new WebService(chart, 'web', {
    namespace: team,
    image: 'nginxinc/nginx-unprivileged:1.27.2',
    ports: [{ name: 'http', port: 8080 }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '100m', memory: '128Mi' } },
    liveness: Probe.http('/livez', 'http'), // else REL_LIVENESS warns
  });
  // The team namespace denies all ingress: without a client admitted, the Service is REF_SERVICE_UNREACHABLE.
  web.allowFrom(Peer.ingressController());
  const { chart: other } = teamChartIn(app, 'other', 'other-team');
  return { app, chart, other };
}

test('synthObjects renders a chart alone or the whole app', () => {
  const { app, chart } = shop();
  const own = synthObjects(chart);
  expect(own.every((o) => o.metadata.namespace === 'shop' || o.metadata.name === 'shop')).toBe(true);
  expect(synthObjects(app).length).toBeGreaterThan(own.length);
});

test('findObject finds by kind, name and namespace, and explains a miss', () => {
  const objects = synthObjects(shop().app);
  expect(findObject(objects, { kind: 'Deployment', name: 'web', namespace: 'shop' }).spec.template.spec.containers[0].image).toBe(
    'nginxinc/nginx-unprivileged:1.27.2',
  );
  expect(findObject(objects, { kind: 'ServiceAccount', name: 'workload', namespace: 'other' }).metadata.namespace).toBe('other');
  // Two ServiceAccounts named workload: without a namespace the query is ambiguous.
  expect(() => findObject(objects, { kind: 'ServiceAccount', name: 'workload' })).toThrow(/expected one ServiceAccount\/workload, found 2/);
  expect(() => findObject(objects, { kind: 'Deployment', name: 'api', namespace: 'shop' })).toThrow(/among: .*Deployment\/shop\/web/);
  expect(objectsOfKind(objects, 'Namespace').map((o) => o.metadata.name)).toEqual(['shop', 'other']);
});

test('expectNoFindings passes on a clean chart and lists each finding otherwise', () => {
  const { chart } = shop();
  expect(findingsOf(chart)).toEqual([]);
  expect(() => expectNoFindings(chart)).not.toThrow();
  // A Service whose selector matches no pod: the catalogue's error, raised by the render itself.
  const { chart: lonely } = teamChartIn(new App(), 'lonely', 'x');
  new k8s.KubeService(lonely, 'orphan', {
    metadata: { name: 'orphan', namespace: 'lonely' },
    spec: { selector: { app: 'nothing' }, ports: [{ name: 'http', port: 80 }] },
  });
  expect(() => expectNoFindings(lonely)).toThrow(/REF_SERVICE_SELECTOR '\/spec\/selector' selects no pods/);
  // A warning counts: a WebService in a TeamNamespace that no NetworkPolicy lets anything reach.
  const { chart: closed, team } = teamChartIn(new App(), 'closed', 'x');
  new WebService(closed, 'web', { namespace: team, image: 'nginxinc/nginx-unprivileged:1.27.2', ports: [{ name: 'http', port: 8080 }] });
  expect(() => expectNoFindings(closed)).toThrow(/warning REF_SERVICE_UNREACHABLE Service\/closed\/web\/spec\/ports/);
});

test('expectErrorCode returns the issue of a failing synth or construction, and fails otherwise', () => {
  const { chart, team } = teamChartIn(new App(), 'bad', 'x', { quota: QuotaPreset.SMALL });
  new WebService(chart, 'web', { namespace: team, image: 'nginx:1.27', replicas: 40, ports: [{ name: 'http', port: 8080 }] });
  expect(expectErrorCode(chart, 'QUOTA_PODS_EXCEEDED').path).toContain('bad');
  expect(() => expectErrorCode(chart, 'NAME_INVALID')).toThrow(/expected BlueprintError NAME_INVALID, got QUOTA_PODS_EXCEEDED/);
  expect(() => expectErrorCode(shop().app, 'QUOTA_PODS_EXCEEDED')).toThrow(/nothing failed/);
  expect(() =>
    expectErrorCode(() => {
      throw new TypeError('boom');
    }, 'X'),
  ).toThrow(/got TypeError: boom/);
});

describe('expectErrorCode fails with an AssertionError whatever the action does', () => {
  /** The message of the AssertionError `fn` throws. */
  const assertion = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect((e as Error)?.name).toBe('AssertionError');
      return (e as Error).message;
    }
    throw new Error('expected an AssertionError, but nothing was thrown');
  };
  test('an async action: an AssertionError, and its rejection is never an unhandled one (that ended the process)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    try {
      expect(
        assertion(() =>
          expectErrorCode(async () => {
            throw new Error('async');
          }, 'X'),
        ),
      ).toContain('returned a Promise');
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  test('a thrown value that cannot be turned into text (a null-prototype object) is described, not a TypeError', () => {
    expect(
      assertion(() =>
        expectErrorCode(() => {
          throw Object.create(null);
        }, 'X'),
      ),
    ).toContain('a value that cannot be shown');
  });

  test('the valid neighbour: a BlueprintError of the code is returned', () => {
    const chart = new BlueprintChart(new App(), 'c', { owner: 'o' });
    const issue = expectErrorCode(
      () => new Worker(chart, 'w', { namespace: 'shop', image: 'nginx:1.27', replica: 2 } as never),
      'PROPS_UNKNOWN',
    );
    expect(issue.field).toBe('replica');
  });
});

test('findingsOf judges with the context synth uses: a secret store the app declares as existing is no finding', () => {
  const app = new App();
  setClusterFacts(app, { existingSecretStores: ['vault'] });
  SecretBackend.use(app, SecretBackend.externalSecrets({ store: 'vault' }));
  const { chart, team } = teamChartIn(app, 'shop', 'shop-team');
  const db = new SecretDeclaration(chart, 'db', { namespace: team, keys: ['url'] });
  const web = new WebService(chart, 'web', {
    namespace: team,
    image: 'nginxinc/nginx-unprivileged:1.27.2',
    ports: [{ name: 'http', port: 8080 }],
    readiness: Probe.http('/', 'http'),
    liveness: Probe.http('/livez', 'http'),
    env: { DATABASE_URL: EnvValue.fromSecret(db, 'url') },
  });
  web.allowFrom(Peer.ingressController());
  expect(findingsOf(app).filter((f) => f.rule === 'REF_MISSING_OBJECT')).toEqual([]);
  expect(() => expectNoFindings(app)).not.toThrow();
});

describe('bad arguments are typed errors, never TypeErrors', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e: any) {
      return e.issues?.map((i: any) => `${i.code} ${i.field}`) ?? `${e.name}: ${e.message}`;
    }
    return 'nothing thrown';
  };
  test.each([
    ['synthObjects(null)', () => synthObjects(null as any), ['PROPS_INVALID scope']],
    ['expectNoFindings(null)', () => expectNoFindings(null as any), ['PROPS_INVALID scope']],
    ['findingsOf({})', () => findingsOf({} as any), ['PROPS_INVALID scope']],
    [
      'findObject(null, {})',
      () => findObject(null as any, {} as any),
      ['PROPS_INVALID objects', 'PROPS_INVALID query.kind', 'PROPS_INVALID query.name'],
    ],
    ['findObject([], null)', () => findObject([], null as any), ['PROPS_INVALID query']],
    [
      'findObject([], { kind, nmae })',
      () => findObject([], { kind: 'Deployment', nmae: 'web' } as any),
      ['PROPS_UNKNOWN query.nmae', 'PROPS_INVALID query.name'],
    ],
    ['objectsOfKind(undefined, 1)', () => objectsOfKind(undefined as any, 1 as any), ['PROPS_INVALID objects', 'PROPS_INVALID kind']],
    ['expectErrorCode(null, 1)', () => expectErrorCode(null as any, 1 as any), ['PROPS_INVALID action', 'PROPS_INVALID code']],
  ])('%s', (_, fn, codes) => expect(codeOf(fn)).toEqual(codes));

  test('good arguments still work', () => {
    const objects = synthObjects(shop().app);
    expect(findObject(objects, { kind: 'Namespace', name: 'shop' }).metadata.name).toBe('shop');
    expect(objectsOfKind(objects, 'Namespace').map((o) => o.metadata.name)).toEqual(['shop', 'other']);
  });
});
