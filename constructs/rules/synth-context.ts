import { IConstruct } from 'constructs';
import { SecretBackendKind } from '../secrets/secret-backend';
import { secretDeclarations } from '../secrets/secret-declaration';
import { clusterFactsOf } from '../core/cluster-facts';
import { RuleContext } from './rule';

/**
 * What the rules know at synth beyond the rendered objects: Secrets declared
 * for the deploy tool are provided (it creates them at deploy time), and
 * every other Secret a pod names must be provided by the output. Ingress
 * TLS Secrets are not required yet: IngressRoutes does not declare who
 * issues its certificate.
 */
export function synthRuleContext(app: IConstruct): RuleContext {
  return {
    secretsMustBeProvided: true,
    namespacePodSecurity: Object.assign({}, ...app.node.findAll().map((c) => clusterFactsOf(c).namespacePodSecurity ?? {})),
    tlsSecretsMustBeProvided: false,
    externalSecrets: secretDeclarations(app)
      .filter((d) => d.backend === SecretBackendKind.DEPLOY_TOOL)
      .map((d) => `${d.namespace}/${d.name}`),
  };
}
