import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../../imports/external-secrets.io';
import { addCheck } from '../core/checks';
import { BlueprintError, IssueInput } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { NamedObject } from '../core/named-object';
import { TeamNamespace } from '../namespace/team-namespace';
import { checkedNamespace } from '../namespace/namespace-name';
import { SecretBackend, SecretBackendKind } from './secret-backend';
import { checkArgs, is } from '../core/shape';
import { isConfigMapKey } from '../config/config-map';

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
  readonly keys: readonly DeclaredSecretKey[];
}

/** A Go duration string (`1h`, `15m`, `90s`, `1500ms`), as the operator parses it. */
function goDuration(ms: number): string {
  // Durations of a fraction of a second (Duration.millis) are whole milliseconds, not whole seconds.
  if (ms % 1000 !== 0) return `${ms}ms`;
  const seconds = ms / 1000;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
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
export class SecretDeclaration extends NamedObject {
  public readonly namespace: string;
  public readonly keys: readonly string[];
  public readonly version: string;
  public readonly backend: SecretBackend | undefined;
  /** The ExternalSecret, with the External Secrets backend. */
  public readonly externalSecret?: ApiObject;
  private readonly configKeys: Readonly<Record<string, string>>;
  private readonly remoteKey: string;

  constructor(scope: Construct, id: string, props: SecretDeclarationProps) {
    super(scope, id, props, 'SecretDeclaration', SECRET_DECLARATION_SHAPE);
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
    this.keys.forEach((k, i) =>
      problems.check(!isConfigMapKey(k) || this.keys.indexOf(k) !== i, {
        code: 'SECRET_KEYS_INVALID',
        field: `keys[${i}]`,
        value: k,
        message:
          "is not a valid Secret key (at most 253 letters, digits, -, _, .; not '.', '..' nor starting with '..') or is listed twice",
        fix: 'use each key once, e.g. "root-password"',
      }),
    );
    for (const [k, configKey] of Object.entries(props.configKeys ?? {})) {
      problems.check(!this.keys.includes(k), {
        code: 'SECRET_KEYS_INVALID',
        field: `configKeys.${k}`,
        value: k,
        message: 'is not one of the declared keys',
        fix: `use one of ${this.keys.join(', ')}`,
      });
      // An empty name reads no stack config: the deploy tool could never provide the key.
      problems.check(configKey.trim() === '', {
        code: 'SECRET_KEYS_INVALID',
        field: `configKeys.${k}`,
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
    problems.throwIfAny();
    this.configKeys = Object.fromEntries(this.keys.map((k) => [k, props.configKeys?.[k] ?? camel(`${this.name}-${k}`)]));
    this.remoteKey = props.remoteKey ?? `${this.namespace}/${this.name}`;

    if (this.backend?.kind === SecretBackendKind.EXTERNAL_SECRETS) {
      // external-secrets.io/v1: served from ESO 0.16.2 on (0.17 stopped serving v1beta1).
      this.externalSecret = new ExternalSecret(this, 'Resource', {
        metadata: { name: this.name, namespace: this.namespace, labels: componentLabels({ name: this.name, component: 'secret' }) },
        spec: {
          refreshInterval: goDuration(this.backend.refreshInterval!.toMilliseconds({ integral: false })),
          secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.CLUSTER_SECRET_STORE, name: this.backend.store! },
          target: { name: this.name, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER },
          data: this.keys.map((k) => ({ secretKey: k, remoteRef: { key: this.remoteKey, property: k } })),
        },
      });
    }
    addCheck(this, 'SecretDeclaration', () => this.checkProvided());
  }

  /** Fails unless `key` is one of the declared keys (used by `EnvValue.fromSecret`). */
  public requireKey(key: string, field = 'key'): void {
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
      keys: this.keys.map((key) => ({ key, configKey: this.configKeys[key], remoteKey: this.remoteKey, property: key })),
    };
  }

  private checkProvided(): IssueInput[] {
    const out: IssueInput[] = [];
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
    const twins = this.node.root.node
      .findAll()
      .filter((c): c is SecretDeclaration => c instanceof SecretDeclaration && c.name === this.name && c.namespace === this.namespace);
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
