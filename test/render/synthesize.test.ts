import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import {
  BlueprintChart,
  BlueprintError,
  TeamNamespace,
  WRITTEN_LIST,
  addCheck,
  renderApp,
  synthesize,
  synthesizeAll,
} from '../../constructs';
import { catchBlueprintError, expectCode } from '../helpers';

const root = path.join(__dirname, '..', '..');

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

describe('synthesize never loses a file it did not write', () => {
  function teamApp(...teams: string[]): App {
    const app = new App();
    for (const t of teams) new TeamNamespace(new BlueprintChart(app, `team-${t}`, { owner: t }), t);
    return app;
  }

  test('writes beside foreign files and removes only its own stale files', () => {
    const outdir = tmpdir();
    fs.writeFileSync(path.join(outdir, 'README.md'), '# GitOps repo\n');
    fs.writeFileSync(path.join(outdir, '.gitkeep'), '');
    fs.writeFileSync(path.join(outdir, 'other.k8s.yaml'), 'kind: TheirOwn\n');
    synthesize(teamApp('a', 'b'), { outdir });
    expect(fs.readdirSync(outdir).sort()).toEqual(
      ['.cluster-blueprints-written', '.gitkeep', 'README.md', 'other.k8s.yaml', 'team-a.k8s.yaml', 'team-b.k8s.yaml'].sort(),
    );
    synthesize(teamApp('a'), { outdir });
    expect(fs.readdirSync(outdir).sort()).toEqual(
      ['.cluster-blueprints-written', '.gitkeep', 'README.md', 'other.k8s.yaml', 'team-a.k8s.yaml'].sort(),
    );
    expect(fs.readFileSync(path.join(outdir, 'other.k8s.yaml'), 'utf8')).toBe('kind: TheirOwn\n');
    expect(fs.readFileSync(path.join(outdir, WRITTEN_LIST), 'utf8')).toContain('team-a.k8s.yaml');
  });

  test('OUTDIR_FOREIGN_FILE: a foreign file where one of ours goes fails the call, and nothing is written', () => {
    const outdir = tmpdir();
    fs.writeFileSync(path.join(outdir, 'team-a.k8s.yaml'), 'kind: HandWritten\n');
    const issue = expectCode(() => synthesize(teamApp('a', 'b'), { outdir }), 'OUTDIR_FOREIGN_FILE');
    expect(issue.value).toBe(path.join(outdir, 'team-a.k8s.yaml'));
    expect(fs.readdirSync(outdir)).toEqual(['team-a.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'team-a.k8s.yaml'), 'utf8')).toBe('kind: HandWritten\n');
  });

  test('a file identical to what it would write is taken over (output of an older version)', () => {
    const outdir = tmpdir();
    synthesize(teamApp('a'), { outdir });
    fs.rmSync(path.join(outdir, WRITTEN_LIST));
    expect(synthesize(teamApp('a'), { outdir }).files).toEqual(['team-a.k8s.yaml']);
  });

  test('OUTDIR_UNSAFE: the project root, a parent of it, and overlapping outdirs are refused', () => {
    const project = tmpdir();
    fs.writeFileSync(path.join(project, 'package.json'), '{}');
    fs.writeFileSync(path.join(project, 'index.ts'), 'precious');
    for (const outdir of [project, path.dirname(project), '/']) {
      expectCode(() => synthesize(teamApp('a'), { outdir, projectRoot: project }), 'OUTDIR_UNSAFE');
    }
    expectCode(() => synthesize(teamApp('a'), { outdir: '.' }), 'OUTDIR_UNSAFE'); // jest runs in this repository
    const dist = path.join(project, 'dist');
    expectCode(
      () =>
        synthesizeAll(
          [
            { app: teamApp('a'), outdir: dist },
            { app: teamApp('b'), outdir: path.join(dist, 'dev') },
          ],
          { projectRoot: project },
        ),
      'OUTDIR_UNSAFE',
    );
    expect(fs.readdirSync(project).sort()).toEqual(['index.ts', 'package.json']);
  });

  test('all or nothing across every app of one call', () => {
    const root = tmpdir();
    const broken = teamApp('c');
    addCheck(new Construct(broken.node.findChild('team-c'), 'broken'), 'Broken', () => [
      { code: 'TEST_BROKEN', field: 'x', message: 'is wrong', fix: 'fix x' },
    ]);
    const err = catchBlueprintError(() =>
      synthesizeAll([
        { app: teamApp('a'), outdir: path.join(root, 'dev') },
        { app: broken, outdir: path.join(root, 'prod') },
      ]),
    );
    expect(err.codes).toEqual(['TEST_BROKEN']);
    expect(fs.readdirSync(root)).toEqual([]);
    const ok = synthesizeAll([
      { app: teamApp('a'), outdir: path.join(root, 'dev') },
      { app: teamApp('b'), outdir: path.join(root, 'prod') },
    ]);
    expect(ok.map((r) => r.files)).toEqual([['team-a.k8s.yaml'], ['team-b.k8s.yaml']]);
  });

  test('temporary files and staging directories of a killed run are cleaned by the next run', () => {
    const root = tmpdir();
    const outdir = path.join(root, 'dist');
    fs.mkdirSync(outdir);
    const dead = spawnSync(process.execPath, ['-e', 'process.pid'], { encoding: 'utf8' }).pid!;
    fs.writeFileSync(path.join(outdir, `.team-a.k8s.yaml.cb-tmp-${dead}`), 'half');
    fs.writeFileSync(path.join(outdir, `.team-a.k8s.yaml.cb-tmp-1`), 'pid 1 is alive: not ours to remove');
    fs.mkdirSync(path.join(root, `dist.tmp-${dead}`));
    synthesize(teamApp('a'), { outdir });
    expect(fs.readdirSync(outdir).sort()).toEqual(['.cluster-blueprints-written', '.team-a.k8s.yaml.cb-tmp-1', 'team-a.k8s.yaml'].sort());
    expect(fs.readdirSync(root)).toEqual(['dist']);
  });

  test('a process killed while writing leaves no temporary directory and the previous files intact', () => {
    const outdir = path.join(tmpdir(), 'dist');
    synthesize(teamApp('a'), { outdir });
    const before = fs.readFileSync(path.join(outdir, 'team-a.k8s.yaml'), 'utf8');
    // Killed right after writing its temporary files, before renaming them.
    const script = `
      const fs = require('fs');
      fs.renameSync = () => process.kill(process.pid, 'SIGKILL');
      const { App } = require('cdk8s');
      const { BlueprintChart, TeamNamespace, synthesize } = require('./constructs');
      const app = new App();
      new TeamNamespace(new BlueprintChart(app, 'team-a', { owner: 'someone-else' }), 'a');
      synthesize(app, { outdir: ${JSON.stringify(outdir)} });`;
    const r = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(r.signal === 'SIGKILL' || r.status === 128 + 9).toBe(true); // tsx relays its child's death as 137
    expect(fs.readFileSync(path.join(outdir, 'team-a.k8s.yaml'), 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['dist']);
    synthesize(teamApp('a'), { outdir });
    expect(fs.readdirSync(outdir).sort()).toEqual(['.cluster-blueprints-written', 'team-a.k8s.yaml']);
  });
});
