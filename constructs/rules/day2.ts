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
import { ManifestIndex, arr, isOwnOutput } from './manifest-index';
import { Rule, v } from './rule';

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

/** Namespaces some Velero Schedule of the output backs up (`*` covers all). */
function backedUpNamespaces(ix: ManifestIndex): Set<string> {
  return new Set(
    ix
      .ofKind('Schedule')
      .filter((s) => s.apiVersion === 'velero.io/v1')
      .flatMap((s) => arr(s.spec?.template?.includedNamespaces))
      .filter((n): n is string => typeof n === 'string'),
  );
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
          (j) => j.apiVersion === 'batch/v1' && j.spec?.ttlSecondsAfterFinished !== undefined && j.spec?.ttlSecondsAfterFinished !== null,
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
    inspects: ['PersistentVolumeClaim', 'StatefulSet', 'Namespace', 'Schedule (velero.io/v1)'],
    description: `In a namespace labelled ${ENVIRONMENT_LABEL}: production, every data holder (claim, StatefulSet with claims) is backed up by a Velero Schedule whose includedNamespaces lists its namespace.`,
    fix: 'declare a backup for the data holder (StatefulService.backUp()), or a Velero Schedule including its namespace',
    check: (ix) => {
      const covered = backedUpNamespaces(ix);
      return dataHolders(ix)
        .filter((o) => isProduction(ix, o.metadata?.namespace) && !covered.has(o.metadata.namespace) && !covered.has('*'))
        .map((o) => v(o, '', `holds data in production namespace ${o.metadata.namespace}, which no Velero Schedule backs up`));
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
