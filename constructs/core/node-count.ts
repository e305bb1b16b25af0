import { IssueInput } from './errors';

/*
 * The node count a one-pod-per-node workload (a NodeAgent, a DaemonSet) is judged with: one rule for synth
 * (NodeAgent's `expectedNodes`, else the cluster fact `maxNodes`) and for `cluster-blueprints check` (`--nodes`,
 * checkManifests' `nodes`), so the two never disagree on the same objects.
 */

/** Where a caller's node count comes from, and how to give it. */
export interface NodeCountSource {
  /** The prop, option or flag that gives the count (`expectedNodes`, `nodes`). */
  readonly field: string;
  /** How to set it, e.g. `expectedNodes: <n>` or `--nodes <n>`. */
  readonly howToSet: string;
}

/**
 * NODE_COUNT_UNKNOWN when a one-pod-per-node workload runs in a namespace with a quota (`quotaNamespace`) and `nodes`,
 * the most nodes the cluster runs, is not given: the quota must admit one pod on every node, and a guessed count
 * would pass the check while admission refused the pods of every node past it (FailedCreate, nodes without the
 * agent). Without a quota, nothing depends on the count and none is required.
 */
export function nodeCountIssue(
  nodes: number | undefined,
  quotaNamespace: string | undefined,
  source: NodeCountSource,
): IssueInput | undefined {
  if (nodes !== undefined || quotaNamespace === undefined) return undefined;
  return {
    code: 'NODE_COUNT_UNKNOWN',
    field: source.field,
    value: undefined,
    message: `is unset: namespace ${quotaNamespace}'s quota must admit one pod per node, and without the node count that cannot be checked`,
    fix: `give the most nodes the cluster runs (with a cluster autoscaler, its maximum): ${source.howToSet}`,
  };
}

/** The node count to count pods with: `nodes`, else one node (where nodeCountIssue requires none, nothing depends on it). */
export function nodeCount(nodes: number | undefined): number {
  return nodes ?? 1;
}
