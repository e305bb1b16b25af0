import type { IVolume } from 'kubernetes-models/v1';
import { MemoryInput, Memory } from '../core/quantity';
import { ConfigMap } from './config-map';
import { SecretSource } from './secret-ref';
import { PodField } from './env';

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

  private constructor(
    public readonly name: string,
    private readonly source: Omit<IVolume, 'name'>,
    public readonly configMap?: ConfigMap,
    public readonly secret?: SecretSource,
  ) {}

  public get isHostPath(): boolean {
    return this.source.hostPath !== undefined;
  }

  public toJson(): IVolume {
    return { name: this.name, ...this.source };
  }
}
