import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { BlueprintChart, QuotaPreset, StatefulService, TeamNamespace, WebService } from '../../constructs';
import { expectCode, POSTGRES } from '../helpers';
import { consumerApp } from './consumer-app';
import { recordEngine, runAndSettle, secretInputs, settled } from './engine';

/*
 * deployApp on a small consumer app under mocks: what the engine receives for a
 * CRD and its custom resource, a Secret, a data holder and a caller's provider.
 */
const engine = recordEngine('consumer', 'test');
const { deployApp, resourceClass, referencedSecrets } = require('../../pulumi') as typeof import('../../pulumi');
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
  test('a missing secret value registers nothing', async () => {
    pulumi.runtime.setAllConfig({}, []);
    engine.length = 0;
    expect(() => deployApp(consumerApp())).toThrow(/Missing required secret configuration: dbPassword/);
    await settled();
    expect(engine).toHaveLength(0);
  });

  test('an app that fails a whole-tree check is refused with its code before anything is registered', async () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'bad', { owner: 'x' });
    const team = new TeamNamespace(chart, 'bad', { quota: QuotaPreset.SMALL });
    // 40 pods against a quota of 20.
    new WebService(chart, 'web', { namespace: team, image: 'nginx:1.27', replicas: 40, ports: [{ name: 'http', port: 8080 }] });
    engine.length = 0;
    expectCode(() => deployApp(app), 'QUOTA_PODS_EXCEEDED');
    await settled();
    expect(engine).toHaveLength(0);
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

  test('Secrets are found in env, envFrom, volumes and projected volumes', () => {
    const pod = {
      containers: [{ env: [{ valueFrom: { secretKeyRef: { name: 'a', key: 'k' } } }], envFrom: [{ secretRef: { name: 'b' } }] }],
      volumes: [{ secret: { secretName: 'c' } }, { projected: { sources: [{ secret: { name: 'd' } }] } }],
    };
    expect(referencedSecrets(pod)).toEqual(['a', 'b', 'c', 'd']);
  });
});
