/*
 * Synth at scale (`npm run bench`): a generated platform of N teams × M
 * services, at about 1,000 and 10,000 objects. For each size, in fresh
 * processes (so peak memory is per run), the median of 3 runs of:
 *   ours   build constructs + our checks + schema validation of every object + write YAML
 *   plus   the same objects with bare cdk8s-plus-28 + L1, written by cdk8s App.synth(), one chart per team
 *   floor  the same plain JSON objects written as YAML by the `yaml` package (nothing else)
 * It prints figures; it asserts nothing.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
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
  { label: '~1k', teams: 20 },
  { label: '~10k', teams: 200 },
];

function buildOurs(teams: number): App {
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
      claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
    });
    ExternalService.fromAddresses(chart, 'legacy', {
      namespace: ns.name,
      addresses: ['203.0.113.10'],
      ports: [{ name: 'db', port: 5432 }],
    });
  }
  return app;
}

function buildPlus(teams: number): App {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cb-plus-')) });
  for (let t = 0; t < teams; t++) {
    const chart = new Chart(app, `team-${t}`, { namespace: `team-${t}` });
    new kplus.Namespace(chart, 'ns', { metadata: { name: `team-${t}` } });
    new kplus.k8s.KubeResourceQuota(chart, 'quota', { spec: { hard: { 'requests.cpu': kplus.k8s.Quantity.fromString('32') } } });
    new kplus.k8s.KubeLimitRange(chart, 'limits', {
      spec: { limits: [{ type: 'Container', default: { cpu: kplus.k8s.Quantity.fromString('500m') } }] },
    });
    new kplus.NetworkPolicy(chart, 'deny', { selector: kplus.Pods.all(chart, 'all') });
    new kplus.k8s.KubeNetworkPolicy(chart, 'dns', {
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ports: [{ port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'UDP' }] }],
      },
    });
    new kplus.ServiceAccount(chart, 'sa', { automountToken: false });
    for (let s = 0; s < SERVICES_PER_TEAM - 2; s++) {
      const d = new kplus.Deployment(chart, `svc-${s}`, {
        containers: [
          {
            image: 'ghcr.io/acme/svc:1.0.0',
            portNumber: 8080,
            readiness: kplus.Probe.fromHttpGet('/readyz'),
            securityContext: { user: 10001 },
          },
        ],
      });
      d.exposeViaService({ ports: [{ port: 8080 }] });
      new kplus.HorizontalPodAutoscaler(chart, `svc-${s}-hpa`, {
        target: d,
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
        scaleDown: { stabilizationWindow: Duration.minutes(5) },
      });
      new kplus.k8s.KubePodDisruptionBudget(chart, `svc-${s}-pdb`, {
        spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'cdk8s.io/metadata.addr': d.node.addr } } },
      });
    }
    const headless = new kplus.Service(chart, 'db-svc', { clusterIP: 'None', ports: [{ port: 5432 }] });
    const sts = new kplus.StatefulSet(chart, 'db', {
      service: headless,
      containers: [{ image: 'postgres:16.4', portNumber: 5432, securityContext: { user: 10001 } }],
    });
    new kplus.k8s.KubePodDisruptionBudget(chart, 'db-pdb', {
      spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'cdk8s.io/metadata.addr': sts.node.addr } } },
    });
    new kplus.Service(chart, 'legacy', { ports: [{ port: 5432 }] });
    new kplus.k8s.KubeEndpointSlice(chart, 'legacy-slice', {
      addressType: 'IPv4',
      endpoints: [{ addresses: ['203.0.113.10'] }],
      ports: [{ port: 5432 }],
    });
  }
  return app;
}

/** One measurement, run in this (child) process. */
function measure(variant: string, teams: number): { ms: number; objects: number; maxRssMiB: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cb-bench-${variant}-`));
  let objects = 0;
  let start = process.hrtime.bigint();
  if (variant === 'ours') {
    objects = synthesize(buildOurs(teams), { outdir }).objectCount;
  } else if (variant === 'plus') {
    const app = buildPlus(teams);
    (app as any).outdir = outdir;
    app.synth();
    objects = fs.readdirSync(outdir).reduce((n, f) => n + fs.readFileSync(path.join(outdir, f), 'utf8').split(/^---$/m).length, 0);
  } else {
    const charts = renderApp(buildOurs(teams)).map((r) => ({ name: r.name, objects: r.objects }));
    objects = charts.reduce((n, c) => n + c.objects.length, 0);
    start = process.hrtime.bigint(); // the floor times the write only
    for (const c of charts) fs.writeFileSync(path.join(outdir, `${c.name}.k8s.yaml`), c.objects.map((o) => stringify(o)).join('---\n'));
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  return { ms, objects, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main(): void {
  if (process.argv[2] === '--child') {
    process.stdout.write(JSON.stringify(measure(process.argv[3], Number(process.argv[4]))));
    return;
  }
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const results: Record<string, Record<string, { ms: number; objects: number; maxRssMiB: number }>> = {};
  for (const size of SIZES) {
    for (const variant of ['ours', 'plus', 'floor']) {
      const samples = Array.from({ length: runs }, () =>
        JSON.parse(execFileSync(tsx, [__filename, '--child', variant, String(size.teams)], { encoding: 'utf8', maxBuffer: 1 << 20 })),
      );
      results[size.label] = results[size.label] ?? {};
      results[size.label][variant] = {
        ms: median(samples.map((s) => s.ms)),
        objects: samples[0].objects,
        maxRssMiB: median(samples.map((s) => s.maxRssMiB)),
      };
    }
  }
  const cpu = os.cpus();
  console.log(`synth at scale — median of ${runs} runs each, ${cpu.length} cores (${cpu[0]?.model.trim()}), Node ${process.version}`);
  console.log(
    `${'size'.padEnd(6)}${'variant'.padEnd(42)}${'objects'.padStart(8)}${'wall ms'.padStart(10)}${'µs/object'.padStart(11)}${'peak RSS'.padStart(10)}`,
  );
  const names: Record<string, string> = {
    ours: 'cluster-blueprints (build+check+write)',
    plus: 'bare cdk8s-plus-28 + App.synth()',
    floor: 'floor: yaml.stringify of same JSON',
  };
  for (const [size, byVariant] of Object.entries(results)) {
    for (const [variant, r] of Object.entries(byVariant)) {
      console.log(
        `${size.padEnd(6)}${names[variant].padEnd(42)}${String(r.objects).padStart(8)}${r.ms.toFixed(0).padStart(10)}${((r.ms * 1000) / r.objects).toFixed(0).padStart(11)}${`${r.maxRssMiB} MiB`.padStart(10)}`,
      );
    }
  }
  const per = (s: string, v: string) => results[s][v].ms / results[s][v].objects;
  console.log(
    `growth (time per object at ~10k ÷ at ~1k): ours ${(per('~10k', 'ours') / per('~1k', 'ours')).toFixed(2)}×, cdk8s-plus ${(per('~10k', 'plus') / per('~1k', 'plus')).toFixed(2)}×`,
  );
  console.log(`ours vs bare cdk8s-plus at ~10k: ${(results['~10k'].plus.ms / results['~10k'].ours.ms).toFixed(2)}× faster`);
}

main();
