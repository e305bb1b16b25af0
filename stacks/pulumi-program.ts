/*
 * The Pulumi program of this repository (`pulumi up`): builds the stack's
 * environment and hands it to `deployApp`, the package's `cluster-blueprints/pulumi`
 * entry, exactly as another project would. Nothing here registers a resource itself.
 * Declared Secrets use the deploy-tool backend here: the program creates them from
 * secret stack config instead of the External Secrets Operator of the `cdk8s synth` path.
 */
import { Config } from '@pulumi/pulumi';
import { Deployment, deployApp } from '../pulumi';
import { SecretBackendKind } from '../constructs';
import { buildEnvironment, environment } from './environments';

/** What the program registered, and for which environment. */
export interface EnvironmentDeployment extends Deployment {
  readonly env: string;
}

/**
 * Runs the program for the stack's configuration (`env`, optional `kubeconfig`/`context`, secret keys).
 * @param deploy the registration step; tests pass mutated copies of `deployApp` to prove the identity tests catch them
 * @default deployApp
 */
export function deployEnvironment(deploy: typeof deployApp = deployApp): EnvironmentDeployment {
  const config = new Config();
  const env = environment(config.require('env'));
  return { env: env.name, ...deploy(buildEnvironment(env, undefined, SecretBackendKind.DEPLOY_TOOL), { config }) };
}
