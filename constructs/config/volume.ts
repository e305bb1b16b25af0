import { isIP } from 'net';
import type { IVolume } from 'kubernetes-models/v1';
import { BlueprintError, IssueInput } from '../core/errors';
import { NameRule, isDns1123Subdomain, nameIssue } from '../core/names';
import { MemoryInput, Memory } from '../core/quantity';
import { ConfigMap } from './config-map';
import { SecretSource } from './secret-ref';
import { PodField } from './env';

/** A claim a pod can mount (a `PersistentVolumeClaim`). */
export interface IClaim {
  readonly name: string;
  readonly namespace: string;
}

/** A pod volume. Containers mount it with `{ volume, path }`. */
export class Volume {
  /** Scratch space that lives as long as the pod. */
  public static emptyDir(name: string, options: { sizeLimit?: MemoryInput; memory?: boolean } = {}): Volume {
    return new Volume(name, {
      emptyDir: {
        ...(options.memory ? { medium: 'Memory' } : {}),
        ...(options.sizeLimit ? { sizeLimit: Memory.of(options.sizeLimit).toString() } : {}),
      },
    });
  }
  /** A ConfigMap's entries as files (e.g. `reverseproxy.conf` in `/etc/nginx/conf.d`). */
  public static fromConfigMap(configMap: ConfigMap, name = configMap.name): Volume {
    return new Volume(name, { configMap: { name: configMap.name } }, configMap);
  }
  /** A Secret's entries as files (mode 0400). */
  public static fromSecret(secret: SecretSource, name = secret.name): Volume {
    return new Volume(name, { secret: { secretName: secret.name, defaultMode: 0o400 } }, undefined, secret);
  }
  /** Pod labels and annotations (and other fields) as files (Downward API). */
  public static downwardApi(
    name: string,
    files: Readonly<Record<string, PodField | 'metadata.labels' | 'metadata.annotations'>> = {
      labels: 'metadata.labels',
      annotations: 'metadata.annotations',
    },
  ): Volume {
    return new Volume(name, {
      downwardAPI: { items: Object.entries(files).map(([p, fieldPath]) => ({ path: p, fieldRef: { fieldPath } })) },
    });
  }
  /** A directory of the node. Only where the namespace's Pod Security level allows it. */
  public static hostPath(name: string, hostPath: string, type: 'Directory' | 'DirectoryOrCreate' | 'File' | '' = 'Directory'): Volume {
    return new Volume(name, { hostPath: { path: hostPath, type } });
  }

  /**
   * A standalone PersistentVolumeClaim (e.g. a ReadWriteMany claim shared by a
   * Deployment's pods). Per-pod claims belong in `StatefulService.claims`.
   */
  public static fromClaim(claim: IClaim, options: { name?: string; readOnly?: boolean } = {}): Volume {
    return new Volume(options.name ?? claim.name, {
      persistentVolumeClaim: { claimName: claim.name, ...(options.readOnly ? { readOnly: true } : {}) },
    });
  }
  /**
   * An inline (ephemeral) CSI volume of `driver`, e.g. the Secrets Store CSI
   * driver; allowed by the `restricted` Pod Security level.
   */
  public static csi(
    name: string,
    driver: string,
    options: { attributes?: Readonly<Record<string, string>>; readOnly?: boolean; fsType?: string } = {},
  ): Volume {
    throwIfInvalid(nameIssue(NameRule.DNS1123_SUBDOMAIN, 'driver', driver));
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
  public static nfs(name: string, server: string, exportPath: string, options: { readOnly?: boolean } = {}): Volume {
    throwIfInvalid(
      isIP(server) === 0 && !isDns1123Subdomain(server)
        ? {
            code: 'VOLUME_INVALID',
            field: 'server',
            value: server,
            message: 'is not a host name or IP address',
            fix: "use e.g. 'nfs.example.com'",
          }
        : undefined,
      exportPath.startsWith('/')
        ? undefined
        : {
            code: 'VOLUME_INVALID',
            field: 'path',
            value: exportPath,
            message: 'must be an absolute path',
            fix: "use e.g. '/exports/shared'",
          },
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
