import { createHash } from 'crypto';
import type { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isLabelValue } from './names';

/** The standard labels every object carries. @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/ */
export const Labels = {
  NAME: 'app.kubernetes.io/name',
  INSTANCE: 'app.kubernetes.io/instance',
  VERSION: 'app.kubernetes.io/version',
  COMPONENT: 'app.kubernetes.io/component',
  PART_OF: 'app.kubernetes.io/part-of',
  MANAGED_BY: 'app.kubernetes.io/managed-by',
} as const;

/** Annotations and labels of our own. */
export const Annotations = {
  /** Who pays for and answers for the object: so idle resources can be found and cleaned up. */
  OWNER: 'cluster-blueprints.io/owner',
  /** Hash of the configuration a pod template refers to, so config changes roll the pods. */
  CONFIG_HASH: 'cluster-blueprints.io/config-hash',
  /** The object holds data: a deploy tool must keep it on delete (Pulumi `retainOnDelete`/`protect`). */
  RETAIN: 'cluster-blueprints.io/retain',
  /**
   * On an object placed in a namespace the output does not render because another install owns
   * it (Velero's `velero`, Argo CD's `argocd`): names that install. The namespace is a cluster
   * prerequisite: deploy tools check it exists and order the object after it, and never create or delete it.
   */
  NAMESPACE_INSTALLED_BY: 'cluster-blueprints.io/namespace-installed-by',
  /** The release track a canary's pods carry (the stable track's pods carry none, so a canary never changes its selector). */
  RELEASE_TRACK: 'cluster-blueprints.io/release-track',
} as const;

/**
 * Pod labels that tell the tracks of one release apart: ours, and the `track` of the Kubernetes
 * docs' canary example. Two controllers whose pods differ only in these are one workload's tracks.
 */
export const TRACK_LABELS: readonly string[] = [Annotations.RELEASE_TRACK, 'track'];

/*
 * Exemptions from the manifest linters (kube-linter, kube-score, Polaris), each through the tool's own annotation on the
 * object it judges. Only for an object that is right but that a linter reading the manifests alone cannot judge (pods
 * an operator creates at runtime, a Secret an operator writes, a decision the linter does not know the reason of):
 * every caller states the reason, in the annotation where the tool reads one (kube-linter) and in the code beside it.
 */

/** kube-score's annotation: a comma-separated list of the check ids it skips on the object (kube-score scorecard.go). */
export const KUBE_SCORE_IGNORE = 'kube-score/ignore';

/**
 * Exempts `object` from the kube-linter check `check` (`ignore-check.kube-linter.io/<check>`), with
 * `reason` as the annotation's value: for an object that is right but that a check reading only the
 * manifests cannot judge, e.g. a NetworkPolicy selecting pods an operator creates at runtime
 * (dangling-networkpolicy: no pod template in the manifests matches it).
 */
export function ignoreKubeLinterCheck(object: ApiObject, check: string, reason: string): void {
  object.metadata.addAnnotation(`ignore-check.kube-linter.io/${check}`, reason);
}

/**
 * Exempts `object` from the kube-score check `check`, added to the checks its `kube-score/ignore`
 * annotation lists already (kube-score reads one comma-separated list: a second exemption must not
 * replace the first). kube-score's annotation holds no reason: the caller says it in a comment.
 */
export function ignoreKubeScoreCheck(object: ApiObject, check: string): void {
  // cdk8s keeps the annotations in a private field (ApiObjectMetadataDefinition.annotations) and offers no getter;
  // reading it does not resolve the rest of the metadata (a BatchJob's name is computed from its whole spec).
  // Read defensively: should a cdk8s release rename the field, a second exemption replaces the first instead of throwing.
  const current = (object.metadata as unknown as { annotations?: Record<string, string> }).annotations?.[KUBE_SCORE_IGNORE];
  const checks = (current ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (!checks.includes(check)) checks.push(check);
  object.metadata.addAnnotation(KUBE_SCORE_IGNORE, checks.join(','));
}

/**
 * Exempts `object` from the Polaris check `check` (`polaris.fairwinds.com/<check>-exempt: "true"`,
 * Polaris validator's exemptionAnnotationPattern). Polaris reads only `true` there: the caller says
 * the reason in a comment.
 */
export function exemptPolarisCheck(object: ApiObject, check: string): void {
  object.metadata.addAnnotation(`polaris.fairwinds.com/${check}-exempt`, 'true');
}

/**
 * Exempts `object` from the checks of kube-linter, Polaris and kube-score that refuse a pod running
 * as root (`run-as-non-root`, `runAsRootAllowed`, `container-security-context-user-group-id`), each
 * through that tool's own annotation, with `reason` on kube-linter's: for a pod that cannot work as
 * any other user (a node agent reading root-only node files), in a namespace whose Pod Security level
 * admits root.
 */
export function exemptRunAsRoot(object: ApiObject, reason: string): void {
  ignoreKubeLinterCheck(object, 'run-as-non-root', reason);
  exemptPolarisCheck(object, 'runAsRootAllowed');
  ignoreKubeScoreCheck(object, 'container-security-context-user-group-id');
}

/**
 * Exempts a NetworkPolicy whose pods are never in the manifests (an operator creates them at runtime)
 * from the checks that want its podSelector to match a pod or pod template of the output: kube-linter's
 * `dangling-networkpolicy` (with `reason`) and kube-score's `networkpolicy-targets-pod`.
 */
export function exemptRuntimePodsPolicy(policy: ApiObject, reason: string): void {
  ignoreKubeLinterCheck(policy, 'dangling-networkpolicy', reason);
  ignoreKubeScoreCheck(policy, 'networkpolicy-targets-pod');
}

/**
 * Exempts a pod controller whose pods mount their ServiceAccount token on purpose (they call the API
 * server, as an account granted the roles they need) from the checks that want no token mounted:
 * kube-linter's `automount-service-account-token` (with `reason`) and Polaris' `automountServiceAccountToken`.
 */
export function exemptApiTokenMount(object: ApiObject, reason: string): void {
  ignoreKubeLinterCheck(object, 'automount-service-account-token', reason);
  exemptPolarisCheck(object, 'automountServiceAccountToken');
}

/**
 * Label on a Namespace saying which kind of environment it serves. TeamNamespace sets it to
 * `production` in an environment whose cluster facts say `production: true`; the day-2 rules
 * ask for backups of data held there.
 */
export const ENVIRONMENT_LABEL = 'cluster-blueprints.io/environment';

/** The `managed-by` value stamped on every object. */
export const MANAGED_BY = 'cluster-blueprints';

/** Kinds that live outside namespaces: they must never carry `metadata.namespace`. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'VolumeAttachment',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ClusterSecretStore',
  'ClusterIssuer',
]);

/** Labels describing one component of an application. */
export interface ComponentLabelsOptions {
  /** `app.kubernetes.io/name`: what it is, e.g. `mysql`. */
  readonly name: string;
  /** `app.kubernetes.io/instance`: which one, e.g. `orders-db`. @default - same as `name` */
  readonly instance?: string;
  /** `app.kubernetes.io/component`, e.g. `database`. @default - none */
  readonly component?: string;
  /** `app.kubernetes.io/part-of`, e.g. `shop`. @default - none */
  readonly partOf?: string;
  /** `app.kubernetes.io/version`. @default - none */
  readonly version?: string;
}

/**
 * An object name as a label value. Names of kinds whose names may be DNS
 * subdomains (up to 253 characters: ConfigMap, PriorityClass, StorageClass…)
 * do not fit a label value (63). Such a name becomes its first 46 characters,
 * '-' and 16 hex characters of its sha256, so distinct names keep distinct
 * labels; the full name stays in `metadata.name`. Names that fit are unchanged.
 */
export function nameLabelValue(name: string): string {
  if (typeof name !== 'string' || isLabelValue(name)) return name;
  const prefix = name.slice(0, 46).replace(/[^A-Za-z0-9]+$/, '');
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return prefix ? `${prefix}-${hash}` : hash;
}

/** The `app.kubernetes.io/*` labels for a component, with `managed-by` set. */
export function componentLabels(options: ComponentLabelsOptions): Record<string, string> {
  const labels: Record<string, string> = {
    [Labels.NAME]: nameLabelValue(options.name),
    [Labels.INSTANCE]: nameLabelValue(options.instance ?? options.name),
    [Labels.MANAGED_BY]: MANAGED_BY,
  };
  if (options.component) labels[Labels.COMPONENT] = options.component;
  if (options.partOf) labels[Labels.PART_OF] = options.partOf;
  if (options.version) labels[Labels.VERSION] = options.version;
  return labels;
}

const owners = new WeakMap<IConstruct, string>();

/** Declares who owns everything under `scope` (nearest declaration wins). */
export function setOwner(scope: IConstruct, owner: string): void {
  owners.set(scope, owner);
}

/** The owner declared on `scope` or its nearest ancestor, if any. */
export function ownerOf(scope: IConstruct): string | undefined {
  for (const s of [...scope.node.scopes].reverse()) {
    const owner = owners.get(s);
    if (owner !== undefined) return owner;
  }
  return undefined;
}
