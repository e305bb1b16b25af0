/*
 * Generates constructs/rules/k8s-fields.json: the exact field list of
 * every Kubernetes API type (JSON name → type name), taken from the models of
 * @kubernetes/client-node (a devDependency). The schema check walks objects
 * against it to find unknown and misspelled fields. Shipping the data instead
 * of the client keeps `request` and friends out of our runtime dependencies.
 *   npm run gen:fields        (test/rules/k8s-fields.test.ts fails when stale)
 */
import * as fs from 'fs';
import * as path from 'path';

export const FIELDS_FILE = path.join(__dirname, '..', 'constructs', 'rules', 'k8s-fields.json');

export function generateFields(): Record<string, Record<string, string>> {
  const models = require('@kubernetes/client-node') as Record<string, { getAttributeTypeMap?: () => { baseName: string; type: string }[] }>;
  const out: Record<string, Record<string, string>> = {};
  for (const name of Object.keys(models).sort()) {
    const m = models[name];
    if (typeof m?.getAttributeTypeMap !== 'function') continue;
    out[name] = Object.fromEntries(m.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  }
  return out;
}

export function render(): string {
  return `${JSON.stringify(generateFields(), null, 0)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(FIELDS_FILE, render());
  console.log(`wrote ${path.relative(process.cwd(), FIELDS_FILE)}`);
}
