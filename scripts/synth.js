#!/usr/bin/env node
/*
 * Entry of `npm run synth` and `npx cdk8s synth`: stacks/main.ts, compiled
 * (see bundle.js): no TypeScript loader and no type-check at synth time, and
 * V8's code cache of the bundle, so a synth does not compile it all again.
 *   node scripts/synth.js [--env NAME] [--outdir DIR]
 */
'use strict';
require('./bundle').load('stacks/main.ts', { codeCache: true }).run(process.argv.slice(2));
