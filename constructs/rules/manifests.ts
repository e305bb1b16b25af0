import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

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
 * Reads `target`: one YAML file, or every `*.yaml`/`*.yml` under a directory
 * (recursively, in name order). Never blocks and never exhausts memory: special
 * files (FIFOs, devices, sockets, symlinks to them), symlinked directories and
 * oversized files are skipped with a per-file error, each file is opened
 * non-blocking and checked again on the open descriptor, and alias bombs are
 * refused. Broken YAML is a per-file error too; everything else is returned so
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
      text = fs.readFileSync(fd, 'utf8');
    } catch (e) {
      return errors.push({ file, rule: 'FILE_UNREADABLE', message: `cannot be read: ${(e as Error).message}` });
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    let docs: ReturnType<typeof parseAllDocuments>;
    try {
      docs = parseAllDocuments(text);
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
        const bomb = /alias/i.test((e as Error).message);
        errors.push({
          file,
          rule: 'FILE_YAML_BROKEN',
          message: bomb
            ? `document ${i + 1}: expands more than ${maxAliasCount} aliases (a YAML alias bomb); it was refused`
            : `document ${i + 1}: ${(e as Error).message.split('\n')[0]}`,
        });
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
