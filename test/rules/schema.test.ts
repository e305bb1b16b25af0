import { validateManifests } from '../../constructs';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
});

describe('validateManifests', () => {
  test('a valid object has no findings', () => {
    expect(validateManifests([deployment()])).toEqual([]);
  });

  test('SCHEMA_UNKNOWN_FIELD: a misspelled nested field is found with its JSON pointer', () => {
    const d: any = deployment();
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    d.metadata.lables = { a: 'b' };
    const findings = validateManifests([d]);
    expect(findings.map((f) => [f.rule, f.pointer])).toEqual([
      ['SCHEMA_UNKNOWN_FIELD', '/metadata/lables'],
      ['SCHEMA_UNKNOWN_FIELD', '/spec/template/spec/containers/0/imagePullPolicyy'],
    ]);
    expect(findings[0].object).toBe('Deployment/team/web');
  });

  test('SCHEMA_INVALID: wrong types and missing required fields', () => {
    const d: any = deployment();
    d.spec.replicas = 'three';
    delete d.spec.selector;
    const rules = validateManifests([d]).map((f) => f.rule);
    expect(rules.filter((r) => r === 'SCHEMA_INVALID').length).toBeGreaterThanOrEqual(2);
  });

  test('unknown fields inside maps of objects and arrays are found too', () => {
    const np = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'x', namespace: 't' },
      spec: { podSelector: {}, egress: [{ to: [{ namespaceSelectr: {} }] }] },
    };
    expect(validateManifests([np]).map((f) => f.pointer)).toEqual(['/spec/egress/0/to/0/namespaceSelectr']);
  });

  test('SCOPE_NAMESPACE_ON_CLUSTER_OBJECT and SCOPE_NAMESPACE_MISSING', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'b' } };
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(validateManifests([ns, cm]).map((f) => f.rule)).toEqual(['SCOPE_NAMESPACE_ON_CLUSTER_OBJECT', 'SCOPE_NAMESPACE_MISSING']);
  });

  test('SCHEMA_API_REMOVED: an old model of the same name must not accept an API version the server no longer serves', () => {
    const old = { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c', namespace: 'n' }, spec: {} };
    const current = {
      ...old,
      apiVersion: 'batch/v1',
      spec: { schedule: '@hourly', jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
    };
    expect(validateManifests([old]).map((f) => [f.rule, f.fix])).toEqual([['SCHEMA_API_REMOVED', 'use batch/v1 CronJob']]);
    expect(validateManifests([current]).map((f) => f.rule)).not.toContain('SCHEMA_API_REMOVED');
  });

  test('SCHEMA_NOT_KUBERNETES and SCHEMA_UNKNOWN_KIND', () => {
    const findings = validateManifests([
      { hello: 'world' },
      'text',
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'n' } },
    ]);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([
      ['SCHEMA_NOT_KUBERNETES', 'error'],
      ['SCHEMA_NOT_KUBERNETES', 'error'],
      ['SCHEMA_UNKNOWN_KIND', 'warning'],
    ]);
  });

  test('versioned kinds resolve to their own model (autoscaling/v2 HPA)', () => {
    const hpa: any = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h', namespace: 'n' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 3,
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    };
    expect(validateManifests([hpa])).toEqual([]);
    hpa.spec.targetCPUUtilizationPercentage = 50; // a v1 field, not in v2
    expect(validateManifests([hpa]).map((f) => f.pointer)).toEqual(['/spec/targetCPUUtilizationPercentage']);
  });
});
