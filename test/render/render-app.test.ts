import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { BlueprintChart, BlueprintError, TeamNamespace, Worker, addCheck, formatWarnings, renderApp, synthesize } from '../../constructs';
import { METRICS_WORKER, catchBlueprintError, expectCode } from '../helpers';

/** A raw core (v1) object of `kind` named `name` in namespace team, `extra` its fields beside the metadata. */
function teamObject(scope: Construct, id: string, kind: string, name: string, extra: Record<string, unknown> = {}): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind, metadata: { name, namespace: 'team' }, ...extra } as any);
}

function configMap(scope: Construct, id: string, name: string, extra: Record<string, unknown> = {}): ApiObject {
  return teamObject(scope, id, 'ConfigMap', name, extra);
}

describe('renderApp stages', () => {
  test('OBJECT_DUPLICATE: the same group, kind, namespace and name in two charts names both construct paths', () => {
    const app = new App();
    configMap(new BlueprintChart(app, 'one', { owner: 'a' }), 'cm', 'settings');
    configMap(new BlueprintChart(app, 'two', { owner: 'b' }), 'cm', 'settings');
    const issue = expectCode(() => renderApp(app), 'OBJECT_DUPLICATE');
    expect(issue.path).toBe('two/cm');
    expect(issue.message).toContain('one/cm');
    expect(issue.fix).toContain('one/cm');
    expect(issue.fix).toContain('two/cm');
  });

  test('two TeamNamespaces of the same name are duplicates', () => {
    const app = new App();
    new TeamNamespace(new BlueprintChart(app, 'one', { owner: 'a' }), 'payments');
    new TeamNamespace(new BlueprintChart(app, 'two', { owner: 'b' }), 'payments');
    const err = catchBlueprintError(() => renderApp(app));
    expect(err.codes).toEqual(['OBJECT_DUPLICATE']);
    expect(err.issues.map((i) => i.path)).toContain('two/payments/Resource');
  });

  test('same name in another namespace, or another kind, is not a duplicate', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'one', { owner: 'a' });
    configMap(chart, 'a', 'settings');
    new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'other' } });
    teamObject(chart, 'c', 'Secret', 'settings');
    expect(renderApp(app)[0].objects).toHaveLength(3);
  });

  test('construct checks, duplicates and schema errors are reported together by one synth', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'x' });
    addCheck(new Construct(chart, 'broken'), 'Broken', () => [{ code: 'TEST_CHECK', field: 'a', message: 'is wrong', fix: 'fix a' }]);
    configMap(chart, 'cm1', 'dup');
    configMap(chart, 'cm2', 'dup');
    configMap(chart, 'typo', 'typo', { dataa: { a: 'b' } });
    const err = catchBlueprintError(() => renderApp(app));
    expect(err.codes).toEqual(['TEST_CHECK', 'OBJECT_DUPLICATE', 'SCHEMA_UNKNOWN_FIELD']);
    expect(err.issues.map((i) => i.path)).toEqual(['c/broken', 'c/cm2', 'c/typo']);
    expect(err.issues[2].field).toBe('/dataa');
  });

  test('a later stage skips the objects an earlier stage flagged; construct checks do not hide their objects', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'x' });
    configMap(chart, 'first', 'same');
    configMap(chart, 'second', 'same', { dataa: { a: 'b' } }); // a duplicate, and schema-invalid
    const broken = new Construct(chart, 'broken');
    addCheck(broken, 'Broken', () => [{ code: 'TEST_CHECK', field: 'a', message: 'is wrong', fix: 'fix a' }]);
    configMap(broken, 'typo', 'typo', { dataa: { a: 'b' } });
    const err = catchBlueprintError(() => renderApp(app));
    expect(err.issues.map((i) => [i.code, i.path])).toEqual([
      ['TEST_CHECK', 'c/broken'],
      ['OBJECT_DUPLICATE', 'c/second'],
      ['SCHEMA_UNKNOWN_FIELD', 'c/broken/typo'],
    ]);
  });

  test('errors of cdk8s validations are wrapped as CDK8S_VALIDATION', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'x' });
    new TeamNamespace(chart, 'ok');
    chart.node.addValidation({ validate: () => ['plain cdk8s failure'] });
    const err = catchBlueprintError(() => renderApp(app));
    expect(err).toBeInstanceOf(BlueprintError);
    expect(err.code).toBe('CDK8S_VALIDATION');
  });

  test('constructPaths name the ApiObject behind each rendered object', () => {
    const app = new App();
    configMap(new BlueprintChart(app, 'c', { owner: 'x' }), 'cm', 'cm');
    const [r] = renderApp(app);
    expect(r.constructPaths).toEqual(['c/cm']);
  });
});

describe('a plain app.synth() of a BlueprintChart runs the same checks', () => {
  const outdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cb-plain-'));

  test('a schema error is the typed BlueprintError, and nothing is written', () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    configMap(new BlueprintChart(app, 'c', { owner: 'x' }), 'typo', 'typo', { dataa: { a: 'b' } });
    const err = catchBlueprintError(() => app.synth());
    expect(err.code).toBe('SCHEMA_UNKNOWN_FIELD');
    expect(err.path).toBe('c/typo');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a duplicate across charts fails app.synth() too', () => {
    const app = new App({ outdir: outdir() });
    configMap(new BlueprintChart(app, 'one', { owner: 'a' }), 'cm', 'settings');
    configMap(new BlueprintChart(app, 'two', { owner: 'b' }), 'cm', 'settings');
    expect(catchBlueprintError(() => app.synth()).codes).toEqual(['OBJECT_DUPLICATE']);
  });

  test('a construct check fails it with every issue, as a BlueprintError', () => {
    const app = new App({ outdir: outdir() });
    const chart = new BlueprintChart(app, 'c', { owner: 'x' });
    addCheck(new Construct(chart, 'a'), 'A', () => [{ code: 'TEST_A', field: 'a', message: 'is wrong', fix: 'fix a' }]);
    addCheck(new Construct(chart, 'b'), 'B', () => [{ code: 'TEST_B', field: 'b', message: 'is wrong', fix: 'fix b' }]);
    const err = catchBlueprintError(() => app.synth());
    expect(err).toBeInstanceOf(BlueprintError);
    expect(err.codes).toEqual(['TEST_A', 'TEST_B']);
  });

  test('a valid app writes what renderApp renders, checks run once', () => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const chart = new BlueprintChart(app, 'c', { owner: 'x' });
    new TeamNamespace(chart, 'payments');
    let runs = 0;
    addCheck(new Construct(chart, 'counted'), 'Counted', () => {
      runs++;
      return [];
    });
    app.synth();
    expect(runs).toBe(1);
    expect(fs.readdirSync(dir)).toEqual(['c.k8s.yaml']);
    expect(chart.toJson().map((o) => o.kind)).toContain('ResourceQuota');
  });
});

describe('render-stage issues carry the value found at their pointer', () => {
  const chartOf = () => {
    const app = new App();
    return { app, chart: new BlueprintChart(app, 'one', { owner: 'a' }) };
  };

  test('SCHEMA_*: the value the schema refused', () => {
    const { app, chart } = chartOf();
    configMap(chart, 'cm', 'settings', { data: { retries: 5 } });
    const issue = catchBlueprintError(() => renderApp(app)).issues.find((i) => i.code.startsWith('SCHEMA_'))!;
    expect(issue).toMatchObject({ field: '/data/retries', value: 5 });
    expect(issue.fix.length).toBeGreaterThan(0);
    expect(issue.path).toBe('one/cm');
  });

  test('a rule finding (REF_*): the value at its pointer, as plain data', () => {
    const { app, chart } = chartOf();
    teamObject(chart, 'svc', 'Service', 'api', {
      spec: { selector: { app: 'nothing' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    });
    const issues = catchBlueprintError(() => renderApp(app)).issues.filter((i) => i.code.startsWith('REF_'));
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue).toHaveProperty('value');
    expect(issues.find((i) => i.field === '/spec/selector')?.value).toEqual({ app: 'nothing' });
  });

  test("a Secret's data is never shown as a value, only its keys", () => {
    const { app, chart } = chartOf();
    teamObject(chart, 's', 'Secret', 's', { stringData: { password: 42, token: 'plain-text-not-a-known-pattern' } });
    const err = catchBlueprintError(() => renderApp(app));
    const issue = err.issues.find((i) => i.field === '/stringData/password')!;
    expect(issue.value).toBe('<redacted>');
    expect(err.message).not.toContain('plain-text-not-a-known-pattern');
  });
});

describe('renderApp warnings', () => {
  test('each warning lands on the chart of the object it is about; a chart without any has none, and nothing fails', () => {
    const app = new App();
    new TeamNamespace(new BlueprintChart(app, 'quiet', { owner: 'q' }), 'quiet');
    const noisy = new BlueprintChart(app, 'noisy', { owner: 'n' });
    const team = new TeamNamespace(noisy, 'noisy');
    new Worker(noisy, 'queue', { namespace: team, ...METRICS_WORKER });
    const [quiet, loud] = renderApp(app);
    expect(quiet.warnings).toEqual([]);
    expect(loud.warnings.map((w) => [w.code, w.path])).toEqual(expect.arrayContaining([['REL_READINESS', 'noisy/queue/Deployment']]));
    for (const w of loud.warnings) expect(loud.constructPaths).toContain(w.path);
  });
});

describe('a plain app.synth() prints the warnings nothing else would show', () => {
  const noisyApp = (outdir: string) => {
    const app = new App({ outdir });
    const chart = new BlueprintChart(app, 'noisy', { owner: 'n' });
    new Worker(chart, 'queue', { namespace: new TeamNamespace(chart, 'noisy'), ...METRICS_WORKER });
    return app;
  };
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cb-warn-'));
  let printed: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    printed = [];
    spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  });
  afterEach(() => {
    spy.mockRestore();
    delete process.env.CLUSTER_BLUEPRINTS_WARNINGS;
  });

  test('once per synth, to stderr, in the format of `npm run synth` (formatWarnings), and the files are written', () => {
    const dir = tmp();
    const app = noisyApp(dir);
    const warnings = renderApp(noisyApp(tmp())).flatMap((r) => r.warnings);
    app.synth();
    expect(printed).toEqual([formatWarnings(warnings)]);
    expect(printed[0]).toContain('REL_READINESS');
    expect(fs.readdirSync(dir)).toEqual(['noisy.k8s.yaml']);
  });

  test('synthesize(), renderApp() and toJson() print nothing: they return the warnings', () => {
    const app = noisyApp(tmp());
    expect(synthesize(app).warnings.length).toBeGreaterThan(0);
    renderApp(app);
    (app.charts[0] as BlueprintChart).toJson();
    expect(printed).toEqual([]);
  });

  test('CLUSTER_BLUEPRINTS_WARNINGS=silent keeps app.synth() quiet', () => {
    process.env.CLUSTER_BLUEPRINTS_WARNINGS = 'silent';
    noisyApp(tmp()).synth();
    expect(printed).toEqual([]);
  });
});
