import { App, Yaml } from 'cdk8s';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { BlueprintError, ConfigMap, Worker, renderApp, stringifyDocument, stringifyManifests } from '../../constructs';
import { catchBlueprintError, testChart } from '../helpers';
import { unrepresentableText } from '../../constructs/render/yaml-emitter';
import { resolvePlainScalar } from '../../constructs/rules/manifests';
import { ENVIRONMENTS, buildEnvironment } from '../../stacks/environments';
import { LONE_SURROGATE, anyText, goYamlProblem, textWithLoneSurrogate, yamlTextProblem } from '../properties/yaml-text';

/*
 * The emitter must write exactly what cdk8s' Yaml.stringify (the `yaml`
 * package, YAML 1.1, no line folding) writes, except where that is not YAML
 * Go's readers take back as written (see yamlPackageWritesRight). Full count:
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
  ...['0X1F', '0B101', '0O17', '+0x1f', '-0b1', '1_2_3', '0x_1', '9223372036854775808', '.5_0'],
  ...['2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5'],
  ...['<<', '=', '-', '?', ':', '- a', '? b', ': c', 'a: b', 'a:b', '#x', 'x #y', 'x#y', '@x', '`x', '|', '>', '!x', '&x', '*x', '%x'],
  ...['[x]', '{x}', 'x,y', '"q"', "'s'", `a'b"c`, '---', '...', '%TAG', '--- x', 'a\n---\nb', 'a\n...\n'],
  ...['', ' ', '\n', '\n\n', ' x', 'x ', 'x\n', 'x\n\n', 'x\n ', '\tx', '\nx', ' \nx', 'a\r\nb', 'line one\n  indented\nthree\n'],
  ...['\u0000', '\u0007', '\u001b', '\u0085', '\u00a0', '\u2028', '\u2029', '\ud800', 'é', '日本', '🙂', '\x7f'],
  ...['\x80', '\x9f', '\ufffe', '\uffff', '\ufeff', '\t\nx', 'x\n\ty', ' \n', '\n \n', 'a\u0085\nb\n'],
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

/**
 * Whether the `yaml` package writes `s` as YAML that reads back as `s`, in
 * go-yaml too: not with a raw DEL, C1 control, U+FFFE/U+FFFF (go-yaml refuses
 * the file), NEL, U+2028/U+2029 (line breaks to go-yaml), nor as a block
 * whose indentation go-yaml must guess and that starts with a tab (refused),
 * nor as a block of spaces and line breaks only (read back without its
 * spaces), nor `<<` as a plain key (a merge to YAML 1.1 readers), nor a
 * line of one space folded in double quotes (escaped twice: a backslash).
 */
const yamlPackageWritesRight = (s: string) =>
  s !== '<<' &&
  // go-yaml v2 reads `0o7`, `0X1F`, `1_000` as ints, which the yaml package's YAML 1.1 schema writes plain
  !(!s.includes('\n') && resolvePlainScalar(s).kind !== 'str' && !/^['"]/.test(stringify(s, OPTIONS))) &&
  !s.includes('\n \n') &&
  !/[\x7f-\x9f\u2028\u2029\ufffe\uffff]/.test(s) &&
  !LONE_SURROGATE.test(s) &&
  !(s.includes('\n') && (/^[\n ]*\t/.test(s) || (/^[ \n]*$/.test(s) && s.includes(' '))));

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  return out;
}

test('equals the yaml package on generated JSON trees, and parts from it only to be read back right', () => {
  let same = 0;
  fc.assert(
    fc.property(fc.oneof(fc.dictionary(text, tree, { maxKeys: 6 }), fc.array(tree, { maxLength: 4 }), tree), (value) => {
      const all = strings(value);
      if (all.some((s) => LONE_SURROGATE.test(s))) {
        expect(() => stringifyDocument(value)).toThrow(BlueprintError);
      } else if (all.every(yamlPackageWritesRight)) {
        expect(stringifyDocument(value)).toBe(stringify(value, OPTIONS));
        same++;
      } else {
        expect(goYamlProblem(stringifyDocument(value))).toBeUndefined();
      }
    }),
    { numRuns: RUNS },
  );
  // Most trees are still compared byte for byte.
  expect(same).toBeGreaterThan(RUNS / 3);
});

describe('text go-yaml takes back as written', () => {
  test.each([
    ['a\u007fb', '"a\\x7fb"'],
    ['\u0080\u009f', '"\\x80\\x9f"'],
    ['\u0085', '"\\N"'],
    ['x\u2028y', '"x\\Ly"'],
    ['x\u2029y', '"x\\Py"'],
    ['\ufffe\uffff', '"\\ufffe\\uffff"'],
    // go-yaml v2 reads these as ints (strconv.ParseInt base 0): quoted, or kubectl sends a number
    ['0o644', '"0o644"'],
    ['0X1F', '"0X1F"'],
    ['0B101', '"0B101"'],
    ['1_000', '"1_000"'],
    // printable: written as they are, as before
    ['\u00a0é\ufeff🙂\ufffd', '\u00a0é\ufeff🙂\ufffd'],
    // a block whose first line starts with a tab says its indentation, which go-yaml cannot guess past a tab
    ['\tindented\nnext\n', '|2\n    \tindented\n    next'],
    ['\n\tx', '|2-\n    \n    \tx'],
    // spaces and line breaks only: quoted, as a block the `yaml` package reads back without the spaces
    [' \n', '"\\ \\n"'],
    ['\n \n', '"\\n\\ \\n"'],
  ])('%j is written %j', (value, written) => {
    const text = stringifyDocument({ d: { k: value } });
    expect(text).toBe(`d:\n  k: ${written}\n`);
    expect(yamlTextProblem(text, [{ d: { k: value } }])).toBeUndefined();
  });

  test('a file of text with U+2028 in it (valid JSON) is one double-quoted string, not a block with a raw line separator', () => {
    const file = '{\n  "motd": "first\u2028second"\n}\n';
    const text = stringifyDocument({ data: { 'motd.json': file } });
    expect(text).toMatch(/^data:\n {2}motd\.json: "\{/);
    expect(text).toContain('first\\Lsecond');
    expect(text).not.toContain('\u2028');
    expect(yamlTextProblem(text, [{ data: { 'motd.json': file } }])).toBeUndefined();
  });

  test('a line of one space, folded in double quotes, has its space escaped once (twice read back as a backslash)', () => {
    const value = '\u0000 \n \n \u0000\u0000\u0000 \u0000';
    const text = stringifyDocument({ d: { k: value } });
    expect(text).toBe('d:\n  k: "\\0\\ \n\n    \\ \n\n    \\ \\0\\0\\0 \\0"\n');
    expect(yamlTextProblem(text, [{ d: { k: value } }])).toBeUndefined();
  });

  test("'<<' is quoted as a key (a plain one is a merge: go-yaml refuses the file) and left plain as a value", () => {
    expect(stringifyDocument({ d: { '<<': '<<' } })).toBe('d:\n  "<<": <<\n');
  });

  test('keys are escaped like values', () => {
    const doc = { m: { 'a\u0085b': 1, '\u2028': 2, '\x7f': 3 } };
    expect(stringifyDocument(doc)).toBe('m:\n  "a\\Nb": 1\n  "\\L": 2\n  "\\x7f": 3\n');
  });

  test('the values handed to the yaml package (anchors, Maps) are escaped too', () => {
    const shared = { k: 'a\u007f\u2028b' };
    const text = stringifyDocument({ x: shared, y: shared, m: new Map([['\u0085', '\ufffe']]) });
    expect(goYamlProblem(text)).toBeUndefined();
    expect(text).toContain('"a\\x7f\\Lb"');
    expect(text).toContain('"\\N": "\\ufffe"');
  });

  test('any string round-trips and leaves go-yaml nothing to refuse, as a value, a key and a list item', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const doc = { data: { value: s, [s]: 'key' }, list: [s, { nested: s }] };
        const problem = yamlTextProblem(stringifyDocument(doc), [doc]);
        if (problem) throw new Error(`${JSON.stringify(s)}: ${problem}`);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe('TEXT_UNREPRESENTABLE: a lone surrogate', () => {
  test('is refused with the pointer to the string, the object and the character, never written as \\ud800', () => {
    const doc = { kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'shop' }, data: { 'a/b': ['ok', 'x\ud800y'] } };
    let error: unknown;
    try {
      stringifyManifests([{ kind: 'Namespace', metadata: { name: 'shop' } }, doc]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BlueprintError);
    expect((error as BlueprintError).issues).toEqual([
      expect.objectContaining({ code: 'TEXT_UNREPRESENTABLE', construct: 'ConfigMap shop/cm', field: '/data/a~1b/1', value: 'U+D800' }),
    ]);
  });

  test('in a key, a low surrogate, and in what goes to the yaml package, too', () => {
    const field = (value: unknown) => {
      try {
        stringifyDocument(value);
      } catch (e) {
        return e instanceof BlueprintError ? [e.code, e.field, e.value] : e;
      }
      return 'written';
    };
    expect(field({ m: { ['k\udc00']: 1 } })).toEqual(['TEXT_UNREPRESENTABLE', '/m/k\udc00', 'U+DC00']);
    expect(field({ m: new Map([['k', '\ud800']]) })).toEqual(['TEXT_UNREPRESENTABLE', '/m/k', 'U+D800']);
    // a pair is one character, written as it is
    expect(field({ m: '\ud83d\ude42' })).toBe('written');
  });

  test('any text with a lone surrogate is refused, wherever it is', () => {
    fc.assert(
      fc.property(textWithLoneSurrogate, fc.constantFrom('value', 'key', 'item'), (s, where) => {
        const doc = where === 'value' ? { v: s } : where === 'key' ? { [s]: 1 } : { l: ['a', s] };
        expect(() => stringifyDocument(doc)).toThrow(expect.objectContaining({ code: 'TEXT_UNREPRESENTABLE' }));
      }),
      { numRuns: RUNS },
    );
  });

  test('renderApp reports it at the construct path, with the value, before anything is written', () => {
    const { chart } = testChart();
    new ConfigMap(chart, 'ok', { namespace: 'shop', data: { a: '🙂' } });
    const w = new Worker(chart, 'w', { namespace: 'shop', image: 'ghcr.io/acme/w:1.0.0', env: { GREETING: 'hi \ud800' } });
    const err = catchBlueprintError(() => renderApp(chart.node.root as App));
    expect(err.issues).toEqual([
      expect.objectContaining({
        code: 'TEXT_UNREPRESENTABLE',
        path: `${w.node.path}/Deployment`,
        value: 'U+D800',
        field: expect.stringMatching(/env/),
      }),
    ]);
  });

  test('as a render stage, at the construct path of the object, before anything is written', () => {
    const objects = [
      { object: { kind: 'ConfigMap', metadata: { name: 'ok' }, data: { a: '🙂' } }, constructPath: 'c/ok' },
      { object: { kind: 'Deployment', metadata: { name: 'web', annotations: { note: '\udfff' } } }, constructPath: 'c/web' },
    ];
    expect(unrepresentableText(objects)).toEqual([
      expect.objectContaining({ code: 'TEXT_UNREPRESENTABLE', path: 'c/web', field: '/metadata/annotations/note', value: 'U+DFFF' }),
    ]);
  });
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
