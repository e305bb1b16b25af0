import * as fs from 'fs';
import * as path from 'path';

/*
 * Every error code the library can raise has a test that triggers it: the
 * codes are collected from the source and each must appear in a test file.
 */
function files(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === '__snapshots__' ? [] : files(p, ext);
    return p.endsWith(ext) ? [p] : [];
  });
}

const root = path.join(__dirname, '..');
const source = ['constructs', 'blueprints', 'stacks']
  .filter((d) => fs.existsSync(path.join(root, d)))
  .flatMap((d) => files(path.join(root, d), '.ts'));
const codes = new Set<string>();
for (const f of source) {
  for (const m of fs.readFileSync(f, 'utf8').matchAll(/(?:code|rule): '([A-Z][A-Z0-9_]+)'|add\('([A-Z][A-Z0-9_]+)'/g))
    codes.add(m[1] ?? m[2]);
}
const tests = files(__dirname, '.test.ts')
  .filter((f) => f !== __filename)
  .map((f) => fs.readFileSync(f, 'utf8'))
  .join('\n');

test('the scan finds the codes', () => {
  expect(codes.size).toBeGreaterThan(10);
});

test.each([...codes].sort())('%s is exercised by a test', (code) => {
  expect(tests).toContain(`'${code}'`);
});
