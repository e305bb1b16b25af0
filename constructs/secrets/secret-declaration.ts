import { firstIndices } from '../core/value-issues';
import { ApiObject, Lazy } from 'cdk8s';
import { goDurationOf, millisOf } from '../core/duration';
import { Construct, IConstruct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../../imports/external-secrets.io';
import { addCheck, perPass } from '../core/checks';
import { BlueprintError, IssueInput } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { NamedObject } from '../core/named-object';
import { TeamNamespace } from '../namespace/team-namespace';
import { checkedNamespace } from '../namespace/namespace-name';
import { SecretBackend, SecretBackendKind } from './secret-backend';
import { checkArgs, is } from '../core/shape';
import { isConfigMapKey } from '../config/config-map';
import { AwsSecretService, ClusterSecretStore } from './cluster-secret-store';
import { keyField } from '../core/field-path';

/**
 * The Kubernetes type of a declared Secret. The kubelet reads registry credentials only from a
 * `kubernetes.io/dockerconfigjson` (or legacy `kubernetes.io/dockercfg`) Secret, and ingress
 * controllers expect `kubernetes.io/tls`; the API server requires each type's keys (ValidateSecret).
 */
const SECRET_TYPES = {
  Opaque: [],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
} as const satisfies Record<string, readonly string[]>;
type SecretTypeName = keyof typeof SECRET_TYPES;

/** The types whose required keys are all in `keys` (Opaque aside). */
function typesHeldBy(keys: readonly string[]): SecretTypeName[] {
  return (Object.keys(SECRET_TYPES) as SecretTypeName[]).filter(
    (t) => t !== 'Opaque' && SECRET_TYPES[t].every((k: string) => keys.includes(k)),
  );
}

/** SSM parameter names (PutParameter Name): a-zA-Z0-9_.- and, for a hierarchy, a leading slash before each of at most 15 levels. */
const SSM_PARAMETER_NAME = /^(?:[a-zA-Z0-9_.-]+|(?:\/[a-zA-Z0-9_.-]+){1,15})$/;
/** 2048 in the API, of which 1037 are reserved for Systems Manager. */
const SSM_PARAMETER_NAME_MAX = 1011;
/** A parameter's ARN (GetParameter takes it, e.g. for a parameter shared from another account): `arn:<partition>:ssm:<region>:<account>:parameter/<name>`. */
const SSM_PARAMETER_ARN = /^arn:aws(?:-[a-z]+)*:ssm:[a-z]{2}(?:-[a-z]+)+-\d+:\d{12}:parameter(\/[^:]+)$/;
/** LabelParameterVersion: letters, digits, . - _, at most 100, not starting with a digit, aws or ssm (any case). */
const SSM_LABEL = /^(?![0-9])(?!aws|ssm)[a-zA-Z0-9._-]{1,100}$/i;

/**
 * Whether GetParameter (which External Secrets passes the key to) reads `key`: a name (PutParameter
 * rules) or an ARN, optionally with a `:version` (digits) or `:label` selector.
 */
function isParameterStoreKey(key: string): boolean {
  const colon = key.lastIndexOf(':');
  const selector = colon >= 0 && !SSM_PARAMETER_ARN.test(key) ? key.slice(colon + 1) : undefined;
  const ref = selector === undefined ? key : key.slice(0, colon);
  if (selector !== undefined && !/^\d+$/.test(selector) && !SSM_LABEL.test(selector)) return false;
  const arn = SSM_PARAMETER_ARN.exec(ref);
  // In an ARN the name follows 'parameter', its leading slash (or the separator of a plain name) included.
  const name = arn ? arn[1] : ref;
  const plain = arn === null && !name.startsWith('/');
  return SSM_PARAMETER_NAME.test(name) && name.length <= SSM_PARAMETER_NAME_MAX && !(plain && /^(aws|ssm)/i.test(name));
}

/** Props of a `SecretDeclaration`. */
export interface SecretDeclarationProps {
  /** The namespace of the Secret (the same as the workloads reading it). */
  readonly namespace: TeamNamespace | string;
  /** The Secret's name. @default - the construct id */
  readonly name?: string;
  /** Keys the Secret must hold; reading any other key is an error. */
  readonly keys: readonly string[];
  /**
   * Deploy-tool backend: the stack config key holding each Secret key's value.
   * @default - camelCase of `<name>-<key>`, e.g. `ledgerCredentialsPassword`
   */
  readonly configKeys?: Readonly<Record<string, string>>;
  /**
   * External Secrets backend: the entry of the store holding the keys (each key is
   * read as a property of it).
   * @default - `<namespace>/<name>`
   */
  readonly remoteKey?: string;
  /**
   * The Secret's type. The kubelet only reads image pull credentials from a `kubernetes.io/dockerconfigjson`
   * (or `kubernetes.io/dockercfg`) Secret, and the API server requires each type's keys.
   * @default - from the keys: `.dockerconfigjson` → `kubernetes.io/dockerconfigjson`, `.dockercfg` →
   * `kubernetes.io/dockercfg`, `tls.crt` and `tls.key` → `kubernetes.io/tls`, otherwise `Opaque`
   */
  readonly type?: 'Opaque' | 'kubernetes.io/dockerconfigjson' | 'kubernetes.io/dockercfg' | 'kubernetes.io/tls';
  /** Bump it to roll the pods reading the Secret when its content changes. @default '1' */
  readonly version?: string;
  /** @default - the backend chosen with `SecretBackend.use` for the app */
  readonly backend?: SecretBackend;
}

/** One key of a declared Secret and where each backend reads it. */
export interface DeclaredSecretKey {
  readonly key: string;
  /** Stack config key (deploy-tool backend). */
  readonly configKey: string;
  /** Store entry and property (External Secrets backend). */
  readonly remoteKey: string;
  readonly property: string;
}

/** A declaration as plain data, for deploy tools (`secretDeclarations`). */
export interface DeclaredSecret {
  readonly namespace: string;
  readonly name: string;
  /** The backend that provides it; undefined when none was chosen (synth fails then). */
  readonly backend: SecretBackendKind | undefined;
  /** The Secret's type, e.g. `Opaque` or `kubernetes.io/dockerconfigjson`. */
  readonly type: string;
  readonly keys: readonly DeclaredSecretKey[];
}

function camel(s: string): string {
  return s.replace(/[-_.]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}

/** The shape of the props (checked at entry). */
const SECRET_DECLARATION_SHAPE = is.props<SecretDeclarationProps>(
  {
    namespace: is.either(is.instance(TeamNamespace), is.string),
    name: is.string,
    keys: is.list(is.string),
    configKeys: is.map(is.string),
    remoteKey: is.string,
    type: is.oneOf(Object.keys(SECRET_TYPES), 'Secret type'),
    version: is.string,
    backend: is.instance(SecretBackend),
  },
  ['namespace', 'keys'],
);

/**
 * A Secret a workload reads, declared once with its namespace and required
 * keys; the environment's backend provides it (an `ExternalSecret`, or the
 * deploy tool). Pass it where a `SecretRef` goes (`EnvValue.fromSecret`,
 * `Volume.fromSecret`, `envFrom`, `imagePullSecrets`): reading a key it does not
 * declare fails at once, and so does reading it from another namespace.
 * No value ever reaches the YAML.
 */
export class SecretDeclaration extends NamedObject<SecretDeclarationProps> {
  public readonly namespace: string;
  public readonly keys: readonly string[];
  public readonly version: string;
  /** The Secret's type (given, or inferred from the keys). */
  public readonly type: string;
  public readonly backend: SecretBackend | undefined;
  /** The ExternalSecret, with the External Secrets backend. */
  public readonly externalSecret?: ApiObject;
  private readonly configKeys: Readonly<Record<string, string>>;
  /** The store entry given in the props, if any (the default depends on the store's service: `remoteKey()`). */
  private readonly givenRemoteKey: string | undefined;

  constructor(scope: Construct, id: string, props: SecretDeclarationProps) {
    super(scope, id, props, 'SecretDeclaration', SECRET_DECLARATION_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const { problems } = this;
    this.namespace = checkedNamespace(problems, props.namespace);
    this.keys = [...props.keys];
    this.version = props.version ?? '1';
    this.backend = props.backend ?? SecretBackend.of(this);
    problems.check(this.keys.length === 0, {
      code: 'SECRET_KEYS_INVALID',
      field: 'keys',
      value: [],
      message: 'is empty: a declared Secret must name the keys its readers need',
      fix: "list the keys, e.g. keys: ['password']",
    });
    const first = firstIndices(this.keys);
    this.keys.forEach((k, i) => {
      const twice = isConfigMapKey(k) && first[i] !== i;
      problems.check(!isConfigMapKey(k) || twice, {
        code: 'SECRET_KEYS_INVALID',
        field: `keys[${i}]`,
        value: k,
        message: twice
          ? `is given twice (also keys[${first[i]}])`
          : "is not a valid Secret key (at most 253 letters, digits, -, _, .; not '.', '..' nor starting with '..')",
        fix: twice ? 'list each key once' : 'use e.g. "root-password"',
      });
    });
    for (const [k, configKey] of Object.entries(props.configKeys ?? {})) {
      problems.check(!this.keys.includes(k), {
        code: 'SECRET_KEYS_INVALID',
        field: keyField('configKeys', k),
        value: k,
        message: 'is not one of the declared keys',
        fix: `use one of ${this.keys.join(', ')}`,
      });
      // An empty name reads no stack config: the deploy tool could never provide the key.
      problems.check(configKey.trim() === '', {
        code: 'SECRET_KEYS_INVALID',
        field: keyField('configKeys', k),
        value: configKey,
        message: 'is empty: no stack config key holds the value',
        fix: "name the stack config key, e.g. 'dbPassword' (pulumi config set --secret dbPassword …)",
      });
    }
    // An empty entry reads nothing from the store: the ExternalSecret would never become ready.
    problems.check(props.remoteKey !== undefined && props.remoteKey.trim() === '', {
      code: 'SECRET_KEYS_INVALID',
      field: 'remoteKey',
      value: props.remoteKey,
      message: 'is empty: the ExternalSecret would read no entry of the store',
      fix: "name the store entry holding the keys, e.g. 'prod/payments/db', or leave it out for '<namespace>/<name>'",
    });
    const inferred = typesHeldBy(this.keys);
    this.type = props.type ?? inferred[0] ?? 'Opaque';
    // The API server's ValidateSecret: each type requires its keys.
    const required: readonly string[] = SECRET_TYPES[this.type as SecretTypeName] ?? [];
    problems.check(props.type !== undefined && !required.every((k) => this.keys.includes(k)), {
      code: 'SECRET_KEYS_INVALID',
      field: 'type',
      value: props.type,
      message: `requires the keys ${required.join(', ')}, which the declaration does not list (the API server refuses such a Secret)`,
      fix: `add ${required.filter((k) => !this.keys.includes(k)).join(', ')} to keys, or choose the type the keys are for`,
    });
    problems.check(props.type === undefined && inferred.length > 1, {
      code: 'SECRET_KEYS_INVALID',
      field: 'keys',
      value: this.keys,
      message: `hold the keys of several Secret types (${inferred.join(', ')}), so the type cannot be told from them`,
      fix: `set type to one of ${inferred.join(', ')}, or declare one Secret per type`,
    });
    problems.throwIfAny();
    this.configKeys = Object.fromEntries(this.keys.map((k) => [k, props.configKeys?.[k] ?? camel(`${this.name}-${k}`)]));
    this.givenRemoteKey = props.remoteKey;

    if (this.backend?.kind === SecretBackendKind.EXTERNAL_SECRETS) {
      // external-secrets.io/v1: served from ESO 0.16.2 on (0.17 stopped serving v1beta1).
      this.externalSecret = new ExternalSecret(this, 'Resource', {
        metadata: { name: this.name, namespace: this.namespace, labels: componentLabels({ name: this.name, component: 'secret' }) },
        spec: {
          // Checked by SecretBackend.externalSecrets: always a duration Go reads.
          refreshInterval: goDurationOf(millisOf(this.backend.refreshInterval!))!,
          secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: this.backend.store! },
          target: {
            name: this.name,
            creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
            // Without a template the operator writes an Opaque Secret; a template without data keeps the fetched keys.
            ...(this.type !== 'Opaque' ? { template: { type: this.type } } : {}),
          },
          // The default entry depends on the store's service, which may be declared after this.
          data: this.keys.map((k) => ({ secretKey: k, remoteRef: { key: Lazy.any({ produce: () => this.remoteKey() }), property: k } })),
        },
      });
    }
    addCheck(this, 'SecretDeclaration', () => this.checkProvided());
  }

  /** Fails unless `key` is one of the declared keys (used by `EnvValue.fromSecret`). */
  public requireKey(key: string, field = 'key'): void {
    // Quoted in the message below: a Symbol, a revoked Proxy or a null-prototype object threw a TypeError there.
    checkArgs('SecretDeclaration.requireKey', ['key', key, is.string], ['field', field, is.string]);
    if (this.keys.includes(key)) return;
    throw new BlueprintError({
      code: 'SECRET_KEY_UNDECLARED',
      path: this.node.path,
      construct: 'SecretDeclaration',
      field,
      value: key,
      message: `is not a key of Secret ${this.namespace}/${this.name}, so nothing would provide it`,
      fix: `read one of ${this.keys.join(', ')}, or add '${key}' to the declaration's keys`,
    });
  }

  /** The declaration as plain data. */
  public describe(): DeclaredSecret {
    return {
      namespace: this.namespace,
      name: this.name,
      backend: this.backend?.kind,
      type: this.type,
      keys: this.keys.map((key) => ({ key, configKey: this.configKeys[key], remoteKey: this.remoteKey(), property: key })),
    };
  }

  /** The AWS service of the `ClusterSecretStore` this declaration reads, when the app defines that store. */
  private storeService(): string | undefined {
    if (this.backend?.kind !== SecretBackendKind.EXTERNAL_SECRETS) return undefined;
    const store = perPass(this, 'cluster-secret-stores', (all) =>
      all.filter((c): c is ClusterSecretStore => c instanceof ClusterSecretStore),
    ).find((c) => c.name === this.backend!.store);
    return store?.apiObject.toJson().spec?.provider?.aws?.service;
  }

  /**
   * The store entry holding the keys: the given one, or `<namespace>/<name>`; on Parameter Store
   * `/<namespace>/<name>`, since a hierarchical parameter name must start with a slash.
   */
  private remoteKey(): string {
    if (this.givenRemoteKey !== undefined) return this.givenRemoteKey;
    const prefix = this.storeService() === AwsSecretService.PARAMETER_STORE ? '/' : '';
    return `${prefix}${this.namespace}/${this.name}`;
  }

  /** A given entry that Parameter Store cannot hold: the operator's fetch would fail and the pods never start. */
  private remoteKeyIssues(): IssueInput[] {
    const key = this.givenRemoteKey;
    if (key === undefined || key.trim() === '' || this.storeService() !== AwsSecretService.PARAMETER_STORE) return [];
    // PutParameter Name: a-zA-Z0-9_.-, '/' between levels with a leading one, at most 15 levels; a plain name
    // cannot start with aws or ssm (a path may: /aws/reference/secretsmanager/… and /aws/service/… are readable).
    return isParameterStoreKey(key)
      ? []
      : [
          {
            code: 'SECRET_KEYS_INVALID',
            field: 'remoteKey',
            value: key,
            message: `is not a Parameter Store name (store ${this.backend!.store}): letters, digits, _ . - only, a hierarchy as /level/…/name with a leading slash and at most 15 levels, at most ${SSM_PARAMETER_NAME_MAX} characters, and a name without a path cannot start with aws or ssm; or the parameter's ARN (arn:<partition>:ssm:<region>:<12-digit account>:parameter/<name>); either may end with :<version> or :<label>`,
            fix: `use e.g. '/${this.namespace}/${this.name}'`,
          },
        ];
  }

  private checkProvided(): IssueInput[] {
    const out: IssueInput[] = [...this.remoteKeyIssues()];
    if (!this.backend)
      out.push({
        code: 'SECRET_BACKEND_MISSING',
        field: 'backend',
        value: undefined,
        message: SecretBackend.of(this)
          ? `was not chosen yet when the declaration was built (SecretBackend.use came after it), so nothing provides Secret ${this.namespace}/${this.name}`
          : `is not chosen, so nothing provides Secret ${this.namespace}/${this.name}`,
        fix: 'call SecretBackend.use(app, SecretBackend.externalSecrets({ store })) before declaring Secrets, or pass backend',
      });
    const twins = perPass(this, 'secret-declarations', (all) =>
      all.filter((c): c is SecretDeclaration => c instanceof SecretDeclaration),
    ).filter((c) => c.name === this.name && c.namespace === this.namespace);
    if (twins[0] !== this)
      out.push({
        code: 'SECRET_DECLARED_TWICE',
        field: 'name',
        value: `${this.namespace}/${this.name}`,
        message: `is also declared at ${twins[0].node.path}`,
        fix: 'declare each Secret once and pass the declaration to every reader',
      });
    return out;
  }
}

/**
 * Every Secret declared under `scope` (an App, a chart, any construct), with
 * its backend and keys, sorted by namespace and name. Deploy tools create the
 * Secrets whose backend is `SecretBackendKind.DEPLOY_TOOL` from it.
 */
export function secretDeclarations(scope: IConstruct): DeclaredSecret[] {
  checkArgs('secretDeclarations', ['scope', scope, is.construct]);
  return scope.node
    .findAll()
    .filter((c): c is SecretDeclaration => c instanceof SecretDeclaration)
    .map((d) => d.describe())
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}
