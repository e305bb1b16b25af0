import { ipVersion } from '../networking/ip-address';
import type { IVolume } from 'kubernetes-models/v1';
import { BlueprintError, IssueInput } from '../core/errors';
import { Arg, checkArgs, is } from '../core/shape';
import {
  NameRule,
  OVERLONG_DNS_LABEL,
  dns1123LabelOf,
  hasOverlongDnsLabel,
  isDns1123Label,
  isDns1123Subdomain,
  nameIssue,
} from '../core/names';
import { MemoryInput, Memory, Storage, StorageInput } from '../core/quantity';
import { ConfigMap } from './config-map';
import { SECRET_SOURCE_SHAPE, SecretSource } from './secret-ref';
import { PodField } from './env';
import { absolutePathIssue, nulPathIssue } from '../core/value-issues';
import { keyField } from '../core/field-path';

/** Every factory's `name` argument (its Kubernetes rule is checked by `volumeNameIssue`). */
const nameArg = (value: unknown): Arg => ['name', value, is.string];

/** VOLUME_INVALID (or `code`) unless `name` is a pod volume name: a DNS-1123 label (core validation ValidateVolumes). */
export function volumeNameIssue(field: string, name: unknown, code = 'VOLUME_INVALID'): IssueInput | undefined {
  if (typeof name === 'string' && isDns1123Label(name)) return undefined;
  return {
    code,
    field,
    value: name,
    message: 'is not a valid volume name (DNS-1123 label)',
    fix: "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. 'var-log'",
  };
}

/**
 * VOLUME_INVALID unless `driver` is a CSI driver name (core validation ValidateCSIDriverName): at most 63
 * characters, a DNS-1123 subdomain once lower-cased (upper case is allowed).
 */
function csiDriverIssue(field: string, driver: unknown): IssueInput | undefined {
  if (typeof driver === 'string' && driver.length <= 63 && isDns1123Subdomain(driver.toLowerCase())) return undefined;
  return {
    code: 'VOLUME_INVALID',
    field,
    value: driver,
    message: 'is not a CSI driver name (at most 63 characters of dot-separated DNS-1123 labels, any case)',
    fix: "use the driver's registered name, e.g. 'secrets-store.csi.k8s.io'",
  };
}

/**
 * `code` for a hostPath the API server refuses (validateHostPathVolumeSource):
 * empty, or with a '..' segment (validatePathNoBacksteps); or one that holds a NUL, which the kubelet cannot stat.
 */
export function hostPathIssue(code: string, field: string, path: unknown): IssueInput | undefined {
  if (typeof path === 'string' && path !== '' && !path.split('/').includes('..')) return nulPathIssue(code, field, path);
  return {
    code,
    field,
    value: path,
    message: path === '' ? 'is empty' : "contains a '..' segment (the API server refuses back-steps in a hostPath)",
    fix: "name the node directory directly, e.g. '/var/log'",
  };
}

/**
 * What the kubelet checks a hostPath to be before it starts the pod: `''` checks
 * nothing; `Directory`, `File`, `Socket`, `CharDevice` and `BlockDevice` must
 * exist as that kind; `DirectoryOrCreate` and `FileOrCreate` create a missing one
 * (owned by root, mode 0755 / 0644). The eight values core validation
 * validateHostPathType accepts.
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#hostpath-volume-types
 */
export type HostPathType = '' | 'DirectoryOrCreate' | 'Directory' | 'FileOrCreate' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

/** Every `HostPathType`, as upstream lists them (validateHostPathType's supportedHostPathTypes). */
const HOST_PATH_TYPES: readonly HostPathType[] = [
  '',
  'DirectoryOrCreate',
  'Directory',
  'FileOrCreate',
  'File',
  'Socket',
  'CharDevice',
  'BlockDevice',
];

/** The shape of a `HostPathType` (checked at every entry that takes one). */
export const HOST_PATH_TYPE_SHAPE = is.oneOf(HOST_PATH_TYPES, 'hostPath types');

/** The pod fields a downwardAPI volume may hold (core validation validVolumeDownwardAPIFieldPathExpressions). */
const VOLUME_FIELD_PATHS: readonly string[] = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.labels',
  'metadata.annotations',
];

/**
 * VOLUME_INVALID for a downwardAPI volume file the API server refuses
 * (validateDownwardAPIVolumeFile): a path that is empty, absolute, has a '..'
 * segment or starts with '..' (validateLocalNonReservedPath), or a field a
 * volume cannot hold: only the pod's name, namespace, uid, labels and
 * annotations (one label or annotation as `metadata.labels['key']`);
 * `spec.nodeName`, `status.podIP` and the like exist for env only.
 */
function downwardApiFileIssues(field: string, file: string, fieldPath: string): IssueInput[] {
  const out: IssueInput[] = [];
  if (file === '' || file.startsWith('/') || file.startsWith('..') || file.split('/').includes('..'))
    out.push({
      code: 'VOLUME_INVALID',
      field,
      value: file,
      message: "is not a relative file path inside the volume (empty, absolute, with a '..' segment or starting with '..')",
      fix: "name the file relative to the mount, e.g. 'labels'",
    });
  const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  const keyOk = subscript !== null && nameIssue(NameRule.LABEL_KEY, field, subscript[2]) === undefined;
  if (!VOLUME_FIELD_PATHS.includes(fieldPath) && !keyOk)
    out.push({
      code: 'VOLUME_INVALID',
      field,
      value: fieldPath,
      message: `is not a field a downwardAPI volume can hold (${VOLUME_FIELD_PATHS.join(', ')}, or one label or annotation)`,
      fix: 'read spec.* and status.* fields into env with EnvValue.fromField, or use e.g. metadata.labels',
    });
  return out;
}

/** The shape of an `IClaim`. */
const CLAIM_SHAPE = is.object({ name: is.string, namespace: is.string }, ['name']);

/** A claim a pod can mount (a `PersistentVolumeClaim`). */
export interface IClaim {
  readonly name: string;
  readonly namespace: string;
}

/** Options of `Volume.emptyDir`. */
export interface EmptyDirOptions {
  /** Above it the kubelet evicts the pod. @default - unbounded (the pod's ephemeral storage or memory limit still applies) */
  readonly sizeLimit?: MemoryInput | StorageInput;
  /** Back it with memory (tmpfs), which counts against the memory limit. @default false */
  readonly memory?: boolean;
}

/** Options of `Volume.fromClaim`. */
export interface ClaimVolumeOptions {
  /** Volume name. @default - the claim's name (shortened with a hash when it is no DNS-1123 label) */
  readonly name?: string;
  /** @default false */
  readonly readOnly?: boolean;
}

/** Options of `Volume.csi`. */
export interface CsiVolumeOptions {
  /** The driver's `volumeAttributes`. @default - none */
  readonly attributes?: Readonly<Record<string, string>>;
  /** @default - the driver's default */
  readonly readOnly?: boolean;
  /** @default - the driver's default */
  readonly fsType?: string;
}

/** Options of `Volume.nfs`. */
export interface NfsVolumeOptions {
  /** @default false */
  readonly readOnly?: boolean;
}

/** A pod volume. Containers mount it with `{ volume, path }`. */
export class Volume {
  /**
   * Scratch space that lives as long as the pod. `sizeLimit` bounds it (above
   * it the kubelet evicts the pod); on disk it counts against the pod's
   * ephemeral storage, memory-backed (`memory: true`) against its memory limit.
   * @see https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
   */
  public static emptyDir(name: string, options: EmptyDirOptions = {}): Volume {
    checkArgs('Volume.emptyDir', nameArg(name), [
      'options',
      options,
      is.props<EmptyDirOptions>({ sizeLimit: is.any, memory: is.boolean }),
      'optional',
    ]);
    throwIfInvalid(volumeNameIssue('name', name));
    const size = options.sizeLimit;
    const limit = size === undefined ? undefined : size instanceof Storage ? size : Memory.of(size as MemoryInput, { field: 'sizeLimit' });
    return new Volume(name, {
      emptyDir: {
        ...(options.memory ? { medium: 'Memory' } : {}),
        ...(limit ? { sizeLimit: limit.toString() } : {}),
      },
    });
  }
  /**
   * A ConfigMap's entries as files (e.g. `reverseproxy.conf` in `/etc/nginx/conf.d`). The volume is
   * `name`, or the ConfigMap's name (shortened with a hash when it is no DNS-1123 label).
   */
  public static fromConfigMap(configMap: ConfigMap, name?: string): Volume {
    checkArgs('Volume.fromConfigMap', ['configMap', configMap, is.instance(ConfigMap)], ['name', name, is.string, 'optional']);
    // A ConfigMap name may be a 253-character subdomain: a volume name derived from it is made a label.
    if (name !== undefined) throwIfInvalid(volumeNameIssue('name', name));
    name ??= dns1123LabelOf(configMap.name);
    return new Volume(name, { configMap: { name: configMap.name } }, configMap);
  }
  /** A Secret's entries as files (mode 0400). The volume is `name`, or the Secret's name (shortened with a hash when it is no DNS-1123 label). */
  public static fromSecret(secret: SecretSource, name?: string): Volume {
    checkArgs('Volume.fromSecret', ['secret', secret, SECRET_SOURCE_SHAPE], ['name', name, is.string, 'optional']);
    if (name !== undefined) throwIfInvalid(volumeNameIssue('name', name));
    name ??= dns1123LabelOf(secret.name);
    return new Volume(name, { secret: { secretName: secret.name, defaultMode: 0o400 } }, undefined, secret);
  }
  /**
   * Pod labels and annotations (and the pod's name, namespace and uid) as files
   * (Downward API). File paths stay inside the volume; `spec.*` and `status.*`
   * fields are for env only (`EnvValue.fromField`): the API server refuses them
   * here, and so does this (VOLUME_INVALID).
   */
  public static downwardApi(
    name: string,
    files: Readonly<Record<string, PodField | 'metadata.labels' | 'metadata.annotations'>> = {
      labels: 'metadata.labels',
      annotations: 'metadata.annotations',
    },
  ): Volume {
    checkArgs('Volume.downwardApi', nameArg(name), ['files', files, is.map(is.string), 'optional']);
    throwIfInvalid(
      volumeNameIssue('name', name),
      ...Object.entries(files).flatMap(([file, fieldPath]) => downwardApiFileIssues(keyField('files', file), file, fieldPath)),
    );
    return new Volume(name, {
      downwardAPI: { items: Object.entries(files).map(([p, fieldPath]) => ({ path: p, fieldRef: { fieldPath } })) },
    });
  }
  /**
   * A directory, file, socket or device of the node. Only where the namespace's
   * Pod Security level allows it. The kubelet checks `type` before it starts the
   * pod (a mismatch leaves it in ContainerCreating): `Directory` needs an
   * existing directory, `DirectoryOrCreate` creates a missing one.
   */
  public static hostPath(name: string, hostPath: string, type: HostPathType = 'Directory'): Volume {
    checkArgs('Volume.hostPath', nameArg(name), ['hostPath', hostPath, is.string], ['type', type, HOST_PATH_TYPE_SHAPE]);
    throwIfInvalid(volumeNameIssue('name', name), hostPathIssue('VOLUME_INVALID', 'hostPath', hostPath));
    return new Volume(name, { hostPath: { path: hostPath, type } });
  }

  /**
   * A standalone PersistentVolumeClaim (e.g. a ReadWriteMany claim shared by a
   * Deployment's pods). Per-pod claims belong in `StatefulService.claims`.
   */
  public static fromClaim(claim: IClaim, options: ClaimVolumeOptions = {}): Volume {
    checkArgs(
      'Volume.fromClaim',
      ['claim', claim, CLAIM_SHAPE],
      ['options', options, is.props<ClaimVolumeOptions>({ name: is.string, readOnly: is.boolean }), 'optional'],
    );
    if (options.name !== undefined) throwIfInvalid(volumeNameIssue('name', options.name));
    return new Volume(options.name ?? dns1123LabelOf(claim.name), {
      persistentVolumeClaim: { claimName: claim.name, ...(options.readOnly ? { readOnly: true } : {}) },
    });
  }
  /**
   * An inline (ephemeral) CSI volume of `driver`, e.g. the Secrets Store CSI
   * driver; allowed by the `restricted` Pod Security level.
   */
  public static csi(name: string, driver: string, options: CsiVolumeOptions = {}): Volume {
    checkArgs(
      'Volume.csi',
      nameArg(name),
      ['driver', driver, is.string],
      [
        'options',
        options,
        is.props<CsiVolumeOptions>({ attributes: is.map(is.string), readOnly: is.boolean, fsType: is.string }),
        'optional',
      ],
    );
    throwIfInvalid(volumeNameIssue('name', name), csiDriverIssue('driver', driver));
    return new Volume(name, {
      csi: {
        driver,
        ...(options.readOnly !== undefined ? { readOnly: options.readOnly } : {}),
        ...(options.fsType ? { fsType: options.fsType } : {}),
        ...(options.attributes ? { volumeAttributes: { ...options.attributes } } : {}),
      },
    });
  }
  /**
   * An NFS export. The `restricted` Pod Security level forbids NFS volumes
   * (only `baseline` or `privileged` namespaces admit them): prefer a
   * PersistentVolume with a claim there.
   */
  public static nfs(name: string, server: string, exportPath: string, options: NfsVolumeOptions = {}): Volume {
    checkArgs(
      'Volume.nfs',
      nameArg(name),
      ['server', server, is.string],
      ['exportPath', exportPath, is.string],
      ['options', options, is.props<NfsVolumeOptions>({ readOnly: is.boolean }), 'optional'],
    );
    throwIfInvalid(
      volumeNameIssue('name', name),
      // The API server only requires a server; the mount resolves it: an address, or a host name in any case.
      ipVersion(server) === 0 && (!isDns1123Subdomain(server.toLowerCase()) || hasOverlongDnsLabel(server))
        ? {
            code: 'VOLUME_INVALID',
            field: 'server',
            value: server,
            message: isDns1123Subdomain(server.toLowerCase()) ? OVERLONG_DNS_LABEL : 'is not a host name or IP address',
            fix: "use e.g. 'nfs.example.com'",
          }
        : undefined,
      absolutePathIssue('VOLUME_INVALID', 'path', exportPath, '/exports/shared'),
    );
    return new Volume(name, { nfs: { server, path: exportPath, ...(options.readOnly ? { readOnly: true } : {}) } });
  }

  private constructor(
    public readonly name: string,
    private readonly source: Omit<IVolume, 'name'>,
    public readonly configMap?: ConfigMap,
    public readonly secret?: SecretSource,
  ) {}

  public get isHostPath(): boolean {
    return this.source.hostPath !== undefined;
  }

  /** The volume source's field name: `emptyDir`, `persistentVolumeClaim`, `nfs`… */
  public get sourceType(): string {
    return Object.keys(this.source)[0];
  }

  public toJson(): IVolume {
    return { name: this.name, ...this.source };
  }
}

function throwIfInvalid(...issues: (IssueInput | undefined)[]): void {
  const found = issues.filter((i): i is IssueInput => i !== undefined);
  if (found.length) throw new BlueprintError(found.map((i) => ({ path: '', ...i })));
}
