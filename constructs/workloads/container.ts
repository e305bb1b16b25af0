import { posix } from 'path';
import { Duration } from 'cdk8s';
import type { IContainer, IEnvVar, IEnvFromSource, IProbe, ILifecycleHandler, IVolumeMount } from 'kubernetes-models/v1';
import { ConfigMap, configMapFileKeys } from '../config/config-map';
import { EnvValue } from '../config/env';
import { SecretRef, SecretSource } from '../config/secret-ref';
import { Volume } from '../config/volume';
import { BlueprintError, IssueInput, Problems } from '../core/errors';
import { INT64_MAX_SAFE, absolutePathIssue, integerIssue, nulPathIssue } from '../core/value-issues';
import { checkArgs, checkShape, extend, is, open } from '../core/shape';
import { SecretDeclaration } from '../secrets/secret-declaration';
import { Protocol } from '../networking/network-intent';
import { NameRule, envVarNameIssue, imageReferenceIssue, nameIssue, unpinnedImageIssue } from '../core/names';
import { NamedPort, portNameIssue, portNumOrNameIssue, portNumberIssue } from '../core/ports';
import {
  COMPUTE_SHAPE,
  ContainerCompute,
  ResolvedCompute,
  computeToManifest,
  requestAboveLimitIssues,
  resolveCompute,
  zeroComputeIssues,
} from '../core/resources';
import { credentialIssue, credentialIssues, plaintextSecretEnv } from '../core/secret-patterns';
import { CpuInput, MemoryInput, Storage, StorageInput } from '../core/quantity';
import { secondsOf } from '../core/duration';
import { containerProgramIssues, execCommandIssues, execStringIssues, envStringIssue, knownEnv } from './exec-strings';

/**
 * Local ephemeral storage of a container whose resources name none: room for
 * its logs (the kubelet keeps up to 5 × 10Mi per container) and a small
 * scratch directory. Kubernetes itself sets no bound, so one container writing
 * /tmp or logs without end fills the node's disk and gets other pods evicted.
 */
export const DEFAULT_EPHEMERAL_STORAGE = { request: '128Mi', limit: '1Gi' } as const;

/** A preset's amounts. */
function amounts(cpu: string, memory: string, ephemeralStorage: string): ContainerCompute {
  return { cpu, memory, ephemeralStorage };
}

/** `withoutCpuLimit`'s requests: the compute shape with cpu and memory required. */
const WITHOUT_CPU_LIMIT_SHAPE = extend<ContainerCompute, ContainerCompute>(COMPUTE_SHAPE, {}, ['cpu', 'memory']);

/** Named resource sizes (requests → limits). Explicit quantities are always possible instead. */
export class ResourcePreset {
  /** 50m/64Mi/64Mi → 200m/128Mi/256Mi (CPU/memory/ephemeral storage): sidecars and tiny helpers. */
  public static readonly MICRO = new ResourcePreset('micro', amounts('50m', '64Mi', '64Mi'), amounts('200m', '128Mi', '256Mi'));
  /** 100m/128Mi/128Mi → 500m/256Mi/1Gi. */
  public static readonly SMALL = new ResourcePreset(
    'small',
    amounts('100m', '128Mi', DEFAULT_EPHEMERAL_STORAGE.request),
    amounts('500m', '256Mi', DEFAULT_EPHEMERAL_STORAGE.limit),
  );
  /** 250m/512Mi/256Mi → 1/1Gi/2Gi. */
  public static readonly MEDIUM = new ResourcePreset('medium', amounts('250m', '512Mi', '256Mi'), amounts('1', '1Gi', '2Gi'));
  /** 1/2Gi/512Mi → 2/4Gi/4Gi. */
  public static readonly LARGE = new ResourcePreset('large', amounts('1', '2Gi', '512Mi'), amounts('2', '4Gi', '4Gi'));

  /**
   * Requests `cpu` and `memory`, limits memory to the request and sets no CPU
   * limit: the container may use idle CPU of its node instead of being
   * throttled, and is never OOM-killed for memory it was promised. Refused
   * (`CPU_LIMIT_REQUIRED`) in a namespace whose quota counts `limits.cpu`, where
   * the API server would reject the pod or the LimitRange would impose a CPU limit.
   * Ephemeral storage, when given, is requested and limited alike; else the
   * container gets the default (128Mi / 1Gi, or its namespace LimitRange's).
   *
   * @example
   * new WebService(chart, 'api', { namespace: team, image, resources: ResourcePreset.withoutCpuLimit({ cpu: '250m', memory: '512Mi' }) });
   */
  public static withoutCpuLimit(requests: {
    readonly cpu: CpuInput;
    readonly memory: MemoryInput;
    readonly ephemeralStorage?: StorageInput;
  }): ResourcePreset {
    // The quantities are judged here, not only by the workload: the preset's name quotes them.
    checkArgs('ResourcePreset.withoutCpuLimit', ['requests', requests, WITHOUT_CPU_LIMIT_SHAPE]);
    const problems = new Problems('', 'ResourcePreset.withoutCpuLimit');
    resolveCompute(problems, 'requests', requests);
    problems.throwIfAny();
    const { cpu, memory, ephemeralStorage: eph } = requests;
    const disk = eph === undefined ? {} : { ephemeralStorage: eph };
    return new ResourcePreset(
      `no-cpu-limit(${String(cpu)}/${String(memory)}${eph === undefined ? '' : `/${String(eph)}`})`,
      { cpu, memory, ...disk },
      { memory, ...disk },
      false,
    );
  }

  private constructor(
    public readonly name: string,
    public readonly requests: ContainerCompute,
    public readonly limits: ContainerCompute,
    /** Whether the preset limits CPU (false: `withoutCpuLimit`). */
    public readonly limitsCpu: boolean = true,
  ) {}
}

/** Explicit requests and limits. */
export interface ResourcesProps {
  /**
   * What the scheduler reserves.
   * @default - limits (Kubernetes copies a set limit into a missing request); with
   *   neither, in a TeamNamespace its LimitRange's defaultRequest (rendered), else
   *   none for CPU and memory and 128Mi of ephemeral storage
   */
  readonly requests?: ContainerCompute;
  /**
   * The ceiling: CPU above it is throttled, memory above it is OOM-killed,
   * ephemeral storage above it evicts the pod.
   * @default - in a TeamNamespace its LimitRange's default (rendered); else none for
   *   CPU and memory, and 1Gi of ephemeral storage raised to the request when that is larger
   */
  readonly limits?: ContainerCompute;
}

/** Quality-of-service class, a typed choice. @see https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/ */
export enum Qos {
  /** requests = limits for CPU and memory on every container: evicted last. Enforced. */
  GUARANTEED = 'Guaranteed',
  /** Some requests set: the usual choice. */
  BURSTABLE = 'Burstable',
  /**
   * No CPU or memory set: evicted first. Only by explicit opt-in (ephemeral storage, outside QoS, is still bounded),
   * and not in a namespace whose LimitRange gives containers CPU or memory defaults.
   */
  BEST_EFFORT = 'BestEffort',
}

/** A named container port; the name is IANA-style (≤ 15 chars, e.g. `http`), used by Services and probes. */
export interface ContainerPort extends NamedPort {
  /** @default Protocol.TCP */
  readonly protocol?: Protocol;
}

/** The five probe timings. @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/ */
export interface ProbeTiming {
  /** ≈ the P99 start-up time when there is no startup probe. @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 10 */
  readonly periodSeconds?: number;
  /** @default 1 */
  readonly timeoutSeconds?: number;
  /** Must be 1 for liveness and startup. @default 1 */
  readonly successThreshold?: number;
  /** @default 3 */
  readonly failureThreshold?: number;
}

/** A port as probes and hooks take it: a number or a port name. */
const PORT = is.either(is.number, is.string);
/** The shape of a `ProbeTiming` (its ranges are the container's to check). */
const TIMING = is.props<ProbeTiming>({
  initialDelaySeconds: is.number,
  periodSeconds: is.number,
  timeoutSeconds: is.number,
  successThreshold: is.number,
  failureThreshold: is.number,
});

/** A health check: HTTP (2xx–3xx is success), TCP connect, or a command. */
export class Probe {
  public static http(path: string, port: string | number, timing: ProbeTiming = {}): Probe {
    checkArgs('Probe.http', ['path', path, is.string], ['port', port, PORT], ['timing', timing, TIMING, 'optional']);
    return new Probe({ httpGet: { path, port } }, port, timing);
  }
  public static tcp(port: string | number, timing: ProbeTiming = {}): Probe {
    checkArgs('Probe.tcp', ['port', port, PORT], ['timing', timing, TIMING, 'optional']);
    return new Probe({ tcpSocket: { port } }, port, timing);
  }
  public static exec(command: readonly string[], timing: ProbeTiming = {}): Probe {
    checkArgs('Probe.exec', ['command', command, is.list(is.string)], ['timing', timing, TIMING, 'optional']);
    return new Probe({ exec: { command: [...command] } }, undefined, timing);
  }
  /**
   * The gRPC Health Checking Protocol on `port` (a number: the API takes no
   * named port here), optionally for one `service` of the server.
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-a-grpc-liveness-probe
   */
  public static grpc(port: number, timing: ProbeTiming = {}, service?: string): Probe {
    checkArgs('Probe.grpc', ['port', port, is.number], ['timing', timing, TIMING, 'optional'], ['service', service, is.string, 'optional']);
    return new Probe({ grpc: { port, ...(service !== undefined ? { service } : {}) } }, port, timing);
  }
  private constructor(
    private readonly handler: Pick<IProbe, 'httpGet' | 'tcpSocket' | 'exec' | 'grpc'>,
    public readonly port: string | number | undefined,
    public readonly timing: ProbeTiming,
  ) {}

  /** Identity of the check itself, ignoring timing (liveness must differ from readiness). */
  public get checkKey(): string {
    return JSON.stringify(this.handler);
  }

  public toJson(): IProbe {
    return { ...this.handler, ...this.timing } as IProbe;
  }

  public issues(field: string, kind: 'readiness' | 'liveness' | 'startup'): IssueInput[] {
    checkArgs(
      'Probe.issues',
      ['field', field, is.string],
      ['kind', kind, is.oneOf(['readiness', 'liveness', 'startup'], 'the probe kinds')],
    );
    const out = probeIssues(this.toJson(), field, kind);
    const t = this.timing;
    if (t.timeoutSeconds !== undefined && t.periodSeconds !== undefined && t.timeoutSeconds > t.periodSeconds) {
      out.push({
        code: 'PROBE_INVALID',
        field: `${field}.timeoutSeconds`,
        value: t.timeoutSeconds,
        message: `is longer than periodSeconds (${t.periodSeconds})`,
        fix: 'keep timeoutSeconds ≤ periodSeconds',
      });
    }
    return out;
  }
}

/**
 * What the API server refuses in a probe as rendered (core validation
 * validateProbe and validateHandler): exactly one handler, valid ports and
 * command, positive counts, successThreshold 1 on liveness and startup. The
 * typed Probe and the catalogue rule PROBE_INVALID (any pod template) share it.
 */
export function probeIssues(probe: IProbe, field: string, kind: 'readiness' | 'liveness' | 'startup'): IssueInput[] {
  const out: IssueInput[] = [];
  const t = probe;
  const { grpc, httpGet, tcpSocket } = probe;
  const handlers = (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((h) => probe[h] !== undefined && probe[h] !== null);
  if (handlers.length !== 1)
    out.push({
      code: 'PROBE_INVALID',
      field,
      value: handlers,
      message: handlers.length
        ? `has ${handlers.length} handlers (${handlers.join(', ')}): the API server takes exactly one`
        : 'has no handler: the API server requires exactly one (exec, httpGet, tcpSocket or grpc)',
      fix: 'keep one of exec, httpGet, tcpSocket and grpc',
    });
  // ValidatePortNumOrName for HTTP and TCP; gRPC takes a number only.
  const port = grpc
    ? portNumberIssue(
        'PROBE_INVALID',
        `${field}.grpc.port`,
        grpc.port,
        'probe the number the gRPC server listens on (gRPC probes take no named port)',
      )
    : httpGet
      ? portNumOrNameIssue('PROBE_INVALID', `${field}.httpGet.port`, httpGet.port)
      : tcpSocket
        ? portNumOrNameIssue('PROBE_INVALID', `${field}.tcpSocket.port`, tcpSocket.port)
        : undefined;
  if (port) out.push(port);
  // A command that is no list (foreign YAML; the schema check reports it) has no argv to judge.
  const command: unknown = probe.exec?.command ?? [];
  if (probe.exec && Array.isArray(command))
    out.push(...execCommandIssues('PROBE_INVALID', `${field}.exec.command`, command, ['pg_isready', '-U', 'postgres']));
  const positive = ['periodSeconds', 'timeoutSeconds', 'successThreshold', 'failureThreshold'] as const;
  const counts = [
    ...positive.map((k) => integerIssue('PROBE_INVALID', `${field}.${k}`, t[k], { min: 1 }, 'use whole seconds or counts')),
    integerIssue('PROBE_INVALID', `${field}.initialDelaySeconds`, t.initialDelaySeconds, { min: 0 }, 'use whole seconds'),
  ];
  for (const issue of counts) if (issue) out.push(issue);
  if (kind !== 'readiness' && t.successThreshold !== undefined && t.successThreshold !== 1) {
    out.push({
      code: 'PROBE_INVALID',
      field: `${field}.successThreshold`,
      value: t.successThreshold,
      message: `must be 1 for a ${kind} probe`,
      fix: 'remove successThreshold',
    });
  }
  return out;
}

/**
 * The value the kubelet sets for an env var when it is known here: a literal,
 * or the key of a ConfigMap of the output (`EnvValue.fromConfigMap`, whose data
 * is at hand). A Secret's or the Downward API's value is the cluster's.
 */
function knownEnvValue(value: string | EnvValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (!(value instanceof EnvValue)) return undefined;
  if (value.value !== undefined) return value.value;
  const key = value.valueFrom?.configMapKeyRef?.key;
  return value.configMap && typeof key === 'string' && Object.prototype.hasOwnProperty.call(value.configMap.data, key)
    ? value.configMap.data[key]
    : undefined;
}

/** Where an env value comes from when it is a ConfigMap's (`EnvValue.fromConfigMap`). */
function configMapSource(value: string | EnvValue | undefined): string | undefined {
  return value instanceof EnvValue && value.configMap ? `ConfigMap ${value.configMap.namespace}/${value.configMap.name}` : undefined;
}

/**
 * An env var whose known value (a literal, a ConfigMap key of the output; a
 * Secret's is the kubelet's) holds a NUL or makes a `NAME=value` string over
 * MAX_ARG_STRLEN (envStringIssue). `from` names where the value comes from.
 */
export function envSizeIssue(field: string, name: string, value: string | EnvValue | undefined, from?: string): IssueInput | undefined {
  return envStringIssue(field, name, knownEnvValue(value), from ?? configMapSource(value));
}

/** The argv and envp strings the container's exec would get that Linux or the runtime refuses (execStringIssues). */
function execSizeIssues(field: string, props: ContainerProps): IssueInput[] {
  const sources = (props.envFrom ?? []).map((source, i) =>
    source instanceof ConfigMap
      ? { data: source.data, field: `${field}.envFrom[${i}]`, from: `ConfigMap ${source.namespace}/${source.name}` }
      : undefined,
  );
  const env = Object.entries(props.env ?? {}).map(([name, value]) => ({
    name,
    value: knownEnvValue(value),
    field: `${field}.env.${name}`,
    from: configMapSource(value),
  }));
  return execStringIssues(
    {
      argv: (['command', 'args'] as const).map((list) => ({ field: `${field}.${list}`, list: props[list] ?? [] })),
      env: knownEnv(sources, env),
      envField: `${field}.${props.env ? 'env' : 'envFrom'}`,
      argvField: `${field}.${props.args?.length ? 'args' : 'command'}`,
      fromConfigMaps: sources.some((s) => s !== undefined),
    },
    'COMMAND_INVALID',
  );
}

/** A lifecycle hook (`postStart`, `preStop`). */
export class Hook {
  /**
   * Waits, so endpoints and load balancers stop sending traffic before SIGTERM.
   * Runs the image's own `sleep` binary (`exec: ['sleep', 'N']`): distroless and
   * `scratch` images have none, the hook fails (a `FailedPreStopHook` event) and
   * the container gets SIGTERM at once, still receiving traffic. For those
   * images give a hook the app serves (`Hook.http('/drain', 'http')`), a binary
   * the image has (`Hook.exec([...])`), or `preStop: undefined` for none.
   */
  public static sleep(duration: Duration): Hook {
    checkArgs('Hook.sleep', ['duration', duration, is.instance(Duration)]);
    const seconds = Math.ceil(secondsOf(duration));
    // NaN (a BigInt Duration, which cdk8s cannot convert) or Infinity would render `sleep NaN`, which sleep refuses at once.
    if (!Number.isSafeInteger(seconds) || seconds < 0)
      throw new BlueprintError({
        path: '',
        construct: 'Hook.sleep',
        code: 'HOOK_INVALID',
        field: 'duration',
        value: String(seconds),
        message: 'must be a whole number of seconds ≥ 0',
        fix: 'use Duration.seconds(n) with a number n, not a BigInt',
      });
    return new Hook({ exec: { command: ['sleep', String(seconds)] } }, seconds);
  }
  public static exec(command: readonly string[], expectedSeconds = 0): Hook {
    checkArgs('Hook.exec', ['command', command, is.list(is.string)], ['expectedSeconds', expectedSeconds, is.number]);
    const issues = execCommandIssues('HOOK_INVALID', 'command', command, ['nginx', '-s', 'quit']);
    if (issues.length > 0) throw new BlueprintError(issues.map((i) => ({ ...i, path: '', construct: 'Hook.exec' })));
    Hook.checkSeconds('Hook.exec', expectedSeconds);
    return new Hook({ exec: { command: [...command] } }, expectedSeconds);
  }
  public static http(path: string, port: string | number, expectedSeconds = 0): Hook {
    checkArgs('Hook.http', ['path', path, is.string], ['port', port, PORT], ['expectedSeconds', expectedSeconds, is.number]);
    Hook.checkSeconds('Hook.http', expectedSeconds);
    return new Hook({ httpGet: { path, port } }, expectedSeconds);
  }
  /** The grace-period check adds `expectedSeconds` to the drain time: NaN or a fraction would make it pass or fail at random. */
  private static checkSeconds(construct: string, expectedSeconds: number): void {
    const issue = integerIssue(
      'PROPS_INVALID',
      'expectedSeconds',
      expectedSeconds,
      { min: 0, max: INT64_MAX_SAFE },
      'give the whole seconds the hook takes, e.g. 5',
    );
    if (issue) throw new BlueprintError({ ...issue, path: '', construct });
  }
  private constructor(
    public readonly handler: ILifecycleHandler,
    /** How long the hook takes, for the grace-period check. */ public readonly seconds: number,
  ) {}
}

/** Mounts a volume into a container. */
export interface VolumeMount {
  readonly volume: Volume;
  readonly path: string;
  /** @default - true for ConfigMaps, Secrets and Downward API, false otherwise */
  readonly readOnly?: boolean;
  /** Mount one entry only (e.g. one file of a ConfigMap). @default - the whole volume */
  readonly subPath?: string;
}

/**
 * A `subPath` into a ConfigMap or declared Secret volume names one of its keys
 * (each key is a file at the volume's top level): for an entry the object does
 * not hold, the kubelet creates an empty directory where the app expects its
 * file. A `SecretRef` cannot tell its keys, so it is not judged.
 */
function subPathKeyIssue(field: string, volume: Volume, subPath: string): IssueInput | undefined {
  const entry = subPath.split('/')[0];
  const cm = volume.configMap;
  const keys = cm ? configMapFileKeys(cm) : [];
  if (cm && !keys.includes(entry)) {
    return {
      code: 'CONFIG_KEY_UNDECLARED',
      field,
      value: subPath,
      message: `names no key of ConfigMap ${cm.namespace}/${cm.name} (${keys.join(', ') || 'it is empty'}): the container would get an empty directory where it expects the file`,
      fix: `name one of its keys${keys.length ? ` (e.g. '${keys[0]}')` : ''}, or add '${entry}' to the ConfigMap`,
    };
  }
  const secret = volume.secret;
  if (secret instanceof SecretDeclaration && !secret.keys.includes(entry))
    return {
      code: 'SECRET_KEY_UNDECLARED',
      field,
      value: subPath,
      message: `names no key of Secret ${secret.namespace}/${secret.name} (${secret.keys.join(', ')}): the container would get an empty directory where it expects the file`,
      fix: `name one of its declared keys (e.g. '${secret.keys[0]}'), or add '${entry}' to the declaration's keys`,
    };
  return undefined;
}

/** One container. */
export interface ContainerProps {
  /** Container name. @default - the workload name for the main container */
  readonly name?: string;
  /** Image with a pinned tag or digest (`nginx:1.27`, `app@sha256:…`); `latest` is refused. */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's cmd */
  readonly args?: readonly string[];
  /** @default - the image's */
  readonly workingDir?: string;
  /** Named ports. @default - none */
  readonly ports?: readonly ContainerPort[];
  /** Environment: literals (not for secret-looking names) or references. @default - none */
  readonly env?: Readonly<Record<string, string | EnvValue>>;
  /** Every key of these ConfigMaps/Secrets as env. @default - none */
  readonly envFrom?: readonly (ConfigMap | SecretSource)[];
  /**
   * A preset or explicit quantities. Ephemeral storage is always rendered: what
   * the resources leave unset gets the namespace LimitRange's defaults, else 128Mi / 1Gi.
   * @default - the namespace's LimitRange defaults (counted as such), else ResourcePreset.SMALL
   */
  readonly resources?: ResourcePreset | ResourcesProps;
  /** Removes the pod from Service endpoints while failing. @default - none (WebService: TCP on the first port) */
  readonly readiness?: Probe;
  /** Restarts the container while failing. Must not be the same check as readiness. @default - none */
  readonly liveness?: Probe;
  /** Holds the other probes until start-up finished. @default - none */
  readonly startup?: Probe;
  /** @default - none */
  readonly postStart?: Hook;
  /**
   * Runs before SIGTERM. A WebService's main container defaults to
   * `Hook.sleep(Duration.seconds(5))`, which needs a `sleep` binary in the image:
   * distroless and `scratch` images lack it and the hook fails, so the pod is
   * not drained. Set `preStop: undefined` explicitly for no hook, or give
   * `Hook.http(…)` / `Hook.exec(…)` (the library cannot see inside the image).
   * `drainTime` is the app's own time after SIGTERM and adds no hook.
   * @default - none (WebService's main container: `Hook.sleep(Duration.seconds(5))`)
   */
  readonly preStop?: Hook;
  /** Volume mounts. @default - none */
  readonly mounts?: readonly VolumeMount[];
  /** Env names allowed to carry a literal although they look secret. @default - none */
  readonly allowPlaintextEnv?: readonly string[];
  /**
   * Go without a probe that would otherwise be required (readiness for a
   * container that serves a port, liveness for a long-running one), saying why.
   * The reason lands in the pod annotation `probes.cluster-blueprints.io/<container>`.
   * @default - none: the probes are required
   */
  readonly probeOptOut?: ProbeOptOut;
}

/** Reasons for going without a probe (each a sentence a reviewer can judge). */
export interface ProbeOptOut {
  /** @default - readiness required when the container declares a port */
  readonly readiness?: string;
  /** @default - liveness required for a long-running container */
  readonly liveness?: string;
}

/** The shape of `ContainerProps` (quantities and mounts' volumes keep their own typed checks). */
export const CONTAINER_SHAPE = is.props<ContainerProps>({
  name: is.string,
  image: is.string,
  command: is.list(is.string),
  args: is.list(is.string),
  workingDir: is.string,
  ports: is.list(
    is.props<ContainerPort>({ name: is.string, port: is.number, protocol: is.oneOf(Object.values(Protocol), 'Protocol') }, [
      'name',
      'port',
    ]),
  ),
  env: is.map(is.either(is.string, is.instance(EnvValue))),
  envFrom: is.list(is.either(is.instance(ConfigMap), is.instance(SecretDeclaration), is.instance(SecretRef))),
  resources: is.either(is.instance(ResourcePreset), is.props<ResourcesProps>({ requests: COMPUTE_SHAPE, limits: COMPUTE_SHAPE })),
  readiness: is.instance(Probe),
  liveness: is.instance(Probe),
  startup: is.instance(Probe),
  postStart: is.instance(Hook),
  preStop: is.instance(Hook),
  mounts: is.list(is.props<VolumeMount>({ volume: is.any, path: is.any, readOnly: is.boolean, subPath: is.any })),
  allowPlaintextEnv: is.list(is.string),
  probeOptOut: is.props<ProbeOptOut>({ readiness: is.string, liveness: is.string }),
});

/** MOUNT_INVALID unless `path` is where a container can mount a volume: an absolute path without ':'. */
export function mountPathIssue(field: string, path: unknown): IssueInput | undefined {
  if (typeof path === 'string' && path.startsWith('/') && !path.includes(':')) return nulPathIssue('MOUNT_INVALID', field, path);
  return { code: 'MOUNT_INVALID', field, value: path, message: "must be an absolute path without ':'", fix: "use e.g. '/etc/app'" };
}

/**
 * MOUNT_SUBPATH_INVALID unless `subPath` names an entry inside the volume: a relative path without a '..'
 * segment (the API server refuses others: validateLocalDescendingPath), not empty, and without a NUL
 * (nulPathIssue: the kubelet cannot create or bind it).
 */
export function subPathIssues(field: string, subPath: unknown): IssueInput[] {
  const issues: (IssueInput | undefined)[] = [];
  if (typeof subPath !== 'string' || subPath.startsWith('/') || subPath.split('/').includes('..') || subPath === '')
    issues.push({
      code: 'MOUNT_SUBPATH_INVALID',
      field,
      value: subPath,
      message: "must be a relative path inside the volume, without '..'",
      fix: "name one entry of the volume, e.g. 'app.conf'",
    });
  issues.push(nulPathIssue('MOUNT_SUBPATH_INVALID', field, subPath));
  return issues.filter((i): i is IssueInput => i !== undefined);
}

/**
 * A container path as the runtime resolves it, for telling two mounts apart: POSIX-normalized
 * (`//`, `.`, `..` resolved) and without a trailing slash (`/` stays), so `/x`, `/x/` and `/x//`
 * are one directory, which the API server (comparing raw strings) lets two mounts share.
 */
export function mountPathKey(path: string): string {
  const n = posix.normalize(path);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** The ephemeral storage a container gets for what its resources leave unset. */
export interface EphemeralStorageDefault {
  readonly request: Storage;
  readonly limit: Storage;
}

/** A container after validation, with what checks need. */
export interface ResolvedContainer {
  readonly name: string;
  readonly props: ContainerProps;
  readonly ports: readonly ContainerPort[];
  /**
   * Resources the container renders: its own, ephemeral storage always included
   * (undefined only for a container refused whole; unset CPU and memory are left to the LimitRange).
   */
  readonly own: { readonly requests?: ResolvedCompute; readonly limits?: ResolvedCompute } | undefined;
  readonly configMaps: readonly ConfigMap[];
  readonly secrets: readonly SecretSource[];
  readonly volumes: readonly Volume[];
}

/**
 * What one mount is on its own, whatever container gets it (a container's
 * `mounts[i]`, a PodPreset's): a Volume, an absolute path, a subPath inside it.
 */
export function mountIssues(at: string, m: VolumeMount | undefined): IssueInput[] {
  if (!(m?.volume instanceof Volume))
    return [
      {
        code: 'MOUNT_INVALID',
        field: `${at}.volume`,
        value: m?.volume,
        message: 'is not a Volume',
        fix: 'use Volume.emptyDir(…), Volume.fromConfigMap(…) or Volume.fromSecret(…)',
      },
    ];
  const issues: (IssueInput | undefined)[] = [mountPathIssue(`${at}.path`, m.path)];
  if (m.subPath !== undefined) issues.push(...subPathIssues(`${at}.subPath`, m.subPath));
  if (typeof m.subPath === 'string') issues.push(subPathKeyIssue(`${at}.subPath`, m.volume, m.subPath));
  return issues.filter((i): i is IssueInput => i !== undefined);
}

/** Validates a container's props and resolves its resources. */
export function resolveContainer(
  problems: Problems,
  field: string,
  name: string,
  props: ContainerProps,
  qos: Qos,
  fallback: ResourcePreset | undefined,
  ephemeral: EphemeralStorageDefault = {
    request: Storage.parse(DEFAULT_EPHEMERAL_STORAGE.request),
    limit: Storage.parse(DEFAULT_EPHEMERAL_STORAGE.limit),
  },
): ResolvedContainer {
  problems.addAll(nameIssue(NameRule.DNS1123_LABEL, `${field}.name`, name));
  // JavaScript/JSON callers: a container whose props do not fit their shape is refused whole (the checks below rely on the types).
  // Open: the main container's props are the workload's (a sidecar's were checked whole, closed, by the workload).
  if (!checkShape(problems, props, open(CONTAINER_SHAPE), field))
    return { name, props: {} as ContainerProps, ports: [], own: undefined, configMaps: [], secrets: [], volumes: [] };
  problems.addAll(unpinnedImageIssue(`${field}.image`, props.image), imageReferenceIssue(`${field}.image`, props.image));
  // runc refuses a relative working directory ("Cwd must be an absolute path"); '' is unset, the image's own.
  // A NUL in it fails the runtime's chdir (absolutePathIssue says so too): the container never starts.
  if (props.workingDir) problems.addAll(absolutePathIssue('WORKING_DIR_INVALID', `${field}.workingDir`, props.workingDir, '/app'));

  problems.addAll(...containerProgramIssues(`${field}.command`, props.command));
  const seen = new Set<string>();
  for (const [i, p] of (props.ports ?? []).entries()) {
    problems.addAll(
      portNameIssue('PORT_INVALID', `${field}.ports[${i}].name`, p.name),
      portNumberIssue('PORT_INVALID', `${field}.ports[${i}].port`, p.port),
    );
    if (seen.has(p.name))
      problems.add({
        code: 'PORT_INVALID',
        field: `${field}.ports[${i}].name`,
        value: p.name,
        message: 'is declared twice',
        fix: 'give each port its own name',
      });
    seen.add(p.name);
  }
  const allowed = new Set(props.allowPlaintextEnv ?? []);
  const mountPaths = (props.mounts ?? []).map((m) => m?.path);
  const configMaps = new Set<ConfigMap>();
  const secrets = new Set<SecretSource>();
  for (const [key, value] of Object.entries(props.env ?? {})) {
    problems.addAll(envVarNameIssue(`${field}.env.${key}`, key));
    const literal = typeof value === 'string' ? value : value.value;
    if (!allowed.has(key) && plaintextSecretEnv(key, literal, mountPaths)) {
      problems.add({
        code: 'PLAINTEXT_SECRET',
        field: `${field}.env.${key}`,
        value: '<redacted>',
        message: 'looks secret but has a literal value that would be written into the YAML',
        fix: `declare the Secret (new SecretDeclaration(…, { keys: ['${key.toLowerCase()}'] })) and use EnvValue.fromSecret(declaration, '${key.toLowerCase()}'), or list '${key}' in allowPlaintextEnv if it is not secret`,
      });
    } else problems.addAll(credentialIssue(`${field}.env.${key}`, literal));
    if (typeof value !== 'string') {
      if (value.configMap) configMaps.add(value.configMap);
      if (value.secret) secrets.add(value.secret);
    }
  }
  // Credentials reach the YAML through any text field, not only env: scan them all.
  problems.addAll(
    ...credentialIssues(`${field}.command`, props.command),
    ...credentialIssues(`${field}.args`, props.args),
    ...credentialIssues(`${field}.workingDir`, props.workingDir),
    ...execSizeIssues(field, props),
  );
  // With the other props (not at render): one synth reports it with whatever else the constructor finds.
  for (const [kind, reason] of Object.entries(props.probeOptOut ?? {}))
    problems.check(reason !== undefined && reason.trim().length < 10, {
      code: 'PROBE_OPT_OUT_INVALID',
      field: `${field}.probeOptOut.${kind}`,
      value: reason,
      message: 'is not a reason (at least a few words)',
      fix: "say why the probe cannot work, e.g. 'the image has no shell and serves no health endpoint'",
    });
  for (const kind of ['readiness', 'liveness', 'startup'] as const) {
    const probe = props[kind];
    if (probe instanceof Probe) problems.addAll(...credentialIssues(`${field}.${kind}`, probe.toJson()));
  }
  for (const kind of ['postStart', 'preStop'] as const) {
    const hook = props[kind];
    if (hook instanceof Hook)
      problems.addAll(
        ...credentialIssues(`${field}.${kind}`, hook.handler),
        hook.handler.httpGet ? portNumOrNameIssue('PORT_INVALID', `${field}.${kind}.httpGet.port`, hook.handler.httpGet.port) : undefined,
      );
  }
  for (const source of props.envFrom ?? []) {
    if (source instanceof ConfigMap) configMaps.add(source);
    else secrets.add(source);
  }
  const volumes = new Set<Volume>();
  for (const [i, m] of (props.mounts ?? []).entries()) {
    problems.addAll(...mountIssues(`${field}.mounts[${i}]`, m));
    if (!(m?.volume instanceof Volume)) continue;
    volumes.add(m.volume);
    if (m.volume.configMap) configMaps.add(m.volume.configMap);
    if (m.volume.secret) secrets.add(m.volume.secret);
  }
  for (const [kind, probe] of [
    ['readiness', props.readiness],
    ['liveness', props.liveness],
    ['startup', props.startup],
  ] as const) {
    if (probe) for (const issue of probe.issues(`${field}.${kind}`, kind)) problems.add(issue);
  }

  let own: ResolvedContainer['own'];
  const r = props.resources;
  if (qos === Qos.BEST_EFFORT) {
    problems.check(r !== undefined, {
      code: 'QOS_MISMATCH',
      field: `${field}.resources`,
      value: r instanceof ResourcePreset ? r.name : r,
      message: 'is set, but qos is BestEffort (nothing set)',
      fix: 'remove resources, or choose Qos.BURSTABLE',
    });
    own = undefined;
  } else {
    const preset = r instanceof ResourcePreset ? r : r === undefined ? fallback : undefined;
    const explicit: ResourcesProps | undefined = preset
      ? { requests: preset.requests, limits: preset.limits }
      : (r as ResourcesProps | undefined);
    if (explicit) {
      const requests = resolveCompute(problems, `${field}.resources.requests`, explicit.requests);
      const limits = resolveCompute(problems, `${field}.resources.limits`, explicit.limits);
      problems.addAll(...zeroComputeIssues(`${field}.resources`, requests, limits));
      problems.addAll(...requestAboveLimitIssues(`${field}.resources`, requests, limits));
      if (qos === Qos.GUARANTEED) {
        // Guaranteed: requests = limits. A preset's limits become its requests; one side mirrors the other.
        const g: { cpu?: any; memory?: any } = {};
        for (const res of ['cpu', 'memory'] as const) {
          const req = preset ? undefined : requests[res];
          const lim = limits[res];
          if (req && lim && !req.equals(lim as never))
            problems.add({
              code: 'QOS_MISMATCH',
              field: `${field}.resources.requests.${res}`,
              value: req.toString(),
              message: `differs from the limit (${lim}), so the pod would not be Guaranteed`,
              fix: 'set requests equal to limits, or choose Qos.BURSTABLE',
            });
          const v = lim ?? req;
          if (!v)
            problems.add({
              code: 'QOS_MISMATCH',
              field: `${field}.resources.limits.${res}`,
              value: undefined,
              message: 'is unset; Guaranteed needs CPU and memory on every container',
              fix: `set resources.limits.${res}`,
            });
          else g[res] = v;
        }
        // Ephemeral storage plays no part in the QoS class: kept as given, but a
        // preset's limit is reserved as well, so the whole container is requests = limits.
        const eph = (side: ResolvedCompute) => (side.ephemeralStorage ? { ephemeralStorage: side.ephemeralStorage } : {});
        own = { requests: { ...g, ...eph(preset ? limits : requests) }, limits: { ...g, ...eph(limits) } };
      } else {
        own = { requests, limits };
      }
    } else if (qos === Qos.GUARANTEED) {
      problems.add({
        code: 'QOS_MISMATCH',
        field: `${field}.resources`,
        value: undefined,
        message: 'is unset; Guaranteed needs CPU and memory on every container',
        fix: 'set resources (a preset or explicit limits)',
      });
    }
  }
  return {
    name,
    props,
    ports: props.ports ?? [],
    own: withEphemeralStorage(own, ephemeral),
    configMaps: [...configMaps],
    secrets: [...secrets],
    volumes: [...volumes],
  };
}

/**
 * Fills a container's missing ephemeral-storage request or limit, so every
 * rendered container bounds its disk (a LimitRange default would not show in
 * the pod spec). A limit alone is also the request, as Kubernetes copies it; a
 * request alone gets the default limit, or itself when larger. QoS is
 * unaffected: the API counts only CPU and memory.
 */
function withEphemeralStorage(own: ResolvedContainer['own'], d: EphemeralStorageDefault): NonNullable<ResolvedContainer['own']> {
  const req = own?.requests?.ephemeralStorage;
  const lim = own?.limits?.ephemeralStorage;
  const limit = lim ?? (req && req.gt(d.limit) ? req : d.limit);
  const request = req ?? lim ?? (d.request.gt(limit) ? limit : d.request);
  return {
    requests: { ...own?.requests, ephemeralStorage: request },
    limits: { ...own?.limits, ephemeralStorage: limit },
  };
}

function envToJson(env: ContainerProps['env']): IEnvVar[] | undefined {
  const entries = Object.entries(env ?? {});
  if (entries.length === 0) return undefined;
  return entries.map(([name, v]) =>
    typeof v === 'string' ? { name, value: v } : v.value !== undefined ? { name, value: v.value } : { name, valueFrom: v.valueFrom },
  );
}

/** The restricted-profile container security context, a fresh object each call. */
export function restrictedContainerSecurity() {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
}

/**
 * Renders a resolved container. `extraMounts` are the workload's scratch paths.
 * No container gets a `restartPolicy`: native sidecars (init containers with
 * restartPolicy Always) need the SidecarContainers gate, alpha and off by
 * default in Kubernetes 1.28, where the API server drops the field and the
 * "sidecar" would block the pod's start as an init container that never exits.
 */
export function containerToJson(
  c: ResolvedContainer,
  extraMounts: readonly VolumeMount[],
  trailingMounts: readonly IVolumeMount[] = [],
): IContainer {
  const p = c.props;
  const mounts = [...extraMounts, ...(p.mounts ?? [])];
  const envFrom: IEnvFromSource[] = (p.envFrom ?? []).map((s) =>
    s instanceof ConfigMap ? { configMapRef: { name: s.name } } : { secretRef: { name: s.name } },
  );
  const requests = c.own?.requests ? computeToManifest(c.own.requests) : undefined;
  const limits = c.own?.limits ? computeToManifest(c.own.limits) : undefined;
  const lifecycle =
    p.postStart || p.preStop
      ? { ...(p.postStart ? { postStart: p.postStart.handler } : {}), ...(p.preStop ? { preStop: p.preStop.handler } : {}) }
      : undefined;
  const json: IContainer = {
    name: c.name,
    image: p.image,
    // Always: the kubelet resolves the pinned tag at each start (a manifest lookup; cached layers are reused),
    // so a pod can only run an image its own imagePullSecrets can pull, not one another namespace's pull left
    // on the node. kube-score and Polaris ask for it too.
    imagePullPolicy: 'Always',
    ...(p.command ? { command: [...p.command] } : {}),
    ...(p.args ? { args: [...p.args] } : {}),
    ...(p.workingDir ? { workingDir: p.workingDir } : {}),
    ...(c.ports.length
      ? { ports: c.ports.map((x) => ({ name: x.name, containerPort: x.port, protocol: x.protocol ?? Protocol.TCP })) }
      : {}),
    ...(envToJson(p.env) ? { env: envToJson(p.env) } : {}),
    ...(envFrom.length ? { envFrom } : {}),
    ...(requests || limits ? { resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } } : {}),
    ...(p.readiness ? { readinessProbe: p.readiness.toJson() } : {}),
    ...(p.liveness ? { livenessProbe: p.liveness.toJson() } : {}),
    ...(p.startup ? { startupProbe: p.startup.toJson() } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    ...(mounts.length || trailingMounts.length
      ? {
          volumeMounts: [
            ...mounts.map((m) => ({
              name: m.volume.name,
              mountPath: m.path,
              ...((m.readOnly ?? (m.volume.configMap !== undefined || m.volume.secret !== undefined)) ? { readOnly: true } : {}),
              ...(m.subPath ? { subPath: m.subPath } : {}),
            })),
            ...trailingMounts,
          ],
        }
      : {}),
    securityContext: restrictedContainerSecurity(),
  };
  return json;
}
