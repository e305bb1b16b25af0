/*
 * How one rendered object becomes one @pulumi/kubernetes resource: its class
 * and its resource name. The name is the object's Pulumi identity: changing it
 * makes Pulumi delete the old resource and create a new one.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { checkArgs, is } from '../constructs/core/shape';

/** A @pulumi/kubernetes resource class: `new Cls(name, args, opts)`. */
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
export function resourceName(obj: any): string {
  checkArgs('resourceName', ['obj', obj, NAMED_OBJECT_SHAPE]);
  const ns = obj.metadata?.namespace;
  return `${obj.kind.toLowerCase()}-${ns ? `${ns}-` : ''}${obj.metadata.name}`;
}

/** Names of Secrets an object reads (env, envFrom, volumes, projected volumes, imagePullSecrets), wherever they sit in it. */
export function referencedSecrets(obj: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: any) => {
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (v.secretKeyRef?.name) found.add(v.secretKeyRef.name);
    if (v.secretRef?.name) found.add(v.secretRef.name);
    if (v.secret?.secretName) found.add(v.secret.secretName);
    if (v.secret?.name) found.add(v.secret.name);
    // The kubelet pulls with these: a pod created before its pull Secret sits in ImagePullBackOff.
    if (Array.isArray(v.imagePullSecrets)) for (const s of v.imagePullSecrets) if (typeof s?.name === 'string') found.add(s.name);
    Object.values(v).forEach(walk);
  };
  walk(obj);
  return [...found].sort();
}
