import { ENVIRONMENTS, buildEnvironment, environment } from '../../stacks/environments';
import { renderApp } from '../../constructs';

// One snapshot per blueprint chart per environment: a change to any object shows up in review.
describe.each(Object.keys(ENVIRONMENTS))('%s', (env) => {
  const rendered = renderApp(buildEnvironment(environment(env)));
  test.each(rendered.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    expect(r.objects).toMatchSnapshot();
  });
});
