import { Annotations, ENVIRONMENT_LABEL, Labels, MANAGED_BY } from '../core/metadata';
import {
  KEEP_DATA_SYNC_OPTIONS,
  LAST_APPLIED_ANNOTATION,
  MAX_ANNOTATIONS_BYTES,
  lastAppliedAnnotationsBytes,
  objectHoldsData,
  tooLargeForClientSideApply,
  SERVER_SIDE_APPLY,
  syncOptionsOf,
} from '../gitops/sync-annotations';
import { ManifestIndex, arr, isObject, isOwnOutput, operatorPods, podTemplateOf, selects } from './manifest-index';
import { Rule, v } from './rule';

/** Marks the cluster's default StorageClass (a claim without storageClassName gets it). */
const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/*
 * Day-2 safety: what protects data after the first deploy.
 */

/** Objects that hold data: PersistentVolumeClaims, StatefulSets with claim templates, and prometheus-operator Prometheus with storage. */
export function dataHolders(ix: ManifestIndex): any[] {
  return [
    ...ix.ofKind('PersistentVolumeClaim'),
    ...ix.ofKind('StatefulSet').filter((s) => arr(s.spec?.volumeClaimTemplates).length > 0),
    ...ix
      .ofKind('Prometheus')
      .filter((p) => String(p.apiVersion).startsWith('monitoring.coreos.com/') && p.spec?.storage?.volumeClaimTemplate),
  ];
}

/** A claim a data holder makes: its spec (where storageClassName lives) and the labels the claim is created with. */
export interface HolderClaim {
  /** JSON pointer to the claim's spec in the holder. */
  readonly pointer: string;
  readonly spec: any;
  readonly labels: Record<string, string>;
}

const labelsOf = (v: unknown): Record<string, string> => (isObject(v) ? (v as Record<string, string>) : {});

/**
 * The claims of a data holder (`dataHolders`): a claim itself; a StatefulSet's claim templates, each claim
 * labelled with the template's labels and the StatefulSet's selector (the StatefulSet controller,
 * getPersistentVolumeClaims); a Prometheus' storage template.
 */
export function claimsOf(o: any): HolderClaim[] {
  if (o.kind === 'PersistentVolumeClaim') return [{ pointer: '/spec', spec: o.spec, labels: labelsOf(o.metadata?.labels) }];
  if (o.kind === 'StatefulSet')
    return arr(o.spec?.volumeClaimTemplates).map((t, i) => ({
      pointer: `/spec/volumeClaimTemplates/${i}/spec`,
      spec: t?.spec,
      labels: { ...labelsOf(t?.metadata?.labels), ...labelsOf(o.spec?.selector?.matchLabels) },
    }));
  const t = o.spec?.storage?.volumeClaimTemplate;
  return isObject(t) ? [{ pointer: '/spec/storage/volumeClaimTemplate/spec', spec: t.spec, labels: labelsOf(t.metadata?.labels) }] : [];
}

/** Labels of the pods that mount a data holder's claims (a claim: the output's pod templates of its namespace naming it). */
function holderPodLabels(ix: ManifestIndex, o: any): Record<string, string>[] {
  if (o.kind === 'StatefulSet') return [labelsOf(podTemplateOf(o)?.metadata?.labels)];
  if (o.kind === 'Prometheus') return [operatorPods(o)?.labels ?? {}];
  const name = o.metadata?.name;
  return typeof name === 'string' ? (claimMounters(ix, o.metadata?.namespace).get(name) ?? []) : [];
}

/**
 * Per index and namespace: each claim name with the labels of the pod templates that mount it, in template order,
 * each template once. Built once, so N claims over N workloads of a namespace stay linear (a scan per claim was quadratic).
 */
const mounters = new WeakMap<ManifestIndex, Map<string, Map<string, Record<string, string>[]>>>();
function claimMounters(ix: ManifestIndex, ns: string | undefined): Map<string, Record<string, string>[]> {
  let byNs = mounters.get(ix);
  if (!byNs) mounters.set(ix, (byNs = new Map()));
  let byClaim = byNs.get(ns ?? '');
  if (byClaim) return byClaim;
  byNs.set(ns ?? '', (byClaim = new Map()));
  for (const t of ix.templatesIn(ns)) {
    const claims = new Set(arr(t.spec.volumes).map((vol) => vol?.persistentVolumeClaim?.claimName));
    for (const c of claims)
      if (typeof c === 'string') {
        const list = byClaim.get(c);
        if (list) list.push(t.labels);
        else byClaim.set(c, [t.labels]);
      }
  }
  return byClaim;
}

/** The namespace Velero installs itself in, and reconciles Schedules of (`velero install --namespace`'s default). */
/** Where Velero is installed unless a Schedule declares otherwise (BackupSchedule's default too). */
export const VELERO_NAMESPACE = 'velero';

/** Names Velero resolves (through discovery, like kubectl: plural, singular, short name) to claims and to volumes. */
const CLAIM_RESOURCES = ['persistentvolumeclaims', 'persistentvolumeclaim', 'pvc'];
const VOLUME_RESOURCES = ['persistentvolumes', 'persistentvolume', 'pv'];

/** Does a resource list (`includedResources`, …) name one of `names` (compared lower-cased)? */
const listsAny = (list: unknown, names: readonly string[]): boolean =>
  arr(list).some((r) => typeof r === 'string' && names.includes(r.toLowerCase()));

/** Does a resource include-list restrict the backup to resources other than `names`? (Empty or `*`: everything.) */
const leavesOut = (list: unknown, names: readonly string[]): boolean =>
  arr(list).length > 0 && !arr(list).includes('*') && !listsAny(list, names);

/** Does a Velero backup template's label selection (labelSelector, or any of orLabelSelectors) select `labels`? None: everything. */
function veleroSelects(t: any, labels: Record<string, string>): boolean {
  const ors = arr(t.orLabelSelectors).filter(isObject);
  if (ors.length > 0) return ors.some((sel) => selects(sel, labels));
  return !isObject(t.labelSelector) || selects(t.labelSelector, labels);
}

/**
 * A namespace pattern of a Velero backup as a RegExp, or `undefined` for one Velero refuses. Velero (1.18 and
 * later for includes; excludes long before) matches includedNamespaces and excludedNamespaces as globs
 * (gobwas/glob, no separators): `*` any run, `?` one character, `[abc]`, `[a-z]`, `[!a]`, `{a,b}`; it refuses
 * `|`, `(`, `)`, `**` and unclosed brackets or braces. Velero before 1.18 lists an include pattern other than
 * `*` literally, so it includes nothing: upgrade Velero, or name the namespaces.
 */
function veleroGlob(pattern: string): RegExp | undefined {
  if (/[|()]|\*\*/.test(pattern)) return undefined;
  let re = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      re += escapeRegExp(pattern[++i]);
    } else if (ch === '[') {
      // A class: [abc], [a-z], [!abc]; never empty.
      const end = pattern.indexOf(']', i + 1);
      const negated = pattern[i + 1] === '!';
      const body = end < 0 ? '' : pattern.slice(i + (negated ? 2 : 1), end);
      if (body === '') return undefined;
      re += `[${negated ? '^' : ''}${[...body].map((c) => (c === '-' ? c : escapeRegExp(c))).join('')}]`;
      i = end;
    } else if (ch === '{') {
      braces++;
      re += '(?:';
    } else if (ch === '}') {
      if (braces-- === 0) return undefined;
      re += ')';
    } else {
      re += ch === '*' ? '.*' : ch === '?' ? '.' : ch === ',' && braces > 0 ? '|' : escapeRegExp(ch);
    }
  }
  if (braces > 0) return undefined;
  try {
    return new RegExp(`^${re}$`);
  } catch {
    return undefined; // a range out of order, e.g. [z-a], which the glob compiler refuses too
  }
}

const escapeRegExp = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Does a namespace pattern of a Velero backup (a name or a glob, see veleroGlob) match `ns`? A refused one matches nothing. */
function namespaceMatches(pattern: unknown, ns: string): boolean {
  if (typeof pattern !== 'string') return false;
  if (pattern === ns || pattern === '*') return true;
  return /[*?[{]/.test(pattern) && (veleroGlob(pattern)?.test(ns) ?? false);
}

/**
 * Why a Velero Schedule does not back up a data holder's volume data (empty: it does), or `undefined` when it
 * does not back up the holder's namespace at all. Velero runs only the Schedules of its own namespace
 * (`velero`, or the one a Schedule declares with the annotation cluster-blueprints.io/namespace-installed-by:
 * velero, as BackupSchedule does), not paused ones; the label selection applies to each object's own labels,
 * a pod bringing the claims it mounts along (Velero's pod action) and a claim its volume; volume data is
 * snapshotted (snapshotVolumes, on unless false) or copied from the pods (defaultVolumesToFsBackup).
 */
function scheduleGaps(s: any, ns: string, claims: readonly HolderClaim[], pods: readonly Record<string, string>[]): string[] | undefined {
  const t = isObject(s.spec?.template) ? s.spec.template : {};
  const included = arr(t.includedNamespaces);
  const excluded = arr(t.excludedNamespaces);
  if (included.length > 0 && !included.includes('*') && !included.some((p) => namespaceMatches(p, ns))) return undefined;
  if (excluded.some((p) => namespaceMatches(p, ns))) return undefined;
  const gaps: string[] = [];
  const refused = [...included, ...excluded].filter((p) => typeof p === 'string' && veleroGlob(p) === undefined);
  if (refused.length)
    gaps.push(`filters namespaces by ${JSON.stringify(refused[0])}, a pattern Velero refuses (every backup fails validation)`);
  const home = s.metadata?.namespace;
  if (home !== VELERO_NAMESPACE && s.metadata?.annotations?.[Annotations.NAMESPACE_INSTALLED_BY] !== 'velero')
    gaps.push(`is outside Velero's namespace (${VELERO_NAMESPACE}), the only one whose Schedules Velero runs`);
  if (s.spec?.paused === true) gaps.push('is paused');
  if (listsAny(t.excludedResources, CLAIM_RESOURCES) || listsAny(t.excludedNamespaceScopedResources, CLAIM_RESOURCES))
    gaps.push('excludes claims');
  if (listsAny(t.excludedResources, VOLUME_RESOURCES) || listsAny(t.excludedClusterScopedResources, VOLUME_RESOURCES))
    gaps.push('excludes PersistentVolumes');
  if (leavesOut(t.includedResources, CLAIM_RESOURCES) || leavesOut(t.includedNamespaceScopedResources, CLAIM_RESOURCES))
    gaps.push('includes only other resources than claims');
  else if (leavesOut(t.includedResources, VOLUME_RESOURCES)) gaps.push('includes only other resources than PersistentVolumes');
  const snapshots = t.snapshotVolumes !== false;
  const fsBackup = t.defaultVolumesToFsBackup === true;
  if (!snapshots && !fsBackup) gaps.push('backs up no volume data (snapshotVolumes: false, defaultVolumesToFsBackup not true)');
  else if (isObject(t.labelSelector) && arr(t.orLabelSelectors).length > 0)
    gaps.push('sets both labelSelector and orLabelSelectors, which Velero refuses');
  else {
    const podSelected = pods.some((l) => veleroSelects(t, l));
    const claimSelected = claims.length > 0 && claims.every((c) => veleroSelects(t, c.labels));
    // File-system backup copies what the selected pods mount; a snapshot follows a selected claim or a selected pod's claims.
    const reached = (snapshots && (podSelected || claimSelected)) || (fsBackup && (podSelected || (pods.length === 0 && claimSelected)));
    if (!reached) gaps.push('selects (labelSelector) neither the claims nor the pods that mount them');
  }
  return gaps;
}

function isProduction(ix: ManifestIndex, ns: string | undefined): boolean {
  const n = ns === undefined ? undefined : ix.get('Namespace', undefined, ns);
  return (n?.metadata?.labels?.[ENVIRONMENT_LABEL] ?? n?.metadata?.annotations?.[ENVIRONMENT_LABEL]) === 'production';
}

/** Argo CD Applications of the output that re-create what goes missing from the cluster (automated sync with selfHeal). */
function selfHealingApplications(ix: ManifestIndex): any[] {
  return ix
    .ofKind('Application')
    .filter(
      (a) =>
        typeof a.apiVersion === 'string' && a.apiVersion.startsWith('argoproj.io/') && a.spec?.syncPolicy?.automated?.selfHeal === true,
    );
}

/** EBS volume types (the EBS CSI driver's `type` parameter): a type name of no other driver. */
const EBS_VOLUME_TYPES = new Set(['gp2', 'gp3', 'io1', 'io2', 'sc1', 'st1', 'standard']);

/**
 * What a well-known CSI driver makes of a StorageClass's parameters that it cannot use, read from the drivers'
 * sources: Azure Disk's ParseDiskParameters refuses any key it does not know ("invalid parameter type in storage
 * class"), `type` among them; GCE PD's ExtractAndDefaultParameters takes `type` as a Compute Engine disk type without
 * checking it, so an EBS type asks Compute Engine for a disk type it does not have. Either way every claim of the
 * class stays Pending, and the parameters cannot be changed once the class exists.
 */
function foreignParameterReason(provisioner: unknown, parameters: Record<string, unknown>): string | undefined {
  // Both drivers read the keys case-insensitively.
  const type = Object.entries(parameters).find(([k]) => k.toLowerCase() === 'type');
  if (!type) return undefined;
  if (provisioner === 'disk.csi.azure.com')
    return `has parameter ${type[0]}, which the Azure Disk driver refuses (it takes skuName for the disk type): no volume of the class is ever provisioned`;
  if (provisioner === 'pd.csi.storage.gke.io' && typeof type[1] === 'string' && EBS_VOLUME_TYPES.has(type[1].toLowerCase()))
    return `has ${type[0]}: ${type[1]}, an EBS volume type, which the GCE PD driver asks Compute Engine for as a disk type (pd-balanced, pd-ssd, hyperdisk-balanced…): no volume of the class is ever provisioned`;
  return undefined;
}

export const DAY2_RULES: readonly Rule[] = [
  {
    code: 'JOB_TTL_SELF_HEAL',
    severity: 'error',
    category: 'day2',
    inspects: ['Job', 'Application (argoproj.io)'],
    description:
      "A Job (batch/v1, at the top level: a CronJob's Jobs are its own, not Git's) has no ttlSecondsAfterFinished when the output holds an Argo CD Application with automated selfHeal. The TTL controller deletes the finished Job, self-heal re-creates it from Git and it runs again, every TTL (argo-cd #8586). Kept simple: any self-healing Application of the same output counts as syncing the Job (its destination and source are not matched).",
    fix: "drop ttlAfterFinished (a BatchJob's name changes with its spec, so the deploy tool prunes the old Job), or turn off the Application's selfHeal",
    check: (ix) => {
      const healers = selfHealingApplications(ix);
      if (healers.length === 0) return [];
      const names = healers
        .slice(0, 3)
        .map((a) => `${a.metadata?.name}`)
        .join(', ');
      return ix
        .ofKind('Job')
        .filter(
          // A TTL that is no number (the schema check reports it) sets no TTL the controller acts on.
          (j) => j.apiVersion === 'batch/v1' && typeof j.spec?.ttlSecondsAfterFinished === 'number',
        )
        .map((j) =>
          v(
            j,
            '/spec/ttlSecondsAfterFinished',
            `is set, and Argo CD Application ${names}${healers.length > 3 ? ` (${healers.length - 3} more)` : ''} self-heals: ${j.spec.ttlSecondsAfterFinished} s after the Job finishes the TTL controller deletes it, self-heal re-creates it from Git, and it runs again, every time (argo-cd #8586)`,
          ),
        );
    },
  },
  {
    code: 'BACKUP_MISSING',
    severity: 'warning',
    category: 'day2',
    inspects: [
      'PersistentVolumeClaim',
      'StatefulSet',
      'Prometheus (monitoring.coreos.com)',
      'Namespace',
      'Schedule (velero.io/v1)',
      'pod templates',
    ],
    description: `In a namespace labelled ${ENVIRONMENT_LABEL}: production, every data holder (claim, StatefulSet with claims, Prometheus with storage) has its volume data backed up by a Velero Schedule (velero.io/v1) that Velero runs and that reaches it: in Velero's namespace (${VELERO_NAMESPACE}, or one the Schedule declares with ${Annotations.NAMESPACE_INSTALLED_BY}: velero), not paused, including the holder's namespace (includedNamespaces, by name or glob as Velero 1.18 matches them; empty or * is every namespace) and not excluding claims or PersistentVolumes (excludedResources, includedResources and the scoped variants), snapshotting volumes (snapshotVolumes unset or true) or copying them from the pods (defaultVolumesToFsBackup), and whose labelSelector (or one of its orLabelSelectors) selects the claims' own labels (a StatefulSet's claims carry its claim template's and selector's labels) or those of the pods that mount them, as Velero matches each object's own labels.`,
    fix: 'declare a backup for the data holder (StatefulService.backUp()), or a Velero Schedule in the velero namespace that includes its namespace, selects its claims or pods and backs up their volumes',
    check: (ix) => {
      const schedules = ix.ofKind('Schedule').filter((s) => s.apiVersion === 'velero.io/v1');
      return dataHolders(ix).flatMap((o) => {
        const ns = o.metadata?.namespace;
        if (typeof ns !== 'string' || !isProduction(ix, ns)) return [];
        const claims = claimsOf(o);
        const pods = holderPodLabels(ix, o);
        const failing: string[] = [];
        for (const s of schedules) {
          const gaps = scheduleGaps(s, ns, claims, pods);
          if (gaps?.length === 0) return [];
          if (gaps) failing.push(`Schedule ${s.metadata?.namespace ?? '(none)'}/${s.metadata?.name} ${gaps.join(', ')}`);
        }
        const why = failing.length ? `: ${failing.slice(0, 3).join('; ')}${failing.length > 3 ? ` (${failing.length - 3} more)` : ''}` : '';
        return [v(o, '', `holds data in production namespace ${ns}, which no Velero Schedule backs up${why}`)];
      });
    },
  },
  {
    code: 'STORAGE_PARAMETERS_FOREIGN',
    severity: 'warning',
    category: 'day2',
    inspects: ['StorageClass'],
    description:
      'A StorageClass of a well-known CSI driver has no parameter the driver cannot use: no `type` for Azure Disk (disk.csi.azure.com refuses a key it does not know), no EBS volume type (gp3, io2…) as the `type` of GCE PD (pd.csi.storage.gke.io). Such a class is stored, every claim of it stays Pending, and its parameters cannot be changed in place.',
    fix: "give the driver's own parameters (Azure Disk: skuName, e.g. Premium_LRS; GCE PD: type, e.g. pd-balanced), or none for its defaults; a class already applied must be deleted and created again",
    check: (ix) =>
      ix.ofKind('StorageClass').flatMap((c) => {
        const reason = isObject(c.parameters) ? foreignParameterReason(c.provisioner, c.parameters) : undefined;
        return reason ? [v(c, '/parameters', reason)] : [];
      }),
  },
  {
    code: 'VOLUME_RECLAIM_DELETE',
    severity: 'warning',
    category: 'day2',
    inspects: ['PersistentVolumeClaim', 'StatefulSet', 'Prometheus (monitoring.coreos.com)', 'StorageClass', 'Namespace'],
    description: `In a namespace labelled ${ENVIRONMENT_LABEL}: production, no data holder's claim asks for a StorageClass of the output whose reclaimPolicy is Delete (or unset, which the API server defaults to Delete), nor, without storageClassName, for the output's default class (${DEFAULT_CLASS_ANNOTATION}: "true") when every default class of the output deletes. Such a volume goes with its claim: deleting the claim by hand, through the StatefulSet's claim retention or with its Namespace deletes the disk and the data on it. A class the output does not define (one of existingStorageClasses, the cluster's own default) is not judged: the facts name classes, not their reclaim policies.`,
    fix: 'give production data a StorageClass with reclaimPolicy Retain (the StorageClass construct\'s default); volumes already provisioned keep the policy they were made with: kubectl patch pv <name> -p \'{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}\'',
    check: (ix) => {
      const deletes = (c: any) => isObject(c) && (c.reclaimPolicy ?? 'Delete') === 'Delete';
      const defaults = ix.ofKind('StorageClass').filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
      const defaultDeletes = defaults.length > 0 && defaults.every(deletes);
      return dataHolders(ix).flatMap((o) => {
        const ns = o.metadata?.namespace;
        if (typeof ns !== 'string' || !isProduction(ix, ns)) return [];
        return claimsOf(o).flatMap((c) => {
          const name = c.spec?.storageClassName;
          if (name === undefined || name === null) {
            if (!defaultDeletes) return [];
            const names = defaults.map((d) => d.metadata?.name).join(', ');
            return [
              v(
                o,
                c.pointer,
                `asks for the default StorageClass (${names}), whose reclaimPolicy is Delete: deleting the claim deletes the volume and the production data on it`,
              ),
            ];
          }
          const cls = typeof name === 'string' && name ? ix.get('StorageClass', undefined, name) : undefined;
          if (!deletes(cls)) return [];
          const policy = cls.reclaimPolicy === undefined ? 'unset (Delete)' : 'Delete';
          return [
            v(
              o,
              `${c.pointer}/storageClassName`,
              `asks for StorageClass ${name}, whose reclaimPolicy is ${policy}: deleting the claim deletes the volume and the production data on it`,
            ),
          ];
        });
      });
    },
  },
  {
    code: 'NAMESPACE_DATA_UNDECLARED',
    severity: 'warning',
    category: 'day2',
    inspects: ['Namespace', 'PersistentVolumeClaim', 'StatefulSet', '*'],
    description: `A Namespace of the output that contains data holders (claims, StatefulSets with claim templates, objects marked ${Annotations.RETAIN}) declares that it holds data itself (${Annotations.RETAIN}: 'true', a TeamNamespace with holdsData). The Prune=false,Delete=false a render derives for it from its holders goes with the last of them: Argo CD keeps the claims (their live objects keep Prune=false) but prunes the Namespace, and the claims with it, once it leaves Git. On foreign YAML (a Namespace not labelled ${Labels.MANAGED_BY}: ${MANAGED_BY}) Prune=false and Delete=false in the Namespace's own sync options are written in Git and stay: they declare it too.`,
    fix: `set holdsData: true on the TeamNamespace (on YAML: annotate the Namespace ${Annotations.RETAIN}: 'true' or keep Prune=false,Delete=false in its own manifest)`,
    check: (ix) => {
      // Data holders by namespace, once (linear in the objects).
      const byNamespace = new Map<string, any[]>();
      for (const o of ix.objects) {
        const ns = o.metadata?.namespace;
        if (o.kind === 'Namespace' || typeof ns !== 'string' || !objectHoldsData(o)) continue;
        if (!byNamespace.has(ns)) byNamespace.set(ns, []);
        byNamespace.get(ns)!.push(o);
      }
      return ix.ofKind('Namespace').flatMap((n) => {
        const name = n.metadata?.name;
        if (typeof name !== 'string' || n.metadata?.annotations?.[Annotations.RETAIN] === 'true') return [];
        // Our render derives Prune=false,Delete=false from the holders (it goes with the last of them); foreign YAML writes it in Git.
        const ours = isOwnOutput(ix) || n.metadata?.labels?.[Labels.MANAGED_BY] === MANAGED_BY;
        const options = syncOptionsOf(n.metadata?.annotations);
        if (!ours && KEEP_DATA_SYNC_OPTIONS.every((o) => options.includes(o))) return [];
        const holders = byNamespace.get(name) ?? [];
        if (holders.length === 0) return [];
        const named = holders.slice(0, 3).map((o) => `${o.kind} ${o.metadata?.name}`);
        return [
          v(
            n,
            '/metadata/annotations',
            `holds data (${named.join(', ')}${holders.length > 3 ? `, ${holders.length - 3} more` : ''}) but does not declare it: its protection from pruning goes with the last holder removed from code`,
            ours
              ? `set holdsData: true on TeamNamespace ${name} (on YAML: annotate the Namespace ${Annotations.RETAIN}: 'true')`
              : `annotate the Namespace ${Annotations.RETAIN}: 'true' or keep Prune=false,Delete=false in its own manifest (a TeamNamespace: holdsData: true)`,
          ),
        ];
      });
    },
  },
  {
    code: 'LAST_APPLIED_TOO_LARGE',
    severity: 'warning',
    category: 'day2',
    inspects: ['*'],
    description: `An object fits client-side apply: its annotations plus the ${LAST_APPLIED_ANNOTATION} that kubectl apply (and Argo CD's default sync) writes, the whole object as JSON, stay within the ${MAX_ANNOTATIONS_BYTES} bytes the API server allows (ValidateAnnotationsSize). Objects marked ${SERVER_SIDE_APPLY} in their Argo CD sync options are applied server-side, without it.`,
    fix: `apply it server-side: kubectl apply --server-side (or kubectl create), or under Argo CD the sync option ${SERVER_SIDE_APPLY} (an ArgoApplication marks such objects itself); or split the data across objects`,
    check: (ix) =>
      ix.objects
        .filter((o) => tooLargeForClientSideApply(o))
        .map((o) =>
          v(
            o,
            '/metadata/annotations',
            `would carry ${lastAppliedAnnotationsBytes(o)} bytes of annotations once client-side apply adds ${LAST_APPLIED_ANNOTATION}, over the ${MAX_ANNOTATIONS_BYTES} the API server allows: kubectl apply and Argo CD's default sync fail with 'metadata.annotations: Too long'`,
          ),
        ),
  },
];
