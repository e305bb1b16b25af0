import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** A problem with a file rather than an object. */
export interface FileError {
  readonly file: string;
  readonly rule: 'FILE_NOT_YAML' | 'FILE_YAML_BROKEN' | 'FILE_UNREADABLE';
  readonly message: string;
}

/** A parsed object and where it came from. */
export interface LoadedObject {
  readonly file: string;
  readonly object: any;
}

/**
 * Reads every `*.yaml`/`*.yml` under `dir` (recursively) with the `yaml`
 * package. Other files and broken YAML become per-file errors; everything
 * else is still returned, so the rest can be graded.
 */
export function loadManifestDir(dir: string): { objects: LoadedObject[]; errors: FileError[] } {
  const objects: LoadedObject[] = [];
  const errors: FileError[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, entry.name);
      const rel = path.relative(dir, p);
      if (entry.isDirectory()) {
        walk(p);
        continue;
      }
      if (!/\.ya?ml$/i.test(entry.name)) {
        errors.push({ file: rel, rule: 'FILE_NOT_YAML', message: 'is not a YAML file (.yaml or .yml); it was skipped' });
        continue;
      }
      let text: string;
      try {
        text = fs.readFileSync(p, 'utf8');
      } catch (e) {
        errors.push({ file: rel, rule: 'FILE_UNREADABLE', message: `cannot be read: ${(e as Error).message}` });
        continue;
      }
      for (const [i, doc] of parseAllDocuments(text).entries()) {
        if (doc.errors.length > 0) {
          errors.push({ file: rel, rule: 'FILE_YAML_BROKEN', message: `document ${i + 1}: ${doc.errors[0].message.split('\n')[0]}` });
          continue;
        }
        const object = doc.toJS();
        if (object !== null && object !== undefined) objects.push({ file: rel, object });
      }
    }
  };
  walk(dir);
  return { objects, errors };
}
