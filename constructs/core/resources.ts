import { IssueInput, IssueSink } from './errors';
import { Cpu, CpuInput, Memory, MemoryInput, Storage, StorageInput } from './quantity';
import { is } from './shape';

/** CPU and memory amounts as props accept them. */
export interface ComputeResources {
  /** CPU, e.g. `'200m'`, `0.5`, `Cpu.millis(200)`. @default - not set */
  readonly cpu?: CpuInput;
  /** Memory, e.g. `'256Mi'`, `Memory.mebibytes(256)`. @default - not set */
  readonly memory?: MemoryInput;
}

/** A container's amounts: CPU, memory and local ephemeral storage. */
export interface ContainerCompute extends ComputeResources {
  /**
   * Local ephemeral storage (`ephemeral-storage`): the container's writable
   * layer, its logs and the pod's `emptyDir` volumes, e.g. `'1Gi'`. Above the
   * limit the kubelet evicts the pod.
   * @default - not set
   * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage
   */
  readonly ephemeralStorage?: StorageInput;
}

/** The shape of a `ComputeResources` or `ContainerCompute` (the amounts are judged by the quantity parsers). */
export const COMPUTE_SHAPE = is.props<ContainerCompute>({ cpu: is.any, memory: is.any, ephemeralStorage: is.any });

/** CPU, memory and ephemeral-storage amounts, parsed. */
export interface ResolvedCompute {
  readonly cpu?: Cpu;
  readonly memory?: Memory;
  readonly ephemeralStorage?: Storage;
}

/** The resources a container's amounts name, as props and as manifests spell them. */
export const COMPUTE_RESOURCES = [
  ['cpu', 'cpu'],
  ['memory', 'memory'],
  ['ephemeralStorage', 'ephemeral-storage'],
] as const;
/** One of them (`cpu`, `memory`, `ephemeralStorage`). */
export type ComputeResource = (typeof COMPUTE_RESOURCES)[number][0];

/** Parses a `ContainerCompute`, recording any bad quantity under `field`. */
export function resolveCompute(problems: IssueSink, field: string, input: ContainerCompute | undefined): ResolvedCompute {
  if (!input) return {};
  const parse = <T>(key: ComputeResource, of: (v: any, ctx: { field: string }) => T): T | undefined =>
    input[key] === undefined ? undefined : problems.attempt(`${field}.${key}`, () => of(input[key], { field: `${field}.${key}` }));
  const cpu = parse('cpu', Cpu.of);
  const memory = parse('memory', Memory.of);
  const ephemeralStorage = parse('ephemeralStorage', Storage.of);
  return { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}), ...(ephemeralStorage ? { ephemeralStorage } : {}) };
}

/** A real amount of each resource, for the fix of a zero one. */
const EXAMPLE: Readonly<Record<ComputeResource, string>> = { cpu: "'100m'", memory: "'128Mi'", ephemeralStorage: "'1Gi'" };

/**
 * The issues of a container's zero amounts. The API accepts 0, but a limit of 0
 * is no limit at all at runtime (the kubelet sets no cgroup bound), and a CPU or
 * memory request of 0 schedules the pod as if it used nothing; kube-score's
 * container-resources check treats 0 as not set. A documented best-practice
 * refusal, not an API rule.
 */
export function zeroComputeIssues(field: string, requests: ResolvedCompute, limits: ResolvedCompute): IssueInput[] {
  const out: IssueInput[] = [];
  for (const [key] of COMPUTE_RESOURCES) {
    if (limits[key]?.isZero)
      out.push({
        code: 'QUANTITY_INVALID',
        field: `${field}.limits.${key}`,
        value: limits[key]!.toString(),
        message: 'is 0, which the kubelet treats as no limit at all (and kube-score as not set)',
        fix: `give a real limit, e.g. ${EXAMPLE[key]}, or leave limits.${key} unset`,
      });
    if (key !== 'ephemeralStorage' && requests[key]?.isZero)
      out.push({
        code: 'QUANTITY_INVALID',
        field: `${field}.requests.${key}`,
        value: requests[key]!.toString(),
        message: 'is 0: the scheduler would place the pod as if it used none (and kube-score treats 0 as not set)',
        fix: `request what the container uses at rest, e.g. ${EXAMPLE[key]}`,
      });
  }
  return out;
}

/**
 * RESOURCES_REQUEST_ABOVE_LIMIT for each request above its limit, which the
 * API server refuses (core validation ValidateResourceRequirements: "must be
 * less than or equal to limit"). A zero limit is left to zeroComputeIssues
 * (comparing against it would give a second, contradicting fix). The typed
 * containers and the catalogue rule share it.
 */
export function requestAboveLimitIssues(field: string, requests: ResolvedCompute, limits: ResolvedCompute): IssueInput[] {
  const out: IssueInput[] = [];
  for (const [key] of COMPUTE_RESOURCES) {
    const req = requests[key];
    const lim = limits[key];
    if (req && lim && !lim.isZero && req.gt(lim as never))
      out.push({
        code: 'RESOURCES_REQUEST_ABOVE_LIMIT',
        field: `${field}.requests.${key}`,
        value: req.toString(),
        message: `is above the limit (${lim})`,
        fix: 'lower the request or raise the limit',
      });
  }
  return out;
}

/** `{ cpu: '200m', memory: '256Mi', 'ephemeral-storage': '1Gi' }` for a manifest, omitting unset amounts. */
export function computeToManifest(r: ResolvedCompute): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [key, name] of COMPUTE_RESOURCES) if (r[key]) out[name] = r[key]!.toString();
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The amounts of a manifest's `requests` or `limits`, parsed (the inverse of `computeToManifest`). */
export function computeFromManifest(m: { readonly [name: string]: unknown } | undefined): ResolvedCompute {
  const eph = m?.['ephemeral-storage'];
  return {
    ...(m?.cpu !== undefined ? { cpu: Cpu.parse(String(m.cpu)) } : {}),
    ...(m?.memory !== undefined ? { memory: Memory.parse(String(m.memory)) } : {}),
    ...(eph !== undefined ? { ephemeralStorage: Storage.parse(String(eph)) } : {}),
  };
}
