import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct } from 'constructs';

/** A typed object of `kubernetes-models` or an `@kubernetes-models/*` package (`new Deployment({...})`). */
export interface TypedModel {
  readonly apiVersion: string;
  readonly kind: string;
  toJSON(): unknown;
}

/**
 * The cdk8s ApiObject of a typed model: the only way our constructs make an
 * object, so every field is type-checked against the Kubernetes model and
 * nothing edits the JSON afterwards.
 *
 * `build` runs now for the head (apiVersion, kind, metadata: cdk8s names the
 * object and stamps owners from it) and again when the app renders, for the
 * body, so what is added to a construct after its constructor (sidecars,
 * env, routes) reaches the object.
 */
export function modelObject(scope: Construct, id: string, build: () => TypedModel): ApiObject {
  const { apiVersion, kind, metadata, ...body } = build().toJSON() as { apiVersion: string; kind: string; metadata?: ApiObjectMetadata };
  const lazyBody = Object.fromEntries(
    Object.keys(body).map((key) => [key, Lazy.any({ produce: () => (build().toJSON() as Record<string, unknown>)[key] })]),
  );
  return new ApiObject(scope, id, { apiVersion, kind, metadata, ...lazyBody });
}
