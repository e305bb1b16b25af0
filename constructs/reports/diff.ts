import { ManifestIndex, arr } from '../rules/manifest-index';
import { BlueprintError } from '../core/errors';
import { checkArgs, is } from '../core/shape';
import { objectId } from '../rules/schema';
import { PRICES_SHAPE, Requested, UnitPrices, declaredPrices, monthlyCost, requested, storageBytes } from './cost';

/*
 * What a change to synthesized output does on apply: objects added, removed,
 * changed, and changes the API server refuses (immutable fields) or that lose
 * data (a data holder removed or renamed, a reclaim policy changed); plus the
 * change in requested CPU, memory and storage, and its monthly cost.
 */

/** One object's change. */
export interface ObjectChange {
  /** `group/Kind/namespace/name` (group empty for the core API). */
  readonly object: string;
  readonly change: 'added' | 'removed' | 'changed' | 'breaking';
  /** Changed fields (JSON pointers), for changed and breaking. */
  readonly fields: readonly string[];
  /** Why it is breaking, one per field or removal. */
  readonly reasons: readonly string[];
  /** What the change does that applies but harms (e.g. replicas reset to 1), when anything. */
  readonly warnings?: readonly string[];
}

export interface DiffReport {
  readonly changes: readonly ObjectChange[];
  readonly breaking: number;
  /** Changes that apply but harm: the number of warnings over all changes. */
  readonly warnings: number;
  readonly before: Requested;
  readonly after: Requested;
  /** Monthly cost before and after (declared replicas, HPA maxima), when prices are known. */
  readonly cost?: { readonly before: { declared: number; atHpaMax: number }; readonly after: { declared: number; atHpaMax: number } };
}

function keyOf(o: any): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const get = (o: any, pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .reduce((x, k) => (x == null ? undefined : x[k]), o);

/** `[pointer, reason, default]`: a field the API server never lets change in place; an absent field reads as its default. */
type Immutable = readonly [string, string, unknown?];

/** Fields the API server never lets change in place, per kind (the 1.28 ValidateXxxUpdate functions of the API server). */
const IMMUTABLE: Record<string, readonly Immutable[]> = {
  // ValidateStatefulSetUpdate forbids any spec change but replicas, ordinals, template, updateStrategy,
  // persistentVolumeClaimRetentionPolicy and minReadySeconds (the rest of spec is checked in breakingFields).
  StatefulSet: [
    ['/spec/selector', 'a StatefulSet selector is immutable: apply fails; delete with --cascade=orphan and recreate'],
    ['/spec/volumeClaimTemplates', 'volumeClaimTemplates are immutable: apply fails, and existing claims keep their old spec'],
    ['/spec/serviceName', 'serviceName is immutable: apply fails'],
    ['/spec/podManagementPolicy', 'podManagementPolicy is immutable: apply fails', 'OrderedReady'],
    ['/spec/revisionHistoryLimit', 'a StatefulSet revisionHistoryLimit is immutable: apply fails', 10],
  ],
  Deployment: [['/spec/selector', 'a Deployment selector is immutable in apps/v1: apply fails']],
  DaemonSet: [['/spec/selector', 'a DaemonSet selector is immutable in apps/v1: apply fails']],
  ReplicaSet: [['/spec/selector', 'a ReplicaSet selector is immutable in apps/v1: apply fails']],
  // ValidateJobSpecUpdate (completions: see breakingFields).
  Job: [
    ['/spec/template', 'a Job pod template is immutable: apply fails; delete and recreate the Job'],
    ['/spec/selector', 'a Job selector is immutable: apply fails'],
    ['/spec/completionMode', 'a Job completionMode is immutable: apply fails; delete and recreate the Job', 'NonIndexed'],
    ['/spec/podFailurePolicy', 'a Job podFailurePolicy is immutable: apply fails; delete and recreate the Job'],
    ['/spec/backoffLimitPerIndex', 'a Job backoffLimitPerIndex is immutable: apply fails; delete and recreate the Job'],
  ],
  // ValidatePersistentVolumeClaimUpdate: the spec is immutable but for a growing storage request (see breakingFields).
  PersistentVolumeClaim: [
    ['/spec/storageClassName', 'a claim storage class is immutable: apply fails; the data stays on the old volume'],
    ['/spec/accessModes', 'claim access modes are immutable: apply fails'],
    ['/spec/volumeName', 'a bound claim volumeName is immutable: apply fails'],
    ['/spec/volumeMode', 'a claim volumeMode is immutable: apply fails', 'Filesystem'],
    ['/spec/selector', 'a claim selector is immutable: apply fails'],
    ['/spec/dataSource', 'a claim dataSource is immutable: apply fails'],
    ['/spec/dataSourceRef', 'a claim dataSourceRef is immutable: apply fails'],
    ['/spec/resources/limits', 'claim resource limits are immutable: apply fails'],
  ],
  // ValidateStorageClassUpdate.
  StorageClass: [
    ['/parameters', 'StorageClass parameters are immutable: apply fails'],
    ['/provisioner', 'a StorageClass provisioner is immutable: apply fails'],
    [
      '/reclaimPolicy',
      'a StorageClass reclaimPolicy is immutable, and a changed reclaim policy decides whether data survives deletion',
      'Delete',
    ],
    ['/volumeBindingMode', 'a StorageClass volumeBindingMode is immutable: apply fails', 'Immediate'],
  ],
  PersistentVolume: [['/spec/persistentVolumeReclaimPolicy', 'a changed reclaim policy decides whether the data survives its claim']],
  // ValidatePriorityClassUpdate.
  PriorityClass: [
    ['/value', 'a PriorityClass value is immutable: apply fails; create a class under a new name and move the pods to it'],
    [
      '/preemptionPolicy',
      'a PriorityClass preemptionPolicy is immutable: apply fails; create a class under a new name',
      'PreemptLowerPriority',
    ],
  ],
  // ValidateRoleBindingUpdate, ValidateClusterRoleBindingUpdate.
  RoleBinding: [['/roleRef', 'a RoleBinding roleRef is immutable: apply fails; delete and recreate the binding']],
  ClusterRoleBinding: [['/roleRef', 'a ClusterRoleBinding roleRef is immutable: apply fails; delete and recreate the binding']],
  // ValidateSecretUpdate.
  Secret: [['/type', 'a Secret type is immutable: apply fails; delete and recreate the Secret', 'Opaque']],
  // ValidateEndpointSliceUpdate.
  EndpointSlice: [['/addressType', 'an EndpointSlice addressType is immutable: apply fails']],
  // ValidateIngressClassUpdate.
  IngressClass: [['/spec/controller', 'an IngressClass controller is immutable: apply fails']],
};

/** StatefulSet spec fields ValidateStatefulSetUpdate lets change. */
const STATEFULSET_MUTABLE = new Set([
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
]);

function breakingFields(a: any, b: any): [string, string][] {
  const out: [string, string][] = [];
  const entries = IMMUTABLE[a.kind] ?? [];
  for (const [pointer, reason, dflt] of entries) if (!same(get(a, pointer) ?? dflt, get(b, pointer) ?? dflt)) out.push([pointer, reason]);
  if (a.kind === 'StatefulSet') {
    const listed = new Set(entries.map(([p]) => p));
    const keys = new Set([...Object.keys(a.spec ?? {}), ...Object.keys(b.spec ?? {})]);
    for (const k of [...keys].sort())
      if (!STATEFULSET_MUTABLE.has(k) && !listed.has(`/spec/${k}`) && !same(a.spec?.[k], b.spec?.[k]))
        out.push([
          `/spec/${k}`,
          `a StatefulSet ${k} is immutable (only replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds may change): apply fails`,
        ]);
  }
  if (a.kind === 'Job') {
    // validateCompletions: immutable, but for an Indexed Job whose new completions equals its new parallelism (ElasticIndexedJob, on since 1.27).
    const [ca, cb] = [a.spec?.completions, b.spec?.completions];
    const elastic = b.spec?.completionMode === 'Indexed' && cb !== undefined && cb === (b.spec?.parallelism ?? 1);
    if (!same(ca, cb) && !elastic)
      out.push([
        '/spec/completions',
        'Job completions are immutable (but for an Indexed Job changing completions and parallelism together): apply fails; delete and recreate the Job',
      ]);
  }
  if (a.kind === 'ResourceQuota') {
    // Compared as sets, like ValidateResourceQuotaUpdate; scopeSelector may change.
    const scopes = (q: any) => [...new Set(arr(q.spec?.scopes).map(String))].sort();
    if (!same(scopes(a), scopes(b)))
      out.push(['/spec/scopes', 'ResourceQuota scopes are immutable: apply fails; delete and recreate the quota']);
  }
  if (a.kind === 'Service') {
    const [ca, cb] = [a.spec?.clusterIP, b.spec?.clusterIP];
    if (ca !== undefined && ca !== cb)
      out.push(['/spec/clusterIP', 'clusterIP is immutable: apply fails (only a change of type may clear it)']);
    const ext = (s: any) => s.spec?.type === 'ExternalName';
    if (ext(a) !== ext(b))
      out.push(['/spec/type', 'a change to or from ExternalName replaces how the name resolves: clients see a different address']);
  }
  if (a.kind === 'PersistentVolumeClaim') {
    const [sa, sb] = [storageBytes(a.spec?.resources?.requests?.storage), storageBytes(b.spec?.resources?.requests?.storage)];
    if (sa !== undefined && sb !== undefined && sb < sa)
      out.push(['/spec/resources/requests/storage', 'a claim can grow but never shrink: apply fails']);
    const others = (c: any) => Object.entries(c.spec?.resources?.requests ?? {}).filter(([k]) => k !== 'storage');
    if (!same(others(a), others(b))) out.push(['/spec/resources/requests', 'claim requests other than storage are immutable: apply fails']);
  }
  if ((a.kind === 'ConfigMap' || a.kind === 'Secret') && a.immutable === true)
    for (const f of ['/data', '/binaryData', '/stringData', '/immutable'])
      if (!same(get(a, f), get(b, f))) out.push([f, `an immutable ${a.kind} cannot change: apply fails; create one under a new name`]);
  if (a.kind === 'StatefulSet') {
    const p = '/spec/persistentVolumeClaimRetentionPolicy';
    if (!same(get(a, p), get(b, p)) && [get(b, `${p}/whenDeleted`), get(b, `${p}/whenScaled`)].includes('Delete'))
      out.push([p, 'claims would now be deleted with the StatefulSet or on scale-down: data loss']);
  }
  return out;
}

/** The kinds an HPA may scale (scaleTargetRef). */
const SCALED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/**
 * Warnings about a change that applies but does harm: `spec.replicas` dropped
 * from a workload an HPA now scales. Client-side apply removes the field, the
 * API server defaults it to 1, and the workload scales down to one pod until
 * the HPA scales it up again.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling
 */
function changeWarnings(a: any, b: any, after: ManifestIndex): string[] {
  if (!SCALED.has(a.kind) || a.spec?.replicas === undefined || b.spec?.replicas !== undefined) return [];
  const scaled = after
    .ofKind('HorizontalPodAutoscaler')
    .some(
      (h) =>
        h.metadata?.namespace === b.metadata?.namespace &&
        h.spec?.scaleTargetRef?.kind === b.kind &&
        h.spec?.scaleTargetRef?.name === b.metadata?.name,
    );
  if (!scaled) return [];
  return [
    `/spec/replicas: removed while an HPA takes over: client-side kubectl apply resets it to 1 (${a.spec.replicas} now), and the pods scale down until the HPA scales up again; first run 'kubectl apply edit-last-applied' to remove spec.replicas from the last-applied configuration (or apply server-side), then apply`,
  ];
}

/** Top-level fields (JSON pointers, two levels deep) that differ. */
function changedFields(a: any, b: any, prefix = '', depth = 0): string[] {
  if (same(a, b)) return [];
  if (depth >= 2 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) || Array.isArray(b))
    return [prefix || '/'];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => changedFields(a[k], b[k], `${prefix}/${k}`, depth + 1));
}

function removalReason(o: any, after: ManifestIndex, before: ManifestIndex): string | undefined {
  switch (o.kind) {
    case 'Namespace':
      return 'removing a Namespace deletes everything in it';
    case 'PersistentVolumeClaim':
      return 'removing (or renaming) a claim deletes its volume under reclaimPolicy Delete';
    case 'PersistentVolume':
      return 'removing a PersistentVolume loses the data under reclaimPolicy Delete';
    case 'StatefulSet':
      return arr(o.spec?.volumeClaimTemplates).length
        ? 'removing (or renaming) a StatefulSet with claims orphans its data; a new name starts with empty claims'
        : undefined;
    case 'StorageClass': {
      const uses = (ix: ManifestIndex) =>
        ix.ofKind('PersistentVolumeClaim').some((c) => c.spec?.storageClassName === o.metadata?.name) ||
        ix.ofKind('StatefulSet').some((s) => arr(s.spec?.volumeClaimTemplates).some((t) => t?.spec?.storageClassName === o.metadata?.name));
      return uses(after) || uses(before) ? 'removing a StorageClass in use leaves its claims unprovisionable' : undefined;
    }
    default:
      return undefined;
  }
}

/** Compares two sets of rendered objects. */
export function diffManifests(before: readonly unknown[], after: readonly unknown[], prices?: UnitPrices): DiffReport {
  checkArgs(
    'diffManifests',
    ['before', before, is.list(is.any)],
    ['after', after, is.list(is.any)],
    ['prices', prices, PRICES_SHAPE, 'optional'],
  );
  const a = new ManifestIndex(before);
  const b = new ManifestIndex(after);
  const byKey = (ix: ManifestIndex) => new Map(ix.objects.map((o) => [keyOf(o), o]));
  const [ka, kb] = [byKey(a), byKey(b)];
  const changes: ObjectChange[] = [];
  for (const [k, o] of ka) {
    const n = kb.get(k);
    if (!n) {
      const reason = removalReason(o, b, a);
      changes.push({ object: k, change: reason ? 'breaking' : 'removed', fields: [], reasons: reason ? [reason] : [] });
      continue;
    }
    if (same(o, n)) continue;
    const fields = changedFields(o, n);
    const broken = breakingFields(o, n);
    const warnings = changeWarnings(o, n, b);
    changes.push({
      object: k,
      change: broken.length ? 'breaking' : 'changed',
      fields: broken.length ? broken.map(([f]) => f) : fields,
      reasons: broken.map(([f, r]) => `${f}: ${r}`),
      ...(warnings.length ? { warnings } : {}),
    });
  }
  for (const k of kb.keys()) if (!ka.has(k)) changes.push({ object: k, change: 'added', fields: [], reasons: [] });
  changes.sort((x, y) => (x.object < y.object ? -1 : x.object > y.object ? 1 : 0));
  const [rb, ra] = [requested(a), requested(b)];
  const declared = prices ? undefined : declaredPrices(b);
  // A declared price that does not fit would make every cost figure a guess (a silent 0, NaN): refused, not read as 0.
  if (declared?.issues.length)
    throw new BlueprintError(
      declared.issues.map((i) => ({
        ...i,
        code: 'PRICES_INVALID',
        path: '',
        construct: 'diffManifests',
        message: `of ${objectId(declared.object)} ${i.message}`,
      })),
    );
  const p = prices ?? declared?.prices;
  return {
    changes,
    breaking: changes.filter((c) => c.change === 'breaking').length,
    warnings: changes.reduce((n, c) => n + (c.warnings?.length ?? 0), 0),
    before: rb,
    after: ra,
    ...(p
      ? {
          cost: {
            before: { declared: monthlyCost(rb.declared, p), atHpaMax: monthlyCost(rb.atHpaMax, p) },
            after: { declared: monthlyCost(ra.declared, p), atHpaMax: monthlyCost(ra.atHpaMax, p) },
          },
        }
      : {}),
  };
}

const f2 = (n: number) => (Math.round(n * 100) / 100).toString();
const delta = (x: number, y: number) => `${f2(x)} → ${f2(y)} (${y - x >= 0 ? '+' : ''}${f2(y - x)})`;

/** A plain-text report for CI logs. */
export function formatDiff(r: DiffReport): string {
  const lines = r.changes.map(
    (c) =>
      (c.change === 'breaking'
        ? `BREAKING ${c.object}\n${c.reasons.map((x) => `    ${x}`).join('\n')}`
        : `${c.change.padEnd(8)} ${c.object}${c.fields.length ? `  (${c.fields.join(', ')})` : ''}`) +
      (c.warnings ?? []).map((w) => `\n    warning: ${w}`).join(''),
  );
  lines.push(
    '',
    `${r.changes.length} change(s), ${r.breaking} breaking${r.warnings ? `, ${r.warnings} warning(s)` : ''}`,
    'requested (declared replicas | HPA maxima):',
    `  cpu cores    ${delta(r.before.declared.cpu, r.after.declared.cpu)} | ${delta(r.before.atHpaMax.cpu, r.after.atHpaMax.cpu)}`,
    `  memory GiB   ${delta(r.before.declared.memoryGiB, r.after.declared.memoryGiB)} | ${delta(r.before.atHpaMax.memoryGiB, r.after.atHpaMax.memoryGiB)}`,
    `  storage GiB  ${delta(r.before.declared.storageGiB, r.after.declared.storageGiB)} | ${delta(r.before.atHpaMax.storageGiB, r.after.atHpaMax.storageGiB)}`,
  );
  if (r.cost)
    lines.push(
      `  cost/month   ${delta(r.cost.before.declared, r.cost.after.declared)} | ${delta(r.cost.before.atHpaMax, r.cost.after.atHpaMax)}`,
    );
  return lines.join('\n');
}
