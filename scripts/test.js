#!/usr/bin/env node
/*
 * `npm test`: the type-check (`tsc --noEmit`) and jest, at the same time. jest transpiles without
 * types, so neither waits for the other: run one after the other, tsc (single-threaded, about 10-20 s
 * on a fresh clone) left a core idle while it ran. tsc runs at a lower priority, so jest's workers keep
 * the cores and tsc takes what they leave (jest's start, its last suites). Its report is printed after
 * jest's, and the run fails if either fails. Arguments go to jest (`npm test -- test/cli`), as before.
 */
'use strict';
const { spawn } = require('child_process');
const os = require('os');
const path = require('path');

const root = path.join(__dirname, '..');
const bin = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root] })), file);

function run(args, options) {
  const child = spawn(process.execPath, args, { cwd: root, ...options });
  const exited = new Promise((resolve) => {
    child.on('error', (err) => resolve({ code: 1, err }));
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal }));
  });
  return { child, exited };
}

const tsc = run(
  [
    bin('typescript', 'bin/tsc'),
    '--noEmit',
    '--incremental',
    '--tsBuildInfoFile',
    'node_modules/.cache/cluster-blueprints/tsc.tsbuildinfo',
    ...(process.stdout.isTTY ? ['--pretty'] : []),
  ],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
try {
  os.setPriority(tsc.child.pid, 10);
} catch {
  // Not allowed here: it runs at the same priority, which only costs time.
}
let tscOutput = '';
tsc.child.stdout.on('data', (d) => (tscOutput += d));
tsc.child.stderr.on('data', (d) => (tscOutput += d));

const jest = run([bin('jest', 'bin/jest.js'), ...process.argv.slice(2)], { stdio: 'inherit' });

Promise.all([jest.exited, tsc.exited]).then(([j, t]) => {
  if (t.err) tscOutput += `${t.err.message}\n`;
  if (t.code !== 0 || tscOutput.trim() !== '') process.stderr.write(`\ntsc --noEmit${t.code === 0 ? '' : ' failed'}:\n${tscOutput}`);
  else process.stderr.write('tsc --noEmit: no type errors\n');
  process.exit(j.code !== 0 ? j.code : t.code);
});
