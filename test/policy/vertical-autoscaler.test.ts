import {
  TeamNamespace,
  Worker,
  StatefulService,
  VerticalAutoscaler,
  VpaUpdateMode,
  WebService,
  registerCrd,
  renderApp,
  validateManifests,
} from '../../constructs';
import { catchBlueprintError, expectCode, find, renderChart, testChart, POSTGRES } from '../helpers';

const web = { namespace: 'shop', image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }] } as const;

describe('VerticalAutoscaler', () => {
  test('recommendation mode by default, typed from the imported CRD (snapshot)', () => {
    const { chart } = testChart();
    const svc = new WebService(chart, 'web', web);
    new VerticalAutoscaler(chart, 'vpa', { target: svc, minAllowed: { cpu: '50m' }, maxAllowed: { cpu: '2', memory: '2Gi' } });
    const vpa = find(renderChart(chart), 'VerticalPodAutoscaler', 'web');
    expect(vpa).toMatchSnapshot();
    expect(vpa.apiVersion).toBe('autoscaling.k8s.io/v1');
    expect(vpa.spec.updatePolicy.updateMode).toBe('Off');
    expect(vpa.spec.targetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' });
    expect(vpa.spec.resourcePolicy.containerPolicies[0].maxAllowed).toEqual({ cpu: '2', memory: '2Gi' });
  });

  test('VPA_HPA_CONFLICT: Auto mode on a workload with a CPU/memory HPA', () => {
    const { app, chart } = testChart();
    const svc = new WebService(chart, 'web', { ...web, autoscaling: { maxReplicas: 4 } });
    new VerticalAutoscaler(chart, 'vpa', { target: svc, updateMode: VpaUpdateMode.AUTO });
    expect(catchBlueprintError(() => renderApp(app)).codes).toEqual(['VPA_HPA_CONFLICT']);
  });

  test('Auto mode is fine without an HPA (a StatefulService)', () => {
    const { app, chart } = testChart();
    const db = new StatefulService(chart, 'db', {
      namespace: 'shop',
      ...POSTGRES,
      noStorageReason: 'the test looks at the autoscaler only',
    });
    new VerticalAutoscaler(chart, 'vpa', { target: db, updateMode: VpaUpdateMode.AUTO });
    expect(
      find(
        renderApp(app).flatMap((r) => r.objects),
        'VerticalPodAutoscaler',
        'db',
      ).spec.targetRef.kind,
    ).toBe('StatefulSet');
  });

  test('VPA_INVALID: minAllowed above maxAllowed', () => {
    const { chart } = testChart();
    const svc = new WebService(chart, 'web', web);
    expectCode(
      () => new VerticalAutoscaler(chart, 'vpa', { target: svc, minAllowed: { cpu: '2' }, maxAllowed: { cpu: '1' } }),
      'VPA_INVALID',
    );
  });
});

describe('CRD schema check', () => {
  const vpa = (spec: any) => ({
    apiVersion: 'autoscaling.k8s.io/v1',
    kind: 'VerticalPodAutoscaler',
    metadata: { name: 'v', namespace: 'n' },
    spec,
  });

  test('shipped CRDs validate types, enums, required and unknown fields', () => {
    expect(validateManifests([vpa({ targetRef: { kind: 'Deployment', name: 'web' }, updatePolicy: { updateMode: 'Off' } })])).toEqual([]);
    const findings = validateManifests([
      vpa({ targetRef: { kind: 'Deployment' }, updatePolicy: { updateMode: 'Sometimes', updateMod: 'x' } }),
    ]);
    expect(findings.map((f) => [f.rule, f.pointer])).toEqual([
      ['SCHEMA_INVALID', '/spec/targetRef/name'],
      ['SCHEMA_INVALID', '/spec/updatePolicy/updateMode'],
      ['SCHEMA_UNKNOWN_FIELD', '/spec/updatePolicy/updateMod'],
    ]);
  });

  test('registerCrd adds more kinds', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'n' }, spec: { size: 'big' } };
    expect(validateManifests([widget])[0].rule).toBe('SCHEMA_UNKNOWN_KIND');
    registerCrd({
      spec: {
        group: 'example.com',
        names: { kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  apiVersion: { type: 'string' },
                  kind: { type: 'string' },
                  metadata: { type: 'object' },
                  spec: { type: 'object', properties: { size: { type: 'integer' } } },
                },
              },
            },
          },
        ],
      },
    });
    expect(validateManifests([widget]).map((f) => f.pointer)).toEqual(['/spec/size']);
  });
});

describe('QUOTA_EXCEEDED: a VPA that sets requests may grow its pods past the namespace quota', () => {
  const setup = (updateMode: VpaUpdateMode, maxAllowed?: { cpu?: string; memory?: string }, team = {}) => {
    const { app, chart } = testChart();
    const ns = new TeamNamespace(chart, 'shop', team);
    const worker = new Worker(chart, 'w', { namespace: ns, image: 'app:1.0.0', replicas: 2 });
    new VerticalAutoscaler(chart, 'vpa', { target: worker, updateMode, maxAllowed });
    return () => renderApp(app);
  };
  const fields = (run: () => unknown) =>
    catchBlueprintError(run).issues.map((i) => [i.code, i.path, i.field, i.message.match(/quota of [^:\s]+|without bound/)?.[0]]);

  test('Auto with maxAllowed 4 CPU over a default (small) quota: one issue naming the requests and the limits quota', () => {
    const issues = catchBlueprintError(setup(VpaUpdateMode.AUTO, { cpu: '4', memory: '256Mi' })).issues;
    expect(issues.map((i) => [i.code, i.path, i.field])).toEqual([['QUOTA_EXCEEDED', 'test/vpa', 'maxAllowed.cpu']]);
    expect(issues[0].message).toMatch(
      /requests\.cpu at peak would reach \S+, above the quota of 2 and limits\.cpu at peak would reach \S+, above the quota of 4/,
    );
    expect(issues[0].fix).toContain('quota.requestsCpu');
    expect(issues[0].fix).toContain('quota.limitsCpu');
  });

  test('Initial counts too (new pods are sized at creation); without maxAllowed the LimitRange max is the ceiling', () => {
    const issues = catchBlueprintError(setup(VpaUpdateMode.INITIAL)).issues;
    expect(issues.map((i) => i.field)).toEqual(['maxAllowed.cpu', 'maxAllowed.memory']);
    expect(issues[0].message).toContain('LimitRange max (4)');
    expect(issues[0].message).toContain('rollout or scale-up');
  });

  test('no ceiling at all (no maxAllowed, no LimitRange max): unbounded, refused', () => {
    const team = { containerLimits: { defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '512Mi' } } };
    const run = setup(VpaUpdateMode.RECREATE, { memory: '256Mi' }, team);
    expect(fields(run)).toEqual([['QUOTA_EXCEEDED', 'test/vpa', 'maxAllowed.cpu', 'without bound']]);
    expect(catchBlueprintError(run).issues[0].message).toContain('cpu requests and limits');
    expect(catchBlueprintError(run).issues[0].message).toMatch(/quotas requests\.cpu=2 and limits\.cpu=4/);
  });

  test('the neighbours render: Off (recommendations only), and a maxAllowed whose peak fits the quota', () => {
    expect(() => setup(VpaUpdateMode.OFF, { cpu: '4' })()).not.toThrow();
    expect(() => setup(VpaUpdateMode.AUTO, { cpu: '200m', memory: '256Mi' })()).not.toThrow();
  });
});
