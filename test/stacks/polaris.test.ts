import { ENVIRONMENTS, buildEnvironment, environment } from '../../stacks/environments';
import { renderApp } from '../../constructs';
import { TeamNamespace } from '../../constructs';
import { deepFrozen, fewestPods, ofKind, renderChart, testChart } from '../helpers';

/*
 * Each environment's output read the way Polaris reads it (FairwindsOps/polaris pkg/config/checks/*.yaml, default
 * severities of pkg/config/default.yaml), for the checks the library answers with a field or an exemption: every pod
 * controller passes each check or carries `polaris.fairwinds.com/<check>-exempt: "true"`, and where it is exempt, the
 * library's own verdict on the same question agrees (a default-deny namespace, one pod per node, one replica outside
 * production).
 */

const renders = new Map<string, readonly any[]>();
function rendered(name: string): readonly any[] {
  if (!renders.has(name)) renders.set(name, deepFrozen(renderApp(buildEnvironment(environment(name))).flatMap((r) => r.objects)));
  return renders.get(name)!;
}

const CONTROLLERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);
const id = (o: any) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
const template = (o: any) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template);
const exempt = (o: any, check: string) =>
  o.metadata.annotations?.['polaris.fairwinds.com/exempt'] === 'true' ||
  o.metadata.annotations?.[`polaris.fairwinds.com/${check}-exempt`] === 'true';
const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** missingNetworkPolicy: one NetworkPolicy whose matchLabels match exactly one of the pod's labels (oneOf), with ingress and egress rules and both policyTypes. */
function hasPolarisPolicy(objects: readonly any[], o: any): boolean {
  const labels: Record<string, string> = template(o).metadata?.labels ?? {};
  return ofKind(objects, 'NetworkPolicy')
    .filter((p) => p.metadata.namespace === o.metadata.namespace)
    .some((p) => {
      const match = p.spec.podSelector?.matchLabels;
      if (match === undefined) return false;
      const matching = Object.entries(labels).filter(([k, v]) => k in match && match[k] === v).length;
      const types = arr(p.spec.policyTypes).map((t) => String(t).toLowerCase());
      return (
        matching === 1 &&
        arr(p.spec.ingress).length > 0 &&
        arr(p.spec.egress).length > 0 &&
        types.includes('ingress') &&
        types.includes('egress')
      );
    });
}

/** GOV_DEFAULT_DENY's test: a policy selecting every pod, isolating both directions, admitting nothing. */
function defaultDenies(objects: readonly any[], ns: string): boolean {
  return ofKind(objects, 'NetworkPolicy').some(
    (p) =>
      p.metadata.namespace === ns &&
      Object.keys(p.spec.podSelector ?? {}).length === 0 &&
      ['Ingress', 'Egress'].every((t) => arr(p.spec.policyTypes).includes(t)) &&
      arr(p.spec.ingress).length === 0 &&
      arr(p.spec.egress).length === 0,
  );
}

/*
 * The RBAC pod-exec checks (rolePodExecAttach, clusterrolePodExecAttach, rolebindingRolePodExecAttach,
 * rolebindingClusterRolePodExecAttach). A binding's additionalSchemaStrings are templated with the binding (a template that
 * renders empty adds no validator) and pass when one object of that kind IN THE BINDING'S NAMESPACE (pkg/validator/schema.go
 * filters by it) has the referenced name and no rule granting exec: a RoleBinding to a ClusterRole, which has no namespace,
 * never passes.
 */
const isSystem = (name: unknown) => typeof name === 'string' && (name.startsWith('system:') || name === 'gce:podsecuritypolicy:calico-sa');
/** A rule as the checks' `not` schema reads it: core or '*' group, '*' or pods/exec or pods/attach, and '*', get or create. */
const execRule = (r: any) =>
  Array.isArray(r.apiGroups) &&
  Array.isArray(r.resources) &&
  Array.isArray(r.verbs) &&
  r.apiGroups.some((g: string) => g === '' || g === '*') &&
  r.resources.some((x: string) => ['*', 'pods/exec', 'pods/attach'].includes(x)) &&
  r.verbs.some((x: string) => ['*', 'get', 'create'].includes(x));
const noExec = (role: any) => Array.isArray(role.rules) && !role.rules.some(execRule);

/** The objects failing the RBAC pod-exec checks, as `<check> <kind>/<namespace>/<name>`, exemptions honoured. */
function polarisPodExecFailures(objects: readonly any[]): string[] {
  const failures: string[] = [];
  const fail = (check: string, o: any) => {
    if (!exempt(o, check)) failures.push(`${check} ${id(o)}`);
  };
  for (const r of ofKind(objects, 'Role')) if (!isSystem(r.metadata.name) && !noExec(r)) fail('rolePodExecAttach', r);
  for (const r of ofKind(objects, 'ClusterRole'))
    if (!['admin', 'cluster-admin', 'edit'].includes(r.metadata.name) && !isSystem(r.metadata.name) && !noExec(r))
      fail('clusterrolePodExecAttach', r);
  const inNamespace = (kind: string, ns: string) => ofKind(objects, kind).filter((x) => (x.metadata.namespace ?? '') === ns);
  for (const b of ofKind(objects, 'RoleBinding')) {
    const ref = b.roleRef ?? {};
    const rbac = ref.apiGroup === 'rbac.authorization.k8s.io';
    const named = typeof ref.name === 'string' && ref.name.length > 0;
    const additional = (kind: string) =>
      ref.kind !== kind ||
      isSystem(b.metadata.name) ||
      inNamespace(kind, b.metadata.namespace).some((r) => r.metadata.name === ref.name && noExec(r));
    const toClusterRole = ref.kind === 'Role' || isSystem(b.metadata.name) || (rbac && ref.kind === 'ClusterRole' && named);
    if (!toClusterRole || !additional('ClusterRole')) fail('rolebindingClusterRolePodExecAttach', b);
    const toRole = (rbac && ref.kind === 'ClusterRole') || isSystem(b.metadata.name) || (rbac && ref.kind === 'Role' && named);
    if (!toRole || !additional('Role')) fail('rolebindingRolePodExecAttach', b);
  }
  return failures;
}

describe.each(Object.keys(ENVIRONMENTS))('environment %s, read as Polaris reads it', (name) => {
  const objects = rendered(name);
  const controllers = objects.filter((o) => CONTROLLERS.has(o.kind));
  const production = environment(name).production === true;

  test('has pod controllers of every kind it checks', () => {
    expect(new Set(controllers.map((o) => o.kind))).toEqual(CONTROLLERS);
  });

  test('missingNetworkPolicy: a Polaris-shaped NetworkPolicy, or the exemption in a namespace that denies all by default', () => {
    const failing = controllers.filter((o) => !hasPolarisPolicy(objects, o) && !exempt(o, 'missingNetworkPolicy'));
    expect(failing.map(id)).toEqual([]);
    const unfounded = controllers.filter((o) => exempt(o, 'missingNetworkPolicy') && !defaultDenies(objects, o.metadata.namespace));
    expect(unfounded.map(id)).toEqual([]);
  });

  test('hostPathSet: only a DaemonSet mounting the node is exempt, and every hostPath pod is', () => {
    const hostPath = (o: any) => arr(template(o).spec.volumes).some((v) => v.hostPath !== undefined);
    expect(controllers.filter((o) => hostPath(o) && !exempt(o, 'hostPathSet')).map(id)).toEqual([]);
    expect(controllers.filter((o) => exempt(o, 'hostPathSet') && !(o.kind === 'DaemonSet' && hostPath(o))).map(id)).toEqual([]);
    expect(controllers.some(hostPath)).toBe(true);
  });

  test('topologySpreadConstraint: spread, or a DaemonSet, or one pod outside production', () => {
    const judged = controllers.filter((o) => o.kind !== 'Job' && o.kind !== 'CronJob');
    const failing = judged.filter(
      (o) => arr(template(o).spec.topologySpreadConstraints).length === 0 && !exempt(o, 'topologySpreadConstraint'),
    );
    expect(failing.map(id)).toEqual([]);
    const unfounded = judged.filter(
      (o) => exempt(o, 'topologySpreadConstraint') && o.kind !== 'DaemonSet' && (production || fewestPods(objects, o) >= 2),
    );
    // A one-pod canary or idle colour is exempt in every environment (its stable track carries the spread).
    expect(
      unfounded
        .filter((o) => !o.metadata.labels?.['cluster-blueprints.io/release-track'] && !o.metadata.labels?.['cluster-blueprints.io/color'])
        .map(id),
    ).toEqual([]);
  });

  test('deploymentMissingReplicas and hpaMinAvailability: two pods, or one declared outside production', () => {
    const deployments = ofKind(objects, 'Deployment');
    const failing = deployments.filter((o) => (o.spec.replicas ?? 1) < 2 && !exempt(o, 'deploymentMissingReplicas'));
    expect(failing.map(id)).toEqual([]);
    const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.filter((h) => (h.spec.minReplicas ?? 1) < 2 && !exempt(h, 'hpaMinAvailability')).map(id)).toEqual([]);
    if (production) expect(hpas.filter((h) => exempt(h, 'hpaMinAvailability')).map(id)).toEqual([]);
  });

  test('metadataAndInstanceMismatched: app.kubernetes.io/instance is the name, or the name carries a spec hash', () => {
    const failing = controllers.filter(
      (o) => o.metadata.labels?.['app.kubernetes.io/instance'] !== o.metadata.name && !exempt(o, 'metadataAndInstanceMismatched'),
    );
    expect(failing.map(id)).toEqual([]);
    const unfounded = controllers.filter(
      (o) =>
        exempt(o, 'metadataAndInstanceMismatched') &&
        !(o.kind === 'Job' && o.metadata.name.startsWith(`${o.metadata.labels['app.kubernetes.io/instance']}-`)),
    );
    expect(unfounded.map(id)).toEqual([]);
  });

  test('priorityClassNotSet: every pod names its class when the output has a globalDefault PriorityClass', () => {
    const globalDefault = ofKind(objects, 'PriorityClass').find((p) => p.globalDefault === true);
    expect(globalDefault).toBeDefined();
    expect(controllers.filter((o) => template(o).spec.priorityClassName === undefined).map(id)).toEqual([]);
    // The operator's pods too: a Prometheus carries its own priorityClassName.
    expect(
      ofKind(objects, 'Prometheus')
        .filter((p) => p.spec.priorityClassName === undefined)
        .map(id),
    ).toEqual([]);
  });

  test('the RBAC pod-exec checks: every RoleBinding binds a Role of its namespace that grants no shell into pods', () => {
    expect(ofKind(objects, 'RoleBinding').length).toBeGreaterThan(0);
    expect(polarisPodExecFailures(objects)).toEqual([]);
  });
});

describe('TeamNamespace access, read as Polaris reads it', () => {
  const access = { view: ['sre'], edit: ['devs'], admin: ['leads'], debug: ['oncall'] };

  test('the RBAC pod-exec checks pass for every level; team-debug passes by its exemptions alone', () => {
    const { chart } = testChart();
    new TeamNamespace(chart, 'payments', { access });
    const objects = renderChart(chart);
    expect(polarisPodExecFailures(objects)).toEqual([]);
    // Without its annotations the debug grant is what the checks look for, and only it.
    for (const o of objects) if (o.metadata.annotations) o.metadata.annotations = {};
    expect(polarisPodExecFailures(objects)).toEqual([
      'rolePodExecAttach Role/payments/team-debug',
      'rolebindingRolePodExecAttach RoleBinding/payments/team-debug',
    ]);
  });
});
