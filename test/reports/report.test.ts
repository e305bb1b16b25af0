import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { capacityReport, checkDirectory, checkManifests, formatReport, renderSvg, toDot } from '../../constructs';
import { run } from '../../cli/main';

import { UNPRINTABLE, find, good, pod } from '../rules/fixture';
import { paths, setAt } from '../object-paths';

describe('checkManifests and checkDirectory', () => {
  test('schema findings and rule findings together, with counts', () => {
    const objects = good();
    pod(objects).containers[0].imagePullPolicyy = 'Always';
    find(objects, 'Service', 'web').spec.type = 'NodePort';
    const report = checkManifests(objects);
    expect(report.errors).toBe(1);
    expect(report.warnings).toBe(1);
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['SCHEMA_UNKNOWN_FIELD', 'SEC_NODEPORT']);
    expect(formatReport(report)).toContain('1 error(s), 1 warning(s)');
  });

  test('non-YAML files, broken YAML and non-Kubernetes documents get per-file errors; the rest is graded', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-check-'));
    fs.writeFileSync(path.join(dir, 'good.k8s.yaml'), Yaml.stringify(...good()));
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'a: [1, 2\nb: {');
    fs.writeFileSync(path.join(dir, 'other.yaml'), 'just: a config\n');
    fs.symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling.yaml'));
    const report = checkDirectory(dir);
    expect(report.fileErrors.map((e) => [e.file, e.rule])).toEqual([
      ['broken.yaml', 'FILE_YAML_BROKEN'],
      ['dangling.yaml', 'FILE_UNREADABLE'],
      ['notes.txt', 'FILE_NOT_YAML'],
    ]);
    expect(report.findings.map((f) => [f.rule, f.file])).toEqual([['SCHEMA_NOT_KUBERNETES', 'other.yaml']]);
    expect(report.objectCount).toBe(good().length + 1);
  });
});

describe('capacity report', () => {
  test('peak requests × replicas per namespace against the quota, and the node plan', () => {
    const c = capacityReport(good(), { nodeAllocatable: { cpu: '2', memory: '8Gi' }, nodes: 3 });
    const shop = c.namespaces.find((n) => n.namespace === 'shop')!;
    // web: HPA 2–4 (+1 surge at the top) × 100m default request; db: 3 × 250m (MEDIUM, Guaranteed = limits 1 CPU)
    expect(shop.pods).toEqual({ min: 5, max: 8, quota: 60 });
    expect(shop.requests.cpu.max).toBe('3500m');
    expect(c.nodes?.nodes).toBe(3);
    expect(c.warnings).toEqual([
      'only 2 pod(s) of the largest request (1 CPU / 1Gi) fit a node: use bigger nodes (at least 5 pods per node keeps fixed overhead low)',
    ]);
  });

  // Counts the API server refuses (the schema check reports them) were multiplied into quantities, which threw:
  // a crash of checkManifests, exit 2 of the CLI. They now count as absent (the default replicas, no surge).
  test.each<[string, (o: any[]) => void, number]>([
    ['maxSurge a map', (o) => (find(o, 'Deployment', 'web').spec.strategy = { rollingUpdate: { maxSurge: { toString: 1 } } }), 7],
    ['maxSurge 2^53 + 2', (o) => (find(o, 'Deployment', 'web').spec.strategy = { rollingUpdate: { maxSurge: 2 ** 53 + 2 } }), 7],
    ['HPA maxReplicas -1', (o) => (find(o, 'HorizontalPodAutoscaler', 'web').spec.maxReplicas = -1), 6],
    ['HPA minReplicas 1e308', (o) => (find(o, 'HorizontalPodAutoscaler', 'web').spec.minReplicas = 1e308), 8],
  ])('a malformed count (%s) is skipped, not multiplied into the peak', (_what, mutate, max) => {
    const objects = good();
    mutate(objects);
    const shop = capacityReport(objects).namespaces.find((n) => n.namespace === 'shop')!;
    expect(shop.pods.max).toBe(max);
  });

  test('warns when a namespace outgrows its quota or DaemonSets eat more than 10% of a node', () => {
    const objects = good();
    find(objects, 'HorizontalPodAutoscaler', 'web').spec.maxReplicas = 100;
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: { containers: [{ name: 'a', image: 'a:1', resources: { requests: { cpu: '500m', memory: '64Mi' } } }] },
        },
      },
    });
    const c = capacityReport(objects, { nodeAllocatable: { cpu: '4', memory: '16Gi' } });
    expect(c.warnings.some((w) => w.startsWith('shop: ') && w.includes('pods=60'))).toBe(true);
    expect(c.warnings.some((w) => w.includes('fixed per-node overhead'))).toBe(true);
  });
});

describe('capacity report: every ResourceQuota of a namespace, each over the pods its scopes match', () => {
  const quota = (name: string, hard: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace: 'shop' },
    spec: { hard, ...extra },
  });
  const job = (activeDeadlineSeconds?: number) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: 'shop' },
    spec: {
      parallelism: 2,
      template: {
        spec: {
          restartPolicy: 'Never',
          ...(activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds } : {}),
          containers: [{ name: 'j', image: 'ghcr.io/acme/indexer:1.9.0', resources: { requests: { cpu: '1', memory: '1Gi' } } }],
        },
      },
    },
  });

  test('a second unscoped quota is judged and named; the table shows the tightest', () => {
    const c = capacityReport([...good(), quota('q2', { pods: 1, 'requests.cpu': '1m' })]);
    const shop = c.namespaces.find((n) => n.namespace === 'shop')!;
    expect(shop.pods.quota).toBe(1);
    expect(shop.requests.cpu.quota).toBe('1m');
    expect(c.warnings).toContain('shop: requested CPU at peak (3500m) exceeds ResourceQuota q2 requests.cpu=1m');
    expect(c.warnings).toContain('shop: 8 pods at peak exceed ResourceQuota q2 pods=1');
    // The valid neighbour: a quota with room is silent, and the table keeps the tighter one.
    const ok = capacityReport([...good(), quota('q2', { pods: 100, 'requests.cpu': '64' })]);
    expect(ok.warnings.filter((w) => w.startsWith('shop:'))).toEqual([]);
    expect(ok.namespaces.find((n) => n.namespace === 'shop')!.pods.quota).toBe(60);
  });

  test('Terminating counts the pods that set activeDeadlineSeconds (pods.go podMatchesScopeFunc), NotTerminating the rest', () => {
    const terminating = quota('t', { pods: 1 }, { scopes: ['Terminating'] });
    expect(capacityReport([...good(), job(600), terminating]).warnings).toContain(
      'shop: 2 pods at peak exceed ResourceQuota t (scopes Terminating) pods=1',
    );
    // A Job without a pod deadline is not counted by Terminating, but by NotTerminating (scopeSelector Exists).
    expect(capacityReport([...good(), job(), terminating]).warnings.filter((w) => w.startsWith('shop:'))).toEqual([]);
    const notTerminating = quota(
      'n',
      { pods: 9 },
      { scopeSelector: { matchExpressions: [{ scopeName: 'NotTerminating', operator: 'Exists' }] } },
    );
    expect(capacityReport([...good(), job(), notTerminating]).warnings).toContain(
      'shop: 10 pods at peak exceed ResourceQuota n (scopes NotTerminating) pods=9',
    );
    expect(capacityReport([...good(), job(600), notTerminating]).warnings.filter((w) => w.startsWith('shop:'))).toEqual([]);
  });

  test('BestEffort counts the pods with no CPU or memory at all (QoS BestEffort), NotBestEffort the rest', () => {
    const objects = good().filter((o) => o.kind !== 'LimitRange');
    const bare: any = job();
    delete bare.spec.template.spec.containers[0].resources;
    const bestEffort = quota('be', { pods: 0 }, { scopes: ['BestEffort'] });
    expect(capacityReport([...objects, bare, bestEffort]).warnings).toContain(
      'shop: 2 pods at peak exceed ResourceQuota be (scopes BestEffort) pods=0',
    );
    // With requests the Job's pods are not BestEffort: the policy "no best-effort pods here" admits them.
    expect(capacityReport([...objects, job(), bestEffort]).warnings.filter((w) => w.includes('ResourceQuota be'))).toEqual([]);
  });
});

describe('diagram', () => {
  test('DOT has namespaces, workloads, Services, routes, HPA/PDB and allowed paths; Graphviz renders it', async () => {
    const dot = toDot(good(), 'test');
    expect(dot).toContain('subgraph "cluster_shop"');
    expect(dot).toContain('"Ingress/shop/ing" -> "Service/shop/web" [label="/"]');
    expect(dot).toContain('"Deployment/shop/web" -> "StatefulSet/shop/db" [color="#dc2626", label="5432"]');
    expect(dot).toContain('HPA 2–4');
    const svg = await renderSvg(dot);
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
  });

  test('malformed foreign YAML at any path (a map with toString/valueOf keys, a list, text where a list goes) is drawn, never a throw', async () => {
    const base = good();
    let tried = 0;
    for (const [i, o] of base.entries())
      for (const at of paths(o).filter((p) => p.length > 1))
        for (const value of [UNPRINTABLE(), ['x'], 'x']) {
          const objects = good();
          setAt(objects[i], at, value);
          expect(() => toDot(objects, 'test')).not.toThrow();
          tried++;
        }
    expect(tried).toBeGreaterThan(1000);
    // Graphviz parses what a hostile name makes of the DOT source: quotes and a trailing backslash are escaped.
    const objects = good();
    objects[0].metadata.name = 'a"b\\';
    objects[1].metadata.namespace = UNPRINTABLE();
    await expect(renderSvg(toDot(objects, 'x\\'))).resolves.toContain('</svg>');
  });
});

describe('CLI', () => {
  const capture = async (argv: string[]) => {
    let out = '';
    let err = '';
    const code = await run(
      argv,
      (s) => {
        out += s;
      },
      (s) => {
        err += s;
      },
    );
    return { code, out, err };
  };
  const dirWith = (objects: any[]) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-cli-'));
    fs.writeFileSync(path.join(dir, 'all.k8s.yaml'), Yaml.stringify(...objects));
    return dir;
  };

  test('--help and usage errors (exit 0 and 2)', async () => {
    expect((await capture(['--help'])).out).toContain('Exit codes');
    expect((await capture(['frobnicate', '.'])).code).toBe(2);
    expect((await capture(['check', '/no/such/dir'])).code).toBe(2);
    expect((await capture(['check', '.', '--node-cpu', 'lots', '--node-memory', '1Gi'])).code).toBe(2);
  });

  test('check exits 0 on clean manifests and 1 on errors, as a table or JSON', async () => {
    expect((await capture(['check', dirWith(good())])).code).toBe(0);
    const bad = good();
    pod(bad).containers[0].securityContext.privileged = true;
    const r = await capture(['check', dirWith(bad), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings[0].rule).toBe('PSS_PRIVILEGED');
  });

  test('capacity fails, naming the file, when a file could not be read: its figures would leave that file out', async () => {
    const dir = dirWith(good());
    expect((await capture(['capacity', dir, '--json'])).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'a: [1, 2\n');
    for (const argv of [
      ['capacity', dir],
      ['capacity', dir, '--json'],
    ]) {
      const r = await capture(argv);
      expect(r.code).toBe(1);
      expect(r.err).toContain('broken.yaml: FILE_YAML_BROKEN');
    }
  });

  test('capacity and diagram write their outputs', async () => {
    const dir = dirWith(good());
    const cap = await capture(['capacity', dir, '--json', '--node-cpu', '4', '--node-memory', '16Gi']);
    expect(JSON.parse(cap.out).nodes.nodes).toBeGreaterThanOrEqual(2);
    const svg = path.join(dir, 'out.svg');
    expect((await capture(['diagram', dir, '--out', svg])).code).toBe(0);
    expect(fs.readFileSync(svg, 'utf8')).toContain('<svg');
    expect(fs.readFileSync(svg.replace('.svg', '.dot'), 'utf8')).toContain('digraph');
  });
});
