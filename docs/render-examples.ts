/*
 * Keeps the README's examples true: each `docs/examples/<name>.ts` builds an
 * app; its code and the YAML it really synthesizes replace the block between
 * `<!-- example:<name> -->` and `<!-- /example:<name> -->` in README.md.
 *   npm run docs          rewrite README.md
 *   (test/readme.test.ts fails when README.md is stale)
 */
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { renderApp } from '../constructs';

const root = path.join(__dirname, '..');

/** Which kinds to show, so the README stays a readable length. */
const SHOW: Record<string, readonly string[] | undefined> = {
  'team-namespace': ['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy'],
};

export function exampleBlock(name: string): string {
  const file = path.join(root, 'docs', 'examples', `${name}.ts`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build } = require(file);
  const objects = renderApp(build()).flatMap((r) => r.objects).filter((o) => !SHOW[name] || SHOW[name]!.includes(o.kind));
  const code = fs.readFileSync(file, 'utf8').replace("'../../index'", "'cluster-blueprints'").trim();
  return [`<!-- example:${name} -->`, '```ts', code, '```', '', 'produces (excerpt, from the real output):', '', '```yaml', Yaml.stringify(...objects).trim(), '```', `<!-- /example:${name} -->`].join('\n');
}

export function renderReadme(readme: string): string {
  return readme.replace(/<!-- example:([a-z0-9-]+) -->[\s\S]*?<!-- \/example:\1 -->/g, (_m, name: string) => exampleBlock(name));
}

if (require.main === module) {
  const file = path.join(root, 'README.md');
  fs.writeFileSync(file, renderReadme(fs.readFileSync(file, 'utf8')));
  console.log('README.md examples regenerated');
}
