import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BlueprintChart, EnvValue, Probe, TeamNamespace, Volume, WebService, renderApp, synthesize } from '../../constructs';
import { synthObjects } from '../../testing';
import { deployApp } from '../../pulumi';
import { catchBlueprintError, expectCode } from '../helpers';

/*
 * Two loaded copies of cdk8s (a directory or `npm link` install of the library brings its
 * own node_modules; a nested older copy): an App of one is no App of the other. A second
 * copy here is a real one: jest.isolateModules loads cdk8s and constructs again. Every entry
 * (renderApp, synthObjects, a construct's props) judges its objects by core/shape.ts's
 * `is.instance`, which alone decides between PEER_DUPLICATED and PROPS_INVALID.
 */
function otherCdk8s(): typeof import('cdk8s') {
  let copy!: typeof import('cdk8s');
  jest.isolateModules(() => {
    copy = require('cdk8s');
  });
  expect(copy.App).not.toBe(App); // two copies indeed
  return copy;
}

test('an App of another cdk8s copy is PEER_DUPLICATED, naming the copy the library loaded and how to keep one', () => {
  const app = new (otherCdk8s().App)();
  const issue = expectCode(() => renderApp(app), 'PEER_DUPLICATED');
  expect(issue.field).toBe('app');
  expect(issue.message).toContain(`another copy of cdk8s (${require('cdk8s/package.json').version})`);
  expect(issue.message).toContain(path.dirname(require.resolve('cdk8s/package.json')));
  expect(issue.fix).toContain('npm ls cdk8s constructs');
  expect(issue.fix).toContain('tarball');
  for (const call of [() => synthesize(app, { outdir: 'unused' }), () => deployApp(app)])
    expect(catchBlueprintError(call).codes).toEqual(['PEER_DUPLICATED']);
});

test('a Chart or App of another copy, where either is taken (testing helpers), is PEER_DUPLICATED too', () => {
  const other = otherCdk8s();
  const app = new other.App();
  expect(catchBlueprintError(() => synthObjects(app)).codes).toEqual(['PEER_DUPLICATED']);
  expect(catchBlueprintError(() => synthObjects(new other.Chart(app, 'c'))).codes).toEqual(['PEER_DUPLICATED']);
  // A subclass of the other copy's App is still that copy's App.
  class MyApp extends other.App {}
  expect(catchBlueprintError(() => renderApp(new MyApp())).codes).toEqual(['PEER_DUPLICATED']);
});

test("a class of the library's own from another copy of the library is PEER_DUPLICATED naming cluster-blueprints", () => {
  let copy!: typeof import('../../constructs');
  jest.isolateModules(() => {
    copy = require('../../constructs');
  });
  const app = new App();
  const chart = new BlueprintChart(app, 'c', { owner: 'o' });
  const team = new TeamNamespace(chart, 'shop');
  const issue = expectCode(
    () =>
      new WebService(chart, 'web', {
        namespace: team,
        image: 'a/b:1',
        ports: [{ name: 'http', port: 8080 }],
        readiness: copy.Probe.tcp('http'),
      }),
    'PEER_DUPLICATED',
  );
  expect(issue.field).toBe('readiness');
  expect(issue.message).toContain(`another copy of cluster-blueprints (${require('../../package.json').version})`);
  expect(issue.message).not.toContain('copy of constructs');
  expect(issue.fix).toContain('npm ls cluster-blueprints');
  expect(issue.fix).not.toMatch(/cdk8s|constructs/);
});

test("a Construct of the library's own from another copy (a TeamNamespace) names cluster-blueprints, not constructs", () => {
  let copy!: typeof import('../../constructs');
  let copyCdk8s!: typeof import('cdk8s');
  jest.isolateModules(() => {
    copy = require('../../constructs');
    copyCdk8s = require('cdk8s');
  });
  const otherTeam = new copy.TeamNamespace(new copy.BlueprintChart(new copyCdk8s.App(), 'c', { owner: 'o' }), 'shop');
  const chart = new BlueprintChart(new App(), 'c', { owner: 'o' });
  const issue = expectCode(
    () => new WebService(chart, 'web', { namespace: otherTeam as never, image: 'a/b:1', ports: [{ name: 'http', port: 8080 }] }),
    'PEER_DUPLICATED',
  );
  expect(issue.field).toBe('namespace');
  expect(issue.message).toContain('a TeamNamespace of another copy of cluster-blueprints');
  expect(issue.fix).toContain('npm ls cluster-blueprints');
});

test('what is not the class at all stays PROPS_INVALID (no second copy is claimed)', () => {
  class App {} // a class of the same name, not of cdk8s: jsii names the real one
  expect(catchBlueprintError(() => renderApp(new App() as never)).codes).toEqual(['PROPS_INVALID']);
  expect(catchBlueprintError(() => renderApp(new Chart(new (otherCdk8s().App)(), 'c') as never)).codes).toEqual(['PROPS_INVALID']);
  expect(Probe.tcp('http')).toBeInstanceOf(Probe);
});

/*
 * Wrong types that are no second copy of anything stay PROPS_INVALID. Every Construct
 * subclass inherits constructs' jsii tag, and a user's class may share a library class's
 * name: neither is a copy of the expected class.
 */
describe('a wrong type of the same package or name is PROPS_INVALID, not PEER_DUPLICATED', () => {
  function web(chart: BlueprintChart, team: unknown, extra: object = {}) {
    return () =>
      new WebService(chart, `web${chart.node.children.length}`, {
        namespace: team as TeamNamespace,
        image: 'a/b:1',
        ports: [{ name: 'http', port: 8080 }],
        ...extra,
      });
  }
  const setup = () => {
    const chart = new BlueprintChart(new App(), 'c', { owner: 'o' });
    return { chart, team: new TeamNamespace(chart, 'shop') };
  };

  test("a cdk8s-plus ServiceAccount as serviceAccount (another Construct, not the library's ServiceAccount)", () => {
    const { chart, team } = setup();
    const issues = catchBlueprintError(web(chart, team, { serviceAccount: new kplus.ServiceAccount(chart, 'sa') })).issues;
    expect(issues.map((i) => [i.code, i.field])).toEqual([['PROPS_INVALID', 'serviceAccount']]);
  });

  test('a Chart as namespace', () => {
    const { chart } = setup();
    const issues = catchBlueprintError(web(chart, chart)).issues;
    expect(issues.map((i) => [i.code, i.field])).toEqual([['PROPS_INVALID', 'namespace']]);
  });

  test("a user's own class named Probe as readiness", () => {
    class Probe {
      constructor(public port: string) {}
    }
    const { chart, team } = setup();
    const issues = catchBlueprintError(web(chart, team, { readiness: new Probe('http') })).issues;
    expect(issues.map((i) => [i.code, i.field])).toEqual([['PROPS_INVALID', 'readiness']]);
  });

  test('a cdk8s-plus ConfigMap to EnvValue.fromConfigMap or Volume.fromConfigMap, a Chart to Volume.fromConfigMap', () => {
    const { chart } = setup();
    const cm = new kplus.ConfigMap(chart, 'cm', { data: { k: 'v' } });
    expect(catchBlueprintError(() => EnvValue.fromConfigMap(cm as never, 'k')).codes).toEqual(['PROPS_INVALID']);
    expect(catchBlueprintError(() => Volume.fromConfigMap(cm as never)).codes).toEqual(['PROPS_INVALID']);
    expect(catchBlueprintError(() => Volume.fromConfigMap(chart as never)).codes).toEqual(['PROPS_INVALID']);
  });
});

describe('a class instance where plain data goes is PROPS_INVALID, not an empty object', () => {
  // A Map keeps its entries out of its own properties: accepted, it rendered `{}` (pod labels selecting every pod).
  const M = (o: Record<string, string>) => new Map(Object.entries(o));
  class Labels {
    get app() {
      return 'web';
    }
  }

  test.each([
    [
      'a Map of pod labels',
      () => new TeamNamespace(testChart(), 'shop').allowFromNamespace('monitoring', M({ app: 'prometheus' }) as never),
    ],
    ['a Map of env', () => new WebService(testChart(), 'w', { ...WEB_PROPS, env: M({ LOG_LEVEL: 'debug' }) as never })],
    [
      'an object whose keys are getters of its class',
      () => new WebService(testChart(), 'w', { ...WEB_PROPS, podAnnotations: new Labels() as never }),
    ],
    ['props of a class', () => new TeamNamespace(testChart(), 'shop', new (class {})() as never)],
  ])('%s', (_what, make) => {
    const issue = catchBlueprintError(make).issues[0];
    expect([issue.code, issue.message]).toEqual(['PROPS_INVALID', expect.stringMatching(/^is an? \w+( of a class)?, not a plain object/)]);
  });

  test('plain objects, null-prototype objects and Proxies of plain objects are still read', () => {
    const bare = Object.assign(Object.create(null), { app: 'prometheus' });
    expect(() => new TeamNamespace(testChart(), 'a').allowFromNamespace('monitoring', bare)).not.toThrow();
    expect(() => new TeamNamespace(testChart(), 'b').allowFromNamespace('monitoring', new Proxy({ app: 'p' }, {}))).not.toThrow();
  });
});

function testChart(): Chart {
  return new BlueprintChart(new App(), 'c', { owner: 'test' });
}

const WEB_PROPS = {
  namespace: 'shop',
  image: 'ghcr.io/acme/web:1.0.0',
  ports: [{ name: 'http', port: 8080 }],
  readiness: Probe.http('/healthz', 'http'),
};
