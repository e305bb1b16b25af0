import { diffManifests, formatDiff } from '../../constructs';

/*
 * diffManifests: fields the 1.28 API server refuses to change in place
 * (its ValidateXxxUpdate functions) are breaking; their mutable neighbours,
 * and a field that only spells out its default, are not.
 */

const verdict = (before: any, after: any) => {
  const [c] = diffManifests([before], [after]).changes;
  return c === undefined ? 'unchanged' : c.change === 'breaking' ? `breaking ${c.fields.join(' ')}` : c.change;
};
const obj = (apiVersion: string, kind: string, body: any, namespace: string | undefined = 'shop') => ({
  apiVersion,
  kind,
  metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
  ...body,
});

describe('diff: immutable fields', () => {
  test('PriorityClass value and preemptionPolicy (ValidatePriorityClassUpdate); an unset policy is PreemptLowerPriority', () => {
    const pc = (over: any) => obj('scheduling.k8s.io/v1', 'PriorityClass', { value: 1000, ...over }, undefined);
    expect(verdict(pc({}), pc({ value: 5000 }))).toBe('breaking /value');
    expect(verdict(pc({}), pc({ preemptionPolicy: 'Never' }))).toBe('breaking /preemptionPolicy');
    expect(verdict(pc({}), pc({ preemptionPolicy: 'PreemptLowerPriority' }))).toBe('changed');
    expect(verdict(pc({}), pc({ description: 'batch' }))).toBe('changed');
  });

  test('Job completions (mutable only for an Indexed Job, with parallelism), completionMode, podFailurePolicy', () => {
    const job = (spec: any) => obj('batch/v1', 'Job', { spec: { template: { spec: {} }, ...spec } });
    expect(verdict(job({ completions: 5, parallelism: 2 }), job({ completions: 10, parallelism: 2 }))).toBe('breaking /spec/completions');
    const indexed = (c: number, p: number) => job({ completionMode: 'Indexed', completions: c, parallelism: p });
    expect(verdict(indexed(5, 5), indexed(10, 10))).toBe('changed');
    expect(verdict(indexed(5, 5), indexed(10, 5))).toBe('breaking /spec/completions');
    expect(verdict(job({}), job({ completionMode: 'Indexed' }))).toBe('breaking /spec/completionMode');
    expect(verdict(job({}), job({ completionMode: 'NonIndexed' }))).toBe('changed');
    expect(verdict(job({}), job({ podFailurePolicy: { rules: [] } }))).toBe('breaking /spec/podFailurePolicy');
    expect(verdict(job({ parallelism: 2 }), job({ parallelism: 3 }))).toBe('changed');
  });

  test('ResourceQuota scopes, as a set (ValidateResourceQuotaUpdate); scopeSelector and hard may change', () => {
    const rq = (spec: any) => obj('v1', 'ResourceQuota', { spec: { hard: { pods: '10' }, ...spec } });
    expect(verdict(rq({ scopes: ['BestEffort'] }), rq({ scopes: ['NotBestEffort'] }))).toBe('breaking /spec/scopes');
    expect(verdict(rq({}), rq({ scopes: ['Terminating'] }))).toBe('breaking /spec/scopes');
    expect(verdict(rq({ scopes: ['Terminating', 'BestEffort'] }), rq({ scopes: ['BestEffort', 'Terminating'] }))).toBe('changed');
    const selector = { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] };
    expect(verdict(rq({}), rq({ scopeSelector: selector }))).toBe('changed');
    expect(verdict(rq({}), rq({ hard: { pods: '20' } }))).toBe('changed');
  });

  test('RoleBinding and ClusterRoleBinding roleRef; subjects may change', () => {
    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      const rb = (role: string, subjects: string[] = ['a']) =>
        obj('rbac.authorization.k8s.io/v1', kind, {
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
          subjects: subjects.map((name) => ({ kind: 'Group', name })),
        });
      expect(verdict(rb('view'), rb('edit'))).toBe('breaking /roleRef');
      expect(verdict(rb('view'), rb('view', ['a', 'b']))).toBe('changed');
    }
  });

  test('Secret type (an unset type is Opaque), EndpointSlice addressType, IngressClass controller', () => {
    const secret = (type?: string) => obj('v1', 'Secret', { ...(type ? { type } : {}), data: { a: 'Yg==' } });
    expect(verdict(secret(), secret('kubernetes.io/tls'))).toBe('breaking /type');
    expect(verdict(secret(), secret('Opaque'))).toBe('changed');
    const slice = (addressType: string) => obj('discovery.k8s.io/v1', 'EndpointSlice', { addressType, endpoints: [] });
    expect(verdict(slice('IPv4'), slice('IPv6'))).toBe('breaking /addressType');
    const ic = (controller: string) => obj('networking.k8s.io/v1', 'IngressClass', { spec: { controller } }, undefined);
    expect(verdict(ic('k8s.io/ingress-nginx'), ic('example.com/other'))).toBe('breaking /spec/controller');
  });

  test('StatefulSet: every spec field but replicas, ordinals, template, updateStrategy, the claim retention policy and minReadySeconds', () => {
    const sts = (spec: any) => obj('apps/v1', 'StatefulSet', { spec: { serviceName: 'db', selector: {}, template: {}, ...spec } });
    expect(verdict(sts({}), sts({ revisionHistoryLimit: 3 }))).toBe('breaking /spec/revisionHistoryLimit');
    expect(verdict(sts({}), sts({ revisionHistoryLimit: 10 }))).toBe('changed');
    expect(verdict(sts({}), sts({ podManagementPolicy: 'OrderedReady' }))).toBe('changed');
    expect(verdict(sts({}), sts({ podManagementPolicy: 'Parallel' }))).toBe('breaking /spec/podManagementPolicy');
    expect(verdict(sts({}), sts({ someFutureField: true }))).toBe('breaking /spec/someFutureField');
    for (const spec of [{ replicas: 3 }, { minReadySeconds: 5 }, { ordinals: { start: 1 } }, { updateStrategy: { type: 'OnDelete' } }])
      expect(verdict(sts({}), sts(spec))).toBe('changed');
  });

  test('PersistentVolumeClaim: only the storage request may change (and grow)', () => {
    const pvc = (spec: any) =>
      obj('v1', 'PersistentVolumeClaim', {
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
      });
    expect(verdict(pvc({}), pvc({ resources: { requests: { storage: '2Gi' } } }))).toBe('changed');
    expect(verdict(pvc({}), pvc({ volumeMode: 'Block' }))).toBe('breaking /spec/volumeMode');
    expect(verdict(pvc({}), pvc({ volumeMode: 'Filesystem' }))).toBe('changed');
    expect(verdict(pvc({}), pvc({ resources: { requests: { storage: '1Gi' }, limits: { storage: '2Gi' } } }))).toBe(
      'breaking /spec/resources/limits',
    );
    expect(verdict(pvc({}), pvc({ dataSource: { kind: 'VolumeSnapshot', name: 's', apiGroup: 'snapshot.storage.k8s.io' } }))).toBe(
      'breaking /spec/dataSource',
    );
  });

  test('StorageClass: an unset reclaimPolicy is Delete, an unset volumeBindingMode Immediate; allowVolumeExpansion may change', () => {
    const sc = (over: any) => obj('storage.k8s.io/v1', 'StorageClass', { provisioner: 'ebs.csi.aws.com', ...over }, undefined);
    expect(verdict(sc({}), sc({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' }))).toBe('changed');
    expect(verdict(sc({}), sc({ reclaimPolicy: 'Retain' }))).toBe('breaking /reclaimPolicy');
    expect(verdict(sc({}), sc({ allowVolumeExpansion: true }))).toBe('changed');
  });
});

describe('diff: changes that apply but harm', () => {
  const deployment = (replicas?: number) =>
    obj('apps/v1', 'Deployment', { spec: { ...(replicas === undefined ? {} : { replicas }), selector: {}, template: {} } });
  const hpa = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'x', namespace: 'shop' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' }, minReplicas: 4, maxReplicas: 6 },
  };

  test('spec.replicas removed as an HPA takes over: a warning with the edit-last-applied fix, not breaking', () => {
    const r = diffManifests([deployment(4)], [deployment(), hpa]);
    const change = r.changes.find((c) => c.object === 'apps/Deployment/shop/x')!;
    expect(change.change).toBe('changed');
    expect(change.warnings).toHaveLength(1);
    expect(change.warnings![0]).toContain('resets it to 1');
    expect(change.warnings![0]).toContain('kubectl apply edit-last-applied');
    expect([r.breaking, r.warnings]).toEqual([0, 1]);
    expect(formatDiff(r)).toContain('0 breaking, 1 warning(s)');
    expect(formatDiff(r)).toContain('    warning: /spec/replicas');
  });

  test('no warning when replicas stay, when no HPA scales it, or when it never had replicas', () => {
    expect(diffManifests([deployment(4)], [deployment(4), hpa]).warnings).toBe(0);
    expect(diffManifests([deployment(4)], [deployment()]).warnings).toBe(0);
    expect(diffManifests([deployment(), hpa], [deployment(), { ...hpa, spec: { ...hpa.spec, maxReplicas: 8 } }]).warnings).toBe(0);
    const other = { ...hpa, spec: { ...hpa.spec, scaleTargetRef: { ...hpa.spec.scaleTargetRef, name: 'y' } } };
    expect(diffManifests([deployment(4)], [deployment(), other]).warnings).toBe(0);
    expect(formatDiff(diffManifests([deployment(4)], [deployment(3)]))).not.toContain('warning');
  });
});
