/*
 * How one rendered object becomes one @pulumi/kubernetes resource: its class
 * and its resource name. The name is the object's Pulumi identity: changing it
 * makes Pulumi delete the old resource and create a new one.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { BlueprintError } from '../constructs/core/errors';
import { Shape, checkArgs, is } from '../constructs/core/shape';

/**
 * A @pulumi/kubernetes resource class: `new Cls(name, args, opts)`. `args` stays
 * `any` on purpose: each class takes its own args type (`DeploymentArgs`
 * requires `spec`), so `object` or `unknown` would refuse assigning the classes
 * to this type and `never` would refuse calling it.
 */
export type KubernetesResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The @pulumi/kubernetes class of a kind, or undefined for custom resources.
 * Built-in groups are dotless (`apps`) or end in `.k8s.io`, and @pulumi/kubernetes names the module
 * after the first label (`rbac.authorization.k8s.io` → `rbac`); anything else, or a kind the module
 * does not have (VPA in `autoscaling.k8s.io`), is a CRD's.
 */
export function resourceClass(apiVersion: string, kind: string): KubernetesResourceClass | undefined {
  checkArgs('resourceClass', ['apiVersion', apiVersion, is.string], ['kind', kind, is.string]);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  if (group.includes('.') && !group.endsWith('.k8s.io')) return undefined;
  // Own properties only: '__proto__/constructor' must not reach Object.prototype's members.
  const own = (o: any, k: string) => (o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
  const cls = own(own(own(k8s, group.split('.')[0]), version), kind);
  return typeof cls === 'function' ? cls : undefined;
}

/** What `resourceName` reads of a rendered object. */
const NAMED_OBJECT_SHAPE = is.object({ kind: is.string, metadata: is.object({ name: is.string, namespace: is.string }, ['name']) }, [
  'kind',
  'metadata',
]);

/** Resource name: `<kind>-[<namespace>-]<name>`, unique per object and stable across runs. */
export function resourceName(obj: unknown): string {
  checkArgs('resourceName', ['obj', obj, NAMED_OBJECT_SHAPE]);
  // The shape check above guarantees these fields.
  const { kind, metadata } = obj as { kind: string; metadata: { name: string; namespace?: string } };
  const ns = metadata.namespace;
  return `${kind.toLowerCase()}-${ns ? `${ns}-` : ''}${metadata.name}`;
}

/** How deep and how large an object `referencedSecrets` reads: a rendered object is a few dozen levels and far fewer values. */
const WALK_MAX_DEPTH = 1000;
const WALK_MAX_VALUES = 1_000_000;

/** A Kubernetes object as data: an object, not a list (nor a revoked Proxy, which cannot be told). */
const KUBERNETES_OBJECT: Shape = {
  expected: 'a Kubernetes object',
  issuesOf: (v, field) => {
    let fits = false;
    try {
      fits = v !== null && typeof v === 'object' && !Array.isArray(v);
    } catch {
      // A revoked Proxy: not an object that can be read.
    }
    return fits
      ? []
      : [
          {
            code: 'PROPS_INVALID',
            field,
            value: v !== null && typeof v === 'object' ? '(a list, or an object that cannot be read)' : v,
            message: 'must be a Kubernetes object',
            fix: 'pass one rendered object, e.g. from renderApp(app)',
          },
        ];
  },
};

/** One object or list met by `referencedSecrets`: where it sits, for the error that names it. */
interface Visit {
  readonly value: object;
  readonly depth: number;
  readonly parent?: Visit;
  /** The key it sits under in its parent (an index of a list as a string). */
  readonly key?: string;
  readonly inList?: boolean;
}

/** The field a visit names in an error: `obj.spec.volumes[0].secret`. */
function fieldOf(visit: Visit): string {
  const parts: string[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) parts.push(at.inList ? `[${at.key}]` : `.${at.key}`);
  // The deepest few levels: a field 1,000 levels long would bury the message.
  return parts.length > 12 ? `obj…${parts.slice(0, 12).reverse().join('').replace(/^\./, '')}` : `obj${parts.reverse().join('')}`;
}

/** The PROPS_INVALID error of `referencedSecrets` about the value at `visit`. */
function walkError(visit: Visit, message: string, fix: string): BlueprintError {
  return new BlueprintError({ code: 'PROPS_INVALID', path: '', construct: 'referencedSecrets', field: fieldOf(visit), message, fix });
}

/** The error of a value `referencedSecrets` cannot read. */
const unreadable = (at: Visit) =>
  walkError(at, 'could not be read (a getter or Proxy throws)', 'pass the rendered object as plain data (JSON.parse(JSON.stringify(obj)))');

/**
 * Names of Secrets an object reads (env, envFrom, volumes, projected volumes, imagePullSecrets), wherever they sit in it.
 *
 * Read as data, one value at a time without recursion: own keys only (a sparse list of length 2^32 - 1 holds none), an
 * object met twice (a cycle) read once, only string names counted. A value that cannot be read (a getter or Proxy
 * that throws), nesting deeper than WALK_MAX_DEPTH or more than WALK_MAX_VALUES values is a PROPS_INVALID error.
 */
export function referencedSecrets(obj: unknown): string[] {
  checkArgs('referencedSecrets', ['obj', obj, KUBERNETES_OBJECT]);
  const found = new Set<string>();
  const seen = new Set<object>([obj as object]);
  const pending: Visit[] = [{ value: obj as object, depth: 0 }];
  let values = 0;
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    let keys: string[];
    let list: boolean;
    try {
      list = Array.isArray(visit.value);
      keys = Object.keys(visit.value);
    } catch {
      throw unreadable(visit);
    }
    values += keys.length;
    if (values > WALK_MAX_VALUES)
      throw walkError(visit, `holds more than ${WALK_MAX_VALUES} values`, 'pass one rendered Kubernetes object');
    // The names that name a Secret here: `secretKeyRef.name`, `secretRef.name`, `secret.secretName` and
    // `secret.name` (projected), and `imagePullSecrets[i].name` (the kubelet pulls with these).
    const role = visit.inList ? (visit.parent?.key === 'imagePullSecrets' && visit.parent.inList !== true ? 'pull' : '') : visit.key;
    const names =
      role === 'secretKeyRef' || role === 'secretRef' || role === 'pull' ? ['name'] : role === 'secret' ? ['secretName', 'name'] : [];
    const depth = visit.depth + 1;
    for (const key of keys) {
      let x: unknown;
      try {
        x = (visit.value as Record<string, unknown>)[key];
      } catch {
        throw unreadable({ value: visit.value, depth, parent: visit, key, inList: list });
      }
      if (typeof x === 'string') {
        if (!list && x !== '' && names.includes(key)) found.add(x);
      } else if (x !== null && typeof x === 'object' && !seen.has(x)) {
        const at: Visit = { value: x, depth, parent: visit, key, inList: list };
        if (depth > WALK_MAX_DEPTH)
          throw walkError(at, `is nested deeper than ${WALK_MAX_DEPTH} levels`, 'pass one rendered Kubernetes object');
        seen.add(x);
        pending.push(at);
      }
    }
  }
  return [...found].sort();
}
