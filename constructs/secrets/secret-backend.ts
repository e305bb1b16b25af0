import { Duration } from 'cdk8s';
import { goDurationOf, millisOf } from '../core/duration';
import { IConstruct } from 'constructs';
import { BlueprintError } from '../core/errors';
import { NameRule, nameIssue } from '../core/names';
import { checkArgs, is } from '../core/shape';

/** What materializes declared Secrets. */
export enum SecretBackendKind {
  /** External Secrets Operator: one `ExternalSecret` per declaration, read from a `ClusterSecretStore`. */
  EXTERNAL_SECRETS = 'external-secrets',
  /** The deploy tool (the Pulumi program) creates each Secret from its encrypted stack config. */
  DEPLOY_TOOL = 'deploy-tool',
}

/** Options of `SecretBackend.externalSecrets`. */
export interface ExternalSecretsBackendOptions {
  /** Name of the `ClusterSecretStore` every ExternalSecret reads from. */
  readonly store: string;
  /** How often the operator re-reads the store. @default Duration.hours(1) */
  readonly refreshInterval?: Duration;
}

/** The backend chosen on each scope (not construct context, which refuses a value once the scope has children). */
const chosen = new WeakMap<IConstruct, SecretBackend>();

/**
 * Who provides the Secrets that workloads declare (`SecretDeclaration`). An
 * environment picks one for its whole app with `SecretBackend.use(app, …)`;
 * a declaration may override it.
 */
export class SecretBackend {
  /** External Secrets Operator against the named `ClusterSecretStore`. */
  public static externalSecrets(options: ExternalSecretsBackendOptions): SecretBackend {
    checkArgs('SecretBackend.externalSecrets', [
      'options',
      options,
      is.props<ExternalSecretsBackendOptions>({ store: is.string, refreshInterval: is.instance(Duration) }, ['store']),
    ]);
    const issue = nameIssue(NameRule.DNS1123_SUBDOMAIN, 'store', options.store);
    if (issue) throw new BlueprintError({ path: '', construct: 'SecretBackend', ...issue });
    const refresh = options.refreshInterval ?? Duration.hours(1);
    const ms = millisOf(refresh);
    // The operator reads spec.refreshInterval with Go's time.ParseDuration: an int64 of nanoseconds at most (NaN: no number).
    if (goDurationOf(ms) === undefined)
      throw new BlueprintError({
        path: '',
        construct: 'SecretBackend',
        code: 'PROPS_INVALID',
        field: 'refreshInterval',
        value: `${ms}ms`,
        message:
          'is not a number of milliseconds or longer than a Go duration holds (about 106,751 days): External Secrets Operator could not read the ExternalSecret',
        fix: 'use e.g. Duration.hours(1)',
      });
    return new SecretBackend(SecretBackendKind.EXTERNAL_SECRETS, options.store, refresh);
  }

  /** The deploy tool creates every Secret from `pulumi config set --secret <configKey>` values. */
  public static deployTool(): SecretBackend {
    return new SecretBackend(SecretBackendKind.DEPLOY_TOOL, undefined, undefined);
  }

  /**
   * Makes `backend` the default of every declaration under `scope` built after
   * this call (a backend chosen on a scope below overrides it). Call it on the
   * App (or a chart) before declaring Secrets; it may come after other
   * children, e.g. the chart holding the `ClusterSecretStore` whose
   * `backend()` it passes.
   */
  public static use(scope: IConstruct, backend: SecretBackend): void {
    checkArgs('SecretBackend.use', ['scope', scope, is.construct], ['backend', backend, is.instance(SecretBackend)]);
    chosen.set(scope, backend);
  }

  /** The backend chosen for `scope`, if any: on the nearest scope (itself or an ancestor) that chose one. */
  public static of(scope: IConstruct): SecretBackend | undefined {
    checkArgs('SecretBackend.of', ['scope', scope, is.construct]);
    return [...scope.node.scopes].reverse().reduce<SecretBackend | undefined>((found, s) => found ?? chosen.get(s), undefined);
  }

  private constructor(
    public readonly kind: SecretBackendKind,
    /** The ClusterSecretStore, for EXTERNAL_SECRETS. */
    public readonly store: string | undefined,
    public readonly refreshInterval: Duration | undefined,
  ) {}
}
