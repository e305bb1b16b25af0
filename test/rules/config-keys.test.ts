import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { BlueprintError, ConfigMap, renderApp, runRules } from '../../constructs';
import { run } from '../../cli/main';

/*
 * CONFIG_KEY_INVALID on rendered objects: the keys the API server refuses in a
 * ConfigMap (ValidateConfigMap) or a Secret (ValidateSecret), by apimachinery's
 * IsConfigMapKey — the rule the typed ConfigMap applies when it is built.
 */

/** A raw object of `kind` in namespace shop holding the given bags of keys; a bag left undefined is absent. */
const holder = (kind: string, name: string, bags: Record<string, object | undefined>) => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: 'shop' },
  ...Object.fromEntries(Object.entries(bags).filter(([, bag]) => bag)),
});
const configMap = (data?: object, binaryData?: object) => holder('ConfigMap', 'cm', { data, binaryData });
const secret = (data?: object, stringData?: object) => holder('Secret', 's', { data, stringData });
const found = (...objects: object[]) =>
  runRules(objects)
    .filter((f) => f.rule === 'CONFIG_KEY_INVALID')
    .map((f) => `${f.severity} ${f.object} ${f.pointer}`);

describe('CONFIG_KEY_INVALID', () => {
  test.each([
    ['bad key', 'bad key'],
    ['.', '.'],
    ['..', '..'],
    ['..a', '..a'],
    ['a/b', 'a/b'],
    ['ä', 'ä'],
    ['254 characters', 'a'.repeat(254)],
    ['empty', ''],
  ])('%s is refused in every bag', (_label, key) => {
    const pointer = key.replace(/~/g, '~0').replace(/\//g, '~1');
    expect(found(configMap({ [key]: 'x' }))).toEqual([`error ConfigMap/shop/cm /data/${pointer}`]);
    expect(found(configMap(undefined, { [key]: 'AAAA' }))).toEqual([`error ConfigMap/shop/cm /binaryData/${pointer}`]);
    expect(found(secret({ [key]: 'eA==' }))).toEqual([`error Secret/shop/s /data/${pointer}`]);
    expect(found(secret(undefined, { [key]: 'x' }))).toEqual([`error Secret/shop/s /stringData/${pointer}`]);
  });

  test.each([
    ['a', 'a'],
    ['app.yaml', 'app.yaml'],
    ['.env', '.env'],
    ['a..b', 'a..b'],
    ['-_.', '-_.'],
    ['A-Z_0.9', 'A-Z_0.9'],
    ['253 characters', 'a'.repeat(253)],
  ])('%s, a valid neighbour, is accepted', (_label, key) => {
    expect(found(configMap({ [key]: 'x' }), configMap(undefined, { [key]: 'AAAA' }), secret({ [key]: 'eA==' }, { [key]: 'x' }))).toEqual(
      [],
    );
  });

  test('a key in both data and binaryData is refused ("duplicate of key present in binaryData"); a Secret may repeat a key in stringData', () => {
    expect(found(configMap({ a: 'x', b: 'y' }, { a: 'AAAA' }))).toEqual(['error ConfigMap/shop/cm /data/a']);
    expect(runRules([configMap({ a: 'x' }, { a: 'AAAA' })]).find((f) => f.rule === 'CONFIG_KEY_INVALID')?.fix).toContain('not both');
    // stringData overwrites data on write: the same key in both is allowed.
    expect(found(secret({ a: 'eA==' }, { a: 'x' }))).toEqual([]);
  });

  test('other kinds, other API groups and malformed bags are not its business', () => {
    expect(
      found({ ...configMap({ 'bad key': 'x' }), apiVersion: 'example.com/v1' }, { ...configMap(), kind: 'Other', data: { 'bad key': 1 } }),
    ).toEqual([]);
    expect(found({ ...configMap(), data: 'text' }, { ...secret(), stringData: ['a b'] })).toEqual([]);
  });

  test('at synth, a raw ApiObject with such a key fails the build with the same code as the typed ConfigMap', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'raw', configMap({ 'bad key': 'x' }));
    let error: unknown;
    try {
      renderApp(app);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BlueprintError);
    expect((error as BlueprintError).issues.filter((i) => i.code === 'CONFIG_KEY_INVALID').map((i) => [i.path, i.field])).toEqual([
      ['c/raw', '/data/bad key'],
    ]);
    // The typed ConfigMap refuses the same key when it is built.
    expect(() => new ConfigMap(new Chart(new App(), 'd'), 'cm', { namespace: 'shop', data: { 'bad key': 'x' } })).toThrow(
      /CONFIG_KEY_INVALID/,
    );
  });

  test('cluster-blueprints check finds every refused key of a foreign file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cb-keys-')), 'config.yaml');
    fs.writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: cm, namespace: shop}',
        'data: {"bad key": "1", "..": "2", "a/b": "3", ok: "4"}',
        'binaryData: {"x y": AAAA}',
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata: {name: s, namespace: shop}',
        'stringData: {"bad key": x, good: y}',
        '',
      ].join('\n'),
    );
    let out = '';
    const code = await run(['check', file, '--json'], (s) => (out += s), () => undefined); // prettier-ignore
    expect(code).toBe(1);
    expect(
      (JSON.parse(out).findings as any[]).filter((f) => f.rule === 'CONFIG_KEY_INVALID').map((f) => `${f.object} ${f.pointer}`),
    ).toEqual([
      'ConfigMap/shop/cm /data/bad key',
      'ConfigMap/shop/cm /data/..',
      'ConfigMap/shop/cm /data/a~1b',
      'ConfigMap/shop/cm /binaryData/x y',
      'Secret/shop/s /stringData/bad key',
    ]);
  });
});
