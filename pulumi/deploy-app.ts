/*
 * deployApp: a cdk8s App of these constructs → @pulumi/kubernetes resources.
 *
 * It never re-describes an object: it renders and validates the app exactly as
 * `synthesize()` does, then registers one resource per rendered object, so a
 * preview diffs per object. It adds what only a deploy tool can: Secrets from
 * the stack's encrypted config, retain + protect for objects that hold data,
 * ordering through dependsOn, and the cluster (provider) to deploy to.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { BlueprintError, formatIssue } from '../constructs/core/errors';
import { Annotations, MANAGED_BY } from '../constructs/core/metadata';
import { checkArgs, is } from '../constructs/core/shape';
import { protectDataHolders } from '../constructs/gitops/sync-annotations';
import { RenderOptions, renderApp } from '../constructs/render';
import { RENDER_OPTIONS_SHAPE } from '../constructs/render/render-app';
import { SecretBackendKind, SecretDeclaration, secretDeclarations } from '../constructs/secrets';
import { referencedSecrets, resourceClass, resourceName } from './resources';
import { keyField } from '../constructs/core/field-path';

/** A Secret the deploy tool creates: its namespace and name, and for each key the stack config key holding the value. */
export interface DeploySecret {
  /** The namespace of the Secret (its declaration's). */
  readonly namespace: string;
  /** The name of the Secret (its declaration's), as the workloads that read it refer to it. */
  readonly name: string;
  /** The Secret's type, e.g. `Opaque` or `kubernetes.io/dockerconfigjson` (the kubelet reads pull credentials only from the latter). */
  readonly type: string;
  /** Secret key → stack config key (set with `pulumi config set --secret <configKey> <value>`). */
  readonly keys: Readonly<Record<string, string>>;
}

/** Options of `deployApp`. */
export interface DeployAppOptions {
  /**
   * Stack configuration the secret values (and the default provider's settings) are read from.
   * @default - `new pulumi.Config()`: the project's own namespace
   */
  readonly config?: pulumi.Config;
  /**
   * The Kubernetes provider every resource is created with.
   * @default - a provider named `k8s` from the config keys `kubeconfig` and `context` (both optional), with server-side apply
   */
  readonly provider?: k8s.Provider;
  /**
   * Options of the render and validation pass.
   * @default - all checks, schema included
   */
  readonly render?: RenderOptions;
}

/** One registered object and the options it got. */
export interface Registration {
  /** The rendered object, as plain JSON (what `synthesize()` writes for it). */
  readonly object: Readonly<Record<string, unknown>>;
  /** The Pulumi resource name (its identity: a new name replaces the object). */
  readonly name: string;
  /** The resource registered for it (a @pulumi/kubernetes class, or `apiextensions.CustomResource` for a custom kind). */
  readonly resource: pulumi.CustomResource;
  /** The options it was registered with: provider, parent chart, dependencies, custom timeouts. */
  readonly options: pulumi.CustomResourceOptions;
}

/** What `deployApp` registered. */
export interface Deployment {
  /** The Kubernetes provider every resource was created with (`DeployOptions.provider`, else the one `deployApp` made). */
  readonly provider: k8s.Provider;
  /** One component per chart, keyed by the chart's file name; every object is its chart's child. */
  readonly charts: ReadonlyMap<string, pulumi.ComponentResource>;
  /** Every rendered object, in registration order: CRDs, namespaces, then the rest. */
  readonly objects: readonly Registration[];
  /** One Secret per `SecretDeclaration` of the deploy-tool backend, its values read from secret stack config (marked secret outputs). */
  readonly secrets: readonly k8s.core.v1.Secret[];
  /**
   * Namespaces the app uses but does not render, because another install owns them (objects annotated
   * `cluster-blueprints.io/namespace-installed-by`, e.g. Velero Schedules in `velero`): read from the
   * cluster, never created or deleted, so a missing one fails the preview, and the objects in them depend on the read.
   */
  readonly prerequisites: ReadonlyMap<string, k8s.core.v1.Namespace>;
}

/** The component every chart's objects are parented to (its type is part of their URNs: never rename it). */
class ChartComponent extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super('cluster-blueprints:index:Chart', name, {}, opts);
    this.registerOutputs({});
  }
}

/** The Secrets the deploy tool creates: every `SecretDeclaration` in `app` whose backend is `SecretBackend.deployTool()`. */
export function deployToolSecrets(app: App): DeploySecret[] {
  return secretDeclarations(app)
    .filter((d) => d.backend === SecretBackendKind.DEPLOY_TOOL)
    .map((d) => ({
      namespace: d.namespace,
      name: d.name,
      type: d.type,
      keys: Object.fromEntries(d.keys.map((k) => [k.key, k.configKey])),
    }));
}

/** The shape of the options (checked at entry: a typo such as `providers` would otherwise deploy to the ambient cluster). */
const DEPLOY_APP_OPTIONS_SHAPE = is.props<DeployAppOptions>({
  config: is.foreign(pulumi.Config, 'pulumi.Config'),
  provider: is.foreign(k8s.Provider, 'k8s.Provider'),
  render: RENDER_OPTIONS_SHAPE,
});

/**
 * Two objects whose resource names (and types) are the same would get the same URN, and the engine
 * would fail the whole update ("Duplicate resource URN"): `TeamNamespace 'a-b'` with a Worker `c` and
 * `TeamNamespace 'a'` with a Worker `b-c` are both `deployment-a-b-c`. Names are identities, so the
 * scheme stays; the collision is refused before anything is registered.
 */
function checkNameConflicts(entries: readonly { name: string; type: string; path: string }[]): void {
  const first = new Map<string, { name: string; type: string; path: string }>();
  const issues = entries.flatMap((e) => {
    const key = `${e.type} ${e.name}`;
    const seen = first.get(key);
    if (!seen) {
      first.set(key, e);
      return [];
    }
    return [
      {
        code: 'PULUMI_NAME_CONFLICT',
        path: e.path,
        construct: 'deployApp',
        field: 'name',
        value: e.name,
        message: `is also the Pulumi resource name of ${seen.path} (both ${e.type}): the engine would refuse the duplicate URN`,
        fix: 'rename one of the two objects (or its namespace) so that <kind>-<namespace>-<name> differs, e.g. avoid a namespace that ends where another name begins',
      },
    ];
  });
  if (issues.length > 0) throw new BlueprintError(issues);
}

/**
 * Whether the stack holds config key `fullKey` (`<namespace>:<key>`) as a secret: the engine passes the keys set with
 * `--secret` (PULUMI_CONFIG_SECRET_KEYS, or `setAllConfig`'s second argument under mocks), and @pulumi/pulumi reads them
 * with `runtime.isConfigSecret`, which its typings leave out (`@internal`). Without it nothing can be told apart, so
 * the check fails closed rather than pass a plain-text value as a secret.
 */
function isConfigSecret(fullKey: string): boolean {
  const check = (pulumi.runtime as unknown as { isConfigSecret?: unknown }).isConfigSecret;
  if (typeof check !== 'function') {
    throw new BlueprintError({
      code: 'PULUMI_SECRET_CONFIG_PLAINTEXT',
      path: '',
      construct: 'deployApp',
      field: 'config',
      value: fullKey,
      message: 'cannot be checked: this @pulumi/pulumi has no runtime.isConfigSecret to tell a secret config value from a plain one',
      fix: 'use the @pulumi/pulumi version this package declares as its peer dependency',
    });
  }
  return check(fullKey) === true;
}

/**
 * Every declared key must be set, and set as a secret: a missing key would fail the update half-way (the Secret's
 * `requireSecret`), and `getSecret`/`requireSecret` mark any value secret in the program, even one set without
 * `--secret`, which sits in plain text in Pulumi.<stack>.yaml, committed next to the code. Every such key is reported
 * in one error (`PULUMI_SECRET_CONFIG_MISSING`, `PULUMI_SECRET_CONFIG_PLAINTEXT`), by its declaration and field, with
 * the command that sets it; the error names the keys, never their values.
 */
function checkSecretConfig(config: pulumi.Config, declared: readonly DeploySecret[], paths: ReadonlyMap<string, string>): void {
  const seen = new Set<string>();
  const issues = declared.flatMap((s) =>
    Object.entries(s.keys).flatMap(([secretKey, configKey]) => {
      const fullKey = `${config.name}:${configKey}`;
      if (seen.has(fullKey)) return [];
      seen.add(fullKey);
      const at = {
        path: paths.get(`${s.namespace}/${s.name}`) ?? '',
        construct: 'deployApp',
        field: keyField('configKeys', secretKey),
        value: fullKey,
      };
      // Without a value the command prompts for it: the fix never asks for the secret on a command line.
      const command = `pulumi config set --secret ${fullKey}`;
      if (config.getSecret(configKey) === undefined)
        return [
          {
            code: 'PULUMI_SECRET_CONFIG_MISSING',
            ...at,
            message: `is not set in the stack's config: Secret ${s.namespace}/${s.name} would have no value for '${secretKey}'`,
            fix: `set it (the command prompts for the value): ${command}`,
          },
        ];
      if (isConfigSecret(fullKey)) return [];
      return [
        {
          code: 'PULUMI_SECRET_CONFIG_PLAINTEXT',
          ...at,
          message:
            'reads a stack config key set in plain text (without --secret): its value sits unencrypted in Pulumi.<stack>.yaml, and in the repository that holds it',
          fix: `rotate the value if that file was ever committed or shared, and set it again as a secret (the command prompts for it): ${command}`,
        },
      ];
    }),
  );
  if (issues.length > 0) throw new BlueprintError(issues);
}

/**
 * How long `pulumi up` waits for a Job when it has no deadline: @pulumi/kubernetes' own default (10 minutes),
 * stated so that every Job's wait is one rule. A Job without a deadline that cannot start (an image it cannot pull,
 * a quota it does not fit) never fails, so this is when the update says so.
 */
const JOB_DEFAULT_WAIT_MINUTES = 10;

/** What the wait adds to a Job's deadline: the time before the Job starts (the deadline counts from its startTime) and for the controller to fail it. */
const JOB_WAIT_MARGIN_MINUTES = 5;

/** The longest timeout the engine reads (Go's time.ParseDuration: int64 nanoseconds), in whole minutes. */
const MAX_DURATION_MINUTES = 153_722_867;

/**
 * The create and update timeouts of a batch/v1 Job, which @pulumi/kubernetes waits for to complete (and fails the
 * update after 10 minutes by default): its activeDeadlineSeconds (which bounds the whole run, retries included)
 * plus JOB_WAIT_MARGIN_MINUTES, or JOB_DEFAULT_WAIT_MINUTES without a deadline. A resource option, not the
 * `pulumi.com/timeoutSeconds` annotation, so the object (and the cdk8s YAML) stays as rendered. Undefined for every other kind:
 * a CronJob is not waited for (its Jobs are the controller's, not Pulumi resources).
 */
function awaitTimeouts(object: any): pulumi.CustomTimeouts | undefined {
  if (object.apiVersion !== 'batch/v1' || object.kind !== 'Job') return undefined;
  const deadline = object.spec?.activeDeadlineSeconds;
  const minutes =
    typeof deadline === 'number' && Number.isFinite(deadline) && deadline > 0
      ? Math.min(Math.ceil(deadline / 60) + JOB_WAIT_MARGIN_MINUTES, MAX_DURATION_MINUTES)
      : JOB_DEFAULT_WAIT_MINUTES;
  return { create: `${minutes}m`, update: `${minutes}m` };
}

// CRDs first (their custom resources need them), then namespaces, then everything else.
function rank(o: any): number {
  return o.kind === 'CustomResourceDefinition' ? 0 : o.kind === 'Namespace' ? 1 : 2;
}

/** Kinds whose `roleRef` cannot change: a new one means a new object. */
const BINDING_KINDS = new Set(['RoleBinding', 'ClusterRoleBinding']);

/**
 * Registers every object of `app` with @pulumi/kubernetes, one resource per object.
 *
 * - Validates first (the same checks as `synthesize()`): bad input never reaches the cluster.
 * - Every `SecretDeclaration` with the deploy-tool backend becomes a Secret whose values come
 *   from secret stack config (`pulumi config set --secret <configKey>`): all must be set (`PULUMI_SECRET_CONFIG_MISSING`),
 *   and all must be secrets in the stack: a key set without `--secret` (in plain text in Pulumi.<stack>.yaml) is refused
 *   (`PULUMI_SECRET_CONFIG_PLAINTEXT`). One error names every such key, its declaration and the command that sets it,
 *   never a value; nothing is registered.
 * - The render's warnings (the same as `synthesize()` returns and `npm run synth` prints) are logged with
 *   `pulumi.log.warn`, one line each, on the chart they concern: `pulumi up` and `pulumi preview` show them.
 * - Data holders get `retainOnDelete` and `protect`: the objects Argo CD keeps (`Prune=false,Delete=false`, the
 *   same rule): claims, volumes, StatefulSets with claim templates, StorageClasses that retain, objects
 *   annotated `cluster-blueprints.io/retain`, and the Namespaces holding any of them.
 * - Refuses bad options (`PROPS_INVALID`, `PROPS_UNKNOWN`) and two objects with one resource name
 *   (`PULUMI_NAME_CONFLICT`) before registering anything.
 * - A batch/v1 Job, which @pulumi/kubernetes waits for until it completes, gets create and update timeouts of its
 *   `activeDeadlineSeconds` plus 5 minutes (10 minutes, the provider's default, without a deadline): a Job within
 *   its deadline never fails the update. A CronJob is not waited for.
 * - Namespaced objects depend on their Namespace, custom resources on their CRD, and
 *   workloads on the Secrets they read (image pull Secrets included). A namespace another install owns (annotated
 *   `cluster-blueprints.io/namespace-installed-by`) is read, not created: a missing one fails the preview.
 *
 * @example
 * const app = new App();
 * SecretBackend.use(app, SecretBackend.deployTool());
 * const chart = new BlueprintChart(app, 'shop', { owner: 'shop-team' });
 * const team = new TeamNamespace(chart, 'shop');
 * new SecretDeclaration(chart, 'db', { namespace: team, keys: ['password'], configKeys: { password: 'dbPassword' } });
 * deployApp(app);
 */
export function deployApp(app: App, options: DeployAppOptions = {}): Deployment {
  // Before anything is registered: a bad option must not leave half a program behind.
  checkArgs('deployApp', ['app', app, is.instance(App, 'cdk8s App')], ['options', options, DEPLOY_APP_OPTIONS_SHAPE, 'optional']);
  const config = options.config ?? new pulumi.Config();
  const declared = deployToolSecrets(app);
  const declarationPaths = new Map(
    app.node
      .findAll()
      .filter((c): c is SecretDeclaration => c instanceof SecretDeclaration)
      .map((d) => [`${d.namespace}/${d.name}`, d.node.path]),
  );
  checkSecretConfig(config, declared, declarationPaths);
  const rendered = renderApp(app, options.render);
  // The same rule as Argo CD's Prune=false,Delete=false (idempotent; the render already ran it): data holders and their Namespaces.
  const holders = new Set(protectDataHolders(app).map((o) => o.node.path));

  const all = rendered.flatMap((r) => r.objects.map((object, i) => ({ chart: r.name, object, path: r.constructPaths[i] })));
  all.sort((a, b) => rank(a.object) - rank(b.object));
  checkNameConflicts([
    ...all.map(({ object, path }) => ({ name: resourceName(object), type: `${object.apiVersion} ${object.kind}`, path })),
    ...declared.map((s) => ({
      name: `secret-${s.namespace}-${s.name}`,
      type: 'v1 Secret',
      path: declarationPaths.get(`${s.namespace}/${s.name}`) ?? '',
    })),
  ]);

  const provider =
    options.provider ??
    new k8s.Provider('k8s', {
      // A kubeconfig carries cluster credentials: a secret Output, so the state and the preview never show it.
      kubeconfig: config.getSecret('kubeconfig'),
      context: config.get('context'),
      enableServerSideApply: true,
    });
  // The chart components carry no provider: each object names its own, so one that lost it would fall
  // back to the ambient default cluster instead of silently inheriting the right one from its chart.
  const charts = new Map<string, pulumi.ComponentResource>();
  for (const r of rendered) charts.set(r.name, new ChartComponent(r.name));
  // What `npm run synth` prints (formatWarnings' lines), as engine diagnostics on the chart each warning concerns.
  for (const r of rendered) for (const w of r.warnings) void pulumi.log.warn(formatIssue(w), charts.get(r.name));

  const namespaces = new Map<string, pulumi.Resource>();
  const prerequisites = new Map<string, k8s.core.v1.Namespace>();
  const namespaceOf = (object: any): pulumi.Resource | undefined => {
    const ns = object.metadata.namespace as string | undefined;
    if (ns === undefined || namespaces.has(ns)) return ns === undefined ? undefined : namespaces.get(ns);
    if (object.metadata.annotations?.[Annotations.NAMESPACE_INSTALLED_BY] === undefined) return undefined;
    if (!prerequisites.has(ns)) prerequisites.set(ns, k8s.core.v1.Namespace.get(`namespace-${ns}`, ns, { provider }));
    return prerequisites.get(ns);
  };
  const crds = new Map<string, pulumi.Resource>(); // `<group>/<kind>` → the CRD defining it
  const secretsByName = new Map<string, k8s.core.v1.Secret>();
  const objects: Registration[] = [];

  const register = (chart: string, object: any, path: string) => {
    const ns = object.metadata.namespace as string | undefined;
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
    const dependsOn = [
      ...(crds.has(`${group}/${object.kind}`) ? [crds.get(`${group}/${object.kind}`)!] : []),
      ...(namespaceOf(object) ? [namespaceOf(object)!] : []),
      ...referencedSecrets(object).flatMap((n) => secretsByName.get(`${ns}/${n}`) ?? []),
    ];
    const timeouts = awaitTimeouts(object);
    const options: pulumi.CustomResourceOptions = {
      provider,
      parent: charts.get(chart),
      ...(dependsOn.length ? { dependsOn } : {}),
      // Deleting a namespace deletes everything in it; claims, volumes and retained classes hold data.
      ...(holders.has(path) ? { retainOnDelete: true, protect: true } : {}),
      // A Job is waited for until it completes: as long as its deadline allows, not the provider's 10 minutes.
      ...(timeouts ? { customTimeouts: timeouts } : {}),
      // The API server refuses to change a binding's roleRef ("cannot change roleRef") and the provider would update
      // it in place (pulumi/pulumi-kubernetes#335): replaced instead, deleted first, since the new one has its name.
      ...(BINDING_KINDS.has(object.kind) ? { replaceOnChanges: ['roleRef'], deleteBeforeReplace: true } : {}),
    };
    const name = resourceName(object);
    const Cls = resourceClass(object.apiVersion, object.kind);
    const resource = Cls ? new Cls(name, object, options) : new k8s.apiextensions.CustomResource(name, object, options);
    if (object.kind === 'Namespace') namespaces.set(object.metadata.name, resource);
    if (object.kind === 'CustomResourceDefinition') crds.set(`${object.spec.group}/${object.spec.names.kind}`, resource);
    objects.push({ object, name, resource, options });
  };

  for (const { chart, object, path } of all.filter((x) => rank(x.object) < 2)) register(chart, object, path);
  // Secrets next, so the workloads that read them can depend on them.
  const secrets = declared.map((s) => {
    const secret = new k8s.core.v1.Secret(
      `secret-${s.namespace}-${s.name}`,
      {
        metadata: { name: s.name, namespace: s.namespace, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } },
        type: s.type,
        stringData: Object.fromEntries(Object.entries(s.keys).map(([k, configKey]) => [k, config.requireSecret(configKey)])),
      },
      {
        provider,
        ...(namespaces.has(s.namespace) ? { dependsOn: [namespaces.get(s.namespace)!] } : {}),
        additionalSecretOutputs: ['data', 'stringData'],
      },
    );
    secretsByName.set(`${s.namespace}/${s.name}`, secret);
    return secret;
  });
  for (const { chart, object, path } of all.filter((x) => rank(x.object) === 2)) register(chart, object, path);

  return { provider, charts, objects, secrets, prerequisites };
}
