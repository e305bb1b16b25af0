import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BlueprintError, checkDirectory, formatIssue, synthesize } from '../constructs';
import { PROD_DIAGRAM, prodDiagramDot, renderReadme } from '../docs/render-examples';

test('README examples show the YAML the code really produces (run `npm run docs` to refresh)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain('<!-- example:');
  expect(renderReadme(readme)).toBe(readme);
});

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const EXAMPLES_DIR = path.join(__dirname, '..', 'docs', 'examples');
/** The examples the README shows failing on purpose (`<!-- error:<file> -->` blocks). */
const FAILING = new Set([...README.matchAll(/<!-- error:([a-z0-9-]+) -->/g)].map((m) => m[1]));
/** Every other example, listed or not: what users copy must synthesize cleanly. */
const CLEAN = fs
  .readdirSync(EXAMPLES_DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((name) => !FAILING.has(name))
  .sort();

test('the README shows a failing example, and clean ones', () => {
  expect(FAILING).toContain('quota-error');
  expect(CLEAN).toEqual(expect.arrayContaining(['gitops', 'jobs', 'scenarios', 'stateful-service']));
});

/**
 * What `check` must be told of an example that it cannot read from the YAML: the node count of the example's cluster
 * (`expectedNodes: 6` of its NodeAgent; on foreign YAML, `--nodes`), without which a quota'd DaemonSet is NODE_COUNT_UNKNOWN.
 */
const CHECK_OPTIONS: Readonly<Record<string, { nodes: number }>> = { jobs: { nodes: 6 } };

test.each(CLEAN)('docs/examples/%s.ts synthesizes with no error and no warning, and `check` on its output agrees', (name) => {
  const { build } = require(path.join(EXAMPLES_DIR, `${name}.ts`));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `readme-${name}-`));
  try {
    let warnings: string[];
    try {
      warnings = synthesize(build(), { outdir }).warnings.map(formatIssue);
    } catch (e) {
      // An error fails the synth: show its issues, not only that it threw.
      if (e instanceof BlueprintError) warnings = e.issues.map((i) => `error: ${formatIssue(i)}`);
      else throw e;
    }
    expect(warnings).toEqual([]);
    const report = checkDirectory(outdir, CHECK_OPTIONS[name]);
    expect(report.findings.map((f) => `${f.severity} ${f.rule} ${f.object} ${f.pointer}: ${f.message}`)).toEqual([]);
    expect(report.fileErrors).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
const unquote = (s: string) => s.replace(/\\"/g, '"');
const unescapeXml = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_m, n) => String.fromCharCode(Number(n)))
    .replace(/&(lt|gt|quot|apos|amp);/g, (_m, e) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e as 'lt']);

/** What Graphviz titles in the SVG: the graph, each namespace cluster that holds a node (it drops empty ones), node and edge (`a->b`). */
function dotTitles(dot: string): string[] {
  const titles = new Set<string>();
  titles.add(unquote(new RegExp(`^digraph ${QUOTED}`).exec(dot)![1]));
  for (const [, name, body] of dot.matchAll(new RegExp(`^\\s*subgraph ${QUOTED} \\{\\n([\\s\\S]*?)^\\s*\\}$`, 'gm')))
    if (new RegExp(`^\\s*${QUOTED} \\[`, 'm').test(body)) titles.add(unquote(name));
  for (const [, a, b] of dot.matchAll(new RegExp(`^\\s*${QUOTED} -> ${QUOTED}`, 'gm'))) {
    titles
      .add(unquote(a))
      .add(unquote(b))
      .add(`${unquote(a)}->${unquote(b)}`);
  }
  for (const [, node] of dot.matchAll(new RegExp(`^\\s*${QUOTED} \\[`, 'gm'))) titles.add(unquote(node));
  return [...titles].sort();
}

test('docs/diagrams/prod.svg shows the current prod environment (run `npm run docs` to refresh)', () => {
  // The laid-out SVG is not rendered again (Graphviz is slow): its titles are compared with the DOT it is made from.
  const svg = fs.readFileSync(PROD_DIAGRAM, 'utf8');
  const shown = [...new Set([...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => unescapeXml(m[1])))].sort();
  const expected = dotTitles(prodDiagramDot());
  expect(expected).toContain('prod environment');
  expect(expected.some((t) => t.startsWith('Job/'))).toBe(true);
  expect(shown).toEqual(expected);
});
