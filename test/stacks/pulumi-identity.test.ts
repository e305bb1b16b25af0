import * as pulumi from '@pulumi/pulumi';
import { Annotations, SecretBackendKind, renderApp } from '../../constructs';
import { deployToolSecrets } from '../../pulumi';
import { ENVIRONMENTS, buildEnvironment } from '../../stacks/environments';
import { referencedSecrets } from '../../pulumi/resources';
import { EngineRegistration, identityLines, recordEngine, secretInputs, settled } from '../pulumi/engine';

/*
 * Pulumi identity of every environment, as the (mock) engine receives it: resource
 * names and URNs (a new name or parent is a replace — for data holders, data loss),
 * protect, retainOnDelete, dependsOn, provider, parent and secret outputs.
 *
 * Mutations of pulumi/deploy-app.ts, each made temporarily and run against these tests
 * (dev) and test/pulumi/deploy-app.test.ts, then reverted:
 *   1. drop `protect` from data holders                        → fails
 *   2. drop `retainOnDelete` from data holders                 → fails
 *   3. register Secrets after the workloads (no Secret dependency),
 *      or drop the Namespace from dependsOn                     → fails
 *   4. drop `provider` from the objects and the chart components → see the report;
 *      from the objects alone it is no change: children inherit their parent's provider
 *   5. drop the secret marking (`requireSecret` → `require`): no change reaches the
 *      engine, because @pulumi/kubernetes' Secret marks data/stringData secret itself;
 *      the snapshot's secretInputs/secretOutputs pin that
 *   6. rename a resource (StatefulSet names get a suffix)
 *   7. change the parent (every object under the first chart)
 *   8. drop the CRD-before-custom-resource dependency (test/pulumi/deploy-app.test.ts)
 *   9. skip a rendered object, or register one twice
 */
const engine = recordEngine('cluster-blueprints', 'identity');
const { deployEnvironment } = require('../../stacks/pulumi-program') as typeof import('../../stacks/pulumi-program');

// The Secrets the Pulumi path declares (the same in every environment).
const SECRETS = deployToolSecrets(buildEnvironment(ENVIRONMENTS.dev, undefined, SecretBackendKind.DEPLOY_TOOL));
const secretConfig = [...new Set(SECRETS.flatMap((s) => Object.values(s.keys)))].map((k) => `cluster-blueprints:${k}`);

describe.each(Object.keys(ENVIRONMENTS))('%s under mocks', (env) => {
  let registered: EngineRegistration[];
  const byName = new Map<string, EngineRegistration>();
  // The objects as rendered independently of the program, with the chart each belongs to.
  let rendered: { chart: string; object: any }[];
  const expectedName = (o: any) => `${o.kind.toLowerCase()}-${o.metadata.namespace ? `${o.metadata.namespace}-` : ''}${o.metadata.name}`;

  beforeAll(async () => {
    rendered = renderApp(buildEnvironment(ENVIRONMENTS[env], undefined, SecretBackendKind.DEPLOY_TOOL)).flatMap((r) =>
      r.objects.map((object) => ({ chart: r.name, object })),
    );
    pulumi.runtime.setAllConfig(
      { 'cluster-blueprints:env': env, ...Object.fromEntries(secretConfig.map((k) => [k, `value-of-${k}`])) },
      secretConfig,
    );
    engine.length = 0;
    deployEnvironment();
    await settled();
    registered = [...engine];
    for (const r of registered) byName.set(r.name, r);
  });

  test('names and options match the reviewed snapshot', () => {
    expect(identityLines(registered).join('\n')).toMatchSnapshot();
  });

  test('every rendered object is registered exactly once, under its pinned name, with its kind as type', () => {
    const objects = registered.filter((r) => r.custom && r.type.startsWith('kubernetes:') && !r.name.startsWith('secret-'));
    expect(objects.map((r) => r.name).sort()).toEqual(rendered.map(({ object }) => expectedName(object)).sort());
    for (const { object } of rendered) {
      const group = object.apiVersion.includes('/') ? object.apiVersion : `core/${object.apiVersion}`;
      expect(byName.get(expectedName(object))!.type).toBe(`kubernetes:${group}:${object.kind}`);
    }
  });

  test('each object is a child of its chart, and every Kubernetes resource uses the stack provider', () => {
    for (const { chart, object } of rendered) {
      const r = byName.get(expectedName(object))!;
      expect(r.parent).toBe(chart);
      expect(r.urn).toContain(`::cluster-blueprints:index:Chart$kubernetes:`);
    }
    for (const r of registered.filter((x) => x.custom && x.type.startsWith('kubernetes:'))) expect(r.provider).toBe('k8s');
  });

  test('objects holding data are protected and retained on delete; nothing else is', () => {
    const holders = new Set(
      rendered
        .filter(({ object }) => object.metadata.annotations?.[Annotations.RETAIN] === 'true')
        .map(({ object }) => expectedName(object)),
    );
    expect([...holders]).toEqual(expect.arrayContaining(['namespace-payments', 'statefulset-payments-ledger', 'namespace-cassandra']));
    for (const r of registered) {
      expect({ name: r.name, protect: r.protect, retainOnDelete: r.retainOnDelete }).toEqual({
        name: r.name,
        protect: holders.has(r.name),
        retainOnDelete: holders.has(r.name),
      });
    }
  });

  test('namespaced objects depend on their Namespace, readers on their Secret, Secrets on their Namespace', () => {
    // (Velero Schedules live in `velero`, a namespace the cluster's Velero install owns.)
    const namespaces = new Set(rendered.filter(({ object }) => object.kind === 'Namespace').map(({ object }) => object.metadata.name));
    expect(namespaces.size).toBeGreaterThan(5);
    for (const { object } of rendered.filter(({ object }) => namespaces.has(object.metadata.namespace))) {
      expect(byName.get(expectedName(object))!.dependsOn).toContain(`namespace-${object.metadata.namespace}`);
    }
    expect(byName.get('statefulset-payments-ledger')!.dependsOn).toContain('secret-payments-ledger-credentials');
    let readers = 0;
    for (const { object } of rendered) {
      for (const secret of referencedSecrets(object).filter((n) =>
        SECRETS.some((s) => s.namespace === object.metadata.namespace && s.name === n),
      )) {
        expect(byName.get(expectedName(object))!.dependsOn).toContain(`secret-${object.metadata.namespace}-${secret}`);
        readers++;
      }
    }
    expect(readers).toBeGreaterThanOrEqual(SECRETS.length);
    for (const s of SECRETS) {
      expect(byName.get(`secret-${s.namespace}-${s.name}`)!.dependsOn).toEqual([`namespace-${s.namespace}`]);
    }
  });

  test('Secret values are secret in the engine and in the outputs', () => {
    for (const s of SECRETS) {
      const r = byName.get(`secret-${s.namespace}-${s.name}`)!;
      expect(r.type).toBe('kubernetes:core/v1:Secret');
      expect(secretInputs(r)).toEqual(['stringData']);
      expect(new Set(r.additionalSecretOutputs)).toEqual(new Set(['data', 'stringData']));
    }
  });
});
