/*
 * Generates constructs/rules/shipped-crds.json: the CustomResourceDefinitions
 * of crds/*.yaml, parsed. The schema check registers them at every synth, and
 * parsing their YAML was an eighth of `npm run synth -- --env dev`; JSON is
 * bundled and read at no cost.
 *   npm run gen:crds        (test/rules/shipped-crds.test.ts fails when stale)
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const root = path.join(__dirname, '..');
export const SHIPPED_CRDS_FILE = path.join(root, 'constructs', 'rules', 'shipped-crds.json');

export function render(): string {
  const dir = path.join(root, 'crds');
  const crds = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS()))
    .filter((d) => d?.kind === 'CustomResourceDefinition');
  return `${JSON.stringify(crds)}\n`;
}

if (require.main === module) fs.writeFileSync(SHIPPED_CRDS_FILE, render());
