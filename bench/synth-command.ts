/*
 * Wall time of the main job, `npm run synth -- --env dev`, as a user runs it
 * (npm, process start, the compiled entry, build, check, write), and of the
 * entry alone (`node scripts/synth.js --env dev`), to show what npm adds.
 * A benchmark, not a timed test: it prints figures, it never fails on them.
 *   npm run bench                                  (all benchmarks)
 *   node scripts/bundle.js bench/synth-command.ts [runs]
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

function time(command: string, args: string[], runs: number, cwd: string, env: NodeJS.ProcessEnv): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(command, args, { cwd, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(r.stderr || r.stdout);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

export function run(argv: readonly string[]): void {
  const runs = Number(argv[0] ?? 7);
  const root = path.resolve(path.dirname(process.argv[1]), '..'); // process.argv[1]: scripts/bundle.js
  const env = { ...process.env, CDK8S_OUTDIR: path.join(os.tmpdir(), 'cb-bench-dist') };
  const show = (label: string, t: number[]) =>
    console.log(
      `${label}: median ${(t[Math.floor(t.length / 2)] / 1000).toFixed(2)} s over ${runs} runs (min ${(t[0] / 1000).toFixed(2)} s, max ${(t[t.length - 1] / 1000).toFixed(2)} s)`,
    );
  time(process.execPath, ['scripts/synth.js', '--env', 'dev'], 1, root, env); // compiles the entry if a source changed
  show('npm run synth -- --env dev', time('npm', ['run', '--silent', 'synth', '--', '--env', 'dev'], runs, root, env));
  show('node scripts/synth.js --env dev', time(process.execPath, ['scripts/synth.js', '--env', 'dev'], runs, root, env));
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}
