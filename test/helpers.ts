import { App, Chart } from 'cdk8s';
import {
  BlueprintChart,
  BlueprintError,
  NodeAgent,
  NodeAgentProps,
  PodSecurityLevel,
  QuotaPreset,
  TeamNamespace,
  TeamNamespaceProps,
  WebService,
  WebServiceProps,
  renderApp,
  validateManifests,
} from '../constructs';

/** A fresh app with one BlueprintChart owned by `test`. */
export function testChart(id = 'test'): { app: App; chart: BlueprintChart } {
  const app = new App();
  const chart = new BlueprintChart(app, id, { owner: 'test' });
  return { app, chart };
}

/** A test chart with the team namespace 'shop' (quota MEDIUM unless `props` say otherwise). */
export function teamChart(props: TeamNamespaceProps = {}): { app: App; chart: BlueprintChart; team: TeamNamespace } {
  const { app, chart } = testChart();
  const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM, ...props });
  return { app, chart, team };
}

/** Image and port of a plain web container, for tests that need any WebService. */
export const WEB = { image: 'ghcr.io/acme/web:1.4.2', ports: [{ name: 'http', port: 8080 }] } as const;

/** teamChart(`teamProps`) with the WebService `id` running WEB in the team namespace, plus `props`. */
export function teamWebService(id: string, props: Partial<Omit<WebServiceProps, 'namespace'>> = {}, teamProps?: TeamNamespaceProps) {
  const { app, chart, team } = teamChart(teamProps);
  const service = new WebService(chart, id, { namespace: team, ...WEB, ...props });
  return { app, chart, team, service };
}

/**
 * A test chart with the NodeAgent `id` (plus `props`) in the team namespace 'agents', which enforces the privileged Pod
 * Security level (the only one that admits hostPath), and its rendered DaemonSet.
 */
export function privilegedNodeAgent(id: string, props: Omit<NodeAgentProps, 'namespace'>): { app: App; daemonSet: any } {
  const { app, chart } = testChart();
  const namespace = new TeamNamespace(chart, 'agents', {
    podSecurity: { enforce: PodSecurityLevel.PRIVILEGED },
    quota: QuotaPreset.MEDIUM,
  });
  new NodeAgent(chart, id, { namespace, expectedNodes: 3, ...props });
  return { app, daemonSet: find(renderChart(chart), 'DaemonSet', id) };
}

/** A Worker serving metrics with no readiness probe (image, port, resources): REL_READINESS warns on it, and nothing fails. */
export const METRICS_WORKER = {
  image: 'ghcr.io/acme/queue:1.0.0',
  ports: [{ name: 'metrics', port: 9090 }],
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
} as const;

/** NodeAgent props of a log shipper reading the node's /var/log as root (all but namespace and image): only a privileged namespace admits it. */
export const VARLOG_AGENT = {
  securityProfile: { runAsRoot: true },
  hostPaths: [{ name: 'varlog', hostPath: '/var/log' }],
  expectedNodes: 3,
} as const;

/**
 * Image and port of a PostgreSQL container, for tests that need a StatefulService, with what the image needs to start
 * (IMAGE_CANNOT_START): its socket directory writable, and its data in a subdirectory of a claim at /var/lib/postgresql/data.
 */
export const POSTGRES = {
  image: 'postgres:16.4',
  ports: [{ name: 'pg', port: 5432 }],
  writablePaths: ['/tmp', '/var/run/postgresql'],
  env: { PGDATA: '/var/lib/postgresql/data/pgdata' },
} as const;

/** Renders the app through the library's own synth path (checks + schema) and returns every object. */
export function render(app: App): any[] {
  return renderApp(app).flatMap((r) => r.objects);
}

/** Renders `chart` only, after asserting the whole app is schema-valid. */
export function renderChart(chart: Chart): any[] {
  const objects = renderApp(chart.node.root as App)
    .filter((r) => r.chart === chart)
    .flatMap((r) => r.objects);
  const findings = validateManifests(objects);
  expect(findings).toEqual([]);
  return objects;
}

/** A construct class whose constructor takes (scope, id, ...rest), and that rest. */
type ConstructClass = new (scope: BlueprintChart, id: string, ...rest: any[]) => unknown;
type RestOf<C> = C extends new (scope: any, id: string, ...rest: infer R) => unknown ? R : never;

/** The objects of a fresh test chart holding just `new Ctor(chart, id, ...rest)`, rendered by renderChart (so schema-checked). */
export function renderNew<C extends ConstructClass>(Ctor: C, id: string, ...rest: RestOf<C>): any[] {
  const { chart } = testChart();
  new Ctor(chart, id, ...rest);
  return renderChart(chart);
}

/** The one object of `kind` named `name` (never by array index: render order is not a contract). */
export function find(objects: readonly any[], kind: string, name: string): any {
  const hits = objects.filter((o) => o.kind === kind && o.metadata?.name === name);
  if (hits.length !== 1)
    throw new Error(
      `expected one ${kind}/${name}, found ${hits.length} among ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`,
    );
  return hits[0];
}

export function ofKind(objects: readonly any[], kind: string): any[] {
  return objects.filter((o) => o.kind === kind);
}

/**
 * `value` frozen all the way down, for a render that several tests of a file share: a test that writes to it throws
 * (TypeError in strict mode) instead of changing what the next test reads.
 */
export function deepFrozen<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFrozen(v);
  }
  return value;
}

/** An AWS access key id, assembled at run time (no file holds a string a secret scanner would flag); `expectLeakFree` looks for it. */
export const AWS_KEY = ['AKIA', 'Q7CANARYTEST0000'].join('');

/** Expects no text of `err` (its message, and every field of every issue) to echo AWS_KEY. */
export function expectLeakFree(err: BlueprintError): void {
  expect(err.message + JSON.stringify(err.issues)).not.toContain('Q7CANARY');
}

/** Runs `fn`, expects a BlueprintError, and returns it. */
export function catchBlueprintError(fn: () => unknown): BlueprintError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BlueprintError) return e;
    throw new Error(`expected a BlueprintError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
  throw new Error('expected a BlueprintError, but nothing was thrown');
}

/** Runs `fn`, expects a BlueprintError, and returns its issues with `code`. */
export function issuesWithCode(fn: () => unknown, code: string): BlueprintError['issues'] {
  return catchBlueprintError(fn).issues.filter((i) => i.code === code);
}

/** Expects `fn` to fail with a BlueprintError carrying `code`; returns the matching issue. */
export function expectCode(fn: () => unknown, code: string) {
  const err = catchBlueprintError(fn);
  const issue = err.issues.find((i) => i.code === code);
  if (!issue) throw new Error(`expected code ${code}, got ${err.codes.join(', ')}:\n${err.message}`);
  expect(issue.fix.length).toBeGreaterThan(0);
  expect(issue.field.length).toBeGreaterThan(0);
  return issue;
}

/** The annotations of `object` that exempt it from a manifest linter (kube-linter, kube-score, Polaris): `{}` when none. */
export function linterAnnotations(object: any): Record<string, string> {
  const all: Record<string, string> = object.metadata?.annotations ?? {};
  return Object.fromEntries(
    Object.entries(all).filter(
      ([k]) => k.startsWith('ignore-check.kube-linter.io/') || k === 'kube-score/ignore' || k.startsWith('polaris.fairwinds.com/'),
    ),
  );
}

/**
 * The fewest pods a rendered workload runs: the minReplicas of a HorizontalPodAutoscaler of `objects` scaling it, else
 * its spec.replicas (which Kubernetes defaults to 1).
 */
export function fewestPods(objects: readonly any[], workload: any): number {
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find(
    (h) =>
      h.metadata.namespace === workload.metadata.namespace &&
      h.spec.scaleTargetRef.kind === workload.kind &&
      h.spec.scaleTargetRef.name === workload.metadata.name,
  );
  return hpa ? (hpa.spec.minReplicas ?? 1) : (workload.spec.replicas ?? 1);
}

/** What `rawWorkload` builds. */
export interface RawWorkloadOptions {
  /** @default 'Deployment' */
  readonly kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  readonly name: string;
  /** @default 'shop' */
  readonly namespace?: string;
  /** The selector's labels, which the pod template carries too. @default { app: name } */
  readonly labels?: Record<string, string>;
  /** Labels of the pod template beside `labels`. @default - none */
  readonly podLabels?: Record<string, string>;
  readonly containers: readonly object[];
  /** Other fields of the spec (replicas, volumeClaimTemplates), written before the selector. @default - none */
  readonly spec?: Record<string, unknown>;
  /** Other fields of the pod spec (securityContext, volumes), written after the containers. @default - none */
  readonly podSpec?: Record<string, unknown>;
}

/** An apps/v1 workload as a manifest file holds it (not rendered by a construct): for the checks of raw input. */
export function rawWorkload(o: RawWorkloadOptions): any {
  const labels = o.labels ?? { app: o.name };
  return {
    apiVersion: 'apps/v1',
    kind: o.kind ?? 'Deployment',
    metadata: { name: o.name, namespace: o.namespace ?? 'shop' },
    spec: {
      ...o.spec,
      selector: { matchLabels: labels },
      template: { metadata: { labels: { ...labels, ...o.podLabels } }, spec: { containers: o.containers, ...o.podSpec } },
    },
  };
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/**
 * A raw binding of `roleRef` (`'ClusterRole/edit'`, `'Role/deployer'`) to the group `group`: a RoleBinding with a
 * namespace in `metadata`, else a ClusterRoleBinding.
 */
export function rawRoleBinding(metadata: { name: string; namespace?: string }, roleRef: string, group: string): any {
  const [kind, name] = roleRef.split('/');
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: metadata.namespace === undefined ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata,
    roleRef: { apiGroup: RBAC_GROUP, kind, name },
    subjects: [{ kind: 'Group', name: group, apiGroup: RBAC_GROUP }],
  };
}

/** A raw External Secrets Operator ClusterSecretStore reading AWS through the provider settings `aws`. */
export function rawAwsSecretStore(name: string, aws: object): any {
  return { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name }, spec: { provider: { aws } } };
}
