/*
 * Wall time of the main job, `npm run synth` for `dev`, as a user runs it
 * (process start, transpile-only TypeScript, build, validate, write).
 * A benchmark script, not a timed test: it prints figures, it never fails on them.
 *   npm run bench            (all benchmarks)
 *   npx tsx bench/synth-command.ts [runs]
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

const runs = Number(process.argv[2] ?? 7);
const root = path.join(__dirname, '..');
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  const r = spawnSync('npm', ['run', '--silent', 'synth', '--', '--env', 'dev'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK8S_OUTDIR: path.join(os.tmpdir(), 'cb-bench-dist') },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    console.error(r.stderr || r.stdout);
    process.exit(1);
  }
  times.push(ms);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `npm run synth (dev): median ${(median / 1000).toFixed(2)} s over ${runs} runs (min ${(times[0] / 1000).toFixed(2)} s, max ${(times[times.length - 1] / 1000).toFixed(2)} s)`,
);
console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
