import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizeAll } from '../../constructs';
import { ENVIRONMENTS } from '../../stacks/environments';
import { synthApp } from '../../stacks/main';

/* The entry point exactly as `npm run synth` and `npx cdk8s synth` run it: compiled, no TypeScript loader. */
const root = path.join(__dirname, '..', '..');

function synth(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['scripts/synth.js', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cb-main-'));

describe('npm run synth (scripts/synth.js → stacks/main.ts)', () => {
  test('writes the selected environment to <outdir>/<env>/', () => {
    const out = tmp();
    const r = synth(['--env', 'staging'], { CDK8S_OUTDIR: out });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^staging: \d+ objects in \d+ files → /);
    expect(fs.readdirSync(out)).toEqual(['staging']);
    expect(fs.readdirSync(path.join(out, 'staging'))).toEqual(expect.arrayContaining(['team-payments.k8s.yaml', 'argocd.k8s.yaml']));
  });

  test('the compiled entry writes every environment byte for byte as synthesizeAll does in-process', () => {
    const viaEntry = tmp();
    const inProcess = tmp();
    expect(synth(['--outdir', viaEntry]).status).toBe(0);
    synthesizeAll(Object.keys(ENVIRONMENTS).map((name) => ({ app: synthApp(name), outdir: path.join(inProcess, name) })));
    for (const env of Object.keys(ENVIRONMENTS)) {
      const files = fs.readdirSync(path.join(inProcess, env)).sort();
      expect(fs.readdirSync(path.join(viaEntry, env)).sort()).toEqual(files);
      for (const f of files)
        expect(fs.readFileSync(path.join(viaEntry, env, f), 'utf8')).toBe(fs.readFileSync(path.join(inProcess, env, f), 'utf8'));
    }
  });

  test('npm run check leaves dist/<env> as npm run synth writes it (Argo CD Application and no-prune annotations kept)', () => {
    const viaSynth = tmp();
    const viaCheck = tmp();
    expect(synth(['--env', 'prod', '--outdir', viaSynth]).status).toBe(0);
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const r = spawnSync(tsx, ['stacks/report.ts', 'check', '--env', 'prod'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CDK8S_OUTDIR: viaCheck },
    });
    expect(r.status).toBe(0);
    const files = fs.readdirSync(path.join(viaSynth, 'prod')).sort();
    expect(files).toContain('argocd.k8s.yaml');
    expect(fs.readdirSync(path.join(viaCheck, 'prod')).sort()).toEqual(files);
    for (const f of files)
      expect(fs.readFileSync(path.join(viaCheck, 'prod', f), 'utf8')).toBe(fs.readFileSync(path.join(viaSynth, 'prod', f), 'utf8'));
  });

  test("with V8's code cache of the bundle (made by the first run, tied to that bundle) it writes the same bytes", () => {
    const first = tmp();
    const second = tmp();
    expect(synth(['--env', 'dev', '--outdir', first]).status).toBe(0);
    const bundle: string = require('../../scripts/bundle').bundled('stacks/main.ts');
    const caches = fs.readdirSync(path.dirname(bundle)).filter((f) => f.startsWith('stacks-main.') && f.endsWith('.v8cache'));
    const { size, mtimeMs } = fs.statSync(bundle);
    expect(caches).toEqual([`stacks-main.${size}-${Math.round(mtimeMs)}.v8cache`]);
    expect(synth(['--env', 'dev', '--outdir', second]).status).toBe(0);
    for (const f of fs.readdirSync(path.join(first, 'dev')))
      expect(fs.readFileSync(path.join(second, 'dev', f), 'utf8')).toBe(fs.readFileSync(path.join(first, 'dev', f), 'utf8'));
  });

  test('an unknown environment exits non-zero with the typed error and writes nothing', () => {
    const out = tmp();
    fs.mkdirSync(path.join(out, 'dev'));
    fs.writeFileSync(path.join(out, 'dev', 'keep.k8s.yaml'), 'kind: Keep\n');
    const r = synth(['--env', 'qa'], { CDK8S_OUTDIR: out });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("ENVIRONMENT_UNKNOWN 'env' is not a known environment");
    expect(r.stderr).not.toMatch(/at \w+ \(/); // a message, not a stack trace
    expect(fs.readdirSync(path.join(out, 'dev'))).toEqual(['keep.k8s.yaml']);
  });

  test('under the cdk8s CLI it writes the real outdir and copies the files into the CLI scratch directory', () => {
    const out = tmp();
    const scratch = path.join(tmp(), 'scratch');
    const r = synth(['--cdk8s-cli', '--outdir', out, '--env', 'dev'], { CDK8S_OUTDIR: scratch });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(''); // the CLI lists the files: paths are printed once
    // Every file it wrote (the requirements file too), not its list of them.
    const written = fs.readdirSync(path.join(out, 'dev')).filter((f) => !f.startsWith('.'));
    // One environment is one outdir: its files go straight into the scratch directory (all of them: <scratch>/<env>/).
    expect(fs.readdirSync(scratch).sort()).toEqual(written.sort());
    for (const f of written) expect(fs.readFileSync(path.join(scratch, f), 'utf8')).toBe(fs.readFileSync(path.join(out, 'dev', f), 'utf8'));
  });
});
