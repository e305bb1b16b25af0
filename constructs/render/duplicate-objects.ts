import { BlueprintIssue } from '../core/errors';
import type { RenderedObject } from './render-app';

/**
 * `OBJECT_DUPLICATE`: two objects with the same API group, kind, namespace and
 * name anywhere in one app. `kubectl apply` would let the last one silently
 * win, so synth fails and names both construct paths. The version is not part
 * of the identity: `apps/v1` and `apps/v1beta1` of one name are the same object.
 */
export function duplicateObjects(objects: readonly RenderedObject[]): BlueprintIssue[] {
  const seen = new Map<string, string>();
  const issues: BlueprintIssue[] = [];
  for (const { object, constructPath } of objects) {
    const apiVersion = String(object?.apiVersion ?? '');
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const { kind } = object ?? {};
    const name = object?.metadata?.name;
    const namespace = object?.metadata?.namespace ?? '';
    const key = JSON.stringify([group, kind, namespace, name]);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, constructPath);
      continue;
    }
    const what = `${kind}${group ? `.${group}` : ''} ${namespace ? `${namespace}/` : ''}${name}`;
    issues.push({
      code: 'OBJECT_DUPLICATE',
      path: constructPath,
      construct: kind,
      field: 'metadata.name',
      value: name,
      message: `renders ${what}, which ${first} already renders (kubectl apply would keep only one)`,
      fix: `give one of the two constructs (${first}, ${constructPath}) another name, or remove one`,
    });
  }
  return issues;
}
