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
  [
    'external-secrets.io/v1',
    'ExternalSecret',
    { secretStoreRef: { name: 's' }, target: { creationPolicy: 'Always' } },
    '/spec/target/creationPolicy',
  ],
  ['external-secrets.io/v1', 'ExternalSecret', { secretStoreRef: { name: 'S_' }, target: {} }, '/spec/secretStoreRef/name'],
  ['external-secrets.io/v1', 'ExternalSecret', { data: [{ secretKey: 'a b', remoteRef: { key: 'k' } }] }, '/spec/data/0/secretKey'],
  [
    'external-secrets.io/v1',
    'ClusterSecretStore',
    { provider: { aws: { region: 'eu-west-1', service: 'S3' } } },
    '/spec/provider/aws/service',
  ],
  ['external-secrets.io/v1', 'ClusterSecretStore', { provider: { aws: { service: 'SecretsManager' } } }, '/spec/provider/aws/region'],
  ['external-secrets.io/v1', 'ClusterSecretStore', { provider: {} }, '/spec/provider'],
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

test('an open part of a CRD schema keeps unknown fields but still checks the ones it knows', () => {
  const store = (aws: object) => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: 'a' },
    spec: { provider: { aws } },
  });
  expect(
    validateManifests([store({ region: 'eu-west-1', service: 'SecretsManager', auth: { jwt: { serviceAccountRef: { name: 'eso' } } } })]),
  ).toEqual([]);
  expect(validateManifests([store({ region: 'eu-west-1', service: 'SecretsManager', regoin: 'x' })]).map((f) => f.pointer)).toEqual([
    '/spec/provider/aws/regoin',
  ]);
});
