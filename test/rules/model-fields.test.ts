import * as fs from 'fs';
import { MODEL_FIELDS_FILE, NEWEST, fetchNewest, render, unionTree } from '../../scripts/gen-model-fields';
import { removeTemporary } from '../../scripts/npm-pack';

// The generator reads the declarations of the NEWEST packages too, fetched with `npm pack` (about 16 MB): compared by
// `npm run test:generated` (in CI), skipped with the reason when npm cannot fetch them.
let newest: Readonly<Record<string, string>> | undefined;
let skipped = process.env.CB_GENERATED_TEST ? '' : ' (run by `npm run test:generated`)';
try {
  if (process.env.CB_GENERATED_TEST) newest = fetchNewest();
} catch (e) {
  skipped = ` — SKIPPED: npm pack could not fetch ${Object.entries(NEWEST)
    .map(([p, v]) => `${p}@${v}`)
    .join(', ')} (${String((e as Error).message ?? e).split('\n')[0]})`;
}
afterAll(removeTemporary);

(newest ? test : test.skip)(
  `model-fields.json is what scripts/gen-model-fields.ts reads from the installed and the newest @kubernetes-models packages (run \`npx tsx scripts/gen-model-fields.ts\`)${skipped}`,
  () => {
    expect(fs.readFileSync(MODEL_FIELDS_FILE, 'utf8')).toBe(render(newest));
  },
  180_000,
);

test('model-fields.json names both sources of each group', () => {
  const { sources } = JSON.parse(fs.readFileSync(MODEL_FIELDS_FILE, 'utf8'));
  expect(sources['cert-manager.io']).toEqual([
    expect.stringMatching(/^@kubernetes-models\/cert-manager 4\./),
    '@kubernetes-models/cert-manager 6.0.0',
  ]);
});

describe('unionTree: a field either schema knows is known', () => {
  const obj = (properties: Record<string, unknown>) => ({ type: 'object' as const, properties }) as any;
  const open = { 'x-kubernetes-preserve-unknown-fields': true as const };

  test('the fields of both, united at every depth', () => {
    expect(unionTree(obj({ a: {}, n: obj({ x: {} }) }), obj({ b: {}, n: obj({ y: {} }) }))).toEqual(
      obj({ a: {}, n: obj({ x: {}, y: {} }), b: {} }),
    );
    expect(unionTree({ type: 'array', items: obj({ a: {} }) }, { type: 'array', items: obj({ b: {} }) })).toEqual({
      type: 'array',
      items: obj({ a: {}, b: {} }),
    });
  });

  test('an object open in either stays open; a map in either keeps any key', () => {
    expect(unionTree(obj({ a: {} }), open)).toEqual(open);
    expect(unionTree(open, obj({ a: {} }))).toEqual(open);
    expect(unionTree(obj({ a: {} }), { type: 'object', additionalProperties: {} })).toEqual({
      type: 'object',
      properties: { a: {} },
      additionalProperties: {},
    });
  });

  test('a structure beats a scalar; an array against an object is left open', () => {
    expect(unionTree({}, obj({ a: {} }))).toEqual(obj({ a: {} }));
    expect(unionTree(obj({ a: {} }), {})).toEqual(obj({ a: {} }));
    expect(unionTree({ type: 'array', items: {} }, obj({ a: {} }))).toEqual(open);
  });
});
