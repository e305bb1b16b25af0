import * as fs from 'fs';
import * as path from 'path';
import { credentialIn } from '../core/secret-patterns';
import {
  Document,
  Lexer,
  LineCounter,
  Node,
  Pair,
  Scalar,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  visit,
} from 'yaml';

/** Files synthesize writes into an outdir that are not manifests (see WRITTEN_LIST and REQUIREMENTS_FILE). */
const OUTPUT_BOOKKEEPING = new Set(['.cluster-blueprints-written', 'requirements.jsonl']);

/** A problem with a file rather than an object. */
export interface FileError {
  readonly file: string;
  readonly rule: 'FILE_NOT_YAML' | 'FILE_YAML_BROKEN' | 'FILE_UNREADABLE' | 'FILE_SKIPPED';
  readonly message: string;
}

/** A parsed object and where it came from. */
export interface LoadedObject {
  readonly file: string;
  readonly object: any;
  /** Where in the file: `document 2`, or `document 1 item 3` for an item of a `v1 List` (both counted from 1, as file errors count). */
  readonly at: string;
}

/** Options of `loadManifests`. */
export interface LoadOptions {
  /** Files larger than this are skipped, unread. @default 16 MiB */
  readonly maxFileBytes?: number;
  /** Aliases a document may expand before it is refused as an alias bomb. @default 100 */
  readonly maxAliasCount?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

function kindOfStat(s: fs.Stats): string {
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * A file's text as kubectl reads it (cli-runtime's FileVisitor decodes with
 * `unicode.BOMOverride(unicode.UTF8.NewDecoder())`): a UTF-8 byte order mark is
 * dropped, a UTF-16 (LE or BE) one selects UTF-16. Bytes that are not UTF-8 are
 * refused: kubectl would silently put U+FFFD in their place and apply content
 * the file does not hold.
 */
function decodeText(bytes: Buffer): string | { invalid: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1))).swap16();
    return new TextDecoder('utf-16le').decode(swapped) + (bytes.length % 2 ? '\ufffd' : '');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes); // drops a UTF-8 byte order mark
  } catch {
    // 0x0A never occurs inside a multi-byte UTF-8 sequence: the first line that does not decode holds the bad bytes.
    const fatal = new TextDecoder('utf-8', { fatal: true });
    let line = 1;
    for (let start = 0; start <= bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start);
      const stop = end < 0 ? bytes.length : end;
      try {
        fatal.decode(bytes.subarray(start, stop));
      } catch {
        break;
      }
      start = stop + 1;
    }
    return {
      invalid: `line ${line} is not valid UTF-8; kubectl would apply U+FFFD in place of the bad bytes, not what the file holds — save the file as UTF-8 (binary data belongs base64-encoded in binaryData or a Secret's data)`,
    };
  }
}

/** The first alias of `doc` whose anchor is not set before it in the document (one pass, in document order). */
function unresolvedAlias(doc: Document): string | undefined {
  const anchors = new Set<string>();
  let found: string | undefined;
  visit(doc, (_key, node) => {
    if (isAlias(node) && !anchors.has(node.source)) {
      found = node.source;
      return visit.BREAK;
    }
    if ((isScalar(node) || isCollection(node)) && node.anchor) anchors.add(node.anchor);
    return undefined;
  });
  return found;
}

/**
 * A plain (unquoted, untagged) scalar as kubectl, kustomize and Argo CD read it:
 * sigs.k8s.io/yaml decodes with go-yaml v2 (resolve.go, v2.4.0), YAML 1.1
 * resolution, not the YAML 1.2 core schema the `yaml` package applies by default
 * (and not quite its 1.1 schema either: no base-60 ints, no `0o`/`0X` there).
 * - `y Y yes Yes YES on On ON true True TRUE` and their `n … off … false` pairs are booleans;
 * - `'' ~ null Null NULL` is null; `.inf .Inf .INF` (signed) and `.nan .NaN .NAN` are floats;
 * - starting with `.`: a float if strconv.ParseFloat takes the text (`.5`, `.5e3`);
 * - starting with a sign or digit: '_' removed, an int if strconv.ParseInt(s, 0, 64)
 *   (or ParseUint) takes it — `0644` octal, `0o644`, `0x1F`, `0X1F`, `0b101`,
 *   `1_000` — else a float if it matches `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
 *   and does not overflow (`1e3`, `1.`); go-yaml's later `0b`/`-0b` branch adds nothing ParseInt
 *   with base 0 has not taken. Timestamps (`2001-12-14`) stay strings: decoded into
 *   interface{}, go-yaml v2 gives their text (decode.go);
 * - anything else is a string.
 * Ints keep their exact value as a bigint (a map key's text is its decimal form).
 */
export type PlainScalar =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'str' };

const WORDS = new Map<string, PlainScalar>([
  ...['', '~', 'null', 'Null', 'NULL'].map((w): [string, PlainScalar] => [w, { kind: 'null' }]),
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((w): [string, PlainScalar] => [
    w,
    { kind: 'bool', value: true },
  ]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((w): [string, PlainScalar] => [
    w,
    { kind: 'bool', value: false },
  ]),
  ...['.nan', '.NaN', '.NAN'].map((w): [string, PlainScalar] => [w, { kind: 'float', value: NaN }]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((w): [string, PlainScalar] => [w, { kind: 'float', value: Infinity }]),
  ...['-.inf', '-.Inf', '-.INF'].map((w): [string, PlainScalar] => [w, { kind: 'float', value: -Infinity }]),
]);
/** strconv.ParseInt/ParseUint with base 0 (sign, then 0x/0b/0o prefix, a bare leading 0 for octal), after go-yaml removed every '_'. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[bB]([01]+)|0[oO]([0-7]+)|(0[0-7]*)|([1-9][0-9]*))$/;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** strconv.ParseFloat on text that starts with '.': digits, an optional exponent, single '_' between digits. */
const GO_DOT_FLOAT = /^\.[0-9]+(?:_[0-9]+)*(?:[eE][-+]?[0-9]+(?:_[0-9]+)*)?$/;

/** How go-yaml v2 resolves the plain scalar `s` (see PlainScalar). */
export function resolvePlainScalar(s: string): PlainScalar {
  const word = WORDS.get(s);
  if (word) return word;
  if (s[0] === '.') {
    const v = GO_DOT_FLOAT.test(s) ? Number(s.replace(/_/g, '')) : NaN;
    return Number.isFinite(v) ? { kind: 'float', value: v } : { kind: 'str' };
  }
  if (!/^[-+0-9]/.test(s)) return { kind: 'str' };
  const plain = s.replace(/_/g, '');
  const m = GO_INT.exec(plain);
  if (m) {
    const [, sign, hex, bin, oct, zeroOct, dec] = m;
    const magnitude = BigInt(
      hex !== undefined
        ? `0x${hex}`
        : bin !== undefined
          ? `0b${bin}`
          : oct !== undefined
            ? `0o${oct}`
            : zeroOct !== undefined
              ? `0o${zeroOct}`
              : dec,
    );
    // ParseInt: -2^63 … 2^63-1; ParseUint (no sign allowed): up to 2^64-1.
    const fits = sign === '-' ? magnitude <= 2n ** 63n : magnitude < 2n ** 63n || (sign === '' && magnitude < 2n ** 64n);
    if (fits) return { kind: 'int', value: sign === '-' ? -magnitude : magnitude };
  }
  const v = GO_FLOAT.test(plain) ? Number(plain) : NaN;
  // An overflow (1e999) is a ParseFloat range error: go-yaml keeps the text.
  return Number.isFinite(v) ? { kind: 'float', value: v } : { kind: 'str' };
}

/**
 * A float map key as sigs.k8s.io/yaml turns it into a JSON key:
 * strconv.FormatFloat(v, 'g', -1, 32) — the shortest digits that survive a
 * float32, %e from an exponent below -4 or from 6 up — with .inf, -.inf, .nan.
 */
function goFloatKey(v: number): string {
  const f = Math.fround(v);
  if (Number.isNaN(f)) return '.nan';
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let shortest = f.toExponential(8);
  for (let p = 0; p < 8; p++) {
    const e = f.toExponential(p);
    if (Math.fround(Number(e)) === f) {
      shortest = e;
      break;
    }
  }
  const [mantissa, expText] = shortest.split('e');
  const exp = Number(expText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace(/[-.]/g, '');
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.padEnd(exp + 1, '0');
  return `${sign}${whole.slice(0, exp + 1)}${whole.length > exp + 1 ? `.${whole.slice(exp + 1)}` : ''}`;
}

/**
 * The JSON key sigs.k8s.io/yaml makes of a key the parser already resolved (an
 * alias, an explicit tag), or undefined for the keys it refuses; a whole number
 * is taken for an int (plain keys are converted exactly, in readAsKubectl).
 */
function jsonKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? BigInt(value).toString() : goFloatKey(value);
  return undefined;
}

/**
 * Makes `doc` hold what kubectl reads (one linear pass each way, whatever the
 * map sizes): plain scalars resolved by go-yaml v2's rules (resolvePlainScalar),
 * every map key turned into the JSON key sigs.k8s.io/yaml makes of it. Returns
 * why kubectl would refuse the document, if it would: a null, sequence or
 * mapping as a map key ("unsupported map key" / "invalid map key"), a key set
 * twice in one map (after that conversion: `yes` and `true` are the same key),
 * or a plain .inf/.nan value (JSON has no such number).
 */
function readAsKubectl(doc: Document, lines: LineCounter): string | undefined {
  const at = (node: Node | null | undefined, fallback: Node | null | undefined) => {
    const offset = (node ?? fallback)?.range?.[0];
    if (offset === undefined) return '';
    const { line, col } = lines.linePos(offset);
    return ` at line ${line}, column ${col}`;
  };
  let problem: string | undefined;
  const anchors = new Map<string, Node>();
  const aliasTarget = new Map<Node, Node | undefined>();
  visit(doc, (key, node, path) => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      aliasTarget.set(node, target);
      // go-yaml's decoder ("anchor '%s' value contains itself"): an alias inside its own anchor's value would be a
      // cycle, which kubectl refuses and every reader of the parsed object would recurse into without end.
      if (target !== undefined && path.includes(target))
        problem ??= `alias *${node.source}${at(node, null)} is inside the value of its own anchor; kubectl refuses the document (anchor '${node.source}' value contains itself)`;
    }
    if ((isScalar(node) || isCollection(node)) && node.anchor) anchors.set(node.anchor, node);
    if (!isScalar(node) || node.type !== Scalar.PLAIN || node.tag !== undefined || typeof node.source !== 'string') return;
    if (key === 'key' && node.source === '<<') return; // a merge key
    const r = resolvePlainScalar(node.source);
    if (key === 'key')
      node.value = r.kind === 'null' ? null : r.kind === 'str' ? node.source : r.kind === 'float' ? goFloatKey(r.value) : String(r.value);
    else {
      node.value = r.kind === 'null' ? null : r.kind === 'str' ? node.source : r.kind === 'int' ? Number(r.value) : r.value;
      if (r.kind === 'float' && !Number.isFinite(r.value))
        problem ??= `plain ${node.source}${at(node, null)} is a float JSON cannot hold; kubectl refuses the document (json: unsupported value) — quote it if it is text`;
    }
  });
  if (problem) return problem;
  const keyOf = (pair: Pair, parent: Node): string | { problem: string } | undefined => {
    const node = isAlias(pair.key) ? aliasTarget.get(pair.key) : (pair.key as Node | null);
    if (node === undefined && isAlias(pair.key)) return undefined; // an alias with no anchor: toJS reports it
    if (isScalar(node) && typeof node.value === 'symbol') return undefined; // a merge key
    if (isCollection(node))
      return {
        problem: `a ${isSeq(node) ? 'sequence' : 'mapping'} is a map key${at(node, parent)}; kubectl refuses it (invalid map key): keys are strings`,
      };
    const text = isScalar(node) ? jsonKey(node.value) : undefined;
    if (text === undefined)
      return {
        problem: `a map key${at(node, pair.value as Node)} is null or empty; kubectl refuses it (unsupported map key): keys are strings`,
      };
    if (pair.key !== node || typeof (node as Scalar).value !== 'string') pair.key = new Scalar(text);
    return text;
  };
  visit(doc, (_key, node) => {
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const k = keyOf(pair, node);
        if (typeof k === 'object') problem = k.problem;
        else if (k !== undefined && seen.has(k)) problem = `Map keys must be unique${at(keyNode, node)}: ${JSON.stringify(k)}`;
        else if (k !== undefined) seen.add(k);
        if (problem) return visit.BREAK;
      }
    } else if (isSeq(node)) {
      // `[a: 1]`: a flow sequence of single-pair maps.
      for (const item of node.items) {
        const k = isPair(item) ? keyOf(item, node) : undefined;
        if (typeof k === 'object') {
          problem = k.problem;
          return visit.BREAK;
        }
      }
    }
    return undefined;
  });
  return problem;
}

/**
 * How deep a file nests collections before it is refused: the parser (and every walk after it) recurses once
 * per level, and a file of `[[[[…` or `- - - -…` a few bytes per level would exhaust the stack, which V8 may
 * then report as a fatal out-of-memory crash of the whole process, not an exception (100,000 levels did).
 * Real manifests nest a few dozen levels (a CRD's OpenAPI schema included).
 */
export const MAX_NESTING = 256;

const isBlank = (tok: string) => /^[ \t]+$/.test(tok);

/**
 * An upper bound on how deep `text` nests its collections, counted past `limit` only as far as `limit + 1`:
 * for each node, the indentation of its line, the block indicators (`-`, `?`, `:`) before it on that line,
 * and the flow collections (`[`, `{`) open around it. One pass, no recursion. A quick scan of the raw text
 * first: the tokens (which tell a `[` that opens a collection from one inside a string) are read only when
 * that scan, which over-counts, finds more than `limit`.
 */
export function nestingDepth(text: string, limit: number): number {
  if (!mayNestDeeper(text, limit)) return 0;
  let lineStart = true;
  let indent = 0;
  let indicators = 0;
  let flow = 0;
  let max = 0;
  for (const tok of new Lexer().lex(text)) {
    if (tok === '\n' || tok === '\r\n') {
      lineStart = true;
      indent = indicators = 0;
      continue;
    }
    const first = lineStart;
    lineStart = false;
    if (isBlank(tok)) {
      if (first) indent = tok.length;
      continue;
    }
    if (tok === '-' || tok === '?' || tok === ':') indicators++;
    else if (tok === '[' || tok === '{') flow++;
    else if (tok === ']' || tok === '}') flow = Math.max(0, flow - 1);
    else if (tok.startsWith('#') || tok === ',') continue;
    max = Math.max(max, indent + indicators + flow);
    if (max > limit) return max;
  }
  return max;
}

/** Whether the raw text may nest deeper than `limit` (never false when it does): a line's indentation and indicator characters, plus every bracket before it. */
function mayNestDeeper(text: string, limit: number): boolean {
  let open = 0;
  let line = 0;
  let leading = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line = 0;
      leading = true;
      continue;
    }
    // Never decremented: a `]` inside a string between the `[`s would otherwise hide them.
    if (c === 91 || c === 123)
      open++; // [ {
    else if (c === 45 || c === 63 || c === 58 || (leading && (c === 32 || c === 9))) line++; // - ? : and indentation
    if (c !== 32 && c !== 9) leading = false;
    if (open + line > limit) return true;
  }
  return false;
}

/**
 * A file error's message with every word that looks like a credential replaced: the parser's messages quote
 * the file (a duplicate key, an alias name), and they reach the terminal and CI logs. When the words alone
 * do not show it, the whole message is replaced.
 */
function redactedMessage(message: string): string {
  if (credentialIn(message) === undefined) return message;
  const words = message.replace(/[^\s"'`*&!,:;()[\]{}]+/g, (w) => (credentialIn(w) === undefined ? w : '<redacted>'));
  return credentialIn(words) === undefined
    ? words
    : 'quotes text of the file that looks like a credential, so the message is not shown; run a YAML linter on the file to see it';
}

/** Why `doc.toJS` failed, in words: a real alias bomb, an alias with no anchor before it, or the parser's message. */
function toJsFailure(doc: Document, e: Error, maxAliasCount: number): string {
  const message = e.message.split('\n')[0];
  // yaml's Alias.resolve: "Excessive alias count indicates a resource exhaustion attack"
  if (/excessive alias count/i.test(message)) return `expands more than ${maxAliasCount} aliases (a YAML alias bomb); it was refused`;
  // "Unresolved alias (…): name", or a merge key's "Merge sources must be maps or map aliases" when its alias resolves to nothing
  const unresolved = unresolvedAlias(doc);
  if (unresolved !== undefined)
    return `alias *${unresolved} names no anchor set before it in this document (anchors do not reach across '---'); kubectl refuses it as an unknown anchor`;
  return message;
}

/**
 * Reads `target`: one YAML file, or every `*.yaml`/`*.yml` under a directory
 * (recursively, in name order). Never blocks and never exhausts memory: special
 * files (FIFOs, devices, sockets, symlinks to them), symlinked directories and
 * oversized files are skipped with a per-file error, each file is opened
 * non-blocking and checked again on the open descriptor, and alias bombs are
 * refused. Text is decoded as kubectl decodes it (UTF-8, or UTF-16 after its
 * byte order mark); bytes that are not UTF-8, broken YAML and aliases whose
 * anchor is not in their own document are per-file errors too; everything else is returned so
 * the rest can be graded. `v1 List` documents are expanded into their items.
 */
export function loadManifests(target: string, options: LoadOptions = {}): { objects: LoadedObject[]; errors: FileError[] } {
  const objects: LoadedObject[] = [];
  const errors: FileError[] = [];
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_BYTES;
  const maxAliasCount = options.maxAliasCount ?? 100;
  let rootIsDir: boolean;
  try {
    rootIsDir = fs.statSync(target).isDirectory();
  } catch (e) {
    // A missing or unreadable target is a file error like any other, reported with the rest (never a stack trace).
    return {
      objects,
      errors: [{ file: target, rule: 'FILE_UNREADABLE', message: redactedMessage(`cannot be read: ${(e as Error).message}`) }],
    };
  }
  const rel = (p: string) => (rootIsDir ? path.relative(target, p) : p);

  const readFile = (p: string) => {
    const file = rel(p);
    let fd: number | undefined;
    let text: string;
    try {
      // O_NONBLOCK: a FIFO swapped in after the directory scan cannot hang the open.
      fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return errors.push({ file, rule: 'FILE_SKIPPED', message: `is ${kindOfStat(st)}; it was skipped` });
      if (st.size > maxBytes)
        return errors.push({ file, rule: 'FILE_SKIPPED', message: `is ${st.size} bytes, over the ${maxBytes}-byte limit; it was skipped` });
      const decoded = decodeText(fs.readFileSync(fd));
      if (typeof decoded !== 'string') return errors.push({ file, rule: 'FILE_YAML_BROKEN', message: decoded.invalid });
      text = decoded;
    } catch (e) {
      return errors.push({ file, rule: 'FILE_UNREADABLE', message: `cannot be read: ${(e as Error).message}` });
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    const depth = nestingDepth(text, MAX_NESTING);
    if (depth > MAX_NESTING)
      return errors.push({
        file,
        rule: 'FILE_YAML_BROKEN',
        message: `nests collections more than ${MAX_NESTING} levels deep (no Kubernetes object does; the parser would exhaust its stack); it was refused`,
      });
    let docs: ReturnType<typeof parseAllDocuments>;
    const lines = new LineCounter();
    try {
      // merge: YAML 1.1 merge keys (`<<: *defaults`), which kubectl's parser (go-yaml) applies.
      // uniqueKeys: false — the parser's own check compares each key with every earlier one (quadratic:
      // 20k keys took 15 s); readAsKubectl finds duplicates with a Set, on the keys kubectl sees.
      // logLevel: 'error' — no warning of the parser on stderr (readAsKubectl reports what matters).
      docs = parseAllDocuments(text, { merge: true, uniqueKeys: false, logLevel: 'error', lineCounter: lines });
    } catch (e) {
      return errors.push({ file, rule: 'FILE_YAML_BROKEN', message: `cannot be parsed: ${(e as Error).message.split('\n')[0]}` });
    }
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
      if (doc.errors.length > 0) {
        errors.push({ file, rule: 'FILE_YAML_BROKEN', message: `document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}` });
        continue;
      }
      const refused = readAsKubectl(doc, lines);
      if (refused !== undefined) {
        errors.push({ file, rule: 'FILE_YAML_BROKEN', message: `document ${i + 1}: ${refused}` });
        continue;
      }
      let object: unknown;
      try {
        object = doc.toJS({ maxAliasCount });
      } catch (e) {
        errors.push({ file, rule: 'FILE_YAML_BROKEN', message: `document ${i + 1}: ${toJsFailure(doc, e as Error, maxAliasCount)}` });
        continue;
      }
      if (object === null || object === undefined) continue;
      const list = object as any;
      if (list?.kind === 'List' && list.apiVersion === 'v1' && Array.isArray(list.items))
        for (const [j, item] of list.items.entries()) objects.push({ file, object: item, at: `document ${i + 1} item ${j + 1}` });
      else objects.push({ file, object, at: `document ${i + 1}` });
    }
    return undefined;
  };

  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      errors.push({ file: rel(d), rule: 'FILE_UNREADABLE', message: `cannot be listed: ${(e as Error).message}` });
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(d, entry.name);
      const file = rel(p);
      if (entry.isDirectory()) {
        walk(p);
        continue;
      }
      // synthesize's own bookkeeping beside the manifests: the list of files it wrote and the controller requirements.
      if (OUTPUT_BOOKKEEPING.has(entry.name)) continue;
      if (!/\.ya?ml$/i.test(entry.name)) {
        if (entry.isFile() || entry.isSymbolicLink())
          errors.push({ file, rule: 'FILE_NOT_YAML', message: 'is not a YAML file (.yaml or .yml); it was skipped' });
        else errors.push({ file, rule: 'FILE_SKIPPED', message: 'is a special file (FIFO, device or socket); it was skipped' });
        continue;
      }
      let st: fs.Stats;
      try {
        st = fs.statSync(p); // follows symlinks: what would be read
      } catch (e) {
        errors.push({ file, rule: 'FILE_UNREADABLE', message: `cannot be read: ${(e as Error).message}` });
        continue;
      }
      if (st.isDirectory()) {
        errors.push({ file, rule: 'FILE_SKIPPED', message: 'is a symlink to a directory; it was not followed' });
        continue;
      }
      if (!st.isFile()) {
        errors.push({
          file,
          rule: 'FILE_SKIPPED',
          message: `is ${entry.isSymbolicLink() ? 'a symlink to ' : ''}${kindOfStat(st)}; it was skipped`,
        });
        continue;
      }
      readFile(p);
    }
  };

  if (rootIsDir) walk(target);
  else readFile(target);
  return { objects, errors: errors.map((e) => ({ ...e, message: redactedMessage(e.message) })) };
}

/** Reads every YAML file under `dir`; see `loadManifests`. */
export function loadManifestDir(dir: string, options: LoadOptions = {}): { objects: LoadedObject[]; errors: FileError[] } {
  return loadManifests(dir, options);
}
