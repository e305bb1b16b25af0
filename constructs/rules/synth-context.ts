import { IConstruct } from 'constructs';
import { SecretBackendKind } from '../secrets/secret-backend';
import { secretDeclarations } from '../secrets/secret-declaration';
import { ClusterFacts, clusterFactsOf } from '../core/cluster-facts';
import { RuleContext } from './rule';

/**
 * What the rules know at synth beyond the rendered objects: Secrets declared
 * for the deploy tool are provided (it creates them at deploy time), and
 * every other Secret a pod or an Ingress TLS entry names must be provided
 * by the output (an ExternalSecret, a cert-manager Certificate, a Secret).
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
  };
}
