import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Annotations } from '../core/metadata';

/** Argo CD's annotations on the objects it syncs. @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/ */
export const ArgoAnnotations = {
  /** Objects sync in ascending waves; each wave must be healthy before the next starts. Unset is wave 0. */
  SYNC_WAVE: 'argocd.argoproj.io/sync-wave',
  /** Per-object sync options, comma-separated. @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/ */
  SYNC_OPTIONS: 'argocd.argoproj.io/sync-options',
} as const;

/** The waves we assign: CRDs first (their custom resources need them), then Namespaces, then everything else (wave 0). */
export const SyncWave = {
  CRDS: '-2',
  NAMESPACES: '-1',
} as const;

/** Never pruned when gone from Git, never deleted with the Application: what every data holder carries. */
export const KEEP_DATA_SYNC_OPTIONS = ['Prune=false', 'Delete=false'] as const;

function annotations(obj: ApiObject): Record<string, string> {
  return obj.metadata.toJson().annotations ?? {};
}

/**
 * Whether deleting `obj` loses data: claims and volumes, StatefulSets with
 * claim templates, StorageClasses that retain their volumes, and whatever
 * a construct marked as holding data (`cluster-blueprints.io/retain`).
 */
export function holdsData(obj: ApiObject): boolean {
  if (annotations(obj)[Annotations.RETAIN] === 'true') return true;
  switch (obj.kind) {
    case 'PersistentVolumeClaim':
    case 'PersistentVolume':
      return true;
    case 'StatefulSet':
      return (obj.toJson().spec?.volumeClaimTemplates?.length ?? 0) > 0;
    case 'StorageClass':
      return obj.toJson().reclaimPolicy === 'Retain';
    default:
      return false;
  }
}

function addSyncOptions(obj: ApiObject, options: readonly string[]): void {
  const current = (annotations(obj)[ArgoAnnotations.SYNC_OPTIONS] ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  const merged = [...current.filter((o) => !options.some((n) => n.split('=')[0] === o.split('=')[0])), ...options];
  obj.metadata.addAnnotation(ArgoAnnotations.SYNC_OPTIONS, merged.join(','));
}

/**
 * Marks every data holder under `root`, and every Namespace holding one,
 * `Prune=false,Delete=false` through the objects' typed metadata (never by
 * editing rendered YAML). The render pipeline runs it for every app, with or
 * without an `ArgoApplication`: an Application defined elsewhere (app of
 * apps, a platform repository) must not prune a claim either, and the
 * annotation is inert where Argo CD does not sync. Idempotent.
 * @returns the objects it marked
 */
export function protectDataHolders(root: IConstruct): ApiObject[] {
  const objects = root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  const holders = objects.filter(holdsData);
  const dataNamespaces = new Set(holders.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined));
  for (const obj of objects) {
    if (obj.kind === 'Namespace' && obj.metadata.name !== undefined && dataNamespaces.has(obj.metadata.name) && !holders.includes(obj))
      holders.push(obj);
  }
  for (const obj of holders) addSyncOptions(obj, KEEP_DATA_SYNC_OPTIONS);
  return holders;
}

/**
 * Annotates every object under `root` for an Argo CD sync, through the
 * objects' typed metadata (never by editing rendered YAML): sync waves for
 * CRDs and Namespaces, and `Prune=false,Delete=false` on data holders and on
 * the Namespaces that contain them (`protectDataHolders`, which every render
 * runs anyway). Idempotent.
 * @returns the objects it marked as data holders
 */
export function annotateForArgoCd(root: IConstruct): ApiObject[] {
  for (const obj of root.node.findAll()) {
    if (!(obj instanceof ApiObject)) continue;
    if (obj.kind === 'CustomResourceDefinition') obj.metadata.addAnnotation(ArgoAnnotations.SYNC_WAVE, SyncWave.CRDS);
    if (obj.kind === 'Namespace') obj.metadata.addAnnotation(ArgoAnnotations.SYNC_WAVE, SyncWave.NAMESPACES);
  }
  return protectDataHolders(root);
}
