import { checkArgs, enter, is } from '../core/shape';
import { ApiObject } from 'cdk8s';
// The generated Kube* classes alone: cdk8s-plus-28's index also loads all its constructs (about 100 ms of every import).
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import { addCheck, perPass } from '../core/checks';
import { IssueInput, Problems } from '../core/errors';
import { ResolvedCompute } from '../core/resources';
import { clusterFactsOf } from '../core/cluster-facts';
import { Annotations, ENVIRONMENT_LABEL, componentLabels, exemptPolarisCheck, exemptRuntimePodsPolicy, setOwner } from '../core/metadata';
import { NameRule, checkedName, nameIssue, selectorLabelIssues } from '../core/names';
import { broadSubjectReason } from '../core/rbac-subjects';
import { keyField } from '../core/field-path';
import { repeatIssues } from '../core/value-issues';
import { Cpu, Memory, Quantity, Storage } from '../core/quantity';
import {
  CLAIM_LIMITS_SHAPE,
  CONTAINER_LIMITS_SHAPE,
  ClaimLimitsProps,
  ContainerLimitsProps,
  EffectiveDefaults,
  LimitRange,
} from './limit-range';
import { ClusterIssuer } from '../networking/cluster-issuer';
import { Peer } from '../networking/network-intent';
import {
  NamespaceQuota,
  QUOTA_LIMITS_SHAPE,
  QuotaLimits,
  QuotaPods,
  QuotaPreset,
  ResourceQuota,
  podQuotaExcesses,
  quotaFromManifest,
} from './resource-quota';
import { podTemplateOf } from '../rules/manifest-index';
import { StorageClass } from '../storage/storage-class';
import { claimStorageClassNameIssue } from '../storage/claim-storage-class';

/** Pod Security Standard levels. @see https://kubernetes.io/docs/concepts/security/pod-security-standards/ */
export enum PodSecurityLevel {
  PRIVILEGED = 'privileged',
  BASELINE = 'baseline',
  RESTRICTED = 'restricted',
}

/** Pod Security Admission labels of the namespace. */
export interface PodSecurityProps {
  /** Level enforced (violating pods are rejected). @default PodSecurityLevel.RESTRICTED */
  readonly enforce?: PodSecurityLevel;
  /** Level audited (violations logged). @default - same as `enforce` */
  readonly audit?: PodSecurityLevel;
  /** Level warned about (violations shown to the client). @default - same as `enforce` */
  readonly warn?: PodSecurityLevel;
  /**
   * Policy version, pinned so a cluster upgrade never tightens the policy under running teams.
   * @default 'v1.28'
   */
  readonly version?: string;
}

/**
 * Groups given access inside the namespace. Each level is a namespaced Role of the
 * TeamNamespace's own (`team-view`, `team-edit`, `team-admin`), bound by a RoleBinding
 * of the same name, with explicit rules modelled on the built-in `view`/`edit`/`admin`
 * ClusterRoles but without a shell into pods: none of them grants `pods/exec`,
 * `pods/attach`, `pods/portforward`, `pods/proxy`, `services/proxy` or
 * `pods/ephemeralcontainers` (exec into a pod reads every Secret and token it mounts;
 * the proxies reach pods from the API server, past the default-deny NetworkPolicies).
 * That is `debug`, granted on purpose. No level impersonates ServiceAccounts, mints
 * their tokens or uses `deletecollection`. Of the custom resources operators aggregate
 * into the built-in roles, the Roles hold those the output puts in team namespaces:
 * ExternalSecrets, Certificates, ServiceMonitors and PodMonitors (read by `view`, written
 * by `edit`), VerticalPodAutoscalers, SecretStores and cert-manager's requests, orders and
 * challenges (read only); for any other, bind a Role of your own.
 *
 * `edit`, `admin` and `debug` run code in the namespace's pods, so a namespace that
 * enforces the `privileged` Pod Security level refuses them (ACCESS_PRIVILEGED_NAMESPACE:
 * such a pod is root on its node); grant `view` there and deploy through GitOps or CI.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
 */
export interface TeamAccessProps {
  /**
   * Groups bound to `team-view`: read the namespace's workloads, pods and their logs,
   * Services, ConfigMaps, claims, events, quota and policies. Not Secrets (as the built-in `view`).
   * @default - none
   */
  readonly view?: readonly string[];
  /**
   * Groups bound to `team-edit`: `team-view`, plus create, change and delete workloads,
   * pods (and evict them), Services, ConfigMaps, claims, ServiceAccounts, autoscalers,
   * disruption budgets and Ingresses, ExternalSecrets, Certificates, ServiceMonitors and
   * PodMonitors. Not Secrets (they come from the secret store through SecretDeclaration),
   * SecretStores, NetworkPolicies or RBAC. A pod it creates can still mount a Secret of
   * the namespace, and a ServiceMonitor can name one for Prometheus to send to a target:
   * the Role keeps Secrets out of reads, not out of workloads. An ExternalSecret brings into
   * the namespace any key the stores it may name can read: the stores are the bound. A pod
   * it creates may also run as any ServiceAccount of the namespace, with that account's
   * grants (in `monitoring`, the Prometheus account reads the nodes, and the pods, Services and
   * endpoints of every namespace): give a namespace with powerful accounts `view` only. Refused in a
   * namespace enforcing `privileged` (ACCESS_PRIVILEGED_NAMESPACE).
   * @default - none
   */
  readonly edit?: readonly string[];
  /**
   * Groups bound to `team-admin`: `team-edit`, plus Secrets, NetworkPolicies, and Roles
   * and RoleBindings in the namespace. RBAC itself stops an admin from granting more than
   * it holds: it cannot bind `team-debug`, nor the built-in `admin` or `edit`. As `edit`,
   * its pods may run as any ServiceAccount of the namespace, and it is refused in a
   * namespace enforcing `privileged` (ACCESS_PRIVILEGED_NAMESPACE).
   * @default - none
   */
  readonly admin?: readonly string[];
  /**
   * Groups bound to `team-debug`: `kubectl exec`, `attach`, `port-forward` and `debug`
   * (ephemeral containers) into the namespace's pods, and reading pods to find them. A
   * shell in a pod reads the Secrets and ServiceAccount tokens it mounts, so this is an
   * explicit grant; combine it with `view` or `edit`. The Role and its RoleBinding carry
   * the Polaris exemptions `rolePodExecAttach` and `rolebindingRolePodExecAttach` (and so
   * pass SEC_RBAC_POD_EXEC): the grant is deliberate. Refused in a namespace enforcing
   * `privileged` (ACCESS_PRIVILEGED_NAMESPACE): a shell in a privileged pod, or a
   * privileged ephemeral container, is root on the node.
   * @default - none: nobody execs into the namespace's pods
   */
  readonly debug?: readonly string[];
}

/** Props of a `TeamNamespace`. */
export interface TeamNamespaceProps {
  /** Namespace name (DNS-1123 label). @default - the construct id */
  readonly name?: string;
  /** Owner annotation on every object of the team. @default - the namespace name */
  readonly owner?: string;
  /** Quota: a preset or explicit limits. @default QuotaPreset.SMALL */
  readonly quota?: QuotaPreset | QuotaLimits;
  /**
   * Per-container bounds and defaults.
   * @default - defaultRequest 100m/128Mi, default 500m/512Mi, min 10m/16Mi, max = the
   *   quota's limits capped at 4 CPU / 8Gi; ephemeral storage defaultRequest 256Mi and
   *   default 1Gi (shrunk to fit an ephemeral-storage quota)
   */
  readonly containerLimits?: ContainerLimitsProps;
  /** Smallest and largest PersistentVolumeClaim. @default - no bounds */
  readonly claimLimits?: ClaimLimitsProps;
  /** Pod Security Admission. @default - `restricted` enforced, audited and warned, version v1.28 */
  readonly podSecurity?: PodSecurityProps;
  /** Who may do what. @default - no bindings */
  readonly access?: TeamAccessProps;
  /**
   * Marks the namespace as holding data (`cluster-blueprints.io/retain`), so a
   * deploy tool never deletes it with everything inside. Set it on every
   * namespace holding claims or StatefulSets with claims: the Prune=false a
   * render derives from the holders goes with the last of them
   * (NAMESPACE_DATA_UNDECLARED warns).
   * @default false
   */
  readonly holdsData?: boolean;
  /** Extra labels on the Namespace object. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The StorageClass of the claims made in this namespace that name none (a
   * StatefulService's claims, a PersistentVolumeClaim, Monitoring's Prometheus
   * claim): a StorageClass of the output, or the name of one the cluster has.
   * A class given on the claim wins. `ClusterPlatform` sets its `data` class
   * (reclaimPolicy Retain) on every team.
   * @default - none: such claims render no `storageClassName` and get the cluster's
   *   default StorageClass (on EKS `gp2`, reclaimPolicy Delete)
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class-1
   */
  readonly defaultStorageClass?: StorageClass | string;
}

/** Per-pod resource use, after the namespace's LimitRange filled the gaps. */
export interface PodResources {
  readonly requests: ResolvedCompute;
  readonly limits: ResolvedCompute;
}

/** A namespace's summed use, per resource. */
export interface PeakCompute {
  /** CPU (`requests.cpu` / `limits.cpu`). */
  cpu: Cpu;
  /** Memory (`requests.memory` / `limits.memory`). */
  memory: Memory;
  /** Local ephemeral storage (`requests.ephemeral-storage` / `limits.ephemeral-storage`). */
  ephemeralStorage: Storage;
}

/** Something that counts against a namespace's quota (every workload). */
export interface IQuotaConsumer extends IConstruct {
  readonly name: string;
  /** Most pods it can run at once (replicas or HPA max, plus rollout surge). */
  readonly maxPods: number;
  /** Requests and limits of one pod. */
  podResources(): PodResources;
  /** Claims it creates, for `persistentvolumeclaims` and `requests.storage`. */
  claimUsage?(): { count: number; storage: Storage };
  /** What its Services count against `services.loadbalancers` and `services.nodeports` (one node port per Service port). */
  serviceUsage?(): { loadBalancers: number; nodePorts: number };
}

const DEFAULTS = {
  podSecurityVersion: 'v1.28',
  defaultRequest: { cpu: '100m', memory: '128Mi' },
  defaultLimit: { cpu: '500m', memory: '512Mi' },
  /**
   * Room for logs and a small /tmp, for pods applied by hand: Kubernetes bounds
   * no container's disk by itself (and counts one that sets none as zero against
   * an ephemeral-storage quota).
   */
  ephemeralStorage: { defaultRequest: '256Mi', default: '1Gi' },
  min: { cpu: '10m', memory: '16Mi' },
  maxCap: { cpu: '4', memory: '8Gi' },
  serviceAccountName: 'workload',
  dnsNamespace: 'kube-system',
} as const;

const READ = ['get', 'list', 'watch'];
/** No `deletecollection`: one call would empty a whole kind (kube-linter deletecollection-verb-in-role). */
const WRITE = ['create', 'update', 'patch', 'delete'];
const rule = (apiGroups: string[], resources: string[], verbs: string[]): k8s.PolicyRule => ({ apiGroups, resources, verbs });

/**
 * The rules of the team Roles, modelled on Kubernetes' bootstrap `system:aggregate-to-view`,
 * `-edit` and `-admin` (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), without
 * the `extensions` group (no longer served), without a shell into or a path to pods
 * (pods/exec, attach, portforward, proxy, services/proxy: `debug` grants the first three and
 * ephemeral containers), without ServiceAccount impersonation and tokens, and with
 * NetworkPolicies and Secrets left to `admin`. No wildcards.
 */
const TEAM_ROLE_RULES: Readonly<Record<'view' | 'edit' | 'admin' | 'debug', readonly k8s.PolicyRule[]>> = {
  view: [
    rule(
      [''],
      [
        'pods',
        'pods/log',
        'pods/status',
        'services',
        'services/status',
        'endpoints',
        'persistentvolumeclaims',
        'persistentvolumeclaims/status',
        'configmaps',
        'serviceaccounts',
        'replicationcontrollers',
        'replicationcontrollers/scale',
        'replicationcontrollers/status',
        'limitranges',
        'resourcequotas',
        'resourcequotas/status',
        'events',
        // In a Role: this namespace only.
        'namespaces',
        'namespaces/status',
      ],
      READ,
    ),
    rule(['discovery.k8s.io'], ['endpointslices'], READ),
    rule(
      ['apps'],
      [
        'controllerrevisions',
        'daemonsets',
        'daemonsets/status',
        'deployments',
        'deployments/scale',
        'deployments/status',
        'replicasets',
        'replicasets/scale',
        'replicasets/status',
        'statefulsets',
        'statefulsets/scale',
        'statefulsets/status',
      ],
      READ,
    ),
    rule(['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'], READ),
    rule(['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status'], READ),
    rule(['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status'], READ),
    rule(['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies'], READ),
    // The custom resources the output puts in team namespaces, as their operators' own `-view` aggregates read them
    // (external-secrets' chart, cert-manager's chart, prometheus-operator's rbac-crd example). A SecretStore holds
    // references to Secrets, not their values; clustersecretstores are cluster-scoped, beyond a Role.
    rule(['external-secrets.io'], ['externalsecrets', 'secretstores'], READ),
    // A pending Certificate is read down its chain: request, ACME order, challenge.
    rule(['cert-manager.io'], ['certificates', 'certificaterequests'], READ),
    rule(['acme.cert-manager.io'], ['orders', 'challenges'], READ),
    rule(['autoscaling.k8s.io'], ['verticalpodautoscalers'], READ),
    rule(['monitoring.coreos.com'], ['servicemonitors', 'podmonitors'], READ),
  ],
  edit: [
    rule(
      [''],
      [
        'pods',
        'services',
        'persistentvolumeclaims',
        'configmaps',
        'serviceaccounts',
        'replicationcontrollers',
        'replicationcontrollers/scale',
      ],
      WRITE,
    ),
    rule([''], ['pods/eviction'], ['create']),
    rule(
      ['apps'],
      ['daemonsets', 'deployments', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'],
      WRITE,
    ),
    rule(['autoscaling'], ['horizontalpodautoscalers'], WRITE),
    rule(['batch'], ['cronjobs', 'jobs'], WRITE),
    rule(['policy'], ['poddisruptionbudgets'], WRITE),
    rule(['networking.k8s.io'], ['ingresses'], WRITE),
    // Of what the operators' `-edit` aggregates grant, the kinds a team declares itself. Not SecretStores (a store
    // makes the ESO controller authenticate, e.g. with a token it mints for a ServiceAccount of the namespace: the
    // platform's stores are the bound of what an ExternalSecret may fetch), Issuers, CertificateRequests (a raw CSR
    // past the Certificate) or Prometheus/Alertmanager (the operator runs their pods, as any ServiceAccount named).
    rule(['external-secrets.io'], ['externalsecrets'], WRITE),
    rule(['cert-manager.io'], ['certificates'], WRITE),
    rule(['monitoring.coreos.com'], ['servicemonitors', 'podmonitors'], WRITE),
  ],
  admin: [
    rule([''], ['secrets'], [...READ, ...WRITE]),
    // The namespace's default-deny is a guard rail: only admins change it.
    rule(['networking.k8s.io'], ['networkpolicies'], WRITE),
    // No bind or escalate: RBAC lets an admin grant only what it holds itself.
    rule(['rbac.authorization.k8s.io'], ['roles', 'rolebindings'], [...READ, ...WRITE]),
    rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
  ],
  debug: [
    // kubectl reads the pod before it execs, attaches, forwards or adds a container.
    rule([''], ['pods'], ['get', 'list']),
    // `get` too: an exec or attach can also be opened by a GET upgraded to a web socket.
    rule([''], ['pods/attach', 'pods/exec', 'pods/portforward'], ['get', 'create']),
    rule([''], ['pods/ephemeralcontainers'], ['get', 'patch', 'update']),
  ],
};

/** Access levels: each holds the rules of those before it (`debug` stands alone). */
const ACCESS_LEVELS = { view: ['view'], edit: ['view', 'edit'], admin: ['view', 'edit', 'admin'], debug: ['debug'] } as const;

const LEVEL = is.oneOf(Object.values(PodSecurityLevel), 'PodSecurityLevel');
/** The shape of `TeamNamespaceProps` (quantities keep their own typed checks). */
const TEAM_NAMESPACE_SHAPE = is.props<TeamNamespaceProps>({
  name: is.string,
  owner: is.string,
  quota: QUOTA_LIMITS_SHAPE,
  containerLimits: CONTAINER_LIMITS_SHAPE,
  claimLimits: CLAIM_LIMITS_SHAPE,
  podSecurity: is.props<PodSecurityProps>({ enforce: LEVEL, audit: LEVEL, warn: LEVEL, version: is.string }),
  access: is.props<TeamAccessProps>({
    view: is.list(is.string),
    edit: is.list(is.string),
    admin: is.list(is.string),
    debug: is.list(is.string),
  }),
  holdsData: is.boolean,
  labels: is.map(is.string),
  defaultStorageClass: is.either(is.instance(StorageClass), is.string),
});

/** What each level that runs code in the namespace's pods can do there, for ACCESS_PRIVILEGED_NAMESPACE. */
const POD_RUNNING_LEVELS: Readonly<Record<'edit' | 'admin' | 'debug', string>> = {
  edit: 'creates pods and workloads',
  admin: 'creates pods and workloads',
  debug: 'execs into pods and adds ephemeral containers to them',
};

/**
 * ACCESS_PRIVILEGED_NAMESPACE: `edit`, `admin` or `debug` in a namespace that enforces `privileged`. Pod Security admits
 * any pod there: one the group creates (or an ephemeral container it adds) may be privileged, share the host's PID and
 * network namespaces or mount the node's root, and a shell in the node agents that run there is one already. That is
 * root on the node, and every Secret and token of the pods on it: what leaving out pods/exec is meant to prevent.
 */
function privilegedAccessIssues(enforce: PodSecurityLevel, access: TeamAccessProps | undefined): IssueInput[] {
  if (enforce !== PodSecurityLevel.PRIVILEGED) return [];
  return (Object.keys(POD_RUNNING_LEVELS) as (keyof typeof POD_RUNNING_LEVELS)[])
    .filter((level) => Array.isArray(access?.[level]) && access[level].length > 0)
    .map((level) => ({
      code: 'ACCESS_PRIVILEGED_NAMESPACE',
      field: `access.${level}`,
      value: access![level],
      message: `${POD_RUNNING_LEVELS[level]} in a namespace enforcing the privileged Pod Security level, which admits privileged, hostPID and hostPath "/" pods: root on every node they land on, with the Secrets and tokens of every pod there`,
      fix: `grant view (access: { view: [...] }) and deploy the namespace's pods through GitOps or CI; or enforce baseline or restricted (podSecurity.enforce) and move what needs privileged to a namespace of its own`,
    }));
}

/** Namespaces every cluster has, with the system's own pods in them. */
const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * Why a label the Namespace object already carries may not be set by hand (its
 * value would be overwritten, silently), or undefined when it may.
 */
function reservedLabelIssue(key: string, ownLabels: ReadonlySet<string>): { message: string; fix: string } | undefined {
  if (key === ENVIRONMENT_LABEL)
    return {
      message: 'is set from the environment: a hand-set value would switch the production checks on or off behind its back',
      fix: "remove the label; declare production with setClusterFacts(app, { production: true }) or a ClusterPlatform's production",
    };
  if (key.startsWith('pod-security.kubernetes.io/'))
    return {
      message: 'is set from podSecurity: the hand-set value would be overwritten, and the checks judge the pods by podSecurity',
      fix: 'remove the label; set podSecurity: { enforce: PodSecurityLevel.BASELINE } (or audit, warn, version) instead',
    };
  if (key === 'kubernetes.io/metadata.name')
    return { message: "is set by the API server to the namespace's name", fix: 'remove the label' };
  if (ownLabels.has(key))
    return {
      message: 'is set by the TeamNamespace itself: the hand-set value would be overwritten',
      fix: 'remove the label, or use a key of your own',
    };
  return undefined;
}

/** The ApiObjects of the tree by namespace, once per check pass (every TeamNamespace asks). */
function objectsByNamespace(scope: IConstruct): ReadonlyMap<string, readonly ApiObject[]> {
  return perPass(scope, 'objects-by-namespace', (all) => {
    const out = new Map<string, ApiObject[]>();
    for (const c of all) {
      if (!(c instanceof ApiObject) || c.metadata.namespace === undefined) continue;
      const list = out.get(c.metadata.namespace) ?? [];
      list.push(c);
      out.set(c.metadata.namespace, list);
    }
    return out;
  });
}

/** Kinds whose pods (or pod templates) kube-score's networkpolicy-targets-pod and kube-linter's dangling-networkpolicy match. */
const POD_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
]);

/** Why the namespace-wide policies of a TeamNamespace without a pod template of the output need no pod to match. */
const NO_POD_TEMPLATE_HERE =
  'selects every pod of the namespace (an empty podSelector) by design; the output renders no pod template here: the pods are deployed by another output or created by an operator at runtime';

/** The namespace-wide policies of each tree's TeamNamespaces, by namespace, which one validation of the root judges. */
const namespaceWideOfRoot = new WeakMap<IConstruct, { readonly namespace: string; readonly policies: readonly ApiObject[] }[]>();

/**
 * Registers the namespace-wide `policies` of namespace `namespace` for a validation of the root, added with the tree's
 * first TeamNamespace: it finds the namespaces holding a pod template of the output in one walk of the tree (a walk per
 * namespace made a synth quadratic in their number) and exempts the policies of the others (exemptRuntimePodsPolicy).
 * A node validation runs when the tree is complete (a workload may come after its namespace), on every synth path,
 * before serializing.
 */
function judgeNamespaceWidePolicies(scope: IConstruct, namespace: string, policies: readonly ApiObject[]): void {
  const root = scope.node.root;
  let registered = namespaceWideOfRoot.get(root);
  if (!registered) {
    const all: { readonly namespace: string; readonly policies: readonly ApiObject[] }[] = (registered = []);
    namespaceWideOfRoot.set(root, all);
    root.node.addValidation({
      validate: () => {
        const withPods = new Set<string>();
        for (const c of root.node.findAll())
          if (c instanceof ApiObject && POD_KINDS.has(c.kind) && c.metadata.namespace !== undefined) withPods.add(c.metadata.namespace);
        for (const r of all) if (!withPods.has(r.namespace)) for (const p of r.policies) exemptRuntimePodsPolicy(p, NO_POD_TEMPLATE_HERE);
        return [];
      },
    });
  }
  registered.push({ namespace, policies });
}

/** Invisible or layout characters: a group name holding one matches no group of the identity provider. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * What is wrong with the groups of one access level: not a list, not a name, a name no identity provider sends (white
 * space around it, invisible characters: the binding would silently grant nothing), a subject that stands for
 * everyone of a kind (the rule SEC_RBAC_BROAD_SUBJECT's verdict), or a group listed twice. Undefined is no groups.
 */
function accessGroupIssues(role: string, groups: unknown): IssueInput[] {
  const field = `access.${role}`;
  if (groups === undefined) return [];
  if (!Array.isArray(groups))
    return [{ code: 'ACCESS_GROUP_INVALID', field, value: groups, message: 'is not a list of groups', fix: "pass e.g. ['payments-devs']" }];
  const issues: IssueInput[] = [];
  const named: string[] = [];
  for (const g of groups as unknown[]) {
    const fault =
      typeof g !== 'string' || g.trim() === ''
        ? 'is not a group name'
        : g !== g.trim() || INVISIBLE.test(g)
          ? 'has white space around it or invisible characters: no identity provider sends that name, so the binding would grant nothing'
          : broadSubjectReason('Group', g) && `${broadSubjectReason('Group', g)}: the role would be theirs`;
    if (fault)
      issues.push({
        code: 'ACCESS_GROUP_INVALID',
        field,
        value: g,
        message: fault,
        fix: 'name the identity-provider group, e.g. "payments-devs"',
      });
    else named.push(g as string);
  }
  const twice = { code: 'ACCESS_GROUP_INVALID', message: 'is listed twice', fix: 'list each group once' };
  return [...issues, ...repeatIssues(named, () => field, twice)];
}

/**
 * A governed tenant namespace: Namespace, ResourceQuota,
 * LimitRange, default-deny NetworkPolicies (ingress and egress) with DNS to
 * kube-dns allowed, Pod Security Admission labels, Roles and RoleBindings giving
 * groups access (`access`), and a ServiceAccount without an API token.
 *
 * @example
 * const team = new TeamNamespace(chart, 'payments', { quota: QuotaPreset.MEDIUM, access: { edit: ['payments-devs'] } });
 * team.dnsSuffix; // 'payments.svc.cluster.local'
 */
export class TeamNamespace extends Construct {
  public readonly name: string;
  public readonly owner: string;
  /** `<ns>.svc.cluster.local`: append to a Service name for its cluster DNS name. */
  public readonly dnsSuffix: string;
  public readonly quota: ResourceQuota;
  public readonly limitRange: LimitRange;
  /** What a container that sets no resources gets here. */
  public readonly limitDefaults: EffectiveDefaults;
  public readonly podSecurity: Required<PodSecurityProps>;
  /** The ServiceAccount workloads use (token not mounted). */
  public readonly serviceAccountName: string;
  public readonly holdsData: boolean;
  /** The class of the claims made here that name none, if any (`defaultStorageClass`). */
  public readonly defaultStorageClass?: StorageClass | string;
  /** Serves a production environment (cluster facts `production`): labelled `cluster-blueprints.io/environment: production`. */
  public readonly production: boolean;
  public readonly namespaceObject: ApiObject;
  /**
   * The namespace-wide NetworkPolicies (`default-deny-all`, `allow-dns`): they select every pod of the
   * namespace (`podSelector: {}`), including pods an operator creates there at runtime.
   */
  public readonly defaultPolicies: readonly ApiObject[];
  private readonly consumers: IQuotaConsumer[] = [];
  /** The policies selecting every pod of the namespace (podSelector {}): defaultPolicies and the allowFromNamespace paths. */
  private readonly namespaceWidePolicies: ApiObject[] = [];

  constructor(scope: Construct, id: string, props: TeamNamespaceProps = {}) {
    const { problems, props: own } = enter(scope, id, props, 'TeamNamespace', TEAM_NAMESPACE_SHAPE);
    props = own; // the entry's frozen snapshot: the caller's object is not read again
    super(scope, id);
    this.name = checkedName(problems, NameRule.DNS1123_LABEL, props.name ?? id);
    this.owner = checkedName(problems, NameRule.LABEL_VALUE, props.owner ?? this.name, 'owner');
    this.dnsSuffix = `${this.name}.svc.cluster.local`;
    this.holdsData = props.holdsData ?? false;
    this.defaultStorageClass = props.defaultStorageClass;
    problems.addAll(claimStorageClassNameIssue('defaultStorageClass', props.defaultStorageClass));
    this.production = clusterFactsOf(this).production ?? false;
    // The cluster's own namespaces: a TeamNamespace there would lay default-deny policies, a quota and
    // restricted Pod Security over the system's pods (kube-system's DNS first) and take over their lifecycle.
    problems.check(SYSTEM_NAMESPACES.includes(this.name), {
      code: 'NAME_INVALID',
      field: 'name',
      value: this.name,
      message:
        "is a namespace every cluster has and runs its own pods in: a TeamNamespace's default-deny policies, quota and Pod Security would govern them",
      fix: 'give the team a namespace of its own, e.g. "payments"',
    });
    const ownLabels = new Set(Object.keys(componentLabels({ name: 'team-namespace', instance: this.name, component: 'namespace' })));
    for (const [k, v] of Object.entries(props.labels ?? {})) {
      problems.addAll(nameIssue(NameRule.LABEL_KEY, keyField('labels', k), k), nameIssue(NameRule.LABEL_VALUE, keyField('labels', k), v));
      const reserved = reservedLabelIssue(k, ownLabels);
      if (reserved) problems.add({ code: 'NAMESPACE_LABEL_RESERVED', field: keyField('labels', k), value: v, ...reserved });
    }
    this.podSecurity = {
      enforce: props.podSecurity?.enforce ?? PodSecurityLevel.RESTRICTED,
      audit: props.podSecurity?.audit ?? props.podSecurity?.enforce ?? PodSecurityLevel.RESTRICTED,
      warn: props.podSecurity?.warn ?? props.podSecurity?.enforce ?? PodSecurityLevel.RESTRICTED,
      version: props.podSecurity?.version ?? DEFAULTS.podSecurityVersion,
    };
    problems.check(!/^(v1\.\d+|latest)$/.test(this.podSecurity.version), {
      code: 'PSA_VERSION_INVALID',
      field: 'podSecurity.version',
      value: this.podSecurity.version,
      message: 'is not a Pod Security version',
      fix: "pin a version such as 'v1.28'",
    });
    problems.addAll(...privilegedAccessIssues(this.podSecurity.enforce, props.access));
    for (const [role, groups] of Object.entries(props.access ?? {})) problems.addAll(...accessGroupIssues(role, groups));
    problems.throwIfAny();
    setOwner(this, this.owner);

    this.namespaceObject = new k8s.KubeNamespace(this, 'Resource', {
      metadata: {
        name: this.name,
        labels: {
          ...props.labels,
          ...componentLabels({ name: 'team-namespace', instance: this.name, component: 'namespace' }),
          // Production-ness comes from the environment's cluster facts, never from a hand-set label.
          ...(this.production ? { [ENVIRONMENT_LABEL]: 'production' } : {}),
          'pod-security.kubernetes.io/enforce': this.podSecurity.enforce,
          'pod-security.kubernetes.io/enforce-version': this.podSecurity.version,
          'pod-security.kubernetes.io/audit': this.podSecurity.audit,
          'pod-security.kubernetes.io/audit-version': this.podSecurity.version,
          'pod-security.kubernetes.io/warn': this.podSecurity.warn,
          'pod-security.kubernetes.io/warn-version': this.podSecurity.version,
        },
        annotations: this.holdsData ? { [Annotations.RETAIN]: 'true' } : undefined,
      },
    });

    this.quota = new ResourceQuota(this, 'Quota', { namespace: this.name, limits: props.quota ?? QuotaPreset.SMALL });
    this.limitRange = new LimitRange(this, 'Limits', {
      namespace: this.name,
      container: props.containerLimits ?? this.defaultContainerLimits(),
      persistentVolumeClaim: props.claimLimits,
    });
    this.limitDefaults = this.limitRange.defaults;
    this.checkQuotaAgreesWithLimits();
    addCheck(this, 'TeamNamespace', () => this.checkQuotaFits());

    const labels = componentLabels({ name: 'team-namespace', instance: this.name, component: 'network-policy' });
    const defaultDeny = new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny-all', namespace: this.name, labels },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    const allowDns = new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', namespace: this.name, labels },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': DEFAULTS.dnsNamespace } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [
              { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
              { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
            ],
          },
        ],
      },
    });
    this.defaultPolicies = [defaultDeny, allowDns];
    this.namespaceWidePolicies.push(defaultDeny, allowDns);
    // Namespace-wide by design: in a namespace whose pods the output does not render (a team that deploys its workloads
    // separately, an operator's pods), kube-score's networkpolicy-targets-pod and kube-linter's dangling-networkpolicy
    // find no pod template they select. Once the output renders one here, they select it and need no exemption.
    judgeNamespaceWidePolicies(this, this.name, this.namespaceWidePolicies);

    this.serviceAccountName = DEFAULTS.serviceAccountName;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: {
        name: this.serviceAccountName,
        namespace: this.name,
        labels: componentLabels({ name: 'team-namespace', instance: this.name, component: 'identity' }),
      },
      automountServiceAccountToken: false,
    });

    for (const level of Object.keys(ACCESS_LEVELS) as (keyof typeof ACCESS_LEVELS)[]) {
      const groups = props.access?.[level] ?? [];
      if (groups.length === 0) continue;
      const Level = `${level.charAt(0).toUpperCase()}${level.slice(1)}`;
      // A fresh object per ApiObject: cdk8s keeps the labels object it is given, and each object gets labels of its own later.
      const metadata = () => ({
        name: `team-${level}`,
        namespace: this.name,
        labels: componentLabels({ name: 'team-namespace', instance: this.name, component: 'access' }),
      });
      const role = new k8s.KubeRole(this, `${Level}Role`, {
        metadata: metadata(),
        rules: ACCESS_LEVELS[level].flatMap((l) => TEAM_ROLE_RULES[l].map((r) => structuredClone(r))),
      });
      // A RoleBinding to a Role of the same namespace: Polaris' rolebinding*PodExecAttach checks read it there.
      const binding = new k8s.KubeRoleBinding(this, `${Level}Binding`, {
        metadata: metadata(),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
        subjects: groups.map((g) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: g })),
      });
      if (level === 'debug') {
        // The exec/attach grant is the point of `access.debug`, which the caller chose.
        exemptPolarisCheck(role, 'rolePodExecAttach');
        exemptPolarisCheck(binding, 'rolebindingRolePodExecAttach');
      }
    }
  }

  /**
   * Lets the pods of namespace `from` reach every pod here, on all ports: all
   * of them, or only those with `podLabels` (e.g. the Prometheus server's pods
   * in `monitoring`, not every tool installed beside it). Returns the
   * NetworkPolicy `allow-from-<from>`.
   */
  public allowFromNamespace(from: string, podLabels?: Readonly<Record<string, string>>): ApiObject {
    // Made into an id and a name below: a Symbol, a revoked Proxy or a null-prototype object throws a TypeError there.
    checkArgs('TeamNamespace.allowFromNamespace', ['from', from, is.string], ['podLabels', podLabels, is.map(is.string), 'optional']);
    const problems = new Problems(this, 'TeamNamespace');
    problems.addAll(nameIssue(NameRule.DNS1123_LABEL, 'from', from), ...selectorLabelIssues('podLabels', podLabels));
    problems.throwIfAny();
    const peer = Peer.namespace(from, podLabels);
    // Named by the namespace, and by the pods' labels when given (`allow-from-monitoring-prometheus`): two groups of pods
    // of one namespace are two paths.
    const label = podLabels ? peer.label : from;
    const id = `AllowFrom-${label}`;
    problems.check(this.node.tryFindChild(id) !== undefined, {
      code: 'INTENT_DUPLICATE',
      field: podLabels ? 'podLabels' : 'from',
      value: podLabels ?? from,
      message: 'is already allowed',
      fix: 'declare each path once',
    });
    problems.throwIfAny();
    const policy = new k8s.KubeNetworkPolicy(this, id, {
      metadata: {
        name: `allow-from-${label}`,
        namespace: this.name,
        labels: componentLabels({ name: 'team-namespace', instance: this.name, component: 'network-policy' }),
      },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: peer.specs }] },
    });
    this.namespaceWidePolicies.push(policy);
    return policy;
  }

  /** Counts a workload against this namespace's quota (workloads call it themselves). */
  public addQuotaConsumer(consumer: IQuotaConsumer): void {
    this.consumers.push(consumer);
  }

  /**
   * The namespace's peak use: for every workload, one pod's requests and
   * limits × its most pods (HPA max plus surge).
   */
  public peakUsage(): { pods: number; requests: PeakCompute; limits: PeakCompute } {
    let pods = 0;
    const zero = (): PeakCompute => ({ cpu: Cpu.ZERO, memory: Memory.ZERO, ephemeralStorage: Storage.ZERO });
    const requests = zero();
    const limits = zero();
    const add = (sum: PeakCompute, per: ResolvedCompute, times: number) => {
      if (per.cpu) sum.cpu = sum.cpu.plus(per.cpu.times(times));
      if (per.memory) sum.memory = sum.memory.plus(per.memory.times(times));
      if (per.ephemeralStorage) sum.ephemeralStorage = sum.ephemeralStorage.plus(per.ephemeralStorage.times(times));
    };
    for (const c of this.consumers) {
      const per = c.podResources();
      pods += c.maxPods;
      add(requests, per.requests, c.maxPods);
      add(limits, per.limits, c.maxPods);
    }
    return { pods, requests, limits };
  }

  /**
   * Every ResourceQuota the output puts in this namespace (its own first, then ResourceQuota constructs and raw
   * objects): quota admission applies each of them to every pod, Service and claim created here.
   */
  private namespaceQuotas(): { quota: NamespaceQuota; own: boolean }[] {
    const out: { quota: NamespaceQuota; own: boolean }[] = [
      { quota: { name: this.quota.name, scopes: [], hard: this.quota.hard }, own: true },
    ];
    for (const c of objectsByNamespace(this).get(this.name) ?? []) {
      if (c === this.quota.apiObject || c.apiVersion !== 'v1' || c.kind !== 'ResourceQuota') continue;
      const quota = quotaFromManifest(c.toJson());
      if (quota) out.push({ quota, own: false });
    }
    return out;
  }

  /** The workloads' pods at peak, as quota admission sees them (and its scopes match them). */
  private quotaPods(): QuotaPods[] {
    return this.consumers.map((c) => {
      const per = c.podResources();
      return {
        name: c.name,
        count: c.maxPods,
        requests: per.requests,
        limits: per.limits,
        // podMatchesScopeFunc: Terminating when the pod's own activeDeadlineSeconds is set (>= 0). Rendered (and
        // read) only when a Terminating or NotTerminating quota asks: most namespaces have none.
        get terminating() {
          return c.node
            .findAll()
            .some((x) => x instanceof ApiObject && (podTemplateOf(x.toJson())?.spec?.activeDeadlineSeconds ?? -1) >= 0);
        },
      };
    });
  }

  private checkQuotaFits(): IssueInput[] {
    // No early return without workloads: Services (an ExternalService, raw objects) count all the same.
    const out: IssueInput[] = [];
    const pods = this.quotaPods();
    for (const { quota, own } of this.namespaceQuotas()) out.push(...this.checkOneQuota(quota, own, pods));
    return out;
  }

  /** What `quota` refuses at peak; the TeamNamespace's own quota is named by its prop, another by its object name. */
  private checkOneQuota(quota: NamespaceQuota, own: boolean, all: readonly QuotaPods[]): IssueInput[] {
    const out: IssueInput[] = [];
    const h = quota.hard;
    const scoped = quota.scopes.length > 0;
    const label = `ResourceQuota ${quota.name}${scoped ? ` (scopes ${quota.scopes.join(', ')})` : ''}`;
    const field = (key: keyof QuotaLimits) => (own ? `quota.${key}` : `resourceQuota/${quota.name}.${key}`);
    const ofQuota = (key: keyof QuotaLimits, limit: unknown) => (own ? `the quota of ${limit}` : `${label} ${key} of ${limit}`);
    const raise = (key: keyof QuotaLimits, to: unknown) =>
      own ? `raise quota.${key} to at least ${to}` : `raise ${key} of ${label} to at least ${to}`;
    const excesses = podQuotaExcesses(quota, all);
    const list = (counted: readonly QuotaPods[]) => counted.map((c) => `${c.name}×${c.count}`).join(', ');
    for (const e of excesses.filter((x) => x.key === 'pods')) {
      out.push({
        code: 'QUOTA_PODS_EXCEEDED',
        field: field('pods'),
        value: e.used,
        message: `pods at peak (${list(e.pods)}) exceed ${ofQuota('pods', e.hard)}`,
        fix: `${raise('pods', e.used)}, or lower replicas/maxReplicas/maxSurge`,
      });
    }
    // Scoped quotas track pods and their compute only (the API server refuses any other limit under a scope).
    if (!scoped) {
      let claims = 0;
      let storage = Storage.ZERO;
      for (const c of this.consumers) {
        const u = c.claimUsage?.();
        if (u) {
          claims += u.count;
          storage = storage.plus(u.storage);
        }
      }
      if (h.persistentVolumeClaims !== undefined && claims > h.persistentVolumeClaims) {
        out.push({
          code: 'QUOTA_CLAIMS_EXCEEDED',
          field: field('persistentVolumeClaims'),
          value: claims,
          message: `claims (one per pod per template) exceed ${ofQuota('persistentVolumeClaims', h.persistentVolumeClaims)}`,
          fix: raise('persistentVolumeClaims', claims),
        });
      }
      if (h.requestsStorage && storage.gt(h.requestsStorage)) {
        out.push({
          code: 'QUOTA_CLAIMS_EXCEEDED',
          field: field('requestsStorage'),
          value: storage.toString(),
          message: `requested by claims is above ${ofQuota('requestsStorage', h.requestsStorage)}`,
          fix: `${raise('requestsStorage', storage)}, or shrink the claims`,
        });
      }
      const services = this.servicesAtPeak();
      if (h.services !== undefined && services.count > h.services) {
        const solver = services.solver ? ", plus cert-manager's HTTP-01 solver Service while a challenge is pending" : '';
        out.push({
          code: 'QUOTA_SERVICES_EXCEEDED',
          field: field('services'),
          value: services.count,
          message: `Services (${services.names.join(', ')}${solver}) are above ${ofQuota('services', h.services)}: the API server would refuse ${services.solver ? 'a Service or the solver, and the Certificate would never be issued' : 'the last Service'}`,
          fix: `${raise('services', services.count)}, or put fewer Services in the namespace`,
        });
      }
      for (const key of ['loadBalancers', 'nodePorts'] as const) {
        const quotaKey = key === 'loadBalancers' ? 'servicesLoadBalancers' : 'servicesNodePorts';
        const limit = h[quotaKey];
        const users = this.consumers.filter((c) => (c.serviceUsage?.()[key] ?? 0) > 0);
        const used = users.reduce((n, c) => n + c.serviceUsage!()[key], 0);
        if (limit !== undefined && used > limit)
          out.push({
            code: 'QUOTA_SERVICES_EXCEEDED',
            field: field(quotaKey),
            value: used,
            message: `used by ${users.map((c) => c.name).join(', ')} ${used > 1 ? 'are' : 'is'} above ${ofQuota(quotaKey, limit)}: the API server would refuse the Service`,
            fix: `${raise(quotaKey, used)}${key === 'nodePorts' ? ', or set allocateLoadBalancerNodePorts: false where the load balancer routes to pods directly' : ''}`,
          });
      }
    }
    for (const e of excesses.filter((x) => x.key !== 'pods')) {
      out.push({
        code: 'QUOTA_EXCEEDED',
        field: field(e.key),
        value: e.used.toString(),
        message: `at peak (${list(e.pods)}) is above ${ofQuota(e.key, e.hard)}: the last pods of a rollout or scale-up would be refused`,
        fix: `${raise(e.key, e.used)}, or shrink the workloads`,
      });
    }
    return out;
  }

  /**
   * The Services in this namespace at peak, for the `services` quota: every Service the output puts here (a
   * WebService's, a StatefulService's headless and client Services, an ExternalService, raw or included objects),
   * plus one for cert-manager's HTTP-01 solver when a Certificate here is issued by a ClusterIssuer of the app. The
   * solver creates one Service (and pod) per pending challenge and deletes it when the challenge is done, so one free
   * Service lets every challenge through, one after the other.
   */
  private servicesAtPeak(): { count: number; names: string[]; solver: boolean } {
    const objects = objectsByNamespace(this).get(this.name) ?? [];
    const names = objects.filter((o) => o.apiVersion === 'v1' && o.kind === 'Service').map((o) => o.name);
    const issuers = perPass(
      this,
      'cluster-issuers',
      (all) => new Set(all.filter((c): c is ClusterIssuer => c instanceof ClusterIssuer).map((c) => c.name)),
    );
    const solver = objects.some((o) => {
      if (o.apiVersion !== 'cert-manager.io/v1' || o.kind !== 'Certificate') return false;
      const ref = (o.toJson() as { spec?: { issuerRef?: { kind?: string; name?: string } } }).spec?.issuerRef;
      return ref?.kind === 'ClusterIssuer' && issuers.has(ref.name ?? '');
    });
    return { count: names.length + (solver ? 1 : 0), names, solver };
  }

  /** `<service>.<ns>.svc.cluster.local`. */
  public dnsNameOf(serviceName: string): string {
    checkArgs('TeamNamespace.dnsNameOf', ['serviceName', serviceName, is.string]);
    return `${serviceName}.${this.dnsSuffix}`;
  }

  private defaultContainerLimits(): ContainerLimitsProps {
    // max = the quota's limits, capped, so one container can never take the whole
    // namespace by default; default and defaultRequest shrink to fit a tiny quota.
    const h = this.quota.hard;
    const min = <Q extends Quantity>(a: Q, b: Q | undefined): Q => (b && b.lt(a) ? b : a);
    const maxCpu = min(Cpu.parse(DEFAULTS.maxCap.cpu), h.limitsCpu);
    const maxMemory = min(Memory.parse(DEFAULTS.maxCap.memory), h.limitsMemory);
    const defCpu = min(Cpu.parse(DEFAULTS.defaultLimit.cpu), maxCpu);
    const defMemory = min(Memory.parse(DEFAULTS.defaultLimit.memory), maxMemory);
    // Always a default: a container that sets no ephemeral storage would write to the
    // node's disk without bound (and count as zero against an ephemeral-storage quota).
    const defEph = min(Storage.parse(DEFAULTS.ephemeralStorage.default), h.limitsEphemeralStorage);
    const reqEph = min(min(Storage.parse(DEFAULTS.ephemeralStorage.defaultRequest), defEph), h.requestsEphemeralStorage);
    return {
      min: DEFAULTS.min,
      max: { cpu: maxCpu, memory: maxMemory },
      default: { cpu: defCpu, memory: defMemory, ephemeralStorage: defEph },
      defaultRequest: {
        cpu: min(min(Cpu.parse(DEFAULTS.defaultRequest.cpu), defCpu), h.requestsCpu),
        memory: min(min(Memory.parse(DEFAULTS.defaultRequest.memory), defMemory), h.requestsMemory),
        ephemeralStorage: reqEph,
      },
    };
  }

  private checkQuotaAgreesWithLimits(): void {
    const problems = new Problems(this, 'TeamNamespace');
    const h = this.quota.hard;
    const lr = this.limitRange;
    const pairs = [
      ['cpu', lr.max.cpu, h.limitsCpu, 'limitsCpu', 'max'],
      ['memory', lr.max.memory, h.limitsMemory, 'limitsMemory', 'max'],
      ['cpu', lr.defaults.limits.cpu, h.limitsCpu, 'limitsCpu', 'default'],
      ['memory', lr.defaults.limits.memory, h.limitsMemory, 'limitsMemory', 'default'],
      ['cpu', lr.defaults.requests.cpu, h.requestsCpu, 'requestsCpu', 'defaultRequest'],
      ['memory', lr.defaults.requests.memory, h.requestsMemory, 'requestsMemory', 'defaultRequest'],
      ['ephemeralStorage', lr.max.ephemeralStorage, h.limitsEphemeralStorage, 'limitsEphemeralStorage', 'max'],
      ['ephemeralStorage', lr.defaults.limits.ephemeralStorage, h.limitsEphemeralStorage, 'limitsEphemeralStorage', 'default'],
      ['ephemeralStorage', lr.defaults.requests.ephemeralStorage, h.requestsEphemeralStorage, 'requestsEphemeralStorage', 'defaultRequest'],
    ] as const;
    for (const [r, value, ceiling, quotaField, lrField] of pairs) {
      if (value && ceiling && (value as Quantity).gt(ceiling as never)) {
        problems.add({
          code: 'QUOTA_LIMITRANGE_CONFLICT',
          field: `containerLimits.${lrField}.${r}`,
          value: value.toString(),
          message: `is above the namespace quota ${quotaField} (${ceiling}): one such container could never be admitted`,
          fix: `lower containerLimits.${lrField}.${r} or raise quota.${quotaField}`,
        });
      }
    }
    problems.throwIfAny();
  }
}
