import * as fs from 'fs';
import * as path from 'path';
import { Document, isAlias, isCollection, isScalar, parseAllDocuments, visit } from 'yaml';

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
    return { objects, errors: [{ file: target, rule: 'FILE_UNREADABLE', message: `cannot be read: ${(e as Error).message}` }] };
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
    let docs: ReturnType<typeof parseAllDocuments>;
    try {
      // merge: YAML 1.1 merge keys (`<<: *defaults`), which kubectl's parser (go-yaml) applies.
      docs = parseAllDocuments(text, { merge: true });
    } catch (e) {
      return errors.push({ file, rule: 'FILE_YAML_BROKEN', message: `cannot be parsed: ${(e as Error).message.split('\n')[0]}` });
    }
    for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
      if (doc.errors.length > 0) {
        errors.push({ file, rule: 'FILE_YAML_BROKEN', message: `document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}` });
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
        for (const item of list.items) objects.push({ file, object: item });
      else objects.push({ file, object });
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
  return { objects, errors };
}

/** Reads every YAML file under `dir`; see `loadManifests`. */
export function loadManifestDir(dir: string, options: LoadOptions = {}): { objects: LoadedObject[]; errors: FileError[] } {
  return loadManifests(dir, options);
}
