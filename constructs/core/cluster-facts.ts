import { IConstruct } from 'constructs';
import { ResolvedCompute } from './resources';

/*
 * Facts about the cluster an environment targets, declared once on a scope
 * (usually the chart) and read by synth-time checks below it.
 */

/** What the cluster's nodes offer to pods. */
export interface ClusterFacts {
  /** Allocatable CPU and memory of one (the typical) node. */
  readonly nodeAllocatable?: ResolvedCompute;
  /**
   * Pod Security level (`privileged`, `baseline`, `restricted`) enforced by
   * namespaces that exist in the cluster but are not built here, by name.
   * @default - every such namespace is taken as `restricted`
   */
  readonly namespacePodSecurity?: Readonly<Record<string, string>>;
}

const facts = new WeakMap<IConstruct, ClusterFacts>();

export function setClusterFacts(scope: IConstruct, value: ClusterFacts): void {
  facts.set(scope, value);
}

/** The facts declared on `scope` or its nearest ancestor. */
export function clusterFactsOf(scope: IConstruct): ClusterFacts {
  for (const s of [...scope.node.scopes].reverse()) {
    const f = facts.get(s);
    if (f) return f;
  }
  return {};
}
