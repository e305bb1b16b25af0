import {
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
