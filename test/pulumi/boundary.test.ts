import * as fs from 'fs';
import * as path from 'path';

/*
 * @pulumi/* is an optional peer dependency: only the `cluster-blueprints/pulumi`
 * entry (pulumi/) and the repository's own program (stacks/) may import it, so
 * constructs, blueprints, the CLI and the root entry load without Pulumi installed.
 * (test/package.test.ts requires the packed root entry in a project without it.)
 */
const root = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('only pulumi/ and stacks/ import @pulumi/*', () => {
  const files = ['index.ts', ...['constructs', 'blueprints', 'cli', 'imports', 'testing'].flatMap((d) => sources(path.join(root, d)))];
  const offenders = files.filter((f) => /(from\s*|import\s*|require\(\s*)['"]@pulumi\//.test(fs.readFileSync(f, 'utf8')));
  expect(offenders.map((f) => path.relative(root, f))).toEqual([]);
  expect(sources(path.join(root, 'pulumi')).some((f) => fs.readFileSync(f, 'utf8').includes("from '@pulumi/kubernetes'"))).toBe(true);
});

test('the root entry does not re-export the pulumi entry', () => {
  expect(fs.readFileSync(path.join(root, 'index.ts'), 'utf8')).not.toMatch(/pulumi/);
});
