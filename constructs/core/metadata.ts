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
 * Exempts `object` from the checks of kube-linter, Polaris and kube-score that refuse a pod running
 * as root (`run-as-non-root`, `runAsRootAllowed`, `container-security-context-user-group-id`), each
 * through that tool's own annotation, with `reason` on kube-linter's: for a pod that cannot work as
 * any other user (a node agent reading root-only node files), in a namespace whose Pod Security level
 * admits root.
 */
export function exemptRunAsRoot(object: ApiObject, reason: string): void {
  ignoreKubeLinterCheck(object, 'run-as-non-root', reason);
  object.metadata.addAnnotation('polaris.fairwinds.com/runAsRootAllowed-exempt', 'true');
  object.metadata.addAnnotation('kube-score/ignore', 'container-security-context-user-group-id');
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
