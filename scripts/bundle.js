/*
 * Compiles a TypeScript entry point of this repository (and everything it
 * imports) into one JavaScript file with esbuild, rebuilt only when one of its
 * sources changed, so scripts run without a TypeScript loader (type-checking
 * is `npm test`'s job). cdk8s, cdk8s-plus-28, constructs and yaml are bundled
 * too: a quarter less start-up than resolving and loading their hundreds of
 * files. So are the schema models of the kinds the library renders
 * (constructs/rules/model-loaders.ts requires each statically): about a
 * quarter of `npm run synth -- --env dev`'s CPU time went to finding and
 * reading their validator files. Models of other kinds load at run time.
 * With `{ codeCache: true }` (the synth entry), V8's compiled code of the
 * bundle is kept beside it, made at the end of the first run, so the functions
 * that ran are not parsed and compiled again at the next start (the bench's
 * children do without it: their contenders share one bundle).
 *   require('./bundle').load('stacks/main.ts')   → the entry's exports
 *   node scripts/bundle.js bench/scale.ts ARGS   → runs the entry's run(ARGS)
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
// One cache per checkout: worktrees that share one node_modules must not load each other's bundles.
const checkout = require('crypto').createHash('sha1').update(fs.realpathSync(root)).digest('hex').slice(0, 12);
const cache = path.join(root, 'node_modules', '.cache', 'cluster-blueprints', checkout);

function fingerprint(file) {
  const s = fs.statSync(path.join(root, file));
  return `${s.size}:${s.mtimeMs}`;
}

function fresh(bundle, stampFile) {
  try {
    fs.accessSync(bundle);
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    return Object.entries(stamp).every(([file, fp]) => fingerprint(file) === fp);
  } catch {
    return false; // no bundle yet, or a source was removed
  }
}

function build(entry, bundle, stampFile) {
  const esbuild = require('esbuild');
  const temp = `${bundle}.${process.pid}.js`;
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: temp,
    bundle: true,
    // re2-wasm reads its .wasm file beside its own module: it must load from node_modules, not the bundle.
    external: ['@viz-js/viz', '@pulumi/*', 'esbuild', 're2-wasm'],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // A smaller file parses faster; names are kept, so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'error',
  });
  // The bundler's own options count too: a changed external list must rebuild stale bundles.
  const stamp = { 'package-lock.json': fingerprint('package-lock.json'), 'scripts/bundle.js': fingerprint('scripts/bundle.js') };
  for (const file of Object.keys(result.metafile.inputs)) if (!file.startsWith('node_modules/')) stamp[file] = fingerprint(file);
  // Renamed into place, so a concurrent run never loads a half-written file.
  fs.renameSync(temp, bundle);
  removeCodeCaches(bundle);
  fs.writeFileSync(`${stampFile}.${process.pid}`, JSON.stringify(stamp));
  fs.renameSync(`${stampFile}.${process.pid}`, stampFile);
}

/** The path of the up-to-date bundle of `entry` (a path relative to the repository root). */
function bundled(entry) {
  require('./gen-imports').ensureImports(); // imports/ is generated: current before anything compiles it
  const name = entry.replace(/\.ts$/, '').replace(/[\\/]/g, '-');
  const bundle = path.join(cache, `${name}.js`);
  const stampFile = path.join(cache, `${name}.inputs.json`);
  if (!fresh(bundle, stampFile)) {
    fs.mkdirSync(cache, { recursive: true });
    build(entry, bundle, stampFile);
  }
  return bundle;
}

/** The code cache of this version of `bundle` (a rebuilt bundle has another size or mtime, so never loads a stale cache). */
function codeCacheOf(bundle) {
  const s = fs.statSync(bundle);
  return `${bundle.replace(/\.js$/, '')}.${s.size}-${Math.round(s.mtimeMs)}.v8cache`;
}

function removeCodeCaches(bundle) {
  const prefix = `${path.basename(bundle).replace(/\.js$/, '')}.`;
  for (const f of fs.readdirSync(path.dirname(bundle)))
    if (f.startsWith(prefix) && f.endsWith('.v8cache')) fs.rmSync(path.join(path.dirname(bundle), f), { force: true });
}

/** Requires `bundle` as Node would, compiling it with V8's cached code when there is some, and keeping it when there is none. */
function requireWithCodeCache(bundle) {
  const Module = require('module');
  const vm = require('vm');
  const cacheFile = codeCacheOf(bundle);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // Made at exit, so it holds the functions that ran, not only the top level.
    process.once('exit', () => {
      try {
        const temp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(temp, script.createCachedData());
        fs.renameSync(temp, cacheFile);
      } catch {
        // A cache is an optimisation: a read-only checkout runs without one.
      }
    });
  }
  const m = new Module(bundle, module);
  m.filename = bundle;
  m.paths = Module._nodeModulePaths(path.dirname(bundle));
  script.runInThisContext().call(m.exports, m.exports, Module.createRequire(bundle), m, bundle, path.dirname(bundle));
  m.loaded = true;
  return m.exports;
}

function load(entry, options = {}) {
  const bundle = bundled(entry);
  return options.codeCache ? requireWithCodeCache(bundle) : require(bundle);
}

module.exports = { bundled, load };

if (require.main === module) load(process.argv[2]).run(process.argv.slice(3));
