/*
 * Time on hostile input of the sizes a generator or a config file can reach: a
 * million-item list, a sparse one of length 2^32 - 1, 100,000 repeats or distinct
 * items, a 20,000-key ConfigMap, long strings for the credential scan, YAML
 * nested 100,000 levels. Each was once super-linear, a RangeError or a crash
 * (test/contracts/hostile-fuzz.test.ts and test/core/secret-patterns.test.ts check
 * what they produce; this file measures how long it takes). A benchmark, not a
 * timed test: it prints medians against the targets, it never fails on them.
 *   npm run bench                                     (all benchmarks)
 *   node scripts/bundle.js bench/hostile-input.ts [runs]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as api from '../index';
import { run as cli } from '../cli/main';
import { credentialIn } from '../constructs/core/secret-patterns';
import { HOSTILE_SCAN_TEXT } from '../test/core/hostile-text';

interface Case {
  readonly name: string;
  /** The target, in milliseconds of wall time (the median must not exceed it). */
  readonly targetMs: number;
  readonly fn: () => unknown;
}

const image = 'ghcr.io/acme/web:1.4.2';
const chart = () => new api.BlueprintChart(new App(), 'c', { owner: 'o' });
const distinct = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);

/** Runs `fn`, which is expected to throw a BlueprintError (hostile input), or to return. */
function settle(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof api.BlueprintError)) throw e;
    return e;
  }
}

function cases(dir: string): Case[] {
  const deep = path.join(dir, 'deep.yaml');
  fs.writeFileSync(deep, '['.repeat(100_000) + ']'.repeat(100_000));
  const sink = () => undefined;
  return [
    {
      name: 'WebService with 1,000,000 wrong ports',
      targetMs: 500,
      fn: () => settle(() => new api.WebService(chart(), 'w', { namespace: 'shop', image, ports: new Array(1e6).fill(5) } as never)),
    },
    {
      name: 'WebService with a sparse port list of length 2^32 - 1',
      targetMs: 100,
      fn: () =>
        settle(
          () => new api.WebService(chart(), 'w', { namespace: 'shop', image, ports: Object.assign([], { length: 2 ** 32 - 1 }) } as never),
        ),
    },
    {
      name: 'StorageClass with one zone repeated 100,000 times',
      targetMs: 1000,
      fn: () => settle(() => new api.StorageClass(chart(), 's', { provisioner: 'ebs.csi.aws.com', zones: new Array(1e5).fill('eu-1a') })),
    },
    {
      name: 'StorageClass with 100,000 distinct zones',
      targetMs: 500,
      fn: () => new api.StorageClass(chart(), 's', { provisioner: 'ebs.csi.aws.com', zones: distinct(1e5, 'z') }),
    },
    {
      name: 'BackupSchedule of 100,000 distinct namespaces',
      targetMs: 500,
      fn: () => new api.BackupSchedule(chart(), 'b', { namespaces: distinct(1e5, 'n') }),
    },
    {
      name: 'SecretDeclaration of 100,000 distinct keys',
      targetMs: 1000,
      fn: () =>
        new api.SecretDeclaration(chart(), 'd', { namespace: 'team', keys: distinct(1e5, 'k'), backend: api.SecretBackend.deployTool() }),
    },
    {
      name: 'ConfigMap of 20,000 keys, built and rendered',
      targetMs: 1000,
      fn: () => {
        const c = chart();
        new api.ConfigMap(c, 'cm', { namespace: 'team', data: Object.fromEntries(distinct(20_000, 'k').map((k) => [k, 'v'])) });
        return api.renderApp(c.node.root as App);
      },
    },
    {
      name: 'credential scan of nine 200 kB hostile strings',
      targetMs: 500,
      fn: () => HOSTILE_SCAN_TEXT.map(credentialIn),
    },
    {
      name: 'cluster-blueprints check on YAML nested 100,000 levels',
      targetMs: 500,
      fn: () => cli(['check', deep], sink, sink),
    },
  ];
}

export async function run(argv: readonly string[]): Promise<void> {
  const runs = Number(argv[0] ?? process.env.BENCH_RUNS ?? 5);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-bench-hostile-'));
  try {
    for (const c of cases(dir)) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        await c.fn();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      const verdict = median <= c.targetMs ? 'met' : 'NOT MET';
      console.log(
        `${c.name}: median ${median.toFixed(0)} ms over ${runs} runs (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}); target ≤ ${c.targetMs} ms: ${verdict}`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}
