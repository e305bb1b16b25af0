import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ConfigMap as ConfigMapModel } from 'kubernetes-models/v1/ConfigMap';
import { renderApp } from '../../constructs';
import { modelObject } from '../../constructs/core/model-object';
import { ENVIRONMENTS, buildEnvironment, environment } from '../../stacks/environments';

/*
 * Every object is built from a typed model (modelObject, a `kubernetes-models`
 * class or `k8s.Kube*`), so each field is checked against the Kubernetes schema
 * when it is written. An `ApiObject` whose props are an object literal is the
 * untyped way back in.
 */
const root = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** modelObject itself: the one place that turns a model's JSON into an ApiObject. */
const HOME = 'constructs/core/model-object.ts';
/** Files still on an object literal, each being moved to a model by its own change; drop a file once it is. */
const PENDING: string[] = [];

const LITERAL = /new ApiObject\(\s*[^,]+,\s*[^,]+,\s*\{/;

test('no construct or blueprint builds an ApiObject from an object literal', () => {
  const literal = ['constructs', 'blueprints'].flatMap(sources).filter((f) => LITERAL.test(fs.readFileSync(path.join(root, f), 'utf8')));
  expect(literal.filter((f) => f !== HOME && !PENDING.includes(f))).toEqual([]);
  // A file that no longer needs the exception loses it, so it cannot come back unnoticed.
  expect(PENDING.filter((f) => !literal.includes(f))).toEqual([]);
});

/*
 * A model's object serializes in one copy instead of cdk8s' three; the JSON
 * must be what cdk8s' own ApiObject.toJson makes of the same object, key
 * order included (the YAML is written in that order).
 */
const cdk8sJson = (o: ApiObject) => JSON.stringify(ApiObject.prototype.toJson.call(o));
const modelObjects = (app: App) =>
  app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && c.constructor.name === 'ModelApiObject');

test.each(Object.keys(ENVIRONMENTS))('every model object of %s serializes as cdk8s does', (env) => {
  const app = buildEnvironment(environment(env));
  renderApp(app); // owners stamped, as at synth
  const objects = modelObjects(app);
  expect(objects.length).toBeGreaterThan(20);
  // Every one of them takes the one-copy path (cdk8s' own toJson is not called)...
  const cdk8s = jest.spyOn(ApiObject.prototype, 'toJson');
  const ours = objects.map((o) => JSON.stringify(o.toJson()));
  expect(cdk8s).not.toHaveBeenCalled();
  cdk8s.mockRestore();
  // ...and writes what cdk8s writes.
  objects.forEach((o, i) => expect(ours[i]).toBe(cdk8sJson(o)));
});

describe('what plain JSON cannot say goes through cdk8s', () => {
  const chart = () => new Chart(new App(), 'c');
  const deployment = (image: unknown) =>
    new Deployment({
      metadata: { name: 'web', namespace: 'n' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: image as string }] } },
      },
    });

  test('a token inside the body', () => {
    const o = modelObject(chart(), 'd', () => deployment(Lazy.any({ produce: () => 'nginx:1.27' })));
    expect(o.toJson().spec.template.spec.containers[0].image).toBe('nginx:1.27');
    expect(JSON.stringify(o.toJson())).toBe(cdk8sJson(o));
  });

  test('a JSON patch', () => {
    const o = modelObject(chart(), 'd', () => deployment('nginx:1.27'));
    o.addJsonPatch(JsonPatch.add('/spec/replicas', 3));
    expect(o.toJson().spec.replicas).toBe(3);
  });

  test('nulls, undefined, empty values and a key named constructor', () => {
    const o = modelObject(chart(), 'm', () => new ConfigMapModel({ metadata: { name: 'm' }, data: { b: '', constructor: 'x', a: '1' } }));
    expect(() => o.toJson()).toThrow(/non-simple object/); // as cdk8s itself
    const p = modelObject(chart(), 'p', () => new ConfigMapModel({ metadata: { name: 'p', labels: {} }, data: { b: '', a: '1' } }));
    expect(JSON.stringify(p.toJson())).toBe(cdk8sJson(p));
  });

  test('metadata: extra fields, empty maps and lists at any depth, null items, added labels and owners', () => {
    const metadata: any = {
      name: 'q',
      namespace: 'n',
      labels: { z: 'last', a: 'first' },
      annotations: {},
      finalizers: [],
      generateName: 'q-',
      managedFields: [{ fieldsV1: {}, manager: 'm', subresource: null }, { fieldsV1: { f: { g: {} } } }, {}],
      ownerReferences: [{ kind: 'K', name: 'o', apiVersion: 'v1', uid: 'u', controller: undefined }],
    };
    const o = modelObject(chart(), 'q', () => new ConfigMapModel({ metadata, data: { a: '1' } }));
    o.metadata.addLabel('m', 'middle');
    o.metadata.addFinalizers('f/x');
    o.metadata.add('resourceVersion', '7');
    const cdk8s = jest.spyOn(ApiObject.prototype, 'toJson');
    const ours = JSON.stringify(o.toJson());
    expect(cdk8s).not.toHaveBeenCalled();
    cdk8s.mockRestore();
    expect(ours).toBe(cdk8sJson(o));
    const empty = modelObject(chart(), 'e', () => new ConfigMapModel({ metadata: { labels: {}, annotations: {} } }));
    expect(JSON.stringify(empty.toJson())).toBe(cdk8sJson(empty));
  });
});

describe('a model object whose head is given (built once, at render)', () => {
  const chart = () => new Chart(new App(), 'c');
  const metadata = { name: 'm', namespace: 'n' };

  test('serializes as cdk8s does, on the one-copy path and through cdk8s (a JSON patch)', () => {
    const o = modelObject(
      chart(),
      'm',
      { model: ConfigMapModel, metadata, body: ['data'] },
      () => new ConfigMapModel({ metadata, data: { b: '2', a: '1' } }),
    );
    expect(o.toJson()).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { a: '1', b: '2' } });
    expect(JSON.stringify(o.toJson())).toBe(cdk8sJson(o));
    o.addJsonPatch(JsonPatch.add('/data/c', '3'));
    expect(o.toJson().data).toEqual({ a: '1', b: '2', c: '3' });
  });

  test('is built only when it renders', () => {
    let builds = 0;
    const o = modelObject(chart(), 'm', { model: ConfigMapModel, metadata, body: ['data'] }, () => {
      builds++;
      return new ConfigMapModel({ metadata, data: { a: '1' } });
    });
    expect(builds).toBe(0);
    o.toJson();
    expect(builds).toBe(1);
  });

  test('a build that does not match its head fails, on either path, instead of losing a field', () => {
    const undeclared = modelObject(
      chart(),
      'u',
      { model: ConfigMapModel, metadata, body: ['data'] },
      () => new ConfigMapModel({ metadata, data: {}, binaryData: { x: 'eA==' } }),
    );
    expect(() => undeclared.toJson()).toThrow(/does not match its declared head/);
    undeclared.addJsonPatch(JsonPatch.add('/data/c', '3'));
    expect(() => undeclared.toJson()).toThrow(/does not match its declared head/);
    const otherKind = modelObject(
      chart(),
      'k',
      { model: ConfigMapModel, metadata, body: ['spec'] },
      () => deploymentModel() as unknown as ConfigMapModel,
    ); // the types refuse it; a cast must not get through either
    expect(() => otherKind.toJson()).toThrow(/does not match its declared head/);
  });

  const deploymentModel = () =>
    new Deployment({
      metadata,
      spec: { selector: { matchLabels: { app: 'm' } }, template: { spec: { containers: [{ name: 'm', image: 'nginx:1.27' }] } } },
    });
});
