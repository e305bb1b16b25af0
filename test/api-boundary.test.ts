import * as fs from 'fs';
import * as path from 'path';
import * as api from '../index';
import { entryPoints } from '../scripts/api-report';

/*
 * index.ts is the package's public surface. Internals stay importable by path
 * inside the repository, never through the package. (`npm run api:check` in CI
 * compares the whole surface with etc/cluster-blueprints.api.md.)
 */
const INTERNALS = [
  'withChecksAlreadyRun',
  'collectIssues',
  'resolveContainer',
  'containerToJson',
  'restrictedContainerSecurity',
  'Problems',
  'formatIssue',
  'registerCrd',
  'chartApiObjects',
  'finishObject',
  'stampOwners',
  'setClusterFacts',
  'nameIssue',
  'renderPlacement',
  'createAutoscaler',
  'allowInto',
  'allowOutOf',
  'runRules',
  'RULES',
];

test.each(INTERNALS)('the package does not export the internal %s', (name) => {
  expect(Object.keys(api)).not.toContain(name);
});

test('the package exports the documented constructs', () => {
  for (const name of ['TeamNamespace', 'WebService', 'StatefulService', 'ClusterPlatform', 'BlueprintError', 'synthesize', 'Cpu']) {
    expect(Object.keys(api)).toContain(name);
  }
});

test('every typed entry point of package.json gets its own API report', () => {
  const pkg = {
    name: 'cluster-blueprints',
    exports: { '.': { types: './lib/index.d.ts' }, './pulumi': { types: './lib/pulumi/index.d.ts' }, './package.json': './package.json' },
  };
  expect(entryPoints(pkg).map((e) => [e.subpath, e.reportName, path.basename(e.typesFile)])).toEqual([
    ['.', 'cluster-blueprints', 'index.d.ts'],
    ['./pulumi', 'cluster-blueprints-pulumi', 'index.d.ts'],
  ]);
  const real = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  for (const entry of entryPoints(real)) {
    expect(fs.existsSync(path.join(__dirname, '..', 'etc', `${entry.reportName}.api.md`))).toBe(true);
  }
});
