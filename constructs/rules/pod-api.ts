import { IssueInput } from '../core/errors';
import { Cpu, Memory, Storage } from '../core/quantity';
import { COMPUTE_RESOURCES, ResolvedCompute, zeroComputeIssues } from '../core/resources';
import { pointerPart } from '../core/names';
import { absolutePathIssue, isSet, text } from '../core/value-issues';
import { hostPathIssue } from '../config/volume';
import { probeIssues, subPathIssues } from '../workloads/container';
import { TIMEZONE_FIX, cronScheduleIssue, timeZoneError } from '../workloads/cron-schedule';
import {
  EnvEntry,
  ExecStrings,
  KnownEnvSource,
  containerProgramIssues,
  execCommandIssues,
  execStringIssues,
  knownEnv,
} from '../workloads/exec-strings';
import { ManifestIndex, PodTemplateRef, arr, isContainer } from './manifest-index';
import { podSpecPointer } from './pod-security';
import { Rule, Violation, issueViolation, v } from './rule';

/*
 * What the API server, the kubelet or the runtime refuses in a pod or CronJob,
 * which the typed constructs refuse when built: these rules hold every other
 * object (raw ApiObjects, included YAML, foreign manifests) to the same rule,
 * with the construct's code.
 */

/** The Secret types the kubelet reads image pull credentials from (anything else is skipped: ImagePullBackOff). */
export const PULL_SECRET_TYPES: readonly string[] = ['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg'];

const isObject = (o: unknown): o is Record<string, any> => typeof o === 'object' && o !== null && !Array.isArray(o);

/** Each container of a template with its pointer into the owner, init containers first. */
export function containers(t: PodTemplateRef): { c: any; at: string; init: boolean }[] {
  const base = podSpecPointer(t.owner.kind);
  return (['initContainers', 'containers'] as const).flatMap((list) =>
    arr(t.spec[list]).flatMap((c, i) => (isContainer(c) ? [{ c, at: `${base}/${list}/${i}`, init: list === 'initContainers' }] : [])),
  );
}

const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;

/**
 * Init containers that run to completion (no `restartPolicy: Always`) may carry
 * no probe and no lifecycle: core validation validateInitContainers refuses
 * them ("may not be set for init containers without restartPolicy=Always"),
 * as the typed workloads do (workload.ts initContainerIssues).
 */
function initContainerViolations(ix: ManifestIndex, fields: readonly string[]): Violation[] {
  return ix.templates.flatMap((t) =>
    containers(t)
      .filter(({ c, init }) => init && c.restartPolicy !== 'Always')
      .flatMap(({ c, at }) =>
        fields
          .filter((f) => c[f] !== undefined && c[f] !== null)
          .map((f) =>
            v(
              t.owner,
              `${at}/${f}`,
              `init container '${c.name}' sets ${f}, which the API server refuses on an init container without restartPolicy: Always (it runs to completion before the app starts)`,
            ),
          ),
      ),
  );
}

/** A quantity the typed parsers read, or, for one they refuse but the API takes (cpu '0Mi'), whether it is zero. */
function amount(key: (typeof COMPUTE_RESOURCES)[number][0], raw: unknown): ResolvedCompute[typeof key] | undefined {
  const parse = { cpu: Cpu.parse, memory: Memory.parse, ephemeralStorage: Storage.parse }[key] as (x: unknown) => any;
  try {
    return parse(raw);
  } catch {
    // apimachinery Quantity: a zero mantissa with any suffix or exponent is 0 (badly formed quantities are the schema's).
    return typeof raw === 'string' && /^[+-]?(0+\.?0*|\.0+)([numkMGTPE]|[KMGTPE]i|[eE][+-]?\d+)?$/.test(raw) ? parse('0') : undefined;
  }
}

/** The amounts of a rendered requests or limits map that the typed parsers read (or zero). */
export function resolved(m: unknown): ResolvedCompute {
  const out: Record<string, unknown> = {};
  if (isObject(m))
    for (const [key, name] of COMPUTE_RESOURCES)
      if (m[name] !== undefined && m[name] !== null) {
        const a = amount(key, m[name]);
        if (a) out[key] = a;
      }
  return out as ResolvedCompute;
}

/** `resources.limits.ephemeralStorage` (an issue field of zeroComputeIssues) as a pointer below the container. */
export function issuePointer(at: string, issue: IssueInput): string {
  const [, side, key] = issue.field.split('.');
  const name = COMPUTE_RESOURCES.find(([k]) => k === key)?.[1] ?? key;
  return `${at}/resources/${side}/${name}`;
}

function zeroQuantityViolations(ix: ManifestIndex): Violation[] {
  return ix.templates.flatMap((t) =>
    containers(t).flatMap(({ c, at }) =>
      zeroComputeIssues('resources', resolved(c.resources?.requests), resolved(c.resources?.limits)).map((issue) =>
        v(t.owner, issuePointer(at, issue), `container '${c.name}' ${issue.field} ${issue.message}`, issue.fix),
      ),
    ),
  );
}

/** The type of the Secret `name` in `ns` as the input makes it (a v1 Secret, or an ExternalSecret's target), if the input makes it. */
function secretType(ix: ManifestIndex, ns: string | undefined, name: string): string | undefined {
  const secret = ix.get('Secret', ns, name);
  if (secret?.apiVersion === 'v1') return typeof secret.type === 'string' && secret.type !== '' ? secret.type : 'Opaque';
  const es = ix
    .ofKindIn('ExternalSecret', ns)
    .find((o) => String(o.apiVersion).startsWith('external-secrets.io/') && (o.spec?.target?.name ?? o.metadata?.name) === name);
  if (!es) return undefined;
  const type = es.spec?.target?.template?.type;
  return typeof type === 'string' && type !== '' ? type : 'Opaque';
}

/** `tolerations[0].tolerationSeconds` (an issue field) as a JSON pointer below `base`. */
export function pointerOf(base: string, field: string): string {
  const parts = field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((p) => p !== '');
  return [base, ...parts.map(pointerPart)].join('/');
}

/** The issue's message, saying that the API server refuses `kind` when the message does not already. */
export function refused(kind: unknown, message: string): string {
  return /API server/.test(message) ? message : `${message}: the API server refuses the ${String(kind)}`;
}

/** PROBE_INVALID over the probes of the containers the API server probes (probeIssues, as the typed Probe). */
function probeViolations(ix: ManifestIndex): Violation[] {
  const kinds = [
    ['readinessProbe', 'readiness'],
    ['livenessProbe', 'liveness'],
    ['startupProbe', 'startup'],
  ] as const;
  return ix.templates.flatMap((t) =>
    runningContainers(t).flatMap(({ c, at }) =>
      kinds
        .filter(([f]) => isObject(c[f]))
        .flatMap(([f, kind]) =>
          probeIssues(c[f], f, kind).map((i) =>
            issueViolation(t.owner, pointerOf(at, i.field), refused(t.owner.kind, `container '${c.name}' ${i.field} ${i.message}`), i),
          ),
        ),
    ),
  );
}

/**
 * The containers the API server takes probes and lifecycle hooks on: app containers and
 * native sidecars (an init container that runs to completion may have neither, see initContainerViolations).
 */
function runningContainers(t: PodTemplateRef): { c: any; at: string }[] {
  return containers(t).filter(({ c, init }) => !init || c.restartPolicy === 'Always');
}

/** Violations of the container `c` at `at` from construct issues whose fields are relative to it. */
function containerViolations(t: PodTemplateRef, c: any, at: string, issues: readonly IssueInput[]): Violation[] {
  return issues.map((i) => issueViolation(t.owner, pointerOf(at, i.field), `container '${c.name}' ${i.field} ${i.message}`, i));
}

/** HOOK_INVALID for the command of an exec hook the API server or the runtime refuses (execCommandIssues, as Hook.exec). */
function hookCommandViolations(ix: ManifestIndex): Violation[] {
  return ix.templates.flatMap((t) =>
    runningContainers(t).flatMap(({ c, at }) =>
      (['postStart', 'preStop'] as const).flatMap((hook) => {
        const exec = c.lifecycle?.[hook]?.exec;
        const field = `lifecycle.${hook}.exec.command`;
        return isObject(exec)
          ? containerViolations(t, c, at, execCommandIssues('HOOK_INVALID', field, arr(exec.command), ['nginx', '-s', 'quit']))
          : [];
      }),
    ),
  );
}

/**
 * What the exec of container `c` gets, as far as the input tells, read as the typed containers
 * read theirs: its command and args, literal env values, and the keys of ConfigMaps of the input
 * it takes (envFrom with its prefix, configMapKeyRef). A Secret's or the Downward API's value
 * is the cluster's; `$(VAR)` references are judged as written.
 */
function execStrings(ix: ManifestIndex, t: PodTemplateRef, c: any): ExecStrings {
  const configMap = (name: unknown) => {
    const cm = ix.get('ConfigMap', t.namespace, name);
    return cm?.apiVersion === 'v1' && isObject(cm.data) ? cm : undefined;
  };
  const from = (cm: any) => `ConfigMap ${cm.metadata?.namespace ?? ''}/${cm.metadata?.name}`;
  const sources = arr(c.envFrom).map((s, i): KnownEnvSource | undefined => {
    const cm = isObject(s) && isObject(s.configMapRef) ? configMap(s.configMapRef.name) : undefined;
    return cm && { data: cm.data, prefix: typeof s.prefix === 'string' ? s.prefix : '', field: `envFrom[${i}]`, from: from(cm) };
  });
  const env = arr(c.env).flatMap((e, j): EnvEntry[] => {
    if (!isObject(e) || typeof e.name !== 'string') return [];
    // No valueFrom: the literal, '' when absent (a value of another type is the schema's).
    if (!isSet(e.valueFrom))
      return [{ name: e.name, value: isSet(e.value) ? (typeof e.value === 'string' ? e.value : undefined) : '', field: `env[${j}].value` }];
    const ref = e.valueFrom.configMapKeyRef;
    const cm = isObject(ref) ? configMap(ref.name) : undefined;
    const value = cm && Object.prototype.hasOwnProperty.call(cm.data, ref.key) ? cm.data[ref.key] : undefined;
    return typeof value === 'string'
      ? [{ name: e.name, value, field: `env[${j}].valueFrom.configMapKeyRef`, from: from(cm) }]
      : [{ name: e.name, value: undefined, field: `env[${j}].valueFrom` }];
  });
  return {
    argv: (['command', 'args'] as const).map((list) => ({ field: list, list: arr(c[list]) })),
    env: knownEnv(sources, env),
    envField: arr(c.env).length ? 'env' : 'envFrom',
    argvField: arr(c.args).length ? 'args' : 'command',
    fromConfigMaps: sources.some((s) => s !== undefined),
  };
}

/**
 * The violations of `code` (COMMAND_INVALID or ENV_INVALID) among the strings each container's exec
 * would get that Linux or the runtime refuses (execStringIssues, as the typed containers judge theirs).
 */
export function execViolations(ix: ManifestIndex, code: 'COMMAND_INVALID' | 'ENV_INVALID'): Violation[] {
  return ix.templates.flatMap((t) =>
    containers(t).flatMap(({ c, at }) =>
      containerViolations(t, c, at, [
        ...(code === 'COMMAND_INVALID' && Array.isArray(c.command) ? containerProgramIssues('command', c.command) : []),
        ...execStringIssues(execStrings(ix, t, c), 'COMMAND_INVALID').filter((i) => i.code === code),
      ]),
    ),
  );
}

/** Violations from the issues `check` finds in each volumeMount of each container (fields relative to the container). */
export function mountViolations(
  ix: ManifestIndex,
  check: (m: Record<string, any>, field: string) => readonly (IssueInput | undefined)[],
): Violation[] {
  return ix.templates.flatMap((t) =>
    containers(t).flatMap(({ c, at }) =>
      arr(c.volumeMounts).flatMap((m, j) =>
        isObject(m)
          ? containerViolations(
              t,
              c,
              at,
              check(m, `volumeMounts[${j}]`).filter((i): i is IssueInput => i !== undefined),
            )
          : [],
      ),
    ),
  );
}

/**
 * VOLUME_INVALID for a hostPath or NFS path the API server or the node refuses, judged as
 * Volume.hostPath and Volume.nfs judge theirs (hostPathIssue, absolutePathIssue).
 */
function volumePathViolations(ix: ManifestIndex): Violation[] {
  return ix.templates.flatMap((t) =>
    arr(t.spec.volumes).flatMap((vol, i) => {
      if (!isObject(vol)) return [];
      const issues = [
        typeof vol.hostPath?.path === 'string' ? hostPathIssue('VOLUME_INVALID', 'hostPath.path', vol.hostPath.path) : undefined,
        typeof vol.nfs?.path === 'string' ? absolutePathIssue('VOLUME_INVALID', 'nfs.path', vol.nfs.path, '/exports/shared') : undefined,
      ];
      const at = `${podSpecPointer(t.owner.kind)}/volumes/${i}`;
      return issues.flatMap((issue) =>
        issue
          ? [issueViolation(t.owner, pointerOf(at, issue.field), `volume '${text(vol.name)}' ${issue.field} ${issue.message}`, issue)]
          : [],
      );
    }),
  );
}

export const POD_API_RULES: readonly Rule[] = [
  {
    code: 'PROBE_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates'],
    description:
      'No init container without restartPolicy: Always has a readiness, liveness or startup probe (validateInitContainers), and every other probe is one the API server takes (validateProbe): exactly one handler, valid ports and command, positive counts, successThreshold 1 on liveness and startup probes. The API server refuses the pod otherwise.',
    fix: 'remove the probe from an init container (a helper that keeps running belongs in containers, or a native sidecar); give every other probe one handler, and successThreshold 1 on liveness and startup probes',
    check: (ix) => [...initContainerViolations(ix, PROBES), ...probeViolations(ix)],
  },
  {
    code: 'HOOK_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates'],
    description:
      "No init container without restartPolicy: Always has a lifecycle (postStart, preStop): the API server refuses the pod (validateInitContainers). Every other exec hook has a command (validateExecAction) whose program is not '' and none of whose strings holds a NUL: the runtime cannot exec it, so the hook never runs.",
    fix: "remove lifecycle from the init container, and run the step in the init container's own command; give an exec hook the command to run, without NUL characters",
    check: (ix) => [...initContainerViolations(ix, ['lifecycle']), ...hookCommandViolations(ix)],
  },
  {
    code: 'WORKING_DIR_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates'],
    description:
      'Every container workingDir is an absolute path without a NUL: runc refuses a relative one ("Cwd must be an absolute path") and cannot change into one with a NUL, so the container never starts.',
    fix: "use an absolute path, e.g. '/app'",
    check: (ix) =>
      ix.templates.flatMap((t) =>
        containers(t).flatMap(({ c, at }) => {
          const issue =
            c.workingDir !== undefined &&
            c.workingDir !== '' &&
            absolutePathIssue('WORKING_DIR_INVALID', 'workingDir', c.workingDir, '/app');
          if (!issue) return [];
          const shown = issue.value === '<redacted>' ? '' : ` ${JSON.stringify(c.workingDir)}`;
          return [
            issueViolation(t.owner, `${at}/workingDir`, `container '${c.name}' has workingDir${shown}, which ${issue.message}`, issue),
          ];
        }),
      ),
  },
  {
    code: 'COMMAND_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates', 'ConfigMap'],
    description:
      "No container's command or args string holds a NUL (runc takes C strings and refuses one with a NUL inside: invalid argument) or is over Linux's MAX_ARG_STRLEN (131072 bytes with its NUL), and argv and envp together stay within the 2 MiB execve takes when the command and args are the larger part (the env's is ENV_INVALID): the container never starts otherwise (E2BIG). The env counted is what the input tells: literal values and keys of its ConfigMaps, `$(VAR)` references as written. A command whose program is '' (the runtime cannot exec it) is refused too. The typed containers refuse the same, with this code.",
    fix: 'remove the NUL character; put large content in a file (a ConfigMap mounted as a volume) that the argument names',
    check: (ix) => execViolations(ix, 'COMMAND_INVALID'),
  },
  {
    code: 'MOUNT_SUBPATH_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates'],
    description:
      "Every volumeMount subPath is a relative path inside the volume without a '..' segment (the API server refuses others: validateLocalDescendingPath) and without a NUL (the kubelet hands it to the kernel as a C string, which refuses it: the pod never starts).",
    fix: "name one entry of the volume, e.g. 'app.conf'",
    check: (ix) => mountViolations(ix, (m, at) => (isSet(m.subPath) && m.subPath !== '' ? subPathIssues(`${at}.subPath`, m.subPath) : [])),
  },
  {
    code: 'VOLUME_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates'],
    description:
      "Every hostPath volume's path is set, without a '..' segment (the API server refuses it otherwise), and every NFS volume's path is absolute (validateNFSVolumeSource); neither holds a NUL, which the node cannot hand to the kernel (the pod never starts).",
    fix: "name the node directory or NFS export directly, e.g. '/var/log' or '/exports/shared'",
    check: volumePathViolations,
  },
  {
    code: 'QUANTITY_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates'],
    description:
      'No container requests or limits 0 cpu or memory, nor limits 0 ephemeral storage: a limit of 0 is no limit at all (the kubelet sets no bound), a request of 0 schedules the pod as if it used nothing, and kube-score treats 0 as not set.',
    fix: "give a real amount, e.g. cpu '100m', memory '128Mi', or leave the limit unset",
    check: zeroQuantityViolations,
  },
  {
    code: 'PULL_SECRET_INVALID',
    severity: 'error',
    category: 'references',
    inspects: ['pod templates', 'Secret', 'ExternalSecret'],
    description: `Every imagePullSecrets entry that names a Secret of the input names one of type ${PULL_SECRET_TYPES.join(' or ')}: the kubelet skips any other, and the pull fails (ImagePullBackOff).`,
    fix: 'make the Secret a kubernetes.io/dockerconfigjson one (key .dockerconfigjson), or list the registry Secret instead',
    check: (ix) =>
      ix.templates.flatMap((t) =>
        arr(t.spec.imagePullSecrets).flatMap((ref, i) => {
          const name = ref?.name;
          const type = typeof name === 'string' ? secretType(ix, t.namespace, name) : undefined;
          return type === undefined || PULL_SECRET_TYPES.includes(type)
            ? []
            : [
                v(
                  t.owner,
                  `${podSpecPointer(t.owner.kind)}/imagePullSecrets/${i}`,
                  `names Secret '${name}' of type ${type}, which the kubelet does not read registry credentials from`,
                ),
              ];
        }),
      ),
  },
  {
    code: 'SCHEDULE_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['CronJob'],
    description:
      'Every CronJob schedule is one the CronJob controller parses and that fires (robfig/cron: five fields or a lower-case macro, @every a positive whole number of seconds, no day that exists in none of its months).',
    fix: "use five fields such as '*/3 * * * *' or '0 4 * * MON-FRI', or a lower-case macro like '@hourly' or '@every 90m'",
    check: (ix) =>
      ix
        .ofKind('CronJob')
        .filter((o) => String(o.apiVersion).startsWith('batch/') && typeof o.spec?.schedule === 'string')
        .flatMap((o) => {
          const issue = cronScheduleIssue(o.spec.schedule);
          return issue ? [v(o, '/spec/schedule', `schedule ${JSON.stringify(o.spec.schedule)} ${issue.message}`)] : [];
        }),
  },
  {
    code: 'TIMEZONE_INVALID',
    severity: 'error',
    category: 'reliability',
    inspects: ['CronJob'],
    description:
      "A CronJob's timeZone is a name of the IANA time zone database as Go's LoadLocation spells it (the API server refuses any other).",
    fix: TIMEZONE_FIX,
    check: (ix) =>
      ix
        .ofKind('CronJob')
        .filter((o) => String(o.apiVersion).startsWith('batch/') && o.spec?.timeZone !== undefined && o.spec?.timeZone !== null)
        .flatMap((o) => {
          const why = timeZoneError(o.spec.timeZone);
          return why ? [v(o, '/spec/timeZone', `timeZone ${JSON.stringify(o.spec.timeZone)} ${why}`)] : [];
        }),
  },
];
