#!/usr/bin/env node
/*
 * The packed package.json carries no `prepare` script. In this repository `prepare` generates
 * imports/ on `npm ci` (scripts/gen-imports.js), but scripts/ is not in the tarball, so a consumer's
 * npm would find a lifecycle script it cannot run (npm 11 warns on every install). `npm pack` and
 * `npm publish` run `prepack` (build, then `strip`), tar the files as they are on disk, then
 * `postpack` (`restore`): the repository's package.json is put back byte for byte.
 *   node scripts/pack-manifest.js strip | restore
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const manifest = path.join(root, 'package.json');
// One file per checkout (node_modules may be shared between worktrees), outside the tree npm packs.
const saved = path.join(os.tmpdir(), `cluster-blueprints-pack-${crypto.createHash('sha1').update(root).digest('hex').slice(0, 12)}.json`);

const [command] = process.argv.slice(2);
if (command === 'strip') {
  // A pack that failed before postpack left the stripped file behind: restore first, never save it as the original.
  if (fs.existsSync(saved)) fs.copyFileSync(saved, manifest);
  const text = fs.readFileSync(manifest, 'utf8');
  fs.writeFileSync(saved, text);
  const pkg = JSON.parse(text);
  delete pkg.scripts.prepare;
  fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (command === 'restore') {
  if (fs.existsSync(saved)) {
    fs.copyFileSync(saved, manifest);
    fs.rmSync(saved);
  }
} else {
  console.error('usage: node scripts/pack-manifest.js strip | restore');
  process.exit(2);
}
