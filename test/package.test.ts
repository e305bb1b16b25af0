import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/*
 * The library as another project uses it (`npm run test:package`, a step of .ci/run; too
 * slow for `npm test`): `npm pack`, then in a scratch project at the lowest and at the
 * highest version each peer range allows (among versions in the registry that load on
 * this Node), install the tarball and the TypeScript the guide pins, write the files of
 * docs/using-from-another-project.md (tsconfig.json included) verbatim, and run that guide: tsc against the published .d.ts, `cdk8s synth`
 * (a file beside the manifests in dist/ kept; a failing synth leaving dist/ byte for byte; `-p` printing the manifests), the
 * consumer's jest test (cluster-blueprints/testing) and the mocked `pulumi preview`
 * (cluster-blueprints/pulumi). A project without Pulumi can still require the root entry.
 */
const root = path.join(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const guide = fs.readFileSync(path.join(root, 'docs', 'using-from-another-project.md'), 'utf8');

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
  } catch (e: any) {
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

const numeric = (v: string) => v.split('.').map(Number);
const byVersion = (a: string, b: string) => {
  const [x, y] = [numeric(a), numeric(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

/** Released versions a range allows (npm resolves the range), oldest first. */
function versionsOf(name: string, range: string): string[] {
  const out = JSON.parse(run('npm', ['view', `${name}@${range}`, 'version', '--json', '--prefer-offline'], root));
  return (Array.isArray(out) ? out : [out]).filter((v: string) => /^\d+\.\d+\.\d+$/.test(v)).sort(byVersion);
}

/** Whether a version's `engines.node` admits this Node (the forms packages here use: `>=N`, `>= N.x.y`). */
function loadsHere(name: string, version: string): boolean {
  const engines = run('npm', ['view', `${name}@${version}`, 'engines.node', '--prefer-offline'], root).trim();
  const min = /^>=\s*(\d+)/.exec(engines);
  return !min || Number(min[1]) <= Number(process.versions.node.split('.')[0]);
}

/** The files of the guide: each code block preceded by `<!-- file: NAME -->`. */
function guideFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const m of guide.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```/g)) files[m[1]] = m[2];
  return files;
}

/** The version spec the guide's `npm install` lines give `name` (`typescript@~5.9` → `~5.9`), or undefined when bare. */
function guideInstall(name: string): string | undefined {
  const lines = [...guide.matchAll(/^npm install .*$/gm)].map((m) => m[0]);
  const words = lines.flatMap((l) => l.split('#')[0].trim().split(/\s+/));
  const spec = words.find((w) => w === name || w.startsWith(`${name}@`));
  if (spec === undefined) throw new Error(`the guide does not install ${name}`);
  return spec.includes('@', 1) ? spec.slice(spec.indexOf('@', 1) + 1) : undefined;
}

const peers = { ...pkg.peerDependencies } as Record<string, string>;
let tarball: string;
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-consumer-'));
  const packed = run('npm', ['pack', '--json', '--pack-destination', work], root);
  tarball = path.join(work, JSON.parse(packed.slice(packed.indexOf('[')))[0].filename);
});

test('the guide names the files the test writes', () => {
  expect(Object.keys(guideFiles()).sort()).toEqual([
    'app.test.ts',
    'app.ts',
    'cdk8s.yaml',
    'deploy.ts',
    'main.ts',
    'preview.ts',
    'tsconfig.json',
  ]);
});

test('the guide installs the TypeScript the repository builds with, compiling to the out/ its commands run', () => {
  // A bare `typescript` is TypeScript 7 now, which @pulumi/pulumi's optional peer range refuses (ERESOLVE).
  expect(guideInstall('typescript')).toBe(`~${pkg.devDependencies.typescript.split('.').slice(0, 2).join('.')}`);
  expect(JSON.parse(guideFiles()['tsconfig.json']).compilerOptions.outDir).toBe('out');
  expect(guideFiles()['cdk8s.yaml']).toContain('app: node out/main.js');
  expect(guide).toContain('npx jest out');
});

test('the guide installs the tarball `npm pack` makes (the package is not on the registry), and gives cdk8s a scratch output', () => {
  expect(guide).toMatch(new RegExp(`^npm install \\S*/cluster-blueprints-${pkg.version.replace(/\./g, '\\.')}\\.tgz `, 'm'));
  // The CLI empties its output directory before the app runs: it must not be the dist/ the app writes.
  expect(guideFiles()['cdk8s.yaml']).toMatch(/^output: \.cdk8s-out$/m);
  expect(guideFiles()['main.ts']).toContain("synthesize(build(), { outdir: 'dist' })");
});

test('the packed package.json has no install-time script (scripts/ is not in the tarball)', () => {
  const manifest = JSON.parse(execFileSync('tar', ['xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  expect(Object.keys(manifest.scripts ?? {}).filter((s) => /^(pre|post)?(install|prepare)$/.test(s))).toEqual([]);
  // The repository keeps it: `npm ci` in a clone generates imports/.
  expect(pkg.scripts.prepare).toBe('node scripts/gen-imports.js');
});

test('only the library ships: no tests, stacks or TypeScript sources; LICENSE and both subpaths do', () => {
  const listed = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
  expect(
    listed.filter((f) => f.startsWith('package/test/') || f.startsWith('package/stacks/') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))),
  ).toEqual([]);
  expect(listed).toEqual(
    expect.arrayContaining([
      'package/LICENSE',
      'package/lib/index.d.ts',
      'package/lib/pulumi/index.js',
      'package/lib/pulumi/index.d.ts',
      'package/lib/testing/index.js',
      'package/lib/testing/index.d.ts',
    ]),
  );
});

describe.each(['lowest', 'highest'] as const)('at the %s version of every peer', (end) => {
  let consumer: string;
  const chosen: Record<string, string> = {};

  beforeAll(() => {
    for (const [name, range] of Object.entries(peers)) {
      const versions = versionsOf(name, range);
      chosen[name] = end === 'lowest' ? versions[0] : [...versions].reverse().find((v) => loadsHere(name, v))!;
    }
    consumer = path.join(work, end);
    fs.mkdirSync(consumer);
    const dev = pkg.devDependencies;
    fs.writeFileSync(
      path.join(consumer, 'package.json'),
      JSON.stringify({
        name: 'my-cluster',
        version: '1.0.0',
        private: true,
        dependencies: { 'cluster-blueprints': `file:${tarball}`, ...chosen },
        devDependencies: {
          // What the guide installs (and, for the rest, the repository's own versions).
          typescript: guideInstall('typescript'),
          '@types/node': dev['@types/node'],
          'cdk8s-cli': dev['cdk8s-cli'],
          jest: dev.jest,
          '@types/jest': dev['@types/jest'],
        },
      }),
    );
    for (const [file, text] of Object.entries(guideFiles())) fs.writeFileSync(path.join(consumer, file), text);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], consumer);
  }, 600_000);

  test('the chosen versions are the ends of the ranges', () => {
    for (const [name, range] of Object.entries(peers)) expect(versionsOf(name, range)).toContain(chosen[name]);
    if (end === 'lowest') expect(chosen.cdk8s).toBe(versionsOf('cdk8s', peers.cdk8s)[0]);
  });

  test('tsc type-checks the guide against the published declarations', () => {
    run(process.execPath, [path.join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], consumer);
  }, 120_000);

  test('cdk8s synth writes the checked YAML', () => {
    run(process.execPath, [path.join(consumer, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade'], consumer);
    const docs = parseAllDocuments(fs.readFileSync(path.join(consumer, 'dist', 'shop.k8s.yaml'), 'utf8')).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'Service', 'ExternalSecret']));
    expect(JSON.stringify(docs)).not.toContain('postgres://');
  }, 120_000);

  const cdk8s = (...args: string[]) =>
    run(process.execPath, [path.join(consumer, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), ...args, '--no-check-upgrade'], consumer);
  const snapshot = (dir: string) =>
    Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f)).toString('base64')]));

  test('cdk8s synth keeps the files beside the manifests in dist/, and the CLI lists its scratch copies', () => {
    fs.writeFileSync(path.join(consumer, 'dist', 'kustomization.yaml'), 'resources: [shop.k8s.yaml]\n');
    const out = cdk8s('synth');
    expect(out).toContain('.cdk8s-out/shop.k8s.yaml');
    expect(fs.readFileSync(path.join(consumer, 'dist', 'kustomization.yaml'), 'utf8')).toBe('resources: [shop.k8s.yaml]\n');
    expect(fs.readFileSync(path.join(consumer, '.cdk8s-out', 'shop.k8s.yaml'), 'utf8')).toBe(
      fs.readFileSync(path.join(consumer, 'dist', 'shop.k8s.yaml'), 'utf8'),
    );
  }, 120_000);

  test('a failing cdk8s synth leaves dist/ byte for byte as it was', () => {
    const before = snapshot(path.join(consumer, 'dist'));
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['shop.k8s.yaml', 'kustomization.yaml']));
    // The guide's app with one failing check of its own: the synth fails after rendering, before writing.
    fs.writeFileSync(
      path.join(consumer, 'failing.js'),
      `const { addCheck, synthesize } = require('cluster-blueprints');
       const app = require('./out/app').build();
       addCheck(app.node.findChild('shop'), 'Broken', () => [{ code: 'TEST_BROKEN', field: 'x', message: 'is wrong', fix: 'fix x' }]);
       synthesize(app, { outdir: 'dist' });`,
    );
    expect(() => cdk8s('synth', '--app', 'node failing.js')).toThrow(/TEST_BROKEN/);
    expect(snapshot(path.join(consumer, 'dist'))).toEqual(before);
  }, 120_000);

  test('cdk8s synth -p prints the manifests', () => {
    const docs = parseAllDocuments(cdk8s('synth', '-p')).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'Service', 'ExternalSecret']));
  }, 120_000);

  test("the consumer's jest test passes with cluster-blueprints/testing", () => {
    const out = run(
      process.execPath,
      [path.join(consumer, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--json', '--rootDir', 'out'],
      consumer,
    );
    expect(JSON.parse(out)).toEqual(expect.objectContaining({ success: true, numPassedTests: 2 }));
  }, 120_000);

  test('the mocked pulumi preview registers one resource per object and the declared Secret', () => {
    const out = run(process.execPath, ['out/preview.js'], consumer);
    expect(out).toContain('+ kubernetes:core/v1:Namespace namespace-shop');
    expect(out).toContain('+ kubernetes:apps/v1:Deployment deployment-shop-web');
    expect(out).toContain('+ kubernetes:core/v1:Secret secret-shop-db-credentials');
    expect(out).not.toContain('ExternalSecret');
  }, 120_000);

  test('an ES module project imports the named exports of every entry, and tsc resolves them under nodenext and bundler', () => {
    // Node reads a CommonJS package's named exports from its source (cjs-module-lexer): a re-export it cannot see is undefined in ESM.
    const app = `
      import { App } from 'cdk8s';
      import { BlueprintChart, BlueprintError, TeamNamespace, WebService } from 'cluster-blueprints';
      import { synthObjects } from 'cluster-blueprints/testing';
      import { deployApp } from 'cluster-blueprints/pulumi';
      const chart = new BlueprintChart(new App(), 'shop', { owner: 'shop-team' });
      const team = new TeamNamespace(chart, 'shop');
      try { new WebService(chart, 'api', { namespace: team, image: 'api:latest', ports: [{ name: 'http', port: 8080 }] }); }
      catch (e) { console.log(e instanceof BlueprintError, e.issues.map((i) => i.code).join()); }
      console.log(typeof synthObjects, typeof deployApp);`;
    fs.writeFileSync(path.join(consumer, 'esm.mjs'), app);
    expect(run(process.execPath, ['esm.mjs'], consumer).trim().split('\n')).toEqual(['true IMAGE_UNPINNED', 'function function']);
    fs.writeFileSync(path.join(consumer, 'esm.mts'), app.replace('catch (e)', 'catch (e: any)').replace('(i) =>', '(i: any) =>'));
    const tsc = path.join(consumer, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [module, moduleResolution] of [
      ['nodenext', 'nodenext'],
      ['esnext', 'bundler'],
    ])
      run(process.execPath, [tsc, '--noEmit', '--strict', '--module', module, '--moduleResolution', moduleResolution, 'esm.mts'], consumer);
  }, 120_000);

  test('without Pulumi installed, the root and testing entries load and the pulumi entry says what is missing', () => {
    const script = `
      require('cluster-blueprints'); require('cluster-blueprints/testing');
      try { require('cluster-blueprints/pulumi'); console.log('loaded'); } catch (e) { console.log(e.code); }`;
    const pulumiDir = path.join(consumer, 'node_modules', '@pulumi');
    const hidden = path.join(consumer, 'node_modules', '.pulumi-hidden');
    fs.renameSync(pulumiDir, hidden);
    try {
      expect(run(process.execPath, ['-e', script], consumer).trim()).toBe('MODULE_NOT_FOUND');
    } finally {
      fs.renameSync(hidden, pulumiDir);
    }
  });
});
