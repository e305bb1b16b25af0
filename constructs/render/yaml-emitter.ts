import { Document, stringify as yamlStringify } from 'yaml';
import { BlueprintError, BlueprintIssue } from '../core/errors';
import { pointerPart } from '../core/names';
import { resolvePlainScalar } from '../rules/manifests';
import type { RenderedObject } from './render-app';

/*
 * A YAML emitter for the JSON trees this library renders (maps, lists,
 * strings, numbers, booleans, null), byte-identical to what cdk8s writes
 * (`Yaml.stringify`, i.e. the `yaml` package with YAML 1.1, `lineWidth: 0`,
 * `keepUndefined`), without building a YAML document model first.
 *
 * It follows the `yaml` package's own stringifier rule for rule (plain,
 * quoted and block scalars; block collections; `{}`/`[]` when empty; explicit
 * `? key` past 1024 characters), and it asks the same YAML 1.1 tag tests
 * whether a plain string would read back as something else (`yes`, `012`,
 * `1:20`, `2001-01-01`, `~` ...). Anything outside plain JSON trees (a value
 * seen twice, which `yaml` writes as an anchor and alias; a Map, Date, bigint
 * or symbol) is handed to the `yaml` package itself.
 *
 * Where the `yaml` package writes text that Go's YAML readers (go-yaml, in
 * kubectl, Argo CD, Flux, Helm, kustomize) refuse or read differently, it
 * parts from it: a character outside YAML's printable set (DEL, the C1
 * controls, U+FFFE, U+FFFF) is escaped, never written raw (go-yaml: "control
 * characters are not allowed", and the whole file is refused), and so are NEL,
 * U+2028 and U+2029, line breaks to YAML 1.1 readers (`\N`, `\L`, `\P`, in
 * double quotes). A lone UTF-16 surrogate cannot be written at all (no UTF-8
 * encodes it; go-yaml refuses the `\ud800` escape): it is a BlueprintError
 * (TEXT_UNREPRESENTABLE), never a file.
 */

const STR_TAG = 'tag:yaml.org,2002:str';
const schema: any = new Document(null, { version: '1.1' }).schema;
/** Patterns of the plain scalars YAML 1.1 reads as something other than a string. */
const NOT_A_STRING: RegExp[] = [...schema.tags, ...(schema.compat ?? [])]
  .filter((t: any) => t.default && t.tag !== STR_TAG && t.test)
  .map((t: any) => t.test);

const STEP = '  ';
const MIN_MULTILINE_DOUBLE_QUOTED = 40;

/** Thrown inside the emitter when a value is not a plain JSON tree. */
class NotPlainJson extends Error {}
/** Thrown inside the emitter when a string holds a lone surrogate, which no YAML can carry. */
class Unrepresentable extends Error {}

/*
 * YAML's printable set (c-printable) is x09, x0A, x0D, x20-x7E, x85, xA0-xD7FF,
 * xE000-xFFFD and x10000-x10FFFF; go-yaml refuses any other character written
 * raw, and reads NEL, U+2028 and U+2029 as line breaks (YAML 1.1). A string
 * holding any of these, or CR (a line break too), is written double-quoted,
 * with escapes.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_ESCAPE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\u{D800}-\u{DFFF}]/u;
/** What JSON.stringify leaves raw and YAML must escape (it escapes x00-x1F and lone surrogates itself). */
const RAW_IN_JSON = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]/;
const RAW_IN_JSON_ALL = new RegExp(RAW_IN_JSON.source, 'g');
/** With the `u` flag, a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /[\u{D800}-\u{DFFF}]/u;

/**
 * The first lone UTF-16 surrogate of `text` as 'U+D800', or undefined. No YAML
 * file (nor any UTF-8 text, nor the API server's JSON) can carry one.
 */
export function loneSurrogateIn(text: string): string | undefined {
  const m = LONE_SURROGATE.exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase()}` : undefined;
}

/** The JSON pointer of the first string (key or value) of `value` that holds a lone surrogate, and that character. */
function loneSurrogateAt(value: unknown, seen = new Set<object>()): { pointer: string; char: string } | undefined {
  if (typeof value === 'string') {
    const char = loneSurrogateIn(value);
    return char ? { pointer: '', char } : undefined;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  const entries: Iterable<[unknown, unknown]> =
    value instanceof Map ? value : Array.isArray(value) ? value.entries() : Object.entries(value);
  for (const [k, v] of entries) {
    const hit = loneSurrogateAt(k, seen) ?? loneSurrogateAt(v, seen);
    if (hit) return { pointer: `/${pointerPart(String(k))}${hit.pointer}`, char: hit.char };
  }
  return undefined;
}

/** `Kind namespace/name` of a rendered object, for an issue's `construct`. */
function objectName(doc: any): string | undefined {
  if (typeof doc?.kind !== 'string') return undefined;
  const { name, namespace } = doc.metadata ?? {};
  return `${doc.kind} ${typeof namespace === 'string' && namespace ? `${namespace}/` : ''}${typeof name === 'string' ? name : ''}`.trim();
}

/** TEXT_UNREPRESENTABLE for `doc` (at construct `path`), at its first lone surrogate. */
function unrepresentableIssue(doc: unknown, path: string, hit = loneSurrogateAt(doc)): BlueprintIssue {
  return {
    code: 'TEXT_UNREPRESENTABLE',
    path,
    construct: objectName(doc),
    field: hit?.pointer || '(document)',
    value: hit?.char,
    message:
      'holds a lone UTF-16 surrogate, which no YAML file can carry (UTF-8 has no encoding for it, and go-yaml refuses the \\ud800 escape)',
    fix: "remove it, or pair it: a character beyond U+FFFF is two surrogates in JavaScript, e.g. '\\u{1F642}'",
  };
}

/**
 * A render stage: every rendered object holding a lone surrogate
 * (TEXT_UNREPRESENTABLE, at the object's construct path), so that synth
 * refuses it before any file is written rather than when writing it.
 */
export function unrepresentableText(objects: readonly RenderedObject[]): BlueprintIssue[] {
  const issues: BlueprintIssue[] = [];
  for (const { object, constructPath } of objects) {
    const hit = loneSurrogateAt(object);
    if (hit) issues.push(unrepresentableIssue(object, constructPath, hit));
  }
  return issues;
}

/** The same bytes as cdk8s' `Yaml.stringify(...docs)`. */
export function stringifyManifests(docs: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < docs.length; i++) {
    if (i > 0) out += '---\n';
    out += docs[i] === undefined ? '\n' : stringifyDocument(docs[i]);
  }
  return out;
}

/** The same bytes as `yaml.stringify(value, { keepUndefined: true, lineWidth: 0, version: '1.1' })`. */
export function stringifyDocument(value: unknown): string {
  try {
    try {
      return `${node(value, '', false, new Set())}\n`;
    } catch (e) {
      if (!(e instanceof NotPlainJson)) throw e;
      return yamlStringify(value, { keepUndefined: true, lineWidth: 0, version: '1.1', customTags: escapingStrings });
    }
  } catch (e) {
    if (e instanceof Unrepresentable) throw new BlueprintError(unrepresentableIssue(value, ''));
    throw e;
  }
}

/** The `yaml` package's tags, with strings it would write raw or with `\ud800` written by this emitter instead. */
function escapingStrings(tags: any[]): any[] {
  return tags.map((tag) =>
    tag.tag === STR_TAG && typeof tag.stringify === 'function'
      ? {
          ...tag,
          stringify(item: any, ctx: any, ...rest: unknown[]) {
            const value = item?.value;
            if (typeof value === 'string' && (RAW_IN_JSON.test(value) || LONE_SURROGATE.test(value))) {
              if (LONE_SURROGATE.test(value)) throw new Unrepresentable();
              return doubleQuoted(value, ctx.indent, Boolean(ctx.implicitKey));
            }
            return tag.stringify(item, ctx, ...rest);
          },
        }
      : tag,
  );
}

function node(value: unknown, indent: string, implicitKey: boolean, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return scalar(value, indent, implicitKey);
    case 'number':
      if (!isFinite(value)) return isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
      return Object.is(value, -0) ? '-0' : JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      if (value === null) return 'null';
      if (seen.has(value)) throw new NotPlainJson();
      seen.add(value);
      if (Array.isArray(value)) return list(value, indent, seen);
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) throw new NotPlainJson();
      return map(value as Record<string, unknown>, indent, seen);
    default:
      throw new NotPlainJson();
  }
}

function isCollection(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isEmpty(value: object): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) return false;
  return true;
}

function list(items: readonly unknown[], indent: string, seen: Set<object>): string {
  if (items.length === 0) return '[]';
  const itemIndent = indent + STEP;
  let out = '';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += `\n${indent}`;
    out += `- ${node(items[i], itemIndent, false, seen)}`;
  }
  return out;
}

function map(obj: Record<string, unknown>, indent: string, seen: Set<object>): string {
  const keys = Object.keys(obj);
  if (keys.length === 0) return '{}';
  const inner = indent + STEP;
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += `\n${indent}`;
    const value = obj[keys[i]];
    let key = scalar(keys[i], inner, true);
    const explicitKey = key.length > 1024;
    key = explicitKey ? `? ${key}\n${indent}:` : `${key}:`;
    const text = node(value, inner, false, seen);
    let ws = ' ';
    if (!explicitKey && isCollection(value)) {
      if (!isEmpty(value)) ws = `\n${inner}`;
    } else if (text === '' || text[0] === '\n') ws = '';
    out += key + ws + text;
  }
  return out;
}

// ---- scalars: the `yaml` package's stringifyString, for block context ----

const containsDocumentMarker = (s: string) => /^(%|---|\.\.\.)/m.test(s);

/*
 * Manifests repeat the same short strings (keys, labels, kinds) thousands of
 * times: a one-line string with no line that starts like a document marker
 * is written the same way at any indentation, so it is decided once.
 */
const keyCache = new Map<string, string>();
const valueCache = new Map<string, string>();
const CACHE_LIMIT = 100_000;

function scalar(value: string, indent: string, implicitKey: boolean): string {
  const cache = implicitKey ? keyCache : valueCache;
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  const text = decide(value, indent, implicitKey);
  if (value.length <= 256 && !value.includes('\n') && !containsDocumentMarker(value) && cache.size < CACHE_LIMIT) cache.set(value, text);
  return text;
}

function decide(value: string, indent: string, implicitKey: boolean): string {
  // `<<` is YAML 1.1's merge key: a plain value reads back as text, a plain key is a merge (go-yaml: "map merge requires map").
  if (value === '<<') return implicitKey ? '"<<"' : value;
  // Control characters, NEL, U+2028/U+2029 and non-characters are only safe double-quoted; lone surrogates nowhere.
  if (NEEDS_ESCAPE.test(value)) {
    if (LONE_SURROGATE.test(value)) throw new Unrepresentable();
    return doubleQuoted(value, indent, implicitKey);
  }
  return plain(value, indent, implicitKey);
}

function plain(value: string, indent: string, implicitKey: boolean): string {
  if (implicitKey && value.includes('\n')) return quoted(value, indent, implicitKey);
  if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
    return implicitKey || !value.includes('\n') ? quoted(value, indent, implicitKey) : block(value, indent, false, implicitKey);
  }
  if (!implicitKey && value.includes('\n')) return block(value, indent, false, implicitKey);
  if (containsDocumentMarker(value)) {
    if (indent === '') return block(value, indent, true, implicitKey);
    if (implicitKey && indent === STEP) return quoted(value, indent, implicitKey);
  }
  const str = value.replace(/\n+/g, `$&\n${indent}`);
  for (const test of NOT_A_STRING) if (test.test(str)) return quoted(value, indent, implicitKey);
  // kubectl reads YAML with go-yaml v2, whose ints are strconv.ParseInt base 0 (`0o644`, `0X1F`, `0B101`, `1_000`):
  // text it would read as a number or a bool is quoted, not only what the yaml package's YAML 1.1 schema knows.
  if (!value.includes('\n') && resolvePlainScalar(value).kind !== 'str') return quoted(value, indent, implicitKey);
  return str;
}

function quoted(value: string, indent: string, implicitKey: boolean): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  return hasDouble && !hasSingle ? singleQuoted(value, indent, implicitKey) : doubleQuoted(value, indent, implicitKey);
}

function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, indent, implicitKey);
  const ind = indent || (containsDocumentMarker(value) ? STEP : '');
  return `'${value.replace(/'/g, "''").replace(/\n+/g, `$&\n${ind}`)}'`;
}

/** YAML's named escapes, by the code JSON.stringify writes as `\\uXXXX`. */
const NAMED_ESCAPES: Record<string, string> = {
  '0000': '\\0',
  '0007': '\\a',
  '000b': '\\v',
  '001b': '\\e',
  '0085': '\\N',
  '00a0': '\\_',
  '2028': '\\L',
  '2029': '\\P',
};

function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  let json = JSON.stringify(value);
  // JSON leaves DEL, C1 controls, U+2028/U+2029, U+FFFE and U+FFFF raw: YAML must not.
  if (RAW_IN_JSON.test(json)) json = json.replace(RAW_IN_JSON_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const ind = indent || (containsDocumentMarker(value) ? STEP : '');
  let str = '';
  let start = 0;
  let escapedSpace = -1;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // a space before a newline is escaped so that it is not folded away (once, if it also follows one: the
      // `yaml` package escapes it twice, and ' \n \n' reads back with a backslash)
      str += `${json.slice(start, i)}${i === escapedSpace ? ' ' : '\\ '}`;
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch !== '\\') continue;
    switch (json[i + 1]) {
      case 'u': {
        str += json.slice(start, i);
        const code = json.substr(i + 2, 4);
        str += NAMED_ESCAPES[code] ?? (code.substr(0, 2) === '00' ? `\\x${code.substr(2)}` : json.substr(i, 6));
        i += 5;
        start = i + 1;
        break;
      }
      case 'n':
        if (implicitKey || json[i + 2] === '"' || json.length < MIN_MULTILINE_DOUBLE_QUOTED) {
          i += 1;
        } else {
          // folding eats the first newline
          str += `${json.slice(start, i)}\n\n`;
          while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
            str += '\n';
            i += 2;
          }
          str += ind;
          // a space after a newline is escaped so that it is not folded away
          if (json[i + 2] === ' ') {
            str += '\\';
            escapedSpace = i + 2;
          }
          i += 1;
          start = i + 1;
        }
        break;
      default:
        i += 1;
    }
  }
  return start ? str + json.slice(start) : json;
}

// The lookbehind avoids a polynomial search.
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

function block(value: string, indent: string, forceIndent: boolean, implicitKey: boolean): string {
  // A block can't end in whitespace unless its last line is non-empty.
  if (/\n[\t ]+$/.test(value)) return quoted(value, indent, implicitKey);
  // Nor hold spaces and line breaks only: the `yaml` package reads those spaces back as empty lines (' \n' as '\n').
  if (/^[ \n]*$/.test(value) && value.includes(' ')) return quoted(value, indent, implicitKey);
  const ind = indent || (forceIndent || containsDocumentMarker(value) ? STEP : '');
  if (!value) return '|\n';
  /*
   * An indentation indicator when the first line that is not empty starts
   * with a space or a tab. The `yaml` package gives one for a space only, and
   * not when the whole text is whitespace: ' \n' came back as '\n', and a
   * leading tab is refused by go-yaml ("found a tab character where an
   * indentation space is expected").
   */
  const indicator = /^\n*[ \t]/.test(value);
  // chomping, from the whitespace at the end
  let endStart: number;
  for (endStart = value.length; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${ind}`);
  }
  // the leading spaces and empty lines, up to the last line break among them
  let startEnd: number;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === '\n') startNlPos = startEnd;
    else if (ch !== ' ') break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${ind}`);
  }
  const header = (indicator ? (ind ? '2' : '1') : '') + chomp;
  return `|${header}\n${ind}${start}${value.replace(/\n+/g, `$&${ind}`)}${end}`;
}
