import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { BlueprintError, RULES, RuleContext, TREE_RULES, checkManifests, renderApp, runRules } from '../../constructs';
import { run } from '../../cli/main';
import { find, good, pod, remove } from './fixture';

/*
 * One definition per rule, and every mode that runs it agrees: the synth hook
 * (renderApp over objects built from typed ApiObjects), `npm run check`
 * (checkManifests) and `cluster-blueprints check` on the written YAML.
 */

// The fixture's Ingress serves TLS from ing-tls, which the deploy tool provides.
const CONTEXT: RuleContext = { secretsMustBeProvided: true, externalSecrets: ['shop/ing-tls'] };
type Verdict = string[];

function checkVerdict(objects: any[], code: string): Verdict {
  return checkManifests(objects, { context: CONTEXT })
    .findings.filter((f) => f.rule === code)
    .map((f) => `${f.severity} ${f.object}`)
    .sort();
}

async function cliVerdict(objects: any[], code: string): Promise<{ verdict: Verdict; exit: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-modes-'));
  fs.writeFileSync(path.join(dir, 'all.k8s.yaml'), Yaml.stringify(...objects));
  let out = '';
  const exit = await run(
    ['check', dir, '--json', '--require-secrets', '--provided-secrets', 'shop/ing-tls'],
    (s) => (out += s),
    () => undefined,
  );
  const findings: any[] = JSON.parse(out).findings;
  return {
    verdict: findings
      .filter((f) => f.rule === code)
      .map((f) => `${f.severity} ${f.object}`)
      .sort(),
    exit,
  };
}

/** Builds the objects back through typed ApiObjects and renders them on the synth path; returns the error issues of `code`. */
function synthVerdict(objects: any[], code: string): { verdict: Verdict; paths: string[] } {
  const app = new App();
  const chart = new Chart(app, 'modes');
  objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
  try {
    renderApp(app, { ruleContext: CONTEXT });
    return { verdict: [], paths: [] };
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    const issues = e.issues.filter((i) => i.code === code);
    return { verdict: issues.map((i) => `error ${i.construct}`).sort(), paths: issues.map((i) => i.path) };
  }
}

/** For every rule of the catalogue, the smallest change to `good()` that breaks it. */
const MUTATIONS = new Map<string, (o: any[]) => void>([
  ['REL_RESOURCES', (o) => remove(o, (x) => x.kind === 'LimitRange')],
  [
    'IMAGE_UNPINNED',
    (o) => {
      pod(o).containers[0].image = 'app:latest';
    },
  ],
  [
    'REL_READINESS',
    (o) => {
      delete pod(o).containers[0].readinessProbe;
    },
  ],
  [
    'PROBE_SAME_CHECK',
    (o) => {
      pod(o).containers[0].livenessProbe = { ...pod(o).containers[0].readinessProbe, periodSeconds: 30 };
    },
  ],
  [
    'PORT_UNRESOLVED',
    (o) => {
      find(o, 'Service', 'web').spec.ports[0].targetPort = 'grpc';
    },
  ],
  [
    'REL_HPA_REPLICAS',
    (o) => {
      find(o, 'Deployment', 'web').spec.replicas = 3;
    },
  ],
  ['REL_PDB_MISSING', (o) => remove(o, (x) => x.kind === 'PodDisruptionBudget' && x.metadata.name === 'web')],
  [
    'PDB_BLOCKS_EVICTION',
    (o) => {
      // 67% of 3 rounds up to 3: no eviction is ever allowed.
      const p = find(o, 'PodDisruptionBudget', 'db');
      delete p.spec.maxUnavailable;
      p.spec.minAvailable = '67%';
    },
  ],
  [
    'REL_SPREAD',
    (o) => {
      delete pod(o).topologySpreadConstraints;
    },
  ],
  [
    'HPA_REQUEST_MISSING',
    (o) => {
      remove(o, (x) => x.kind === 'LimitRange');
      delete pod(o).containers[0].resources;
    },
  ],
  [
    'VPA_HPA_CONFLICT',
    (o) => {
      o.push({
        apiVersion: 'autoscaling.k8s.io/v1',
        kind: 'VerticalPodAutoscaler',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, updatePolicy: { updateMode: 'Auto' } },
      });
    },
  ],
  [
    'SEC_HOST_NAMESPACES',
    (o) => {
      pod(o).hostNetwork = true;
    },
  ],
  [
    'SEC_PRIVILEGED',
    (o) => {
      pod(o).containers[0].securityContext.privileged = true;
    },
  ],
  [
    'SEC_CAPABILITIES',
    (o) => {
      pod(o).containers[0].securityContext.capabilities = { add: ['SYS_ADMIN'], drop: ['ALL'] };
    },
  ],
  [
    'SEC_HOST_PATH',
    (o) => {
      pod(o).volumes.push({ name: 'h', hostPath: { path: '/etc' } });
    },
  ],
  [
    'SEC_HOST_PORTS',
    (o) => {
      pod(o).containers[0].ports[0].hostPort = 80;
    },
  ],
  [
    'SEC_RUN_AS_NON_ROOT',
    (o) => {
      pod(o).securityContext.runAsUser = 0;
    },
  ],
  [
    'SEC_PRIVILEGE_ESCALATION',
    (o) => {
      delete pod(o).containers[0].securityContext.allowPrivilegeEscalation;
    },
  ],
  [
    'SEC_SECCOMP',
    (o) => {
      delete pod(o).securityContext.seccompProfile;
    },
  ],
  [
    'SEC_READONLY_ROOT',
    (o) => {
      pod(o).containers[0].securityContext.readOnlyRootFilesystem = false;
    },
  ],
  [
    'SEC_SA_TOKEN',
    (o) => {
      pod(o).automountServiceAccountToken = true;
    },
  ],
  [
    'SEC_PLAINTEXT_SECRET',
    (o) => {
      pod(o).containers[0].env = [{ name: 'DB_PASSWORD', value: 'hunter2' }];
    },
  ],
  [
    'SECRET_IN_OUTPUT',
    (o) => {
      // An annotation is text the output carries like any other: a credential there is as readable as in env.
      const d = find(o, 'Deployment', 'web');
      d.metadata.annotations = { ...d.metadata.annotations, 'example.com/upstream': ['postgres://app:', 'hunter2x@db:5432/app'].join('') };
    },
  ],
  [
    'SEC_RBAC_WILDCARD',
    (o) => {
      o.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'all', namespace: 'shop' },
        rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }],
      });
    },
  ],
  [
    'SEC_CLUSTER_ADMIN',
    (o) => {
      o.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'god' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }],
      });
    },
  ],
  [
    'SEC_NODEPORT',
    (o) => {
      find(o, 'Service', 'web').spec.type = 'NodePort';
    },
  ],
  ['GOV_QUOTA', (o) => remove(o, (x) => x.kind === 'ResourceQuota')],
  [
    'GOV_LIMITRANGE',
    (o) => {
      // Keep the containers' own resources complete, so only the namespace rule fires.
      remove(o, (x) => x.kind === 'LimitRange');
      for (const t of [pod(o), pod(o, 'StatefulSet', 'db')])
        for (const c of t.containers) c.resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } };
    },
  ],
  ['GOV_DEFAULT_DENY', (o) => remove(o, (x) => x.metadata.name === 'default-deny-all')],
  [
    'GOV_PSA',
    (o) => {
      delete find(o, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'];
    },
  ],
  [
    'REF_SERVICE_SELECTOR',
    (o) => {
      find(o, 'Service', 'web').spec.selector = { app: 'nothing' };
    },
  ],
  [
    'REF_SERVICE_ENDPOINTS',
    (o) => {
      o.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lonely', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } });
    },
  ],
  [
    'REF_INGRESS_BACKEND',
    (o) => {
      find(o, 'Ingress', 'ing').spec.rules[0].http.paths[0].backend.service.name = 'gone';
    },
  ],
  [
    'REF_HPA_TARGET',
    (o) => {
      find(o, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.name = 'gone';
    },
  ],
  [
    'REF_STATEFULSET_SERVICE',
    (o) => {
      find(o, 'StatefulSet', 'db').spec.serviceName = 'web';
    },
  ],
  [
    'REF_PDB_SELECTOR',
    (o) => {
      find(o, 'PodDisruptionBudget', 'web').spec.selector = { matchLabels: { app: 'nothing' } };
    },
  ],
  [
    'REF_NETPOL_SELECTOR',
    (o) => {
      o.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'x', namespace: 'shop' },
        spec: { podSelector: { matchLabels: { app: 'nothing' } } },
      });
    },
  ],
  ['REF_MISSING_OBJECT', (o) => remove(o, (x) => x.kind === 'ConfigMap')],
  [
    'MONITOR_TARGET_MISSING',
    (o) => {
      find(o, 'ServiceMonitor', 'web').spec.selector = { matchLabels: { app: 'nothing' } };
    },
  ],
  [
    'BACKUP_MISSING',
    (o) => {
      find(o, 'Namespace', 'shop').metadata.labels['cluster-blueprints.io/environment'] = 'production';
    },
  ],
  [
    'SECRET_UNPROVIDED',
    (o) => {
      pod(o).containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }];
    },
  ],
]);
const mutated = (code: string): any[] => {
  const objects = good();
  MUTATIONS.get(code)!(objects);
  return objects;
};

describe('the rule catalogue', () => {
  test('every code is defined once, across rendered and typed-tree rules', () => {
    const codes = [...RULES, ...TREE_RULES].map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of RULES) expect(r.fix.length * r.description.length * r.inspects.length).toBeGreaterThan(0);
    for (const r of TREE_RULES) expect(r.needs.length).toBeGreaterThan(0);
  });

  test('every rule has a failing case', () => {
    expect([...MUTATIONS.keys()].sort()).toEqual(RULES.map((r) => r.code).sort());
  });

  test('the baseline passes every rule in every mode', async () => {
    const objects = good();
    expect(runRules(objects, { context: CONTEXT })).toEqual([]);
    expect((await cliVerdict(objects, '')).exit).toBe(0);
    expect(synthVerdict(objects, '').verdict).toEqual([]);
  });

  test.each(RULES.map((r) => [r.code, r.severity]))('%s (%s): same verdict at synth, in npm run check and in the CLI', async (code) => {
    const objects = mutated(code);
    const check = checkVerdict(objects, code);
    expect(check.length).toBeGreaterThan(0);
    const cli = await cliVerdict(objects, code);
    expect(cli.verdict).toEqual(check);
    const errors = check.filter((v) => v.startsWith('error'));
    const synth = synthVerdict(objects, code);
    // Synth fails on errors only; warnings are for `check` to report.
    expect(synth.verdict).toEqual(errors);
    for (const p of synth.paths) expect(p).toMatch(/^modes\/o\d+$/);
    if (errors.length) expect(cli.exit).toBe(1);
  });
});

describe('rule details', () => {
  const codes = (objects: any[], context: RuleContext = {}) => new Set(runRules(objects, { context }).map((f) => f.rule));

  test('PDB_BLOCKS_EVICTION rounds percentages up, as the disruption controller does', () => {
    const at = (spec: any) => {
      const o = good();
      find(o, 'PodDisruptionBudget', 'db').spec = { selector: find(o, 'PodDisruptionBudget', 'db').spec.selector, ...spec };
      return codes(o).has('PDB_BLOCKS_EVICTION');
    };
    expect(at({ minAvailable: '67%' })).toBe(true); // ceil(2.01) = 3 of 3
    expect(at({ minAvailable: '66%' })).toBe(false); // ceil(1.98) = 2 of 3
    expect(at({ minAvailable: 3 })).toBe(true);
    expect(at({ maxUnavailable: 0 })).toBe(true);
    expect(at({ maxUnavailable: '10%' })).toBe(false); // 10% of 3 rounds up to 1
  });

  test('hostPath passes in a namespace that enforces privileged', () => {
    const objects = mutated('SEC_HOST_PATH');
    find(objects, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged';
    expect(codes(objects).has('SEC_HOST_PATH')).toBe(false);
  });

  test('PORT_UNRESOLVED: a named probe port must be declared; a numeric one only when the container declares ports', () => {
    const named = good();
    pod(named).containers[0].livenessProbe = { httpGet: { path: '/livez', port: 'admin' } };
    expect(codes(named).has('PORT_UNRESOLVED')).toBe(true);
    const numeric = good();
    pod(numeric).containers[0].livenessProbe = { tcpSocket: { port: 9999 } };
    expect(codes(numeric).has('PORT_UNRESOLVED')).toBe(true);
    delete pod(numeric).containers[0].ports;
    pod(numeric).containers[0].readinessProbe = { tcpSocket: { port: 8080 } };
    find(numeric, 'Service', 'web').spec.ports[0].targetPort = 8080;
    expect(codes(numeric).has('PORT_UNRESOLVED')).toBe(false);
  });

  test('SECRET_UNPROVIDED: provided by a Secret, an ExternalSecret target or a Certificate; only when asked', () => {
    const objects = mutated('SECRET_UNPROVIDED');
    find(objects, 'Ingress', 'ing').spec.tls = [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }];
    expect(codes(objects).has('SECRET_UNPROVIDED')).toBe(false);
    const need = { secretsMustBeProvided: true };
    expect(runRules(good(), { context: need }).map((f) => f.message)).toEqual([
      'serves TLS from Secret ing-tls, which nothing in the output provides',
    ]);
    const shim = good();
    find(shim, 'Ingress', 'ing').metadata.annotations['cert-manager.io/cluster-issuer'] = 'letsencrypt';
    expect(runRules(shim, { context: need })).toEqual([]);
    expect(runRules(objects, { context: need }).filter((f) => f.rule === 'SECRET_UNPROVIDED')).toHaveLength(2);
    objects.push({
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { target: { name: 'db-credentials' } },
    });
    objects.push({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'shop', namespace: 'shop' },
      spec: { secretName: 'shop-tls' },
    });
    expect(codes(objects, need).has('SECRET_UNPROVIDED')).toBe(false);
    const bySecret = mutated('SECRET_UNPROVIDED');
    bySecret.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: 'shop' } });
    expect(codes(bySecret, { ...need, externalSecrets: ['shop/ing-tls'] }).has('SECRET_UNPROVIDED')).toBe(false);
    const external = mutated('SECRET_UNPROVIDED');
    expect(codes(external, { ...need, externalSecrets: ['shop/db-credentials', 'shop/ing-tls'] }).has('SECRET_UNPROVIDED')).toBe(false);
  });

  test('BACKUP_MISSING: a Velero Schedule including the namespace covers its data holders', () => {
    const objects = mutated('BACKUP_MISSING');
    expect(
      runRules(objects)
        .filter((f) => f.rule === 'BACKUP_MISSING')
        .map((f) => f.object),
    ).toEqual(['StatefulSet/shop/db']);
    objects.push({
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: { name: 'shop', namespace: 'velero' },
      spec: { schedule: '0 2 * * *', template: { includedNamespaces: ['shop'], ttl: '720h0m0s' } },
    });
    expect(codes(objects).has('BACKUP_MISSING')).toBe(false);
  });

  test('REF_MISSING_OBJECT: a claim storage class must be in the output or declared as existing', () => {
    const objects = good();
    find(objects, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec.storageClassName = 'fast';
    expect(codes(objects).has('REF_MISSING_OBJECT')).toBe(true);
    expect(codes(objects, { existingStorageClasses: ['fast'] }).has('REF_MISSING_OBJECT')).toBe(false);
  });

  test('a rule that cannot read malformed input reports RULE_FAILED instead of crashing', () => {
    const boom = { ...RULES[0], check: () => { throw new TypeError('x is not iterable'); } }; // prettier-ignore
    expect(runRules(good(), { rules: [boom] }).map((f) => f.rule)).toEqual(['RULE_FAILED']);
  });
});
