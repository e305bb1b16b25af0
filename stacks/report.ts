/*
 * `npm run check` and `npm run diagram` for the shipped environments: synth
 * each one (the same app as `npm run synth`), grade dist/<env> with the same code as `npx cluster-blueprints
 * check` (with the environment's declared node size), write the capacity
 * report to dist/<env>.capacity.json, and fail on any error or warning.
 *   npm run check [-- --env prod]      npm run diagram [-- --env prod]
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkDirectory, formatReport, loadManifestDir, renderSvg, synthRuleContext, synthesize, toDot } from '../constructs';
import { ENVIRONMENTS, environment } from './environments';
import { synthApp } from './main';

async function main(argv: readonly string[]): Promise<number> {
  const mode = argv[0];
  const i = argv.indexOf('--env');
  const names = i >= 0 ? [environment(argv[i + 1]).name] : Object.keys(ENVIRONMENTS);
  const root = process.env.CDK8S_OUTDIR ?? 'dist';
  let failed = 0;
  for (const name of names) {
    const env = environment(name);
    const dir = path.join(root, name);
    // The app exactly as `npm run synth` writes it (Argo CD Application and no-prune annotations included):
    // grading rewrites dist/<env>, and must not leave a different dist/ behind than synth does.
    const app = synthApp(name);
    synthesize(app, { outdir: dir });
    if (mode === 'diagram') {
      const dot = toDot(
        loadManifestDir(dir).objects.map((o) => o.object),
        `${name} environment`,
      );
      fs.mkdirSync(path.join(root, 'diagrams'), { recursive: true });
      fs.writeFileSync(path.join(root, 'diagrams', `${name}.dot`), dot);
      fs.writeFileSync(path.join(root, 'diagrams', `${name}.svg`), await renderSvg(dot));
      console.log(`${name}: ${path.join(root, 'diagrams', `${name}.svg`)}`);
      continue;
    }
    // The same rule context as synth: Secrets declared for the deploy tool count as provided.
    const report = checkDirectory(dir, { nodeAllocatable: env.nodeAllocatable, nodes: env.expectedNodes, context: synthRuleContext(app) });
    fs.writeFileSync(path.join(root, `${name}.capacity.json`), `${JSON.stringify(report.capacity, null, 2)}\n`);
    console.log(`${formatReport(report, `${name} (${dir})`)}\n`);
    if (report.errors > 0 || report.warnings > 0 || report.capacity.warnings.length > 0) failed++;
  }
  if (mode !== 'diagram')
    console.log(
      failed ? `${failed} environment(s) with findings` : `all ${names.length} environment(s) pass with zero errors and zero warnings`,
    );
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    console.error(e.message ?? e);
    process.exitCode = 1;
  },
);
