import { IssueInput } from '../core/errors';
import { envVarNameIssue } from '../core/names';

/*
 * What the container runtime and Linux refuse in the strings a container's exec
 * gets (argv, envp, an exec probe's or hook's command): a NUL inside one, one
 * over MAX_ARG_STRLEN, all together over ARG_MAX. One home for the typed
 * containers (container.ts) and the catalogue rules over rendered pods
 * (rules/pod-api.ts, rules/api-server.ts), so both judge alike.
 */

/**
 * The longest string execve takes in argv or envp, its terminating NUL
 * included: Linux MAX_ARG_STRLEN, 32 pages (4 KiB pages: x86-64 and the usual
 * arm64 kernels). A longer one fails the exec with E2BIG: the container never starts.
 */
const MAX_ARG_STRLEN = 32 * 4096;
/**
 * What execve takes for argv and envp together, strings and pointers: a quarter
 * of the stack rlimit (bprm_stack_limits), 2 MiB with the default 8 MiB stack.
 * The runtime's and the image's own env come on top, so more is never room.
 */
const ARG_MAX_DEFAULT = 2 * 1024 * 1024;
const POINTER_BYTES = 8;

/** The bytes execve copies for one argv/envp string: its UTF-8 bytes and the NUL. */
function execBytes(text: string): number {
  return Buffer.byteLength(text, 'utf8') + 1;
}

/**
 * Where an argv or envp string holds a NUL, as the issue's message: execve takes C strings, and the runtime
 * (runc, through Go's BytePtrFromString) refuses one with a NUL inside (invalid argument): the container never
 * starts, or the probe or hook never runs.
 */
function nulMessage(text: string, what: string): string | undefined {
  const at = text.indexOf('\0');
  return at < 0
    ? undefined
    : `holds a NUL character (at ${at}) in ${what}: execve takes C strings and the runtime refuses one with a NUL inside (invalid argument), so that exec always fails`;
}

/**
 * The issues of the command of an exec probe or hook: core validation
 * validateExecAction requires one, and the runtime cannot exec an empty
 * program name (`exec: "": executable file not found`) nor a string with a NUL.
 */
export function execCommandIssues(code: string, field: string, command: readonly unknown[], example: readonly string[]): IssueInput[] {
  const fix = `give the command to run, e.g. ${JSON.stringify(example).replace(/"/g, "'").replace(/,/g, ', ')}`;
  if (command.length === 0) return [{ code, field, value: [], message: 'is empty; the API server requires a command', fix }];
  return [...programIssues(code, field, command, fix), ...nulArgIssues(code, field, command)];
}

/** COMMAND_INVALID for a container command whose program is `''` (see programIssues): the typed containers' and the rule's. */
export function containerProgramIssues(field: string, command: readonly unknown[] | undefined): IssueInput[] {
  return programIssues(
    'COMMAND_INVALID',
    field,
    command,
    "name the program, e.g. ['/app/server'], or leave command unset for the image's entrypoint",
  );
}

/** A command whose program (its first word) is `''`, which the container runtime cannot exec. */
export function programIssues(code: string, field: string, command: readonly unknown[] | undefined, fix: string): IssueInput[] {
  if (command?.[0] !== '') return [];
  return [
    { code, field: `${field}[0]`, value: '', message: "is the program to run, but empty: the container runtime cannot exec ''", fix },
  ];
}

/** An issue at `field[i]` for each string of an argv list that holds a NUL (see nulMessage); the value is not echoed. */
function nulArgIssues(code: string, field: string, list: readonly unknown[]): IssueInput[] {
  const out: IssueInput[] = [];
  list.forEach((arg, i) => {
    const message = typeof arg === 'string' ? nulMessage(arg, 'the argument') : undefined;
    if (message) out.push({ code, field: `${field}[${i}]`, value: '<redacted>', message, fix: 'remove the NUL character' });
  });
  return out;
}

/** An env var whose value is known where it is judged: the field it is set at and, for a ConfigMap's, which one. */
export interface KnownEnvVar {
  readonly value: string;
  readonly field: string;
  readonly from?: string;
}

/** An `envFrom` ConfigMap whose data is at hand, with the `prefix` the kubelet puts before each key. */
export interface KnownEnvSource {
  readonly data: Readonly<Record<string, unknown>>;
  readonly prefix?: string;
  readonly field: string;
  readonly from: string;
}

/** One `env` entry, by name; `value` is undefined when it is not known here (a Secret's, the Downward API's). */
export interface EnvEntry {
  readonly name: string;
  readonly value: string | undefined;
  readonly field: string;
  readonly from?: string;
}

/**
 * The env the kubelet builds from `envFrom` and `env` where its values are known
 * (kubelet makeEnvironmentVariables): each known ConfigMap's keys in order (a later
 * source wins; a name that is no env var name is skipped), then `env`, which wins
 * over them. Each name with its value and the field it comes from.
 */
export function knownEnv(sources: readonly (KnownEnvSource | undefined)[], env: readonly EnvEntry[]): Map<string, KnownEnvVar> {
  const out = new Map<string, KnownEnvVar>();
  for (const source of sources) {
    if (!source) continue;
    for (const [key, value] of Object.entries(source.data)) {
      const name = `${source.prefix ?? ''}${key}`;
      if (typeof value === 'string' && !envVarNameIssue('', name)) out.set(name, { value, field: source.field, from: source.from });
    }
  }
  for (const e of env) {
    out.delete(e.name);
    if (e.value !== undefined) out.set(e.name, { value: e.value, field: e.field, ...(e.from ? { from: e.from } : {}) });
  }
  return out;
}

/**
 * ENV_INVALID for an env var whose known value holds a NUL, or whose `NAME=value`
 * string (the form execve gets, NUL included) is over MAX_ARG_STRLEN. `from`
 * names where the value comes from. The value is never echoed.
 */
export function envStringIssue(field: string, name: string, value: string | undefined, from?: string): IssueInput | undefined {
  if (typeof value !== 'string') return undefined;
  const nul = nulMessage(value, `the value of ${name}`);
  if (nul) return { code: 'ENV_INVALID', field, value: '<redacted>', message: nul, fix: 'remove the NUL character from the value' };
  const bytes = execBytes(`${name}=${value}`);
  if (bytes <= MAX_ARG_STRLEN) return undefined;
  return {
    code: 'ENV_INVALID',
    field,
    value: `${bytes} bytes`,
    message: `is ${bytes} bytes as the "${name}=…" string execve gets (its NUL included${from ? `, its value from ${from}` : ''}): Linux refuses one over ${MAX_ARG_STRLEN} (MAX_ARG_STRLEN), so the container never starts (E2BIG)`,
    fix: 'put large content in a file: a ConfigMap mounted as a volume, read by the app',
  };
}

/** What a container's exec gets, as far as it is known where it is judged. */
export interface ExecStrings {
  /** `command`, then `args`: each list at its field. */
  readonly argv: readonly { readonly field: string; readonly list: readonly unknown[] }[];
  /** The env whose values are known (see knownEnv). */
  readonly env: ReadonlyMap<string, KnownEnvVar>;
  /** Where a total over ARG_MAX is reported when the env is the larger side, and when argv is. */
  readonly envField: string;
  readonly argvField: string;
  /** Whether ConfigMaps gave part of the env (said in the total's message). */
  readonly fromConfigMaps: boolean;
}

/**
 * The argv and envp strings a container's exec would get that Linux or the
 * runtime refuses: a NUL inside one, each over MAX_ARG_STRLEN, else all together
 * over ARG_MAX_DEFAULT. Argv issues get `argvCode`, env ones ENV_INVALID.
 */
export function execStringIssues(s: ExecStrings, argvCode: string): IssueInput[] {
  const issues: IssueInput[] = [];
  let argv = 0;
  let envp = 0;
  for (const { field, list } of s.argv) {
    issues.push(...nulArgIssues(argvCode, field, list));
    list.forEach((arg, i) => {
      if (typeof arg !== 'string') return;
      const bytes = execBytes(arg);
      argv += bytes + POINTER_BYTES;
      if (bytes > MAX_ARG_STRLEN)
        issues.push({
          code: argvCode,
          field: `${field}[${i}]`,
          value: `${bytes} bytes`,
          message: `is ${bytes} bytes with its NUL: Linux execve refuses an argument over ${MAX_ARG_STRLEN} (MAX_ARG_STRLEN), so the container never starts (E2BIG)`,
          fix: 'put large content in a file: a ConfigMap mounted as a volume, named by the argument',
        });
    });
  }
  for (const [name, known] of s.env) {
    const issue = envStringIssue(known.field, name, known.value, known.from);
    if (issue) issues.push(issue);
    envp += execBytes(`${name}=${known.value}`) + POINTER_BYTES;
  }
  if (issues.length === 0 && argv + envp > ARG_MAX_DEFAULT) {
    const envSide = envp >= argv;
    issues.push({
      code: envSide ? 'ENV_INVALID' : argvCode,
      field: envSide ? s.envField : s.argvField,
      value: `${argv + envp} bytes`,
      message: `makes, with the ${envSide ? 'command and args' : 'env'}, ${argv + envp} bytes of argv and envp (strings, NULs and pointers${s.fromConfigMaps ? ', the env from ConfigMaps included' : ''}): Linux execve refuses more than ${ARG_MAX_DEFAULT} (a quarter of the default 8 MiB stack), so the container never starts (E2BIG)`,
      fix: 'put large content in files: a ConfigMap mounted as a volume',
    });
  }
  return issues;
}
