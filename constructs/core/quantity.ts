import { BlueprintError } from './errors';
import { checkArgs, is, type Shape } from './shape';

/*
 * Exact Kubernetes resource quantities.
 *
 * Every value is held as an integer count of nano-units (1e-9 of a core or of a
 * byte) in a bigint, so sums and products never drift (0.1 + 0.2 CPU is exactly
 * 300m). The grammar is the API server's:
 *   <quantity> ::= <signedNumber><suffix>
 *   <suffix>   ::= Ki | Mi | Gi | Ti | Pi | Ei | n | u | m | "" | k | M | G | T | P | E | e<int> | E<int>
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 *
 * Written by hand: no maintained npm library parses quantities exactly
 * (kubernetes-models validates only the string pattern).
 */

const NANO = 1_000_000_000n;
const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const PATTERN = /^\+?(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE]?)$/;
/** The API server stores quantities in an int64 of milli-units at most; cap at 2^63 base units. */
const MAX_NANOS = (1n << 63n) * NANO;

/** What a quantity measures; decides formatting and which quantities may be added. */
export type QuantityUnit = 'cpu' | 'bytes';

/** Where a parse happens, for the error it raises. */
export interface ParseContext {
  /** The field being parsed, e.g. `resources.cpu`. @default 'quantity' */
  readonly field?: string;
}

const PARSE_CONTEXT_SHAPE = is.object({ field: is.string });

/**
 * `ctx` as `parse` and `of` read it, checked: from JavaScript it may be anything (a string, a revoked Proxy, a
 * throwing getter), and reading its field when the quantity is wrong would throw a TypeError instead of the
 * quantity's error. A context that is not `{ field?: string }` is PROPS_INVALID, whatever the quantity.
 */
function parseContext(where: string, ctx: unknown): ParseContext | undefined {
  if (ctx === undefined) return undefined;
  try {
    // The usual case, read once: a plain { field } (or {}).
    const field = ctx !== null && typeof ctx === 'object' ? (ctx as ParseContext).field : null;
    if (field === undefined) return {};
    if (typeof field === 'string') return { field };
  } catch {
    // A getter or Proxy throws: checkArgs says so.
  }
  checkArgs(where, ['ctx', ctx, PARSE_CONTEXT_SHAPE]);
  // A getter that threw above and answers now: read it no more.
  throw new BlueprintError({
    code: 'PROPS_INVALID',
    path: '',
    construct: where,
    field: 'ctx',
    value: '(unreadable)',
    message: 'could not be read (a getter or Proxy throws); it must be an object with an optional field name',
    fix: "pass e.g. { field: 'resources.cpu' }",
  });
}

function invalid(value: unknown, ctx: ParseContext | undefined, message: string, fix: string): BlueprintError {
  return new BlueprintError({ code: 'QUANTITY_INVALID', path: '', field: ctx?.field ?? 'quantity', value, message, fix });
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/**
 * True when `text` is a quantity above zero, whatever it measures (autoscaling validateMetricTarget:
 * `Sign() == 1`), e.g. an HPA metric target `'100'`, `'500m'`, `'2k'`, `'1.5e3'` or `'10Mi'`.
 */
export function isPositiveQuantity(text: unknown): boolean {
  const m = typeof text === 'string' ? PATTERN.exec(text.trim()) : null;
  return m !== null && /[1-9]/.test(m[1]);
}

/** `value instanceof type`, false where that throws (a revoked Proxy): `of` takes untyped input. */
function isInstance<T extends object>(value: unknown, type: { readonly prototype: T }): value is T {
  try {
    return Object.prototype.isPrototypeOf.call(type.prototype, value as object);
  } catch {
    return false;
  }
}

/**
 * `n` with a unit suffix, for the factories that take a count (`Cpu.millis(250)` is '250m'). Only
 * a number: a template literal turns anything into text ([250] and '250' both became '250m') or
 * throws a TypeError on the way (a Symbol, a revoked Proxy, a null-prototype object).
 */
function scaled(n: unknown, suffix: string, field: string): string {
  if (typeof n !== 'number')
    throw invalid(n, { field }, 'must be a number', 'give a number, e.g. Cpu.millis(250) or Memory.mebibytes(512)');
  return `${n}${suffix}`;
}

/** Parses a quantity string into nano-units. Throws `QUANTITY_INVALID`. */
export function parseNanos(input: unknown, unit: QuantityUnit, ctx?: ParseContext): bigint {
  const example = unit === 'cpu' ? "'200m', '0.5' or '2'" : "'512Mi', '1.5Gi' or '1G'";
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw invalid(input, ctx, 'is not a finite number', `use a quantity such as ${example}`);
    text = String(input);
  } else if (typeof input === 'string') {
    text = input.trim();
  } else {
    throw invalid(input, ctx, 'must be a quantity string or number', `use a quantity such as ${example}`);
  }
  if (text.startsWith('-')) throw invalid(input, ctx, 'must not be negative', `use a quantity such as ${example}`);
  const m = PATTERN.exec(text);
  if (!m) throw invalid(input, ctx, 'is not a Kubernetes quantity', `use a quantity such as ${example}`);
  const [, number, suffix] = m;
  const [whole, frac = ''] = number.split('.');
  const mantissa = BigInt((whole || '0') + frac);
  let num = mantissa * NANO;
  let den = pow10(frac.length);
  if (suffix in BINARY) {
    // A binary suffix on a CPU ('500Mi') is a memory amount typed into the wrong field.
    if (unit === 'cpu')
      throw invalid(
        input,
        ctx,
        `uses the byte suffix '${suffix}', which means nothing for CPU`,
        `use cores or millicores such as ${example}`,
      );
    num *= BINARY[suffix];
  } else {
    const exp = suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
    if (exp > 18 || exp < -9)
      throw invalid(input, ctx, `has exponent ${exp}, outside the range the API server stores`, `use a quantity such as ${example}`);
    if (exp >= 0) num *= pow10(exp);
    else den *= pow10(-exp);
  }
  if (num % den !== 0n) throw invalid(input, ctx, 'is more precise than 1n (one nano-unit)', 'round it to at most nine decimal places');
  const nanos = num / den;
  if (nanos > MAX_NANOS) throw invalid(input, ctx, 'is larger than 2^63', `use a realistic quantity such as ${example}`);
  // A fraction of a byte is valid to the API server: it stores '1.2Gi' as 1288490188800m and the kubelet rounds up.
  // A non-zero amount under one byte ('0.5', '1m', '500m') is a unit mistake ('m' is milli, not mega): refused on
  // purpose, a documented best-practice refusal stricter than the API (ValidateEmptyDirVolumeSource and the resource
  // validation only require a non-negative quantity), since no memory limit, request or emptyDir sizeLimit is that small.
  if (unit === 'bytes' && nanos > 0n && nanos < NANO) {
    throw invalid(
      input,
      ctx,
      "is less than one byte ('m' is milli: '500m' is half a byte); the API server accepts it, but no memory or scratch space is that small",
      "use bytes, e.g. '512Mi' or '500M' ('m' is milli, not mega)",
    );
  }
  return nanos;
}

function formatBytes(nanos: bigint): string {
  // A fraction of a byte: exactly, in milli- (or nano-) bytes, as the API server canonicalizes it (DecimalSI).
  if (nanos % NANO !== 0n) return nanos % 1_000_000n === 0n ? `${nanos / 1_000_000n}m` : `${nanos}n`;
  const bytes = nanos / NANO;
  if (bytes === 0n) return '0';
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    if (bytes % BINARY[suffix] === 0n) return `${bytes / BINARY[suffix]}${suffix}`;
  }
  for (const suffix of ['E', 'P', 'T', 'G', 'M', 'k']) {
    const f = pow10(DECIMAL[suffix]);
    if (bytes % f === 0n) return `${bytes / f}${suffix}`;
  }
  return bytes.toString();
}

function formatCpu(nanos: bigint): string {
  if (nanos % NANO === 0n) return (nanos / NANO).toString();
  if (nanos % 1_000_000n === 0n) return `${nanos / 1_000_000n}m`;
  return `${nanos}n`;
}

const SAME_UNIT = new WeakMap<object, Shape>();
/** The argument shape of `type`'s arithmetic, made once per class. */
function sameUnit(type: { readonly prototype: object; readonly name: string }): Shape {
  let shape = SAME_UNIT.get(type);
  if (!shape) SAME_UNIT.set(type, (shape = is.instance(type)));
  return shape;
}

/** Shared exact arithmetic. Subclasses differ by unit, so a CPU can never be added to a memory. */
export abstract class Quantity {
  protected constructor(
    /** Exact value in nano-units (1e-9 core or byte). */
    public readonly nanos: bigint,
  ) {}

  protected abstract make(nanos: bigint): this;
  public abstract get unit(): QuantityUnit;

  public plus(other: this): this {
    return this.make(this.nanos + this.nanosOf('plus', other));
  }

  /** Multiplies by a non-negative integer (replicas, pod counts). */
  public times(factor: number): this {
    if (!Number.isSafeInteger(factor) || factor < 0) {
      throw new BlueprintError({
        code: 'QUANTITY_INVALID',
        path: '',
        field: 'factor',
        value: factor,
        message: 'must be a non-negative integer',
        fix: 'multiply by a replica or pod count',
      });
    }
    return this.make(this.nanos * BigInt(factor));
  }

  /** Negative, zero or positive, like `Array.prototype.sort` expects. */
  public compare(other: this): number {
    const o = this.nanosOf('compare', other);
    return this.nanos < o ? -1 : this.nanos > o ? 1 : 0;
  }

  public equals(other: this): boolean {
    return this.nanos === this.nanosOf('equals', other);
  }
  public lt(other: this): boolean {
    return this.nanos < this.nanosOf('lt', other);
  }
  public lte(other: this): boolean {
    return this.nanos <= this.nanosOf('lte', other);
  }
  public gt(other: this): boolean {
    return this.nanos > this.nanosOf('gt', other);
  }
  public gte(other: this): boolean {
    return this.nanos >= this.nanosOf('gte', other);
  }
  public get isZero(): boolean {
    return this.nanos === 0n;
  }

  /** `this / other` as an approximate number, for reports (ratios, utilisation). */
  public ratioTo(other: this): number {
    const o = this.nanosOf('ratioTo', other);
    if (o === 0n) return Number.POSITIVE_INFINITY;
    return Number((this.nanos * 1_000_000n) / o) / 1_000_000;
  }

  /**
   * The nano-units of `other`, a quantity of this class: only TypeScript keeps a JavaScript caller
   * from passing null, a number or a string ('2' < nothing, a TypeError on a bigint), or a Memory
   * to a Cpu (a sum of cores and bytes). Refused with PROPS_INVALID.
   */
  private nanosOf(method: string, other: unknown): bigint {
    const type = this.constructor as typeof Quantity & { readonly name: string };
    checkArgs(`${type.name}.${method}`, ['other', other, sameUnit(type)]);
    return (other as Quantity).nanos;
  }

  /** Canonical Kubernetes form. */
  public toString(): string {
    return this.unit === 'cpu' ? formatCpu(this.nanos) : formatBytes(this.nanos);
  }

  public toJSON(): string {
    return this.toString();
  }

  /** True when `limit / request` is above `ratio` (exactly; for `maxLimitRequestRatio`). */
  public static ratioExceeds<Q extends Quantity>(limit: Q, request: Q, ratio: Cpu | number): boolean {
    checkArgs(
      'Quantity.ratioExceeds',
      ['limit', limit, is.instance(Quantity)],
      ['request', request, is.instance(Quantity)],
      ['ratio', ratio, is.either(is.number, is.instance(Quantity))],
    );
    const r = typeof ratio === 'number' ? Cpu.parse(ratio, { field: 'ratio' }).nanos : ratio.nanos;
    return limit.nanos * NANO > r * request.nanos;
  }
}

/** Something a CPU prop accepts: a `Cpu`, or a quantity such as `'200m'` or `0.5`. */
export type CpuInput = Cpu | string | number;
/** Something a memory prop accepts: a `Memory`, or a quantity such as `'512Mi'`. */
export type MemoryInput = Memory | string;
/** Something a storage prop accepts: a `Storage`, or a quantity such as `'8Gi'`. */
export type StorageInput = Storage | string;

/** CPU, in cores. `Cpu.parse('200m')`, `Cpu.millis(200)`, `Cpu.cores(2)`. */
export class Cpu extends Quantity {
  public static parse(value: unknown, ctx?: ParseContext): Cpu {
    return new Cpu(parseNanos(value, 'cpu', parseContext('Cpu.parse', ctx)));
  }
  public static of(value: CpuInput, ctx?: ParseContext): Cpu {
    const checked = parseContext('Cpu.of', ctx);
    return isInstance(value, Cpu) ? value : new Cpu(parseNanos(value, 'cpu', checked));
  }
  public static millis(millicores: number): Cpu {
    return Cpu.parse(scaled(millicores, 'm', 'millicores'), { field: 'millicores' });
  }
  public static cores(cores: number): Cpu {
    return Cpu.parse(cores, { field: 'cores' });
  }
  public static readonly ZERO = new Cpu(0n);
  public readonly kind = 'cpu' as const;
  protected make(nanos: bigint): this {
    return new Cpu(nanos) as this;
  }
  public get unit(): QuantityUnit {
    return 'cpu';
  }
  /** Millicores, rounded up (what the scheduler accounts). */
  public get millicores(): number {
    return Number((this.nanos + 999_999n) / 1_000_000n);
  }
}

export abstract class ByteQuantity extends Quantity {
  public get unit(): QuantityUnit {
    return 'bytes';
  }
  public get bytes(): bigint {
    // Whole bytes, a fraction rounded up (apimachinery Quantity.Value(), what the kubelet and scheduler use).
    return (this.nanos + NANO - 1n) / NANO;
  }
}

/** Memory, in bytes. `Memory.parse('512Mi')`, `Memory.mebibytes(512)`. */
export class Memory extends ByteQuantity {
  public static parse(value: unknown, ctx?: ParseContext): Memory {
    return new Memory(parseNanos(value, 'bytes', parseContext('Memory.parse', ctx)));
  }
  public static of(value: MemoryInput, ctx?: ParseContext): Memory {
    const checked = parseContext('Memory.of', ctx);
    return isInstance(value, Memory) ? value : new Memory(parseNanos(value, 'bytes', checked));
  }
  public static mebibytes(n: number): Memory {
    return Memory.parse(scaled(n, 'Mi', 'mebibytes'), { field: 'mebibytes' });
  }
  public static gibibytes(n: number): Memory {
    return Memory.parse(scaled(n, 'Gi', 'gibibytes'), { field: 'gibibytes' });
  }
  public static readonly ZERO = new Memory(0n);
  public readonly kind = 'memory' as const;
  protected make(nanos: bigint): this {
    return new Memory(nanos) as this;
  }
}

/** Storage (claims, quotas), in bytes. Distinct from `Memory` so the two never mix. */
export class Storage extends ByteQuantity {
  public static parse(value: unknown, ctx?: ParseContext): Storage {
    return new Storage(parseNanos(value, 'bytes', parseContext('Storage.parse', ctx)));
  }
  public static of(value: StorageInput, ctx?: ParseContext): Storage {
    const checked = parseContext('Storage.of', ctx);
    return isInstance(value, Storage) ? value : new Storage(parseNanos(value, 'bytes', checked));
  }
  public static gibibytes(n: number): Storage {
    return Storage.parse(scaled(n, 'Gi', 'gibibytes'), { field: 'gibibytes' });
  }
  public static readonly ZERO = new Storage(0n);
  public readonly kind = 'storage' as const;
  protected make(nanos: bigint): this {
    return new Storage(nanos) as this;
  }
}
