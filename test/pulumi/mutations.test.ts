import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as ts from 'typescript';
import { identityLines, runAndSettle } from './engine';
import { consumerApp } from './consumer-app';
import {
  IDENTITY_CHECKS,
  IdentityCheck,
  ProgramRun,
  expectCustomResourcesAfterTheirCrd,
  programUnderMocks,
  runProgram,
} from './identity-checks';

/*
 * Mutation test of the Pulumi identity tests. Each mutation below is applied to a copy
 * of pulumi/deploy-app.ts (text replaced, transpiled, loaded beside the real modules);
 * the repository's program (deployEnvironment, dev) runs with the mutant, and the check
 * the mutation is aimed at must fail on it. The unmutated copy must pass every check,
 * with the same identity as the real program, so a failure is the mutation's doing.
 *
 * The eleven kinds of mutation:
 *   1. protect         data holders lose `protect`
 *   2. retainOnDelete  data holders lose `retainOnDelete`
 *   3. ordering        namespaced objects no longer depend on their Namespace
 *   4. ordering        Secrets registered after the workloads that read them
 *   5. ordering        a custom resource no longer depends on its CRD (consumer app: the VPA)
 *   6. provider        objects lose their explicit provider (the chart components carry none to inherit)
 *   7. secret marking  `config.requireSecret` → `config.require`
 *   8. names           a resource name changes (a replace: for a StatefulSet, data loss)
 *   9. parent          objects move under another chart component (a new URN: a replace)
 *  10. data holders    only objects annotated retain are kept (a claim or retaining StorageClass is not)
 *  11. job wait        Jobs lose their timeouts (pulumi up fails at the provider's 10 minutes on a Job within its deadline)
 * Tried while writing this and left out for time: a skipped or doubly registered object fails
 * `names` too. Dropping deployApp's `additionalSecretOutputs` changes nothing the engine sees:
 * @pulumi/kubernetes' Secret adds the same two itself.
 */
const SOURCE = path.join(__dirname, '..', '..', 'pulumi', 'deploy-app.ts');

/** A text replacement in deploy-app.ts: [from, to], where `from` must occur there exactly once. */
type Edit = readonly [from: string, to: string];

interface Mutation {
  readonly kind: string;
  /** The check that must catch it: an identity check on dev, or the consumer app's CRD check. */
  readonly caughtBy: IdentityCheck | 'crdOrder';
  readonly edits: readonly Edit[];
}

/** The mutations, one a row: kind, the check that must catch it, then its edits. */
const MUTATIONS: readonly Mutation[] = (
  [
    ['1 protect', 'dataHolders', ['{ retainOnDelete: true, protect: true }', '{ retainOnDelete: true }']],
    ['2 retainOnDelete', 'dataHolders', ['{ retainOnDelete: true, protect: true }', '{ protect: true }']],
    ['3 ordering: Namespace dependency', 'namespaceOrder', ['...(namespaceOf(object) ? [namespaceOf(object)!] : []),', '']],
    [
      '4 ordering: Secrets after their readers',
      'secretOrder',
      ['all.filter((x) => rank(x.object) < 2)) register', 'all) register'],
      ['all.filter((x) => rank(x.object) === 2)) register', '[]) register'],
    ],
    [
      '5 ordering: CRD dependency',
      'crdOrder',
      ['...(crds.has(`${group}/${object.kind}`) ? [crds.get(`${group}/${object.kind}`)!] : []),', ''],
    ],
    ['6 provider', 'provider', ['      provider,\n      parent: charts.get(chart),', '      parent: charts.get(chart),']],
    ['7 secret marking', 'secretValues', ['config.requireSecret(configKey)', 'config.require(configKey)']],
    [
      '8 names',
      'names',
      ['const name = resourceName(object);', "const name = resourceName(object) + (object.kind === 'StatefulSet' ? '-0' : '');"],
    ],
    ['9 parent', 'parents', ['parent: charts.get(chart),', 'parent: [...charts.values()][0],']],
    [
      '10 data holders by annotation only',
      'dataHolders',
      ['...(holders.has(path) ?', "...(object.metadata.annotations?.['cluster-blueprints.io/retain'] === 'true' ?"],
    ],
    ['11 job wait', 'jobWaits', ['...(timeouts ? { customTimeouts: timeouts } : {}),', '']],
  ] as const satisfies readonly (readonly [string, Mutation['caughtBy'], ...Edit[]])[]
).map(([kind, caughtBy, ...edits]) => ({ kind, caughtBy, edits }));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-app-mutants-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type DeployApp = typeof import('../../pulumi/deploy-app').deployApp;

/** deploy-app.ts with `edits` applied, transpiled and loaded with its imports pointing at the real modules. */
function loadMutant(name: string, edits: Mutation['edits']): { deployApp: DeployApp } {
  let source = fs.readFileSync(SOURCE, 'utf8');
  for (const [from, to] of edits) {
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

const { engine, deployEnvironment } = programUnderMocks('mutants');

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
