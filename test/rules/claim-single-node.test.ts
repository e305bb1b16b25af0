import {
  AccessMode,
  PersistentVolumeClaim,
  Release,
  ResourcePreset,
  StorageClass,
  Volume,
  WebService,
  Worker,
  runRules,
} from '../../constructs';
import { WEB, issuesWithCode, render, teamChart } from '../helpers';
import { find, good, pod } from './fixture';

/*
 * REF_CLAIM_SINGLE_NODE: a ReadWriteOnce(Pod) claim is held by one pod at a
 * time; pods that would share it hang in ContainerCreating (Multi-Attach) or
 * Pending on a real cluster.
 */

const CODE = 'REF_CLAIM_SINGLE_NODE';
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
const issues = (app: Parameters<typeof render>[0]) => issuesWithCode(() => render(app), CODE);

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
      .filter((f) => f.rule === CODE)
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
    expect(runRules(o).filter((f) => f.rule === CODE)).toEqual([]);
  });
});
