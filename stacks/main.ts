/*
 * The cdk8s entry point (`npm run synth`, `npx cdk8s synth`): writes each
 * environment to `<outdir>/<env>/`. Select one with `--env NAME` or `ENV=NAME`;
 * without either, every environment is written.
 */
import * as path from 'path';
import { BlueprintError, synthesize } from '../constructs';
import { ENVIRONMENTS, addGitOps, buildEnvironment, environment } from './environments';

function selected(argv: readonly string[]): string[] {
  const i = argv.indexOf('--env');
  const name = i >= 0 ? argv[i + 1] : process.env.ENV;
  return name ? [environment(name).name] : Object.keys(ENVIRONMENTS);
}

export function main(argv: readonly string[] = process.argv.slice(2)): void {
  const root = process.env.CDK8S_OUTDIR ?? 'dist';
  for (const name of selected(argv)) {
    const config = environment(name);
    const app = buildEnvironment(config);
    addGitOps(app, config);
    const result = synthesize(app, { outdir: path.join(root, name) });
    console.log(`${name}: ${result.objectCount} objects in ${result.files.length} files → ${path.relative(process.cwd(), result.outdir)}`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    console.error(e.message);
    process.exitCode = 1;
  }
}
