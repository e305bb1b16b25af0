import {
  ApiObject,
  ApiObjectMetadata,
  ApiObjectMetadataDefinition,
  App,
  IResolver,
  ImplicitTokenResolver,
  Lazy,
  LazyResolver,
  NumberStringUnionResolver,
} from 'cdk8s';
import { Construct } from 'constructs';
import { Namespace } from 'kubernetes-models/v1/Namespace';

/** A typed object of `kubernetes-models` or an `@kubernetes-models/*` package (`new Deployment({...})`). */
export interface TypedModel {
  readonly apiVersion: string;
  readonly kind: string;
  toJSON(): unknown;
}

/** A model class of `kubernetes-models` (its static apiVersion and kind), e.g. `Deployment`. */
export interface ModelClass<T extends TypedModel> {
  readonly apiVersion: string;
  readonly kind: string;
  new (...args: any[]): T;
}

/** What a model object's head is known to be before its model is built: see `modelObject`. */
export interface ModelHead<T extends TypedModel> {
  readonly model: ModelClass<T>;
  readonly metadata: ApiObjectMetadata;
  /** The top-level fields of the body (besides apiVersion, kind and metadata) the model may set, e.g. `['spec']`. */
  readonly body: readonly string[];
}

/**
 * The cdk8s ApiObject of a typed model: the only way our constructs make an
 * object, so every field is type-checked against the Kubernetes model and
 * nothing edits the JSON afterwards.
 *
 * `build` runs when the app renders, so what is added to a construct after
 * its constructor (sidecars, env, routes) reaches the object. The head
 * (apiVersion, kind, metadata: cdk8s names the object and stamps owners from
 * it) is needed now: given as a `ModelHead`, the model is built once, at
 * render; else `build` also runs now, to read it.
 */
export function modelObject(scope: Construct, id: string, build: () => TypedModel): ApiObject;
export function modelObject<T extends TypedModel>(
  scope: Construct,
  id: string,
  head: ModelHead<T>,
  build: (metadata: ApiObjectMetadata) => T,
): ApiObject;
export function modelObject<T extends TypedModel>(
  scope: Construct,
  id: string,
  headOrBuild: ModelHead<T> | (() => TypedModel),
  build?: (metadata: ApiObjectMetadata) => T,
): ApiObject {
  if (typeof headOrBuild !== 'function') {
    const { model, metadata, body } = headOrBuild;
    const head = { apiVersion: model.apiVersion, kind: model.kind, metadata };
    return new ModelApiObject(scope, id, head, body, () => build!(metadata), true);
  }
  // Only the head and the body's key names are read here: the model's own fields serve, without toJSON's deep copy.
  const { apiVersion, kind, metadata, ...body } = fieldsOf(headOrBuild()) as {
    apiVersion: string;
    kind: string;
    metadata?: ApiObjectMetadata;
  };
  const bodyKeys = Object.keys(body).filter((key) => (body as Record<string, unknown>)[key] !== undefined);
  return new ModelApiObject(scope, id, { apiVersion, kind, metadata }, bodyKeys, headOrBuild, false);
}

/** The `spec` the constructor of model class `C` takes (e.g. `IDeploymentSpec`). */
type SpecOf<C> = C extends new (data?: infer D) => TypedModel ? (NonNullable<D> extends { spec?: infer S } ? S : never) : never;

/**
 * `modelObject` of a model whose body is its `spec` (most workload and policy
 * objects): the head is `model` and `metadata`, and `spec` runs at render, so
 * what is added to the construct later still reaches it. (`spec` is typed
 * before `C` is known: a string literal of a union field needs `as const`.)
 */
export function specObject<C extends ModelClass<TypedModel>>(
  scope: Construct,
  id: string,
  model: C,
  metadata: ApiObjectMetadata,
  spec: () => SpecOf<C>,
): ApiObject {
  return modelObject(scope, id, { model, metadata, body: ['spec'] }, () => new model({ metadata, spec: spec() }));
}

/** kubernetes-models' own toJSON: a copy of the model's fields without undefined values, which its constructor already dropped. */
const MODEL_TO_JSON: unknown = Object.getPrototypeOf(Namespace.prototype).toJSON;

/** What a model's toJSON returns, read from a kubernetes-models object itself (each build makes a fresh one) instead of its copy. */
function fieldsOf(model: TypedModel): Record<string, unknown> {
  return (model.toJSON === MODEL_TO_JSON ? model : model.toJSON()) as Record<string, unknown>;
}

/** Thrown inside `plainJson` when a value is not plain JSON: cdk8s' own serialization decides then. */
const NOT_PLAIN = Symbol('not plain JSON');

/** Whether an app resolves with cdk8s' built-in resolvers only (an app's own come first, then these three). */
function builtInResolversOnly(resolvers: readonly IResolver[]): boolean {
  return (
    resolvers.length === 3 &&
    resolvers[0] instanceof LazyResolver &&
    resolvers[1] instanceof ImplicitTokenResolver &&
    resolvers[2] instanceof NumberStringUnionResolver
  );
}

/**
 * An ApiObject whose body is a model's JSON. cdk8s serializes an object in
 * three deep copies (resolve, sanitize with sorted keys, patch) and produces
 * each lazy top-level key by building the model again. For a model's JSON,
 * which is plain data, one copy does the same: the body is built once, then
 * copied with keys sorted and null/undefined dropped, as cdk8s' `sanitizeValue`
 * does. Anything else (JSON patches, an app's own resolvers, a value that is
 * not plain JSON, such as a token) goes through cdk8s' `toJson` unchanged.
 */
class ModelApiObject extends ApiObject {
  public constructor(
    scope: Construct,
    id: string,
    head: { apiVersion: string; kind: string; metadata?: ApiObjectMetadata },
    private readonly bodyKeys: readonly string[],
    private readonly build: () => TypedModel,
    /** Whether the head was given, not read from a build: every build is then checked against it. */
    private readonly declared: boolean,
  ) {
    super(scope, id, {
      ...head,
      ...Object.fromEntries(bodyKeys.map((key) => [key, Lazy.any({ produce: () => (build().toJSON() as Record<string, unknown>)[key] })])),
    });
  }

  public override toJson(): any {
    const cdk8sOnly = (this as unknown as { patches: unknown[] }).patches.length > 0 || !builtInResolversOnly(App.of(this).resolvers);
    if (cdk8sOnly && !this.declared) return super.toJson();
    // A kubernetes-models object holds what its toJSON would copy: read it, plainJson copies once.
    const body = fieldsOf(this.build());
    if (this.declared) this.checkDeclared(body);
    if (cdk8sOnly) return super.toJson();
    const props = (this as unknown as { props: Record<string, unknown> }).props;
    const data: Record<string, unknown> = {};
    for (const key of Object.keys(props)) data[key] = this.bodyKeys.includes(key) ? body[key] : props[key];
    let json: Record<string, unknown>;
    try {
      data.metadata = metadataJson(this.metadata);
      json = plainJson(data, !process.env.CDK8S_DISABLE_SORT) as Record<string, unknown>;
    } catch (e) {
      if (e === NOT_PLAIN) return super.toJson();
      throw e;
    }
    // As cdk8s: apiVersion, kind and metadata first, then the rest.
    const result: Record<string, unknown> = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(json)]) if (k in json) result[k] = json[k];
    return result;
  }

  /** A model built from a given head must match it: same kind, and no body field that was not declared (it would be lost). */
  private checkDeclared(body: Record<string, unknown>): void {
    const props = (this as unknown as { props: Record<string, unknown> }).props;
    const extra = Object.keys(body).filter(
      (k) => body[k] !== undefined && k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && !this.bodyKeys.includes(k),
    );
    if (body.apiVersion !== props.apiVersion || body.kind !== props.kind || extra.length > 0)
      throw new Error(
        `${this.node.path}: the model built (${String(body.apiVersion)} ${String(body.kind)}, fields ${Object.keys(body).join(', ')}) does not match its declared head (${String(props.apiVersion)} ${String(props.kind)}, body ${this.bodyKeys.join(', ')})`,
      );
  }
}

/** The fields cdk8s' `ApiObjectMetadataDefinition.toJson` reads (private there). */
interface MetadataFields {
  readonly _additionalAttributes: Record<string, unknown>;
  readonly name?: string;
  readonly namespace?: string;
  readonly annotations: Record<string, string>;
  readonly finalizers: string[];
  readonly ownerReferences: unknown[];
  readonly labels: Record<string, string>;
}

/**
 * `metadata.toJson()` of plain data, in one copy: cdk8s resolves the fields
 * (a copy, for plain data) and sanitizes them (null, undefined, empty lists
 * and empty maps dropped at every level, keys sorted whatever
 * CDK8S_DISABLE_SORT says). Throws NOT_PLAIN where cdk8s would do otherwise.
 */
function metadataJson(metadata: ApiObjectMetadataDefinition): unknown {
  const m = metadata as unknown as MetadataFields;
  return sanitizedMetadata({
    ...m._additionalAttributes,
    name: m.name,
    namespace: m.namespace,
    annotations: m.annotations,
    finalizers: m.finalizers,
    ownerReferences: m.ownerReferences,
    labels: m.labels,
  });
}

function sanitizedMetadata(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') throw NOT_PLAIN;
  // As cdk8s' sanitizeValue: an empty list is dropped, a list's null items stay (as undefined).
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(sanitizedMetadata);
  const o = value as Record<string, unknown>;
  if (!isPlainData(o)) throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const k of Object.keys(o).sort()) {
    const x = sanitizedMetadata(o[k]);
    if (x !== undefined && x !== null) {
      out[k] = x;
      empty = false;
    }
  }
  return empty ? undefined : out;
}

/** Whether cdk8s' resolvers and sanitizer treat `o` as a plain dictionary (they act on class instances and on anything with a resolve(); the sanitizer reads `constructor`). */
function isPlainData(o: Record<string, unknown>): boolean {
  return (
    Object.getPrototypeOf(o) === Object.prototype &&
    !Object.prototype.hasOwnProperty.call(o, 'constructor') &&
    typeof o.resolve !== 'function'
  );
}

/** A copy of plain JSON as cdk8s resolves and sanitizes it; throws NOT_PLAIN for anything a resolver or the sanitizer treats otherwise. */
function plainJson(value: unknown, sortKeys: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value;
  if (type !== 'object') throw NOT_PLAIN;
  if (Array.isArray(value)) return value.map((x) => plainJson(x, sortKeys));
  const o = value as Record<string, unknown>;
  if (!isPlainData(o)) throw NOT_PLAIN;
  const keys = Object.keys(o);
  if (sortKeys) keys.sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const x = plainJson(o[k], sortKeys);
    if (x !== undefined && x !== null) out[k] = x;
  }
  return out;
}
