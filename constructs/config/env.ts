import type { IEnvVarSource } from 'kubernetes-models/v1';
import { ConfigMap } from './config-map';
import { SECRET_SOURCE_SHAPE, SecretSource, requireSecretKey } from './secret-ref';
import { checkArgs, is } from '../core/shape';

/** Pod fields the Downward API exposes as env. @see https://kubernetes.io/docs/concepts/workloads/pods/downward-api/ */
export enum PodField {
  NAME = 'metadata.name',
  NAMESPACE = 'metadata.namespace',
  UID = 'metadata.uid',
  NODE_NAME = 'spec.nodeName',
  SERVICE_ACCOUNT = 'spec.serviceAccountName',
  POD_IP = 'status.podIP',
  HOST_IP = 'status.hostIP',
}

/** Container resources the Downward API exposes. */
export enum ResourceField {
  REQUESTS_CPU = 'requests.cpu',
  LIMITS_CPU = 'limits.cpu',
  REQUESTS_MEMORY = 'requests.memory',
  LIMITS_MEMORY = 'limits.memory',
}

/** Options of `EnvValue.fromResource`. */
export interface ResourceEnvOptions {
  /** The container whose resource is read. @default - the container the variable is set on */
  readonly containerName?: string;
  /** Unit of the value, e.g. `'1m'` or `'1Mi'`. @default '1' */
  readonly divisor?: string;
}

/** The value of an environment variable. */
export class EnvValue {
  /** A literal. Names that look secret (PASSWORD, TOKEN, …) are refused with a literal. */
  public static literal(value: string): EnvValue {
    checkArgs('EnvValue.literal', ['value', value, is.string]);
    return new EnvValue(value, undefined);
  }
  public static fromConfigMap(configMap: ConfigMap, key: string): EnvValue {
    checkArgs('EnvValue.fromConfigMap', ['configMap', configMap, is.instance(ConfigMap)], ['key', key, is.string]);
    return new EnvValue(undefined, { configMapKeyRef: { name: configMap.name, key } }, configMap);
  }
  /** One key of a Secret; with a `SecretDeclaration`, a key it does not declare fails at once (SECRET_KEY_UNDECLARED). */
  public static fromSecret(secret: SecretSource, key: string): EnvValue {
    checkArgs('EnvValue.fromSecret', ['secret', secret, SECRET_SOURCE_SHAPE], ['key', key, is.string]);
    requireSecretKey(secret, key);
    return new EnvValue(undefined, { secretKeyRef: { name: secret.name, key } }, undefined, secret);
  }
  /** A pod field (Downward API). */
  public static fromField(field: PodField): EnvValue {
    checkArgs('EnvValue.fromField', ['field', field, is.oneOf(Object.values(PodField), 'PodField')]);
    return new EnvValue(undefined, { fieldRef: { fieldPath: field } });
  }
  /** A resource of a container (Downward API); `divisor` such as `'1m'` or `'1Mi'`. */
  public static fromResource(resource: ResourceField, options: ResourceEnvOptions = {}): EnvValue {
    checkArgs(
      'EnvValue.fromResource',
      ['resource', resource, is.oneOf(Object.values(ResourceField), 'ResourceField')],
      ['options', options, is.props<ResourceEnvOptions>({ containerName: is.string, divisor: is.string }), 'optional'],
    );
    return new EnvValue(undefined, {
      resourceFieldRef: {
        resource,
        ...(options.containerName ? { containerName: options.containerName } : {}),
        ...(options.divisor ? { divisor: options.divisor } : {}),
      },
    });
  }
  private constructor(
    public readonly value: string | undefined,
    public readonly valueFrom: IEnvVarSource | undefined,
    public readonly configMap?: ConfigMap,
    public readonly secret?: SecretSource,
  ) {}
}
