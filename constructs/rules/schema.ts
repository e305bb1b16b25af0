import k8sFields from './k8s-fields.json';
import shippedCrds from './shipped-crds.json';
import modelFields from './model-fields.json';
import { CLUSTER_SCOPED_KINDS } from '../core/metadata';
import { MODEL_LOADERS } from './model-loaders';
import { checkArgs, is } from '../core/shape';
import { credentialIn } from '../core/secret-patterns';
import { apiServerMetadataIssues } from '../core/names';
import { NonJsonData, nonJsonData } from './manifest-index';

/*
 * Schema check of synthesized objects.
 *
 * Two well-kept libraries, each for what it does well:
 *  - kubernetes-models (Kubernetes 1.33 OpenAPI, compiled AJV validators):
 *    types, required fields, enums and patterns. Its schemas allow unknown
 *    properties, like the OpenAPI spec itself.
 *  - k8s-fields.json, the exact property list of every type of Kubernetes
 *    1.28, the release the library targets (generated from @kubernetes/client-node
 *    0.20.0's models by scripts/gen-k8s-fields.ts); walking an object against it
 *    finds unknown and misspelled fields, and fields newer than 1.28 (what a 1.28
 *    API server refuses under `kubectl --validate=strict`).
 */

/** How serious a finding is. */
export type Severity = 'error' | 'warning';

/** One thing wrong with one object. */
export interface Finding {
  /** Stable rule id, e.g. `SCHEMA_UNKNOWN_FIELD`. */
  readonly rule: string;
  readonly severity: Severity;
  /** `Kind/namespace/name` (or `Kind/name` when cluster-scoped). */
  readonly object: string;
  /** JSON pointer to the field, e.g. `/spec/template/spec/containers/0/imagePullPolicyy`. */
  readonly pointer: string;
  readonly message: string;
  readonly fix: string;
}

type Validator = (data: unknown) => void;

const modelCache = new Map<string, Validator | null>();

/*
 * kubernetes-models' validators are AJV code compiled when that package was
 * built. `new Model(data)` deep-copies the object (dropping undefined values,
 * putting apiVersion and kind first) before validating the copy; an object
 * that the copy would not change is validated in place, with the same verdict
 * and none of the copying.
 */
function copyWouldChange(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(copyWouldChange);
  if (isPlainObject(value)) for (const k of Object.keys(value)) if (copyWouldChange(value[k])) return true;
  return false; // anything else is copied by reference
}

/** The copy's notion of a plain object (the `is-plain-object` package's test, realm-independent). */
function isPlainObject(o: unknown): o is Record<string, unknown> {
  if (Object.prototype.toString.call(o) !== '[object Object]') return false;
  const ctor = (o as any).constructor;
  if (ctor === undefined) return true;
  const proto = ctor.prototype;
  return Object.prototype.toString.call(proto) === '[object Object]' && Object.prototype.hasOwnProperty.call(proto, 'isPrototypeOf');
}

function inPlace(obj: any): boolean {
  const keys = Object.keys(obj);
  return isPlainObject(obj) && keys[0] === 'apiVersion' && keys[1] === 'kind' && !copyWouldChange(obj);
}

/*
 * Operators' custom resources: typed models compiled from each project's
 * released CRD schemas (types, required fields, enums), by API group.
 */
const MODEL_PACKAGES: Readonly<Record<string, string>> = {
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'autoscaling.k8s.io': '@kubernetes-models/autoscaler',
  'argoproj.io': '@kubernetes-models/argo-cd',
};

/** A model's module path, built at run time (a bundler leaves this require alone). */
function modulePath(pkg: string, apiVersion: string, kind: string): string {
  return [pkg, apiVersion, kind].join('/');
}

function modelValidator(apiVersion: string, kind: string): Validator | null {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key)!;
  let result: Validator | null = null;
  try {
    // One kind's module, not its whole API group: loads a fraction of the validators.
    const pkg = MODEL_PACKAGES[apiVersion.split('/')[0]] ?? 'kubernetes-models';
    const Model = MODEL_LOADERS[key]?.() ?? require(modulePath(pkg, apiVersion, kind))[kind];
    if (Model) result = (data) => (inPlace(data) ? Model.prototype.validate.call(data) : new Model(data).validate());
  } catch {
    result = null;
  }
  modelCache.set(key, result);
  return result;
}

/** @internal The errors kubernetes-models' compiled validator of the object's kind reports (`null`: no validator). */
export function modelErrors(obj: any): { instancePath?: string; message?: string; params?: unknown }[] | null {
  const validate = modelValidator(obj.apiVersion, obj.kind);
  if (!validate) return null;
  try {
    validate(obj);
    return [];
  } catch (e: any) {
    return Array.isArray(e?.errors) ? e.errors : [{ instancePath: '', message: String(e?.message ?? e) }];
  }
}

const models: Record<string, Record<string, string> | undefined> = k8sFields;

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const rootModelNames = new Map<string, string | undefined>();

/** The client-node model name for a kind, e.g. `apps/v1 Deployment` → `V1Deployment` (worked out once per kind). */
function rootModelName(apiVersion: string, kind: string): string | undefined {
  const key = `${apiVersion} ${kind}`;
  if (rootModelNames.has(key)) return rootModelNames.get(key);
  const name = modelNameOf(apiVersion, kind);
  rootModelNames.set(key, name);
  return name;
}

function modelNameOf(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  const groupPrefix = group.split('.')[0].split('-').map(capitalize).join('');
  return [`${capitalize(version)}${kind}`, `${groupPrefix}${capitalize(version)}${kind}`].find((n) => models[n]);
}

/*
 * The unknown-field walk, compiled once per type of k8s-fields.json into a
 * closure (no type-string parsing per field at run time). `path` holds the
 * JSON pointer segments; a pointer string is built only for a finding.
 */
type Walk = (value: unknown, path: string[], out: string[]) => void;
const NOTHING: Walk = () => undefined;
const walks = new Map<string, Walk>();

function walkOf(type: string): Walk {
  let walk = walks.get(type);
  if (walk) return walk;
  walks.set(type, (v, p, o) => walk!(v, p, o)); // a recursive type refers to itself while being compiled
  walk = compileWalk(type);
  walks.set(type, walk);
  return walk;
}

function compileWalk(type: string): Walk {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    const item = walkOf(array[1]);
    if (item === NOTHING) return NOTHING;
    return (value, path, out) => {
      if (!Array.isArray(value)) return;
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null || value[i] === undefined) continue;
        path.push(String(i));
        item(value[i], path, out);
        path.pop();
      }
    };
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    const entry = walkOf(map[1]);
    if (entry === NOTHING) return NOTHING;
    return (value, path, out) => {
      if (typeof value !== 'object' || value === null) return;
      for (const [k, v] of Object.entries(value)) {
        if (v === null || v === undefined) continue;
        path.push(k);
        entry(v, path, out);
        path.pop();
      }
    };
  }
  const fields = models[type];
  if (!fields) return NOTHING;
  const byField = new Map(Object.keys(fields).map((k) => [k, walkOf(fields[k])]));
  return (value, path, out) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const k in value) {
      if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
      const field = byField.get(k);
      const v = (value as any)[k];
      if (field === undefined) out.push(`/${[...path, k].join('/')}`);
      else if (field !== NOTHING && v !== null && v !== undefined) {
        path.push(k);
        field(v, path, out);
        path.pop();
      }
    }
  };
}

/** @internal JSON pointers of the fields of `obj` that its kind does not have (`null`: kind unknown to k8s-fields.json). */
export function unknownFieldPointers(obj: any): string[] | null {
  const modelName = rootModelName(obj.apiVersion, obj.kind);
  if (!modelName) return null;
  const out: string[] = [];
  if (obj !== null && obj !== undefined) walkOf(modelName)(obj, [], out);
  return out;
}

/*
 * Custom resources: their CRD's openAPIV3Schema is walked directly (types,
 * enums, required and unknown fields) — the subset of JSON Schema structural
 * CRD schemas use. The CRDs this package ships (crds/*.yaml, parsed into
 * shipped-crds.json by `npm run gen:crds`) are registered on first use; `registerCrd` adds more.
 */
const crdSchemas = new Map<string, any>();
let shippedLoaded = false;

/** Registers a CustomResourceDefinition so its objects are schema-checked. */
export function registerCrd(crd: any): void {
  for (const v of crd?.spec?.versions ?? []) {
    if (v.schema?.openAPIV3Schema) crdSchemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
  }
}

function loadShippedCrds(): void {
  if (shippedLoaded) return;
  shippedLoaded = true;
  for (const crd of shippedCrds) registerCrd(crd);
}

/*
 * The custom resources checked with an @kubernetes-models package: their field
 * trees (`properties`, `items`, `additionalProperties`, open objects), the union
 * of the installed package's declarations and its newest release's, taken by
 * scripts/gen-model-fields.ts, apiVersion/kind → tree as JSON, parsed on first
 * use; a subtree that recurs is stored once in `shared` (`{"$ref": i}`).
 */
const modelFieldJson: Readonly<Record<string, string | undefined>> = modelFields.trees;
const modelFieldShared: readonly string[] = modelFields.shared;
const modelFieldSources: Readonly<Record<string, readonly string[] | undefined>> = modelFields.sources;
const modelFieldTrees = new Map<string, unknown>();
const sharedFieldTrees = new Map<number, unknown>();

/** A parsed field tree with its `{"$ref": i}` replaced by the shared subtrees (parsed once each). */
function resolveShared(node: any): any {
  if (typeof node?.$ref === 'number') {
    if (!sharedFieldTrees.has(node.$ref)) sharedFieldTrees.set(node.$ref, resolveShared(JSON.parse(modelFieldShared[node.$ref])));
    return sharedFieldTrees.get(node.$ref);
  }
  if (node?.properties) node.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, resolveShared(v)]));
  if (node?.items) node.items = resolveShared(node.items);
  if (node?.additionalProperties) node.additionalProperties = resolveShared(node.additionalProperties);
  return node;
}

function modelFieldTree(apiVersion: string, kind: string): unknown {
  const key = `${apiVersion}/${kind}`;
  if (!modelFieldTrees.has(key)) {
    const json = Object.prototype.hasOwnProperty.call(modelFieldJson, key) ? modelFieldJson[key] : undefined;
    modelFieldTrees.set(key, json === undefined ? undefined : resolveShared(JSON.parse(json)));
  }
  return modelFieldTrees.get(key);
}

function walkSchema(schema: any, value: unknown, pointer: string, out: { pointer: string; message: string; unknown: boolean }[]): void {
  if (value === undefined || value === null || !schema) return;
  if (schema['x-kubernetes-int-or-string'] || schema.anyOf) {
    if (typeof value !== 'string' && !Number.isInteger(value))
      out.push({ pointer, message: 'must be an integer or a string', unknown: false });
    return;
  }
  const type = schema.type;
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (type && !(type === actual || (type === 'number' && actual === 'integer'))) {
    out.push({ pointer, message: `must be ${type}, is ${actual}`, unknown: false });
    return;
  }
  if (schema.enum && !schema.enum.includes(value))
    out.push({ pointer, message: `must be one of ${schema.enum.join(', ')}`, unknown: false });
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      out.push({ pointer, message: `must be at least ${schema.minLength} characters`, unknown: false });
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      out.push({ pointer, message: `must be at most ${schema.maxLength} characters`, unknown: false });
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
      out.push({ pointer, message: `must match ${schema.pattern}`, unknown: false });
  }
  if (type === 'array') (value as unknown[]).forEach((v, i) => walkSchema(schema.items, v, `${pointer}/${i}`, out));
  if (type === 'object' && typeof value === 'object') {
    for (const r of schema.required ?? [])
      if (!(r in (value as object))) out.push({ pointer: `${pointer}/${r}`, message: 'is required', unknown: false });
    const count = Object.keys(value as object).length;
    if (
      (schema.minProperties !== undefined && count < schema.minProperties) ||
      (schema.maxProperties !== undefined && count > schema.maxProperties)
    )
      out.push({
        pointer,
        message: `must have ${schema.minProperties ?? 0} to ${schema.maxProperties ?? 'any number of'} fields`,
        unknown: false,
      });
    if (pointer === '/metadata') return;
    // Fields the schema knows are checked; unknown ones are refused unless the schema preserves them.
    const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
    for (const [k, v] of Object.entries(value as object)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub) walkSchema(sub, v, `${pointer}/${k}`, out);
      else if (schema.properties && !open)
        out.push({ pointer: `${pointer}/${k}`, message: 'is not a field of the CRD schema (unknown or misspelled)', unknown: true });
    }
  }
}

/**
 * `finding` safe to print: its object is named by `objectId` (redacted), and
 * a pointer, message or fix that echoes a credential (a kind, a name, a
 * referenced Secret) is not shown. Every finding passes here where it is made.
 */
export function safeFinding<F extends Finding>(finding: F): F {
  const hidden = (text: string, instead: string) => (credentialIn(text) ? instead : text);
  return {
    ...finding,
    pointer: hidden(finding.pointer, '<a field whose name looks like a credential>'),
    message: hidden(finding.message, 'holds or names a value that looks like a credential (not shown)'),
    fix: hidden(finding.fix, 'see the rule; the fix named a value that looks like a credential (not shown)'),
  };
}

/** One part of an object's identity as printed: a part that looks like a credential is not shown (findings end up in CI logs). */
function idPart(v: unknown): string {
  if (v === undefined || v === null) return '?';
  const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : `<${typeof v}>`;
  return credentialIn(text) ? '<redacted>' : text;
}

/**
 * `Kind/namespace/name` for findings and messages, the one place findings name
 * an object (CLI output, `checkManifests`, `validateManifests`): a kind,
 * namespace or name that looks like a credential reads `<redacted>`.
 */
export function objectId(obj: any): string {
  const ns = obj?.metadata?.namespace;
  const id = [idPart(obj?.kind), ...(ns ? [idPart(ns)] : []), idPart(obj?.metadata?.name)].join('/');
  return credentialIn(id) ? '<an object whose identity looks like a credential>' : id;
}

/**
 * Validates synthesized objects against the Kubernetes API schemas, rejecting
 * unknown or misspelled fields, and checks scope: cluster-scoped kinds carry no
 * namespace, namespaced kinds carry an explicit one. Returns findings; an empty
 * list means every object is valid.
 */
/**
 * API versions the API server no longer serves at the Kubernetes version the
 * library targets (1.28): kind → [replacement, removed in]. An old model of the
 * same name would otherwise accept them.
 * @see https://kubernetes.io/docs/reference/using-api/deprecation-guide/
 */
const REMOVED_APIS: Readonly<Record<string, Readonly<Record<string, readonly [string, string]>>>> = (() => {
  const out: Record<string, Record<string, readonly [string, string]>> = {};
  const put = (apiVersion: string, kinds: string[], replacement: (kind: string) => string, release: string) => {
    for (const k of kinds) (out[apiVersion] ??= {})[k] = [replacement(k), release];
  };
  const apps = (k: string) => `apps/v1 ${k}`;
  put('extensions/v1beta1', ['Deployment', 'DaemonSet', 'ReplicaSet'], apps, '1.16');
  put('apps/v1beta1', ['Deployment', 'StatefulSet', 'ReplicaSet'], apps, '1.16');
  put('apps/v1beta2', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], apps, '1.16');
  put('extensions/v1beta1', ['NetworkPolicy'], () => 'networking.k8s.io/v1 NetworkPolicy', '1.16');
  put('extensions/v1beta1', ['Ingress'], () => 'networking.k8s.io/v1 Ingress', '1.22');
  put('networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], (k) => `networking.k8s.io/v1 ${k}`, '1.22');
  put(
    'rbac.authorization.k8s.io/v1beta1',
    ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
    (k) => `rbac.authorization.k8s.io/v1 ${k}`,
    '1.22',
  );
  put('apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], () => 'apiextensions.k8s.io/v1 CustomResourceDefinition', '1.22');
  put('scheduling.k8s.io/v1beta1', ['PriorityClass'], () => 'scheduling.k8s.io/v1 PriorityClass', '1.22');
  put('storage.k8s.io/v1beta1', ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'], (k) => `storage.k8s.io/v1 ${k}`, '1.22');
  put('batch/v1beta1', ['CronJob'], () => 'batch/v1 CronJob', '1.25');
  put('policy/v1beta1', ['PodDisruptionBudget'], () => 'policy/v1 PodDisruptionBudget', '1.25');
  put('policy/v1beta1', ['PodSecurityPolicy'], () => 'Pod Security Admission labels on the namespace', '1.25');
  put('extensions/v1beta1', ['PodSecurityPolicy'], () => 'Pod Security Admission labels on the namespace', '1.16');
  put('autoscaling/v2beta1', ['HorizontalPodAutoscaler'], () => 'autoscaling/v2 HorizontalPodAutoscaler', '1.25');
  put('autoscaling/v2beta2', ['HorizontalPodAutoscaler'], () => 'autoscaling/v2 HorizontalPodAutoscaler', '1.26');
  put('discovery.k8s.io/v1beta1', ['EndpointSlice'], () => 'discovery.k8s.io/v1 EndpointSlice', '1.25');
  put('node.k8s.io/v1beta1', ['RuntimeClass'], () => 'node.k8s.io/v1 RuntimeClass', '1.25');
  return out;
})();

/** Options of `validateManifests`. */
export interface ValidateOptions {
  /**
   * Report a namespaced object without `metadata.namespace` (SCOPE_NAMESPACE_MISSING).
   * The library's own output always names its namespace; third-party manifests
   * are often written for `kubectl apply -n <ns>` and leave it out on purpose.
   * @default true
   */
  readonly namespaceRequired?: boolean;
}

/**
 * Checks `objects` (rendered or loaded YAML) against the Kubernetes schemas (the built-in kinds, the shipped CRDs
 * and those added with `registerCrd`): unknown fields, wrong types, missing required fields, removed apiVersions and
 * scope. The render runs the same check on every synth; `checkManifests` runs it with the rule catalogue.
 * @returns every finding (severity error or warning), none when all fit
 */
export function validateManifests(objects: readonly unknown[], options: ValidateOptions = {}): Finding[] {
  checkArgs(
    'validateManifests',
    ['objects', objects, is.list(is.any)],
    ['options', options, is.props<ValidateOptions>({ namespaceRequired: is.boolean }), 'optional'],
  );
  return validateObjects(objects, options);
}

/**
 * validateManifests without its argument check, for callers that pass one object at a time from input they checked
 * (the render stage, checkManifests): the check cost more than the validation of a small object.
 */
export function validateObjects(objects: readonly unknown[], options: ValidateOptions = {}): Finding[] {
  const findings: Finding[] = [];
  for (const raw of objects) {
    const before = findings.length;
    const notJson = nonJsonData(raw);
    if (notJson !== undefined) {
      findings.push(notJsonFinding(raw, notJson));
      continue;
    }
    try {
      validateOne(raw, options, findings);
    } catch (e) {
      // A Proxy or getter that read well once and throws now (JavaScript input, not YAML): one finding, never the raw
      // error. Any other error is a defect of the checks, and is not hidden behind that finding.
      const late = nonJsonData(raw);
      if (late === undefined) throw e;
      findings.length = before;
      findings.push(notJsonFinding(raw, late));
    }
  }
  return findings;
}

/** SCHEMA_NOT_KUBERNETES for an object no reader of objects can take (the rules skip it too): a cycle, a BigInt, a getter that throws… */
function notJsonFinding(raw: unknown, notJson: NonJsonData): Finding {
  return safeFinding({
    rule: 'SCHEMA_NOT_KUBERNETES',
    severity: 'error',
    // An unreadable object's identity is not read again: its getter would throw here too.
    object: notJson.unreadable ? '?/?' : objectId(raw),
    pointer: notJson.pointer,
    message: notJson.unreadable ? notJson.reason : `is not JSON data: it ${notJson.reason}`,
    fix: 'pass plain JSON data, e.g. the result of JSON.parse or of a YAML parser',
  });
}

/** The findings of one object, added to `findings`. */
function validateOne(raw: unknown, options: ValidateOptions, findings: Finding[]): void {
  const obj = raw as any;
  const id = objectId(obj);
  const add = (rule: string, pointer: string, message: string, fix: string, severity: Severity = 'error') =>
    findings.push(safeFinding({ rule, severity, object: id, pointer, message, fix }));
  if (!obj || typeof obj !== 'object' || typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
    add(
      'SCHEMA_NOT_KUBERNETES',
      '',
      'is not a Kubernetes object (no apiVersion/kind)',
      'give every document an apiVersion, kind and metadata',
    );
    return;
  }
  const removed = REMOVED_APIS[obj.apiVersion]?.[obj.kind];
  if (removed) {
    add(
      'SCHEMA_API_REMOVED',
      '/apiVersion',
      `${obj.apiVersion} ${obj.kind} was removed in Kubernetes ${removed[1]}: the API server refuses it`,
      `use ${removed[0]}`,
    );
    return;
  }
  // Names, namespace, labels and annotations: the API server refuses what its ValidateObjectMeta does.
  for (const m of apiServerMetadataIssues(obj, !CLUSTER_SCOPED_KINDS.has(obj.kind))) add(m.rule, m.pointer, m.message, m.fix);
  loadShippedCrds();
  const crd = crdSchemas.get(`${obj.apiVersion}/${obj.kind}`);
  if (crd) {
    const problems: { pointer: string; message: string; unknown: boolean }[] = [];
    walkSchema(crd, obj, '', problems);
    for (const p of problems) {
      add(
        p.unknown ? 'SCHEMA_UNKNOWN_FIELD' : 'SCHEMA_INVALID',
        p.pointer,
        p.message,
        p.unknown ? 'remove it or fix its spelling' : 'correct the field to match the CRD',
      );
    }
  }
  // A registered CRD schema already checks everything the model would (and unknown fields): one report per problem.
  const errors = crd ? null : modelErrors(obj);
  // The models accept any extra property: their field trees find the unknown ones, by the same walk as a CRD's schema.
  // The trees unite the installed package's schema (about the oldest operator release the library declares) and its
  // newest release's: a field neither knows is refused by every release in the range, like an unknown built-in field.
  const fieldTree = crd ? undefined : modelFieldTree(obj.apiVersion, obj.kind);
  if (fieldTree) {
    const problems: { pointer: string; message: string; unknown: boolean }[] = [];
    walkSchema(fieldTree, obj, '', problems);
    const sources = (modelFieldSources[obj.apiVersion.split('/')[0]] ?? []).join(' and ');
    for (const p of problems)
      if (p.unknown)
        add(
          'SCHEMA_UNKNOWN_FIELD',
          p.pointer,
          `is not a field of ${obj.kind} in the schemas of ${sources} (unknown or misspelled)`,
          'remove it or fix its spelling',
        );
  }
  if (!errors && !crd) {
    add(
      'SCHEMA_UNKNOWN_KIND',
      '',
      `has no known schema for ${obj.apiVersion} ${obj.kind}`,
      'check apiVersion and kind, or register the CRD schema',
      'warning',
    );
    return;
  }
  for (const err of errors ?? []) {
    add(
      'SCHEMA_INVALID',
      err.instancePath ?? '',
      `${err.message ?? 'is invalid'}${err.params ? ` ${JSON.stringify(err.params)}` : ''}`,
      'correct the field to match the Kubernetes API reference',
    );
  }
  for (const pointer of fieldTree ? [] : (unknownFieldPointers(obj) ?? [])) {
    add('SCHEMA_UNKNOWN_FIELD', pointer, 'is not a field of the Kubernetes API (unknown or misspelled)', 'remove it or fix its spelling');
  }
  const namespace = obj.metadata?.namespace;
  if (CLUSTER_SCOPED_KINDS.has(obj.kind)) {
    if (namespace !== undefined)
      add('SCOPE_NAMESPACE_ON_CLUSTER_OBJECT', '/metadata/namespace', `is set on cluster-scoped ${obj.kind}`, 'remove metadata.namespace');
  } else if (!namespace && options.namespaceRequired !== false) {
    add(
      'SCOPE_NAMESPACE_MISSING',
      '/metadata/namespace',
      `is missing on namespaced ${obj.kind}`,
      'set metadata.namespace explicitly instead of relying on the current context',
    );
  }
}
