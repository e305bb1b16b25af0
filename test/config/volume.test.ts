import { ConfigMap, PodField, SecretRef, Volume, WebService } from '../../constructs';
import { expectCode, find, renderChart, testChart, WEB } from '../helpers';

describe('Volume', () => {
  test('Volume.nfs: the server is an address or a host name in any case', () => {
    for (const server of ['nfs.example.com', 'NAS01.corp.example.com', '10.0.0.5', 'fd00::5'])
      expect(() => Volume.nfs('share', server, '/exports')).not.toThrow();
    for (const server of ['', 'nas 01', 'nas_01.example.com', `${'a'.repeat(64)}.example.com`])
      expect(expectCode(() => Volume.nfs('share', server, '/exports'), 'VOLUME_INVALID')).toMatchObject({ field: 'server', value: server });
  });

  test('Volume.nfs: the export path is absolute', () => {
    expect(expectCode(() => Volume.nfs('share', '10.0.0.5', 'relative'), 'VOLUME_INVALID')).toMatchObject({
      field: 'path',
      value: 'relative',
    });
  });

  test('Volume.csi: the driver is a CSI driver name (ValidateCSIDriverName: ≤ 63, a DNS-1123 subdomain once lower-cased)', () => {
    for (const driver of ['secrets-store.csi.k8s.io', 'Secrets-Store.CSI.k8s.io', `${'a'.repeat(59)}.com`])
      expect(() => Volume.csi('secrets', driver)).not.toThrow();
    for (const driver of ['', 'secrets_store', '-csi.example.com', `${'a'.repeat(60)}.com`])
      expect(expectCode(() => Volume.csi('secrets', driver), 'VOLUME_INVALID')).toMatchObject({ field: 'driver', value: driver });
  });

  test('VOLUME_INVALID: a given volume name that is no DNS-1123 label', () => {
    const { chart } = testChart();
    const cm = new ConfigMap(chart, 'cm', { namespace: 'n', data: { a: '1' } });
    for (const make of [
      () => Volume.emptyDir('Bad_Name'),
      () => Volume.downwardApi('Pod.Info'),
      () => Volume.hostPath('Var_Log', '/var/log'),
      () => Volume.csi('x'.repeat(64), 'secrets-store.csi.k8s.io'),
      () => Volume.nfs('NFS', 'nfs.example.com', '/exports'),
      () => Volume.fromConfigMap(cm, 'My.Config'),
      () => Volume.fromSecret(SecretRef.fromName('db'), 'db.creds'),
      () => Volume.fromClaim({ name: 'data', namespace: 'n' }, { name: 'Data' }),
    ])
      expect(expectCode(make, 'VOLUME_INVALID').field).toBe('name');
    expect(() => Volume.emptyDir('scratch-1')).not.toThrow();
    expect(() => Volume.fromConfigMap(cm, 'config')).not.toThrow();
  });

  test('Volume.hostPath takes the eight types validateHostPathType accepts, Directory by default', () => {
    for (const type of ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'] as const)
      expect(Volume.hostPath('h', '/run/x', type).toJson()).toEqual({ name: 'h', hostPath: { path: '/run/x', type } });
    expect(Volume.hostPath('h', '/var/log').toJson().hostPath?.type).toBe('Directory');
    for (const type of ['directory', 'Dir', 'Fifo'])
      expect(expectCode(() => Volume.hostPath('h', '/run/x', type as never), 'PROPS_INVALID').field).toBe('type');
  });

  test("VOLUME_INVALID: a hostPath with a '..' segment, or empty", () => {
    expect(expectCode(() => Volume.hostPath('x', '/var/../etc'), 'VOLUME_INVALID').field).toBe('hostPath');
    expect(expectCode(() => Volume.hostPath('x', ''), 'VOLUME_INVALID').field).toBe('hostPath');
    // '..' inside a segment is no back-step.
    expect(() => Volume.hostPath('x', '/var/log/..d')).not.toThrow();
  });

  test('VOLUME_INVALID: a downwardAPI file the API server refuses: a path outside the volume, or a field only env can read', () => {
    for (const file of ['', '/etc/labels', '../labels', 'a/../../labels', '..labels'])
      expect(expectCode(() => Volume.downwardApi('podinfo', { [file]: 'metadata.labels' }), 'VOLUME_INVALID').value).toBe(file);
    for (const fieldPath of [PodField.NODE_NAME, PodField.POD_IP, PodField.SERVICE_ACCOUNT, 'spec.bogus', "metadata.labels['Bad Key']"])
      expect(expectCode(() => Volume.downwardApi('podinfo', { info: fieldPath as PodField }), 'VOLUME_INVALID').value).toBe(fieldPath);
    expect(() =>
      Volume.downwardApi('podinfo', {
        name: PodField.NAME,
        namespace: PodField.NAMESPACE,
        uid: PodField.UID,
        'meta/labels': 'metadata.labels',
        'a..b': 'metadata.annotations',
        team: "metadata.labels['acme.io/team']" as PodField,
      }),
    ).not.toThrow();
    expect(() => Volume.downwardApi('podinfo')).not.toThrow();
  });

  test('QUANTITY_INVALID: a bad emptyDir sizeLimit names the field sizeLimit', () => {
    for (const sizeLimit of ['lots', -1])
      expect(expectCode(() => Volume.emptyDir('x', { sizeLimit: sizeLimit as string }), 'QUANTITY_INVALID').field).toBe('sizeLimit');
    expect(Volume.emptyDir('x', { sizeLimit: '1.5Gi' }).toJson()).toEqual({ name: 'x', emptyDir: { sizeLimit: '1536Mi' } });
  });

  test("a sizeLimit under one byte ('500m', half a byte) is refused on purpose, saying the API would accept it; one byte and more are kept", () => {
    for (const sizeLimit of ['500m', '1m', 0.5]) {
      const issue = expectCode(() => Volume.emptyDir('x', { sizeLimit: sizeLimit as string }), 'QUANTITY_INVALID');
      expect(issue).toMatchObject({ field: 'sizeLimit', value: sizeLimit });
      expect(issue.message).toContain('the API server accepts it');
    }
    expect(Volume.emptyDir('x', { sizeLimit: '1' }).toJson()).toEqual({ name: 'x', emptyDir: { sizeLimit: '1' } });
    expect(Volume.emptyDir('x', { sizeLimit: '500M' }).toJson()).toEqual({ name: 'x', emptyDir: { sizeLimit: '500M' } });
  });

  test('a volume named after a long or dotted ConfigMap, Secret or claim gets a valid derived name', () => {
    const { chart } = testChart();
    const long = new ConfigMap(chart, 'long', { namespace: 'n', name: 'a'.repeat(70), data: { a: '1' } });
    const dotted = new ConfigMap(chart, 'dotted', { namespace: 'n', name: 'app.config', data: { a: '1' } });
    const names = [
      Volume.fromConfigMap(long).name,
      Volume.fromConfigMap(dotted).name,
      Volume.fromSecret(SecretRef.fromName('tls.example.com')).name,
      Volume.fromClaim({ name: `${'d'.repeat(60)}.x`, namespace: 'n' }).name,
    ];
    for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(names[0]).toMatch(/^a{46}-[0-9a-f]{16}$/);
    expect(names[1]).toMatch(/^app-config-[0-9a-f]{16}$/);
    // Names that are labels already are kept.
    const plain = new ConfigMap(chart, 'plain', { namespace: 'n', data: { a: '1' } });
    expect(Volume.fromConfigMap(plain).name).toBe('plain');
    // And the pod renders the derived name.
    new WebService(chart, 'web', { namespace: 'n', ...WEB, mounts: [{ volume: Volume.fromConfigMap(long), path: '/etc/app' }] });
    const pod = find(renderChart(chart), 'Deployment', 'web').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toContain(names[0]);
    expect(pod.volumes.find((v: any) => v.name === names[0]).configMap.name).toBe('a'.repeat(70));
  });
});
