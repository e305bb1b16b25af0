import type { ITopologySpreadConstraint } from 'kubernetes-models/v1';
import { NodeLabels } from '../../constructs';

/*
 * A model of kube-scheduler's PodTopologySpread filter for one workload's replicas, enough to
 * replay a node drain: counts of the workload's pods per node, DoNotSchedule constraints on the
 * zone or the host, and nodeTaintsPolicy (Honor: a cordoned node is no domain and its pods are
 * not counted; Ignore: it stays a domain). ScheduleAnyway constraints only rank nodes.
 */

/** A node of the simulated cluster. */
export interface SimNode {
  readonly name: string;
  readonly zone: string;
}

/** `perZone[i]` nodes in zone `z<i>`. */
export function cluster(...perZone: number[]): SimNode[] {
  return perZone.flatMap((n, z) => Array.from({ length: n }, (_, i) => ({ name: `z${z}-n${i}`, zone: `z${z}` })));
}

const domainOf = (c: ITopologySpreadConstraint, n: SimNode) => (c.topologyKey === NodeLabels.ZONE ? n.zone : n.name);

/** Whether one more replica passes the filter on node `i` (`counts[k]` replicas on node k; `cordoned` nodes take none). */
export function fits(
  constraints: readonly ITopologySpreadConstraint[],
  nodes: readonly SimNode[],
  counts: readonly number[],
  cordoned: ReadonlySet<number>,
  i: number,
): boolean {
  if (cordoned.has(i)) return false;
  return constraints
    .filter((c) => c.whenUnsatisfiable === 'DoNotSchedule')
    .every((c) => {
      const perDomain = new Map<string, number>();
      nodes.forEach((n, k) => {
        if (c.nodeTaintsPolicy === 'Honor' && cordoned.has(k)) return;
        perDomain.set(domainOf(c, n), (perDomain.get(domainOf(c, n)) ?? 0) + counts[k]);
      });
      const min = Math.min(...perDomain.values());
      return perDomain.get(domainOf(c, nodes[i]))! + 1 - min <= c.maxSkew;
    });
}

/** Where the scheduler puts `replicas` one by one: the emptiest host that passes the filter, then the emptiest zone. */
export function scheduled(constraints: readonly ITopologySpreadConstraint[], nodes: readonly SimNode[], replicas: number): number[] {
  const counts = nodes.map(() => 0);
  for (let r = 0; r < replicas; r++) {
    const zoneCount = (z: string) => nodes.reduce((s, n, k) => s + (n.zone === z ? counts[k] : 0), 0);
    const rank = (k: number) => counts[k] * 1000 + zoneCount(nodes[k].zone);
    const open = nodes.map((_, k) => k).filter((k) => fits(constraints, nodes, counts, new Set(), k));
    if (!open.length) throw new Error(`replica ${r + 1} of ${replicas} fits no node: ${counts.join(',')}`);
    counts[open.reduce((best, k) => (rank(k) < rank(best) ? k : best))]++;
  }
  return counts;
}

/**
 * Whether draining node `d` (cordon, then evict its replicas one at a time, each eviction waiting for the
 * replacement, as a budget of maxUnavailable 1 makes it) ends with every replacement scheduled, whichever
 * passing node the scheduler picks each time.
 */
export function drains(
  constraints: readonly ITopologySpreadConstraint[],
  nodes: readonly SimNode[],
  counts: readonly number[],
  d: number,
): boolean {
  if (counts[d] === 0) return true;
  const left = [...counts];
  left[d]--;
  const open = nodes.map((_, k) => k).filter((k) => fits(constraints, nodes, left, new Set([d]), k));
  return (
    open.length > 0 &&
    open.every((k) =>
      drains(
        constraints,
        nodes,
        left.map((c, j) => (j === k ? c + 1 : c)),
        d,
      ),
    )
  );
}

/** Every way to put `total` replicas on `n` nodes. */
export function* distributions(n: number, total: number): Generator<number[]> {
  if (n === 1) {
    yield [total];
    return;
  }
  for (let first = 0; first <= total; first++) for (const rest of distributions(n - 1, total - first)) yield [first, ...rest];
}
