import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Annotations } from '../core/metadata';
import { text } from '../core/value-issues';

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

/** Argo CD ≥ 2.5 applies an object so marked server-side: no last-applied-configuration annotation is written. */
export const SERVER_SIDE_APPLY = 'ServerSideApply=true';

function annotations(obj: ApiObject): Record<string, string> {
  return obj.metadata.toJson().annotations ?? {};
}

/** The sync options an object's annotation lists (comma-separated), trimmed. */
export function syncOptionsOf(annotations: unknown): string[] {
  const value = (annotations as Record<string, unknown> | undefined)?.[ArgoAnnotations.SYNC_OPTIONS];
  return typeof value === 'string'
    ? value
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== '')
    : [];
}

/**
 * Whether the rendered object `o` holds data that deleting it loses: claims
 * and volumes, StatefulSets with claim templates, StorageClasses that retain
 * their volumes, and whatever is marked as holding data
 * (`cluster-blueprints.io/retain: 'true'`, a TeamNamespace with `holdsData`).
 */
export function objectHoldsData(o: any): boolean {
  if (o?.metadata?.annotations?.[Annotations.RETAIN] === 'true') return true;
  switch (o?.kind) {
    case 'PersistentVolumeClaim':
    case 'PersistentVolume':
      return true;
    case 'StatefulSet':
      return Array.isArray(o.spec?.volumeClaimTemplates) && o.spec.volumeClaimTemplates.length > 0;
    case 'StorageClass':
      return o.reclaimPolicy === 'Retain';
    default:
      return false;
  }
}

/** `objectHoldsData` of an ApiObject, serializing only what it reads. */
export function holdsData(obj: ApiObject): boolean {
  const body = obj.kind === 'StatefulSet' || obj.kind === 'StorageClass' ? obj.toJson() : {};
  return objectHoldsData({ ...body, kind: obj.kind, metadata: { annotations: annotations(obj) } });
}

/** Adds `options` to the object's sync options; an option already there (by name) is replaced in place, so running twice changes nothing. */
function addSyncOptions(obj: ApiObject, options: readonly string[]): void {
  const merged = syncOptionsOf(annotations(obj));
  for (const option of options) {
    const i = merged.findIndex((o) => o.split('=')[0] === option.split('=')[0]);
    if (i >= 0) merged[i] = option;
    else merged.push(option);
  }
  obj.metadata.addAnnotation(ArgoAnnotations.SYNC_OPTIONS, merged.join(','));
}

/** The annotation client-side `kubectl apply` (and Argo CD's default sync) writes: the whole object as JSON. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** The most bytes all annotations of an object may hold together (apimachinery ValidateAnnotationsSize, TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/**
 * The bytes of the annotations of `o` once client-side `kubectl apply` adds
 * its last-applied-configuration: each key and value, as
 * ValidateAnnotationsSize counts them, the new value being the object as Go's
 * encoding/json writes it (compact, '<', '>' and '&' escaped, a final newline).
 */
export function lastAppliedAnnotationsBytes(o: any): number {
  const own: Record<string, unknown> = { ...(o?.metadata?.annotations ?? {}) };
  delete own[LAST_APPLIED_ANNOTATION];
  const applied = { ...o, metadata: { ...o?.metadata, annotations: own } };
  if (Object.keys(own).length === 0) delete applied.metadata.annotations;
  const json = JSON.stringify(applied);
  // Go escapes <, > and & as \u003c (5 bytes more than JSON.stringify), U+2028 and U+2029 as \u2028 (3 more),
  // backspace and form feed as \u0008 where JSON.stringify writes \b (4 more).
  const extra = (re: RegExp, n: number) => (json.match(re)?.length ?? 0) * n;
  const controls = (json.match(/\\+[bf]/g) ?? []).filter((m) => m.length % 2 === 0).length;
  const value = Buffer.byteLength(json, 'utf8') + 1 + extra(/[<>&]/g, 5) + extra(/[\u2028\u2029]/g, 3) + controls * 4;
  const others = Object.entries(own).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(text(v)), 0);
  return others + LAST_APPLIED_ANNOTATION.length + value;
}

/** Whether client-side apply of `o` fails (its annotations would exceed MAX_ANNOTATIONS_BYTES) and no sync option applies it server-side. */
export function tooLargeForClientSideApply(o: any): boolean {
  return !syncOptionsOf(o?.metadata?.annotations).includes(SERVER_SIDE_APPLY) && lastAppliedAnnotationsBytes(o) > MAX_ANNOTATIONS_BYTES;
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
 * CRDs and Namespaces, `Prune=false,Delete=false` on data holders and on
 * the Namespaces that contain them (`protectDataHolders`, which every render
 * runs anyway), and `ServerSideApply=true` on an object too large for
 * client-side apply (its last-applied-configuration would exceed the
 * annotation limit), in the same comma-separated annotation. Idempotent.
 * @returns the objects it marked as data holders
 */
export function annotateForArgoCd(root: IConstruct): ApiObject[] {
  const objects = root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
  for (const obj of objects) {
    if (obj.kind === 'CustomResourceDefinition') obj.metadata.addAnnotation(ArgoAnnotations.SYNC_WAVE, SyncWave.CRDS);
    if (obj.kind === 'Namespace') obj.metadata.addAnnotation(ArgoAnnotations.SYNC_WAVE, SyncWave.NAMESPACES);
  }
  const holders = protectDataHolders(root);
  for (const obj of objects) if (tooLargeForClientSideApply(obj.toJson())) addSyncOptions(obj, [SERVER_SIDE_APPLY]);
  return holders;
}
