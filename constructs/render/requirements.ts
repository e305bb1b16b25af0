import { Problems } from '../core/errors';
import { isDns1123Label } from '../core/names';
import { checkArgs, is } from '../core/shape';
import { KEEP_DATA_SYNC_OPTIONS, SERVER_SIDE_APPLY, syncOptionsOf } from '../gitops/sync-annotations';
import { SecretBackendKind } from '../secrets/secret-backend';
import { DeclaredSecret } from '../secrets/secret-declaration';

/*
 * The controllers an output needs in the cluster, derived from the custom
 * kinds its objects use: an API server accepts a custom resource only when its
 * CRD is installed, and nothing acts on it without its controller.
 */

/** One CRD (group, kind, served version) an output uses. */
export interface CrdRequirement {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
}

/** A controller the output needs installed, with the CRDs of it that the output uses. */
export interface ControllerRequirement {
  readonly name: string;
  /** Releases that serve every CRD version the output uses (semver range). */
  readonly versionRange: string;
  readonly crds: readonly CrdRequirement[];
  /**
   * What the install must also provide for the objects to do their work, beyond the controller and its CRDs:
   * e.g. Velero's backup storage location and volume snapshotter, without which its backups of the output's
   * Schedules fail or complete without the volumes' data.
   * @default - nothing more (the field is absent)
   */
  readonly setup?: readonly string[];
}

/**
 * A namespace the output puts objects in without creating it (no Namespace object of that name): it must exist
 * before they are applied, and nothing in the output governs it (quota, LimitRange, default deny). The namespaces
 * Kubernetes creates itself (`default`, `kube-system`, `kube-public`, `kube-node-lease`) are not listed.
 */
export interface NamespaceRequirement {
  /** What the line is: a namespace. */
  readonly kind: 'Namespace';
  /** The namespace's name. */
  readonly name: string;
  /** The command that creates it. */
  readonly create: string;
}

/**
 * A Secret the output's pods read that no manifest holds: one declared with `SecretBackend.deployTool()`. `deployApp`
 * creates it from the stack config; applying the manifests any other way (`kubectl apply`, Argo CD, Flux) does not,
 * and the pods that read it wait (CreateContainerConfigError, ImagePullBackOff) until it exists. Its values are never
 * listed.
 */
export interface SecretRequirement {
  /** What the line is: a Secret. */
  readonly kind: 'Secret';
  /** The namespace of the Secret (and of the pods that read it). */
  readonly namespace: string;
  /** The Secret's name. */
  readonly name: string;
  /** The Secret's type, e.g. `Opaque` or `kubernetes.io/dockerconfigjson`. */
  readonly type: string;
  /** The keys it must hold. */
  readonly keys: readonly string[];
  /** The command that creates it from files named after its keys in the current directory. */
  readonly create: string;
}

/** One line of the requirements file: a controller (no `kind`), a namespace or a Secret. */
export type Requirement = ControllerRequirement | NamespaceRequirement | SecretRequirement;

/**
 * The requirements file synthesize writes into each outdir: JSON Lines, one
 * requirement per line (controllers, then namespaces, then Secrets). Not .json or .yaml, so `kubectl apply -f <outdir>`,
 * Argo CD and Flux, which read those, leave it alone.
 */
export const REQUIREMENTS_FILE = 'requirements.jsonl';

interface Controller {
  readonly name: string;
  /** Version range by API version of the group (the releases that serve it). */
  readonly versions: Readonly<Record<string, string>>;
  /** What an object of the group needs the install to provide beyond the CRDs (`ControllerRequirement.setup`). */
  readonly setup?: (o: any) => readonly string[];
}

/*
 * What a Velero Schedule needs beyond Velero and its CRDs (velero.io/docs: locations, CSI, file-system backup).
 * A backup names a BackupStorageLocation or takes the default one; without it the backup fails validation.
 * Snapshots need a volume snapshotter: without a VolumeSnapshotLocation whose provider plugin handles the volumes,
 * Velero skips them and the backup completes without their data; CSI snapshots need the EnableCSI feature (and
 * before 1.14, when the plugin was merged into Velero, velero-plugin-for-csi), and Velero takes the
 * VolumeSnapshotClass of the volume's driver labelled velero.io/csi-volumesnapshot-class. File-system backup runs
 * in the node agent.
 */
function veleroSetup(o: any): string[] {
  if (o.kind !== 'Schedule') return [];
  const t = o.spec?.template ?? {};
  const location = typeof t.storageLocation === 'string' && t.storageLocation ? t.storageLocation : undefined;
  return [
    location
      ? `the BackupStorageLocation ${location} in Velero's namespace, available (velero backup-location get): the backups are stored there`
      : "a default BackupStorageLocation in Velero's namespace (velero install --provider --bucket --backup-location-config, or a BackupStorageLocation with spec.default: true): a Schedule naming none stores its backups there, and without one every backup fails",
    ...(t.snapshotVolumes !== false
      ? [
          'a volume snapshotter for the volumes, else Velero skips them and the backups complete without their data: a VolumeSnapshotLocation with its provider\'s plugin (velero install --plugins --snapshot-location-config), or CSI snapshots (velero install --features=EnableCSI, before Velero 1.14 also the plugin velero/velero-plugin-for-csi, and a VolumeSnapshotClass of the volumes\' CSI driver labelled velero.io/csi-volumesnapshot-class: "true")',
        ]
      : []),
    ...(t.defaultVolumesToFsBackup === true
      ? ['the node agent, which copies the pod volumes for file-system backup (velero install --use-node-agent)']
      : []),
  ];
}

/**
 * The items a list holds, by its own indices: a sparse list (`new Array(2 ** 32 - 1)` in hostile input) is read in the
 * time of what it holds, not of its length, and its holes are no items.
 */
function ownItems(list: unknown): unknown[] {
  return Array.isArray(list) ? Object.keys(list).flatMap((k) => (/^\d+$/.test(k) ? [list[Number(k)]] : [])) : [];
}

/** The IAM actions ESO's AWS provider calls to read one secret (external-secrets.io docs: AWS Secrets Manager, Parameter Store). */
const AWS_READ_ACTIONS: Readonly<Record<string, string>> = {
  SecretsManager: 'secretsmanager:GetSecretValue and secretsmanager:DescribeSecret',
  ParameterStore: 'ssm:GetParameter',
};

/*
 * What ESO needs beyond the operator for the output's stores and ExternalSecrets to sync: credentials for a store's
 * provider (an AWS store without `auth` uses the controller pod's own credential chain: external-secrets.io, AWS
 * access, "Controller's Pod Identity"), and the remote secrets themselves, which must exist before an ExternalSecret
 * can write its Secret (until then its pods stay in CreateContainerConfigError).
 */
function externalSecretsSetup(o: any): string[] {
  if ((o.kind === 'ClusterSecretStore' || o.kind === 'SecretStore') && o.spec?.provider?.aws) {
    const aws = o.spec.provider.aws;
    const service = typeof aws.service === 'string' ? aws.service : 'SecretsManager';
    const who =
      aws.auth === undefined
        ? "the operator's own ServiceAccount (IRSA or EKS Pod Identity on the controller)"
        : typeof aws.role === 'string'
          ? `the credentials of its auth, able to assume ${aws.role}`
          : 'the credentials of its auth';
    return [
      `${o.kind} ${o.metadata?.name}: an IAM role for ${who} allowing ${AWS_READ_ACTIONS[service] ?? 'the read calls of its service'} on the secrets it reads in ${aws.region}${typeof aws.role === 'string' && aws.auth === undefined ? `, and sts:AssumeRole on ${aws.role}` : ''}: without it every ExternalSecret of the store fails to sync`,
    ];
  }
  if (o.kind !== 'ExternalSecret') return [];
  const store = o.spec?.secretStoreRef ?? {};
  const refs = ownItems(o.spec?.data)
    .map((d: any) => d?.remoteRef)
    .filter((r: any) => typeof r?.key === 'string');
  return refs.map(
    (r: any) =>
      `the remote secret ${r.key}${typeof r.property === 'string' ? ` with the property ${r.property}` : ''}, read through ${store.kind ?? 'SecretStore'} ${store.name} by ExternalSecret ${o.metadata?.namespace}/${o.metadata?.name}: it must exist before the sync, else the Secret is never written and the pods that read it never start`,
  );
}

/*
 * Who serves each custom API group, and which releases serve the versions the
 * library renders; the ranges follow the projects' release notes and the
 * schemas the schema check uses.
 */
const CONTROLLERS: Readonly<Record<string, Controller>> = {
  // v1beta1 is served from 0.5.0; 0.17.0 stopped serving it.
  'external-secrets.io': {
    name: 'External Secrets Operator',
    versions: { v1beta1: '>=0.5.0 <0.17.0', v1: '>=0.16.2' },
    setup: externalSecretsSetup,
  },
  // v1 is served from 1.0.0; the HTTP-01 solver pods it starts in a Certificate's namespace meet Pod Security
  // `restricted` (a TeamNamespace's default) from 1.10.0 (#5259: seccomp RuntimeDefault, capabilities dropped):
  // before, the namespace refuses them and the certificate is never issued.
  'cert-manager.io': { name: 'cert-manager', versions: { v1: '>=1.10.0' } },
  // The recommender reads usage from the metrics API (VPA's README: metrics-server is a prerequisite).
  'autoscaling.k8s.io': {
    name: 'Vertical Pod Autoscaler',
    versions: { v1: '>=1.0.0' },
    setup: () => ['metrics-server (the metrics.k8s.io API), from which the recommender reads usage: without it no recommendation is made'],
  },
  // The Schedule schema checked is the v1.11 line's (crds/velero-schedule-v1.yaml).
  'velero.io': { name: 'Velero', versions: { v1: '>=1.11.0' }, setup: veleroSetup },
  // Types and enums are checked with v0.65.1's schemas (@kubernetes-models/prometheus-operator 4.4.4); unknown fields
  // against the union of those and @kubernetes-models/prometheus-operator 6.0.0's (rules/model-fields.json).
  'monitoring.coreos.com': { name: 'prometheus-operator', versions: { v1: '>=0.65.1', v1alpha1: '>=0.65.1' } },
  'argoproj.io': { name: 'Argo CD', versions: { v1alpha1: '>=2.0.0' } },
};

/*
 * Argo CD releases that honour the per-object sync options the output writes: an older controller ignores an option
 * it does not know, and does what the option was there to prevent. `Delete=false` (argo-cd #12448, gitops-engine
 * #507, on master from February 2023, so 2.7.0) keeps data holders when the Application is deleted with cascade;
 * before it, a cascading `argocd app delete` deletes them. `ServerSideApply=true` per object is served from 2.5.0.
 */
const ARGO_SYNC_OPTION_RELEASES: ReadonlyArray<readonly [string, string]> = [
  [KEEP_DATA_SYNC_OPTIONS[1], '>=2.7.0'],
  [SERVER_SIDE_APPLY, '>=2.5.0'],
];

/** What built-in kinds need from the cluster beyond the API server: a controller or add-on no CRD names. */
interface BuiltInNeed {
  readonly name: string;
  readonly setup: string;
}

const INGRESS_ANNOTATION_CLASS = 'kubernetes.io/ingress.class';
const EXTERNAL_DNS_HOSTNAME = 'external-dns.alpha.kubernetes.io/hostname';

/*
 * Objects of built-in kinds that the API server stores and nothing acts on unless the cluster runs their controller
 * (kubernetes.io/docs: Ingress controllers, Resource metrics pipeline, Network policies, CSI; external-dns's docs).
 */
function builtInNeeds(o: any): BuiltInNeed[] {
  const needs: BuiltInNeed[] = [];
  if (o.kind === 'Ingress') {
    const cls = o.spec?.ingressClassName ?? o.metadata?.annotations?.[INGRESS_ANNOTATION_CLASS];
    const named = typeof cls === 'string' && cls !== '' ? cls : undefined;
    needs.push({
      name: named ? `ingress controller (IngressClass ${named})` : 'ingress controller (the default IngressClass)',
      setup: `an ingress controller serving ${named ? `the IngressClass ${named} (for nginx: ingress-nginx, in the namespace the output's NetworkPolicies admit, ingress-nginx by default)` : 'the IngressClass marked default'}: without one the Ingress is stored and nothing routes to it, and an HTTP-01 challenge through it is never answered`,
    });
  }
  if (o.kind === 'HorizontalPodAutoscaler') {
    const types = new Set<string>(ownItems(o.spec?.metrics).map((m: any) => m?.type));
    // No metrics means the API's default: 80% average CPU utilisation, a Resource metric.
    if (types.size === 0 || types.has('Resource') || types.has('ContainerResource'))
      needs.push({
        name: 'metrics-server',
        setup:
          'metrics-server (or another server of the metrics.k8s.io API): without it a HorizontalPodAutoscaler on CPU or memory reports <unknown> and never scales',
      });
    if (types.has('Pods') || types.has('Object') || types.has('External'))
      needs.push({
        name: 'custom metrics adapter',
        setup:
          'an adapter serving custom.metrics.k8s.io / external.metrics.k8s.io (e.g. prometheus-adapter, KEDA): without it a HorizontalPodAutoscaler on Pods, Object or External metrics never scales',
      });
  }
  if (
    o.kind === 'StorageClass' &&
    typeof o.provisioner === 'string' &&
    o.provisioner.includes('.') &&
    !o.provisioner.startsWith('kubernetes.io/')
  )
    needs.push({
      name: `CSI driver ${o.provisioner}`,
      setup: `the CSI driver ${o.provisioner} (its controller and node plugin, with the cloud permissions it needs): without it the claims of the class stay Pending and their pods never start`,
    });
  if (o.kind === 'Service' && o.spec?.type === 'LoadBalancer') {
    const cls = typeof o.spec.loadBalancerClass === 'string' ? o.spec.loadBalancerClass : undefined;
    needs.push({
      name: cls ? `load balancer (class ${cls})` : 'load balancer',
      setup: `${cls ? `the load-balancer controller of the class ${cls}` : "a load-balancer implementation for Services of type LoadBalancer (the cloud's controller, e.g. the AWS Load Balancer Controller, or MetalLB on bare metal)"}: without one the Service's external address stays <pending>`,
    });
  }
  if (o.kind === 'NetworkPolicy')
    needs.push({
      name: 'NetworkPolicy enforcement',
      setup:
        'a network plugin that enforces NetworkPolicy (Calico, Cilium, the AWS VPC CNI with network policy enabled…): with one that does not, every policy is accepted and ignored, and nothing is isolated',
    });
  if (typeof o.metadata?.annotations?.[EXTERNAL_DNS_HOSTNAME] === 'string')
    needs.push({
      name: 'external-dns',
      setup: `external-dns, watching the kinds that carry ${EXTERNAL_DNS_HOSTNAME} and allowed to write the zone of their hosts: without it the names are never published`,
    });
  return needs;
}

/** API groups Kubernetes serves itself (`''` is the core group). */
function builtIn(group: string): boolean {
  if (Object.hasOwn(CONTROLLERS, group)) return false;
  return !group.includes('.') || group.endsWith('.k8s.io') || group === 'apiextensions.k8s.io';
}

/**
 * The controllers `objects` need, in a stable order (by name), each with the
 * CRDs (group, kind, version) the objects use. A custom group no controller
 * of the catalogue serves is listed under its group name with range `*`.
 */
export function controllerRequirements(objects: readonly unknown[]): ControllerRequirement[] {
  checkArgs('controllerRequirements', ['objects', objects, is.list(is.any)]);
  const byController = new Map<string, { versions: Set<string>; crds: Map<string, CrdRequirement>; setup: Set<string> }>();
  const argoOptionRanges = new Set<string>();
  for (const raw of objects) {
    const o = raw as { apiVersion?: unknown; kind?: unknown; metadata?: { annotations?: unknown } };
    if (typeof o?.apiVersion !== 'string' || typeof o.kind !== 'string') continue;
    const entryOf = (name: string) => {
      const entry = byController.get(name) ?? {
        versions: new Set<string>(),
        crds: new Map<string, CrdRequirement>(),
        setup: new Set<string>(),
      };
      byController.set(name, entry);
      return entry;
    };
    for (const need of builtInNeeds(o)) entryOf(need.name).setup.add(need.setup);
    for (const option of syncOptionsOf(o.metadata?.annotations))
      for (const [known, range] of ARGO_SYNC_OPTION_RELEASES) if (option === known) argoOptionRanges.add(range);
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    if (builtIn(group) || o.kind === 'CustomResourceDefinition') continue;
    // Own keys only: a group or version named like an Object.prototype member ('constructor/v1') is just unknown.
    const controller = Object.hasOwn(CONTROLLERS, group) ? CONTROLLERS[group] : { name: group, versions: {} };
    const entry = entryOf(controller.name);
    entry.versions.add(Object.hasOwn(controller.versions, version) ? controller.versions[version] : '*');
    entry.crds.set(`${group}/${version}/${o.kind}`, { group, kind: o.kind, version });
    for (const need of controller.setup?.(o) ?? []) entry.setup.add(need);
  }
  // The output is synced by Argo CD (it holds an Application): the release must also honour its objects' sync options.
  const argo = byController.get(CONTROLLERS['argoproj.io'].name);
  if (argo) for (const range of argoOptionRanges) argo.versions.add(range);
  return [...byController.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => ({
      name,
      // Every version the output uses must be served: the ranges intersect (space-joined, as semver writes an intersection).
      versionRange: intersect([...e.versions].filter((r) => r !== '*')) || '*',
      crds: [...e.crds.values()].sort((a, b) => `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`)),
      ...(e.setup.size ? { setup: [...e.setup].sort() } : {}),
    }));
}

/** `x.y.z` → comparable numbers (the ranges above use plain releases only). */
const release = (v: string) => v.split('.').map(Number);
const newer = (a: string, b: string) => {
  const [x, y] = [release(a), release(b)];
  const i = x.findIndex((n, k) => n !== y[k]);
  return i >= 0 && x[i] > y[i];
};

/**
 * The intersection of ranges made of `>=x.y.z` and `<x.y.z` terms, as one range: the highest lower bound and the
 * lowest upper bound (what `>=2.0.0 >=2.7.0` means, written as a reader expects it).
 */
function intersect(ranges: readonly string[]): string {
  let low: string | undefined;
  let high: string | undefined;
  for (const term of ranges.join(' ').split(' ').filter(Boolean)) {
    if (term.startsWith('>=')) low = low === undefined || newer(term.slice(2), low) ? term.slice(2) : low;
    else if (term.startsWith('<')) high = high === undefined || newer(high, term.slice(1)) ? term.slice(1) : high;
  }
  return [low === undefined ? '' : `>=${low}`, high === undefined ? '' : `<${high}`].filter(Boolean).join(' ');
}

/** The namespaces Kubernetes creates itself: always there. */
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * The namespaces `objects` put objects in and do not create (see `NamespaceRequirement`), by name, each with the
 * `kubectl create namespace` that makes it.
 */
export function namespaceRequirements(objects: readonly unknown[]): NamespaceRequirement[] {
  checkArgs('namespaceRequirements', ['objects', objects, is.list(is.any)]);
  const created = new Set<string>();
  const used = new Set<string>();
  for (const raw of objects) {
    const o = raw as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (typeof o?.kind !== 'string') continue;
    if (o.kind === 'Namespace' && o.apiVersion === 'v1' && typeof o.metadata?.name === 'string') created.add(o.metadata.name);
    const ns = o.metadata?.namespace;
    // A namespace that is no DNS-1123 label cannot exist (the name check reports it) and would go into the unquoted
    // command: not a requirement.
    if (typeof ns === 'string' && isDns1123Label(ns) && !SYSTEM_NAMESPACES.has(ns)) used.add(ns);
  }
  return [...used]
    .filter((ns) => !created.has(ns))
    .sort()
    .map((name) => ({ kind: 'Namespace', name, create: `kubectl create namespace ${name}` }));
}

/**
 * The Secrets among `declared` (`secretDeclarations(app)`) that the deploy tool provides, in their order (by
 * namespace and name), each with a `kubectl create secret generic` that makes it from files named after its keys.
 */
export function secretRequirements(declared: readonly DeclaredSecret[]): SecretRequirement[] {
  checkArgs('secretRequirements', ['declared', declared, is.list(DECLARED_SECRET_SHAPE)]);
  const problems = new Problems(undefined, 'secretRequirements');
  const requirements = declared
    .filter((d) => d.backend === SecretBackendKind.DEPLOY_TOOL)
    .map((d, i) => {
      const keys = d.keys.map((k) => k.key);
      // The command is written unquoted: what a declaration holds (names, namespaces, keys, types) is all of
      // [-._a-zA-Z0-9/]; a value from elsewhere that is not could make it run something else when pasted.
      const parts: [string, unknown][] = [
        ['name', d.name],
        ['namespace', d.namespace],
        ['type', d.type],
        ...keys.map((k, j): [string, unknown] => [`keys[${j}].key`, k]),
      ];
      for (const [field, value] of parts)
        problems.check(!PLAIN_WORD.test(String(value)), {
          code: 'PROPS_INVALID',
          field: `declared[${i}].${field}`,
          value,
          message: 'is not a name of letters, digits and -._/ (a Secret name, namespace, type or key never holds anything else)',
          fix: 'pass the declarations secretDeclarations(app) gives',
        });
      const create = [
        `kubectl create secret generic ${d.name} --namespace ${d.namespace}`,
        ...(d.type === 'Opaque' ? [] : [`--type=${d.type}`]),
        ...keys.map((k) => `--from-file=${k}=./${k}`),
      ].join(' ');
      return { kind: 'Secret' as const, namespace: d.namespace, name: d.name, type: d.type, keys, create };
    });
  problems.throwIfAny();
  return requirements;
}

/** What a Secret's name, namespace, type or key is made of. */
const PLAIN_WORD = /^[-._a-zA-Z0-9/]+$/;

/** The shape of one `secretDeclarations` entry, as secretRequirements reads it. */
const DECLARED_SECRET_SHAPE = is.props<DeclaredSecret>(
  {
    namespace: is.string,
    name: is.string,
    backend: is.oneOf(Object.values(SecretBackendKind), 'secret backend'),
    type: is.string,
    keys: is.list(is.object({ key: is.string, configKey: is.string, remoteKey: is.string, property: is.string }, ['key'])),
  },
  ['namespace', 'name', 'type', 'keys'],
);

/**
 * Everything the output needs in the cluster that its manifests do not create: the controllers of `objects`
 * (`controllerRequirements`), the namespaces they use and do not create, and the deploy tool's Secrets among
 * `declared`; the lines of the requirements file, in that order.
 */
export function outputRequirements(objects: readonly unknown[], declared: readonly DeclaredSecret[] = []): Requirement[] {
  return [...controllerRequirements(objects), ...namespaceRequirements(objects), ...secretRequirements(declared)];
}

/** The requirements file's text: one JSON object per line. */
export function requirementsText(requirements: readonly Requirement[]): string {
  return requirements.map((r) => JSON.stringify(r)).join('\n') + (requirements.length ? '\n' : '');
}
