import * as pulumi from '@pulumi/pulumi';
import { SecretBackendKind } from '../../constructs';
import { deployToolSecrets } from '../../pulumi';
import { buildEnvironment, dev } from '../../stacks/environments';

const SECRETS = deployToolSecrets(buildEnvironment(dev, undefined, SecretBackendKind.DEPLOY_TOOL));
import { catchBlueprintError } from '../helpers';
import { runAndSettle, settled } from '../pulumi/engine';
import { programUnderMocks } from '../pulumi/identity-checks';

/*
 * The repository's own Pulumi program (stacks/pulumi.ts → deployApp) under
 * pulumi.runtime.setMocks: no CLI, no engine, no cluster. The identity of every
 * environment is pinned in pulumi-identity.test.ts; this file covers stack config.
 */
const SECRET_VALUES: Record<string, string> = {
  ledgerPassword: 'ledger-s3cret',
  mysqlRootPassword: 'root-s3cret',
  mysqlPassword: 'mysql-s3cret',
  mongoCredentials: 'user:pass',
};

function configure(env: string, secrets: Record<string, string> = SECRET_VALUES) {
  const all: Record<string, string> = { 'cluster-blueprints:env': env, 'cluster-blueprints:context': 'kind-dev' };
  for (const [k, v] of Object.entries(secrets)) all[`cluster-blueprints:${k}`] = v;
  pulumi.runtime.setAllConfig(
    all,
    Object.keys(secrets).map((k) => `cluster-blueprints:${k}`),
  );
}

const { engine, deployEnvironment } = programUnderMocks('dev');

describe('Pulumi program (mocks)', () => {
  let deployment: ReturnType<typeof deployEnvironment>;
  beforeAll(async () => {
    configure('dev');
    engine.length = 0;
    await runAndSettle(() => (deployment = deployEnvironment()));
  });

  test('the stack config picks the environment and the cluster', () => {
    expect(deployment.env).toBe('dev');
    const provider = engine.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    expect(provider.name).toBe('k8s');
    expect(provider.inputs.context).toBe('kind-dev');
    expect(JSON.parse(provider.inputs.enableServerSideApply)).toBe(true);
  });

  test('each Secret of the table is created from its secret config keys', () => {
    expect(deployment.secrets).toHaveLength(SECRETS.length);
    const hello = engine.find((r) => r.name === 'secret-helloworld-db-helloworld-db-credentials')!;
    expect(hello.inputs.stringData.value).toEqual({ 'root-password': 'root-s3cret', password: 'mysql-s3cret' });
  });
});

describe('Pulumi program: bad stack configuration', () => {
  test('an unknown environment is ENVIRONMENT_UNKNOWN, before anything is registered', async () => {
    configure('qa');
    engine.length = 0;
    expect(() => deployEnvironment()).toThrow(expect.objectContaining({ code: 'ENVIRONMENT_UNKNOWN' }));
    await settled();
    expect(engine).toHaveLength(0);
  });

  test('missing secrets are named, all at once, before anything is registered', async () => {
    configure('dev', { ledgerPassword: 'x' });
    engine.length = 0;
    const error = catchBlueprintError(() => deployEnvironment());
    expect(error.codes).toEqual(['PULUMI_SECRET_CONFIG_MISSING']);
    expect(error.issues.map((i) => i.value).sort()).toEqual(
      ['mongoCredentials', 'mysqlPassword', 'mysqlRootPassword'].map((k) => `cluster-blueprints:${k}`),
    );
    for (const key of ['mongoCredentials', 'mysqlRootPassword', 'mysqlPassword'])
      expect(error.message).toContain(`pulumi config set --secret cluster-blueprints:${key}`);
    await settled();
    expect(engine).toHaveLength(0);
  });

  test('a missing env names the key', () => {
    pulumi.runtime.setAllConfig({}, []);
    expect(() => deployEnvironment()).toThrow(/cluster-blueprints:env/);
  });
});
