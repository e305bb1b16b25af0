import { BlueprintIssue, formatIssue } from '../core/errors';
import { checkArgs, is } from '../core/shape';

/** How many warnings `formatWarnings` lists; the rest are counted. */
const MAX_WARNINGS_SHOWN = 50;

/**
 * The warnings of a synth as one compact block for stderr, one line each
 * (`[path] Kind/ns/name: CODE 'field' message — fix`), under a header naming
 * `label` (an environment, an app) and the count; `''` when there is none.
 * The synth entry points (`npm run synth`, `cdk8s synth`) print it, and so
 * does a plain cdk8s `app.synth()` of an app with a `BlueprintChart` (to stderr,
 * once per synth; `CLUSTER_BLUEPRINTS_WARNINGS=silent` keeps it quiet).
 *
 * @example
 * const { warnings } = synthesize(build(), { outdir: 'dist' });
 * if (warnings.length > 0) console.error(formatWarnings(warnings));
 */
export function formatWarnings(warnings: readonly BlueprintIssue[], label = 'synth'): string {
  checkArgs('formatWarnings', ['warnings', warnings, is.list(is.object({}))], ['label', label, is.string]);
  if (warnings.length === 0) return '';
  const shown = warnings.slice(0, MAX_WARNINGS_SHOWN).map((w) => `  ${formatIssue(w)}`);
  const more = warnings.length - shown.length;
  if (more > 0) shown.push(`  … and ${more} more (\`cluster-blueprints check\` on the outdir lists every one)`);
  const count = `${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
  return [`${label}: ${count} (the files are written; each line says how to fix it):`, ...shown].join('\n');
}
