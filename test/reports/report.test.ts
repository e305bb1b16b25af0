import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import {
  BlueprintChart,
  ConfigMap,
  IngressRoutes,
  PriorityClass,
  QuotaPreset,
  RULES,
  StatefulService,
  TeamNamespace,
  Volume,
  WebService,
  capacityReport,
  checkDirectory,
  checkManifests,
  formatReport,
  renderApp,
  renderSvg,
  runRules,
  toDot,
} from '../../constructs';
import { run } from '../../cli/main';

/** A small, fully governed environment that passes every rule. */
function good(): any[] {
  const app = new App();
  const chart = new BlueprintChart(app, 'c', { owner: 'o' });
  const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
  const cm = new ConfigMap(chart, 'conf', { namespace: 'shop', data: { a: 'b' } });
  const pc = new PriorityClass(chart, 'high', { value: 1000 });
  const web = new WebService(chart, 'web', {
    namespace: team,
    image: 'app:1.0.0',
    ports: [{ name: 'http', port: 8080 }],
    autoscaling: { maxReplicas: 4 },
    mounts: [{ volume: Volume.fromConfigMap(cm), path: '/etc/app' }],
    priorityClass: pc,
  });
  const db = new StatefulService(chart, 'db', {
    namespace: team,
    image: 'postgres:16.4',
    replicas: 3,
    ports: [{ name: 'pg', port: 5432 }],
    claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
  });
  web.allowTo(db);
  new IngressRoutes(chart, 'ing', { namespace: 'shop', host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
  return renderApp(app).flatMap((r) => r.objects);
}
const find = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const pod = (objs: any[], kind = 'Deployment', name = 'web') => find(objs, kind, name).spec.template.spec;
const ids = (objs: any[]) => new Set(runRules(objs).map((f) => f.rule));

const MUTATIONS: Record<string, (o: any[]) => void> = {
  REL_RESOURCES: (o) => {
    o.splice(
      o.findIndex((x) => x.kind === 'LimitRange'),
      1,
    );
  },
  REL_IMAGE_TAG: (o) => {
    pod(o).containers[0].image = 'app:latest';
  },
  REL_READINESS: (o) => {
    delete pod(o).containers[0].readinessProbe;
  },
  REL_PROBE_SAME: (o) => {
    pod(o).containers[0].livenessProbe = { ...pod(o).containers[0].readinessProbe, periodSeconds: 30 };
  },
  REL_HPA_REPLICAS: (o) => {
    find(o, 'Deployment', 'web').spec.replicas = 3;
  },
  REL_PDB_MISSING: (o) => {
    o.splice(
      o.findIndex((x) => x.kind === 'PodDisruptionBudget' && x.metadata.name === 'web'),
      1,
    );
  },
  REL_PDB_BLOCKS: (o) => {
    const p = find(o, 'PodDisruptionBudget', 'db');
    delete p.spec.maxUnavailable;
    p.spec.minAvailable = 3;
  },
  REL_SPREAD: (o) => {
    delete pod(o).topologySpreadConstraints;
  },
  SEC_HOST_NAMESPACES: (o) => {
    pod(o).hostNetwork = true;
  },
  SEC_PRIVILEGED: (o) => {
    pod(o).containers[0].securityContext.privileged = true;
  },
  SEC_CAPABILITIES: (o) => {
    pod(o).containers[0].securityContext.capabilities = { add: ['SYS_ADMIN'], drop: ['ALL'] };
  },
  SEC_HOST_PATH: (o) => {
    pod(o).volumes.push({ name: 'h', hostPath: { path: '/etc' } });
  },
  SEC_HOST_PORTS: (o) => {
    pod(o).containers[0].ports[0].hostPort = 80;
  },
  SEC_RUN_AS_NON_ROOT: (o) => {
    pod(o).securityContext.runAsUser = 0;
  },
  SEC_PRIVILEGE_ESCALATION: (o) => {
    delete pod(o).containers[0].securityContext.allowPrivilegeEscalation;
  },
  SEC_SECCOMP: (o) => {
    delete pod(o).securityContext.seccompProfile;
  },
  SEC_READONLY_ROOT: (o) => {
    pod(o).containers[0].securityContext.readOnlyRootFilesystem = false;
  },
  SEC_SA_TOKEN: (o) => {
    pod(o).automountServiceAccountToken = true;
  },
  SEC_PLAINTEXT_SECRET: (o) => {
    pod(o).containers[0].env = [{ name: 'DB_PASSWORD', value: 'hunter2' }];
  },
  SEC_RBAC_WILDCARD: (o) => {
    o.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'all', namespace: 'shop' },
      rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }],
    });
  },
  SEC_CLUSTER_ADMIN: (o) => {
    o.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'god' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }],
    });
  },
  SEC_NODEPORT: (o) => {
    find(o, 'Service', 'web').spec.type = 'NodePort';
  },
  GOV_QUOTA: (o) => {
    o.splice(
      o.findIndex((x) => x.kind === 'ResourceQuota'),
      1,
    );
  },
  GOV_LIMITRANGE: (o) => {
    o.splice(
      o.findIndex((x) => x.kind === 'LimitRange'),
      1,
    );
  },
  GOV_DEFAULT_DENY: (o) => {
    o.splice(
      o.findIndex((x) => x.metadata.name === 'default-deny-all'),
      1,
    );
  },
  GOV_PSA: (o) => {
    delete find(o, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'];
  },
  REF_SERVICE_SELECTOR: (o) => {
    find(o, 'Service', 'web').spec.selector = { app: 'nothing' };
  },
  REF_SERVICE_TARGET_PORT: (o) => {
    find(o, 'Service', 'web').spec.ports[0].targetPort = 'grpc';
  },
  REF_SERVICE_ENDPOINTS: (o) => {
    o.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lonely', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } });
  },
  REF_INGRESS_BACKEND: (o) => {
    find(o, 'Ingress', 'ing').spec.rules[0].http.paths[0].backend.service.name = 'gone';
  },
  REF_HPA_TARGET: (o) => {
    find(o, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.name = 'gone';
  },
  REF_STATEFULSET_SERVICE: (o) => {
    find(o, 'StatefulSet', 'db').spec.serviceName = 'web';
  },
  REF_PDB_SELECTOR: (o) => {
    find(o, 'PodDisruptionBudget', 'web').spec.selector = { matchLabels: { app: 'nothing' } };
  },
  REF_NETPOL_SELECTOR: (o) => {
    o.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'x', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'nothing' } } },
    });
  },
  REF_MISSING_OBJECT: (o) => {
    o.splice(
      o.findIndex((x) => x.kind === 'ConfigMap'),
      1,
    );
  },
};

describe('best-practice rules', () => {
  test('the baseline passes every rule', () => {
    expect(runRules(good())).toEqual([]);
  });

  test('every rule has a failing-case test', () => {
    expect(Object.keys(MUTATIONS).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test.each(Object.keys(MUTATIONS))('%s fails on its failing manifest and only there', (rule) => {
    const objects = good();
    MUTATIONS[rule](objects);
    const findings = runRules(objects).filter((f) => f.rule === rule);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings[0].fix.length).toBeGreaterThan(0);
    expect(findings[0].object).toMatch(/\//);
  });

  test('hostPath passes in a namespace that enforces privileged', () => {
    const objects = good();
    MUTATIONS.SEC_HOST_PATH(objects);
    find(objects, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged';
    expect(ids(objects).has('SEC_HOST_PATH')).toBe(false);
  });
});

describe('checkManifests and checkDirectory', () => {
  test('schema findings and rule findings together, with counts', () => {
    const objects = good();
    pod(objects).containers[0].imagePullPolicyy = 'Always';
    MUTATIONS.SEC_NODEPORT(objects);
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
      'only 2 pod(s) of the largest request (1 CPU / 1Gi) fit a node: use bigger nodes (PRACTICES §15: at least 5)',
    ]);
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
    MUTATIONS.SEC_PRIVILEGED(bad);
    const r = await capture(['check', dirWith(bad), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings[0].rule).toBe('SEC_PRIVILEGED');
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
