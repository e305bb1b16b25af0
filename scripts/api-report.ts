/*
 * The API report: what the package exports, one file per entry point in
 * package.json "exports", written by @microsoft/api-extractor into etc/.
 *   npm run api          regenerate etc/*.api.md after changing the exported surface
 *   npm run api:check    (CI) fail when an export changed and etc/ was not regenerated
 * Self-contained: emits the declarations it reads into temp/api/ first, so it
 * does not depend on a previous `npm run build`. A new subpath export (say
 * "./pulumi" with types lib/pulumi/index.d.ts) gets its own report,
 * etc/cluster-blueprints-pulumi.api.md, with nothing to configure here.
 */
import type * as ApiExtractor from '@microsoft/api-extractor';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const dts = path.join(root, 'temp', 'api');

export interface EntryPoint {
  /** The subpath as package.json names it: '.', './pulumi'. */
  readonly subpath: string;
  /** Its declarations inside temp/api/. */
  readonly typesFile: string;
  /** The report's file name inside etc/, without `.api.md`. */
  readonly reportName: string;
}

/** Every entry point of package.json "exports" that has types under lib/. */
export function entryPoints(pkg: { name: string; exports: Record<string, unknown> }): EntryPoint[] {
  const out: EntryPoint[] = [];
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const types = typeof target === 'object' && target !== null ? (target as { types?: string }).types : undefined;
    if (!types || !types.startsWith('./lib/')) continue;
    const suffix = subpath === '.' ? '' : `-${subpath.replace(/^\.\//, '').replace(/[^a-zA-Z0-9]+/g, '-')}`;
    out.push({ subpath, typesFile: path.join(dts, types.slice('./lib/'.length)), reportName: `${pkg.name}${suffix}` });
  }
  return out;
}

function main(): void {
  // Loaded here, not at the top: test/api-boundary.test.ts imports entryPoints, and API Extractor (about 500 modules,
  // a second or two of that suite) is needed only to write the reports.
  const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor') as typeof ApiExtractor;
  const update = process.argv.includes('--update');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.rmSync(dts, { recursive: true, force: true });
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--emitDeclarationOnly', '--outDir', dts], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    console.error('the declarations do not compile (errors above): fix them, then rerun');
    process.exit(1);
  }
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  const base = ExtractorConfig.loadFile(path.join(root, 'api-extractor.json'));
  let failed = 0;
  for (const entry of entryPoints(pkg)) {
    const config = ExtractorConfig.prepare({
      configObject: {
        ...base,
        mainEntryPointFilePath: entry.typesFile,
        apiReport: { ...base.apiReport!, enabled: true, reportFileName: entry.reportName },
      },
      configObjectFullPath: path.join(root, 'api-extractor.json'),
      packageJsonFullPath: path.join(root, 'package.json'),
    });
    const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
    const report = path.relative(root, config.reportFilePath);
    if (result.succeeded) {
      console.log(`${entry.subpath}: ${report} ${result.apiReportChanged ? 'updated' : 'up to date'}`);
    } else {
      failed++;
      console.error(
        result.errorCount > 0
          ? `${entry.subpath}: API Extractor found ${result.errorCount} error(s) above; an ae-forgotten-export is a type the public API uses that ${entry.subpath} does not export: export it`
          : result.apiReportChanged
            ? `${entry.subpath}: the exported API changed but ${report} was not regenerated: run \`npm run api\` and commit ${report}`
            : `${entry.subpath}: API Extractor failed (${result.warningCount} warnings)`,
      );
    }
  }
  if (failed) process.exit(1);
}

if (require.main === module) main();
