#!/usr/bin/env node
/*
 * The package's executable: grade, draw and size a directory of manifests.
 *   npx cluster-blueprints check <dir>... [--json] [--node-cpu 4 --node-memory 16Gi] [--nodes N] [--capacity-out file.json]
 *     (--nodes is required where a DaemonSet's namespace has a quota: the rule of synth, core/node-count.ts)
 *   npx cluster-blueprints diagram <dir> [--out file.svg]
 *   npx cluster-blueprints capacity <dir>... [--json] [--node-cpu … --node-memory …] [--nodes N]
 *   npx cluster-blueprints diff <before> <after> [--json] [--price-cpu N --price-memory-gib N --price-storage-gib N | --prices file.json]
 * Exit codes: 0 no errors; 1 errors found (check), breaking changes (diff) or a file could not be read; 2 usage error or bad input.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { distance } from 'fastest-levenshtein';
import { isDns1123Label } from '../constructs/core/names';
import { isPositiveQuantity } from '../constructs/core/quantity';
import {
  BlueprintError,
  FileError,
  formatIssue,
  RuleContext,
  UnitPrices,
  checkManifests,
  diffManifests,
  formatDiff,
  formatReport,
  loadManifests,
  parsePrices,
  renderSvg,
  toDot,
} from '../constructs';

export const USAGE = `Usage: cluster-blueprints <command> <path>... [options]

<path> is one YAML file or a directory (every .yaml/.yml under it, recursively).

Commands:
  check <path>...  Grade every YAML manifest of every path given (each finding names its
                   file; with several paths, by its path): Kubernetes schema (unknown fields
                   rejected), what the API server refuses, reliability, Pod Security
                   (baseline + restricted), namespace governance and cross-object
                   references; then the capacity report.
  diagram <path>   Write an SVG (and its DOT source) of namespaces, workloads, Services,
                   ingress routes, HPAs/PDBs, external mappings and allowed network paths.
  capacity <path>...
                   Only the capacity report (and the monthly cost per namespace and team
                   when prices are given or declared).
  diff <before> <after>
                   What applying <after> over <before> does: objects added, removed,
                   changed, and breaking (immutable fields, data holders removed or
                   renamed, reclaim policies), with the change in requested CPU,
                   memory and storage and its monthly cost.

Options (each command takes only its own; an unknown or misspelled flag is CLI_FLAG_INVALID,
exit 2, with the nearest flag suggested; \`--flag value\` and \`--flag=value\` both work):
  --json                 check, capacity, diff: machine-readable output on stdout.
  --node-cpu <qty>       check, capacity: allocatable CPU of one node (e.g. 3920m), for the node plan;
                         every pod must fit a node beside the DaemonSets (NODE_TOO_SMALL, an error).
  --node-memory <qty>    check, capacity: allocatable memory of one node (e.g. 14Gi).
  --nodes <n>            check, capacity: the most nodes the cluster runs (with an autoscaler, its
                         maximum): a DaemonSet runs a pod on each. Required when a DaemonSet's namespace
                         has a ResourceQuota (NODE_COUNT_UNKNOWN, synth's rule for a NodeAgent's
                         expectedNodes), since the quota must admit them all; otherwise 1.
  --capacity-out <file>  check, capacity: also write the capacity report as JSON, only when the run
                         succeeds.
  --out <file>           diagram: the SVG, default <path>.svg; the DOT source goes beside it
                         (x.svg → x.dot, any other name gains .dot: x.png → x.png.dot). Written only
                         when the run succeeds (every file is readable YAML).
                         An output file must not be empty or -, an existing directory or anything else
                         that is not a regular file (FIFO, device such as /dev/stdout, socket, dangling
                         link), one of the input files or inside an input directory (CLI_OUTPUT_INVALID,
                         exit 2); a symlink to a regular file is written through (the link stays).
  --require-secrets      check: every Secret a pod or Ingress names must be provided
                         (Secret, ExternalSecret target, cert-manager Certificate).
  --namespace <ns>       check, capacity: objects that name no namespace are checked in <ns>, as
                         \`kubectl apply -n <ns>\` would place them (by default they keep none).
  --require-namespace    check: a namespaced object without metadata.namespace is an error
                         (SCOPE_NAMESPACE_MISSING); off by default, since manifests written for
                         \`kubectl apply -n\` leave it out on purpose.
  --provided-secrets <ns/name,...>   check: Secrets made outside the manifests.
  --storage-classes <a,b>            check: StorageClasses the cluster already has.
  --secret-stores <a,ns/b,...>       check: External Secrets stores the cluster already has
                                     (ClusterSecretStore by name, SecretStore as ns/name).
  --max-file-size <bytes>            Larger files are skipped (default 16 MiB).
  --price-cpu <n>        check, capacity, diff: monthly price of one requested CPU core.
  --price-memory-gib <n> check, capacity, diff: monthly price of one GiB of requested memory.
  --price-storage-gib <n> check, capacity, diff: monthly price of one GiB of requested storage.
  --prices <file.json>   check, capacity, diff: {"cpu": n, "memoryGiB": n, "storageGiB": n}, each a
                         number from 0 to 1000000 and no other key (PRICES_INVALID otherwise, naming
                         keys, never showing values); not with the
                         --price-* flags. Else the cluster-blueprints.io/unit-prices annotation of the
                         manifests (of <after> for diff), held to the same rule.
  -h, --help             This help.
  --                     Ends the options: what follows are paths.

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

/** A flag that stands alone (`--json`) or takes a value (`--out x.svg`, `--out=x.svg`). */
type FlagKind = 'boolean' | 'value';
const PRICE_FLAGS = { 'price-cpu': 'value', 'price-memory-gib': 'value', 'price-storage-gib': 'value', prices: 'value' } as const;
const CAPACITY_FLAGS = {
  json: 'boolean',
  'node-cpu': 'value',
  'node-memory': 'value',
  nodes: 'value',
  'capacity-out': 'value',
  namespace: 'value',
  'max-file-size': 'value',
  ...PRICE_FLAGS,
} as const;

/**
 * The flags each command takes: any other is CLI_FLAG_INVALID, with the nearest known flag
 * suggested, never ignored (a typo such as `--require-secret` would drop what it asks for,
 * and swallow the argument after it).
 */
export const COMMAND_FLAGS: Readonly<Record<string, Readonly<Record<string, FlagKind>>>> = {
  check: {
    ...CAPACITY_FLAGS,
    'require-secrets': 'boolean',
    'require-namespace': 'boolean',
    'provided-secrets': 'value',
    'storage-classes': 'value',
    'secret-stores': 'value',
  },
  capacity: CAPACITY_FLAGS,
  diagram: { out: 'value', 'max-file-size': 'value' },
  diff: { json: 'boolean', 'max-file-size': 'value', ...PRICE_FLAGS },
};
/** How many paths each command reads: check and capacity read every path given (a CI glob such as `dist/*\/`). */
const PATHS: Readonly<Record<string, readonly [min: number, max: number]>> = {
  check: [1, Infinity],
  capacity: [1, Infinity],
  diagram: [1, 1],
  diff: [2, 2],
};
const ALL_FLAGS: Readonly<Record<string, FlagKind>> = Object.assign({}, ...Object.values(COMMAND_FLAGS));
/** Whether `table` names `flag` itself (`--constructor` and `--__proto__` are no flags, whatever Object.prototype holds). */
const has = (table: object, flag: string) => Object.prototype.hasOwnProperty.call(table, flag);

type Flags = Record<string, string | boolean>;

interface Args {
  command?: string;
  paths: string[];
  flags: Flags;
  help: boolean;
}

function flagError(flag: string, value: unknown, message: string, fix: string): BlueprintError {
  // `got …` only for a value that was given.
  return new BlueprintError({ code: 'CLI_FLAG_INVALID', path: '', field: flag, ...(value === undefined ? {} : { value }), message, fix });
}

/** The known flag nearest to `name` (at most a third of its letters off), if any. */
function nearest(name: string, known: readonly string[]): string | undefined {
  const scored = known.map((k) => [k, distance(name, k)] as const).sort((a, b) => a[1] - b[1]);
  return scored.length && scored[0][1] <= Math.max(2, Math.floor(name.length / 3)) ? scored[0][0] : undefined;
}

/**
 * Reads the arguments: `--flag value`, `--flag=value`, boolean flags alone (or `=true`/`=false`),
 * `--` ends the flags. Throws CLI_FLAG_INVALID for a flag no command has, a valued flag without
 * a value, a boolean flag given a value other than true/false, or a flag given twice.
 */
export function parseArgs(argv: readonly string[]): Args {
  // No prototype: a flag's name is a key, and no key may reach Object.prototype.
  const flags: Flags = Object.create(null);
  const positional: string[] = [];
  let help = false;
  let flagsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (flagsEnded || a === '-' || !a.startsWith('-') || /^-\d/.test(a)) {
      positional.push(a);
      continue;
    }
    if (a === '--') {
      flagsEnded = true;
      continue;
    }
    if (a === '-h' || a === '--help') {
      help = true;
      continue;
    }
    const eq = a.indexOf('=');
    const name = (eq < 0 ? a : a.slice(0, eq)).replace(/^-+/, '');
    const shown = `--${name}`;
    const kind = has(ALL_FLAGS, name) ? ALL_FLAGS[name] : undefined;
    if (!kind) {
      const near = nearest(name, Object.keys(ALL_FLAGS));
      throw flagError(
        escapeControls(a.slice(0, eq < 0 ? undefined : eq)),
        undefined,
        'is not a flag',
        near ? `did you mean --${near}? (--help lists the flags)` : 'see --help for the flags',
      );
    }
    if (!a.startsWith('--') || a.startsWith('---'))
      throw flagError(
        escapeControls(a.slice(0, eq < 0 ? undefined : eq)),
        undefined,
        'is not a flag (flags start with exactly --)',
        `write ${shown}`,
      );
    if (has(flags, name)) throw flagError(shown, undefined, 'is given twice', `give ${shown} once`);
    if (kind === 'boolean') {
      const v = eq < 0 ? 'true' : a.slice(eq + 1);
      if (v !== 'true' && v !== 'false') throw flagError(shown, v, 'takes no value other than true or false', `write ${shown} alone`);
      if (v === 'true') flags[name] = true;
      else flags[name] = false;
      continue;
    }
    const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
    // A flag in place of the value (`--capacity-out --json`): the value was forgotten, not meant to be `--json`.
    // Nor is a blank value one (`--price-cpu=`): Number('') is 0, an empty --node-cpu was dropped, an empty limit skips every file.
    if (value === undefined || (eq < 0 && value.startsWith('--')) || value.trim() === '')
      throw flagError(shown, value, 'needs a value', `write ${shown} <value> or ${shown}=<value>`);
    flags[name] = value;
  }
  return { command: positional[0], paths: positional.slice(1), flags, help };
}

/** Runs the CLI; returns the exit code. Output goes through `out`/`err`. */
export async function run(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const fail = (e: unknown, command = 'run', what = '') => {
    // Never a stack trace: one line per problem that says what failed.
    const lines =
      e instanceof BlueprintError
        ? // e.issues carries `value: undefined` where none was given; its message (and so each line here) says `got …` only for one given.
          e.issues.map(({ value, ...i }) => formatIssue(value === undefined ? i : { ...i, value }))
        : [`could not ${command} ${what}: ${(e as Error)?.message ?? String(e)}`];
    for (const line of lines) err(`cluster-blueprints: ${escapeControls(line)}\n`);
    return 2;
  };
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    // --help anywhere still answers: it is what one types after a refused flag.
    if (argv.includes('--help') || argv.includes('-h')) {
      out(USAGE);
      return 0;
    }
    return fail(e);
  }
  const { command, paths, flags } = args;
  if (args.help) {
    out(USAGE);
    return 0;
  }
  if (!command || !has(COMMAND_FLAGS, command) || paths.length < PATHS[command][0]) {
    err(USAGE);
    return 2;
  }
  try {
    checkUsage(command, paths, flags);
  } catch (e) {
    return fail(e);
  }
  for (const p of paths) {
    const problem = unusablePath(p);
    if (problem) {
      err(`cluster-blueprints: ${escapeControls(p)} ${problem}\n`);
      return 2;
    }
  }
  try {
    return await dispatch(command, paths, flags, out, err);
  } catch (e) {
    return fail(e, command, paths.join(' '));
  }
}

/** The flags and paths `command` takes: CLI_FLAG_INVALID for a flag of another command, CLI_ARGS_INVALID for paths. */
function checkUsage(command: string, paths: readonly string[], flags: Flags): void {
  const known = COMMAND_FLAGS[command];
  for (const name of Object.keys(flags))
    if (!has(known, name)) {
      const near = nearest(name, Object.keys(known));
      const owners = Object.keys(COMMAND_FLAGS).filter((c) => has(COMMAND_FLAGS[c], name));
      throw flagError(
        `--${name}`,
        undefined,
        `is not a flag of ${command} (it is one of ${owners.join(', ')})`,
        near && near !== name
          ? `did you mean --${near}?`
          : `remove it; ${command} takes ${Object.keys(known)
              .map((k) => `--${k}`)
              .join(', ')}`,
      );
    }
  const [, max] = PATHS[command];
  if (paths.length > max)
    throw new BlueprintError({
      code: 'CLI_ARGS_INVALID',
      path: '',
      field: escapeControls(paths[max]),
      message: `is one path too many: ${command} takes ${max === 1 ? 'one path' : `${max} paths`}`,
      fix:
        command === 'diff'
          ? 'give the before and the after, each one file or directory'
          : `run ${command} once per path (check and capacity take several)`,
    });
  // One file read twice would be its own duplicate (OBJECT_DUPLICATE) and count twice in capacity.
  const real = paths.map(realOrSelf);
  for (let i = 0; i < paths.length; i++)
    for (let j = 0; j < paths.length; j++) {
      if (i === j || command === 'diff') continue;
      const twice = real[i] === real[j] && i > j;
      if (twice || real[i].startsWith(real[j] + path.sep))
        throw new BlueprintError({
          code: 'CLI_ARGS_INVALID',
          path: '',
          field: escapeControls(paths[i]),
          message: twice
            ? `is given twice (as ${escapeControls(paths[j])} too)`
            : `is inside ${escapeControls(paths[j])}, which is read as well`,
          fix: 'give each file or directory once',
        });
    }
}

/** `p` with symlinks resolved, else as given (made absolute). */
function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
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

/** A plain decimal number (`20`, `0.5`, `1e3`): no sign, no space around it, no hex (`Number` reads `' 0x10 '` as 16). */
const DECIMAL = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function number(flags: Record<string, string | boolean>, name: string): number | undefined {
  if (flags[name] === undefined) return undefined;
  const text = String(flags[name]);
  const n = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n < 0) throw flagError(`--${name}`, flags[name], 'must be a non-negative number', `e.g. --${name} 20`);
  return n;
}

/** A whole-number flag (`--nodes`): at least `min`, else the CLI's flag error (never a silent 0 or NaN passed on). */
function count(flags: Record<string, string | boolean>, name: string, min: number, example = 3): number | undefined {
  if (flags[name] === undefined) return undefined;
  const text = String(flags[name]);
  // Written plainly: `'3 '` is a quoting slip of a script, refused like any other text that is no number.
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw flagError(`--${name}`, flags[name], `must be a whole number of at least ${min}`, `e.g. --${name} ${example}`);
  return n;
}

/**
 * `--node-cpu` and `--node-memory`: the allocatable size of one node, each a quantity above zero (a node of 0 CPU
 * made the plan `Infinity` nodes, exit 0). One given alone is left to the capacity report, which says the other is missing.
 */
function nodeSize(flags: Flags): { cpu: string; memory: string } | undefined {
  const names = ['node-cpu', 'node-memory'] as const;
  if (names.every((n) => flags[n] === undefined)) return undefined;
  for (const n of names)
    if (flags[n] !== undefined && !isPositiveQuantity(String(flags[n])))
      throw flagError(
        `--${n}`,
        flags[n],
        'must be a quantity above zero (a node of none holds no pod)',
        `give the allocatable ${n === 'node-cpu' ? 'CPU of one node, e.g. --node-cpu 3920m' : 'memory of one node, e.g. --node-memory 14Gi'}`,
      );
  return { cpu: String(flags['node-cpu'] ?? ''), memory: String(flags['node-memory'] ?? '') };
}

/** `--namespace`: a namespace name is a DNS-1123 label (apimachinery ValidateNamespaceName), else the CLI's flag error. */
function namespaceFlag(flags: Record<string, string | boolean>): string | undefined {
  if (flags.namespace === undefined) return undefined;
  const ns = String(flags.namespace);
  if (!isDns1123Label(ns) || ns === '')
    throw flagError(
      '--namespace',
      flags.namespace,
      'is not a valid namespace name (a DNS-1123 label)',
      "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. --namespace shop",
    );
  return ns;
}

/** The largest prices file read (a few keys of JSON; a bigger file is not one). */
const MAX_PRICES_BYTES = 64 * 1024;

function pricesError(message: string, fix: string, field = '--prices'): BlueprintError {
  return new BlueprintError({ code: 'PRICES_INVALID', path: '', field, message, fix });
}

/**
 * The unit prices of `--prices file.json` or of the `--price-*` flags (never both), held to the
 * library's one rule (PRICES_SHAPE): known keys only, each a finite number ≥ 0. The file's content
 * is never printed (a wrong path may name a credentials file).
 */
function prices(flags: Flags): UnitPrices | undefined {
  const perUnit = ['price-cpu', 'price-memory-gib', 'price-storage-gib'];
  if (flags.prices !== undefined) {
    const given = perUnit.filter((n) => flags[n] !== undefined);
    if (given.length)
      throw flagError(
        '--prices',
        undefined,
        `is given with --${given[0]}: the two would disagree`,
        'give either --prices or the --price-* flags',
      );
    const file = String(flags.prices);
    let text: string;
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) throw pricesError(`is not a regular file`, 'give a JSON file such as {"cpu": 20, "memoryGiB": 3}');
      if (st.size > MAX_PRICES_BYTES)
        throw pricesError(`is ${st.size} bytes, more than a prices file holds`, 'give the JSON file of unit prices');
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if (e instanceof BlueprintError) throw e;
      throw pricesError(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, `check the path ${escapeControls(file)}`);
    }
    const parsed = parsePrices(text, '--prices');
    if ('issues' in parsed) throw new BlueprintError(parsed.issues.map((i) => ({ ...i, code: 'PRICES_INVALID', path: '' })));
    return parsed.prices;
  }
  const [cpu, memoryGiB, storageGiB] = perUnit.map((n) => number(flags, n));
  return cpu === undefined && memoryGiB === undefined && storageGiB === undefined ? undefined : { cpu, memoryGiB, storageGiB };
}

function outputError(flag: string, file: string, message: string, fix: string): BlueprintError {
  return new BlueprintError({ code: 'CLI_OUTPUT_INVALID', path: '', field: flag, value: escapeControls(file), message, fix });
}

/**
 * Refuses, before anything is read, an output file the run must not write: empty or `-` (the CLI writes outputs to
 * files only; stdout carries the report), an existing directory, anything else that is not a regular file (a FIFO, a
 * device such as /dev/stdout, a socket: the atomic rename of writeAll would put a plain file in its place, and a
 * reader of the FIFO would wait forever), in a directory that does not exist, or one of the inputs (a file given, or
 * any file under a directory given; an output there would replace a manifest, or be read as one next time).
 * A symbolic link is followed: the file written is its target (a regular file, or none yet), never the link replaced.
 * Returns that file, the one writeAll renames over, and the one judged: the real path of its directory, plus its name.
 */
function checkOutput(flag: string, file: string, inputs: readonly string[]): string {
  if (file.trim() === '') throw outputError(flag, file, 'is empty', `name the file to write, or leave ${flag} out`);
  if (file === '-')
    throw outputError(flag, file, 'is -: outputs are written to files only', `name a file; --json prints the report on stdout`);
  let link: fs.Stats | undefined;
  try {
    link = fs.lstatSync(file);
  } catch {
    link = undefined;
  }
  let written = file;
  let st: fs.Stats | undefined;
  try {
    if (link?.isSymbolicLink()) written = fs.realpathSync(file);
    st = fs.statSync(written);
  } catch {
    // A dangling link, or one to no path (/proc/self/fd/1 of a pipe resolves to `pipe:[…]`): where the rename would land is no file.
    if (link?.isSymbolicLink())
      throw outputError(flag, file, 'is a symbolic link to no file that can be written', 'name a regular file, or remove the link');
    st = undefined;
  }
  if (st?.isDirectory())
    throw outputError(
      flag,
      file,
      'is a directory',
      `name a file in it, e.g. ${escapeControls(path.join(file, flag === '--out' ? 'diagram.svg' : 'capacity.json'))}`,
    );
  if (st && !st.isFile())
    throw outputError(
      flag,
      file,
      `is not a regular file (a FIFO, device or socket${written === file ? '' : `, through a link to ${escapeControls(written)}`}): it would be replaced by one`,
      'name a regular file (written atomically when the run succeeds); --json prints the report on stdout',
    );
  let dir: string;
  try {
    dir = fs.realpathSync(path.dirname(written));
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch {
    throw outputError(flag, file, 'is in a directory that does not exist', `create ${escapeControls(path.dirname(written))} first`);
  }
  const target = path.join(dir, path.basename(written));
  for (const input of inputs) {
    const real = realOrSelf(input);
    if (target === real || target.startsWith(real + path.sep))
      throw outputError(
        flag,
        file,
        target === real ? `is ${escapeControls(input)}, an input of this run` : `is inside ${escapeControls(input)}, an input of this run`,
        `give ${flag} a file outside the files and directories being read`,
      );
  }
  return target;
}

/** The DOT file written beside the diagram: `x.svg` → `x.dot`, any other name gains `.dot` (`x.png` → `x.png.dot`), so the two never share a file. */
export function dotFileOf(target: string): string {
  return /\.svg$/i.test(target) ? target.replace(/\.svg$/i, '.dot') : `${target}.dot`;
}

/**
 * Writes each `[flag, given, text, file]` atomically to `file` (checkOutput's answer for the `given` name: a link's
 * target, never the link): first every text to a temporary file of its own
 * beside its target (same directory, so the rename stays on one file system), then each renamed
 * over its target. A failed write removes the temporary files and leaves every target as it was;
 * a reader never sees half a file. A failure is CLI_OUTPUT_UNWRITABLE, naming the flag and file.
 */
function writeAll(outputs: readonly (readonly [flag: string, given: string, text: string, file: string])[]): void {
  const staged: [string, string][] = [];
  let current: readonly [string, string, string, string] | undefined;
  try {
    for (const [i, o] of outputs.entries()) {
      current = o;
      const [, , text, file] = o;
      const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${i}.${randomBytes(6).toString('hex')}.tmp`);
      fs.writeFileSync(tmp, text, { flag: 'wx' });
      staged.push([tmp, file]);
    }
    for (const [i, [tmp, file]] of staged.entries()) {
      current = outputs[i];
      fs.renameSync(tmp, file);
    }
  } catch (e) {
    const [flag, file] = current ?? ['--out', ''];
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new BlueprintError({
      code: 'CLI_OUTPUT_UNWRITABLE',
      path: '',
      field: flag,
      value: escapeControls(file),
      message: `could not be written (${code})`,
      fix:
        code === 'EACCES' || code === 'EPERM'
          ? 'write it where you may write, or fix the permissions'
          : 'name a writable file in an existing directory',
    });
  } finally {
    for (const [tmp] of staged) fs.rmSync(tmp, { force: true });
  }
}

/** Loads every path; with several, each file is named by its path (`dist/prod/a.yaml`), so a finding says which. */
function loadAll(paths: readonly string[], load: { maxFileBytes?: number }) {
  const objects: { file: string; object: unknown; at: string }[] = [];
  const errors: FileError[] = [];
  for (const p of paths) {
    const named = (f: string) => (paths.length > 1 && fs.statSync(p).isDirectory() ? path.join(p, f) : f);
    const r = loadManifests(p, load);
    for (const o of r.objects) objects.push({ ...o, file: named(o.file) });
    for (const e of r.errors) errors.push({ ...e, file: named(e.file) });
  }
  return { objects, errors };
}

async function dispatch(
  command: string,
  paths: readonly string[],
  flags: Flags,
  out: (s: string) => void,
  err: (s: string) => void,
): Promise<number> {
  const [dir, second] = paths;
  // At least one byte: a limit of 0 skips every file, and the run reports nothing found.
  const load = { maxFileBytes: count(flags, 'max-file-size', 1, 1048576) };
  if (command === 'diff') {
    const unitPrices = prices(flags);
    const [a, b] = [loadManifests(dir, load), loadManifests(second, load)];
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
      unitPrices,
    );
    out(flags.json ? safeJson(report) : `${formatDiff(escapedData(report))}\n`);
    return report.breaking > 0 ? 1 : 0;
  }
  const node = nodeSize(flags);
  const nodes = count(flags, 'nodes', 1);
  if (command === 'diagram') {
    const target = flags.out !== undefined ? String(flags.out) : `${dir.replace(/\/+$/, '')}.svg`;
    const dotFile = dotFileOf(target);
    const writtenSvg = checkOutput('--out', target, paths);
    const writtenDot = checkOutput('--out', dotFile, paths);
    // Through links, the SVG and its DOT source may name one file: the second would replace the first.
    if (writtenDot === writtenSvg)
      throw outputError(
        '--out',
        target,
        `is the same file as ${escapeControls(dotFile)}, where the DOT source goes`,
        'name the SVG and its .dot apart',
      );
    const { objects, errors } = loadManifests(dir, load);
    for (const e of errors) err(escapeControls(`${e.file}: ${e.rule} ${e.message}`) + '\n');
    if (errors.length) {
      err(`cluster-blueprints: ${escapeControls(target)} not written: the diagram failed (see the file errors above)\n`);
      return 1;
    }
    const dot = toDot(
      objects.map((o) => o.object),
      path.basename(dir),
    );
    writeAll([
      ['--out', dotFile, dot, writtenDot],
      ['--out', target, await renderSvg(dot), writtenSvg],
    ]);
    out(`diagram: ${escapeControls(target)} (${objects.length} objects; DOT ${escapeControls(dotFile)})\n`);
    return 0;
  }
  const capacityFile = flags['capacity-out'] !== undefined ? String(flags['capacity-out']) : undefined;
  const capacityWritten = capacityFile === undefined ? undefined : checkOutput('--capacity-out', capacityFile, paths);
  const context: RuleContext = {
    secretsMustBeProvided: Boolean(flags['require-secrets']),
    existingStorageClasses: list(flags['storage-classes']),
    existingSecretStores: list(flags['secret-stores']),
    externalSecrets: list(flags['provided-secrets']),
  };
  const given = namespaceFlag(flags);
  const namespace = given ? { namespace: given } : {};
  const unitPrices = prices(flags);
  const { objects, errors } = loadAll(paths, load);
  const report = checkManifests(
    objects.map((o) => o.object),
    {
      nodeAllocatable: node,
      nodes,
      context,
      ...(unitPrices ? { prices: unitPrices } : {}),
      ...namespace,
      requireNamespace: Boolean(flags['require-namespace']),
    },
    objects.map((o) => o.file),
    errors,
    objects.map((o) => o.at),
  );
  const title = escapeControls(paths.join(', '));
  // Written only when the run succeeds: a failed run leaves the last good report in place.
  const capacityOut = (code: number) => {
    if (capacityFile !== undefined && code === 0)
      writeAll([['--capacity-out', capacityFile, `${JSON.stringify(report.capacity, null, 2)}\n`, capacityWritten!]]);
    else if (capacityFile !== undefined) err(`cluster-blueprints: ${escapeControls(capacityFile)} not written: the ${command} failed\n`);
    return code;
  };
  if (command === 'capacity') {
    // A file that could not be read leaves the figures short of its objects: name it, and fail, as check and diagram do.
    for (const e of report.fileErrors) err(escapeControls(`${e.file}: ${e.rule} ${e.message}`) + '\n');
    // So does a DaemonSet's count against a quota when the node count is unknown, or declared prices that do not fit:
    // the figures would be a guess. And a pod no node of the size given can run: there is no node count to give.
    const fatal = report.findings.filter((f) => ['NODE_COUNT_UNKNOWN', 'PRICES_INVALID', 'NODE_TOO_SMALL'].includes(f.rule));
    for (const f of fatal) err(escapeControls(`${f.file ?? dir}: ${f.rule} ${f.object} ${f.message} — ${f.fix}`) + '\n');
    out(
      flags.json
        ? safeJson({ ...report.capacity, ...(report.cost ? { cost: report.cost } : {}) })
        : `${formatReport(escapedData({ ...report, findings: [], fileErrors: [], errors: 0, warnings: 0 }), title)}\n`,
    );
    return capacityOut(report.fileErrors.length || fatal.length ? 1 : 0);
  }
  out(flags.json ? safeJson(report) : `${formatReport(escapedData(report), title)}\n`);
  return capacityOut(report.errors > 0 ? 1 : 0);
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
