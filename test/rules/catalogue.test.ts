import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import {
  BlueprintChart,
  BlueprintError,
  QuotaPreset,
  RULES,
  RuleContext,
  StatefulService,
  TREE_RULES,
  TeamNamespace,
  checkManifests,
  renderApp,
  runRules,
  setClusterFacts,
} from '../../constructs';
import { synthRuleContext } from '../../constructs/rules/synth-context';
import { run } from '../../cli/main';
import { RULE_MUTATIONS, find, good, pod, remove } from './fixture';

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

const MUTATIONS = RULE_MUTATIONS;
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

  test('REL_EPHEMERAL_STORAGE: a limit stands in for its request, and a LimitRange default counts', () => {
    const objects = mutated('REL_EPHEMERAL_STORAGE');
    const c = pod(objects).containers[0];
    c.resources.limits['ephemeral-storage'] = '1Gi';
    expect(codes(objects).has('REL_EPHEMERAL_STORAGE')).toBe(false);
    delete c.resources.limits['ephemeral-storage'];
    find(objects, 'LimitRange', 'limits').spec.limits[0].default['ephemeral-storage'] = '1Gi';
    expect(codes(objects).has('REL_EPHEMERAL_STORAGE')).toBe(false);
  });

  test('hostPath passes in a namespace that enforces privileged', () => {
    const objects = mutated('HOSTPATH_FORBIDDEN');
    find(objects, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged';
    expect(codes(objects).has('HOSTPATH_FORBIDDEN')).toBe(false);
  });

  test('PORT_UNRESOLVED: a named probe port must be declared; a numeric one only in our own output, when the container declares ports', () => {
    const named = good();
    pod(named).containers[0].livenessProbe = { httpGet: { path: '/livez', port: 'admin' } };
    expect(codes(named).has('PORT_UNRESOLVED')).toBe(true);
    const numeric = good();
    pod(numeric).containers[0].livenessProbe = { tcpSocket: { port: 9999 } };
    // Foreign YAML: the kubelet probes the number whether listed or not (ingress-nginx probes an unlisted 10254).
    expect(codes(numeric).has('PORT_UNRESOLVED')).toBe(false);
    // Our own output lists every port a workload listens on: a number outside the list is a typo.
    expect(synthVerdict(numeric, 'PORT_UNRESOLVED').verdict).toEqual(['error Deployment/shop/web']);
    delete pod(numeric).containers[0].ports;
    pod(numeric).containers[0].readinessProbe = { tcpSocket: { port: 8080 } };
    find(numeric, 'Service', 'web').spec.ports[0].targetPort = 8080;
    expect(codes(numeric).has('PORT_UNRESOLVED')).toBe(false);
    expect(synthVerdict(numeric, 'PORT_UNRESOLVED').verdict).toEqual([]);
  });

  test('REL_LIVENESS and REL_READINESS: the probeOptOut annotation excuses its own probe, for its own container only', () => {
    const objects = good();
    const template = find(objects, 'Deployment', 'web').spec.template;
    const name = template.spec.containers[0].name;
    delete template.spec.containers[0].livenessProbe;
    delete template.spec.containers[0].readinessProbe;
    const found = () =>
      runRules(objects)
        .filter((f) => f.object === 'Deployment/shop/web')
        .map((f) => f.rule);
    expect(found()).toEqual(expect.arrayContaining(['REL_LIVENESS', 'REL_READINESS']));
    const annotations = (template.metadata.annotations ??= {});
    annotations['probes.cluster-blueprints.io/other'] = 'readiness: not this container; liveness: not this container';
    expect(found()).toEqual(expect.arrayContaining(['REL_LIVENESS', 'REL_READINESS']));
    annotations[`probes.cluster-blueprints.io/${name}`] = 'readiness: the app has no readiness-relevant liveness: state';
    expect(found()).toContain('REL_LIVENESS');
    expect(found()).not.toContain('REL_READINESS');
    annotations[`probes.cluster-blueprints.io/${name}`] = 'liveness: the process exits on its own when it hangs';
    expect(found()).toContain('REL_READINESS');
    expect(found()).not.toContain('REL_LIVENESS');
  });

  test('REL_LIVENESS: DaemonSets run until stopped too; Jobs and CronJobs run to completion', () => {
    const objects = good();
    const template = (spec: object) => ({
      metadata: { labels: { app: 'x' } },
      spec: { containers: [{ name: 'x', image: 'x:1.0.0', ...spec }] },
    });
    const meta = (name: string) => ({ name, namespace: 'shop' });
    objects.push({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('agent'), spec: { template: template({}) } });
    objects.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('job'), spec: { template: template({}) } });
    objects.push({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('cron'),
      spec: { jobTemplate: { spec: { template: template({}) } } },
    });
    const flagged = runRules(objects)
      .filter((f) => f.rule === 'REL_LIVENESS')
      .map((f) => f.object);
    expect(flagged).toEqual(['DaemonSet/shop/agent']);
  });

  test('SEC_PLAINTEXT_SECRET: the pod annotation allows the names it lists, for its container only', () => {
    const objects = good();
    const template = find(objects, 'Deployment', 'web').spec.template;
    const name = template.spec.containers[0].name;
    template.spec.containers[0].env = [{ name: 'JWT_SIGNING_KEY', value: 'dev-only' }];
    expect(codes(objects).has('SEC_PLAINTEXT_SECRET')).toBe(true);
    template.metadata.annotations = { ...template.metadata.annotations, [`plaintext-env.cluster-blueprints.io/other`]: 'JWT_SIGNING_KEY' };
    expect(codes(objects).has('SEC_PLAINTEXT_SECRET')).toBe(true);
    template.metadata.annotations[`plaintext-env.cluster-blueprints.io/${name}`] = 'LOG_LEVEL, JWT_SIGNING_KEY';
    expect(codes(objects).has('SEC_PLAINTEXT_SECRET')).toBe(false);
  });

  test('SEC_PLAINTEXT_SECRET: a variable naming a file holds no secret (POSTGRES_PASSWORD_FILE, a key file in a mount)', () => {
    const flagged = (env: any[], volumeMounts?: any[]) => {
      const objects = good();
      const c = pod(objects).containers[0];
      c.env = env;
      if (volumeMounts) c.volumeMounts = [...(c.volumeMounts ?? []), ...volumeMounts];
      return codes(objects).has('SEC_PLAINTEXT_SECRET');
    };
    // The official postgres/mysql images read the secret from the file the _FILE variable names.
    expect(flagged([{ name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/postgres-password' }])).toBe(false);
    expect(flagged([{ name: 'tlsKeyPath', value: '/etc/tls/tls.key' }])).toBe(false);
    const mount = [{ name: 'gcp-key', mountPath: '/var/secrets/google/' }];
    expect(flagged([{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/secrets/google/key.json' }], mount)).toBe(false);
    // A literal secret stays one, also beside a mount; a value merely sharing a mount's prefix is not inside it.
    expect(flagged([{ name: 'POSTGRES_PASSWORD', value: 'hunter2' }], mount)).toBe(true);
    expect(flagged([{ name: 'API_TOKEN', value: '/var/secrets/googlekey' }], mount)).toBe(true);
    // A _FILE name describes a file, not the secret (FILE is a descriptor of SECRET_ENV_NAME); a token put in it is
    // still refused by its shape (SECRET_IN_OUTPUT).
    const objects = good();
    pod(objects).containers[0].env = [{ name: 'API_TOKEN_FILE', value: `ghp_${'a1B2'.repeat(9)}` }];
    expect(codes(objects).has('SECRET_IN_OUTPUT')).toBe(true);
    // Empty, a yes or no, a $(NAME) reference: nothing secret is written (the same predicate as the construct's).
    for (const value of ['', 'true', '1', '$(DB_PASSWORD_FROM_SECRET)']) expect(flagged([{ name: 'DB_PASSWORD', value }])).toBe(false);
  });

  test('PORT_UNRESOLVED: a NetworkPolicy admits ports the selected pods declare', () => {
    const policy = (port: unknown) => {
      const objects = good();
      const labels = find(objects, 'Deployment', 'web').spec.template.metadata.labels;
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-web', namespace: find(objects, 'Deployment', 'web').metadata.namespace },
        spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port }] }] },
      });
      return objects;
    };
    const declared = pod(good()).containers[0].ports[0];
    expect(runRules(policy('admin')).find((f) => f.rule === 'PORT_UNRESOLVED')?.pointer).toBe('/spec/ingress/0/ports/0');
    // A number opens that port whether declared or not: judged only in our own output.
    expect(codes(policy(9999)).has('PORT_UNRESOLVED')).toBe(false);
    expect(synthVerdict(policy(9999), 'PORT_UNRESOLVED').verdict).toEqual([
      `error NetworkPolicy/${find(good(), 'Deployment', 'web').metadata.namespace}/allow-web`,
    ]);
    expect(codes(policy(declared.name)).has('PORT_UNRESOLVED')).toBe(false);
    expect(codes(policy(declared.containerPort)).has('PORT_UNRESOLVED')).toBe(false);
  });

  test('PORT_UNRESOLVED: a Service targets a port the selected pods declare with the same protocol (podutil.FindPort)', () => {
    const service = (mutate: (port: any) => void) => {
      const objects = good();
      mutate(find(objects, 'Service', 'web').spec.ports[0]);
      return objects;
    };
    const declared = pod(good()).containers[0].ports[0];
    const udpNamed = service((p) => Object.assign(p, { protocol: 'UDP', targetPort: declared.name }));
    expect(runRules(udpNamed).find((f) => f.rule === 'PORT_UNRESOLVED')?.pointer).toBe('/spec/ports/0');
    // A number reaches whatever listens there: judged only in our own output, with its protocol.
    const udpNumber = service((p) => Object.assign(p, { protocol: 'UDP', targetPort: declared.containerPort }));
    expect(codes(udpNumber).has('PORT_UNRESOLVED')).toBe(false);
    expect(synthVerdict(udpNumber, 'PORT_UNRESOLVED').verdict).toEqual(['error Service/shop/web']);
    // The valid neighbours: the declared name or number over the declared protocol.
    for (const targetPort of [declared.name, declared.containerPort]) {
      const ok = service((p) => Object.assign(p, { targetPort }));
      expect(codes(ok).has('PORT_UNRESOLVED')).toBe(false);
      expect(synthVerdict(ok, 'PORT_UNRESOLVED').verdict).toEqual([]);
    }
  });

  test('REF_SERVICE_UNREACHABLE: a rule admits the Service on a target port, by number, range or name; isolation is by ingress policies', () => {
    /** good() with the web Service's ingress-controller rule replaced by `ports` (undefined: the rule has none), and no scraper rule. */
    const admitting = (ports: unknown) => {
      const objects = good();
      remove(objects, (x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'allow-web-from-ns-monitoring');
      const rule = find(objects, 'NetworkPolicy', 'allow-web-from-ingress-ingress-nginx').spec.ingress[0];
      if (ports === undefined) delete rule.ports;
      else rule.ports = ports;
      return objects;
    };
    const flagged = (objects: any[]) => codes(objects).has('REF_SERVICE_UNREACHABLE');
    expect(flagged(admitting([{ port: 8080, protocol: 'TCP' }]))).toBe(false);
    expect(flagged(admitting([{ port: 'http' }]))).toBe(false);
    expect(flagged(admitting([{ port: 8000, endPort: 8090 }]))).toBe(false);
    expect(flagged(admitting(undefined))).toBe(false);
    expect(flagged(admitting([{ protocol: 'TCP' }]))).toBe(false);
    // Another port, another protocol, a name the pods give another port: nothing reaches the Service.
    const unreachable = admitting([{ port: 9090 }]);
    expect(runRules(unreachable).find((f) => f.rule === 'REF_SERVICE_UNREACHABLE')).toMatchObject({
      object: 'Service/shop/web',
      pointer: '/spec/ports',
      message: expect.stringContaining('isolated for ingress (NetworkPolicy default-deny-all)'),
    });
    expect(flagged(admitting([{ port: 8080, protocol: 'UDP' }]))).toBe(true);
    expect(flagged(admitting([{ port: 'metrics' }]))).toBe(true);
    // Without the default deny, the egress-only policy selecting web does not isolate it for ingress.
    const open = mutated('REF_SERVICE_UNREACHABLE');
    expect(flagged(open)).toBe(true);
    open.splice(open.indexOf(find(open, 'NetworkPolicy', 'default-deny-all')), 1);
    expect(flagged(open)).toBe(false);
    // Pods on the node's network are not subject to NetworkPolicies.
    const host = mutated('REF_SERVICE_UNREACHABLE');
    pod(host).hostNetwork = true;
    expect(flagged(host)).toBe(false);
    // An empty selector selects no pods: the Service's endpoints are someone else's.
    const manual = mutated('REF_SERVICE_UNREACHABLE');
    find(manual, 'Service', 'web').spec.selector = {};
    expect(flagged(manual)).toBe(false);
  });

  test('PORT_UNRESOLVED: a native sidecar (init container with restartPolicy Always) names pod ports, as podutil.FindPort resolves them', () => {
    const objects = good();
    pod(objects).initContainers = [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', ports: [{ name: 'proxy', containerPort: 15001 }] }];
    find(objects, 'Service', 'web').spec.ports[0].targetPort = 'proxy';
    // A run-to-completion init container is gone before the pod serves: its port names nothing.
    expect(runRules(objects).find((f) => f.rule === 'PORT_UNRESOLVED')?.object).toBe('Service/shop/web');
    pod(objects).initContainers[0].restartPolicy = 'Always';
    expect(codes(objects).has('PORT_UNRESOLVED')).toBe(false);
  });

  test('REF_INGRESS_BACKEND: an ExternalName Service takes any port number, but a port name must be one it declares', () => {
    const objects = good();
    const backend = find(objects, 'Ingress', 'ing').spec.rules[0].http.paths[0].backend.service;
    const svc = find(objects, 'Service', backend.name);
    svc.spec = { type: 'ExternalName', externalName: 'api.payments.example.com' };
    backend.port = { number: 443 };
    expect(codes(objects).has('REF_INGRESS_BACKEND')).toBe(false);
    backend.port = { name: 'https' };
    expect(codes(objects).has('REF_INGRESS_BACKEND')).toBe(true);
  });

  test("REF_INGRESS_CONFLICT: a canary shares its main Ingress's route, however ParseBool spells true", () => {
    const objects = good();
    const main = find(objects, 'Ingress', 'ing');
    const second = JSON.parse(JSON.stringify(main));
    second.metadata.name = 'ing-canary';
    objects.push(second);
    expect(runRules(objects).find((f) => f.rule === 'REF_INGRESS_CONFLICT')?.object).toBe(`Ingress/${main.metadata.namespace}/ing-canary`);
    for (const yes of ['true', 'True', 'TRUE', '1', 't']) {
      second.metadata.annotations = { 'nginx.ingress.kubernetes.io/canary': yes, 'nginx.ingress.kubernetes.io/canary-weight': '10' };
      expect(codes(objects).has('REF_INGRESS_CONFLICT')).toBe(false);
    }
    for (const no of ['false', 'yes', '']) {
      second.metadata.annotations = { 'nginx.ingress.kubernetes.io/canary': no };
      expect(codes(objects).has('REF_INGRESS_CONFLICT')).toBe(true);
    }
  });

  test('REF_INGRESS_BACKEND: the backend port is a TCP port of the Service', () => {
    const objects = good();
    const backend = find(objects, 'Ingress', 'ing').spec.rules[0].http.paths[0].backend.service;
    const svc = find(objects, 'Service', backend.name);
    const port = svc.spec.ports.find((p: any) => (backend.port.name ? p.name === backend.port.name : p.port === backend.port.number));
    expect(codes(objects).has('REF_INGRESS_BACKEND')).toBe(false);
    port.protocol = 'UDP';
    expect(runRules(objects).find((f) => f.rule === 'REF_INGRESS_BACKEND')?.message).toContain('UDP, not TCP');
  });

  test('PORT_UNRESOLVED: a lifecycle hook names a port like a probe does', () => {
    const named = good();
    pod(named).containers[0].lifecycle = { preStop: { httpGet: { path: '/drain', port: 'admin' } } };
    expect(runRules(named).find((f) => f.rule === 'PORT_UNRESOLVED')?.pointer).toMatch(/\/lifecycle\/preStop$/);
    const declared = good();
    pod(declared).containers[0].lifecycle = { preStop: { httpGet: { path: '/drain', port: pod(declared).containers[0].ports[0].name } } };
    expect(codes(declared).has('PORT_UNRESOLVED')).toBe(false);
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

  test('REF_MISSING_OBJECT: the store an ExternalSecret, ClusterExternalSecret or PushSecret names is in the output or declared', () => {
    const es = (ref: any, extra: any = {}) => ({
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { secretStoreRef: ref, target: { name: 'db' }, ...extra },
    });
    const missing = (objects: any[], context: RuleContext = {}) =>
      runRules(objects, { context })
        .filter((f) => f.rule === 'REF_MISSING_OBJECT')
        .map((f) => `${f.object} ${f.pointer}: ${f.message}`);
    const cluster = es({ kind: 'ClusterSecretStore', name: 'aws-sm' });
    expect(missing([cluster])).toEqual([
      'ExternalSecret/shop/db /spec/secretStoreRef: reads from ClusterSecretStore aws-sm, which neither the output nor the cluster declaration provides',
    ]);
    expect(missing([cluster], { existingSecretStores: ['aws-sm'] })).toEqual([]);
    const store = (kind: string, namespace?: string) => ({
      apiVersion: 'external-secrets.io/v1beta1',
      kind,
      metadata: { name: 'aws-sm', ...(namespace ? { namespace } : {}) },
      spec: { provider: {} },
    });
    expect(missing([cluster, store('ClusterSecretStore')])).toEqual([]);
    // A SecretStore is namespaced, and the default kind of a secretStoreRef.
    const local = es({ name: 'aws-sm' });
    expect(missing([local, store('ClusterSecretStore')])).toHaveLength(1);
    expect(missing([local, store('SecretStore', 'other')])).toHaveLength(1);
    expect(missing([local, store('SecretStore', 'shop')])).toEqual([]);
    expect(missing([local], { existingSecretStores: ['shop/aws-sm'] })).toEqual([]);
    expect(missing([local], { existingSecretStores: ['aws-sm'] })).toHaveLength(1);
    // Per-entry stores, and the other External Secrets kinds that name one.
    const perEntry = es(
      { kind: 'ClusterSecretStore', name: 'aws-sm' },
      { data: [{ secretKey: 'k', remoteRef: { key: 'k' }, sourceRef: { storeRef: { kind: 'ClusterSecretStore', name: 'vault' } } }] },
    );
    expect(missing([perEntry], { existingSecretStores: ['aws-sm'] })).toEqual([
      'ExternalSecret/shop/db /spec/data/0/sourceRef/storeRef: reads from ClusterSecretStore vault, which neither the output nor the cluster declaration provides',
    ]);
    const push = {
      apiVersion: 'external-secrets.io/v1alpha1',
      kind: 'PushSecret',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { secretStoreRefs: [{ kind: 'ClusterSecretStore', name: 'vault' }] },
    };
    const clusterEs = {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ClusterExternalSecret',
      metadata: { name: 'c' },
      spec: { externalSecretSpec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' } } },
    };
    expect(missing([push, clusterEs])).toHaveLength(2);
    expect(missing([push, clusterEs], { existingSecretStores: ['vault'] })).toEqual([]);
  });

  test('REF_MISSING_OBJECT in the CLI: --secret-stores declares the stores the cluster has', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-stores-'));
    const es = {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-sm' }, target: { name: 'db' } },
    };
    fs.writeFileSync(path.join(dir, 'es.yaml'), Yaml.stringify(es));
    const rules = async (...flags: string[]) => {
      let out = '';
      await run(['check', dir, '--json', ...flags], (s) => (out += s), () => undefined); // prettier-ignore
      return (JSON.parse(out).findings as any[]).filter((f) => f.rule === 'REF_MISSING_OBJECT').map((f) => f.pointer);
    };
    expect(await rules()).toEqual(['/spec/secretStoreRef']);
    expect(await rules('--secret-stores', 'aws-sm')).toEqual([]);
  });

  test('REF_MISSING_OBJECT at synth: classes and stores declared in ClusterFacts are provided', () => {
    const app = new App();
    setClusterFacts(app, { existingStorageClasses: ['gp3'], existingSecretStores: ['aws-sm'] });
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
    const claims = [{ name: 'data', mountPath: '/data', size: '1Gi', storageClass: 'gp3' }];
    new StatefulService(chart, 'db', { namespace: team, image: 'postgres:16.4', replicas: 3, ports: [{ name: 'pg', port: 5432 }], claims });
    expect(synthRuleContext(app)).toMatchObject({ existingStorageClasses: ['gp3'], existingSecretStores: ['aws-sm'] });
    expect(() => renderApp(app)).not.toThrow();
  });

  test('a rule that cannot read malformed input reports RULE_FAILED instead of crashing', () => {
    const boom = { ...RULES[0], check: () => { throw new TypeError('x is not iterable'); } }; // prettier-ignore
    expect(runRules(good(), { rules: [boom] }).map((f) => f.rule)).toEqual(['RULE_FAILED']);
  });
});
