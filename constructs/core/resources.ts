import { Problems } from './errors';
import { Cpu, CpuInput, Memory, MemoryInput } from './quantity';

/** CPU and memory amounts as props accept them. */
export interface ComputeResources {
  /** CPU, e.g. `'200m'`, `0.5`, `Cpu.millis(200)`. @default - not set */
  readonly cpu?: CpuInput;
  /** Memory, e.g. `'256Mi'`, `Memory.mebibytes(256)`. @default - not set */
  readonly memory?: MemoryInput;
}

/** CPU and memory amounts, parsed. */
export interface ResolvedCompute {
  readonly cpu?: Cpu;
  readonly memory?: Memory;
}

/** Parses a `ComputeResources`, recording any bad quantity under `field`. */
export function resolveCompute(problems: Problems, field: string, input: ComputeResources | undefined): ResolvedCompute {
  if (!input) return {};
  const cpu = input.cpu === undefined ? undefined : problems.attempt(`${field}.cpu`, () => Cpu.of(input.cpu!, { field: `${field}.cpu` }));
  const memory =
    input.memory === undefined
      ? undefined
      : problems.attempt(`${field}.memory`, () => Memory.of(input.memory!, { field: `${field}.memory` }));
  return { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) };
}

/** `{ cpu: '200m', memory: '256Mi' }` for a manifest, omitting unset amounts. */
export function computeToManifest(r: ResolvedCompute): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (r.cpu) out.cpu = r.cpu.toString();
  if (r.memory) out.memory = r.memory.toString();
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `{ cpu: '200m', memory: '256Mi' }` from a manifest, parsed (the inverse of `computeToManifest`). */
export function computeFromManifest(m: { readonly cpu?: unknown; readonly memory?: unknown } | undefined): ResolvedCompute {
  return {
    ...(m?.cpu !== undefined ? { cpu: Cpu.parse(String(m.cpu)) } : {}),
    ...(m?.memory !== undefined ? { memory: Memory.parse(String(m.memory)) } : {}),
  };
}
