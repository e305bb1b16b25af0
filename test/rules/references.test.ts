import { ApiObject, App } from 'cdk8s';
import {
  AccessMode,
  BlueprintChart,
  Color,
  PersistentVolumeClaim,
  Release,
  ResourcePreset,
  RuleContext,
  StatefulService,
  StorageClass,
  VerticalAutoscaler,
  Volume,
  VpaUpdateMode,
  WebService,
  Worker,
  renderApp,
  runRules,
  setClusterFacts,
} from '../../constructs';
import { synthRuleContext } from '../../constructs/rules/synth-context';
import { POSTGRES, WEB, catchBlueprintError, find, issuesWithCode, render, teamChart, testChart } from '../helpers';
import { UNPRINTABLE, afterMutation, find as fixtureFind, good, mutated, onMalformed, pod, remove, rulesFound } from './fixture';

const web = { namespace: 'shop', ...WEB } as const;

describe('REF_HPA_TARGET: an autoscaler targets a workload of the output', () => {
  test('a VPA whose workload is in another app is refused at synth', () => {
    const other = new BlueprintChart(new App(), 'other', { owner: 'o' });
    const elsewhere = new WebService(other, 'web', web);
    const { app, chart } = testChart();
    new VerticalAutoscaler(chart, 'vpa', { target: elsewhere, updateMode: VpaUpdateMode.OFF });
    const issues = catchBlueprintError(() => renderApp(app)).issues;
    expect(issues.map((i) => [i.code, i.field])).toEqual([['REF_HPA_TARGET', '/spec/targetRef']]);
    expect(issues[0].message).toContain('Deployment/web');
    expect(issues[0].path).toBe('test/vpa/Resource');
  });

  test('the same VPA beside its workload (another chart of the same app) renders', () => {
    const { app, chart } = testChart();
    const side = new BlueprintChart(app, 'side', { owner: 'o' });
    new VerticalAutoscaler(side, 'vpa', { target: new WebService(chart, 'web', web) });
    expect(find(render(app), 'VerticalPodAutoscaler', 'web').spec.targetRef.name).toBe('web');
  });

  test("on YAML (check, the CLI): a VPA whose targetRef names nothing; another group's kind of the same name is not judged", () => {
    const { app, chart } = testChart();
    new VerticalAutoscaler(chart, 'vpa', { target: new WebService(chart, 'web', web) });
    const objects = render(app);
    expect(runRules(objects).filter((f) => f.rule === 'REF_HPA_TARGET')).toEqual([]);
    find(objects, 'VerticalPodAutoscaler', 'web').spec.targetRef.name = 'gone';
    const foreign = { apiVersion: 'example.com/v1', kind: 'VerticalPodAutoscaler', metadata: { name: 'x', namespace: 'shop' }, spec: {} };
    const found = runRules([...objects, foreign]).filter((f) => f.rule === 'REF_HPA_TARGET');
    expect(found.map((f) => [f.object, f.pointer, f.message])).toEqual([
      ['VerticalPodAutoscaler/shop/web', '/spec/targetRef', 'targets missing Deployment/gone'],
    ]);
  });
});

describe('REF_SELECTS_JOB_PODS and REF_SERVICE_MIXED_PODS: a Service (or budget) selects the pods of the workload it fronts', () => {
  const labels = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };
  const template = (extra: Record<string, string> = {}) => ({
    metadata: { labels: { ...labels, ...extra } },
    spec: { containers: [{ name: 'app', image: 'app:1.0.0', ports: [{ name: 'http', containerPort: 8080 }] }] },
  });
  const meta = (name: string) => ({ name, namespace: 'shop' });
  const deployment = (name: string, extra: Record<string, string> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name),
    spec: { selector: { matchLabels: { ...labels, ...extra } }, template: template(extra) },
  });
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('migrate'),
    spec: { template: { ...template(), spec: { ...template().spec, restartPolicy: 'Never' } } },
  };
  const cronJob = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta('report'),
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: job.spec } },
  };
  const service = (spec: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('web'),
    spec: { selector: labels, ports: [{ port: 80, targetPort: 'http' }], ...spec },
  });
  const pdb = (spec: object) => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta('web'),
    spec: { selector: { matchLabels: labels }, ...spec },
  });
  const found = (objects: any[], rule: string) =>
    runRules(objects)
      .filter((f) => f.rule === rule)
      .map((f) => `${f.severity} ${f.object} ${f.pointer}`);

  test("a Service selecting the pods of a Job or a CronJob beside a long-running workload's is an error; a headless one (Indexed Job pod DNS) is not", () => {
    for (const runner of [job, cronJob]) {
      expect(found([deployment('web'), runner, service()], 'REF_SELECTS_JOB_PODS')).toEqual(['error Service/shop/web /spec/selector']);
      expect(found([deployment('web'), runner, service({ clusterIP: 'None' })], 'REF_SELECTS_JOB_PODS')).toEqual([]);
    }
    const [f] = runRules([deployment('web'), job, service()]).filter((x) => x.rule === 'REF_SELECTS_JOB_PODS');
    expect(f.message).toContain('selects the pods of Job/migrate, which run to completion, together with those of Deployment/web');
    expect(f.message).not.toContain('readiness');
    expect(found([deployment('web'), service()], 'REF_SELECTS_JOB_PODS')).toEqual([]);
  });

  test("a Service over a Job's pods alone (a load-test master with a readiness probe) is not: readiness is REL_READINESS's", () => {
    const master = structuredClone(job);
    master.spec.template.spec.containers[0] = {
      ...master.spec.template.spec.containers[0],
      readinessProbe: { httpGet: { path: '/', port: 'http' } },
    } as any;
    for (const runner of [master, job, cronJob]) expect(found([runner, service()], 'REF_SELECTS_JOB_PODS')).toEqual([]);
    // A budget over the same pods is still refused: the disruption controller cannot count them.
    expect(found([job, pdb({ maxUnavailable: 1 })], 'REF_SELECTS_JOB_PODS')).toEqual(['error PodDisruptionBudget/shop/web /spec/selector']);
  });

  test('a budget over Job pods with maxUnavailable or a percentage minAvailable is an error; an integer minAvailable is not (disruption controller)', () => {
    expect(found([deployment('web'), job, pdb({ maxUnavailable: 1 })], 'REF_SELECTS_JOB_PODS')).toEqual([
      'error PodDisruptionBudget/shop/web /spec/selector',
    ]);
    expect(found([deployment('web'), job, pdb({ minAvailable: '50%' })], 'REF_SELECTS_JOB_PODS')).toEqual([
      'error PodDisruptionBudget/shop/web /spec/selector',
    ]);
    expect(found([deployment('web'), job, pdb({ minAvailable: 1 })], 'REF_SELECTS_JOB_PODS')).toEqual([]);
    expect(found([deployment('web'), pdb({ maxUnavailable: 1 })], 'REF_SELECTS_JOB_PODS')).toEqual([]);
  });

  test('at synth: raw objects a Job named like a WebService fail the build on the Service and the budget', () => {
    const { app, chart } = testChart();
    new WebService(chart, 'web', { ...web, replicas: 2 });
    new ApiObject(chart, 'migrate', { ...job, metadata: meta('web') });
    const issues = catchBlueprintError(() => renderApp(app)).issues.filter((i) => i.code === 'REF_SELECTS_JOB_PODS');
    expect(issues.map((i) => i.field)).toEqual(['/spec/selector', '/spec/selector']);
  });

  test('a Service over two controllers that are not tracks of one release is a warning', () => {
    const sts = { ...deployment('db'), kind: 'StatefulSet' };
    expect(found([deployment('web'), sts, service()], 'REF_SERVICE_MIXED_PODS')).toEqual(['warning Service/shop/web /spec/selector']);
    // Two Deployments whose pods carry other label keys: two workloads, not tracks.
    expect(
      found([deployment('web'), deployment('other', { 'app.kubernetes.io/component': 'batch' }), service()], 'REF_SERVICE_MIXED_PODS'),
    ).toEqual(['warning Service/shop/web /spec/selector']);
  });

  test("tracks of one release are not flagged: kubernetes' track: stable/canary, and the library's canary", () => {
    const stable = deployment('web', { track: 'stable' });
    const canary = deployment('web-canary', { track: 'canary' });
    expect(found([stable, canary, service()], 'REF_SERVICE_MIXED_PODS')).toEqual([]);
    for (const release of [Release.canary({ image: 'app:1.1.0' }), Release.blueGreen({ active: Color.GREEN })]) {
      const { app, chart } = testChart();
      new WebService(chart, 'web', { ...web, replicas: 2, release });
      const objects = render(app);
      expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(2);
      expect(found(objects, 'REF_SERVICE_MIXED_PODS')).toEqual([]);
    }
  });
});

describe('reference rules in detail', () => {
  test('REF_SERVICE_UNREACHABLE: a rule admits the Service on a target port, by number, range or name; isolation is by ingress policies', () => {
    /** good() with the web Service's ingress-controller rule replaced by `ports` (undefined: the rule has none), and no scraper rule. */
    const admitting = (ports: unknown) => {
      const objects = good();
      remove(objects, (x) => x.kind === 'NetworkPolicy' && x.metadata.name === 'allow-web-from-ns-monitoring');
      const rule = fixtureFind(objects, 'NetworkPolicy', 'allow-web-from-ingress-ingress-nginx').spec.ingress[0];
      if (ports === undefined) delete rule.ports;
      else rule.ports = ports;
      return objects;
    };
    const flagged = (objects: any[]) => rulesFound(objects).has('REF_SERVICE_UNREACHABLE');
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
    open.splice(open.indexOf(fixtureFind(open, 'NetworkPolicy', 'default-deny-all')), 1);
    expect(flagged(open)).toBe(false);
    // Pods on the node's network are not subject to NetworkPolicies.
    const host = mutated('REF_SERVICE_UNREACHABLE');
    pod(host).hostNetwork = true;
    expect(flagged(host)).toBe(false);
    // An empty selector selects no pods: the Service's endpoints are someone else's.
    const manual = mutated('REF_SERVICE_UNREACHABLE');
    fixtureFind(manual, 'Service', 'web').spec.selector = {};
    expect(flagged(manual)).toBe(false);
  });

  test('REF_INGRESS_BACKEND: an ExternalName Service takes any port number, but a port name must be one it declares', () => {
    const objects = good();
    const backend = fixtureFind(objects, 'Ingress', 'ing').spec.rules[0].http.paths[0].backend.service;
    const svc = fixtureFind(objects, 'Service', backend.name);
    svc.spec = { type: 'ExternalName', externalName: 'api.payments.example.com' };
    backend.port = { number: 443 };
    expect(rulesFound(objects).has('REF_INGRESS_BACKEND')).toBe(false);
    backend.port = { name: 'https' };
    expect(rulesFound(objects).has('REF_INGRESS_BACKEND')).toBe(true);
  });

  test("REF_INGRESS_CONFLICT: a canary shares its main Ingress's route, however ParseBool spells true", () => {
    const objects = good();
    const main = fixtureFind(objects, 'Ingress', 'ing');
    const second = JSON.parse(JSON.stringify(main));
    second.metadata.name = 'ing-canary';
    objects.push(second);
    expect(runRules(objects).find((f) => f.rule === 'REF_INGRESS_CONFLICT')?.object).toBe(`Ingress/${main.metadata.namespace}/ing-canary`);
    for (const yes of ['true', 'True', 'TRUE', '1', 't']) {
      second.metadata.annotations = { 'nginx.ingress.kubernetes.io/canary': yes, 'nginx.ingress.kubernetes.io/canary-weight': '10' };
      expect(rulesFound(objects).has('REF_INGRESS_CONFLICT')).toBe(false);
    }
    for (const no of ['false', 'yes', '']) {
      second.metadata.annotations = { 'nginx.ingress.kubernetes.io/canary': no };
      expect(rulesFound(objects).has('REF_INGRESS_CONFLICT')).toBe(true);
    }
  });

  test('REF_INGRESS_BACKEND: the backend port is a TCP port of the Service', () => {
    const objects = good();
    const backend = fixtureFind(objects, 'Ingress', 'ing').spec.rules[0].http.paths[0].backend.service;
    const svc = fixtureFind(objects, 'Service', backend.name);
    const port = svc.spec.ports.find((p: any) => (backend.port.name ? p.name === backend.port.name : p.port === backend.port.number));
    expect(rulesFound(objects).has('REF_INGRESS_BACKEND')).toBe(false);
    port.protocol = 'UDP';
    expect(runRules(objects).find((f) => f.rule === 'REF_INGRESS_BACKEND')?.message).toContain('UDP, not TCP');
  });

  test('SECRET_UNPROVIDED: provided by a Secret, an ExternalSecret target or a Certificate; only when asked', () => {
    const objects = mutated('SECRET_UNPROVIDED');
    fixtureFind(objects, 'Ingress', 'ing').spec.tls = [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }];
    expect(rulesFound(objects).has('SECRET_UNPROVIDED')).toBe(false);
    const need = { secretsMustBeProvided: true };
    expect(runRules(good(), { context: need }).map((f) => f.message)).toEqual([
      'serves TLS from Secret ing-tls, which nothing in the output provides',
    ]);
    const shim = good();
    fixtureFind(shim, 'Ingress', 'ing').metadata.annotations['cert-manager.io/cluster-issuer'] = 'letsencrypt';
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
    expect(rulesFound(objects, need).has('SECRET_UNPROVIDED')).toBe(false);
    const bySecret = mutated('SECRET_UNPROVIDED');
    bySecret.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: 'shop' } });
    expect(rulesFound(bySecret, { ...need, externalSecrets: ['shop/ing-tls'] }).has('SECRET_UNPROVIDED')).toBe(false);
    const external = mutated('SECRET_UNPROVIDED');
    expect(rulesFound(external, { ...need, externalSecrets: ['shop/db-credentials', 'shop/ing-tls'] }).has('SECRET_UNPROVIDED')).toBe(
      false,
    );
  });

  test('REF_MISSING_OBJECT: a claim storage class must be in the output or declared as existing', () => {
    const objects = good();
    fixtureFind(objects, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec.storageClassName = 'fast';
    expect(rulesFound(objects).has('REF_MISSING_OBJECT')).toBe(true);
    expect(rulesFound(objects, { existingStorageClasses: ['fast'] }).has('REF_MISSING_OBJECT')).toBe(false);
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

  test('REF_MISSING_OBJECT at synth: classes and stores declared in ClusterFacts are provided', () => {
    const { app, chart, team } = teamChart();
    setClusterFacts(app, { existingStorageClasses: ['gp3'], existingSecretStores: ['aws-sm'] });
    const claims = [{ name: 'data', mountPath: '/data', size: '1Gi', storageClass: 'gp3' }];
    new StatefulService(chart, 'db', { namespace: team, ...POSTGRES, replicas: 3, claims });
    expect(synthRuleContext(app)).toMatchObject({ existingStorageClasses: ['gp3'], existingSecretStores: ['aws-sm'] });
    expect(() => renderApp(app)).not.toThrow();
  });
});

describe('MONITOR_TARGET_MISSING', () => {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
  };
  const monitor = (kind: string, spec: any) => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind,
    metadata: { name: 'm', namespace: 'shop' },
    spec,
  });
  const hits = (objects: any[]) => runRules(objects).filter((f) => f.rule === 'MONITOR_TARGET_MISSING');

  test('a ServiceMonitor selecting no Service, or naming a port its Services do not publish', () => {
    const none = hits([service, monitor('ServiceMonitor', { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port: 'http' }] })]);
    expect(none.map((f) => f.pointer)).toEqual(['/spec/selector']);
    const port = hits([
      service,
      monitor('ServiceMonitor', { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'metrics' }] }),
    ]);
    expect(port.map((f) => f.pointer)).toEqual(['/spec/endpoints/0/port']);
    // Another namespace's Service is found only through namespaceSelector.
    const elsewhere = { ...service, metadata: { ...service.metadata, namespace: 'other' } };
    expect(
      hits([elsewhere, monitor('ServiceMonitor', { selector: { matchLabels: { app: 'web' } }, endpoints: [{ port: 'http' }] })]),
    ).toHaveLength(1);
    expect(
      hits([
        elsewhere,
        monitor('ServiceMonitor', {
          selector: { matchLabels: { app: 'web' } },
          namespaceSelector: { any: true },
          endpoints: [{ port: 'http' }],
        }),
      ]),
    ).toEqual([]);
  });

  test('a PodMonitor selecting no pods', () => {
    expect(
      hits([monitor('PodMonitor', { selector: { matchLabels: { app: 'web' } }, podMetricsEndpoints: [{ port: 'http' }] })]),
    ).toHaveLength(1);
  });
});

/*
 * REF_CLAIM_SINGLE_NODE: a ReadWriteOnce(Pod) claim is held by one pod at a
 * time; pods that would share it hang in ContainerCreating (Multi-Attach) or
 * Pending on a real cluster.
 */

const CLAIM_CODE = 'REF_CLAIM_SINGLE_NODE';
const image = (n: string) => `ghcr.io/a/${n}:1.0.0`;

/** A team chart with one claim `state` of `modes` (default: the library's, ReadWriteOnce). */
function withClaim(accessModes?: AccessMode[]) {
  const { app, chart, team } = teamChart();
  const sc = new StorageClass(chart, 'fast', { provisioner: 'ebs.csi.aws.com' });
  const pvc = new PersistentVolumeClaim(chart, 'state', {
    namespace: team,
    size: '5Gi',
    storageClass: sc,
    ...(accessModes ? { accessModes } : {}),
  });
  const mount = (readOnly?: boolean) => [{ volume: Volume.fromClaim(pvc, readOnly ? { readOnly } : {}), path: '/state' }];
  const worker = (id: string, props: Partial<ConstructorParameters<typeof Worker>[2]> = {}, readOnly?: boolean) =>
    new Worker(chart, id, {
      namespace: team,
      image: image(id),
      replicas: 1,
      resources: ResourcePreset.SMALL,
      mounts: mount(readOnly),
      ...props,
    });
  return { app, chart, team, pvc, mount, worker };
}
const issues = (app: Parameters<typeof render>[0]) => issuesWithCode(() => render(app), CLAIM_CODE);

describe('REF_CLAIM_SINGLE_NODE at synth', () => {
  test('two workloads mounting one ReadWriteOnce claim: refused on the claim, naming both and the mode', () => {
    const { app, worker } = withClaim();
    worker('w', { release: Release.recreate() });
    worker('w2', { release: Release.recreate() });
    const found = issues(app);
    expect(found.map((i) => [i.construct, i.field])).toEqual([['PersistentVolumeClaim/shop/state', '/spec/accessModes']]);
    expect(found[0].message).toBe(
      'ReadWriteOnce claim state is mounted by Deployment/w, Deployment/w2, whose pods cannot all hold it at once',
    );
  });

  test('ReadWriteOncePod: two workloads are refused even when both mount it read-only', () => {
    const { app, worker } = withClaim([AccessMode.READ_WRITE_ONCE_POD]);
    worker('w', { release: Release.recreate() }, true);
    worker('w2', { release: Release.recreate() }, true);
    expect(issues(app).map((i) => i.message)).toEqual([
      'ReadWriteOncePod claim state is mounted by Deployment/w, Deployment/w2, whose pods cannot all hold it at once',
    ]);
  });

  test('one replica with the default rolling release: the surge pod needs the claim; the fix is Release.recreate()', () => {
    const { app, worker } = withClaim();
    worker('w');
    const [issue] = issues(app);
    expect(issue).toMatchObject({ construct: 'Deployment/shop/w', field: '/spec/strategy' });
    expect(issue.fix).toMatch(/Recreate \(Release\.recreate\(\)\)/);
  });

  test('the valid neighbour: one replica, Release.recreate(), one workload', () => {
    const { app, worker } = withClaim([AccessMode.READ_WRITE_ONCE_POD]);
    worker('w', { release: Release.recreate() });
    const objects = render(app);
    expect(find(objects, 'Deployment', 'w').spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('several replicas, or an HPA above one, are refused; ReadWriteMany is not', () => {
    const fixed = withClaim();
    new WebService(fixed.chart, 'web', { namespace: fixed.team, ...WEB, replicas: 2, mounts: fixed.mount() });
    expect(issues(fixed.app).map((i) => [i.construct, i.field, i.message])).toEqual([
      ['Deployment/shop/web', '/spec/replicas', 'mounts ReadWriteOnce claim state but runs 2 pods: the extra pod never starts'],
    ]);
    const scaled = withClaim();
    new WebService(scaled.chart, 'web', {
      namespace: scaled.team,
      ...WEB,
      autoscaling: { minReplicas: 2, maxReplicas: 4 },
      release: Release.recreate(),
      mounts: scaled.mount(),
    });
    expect(issues(scaled.app).map((i) => i.message)).toEqual([
      'mounts ReadWriteOnce claim state but is scaled up to 4 pods by HorizontalPodAutoscaler web: the extra pod never starts',
    ]);
    const shared = withClaim([AccessMode.READ_WRITE_MANY]);
    new WebService(shared.chart, 'web', { namespace: shared.team, ...WEB, replicas: 2, mounts: shared.mount() });
    shared.worker('w');
    expect(() => render(shared.app)).not.toThrow();
  });

  test('ReadWriteOnce mounted read-only by every user is not a writer', () => {
    const { app, worker } = withClaim();
    worker('w', { release: Release.recreate() }, true);
    worker('w2', { release: Release.recreate() }, true);
    expect(() => render(app)).not.toThrow();
  });
});

describe('REF_CLAIM_SINGLE_NODE on foreign YAML', () => {
  const pvc = (modes: string[]) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'state', namespace: 'shop' },
    spec: { accessModes: modes, resources: { requests: { storage: '1Gi' } } },
  });
  const spec = {
    containers: [{ name: 'c', image: 'a:1', volumeMounts: [{ name: 's', mountPath: '/s' }] }],
    volumes: [{ name: 's', persistentVolumeClaim: { claimName: 'state' } }],
  };
  const template = { metadata: { labels: { app: 'x' } }, spec };
  const workload = (kind: string, extra: any = {}) => ({
    apiVersion: kind === 'CronJob' || kind === 'Job' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: { name: 'x', namespace: 'shop' },
    spec: kind === 'CronJob' ? { schedule: '* * * * *', jobTemplate: { spec: { template } }, ...extra } : { template, ...extra },
  });
  const found = (...objects: any[]) =>
    runRules(objects)
      .filter((f) => f.rule === CLAIM_CODE)
      .map((f) => `${f.object} ${f.pointer}`);

  test.each([
    ['a Deployment without a strategy (RollingUpdate by default)', workload('Deployment'), 'Deployment/shop/x /spec/strategy'],
    ['a DaemonSet', workload('DaemonSet'), 'DaemonSet/shop/x /spec/template'],
    ['a Job of parallelism 2', workload('Job', { parallelism: 2 }), 'Job/shop/x /spec/parallelism'],
    [
      'a CronJob whose runs may overlap (concurrencyPolicy defaults to Allow)',
      workload('CronJob'),
      'CronJob/shop/x /spec/concurrencyPolicy',
    ],
    ['a StatefulSet of 2 sharing one claim', workload('StatefulSet', { replicas: 2 }), 'StatefulSet/shop/x /spec/replicas'],
  ])('refuses %s', (_, o, expected) => {
    expect(found(pvc(['ReadWriteOnce']), o)).toEqual([expected]);
  });

  test.each([
    ['a Recreate Deployment of 1', workload('Deployment', { strategy: { type: 'Recreate' } })],
    ['a Job of parallelism 1', workload('Job', { parallelism: 1 })],
    ['a CronJob that forbids overlap', workload('CronJob', { concurrencyPolicy: 'Forbid' })],
    ['a StatefulSet of 1', workload('StatefulSet', { replicas: 1 })],
  ])('accepts %s', (_, o) => {
    expect(found(pvc(['ReadWriteOnce']), o)).toEqual([]);
  });

  test('a claim that also offers ReadWriteMany or ReadOnlyMany is shared freely', () => {
    expect(found(pvc(['ReadWriteOnce', 'ReadWriteMany']), workload('DaemonSet'))).toEqual([]);
    expect(found(pvc(['ReadOnlyMany']), workload('DaemonSet'))).toEqual([]);
  });

  test('an HPA above one replica counts; an HPA pinned at one does not', () => {
    const d = workload('Deployment', { replicas: 1, strategy: { type: 'Recreate' } });
    const hpa = (max: number) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'x', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' }, minReplicas: 1, maxReplicas: max },
    });
    expect(found(pvc(['ReadWriteOnce']), d, hpa(3))).toEqual(['Deployment/shop/x /spec/replicas']);
    expect(found(pvc(['ReadWriteOnce']), d, hpa(1))).toEqual([]);
  });

  test('the catalogue fixture: its autoscaled web Deployment may mount a ReadWriteOnce claim read-only', () => {
    const o = good();
    o.push(pvc(['ReadWriteOnce']));
    pod(o).volumes.push({ name: 'state', persistentVolumeClaim: { claimName: 'state', readOnly: true } });
    expect(runRules(o).filter((f) => f.rule === CLAIM_CODE)).toEqual([]);
  });
});

describe('reference rules on malformed input: they skip what they cannot read, never RULE_FAILED', () => {
  const ingressPath = (o: any[]) => fixtureFind(o, 'Ingress', 'ing').spec.rules[0].http.paths[0];
  test.each<[string, string[], (o: any[]) => void, string[]]>([
    [
      'a map for a containerPort',
      ['REF_SERVICE_UNREACHABLE', 'REF_MONITOR_UNREACHABLE'],
      (o) => (pod(o).containers[0].ports[0].containerPort = UNPRINTABLE()),
      [],
    ],
    [
      'a map for a Service port protocol',
      ['REF_SERVICE_UNREACHABLE', 'REF_INGRESS_BACKEND'],
      (o) => (fixtureFind(o, 'Service', 'web').spec.ports[0].protocol = UNPRINTABLE()),
      [],
    ],
    ['a map for a backend Service name', ['REF_INGRESS_BACKEND'], (o) => (ingressPath(o).backend.service.name = UNPRINTABLE()), []],
    [
      'a map for an Ingress host',
      ['REF_INGRESS_CONFLICT'],
      (o) => (fixtureFind(o, 'Ingress', 'ing').spec.rules[0].host = UNPRINTABLE()),
      [],
    ],
    [
      'two Ingresses whose hosts are maps: no route to compare, no conflict',
      ['REF_INGRESS_CONFLICT'],
      (o) => {
        const ing = fixtureFind(o, 'Ingress', 'ing');
        ing.spec.rules[0].host = UNPRINTABLE();
        o.push({ ...structuredClone(ing), metadata: { ...ing.metadata, name: 'other' } });
      },
      [],
    ],
    ['a map for an Ingress path type', ['REF_INGRESS_CONFLICT'], (o) => (ingressPath(o).pathType = UNPRINTABLE()), []],
    [
      'a map for an Ingress class',
      ['REF_INGRESS_CONFLICT'],
      (o) => (fixtureFind(o, 'Ingress', 'ing').spec.ingressClassName = UNPRINTABLE()),
      [],
    ],
    [
      'a map for the HPA target name',
      ['REF_HPA_TARGET'],
      (o) => (fixtureFind(o, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.name = UNPRINTABLE()),
      ['REF_HPA_TARGET /spec/scaleTargetRef'],
    ],
    [
      'a map for the HPA target kind (the index keys it)',
      ['REF_HPA_TARGET'],
      (o) => (fixtureFind(o, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.kind = UNPRINTABLE()),
      ['REF_HPA_TARGET /spec/scaleTargetRef'],
    ],
    [
      'a map for serviceName',
      ['REF_STATEFULSET_SERVICE'],
      (o) => (fixtureFind(o, 'StatefulSet', 'db').spec.serviceName = UNPRINTABLE()),
      ['REF_STATEFULSET_SERVICE /spec/serviceName'],
    ],
    [
      'a map for an env secretKeyRef name',
      ['SECRET_UNPROVIDED'],
      afterMutation('SECRET_UNPROVIDED', (o) => (pod(o).containers[0].env[0].valueFrom.secretKeyRef.name = UNPRINTABLE())),
      [],
    ],
    [
      'a map for a TLS secretName',
      ['SECRET_UNPROVIDED'],
      (o) => (fixtureFind(o, 'Ingress', 'ing').spec.tls[0].secretName = UNPRINTABLE()),
      [],
    ],
    [
      'a map for a Service selector label',
      ['REF_SERVICE_SELECTOR'],
      (o) => (fixtureFind(o, 'Service', 'web').spec.selector['app.kubernetes.io/instance'] = UNPRINTABLE()),
      ['REF_SERVICE_SELECTOR /spec/selector'],
    ],
    [
      'a map for a matchExpressions key',
      ['REF_NETPOL_SELECTOR'],
      (o) =>
        (fixtureFind(o, 'NetworkPolicy', 'allow-web-to-db').spec.podSelector = {
          matchExpressions: [{ key: UNPRINTABLE(), operator: 'Exists' }],
        }),
      ['REF_NETPOL_SELECTOR /spec/podSelector'],
    ],
  ])('%s (%s)', (_what, codes, mutate, expected) => {
    expect(onMalformed(mutate, ...codes)).toEqual(expected);
  });
});
