import * as pulumi from '@pulumi/pulumi';
import { Annotations, SecretBackendKind, renderApp } from '../../constructs';
import { DeploySecret, deployToolSecrets } from '../../pulumi';
import { referencedSecrets } from '../../pulumi/resources';
import { ENVIRONMENTS, buildEnvironment } from '../../stacks/environments';
import { EngineRegistration, recordEngine, runAndSettle, secretInputs } from './engine';

/*
 * The identity checks of the Pulumi program, shared by the identity test (which runs
 * them on the real program) and the mutation test (which runs them on mutated copies
 * of deployApp and expects each mutation to fail the check named for it).
 * Each check throws (a jest expectation) when the registrations break it.
 */

type Program = typeof import('../../stacks/pulumi-program');

/**
 * Installs the recording mocks (project cluster-blueprints, stack `stack`), then loads the
 * repository's Pulumi program: after the mocks, as the Pulumi docs require.
 */
export function programUnderMocks(stack: string): { engine: EngineRegistration[]; deployEnvironment: Program['deployEnvironment'] } {
  const engine = recordEngine('cluster-blueprints', stack);
  const { deployEnvironment } = require('../../stacks/pulumi-program') as Program;
  return { engine, deployEnvironment };
}

/** What one run of the program sent the (mock) engine, and what it was built from. */
export interface ProgramRun {
  readonly registered: readonly EngineRegistration[];
  readonly byName: ReadonlyMap<string, EngineRegistration>;
  /** The objects as rendered independently of the program, with the chart each belongs to. */
  readonly rendered: readonly { chart: string; object: any }[];
  /** The Secrets the deploy tool creates. */
  readonly secrets: readonly DeploySecret[];
  /** Config keys the program read as plain text (Config.get/require and their typed variants). */
  readonly plaintextReads: readonly string[];
}

const PLAINTEXT_READS = [
  'get',
  'require',
  'getObject',
  'requireObject',
  'getNumber',
  'requireNumber',
  'getBoolean',
  'requireBoolean',
] as const;

/** Stack config keys (`cluster-blueprints:<key>`) of an app's deploy-tool Secrets. */
export function secretConfigKeys(secrets: readonly DeploySecret[], project = 'cluster-blueprints'): string[] {
  return [...new Set(secrets.flatMap((s) => Object.values(s.keys)))].map((k) => `${project}:${k}`);
}

const renderedCache = new Map<string, Pick<ProgramRun, 'secrets' | 'rendered'>>();

/** An environment rendered independently of the program (once per test file). */
function renderedEnvironment(env: string): Pick<ProgramRun, 'secrets' | 'rendered'> {
  if (!renderedCache.has(env)) {
    const app = buildEnvironment(ENVIRONMENTS[env], undefined, SecretBackendKind.DEPLOY_TOOL);
    const rendered = renderApp(app).flatMap((r) => r.objects.map((object) => ({ chart: r.name, object })));
    renderedCache.set(env, { secrets: deployToolSecrets(app), rendered });
  }
  return renderedCache.get(env)!;
}

/**
 * Runs `program` for environment `env` under the recording mocks of `engine`, with every
 * secret config key set (as a secret), and records which config keys it read as plain text.
 */
export async function runProgram(engine: EngineRegistration[], env: string, program: () => void): Promise<ProgramRun> {
  const { secrets, rendered } = renderedEnvironment(env);
  const secretKeys = secretConfigKeys(secrets);
  pulumi.runtime.setAllConfig(
    { 'cluster-blueprints:env': env, ...Object.fromEntries(secretKeys.map((k) => [k, `value-of-${k}`])) },
    secretKeys,
  );
  const plaintextReads: string[] = [];
  const spies = PLAINTEXT_READS.map((method) => {
    const original = pulumi.Config.prototype[method] as (...args: any[]) => any;
    return jest.spyOn(pulumi.Config.prototype, method).mockImplementation(function (this: pulumi.Config, key: string, ...rest: any[]) {
      plaintextReads.push(`${this.name}:${key}`);
      return original.call(this, key, ...rest);
    });
  });
  engine.length = 0;
  try {
    await runAndSettle(program);
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
  const registered = [...engine];
  return { registered, byName: new Map(registered.map((r) => [r.name, r])), rendered, secrets, plaintextReads };
}

/** The pinned resource name of a rendered object. */
export const expectedName = (o: any) =>
  `${o.kind.toLowerCase()}-${o.metadata.namespace ? `${o.metadata.namespace}-` : ''}${o.metadata.name}`;

// Kubernetes resources the program manages (reads of existing objects excluded).
const kubernetesObjects = (run: ProgramRun) =>
  run.registered.filter((r) => r.custom && r.type.startsWith('kubernetes:') && r.readId === undefined);

/** Each check, by name: what it pins. */
export const IDENTITY_CHECKS = {
  /** Every rendered object is registered exactly once, under its pinned name, with its kind as type. */
  names(run: ProgramRun): void {
    // The Secrets the program writes from config (deployTool backend) are not rendered; a rendered Secret (the Monitoring
    // blueprint's scrape configuration) is.
    const fromConfig = new Set(run.secrets.map((s) => `secret-${s.namespace}-${s.name}`));
    const objects = kubernetesObjects(run).filter((r) => !fromConfig.has(r.name));
    expect(objects.map((r) => r.name).sort()).toEqual(run.rendered.map(({ object }) => expectedName(object)).sort());
    for (const { object } of run.rendered) {
      const group = object.apiVersion.includes('/') ? object.apiVersion : `core/${object.apiVersion}`;
      expect(run.byName.get(expectedName(object))!.type).toBe(`kubernetes:${group}:${object.kind}`);
    }
  },

  /** Each object is a child of its chart's component (the parent is part of the URN). */
  parents(run: ProgramRun): void {
    for (const { chart, object } of run.rendered) {
      const r = run.byName.get(expectedName(object))!;
      expect({ name: r.name, parent: r.parent }).toEqual({ name: r.name, parent: chart });
      expect(r.urn).toContain(`::cluster-blueprints:index:Chart$kubernetes:`);
    }
  },

  /**
   * Every Kubernetes resource goes to the stack's provider, named on the resource itself: the chart
   * components carry none, so a resource without it would reach the engine with the default provider.
   */
  provider(run: ProgramRun): void {
    const all = run.registered.filter((r) => r.custom && r.type.startsWith('kubernetes:'));
    for (const r of all) expect({ name: r.name, provider: r.provider }).toEqual({ name: r.name, provider: 'k8s' });
    for (const r of run.registered.filter((x) => x.type === 'cluster-blueprints:index:Chart')) expect(r.provider).toBe('');
  },

  /** Objects holding data (what Argo CD keeps: Prune=false,Delete=false) are protected and retained on delete; nothing else is. */
  dataHolders(run: ProgramRun): void {
    const holders = new Set(
      run.rendered
        // What the rendered YAML tells Argo CD never to prune or delete: the same objects must be kept by Pulumi.
        .filter(({ object }) => /(^|,)Delete=false(,|$)/.test(object.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? ''))
        .map(({ object }) => expectedName(object)),
    );
    expect([...holders]).toEqual(expect.arrayContaining(['namespace-payments', 'statefulset-cassandra-cassandra', 'namespace-cassandra']));
    for (const r of run.registered) {
      const want = holders.has(r.name);
      expect({ name: r.name, protect: r.protect, retainOnDelete: r.retainOnDelete }).toEqual({
        name: r.name,
        protect: want,
        retainOnDelete: want,
      });
    }
  },

  /**
   * Every namespaced object depends on its Namespace: one the output renders, or one another install
   * owns (annotated `namespace-installed-by`), which the program only reads from the cluster.
   */
  namespaceOrder(run: ProgramRun): void {
    const rendered = new Set(run.rendered.filter(({ object }) => object.kind === 'Namespace').map(({ object }) => object.metadata.name));
    expect(rendered.size).toBeGreaterThan(5);
    const prerequisites = new Set<string>();
    for (const { object } of run.rendered.filter(({ object }) => object.metadata.namespace !== undefined)) {
      const ns = object.metadata.namespace;
      if (!rendered.has(ns)) {
        expect({ object: expectedName(object), installedBy: object.metadata.annotations?.[Annotations.NAMESPACE_INSTALLED_BY] }).toEqual({
          object: expectedName(object),
          installedBy: expect.any(String),
        });
        prerequisites.add(ns);
      }
      expect(run.byName.get(expectedName(object))!.dependsOn).toContain(`namespace-${ns}`);
    }
    for (const ns of prerequisites) expect(run.byName.get(`namespace-${ns}`)!.readId).toBe(ns);
    expect(run.registered.filter((r) => r.readId !== undefined).map((r) => r.readId)).toEqual([...prerequisites]);
  },

  /** Readers depend on the Secrets they read; Secrets depend on their Namespace only. */
  secretOrder(run: ProgramRun): void {
    expect(run.byName.get('deployment-payments-api')!.dependsOn).toContain('secret-payments-ledger-credentials');
    let readers = 0;
    for (const { object } of run.rendered) {
      const ns = object.metadata.namespace;
      for (const secret of referencedSecrets(object).filter((n) => run.secrets.some((s) => s.namespace === ns && s.name === n))) {
        expect(run.byName.get(expectedName(object))!.dependsOn).toContain(`secret-${ns}-${secret}`);
        readers++;
      }
    }
    expect(readers).toBeGreaterThanOrEqual(run.secrets.length);
    for (const s of run.secrets) expect(run.byName.get(`secret-${s.namespace}-${s.name}`)!.dependsOn).toEqual([`namespace-${s.namespace}`]);
  },

  /**
   * Secret values are secret end to end: read from config only as secrets (never as plain text, which
   * @pulumi/kubernetes' own marking of Secret data would hide from the engine), sent as secret inputs
   * and kept secret in the outputs.
   */
  secretValues(run: ProgramRun): void {
    expect(run.secrets.length).toBeGreaterThan(0);
    const secretKeys = new Set(secretConfigKeys(run.secrets));
    expect(run.plaintextReads.filter((k) => secretKeys.has(k))).toEqual([]);
    for (const s of run.secrets) {
      const r = run.byName.get(`secret-${s.namespace}-${s.name}`)!;
      expect(r.type).toBe('kubernetes:core/v1:Secret');
      expect(secretInputs(r)).toEqual(['stringData']);
      expect(new Set(r.additionalSecretOutputs)).toEqual(new Set(['data', 'stringData']));
    }
  },

  /**
   * Every Job, which @pulumi/kubernetes waits for until it completes, is waited for as long as its deadline
   * (plus 5 minutes), or the provider's 10 minutes without one; nothing else gets timeouts.
   */
  jobWaits(run: ProgramRun): void {
    const jobs = run.rendered.filter(({ object }) => object.apiVersion === 'batch/v1' && object.kind === 'Job');
    expect(jobs.length).toBeGreaterThan(0);
    for (const { object } of jobs) {
      const deadline = object.spec.activeDeadlineSeconds;
      const wait = `${deadline === undefined ? 10 : Math.ceil(deadline / 60) + 5}m`;
      const r = run.byName.get(expectedName(object))!;
      expect({ name: r.name, timeouts: r.customTimeouts }).toEqual({ name: r.name, timeouts: { create: wait, update: wait, delete: '' } });
    }
    const jobNames = new Set(jobs.map(({ object }) => expectedName(object)));
    for (const r of run.registered.filter((x) => !jobNames.has(x.name)))
      expect({ name: r.name, timeouts: r.customTimeouts }).toEqual({ name: r.name, timeouts: undefined });
  },
} as const;

export type IdentityCheck = keyof typeof IDENTITY_CHECKS;

/** A custom resource depends on the CRD of its kind registered in the same program (consumer app: the VPA). */
export function expectCustomResourcesAfterTheirCrd(registered: readonly EngineRegistration[]): void {
  const crd = registered.find((r) => r.name === 'customresourcedefinition-verticalpodautoscalers.autoscaling.k8s.io')!;
  expect(crd.dependsOn).toEqual([]);
  expect(registered.find((r) => r.name === 'verticalpodautoscaler-shop-db')!.dependsOn).toContain(crd.name);
}
