import { IConstruct } from 'constructs';
import { SecretBackendKind } from '../secrets/secret-backend';
import { secretDeclarations } from '../secrets/secret-declaration';
import { clusterFactsOf } from '../core/cluster-facts';
import { RuleContext } from './rule';

/**
 * What the rules know at synth beyond the rendered objects: Secrets declared
 * for the deploy tool are provided (it creates them at deploy time), and
 * every other Secret a pod or an Ingress TLS entry names must be provided
 * by the output (an ExternalSecret, a cert-manager Certificate, a Secret).
 */
export function synthRuleContext(app: IConstruct): RuleContext {
  return {
    secretsMustBeProvided: true,
    namespacePodSecurity: Object.assign({}, ...app.node.findAll().map((c) => clusterFactsOf(c).namespacePodSecurity ?? {})),
    externalSecrets: secretDeclarations(app)
      .filter((d) => d.backend === SecretBackendKind.DEPLOY_TOOL)
      .map((d) => `${d.namespace}/${d.name}`),
  };
}
