import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { ApiObject, App, Duration } from 'cdk8s';
import {
  BatchJob,
  BlueprintChart,
  JobPattern,
  PersistentVolumeClaim,
  QuotaPreset,
  Release,
  ResourcePreset,
  ScheduledJob,
  SecretBackend,
  SecretDeclaration,
  StatefulService,
  StorageClass,
  TeamNamespace,
  Volume,
  WebService,
  Worker,
  formatWarnings,
  synthesize,
} from '../../constructs';
import { catchBlueprintError, expectCode, POSTGRES } from '../helpers';
import { consumerApp } from './consumer-app';
import { recordEngine, runAndSettle, secretInputs, settled } from './engine';

/** What the test reads of a registered object. */
type KubeObject = { metadata: { annotations?: Record<string, string> } };

/*
 * deployApp on a small consumer app under mocks: what the engine receives for a
 * CRD and its custom resource, a Secret, a data holder and a caller's provider.
 */
const engine = recordEngine('consumer', 'test');
const { deployApp, resourceClass, resourceName, referencedSecrets } = require('../../pulumi') as typeof import('../../pulumi');
const k8s = require('@pulumi/kubernetes') as typeof import('@pulumi/kubernetes');

describe('deployApp (mocks)', () => {
  const byName = (name: string) => engine.find((r) => r.name === name)!;
  let deployment: ReturnType<typeof deployApp>;
  beforeAll(async () => {
    pulumi.runtime.setAllConfig({ 'consumer:dbPassword': 'pw' }, ['consumer:dbPassword']);
    engine.length = 0;
    const provider = new k8s.Provider('cluster', { context: 'kind-shop' });
    await runAndSettle(() => (deployment = deployApp(consumerApp(), { provider })));
  });

  test('the CRD comes first and its custom resource depends on it', () => {
    const crd = byName('customresourcedefinition-verticalpodautoscalers.autoscaling.k8s.io');
    expect(crd.type).toBe('kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition');
    expect(crd.dependsOn).toEqual([]);
    expect(byName('verticalpodautoscaler-shop-db').dependsOn).toEqual([
      'customresourcedefinition-verticalpodautoscalers.autoscaling.k8s.io',
      'namespace-shop',
    ]);
  });

  test('the program registers CRDs, then namespaces, then the rest; it reports that order', () => {
    const kinds = deployment.objects.map((o) => o.object.kind);
    expect(kinds.slice(0, 2)).toEqual(['CustomResourceDefinition', 'Namespace']);
    expect(kinds.slice(2)).not.toContain('Namespace');
  });

  test('a Secret depends on its namespace, and the workload that reads it depends on it', () => {
    expect(byName('secret-shop-db-credentials').dependsOn).toEqual(['namespace-shop']);
    expect(byName('statefulset-shop-db').dependsOn).toEqual(['namespace-shop', 'secret-shop-db-credentials']);
    expect(byName('deployment-shop-web').dependsOn).toEqual(['namespace-shop']);
    expect(secretInputs(byName('secret-shop-db-credentials'))).toEqual(['stringData']);
    expect(byName('secret-shop-db-credentials').inputs.stringData.value).toEqual({ password: 'pw' });
  });

  test("the caller's provider is used for every object; data holders are protected and retained", () => {
    for (const r of engine.filter((x) => x.custom && x.type.startsWith('kubernetes:'))) expect(r.provider).toBe('cluster');
    expect(engine.some((r) => r.type === 'pulumi:providers:kubernetes' && r.name === 'k8s')).toBe(false);
    const protectedNames = engine.filter((r) => r.protect && r.retainOnDelete).map((r) => r.name);
    expect(protectedNames.sort()).toEqual(['namespace-shop', 'statefulset-shop-db']);
  });
});

describe('deployApp: bindings whose role changes', () => {
  test('a RoleBinding is replaced, deleted first, when its roleRef changes: the API server refuses to change one in place', async () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'shop', { owner: 'shop-team' });
    new TeamNamespace(chart, 'shop', { access: { view: ['sre'], edit: ['devs'] } });
    engine.length = 0;
    await runAndSettle(() => deployApp(app));
    const bindings = engine.filter((r) => r.type === 'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding');
    expect(bindings.map((r) => r.name).sort()).toEqual(['rolebinding-shop-team-edit', 'rolebinding-shop-team-view']);
    for (const b of bindings) expect([b.replaceOnChanges, b.deleteBeforeReplace]).toEqual([['roleRef'], true]);
    // Other objects keep the provider's own update semantics.
    expect(engine.find((r) => r.type === 'kubernetes:rbac.authorization.k8s.io/v1:Role')?.replaceOnChanges).toEqual([]);
  });
});

describe('deployApp: namespaces another install owns', () => {
  test("a Velero Schedule's namespace is read from the cluster, never created, and the Schedule depends on it", async () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'data', { owner: 'data-team' });
    const team = new TeamNamespace(chart, 'orders', { holdsData: true });
    const db = new StatefulService(chart, 'db', {
      namespace: team,
      ...POSTGRES,
      claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '1Gi' }],
    });
    db.backUp();
    pulumi.runtime.setAllConfig({}, []);
    engine.length = 0;
    let deployment!: ReturnType<typeof deployApp>;
    await runAndSettle(() => (deployment = deployApp(app)));
    expect([...deployment.prerequisites.keys()]).toEqual(['velero']);
    const reads = engine.filter((r) => r.readId !== undefined);
    expect(reads.map((r) => [r.type, r.name, r.readId, r.provider])).toEqual([
      ['kubernetes:core/v1:Namespace', 'namespace-velero', 'velero', 'k8s'],
    ]);
    expect(engine.find((r) => r.name === 'schedule-velero-orders-db')!.dependsOn).toEqual(['namespace-velero']);
    expect(engine.filter((r) => r.type === 'kubernetes:core/v1:Namespace' && r.readId === undefined).map((r) => r.name)).toEqual([
      'namespace-orders',
    ]);
  });
});

describe('deployApp: refusals', () => {
  test.each([
    {
      what: 'a missing secret value is PULUMI_SECRET_CONFIG_MISSING at its declaration, with the command that sets it',
      code: 'PULUMI_SECRET_CONFIG_MISSING',
      config: {} as Record<string, string>,
      fix: 'set it (the command prompts for the value): pulumi config set --secret consumer:dbPassword',
      // As printed: the key after --secret is no password, so the redaction leaves the command whole.
      shown: ['— set it (the command prompts for the value): pulumi config set --secret consumer:dbPassword'],
    },
    // `pulumi config set dbPassword …` without --secret: the value sits in plain text in Pulumi.<stack>.yaml.
    {
      what: 'a declared secret set in plain text is PULUMI_SECRET_CONFIG_PLAINTEXT, naming the key and the fix but never the value',
      code: 'PULUMI_SECRET_CONFIG_PLAINTEXT',
      config: { 'consumer:dbPassword': 'hunter2-plain' },
      fix: 'rotate the value if that file was ever committed or shared, and set it again as a secret (the command prompts for it): pulumi config set --secret consumer:dbPassword',
      shown: ['"consumer:dbPassword"', 'pulumi config set --secret consumer:dbPassword'],
    },
  ])('$what; nothing registered', async ({ code, config, fix, shown }) => {
    pulumi.runtime.setAllConfig(config, []);
    expect(pulumi.runtime.allConfig()).toEqual(config);
    engine.length = 0;
    const error = catchBlueprintError(() => deployApp(consumerApp()));
    expect(error.issues).toEqual([
      expect.objectContaining({
        code,
        path: 'shop/db-credentials',
        field: 'configKeys.password',
        value: 'consumer:dbPassword',
        fix,
      }),
    ]);
    expect(error.fix).toContain('pulumi config set --secret consumer:dbPassword');
    for (const text of shown) expect(error.message).toContain(text);
    expect(JSON.stringify([error.message, error.issues])).not.toContain('hunter2');
    await settled();
    expect(engine).toHaveLength(0);
  });

  /** Two SecretDeclarations read from Pulumi config, sharing the key `dbPassword`. */
  function twoDeclarationsApp(): App {
    const app = new App();
    SecretBackend.use(app, SecretBackend.deployTool());
    const chart = new BlueprintChart(app, 'shop', { owner: 'shop-team' });
    const team = new TeamNamespace(chart, 'shop');
    new SecretDeclaration(chart, 'db', {
      namespace: team,
      keys: ['user', 'password'],
      configKeys: { user: 'dbUser', password: 'dbPassword' },
    });
    new SecretDeclaration(chart, 'api', {
      namespace: team,
      keys: ['token', 'password'],
      configKeys: { token: 'apiToken', password: 'dbPassword' },
    });
    return app;
  }

  test('every missing key is reported in one error, with the plain-text ones; a key two declarations share, once', async () => {
    const app = twoDeclarationsApp();
    pulumi.runtime.setAllConfig({ 'consumer:dbUser': 'u' }, []);
    engine.length = 0;
    const error = catchBlueprintError(() => deployApp(app));
    expect(error.issues.map((i) => [i.code, i.path, i.field, i.value])).toEqual([
      ['PULUMI_SECRET_CONFIG_MISSING', 'shop/api', 'configKeys.token', 'consumer:apiToken'],
      ['PULUMI_SECRET_CONFIG_MISSING', 'shop/api', 'configKeys.password', 'consumer:dbPassword'],
      ['PULUMI_SECRET_CONFIG_PLAINTEXT', 'shop/db', 'configKeys.user', 'consumer:dbUser'],
    ]);
    for (const key of ['consumer:dbUser', 'consumer:dbPassword', 'consumer:apiToken'])
      expect(error.message).toContain(`pulumi config set --secret ${key}`);
    await settled();
    expect(engine).toHaveLength(0);
  });

  test('every plain-text key is reported in one error; secret keys, and a key two declarations share, once', async () => {
    const app = twoDeclarationsApp();
    pulumi.runtime.setAllConfig({ 'consumer:dbUser': 'u', 'consumer:dbPassword': 'p', 'consumer:apiToken': 't' }, ['consumer:dbUser']);
    engine.length = 0;
    const error = catchBlueprintError(() => deployApp(app));
    expect(error.issues.map((i) => [i.code, i.path, i.field, i.value])).toEqual([
      ['PULUMI_SECRET_CONFIG_PLAINTEXT', 'shop/api', 'configKeys.token', 'consumer:apiToken'],
      ['PULUMI_SECRET_CONFIG_PLAINTEXT', 'shop/api', 'configKeys.password', 'consumer:dbPassword'],
    ]);
    await settled();
    expect(engine).toHaveLength(0);
  });

  test("the check reads the config's own namespace", async () => {
    pulumi.runtime.setAllConfig({ 'consumer:dbPassword': 'pw', 'shared:dbPassword': 'pw' }, ['consumer:dbPassword']);
    engine.length = 0;
    const error = catchBlueprintError(() => deployApp(consumerApp(), { config: new pulumi.Config('shared') }));
    expect(error.issues.map((i) => i.value)).toEqual(['shared:dbPassword']);
    pulumi.runtime.setAllConfig({ 'consumer:dbPassword': 'pw', 'shared:dbPassword': 'pw' }, ['shared:dbPassword']);
    expect(() => deployApp(consumerApp(), { config: new pulumi.Config('shared') })).not.toThrow();
    await settled();
  });

  test('without the SDK function that tells secret config apart, the check fails closed', async () => {
    pulumi.runtime.setAllConfig({ 'consumer:dbPassword': 'pw' }, ['consumer:dbPassword']);
    const runtime = pulumi.runtime as unknown as Record<string, unknown>;
    const original = runtime.isConfigSecret;
    expect(typeof original).toBe('function');
    delete runtime.isConfigSecret;
    engine.length = 0;
    try {
      expectCode(() => deployApp(consumerApp()), 'PULUMI_SECRET_CONFIG_PLAINTEXT');
    } finally {
      runtime.isConfigSecret = original;
    }
    await settled();
    expect(engine).toHaveLength(0);
  });

  test('an app that fails a whole-tree check is refused with its code before anything is registered', async () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'bad', { owner: 'x' });
    const team = new TeamNamespace(chart, 'bad', { quota: QuotaPreset.SMALL });
    // 40 pods against a quota of 20.
    new WebService(chart, 'web', {
      namespace: team,
      image: 'ghcr.io/acme/web:1.27.0',
      replicas: 40,
      ports: [{ name: 'http', port: 8080 }],
    });
    engine.length = 0;
    expectCode(() => deployApp(app), 'QUOTA_PODS_EXCEEDED');
    await settled();
    expect(engine).toHaveLength(0);
  });
});

describe('deployApp: the warnings npm run synth prints', () => {
  test("each render warning is logged with pulumi.log.warn, as formatWarnings' line, on its chart's component", async () => {
    const app = new App();
    new TeamNamespace(new BlueprintChart(app, 'quiet', { owner: 'q' }), 'quiet');
    const noisy = new BlueprintChart(app, 'noisy', { owner: 'n' });
    const team = new TeamNamespace(noisy, 'noisy');
    // A worker with a port and no readiness: REL_READINESS, a warning that fails nothing.
    new Worker(noisy, 'queue', { namespace: team, image: 'ghcr.io/acme/queue:1.0.0', ports: [{ name: 'metrics', port: 9090 }] });
    const expected = formatWarnings(synthesize(noisyCopy(), { outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cb-pulumi-warn-')) }).warnings)
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
    expect(expected.some((line) => line.includes('REL_READINESS'))).toBe(true);
    const warn = jest.spyOn(pulumi.log, 'warn').mockResolvedValue();
    try {
      let deployment!: ReturnType<typeof deployApp>;
      await runAndSettle(() => (deployment = deployApp(app, { provider: new k8s.Provider('warned', {}) })));
      expect(warn.mock.calls.map(([msg]) => msg)).toEqual(expected);
      for (const [, resource] of warn.mock.calls) expect(resource).toBe(deployment.charts.get('noisy'));
    } finally {
      warn.mockRestore();
    }

    function noisyCopy(): App {
      const copy = new App();
      new TeamNamespace(new BlueprintChart(copy, 'quiet', { owner: 'q' }), 'quiet');
      const c = new BlueprintChart(copy, 'noisy', { owner: 'n' });
      const t = new TeamNamespace(c, 'noisy');
      new Worker(c, 'queue', { namespace: t, image: 'ghcr.io/acme/queue:1.0.0', ports: [{ name: 'metrics', port: 9090 }] });
      return copy;
    }
  });

  test('an app without warnings logs none', async () => {
    const app = new App();
    new TeamNamespace(new BlueprintChart(app, 'quiet', { owner: 'q' }), 'quiet');
    const warn = jest.spyOn(pulumi.log, 'warn').mockResolvedValue();
    try {
      await runAndSettle(() => deployApp(app, { provider: new k8s.Provider('unwarned', {}) }));
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('resource classes and secret references', () => {
  test('built-in groups map to @pulumi/kubernetes classes; CRDs to CustomResource', () => {
    expect(resourceClass('v1', 'Namespace')).toBe(k8s.core.v1.Namespace);
    expect(resourceClass('rbac.authorization.k8s.io/v1', 'ClusterRole')).toBe(k8s.rbac.v1.ClusterRole);
    expect(resourceClass('discovery.k8s.io/v1', 'EndpointSlice')).toBe(k8s.discovery.v1.EndpointSlice);
    expect(resourceClass('node.k8s.io/v1', 'RuntimeClass')).toBe(k8s.node.v1.RuntimeClass);
    expect(resourceClass('autoscaling.k8s.io/v1', 'VerticalPodAutoscaler')).toBeUndefined();
    expect(resourceClass('external-secrets.io/v1beta1', 'ExternalSecret')).toBeUndefined();
  });

  test.each([
    ['null', () => resourceClass(null as any, 'Pod'), 'apiVersion'],
    ['a number', () => resourceClass('v1', 5 as any), 'kind'],
    ['an object', () => resourceClass({} as any, 'Pod'), 'apiVersion'],
  ])('resourceClass given %s is PROPS_INVALID at the argument, not a TypeError', (_, call, field) => {
    expect(expectCode(call, 'PROPS_INVALID').field).toBe(field);
  });

  test("resourceClass reads @pulumi/kubernetes' own classes only", () => {
    expect(resourceClass('__proto__/constructor', 'constructor')).toBeUndefined();
    expect(resourceClass('v1', 'toString')).toBeUndefined();
  });

  test.each([
    ['null', null, 'obj'],
    ['a number', 5, 'obj'],
    ['an empty object', {}, 'obj.kind'],
    ['an object without metadata', { kind: 'Pod', spec: { volumes: 5 } }, 'obj.metadata'],
    ['a name that is not a string', { kind: 'Pod', metadata: { name: 5 } }, 'obj.metadata.name'],
    ['a namespace that is not a string', { kind: 'Pod', metadata: { name: 'p', namespace: {} } }, 'obj.metadata.namespace'],
  ])('resourceName given %s is PROPS_INVALID at the argument, not a TypeError', (_, obj, field) => {
    expect(expectCode(() => resourceName(obj), 'PROPS_INVALID').field).toBe(field);
  });

  test('resourceName of a rendered object: <kind>-[<namespace>-]<name>', () => {
    expect(resourceName({ kind: 'Pod', metadata: { name: 'p', namespace: 'shop' } })).toBe('pod-shop-p');
    expect(resourceName({ kind: 'Namespace', metadata: { name: 'shop' } })).toBe('namespace-shop');
  });

  test('Secrets are found in env, envFrom, volumes and projected volumes', () => {
    const pod = {
      containers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'a', key: 'k' } } }], envFrom: [{ secretRef: { name: 'b' } }] }],
      volumes: [{ secret: { secretName: 'c' } }, { projected: { sources: [{ secret: { name: 'd' } }] } }],
    };
    expect(referencedSecrets(pod)).toEqual(['a', 'b', 'c', 'd']);
    expect(referencedSecrets({ spec: { template: { spec: { imagePullSecrets: [{ name: 'pull' }] } } } })).toEqual(['pull']);
  });

  test('referencedSecrets reads hostile input as data: cycles once, own indices only, string names only', () => {
    const cyclic: any = { spec: { secretRef: { name: 'a' } } };
    cyclic.spec.self = cyclic;
    expect(referencedSecrets(cyclic)).toEqual(['a']);
    // Only the own items of a sparse list of length 2^32 - 1 are read (a walk of 0..length never ends).
    const sparse = Object.assign([], { length: 2 ** 32 - 1, 7: { secret: { secretName: 'b' } } });
    expect(referencedSecrets({ volumes: sparse })).toEqual(['b']);
    expect(
      referencedSecrets({ secretKeyRef: { name: {} }, secretRef: { name: 5 }, imagePullSecrets: [{ name: ['x'] }, 'y', null] }),
    ).toEqual([]);
  });

  test.each([
    ['nothing', () => (referencedSecrets as any)(), 'obj'],
    ['null', () => referencedSecrets(null), 'obj'],
    ['a list', () => referencedSecrets([{ secretRef: { name: 'a' } }]), 'obj'],
    [
      'a revoked Proxy',
      () => {
        const p = Proxy.revocable({}, {});
        p.revoke();
        return referencedSecrets({ spec: { volumes: [p.proxy] } });
      },
      'obj.spec.volumes[0]',
    ],
    [
      'a getter that throws',
      () =>
        referencedSecrets({
          spec: {
            get containers() {
              throw new Error('boom');
            },
          },
        }),
      'obj.spec.containers',
    ],
    [
      'nesting 100,000 levels deep',
      () => {
        let deep: object = {};
        for (let i = 0; i < 100_000; i++) deep = { a: deep };
        return referencedSecrets(deep);
      },
      'obj…a.a.a.a.a.a.a.a.a.a.a.a',
    ],
    ['more than a million values', () => referencedSecrets({ data: new Array(1_000_001).fill(0) }), 'obj.data'],
  ])('referencedSecrets given %s is PROPS_INVALID naming where, never a TypeError or RangeError', (_, call, field) => {
    expect(expectCode(call, 'PROPS_INVALID').field).toBe(field);
  });
});

describe('deployApp: its own provider', () => {
  test('reads the kubeconfig as a secret: the engine receives the provider input as a secret', async () => {
    pulumi.runtime.setAllConfig({ 'consumer:dbPassword': 'pw', 'consumer:kubeconfig': 'apiVersion: v1\nkind: Config' }, [
      'consumer:dbPassword',
    ]);
    engine.length = 0;
    await runAndSettle(() => deployApp(consumerApp()));
    const provider = engine.find((r) => r.type === 'pulumi:providers:kubernetes' && r.name === 'k8s')!;
    expect(secretInputs(provider)).toContain('kubeconfig');
  });
});

const image = 'ghcr.io/acme/worker:1.0.0';
const resources = { limits: { cpu: '500m', memory: '256Mi' } };

describe('deployApp: image pull Secrets', () => {
  test('a deploy-tool declaration holding .dockerconfigjson is a kubernetes.io/dockerconfigjson Secret, and the pod waits for it', async () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'shop', { owner: 'shop-team' });
    const team = new TeamNamespace(chart, 'shop');
    const pull = new SecretDeclaration(chart, 'registry-credentials', {
      namespace: team,
      keys: ['.dockerconfigjson'],
      backend: SecretBackend.deployTool(),
    });
    new Worker(chart, 'queue', { namespace: team, image, resources, imagePullSecrets: [pull] });
    pulumi.runtime.setAllConfig({ 'consumer:registryCredentialsDockerconfigjson': '{"auths":{}}' }, [
      'consumer:registryCredentialsDockerconfigjson',
    ]);
    engine.length = 0;
    await runAndSettle(() => deployApp(app));
    const secret = engine.find((r) => r.name === 'secret-shop-registry-credentials')!;
    expect(secret.inputs.type).toBe('kubernetes.io/dockerconfigjson');
    expect(engine.find((r) => r.name === 'deployment-shop-queue')!.dependsOn).toEqual([
      'namespace-shop',
      'secret-shop-registry-credentials',
    ]);
  });

  test('an ordinary declaration stays Opaque', async () => {
    pulumi.runtime.setAllConfig({ 'consumer:dbPassword': 'pw' }, ['consumer:dbPassword']);
    engine.length = 0;
    await runAndSettle(() => deployApp(consumerApp()));
    expect(engine.find((r) => r.name === 'secret-shop-db-credentials')!.inputs.type).toBe('Opaque');
  });
});

describe('deployApp: data holders', () => {
  test('a standalone claim, its retaining StorageClass and its Namespace are protected as Argo CD keeps them; the rest is not', async () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'files', { owner: 'files-team' });
    const team = new TeamNamespace(chart, 'files');
    const ssd = new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com' });
    const claim = new PersistentVolumeClaim(chart, 'uploads', { namespace: team, size: '1Gi', storageClass: ssd });
    new Worker(chart, 'indexer', {
      namespace: team,
      image,
      resources,
      mounts: [{ volume: Volume.fromClaim(claim), path: '/data' }],
      replicas: 1,
      singletonReason: 'one indexer owns the claim',
      release: Release.recreate(),
    });
    pulumi.runtime.setAllConfig({}, []);
    engine.length = 0;
    let deployment!: ReturnType<typeof deployApp>;
    await runAndSettle(() => (deployment = deployApp(app)));
    const kept = deployment.objects
      .filter((o) => /Delete=false/.test((o.object as KubeObject).metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? ''))
      .map((o) => o.name)
      .sort();
    expect(kept).toEqual(['namespace-files', 'persistentvolumeclaim-files-uploads', 'storageclass-ssd']);
    const guarded = engine.filter((r) => r.protect && r.retainOnDelete).map((r) => r.name);
    expect(guarded.sort()).toEqual(kept);
    expect(engine.find((r) => r.name === 'deployment-files-indexer')!.protect).toBe(false);
  });
});

describe('deployApp: resource name conflicts', () => {
  /** Worker c in namespace a-b, and a worker named `second` in namespace a; the engine emptied. */
  const twoWorkers = (second: string) => {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    new Worker(chart, 'first', { namespace: new TeamNamespace(chart, 'a-b'), name: 'c', image, resources });
    new Worker(chart, 'second', { namespace: new TeamNamespace(chart, 'a'), name: second, image, resources });
    pulumi.runtime.setAllConfig({}, []);
    engine.length = 0;
    return app;
  };

  test('namespace a-b with worker c and namespace a with worker b-c are both deployment-a-b-c: PULUMI_NAME_CONFLICT, nothing registered', async () => {
    const app = twoWorkers('b-c');
    const issue = expectCode(() => deployApp(app), 'PULUMI_NAME_CONFLICT');
    expect(issue.value).toBe('deployment-a-b-c');
    expect(issue.path).toMatch(/^c\/second/);
    expect(issue.message).toContain('c/first');
    await settled();
    expect(engine).toHaveLength(0);
  });

  test('distinct names deploy', async () => {
    const app = twoWorkers('b-d');
    await runAndSettle(() => deployApp(app));
    expect(
      engine
        .filter((r) => r.type === 'kubernetes:apps/v1:Deployment')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['deployment-a-b-c', 'deployment-a-b-d']);
  });
});

describe('deployApp: options', () => {
  const provider = () => new k8s.Provider('typo', { context: 'kind-shop' });
  test.each([
    ['null', () => null, 'PROPS_INVALID', 'options'],
    ['a provider that is a string', () => ({ provider: 'x' }), 'PROPS_INVALID', 'options.provider'],
    ['a config that is a plain object', () => ({ config: {} }), 'PROPS_INVALID', 'options.config'],
    ['an unknown option', () => ({ bogus: 1 }), 'PROPS_UNKNOWN', 'options.bogus'],
    ['a typo that would deploy to the ambient cluster', () => ({ providers: provider() }), 'PROPS_UNKNOWN', 'options.providers'],
    ['bad render options', () => ({ render: { schemaCheck: 'yes' } }), 'PROPS_INVALID', 'options.render.schemaCheck'],
  ])('%s is refused at entry, before anything is registered', async (_, options, code, field) => {
    pulumi.runtime.setAllConfig({ 'consumer:dbPassword': 'pw' }, ['consumer:dbPassword']);
    const app = consumerApp();
    const given = options();
    engine.length = 0;
    const issue = expectCode(() => deployApp(app, given as any), code);
    expect(issue.field).toBe(field);
    await settled();
    expect(engine.filter((r) => r.name !== 'typo')).toHaveLength(0);
    if (code === 'PROPS_UNKNOWN' && field === 'options.providers') expect(issue.fix).toContain("'provider'");
  });

  test('an app that is not a cdk8s App is PROPS_INVALID at app', async () => {
    engine.length = 0;
    expect(expectCode(() => deployApp(null as any), 'PROPS_INVALID').field).toBe('app');
    await settled();
    expect(engine).toHaveLength(0);
  });

  test('the documented options are accepted', async () => {
    pulumi.runtime.setAllConfig({ 'consumer:dbPassword': 'pw' }, ['consumer:dbPassword']);
    engine.length = 0;
    await runAndSettle(() =>
      deployApp(consumerApp(), { provider: provider(), config: new pulumi.Config(), render: { schemaCheck: true } }),
    );
    expect(engine.find((r) => r.name === 'deployment-shop-web')!.provider).toBe('typo');
  });
});

describe('deployApp: how long pulumi up waits for a Job', () => {
  // @pulumi/kubernetes waits for a batch/v1 Job to complete and fails the update after 10 minutes unless told otherwise.
  let jobs: Map<string, any>;
  let rendered: any[];
  beforeAll(async () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'ops', { owner: 'ops' });
    const team = new TeamNamespace(chart, 'ops');
    const image = 'ghcr.io/acme/indexer:1.9.0';
    const resources = ResourcePreset.MICRO;
    // The README's reindex: a 30-minute deadline.
    new BatchJob(chart, 'reindex', {
      namespace: team,
      image,
      pattern: JobPattern.fixedCompletions(5, 2),
      activeDeadline: Duration.minutes(30),
    });
    new BatchJob(chart, 'short', { namespace: team, image, resources, activeDeadline: Duration.seconds(90), backoffLimit: 6 });
    new BatchJob(chart, 'open', { namespace: team, image, resources });
    new BatchJob(chart, 'ages', { namespace: team, image, resources, activeDeadline: Duration.days(200_000_000) });
    new ScheduledJob(chart, 'report', { namespace: team, image, resources, schedule: '@daily', activeDeadline: Duration.minutes(30) });
    new WebService(chart, 'web', {
      namespace: team,
      resources,
      image: 'nginxinc/nginx-unprivileged:1.27.2',
      ports: [{ name: 'http', port: 8080 }],
    });
    // A Job that is not a BatchJob's is waited for just the same.
    new ApiObject(chart, 'raw', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'raw', namespace: 'ops' },
      spec: {
        activeDeadlineSeconds: 3600,
        template: {
          metadata: { labels: { app: 'raw' } },
          spec: {
            restartPolicy: 'Never',
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'raw',
                image,
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
                resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    });
    engine.length = 0;
    let deployment: ReturnType<typeof deployApp>;
    await runAndSettle(() => (deployment = deployApp(app, { provider: new k8s.Provider('ops-cluster', {}) })));
    rendered = deployment!.objects.map((o) => o.object);
    jobs = new Map(
      engine
        .filter((r) => r.type === 'kubernetes:batch/v1:Job')
        .map((r) => [r.inputs.metadata.labels?.['app.kubernetes.io/instance'] ?? r.inputs.metadata.name, r]),
    );
  });

  test("each Job's create and update timeouts are its deadline plus 5 minutes (the deadline bounds every retry)", () => {
    const timeouts = (name: string) => jobs.get(name)!.customTimeouts;
    // 30 minutes: 35m, so a pulumi up within the deadline no longer fails at 10.
    expect(timeouts('reindex')).toEqual({ create: '35m', update: '35m', delete: '' });
    // 90 seconds, backoff 6: whole minutes up (2) plus 5, not multiplied by the retries.
    expect(timeouts('short')).toEqual({ create: '7m', update: '7m', delete: '' });
    expect(timeouts('raw')).toEqual({ create: '65m', update: '65m', delete: '' });
    // The engine reads Go durations (int64 nanoseconds): a deadline beyond ~292 years waits the longest it can.
    expect(timeouts('ages')).toEqual({ create: '153722867m', update: '153722867m', delete: '' });
  });

  test("a Job without a deadline waits the provider's 10 minutes, stated: one that can never start fails the update", () => {
    expect(jobs.get('open')!.customTimeouts).toEqual({ create: '10m', update: '10m', delete: '' });
  });

  test('only Jobs get timeouts (a CronJob, a Deployment are not waited for by them), and the objects stay as rendered', () => {
    expect([...jobs.keys()].sort()).toEqual(['ages', 'open', 'raw', 'reindex', 'short']);
    const others = engine.filter((r) => r.custom && r.type.startsWith('kubernetes:') && r.type !== 'kubernetes:batch/v1:Job');
    expect(others.map((r) => r.type)).toEqual(expect.arrayContaining(['kubernetes:batch/v1:CronJob', 'kubernetes:apps/v1:Deployment']));
    for (const r of others) expect({ name: r.name, timeouts: r.customTimeouts }).toEqual({ name: r.name, timeouts: undefined });
    // A resource option, not the pulumi.com/timeoutSeconds or skipAwait annotation: the inputs are the rendered objects.
    for (const r of jobs.values()) {
      expect(Object.keys(r.inputs.metadata.annotations ?? {}).filter((k) => k.startsWith('pulumi.com/'))).toEqual([]);
      expect(rendered.find((o) => o.kind === 'Job' && o.metadata.name === r.inputs.metadata.name)).toEqual(r.inputs);
    }
  });
});
