import { App } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AccessMode,
  BlueprintChart,
  ClaimRetentionPolicy,
  BlueprintError,
  ConfigMap,
  PodManagementPolicy,
  Qos,
  QuotaPreset,
  ResourcePreset,
  StatefulService,
  StorageClass,
  TeamNamespace,
  Volume,
  renderApp,
  validateManifests,
} from '../../constructs';
import { catchBlueprintError, expectCode, find, render, renderChart, testChart, POSTGRES, issuesWithCode } from '../helpers';

function cassandra(props: any = {}, quota: any = QuotaPreset.LARGE) {
  const { app, chart } = testChart();
  const team = new TeamNamespace(chart, 'data', { quota, holdsData: true });
  const ssd = new StorageClass(chart, 'fast-ssd', { provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } });
  const db = new StatefulService(chart, 'cassandra', {
    namespace: team,
    image: 'ghcr.io/acme/cassandra:4.1.5',
    replicas: 3,
    ports: [
      { name: 'cql', port: 9042 },
      { name: 'intra', port: 7000 },
    ],
    claims: [{ name: 'data', mountPath: '/var/lib/cassandra', size: '8Gi', storageClass: ssd }],
    ...props,
  });
  return { app, chart, team, db };
}

describe('StatefulService', () => {
  test('defaults snapshot', () => {
    const { chart } = testChart();
    const storageClass = new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com' });
    new StatefulService(chart, 'db', {
      namespace: 'data',
      ...POSTGRES,
      claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '1Gi', storageClass }],
    });
    expect(renderChart(chart)).toMatchSnapshot();
  });

  test('all props snapshot', () => {
    const { chart } = cassandra({
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      partition: 1,
      clientService: true,
      claimRetention: { whenDeleted: ClaimRetentionPolicy.RETAIN, whenScaled: ClaimRetentionPolicy.DELETE },
      disruptionBudget: { minAvailable: 2 },
    });
    expect(renderChart(chart).filter((o) => o.metadata.name?.startsWith('cassandra'))).toMatchSnapshot();
  });

  test('the documented defaults: Guaranteed and MEDIUM; with qos given, the resources any workload gets', () => {
    const resources = (chart: any) => find(renderChart(chart), 'StatefulSet', 'cassandra').spec.template.spec.containers[0].resources;
    const medium = { cpu: '1', memory: '1Gi' };
    const both = resources(cassandra().chart);
    expect(both.requests).toEqual(expect.objectContaining(medium));
    expect(both.limits).toEqual(expect.objectContaining(medium));
    const outside = cassandra({ namespace: 'data', qos: Qos.BURSTABLE }).chart;
    expect(resources(outside)).toEqual(
      expect.objectContaining({
        requests: expect.objectContaining({ cpu: '100m', memory: '128Mi' }),
        limits: expect.objectContaining({ cpu: '500m', memory: '256Mi' }),
      }),
    );
    expectCode(() => renderChart(cassandra({ qos: Qos.GUARANTEED }).chart), 'QOS_MISMATCH');
  });

  test('StatefulSet and headless Service are created together and match', () => {
    const { chart } = cassandra();
    const objects = renderChart(chart);
    const sts = find(objects, 'StatefulSet', 'cassandra');
    const svc = find(objects, 'Service', 'cassandra');
    expect(sts.spec.serviceName).toBe(svc.metadata.name);
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.publishNotReadyAddresses).toBe(true);
    expect(sts.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
    expect(svc.spec.ports.map((p: any) => p.name)).toEqual(['cql', 'intra']);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts.metadata.annotations['cluster-blueprints.io/retain']).toBe('true');
    const claim = sts.spec.volumeClaimTemplates[0];
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '8Gi' } },
    });
    const c = sts.spec.template.spec.containers[0];
    expect(c.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/cassandra' });
    expect(c.resources.requests).toEqual(c.resources.limits); // Guaranteed by default
    expect(
      sts.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey,
    ).toBe('kubernetes.io/hostname');
    expect(find(objects, 'PodDisruptionBudget', 'cassandra').spec.maxUnavailable).toBe(1);
  });

  test('the claim mounts are part of the built template: a claim over a writable path is MOUNT_PATH_DUPLICATE', () => {
    const { app } = cassandra({ claims: [{ name: 'data', mountPath: '/tmp', size: '1Gi', storageClass: 'gp3' }] });
    expect(expectCode(() => renderApp(app), 'MOUNT_PATH_DUPLICATE').value).toBe('/tmp');
  });

  test('replicas reach each other in a TeamNamespace (default deny): one ingress and one egress policy between the pods, on their ports', () => {
    const objects = renderChart(cassandra().chart);
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'cassandra', 'app.kubernetes.io/instance': 'cassandra' } };
    const peers = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: selector }];
    const ports = [
      { port: 9042, protocol: 'TCP' },
      { port: 7000, protocol: 'TCP' },
    ];
    const from = find(objects, 'NetworkPolicy', 'allow-cassandra-from-cassandra');
    expect(from.spec).toEqual({ podSelector: selector, policyTypes: ['Ingress'], ingress: [{ from: peers, ports }] });
    const to = find(objects, 'NetworkPolicy', 'allow-cassandra-to-cassandra');
    expect(to.spec).toEqual({ podSelector: selector, policyTypes: ['Egress'], egress: [{ to: peers, ports }] });
  });

  test('no peer policy for a singleton, nor in a namespace managed elsewhere (a policy there would isolate the pods from their clients)', () => {
    const single = renderChart(cassandra({ replicas: 1 }).chart);
    expect(single.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.name.includes('cassandra'))).toEqual([]);
    const { chart } = testChart();
    new StatefulService(chart, 'db', {
      namespace: 'data',
      ...POSTGRES,
      replicas: 3,
      claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
    });
    expect(renderChart(chart).filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  });

  test('replicas that declare no port get no peer policy (nothing to open), and build without an error', () => {
    const { app, chart, team } = cassandra({ replicas: 1 });
    new StatefulService(chart, 'queue', {
      namespace: team,
      image: 'ghcr.io/acme/queue:1.0.0',
      replicas: 3,
      claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
    });
    const names = renderApp(app)
      .flatMap((r) => r.objects)
      .filter((o) => o.kind === 'NetworkPolicy')
      .map((o) => o.metadata.name);
    expect(names.filter((n) => n.includes('queue'))).toEqual([]);
  });

  test('VOLUME_DUPLICATE: a claim named like a pod volume, which the StatefulSet controller would replace with the claim', () => {
    const overTmp = cassandra({ claims: [{ name: 'tmp', mountPath: '/var/lib/cassandra', size: '1Gi', storageClass: 'gp3' }] });
    const issue = expectCode(() => renderApp(overTmp.app), 'VOLUME_DUPLICATE');
    expect([issue.field, issue.value]).toEqual(['claims[0].name', 'tmp']);
    const { app, chart, team } = cassandra({ replicas: 1 });
    const config = new ConfigMap(chart, 'cfg', { namespace: team.name, data: { 'cassandra.yaml': 'cluster_name: x' } });
    new StatefulService(chart, 'cfg-db', {
      namespace: team,
      ...POSTGRES,
      mounts: [{ volume: Volume.fromConfigMap(config, 'data'), path: '/etc/db' }],
      claims: [{ name: 'data', mountPath: '/var/lib/db', size: '1Gi', storageClass: 'gp3' }],
    });
    expect(issuesWithCode(() => renderApp(app), 'VOLUME_DUPLICATE').map((i) => i.path)).toEqual(['test/cfg-db']);
  });

  test('a claim whose name no pod volume has is accepted next to mounts and writable paths', () => {
    const { app, chart, team } = cassandra({ writablePaths: ['/tmp', '/var/log/cassandra'] });
    const config = new ConfigMap(chart, 'cfg', { namespace: team.name, data: { 'cassandra.yaml': 'cluster_name: x' } });
    new StatefulService(chart, 'cfg-db', {
      namespace: team,
      ...POSTGRES,
      mounts: [{ volume: Volume.fromConfigMap(config), path: '/etc/db' }],
      claims: [{ name: 'data', mountPath: '/var/lib/db', size: '1Gi', storageClass: 'fast-ssd' }],
    });
    expect(() => renderApp(app)).not.toThrow();
  });

  test('stable identities: podName, podDnsName, peerDnsNames', () => {
    const { db } = cassandra();
    expect(db.podName(0)).toBe('cassandra-0');
    expect(db.podDnsName(0)).toBe('cassandra-0.cassandra.data.svc.cluster.local');
    expect(db.peerDnsNames()).toHaveLength(3);
    expect(db.peerServiceDnsName).toBe('cassandra.data.svc.cluster.local');
    expect(db.podDnsName(0).endsWith(`.${db.peerServiceDnsName}`)).toBe(true);
    expectCode(() => db.podDnsName(3), 'ORDINAL_INVALID');
  });

  test('clients get a name of ready pods only: clientDnsName names the ClusterIP client Service, peers the headless one', () => {
    const { chart, db } = cassandra({ clientService: true });
    const objects = renderChart(chart);
    const [client, peer] = [db.clientDnsName, db.peerServiceDnsName].map((dns) => {
      const [name, ns, svc] = dns.split('.');
      expect([ns, svc]).toEqual(['data', 'svc']);
      return find(objects, 'Service', name);
    });
    // The client Service lists ready pods only; the governing one every pod, for peers bootstrapping.
    expect(client.spec.type).toBe('ClusterIP');
    expect(client.spec.clusterIP).toBeUndefined();
    expect(client.spec.publishNotReadyAddresses).toBeUndefined();
    expect(client.spec.selector).toEqual(peer.spec.selector);
    expect(peer.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(find(objects, 'StatefulSet', 'cassandra').spec.serviceName).toBe(peer.metadata.name);
    // Per-pod names stay in the governing Service's domain; the deprecated name is still the headless one.
    expect(db.podDnsName(2)).toBe(`cassandra-2.${db.peerServiceDnsName}`);
    expect(db.serviceDnsName).toBe(db.peerServiceDnsName);
  });

  test('CLIENT_SERVICE_MISSING: without the client Service no client name is handed out', () => {
    const { db } = cassandra();
    const issue = expectCode(() => db.clientDnsName, 'CLIENT_SERVICE_MISSING');
    expect(issue.field).toBe('clientService');
    expect(issue.fix).toContain('clientService: true');
    expect(db.clientService).toBeUndefined();
  });

  test('singleton: one replica whose budget still lets drains proceed', () => {
    const { app, chart } = testChart();
    const db = new StatefulService(chart, 'mysql', {
      namespace: 'data',
      image: 'ghcr.io/acme/mysql:8.4.2',
      ports: [{ name: 'mysql', port: 3306 }],
      noStorageReason: 'the test looks at the disruption budget only',
    });
    const objects = renderApp(app).flatMap((r) => r.objects);
    expect(db.replicas).toBe(1);
    expect(find(objects, 'PodDisruptionBudget', 'mysql').spec.maxUnavailable).toBe(1);
  });

  test('StorageClass: cluster-scoped, Retain and WaitForFirstConsumer by default, zones', () => {
    const { chart } = testChart();
    new StorageClass(chart, 'zonal', { provisioner: 'pd.csi.storage.gke.io', zones: ['europe-west1-b'], isDefault: true });
    const sc = find(renderChart(chart), 'StorageClass', 'zonal');
    expect(sc.metadata.namespace).toBeUndefined();
    expect(sc).toMatchObject({ reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true });
    expect(sc.allowedTopologies[0].matchLabelExpressions[0]).toEqual({ key: 'topology.kubernetes.io/zone', values: ['europe-west1-b'] });
    expectCode(() => new StorageClass(chart, 'bad', { provisioner: '' }), 'STORAGE_INVALID');
    expectCode(() => new StorageClass(chart, 'nozones', { provisioner: 'x.y', zones: [] }), 'STORAGE_INVALID');
  });

  test('errors: REPLICAS_INVALID, STRATEGY_INVALID (partition), CLAIM_INVALID', () => {
    expectCode(() => cassandra({ replicas: 0 }), 'REPLICAS_INVALID');
    expectCode(() => cassandra({ partition: 4 }), 'STRATEGY_INVALID');
    expectCode(() => cassandra({ claims: [{ name: 'data', mountPath: 'relative', size: '1Gi' }] }), 'CLAIM_INVALID');
    expectCode(
      () =>
        cassandra({
          claims: [
            { name: 'd', mountPath: '/a', size: '1Gi' },
            { name: 'd', mountPath: '/b', size: '1Gi' },
          ],
        }),
      'CLAIM_INVALID',
    );
    expectCode(() => cassandra({ claims: [{ name: 'd', mountPath: '/a', size: '0' }] }), 'CLAIM_INVALID');
    expectCode(() => cassandra({ claims: [{ name: 'd', mountPath: '/a', size: 'lots' }] }), 'QUANTITY_INVALID');
  });

  test('CLAIM_INVALID: claim access modes the API server refuses on the PVC (none, or ReadWriteOncePod with another)', () => {
    const claim = (accessModes: AccessMode[]) => ({ claims: [{ name: 'd', mountPath: '/a', size: '1Gi', accessModes }] });
    expect(expectCode(() => cassandra(claim([])), 'CLAIM_INVALID').field).toBe('claims[0].accessModes');
    expect(expectCode(() => cassandra(claim([AccessMode.READ_WRITE_ONCE_POD, AccessMode.READ_WRITE_MANY])), 'CLAIM_INVALID').field).toBe(
      'claims[0].accessModes',
    );
    expect(() => cassandra(claim([AccessMode.READ_WRITE_ONCE_POD]))).not.toThrow();
  });

  test('NAME_INVALID: a name over 52 characters would make the pod label controller-revision-hash exceed 63', () => {
    const issue = expectCode(() => cassandra({ name: 'a'.repeat(53) }), 'NAME_INVALID');
    expect(issue.field).toBe('name');
    expect(issue.message).toContain('52');
    expect(issue.message).toContain('controller-revision-hash');
    expect(() => cassandra({ name: 'a'.repeat(52) })).not.toThrow();
  });

  test('PORT_INVALID: two container ports on one number would publish the same headless Service port twice', () => {
    const ports = (second: any) => cassandra({ ports: [{ name: 'cql', port: 9042 }, second] });
    expect(expectCode(() => ports({ name: 'cql-alt', port: 9042 }), 'PORT_INVALID').field).toBe('ports[1].port');
    expect(() => ports({ name: 'cql-udp', port: 9042, protocol: 'UDP' })).not.toThrow();
  });

  test('QUOTA_CLAIMS_EXCEEDED: claims per pod count against the namespace', () => {
    const { app } = cassandra(
      { claims: [{ name: 'data', mountPath: '/d', size: '20Gi' }] },
      { ...QuotaPreset.MEDIUM.limits, requestsStorage: '50Gi', persistentVolumeClaims: 2 },
    );
    expect(issuesWithCode(() => renderApp(app), 'QUOTA_CLAIMS_EXCEEDED').map((i) => i.field)).toEqual([
      'quota.persistentVolumeClaims',
      'quota.requestsStorage',
    ]);
  });

  test('claims outside the namespace LimitRange bounds are LIMITRANGE_VIOLATION', () => {
    const { app, chart } = testChart();
    const t2 = new TeamNamespace(chart, 'small', { quota: QuotaPreset.LARGE, claimLimits: { min: '1Gi', max: '1Gi' } });
    new StatefulService(chart, 'db', {
      namespace: t2,
      ...POSTGRES,
      claims: [{ name: 'data', mountPath: '/d', size: '2Gi' }],
    });
    expect(catchBlueprintError(() => renderApp(app)).codes).toEqual(['LIMITRANGE_VIOLATION']);
  });

  test('property: random valid props are schema-valid and the headless Service always selects the pods', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom(...Object.values(PodManagementPolicy)),
        fc.constantFrom(AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_ONCE_POD),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/),
        (replicas, gi, policy, mode, name) => {
          const app = new App();
          const chart = new BlueprintChart(app, 'c', { owner: 'o' });
          const team = new TeamNamespace(chart, 'data', { quota: QuotaPreset.LARGE });
          new StatefulService(chart, 'db', {
            namespace: team,
            name,
            image: 'redis:7.4.0',
            replicas,
            podManagementPolicy: policy,
            resources: ResourcePreset.SMALL,
            ports: [{ name: 'redis', port: 6379 }],
            claims: [{ name: 'data', mountPath: '/data', size: `${gi}Gi`, accessModes: [mode] }],
          });
          const objects = renderApp(app).flatMap((r) => r.objects);
          expect(validateManifests(objects)).toEqual([]);
          const sts = find(objects, 'StatefulSet', name);
          const svc = find(objects, 'Service', sts.spec.serviceName);
          expect(svc.spec.clusterIP).toBe('None');
          expect(sts.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('invalid props always raise a BlueprintError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ replicas: fc.integer({ min: -5, max: 0 }) }),
          fc.record({ partition: fc.integer({ min: 4, max: 100 }) }),
          fc.record({ claims: fc.constant([{ name: 'Bad_Name', mountPath: '/x', size: '1Gi' }]) }),
          fc.record({ image: fc.constant('cassandra') }),
        ),
        (p) => {
          expect(() => cassandra(p)).toThrow(BlueprintError);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('STORAGE_MISSING: a StatefulService keeps state', () => {
  test('no claim and no mounted PersistentVolumeClaim is refused', () => {
    const { chart } = testChart();
    expect(expectCode(() => new StatefulService(chart, 'db', { namespace: 'data', ...POSTGRES }), 'STORAGE_MISSING').field).toBe('claims');
  });

  test('the opt-out needs a reason, and lands on the StatefulSet', () => {
    const { app, chart } = testChart();
    expectCode(() => new StatefulService(chart, 'a', { namespace: 'data', ...POSTGRES, noStorageReason: 'cache' }), 'STORAGE_MISSING');
    new StatefulService(chart, 'b', { namespace: 'data', ...POSTGRES, noStorageReason: 'a cache that only needs stable pod names' });
    expect(find(render(app), 'StatefulSet', 'b').metadata.annotations['cluster-blueprints.io/no-storage']).toContain('stable pod names');
  });

  test('an opt-out beside real storage is refused', () => {
    const { chart } = testChart();
    const storageClass = new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com' });
    const claims = [{ name: 'data', mountPath: '/data', size: '1Gi', storageClass }];
    const issue = expectCode(
      () => new StatefulService(chart, 'db', { namespace: 'data', ...POSTGRES, claims, noStorageReason: 'a cache that needs names' }),
      'STORAGE_MISSING',
    );
    expect(issue.field).toBe('noStorageReason');
  });

  test('a mounted PersistentVolumeClaim is storage', () => {
    const { chart } = testChart();
    const mounts = [{ volume: Volume.fromClaim({ name: 'shared-data', namespace: 'data' }), path: '/data' }];
    expect(() => new StatefulService(chart, 'db', { namespace: 'data', ...POSTGRES, mounts })).not.toThrow();
  });
});
