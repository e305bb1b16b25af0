/**
 * The paths of `o`'s keys, nested ones in plain objects and lists included; class instances (constructs,
 * quantities, Buffers, Dates) are values, not descended. A plain object is told by its prototype's prototype
 * being null, so copies made in another realm (structuredClone in jest's) count as plain too.
 */
export function paths(o: unknown, pre: string[] = []): string[][] {
  if (o === null || typeof o !== 'object') return [];
  const proto = Object.getPrototypeOf(o);
  if (!Array.isArray(o) && proto !== null && Object.getPrototypeOf(proto) !== null) return [];
  return Object.keys(o).flatMap((k) => [[...pre, k], ...paths((o as Record<string, unknown>)[k], [...pre, k])]);
}

/** Sets the value at `path` (one of `paths(o)`) of `o`. */
export function setAt(o: unknown, path: readonly string[], value: unknown): void {
  let target = o as Record<string, unknown>;
  for (const k of path.slice(0, -1)) target = target[k] as Record<string, unknown>;
  target[path[path.length - 1]] = value;
}
