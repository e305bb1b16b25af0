#!/usr/bin/env node
/*
 * The package's executable: grade, draw and size a directory of manifests.
 *   npx cluster-blueprints check <dir> [--json] [--node-cpu 4 --node-memory 16Gi] [--nodes N] [--capacity-out file.json]
 *   npx cluster-blueprints diagram <dir> [--out file.svg]
 *   npx cluster-blueprints capacity <dir> [--json] [--node-cpu … --node-memory …] [--nodes N]
 * Exit codes: 0 no errors; 1 errors found (check) or a file could not be read; 2 usage error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BlueprintError, checkDirectory, formatReport, loadManifestDir, renderSvg, toDot } from '../constructs';

export const USAGE = `Usage: cluster-blueprints <command> <dir> [options]

Commands:
  check <dir>      Grade every YAML manifest under <dir>: Kubernetes schema (unknown fields
                   rejected), reliability, Pod Security (baseline + restricted), namespace
                   governance and cross-object references; then the capacity report.
  diagram <dir>    Write an SVG (and its DOT source) of namespaces, workloads, Services,
                   ingress routes, HPAs/PDBs, external mappings and allowed network paths.
  capacity <dir>   Only the capacity report.

Options:
  --json                 Machine-readable output on stdout.
  --node-cpu <qty>       Allocatable CPU of one node (e.g. 3920m), for the node plan.
  --node-memory <qty>    Allocatable memory of one node (e.g. 14Gi).
  --nodes <n>            Nodes in the cluster (DaemonSet pods), default 1.
  --capacity-out <file>  Also write the capacity report as JSON (check).
  --out <file.svg>       Diagram output, default <dir>.svg (DOT next to it).
  -h, --help             This help.

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error.
`;

interface Args {
  command?: string;
  dir?: string;
  flags: Record<string, string | boolean>;
}

export function parseArgs(argv: readonly string[]): Args {
  const flags: Record<string, string | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help' || a === '--json' || a === '--require-secrets') flags[a.replace(/^-+/, '')] = true;
    else if (a.startsWith('--')) flags[a.slice(2)] = argv[++i] ?? '';
    else positional.push(a);
  }
  return { command: positional[0], dir: positional[1], flags };
}

/** Runs the CLI; returns the exit code. Output goes through `out`/`err`. */
export async function run(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const { command, dir, flags } = parseArgs(argv);
  if (flags.help || flags.h) {
    out(USAGE);
    return 0;
  }
  if (!command || !['check', 'diagram', 'capacity'].includes(command) || !dir) {
    err(USAGE);
    return 2;
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    err(`cluster-blueprints: ${dir} is not a directory\n`);
    return 2;
  }
  const node =
    flags['node-cpu'] || flags['node-memory']
      ? { cpu: String(flags['node-cpu'] || ''), memory: String(flags['node-memory'] || '') }
      : undefined;
  const nodes = flags.nodes ? Number(flags.nodes) : undefined;
  try {
    if (command === 'diagram') {
      const { objects, errors } = loadManifestDir(dir);
      for (const e of errors) err(`${e.file}: ${e.rule} ${e.message}\n`);
      const target = String(flags.out || `${dir.replace(/\/+$/, '')}.svg`);
      const dot = toDot(
        objects.map((o) => o.object),
        path.basename(dir),
      );
      fs.writeFileSync(target.replace(/\.svg$/, '.dot'), dot);
      fs.writeFileSync(target, await renderSvg(dot));
      out(`diagram: ${target} (${objects.length} objects)\n`);
      return errors.length ? 1 : 0;
    }
    const context = {
      secretsMustBeProvided: Boolean(flags['require-secrets']),
      existingStorageClasses: flags['storage-classes'] ? String(flags['storage-classes']).split(',') : undefined,
      externalSecrets: flags['provided-secrets'] ? String(flags['provided-secrets']).split(',') : undefined,
    };
    const report = checkDirectory(dir, { nodeAllocatable: node, nodes, context });
    if (flags['capacity-out']) fs.writeFileSync(String(flags['capacity-out']), `${JSON.stringify(report.capacity, null, 2)}\n`);
    if (command === 'capacity') {
      out(
        flags.json
          ? `${JSON.stringify(report.capacity, null, 2)}\n`
          : `${formatReport({ ...report, findings: [], fileErrors: [], errors: 0, warnings: 0 }, dir)}\n`,
      );
      return 0;
    }
    out(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report, dir)}\n`);
    return report.errors > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof BlueprintError) {
      err(`${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
