import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import { BlueprintChart, BlueprintError, TeamNamespace, addCheck, renderApp, synthesize } from '../../constructs';
import { catchBlueprintError } from '../helpers';

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cb-synth-'));
}

describe('synthesize', () => {
  test('writes one YAML file per chart and returns what it wrote', () => {
    const app = new App();
    new TeamNamespace(new BlueprintChart(app, 'team-a', { owner: 'a' }), 'a');
    new TeamNamespace(new BlueprintChart(app, 'team-b', { owner: 'b' }), 'b');
    const outdir = path.join(tmpdir(), 'dist');
    const result = synthesize(app, { outdir });
    expect(result.files.sort()).toEqual(['team-a.k8s.yaml', 'team-b.k8s.yaml']);
    const docs = parseAllDocuments(fs.readFileSync(path.join(outdir, 'team-a.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toContain('ResourceQuota');
    expect(result.objectCount).toBe(12); // 6 per team: Namespace, quota, LimitRange, 2 NetworkPolicies, ServiceAccount
  });

  test('a failing synth writes nothing and leaves the previous output intact', () => {
    const outdir = path.join(tmpdir(), 'dist');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'previous.k8s.yaml'), 'kind: Previous\n');
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'x' });
    new TeamNamespace(chart, 'ok');
    const broken = new Construct(chart, 'broken');
    addCheck(broken, 'Broken', () => [
      { code: 'TEST_ONE', field: 'a', message: 'is wrong', fix: 'fix a' },
      { code: 'TEST_TWO', field: 'b', message: 'is wrong', fix: 'fix b' },
    ]);
    const err = catchBlueprintError(() => synthesize(app, { outdir }));
    expect(err.codes).toEqual(['TEST_ONE', 'TEST_TWO']);
    expect(err.issues[0].path).toBe('c/broken');
    expect(fs.readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['dist']);
  });

  test('schema errors fail the synth with the construct path of the object', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'x' });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'n' }, dataa: { a: 'b' } } as any);
    const err = catchBlueprintError(() => renderApp(app));
    expect(err.code).toBe('SCHEMA_UNKNOWN_FIELD');
    expect(err.path).toBe('c/cm');
    expect(err.field).toBe('/dataa');
  });

  test('checks also fail a plain app.synth() (cdk8s synth path)', () => {
    const app = new App({ outdir: tmpdir() });
    const chart = new BlueprintChart(app, 'c', { owner: 'x' });
    addCheck(new Construct(chart, 'broken'), 'Broken', () => [{ code: 'TEST_PLAIN', field: 'a', message: 'is wrong', fix: 'fix a' }]);
    expect(() => app.synth()).toThrow(/TEST_PLAIN/);
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
});
