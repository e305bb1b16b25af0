import { IConstruct } from 'constructs';
import { Cpu, Memory, Storage } from './quantity';
import { ResolvedCompute } from './resources';
import { checkArgs, is } from './shape';

/*
 * Facts about the cluster an environment targets, declared once on a scope
 * (usually the chart) and read by synth-time checks below it.
 */

/** What the cluster's nodes offer to pods. */
export interface ClusterFacts {
  /** Allocatable CPU and memory of one (the typical) node. @default - unknown: pods are not checked against a node's size */
  readonly nodeAllocatable?: ResolvedCompute;
  /**
   * Pod Security level (`privileged`, `baseline`, `restricted`) enforced by
   * namespaces that exist in the cluster but are not built here, by name.
   * @default - every such namespace is taken as `restricted`
   */
  readonly namespacePodSecurity?: Readonly<Record<string, string>>;
  /**
   * A production environment: serving workloads must keep two pods or more, and TeamNamespaces are labelled
   * production (the day-2 backup and reclaim rules). A `ClusterPlatform` declares it for its own charts
   * (its `production` prop).
   * @default false
   */
  readonly production?: boolean;
  /**
   * Probes are required: readiness on every container that serves a port,
   * liveness on every long-running one, unless opted out with a reason.
   * @default false
   */
  readonly requireProbes?: boolean;
  /**
   * StorageClasses that exist in the cluster although the output does not
   * define them. Declared (even empty), every claim must name a class the
   * output defines or one of these; undeclared, the cluster is unknown and
   * claims are not checked.
   * @default - undeclared
   */
  readonly existingStorageClasses?: readonly string[];
  /**
   * External Secrets Operator stores that exist in the cluster although the
   * output does not define them: a ClusterSecretStore by name, a namespaced
   * SecretStore as `namespace/name`. Every store an ExternalSecret names must
   * be a store of the output or one of these.
   * @default - none: every store named must be in the output
   */
  readonly existingSecretStores?: readonly string[];
  /**
   * The most nodes the cluster runs at once: with a cluster autoscaler, its
   * maximum (the sum of the node groups' max sizes), not today's count. A
   * `NodeAgent` runs one pod on each, and its namespace's quota must admit
   * them all; a `NodeAgent`'s own `expectedNodes` overrides it.
   * @default - unknown: a NodeAgent in a TeamNamespace must give expectedNodes
   */
  readonly maxNodes?: number;
}

const facts = new WeakMap<IConstruct, ClusterFacts>();

/** The shape of `ClusterFacts` (checked when they are declared). */
const CLUSTER_FACTS_SHAPE = is.props<ClusterFacts>({
  nodeAllocatable: is.props<ResolvedCompute>({
    cpu: is.instance(Cpu),
    memory: is.instance(Memory),
    ephemeralStorage: is.instance(Storage),
  }),
  namespacePodSecurity: is.map(is.oneOf(['privileged', 'baseline', 'restricted'], 'Pod Security level')),
  production: is.boolean,
  requireProbes: is.boolean,
  existingStorageClasses: is.list(is.string),
  existingSecretStores: is.list(is.string),
  maxNodes: is.number,
});

/**
 * Declares what is true of the cluster the constructs under `scope` (usually
 * the App) are deployed to; their synth-time checks read it. A fact declared
 * on a scope below overrides the same fact above. Declare it before building
 * the constructs.
 *
 * @example
 * setClusterFacts(app, { production: true, requireProbes: true, existingStorageClasses: ['gp3'] });
 */
export function setClusterFacts(scope: IConstruct, value: ClusterFacts): void {
  checkArgs('setClusterFacts', ['scope', scope, is.construct], ['value', value, CLUSTER_FACTS_SHAPE]);
  facts.set(scope, value);
}

/**
 * Declares `value` on `scope` over what is already declared there (a fact given replaces the same fact of `scope`;
 * the others stay): for a construct that declares facts of its own on a scope another prop has declared some on
 * (ClusterPlatform's `production` on a chart that holds `nodeAllocatable`).
 */
export function addClusterFacts(scope: IConstruct, value: ClusterFacts): void {
  checkArgs('addClusterFacts', ['scope', scope, is.construct], ['value', value, CLUSTER_FACTS_SHAPE]);
  facts.set(scope, { ...facts.get(scope), ...value });
}

/** The facts declared on `scope` and its ancestors, each fact from the nearest scope declaring it. */
export function clusterFactsOf(scope: IConstruct): ClusterFacts {
  let merged: ClusterFacts = {};
  for (const s of scope.node.scopes) {
    const f = facts.get(s);
    if (f) merged = { ...merged, ...Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) };
  }
  return merged;
}
