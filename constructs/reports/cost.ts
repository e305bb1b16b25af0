import { IssueInput } from '../core/errors';
import { Storage } from '../core/quantity';
import { Shape, is } from '../core/shape';
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

/**
 * The highest unit price: a million a month per core or GiB, far above any cloud's (a few hundred per core). A price
 * near the largest double (1e308) made every total Infinity, printed as `null` in JSON.
 */
const MAX_UNIT_PRICE = 1e6;

/** One unit price: a finite number from 0 to MAX_UNIT_PRICE (NaN, Infinity, a negative or huge price would make every total meaningless). */
const PRICE: Shape = {
  expected: `a number from 0 to ${MAX_UNIT_PRICE}`,
  issuesOf: (v, field) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_UNIT_PRICE
      ? []
      : [
          {
            code: 'PROPS_INVALID',
            field,
            // The value only when it is a number: a string in a prices file may be anything, a secret included.
            value: typeof v === 'number' ? v : typeOf(v),
            message: `must be a finite number from 0 to ${MAX_UNIT_PRICE}`,
            fix: 'give the monthly price as a plain number, e.g. 20',
          },
        ],
};

/** What an issue shows of a value read from a text: its type (`(a string)`), never its content. */
function typeOf(v: unknown): string {
  return `(${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`})`;
}

/**
 * The one shape of unit prices, wherever they come from (`CheckOptions.prices`, `diffManifests`,
 * the CLI's `--prices` file, the `cluster-blueprints.io/unit-prices` annotation): an object of
 * known keys only (`cpuu` is PROPS_UNKNOWN, never a silent 0), each a finite number ≥ 0.
 */
export const PRICES_SHAPE = is.props<UnitPrices>({ cpu: PRICE, memoryGiB: PRICE, storageGiB: PRICE });

const isPlain = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);

/**
 * `text` (a prices file, an annotation) read as unit prices: the prices, or the issues that say why not.
 * No issue quotes the text (it may be anything, a secret included): not JSON is one issue, and an issue about a
 * key shows the key and the type of its value (`(a string)`), never the value. A leading byte-order mark is skipped.
 */
export function parsePrices(text: string, field: string): { prices: UnitPrices } | { issues: IssueInput[] } {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return {
      issues: [
        {
          code: 'PROPS_INVALID',
          field,
          message: 'is not valid JSON (its content is not shown)',
          fix: 'write a JSON object of monthly prices, e.g. {"cpu": 20, "memoryGiB": 3, "storageGiB": 0.1}',
        },
      ],
    };
  }
  const issues = PRICES_SHAPE.issuesOf(value, field);
  // A text's issues name keys, never show what they hold: `{"password": "…"}` is not a price, and not for the log.
  const at = (f: string) =>
    f === field ? value : isPlain(value) && f.startsWith(`${field}.`) ? own(value, f.slice(field.length + 1)) : undefined;
  const typed = (i: IssueInput): IssueInput => {
    const { value: _shown, ...rest } = i;
    const v = at(i.field);
    return v === undefined ? rest : { ...rest, value: typeOf(v) };
  };
  if (issues.length) return { issues: issues.map(typed) };
  const p = value as UnitPrices;
  return { prices: { cpu: p.cpu ?? 0, memoryGiB: p.memoryGiB ?? 0, storageGiB: p.storageGiB ?? 0 } };
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

/** The first object that declares unit prices (annotation `cluster-blueprints.io/unit-prices`), and what it declares. */
export function declaredPrices(ix: ManifestIndex): { object: any; prices?: UnitPrices; issues: IssueInput[] } | undefined {
  for (const o of ix.objects) {
    const raw = o.metadata?.annotations?.[PRICES_ANNOTATION];
    if (raw === undefined) continue;
    const field = PRICES_ANNOTATION;
    const parsed =
      typeof raw === 'string'
        ? parsePrices(raw, field)
        : { issues: [{ code: 'PROPS_INVALID', field, message: 'must be a string of JSON', fix: 'quote the JSON object' }] };
    return 'prices' in parsed ? { object: o, prices: parsed.prices, issues: [] } : { object: o, issues: parsed.issues };
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
  // Declared prices that do not fit are no prices: checkManifests reports them (PRICES_INVALID).
  const p = prices ?? declaredPrices(ix)?.prices;
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
