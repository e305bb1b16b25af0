import { CLUSTER_SCOPED_KINDS } from '../core/metadata';
import { BlueprintIssue } from '../core/errors';
import type { RenderedObject } from './render-app';

/** One more copy of an object seen before, and how to name the object. */
export interface DuplicateCopy<T> {
  readonly first: T;
  readonly copy: T;
  /** `Kind[.group] [namespace/]name`. */
  readonly what: string;
  readonly name: unknown;
  readonly kind: unknown;
}

/**
 * Every later copy of an object in `items`: the same API group, kind,
 * namespace and name. The version is not part of the identity (`apps/v1` and
 * `apps/v1beta1` of one name are the same object), nor is the namespace of a
 * cluster-scoped kind (the API server ignores it). A namespaced object without
 * `metadata.namespace` keeps none: it is the same object as another without
 * one, not as one in `default` (where it lands is up to `kubectl apply -n`).
 * The one rule for synth (OBJECT_DUPLICATE) and `check`.
 */
export function duplicateCopies<T>(items: readonly T[], objectOf: (item: T) => any): DuplicateCopy<T>[] {
  const seen = new Map<string, T>();
  const copies: DuplicateCopy<T>[] = [];
  for (const item of items) {
    const object = objectOf(item);
    const apiVersion = String(object?.apiVersion ?? '');
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const { kind } = object ?? {};
    const name = object?.metadata?.name;
    const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? '' : (object?.metadata?.namespace ?? '');
    const key = JSON.stringify([group, kind, namespace, name]);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, item);
      continue;
    }
    copies.push({ first, copy: item, kind, name, what: `${kind}${group ? `.${group}` : ''} ${namespace ? `${namespace}/` : ''}${name}` });
  }
  return copies;
}

/**
 * `OBJECT_DUPLICATE`: two objects with the same identity (see duplicateCopies)
 * anywhere in one app. `kubectl apply` would let the last one silently win, so
 * synth fails and names both construct paths.
 */
export function duplicateObjects(objects: readonly RenderedObject[]): BlueprintIssue[] {
  return duplicateCopies(objects, (o) => o.object).map(
    ({ first: { constructPath: first }, copy: { constructPath }, what, kind, name }) => ({
      code: 'OBJECT_DUPLICATE',
      path: constructPath,
      construct: kind as string,
      field: 'metadata.name',
      value: name,
      message: `renders ${what}, which ${first} already renders (kubectl apply would keep only one)`,
      fix: `give one of the two constructs (${first}, ${constructPath}) another name, or remove one`,
    }),
  );
}
