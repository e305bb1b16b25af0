import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as ts from 'typescript';
import { identityLines, recordEngine, runAndSettle } from './engine';
import { consumerApp } from './consumer-app';
import { IDENTITY_CHECKS, IdentityCheck, ProgramRun, expectCustomResourcesAfterTheirCrd, runProgram } from './identity-checks';

/*
 * Mutation test of the Pulumi identity tests. Each mutation below is applied to a copy
 * of pulumi/deploy-app.ts (text replaced, transpiled, loaded beside the real modules);
 * the repository's program (deployEnvironment, dev) runs with the mutant, and the check
 * the mutation is aimed at must fail on it. The unmutated copy must pass every check,
 * with the same identity as the real program, so a failure is the mutation's doing.
 *
 * The nine kinds of mutation:
 *   1. protect         data holders lose `protect`
 *   2. retainOnDelete  data holders lose `retainOnDelete`
 *   3. ordering        namespaced objects no longer depend on their Namespace
 *   4. ordering        Secrets registered after the workloads that read them
 *   5. ordering        a custom resource no longer depends on its CRD (consumer app: the VPA)
 *   6. provider        objects lose their explicit provider (the chart components carry none to inherit)
 *   7. secret marking  `config.requireSecret` → `config.require`
 *   8. names           a resource name changes (a replace: for a StatefulSet, data loss)
 *   9. parent          objects move under another chart component (a new URN: a replace)
 * Tried while writing this and left out for time: a skipped or doubly registered object fails
 * `names` too. Dropping deployApp's `additionalSecretOutputs` changes nothing the engine sees:
 * @pulumi/kubernetes' Secret adds the same two itself.
 */
const SOURCE = path.join(__dirname, '..', '..', 'pulumi', 'deploy-app.ts');

interface Mutation {
  readonly kind: string;
  /** Text replacements; each `from` must occur exactly once in deploy-app.ts. */
  readonly edits: readonly { readonly from: string; readonly to: string }[];
  /** The check that must catch it: an identity check on dev, or the consumer app's CRD check. */
  readonly caughtBy: IdentityCheck | 'crdOrder';
}

const MUTATIONS: readonly Mutation[] = [
  {
    kind: '1 protect',
    edits: [{ from: '{ retainOnDelete: true, protect: true }', to: '{ retainOnDelete: true }' }],
    caughtBy: 'dataHolders',
  },
  {
    kind: '2 retainOnDelete',
    edits: [{ from: '{ retainOnDelete: true, protect: true }', to: '{ protect: true }' }],
    caughtBy: 'dataHolders',
  },
  {
    kind: '3 ordering: Namespace dependency',
    edits: [{ from: '...(namespaceOf(object) ? [namespaceOf(object)!] : []),', to: '' }],
    caughtBy: 'namespaceOrder',
  },
  {
    kind: '4 ordering: Secrets after their readers',
    edits: [
      { from: 'all.filter((x) => rank(x.object) < 2)) register', to: 'all) register' },
      { from: 'all.filter((x) => rank(x.object) === 2)) register', to: '[]) register' },
    ],
    caughtBy: 'secretOrder',
  },
  {
    kind: '5 ordering: CRD dependency',
    edits: [{ from: '...(crds.has(`${group}/${object.kind}`) ? [crds.get(`${group}/${object.kind}`)!] : []),', to: '' }],
    caughtBy: 'crdOrder',
  },
  {
    kind: '6 provider',
    edits: [{ from: '      provider,\n      parent: charts.get(chart),', to: '      parent: charts.get(chart),' }],
    caughtBy: 'provider',
  },
  {
    kind: '7 secret marking',
    edits: [{ from: 'config.requireSecret(configKey)', to: 'config.require(configKey)' }],
    caughtBy: 'secretValues',
  },
  {
    kind: '8 names',
    edits: [
      {
        from: 'const name = resourceName(object);',
        to: "const name = resourceName(object) + (object.kind === 'StatefulSet' ? '-0' : '');",
      },
    ],
    caughtBy: 'names',
  },
  { kind: '9 parent', edits: [{ from: 'parent: charts.get(chart),', to: 'parent: [...charts.values()][0],' }], caughtBy: 'parents' },
];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-app-mutants-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type DeployApp = typeof import('../../pulumi/deploy-app').deployApp;

/** deploy-app.ts with `edits` applied, transpiled and loaded with its imports pointing at the real modules. */
function loadMutant(name: string, edits: Mutation['edits']): { deployApp: DeployApp } {
  let source = fs.readFileSync(SOURCE, 'utf8');
  for (const { from, to } of edits) {
    expect({ from, occurrences: source.split(from).length - 1 }).toEqual({ from, occurrences: 1 });
    source = source.replace(from, to);
  }
  const js = ts
    .transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } })
    .outputText.replace(
      /require\("([^"]+)"\)/g,
      (_, spec: string) =>
        `require(${JSON.stringify(spec.startsWith('.') ? path.resolve(path.dirname(SOURCE), spec) : require.resolve(spec))})`,
    );
  const file = path.join(dir, `${name}.js`);
  fs.writeFileSync(file, js);
  return require(file);
}

const engine = recordEngine('cluster-blueprints', 'mutants');
const { deployEnvironment } = require('../../stacks/pulumi-program') as typeof import('../../stacks/pulumi-program');

/** The checks that fail when `deploy` runs: the identity checks on dev through the program, or the consumer app's CRD check. */
async function failingChecks(deploy: DeployApp, only?: 'crdOrder'): Promise<{ failing: string[]; run?: ProgramRun }> {
  if (only === 'crdOrder') {
    pulumi.runtime.setAllConfig({ 'cluster-blueprints:dbPassword': 'pw' }, ['cluster-blueprints:dbPassword']);
    engine.length = 0;
    await runAndSettle(() => deploy(consumerApp()));
    return { failing: fails(() => expectCustomResourcesAfterTheirCrd([...engine])) ? ['crdOrder'] : [] };
  }
  const run = await runProgram(engine, 'dev', () => deployEnvironment(deploy));
  return { failing: (Object.keys(IDENTITY_CHECKS) as IdentityCheck[]).filter((check) => fails(() => IDENTITY_CHECKS[check](run))), run };
}

function fails(check: () => void): boolean {
  try {
    check();
    return false;
  } catch {
    return true;
  }
}

// Each case runs the program once (~200 resources under mocks): seconds on a loaded machine.
jest.setTimeout(60_000);

describe('mutations of deployApp', () => {
  let baseline: string[];
  beforeAll(async () => {
    const real = await runProgram(engine, 'dev', () => deployEnvironment());
    baseline = identityLines(real.registered);
  });

  test('the unmutated copy passes every check, with the identity of the real program', async () => {
    const unmutated = loadMutant('unmutated', []).deployApp;
    const { failing, run } = await failingChecks(unmutated);
    expect(failing).toEqual([]);
    expect(identityLines(run!.registered)).toEqual(baseline);
    expect(await failingChecks(unmutated, 'crdOrder')).toEqual({ failing: [] });
  });

  test.each(MUTATIONS.map((m, i) => [m.kind, m.caughtBy, i] as const))('%s is caught by %s', async (_kind, caughtBy, i) => {
    const mutant = loadMutant(`mutant-${i}`, MUTATIONS[i].edits).deployApp;
    const { failing } = await failingChecks(mutant, caughtBy === 'crdOrder' ? caughtBy : undefined);
    expect(failing).toContain(caughtBy);
  });
});
