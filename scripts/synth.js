#!/usr/bin/env node
/*
 * Fast entry of `npm run synth` and `npx cdk8s synth`: runs stacks/main.ts
 * compiled to one JavaScript file, rebuilt (by esbuild, well under a second)
 * only when one of its sources changed, so a synth pays neither a TypeScript
 * loader nor a type-check (type-checking is `npm test`'s job). Dependencies
 * stay in node_modules; only this repository's own code is bundled.
 *   node scripts/synth.js [--env NAME] [--outdir DIR]
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const outdir = path.join(root, 'node_modules', '.cache', 'cluster-blueprints');
const bundle = path.join(outdir, 'synth.js');
const stampFile = path.join(outdir, 'synth.inputs.json');

function fingerprint(file) {
  const s = fs.statSync(path.join(root, file));
  return `${s.size}:${s.mtimeMs}`;
}

function fresh() {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    fs.accessSync(bundle);
  } catch {
    return false;
  }
  try {
    return Object.entries(stamp).every(([file, fp]) => fingerprint(file) === fp);
  } catch {
    return false; // a source was removed
  }
}

function build() {
  const esbuild = require('esbuild');
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: ['stacks/main.ts'],
    outfile: `${bundle}.${process.pid}.js`,
    bundle: true,
    external: ['kubernetes-models', '@kubernetes-models/*', '@viz-js/viz', '@pulumi/*'],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    metafile: true,
    logLevel: 'error',
  });
  const stamp = {};
  for (const file of Object.keys(result.metafile.inputs)) stamp[file] = fingerprint(file);
  stamp['package-lock.json'] = fingerprint('package-lock.json');
  // Renamed into place, so a concurrent synth never loads a half-written file.
  fs.renameSync(`${bundle}.${process.pid}.js`, bundle);
  fs.writeFileSync(`${stampFile}.${process.pid}`, JSON.stringify(stamp));
  fs.renameSync(`${stampFile}.${process.pid}`, stampFile);
}

if (!fresh()) build();
require(bundle).run(process.argv.slice(2));
