/*
 * The cdk8s entry point (`npm run synth`, `npx cdk8s synth`): writes each
 * environment to `<outdir>/<env>/`, all environments in one all-or-nothing
 * call. Select one with `--env NAME` or `ENV=NAME`; without either, every
 * environment is written. The outdir is `--outdir DIR`, else `$CDK8S_OUTDIR`,
 * else `dist`.
 *
 * `--cdk8s-cli` (set in cdk8s.yaml): the cdk8s CLI empties its output
 * directory before it runs the app, so a failed synth would lose the previous
 * dist/. The CLI's directory ($CDK8S_OUTDIR) is therefore only a scratch
 * directory: the app writes the real outdir itself, keeps it intact on
 * failure, and links each written file into the scratch directory so that the
 * CLI lists the files (once) and `cdk8s synth --stdout` prints them.
 *
 * Run through scripts/synth.js, which runs this file compiled (no TypeScript
 * loader at synth time; type-checking is `npm test`'s job).
 */
import * as fs from 'fs';
import * as path from 'path';
import { BlueprintError, synthesizeAll } from '../constructs';
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
  const scratch = cli ? process.env.CDK8S_OUTDIR : undefined;
  const root = flag(argv, '--outdir') ?? (cli ? undefined : process.env.CDK8S_OUTDIR) ?? 'dist';
  const names = selected(argv);
  const results = synthesizeAll(names.map((name) => ({ app: synthApp(name), outdir: path.join(root, name) })));
  results.forEach((result, i) => {
    if (scratch && path.resolve(scratch) !== path.resolve(root)) linkInto(path.join(scratch, names[i]), result.outdir, result.files);
    else
      console.log(
        `${names[i]}: ${result.objectCount} objects in ${result.files.length} files → ${path.relative(process.cwd(), result.outdir)}`,
      );
  });
}

/** Symlinks each written file into `dir` (the cdk8s CLI's scratch output). */
function linkInto(dir: string, outdir: string, files: readonly string[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const link = path.join(dir, f);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.relative(dir, path.join(outdir, f)), link);
  }
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
