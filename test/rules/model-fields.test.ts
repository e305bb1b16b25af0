import * as fs from 'fs';
import { MODEL_FIELDS_FILE, render } from '../../scripts/gen-model-fields';

test('model-fields.json is what scripts/gen-model-fields.ts reads from the @kubernetes-models packages (run `npx tsx scripts/gen-model-fields.ts`)', () => {
  expect(fs.readFileSync(MODEL_FIELDS_FILE, 'utf8')).toBe(render());
}, 180_000);
