import { renderApp } from '../../constructs';
import { buildPlatform } from '../../bench/scale';

/*
 * The bench measures a fleet that must itself be output the library accepts: a fixture it refuses (as
 * IMAGE_CANNOT_START once refused its postgres) makes `npm run bench` fail, and nothing else runs it.
 * Its warnings (no liveness probes, say) are left as they are: the bench measures the work, not the advice.
 */
test('the bench fleet renders with no error, 51 objects a team', () => {
  const rendered = renderApp(buildPlatform(2));
  expect(rendered.reduce((n, r) => n + r.objects.length, 0)).toBe(102);
});
