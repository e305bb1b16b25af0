#!/usr/bin/env node
/*
 * The package's executable: grade, draw and size a directory of manifests.
 *   npx cluster-blueprints check <dir> [--json] [--node-cpu 4 --node-memory 16Gi] [--nodes N] [--capacity-out file.json]
 *     (--nodes is required where a DaemonSet's namespace has a quota: the rule of synth, core/node-count.ts)
 *   npx cluster-blueprints diagram <dir> [--out file.svg]
 *   npx cluster-blueprints capacity <dir> [--json] [--node-cpu … --node-memory …] [--nodes N]
 *   npx cluster-blueprints diff <before> <after> [--json] [--price-cpu N --price-memory-gib N --price-storage-gib N | --prices file.json]
 * Exit codes: 0 no errors; 1 errors found (check), breaking changes (diff) or a file could not be read; 2 usage error or bad input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDns1123Label } from '../constructs/core/names';
import {
  BlueprintError,
  UnitPrices,
  checkDirectory,
  diffManifests,
  formatDiff,
  formatReport,
  loadManifests,
  renderSvg,
  toDot,
} from '../constructs';

export const USAGE = `Usage: cluster-blueprints <command> <path> [options]

<path> is one YAML file or a directory (every .yaml/.yml under it, recursively).

Commands:
  check <path>     Grade every YAML manifest: Kubernetes schema (unknown fields
                   rejected), what the API server refuses, reliability, Pod Security
                   (baseline + restricted), namespace governance and cross-object
                   references; then the capacity report.
  diagram <path>   Write an SVG (and its DOT source) of namespaces, workloads, Services,
                   ingress routes, HPAs/PDBs, external mappings and allowed network paths.
  capacity <path>  Only the capacity report (and the monthly cost per namespace and team
                   when prices are given or declared).
  diff <before> <after>
                   What applying <after> over <before> does: objects added, removed,
                   changed, and breaking (immutable fields, data holders removed or
                   renamed, reclaim policies), with the change in requested CPU,
                   memory and storage and its monthly cost.

Options:
  --json                 Machine-readable output on stdout.
  --node-cpu <qty>       Allocatable CPU of one node (e.g. 3920m), for the node plan.
  --node-memory <qty>    Allocatable memory of one node (e.g. 14Gi).
  --nodes <n>            The most nodes the cluster runs (with an autoscaler, its maximum):
                         a DaemonSet runs a pod on each. Required when a DaemonSet's namespace
                         has a ResourceQuota (NODE_COUNT_UNKNOWN, synth's rule for a NodeAgent's
                         expectedNodes), since the quota must admit them all; otherwise 1.
  --capacity-out <file>  Also write the capacity report as JSON (check, capacity), only
                         when the run succeeds.
  --out <file.svg>       Diagram output, default <path>.svg (DOT next to it), written only
                         when the run succeeds (every file is readable YAML).
  --require-secrets      check: every Secret a pod or Ingress names must be provided
                         (Secret, ExternalSecret target, cert-manager Certificate).
  --namespace <ns>       check, capacity: objects that name no namespace are checked in <ns>, as
                         \`kubectl apply -n <ns>\` would place them (by default they keep none).
  --require-namespace    check: a namespaced object without metadata.namespace is an error
                         (SCOPE_NAMESPACE_MISSING); off by default, since manifests written for
                         \`kubectl apply -n\` leave it out on purpose.
  --provided-secrets <ns/name,...>   Secrets made outside the manifests.
  --storage-classes <a,b>            StorageClasses the cluster already has.
  --secret-stores <a,ns/b,...>       External Secrets stores the cluster already has
                                     (ClusterSecretStore by name, SecretStore as ns/name).
  --max-file-size <bytes>            Larger files are skipped (default 16 MiB).
  --price-cpu <n>        diff, check, capacity: monthly price of one requested CPU core.
  --price-memory-gib <n> diff: monthly price of one GiB of requested memory.
  --price-storage-gib <n> diff: monthly price of one GiB of requested storage.
  --prices <file.json>   diff, check, capacity: {"cpu": n, "memoryGiB": n, "storageGiB": n}; else the
                         cluster-blueprints.io/unit-prices annotation of <after>.
  -h, --help             This help.

Exit codes: 0 no errors (warnings allowed) / nothing breaking; 1 errors found / something
breaking / a file could not be read; 2 usage error or unusable input.
`;

/** Control characters: C0 (ESC starts every terminal escape sequence), DEL and C1 (0x9B is a one-byte CSI). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const hex = (c: string) => c.charCodeAt(0).toString(16).padStart(2, '0');

/**
 * `s` safe to print on a terminal: each control character shown as an escape
 * (`\x1b`, `\n`), so a hostile object name, key, value or file name can neither
 * drive the terminal nor forge a line of the report.
 */
export function escapeControls(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? `\\x${hex(c)}`);
}

/** A copy of plain data (a report) with every string passed through escapeControls, keys included. */
function escapedData<T>(value: T): T {
  if (typeof value === 'string') return escapeControls(value) as T;
  if (Array.isArray(value)) return value.map(escapedData) as T;
  if (value && typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value)))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeControls(k), escapedData(v)])) as T;
  return value;
}

/**
 * JSON for stdout: JSON.stringify escapes C0 (and so ESC) but writes DEL and
 * C1 as they are; those get `\u00XX` too (the same JSON value, nothing raw).
 */
function safeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u00${hex(c)}`)}\n`;
}

interface Args {
  command?: string;
  dir?: string;
  second?: string;
  flags: Record<string, string | boolean>;
}

export function parseArgs(argv: readonly string[]): Args {
  const flags: Record<string, string | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (['-h', '--help', '--json', '--require-secrets', '--require-namespace'].includes(a)) flags[a.replace(/^-+/, '')] = true;
    else if (a.startsWith('--')) flags[a.slice(2)] = argv[++i] ?? '';
    else positional.push(a);
  }
  return { command: positional[0], dir: positional[1], second: positional[2], flags };
}

/** Runs the CLI; returns the exit code. Output goes through `out`/`err`. */
export async function run(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const { command, dir, second, flags } = parseArgs(argv);
  if (flags.help || flags.h) {
    out(USAGE);
    return 0;
  }
  if (!command || !['check', 'diagram', 'capacity', 'diff'].includes(command) || !dir || (command === 'diff' && !second)) {
    err(USAGE);
    return 2;
  }
  for (const p of command === 'diff' ? [dir, second!] : [dir]) {
    const problem = unusablePath(p);
    if (problem) {
      err(`cluster-blueprints: ${escapeControls(p)} ${problem}\n`);
      return 2;
    }
  }
  try {
    return await dispatch(command, dir, second, flags, out, err);
  } catch (e) {
    // Never a stack trace: one line that says what failed.
    err(
      `cluster-blueprints: ${escapeControls(e instanceof BlueprintError ? e.message : `could not ${command} ${dir}: ${(e as Error)?.message ?? String(e)}`)}\n`,
    );
    return 2;
  }
}

/** Why `p` cannot be checked (missing, or not a regular file or directory), checked without opening it. */
function unusablePath(p: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return 'does not exist';
  }
  return st.isDirectory() || st.isFile() ? undefined : 'is not a regular file or directory (FIFO, device or socket)';
}

const list = (v: string | boolean | undefined) => (v ? String(v).split(',').filter(Boolean) : undefined);

function number(flags: Record<string, string | boolean>, name: string): number | undefined {
  if (flags[name] === undefined) return undefined;
  const n = Number(flags[name]);
  if (!Number.isFinite(n) || n < 0)
    throw new BlueprintError({
      code: 'CLI_FLAG_INVALID',
      path: '',
      field: `--${name}`,
      value: flags[name],
      message: 'must be a non-negative number',
      fix: `e.g. --${name} 20`,
    });
  return n;
}

/** A whole-number flag (`--nodes`): at least `min`, else the CLI's flag error (never a silent 0 or NaN passed on). */
function count(flags: Record<string, string | boolean>, name: string, min: number): number | undefined {
  if (flags[name] === undefined) return undefined;
  const text = String(flags[name]);
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new BlueprintError({
      code: 'CLI_FLAG_INVALID',
      path: '',
      field: `--${name}`,
      value: flags[name],
      message: `must be a whole number of at least ${min}`,
      fix: `e.g. --${name} 3`,
    });
  return n;
}

/** `--namespace`: a namespace name is a DNS-1123 label (apimachinery ValidateNamespaceName), else the CLI's flag error. */
function namespaceFlag(flags: Record<string, string | boolean>): string | undefined {
  if (flags.namespace === undefined) return undefined;
  const ns = String(flags.namespace);
  if (!isDns1123Label(ns) || ns === '')
    throw new BlueprintError({
      code: 'CLI_FLAG_INVALID',
      path: '',
      field: '--namespace',
      value: flags.namespace,
      message: 'is not a valid namespace name (a DNS-1123 label)',
      fix: "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. --namespace shop",
    });
  return ns;
}

function prices(flags: Record<string, string | boolean>): UnitPrices | undefined {
  if (flags.prices) {
    const p = JSON.parse(fs.readFileSync(String(flags.prices), 'utf8'));
    return { cpu: Number(p.cpu) || 0, memoryGiB: Number(p.memoryGiB) || 0, storageGiB: Number(p.storageGiB) || 0 };
  }
  const [cpu, memoryGiB, storageGiB] = ['price-cpu', 'price-memory-gib', 'price-storage-gib'].map((n) => number(flags, n));
  return cpu === undefined && memoryGiB === undefined && storageGiB === undefined ? undefined : { cpu, memoryGiB, storageGiB };
}

/**
 * Writes each `[file, text]` atomically: first every text to a temporary file
 * beside its target (same directory, so the rename stays on one file system),
 * then each renamed over its target. A failed write removes the temporary
 * files and leaves every target as it was; a reader never sees half a file.
 */
function writeAll(outputs: readonly (readonly [string, string])[]): void {
  const staged: [string, string][] = [];
  try {
    for (const [file, text] of outputs) {
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
      fs.writeFileSync(tmp, text, { flag: 'wx' });
      staged.push([tmp, file]);
    }
    for (const [tmp, file] of staged) fs.renameSync(tmp, file);
  } finally {
    for (const [tmp] of staged) fs.rmSync(tmp, { force: true });
  }
}

async function dispatch(
  command: string,
  dir: string,
  second: string | undefined,
  flags: Record<string, string | boolean>,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const load = { maxFileBytes: number(flags, 'max-file-size') };
  if (command === 'diff') {
    const [a, b] = [loadManifests(dir, load), loadManifests(second!, load)];
    const bad = [
      ...a.errors.map((e) => ({ ...e, file: `${dir}: ${e.file}` })),
      ...b.errors.map((e) => ({ ...e, file: `${second}: ${e.file}` })),
    ];
    const ignorable = bad.filter((e) => e.rule !== 'FILE_NOT_YAML');
    for (const e of bad) err(escapeControls(`${e.file}: ${e.rule} ${e.message}`) + '\n');
    if (ignorable.length) return 2;
    const report = diffManifests(
      a.objects.map((o) => o.object),
      b.objects.map((o) => o.object),
      prices(flags),
    );
    out(flags.json ? safeJson(report) : `${formatDiff(escapedData(report))}\n`);
    return report.breaking > 0 ? 1 : 0;
  }
  const node =
    flags['node-cpu'] || flags['node-memory']
      ? { cpu: String(flags['node-cpu'] || ''), memory: String(flags['node-memory'] || '') }
      : undefined;
  const nodes = count(flags, 'nodes', 1);
  if (command === 'diagram') {
    const { objects, errors } = loadManifests(dir, load);
    for (const e of errors) err(escapeControls(`${e.file}: ${e.rule} ${e.message}`) + '\n');
    const target = String(flags.out || `${dir.replace(/\/+$/, '')}.svg`);
    if (errors.length) {
      err(`cluster-blueprints: ${escapeControls(target)} not written: the diagram failed (see the file errors above)\n`);
      return 1;
    }
    const dot = toDot(
      objects.map((o) => o.object),
      path.basename(dir),
    );
    writeAll([
      [target.replace(/\.svg$/, '.dot'), dot],
      [target, await renderSvg(dot)],
    ]);
    out(`diagram: ${escapeControls(target)} (${objects.length} objects)\n`);
    return 0;
  }
  const context = {
    secretsMustBeProvided: Boolean(flags['require-secrets']),
    existingStorageClasses: list(flags['storage-classes']),
    existingSecretStores: list(flags['secret-stores']),
    externalSecrets: list(flags['provided-secrets']),
  };
  const given = namespaceFlag(flags);
  const namespace = given ? { namespace: given } : {};
  const report = checkDirectory(dir, {
    nodeAllocatable: node,
    nodes,
    context,
    prices: prices(flags),
    ...load,
    ...namespace,
    requireNamespace: Boolean(flags['require-namespace']),
  });
  // Written only when the run succeeds: a failed run leaves the last good report in place.
  const capacityOut = (code: number) => {
    const file = flags['capacity-out'] ? String(flags['capacity-out']) : undefined;
    if (file && code === 0) writeAll([[file, `${JSON.stringify(report.capacity, null, 2)}\n`]]);
    else if (file) err(`cluster-blueprints: ${escapeControls(file)} not written: the ${command} failed\n`);
    return code;
  };
  if (command === 'capacity') {
    // A file that could not be read leaves the figures short of its objects: name it, and fail, as check and diagram do.
    for (const e of report.fileErrors) err(escapeControls(`${e.file}: ${e.rule} ${e.message}`) + '\n');
    // So does a DaemonSet's count against a quota when the node count is unknown: its figures would be a guess.
    const unknownNodes = report.findings.filter((f) => f.rule === 'NODE_COUNT_UNKNOWN');
    for (const f of unknownNodes) err(escapeControls(`${f.file ?? dir}: ${f.rule} ${f.object} ${f.message} — ${f.fix}`) + '\n');
    out(
      flags.json
        ? safeJson({ ...report.capacity, ...(report.cost ? { cost: report.cost } : {}) })
        : `${formatReport(escapedData({ ...report, findings: [], fileErrors: [], errors: 0, warnings: 0 }), escapeControls(dir))}\n`,
    );
    return capacityOut(report.fileErrors.length || unknownNodes.length ? 1 : 0);
  }
  out(flags.json ? safeJson(report) : `${formatReport(escapedData(report), escapeControls(dir))}\n`);
  return capacityOut(report.errors > 0 ? 1 : 0);
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
