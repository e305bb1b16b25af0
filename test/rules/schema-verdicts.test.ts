import fc from 'fast-check';
import k8sFields from '../../constructs/rules/k8s-fields.json';
import { modelErrors, renderApp, unknownFieldPointers, validateManifests } from '../../constructs';
import { ENVIRONMENTS } from '../../stacks/environments';
import { synthApp } from '../../stacks/main';

/*
 * The schema check validates objects in place and walks fields with closures
 * compiled once per type. Its verdicts must stay those of the straightforward
 * implementation it replaced, kept here as the reference: a deep copy through
 * the kubernetes-models class, and a walk that parses type strings per field.
 */
const models: Record<string, Record<string, string> | undefined> = k8sFields;

function referenceUnknownFields(type: string, value: unknown, pointer: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => referenceUnknownFields(array[1], v, `${pointer}/${i}`, out));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object')
      for (const [k, v] of Object.entries(value as object)) referenceUnknownFields(map[1], v, `${pointer}/${k}`, out);
    return;
  }
  const fields = models[type];
  if (!fields || typeof value !== 'object' || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value as object)) {
    const t = Object.prototype.hasOwnProperty.call(fields, k) ? fields[k] : undefined;
    if (t === undefined) out.push(`${pointer}/${k}`);
    else referenceUnknownFields(t, v, `${pointer}/${k}`, out);
  }
}

function referenceModelErrors(obj: any): unknown[] | null {
  let Model: any;
  try {
    Model = require(`kubernetes-models/${obj.apiVersion}/${obj.kind}`)[obj.kind];
  } catch {
    return null;
  }
  if (!Model) return null;
  try {
    new Model(obj).validate();
    return [];
  } catch (e: any) {
    return Array.isArray(e?.errors) ? e.errors : [{ instancePath: '', message: String(e?.message ?? e) }];
  }
}

function sameVerdict(obj: any): void {
  if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return; // SCHEMA_NOT_KUBERNETES before either
  const name = rootModelName(obj);
  const expected: string[] = [];
  if (name) referenceUnknownFields(name, obj, '', expected);
  expect(unknownFieldPointers(obj)).toEqual(name ? expected : null);
  // Kinds outside kubernetes-models (custom resources registered with registerModel) have no reference here.
  const reference = referenceModelErrors(obj);
  if (reference !== null) expect(modelErrors(obj)).toEqual(reference);
}

function rootModelName(obj: any): string | undefined {
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['core', obj.apiVersion];
  const prefix = group.split('.')[0].split('-').map(cap).join('');
  return [`${cap(version)}${obj.kind}`, `${prefix}${cap(version)}${obj.kind}`].find((n) => models[n]);
}

const objects: any[] = Object.keys(ENVIRONMENTS).flatMap((env) => renderApp(synthApp(env)).flatMap((r) => r.objects));

test('every object of every shipped environment: same verdict, and valid', () => {
  for (const obj of objects) sameVerdict(obj);
  expect(validateManifests(objects).filter((f) => f.severity === 'error')).toEqual([]);
});

/** Paths to every value inside `obj`. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [at, ...keys.flatMap((k) => paths((value as any)[k], [...at, k]))];
}

const mutation = fc.constantFrom<(v: unknown) => unknown>(
  () => undefined,
  () => null,
  () => 'a string',
  () => 42,
  () => 1.5,
  () => true,
  () => [],
  () => ({}),
  () => ({ imagePullPolicyy: 'Always' }),
  (v) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...v, unknownField: 1 } : v),
  (v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v),
  (v) => (Array.isArray(v) ? [...v, { extra: 'x' }] : [v]),
  (v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).slice(1)) : v),
);

test('generated mutations of real objects (unknown fields, wrong types, undefined, reordered keys): same verdict', () => {
  fc.assert(
    fc.property(fc.nat(objects.length - 1), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (i, p, muts) => {
      const obj = structuredClone(objects[i]);
      for (const mut of muts) {
        const all = paths(obj);
        const at = all[p % all.length];
        if (at.length === 0) continue;
        const parent = at.slice(0, -1).reduce((o: any, k) => o[k], obj);
        parent[at[at.length - 1]] = mut(parent[at[at.length - 1]]);
      }
      sameVerdict(obj);
    }),
    { numRuns: Number(process.env.FC_RUNS ?? 300) },
  );
});
