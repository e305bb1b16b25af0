/*
 * Generates constructs/rules/k8s-fields.json: the exact field list of every
 * Kubernetes API type (JSON name → type name) of the Kubernetes release the
 * library targets, 1.28. The schema check walks objects against it to find
 * unknown and misspelled fields, what a 1.28 API server refuses under strict
 * field validation — so the list must be 1.28's, not a newer release's (a
 * field added in 1.29+, e.g. Service `trafficDistribution`, is refused by 1.28).
 *
 * Source: the generated models of @kubernetes/client-node 0.20.0, whose code is
 * generated from the Kubernetes OpenAPI document "release-1.28" (each model file
 * says so; checked below). Only the model files (dist/gen/model/*.js) are read,
 * each on its own: they need none of the client's dependencies. The package is
 * taken from node_modules when 0.20.0 is installed there, else from
 * K8S_CLIENT_NODE_DIR (an unpacked package), else fetched with the ordinary npm
 * client (`npm pack @kubernetes/client-node@0.20.0`) into a temporary folder.
 * Shipping the data instead of the client keeps `request` and friends out of
 * our runtime dependencies.
 *   npm run gen:fields        (test/rules/k8s-fields.test.ts fails when stale)
 */
import * as fs from 'fs';
import * as path from 'path';
import { npmPack } from './npm-pack';

export const FIELDS_FILE = path.join(__dirname, '..', 'constructs', 'rules', 'k8s-fields.json');

/** The package and version the field list is generated from, and the OpenAPI document its models were generated from. */
export const SOURCE = { pkg: '@kubernetes/client-node', version: '0.20.0', openapi: 'release-1.28' } as const;

/** The unpacked source package installed in node_modules, when it is the pinned version (else `undefined`). */
export function installedSource(): string | undefined {
  try {
    const manifest = require.resolve(`${SOURCE.pkg}/package.json`);
    return JSON.parse(fs.readFileSync(manifest, 'utf8')).version === SOURCE.version ? path.dirname(manifest) : undefined;
  } catch {
    return undefined;
  }
}

/** The unpacked source package: installed, named by K8S_CLIENT_NODE_DIR, or fetched from the npm registry. */
export function sourceDir(): string {
  const given = installedSource() ?? process.env.K8S_CLIENT_NODE_DIR;
  if (given) return given;
  return npmPack(SOURCE.pkg, SOURCE.version, 'cb-k8s-fields-');
}

export function generateFields(dir: string = sourceDir()): Record<string, Record<string, string>> {
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  if (version !== SOURCE.version) throw new Error(`gen-k8s-fields: ${dir} holds ${SOURCE.pkg} ${version}, not ${SOURCE.version}`);
  const modelDir = path.join(dir, 'dist', 'gen', 'model');
  if (!fs.readFileSync(path.join(modelDir, 'v1Pod.js'), 'utf8').includes(`The version of the OpenAPI document: ${SOURCE.openapi}`))
    throw new Error(`gen-k8s-fields: ${SOURCE.pkg} ${version} is not generated from Kubernetes ${SOURCE.openapi}`);
  type Model = { getAttributeTypeMap?: () => { baseName: string; type: string }[] };
  const models: Record<string, Model> = {};
  for (const file of fs.readdirSync(modelDir).sort())
    if (file.endsWith('.js') && file !== 'models.js') Object.assign(models, require(path.join(modelDir, file)));
  const out: Record<string, Record<string, string>> = {};
  for (const name of Object.keys(models).sort()) {
    const m = models[name];
    if (typeof m?.getAttributeTypeMap !== 'function') continue;
    out[name] = Object.fromEntries(m.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  }
  return out;
}

export function render(dir?: string): string {
  return `${JSON.stringify(generateFields(dir), null, 0)}\n`;
}

if (require.main === module) {
  fs.writeFileSync(FIELDS_FILE, render());
  console.log(`wrote ${path.relative(process.cwd(), FIELDS_FILE)} from ${SOURCE.pkg} ${SOURCE.version} (Kubernetes ${SOURCE.openapi})`);
}
