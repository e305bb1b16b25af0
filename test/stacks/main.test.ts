import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

function synth(args: string[], outdir: string) {
  return spawnSync(tsx, ['stacks/main.ts', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: outdir } });
}

describe('npm run synth (stacks/main.ts)', () => {
  test('writes the selected environment to <outdir>/<env>/', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-main-'));
    const r = synth(['--env', 'staging'], out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^staging: \d+ objects in 12 files/);
    expect(fs.readdirSync(out)).toEqual(['staging']);
    expect(fs.readdirSync(path.join(out, 'staging'))).toContain('team-payments.k8s.yaml');
  });

  test('an unknown environment exits non-zero with the typed error and writes nothing', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-main-'));
    fs.mkdirSync(path.join(out, 'dev'));
    fs.writeFileSync(path.join(out, 'dev', 'keep.k8s.yaml'), 'kind: Keep\n');
    const r = synth(['--env', 'qa'], out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("ENVIRONMENT_UNKNOWN 'env' is not a known environment");
    expect(r.stderr).not.toMatch(/at \w+ \(/); // a message, not a stack trace
    expect(fs.readdirSync(path.join(out, 'dev'))).toEqual(['keep.k8s.yaml']);
  });
});
