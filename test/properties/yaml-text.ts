import fc from 'fast-check';
import { Parser, Scalar, isScalar, parseAllDocuments, visit } from 'yaml';
import { resolvePlainScalar } from '../../constructs/rules/manifests';

/*
 * What Go's YAML readers (go-yaml: kubectl, Argo CD, Flux, Helm, kustomize)
 * need of a file, beyond the `yaml` package reading it back:
 * - no raw character outside YAML's printable set (x09, x0A, x0D, x20-x7E,
 *   x85, xA0-xD7FF, xE000-xFFFD, x10000-x10FFFF): "control characters are
 *   not allowed", and the whole file is refused;
 * - no raw CR, NEL, U+2028 or U+2029: line breaks to YAML 1.1, they would
 *   change the value;
 * - no block scalar that leaves its indentation to be guessed and starts
 *   with a tab: "found a tab character where an indentation space is expected";
 * - no text written plain that go-yaml v2 reads as a number, bool or null
 *   (`0o644`, `0X1F`, `1_000`, `y`): the API server then refuses the object.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_RAW = /[^\x09\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|[\u2028\u2029]/u;

function blockScalars(token: unknown, found: any[] = []): any[] {
  if (Array.isArray(token)) token.forEach((t) => blockScalars(t, found));
  else if (token && typeof token === 'object') {
    if ((token as any).type === 'block-scalar') found.push(token);
    Object.values(token).forEach((v) => blockScalars(v, found));
  }
  return found;
}

/** Why go-yaml would refuse or misread `text`, or undefined. */
export function goYamlProblem(text: string): string | undefined {
  const raw = NOT_RAW.exec(text);
  if (raw) return `raw U+${raw[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at ${raw.index}`;
  for (const scalar of blockScalars([...new Parser().parse(text)])) {
    const header = scalar.props.find((p: any) => p.type === 'block-scalar-header')?.source ?? '';
    if (/\d/.test(header)) continue;
    for (const line of String(scalar.source).split('\n')) {
      const rest = line.replace(/^ */, '');
      if (rest.startsWith('\t')) return `block scalar ${header} starts with a tab: ${JSON.stringify(scalar.source.slice(0, 40))}`;
      if (rest !== '') break;
    }
  }
  return undefined;
}

/** Why `text` does not read back as `docs` (with the `yaml` package, YAML 1.1) or go-yaml would not take it, or undefined. */
export function yamlTextProblem(text: string, docs: readonly unknown[]): string | undefined {
  const go = goYamlProblem(text);
  if (go) return go;
  const parsed = parseAllDocuments(text, { version: '1.1' });
  const errors = parsed.flatMap((d) => d.errors);
  if (errors.length) return `unparseable: ${errors[0].message}`;
  let misread: string | undefined;
  for (const doc of parsed)
    visit(doc, {
      Scalar(_key, node) {
        if (isScalar(node) && node.type === Scalar.PLAIN && typeof node.value === 'string' && !node.value.includes('\n')) {
          const kind = resolvePlainScalar(node.value).kind;
          if (kind !== 'str') misread ??= `plain ${JSON.stringify(node.value)} is a ${kind} to go-yaml v2`;
        }
      },
    });
  if (misread) return misread;
  const back = parsed.map((d) => d.toJS());
  // JSON drops undefined entries of maps like the emitter writes them (null): compare as the API server reads them.
  const same = JSON.stringify(back) === JSON.stringify(docs.map((d) => (d === undefined ? null : d)));
  return same ? undefined : `reads back differently: ${JSON.stringify(back).slice(0, 300)}`;
}

/** Lone surrogates, which no YAML file can carry. */
export const LONE_SURROGATE = /[\u{D800}-\u{DFFF}]/u;

/** Strings that are hard to write: quotes, '#', ': ', edge spaces, document markers, tabs, CR, line breaks of all kinds. */
export const TRICKY_TEXT = [
  ...['"', "'", `a'b"c`, '#', 'x #y', 'a: b', 'a:', ': ', ' lead', 'trail ', '  ', '---', '...', '--- x', 'a\n---\nb', 'a\n...\n'],
  ...['\t', '\tx', 'x\t', '\t\nx', 'x\n\ty', '\n\tx', ' \t\n', '\r', 'a\r\nb', 'x\r', ' \n', '\n \n', '  \n\n', '\n', '\n\n'],
  ...[
    '\u007f',
    'a\u007fb',
    '\u0080',
    '\u0085',
    'a\u0085\nb',
    '\u009f',
    '\u00a0',
    '\u2028',
    'x\u2028---',
    '\u2029',
    '\ufeff',
    '\ufffe',
    '\uffff',
  ],
  ...['é', '日本', '🙂', 'yes', '012', '~', '<<', '- x', '? y', '|', '>', '&a', '*a', '!t', '%x', '@x', '`x', '[x]', '{x}'],
];

/** Any text (every code point, no lone surrogate), often built from the tricky pieces above. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...TRICKY_TEXT),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string(),
  fc
    .tuple(
      fc.array(fc.oneof(fc.constantFrom(...TRICKY_TEXT), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 6 }),
      fc.constantFrom('', '\n', ' ', '\t', ': ', ' #', '\r\n', '\n\n'),
    )
    .map(([parts, sep]) => parts.join(sep)),
);

/** Text with a lone surrogate somewhere. */
export const textWithLoneSurrogate: fc.Arbitrary<string> = fc
  .tuple(fc.string({ maxLength: 5 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 5 }))
  .map(([a, c, b]) => a + String.fromCharCode(c) + b)
  .filter((s) => LONE_SURROGATE.test(s));
