/*
 * The cdk8s entry point (`npm run synth`, `npx cdk8s synth`): writes each
 * environment to `<outdir>/<env>/`, all environments in one all-or-nothing
 * call. Select one with `--env NAME` or `ENV=NAME`; without either, every
 * environment is written. The outdir is `--outdir DIR`, else `$CDK8S_OUTDIR`,
 * else `dist`.
 *
 * `--cdk8s-cli` (set in cdk8s.yaml): the cdk8s CLI empties its output
 * directory before it runs the app, so a failed synth would lose the previous
 * dist/. The CLI's directory ($CDK8S_OUTDIR, `.cdk8s-out`) is therefore only a
 * scratch directory: the app writes the outdir it is given (not
 * $CDK8S_OUTDIR), and `synthesizeAll` keeps it intact on failure and copies
 * each written file into the scratch directory (`<env>/` of it for several
 * environments, straight into it for one), so that the CLI lists the files
 * (once: the app prints nothing on stdout) and `cdk8s synth --stdout` prints them.
 *
 * Warnings (findings of severity 'warning': a Service nothing can reach…) do
 * not fail the synth: they are printed to stderr, one block per environment
 * that has any, under the CLI too (it passes the app's stderr through).
 *
 * Run through scripts/synth.js, which runs this file compiled (no TypeScript
 * loader at synth time; type-checking is `npm test`'s job).
 */
import * as path from 'path';
import { BlueprintError, formatWarnings, synthesizeAll } from '../constructs';
import { ENVIRONMENTS, addGitOps, buildEnvironment, environment } from './environments';

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** One environment's app as the synth path writes it: the environment plus its Argo CD Application. */
export function synthApp(name: string) {
  const config = environment(name);
  const app = buildEnvironment(config);
  addGitOps(app, config);
  return app;
}

function selected(argv: readonly string[]): string[] {
  const name = flag(argv, '--env') ?? process.env.ENV;
  return name ? [environment(name).name] : Object.keys(ENVIRONMENTS);
}

export function main(argv: readonly string[] = process.argv.slice(2)): void {
  const cli = argv.includes('--cdk8s-cli');
  const root = flag(argv, '--outdir') ?? (cli ? undefined : process.env.CDK8S_OUTDIR) ?? 'dist';
  const names = selected(argv);
  const results = synthesizeAll(names.map((name) => ({ app: synthApp(name), outdir: path.join(root, name) })));
  const warnings = results.map((r, i) => formatWarnings(r.warnings, names[i])).filter((text) => text !== '');
  if (warnings.length > 0) console.error(warnings.join('\n'));
  // Under the cdk8s CLI, the CLI lists the files (which synthesizeAll copied into its directory).
  if (cli) return;
  results.forEach((result, i) =>
    console.log(
      `${names[i]}: ${result.objectCount} objects in ${result.files.length} files → ${path.relative(process.cwd(), result.outdir)}`,
    ),
  );
}

/** `main`, with a typed error printed as its message (no stack trace) and exit code 1. */
export function run(argv: readonly string[] = process.argv.slice(2)): void {
  try {
    main(argv);
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    console.error(e.message);
    process.exitCode = 1;
  }
}

if (require.main === module) run();
