import { ENVIRONMENT_LABEL } from '../core/metadata';
import { ManifestIndex, arr } from './manifest-index';
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

export const DAY2_RULES: readonly Rule[] = [
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
];
