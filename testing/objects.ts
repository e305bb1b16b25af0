import { AssertionError } from 'assert';
import { App, Chart } from 'cdk8s';
import { checkArgs, is } from '../constructs/core/shape';
import { renderApp } from '../constructs/render';
import { readingObjects } from '../constructs/rules/manifest-index';
import { SCOPE_SHAPE } from './scope-shape';

const OBJECTS_SHAPE = is.list(is.any);

/** Kind, name and (for namespaced objects) namespace of one object. */
export interface ObjectQuery {
  readonly kind: string;
  readonly name: string;
  /** @default - any namespace (cluster-scoped objects have none) */
  readonly namespace?: string;
  /** Group/version, for kinds that exist in several groups. @default - any */
  readonly apiVersion?: string;
}

/**
 * Renders a chart or a whole app to plain objects through the library's own synth path:
 * every synth-time check and the schema check run, exactly as in `synthesize()`.
 * A Chart gives its own objects; an App gives every chart's.
 * The objects are typed loosely on purpose (a test reads deep paths such as
 * `web.spec.template.spec.containers[0].env`, which no precise type of every kind allows).
 *
 * @throws BlueprintError when a check fails
 */
export function synthObjects(scope: App | Chart): any[] {
  checkArgs('synthObjects', ['scope', scope, SCOPE_SHAPE]);
  const app = scope instanceof App ? scope : (scope.node.root as App);
  return renderApp(app)
    .filter((r) => scope instanceof App || r.chart === scope)
    .flatMap((r) => r.objects);
}

const QUERY_SHAPE = is.props<ObjectQuery>({ kind: is.string, name: is.string, namespace: is.string, apiVersion: is.string }, [
  'kind',
  'name',
]);

function describe(o: any): string {
  return `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
}

function matches(o: any, q: ObjectQuery): boolean {
  return (
    o?.kind === q.kind &&
    o.metadata?.name === q.name &&
    (q.namespace === undefined || o.metadata?.namespace === q.namespace) &&
    (q.apiVersion === undefined || o.apiVersion === q.apiVersion)
  );
}

/**
 * The one object matching `query` (never pick objects by array index: order is not a contract),
 * typed loosely, as `synthObjects`' are.
 * @throws AssertionError naming every object present when none or several match
 */
export function findObject(objects: readonly unknown[], query: ObjectQuery): any {
  checkArgs('findObject', ['objects', objects, OBJECTS_SHAPE], ['query', query, QUERY_SHAPE]);
  return readingObjects('findObject', objects, () => theOne(objects, query));
}

function theOne(objects: readonly any[], query: ObjectQuery): any {
  const hits = objects.filter((o) => matches(o, query));
  if (hits.length === 1) return hits[0];
  const wanted = describe({ kind: query.kind, metadata: { name: query.name, namespace: query.namespace } });
  throw new AssertionError({
    message: `expected one ${wanted}, found ${hits.length} among: ${objects.map(describe).join(', ') || '(no objects)'}`,
  });
}

/** Every object of `kind`, in render order (typed loosely, as `synthObjects`' are). */
export function objectsOfKind(objects: readonly unknown[], kind: string): any[] {
  checkArgs('objectsOfKind', ['objects', objects, OBJECTS_SHAPE], ['kind', kind, is.string]);
  return readingObjects('objectsOfKind', objects, () => objects.filter((o) => (o as { kind?: unknown } | null)?.kind === kind));
}
