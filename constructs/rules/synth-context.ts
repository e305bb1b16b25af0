import { IConstruct } from 'constructs';
import { SecretBackendKind } from '../secrets/secret-backend';
import { secretDeclarations } from '../secrets/secret-declaration';
import { ClusterFacts, clusterFactsOf } from '../core/cluster-facts';
import { Quantity } from '../core/quantity';
import { RuleContext } from './rule';

/**
 * What the rules know at synth beyond the rendered objects: Secrets declared
 * for the deploy tool are provided (it creates them at deploy time), and
 * every other Secret a pod or an Ingress TLS entry names must be provided
 * by the output (an ExternalSecret, a cert-manager Certificate, a Secret).
 * Pods are checked against the node size the charts declare (NODE_TOO_SMALL).
 */
export function synthRuleContext(app: IConstruct): RuleContext {
  const facts = app.node.findAll().map((c) => clusterFactsOf(c));
  const declared = (f: (facts: ClusterFacts) => readonly string[] | undefined) => [...new Set(facts.flatMap((x) => f(x) ?? []))];
  return {
    secretsMustBeProvided: true,
    namespacePodSecurity: Object.assign({}, ...facts.map((f) => f.namespacePodSecurity ?? {})),
    // Classes and stores the chart declares the cluster has (ClusterFacts) are provided, as the typed checks take them.
    existingStorageClasses: declared((f) => f.existingStorageClasses),
    existingSecretStores: declared((f) => f.existingSecretStores),
    externalSecrets: secretDeclarations(app)
      .filter((d) => d.backend === SecretBackendKind.DEPLOY_TOOL)
      .map((d) => `${d.namespace}/${d.name}`),
    ...nodeAllocatableOf(facts),
  };
}

/**
 * The node size the charts declare (BlueprintChart nodeAllocatable). The app's pods share one cluster's nodes, so one
 * size judges them all; where charts declare different sizes, the largest of each resource, so that no pod is refused
 * a node some chart says the cluster has.
 */
function nodeAllocatableOf(facts: readonly ClusterFacts[]): Pick<RuleContext, 'nodeAllocatable'> {
  const largest = <Q extends Quantity>(qs: readonly (Q | undefined)[]) =>
    qs.reduce<Q | undefined>((m, q) => (q !== undefined && (m === undefined || q.gt(m)) ? q : m), undefined);
  const declared = facts.flatMap((f) => (f.nodeAllocatable ? [f.nodeAllocatable] : []));
  if (declared.length === 0) return {};
  const cpu = largest(declared.map((d) => d.cpu));
  const memory = largest(declared.map((d) => d.memory));
  return { nodeAllocatable: { ...(cpu ? { cpu: cpu.toString() } : {}), ...(memory ? { memory: memory.toString() } : {}) } };
}
