import type { IEnvVarSource } from 'kubernetes-models/v1';
import { ConfigMap } from './config-map';
import { SECRET_SOURCE_SHAPE, SecretSource, requireSecretKey } from './secret-ref';
import { BlueprintError } from '../core/errors';
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
    // A key the ConfigMap does not hold: the kubelet would not start the container (like SECRET_KEY_UNDECLARED).
    if (!Object.prototype.hasOwnProperty.call(configMap.data, key))
      throw new BlueprintError({
        code: 'CONFIG_KEY_UNDECLARED',
        path: configMap.node.path,
        construct: 'ConfigMap',
        field: 'key',
        value: key,
        message: `is not a key of ConfigMap ${configMap.namespace}/${configMap.name}: the kubelet would not start the container (CreateContainerConfigError)`,
        fix: `read one of ${Object.keys(configMap.data).join(', ') || '(none: the ConfigMap is empty)'}, or add '${key}' to the ConfigMap's data`,
      });
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
  /**
   * A resource of a container (Downward API); `divisor` one the API server
   * accepts: `'1m'` or `'1'` for CPU, `'1'`, `'1k'`…`'1E'` or `'1Ki'`…`'1Ei'` for
   * memory (ENV_INVALID otherwise). A `containerName` must name a container of
   * the pod (checked at synth).
   */
  public static fromResource(resource: ResourceField, options: ResourceEnvOptions = {}): EnvValue {
    checkArgs(
      'EnvValue.fromResource',
      ['resource', resource, is.oneOf(Object.values(ResourceField), 'ResourceField')],
      ['options', options, is.props<ResourceEnvOptions>({ containerName: is.string, divisor: is.string }), 'optional'],
    );
    const cpu = resource === ResourceField.LIMITS_CPU || resource === ResourceField.REQUESTS_CPU;
    if (options.divisor && !isValidDivisor(options.divisor, cpu))
      throw new BlueprintError({
        code: 'ENV_INVALID',
        path: '',
        construct: 'EnvValue.fromResource',
        field: 'options.divisor',
        value: options.divisor,
        message: `is not a divisor the API server accepts for ${resource}`,
        fix: cpu ? "use '1m' (millicores) or '1' (cores)" : "use '1', a power of 1000 ('1k'…'1E') or of 1024 ('1Ki'…'1Ei'), e.g. '1Mi'",
      });
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

/**
 * Mirrors `validateContainerResourceDivisor`: the divisor's canonical form (as
 * apimachinery's `Quantity.String()` writes it) must be one of
 * `validContainerResourceDivisorForCPU` ("1m", "1") or `…ForMemory` ("1",
 * "1k"…"1E", "1Ki"…"1Ei"); zero means unset. So "1000m" (canonically "1") is
 * accepted, "1024" (canonically "1024") and "3m" are not.
 */
function isValidDivisor(divisor: string, cpu: boolean): boolean {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/.exec(divisor);
  if (!m) return false;
  const [, sign, number, suffix = ''] = m;
  const [whole, frac = ''] = number.split('.');
  // The value as digits × 10^exp10 × 1024^exp1024, exactly.
  let digits = BigInt(whole + frac || '0');
  if (sign === '-') digits = -digits;
  let exp10 = -frac.length;
  let exp1024 = 0;
  const binary = ['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'].indexOf(suffix);
  const decimal = ['n', 'u', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E'].indexOf(suffix);
  let format: 'binary' | 'decimal' | 'exponent';
  if (binary >= 0) [format, exp1024] = ['binary', binary + 1];
  else if (decimal >= 0) [format, exp10] = ['decimal', exp10 + 3 * (decimal - 3)];
  else [format, exp10] = ['exponent', exp10 + Number(suffix.slice(1))];
  if (digits === 0n) return true;
  if (digits < 0n) return false;
  // value = num / den
  let num = digits * 1024n ** BigInt(exp1024);
  let den = 1n;
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den = 10n ** BigInt(-exp10);
  const is = (n: bigint, d = 1n) => num * d === n * den;
  // A binary quantity below 1024, or not a whole number, is written in decimal form.
  if (format === 'binary' && (num < 1024n * den || num % den !== 0n)) format = 'decimal';
  if (format === 'exponent') return is(1n);
  if (format === 'binary') return !cpu && [1, 2, 3, 4, 5, 6].some((k) => is(1024n ** BigInt(k)));
  return cpu ? is(1n) || is(1n, 1000n) : [0, 1, 2, 3, 4, 5, 6].some((k) => is(1000n ** BigInt(k)));
}
