import * as pulumi from '@pulumi/pulumi';
import { buildEnvironment, environment, SECRETS } from '../../stacks/environments';
import { renderApp } from '../../constructs';

/*
 * The Pulumi program under pulumi.runtime.setMocks: no CLI, no engine, no cluster.
 * It checks what the program registers, not what a cluster would do with it.
 */
interface Registered {
  type: string;
  name: string;
  inputs: any;
}
const registered: Registered[] = [];

pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: (args) => args.inputs,
  },
  'cluster-blueprints',
  'dev',
  false,
);

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

function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) =>
    o.apply((v) => {
      resolve(v);
      return v;
    }),
  );
}

// Loaded after the mocks, as the Pulumi docs require.
const { deployEnvironment, referencedSecrets, resourceClass } =
  require('../../stacks/pulumi-program') as typeof import('../../stacks/pulumi-program');

describe('Pulumi program (mocks)', () => {
  let deployment: ReturnType<typeof deployEnvironment>;
  beforeAll(async () => {
    configure('dev');
    registered.length = 0;
    deployment = deployEnvironment();
    await promiseOf(pulumi.all(deployment.objects.map((o) => o.resource.urn)));
    await promiseOf(pulumi.all(deployment.secrets.map((s) => s.urn)));
  });

  test('registers every synthesized object exactly once, with its kind as the resource type', () => {
    const expected = renderApp(buildEnvironment(environment('dev'))).flatMap((r) => r.objects);
    const objects = registered.filter(
      (r) => r.type.startsWith('kubernetes:') && r.type !== 'pulumi:providers:kubernetes' && !r.name.startsWith('secret-'),
    );
    expect(objects).toHaveLength(expected.length);
    expect(new Set(objects.map((r) => r.name)).size).toBe(objects.length);
    const deploymentRes = objects.find((r) => r.name === 'deployment-payments-api')!;
    expect(deploymentRes.type).toBe('kubernetes:apps/v1:Deployment');
    expect(deploymentRes.inputs.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/payments-api:2.3.1');
    expect(objects.find((r) => r.name === 'verticalpodautoscaler-payments-ledger')!.type).toBe(
      'kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler',
    );
  });

  test('namespaces come first and namespaced objects depend on their namespace', () => {
    const kinds = deployment.objects.map((o) => o.object.kind);
    const lastNamespace = kinds.lastIndexOf('Namespace');
    expect(kinds.slice(0, lastNamespace + 1).every((k) => k === 'Namespace')).toBe(true);
    for (const o of deployment.objects.filter((x) => x.object.metadata.namespace)) {
      expect((o.options.dependsOn as pulumi.Resource[]).length).toBeGreaterThanOrEqual(1);
    }
  });

  test('objects holding data are retained on delete and protected; the rest are not', () => {
    const retained = deployment.objects.filter((o) => o.options.retainOnDelete);
    expect(retained.map((o) => `${o.object.kind}/${o.object.metadata.name}`).sort()).toEqual(
      expect.arrayContaining(['Namespace/payments', 'StatefulSet/ledger', 'StatefulSet/prometheus', 'Namespace/cassandra']),
    );
    for (const o of retained) expect(o.options.protect).toBe(true);
    expect(deployment.objects.find((o) => o.object.kind === 'Deployment')!.options.retainOnDelete).toBeUndefined();
  });

  test('every object has its chart as parent and the configured provider', async () => {
    for (const o of deployment.objects) {
      expect(o.options.parent).toBeDefined();
      expect(o.options.provider).toBe(deployment.provider);
    }
    const provider = registered.find((r) => r.type === 'pulumi:providers:kubernetes')!;
    expect(provider.inputs.context).toBe('kind-dev');
    expect(
      registered
        .filter((r) => r.type === 'cluster-blueprints:index:Chart')
        .map((r) => r.name)
        .sort(),
    ).toEqual([...deployment.charts.keys()].sort());
  });

  test('Secrets come from secret config, are marked secret, and never appear in the manifests', async () => {
    expect(deployment.secrets).toHaveLength(SECRETS.length);
    const ledger = registered.find((r) => r.name === 'secret-payments-ledger-credentials')!;
    expect(ledger.type).toBe('kubernetes:core/v1:Secret');
    // The engine receives stringData wrapped in Pulumi's secret envelope.
    expect(ledger.inputs.stringData[pulumi.runtime.specialSigKey]).toBe(pulumi.runtime.specialSecretSig);
    expect(ledger.inputs.stringData.value).toEqual({ password: 'ledger-s3cret' });
    for (const s of deployment.secrets) expect(await (s.stringData as any).isSecret).toBe(true);
    const manifests = JSON.stringify(renderApp(buildEnvironment(environment('dev'))).flatMap((r) => r.objects));
    for (const v of Object.values(SECRET_VALUES)) expect(manifests).not.toContain(v);
  });

  test('workloads that read a managed Secret wait for it', () => {
    const ledger = deployment.objects.find((o) => o.object.kind === 'StatefulSet' && o.object.metadata.name === 'ledger')!;
    const secret = deployment.secrets.find((s) => (s as any).__name === 'secret-payments-ledger-credentials');
    expect(ledger.options.dependsOn).toContain(secret);
    expect(referencedSecrets(ledger.object)).toEqual(['ledger-credentials']);
  });

  test('resourceClass maps groups to @pulumi/kubernetes modules, and CRDs to CustomResource', () => {
    expect(resourceClass('v1', 'Namespace')).toBeDefined();
    expect(resourceClass('rbac.authorization.k8s.io/v1', 'ClusterRole')).toBeDefined();
    expect(resourceClass('discovery.k8s.io/v1', 'EndpointSlice')).toBeDefined();
    expect(resourceClass('autoscaling.k8s.io/v1', 'VerticalPodAutoscaler')).toBeUndefined();
  });
});

describe('Pulumi program: bad stack configuration', () => {
  test('an unknown environment is ENVIRONMENT_UNKNOWN, before anything is registered', () => {
    configure('qa');
    registered.length = 0;
    expect(() => deployEnvironment()).toThrow(expect.objectContaining({ code: 'ENVIRONMENT_UNKNOWN' }));
    expect(registered).toHaveLength(0);
  });

  test('missing secrets are named, all at once, before anything is registered', () => {
    configure('dev', { ledgerPassword: 'x' });
    registered.length = 0;
    expect(() => deployEnvironment()).toThrow(/mysqlRootPassword, mysqlPassword, mongoCredentials/);
    expect(registered).toHaveLength(0);
  });

  test('a missing env names the key', () => {
    pulumi.runtime.setAllConfig({}, []);
    expect(() => deployEnvironment()).toThrow(/cluster-blueprints:env/);
  });
});
