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
  BlueprintIssue,
  Probe,
  REQUIREMENTS_FILE,
  TeamNamespace,
  WRITTEN_LIST,
  addCheck,
  checkDirectory,
  formatWarnings,
  synthesize,
  synthesizeAll,
  Worker,
} from '../../constructs';
import { METRICS_WORKER, catchBlueprintError, expectCode, teamWebService } from '../helpers';

// The file system failures below are injected with jest.spyOn on this module object (see spyable-fs.ts).
jest.mock('fs', () => jest.requireActual('../spyable-fs').spyableFs());

const root = path.join(__dirname, '..', '..');
const JOURNAL = '.cluster-blueprints-journal';

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
    expect(result.files.sort()).toEqual(['requirements.jsonl', 'team-a.k8s.yaml', 'team-b.k8s.yaml']);
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
});

describe('synthesize returns the warnings of the rule catalogue and the schema check', () => {
  /** A worker serving metrics, with no readiness and no path for a scraper through its TeamNamespace's default-deny. */
  function queueApp(): App {
    const app = new App();
    const chart = new BlueprintChart(app, 'shop', { owner: 'shop-team' });
    const team = new TeamNamespace(chart, 'shop');
    new Worker(chart, 'queue', { namespace: team, ...METRICS_WORKER }).exposeMetrics({ port: 'metrics' });
    return app;
  }

  const byCode = (warnings: readonly BlueprintIssue[], code: string) => warnings.filter((w) => w.code === code);

  /** A WebService with probes in a default-deny namespace, and no path open to it: a Service nothing may reach. */
  const unreachableApp = () =>
    teamWebService('api', { readiness: Probe.http('/readyz', 'http'), liveness: Probe.http('/livez', 'http', { periodSeconds: 20 }) }).app;

  test('a Service nothing may reach: REF_SERVICE_UNREACHABLE, with path, field, message and fix, and the files written', () => {
    const outdir = path.join(tmpdir(), 'dist');
    const result = synthesize(unreachableApp(), { outdir });
    expect(result.objectCount).toBe(9);
    expect(result.files).toEqual(['test.k8s.yaml', 'requirements.jsonl']);
    expect(fs.existsSync(path.join(outdir, 'test.k8s.yaml'))).toBe(true);
    const [unreachable] = byCode(result.warnings, 'REF_SERVICE_UNREACHABLE');
    expect(unreachable).toMatchObject({ path: 'test/api/Service', construct: 'Service/shop/api', field: '/spec/ports' });
    expect(unreachable.message).toContain('nothing can reach it');
    expect(unreachable.fix).toContain('allowFrom');
  });

  test('REL_READINESS and REF_MONITOR_UNREACHABLE: a worker without readiness, metrics without scrapedBy', () => {
    const { warnings } = synthesize(queueApp(), { outdir: path.join(tmpdir(), 'dist') });
    expect(byCode(warnings, 'REL_READINESS').map((w) => w.path)).toEqual(['shop/queue/Deployment']);
    expect(byCode(warnings, 'REF_MONITOR_UNREACHABLE').map((w) => [w.path, w.construct])).toEqual([
      ['shop/queue/Metrics/Resource', 'PodMonitor/shop/queue'],
    ]);
  });

  test('the same warnings as `cluster-blueprints check` finds in the written files', () => {
    for (const app of [unreachableApp(), queueApp()]) {
      const outdir = path.join(tmpdir(), 'dist');
      const { warnings } = synthesize(app, { outdir });
      const checked = checkDirectory(outdir).findings.filter((f) => f.severity === 'warning');
      const key = (code: string, object: string | undefined, field: string) => `${code} ${object} ${field}`;
      expect(warnings.map((w) => key(w.code, w.construct, w.field)).sort()).toEqual(
        checked.map((f) => key(f.rule, f.object, f.pointer || '(object)')).sort(),
      );
      expect(warnings.length).toBeGreaterThan(0);
    }
  });

  test('none for an app without findings; each app of synthesizeAll gets its own', () => {
    const clean = new App();
    new TeamNamespace(new BlueprintChart(clean, 'team-a', { owner: 'a' }), 'a');
    const base = tmpdir();
    const [quiet, noisy] = synthesizeAll([
      { app: clean, outdir: path.join(base, 'a') },
      { app: queueApp(), outdir: path.join(base, 'b') },
    ]);
    expect(quiet.warnings).toEqual([]);
    expect(noisy.warnings.map((w) => w.code)).toContain('REL_READINESS');
  });

  test('SCHEMA_UNKNOWN_KIND of the schema check, at the construct path of its object; none with schemaCheck: false', () => {
    const unknownKind = () => {
      const app = new App();
      const chart = new BlueprintChart(app, 'c', { owner: 'x' });
      new ApiObject(chart, 'widget', { apiVersion: 'acme.example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
      return app;
    };
    const { warnings } = synthesize(unknownKind(), { outdir: path.join(tmpdir(), 'dist') });
    expect(warnings.map((w) => [w.code, w.path])).toEqual([['SCHEMA_UNKNOWN_KIND', 'c/widget']]);
    expect(synthesize(unknownKind(), { outdir: path.join(tmpdir(), 'dist'), schemaCheck: false }).warnings).toEqual([]);
  });

  test('formatWarnings: one compact block, a header with the label and count, one line per warning; nothing for none', () => {
    const { warnings } = synthesize(queueApp(), { outdir: path.join(tmpdir(), 'dist') });
    const text = formatWarnings(warnings, 'dev');
    const lines = text.split('\n');
    expect(lines[0]).toBe(`dev: ${warnings.length} warnings (the files are written; each line says how to fix it):`);
    expect(lines).toHaveLength(warnings.length + 1);
    expect(lines.find((l) => l.includes('REL_READINESS'))).toMatch(
      /^ {2}\[shop\/queue\/Deployment\] Deployment\/shop\/queue: REL_READINESS '.+' .+ — add a readiness probe/,
    );
    expect(formatWarnings([])).toBe('');
    const many = Array.from({ length: 60 }, () => warnings[0]);
    const capped = formatWarnings(many).split('\n');
    expect(capped[0]).toBe('synth: 60 warnings (the files are written; each line says how to fix it):');
    expect(capped).toHaveLength(52);
    expect(capped[51]).toBe('  … and 10 more (`cluster-blueprints check` on the outdir lists every one)');
    expectCode(() => formatWarnings('REL_READINESS' as any), 'PROPS_INVALID');
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
      [
        '.cluster-blueprints-written',
        '.gitkeep',
        'README.md',
        'other.k8s.yaml',
        'requirements.jsonl',
        'team-a.k8s.yaml',
        'team-b.k8s.yaml',
      ].sort(),
    );
    synthesize(teamApp('a'), { outdir });
    expect(fs.readdirSync(outdir).sort()).toEqual(
      ['.cluster-blueprints-written', '.gitkeep', 'README.md', 'other.k8s.yaml', 'requirements.jsonl', 'team-a.k8s.yaml'].sort(),
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
    expect(synthesize(teamApp('a'), { outdir }).files).toEqual(['team-a.k8s.yaml', 'requirements.jsonl']);
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
    expect(ok.map((r) => r.files)).toEqual([
      ['team-a.k8s.yaml', 'requirements.jsonl'],
      ['team-b.k8s.yaml', 'requirements.jsonl'],
    ]);
  });

  test("a killed run's own leftovers (named in its journal, with its token) are removed; look-alike names are not", () => {
    const root = tmpdir();
    const outdir = path.join(root, 'dist');
    synthesize(teamApp('a'), { outdir });
    const dead = spawnSync(process.execPath, ['-e', 'process.pid'], { encoding: 'utf8' }).pid!;
    const token = 'f'.repeat(32);
    const leftover = `.team-a.k8s.yaml.cb-tmp-${token}`;
    fs.writeFileSync(path.join(outdir, leftover), 'half');
    // Named like temporaries, even listed in the journal, but without its token: not provably ours.
    fs.writeFileSync(path.join(outdir, '.notes.cb-tmp-999999'), 'precious');
    fs.writeFileSync(path.join(outdir, `.team-a.k8s.yaml.cb-tmp-${dead}`), 'an older version, or not ours at all');
    fs.mkdirSync(path.join(root, 'dist.tmp-999999'));
    fs.writeFileSync(path.join(root, 'dist.tmp-999999', 'precious'), 'x');
    fs.writeFileSync(
      path.join(outdir, JOURNAL),
      `# cluster-blueprints synthesize is writing here\npid ${dead}\ntoken ${token}\n${leftover}\n.notes.cb-tmp-999999\n../dist.tmp-999999/precious\n`,
    );
    synthesize(teamApp('a'), { outdir });
    expect(fs.readdirSync(outdir).sort()).toEqual(
      [
        '.cluster-blueprints-written',
        '.notes.cb-tmp-999999',
        `.team-a.k8s.yaml.cb-tmp-${dead}`,
        'requirements.jsonl',
        'team-a.k8s.yaml',
      ].sort(),
    );
    expect(fs.readFileSync(path.join(root, 'dist.tmp-999999', 'precious'), 'utf8')).toBe('x');
  });

  test('an empty journal (killed right after creating it) does not block the next run', () => {
    const outdir = tmpdir();
    fs.writeFileSync(path.join(outdir, JOURNAL), '');
    synthesize(teamApp('a'), { outdir });
    expect(fs.readdirSync(outdir).sort()).toEqual(['.cluster-blueprints-written', 'requirements.jsonl', 'team-a.k8s.yaml']);
  });

  test('a process killed while writing leaves no temporary directory and the previous files intact', () => {
    const outdir = path.join(tmpdir(), 'dist');
    synthesize(teamApp('a'), { outdir });
    const before = fs.readFileSync(path.join(outdir, 'team-a.k8s.yaml'), 'utf8');
    // Killed right after writing its temporary files, before renaming them.
    const script = `
      const { App, BlueprintChart, TeamNamespace, synthesize } = require('./scripts/bundle').load('test/render/synth-child.ts');
      const fs = require('fs');
      fs.renameSync = () => process.kill(process.pid, 'SIGKILL');
      const app = new App();
      new TeamNamespace(new BlueprintChart(app, 'team-a', { owner: 'someone-else' }), 'a');
      synthesize(app, { outdir: ${JSON.stringify(outdir)} });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(fs.readFileSync(path.join(outdir, 'team-a.k8s.yaml'), 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['dist']);
    synthesize(teamApp('a'), { outdir });
    expect(fs.readdirSync(outdir).sort()).toEqual(['.cluster-blueprints-written', 'requirements.jsonl', 'team-a.k8s.yaml']);
  });

  test('a process killed part-way through the swap leaves only whole files, all listed, and the next run cleans up', () => {
    const outdir = path.join(tmpdir(), 'dist');
    synthesize(teamApp('a', 'b'), { outdir });
    const old = (f: string) => fs.readFileSync(path.join(outdir, f), 'utf8');
    const before = { a: old('team-a.k8s.yaml'), b: old('team-b.k8s.yaml') };
    // Killed at its third rename: the written list (old and new names) and team-a are in place, team-b and team-c are not.
    const script = `
      const { App, BlueprintChart, TeamNamespace, synthesize } = require('./scripts/bundle').load('test/render/synth-child.ts');
      const fs = require('fs');
      const rename = fs.renameSync;
      let n = 0;
      fs.renameSync = (...a) => (String(a[1]).startsWith(${JSON.stringify(outdir)}) && ++n === 3 ? process.kill(process.pid, 'SIGKILL') : rename(...a));
      const app = new App();
      for (const t of ['a', 'b', 'c']) new TeamNamespace(new BlueprintChart(app, 'team-' + t, { owner: t }), t, { labels: { run: 'second' } });
      synthesize(app, { outdir: ${JSON.stringify(outdir)} });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    expect(old('team-a.k8s.yaml')).toContain('run: second');
    expect(old('team-b.k8s.yaml')).toBe(before.b);
    expect(fs.existsSync(path.join(outdir, 'team-c.k8s.yaml'))).toBe(false);
    expect(old(WRITTEN_LIST)).toMatch(/team-a.*\n.*team-b.*\n.*team-c/s);
    expect(fs.readdirSync(outdir)).toContain(JOURNAL);
    // The next run, with an app that no longer has team-b, is not blocked: it replaces, deletes and cleans as usual.
    synthesize(teamApp('a', 'c'), { outdir });
    expect(fs.readdirSync(outdir).sort()).toEqual([
      '.cluster-blueprints-written',
      'requirements.jsonl',
      'team-a.k8s.yaml',
      'team-c.k8s.yaml',
    ]);
  });
});

/** Every entry under `dir`: its type, and a file's bytes or a link's target. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      const stat = fs.lstatSync(p);
      if (stat.isSymbolicLink()) out[rel] = `link ${fs.readlinkSync(p)}`;
      else if (stat.isDirectory()) {
        out[rel] = 'dir';
        walk(p);
      } else out[rel] = `file ${fs.readFileSync(p).toString('base64')}`;
    }
  };
  walk(dir);
  return out;
}

/** Runs `fn`, expects it to fail with `code`, and `dir` to be byte for byte as it was; returns the issue. */
function failsUnchanged(dir: string, fn: () => unknown, code: string) {
  const before = tree(dir);
  const issue = expectCode(fn, code);
  expect(tree(dir)).toEqual(before);
  return issue;
}

describe('a failing synthesize changes nothing on disk and fails with a BlueprintError', () => {
  function app(charts: string[], props?: ConstructorParameters<typeof App>[0], owner = 'o'): App {
    const a = new App(props);
    for (const id of charts) new TeamNamespace(new BlueprintChart(a, id, { owner }), `ns-${id}`);
    return a;
  }

  afterEach(() => jest.restoreAllMocks());

  test('OUTDIR_FOREIGN_FILE: one of its files replaced by a directory fails before any file is replaced', () => {
    const outdir = tmpdir();
    synthesize(app(['c', 'd']), { outdir });
    fs.writeFileSync(path.join(outdir, 'c.k8s.yaml'), 'OLD');
    fs.rmSync(path.join(outdir, 'd.k8s.yaml'));
    fs.mkdirSync(path.join(outdir, 'd.k8s.yaml'));
    const issue = failsUnchanged(outdir, () => synthesize(app(['c', 'd']), { outdir }), 'OUTDIR_FOREIGN_FILE');
    expect(issue.value).toBe(path.join(outdir, 'd.k8s.yaml'));
    expect(issue.message).toMatch(/is a directory/);
  });

  test('OUTDIR_FOREIGN_FILE: a stale file of its own replaced by a directory is not deleted, and nothing else changes', () => {
    const outdir = tmpdir();
    synthesize(app(['c', 'd']), { outdir });
    fs.rmSync(path.join(outdir, 'd.k8s.yaml'));
    fs.mkdirSync(path.join(outdir, 'd.k8s.yaml'));
    fs.writeFileSync(path.join(outdir, 'd.k8s.yaml', 'keep'), 'x');
    const issue = failsUnchanged(outdir, () => synthesize(app(['c'], undefined, 'other'), { outdir }), 'OUTDIR_FOREIGN_FILE');
    expect(issue.value).toBe(path.join(outdir, 'd.k8s.yaml'));
  });

  test('OUTDIR_FOREIGN_FILE: a symbolic link where one of its files goes is not written through', () => {
    const outdir = tmpdir();
    synthesize(app(['c']), { outdir });
    const elsewhere = path.join(tmpdir(), 'target.yaml');
    fs.writeFileSync(elsewhere, 'not yours');
    fs.rmSync(path.join(outdir, 'c.k8s.yaml'));
    fs.symlinkSync(elsewhere, path.join(outdir, 'c.k8s.yaml'));
    failsUnchanged(outdir, () => synthesize(app(['c'], undefined, 'other'), { outdir }), 'OUTDIR_FOREIGN_FILE');
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('not yours');
  });

  test('OUTDIR_WRITE_FAILED: a file system failure at any step rolls every outdir back', () => {
    const targets = (root: string, charts: string[], owner: string) => [
      { app: app(charts, undefined, owner), outdir: path.join(root, 'dev') },
      { app: app(charts, undefined, owner), outdir: path.join(root, 'prod') },
      { app: app(charts, undefined, owner), outdir: path.join(root, 'new', 'qa') },
    ];
    // Every step of a call that replaces a, deletes b, adds c and creates new/qa: each, failing, leaves the tree as it was.
    // copyFileSync: the backup of a replaced file where hard links fail (EXDEV, a file system without them).
    // writeSync: the journal's text.
    for (const method of ['renameSync', 'writeFileSync', 'writeSync', 'copyFileSync', 'mkdirSync'] as const) {
      const root = tmpdir();
      synthesizeAll(targets(root, ['a', 'b'], 'first').slice(0, 2));
      fs.writeFileSync(path.join(root, 'dev', 'README.md'), 'kept');
      for (let n = 1; ; n++) {
        const real = fs[method] as (...a: unknown[]) => unknown;
        let calls = 0;
        const spy = jest.spyOn(fs, method).mockImplementation(((...args: unknown[]) => {
          if (++calls === n) throw Object.assign(new Error(`ENOSPC: no space left on device, ${method}`), { code: 'ENOSPC' });
          return real.apply(fs, args);
        }) as never);
        const noLinks =
          method === 'copyFileSync' &&
          jest.spyOn(fs, 'linkSync').mockImplementation(() => {
            throw Object.assign(new Error('EXDEV: cross-device link not permitted, link'), { code: 'EXDEV' });
          });
        const before = tree(root);
        let err: unknown;
        try {
          synthesizeAll(targets(root, ['a', 'c'], 'second'));
        } catch (e) {
          err = e;
        } finally {
          spy.mockRestore();
          if (noLinks) noLinks.mockRestore();
        }
        if (calls < n) {
          // Fewer than n such calls: every one of them has failed once, and this call succeeded.
          expect(err).toBeUndefined();
          expect(n).toBeGreaterThan(method === 'mkdirSync' ? 1 : 3);
          break;
        }
        expect(err).toBeInstanceOf(BlueprintError);
        expect((err as BlueprintError).codes).toEqual(['OUTDIR_WRITE_FAILED']);
        expect((err as BlueprintError).issues[0].message).toMatch(/ENOSPC.*every outdir was left as it was/);
        expect(tree(root)).toEqual(before);
      }
      expect(fs.readdirSync(path.join(root, 'dev')).sort()).toEqual([
        '.cluster-blueprints-written',
        'README.md',
        'a.k8s.yaml',
        'c.k8s.yaml',
        'requirements.jsonl',
      ]);
      expect(fs.readdirSync(path.join(root, 'new', 'qa')).sort()).toEqual([
        '.cluster-blueprints-written',
        'a.k8s.yaml',
        'c.k8s.yaml',
        'requirements.jsonl',
      ]);
    }
  });

  test('OUTPUT_PATH_INVALID: an outputFileExtension that leaves the outdir, or holds a NUL, writes nothing', () => {
    const base = tmpdir();
    const outdir = path.join(base, 'ext');
    for (const outputFileExtension of ['/../../escaped.yaml', '\0', '.k8s.yaml/x', 'x'.repeat(250)]) {
      const issue = failsUnchanged(base, () => synthesize(app(['c'], { outputFileExtension }), { outdir }), 'OUTPUT_PATH_INVALID');
      expect(issue.field).toBe('outputFileExtension');
      expect(issue.value).toBe(outputFileExtension);
    }
    expect(fs.readdirSync(base)).toEqual([]);
    // The valid neighbours: any plain extension, or none.
    expect(synthesize(app(['c'], { outputFileExtension: '.yml' }), { outdir }).files).toEqual(['c.yml', 'requirements.jsonl']);
    expect(synthesize(app(['c'], { outputFileExtension: '' }), { outdir }).files).toEqual(['c', 'requirements.jsonl']);
  });

  test('OUTPUT_PATH_INVALID: two files of the same name (a chart named like requirements.jsonl) are refused', () => {
    const outdir = tmpdir();
    const a = new App({ outputFileExtension: '.jsonl' });
    const c = new BlueprintChart(a, 'requirements', { owner: 'o' });
    // The VPA's target (REF_HPA_TARGET: a VPA's targetRef is in the output).
    new Worker(c, 'v', { namespace: 'n', image: 'app:1.0.0' });
    new ApiObject(c, 'vpa', {
      apiVersion: 'autoscaling.k8s.io/v1',
      kind: 'VerticalPodAutoscaler',
      metadata: { name: 'v', namespace: 'n' },
      spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'v' } },
    });
    const issue = failsUnchanged(outdir, () => synthesize(a, { outdir }), 'OUTPUT_PATH_INVALID');
    expect(issue.message).toMatch(/requirements\.jsonl.*two files/);
  });

  test('OUTDIR_UNSAFE: an outdir that is a symbolic link to the project root (or a parent of it) is refused', () => {
    const project = tmpdir();
    fs.writeFileSync(path.join(project, 'package.json'), '{}');
    const links = tmpdir();
    fs.symlinkSync(project, path.join(links, 'to-project'));
    fs.symlinkSync(path.dirname(project), path.join(links, 'to-parent'));
    for (const outdir of [path.join(links, 'to-project'), path.join(links, 'to-parent')]) {
      failsUnchanged(project, () => synthesize(app(['c']), { outdir, projectRoot: project }), 'OUTDIR_UNSAFE');
    }
    // And through a link to a parent: dist/../ of the link is the project itself.
    failsUnchanged(
      project,
      () => synthesize(app(['c']), { outdir: path.join(links, 'to-project', 'dist', '..'), projectRoot: project }),
      'OUTDIR_UNSAFE',
    );
    // The valid neighbour: a link to a directory of its own inside the project.
    fs.mkdirSync(path.join(project, 'dist'));
    fs.symlinkSync(path.join(project, 'dist'), path.join(links, 'to-dist'));
    synthesize(app(['c']), { outdir: path.join(links, 'to-dist'), projectRoot: project });
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['.cluster-blueprints-written', 'c.k8s.yaml', 'requirements.jsonl']);
  });

  test('OUTDIR_UNSAFE: two outdirs that are one directory through a symbolic link are refused', () => {
    const root = tmpdir();
    fs.mkdirSync(path.join(root, 'dev'));
    fs.symlinkSync(path.join(root, 'dev'), path.join(root, 'alias'));
    failsUnchanged(
      root,
      () =>
        synthesizeAll([
          { app: app(['a']), outdir: path.join(root, 'dev') },
          { app: app(['b']), outdir: path.join(root, 'alias') },
        ]),
      'OUTDIR_UNSAFE',
    );
  });

  test('OUTDIR_UNSAFE: /proc, /sys and /dev are refused before anything is created (mkdir would loop in /proc)', () => {
    for (const outdir of ['/proc/self/x', '/sys/x', '/dev/shm/cb-synth-x']) {
      const issue = expectCode(() => synthesize(app(['c']), { outdir }), 'OUTDIR_UNSAFE');
      expect(issue.message).toMatch(/a view of the kernel/);
    }
    expect(fs.existsSync('/dev/shm/cb-synth-x')).toBe(false);
  });

  test('OUTPUT_PATH_INVALID: an outdir that is a file, under a file, holds a NUL or is too long', () => {
    const base = tmpdir();
    fs.writeFileSync(path.join(base, 'afile'), 'keep');
    fs.symlinkSync(path.join(base, 'missing'), path.join(base, 'dangling'));
    const cases: [string, RegExp][] = [
      [path.join(base, 'afile'), /is a file, not a directory/],
      [path.join(base, 'afile', 'sub'), /is inside .*afile, which is a file/],
      [path.join(base, 'a\0b'), /NUL/],
      [path.join(base, 'a'.repeat(300)), /too long/],
      // Missing parents before the long name: refused before any of them is created.
      [path.join(base, 'new1', 'new2', 'a'.repeat(256)), /too long.*256 bytes, over 255/],
      [path.join(base, 'new1', ...Array<string>(20).fill('d'.repeat(250))), /is too long for the file system/], // the whole path over PATH_MAX
      [path.join(base, 'dangling', 'x'), /symbolic link to a missing path/],
    ];
    for (const [outdir, message] of cases) {
      const issue = failsUnchanged(base, () => synthesize(app(['c']), { outdir }), 'OUTPUT_PATH_INVALID');
      expect(issue.field).toBe('outdir');
      expect(issue.message).toMatch(message);
    }
    // The valid neighbour: a missing directory under a real one is created.
    expect(synthesize(app(['c']), { outdir: path.join(base, 'a', 'b') }).files).toEqual(['c.k8s.yaml', 'requirements.jsonl']);
  });

  test("OUTPUT_PATH_INVALID: an outdir starting with a literal '~' (which only a shell expands) is refused", () => {
    // Relative paths resolve against a scratch current directory: a regression creates its '~' there, not in this repository.
    const cwd = tmpdir();
    const saved = process.cwd();
    process.chdir(cwd);
    try {
      for (const outdir of ['~', '~/cb-synth-tilde']) {
        const issue = failsUnchanged(cwd, () => synthesize(app(['c']), { outdir, projectRoot: root }), 'OUTPUT_PATH_INVALID');
        expect(issue.value).toBe(outdir);
        expect(issue.message).toMatch(/only a shell expands/);
        expect(issue.fix).toMatch(/homedir/);
      }
      // The valid neighbour: a directory named '~' given as a path that is not a shell's.
      expect(synthesize(app(['c']), { outdir: './~', projectRoot: root }).files).toEqual(['c.k8s.yaml', 'requirements.jsonl']);
    } finally {
      process.chdir(saved);
    }
    expect(fs.readdirSync(path.join(cwd, '~')).sort()).toEqual(['.cluster-blueprints-written', 'c.k8s.yaml', 'requirements.jsonl']);
  });

  test('OUTDIR_WRITE_FAILED: directories created by the call are removed when it fails; those that existed are kept', () => {
    const base = tmpdir();
    fs.mkdirSync(path.join(base, 'kept'));
    const outdir = path.join(base, 'kept', 'new1', 'new2', 'leaf');
    // The kernel's mkdir -p fails at the last name after creating the ones before it (ENAMETOOLONG, ENOSPC, EACCES).
    const real = fs.mkdirSync;
    const spy = jest.spyOn(fs, 'mkdirSync').mockImplementation(((p: fs.PathLike, o?: fs.MakeDirectoryOptions) => {
      if (path.basename(String(p)) !== 'leaf') return real(p, o);
      if (o?.recursive) real(path.dirname(String(p)), o);
      throw Object.assign(new Error(`ENOSPC: no space left on device, mkdir '${p}'`), { code: 'ENOSPC' });
    }) as never);
    try {
      const issue = failsUnchanged(base, () => synthesize(app(['c']), { outdir }), 'OUTDIR_WRITE_FAILED');
      expect(issue.message).toMatch(/ENOSPC.*every outdir was left as it was/);
    } finally {
      spy.mockRestore();
    }
    expect(tree(base)).toEqual({ kept: 'dir' });
  });

  test('OUTDIR_WRITE_FAILED: a created directory that something else wrote into meanwhile is kept', () => {
    const base = tmpdir();
    const outdir = path.join(base, 'new', 'qa');
    const real = fs.writeFileSync;
    const spy = jest.spyOn(fs, 'writeFileSync').mockImplementation((() => {
      real(path.join(base, 'new', 'theirs'), 'x');
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }) as never);
    expectCode(() => synthesize(app(['c']), { outdir }), 'OUTDIR_WRITE_FAILED');
    spy.mockRestore();
    expect(tree(base)).toEqual({ new: 'dir', [path.join('new', 'theirs')]: `file ${Buffer.from('x').toString('base64')}` });
  });

  test('OUTDIR_WRITE_FAILED: a full disk that takes the journal but not its text leaves no journal behind', () => {
    // ENOSPC: creating the file takes an inode, writing its text needs a block. Modelled at both levels a writer may use.
    const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const fillDisk = () => {
      const real = fs.writeFileSync;
      jest.spyOn(fs, 'writeFileSync').mockImplementation(((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
        if (!String(file).endsWith(JOURNAL)) return (real as (...a: unknown[]) => void)(file, ...rest);
        real(file, '', { flag: 'wx' });
        throw full();
      }) as never);
      jest.spyOn(fs, 'writeSync').mockImplementation(() => {
        throw full();
      });
    };
    for (const existing of [true, false]) {
      const base = tmpdir();
      const outdir = path.join(base, 'dist');
      if (existing) synthesize(app(['c']), { outdir });
      fillDisk();
      const issue = failsUnchanged(base, () => synthesize(app(['c'], undefined, 'other'), { outdir }), 'OUTDIR_WRITE_FAILED');
      jest.restoreAllMocks();
      expect(issue.message).toMatch(/ENOSPC.*every outdir was left as it was$/);
    }
  });

  test('old copies that cannot be removed after the new files are in place: a warning, and the next run removes them', () => {
    const outdir = tmpdir();
    fs.writeFileSync(path.join(outdir, 'README.md'), 'kept');
    synthesize(app(['a', 'b']), { outdir });
    const real = fs.unlinkSync;
    const spy = jest.spyOn(fs, 'unlinkSync').mockImplementation((p: fs.PathLike) => {
      if (/\.cb-old-/.test(String(p))) throw Object.assign(new Error(`EBUSY: resource busy or locked, unlink '${p}'`), { code: 'EBUSY' });
      return real(p);
    });
    const result = synthesize(app(['a'], undefined, 'second'), { outdir });
    spy.mockRestore();
    const old = fs.readdirSync(outdir).filter((n) => n.includes('.cb-old-'));
    // The written list, a replaced file and a deleted one were kept aside.
    expect(old.map((n) => n.replace(/-[0-9a-f]{32}$/, '')).sort()).toEqual(
      ['..cluster-blueprints-written.cb-old', '.a.k8s.yaml.cb-old', '.b.k8s.yaml.cb-old', '.requirements.jsonl.cb-old'].sort(),
    );
    const [warning] = result.warnings.filter((w) => w.code === 'OUTDIR_CLEANUP_INCOMPLETE');
    expect(warning).toMatchObject({ path: '', field: 'outdir', value: outdir });
    for (const n of old) expect(warning.message).toContain(n);
    expect(warning.message).toContain('EBUSY');
    expect(warning.fix).toMatch(/the next synthesize into it removes them/);
    // The new files are in place; the journal names what is left, without a pid: no other process is held off by it.
    expect(fs.existsSync(path.join(outdir, 'b.k8s.yaml'))).toBe(false);
    expect(fs.readFileSync(path.join(outdir, WRITTEN_LIST), 'utf8')).not.toContain('b.k8s.yaml');
    const journal = fs.readFileSync(path.join(outdir, JOURNAL), 'utf8');
    expect(journal).not.toMatch(/^pid /m);
    expect(journal.trim().split('\n').slice(2).sort()).toEqual(old.sort());
    // The next run, of any process, removes exactly those.
    const next = synthesize(app(['a'], undefined, 'second'), { outdir });
    expect(next.warnings.filter((w) => w.code === 'OUTDIR_CLEANUP_INCOMPLETE')).toEqual([]);
    expect(fs.readdirSync(outdir).sort()).toEqual(['.cluster-blueprints-written', 'README.md', 'a.k8s.yaml', 'requirements.jsonl']);
  });

  test('OUTDIR_UNSAFE: a synthesize that is still running in the outdir (live pid in its journal) is not raced', () => {
    const outdir = tmpdir();
    synthesize(app(['c']), { outdir });
    fs.writeFileSync(path.join(outdir, JOURNAL), `# cluster-blueprints synthesize is writing here\npid 1\ntoken ${'0'.repeat(32)}\n`);
    const issue = failsUnchanged(outdir, () => synthesize(app(['c'], undefined, 'other'), { outdir }), 'OUTDIR_UNSAFE');
    expect(issue.message).toMatch(/another synthesize \(pid 1/);
    expect(issue.fix).toContain(JOURNAL);
  });

  test('OUTDIR_FOREIGN_FILE: a foreign file under the name of its journal or of its written list', () => {
    for (const name of [JOURNAL, WRITTEN_LIST]) {
      const outdir = tmpdir();
      fs.mkdirSync(path.join(outdir, name));
      const issue = failsUnchanged(outdir, () => synthesize(app(['c']), { outdir }), 'OUTDIR_FOREIGN_FILE');
      expect(issue.value).toBe(path.join(outdir, name));
    }
    const outdir = tmpdir();
    fs.writeFileSync(path.join(outdir, JOURNAL), 'my notes');
    failsUnchanged(outdir, () => synthesize(app(['c']), { outdir }), 'OUTDIR_FOREIGN_FILE');
  });
});

describe('under the cdk8s CLI ($CDK8S_OUTDIR, emptied by the CLI, then listed or printed by it)', () => {
  const saved = process.env.CDK8S_OUTDIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = saved;
  });
  function teamApp(team = 'a', props?: { outdir: string }): App {
    const app = new App(props);
    new TeamNamespace(new BlueprintChart(app, `team-${team}`, { owner: team }), team);
    return app;
  }
  const read = (dir: string) => Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

  test('writes the given outdir and copies each written file into the CLI directory, files beside kept', () => {
    const project = tmpdir();
    const outdir = path.join(project, 'dist');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'kustomization.yaml'), 'resources: [team-a.k8s.yaml]\n');
    process.env.CDK8S_OUTDIR = path.join(project, '.cdk8s-out');
    const result = synthesize(teamApp(), { outdir, projectRoot: project });
    expect(result.files).toEqual(['team-a.k8s.yaml', 'requirements.jsonl']);
    expect(read(path.join(project, '.cdk8s-out'))).toEqual({
      'team-a.k8s.yaml': read(outdir)['team-a.k8s.yaml'],
      [REQUIREMENTS_FILE]: read(outdir)[REQUIREMENTS_FILE],
    });
    expect(fs.lstatSync(path.join(project, '.cdk8s-out', 'team-a.k8s.yaml')).isFile()).toBe(true); // a copy: no link to resolve
    expect(read(outdir)['kustomization.yaml']).toBe('resources: [team-a.k8s.yaml]\n');
  });

  test('a failing synth leaves the outdir as it was and gives the CLI nothing', () => {
    const project = tmpdir();
    const outdir = path.join(project, 'dist');
    fs.mkdirSync(outdir);
    synthesize(teamApp(), { outdir, projectRoot: project });
    const before = read(outdir);
    process.env.CDK8S_OUTDIR = path.join(project, '.cdk8s-out');
    const app = teamApp();
    addCheck(new Construct(app.node.findChild('team-a'), 'broken'), 'Broken', () => [
      { code: 'TEST_BROKEN', field: 'x', message: 'is wrong', fix: 'fix x' },
    ]);
    expect(catchBlueprintError(() => synthesize(app, { outdir, projectRoot: project })).codes).toEqual(['TEST_BROKEN']);
    expect(read(outdir)).toEqual(before);
    expect(fs.existsSync(path.join(project, '.cdk8s-out'))).toBe(false);
  });

  test('several outdirs keep their places relative to their common parent (dist/dev → .cdk8s-out/dev)', () => {
    const project = tmpdir();
    process.env.CDK8S_OUTDIR = path.join(project, '.cdk8s-out');
    synthesizeAll(
      [
        { app: teamApp('a'), outdir: path.join(project, 'dist', 'dev') },
        { app: teamApp('b'), outdir: path.join(project, 'dist', 'prod') },
      ],
      { projectRoot: project },
    );
    expect(fs.readdirSync(path.join(project, '.cdk8s-out')).sort()).toEqual(['dev', 'prod']);
    expect(read(path.join(project, '.cdk8s-out', 'prod'))).toEqual({
      'team-b.k8s.yaml': read(path.join(project, 'dist', 'prod'))['team-b.k8s.yaml'],
      [REQUIREMENTS_FILE]: read(path.join(project, 'dist', 'prod'))[REQUIREMENTS_FILE],
    });
  });

  test('without an outdir it writes where cdk8s puts it: app.outdir, which is $CDK8S_OUTDIR unless the App names one', () => {
    const project = tmpdir();
    process.env.CDK8S_OUTDIR = path.join(project, 'dist');
    expect(synthesize(teamApp(), { projectRoot: project }).outdir).toBe(path.join(project, 'dist'));
    expect(fs.readdirSync(project)).toEqual(['dist']); // straight into the CLI's directory: nothing to copy

    process.env.CDK8S_OUTDIR = path.join(project, '.cdk8s-out');
    const named = synthesize(teamApp('a', { outdir: path.join(project, 'manifests') }), { projectRoot: project });
    expect(named.outdir).toBe(path.join(project, 'manifests'));
    expect(fs.readdirSync(path.join(project, '.cdk8s-out')).sort()).toEqual(['requirements.jsonl', 'team-a.k8s.yaml']);
  });

  test('a CLI directory that is or holds an outdir gets no second copy', () => {
    const project = tmpdir();
    const outdir = path.join(project, 'dist', 'dev');
    for (const cli of [outdir, path.join(project, 'dist')]) {
      process.env.CDK8S_OUTDIR = cli;
      synthesize(teamApp(), { outdir, projectRoot: project });
      expect(fs.readdirSync(path.join(project, 'dist'))).toEqual(['dev']);
      expect(fs.readdirSync(outdir).filter((f) => !f.startsWith('.'))).toEqual(['requirements.jsonl', 'team-a.k8s.yaml']);
    }
  });

  test('OUTPUT_PATH_INVALID: a CLI directory inside an outdir fails before anything is written (it would get nothing)', () => {
    const project = tmpdir();
    const outdir = path.join(project, 'dist');
    for (const cli of [path.join(outdir, '.cli'), path.join(outdir, 'a', 'b')]) {
      process.env.CDK8S_OUTDIR = cli;
      const err = expectCode(() => synthesize(teamApp(), { outdir, projectRoot: project }), 'OUTPUT_PATH_INVALID');
      expect(err.field).toBe('$CDK8S_OUTDIR');
      expect(err.value).toBe(cli);
      expect(err.message).toContain(`inside the outdir ${outdir}`);
      expect(err.fix).toContain('cdk8s.yaml');
      expect(fs.readdirSync(project)).toEqual([]);
    }
    // Also when the outdir is one of several, and the CLI directory exists already (the CLI made it, emptied).
    fs.mkdirSync(path.join(project, 'prod', '.cli'), { recursive: true });
    process.env.CDK8S_OUTDIR = path.join(project, 'prod', '.cli');
    const targets = [
      { app: teamApp('a'), outdir: path.join(project, 'dev') },
      { app: teamApp('b'), outdir: path.join(project, 'prod') },
    ];
    expectCode(() => synthesizeAll(targets, { projectRoot: project }), 'OUTPUT_PATH_INVALID');
    expect(fs.readdirSync(project)).toEqual(['prod']);
    expect(fs.readdirSync(path.join(project, 'prod'))).toEqual(['.cli']);
  });

  test('OUTPUT_PATH_INVALID: a CLI directory this process cannot write fails before anything is written', () => {
    const project = tmpdir();
    const cli = path.join(project, 'ro', '.cdk8s-out');
    fs.mkdirSync(path.join(project, 'ro'));
    process.env.CDK8S_OUTDIR = cli;
    // Checked on the nearest existing directory (ro/), as root too (chmod would not stop root): the check is asked of the file system.
    const real = fs.accessSync;
    const asked: string[] = [];
    const spy = jest.spyOn(fs, 'accessSync').mockImplementation((p, mode) => {
      asked.push(String(p));
      if (p === path.join(project, 'ro') && mode === fs.constants.W_OK)
        throw Object.assign(new Error(`EACCES: permission denied, access '${p}'`), { code: 'EACCES' });
      return real(p, mode);
    });
    try {
      const err = expectCode(
        () => synthesize(teamApp(), { outdir: path.join(project, 'dist'), projectRoot: project }),
        'OUTPUT_PATH_INVALID',
      );
      expect(err.field).toBe('$CDK8S_OUTDIR');
      expect(err.message).toContain('cannot be written');
      expect(err.message).toContain('EACCES');
    } finally {
      spy.mockRestore();
    }
    expect(asked).toContain(path.join(project, 'ro'));
    expect(fs.readdirSync(project)).toEqual(['ro']);
  });

  test('OUTPUT_PATH_INVALID: a CLI directory that cannot be one fails before anything is written', () => {
    const project = tmpdir();
    fs.writeFileSync(path.join(project, 'afile'), 'keep');
    process.env.CDK8S_OUTDIR = path.join(project, 'afile');
    const err = expectCode(
      () => synthesize(teamApp(), { outdir: path.join(project, 'dist'), projectRoot: project }),
      'OUTPUT_PATH_INVALID',
    );
    expect(err.field).toBe('$CDK8S_OUTDIR');
    expect(err.fix).toContain('cdk8s.yaml');
    expect(fs.readdirSync(project)).toEqual(['afile']);
  });
});
