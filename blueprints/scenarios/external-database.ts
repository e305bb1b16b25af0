import { Construct } from 'constructs';
import {
  CheckedConstruct,
  EnvValue,
  ExternalService,
  Probe,
  ResourcePreset,
  SecretDeclaration,
  TeamNamespace,
  WebService,
} from '../../constructs';
import { is } from '../../constructs/core/shape';

/** Props of `ExternalDatabase`. */
export interface ExternalDatabaseProps {
  readonly namespace: TeamNamespace;
  /**
   * DNS name of the managed database (MongoDB Atlas, RDS…): a host with an address record. Not an SRV seed name
   * (Atlas' `mongodb+srv://cluster0.abcde.mongodb.net`): it has only SRV and TXT records, so the ExternalName
   * CNAME to it resolves to nothing; name a member host (`cluster0-shard-00-00.abcde.mongodb.net`), or let the
   * app resolve the SRV name itself.
   */
  readonly hostName: string;
  /** @default 27017 (MongoDB) */
  readonly port?: number;
  /** @default 'ghcr.io/acme/orders:2.1.0' */
  readonly appImage?: string;
  /**
   * Secret with key `url-credentials`.
   * @default - declared here as `external-database-credentials` (stack config key `mongoCredentials`)
   */
  readonly credentials?: SecretDeclaration;
}

/** The shape of the props (checked at entry). */
const EXTERNAL_DATABASE_SHAPE = is.props<ExternalDatabaseProps>(
  {
    namespace: is.instance(TeamNamespace),
    hostName: is.string,
    port: is.number,
    appImage: is.string,
    credentials: is.instance(SecretDeclaration),
  },
  ['namespace', 'hostName'],
);

/**
 * An app reaching a database outside the cluster (000 "Mapping External
 * Services"): an ExternalName Service `database` so the app connects to a
 * cluster-local name, and the egress path opened in the default-deny namespace.
 * A managed database speaks TLS (Atlas requires it) with a certificate for its
 * own host name, which the cluster-local alias is not: the app gets that name as
 * `DATABASE_TLS_SERVER_NAME`, to send as SNI and verify the certificate against.
 */
export class ExternalDatabase extends CheckedConstruct<ExternalDatabaseProps> {
  public readonly database: ExternalService;
  public readonly app: WebService;

  constructor(scope: Construct, id: string, props: ExternalDatabaseProps) {
    super(scope, id, props, 'ExternalDatabase', EXTERNAL_DATABASE_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const port = props.port ?? 27017;
    const credentials =
      props.credentials ??
      new SecretDeclaration(this, 'Credentials', {
        namespace: props.namespace,
        name: 'external-database-credentials',
        keys: ['url-credentials'],
        configKeys: { 'url-credentials': 'mongoCredentials' },
      });
    this.database = ExternalService.fromHostName(this, 'Database', {
      namespace: props.namespace.name,
      name: 'database',
      hostName: props.hostName,
      ports: [{ name: 'db', port }],
    });
    this.app = new WebService(this, 'App', {
      namespace: props.namespace,
      name: 'orders',
      image: props.appImage ?? 'ghcr.io/acme/orders:2.1.0',
      replicas: 2,
      ports: [{ name: 'http', port: 8080 }],
      resources: ResourcePreset.SMALL,
      readiness: Probe.http('/readyz', 'http'),
      liveness: Probe.http('/livez', 'http', { periodSeconds: 20 }),
      env: {
        DATABASE_HOST: this.database.dnsName,
        // The alias is no name the database's certificate covers: TLS verifies the provider's host name.
        DATABASE_TLS_SERVER_NAME: this.database.tlsServerName!,
        DATABASE_PORT: String(port),
        DATABASE_CREDENTIALS: EnvValue.fromSecret(credentials, 'url-credentials'),
      },
    });
    this.database.allowFrom(this.app);
  }
}
