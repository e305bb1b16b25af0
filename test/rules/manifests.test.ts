import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadManifests, resolvePlainScalar } from '../../constructs/rules/manifests';

/*
 * The loader reads YAML as kubectl does (sigs.k8s.io/yaml → go-yaml v2, YAML 1.1
 * resolution), so the checks grade what the API server will receive; and it
 * stays linear in the size of a map.
 */

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cb-load-'));
/** Loads `text` from a file; returns the objects and the file errors. */
function load(text: string) {
  const file = path.join(tmp(), 'm.yaml');
  fs.writeFileSync(file, text);
  const r = loadManifests(file);
  return { objects: r.objects.map((o) => o.object), errors: r.errors.map((e) => `${e.rule} ${e.message}`) };
}
const value = (text: string) => {
  const r = load(`v: ${text}\n`);
  expect(r.errors).toEqual([]);
  return r.objects[0].v;
};

describe('plain scalars resolve as go-yaml v2 resolves them (resolve.go v2.4.0)', () => {
  test.each([
    // YAML 1.1 booleans, every spelling go-yaml's table has
    ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'].map((t) => [t, true]),
    ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'].map((t) => [t, false]),
    ...['~', 'null', 'Null', 'NULL'].map((t) => [t, null]),
    // strconv.ParseInt(s without '_', 0, 64): a leading 0 is octal, 0o/0x/0b in either case
    ['0644', 420],
    ['0o644', 420],
    ['0x1F', 31],
    ['0X1F', 31],
    ['0b101', 5],
    ['-0b101', -5],
    ['+0x1F', 31],
    ['1_000', 1000],
    ['1__0', 10],
    ['0', 0],
    ['-12', -12],
    // floats: the yamlStyleFloat pattern (no '.' needed), or ParseFloat after a leading '.'
    ['1e3', 1000],
    ['1.', 1],
    ['.5', 0.5],
    ['-.5e3', -500],
    ['09', 9], // not octal: ParseInt fails, the float pattern takes it
    ['.inf', Infinity],
    ['-.Inf', -Infinity],
    ['.NaN', NaN],
    // strings
    ['tRue', 'tRue'],
    ['yes please', 'yes please'],
    ['0x', '0x'],
    ['1:20', '1:20'], // no base-60 ints in go-yaml
    ['2001-12-14', '2001-12-14'], // a timestamp decodes into interface{} as its text
    ['1e999', '1e999'], // ParseFloat overflows: the text stays
    ['_1', '_1'],
    ['..', '..'],
    ['-', '-'],
  ] as [string, unknown][])('%s', (text, expected) => {
    const r = resolvePlainScalar(text);
    const got = r.kind === 'null' ? null : r.kind === 'str' ? text : r.kind === 'int' ? Number(r.value) : r.value;
    expect(got).toEqual(expected);
  });

  test('ints beyond 2^53 keep their exact value; ParseUint takes up to 2^64-1 unsigned, then the float pattern', () => {
    expect(resolvePlainScalar('9223372036854775807')).toEqual({ kind: 'int', value: 9223372036854775807n });
    expect(resolvePlainScalar('-9223372036854775808')).toEqual({ kind: 'int', value: -9223372036854775808n });
    expect(resolvePlainScalar('18446744073709551615')).toEqual({ kind: 'int', value: 18446744073709551615n });
    expect(resolvePlainScalar('+9223372036854775808').kind).toBe('float'); // ParseUint takes no sign
    expect(resolvePlainScalar('18446744073709551616').kind).toBe('float');
  });

  test('the loader applies it to plain values; quoted, block and tagged scalars stay strings', () => {
    expect(value('{a: yes, b: off, c: no, d: 0644, e: 0o644, f: 0X1F, g: 1e3, h: ~, i: 1_000}')).toEqual({
      a: true,
      b: false,
      c: false,
      d: 420,
      e: 420,
      f: 31,
      g: 1000,
      h: null,
      i: 1000,
    });
    expect(value(`{a: "yes", b: 'off', c: !!str no, d: "0644"}`)).toEqual({ a: 'yes', b: 'off', c: 'no', d: '0644' });
    expect(value('|\n  yes')).toBe('yes\n');
    expect(value('[on, "on", 2001-12-14]')).toEqual([true, 'on', '2001-12-14']);
  });

  test('map keys become the JSON keys sigs.k8s.io/yaml makes: bool, int and float keys as text', () => {
    const { objects, errors } = load('yes: a\n"on": b\n0644: c\n1e3: d\n1e7: e\n0.1: f\nn: g\n0x10: h\n9223372036854775807: i\n');
    expect(errors).toEqual([]);
    expect(objects[0]).toEqual({
      true: 'a',
      on: 'b',
      420: 'c',
      1000: 'd',
      '1e+07': 'e', // strconv.FormatFloat(v, 'g', -1, 32)
      0.1: 'f',
      false: 'g',
      16: 'h',
      '9223372036854775807': 'i',
    });
  });

  test('merge keys still merge (and `y` is a key like any 1.1 boolean)', () => {
    const { objects, errors } = load('base: &b {a: 1, b: yes, y: 3}\nm:\n  <<: *b\n  b: 2\n');
    expect(errors).toEqual([]);
    expect(objects[0].m).toEqual({ a: 1, b: 2, true: 3 });
  });
});

describe('what kubectl refuses to read is a FILE_YAML_BROKEN of its document', () => {
  test('a key set twice, also when two spellings make the same JSON key', () => {
    expect(load('a: 1\nb: 2\na: 3\n').errors).toEqual(['FILE_YAML_BROKEN document 1: Map keys must be unique at line 3, column 1: "a"']);
    expect(load('x: 0\n---\nyes: 1\ntrue: 2\n').errors).toEqual([
      'FILE_YAML_BROKEN document 2: Map keys must be unique at line 4, column 1: "true"',
    ]);
    expect(load('{1: a, "1": b}').errors).toEqual(['FILE_YAML_BROKEN document 1: Map keys must be unique at line 1, column 8: "1"']);
    // The neighbours: different keys, and the same key in different maps.
    expect(load('yes: 1\n"yes": 2\na: {k: 1}\nb: {k: 2}\n').errors).toEqual([]);
  });

  test('a sequence, mapping or null as a map key (kubectl: invalid / unsupported map key), without a warning on stderr', () => {
    const warn = jest.spyOn(process, 'emitWarning');
    try {
      expect(load('data:\n  ? [a, b]\n  : c\n').errors).toEqual([
        expect.stringMatching(/^FILE_YAML_BROKEN document 1: a sequence is a map key at line 2, column 5; kubectl refuses it/),
      ]);
      expect(load('{? {a: 1} : x}').errors).toEqual([expect.stringContaining('a mapping is a map key')]);
      expect(load('[[a]: 1]').errors).toEqual([expect.stringContaining('a sequence is a map key')]);
      expect(load('~: x\n').errors).toEqual([expect.stringContaining('is null or empty; kubectl refuses it')]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    // A quoted empty key is a string key.
    expect(load('"": x\n').errors).toEqual([]);
  });

  test('a plain .inf or .nan value (JSON holds no such number); quoted, it is text', () => {
    expect(load('a: .inf\n').errors).toEqual([
      expect.stringMatching(/^FILE_YAML_BROKEN document 1: plain \.inf at line 1, column 4 is a float/),
    ]);
    expect(load('a: .nan\n').errors).toHaveLength(1);
    expect(load('a: ".inf"\n.inf: x\n').errors).toEqual([]);
  });

  test.each([
    ['a sequence', 'a: &x [1, *x]\n', 'alias *x at line 1, column 11'],
    ['a mapping', 'a: &m\n  b: *m\n', 'alias *m at line 2, column 6'],
    ['a merge key', 'a: &m\n  b: 1\n  <<: *m\n', 'alias *m at line 3, column 7'],
    ['a nested anchor', 'a: &x\n  b: &y [*x]\n', 'alias *x at line 2, column 10'],
  ])(
    "an alias inside its own anchor's value, in %s (go-yaml: anchor value contains itself): a cycle no reader could walk",
    (_what, text, at) => {
      expect(load(text).errors).toEqual([
        `FILE_YAML_BROKEN document 1: ${at} is inside the value of its own anchor; kubectl refuses the document (anchor '${at.slice(7, 8)}' value contains itself)`,
      ]);
    },
  );

  test('an alias of an earlier or a sibling anchor is data, shared twice', () => {
    const r = load('a: &x {k: v}\nb: [*x, *x]\nc: &y 1\nd: {e: *y, f: &z [2], g: *z}\n');
    expect(r.errors).toEqual([]);
    expect(r.objects[0]).toEqual({ a: { k: 'v' }, b: [{ k: 'v' }, { k: 'v' }], c: 1, d: { e: 1, f: [2], g: [2] } });
  });
});

describe('size', () => {
  const configMap = (keys: number, extra = '') =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big, namespace: shop}\ndata:\n${Array.from({ length: keys }, (_, i) => `  k${i}: "v${i}"\n`).join('')}${extra}`;

  // Linear in the keys of a map (the parser's own duplicate check was quadratic: 20k keys took 12-16 s).
  // (test/cli/cli.test.ts checks a 50,000-key ConfigMap whole.)
  test('a duplicate at the end of a 50,000-key map is still found', () => {
    expect(load(configMap(50_000, '  k7: "again"\n')).errors).toEqual([
      'FILE_YAML_BROKEN document 1: Map keys must be unique at line 50005, column 3: "k7"',
    ]);
  });
});
