import { ENVIRONMENTS } from '../../stacks/environments';
import { identityLines } from '../pulumi/engine';
import { IDENTITY_CHECKS, IdentityCheck, ProgramRun, programUnderMocks, runProgram } from '../pulumi/identity-checks';

/*
 * Pulumi identity of every environment, as the (mock) engine receives it: resource
 * names and URNs (a new name or parent is a replace — for data holders, data loss),
 * protect, retainOnDelete, dependsOn, provider, parent, secret outputs and the Jobs' timeouts.
 * test/pulumi/mutations.test.ts applies each kind of mutation to a copy of deployApp
 * and proves these checks (or the snapshot) fail on it.
 */
const { engine, deployEnvironment } = programUnderMocks('identity');

const CHECK_TITLES: Record<IdentityCheck, string> = {
  names: 'every rendered object is registered exactly once, under its pinned name, with its kind as type',
  parents: 'each object is a child of its chart',
  provider: 'every Kubernetes resource names the stack provider itself',
  dataHolders: 'objects holding data are protected and retained on delete; nothing else is',
  namespaceOrder: 'namespaced objects depend on their Namespace',
  secretOrder: 'readers depend on their Secret, Secrets on their Namespace',
  secretValues: 'Secret values are read as secrets, secret in the engine and in the outputs',
  jobWaits: 'Jobs are waited for as long as their deadline allows (the provider default without one); nothing else gets timeouts',
};

describe.each(Object.keys(ENVIRONMENTS))('%s under mocks', (env) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(engine, env, () => deployEnvironment());
  });

  test('names and options match the reviewed snapshot', () => {
    expect(identityLines(run.registered).join('\n')).toMatchSnapshot();
  });

  // Typed as a record of every check: a new check cannot be left out of this test.
  test.each(Object.entries(CHECK_TITLES))('%s: %s', (check) => IDENTITY_CHECKS[check as IdentityCheck](run));
});
