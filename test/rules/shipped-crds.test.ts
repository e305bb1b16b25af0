import * as fs from 'fs';
import { SHIPPED_CRDS_FILE, render } from '../../scripts/gen-shipped-crds';

test('shipped-crds.json is what crds/*.yaml say (run `npm run gen:crds`)', () => {
  expect(fs.readFileSync(SHIPPED_CRDS_FILE, 'utf8')).toBe(render());
});
