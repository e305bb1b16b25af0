import { ApiObject, App } from 'cdk8s';
import { BlueprintChart, Color, Release, VerticalAutoscaler, VpaUpdateMode, WebService, renderApp, runRules } from '../../constructs';
import { catchBlueprintError, find, render, testChart } from '../helpers';
import { UNPRINTABLE, afterMutation, find as fixtureFind, onMalformed, pod } from './fixture';

const web = { namespace: 'shop', image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }] } as const;

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
