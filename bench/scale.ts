/*
 * Synth at scale (`npm run bench`): a generated platform of N teams × 12
 * services, at about 1,000 and 10,000 objects, written by four contenders
 * that write the SAME objects (and, but for the JSON floor, the same bytes):
 *
 *   library  cluster-blueprints: build the constructs, run every check and
 *            the schema check of every object, write YAML (synthesize)
 *   cdk8s    bare cdk8s in one pass: the same JSON as plain ApiObjects, one
 *            chart per team, toJson once per object, written with cdk8s' Yaml
 *   yaml     floor: the same JSON written with the `yaml` package (cdk8s' options)
 *   json     floor: the same JSON written with JSON.stringify
 *
 * Each sample is a fresh process (so peak memory is per run); the contenders
 * take turns in an order that alternates between runs. The floors and cdk8s
 * start from the rendered JSON, read from a file before their clock starts.
 * It prints medians (wall and CPU time), ratios, bytes, the growth exponent from 1k to 10k and
 * peak memory; it asserts nothing.
 *   npm run bench                         BENCH_RUNS=N for N samples (default 5)
 *   node scripts/bundle.js bench/scale.ts
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { stringify } from 'yaml';
import {
  BlueprintChart,
  ExternalService,
  Probe,
  QuotaPreset,
  ResourcePreset,
  StatefulService,
  TeamNamespace,
  WebService,
  renderApp,
  synthesize,
} from '../constructs';

const SERVICES_PER_TEAM = 12; // 10 WebServices (HPA + PDB), 1 StatefulService, 1 ExternalService
const SIZES = [
  { label: '1k', teams: 20 },
  { label: '10k', teams: 200 },
];
const CONTENDERS = ['library', 'cdk8s', 'yaml', 'json'] as const;
type Contender = (typeof CONTENDERS)[number];
const NAMES: Record<Contender, string> = {
  library: 'cluster-blueprints (build+check+write)',
  cdk8s: 'bare cdk8s, one pass (ApiObject+toJson+Yaml)',
  yaml: 'floor: yaml package',
  json: 'floor: JSON.stringify',
};

export function buildPlatform(teams: number): App {
  const app = new App();
  for (let t = 0; t < teams; t++) {
    const chart = new BlueprintChart(app, `team-${t}`, { owner: `team-${t}` });
    const ns = new TeamNamespace(chart, `team-${t}`, { quota: QuotaPreset.LARGE });
    for (let s = 0; s < SERVICES_PER_TEAM - 2; s++) {
      new WebService(chart, `svc-${s}`, {
        namespace: ns,
        image: 'ghcr.io/acme/svc:1.0.0',
        ports: [{ name: 'http', port: 8080 }],
        resources: ResourcePreset.SMALL,
        autoscaling: { minReplicas: 2, maxReplicas: 4 },
        readiness: Probe.http('/readyz', 'http'),
      });
    }
    new StatefulService(chart, 'db', {
      namespace: ns,
      image: 'postgres:16.4',
      ports: [{ name: 'pg', port: 5432 }],
      resources: ResourcePreset.SMALL,
      // What the postgres image needs under a read-only root (IMAGE_CANNOT_START): its socket directory, and
      // PGDATA below the claim's root (initdb refuses a directory holding lost+found).
      env: { PGDATA: '/var/lib/postgresql/data/pgdata' },
      writablePaths: ['/tmp', '/var/run/postgresql'],
      claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '1Gi' }],
    });
    ExternalService.fromAddresses(chart, 'legacy', {
      namespace: ns.name,
      addresses: ['203.0.113.10'],
      ports: [{ name: 'db', port: 5432 }],
    });
  }
  return app;
}

interface Sample {
  readonly ms: number;
  /** CPU time (user + system) of the same span: steadier than wall time on a shared machine. */
  readonly cpuMs: number;
  readonly objects: number;
  readonly bytes: number;
  readonly sha1: string;
  readonly rssMiB: number;
}

/** What a contender wrote: every file of `dir`, in name order. */
function written(dir: string): { bytes: number; sha1: string } {
  const hash = createHash('sha1');
  let bytes = 0;
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => x.endsWith('.yaml') || x.endsWith('.json'))
    .sort()) {
    const data = fs.readFileSync(path.join(dir, f));
    bytes += data.length;
    hash.update(f).update(data);
  }
  return { bytes, sha1: hash.digest('hex').slice(0, 12) };
}

/** One sample, in this (child) process. */
function measure(contender: Contender, teams: number, charts: string): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cb-bench-${contender}-`));
  let objects = 0;
  const input: { name: string; objects: any[] }[] = contender === 'library' ? [] : JSON.parse(fs.readFileSync(charts, 'utf8'));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  if (contender === 'library') {
    objects = synthesize(buildPlatform(teams), { outdir }).objectCount;
  } else if (contender === 'cdk8s') {
    const app = new App();
    const built = input.map((c) => {
      const chart = new Chart(app, c.name);
      return { name: c.name, objects: c.objects.map((o, i) => new ApiObject(chart, `o${i}`, o)) };
    });
    for (const c of built) {
      const json = c.objects.map((o) => o.toJson());
      objects += json.length;
      fs.writeFileSync(path.join(outdir, `${c.name}.k8s.yaml`), Yaml.stringify(...json));
    }
  } else {
    for (const c of input) {
      objects += c.objects.length;
      const text =
        contender === 'yaml'
          ? c.objects.map((o) => stringify(o, { keepUndefined: true, lineWidth: 0, version: '1.1' })).join('---\n')
          : c.objects.map((o) => JSON.stringify(o)).join('\n');
      fs.writeFileSync(path.join(outdir, `${c.name}.k8s.${contender === 'yaml' ? 'yaml' : 'json'}`), text);
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const out = written(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  return { ms, cpuMs, objects, ...out, rssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** `npm run bench`: the harness (or, with `--child`, one sample). */
export function run(argv: readonly string[]): void {
  if (argv[0] === '--child') {
    process.stdout.write(JSON.stringify(measure(argv[1] as Contender, Number(argv[2]), argv[3])));
    return;
  }
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-bench-'));
  const results: Record<string, Record<Contender, Sample[]>> = {};
  for (const size of SIZES) {
    // The rendered JSON that cdk8s and the floors start from, rendered by the library once, outside their clocks.
    const charts = path.join(work, `${size.label}.json`);
    const rendered = renderApp(buildPlatform(size.teams)).map((r) => ({ name: r.name, objects: r.objects }));
    fs.writeFileSync(charts, JSON.stringify(rendered));
    results[size.label] = { library: [], cdk8s: [], yaml: [], json: [] };
    for (let r = 0; r < runs; r++) {
      const rotated = CONTENDERS.map((_, i) => CONTENDERS[(i + r) % CONTENDERS.length]);
      for (const contender of r % 2 ? rotated.reverse() : rotated) {
        const child = spawnSync(
          process.execPath,
          [process.argv[1], 'bench/scale.ts', '--child', contender, String(size.teams), charts], // process.argv[1]: scripts/bundle.js
          { encoding: 'utf8', maxBuffer: 1 << 20 },
        );
        if (child.status !== 0) throw new Error(`${contender} failed: ${child.stderr}`);
        results[size.label][contender].push(JSON.parse(child.stdout));
      }
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  report(results, runs);
}

function report(results: Record<string, Record<Contender, Sample[]>>, runs: number): void {
  const cpu = os.cpus();
  console.log(
    `synth at scale: median of ${runs} runs, alternating order; ${cpu.length} cores (${cpu[0]?.model.trim()}), Node ${process.version}`,
  );
  console.log(
    `load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const head = `${'size'.padEnd(5)}${'contender'.padEnd(46)}${'objects'.padStart(8)}${'ms'.padStart(8)}${'µs/obj'.padStart(8)}${'× lib'.padStart(7)}${'cpu ms'.padStart(8)}${'× lib'.padStart(7)}${'bytes'.padStart(11)}${'sha1'.padStart(14)}${'peak RSS'.padStart(10)}`;
  console.log(head);
  const ms = (size: string, c: Contender) => median(results[size][c].map((s) => s.ms));
  const cpuMs = (size: string, c: Contender) => median(results[size][c].map((s) => s.cpuMs));
  for (const size of Object.keys(results)) {
    for (const c of CONTENDERS) {
      const s = results[size][c][0];
      const t = ms(size, c);
      const rss = median(results[size][c].map((x) => x.rssMiB));
      const cpu = cpuMs(size, c);
      console.log(
        `${size.padEnd(5)}${NAMES[c].padEnd(46)}${String(s.objects).padStart(8)}${t.toFixed(0).padStart(8)}${((t * 1000) / s.objects).toFixed(0).padStart(8)}${(t / ms(size, 'library')).toFixed(2).padStart(7)}${cpu.toFixed(0).padStart(8)}${(cpu / cpuMs(size, 'library')).toFixed(2).padStart(7)}${String(s.bytes).padStart(11)}${s.sha1.padStart(14)}${`${rss} MiB`.padStart(10)}`,
      );
    }
    const same =
      results[size].library[0].sha1 === results[size].cdk8s[0].sha1 && results[size].cdk8s[0].sha1 === results[size].yaml[0].sha1;
    console.log(`${size.padEnd(5)}same bytes from library, cdk8s and yaml: ${same ? 'yes' : 'NO'}`);
  }
  const [small, large] = Object.keys(results);
  const n = (size: string) => results[size].library[0].objects;
  for (const c of CONTENDERS) {
    const exponent = Math.log(ms(large, c) / ms(small, c)) / Math.log(n(large) / n(small));
    console.log(
      `growth ${NAMES[c]}: time ∝ objects^${exponent.toFixed(2)} (µs/object at ${large} ÷ at ${small}: ${(ms(large, c) / n(large) / (ms(small, c) / n(small))).toFixed(2)} wall, ${(cpuMs(large, c) / n(large) / (cpuMs(small, c) / n(small))).toFixed(2)} CPU)`,
    );
  }
  for (const size of [small, large])
    console.log(
      `${size}: bare cdk8s one pass takes ${(ms(size, 'cdk8s') / ms(size, 'library')).toFixed(2)}× the library's wall time, ${(cpuMs(size, 'cdk8s') / cpuMs(size, 'library')).toFixed(2)}× its CPU time`,
    );
}
