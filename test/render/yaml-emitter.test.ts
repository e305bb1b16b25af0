import { Yaml } from 'cdk8s';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { renderApp, stringifyDocument, stringifyManifests } from '../../constructs';
import { ENVIRONMENTS, buildEnvironment } from '../../stacks/environments';

/*
 * The emitter must write exactly what cdk8s' Yaml.stringify (the `yaml`
 * package, YAML 1.1, no line folding) writes. Full count:
 *   FC_RUNS=10000 npx jest test/render/yaml-emitter
 */
const RUNS = Number(process.env.FC_RUNS ?? 500);
const OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' as const };

test.each(Object.keys(ENVIRONMENTS))('every file of %s is byte-identical to cdk8s Yaml.stringify', (env) => {
  for (const r of renderApp(buildEnvironment(ENVIRONMENTS[env]))) {
    expect(stringifyManifests(r.objects)).toBe(Yaml.stringify(...r.objects));
  }
});

/** Strings YAML 1.1 reads as something else, indicators, document markers, whitespace and escapes. */
const TRICKY = [
  ...['yes', 'No', 'on', 'OFF', 'y', 'n', '~', 'null', 'Null', 'NULL', 'true', 'False'],
  ...['012', '0x1F', '0b101', '1:20', '1:20.5', '1_000', '.5', '3.', '-.inf', '.NaN', '1e3', '+12', '-0', '0o7'],
  ...['2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5'],
  ...['<<', '=', '-', '?', ':', '- a', '? b', ': c', 'a: b', 'a:b', '#x', 'x #y', 'x#y', '@x', '`x', '|', '>', '!x', '&x', '*x', '%x'],
  ...['[x]', '{x}', 'x,y', '"q"', "'s'", `a'b"c`, '---', '...', '%TAG', '--- x', 'a\n---\nb', 'a\n...\n'],
  ...['', ' ', '\n', '\n\n', ' x', 'x ', 'x\n', 'x\n\n', 'x\n ', '\tx', '\nx', ' \nx', 'a\r\nb', 'line one\n  indented\nthree\n'],
  ...['\u0000', '\u0007', '\u001b', '\u0085', '\u00a0', '\u2028', '\u2029', '\ud800', 'é', '日本', '🙂', '\x7f'],
  'x\u2028---',
  'x\r...',
  'x\u2029%y',
  'a long line with a newline in it, longer than forty characters\nand more',
  'x'.repeat(1100),
];
const text = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.string(),
  fc
    .tuple(
      fc.array(fc.oneof(fc.constantFrom(...TRICKY), fc.string()), { maxLength: 4 }),
      fc.constantFrom('\n', ' ', '\n\n', '', ': ', ' #'),
    )
    .map(([parts, sep]) => parts.join(sep)),
);
const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small' },
    text,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(text, tie('tree'), { maxKeys: 4 }),
  ),
}));

test('equals the yaml package on generated JSON trees', () => {
  fc.assert(
    fc.property(fc.oneof(fc.dictionary(text, tree, { maxKeys: 6 }), fc.array(tree, { maxLength: 4 }), tree), (value) => {
      expect(stringifyDocument(value)).toBe(stringify(value, OPTIONS));
    }),
    { numRuns: RUNS },
  );
});

test('a value seen twice (an anchor in YAML) and non-JSON values are left to the yaml package', () => {
  const shared = { a: 1 };
  for (const value of [{ x: shared, y: shared }, { when: new Date(0) }, { m: new Map([['k', 'v']]) }]) {
    expect(stringifyDocument(value)).toBe(stringify(value, OPTIONS));
  }
  expect(stringifyDocument({ x: shared, y: shared })).toContain('*a1');
});

test('documents are separated like cdk8s: undefined documents are empty', () => {
  const docs = [{ a: 1 }, undefined, { b: 'yes' }];
  expect(stringifyManifests(docs)).toBe(Yaml.stringify(...docs));
});
