import * as fs from 'fs';
import * as path from 'path';
import { renderReadme } from '../docs/render-examples';

test('README examples show the YAML the code really produces (run `npm run docs` to refresh)', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  expect(readme).toContain('<!-- example:');
  expect(renderReadme(readme)).toBe(readme);
});
