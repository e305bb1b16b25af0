import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { diffManifests } from '../../constructs';
import { run } from '../../cli/main';
import { find, good, pod } from '../rules/fixture';
// The library's emitter writes the bytes of cdk8s' Yaml.stringify (test/render/yaml-emitter.test.ts), 20x faster.
import { stringifyManifests } from '../../constructs/render/yaml-emitter';

/*
 * `cluster-blueprints diff BEFORE AFTER`: a corpus with one case per breaking
 * rule (exit 1 with the right reason) and the safe changes (exit 0).
 */

const pvc = (over: any = {}) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'uploads', namespace: 'shop' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'data', resources: { requests: { storage: '10Gi' } }, ...over },
});
const sc = (over: any = {}) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'data' },
  provisioner: 'ebs.csi.aws.com',
  parameters: { type: 'gp3' },
  reclaimPolicy: 'Retain',
  ...over,
});
const job = (image: string) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'shop' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image }] } } },
});
const cm = (data: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pinned', namespace: 'shop' }, immutable: true, data });
const pv = (policy: string) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'nfs-data' },
  spec: {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteMany'],
    persistentVolumeReclaimPolicy: policy,
    nfs: { server: '10.0.0.5', path: '/x' },
  },
});
/** Objects both sides share besides good(): a claim, its class, a Job, an immutable ConfigMap, a PV. */
const base = () => [...good(), pvc(), sc(), job('migrate:1.0.0'), cm({ a: '1' }), pv('Retain')];
const drop = (o: any[], kind: string, name: string) => o.splice(o.indexOf(find(o, kind, name)), 1);

/** [name, change to AFTER, expected reason fragment] */
const BREAKING: [string, (o: any[]) => void, string][] = [
  ['StatefulSet selector', (o) => (find(o, 'StatefulSet', 'db').spec.selector.matchLabels.extra = 'x'), 'selector is immutable'],
  [
    'StatefulSet volumeClaimTemplates',
    (o) => (find(o, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi'),
    'volumeClaimTemplates are immutable',
  ],
  ['StatefulSet serviceName', (o) => (find(o, 'StatefulSet', 'db').spec.serviceName = 'db2'), 'serviceName is immutable'],
  [
    'StatefulSet podManagementPolicy',
    (o) => (find(o, 'StatefulSet', 'db').spec.podManagementPolicy = 'Parallel'),
    'podManagementPolicy is immutable',
  ],
  [
    'StatefulSet claim retention to Delete',
    (o) => (find(o, 'StatefulSet', 'db').spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' }),
    'data loss',
  ],
  ['Deployment selector', (o) => (find(o, 'Deployment', 'web').spec.selector.matchLabels.extra = 'x'), 'Deployment selector is immutable'],
  ['Service clusterIP', (o) => (find(o, 'Service', 'db').spec.clusterIP = '10.0.0.10'), 'clusterIP is immutable'],
  [
    'Service to ExternalName',
    (o) => Object.assign(find(o, 'Service', 'web').spec, { type: 'ExternalName', externalName: 'web.example.com' }),
    'ExternalName',
  ],
  [
    'Job template',
    (o) => (find(o, 'Job', 'migrate').spec.template.spec.containers[0].image = 'migrate:1.1.0'),
    'Job pod template is immutable',
  ],
  [
    'PVC storageClassName',
    (o) => (find(o, 'PersistentVolumeClaim', 'uploads').spec.storageClassName = 'fast'),
    'storage class is immutable',
  ],
  [
    'PVC accessModes',
    (o) => (find(o, 'PersistentVolumeClaim', 'uploads').spec.accessModes = ['ReadWriteMany']),
    'access modes are immutable',
  ],
  ['PVC volumeName', (o) => (find(o, 'PersistentVolumeClaim', 'uploads').spec.volumeName = 'pv-1'), 'volumeName is immutable'],
  ['PVC size decrease', (o) => (find(o, 'PersistentVolumeClaim', 'uploads').spec.resources.requests.storage = '5Gi'), 'never shrink'],
  ['StorageClass parameters', (o) => (find(o, 'StorageClass', 'data').parameters.type = 'io2'), 'parameters are immutable'],
  ['StorageClass provisioner', (o) => (find(o, 'StorageClass', 'data').provisioner = 'pd.csi.storage.gke.io'), 'provisioner is immutable'],
  ['StorageClass reclaimPolicy', (o) => (find(o, 'StorageClass', 'data').reclaimPolicy = 'Delete'), 'reclaim'],
  ['immutable ConfigMap data', (o) => (find(o, 'ConfigMap', 'pinned').data.a = '2'), 'immutable ConfigMap cannot change'],
  [
    'PersistentVolume reclaim policy',
    (o) => (find(o, 'PersistentVolume', 'nfs-data').spec.persistentVolumeReclaimPolicy = 'Delete'),
    'reclaim policy',
  ],
  ['StatefulSet with claims removed', (o) => drop(o, 'StatefulSet', 'db'), 'StatefulSet with claims'],
  ['PVC removed', (o) => drop(o, 'PersistentVolumeClaim', 'uploads'), 'deletes its volume'],
  ['Namespace removed', (o) => drop(o, 'Namespace', 'shop'), 'deletes everything in it'],
  ['StorageClass in use removed', (o) => drop(o, 'StorageClass', 'data'), 'StorageClass in use'],
  [
    'StatefulSet renamed',
    (o) => {
      const s = find(o, 'StatefulSet', 'db');
      o.push({ ...s, metadata: { ...s.metadata, name: 'db-v2' } });
      drop(o, 'StatefulSet', 'db');
    },
    'renaming',
  ],
];

const SAFE: [string, (o: any[]) => void][] = [
  ['image bump', (o) => (pod(o).containers[0].image = 'app:1.0.1')],
  ['replica change', (o) => (find(o, 'HorizontalPodAutoscaler', 'web').spec.maxReplicas = 8)],
  [
    'added object',
    (o) => o.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'shop' }, data: { b: '2' } }),
  ],
  ['PVC size increase', (o) => (find(o, 'PersistentVolumeClaim', 'uploads').spec.resources.requests.storage = '20Gi')],
];

function dirOf(objects: any[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-diff-'));
  fs.writeFileSync(path.join(dir, 'all.k8s.yaml'), stringifyManifests(objects));
  return dir;
}
async function diff(before: any[], after: any[], ...flags: string[]) {
  let out = '';
  let err = '';
  const code = await run(
    ['diff', dirOf(before), dirOf(after), ...flags],
    (s) => (out += s),
    (s) => (err += s),
  );
  return { code, out, err };
}

describe('cluster-blueprints diff', () => {
  test.each(BREAKING)('breaking: %s (exit 1 with the reason)', async (_name, change, reason) => {
    const after = base();
    change(after);
    const r = await diff(base(), after, '--json');
    expect(r.code).toBe(1);
    const reasons = JSON.parse(r.out)
      .changes.filter((c: any) => c.change === 'breaking')
      .flatMap((c: any) => c.reasons);
    expect(reasons.join('\n')).toContain(reason);
  });

  test.each(SAFE)('safe: %s (exit 0)', async (_name, change) => {
    const after = base();
    change(after);
    const r = await diff(base(), after);
    expect(r.code).toBe(0);
    expect(r.out).toContain('0 breaking');
  });

  test('no change: nothing listed, exit 0', async () => {
    const r = await diff(base(), base(), '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).changes).toEqual([]);
  });

  test('bad input exits 2: a missing side, a broken file', async () => {
    let err = '';
    expect(
      await run(
        ['diff', dirOf(base()), '/no/such/dir'],
        () => undefined,
        (s) => (err += s),
      ),
    ).toBe(2);
    expect(err).toContain('does not exist');
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-diff-'));
    fs.writeFileSync(path.join(broken, 'x.yaml'), 'a: [1, 2\nb: {');
    expect(
      await run(
        ['diff', dirOf(base()), broken],
        () => undefined,
        () => undefined,
      ),
    ).toBe(2);
  });

  test('requested CPU, memory and storage at declared replicas and HPA maxima, and the monthly cost from flag prices', async () => {
    const after = base();
    find(after, 'HorizontalPodAutoscaler', 'web').spec.maxReplicas = 8; // +4 pods × 100m at the top
    const r = await diff(base(), after, '--json', '--price-cpu', '20', '--price-memory-gib', '3', '--price-storage-gib', '0.1');
    const report = JSON.parse(r.out);
    expect(report.after.atHpaMax.cpu - report.before.atHpaMax.cpu).toBeCloseTo(0.4);
    expect(report.after.declared.cpu).toBeCloseTo(report.before.declared.cpu);
    expect(report.before.declared.storageGiB).toBeCloseTo(13); // 3 × 1Gi claims + the 10Gi claim
    expect(report.cost.after.atHpaMax - report.cost.before.atHpaMax).toBeCloseTo(0.4 * 20 + ((4 * 128) / 1024) * 3);
    const text = await diff(base(), after, '--price-cpu', '20');
    expect(text.out).toMatch(/cost\/month/);
  });

  test('prices from the cluster-blueprints.io/unit-prices annotation the environment declares', () => {
    const after = base();
    find(after, 'Namespace', 'shop').metadata.annotations['cluster-blueprints.io/unit-prices'] =
      '{"cpu": 10, "memoryGiB": 1, "storageGiB": 0}';
    const r = diffManifests(base(), after);
    expect(r.cost?.after.declared).toBeCloseTo(r.after.declared.cpu * 10 + r.after.declared.memoryGiB);
  });
});

describe('capacity cost', () => {
  test('the capacity report shows the same monthly cost per namespace and per team (owner annotation)', async () => {
    const dir = dirOf(base());
    let out = '';
    const code = await run(
      ['capacity', dir, '--json', '--price-cpu', '20', '--price-memory-gib', '3', '--price-storage-gib', '0.1'],
      (s) => (out += s),
    );
    expect(code).toBe(0);
    const cost = JSON.parse(out).cost;
    expect(cost.namespaces.map((n: any) => n.name)).toContain('shop');
    expect(cost.teams.map((t: any) => t.name)).toEqual(['(no owner)', 'shop']); // the hand-written claim has no owner
    const viaDiff = diffManifests([], base(), { cpu: 20, memoryGiB: 3, storageGiB: 0.1 });
    expect(cost.total.declared).toBeCloseTo(viaDiff.cost!.after.declared);
    expect(cost.total.atHpaMax).toBeCloseTo(viaDiff.cost!.after.atHpaMax);
    let text = '';
    await run(['capacity', dir, '--price-cpu', '20'], (s) => (text += s));
    expect(text).toMatch(/team\s+shop\s+/);
  });
});
