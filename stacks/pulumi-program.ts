/*
 * The Pulumi program (`pulumi up`): builds the same charts as `cdk8s synth`,
 * validates them, and registers one @pulumi/kubernetes resource per object
 * so previews diff per object. It adds what only a deploy tool can: Secrets
 * from the stack's encrypted config, retainOnDelete/protect for what holds
 * data, ordering (namespaces first), and the cluster to deploy to.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { Annotations, CLUSTER_SCOPED_KINDS, renderApp } from '../constructs';
import { SECRETS, buildEnvironment, environment } from './environments';

/** One registered object and the options it got. */
export interface Registration {
  readonly object: any;
  readonly resource: pulumi.CustomResource;
  readonly options: pulumi.CustomResourceOptions;
}

/** What the program registered. */
export interface Deployment {
  readonly env: string;
  readonly provider: k8s.Provider;
  readonly charts: ReadonlyMap<string, pulumi.ComponentResource>;
  readonly objects: readonly Registration[];
  readonly secrets: readonly k8s.core.v1.Secret[];
}

/** The @pulumi/kubernetes class of a kind, or undefined for custom resources. */
export function resourceClass(
  apiVersion: string,
  kind: string,
): (new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource) | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  if (group.includes('.') && !group.endsWith('.k8s.io')) return undefined;
  if (
    group.endsWith('.k8s.io') &&
    !['rbac.authorization', 'networking', 'scheduling', 'storage', 'discovery', 'apiextensions'].some((g) => group === `${g}.k8s.io`)
  )
    return undefined;
  const mod = (k8s as any)[group === 'core' ? 'core' : group.split('.')[0]];
  return mod?.[version]?.[kind];
}

/** Resource name: unique per object and stable across runs (a rename is a replace). */
export function resourceName(obj: any): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind.toLowerCase()}-${ns ? `${ns}-` : ''}${obj.metadata.name}`;
}

/** Names of Secrets an object reads (env, envFrom, volumes), wherever they sit in it. */
export function referencedSecrets(obj: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: any) => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (v.secretKeyRef?.name) found.add(v.secretKeyRef.name);
    if (v.secretRef?.name) found.add(v.secretRef.name);
    if (v.secret?.secretName) found.add(v.secret.secretName);
    Object.values(v).forEach(walk);
  };
  walk(obj);
  return [...found].sort();
}

class ChartComponent extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super('cluster-blueprints:index:Chart', name, {}, opts);
    this.registerOutputs({});
  }
}

/** Runs the program for the stack's configuration. */
export function deployEnvironment(): Deployment {
  const config = new pulumi.Config();
  const env = environment(config.require('env'));
  // Every Secret value must be in the stack config before anything is registered.
  const missing = SECRETS.flatMap((s) => Object.values(s.keys)).filter((key) => config.getSecret(key) === undefined);
  if (missing.length > 0) {
    throw new pulumi.RunError(
      `Missing required secret configuration: ${missing.join(', ')}. Set each with: pulumi config set --secret <key> <value>`,
    );
  }
  // Render and validate first: bad input never reaches the cluster.
  const rendered = renderApp(buildEnvironment(env));

  const provider = new k8s.Provider('k8s', {
    kubeconfig: config.get('kubeconfig'),
    context: config.get('context'),
    enableServerSideApply: true,
  });
  const charts = new Map<string, pulumi.ComponentResource>();
  for (const r of rendered) charts.set(r.name, new ChartComponent(r.name, { provider }));

  const all = rendered.flatMap((r) => r.objects.map((object) => ({ chart: r.name, object })));
  const rank = (o: any) =>
    o.kind === 'Namespace' ? 0 : o.kind === 'CustomResourceDefinition' ? 1 : CLUSTER_SCOPED_KINDS.has(o.kind) ? 2 : 3;
  all.sort((a, b) => rank(a.object) - rank(b.object));

  const namespaces = new Map<string, pulumi.CustomResource>();
  const objects: Registration[] = [];
  const register = (chart: string, object: any, extraDeps: pulumi.Resource[] = []) => {
    const ns = object.metadata.namespace as string | undefined;
    const holdsData = object.metadata.annotations?.[Annotations.RETAIN] === 'true';
    const dependsOn = [...(ns && namespaces.has(ns) ? [namespaces.get(ns)!] : []), ...extraDeps];
    const options: pulumi.CustomResourceOptions = {
      provider,
      parent: charts.get(chart),
      ...(dependsOn.length ? { dependsOn } : {}),
      // Deleting a namespace deletes everything in it; a StatefulSet's claims hold data.
      ...(holdsData ? { retainOnDelete: true, protect: true } : {}),
    };
    const Cls = resourceClass(object.apiVersion, object.kind);
    const resource = Cls
      ? new Cls(resourceName(object), object, options)
      : new k8s.apiextensions.CustomResource(resourceName(object), object, options);
    if (object.kind === 'Namespace') namespaces.set(object.metadata.name, resource);
    objects.push({ object, resource, options });
  };
  for (const { chart, object } of all.filter((x) => x.object.kind === 'Namespace')) register(chart, object);

  // Secrets next, so the workloads that read them wait for them.
  const secretsByName = new Map<string, k8s.core.v1.Secret>();
  const secrets = SECRETS.filter((s) => namespaces.has(s.namespace)).map((s) => {
    const secret = new k8s.core.v1.Secret(
      `secret-${s.namespace}-${s.name}`,
      {
        metadata: { name: s.name, namespace: s.namespace, labels: { 'app.kubernetes.io/managed-by': 'cluster-blueprints' } },
        type: 'Opaque',
        stringData: Object.fromEntries(Object.entries(s.keys).map(([k, configKey]) => [k, config.requireSecret(configKey)])),
      },
      { provider, dependsOn: [namespaces.get(s.namespace)!], additionalSecretOutputs: ['data', 'stringData'] },
    );
    secretsByName.set(`${s.namespace}/${s.name}`, secret);
    return secret;
  });
  for (const { chart, object } of all.filter((x) => x.object.kind !== 'Namespace')) {
    const ns = object.metadata.namespace;
    const deps = referencedSecrets(object)
      .map((n) => secretsByName.get(`${ns}/${n}`))
      .filter((x): x is k8s.core.v1.Secret => x !== undefined);
    register(chart, object, deps);
  }

  return { env: env.name, provider, charts, objects, secrets };
}
