import * as fs from 'fs';
import { FIELDS_FILE, render } from '../../scripts/gen-k8s-fields';

test('k8s-fields.json is what scripts/gen-k8s-fields.ts generates (run `npm run gen:fields`)', () => {
  expect(fs.readFileSync(FIELDS_FILE, 'utf8')).toBe(render());
});
