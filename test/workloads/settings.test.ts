import { Construct } from 'constructs';
import {
  AccessMode,
  PersistentVolumeClaim,
  PodSecurityLevel,
  Probe,
  SecretBackend,
  SecretDeclaration,
  SecretRef,
  TeamNamespace,
  Volume,
  WebService,
  Worker,
} from '../../constructs';
import { catchBlueprintError, expectCode, find, renderChart, WEB, teamChart, teamWebService, issuesWithCode } from '../helpers';

/*
 * The settings users reach for (issue 12): each is typed, validated against
 * the API's rules, and renders schema-valid YAML.
 */

describe('gRPC probes', () => {
  test('render the grpc handler with its port and service', () => {
    const { chart, team } = teamChart();
    new WebService(chart, 'api', {
      namespace: team,
      image: 'ghcr.io/acme/api:1.0.0',
      ports: [{ name: 'grpc', port: 9090 }],
      readiness: Probe.grpc(9090, { periodSeconds: 5 }, 'api.v1.Orders'),
      liveness: Probe.grpc(9090),
    });
    const c = find(renderChart(chart), 'Deployment', 'api').spec.template.spec.containers[0];
    expect(c.readinessProbe).toEqual({ grpc: { port: 9090, service: 'api.v1.Orders' }, periodSeconds: 5 });
    expect(c.livenessProbe).toEqual({ grpc: { port: 9090 } });
  });

  test('PORT_UNRESOLVED: a gRPC probe on a port the container does not declare', () => {
    const { chart } = teamWebService('api', { readiness: Probe.grpc(9090) });
    expectCode(() => renderChart(chart), 'PORT_UNRESOLVED');
  });
});

describe('imagePullSecrets and pod annotations', () => {
  test('render on the pod template', () => {
    const { chart, team } = teamChart();
    new WebService(chart, 'api', {
      namespace: team,
      ...WEB,
      imagePullSecrets: [
        new SecretDeclaration(chart, 'registry-credentials', {
          namespace: team,
          keys: ['.dockerconfigjson'],
          backend: SecretBackend.deployTool(),
        }),
      ],
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' },
    });
    const t = find(renderChart(chart), 'Deployment', 'api').spec.template;
    expect(t.spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(t.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' });
  });

  test('PULL_SECRET_DUPLICATE', () => {
    const { chart, team } = teamChart();
    const s = SecretRef.fromName('registry');
    expectCode(() => new Worker(chart, 'w', { namespace: team, image: 'a:1', imagePullSecrets: [s, s] }), 'PULL_SECRET_DUPLICATE');
  });

  test('PULL_SECRET_INVALID: a declared Secret that is not a registry Secret is ignored by the kubelet (ImagePullBackOff)', () => {
    const { chart, team } = teamChart();
    const opaque = new SecretDeclaration(team, 'opaque', { namespace: team, keys: ['token'] });
    const tls = new SecretDeclaration(team, 'tls', { namespace: team, keys: ['tls.crt', 'tls.key'] });
    const registry = new SecretDeclaration(team, 'registry', { namespace: team, keys: ['.dockerconfigjson'] });
    const err = catchBlueprintError(
      () =>
        new Worker(chart, 'w', { namespace: team, image: 'a:1', imagePullSecrets: [registry, opaque, SecretRef.fromName('legacy'), tls] }),
    );
    expect(err.issues.filter((i) => i.code === 'PULL_SECRET_INVALID').map((i) => [i.field, i.value])).toEqual([
      ['imagePullSecrets[1]', 'opaque (type Opaque)'],
      ['imagePullSecrets[3]', 'tls (type kubernetes.io/tls)'],
    ]);
    // The message is shown, not hidden as a credential, with its article right.
    const messages = err.issues.filter((i) => i.code === 'PULL_SECRET_INVALID').map((i) => i.message);
    expect(messages[0]).toContain('is an Opaque Secret, and the kubelet reads registry credentials only from');
    expect(messages[1]).toContain('is a kubernetes.io/tls Secret, and the kubelet');
    // A registry Secret, declared or named: accepted.
    expect(
      () => new Worker(chart, 'ok', { namespace: team, image: 'a:1', imagePullSecrets: [registry, SecretRef.fromName('legacy')] }),
    ).not.toThrow();
  });

  test('ANNOTATION_INVALID: a key that is not a qualified name, or too much data', () => {
    const { chart, team } = teamChart();
    const issue = expectCode(
      () => new Worker(chart, 'a', { namespace: team, image: 'a:1', podAnnotations: { 'bad key!': 'x' } }),
      'ANNOTATION_INVALID',
    );
    expect(issue.field).toBe('podAnnotations["bad key!"]');
    expectCode(
      () => new Worker(chart, 'b', { namespace: team, image: 'a:1', podAnnotations: { 'example.com/blob': 'x'.repeat(300_000) } }),
      'ANNOTATION_INVALID',
    );
    // ValidateAnnotations lower-cases the key first: an upper-case prefix is a valid annotation key.
    expect(() => new Worker(chart, 'c', { namespace: team, image: 'a:1', podAnnotations: { 'Example.com/Team': 'x' } })).not.toThrow();
  });

  test.each([
    ['example.com/signing', '-----BEGIN RSA PRIVATE KEY-----\nMIIE'],
    ['example.com/aws', 'AKIAABCDEFGHIJKLMNOP'],
    ['example.com/db', 'postgres://app:hunter2@db:5432/app'],
    ['example.com/auth', 'Bearer abcdefghijklmnop'],
    ['example.com/api-token', 'anything'],
  ])('ANNOTATION_SECRET: %s', (key, value) => {
    const { chart, team } = teamChart();
    const err = catchBlueprintError(() => new Worker(chart, 'w', { namespace: team, image: 'a:1', podAnnotations: { [key]: value } }));
    expect(err.code).toBe('ANNOTATION_SECRET');
    expect(err.message).not.toContain(value);
  });

  test('the name of a Secret is not a secret', () => {
    const { chart, team } = teamChart();
    new Worker(chart, 'w', { namespace: team, image: 'a:1', podAnnotations: { 'nginx.ingress.kubernetes.io/auth-secret': 'basic-auth' } });
    expect(renderChart(chart).length).toBeGreaterThan(0);
  });
});

describe('claim, CSI and NFS volumes on ordinary workloads', () => {
  /** A ReadWriteMany claim 'uploads': one every pod of a workload may mount, whatever node it runs on. */
  const sharedClaim = (chart: Construct, team: TeamNamespace, size: string) =>
    new PersistentVolumeClaim(chart, 'uploads', { namespace: team, size, accessModes: [AccessMode.READ_WRITE_MANY] });

  test('render as pod volumes, schema-valid', () => {
    const { chart, team } = teamChart({ podSecurity: { enforce: PodSecurityLevel.BASELINE } });
    const uploads = sharedClaim(chart, team, '10Gi');
    new Worker(chart, 'w', {
      namespace: team,
      image: 'a:1',
      mounts: [
        { volume: Volume.fromClaim(uploads, { name: 'shared' }), path: '/data' },
        {
          volume: Volume.csi('secrets', 'secrets-store.csi.k8s.io', { readOnly: true, attributes: { secretProviderClass: 'vault' } }),
          path: '/mnt/secrets',
        },
        { volume: Volume.nfs('archive', 'nfs.example.com', '/exports/archive', { readOnly: true }), path: '/archive', readOnly: true },
      ],
    });
    const objects = renderChart(chart);
    expect(find(objects, 'PersistentVolumeClaim', 'uploads').spec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '10Gi' } },
    });
    const spec = find(objects, 'Deployment', 'w').spec.template.spec;
    expect(spec.volumes).toEqual(
      expect.arrayContaining([
        { name: 'shared', persistentVolumeClaim: { claimName: 'uploads' } },
        {
          name: 'secrets',
          csi: { driver: 'secrets-store.csi.k8s.io', readOnly: true, volumeAttributes: { secretProviderClass: 'vault' } },
        },
        { name: 'archive', nfs: { server: 'nfs.example.com', path: '/exports/archive', readOnly: true } },
      ]),
    );
  });

  test('standalone claims count against the quota (QUOTA_CLAIMS_EXCEEDED)', () => {
    const { chart, team } = teamChart({ quota: { pods: 10, persistentVolumeClaims: 1, requestsStorage: '5Gi' } });
    new PersistentVolumeClaim(chart, 'a', { namespace: team, size: '4Gi' });
    new PersistentVolumeClaim(chart, 'b', { namespace: team, size: '4Gi' });
    expect(issuesWithCode(() => renderChart(chart), 'QUOTA_CLAIMS_EXCEEDED').map((i) => i.field)).toEqual([
      'quota.persistentVolumeClaims',
      'quota.requestsStorage',
    ]);
  });

  test("standalone claims outside the namespace's claim limits are LIMITRANGE_VIOLATION (the API server refuses them)", () => {
    const { chart, team } = teamChart({ claimLimits: { min: '1Gi', max: '10Gi' } });
    new PersistentVolumeClaim(chart, 'ok', { namespace: team, size: '5Gi' });
    new PersistentVolumeClaim(chart, 'small', { namespace: team, size: '500Mi' });
    new PersistentVolumeClaim(chart, 'large', { namespace: team, size: '20Gi' });
    const issues = issuesWithCode(() => renderChart(chart), 'LIMITRANGE_VIOLATION');
    expect(issues.map((i) => [i.path, i.field, i.value])).toEqual([
      ['test/small', 'size', '500Mi'],
      ['test/large', 'size', '20Gi'],
    ]);
  });

  test('PSS_VOLUME_TYPE: NFS in a restricted namespace (judged on the rendered pod); claims and CSI are admitted', () => {
    const { chart, team } = teamChart();
    const uploads = sharedClaim(chart, team, '1Gi');
    new Worker(chart, 'ok', {
      namespace: team,
      image: 'a:1',
      mounts: [
        { volume: Volume.fromClaim(uploads), path: '/data' },
        { volume: Volume.csi('secrets', 'secrets-store.csi.k8s.io'), path: '/mnt/secrets' },
      ],
    });
    expect(renderChart(chart).length).toBeGreaterThan(0);
    new Worker(chart, 'nfs', {
      namespace: team,
      image: 'a:1',
      mounts: [{ volume: Volume.nfs('archive', '10.0.0.5', '/x'), path: '/archive' }],
    });
    const issue = expectCode(() => renderChart(chart), 'PSS_VOLUME_TYPE');
    expect(issue.message).toContain('is of type nfs');
  });
});
