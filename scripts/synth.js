#!/usr/bin/env node
/*
 * Entry of `npm run synth` and `npx cdk8s synth`: stacks/main.ts, compiled
 * (see bundle.js): no TypeScript loader and no type-check at synth time.
 *   node scripts/synth.js [--env NAME] [--outdir DIR]
 */
'use strict';
require('./bundle').load('stacks/main.ts').run(process.argv.slice(2));
