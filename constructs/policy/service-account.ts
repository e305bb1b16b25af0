import { checkArgs, enter, is } from '../core/shape';
import { ApiObject } from 'cdk8s';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ServiceAccount as ServiceAccountModel } from 'kubernetes-models/v1/ServiceAccount';
import { Construct } from 'constructs';
import { Problems } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { modelObject } from '../core/model-object';
import { NameRule, objectNameIssues } from '../core/names';
import { NAMESPACE_SHAPE, namespaceName } from '../namespace/namespace-name';
import { TeamNamespace } from '../namespace/team-namespace';

/** One RBAC rule: verbs on resources of API groups, all named (no `*`). */
export interface PolicyRule {
  /** `''` is the core group. */
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
  /** Restrict to these object names. @default - all objects of the resources */
  readonly resourceNames?: readonly string[];
}

/** Props of a `ServiceAccount`. */
export interface ServiceAccountProps {
  /** The namespace: a `TeamNamespace` of the app, or a name. */
  readonly namespace: TeamNamespace | string;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /**
   * Mount the token in every pod running as the account. Only for pods whose
   * spec an operator writes (e.g. prometheus-operator's Prometheus, which
   * discovers its targets through the API): our own workloads ask per pod.
   * @default false
   */
  readonly mountToken?: boolean;
}

/** The shape of the props (checked at entry). */
const SERVICE_ACCOUNT_SHAPE = is.props<ServiceAccountProps>({ namespace: NAMESPACE_SHAPE, name: is.string, mountToken: is.boolean });
/** The shape of the rules `grant` and `grantClusterWide` take. */
const RULES_SHAPE = is.list(
  is.props<PolicyRule>(
    { apiGroups: is.list(is.string), resources: is.list(is.string), verbs: is.list(is.string), resourceNames: is.list(is.string) },
    ['apiGroups', 'resources', 'verbs'],
  ),
);

/**
 * A ServiceAccount whose token is not mounted unless a workload asks for it,
 * with least-privilege grants: `grant()` (Role + RoleBinding in its own
 * namespace) and `grantClusterWide()` (ClusterRole + ClusterRoleBinding).
 * Rules must name their verbs, resources and groups; `cluster-admin` cannot be
 * bound through it.
 */
export class ServiceAccount extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  private grants = 0;

  constructor(scope: Construct, id: string, props: ServiceAccountProps) {
    const { problems, props: own } = enter(scope, id, props, 'ServiceAccount', SERVICE_ACCOUNT_SHAPE);
    props = own; // the entry's frozen snapshot: the caller's object is not read again
    super(scope, id);
    this.name = props.name ?? id;
    this.namespace = namespaceName(props.namespace);
    problems.addAll(...objectNameIssues(NameRule.DNS1123_SUBDOMAIN, this.name, this.namespace));
    problems.throwIfAny();
    modelObject(
      this,
      'Resource',
      () =>
        new ServiceAccountModel({
          metadata: { name: this.name, namespace: this.namespace, labels: componentLabels({ name: this.name, component: 'identity' }) },
          automountServiceAccountToken: props.mountToken ?? false,
        }),
    );
  }

  /** Whether `grant` or `grantClusterWide` has bound the account to a role: only then does a pod need its token. */
  public get granted(): boolean {
    return this.grants > 0;
  }

  /** Grants `rules` in the account's own namespace (Role + RoleBinding). */
  public grant(rules: readonly PolicyRule[]): ApiObject {
    checkArgs('ServiceAccount.grant', ['rules', rules, RULES_SHAPE]);
    return this.bind('Role', 'RoleBinding', rules);
  }

  /** Grants `rules` across the cluster (ClusterRole + ClusterRoleBinding); for controllers that need it. */
  public grantClusterWide(rules: readonly PolicyRule[]): ApiObject {
    checkArgs('ServiceAccount.grantClusterWide', ['rules', rules, RULES_SHAPE]);
    return this.bind('ClusterRole', 'ClusterRoleBinding', rules);
  }

  private bind(
    roleKind: 'Role' | 'ClusterRole',
    bindingKind: 'RoleBinding' | 'ClusterRoleBinding',
    rules: readonly PolicyRule[],
  ): ApiObject {
    const problems = new Problems(this, 'ServiceAccount');
    problems.check(rules.length === 0, {
      code: 'RBAC_INVALID',
      field: 'rules',
      value: [],
      message: 'is empty',
      fix: 'grant what the workload needs, e.g. get/list/watch on pods',
    });
    rules.forEach((r, i) => {
      for (const k of ['apiGroups', 'resources', 'verbs'] as const) {
        problems.check(r[k].includes('*'), {
          code: 'RBAC_INVALID',
          field: `rules[${i}].${k}`,
          value: r[k],
          message: "contains '*', which grants everything present and future",
          fix: `list the ${k} the workload needs`,
        });
        problems.check(r[k].length === 0, {
          code: 'RBAC_INVALID',
          field: `rules[${i}].${k}`,
          value: r[k],
          message: 'is empty',
          fix: `list the ${k} the rule applies to`,
        });
      }
    });
    problems.throwIfAny();
    const n = ++this.grants;
    const name = roleKind === 'Role' ? `${this.name}-${n}` : `${this.namespace}-${this.name}-${n}`;
    const labels = componentLabels({ name: this.name, component: 'access' });
    const [RoleModel, BindingModel] = roleKind === 'Role' ? [Role, RoleBinding] : [ClusterRole, ClusterRoleBinding];
    const metadata = { name, namespace: roleKind === 'Role' ? this.namespace : undefined, labels };
    modelObject(
      this,
      `${roleKind}${n}`,
      () =>
        new RoleModel({
          metadata,
          rules: rules.map((r) => ({
            apiGroups: [...r.apiGroups],
            resources: [...r.resources],
            verbs: [...r.verbs],
            resourceNames: r.resourceNames && [...r.resourceNames],
          })),
        }),
    );
    return modelObject(
      this,
      `${bindingKind}${n}`,
      () =>
        new BindingModel({
          metadata,
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name },
          subjects: [{ kind: 'ServiceAccount', name: this.name, namespace: this.namespace }],
        }),
    );
  }
}
