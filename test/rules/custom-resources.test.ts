import { validateManifests } from '../../constructs';

/* Operators' custom resources are checked against their projects' released schemas. */
const meta = { name: 'a', namespace: 'b' };
test.each([
  ['cert-manager.io/v1', 'Certificate', { secretName: 7, issuerRef: { name: 'x' } }, '/spec/secretName'],
  ['cert-manager.io/v1', 'ClusterIssuer', { acme: { server: 'https://x' } }, '/spec/acme'],
  [
    'external-secrets.io/v1beta1',
    'ExternalSecret',
    { secretStoreRef: { name: 's' }, target: { creationPolicy: 'Always' } },
    '/spec/target/creationPolicy',
  ],
  [
    'external-secrets.io/v1beta1',
    'ClusterSecretStore',
    { provider: { aws: { region: 'eu-west-1', service: 'S3' } } },
    '/spec/provider/aws/service',
  ],
  ['monitoring.coreos.com/v1', 'ServiceMonitor', { endpoints: [{ port: 1 }], selector: {} }, '/spec/endpoints/0/port'],
  ['monitoring.coreos.com/v1', 'PodMonitor', { podMetricsEndpoints: [{ path: 3 }], selector: {} }, '/spec/podMetricsEndpoints/0/path'],
  ['monitoring.coreos.com/v1', 'Prometheus', { replicas: 'two' }, '/spec/replicas'],
  ['autoscaling.k8s.io/v1', 'VerticalPodAutoscaler', { targetRef: { kind: 'Deployment' } }, '/spec/targetRef'],
])('%s %s is schema-checked', (apiVersion, kind, spec, pointer) => {
  const metadata = kind.startsWith('Cluster') ? { name: 'a' } : meta;
  const findings = validateManifests([{ apiVersion, kind, metadata, spec }]);
  expect(findings.filter((f) => f.severity === 'error').map((f) => f.pointer)).toContainEqual(expect.stringContaining(pointer));
  expect(findings.map((f) => f.rule)).not.toContain('SCHEMA_UNKNOWN_KIND');
});
