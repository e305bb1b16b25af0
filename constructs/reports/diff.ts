import { ManifestIndex, arr } from '../rules/manifest-index';
import { Requested, UnitPrices, declaredPrices, monthlyCost, requested, storageBytes } from './cost';

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
}

export interface DiffReport {
  readonly changes: readonly ObjectChange[];
  readonly breaking: number;
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

/** Fields the API server never lets change in place, per kind (from the API reference's immutability notes). */
const IMMUTABLE: Record<string, readonly [string, string][]> = {
  StatefulSet: [
    ['/spec/selector', 'a StatefulSet selector is immutable: apply fails; delete with --cascade=orphan and recreate'],
    ['/spec/volumeClaimTemplates', 'volumeClaimTemplates are immutable: apply fails, and existing claims keep their old spec'],
    ['/spec/serviceName', 'serviceName is immutable: apply fails'],
    ['/spec/podManagementPolicy', 'podManagementPolicy is immutable: apply fails'],
  ],
  Deployment: [['/spec/selector', 'a Deployment selector is immutable in apps/v1: apply fails']],
  DaemonSet: [['/spec/selector', 'a DaemonSet selector is immutable in apps/v1: apply fails']],
  ReplicaSet: [['/spec/selector', 'a ReplicaSet selector is immutable in apps/v1: apply fails']],
  Job: [
    ['/spec/template', 'a Job pod template is immutable: apply fails; delete and recreate the Job'],
    ['/spec/selector', 'a Job selector is immutable: apply fails'],
  ],
  PersistentVolumeClaim: [
    ['/spec/storageClassName', 'a claim storage class is immutable: apply fails; the data stays on the old volume'],
    ['/spec/accessModes', 'claim access modes are immutable: apply fails'],
    ['/spec/volumeName', 'a bound claim volumeName is immutable: apply fails'],
  ],
  StorageClass: [
    ['/parameters', 'StorageClass parameters are immutable: apply fails'],
    ['/provisioner', 'a StorageClass provisioner is immutable: apply fails'],
    ['/reclaimPolicy', 'a StorageClass reclaimPolicy is immutable, and a changed reclaim policy decides whether data survives deletion'],
    ['/volumeBindingMode', 'a StorageClass volumeBindingMode is immutable: apply fails'],
  ],
  PersistentVolume: [['/spec/persistentVolumeReclaimPolicy', 'a changed reclaim policy decides whether the data survives its claim']],
};

function breakingFields(a: any, b: any): [string, string][] {
  const out: [string, string][] = [];
  for (const [pointer, reason] of IMMUTABLE[a.kind] ?? []) if (!same(get(a, pointer), get(b, pointer))) out.push([pointer, reason]);
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
    changes.push({
      object: k,
      change: broken.length ? 'breaking' : 'changed',
      fields: broken.length ? broken.map(([f]) => f) : fields,
      reasons: broken.map(([f, r]) => `${f}: ${r}`),
    });
  }
  for (const k of kb.keys()) if (!ka.has(k)) changes.push({ object: k, change: 'added', fields: [], reasons: [] });
  changes.sort((x, y) => (x.object < y.object ? -1 : x.object > y.object ? 1 : 0));
  const [rb, ra] = [requested(a), requested(b)];
  const p = prices ?? declaredPrices(b);
  return {
    changes,
    breaking: changes.filter((c) => c.change === 'breaking').length,
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
  const lines = r.changes.map((c) =>
    c.change === 'breaking'
      ? `BREAKING ${c.object}\n${c.reasons.map((x) => `    ${x}`).join('\n')}`
      : `${c.change.padEnd(8)} ${c.object}${c.fields.length ? `  (${c.fields.join(', ')})` : ''}`,
  );
  lines.push(
    '',
    `${r.changes.length} change(s), ${r.breaking} breaking`,
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
