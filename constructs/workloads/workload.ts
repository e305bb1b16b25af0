import { checkArgs, checkShape, constructId, extend, is, open, snapshot } from '../core/shape';
import { createHash } from 'crypto';
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { IContainer, IPodTemplateSpec, IVolumeMount } from 'kubernetes-models/v1';
import { ConfigMap } from '../config/config-map';
import { EnvValue } from '../config/env';
import { SecretRef, SecretSource } from '../config/secret-ref';
import { SecretDeclaration } from '../secrets/secret-declaration';
import { Volume } from '../config/volume';
import { annotationIssues } from '../core/annotations';
import { addCheck } from '../core/checks';
import { clusterFactsOf } from '../core/cluster-facts';
import { IssueInput, IssueSink, Problems } from '../core/errors';
import {
  Annotations,
  componentLabels,
  exemptApiTokenMount,
  exemptPolarisCheck,
  ignoreKubeLinterCheck,
  Labels,
  setOwner,
} from '../core/metadata';
import { NameRule, SECRET_ENV_NAME, labelValueIssue, objectNameIssues } from '../core/names';
import { MetricsMonitor, MetricsOptions, MonitorTarget, metricsIssues } from '../monitoring/metrics-monitor';
import { Cpu, Memory, Storage } from '../core/quantity';
import { IQuotaConsumer, PodResources, TeamNamespace } from '../namespace/team-namespace';
import { namespaceName } from '../namespace/namespace-name';
import {
  INetworkEndpoint,
  IntentResult,
  NetworkPort,
  Peer,
  Protocol,
  allowApiServer,
  allowInto,
  allowOutOf,
} from '../networking/network-intent';
import { PodCount, PodDisruptionBudget } from '../policy/pod-disruption-budget';
import { PriorityClass } from '../policy/priority-class';
import { ServiceAccount } from '../policy/service-account';
import { PULL_SECRET_TYPES } from '../rules/pod-api';
import { PodSecurityLevelName, podSecurityLevelOf } from '../rules/pod-security';
import { PLAINTEXT_ENV_ANNOTATION_PREFIX } from '../rules/security';
import { PROBE_OPT_OUT_ANNOTATION_PREFIX } from '../rules/reliability';
import { PLACEMENT_SHAPE, PlacementProps, placementIssues, renderPlacement } from '../scheduling/placement';
import {
  CONTAINER_SHAPE,
  ContainerProps,
  DEFAULT_EPHEMERAL_STORAGE,
  EphemeralStorageDefault,
  Hook,
  Probe,
  Qos,
  ResolvedContainer,
  ResourcePreset,
  VolumeMount,
  containerToJson,
  mountPathIssue,
  mountPathKey,
  resolveContainer,
} from './container';
import { secondsOf } from '../core/duration';
import { INT64_MAX_SAFE } from '../core/value-issues';
import { keyField } from '../core/field-path';

/** Props every workload shares; the main container's props sit at the top level. */
export interface WorkloadProps extends ContainerProps {
  /** The namespace: a `TeamNamespace` (quota, LimitRange and checks apply) or a name. */
  readonly namespace: TeamNamespace | string;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** QoS class. @default Qos.BURSTABLE */
  readonly qos?: Qos;
  /** Run to completion, in order, before the app containers. @default - none */
  readonly initContainers?: readonly ContainerProps[];
  /** More app containers sharing the pod's network and volumes. @default - none */
  readonly sidecars?: readonly ContainerProps[];
  /**
   * Writable scratch paths, each an `emptyDir` (the root filesystem is read-only): absolute
   * directories in normal form (`/var/cache/app`, not `/var/cache/app/` or `/var/./cache/app`),
   * never `/`, where the emptyDir would hide the whole image (MOUNT_INVALID otherwise).
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];
  /** Scheduling. @default - spread across zones and hosts when 2+ replicas */
  readonly placement?: PlacementProps;
  /** Priority, as an object. @default - the output's globalDefault PriorityClass, named (else none: the cluster's default applies) */
  readonly priorityClass?: PriorityClass;
  /** SIGTERM → SIGKILL time. @default Duration.seconds(30) */
  readonly terminationGracePeriod?: Duration;
  /** Time the app needs after SIGTERM to finish in-flight work; preStop + this must fit the grace period. @default Duration.seconds(0) */
  readonly drainTime?: Duration;
  /** UID (and GID, fsGroup) the pod runs as; must not be 0. @default 10001 */
  readonly runAsUser?: number;
  /** `app.kubernetes.io/component`. @default - by workload type */
  readonly component?: string;
  /** `app.kubernetes.io/version`. @default - not set */
  readonly version?: string;
  /** ServiceAccount the pods run as. @default - the TeamNamespace's token-less `workload` account, else the namespace default */
  readonly serviceAccount?: ServiceAccount;
  /**
   * Mount the ServiceAccount's API token. Only for pods that call the
   * Kubernetes API (controllers, the descheduler, Prometheus discovery).
   * @default false
   */
  readonly mountServiceAccountToken?: boolean;
  /** Secrets of type `kubernetes.io/dockerconfigjson` for pulling private images. @default - none */
  readonly imagePullSecrets?: readonly SecretSource[];
  /**
   * Annotations on the pods (e.g. `prometheus.io/scrape`); keys must be qualified
   * names, and values that look like credentials are refused.
   * @default - none
   */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /**
   * Keep a single pod in a production environment, saying why (e.g. a database
   * without replication, where a second pod would be a second, diverging copy).
   * The reason lands in the annotation `cluster-blueprints.io/singleton`, and a workload
   * of one pod that states it is exempt from Polaris' one-pod checks
   * (`deploymentMissingReplicas`, `hpaMinAvailability`, `topologySpreadConstraint`).
   * @default - none: in production a serving workload needs two pods or more
   */
  readonly singletonReason?: string;
  /**
   * Relaxes the pod's security toward, never beyond, its namespace's Pod
   * Security level. The pod spec is rendered with the relaxations and then
   * judged by the namespace's level (PSS_* errors): NET_BIND_SERVICE passes even
   * `restricted`; root and the baseline capabilities need `baseline`;
   * privileged containers need `privileged`.
   * @default - the restricted profile, unrelaxed
   */
  readonly securityProfile?: SecurityProfile;
}

/** What a workload relaxes of the restricted profile (each needs a namespace level that allows it). */
export interface SecurityProfile {
  /** Linux capabilities added to the app containers (all others stay dropped), e.g. `['NET_BIND_SERVICE']`. @default - none */
  readonly addCapabilities?: readonly string[];
  /** Run the pod as root (UID 0), for images that need it; `baseline` or lower. @default false */
  readonly runAsRoot?: boolean;
  /** Privileged app containers (full access to the node); `privileged` namespaces only. @default false */
  readonly privileged?: boolean;
}

/**
 * A Secret is read from the pod's own namespace only: a declaration in another
 * namespace provides nothing to a pod in `namespace` (it would be missing at start).
 */
export function secretNamespaceIssue(field: string, secret: SecretSource, namespace: string): IssueInput | undefined {
  if (!(secret instanceof SecretDeclaration) || secret.namespace === namespace) return undefined;
  return {
    code: 'SECRET_NAMESPACE_MISMATCH',
    field,
    value: `${secret.namespace}/${secret.name}`,
    message: `is declared in another namespace than the workload (${namespace}); a pod can only read Secrets of its own namespace`,
    fix: `declare the Secret in namespace ${namespace}`,
  };
}

/** The labels selecting the pods of the workload named `name` (stable: changing them replaces the workload). */
export function podSelectorOf(name: string): Readonly<Record<string, string>> {
  return { [Labels.NAME]: name, [Labels.INSTANCE]: name };
}

/** The workloads of each app, by namespace and pod selector: each selects its own pods, and no other's. */
const workloadsBySelector = new WeakMap<object, Map<string, { typeName: string; path: string }>>();

/**
 * OBJECT_DUPLICATE when another workload of the app (of any kind) selects the same pods: its Service,
 * PodDisruptionBudget and NetworkPolicies select by these labels, so they would take the other's pods as
 * this one's (a Job's pod, Ready without a readiness probe, joining a Deployment's endpoints; a budget over
 * a Job's pods blocking every drain). The release tracks of one workload are one workload. Else `workload`
 * is recorded as the owner of its selector.
 */
function claimPodSelector(workload: Workload, typeName: string, component: string): IssueInput | undefined {
  const root = workload.node.root;
  const owners = workloadsBySelector.get(root) ?? new Map<string, { typeName: string; path: string }>();
  workloadsBySelector.set(root, owners);
  const key = JSON.stringify([workload.namespace, Object.entries(workload.podSelector).sort(([a], [b]) => (a < b ? -1 : 1))]);
  const first = owners.get(key);
  if (first === undefined) {
    owners.set(key, { typeName, path: workload.node.path });
    return undefined;
  }
  return {
    code: 'OBJECT_DUPLICATE',
    field: 'name',
    value: workload.name,
    message: `is the name of ${first.typeName} ${first.path} in namespace ${workload.namespace} too: both pods would carry the selector ${Object.entries(
      workload.podSelector,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}, so each one's Service, PodDisruptionBudget and NetworkPolicies would select the other's pods as well`,
    fix: `give one of the two (${first.path}, ${workload.node.path}) another name, e.g. '${workload.name}-${component}'`,
  };
}

/** The shape of `WorkloadProps` (the main container's props included). */
export const WORKLOAD_SHAPE = extend<WorkloadProps, ContainerProps>(CONTAINER_SHAPE, {
  namespace: is.either(is.instance(TeamNamespace), is.string),
  name: is.string,
  qos: is.oneOf(Object.values(Qos), 'Qos'),
  initContainers: is.list(CONTAINER_SHAPE),
  sidecars: is.list(CONTAINER_SHAPE),
  writablePaths: is.list(is.string),
  placement: PLACEMENT_SHAPE,
  priorityClass: is.instance(PriorityClass),
  terminationGracePeriod: is.instance(Duration),
  drainTime: is.instance(Duration),
  runAsUser: is.number,
  component: is.string,
  version: is.string,
  serviceAccount: is.instance(ServiceAccount),
  mountServiceAccountToken: is.boolean,
  imagePullSecrets: is.list(is.either(is.instance(SecretDeclaration), is.instance(SecretRef))),
  podAnnotations: is.map(is.string),
  singletonReason: is.string,
  securityProfile: is.props<SecurityProfile>({ addCapabilities: is.list(is.string), runAsRoot: is.boolean, privileged: is.boolean }),
});

const DEFAULTS = { grace: 30, runAsUser: 10001, writablePaths: ['/tmp'] } as const;
/** The largest UID/GID the API server accepts (apimachinery IsValidUserID/IsValidGroupID, MaxInt32 through Kubernetes 1.30). */
const MAX_ID = 2147483647;
const MIB = 1024n * 1024n;

/**
 * Probes and lifecycle hooks of an init container, which the API server refuses
 * (core validation validateInitContainers: "may not be set for init containers
 * without restartPolicy=Always"). The library renders no native sidecars (the
 * SidecarContainers gate is alpha, off by default, in Kubernetes 1.28), so every
 * init container it renders runs to completion, and none may carry them.
 */
function initContainerIssues(field: string, props: ContainerProps): IssueInput[] {
  const out: IssueInput[] = [];
  for (const kind of ['readiness', 'liveness', 'startup'] as const)
    if (props?.[kind] !== undefined)
      out.push({
        code: 'PROBE_INVALID',
        field: `${field}.${kind}`,
        value: props[kind] instanceof Probe ? props[kind].toJson() : props[kind],
        message: `is set on an init container: it runs to completion before the app starts, and the API server refuses ${kind} probes on init containers`,
        fix: `remove ${kind}; a helper that keeps running belongs in sidecars, where probes apply`,
      });
  for (const kind of ['postStart', 'preStop'] as const)
    if (props?.[kind] !== undefined)
      out.push({
        code: 'HOOK_INVALID',
        field: `${field}.${kind}`,
        value: props[kind] instanceof Hook ? props[kind].handler : props[kind],
        message: `is set on an init container: the API server refuses lifecycle hooks on init containers`,
        fix:
          kind === 'postStart'
            ? "remove postStart, and run the step in the init container's own command"
            : 'remove preStop; a helper that must be stopped gracefully belongs in sidecars',
      });
  return out;
}

/** The kinds of the objects a workload renders its pods from (the objects the linters judge the pod spec on). */
const POD_CONTROLLER_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/**
 * Shared base of every pod-running construct: containers, restricted security
 * context, scratch volumes, config hash, placement, intents and the checks
 * that need the whole tree. Subclass it for new pod-running constructs.
 */
export abstract class Workload extends Construct implements INetworkEndpoint, IQuotaConsumer {
  public readonly name: string;
  public readonly namespace: string;
  /** The TeamNamespace, when the workload was given one. */
  public readonly team?: TeamNamespace;
  public readonly qos: Qos;
  /** Labels selecting this workload's pods (stable: changing them replaces the workload). */
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly terminationGracePeriodSeconds: number;
  protected readonly props: WorkloadProps;
  protected readonly containers: ResolvedContainer[] = [];
  protected readonly initContainers: ResolvedContainer[] = [];
  protected readonly typeName: string;
  private readonly labels: Record<string, string>;

  protected constructor(scope: Construct, id: string, props: WorkloadProps, typeName: string, component: string) {
    super(scope, constructId(scope, id, 'Workload'));
    this.typeName = typeName;
    // Taken again only for a subclass written elsewhere (a snapshot is its own): later changes to the caller's object do not reach it.
    props = snapshot(props, { construct: typeName });
    this.props = props;
    const problems = new Problems(this, typeName);
    // Subclasses check their whole shape before construction; this covers a subclass written elsewhere (whose own props it lets through).
    if (!checkShape(problems, props, open(WORKLOAD_SHAPE))) problems.throwIfAny();
    this.name = props.name ?? id;
    this.team = props.namespace instanceof TeamNamespace ? props.namespace : undefined;
    this.namespace = namespaceName(props.namespace);
    this.qos = props.qos ?? Qos.BURSTABLE;
    const injected = this.team?.limitRange.defaults;
    problems.check(this.qos === Qos.BEST_EFFORT && !!(injected?.requests.cpu || injected?.requests.memory), {
      code: 'QOS_MISMATCH',
      field: 'qos',
      value: this.qos,
      message: `is BestEffort, but namespace ${this.namespace}'s LimitRange gives every container CPU or memory defaults, so the pods would run Burstable`,
      fix: 'choose Qos.BURSTABLE (the default), or a namespace without container defaults',
    });
    const nameIssues = objectNameIssues(NameRule.DNS1123_LABEL, this.name, this.namespace).filter((i) => i !== undefined);
    problems.addAll(...nameIssues);
    this.podSelector = podSelectorOf(this.name);
    // Only a workload whose name and namespace are valid claims its selector (an invalid one never renders).
    if (nameIssues.length === 0) problems.addAll(claimPodSelector(this, typeName, component));
    problems.addAll(labelValueIssue('version', props.version), labelValueIssue('component', props.component));
    this.labels = componentLabels({
      name: this.name,
      component: props.component ?? component,
      ...(props.version ? { version: props.version } : {}),
    });
    const grace = props.terminationGracePeriod ? secondsOf(props.terminationGracePeriod) : DEFAULTS.grace;
    problems.check(!Number.isSafeInteger(grace) || grace < 0, {
      code: 'GRACE_INVALID',
      field: 'terminationGracePeriod',
      value: grace,
      message: 'must be whole seconds ≥ 0',
      fix: 'use Duration.seconds(n)',
    });
    this.terminationGracePeriodSeconds = grace;
    // Only the preStop-vs-grace check reads it: NaN (a BigInt Duration) or Infinity would make that check pass unseen.
    const drain = props.drainTime ? secondsOf(props.drainTime) : 0;
    problems.check(!Number.isFinite(drain) || drain < 0 || drain > INT64_MAX_SAFE, {
      code: 'GRACE_INVALID',
      field: 'drainTime',
      value: String(drain),
      message: 'must be a number of seconds ≥ 0',
      fix: 'use Duration.seconds(n) with a number n, not a BigInt',
    });
    const uid = props.runAsUser ?? DEFAULTS.runAsUser;
    problems.check(props.serviceAccount !== undefined && props.serviceAccount.namespace !== this.namespace, {
      code: 'SERVICE_ACCOUNT_INVALID',
      field: 'serviceAccount',
      value: props.serviceAccount ? `${props.serviceAccount.namespace}/${props.serviceAccount.name}` : undefined,
      message: `is in another namespace than the workload (${this.namespace})`,
      fix: "create the ServiceAccount in the workload's namespace",
    });
    problems.check(props.securityProfile?.runAsRoot === true && props.runAsUser !== undefined && props.runAsUser !== 0, {
      code: 'SECURITY_INVALID',
      field: 'securityProfile.runAsRoot',
      value: props.runAsUser,
      message: 'is set together with a non-root runAsUser',
      fix: 'remove runAsUser, or runAsRoot',
    });
    (props.securityProfile?.addCapabilities ?? []).forEach((c, i) =>
      problems.check(typeof c !== 'string' || !/^[A-Z_]+$/.test(c) || c.startsWith('CAP_'), {
        code: 'SECURITY_INVALID',
        field: `securityProfile.addCapabilities[${i}]`,
        value: c,
        message: 'is not a capability name as Kubernetes spells it (upper case, without CAP_)',
        fix: "use e.g. 'NET_BIND_SERVICE'",
      }),
    );
    // Rendered as runAsUser, runAsGroup and fsGroup: IsValidUserID / IsValidGroupID (≤ 2147483647 up to Kubernetes 1.30).
    problems.check(props.securityProfile?.runAsRoot !== true && (!Number.isSafeInteger(uid) || uid < 1 || uid > MAX_ID), {
      code: 'SECURITY_INVALID',
      field: 'runAsUser',
      value: uid,
      message: `must be a non-root UID from 1 to ${MAX_ID}: the restricted profile forbids root, and it is also the pod's GID and fsGroup`,
      fix: 'use e.g. 10001',
    });
    // Each writable path is an emptyDir mount: the same rule as the containers' mounts, and the root is none (an emptyDir
    // at '/' hides the whole image). Asked for in normal form: it names one directory, as the runtime resolves it.
    (props.writablePaths ?? []).forEach((p, i) => {
      const field = `writablePaths[${i}]`;
      const issue = mountPathIssue(field, p);
      if (issue) {
        problems.add(issue);
        return;
      }
      const normal = mountPathKey(p);
      problems.check(normal === '/', {
        code: 'MOUNT_INVALID',
        field,
        value: p,
        message: "is the container's root: an emptyDir there would hide the whole image (its program, its libraries)",
        fix: "name the directory the app writes to, e.g. '/tmp' or '/var/cache/app'",
      });
      problems.check(normal !== '/' && normal !== p, {
        code: 'MOUNT_INVALID',
        field,
        value: p,
        message: `is not in normal form (the runtime mounts it at ${normal})`,
        fix: `write '${normal}'`,
      });
    });
    for (const issue of placementIssues(props.placement ?? {})) problems.add(issue);
    problems.addAll(...annotationIssues('podAnnotations', props.podAnnotations));
    const pullSecrets = (props.imagePullSecrets ?? []).map((s) => s.name);
    problems.check(new Set(pullSecrets).size !== pullSecrets.length, {
      code: 'PULL_SECRET_DUPLICATE',
      field: 'imagePullSecrets',
      value: pullSecrets,
      message: 'names a Secret twice',
      fix: 'list each registry Secret once',
    });
    // The kubelet reads registry credentials only from these types; it skips any other Secret, so the pull fails (ImagePullBackOff).
    (props.imagePullSecrets ?? []).forEach((s, i) =>
      problems.check(s instanceof SecretDeclaration && !PULL_SECRET_TYPES.includes(s.type), {
        code: 'PULL_SECRET_INVALID',
        field: `imagePullSecrets[${i}]`,
        value: s instanceof SecretDeclaration ? `${s.name} (type ${s.type})` : undefined,
        // No 'Secret:' in the text: the credential scan reads it as an assignment and would hide the message.
        message: `is ${s instanceof SecretDeclaration && /^[aeiou]/i.test(s.type) ? 'an' : 'a'} ${s instanceof SecretDeclaration ? s.type : ''} Secret, and the kubelet reads registry credentials only from a kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg Secret, so the image pull would fail`,
        fix: "declare it with keys: ['.dockerconfigjson'] (type kubernetes.io/dockerconfigjson), or list the registry Secret instead",
      }),
    );
    this.resolveInto(problems, this.containers, 'container', this.name, this.mainContainerProps(props));
    props.sidecars?.forEach((s, i) => this.resolveInto(problems, this.containers, `sidecars[${i}]`, s.name ?? `sidecar-${i}`, s));
    const sidecarNames = (props.sidecars ?? []).map((s, i) => s.name ?? `sidecar-${i}`);
    if (sidecarNames.length) problems.addAll(this.runToCompletionSidecarIssue('sidecars', sidecarNames));
    props.initContainers?.forEach((s, i) =>
      this.resolveInto(problems, this.initContainers, `initContainers[${i}]`, s.name ?? `init-${i}`, s),
    );
    this.checkSecretNamespaces(problems);
    // Subclasses add their own issues here, so one error reports the base's and theirs together.
    this.validateProps(props, problems);
    problems.throwIfAny();
    if (this.team) setOwner(this, this.team.owner);
    this.team?.addQuotaConsumer(this);
    // A TeamNamespace denies all egress but DNS: a pod that mounts its token to call the API server needs the path there.
    if (this.team && this.mountsApiToken) allowApiServer(this);
    addCheck(this, typeName, () => this.checkPods());
    addCheck(this, typeName, () => this.checkPodShape());
    // Linter exemptions whose reason the workload knows, once the tree is complete (a grant, an env var or a sidecar
    // can come after the constructor): annotated in a node validation, which every synth path runs before serializing.
    this.node.addValidation({
      validate: () => {
        this.exemptFromLinters();
        return [];
      },
    });
  }

  /**
   * Exempts the pod controllers from the manifest-linter checks that cannot judge them right:
   * - the token mount, when the pods mount it (mountServiceAccountToken) as a ServiceAccount of their own that is granted
   *   a role: they call the API server, which is what the token is for. An ungranted or shared account is not exempt
   *   (SEC_SA_TOKEN reports it).
   * - kube-linter's env-value-from, when every Secret the env reads (secretKeyRef) is a SecretDeclaration whose
   *   ExternalSecret is in the output: the operator writes the Secret, with the declared keys (EnvValue.fromSecret
   *   refuses another), so it is never among the manifests the check looks in. One bare SecretRef (a Secret the output
   *   does not provide) and the check keeps its say. The ConfigMaps the env reads are in the output, with their keys.
   */
  private exemptFromLinters(): void {
    const controllers = this.node.children.filter((c): c is ApiObject => c instanceof ApiObject && POD_CONTROLLER_KINDS.has(c.kind));
    // Polaris' missingNetworkPolicy wants one policy per pod with ingress and egress rules both, selecting on exactly one
    // of its labels. A TeamNamespace isolates every pod both ways (default-deny-all, GOV_DEFAULT_DENY's test) and opens
    // each path by its own policy on the workload's two selector labels: one combined policy would have to invent an
    // ingress rule for pods nobody calls (a Job, an agent) and select on one label, which other workloads' pods share.
    // Polaris reads no reason: it is this comment.
    if (this.team) for (const c of controllers) exemptPolarisCheck(c, 'missingNetworkPolicy');
    // A StatefulSet spreads its pods only from 2 replicas (podTemplate(replicas)): one pod declared with a reason, or
    // outside production, has nothing to spread, a choice Polaris' topologySpreadConstraint cannot know
    // (DeploymentWorkload exempts its own).
    if (this.declaresOnePod()) for (const c of controllers) if (c.kind === 'StatefulSet') exemptPolarisCheck(c, 'topologySpreadConstraint');
    // Polaris' readinessProbeMissing wants a readiness probe on every app container of a long-running pod. Readiness
    // decides whether a Service sends the pod traffic: a container that serves no port (a queue consumer, an agent that
    // only ships) has nothing to be ready for, and one that opted out (probeOptOut.readiness) states why in the pod's
    // annotation. One container serving a port without either, and Polaris keeps its say (REL_READINESS warns too).
    const unprobed = this.containers.filter((c) => !c.props.readiness);
    if (this.longRunning && unprobed.length > 0 && unprobed.every((c) => c.ports.length === 0 || c.props.probeOptOut?.readiness))
      for (const c of controllers) exemptPolarisCheck(c, 'readinessProbeMissing');
    // kube-linter's unsafe-sysctls flags every `net.` sysctl; the one a port below 1024 makes the pod set is in the
    // kubelet's safe set (namespaced, isolated per pod) since Kubernetes 1.22, allowed by every Pod Security level.
    const sysctls = this.privilegedPortSysctls().sysctls ?? [];
    if (sysctls.length > 0)
      for (const c of controllers)
        ignoreKubeLinterCheck(
          c,
          'unsafe-sysctls',
          `${sysctls.map((s) => s.name).join(', ')} lets the non-root app bind its port below 1024: a sysctl of Kubernetes' safe set since 1.22 (https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/#safe-and-unsafe-sysctls), which every Pod Security level allows`,
        );
    const account = this.props.serviceAccount;
    if (this.mountsApiToken && account?.granted)
      for (const c of controllers)
        exemptApiTokenMount(c, `the pods call the Kubernetes API as ServiceAccount ${account.name}, which is granted the roles they need`);
    const envSecrets = [...this.initContainers, ...this.containers].flatMap((c) =>
      Object.values(c.props.env ?? {}).flatMap((v) => (v instanceof EnvValue && v.secret ? [v.secret] : [])),
    );
    const provided = (s: SecretSource) => s instanceof SecretDeclaration && s.externalSecret !== undefined;
    if (envSecrets.length > 0 && envSecrets.every(provided)) {
      const names = [...new Set(envSecrets.map((s) => s.name))].sort().join(', ');
      for (const c of controllers)
        ignoreKubeLinterCheck(
          c,
          'env-value-from',
          `the Secrets its env reads (${names}) are written at runtime by the ExternalSecrets of the same names in the output`,
        );
    }
  }

  /**
   * The Pod Security level the workload's namespace enforces (a TeamNamespace's,
   * else the environment's, else restricted). The rule catalogue judges the
   * rendered pod spec against it (PSS_* errors).
   */
  public get podSecurityLevel(): PodSecurityLevelName {
    if (this.team) return podSecurityLevelOf(this.team.podSecurity.enforce);
    return podSecurityLevelOf(clusterFactsOf(this).namespacePodSecurity?.[this.namespace]);
  }

  /**
   * Validates the subclass's own props into `problems`, before the single throw
   * of the constructor (a base class's error must not hide a subclass's).
   * Runs inside the base constructor: use `props`, `this.name`, `this.namespace`
   * and the resolved containers, never the subclass's own fields. Override and
   * call `super.validateProps` first.
   */
  protected validateProps(_props: WorkloadProps, _problems: IssueSink): void {}

  /** The main container's props; subclasses add their defaults (e.g. a readiness probe). */
  protected mainContainerProps(props: WorkloadProps): ContainerProps {
    return props;
  }

  /** Most pods at once, for the quota (replicas or HPA max, plus surge). */
  public abstract get maxPods(): number;
  /** Fewest pods when healthy (replicas or HPA min), for disruption budgets. */
  public abstract get minReplicas(): number;

  /** Adds a helper container sharing the pod (logs shipper, proxy…). @returns its name */
  public addSidecar(props: ContainerProps): string {
    return this.addContainer(props, 'sidecar', this.containers);
  }
  /** Adds an adapter: a sidecar that reformats the app's output (logs, metrics) for the outside. */
  public addAdapter(props: ContainerProps): string {
    return this.addContainer(props, 'adapter', this.containers);
  }
  /** Adds an ambassador: a sidecar proxying the app's calls to the outside world. */
  public addAmbassador(props: ContainerProps): string {
    return this.addContainer(props, 'ambassador', this.containers);
  }
  /** Adds an init container (runs to completion, in order, before the app). */
  public addInitContainer(props: ContainerProps): string {
    return this.addContainer(props, 'init', this.initContainers);
  }

  /**
   * Adds environment variables to the main container, for values known only
   * once the workload exists (e.g. Cassandra seeds from `peerDnsNames()`).
   * A name the container already has is refused (`ENV_INVALID`): it adds, it
   * never silently replaces a value set elsewhere.
   */
  public addEnv(vars: Readonly<Record<string, string | EnvValue>>): void {
    vars = snapshot(vars, { construct: `${this.typeName}.addEnv`, field: 'vars' }); // the entry's frozen snapshot: the caller's object is not read again
    checkArgs(`${this.typeName}.addEnv`, ['vars', vars, CONTAINER_SHAPE.fields.env]);
    const existing = this.containers[0].props.env ?? {};
    const problems = new Problems(this, this.typeName);
    for (const key of Object.keys(vars))
      problems.check(Object.prototype.hasOwnProperty.call(existing, key), {
        code: 'ENV_INVALID',
        field: `container.env.${key}`,
        value: key,
        message: 'is already set on the container; addEnv would silently replace it',
        fix: `set ${key} in one place only (the container's env or addEnv), or use another name`,
      });
    problems.throwIfAny();
    this.updateMain((p) => ({ ...p, env: { ...p.env, ...vars } }));
  }

  /** Mounts more volumes into the main container (the volumes join the pod). */
  public addMounts(mounts: readonly VolumeMount[]): void {
    mounts = snapshot(mounts, { construct: `${this.typeName}.addMounts`, field: 'mounts' }); // the entry's frozen snapshot: the caller's object is not read again
    checkArgs(`${this.typeName}.addMounts`, ['mounts', mounts, CONTAINER_SHAPE.fields.mounts]);
    this.updateMain((p) => ({ ...p, mounts: [...(p.mounts ?? []), ...mounts] }));
  }

  /** Labels of the pods (selector labels included). */
  public get podLabels(): Readonly<Record<string, string>> {
    return { ...this.labels, ...this.podSelector };
  }

  private updateMain(change: (p: ContainerProps) => ContainerProps): void {
    const problems = new Problems(this, this.typeName);
    const main = this.containers[0];
    const resolved = this.resolvePodContainer(problems, 'container', main.name, change(main.props));
    // What addEnv/addMounts bring is held to the constructor's namespace rule, not found missing at render.
    for (const s of resolved.secrets) problems.addAll(secretNamespaceIssue(`containers.${resolved.name}`, s, this.namespace));
    problems.throwIfAny();
    this.containers[0] = resolved;
  }

  /**
   * Declares that the workload serves Prometheus metrics on one of its ports:
   * a ServiceMonitor when its Service publishes that port, else a PodMonitor
   * (construct id `Metrics`), selected by the Monitoring blueprint's Prometheus.
   * With `scrapedBy`, the port is opened to the scraper. In a TeamNamespace
   * (default-deny ingress) a monitor without a path for the scraper (no
   * `scrapedBy`, no `allowFromNamespace`, no `allowFrom` on the port) is the
   * warning REF_MONITOR_UNREACHABLE: Prometheus could never scrape it.
   *
   * @example
   * agent.exposeMetrics({ port: 'http', path: '/api/v1/metrics/prometheus', scrapedBy: monitoring.scraper });
   */
  public exposeMetrics(options: MetricsOptions): MetricsMonitor {
    checkArgs(`${this.typeName}.exposeMetrics`, [
      'options',
      options,
      is.props<MetricsOptions>({ port: is.string, path: is.string, interval: is.instance(Duration), scrapedBy: is.object({}) }, ['port']),
    ]);
    const problems = new Problems(this, this.typeName);
    problems.check(this.node.tryFindChild('Metrics') !== undefined, {
      code: 'METRICS_INVALID',
      field: 'exposeMetrics',
      value: options.port,
      message: 'is called twice: the workload already declares its metrics',
      fix: 'call exposeMetrics() once per workload',
    });
    problems.check(!this.longRunning, {
      code: 'METRICS_INVALID',
      field: 'exposeMetrics',
      value: this.typeName,
      message: 'is for long-running workloads: a job ends between scrapes and its metrics with it',
      fix: 'push a job’s metrics to a Pushgateway, or declare metrics on a long-running workload',
    });
    const ports = this.containers.flatMap((c) => c.ports);
    const port = ports.find((p) => p.name === options.port);
    problems.check(port === undefined, {
      code: 'METRICS_PORT_UNKNOWN',
      field: 'metrics.port',
      value: options.port,
      message: `is not a port of ${this.typeName} ${this.name} (its ports: ${ports.map((p) => p.name).join(', ') || 'none'})`,
      fix: 'name one of the workload’s container ports, or declare the metrics port in ports',
    });
    problems.addAll(...metricsIssues(options));
    problems.throwIfAny();
    const servicePort = this.metricsServicePort(options.port);
    const target: MonitorTarget =
      servicePort !== undefined
        ? {
            kind: 'service',
            serviceLabels: { [Labels.NAME]: this.labels[Labels.NAME], [Labels.INSTANCE]: this.labels[Labels.INSTANCE] },
            port: servicePort,
          }
        : { kind: 'pods', podSelector: this.podSelector, port: options.port };
    const { scrapedBy, ...monitor } = options;
    const created = new MetricsMonitor(this, 'Metrics', { ...monitor, name: this.name, namespace: this.namespace, target });
    if (scrapedBy) this.allowFrom(scrapedBy, [{ port: port!.port, protocol: port!.protocol ?? Protocol.TCP }]);
    return created;
  }

  /**
   * The name of the Service port that publishes container port `portName`, when
   * the workload has exactly one Service to scrape through; `undefined` makes
   * `exposeMetrics` scrape the pods (PodMonitor).
   */
  protected metricsServicePort(_portName: string): string | undefined {
    return undefined;
  }

  /**
   * The pods mount a ServiceAccount token (to call the API server). The pod
   * spec always sets automountServiceAccountToken, which overrides the
   * ServiceAccount's own setting, so this alone decides it.
   */
  private get mountsApiToken(): boolean {
    return this.props.mountServiceAccountToken ?? false;
  }

  /** Opens the path `peer → this` (and the peer's egress when it is one of ours). */
  public allowFrom(peer: Peer | INetworkEndpoint, ports?: readonly NetworkPort[]): IntentResult {
    return allowInto(this, peer, ports);
  }
  /** Opens the path `this → peer` (and the peer's ingress when it is one of ours). */
  public allowTo(peer: Peer | INetworkEndpoint, ports?: readonly NetworkPort[]): IntentResult {
    return allowOutOf(this, peer, ports);
  }

  /** Ports the app containers listen on. */
  public get listenPorts(): NetworkPort[] {
    return this.containers.flatMap((c) => c.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? Protocol.TCP })));
  }

  /** The port an app container declares under `name`: the first, as a Service's named targetPort resolves it. */
  public containerPort(name: string): NetworkPort | undefined {
    for (const c of this.containers) {
      const p = c.ports.find((x) => x.name === name);
      if (p) return { port: p.port, protocol: p.protocol ?? Protocol.TCP };
    }
    return undefined;
  }

  /** Requests and limits of one pod, counting LimitRange defaults for what containers leave unset. */
  public podResources(): PodResources {
    const effective = (c: ResolvedContainer) => this.effectiveResources(c);
    const sum = (list: ResolvedContainer[], side: 'requests' | 'limits') => {
      let cpu = Cpu.ZERO;
      let memory = Memory.ZERO;
      let ephemeralStorage = Storage.ZERO;
      for (const c of list) {
        const r = effective(c)[side];
        if (r.cpu) cpu = cpu.plus(r.cpu);
        if (r.memory) memory = memory.plus(r.memory);
        if (r.ephemeralStorage) ephemeralStorage = ephemeralStorage.plus(r.ephemeralStorage);
      }
      return { cpu, memory, ephemeralStorage };
    };
    // A pod reserves max(sum of app containers, largest init container).
    const pod = (side: 'requests' | 'limits') => {
      let { cpu, memory, ephemeralStorage } = sum(this.containers, side);
      for (const i of this.initContainers) {
        const r = effective(i)[side];
        if (r.cpu && r.cpu.gt(cpu)) cpu = r.cpu;
        if (r.memory && r.memory.gt(memory)) memory = r.memory;
        if (r.ephemeralStorage && r.ephemeralStorage.gt(ephemeralStorage)) ephemeralStorage = r.ephemeralStorage;
      }
      // Zero ephemeral storage is left out: most pods declare none, and the quota check only sums.
      return { cpu, memory, ...(ephemeralStorage.isZero ? {} : { ephemeralStorage }) };
    };
    return { requests: pod('requests'), limits: pod('limits') };
  }

  /** The PodDisruptionBudget of the workload's pods (`maxUnavailable: 1` unless told otherwise), or none for `false`. */
  protected createDisruptionBudget(
    budget: { readonly minAvailable?: PodCount; readonly maxUnavailable?: PodCount } | false | undefined,
  ): PodDisruptionBudget | undefined {
    if (budget === false) return undefined;
    return new PodDisruptionBudget(this, 'DisruptionBudget', {
      namespace: this.namespace,
      name: this.name,
      selector: this.podSelector,
      minAvailable: budget?.minAvailable,
      maxUnavailable: budget?.maxUnavailable,
    });
  }

  /** What a container really gets: its own resources, gaps filled by the namespace's LimitRange. */
  protected effectiveResources(c: ResolvedContainer): PodResources {
    return this.team ? this.team.limitRange.resolve(c.own ?? {}) : { requests: c.own?.requests ?? {}, limits: c.own?.limits ?? {} };
  }

  /**
   * Mounts of the main container whose volume is not a pod volume (a
   * StatefulSet's per-pod claims), after its own mounts.
   */
  protected mainOnlyMounts(): IVolumeMount[] {
    return [];
  }

  /** The pod template, with restricted security, scratch volumes and the config hash. */
  protected podTemplate(
    maxReplicas: number,
    extraLabels: Record<string, string> = {},
    overrides: { image?: string; restartPolicy?: 'Always' | 'OnFailure' | 'Never' } = {},
  ): IPodTemplateSpec {
    const scratch = this.scratchMounts();
    const all = [...this.initContainers, ...this.containers];
    const volumes = new Map<string, Volume>();
    for (const v of [...scratch.map((m) => m.volume), ...all.flatMap((c) => c.volumes)]) volumes.set(v.name, v);
    // A release track runs its own image: the main container is built with it, not edited after.
    const [main, ...rest] = this.containers;
    const containers = [overrides.image ? { ...main, props: { ...main.props, image: overrides.image } } : main, ...rest];
    const toJson = (c: ResolvedContainer, i: number): IContainer =>
      this.relaxed(containerToJson(c, scratch, i === 0 ? this.mainOnlyMounts() : []), true);
    const hash = this.configHash();
    const root = this.props.securityProfile?.runAsRoot === true;
    const uid = root ? 0 : (this.props.runAsUser ?? DEFAULTS.runAsUser);
    return {
      metadata: {
        labels: { ...this.labels, ...this.podSelector, ...extraLabels },
        ...(hash || this.props.podAnnotations || this.reasonAnnotations()
          ? {
              annotations: {
                ...this.props.podAnnotations,
                ...(hash ? { [Annotations.CONFIG_HASH]: hash } : {}),
                ...this.reasonAnnotations(),
              },
            }
          : {}),
      },
      spec: {
        automountServiceAccountToken: this.mountsApiToken,
        ...((this.props.serviceAccount ?? this.team)
          ? { serviceAccountName: this.props.serviceAccount?.name ?? this.team!.serviceAccountName }
          : {}),
        enableServiceLinks: false,
        ...(this.props.imagePullSecrets?.length ? { imagePullSecrets: this.props.imagePullSecrets.map((s) => ({ name: s.name })) } : {}),
        securityContext: {
          runAsNonRoot: !root,
          runAsUser: uid,
          runAsGroup: uid,
          fsGroup: uid,
          seccompProfile: { type: 'RuntimeDefault' },
          ...this.privilegedPortSysctls(),
        },
        terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
        ...(this.priorityClassName ? { priorityClassName: this.priorityClassName } : {}),
        ...(overrides.restartPolicy ? { restartPolicy: overrides.restartPolicy } : {}),
        ...(this.initContainers.length
          ? { initContainers: this.initContainers.map((c) => this.relaxed(containerToJson(c, scratch), false)) }
          : {}),
        containers: containers.map(toJson),
        volumes: [...volumes.values()].map((v) => v.toJson()),
        ...renderPlacement(this.props.placement ?? {}, { ...this.podSelector, ...extraLabels }, maxReplicas),
      },
    };
  }

  /**
   * A container's restricted security context with the workload's
   * `securityProfile` applied (root for every container of the pod; added
   * capabilities and privilege for app containers only). Built into the
   * template, so the Pod Security check judges what admission will see.
   */
  private relaxed(c: IContainer, app: boolean): IContainer {
    const p = this.props.securityProfile;
    if (!p || !c.securityContext) return c;
    const add = app ? (p.addCapabilities ?? []) : [];
    const privileged = app && p.privileged === true;
    return {
      ...c,
      securityContext: {
        ...c.securityContext,
        ...(p.runAsRoot ? { runAsNonRoot: false } : {}),
        ...(privileged ? { privileged: true, allowPrivilegeEscalation: true } : {}),
        ...(add.length ? { capabilities: { ...c.securityContext.capabilities, add: [...add] } } : {}),
      },
    };
  }

  /**
   * The emptyDir mounts of `writablePaths`, each with a `sizeLimit`: together
   * they take at most half the main container's ephemeral-storage limit (the
   * rest stays for its logs), so a runaway write evicts this pod, not its neighbours.
   */
  private scratchMounts(): VolumeMount[] {
    const paths = this.props.writablePaths ?? DEFAULTS.writablePaths;
    const limit = this.containers[0]?.own?.limits?.ephemeralStorage;
    const mib = limit ? limit.bytes / 2n / BigInt(Math.max(paths.length, 1)) / MIB : 0n;
    const sizeLimit = limit ? Storage.parse(`${mib > 0n ? mib : 1n}Mi`) : undefined;
    return paths.map((p, i): VolumeMount => ({
      volume: Volume.emptyDir(i === 0 ? 'tmp' : `scratch-${i}`, sizeLimit ? { sizeLimit } : {}),
      path: p,
    }));
  }

  /**
   * A non-root process without capabilities may bind a port below 1024 when the
   * pod lowers `net.ipv4.ip_unprivileged_port_start`: a namespaced sysctl of the
   * safe set, allowed by every Pod Security level (adding NET_BIND_SERVICE would
   * not help a non-root process, which never gets it as an effective capability;
   * a root pod that adds it needs no sysctl).
   */
  private privilegedPortSysctls(): { sysctls?: { name: string; value: string }[] } {
    // Root given NET_BIND_SERVICE (baseline) binds them already: no sysctl, which linters flag (kube-linter's unsafe-sysctls).
    const profile = this.props.securityProfile;
    if (profile?.runAsRoot === true && (profile.addCapabilities ?? []).includes('NET_BIND_SERVICE')) return {};
    const low = this.containers.flatMap((c) => c.ports.map((p) => p.port)).filter((p) => p < 1024);
    return low.length ? { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: String(Math.min(...low)) }] } : {};
  }

  /**
   * Whether the workload (or `pods` of it: one controller's) runs fewer than 2 pods by declaration: with a
   * `singletonReason` (the reason a second pod cannot work, which production's two-pod minimum, HA_SINGLE_REPLICA,
   * accepts), or in an environment declared not production (cluster fact `production: false`: dev and staging keep one
   * replica to save capacity, and HA_SINGLE_REPLICA does not judge them). Its controllers and autoscaler are exempt
   * from Polaris' one-pod checks (deploymentMissingReplicas, hpaMinAvailability, topologySpreadConstraint), which know
   * neither the reason nor the environment. Without a reason, an environment that does not say is judged by Polaris.
   */
  protected declaresOnePod(pods: number = this.minReplicas): boolean {
    if (!this.highAvailabilityApplies || pods >= 2) return false;
    return clusterFactsOf(this).production === false || this.statesSingletonReason;
  }

  /** Whether `singletonReason` is a reason (a few words), the one HA_SINGLE_REPLICA accepts. */
  private get statesSingletonReason(): boolean {
    const reason = this.props.singletonReason;
    return reason !== undefined && reason.trim().length >= 10;
  }

  /** Whether production's two-pod minimum applies (not to one-pod-per-node agents). */
  protected get highAvailabilityApplies(): boolean {
    return this.longRunning;
  }

  private highAvailabilityIssues(): IssueInput[] {
    if (!clusterFactsOf(this).production || !this.highAvailabilityApplies || this.listenPorts.length === 0) return [];
    const reason = this.props.singletonReason;
    if (this.statesSingletonReason || this.minReplicas >= 2) return [];
    return [
      {
        code: 'HA_SINGLE_REPLICA',
        field: reason !== undefined ? 'singletonReason' : 'replicas',
        value: reason !== undefined ? reason : this.minReplicas,
        message:
          reason !== undefined
            ? 'is not a reason (at least a few words)'
            : 'is below 2 (replicas, or the autoscaler’s minReplicas) in a production environment: one pod is a single point of failure for every drain, crash and rollout',
        fix: 'keep at least 2 pods in production, or state singletonReason where a second pod cannot work',
      },
    ];
  }

  /** Runs until stopped (so its containers need liveness); jobs run to completion. */
  protected get longRunning(): boolean {
    return true;
  }

  /**
   * The stated reasons on the pods: `probes.cluster-blueprints.io/<container>`
   * (PROBE_OPT_OUT_ANNOTATION_PREFIX; REL_READINESS and REL_LIVENESS read it back) for
   * probes a container goes without, `cluster-blueprints.io/singleton` for one pod,
   * `plaintext-env.cluster-blueprints.io/<container>` for the secret-looking env
   * names `allowPlaintextEnv` lets carry a literal.
   */
  private reasonAnnotations(): Record<string, string> | undefined {
    const out: Record<string, string> = {};
    if (this.props.singletonReason) out['cluster-blueprints.io/singleton'] = this.props.singletonReason;
    for (const c of this.containers) {
      const o = c.props.probeOptOut;
      const reasons = [o?.readiness ? `readiness: ${o.readiness}` : '', o?.liveness ? `liveness: ${o.liveness}` : ''].filter(Boolean);
      if (reasons.length) out[`${PROBE_OPT_OUT_ANNOTATION_PREFIX}/${c.name}`] = reasons.join('; ');
    }
    // allowPlaintextEnv, where it lets a secret-looking literal through: the catalogue's SEC_PLAINTEXT_SECRET reads it back.
    for (const c of [...this.initContainers, ...this.containers]) {
      const allowed = new Set(c.props.allowPlaintextEnv ?? []);
      const names = Object.entries(c.props.env ?? {})
        .filter(([k, v]) => allowed.has(k) && SECRET_ENV_NAME.test(k) && (typeof v === 'string' || v.value !== undefined))
        .map(([k]) => k);
      if (names.length) out[`${PLAINTEXT_ENV_ANNOTATION_PREFIX}/${c.name}`] = names.join(',');
    }
    return Object.keys(out).length ? out : undefined;
  }

  /** Probes every serving or long-running app container needs, unless it opted out with a reason. */
  private probeIssues(c: ResolvedContainer, field: string): IssueInput[] {
    const out: IssueInput[] = [];
    const o = c.props.probeOptOut;
    // An opt-out's reason is judged with the container's props (resolveContainer), at construction.
    if (!clusterFactsOf(this).requireProbes) return out;
    if (c.ports.length > 0 && !c.props.readiness && !o?.readiness)
      out.push({
        code: 'PROBE_MISSING',
        field: `${field}.readiness`,
        value: undefined,
        message: `is unset, but container '${c.name}' serves ${c.ports.map((p) => p.name).join(', ')}: traffic would reach it before it can answer`,
        fix: "set readiness (e.g. Probe.http('/readyz', 'http')), or probeOptOut.readiness with the reason",
      });
    if (this.longRunning && !c.props.liveness && !o?.liveness)
      out.push({
        code: 'PROBE_MISSING',
        field: `${field}.liveness`,
        value: undefined,
        message: `is unset, but container '${c.name}' runs until stopped: a hung process would never be restarted`,
        fix: "set liveness with its own cheap check (e.g. Probe.http('/livez', 'http')), or probeOptOut.liveness with the reason",
      });
    return out;
  }

  /**
   * The pods' priority class; subclasses may name a built-in one. Without one, the output's globalDefault
   * class, by name: the priority the API server would give the pods anyway, stated (Polaris' priorityClassNotSet).
   */
  protected get priorityClassName(): string | undefined {
    return (this.props.priorityClass ?? PriorityClass.globalDefaultOf(this))?.name;
  }

  /** Metadata of the workload's primary object: its name, namespace and labels. */
  protected get objectMetadata(): { name: string; namespace: string; labels: Record<string, string> } {
    return { name: this.name, namespace: this.namespace, labels: this.objectLabels };
  }

  /** Common labels of the workload's objects. */
  protected get objectLabels(): Record<string, string> {
    return this.labels;
  }

  private configHash(): string | undefined {
    const configMaps = new Set<ConfigMap>();
    const secrets = new Set<SecretSource>();
    for (const c of [...this.initContainers, ...this.containers]) {
      c.configMaps.forEach((x) => configMaps.add(x));
      c.secrets.forEach((x) => secrets.add(x));
    }
    if (configMaps.size === 0 && secrets.size === 0) return undefined;
    const h = createHash('sha256');
    for (const cm of [...configMaps].sort((a, b) => a.name.localeCompare(b.name))) h.update(`cm:${cm.name}:${cm.contentHash}\n`);
    for (const s of [...secrets].sort((a, b) => a.name.localeCompare(b.name))) h.update(`secret:${s.name}:${s.version}\n`);
    return h.digest('hex').slice(0, 16);
  }

  /** A Secret is read from the pod's own namespace only: a declaration elsewhere provides nothing here. */
  private checkSecretNamespaces(problems: Problems): void {
    const sources: [string, SecretSource][] = [
      ...[...this.containers, ...this.initContainers].flatMap((c) =>
        c.secrets.map((s): [string, SecretSource] => [`containers.${c.name}`, s]),
      ),
      ...(this.props.imagePullSecrets ?? []).map((s, i): [string, SecretSource] => [`imagePullSecrets[${i}]`, s]),
    ];
    for (const [field, s] of sources) problems.addAll(secretNamespaceIssue(field, s, this.namespace));
  }

  private addContainer(props: ContainerProps, role: string, into: ResolvedContainer[]): string {
    const where = `${this.typeName}.add${role === 'init' ? 'InitContainer' : role[0].toUpperCase() + role.slice(1)}`;
    props = snapshot(props, { construct: where, field: 'props' }); // the entry's frozen snapshot: the caller's object is not read again
    checkArgs(where, ['props', props, CONTAINER_SHAPE]);
    const problems = new Problems(this, this.typeName);
    const name = props.name ?? `${role}-${into.length}`;
    if ([...this.containers, ...this.initContainers].some((c) => c.name === name)) {
      problems.add({
        code: 'CONTAINER_DUPLICATE',
        field: `${role}.name`,
        value: name,
        message: 'is already a container of this pod',
        fix: 'give each container its own name',
      });
    }
    if (into === this.containers) problems.addAll(this.runToCompletionSidecarIssue(role, name));
    const resolved: ResolvedContainer[] = [];
    this.resolveInto(problems, resolved, role, name, props, into === this.initContainers);
    problems.throwIfAny();
    // Only once accepted: a refused container caught by the caller must not be rendered at synth.
    into.push(...resolved);
    return name;
  }

  private resolveInto(
    problems: Problems,
    into: ResolvedContainer[],
    field: string,
    name: string,
    props: ContainerProps,
    init = into === this.initContainers,
  ): void {
    if (init) problems.addAll(...initContainerIssues(field, props));
    into.push(this.resolvePodContainer(problems, field, name, props));
  }

  /**
   * JOB_INVALID for more app containers in a pod that runs to completion: the
   * pod completes only when every app container has exited, so a helper that
   * keeps running holds the Job open forever (no completion, no TTL, and a
   * ScheduledJob under Forbid skips every later run). Kubernetes 1.28, the
   * target, has native sidecars (init containers with restartPolicy Always)
   * only behind the alpha SidecarContainers gate, off by default: the API
   * server drops the field and the helper would block the pod's start instead.
   */
  private runToCompletionSidecarIssue(field: string, value: string | readonly string[]): IssueInput | undefined {
    if (this.longRunning) return undefined;
    return {
      code: 'JOB_INVALID',
      field,
      value,
      message: `adds an app container to ${this.typeName} ${this.name}, whose pods complete only when every app container has exited: a helper that keeps running (a proxy, a log shipper) would keep the Job from ever completing (no TTL clean-up, and a ScheduledJob under Forbid would skip every later run); Kubernetes 1.28 has no native sidecars by default`,
      fix: 'run a step that prepares the work as an init container (initContainers / addInitContainer); run a helper the work needs while it runs inside the main container, started and stopped by its process',
    };
  }

  /**
   * Resolves a container of this pod. Outside a TeamNamespace a container that
   * names no resources gets `ResourcePreset.SMALL`; inside one, what it leaves
   * unset is filled as the API server and the namespace's LimitRanger would
   * fill it, and rendered, so the pod spec shows every request and limit the
   * pod will run with (and linters reading the YAML alone see them too).
   */
  private resolvePodContainer(problems: Problems, field: string, name: string, props: ContainerProps): ResolvedContainer {
    const fallback = this.team ? undefined : ResourcePreset.SMALL;
    const resolved = resolveContainer(problems, field, name, props, this.qos, fallback, this.ephemeralStorageDefault());
    if (!this.team || !resolved.own || this.qos === Qos.BEST_EFFORT) return resolved;
    const own = this.team.limitRange.resolve(resolved.own);
    for (const res of ['cpu', 'memory', 'ephemeralStorage'] as const) {
      const req = own.requests[res];
      const lim = own.limits[res];
      // Only a default limit can be below a request here: explicit ones were compared in resolveContainer.
      if (req && lim && req.gt(lim as never) && !resolved.own.limits?.[res])
        problems.add({
          code: 'RESOURCES_REQUEST_ABOVE_LIMIT',
          field: `${field}.resources.requests.${res}`,
          value: req.toString(),
          message: `is above the limit ${lim} that namespace ${this.namespace}'s LimitRange gives a container without one: the API server would refuse the pod`,
          fix: `set resources.limits.${res} (at least the request), or raise the namespace's container default`,
        });
    }
    return { ...resolved, own };
  }

  /**
   * Ephemeral storage for containers that name none: the namespace
   * LimitRange's defaults (what admission would give them), else the library's.
   * Rendered into the container, so the bound shows in the pod spec.
   */
  private ephemeralStorageDefault(): EphemeralStorageDefault {
    const lr = this.team?.limitRange.defaults;
    const limit = lr?.limits.ephemeralStorage ?? Storage.parse(DEFAULT_EPHEMERAL_STORAGE.limit);
    const request = lr?.requests.ephemeralStorage ?? Storage.parse(DEFAULT_EPHEMERAL_STORAGE.request);
    return { request: request.gt(limit) ? limit : request, limit };
  }

  /** Limits of the pod spec: unique container names, ports, volumes and mount paths, safe subPaths. */
  private checkPodShape(): IssueInput[] {
    const out: IssueInput[] = [];
    const names = new Set<string>();
    for (const c of [...this.initContainers, ...this.containers]) {
      if (names.has(c.name))
        out.push({
          code: 'CONTAINER_DUPLICATE',
          field: 'containers',
          value: c.name,
          message: 'names two containers of the pod',
          fix: 'give each container (sidecars and init containers included) its own name',
        });
      names.add(c.name);
    }
    // The app containers share the pod's network namespace: a port (number and protocol) is bound once,
    // and a port name is resolved to the first container declaring it (Services, probes and policies by name).
    const numbers = new Map<string, string>();
    const portNames = new Map<string, string>();
    for (const c of this.containers)
      for (const p of c.ports) {
        const key = `${p.port}/${p.protocol ?? Protocol.TCP}`;
        const owner = numbers.get(key);
        if (owner !== undefined && owner !== c.name)
          out.push({
            code: 'PORT_INVALID',
            field: `${keyField('containers', c.name)}.ports`,
            value: key,
            message: `is also a port of container '${owner}': the containers share the pod's network, so one of them could not bind it`,
            fix: 'give each container of the pod its own port number',
          });
        const named = portNames.get(p.name);
        if (named !== undefined && named !== c.name)
          out.push({
            code: 'PORT_INVALID',
            field: `${keyField('containers', c.name)}.ports`,
            value: p.name,
            message: `is also a port name of container '${named}': a Service, probe or policy naming it would reach '${named}' only`,
            fix: 'give each port of the pod its own name',
          });
        if (!numbers.has(key)) numbers.set(key, c.name);
        if (!portNames.has(p.name)) portNames.set(p.name, c.name);
      }
    const volumes = new Map<string, string>();
    for (const v of [
      ...this.scratchMounts().map((m) => m.volume),
      ...[...this.initContainers, ...this.containers].flatMap((c) => c.volumes),
    ]) {
      const json = JSON.stringify(v.toJson());
      const seen = volumes.get(v.name);
      if (seen !== undefined && seen !== json)
        out.push({
          code: 'VOLUME_DUPLICATE',
          field: 'mounts',
          value: v.name,
          message: 'names two different volumes of the pod (one would be dropped)',
          fix: 'give each volume its own name, or mount the same Volume object twice',
        });
      volumes.set(v.name, json);
    }
    // A resourceFieldRef naming a container the pod does not have: the kubelet would not start the container.
    for (const c of [...this.initContainers, ...this.containers])
      for (const [key, v] of Object.entries(c.props.env ?? {})) {
        const target = typeof v === 'string' ? undefined : v.valueFrom?.resourceFieldRef?.containerName;
        if (target !== undefined && !names.has(target))
          out.push({
            code: 'ENV_INVALID',
            field: keyField(`${keyField('containers', c.name)}.env`, key),
            value: target,
            message: `reads the resources of container '${target}', which is not in the pod: the kubelet would not start the container`,
            fix: `name one of the pod's containers (${[...names].join(', ')}), or leave containerName out for this container`,
          });
      }
    const scratch = this.scratchMounts();
    for (const c of [...this.initContainers, ...this.containers]) {
      // By the directory the runtime mounts at: '/x' and '/x/' are one, and the second mount would hide the first.
      const paths = new Map<string, string>();
      // The paths containerToJson mounts, in its order, without rendering the container.
      const mounted = [...scratch, ...(c.props.mounts ?? [])].map((m) => ({ mountPath: m.path }));
      for (const m of [...mounted, ...(c === this.containers[0] ? this.mainOnlyMounts() : [])]) {
        if (typeof m.mountPath !== 'string') continue;
        const key = mountPathKey(m.mountPath);
        const first = paths.get(key);
        if (first !== undefined)
          out.push({
            code: 'MOUNT_PATH_DUPLICATE',
            field: `${keyField('containers', c.name)}.mounts`,
            value: m.mountPath,
            message:
              first === m.mountPath
                ? 'is mounted twice in the same container'
                : `is the directory already mounted at '${first}': the runtime mounts both, and the second hides the first`,
            fix: 'mount each path once (writablePaths count too)',
          });
        else paths.set(key, m.mountPath);
      }
    }
    return out;
  }

  /**
   * A container sized with `ResourcePreset.withoutCpuLimit` in a namespace that
   * gives every container a CPU limit: a `limits.cpu` quota makes the API server
   * reject a pod without one, and a LimitRange default (or max) writes one in.
   */
  private cpuLimitIssue(c: ResolvedContainer, field: string): IssueInput | undefined {
    const preset = c.props.resources;
    if (!this.team || !(preset instanceof ResourcePreset) || preset.limitsCpu) return undefined;
    const injected = this.team.limitRange.defaults.limits.cpu;
    const quota = this.team.quota.hard.limitsCpu;
    if (!quota && !injected) return undefined;
    const why = injected
      ? `namespace ${this.namespace}'s LimitRange would give it a CPU limit of ${injected}${quota ? ` (its quota counts limits.cpu)` : ''}`
      : `namespace ${this.namespace}'s quota counts limits.cpu and no LimitRange default gives one: the API server would reject the pod`;
    return {
      code: 'CPU_LIMIT_REQUIRED',
      field: `${field}.resources`,
      value: preset.name,
      message: `has no CPU limit, but ${why}`,
      fix: quota
        ? 'use a preset with a CPU limit (ResourcePreset.SMALL…) or explicit limits, or drop limitsCpu from the namespace quota'
        : 'use a preset with a CPU limit, or give the namespace containerLimits without a cpu default or max',
    };
  }

  /** Checks that need the finished pod (containers added after construction included). */
  private checkPods(): IssueInput[] {
    const out: IssueInput[] = [];
    for (const [i, c] of [...this.containers, ...this.initContainers].entries()) {
      const field = i === 0 ? 'container' : `containers.${c.name}`;
      const app = i < this.containers.length;
      if (app) out.push(...this.probeIssues(c, field));
      // Only app containers: an init container gets no preStop (refused when resolved), and drainTime is the app's.
      const preStop = c.props.preStop?.seconds ?? 0;
      const drain = this.props.drainTime ? secondsOf(this.props.drainTime) : 0;
      if (app && preStop + drain > 0 && preStop + drain >= this.terminationGracePeriodSeconds) {
        out.push({
          code: 'PRESTOP_EXCEEDS_GRACE',
          field: `${field}.preStop`,
          value: `${preStop}s + ${drain}s drain`,
          message: `does not end before terminationGracePeriodSeconds (${this.terminationGracePeriodSeconds}s): the grace period runs in parallel, so the app is SIGKILLed mid-drain`,
          fix: `raise terminationGracePeriod above ${preStop + drain}s or shorten preStop/drainTime`,
        });
      }
      if (this.team) {
        const eff = this.effectiveResources(c);
        out.push(...this.team.limitRange.violations(eff, field));
        const hard = this.team.quota.hard;
        const need: [string, unknown, unknown][] = [
          ['requests.cpu', hard.requestsCpu, eff.requests.cpu],
          ['requests.memory', hard.requestsMemory, eff.requests.memory],
          ['limits.cpu', hard.limitsCpu, eff.limits.cpu],
          ['limits.memory', hard.limitsMemory, eff.limits.memory],
        ];
        const noCpuLimit = this.cpuLimitIssue(c, field);
        if (noCpuLimit) out.push(noCpuLimit);
        for (const [key, quota, value] of need) {
          if (quota && !value && !(noCpuLimit && key === 'limits.cpu'))
            out.push({
              code: 'QUOTA_RESOURCES_MISSING',
              field: `${field}.resources.${key}`,
              value: undefined,
              message: `is unset, but namespace ${this.namespace} has a ${key} quota: the API server would reject the pod`,
              fix: `set resources.${key} or give the LimitRange a default`,
            });
        }
      }
    }
    out.push(...this.highAvailabilityIssues());
    return out;
  }
}
