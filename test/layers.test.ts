import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/*
 * Layers point one way: stacks → blueprints → constructs, and inside
 * constructs/ everything builds on core/, which builds on nothing of ours.
 * Only the Pulumi entry (stacks/pulumi*.ts, or a top-level pulumi/ folder)
 * may import @pulumi/*, so every construct and blueprint runs in a plain cdk8s app.
 */
const root = path.join(__dirname, '..');
const SOURCE_DIRS = ['constructs', 'blueprints', 'stacks', 'cli', 'pulumi'];

function sources(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

/**
 * Every module a file imports, exports from, requires or import()s: our files
 * as `./<repo path>`, packages by their bare name (the `constructs` package is not our constructs/).
 */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(root, file), 'utf8'), true, true);
  return info.importedFiles.map(({ fileName }) =>
    fileName.startsWith('.') ? `./${path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName))}` : fileName,
  );
}

const FILES = ['index.ts', ...SOURCE_DIRS.flatMap(sources)];
const EDGES = FILES.flatMap((from) => importsOf(from).map((to) => ({ from, to })));

const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
const ours = (to: string, dir: string) => under(to, `./${dir}`);
const isPulumiEntry = (f: string) => /^stacks\/pulumi[^/]*\.ts$/.test(f) || under(f, 'pulumi');

interface Layer {
  readonly files: (f: string) => boolean;
  readonly mayNotImport: (to: string) => boolean;
  readonly rule: string;
}

const LAYERS: Layer[] = [
  {
    files: (f) => under(f, 'constructs'),
    mayNotImport: (to) => ['blueprints', 'stacks', 'cli', 'pulumi', 'index'].some((d) => ours(to, d)),
    rule: 'constructs/ imports only constructs/, imports/ and packages (move the shared code down into constructs/)',
  },
  {
    files: (f) => under(f, 'blueprints'),
    mayNotImport: (to) => ['stacks', 'cli', 'pulumi', 'index'].some((d) => ours(to, d)),
    rule: 'blueprints/ never imports stacks/, cli/ or the package index',
  },
  {
    files: (f) => under(f, 'constructs/core'),
    mayNotImport: (to) => ours(to, 'constructs') && !ours(to, 'constructs/core'),
    rule: 'constructs/core/ is the base layer: it imports no other constructs/ folder',
  },
  {
    files: (f) => !isPulumiEntry(f),
    mayNotImport: (to) => to.startsWith('@pulumi/'),
    rule: 'only the Pulumi entry (stacks/pulumi*.ts or pulumi/) imports @pulumi/*',
  },
];

test('the source tree is found (the layer checks below see real files)', () => {
  expect(FILES).toEqual(expect.arrayContaining(['constructs/core/errors.ts', 'blueprints/cluster-platform.ts', 'stacks/main.ts']));
  expect(EDGES.some((e) => e.from === 'pulumi/deploy-app.ts' && e.to === '@pulumi/kubernetes')).toBe(true);
});

/*
 * Known crossings, each with its reason; remove an entry when it is fixed.
 * None today: BlueprintChart reaches the render pipeline through the hook
 * render/ registers (registerChartRenderer), not through an import.
 */
const KNOWN = new Set<string>();

test.each(LAYERS.map((l) => [l.rule, l]))('%s', (_rule, layer) => {
  const wrong = EDGES.filter((e) => layer.files(e.from) && layer.mayNotImport(e.to))
    .map((e) => `${e.from} imports ${e.to}`)
    .filter((edge) => !KNOWN.has(edge));
  expect(wrong).toEqual([]);
});

test('each layer rule catches a violation', () => {
  const violations = [
    { from: 'constructs/workloads/web-service.ts', to: './blueprints/monitoring' },
    { from: 'blueprints/monitoring.ts', to: './stacks/environments' },
    { from: 'constructs/core/errors.ts', to: './constructs/workloads/container' },
    { from: 'constructs/render/synthesize.ts', to: '@pulumi/pulumi' },
  ];
  LAYERS.forEach((layer, i) => expect(layer.files(violations[i].from) && layer.mayNotImport(violations[i].to)).toBe(true));
  // The npm package `constructs` is not our constructs/ folder.
  expect(LAYERS[2].mayNotImport('constructs')).toBe(false);
});
