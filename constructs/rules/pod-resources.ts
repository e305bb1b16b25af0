import { Cpu, Memory, Storage } from '../core/quantity';
import { computeFromManifest } from '../core/resources';
import { defaultsFromManifest, resolveContainerResources } from '../namespace/limit-range';
import { ManifestIndex, appContainersOf, arr } from './manifest-index';

/** CPU, memory and ephemeral storage of a pod, every one set (zero where nothing is). */
export interface PodSum {
  cpu: Cpu;
  memory: Memory;
  ephemeralStorage: Storage;
}

/** Nothing. */
export const zeroSum = (): PodSum => ({ cpu: Cpu.ZERO, memory: Memory.ZERO, ephemeralStorage: Storage.ZERO });

/** `a + b × times`. */
export const addSum = (a: PodSum, b: PodSum, times = 1): PodSum => ({
  cpu: a.cpu.plus(b.cpu.times(times)),
  memory: a.memory.plus(b.memory.times(times)),
  ephemeralStorage: a.ephemeralStorage.plus(b.ephemeralStorage.times(times)),
});

/**
 * One pod's requests and limits, filling gaps from the namespace LimitRange the way the API server would;
 * the capacity report and NODE_TOO_SMALL read the same figures.
 * @throws on unparsable quantities (the schema check reports them)
 */
export function podResourcesOf(index: ManifestIndex, spec: any, ns: string | undefined): { requests: PodSum; limits: PodSum } {
  const defaults = defaultsFromManifest(index.containerLimits(ns));
  const one = (c: any) => {
    const r = resolveContainerResources(
      { requests: computeFromManifest(c.resources?.requests), limits: computeFromManifest(c.resources?.limits) },
      defaults,
    );
    const sum = (x: any): PodSum => ({
      cpu: (x.cpu as Cpu) ?? Cpu.ZERO,
      memory: (x.memory as Memory) ?? Memory.ZERO,
      ephemeralStorage: (x.ephemeralStorage as Storage) ?? Storage.ZERO,
    });
    return { requests: sum(r.requests), limits: sum(r.limits) };
  };
  // A pod reserves max(app containers + native sidecars, each init container + the sidecars started before it):
  // a sidecar (an init container with restartPolicy Always) runs beside everything after it
  // (https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#resource-sharing-within-containers).
  const zero = () => ({ requests: zeroSum(), limits: zeroSum() });
  const plus = (a: ReturnType<typeof zero>, b: ReturnType<typeof zero>) => ({
    requests: addSum(a.requests, b.requests),
    limits: addSum(a.limits, b.limits),
  });
  let sidecars = zero();
  const inits: ReturnType<typeof zero>[] = [];
  for (const c of arr(spec.initContainers).filter((x) => x && typeof x === 'object')) {
    const own = one(c);
    if (c.restartPolicy === 'Always') {
      sidecars = plus(sidecars, own);
      inits.push(sidecars);
    } else inits.push(plus(own, sidecars));
  }
  const apps = plus(appContainersOf(spec).map(one).reduce(plus, zero()), sidecars);
  for (const c of inits) {
    for (const side of ['requests', 'limits'] as const) {
      if (c[side].cpu.gt(apps[side].cpu)) apps[side].cpu = c[side].cpu;
      if (c[side].memory.gt(apps[side].memory)) apps[side].memory = c[side].memory;
      if (c[side].ephemeralStorage.gt(apps[side].ephemeralStorage)) apps[side].ephemeralStorage = c[side].ephemeralStorage;
    }
  }
  return apps;
}
