import { Document, stringify as yamlStringify } from 'yaml';

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
    return `${node(value, '', false, new Set())}\n`;
  } catch (e) {
    if (!(e instanceof NotPlainJson)) throw e;
    return yamlStringify(value, { keepUndefined: true, lineWidth: 0, version: '1.1' });
  }
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
  // `<<` is YAML 1.1's merge key; the `yaml` package writes it plain wherever it appears.
  if (value === '<<') return value;
  // Control characters and unpaired surrogates are only safe double-quoted.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(value)) return doubleQuoted(value, indent, implicitKey);
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

function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  const json = JSON.stringify(value);
  const ind = indent || (containsDocumentMarker(value) ? STEP : '');
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // a space before a newline is escaped so that it is not folded away
      str += `${json.slice(start, i)}\\ `;
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch !== '\\') continue;
    switch (json[i + 1]) {
      case 'u': {
        str += json.slice(start, i);
        const code = json.substr(i + 2, 4);
        const named: Record<string, string> = {
          '0000': '\\0',
          '0007': '\\a',
          '000b': '\\v',
          '001b': '\\e',
          '0085': '\\N',
          '00a0': '\\_',
          '2028': '\\L',
          '2029': '\\P',
        };
        str += named[code] ?? (code.substr(0, 2) === '00' ? `\\x${code.substr(2)}` : json.substr(i, 6));
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
          if (json[i + 2] === ' ') str += '\\';
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
  const ind = indent || (forceIndent || containsDocumentMarker(value) ? STEP : '');
  if (!value) return '|\n';
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
  // indentation indicator, from the whitespace at the start
  let startWithSpace = false;
  let startEnd: number;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${ind}`);
  }
  const header = (startWithSpace ? (ind ? '2' : '1') : '') + chomp;
  return `|${header}\n${ind}${start}${value.replace(/\n+/g, `$&${ind}`)}${end}`;
}
