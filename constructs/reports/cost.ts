import { Storage } from '../core/quantity';
import { ManifestIndex, arr } from '../rules/manifest-index';
import { podRequestsOf } from './capacity';

/*
 * Requested CPU, memory and storage, at the declared replicas and at HPA
 * maxima, and what they cost per month at unit prices.
 */

/** Monthly unit prices. */
export interface UnitPrices {
  /** Per requested CPU core. @default 0 */
  readonly cpu?: number;
  /** Per GiB of requested memory. @default 0 */
  readonly memoryGiB?: number;
  /** Per GiB of requested storage. @default 0 */
  readonly storageGiB?: number;
}

/** Requested CPU cores, memory GiB and storage GiB. */
export interface Amounts {
  cpu: number;
  memoryGiB: number;
  storageGiB: number;
}

/** Requested totals at the declared replicas and at HPA maxima. */
export interface Requested {
  readonly declared: Amounts;
  readonly atHpaMax: Amounts;
}

/** The owner annotation every object carries; the capacity report's "team". */
export const OWNER_ANNOTATION = 'cluster-blueprints.io/owner';
/** The annotation an environment may put on a Namespace (or any object) with its unit prices, as JSON `{cpu, memoryGiB, storageGiB}`. */
export const PRICES_ANNOTATION = 'cluster-blueprints.io/unit-prices';

const GiB = 1024 ** 3;

export function storageBytes(q: unknown): number | undefined {
  try {
    return Number(Storage.parse(String(q)).nanos) / 1e9;
  } catch {
    return undefined;
  }
}

/** Requested amounts, grouped by `groupOf(object)`. */
export function requestedBy(ix: ManifestIndex, groupOf: (o: any) => string): Map<string, Requested> {
  const groups = new Map<string, Requested>();
  const at = (o: any) => {
    const k = groupOf(o);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { declared: { cpu: 0, memoryGiB: 0, storageGiB: 0 }, atHpaMax: { cpu: 0, memoryGiB: 0, storageGiB: 0 } }));
    return g;
  };
  for (const t of ix.templates) {
    const o = t.owner;
    if (o.kind === 'Pod' || o.kind === 'PodTemplate') continue;
    const pod = podRequestsOf(ix, o);
    if (!pod) continue;
    const hpa = ix.hpaFor(o);
    const declared = typeof o.spec?.replicas === 'number' ? o.spec.replicas : hpa ? ix.replicas(o).min : 1;
    const top = hpa ? ix.replicas(o).max : declared;
    const g = at(o);
    g.declared.cpu += pod.cpu * declared;
    g.declared.memoryGiB += (pod.memory * declared) / GiB;
    g.atHpaMax.cpu += pod.cpu * top;
    g.atHpaMax.memoryGiB += (pod.memory * top) / GiB;
    if (o.kind === 'StatefulSet')
      for (const c of arr(o.spec?.volumeClaimTemplates)) {
        const bytes = storageBytes(c?.spec?.resources?.requests?.storage) ?? 0;
        g.declared.storageGiB += (bytes * declared) / GiB;
        g.atHpaMax.storageGiB += (bytes * top) / GiB;
      }
  }
  for (const c of ix.ofKind('PersistentVolumeClaim')) {
    const gib = (storageBytes(c.spec?.resources?.requests?.storage) ?? 0) / GiB;
    const g = at(c);
    g.declared.storageGiB += gib;
    g.atHpaMax.storageGiB += gib;
  }
  return groups;
}

/** Requested totals of a whole set. */
export function requested(ix: ManifestIndex): Requested {
  return (
    requestedBy(ix, () => '').get('') ?? {
      declared: { cpu: 0, memoryGiB: 0, storageGiB: 0 },
      atHpaMax: { cpu: 0, memoryGiB: 0, storageGiB: 0 },
    }
  );
}

/** Monthly cost of requested amounts at `prices`. */
export function monthlyCost(r: Amounts, prices: UnitPrices): number {
  return r.cpu * (prices.cpu ?? 0) + r.memoryGiB * (prices.memoryGiB ?? 0) + r.storageGiB * (prices.storageGiB ?? 0);
}

/** Unit prices an environment declares on its objects (annotation `cluster-blueprints.io/unit-prices`), if any. */
export function declaredPrices(ix: ManifestIndex): UnitPrices | undefined {
  for (const o of ix.objects) {
    const raw = o.metadata?.annotations?.[PRICES_ANNOTATION];
    if (typeof raw !== 'string') continue;
    try {
      const p = JSON.parse(raw);
      return { cpu: Number(p.cpu) || 0, memoryGiB: Number(p.memoryGiB) || 0, storageGiB: Number(p.storageGiB) || 0 };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** One group's monthly cost. */
export interface GroupCost {
  readonly name: string;
  readonly declared: number;
  readonly atHpaMax: number;
}

/** Monthly cost per namespace and per team (owner annotation), at declared replicas and HPA maxima. */
export interface CostReport {
  readonly prices: UnitPrices;
  readonly namespaces: readonly GroupCost[];
  readonly teams: readonly GroupCost[];
  readonly total: { readonly declared: number; readonly atHpaMax: number };
}

/** The cost report of `objects` at `prices` (else the prices the objects declare); undefined without prices. */
export function costReport(objects: readonly unknown[], prices?: UnitPrices): CostReport | undefined {
  const ix = new ManifestIndex(objects);
  const p = prices ?? declaredPrices(ix);
  if (!p) return undefined;
  const rows = (m: Map<string, Requested>) =>
    [...m.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, r]) => ({ name, declared: monthlyCost(r.declared, p), atHpaMax: monthlyCost(r.atHpaMax, p) }));
  const namespaces = rows(requestedBy(ix, (o) => o.metadata?.namespace ?? ''));
  return {
    prices: p,
    namespaces,
    teams: rows(requestedBy(ix, (o) => o.metadata?.annotations?.[OWNER_ANNOTATION] ?? '(no owner)')),
    total: { declared: namespaces.reduce((s, n) => s + n.declared, 0), atHpaMax: namespaces.reduce((s, n) => s + n.atHpaMax, 0) },
  };
}
