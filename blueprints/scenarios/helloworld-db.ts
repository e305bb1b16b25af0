import { Construct } from 'constructs';
import {
  CheckedConstruct,
  EnvValue,
  ExternalService,
  ServiceType,
  Probe,
  Qos,
  ResourcePreset,
  SecretDeclaration,
  StatefulService,
  StorageClass,
  TeamNamespace,
  WebService,
} from '../../constructs';
import { is } from '../../constructs/core/shape';

/** A managed MySQL (RDS, Cloud SQL…) `HelloworldDb` uses instead of its in-cluster StatefulService. */
export interface HelloworldDbManagedDatabase {
  /**
   * DNS name of the database, e.g. `helloworld.abc123.eu-west-1.rds.amazonaws.com`. The
   * web app connects to it on MySQL's port 3306 (it reads no port setting), through an
   * ExternalName Service.
   */
  readonly hostName: string;
}

/** Props of `HelloworldDb`. */
export interface HelloworldDbProps {
  readonly namespace: TeamNamespace;
  /** Web replicas. @default 3 */
  readonly replicas?: number;
  /**
   * The notes use the untagged `wardviaene/k8s-demo`; we refuse unpinned
   * images, so pin the tag or digest you have verified.
   * @default 'wardviaene/k8s-demo:1.0.0'
   */
  readonly webImage?: string;
  /** Image of the in-cluster database (not with `managedDatabase`). @default 'mysql:8.4.2' */
  readonly mysqlImage?: string;
  /**
   * Secret with keys `root-password` and `password`.
   * @default - declared here as `helloworld-db-credentials` (stack config keys `mysqlRootPassword`, `mysqlPassword`)
   */
  readonly credentials?: SecretDeclaration;
  /** Claim size of the in-cluster database (not with `managedDatabase`). @default '10Gi' */
  readonly storage?: string;
  /**
   * StorageClass of the in-cluster database's claim: required unless `managedDatabase` is set, refused with it.
   * @default - none: the in-cluster database fails without one (`PROPS_INVALID`)
   */
  readonly storageClass?: StorageClass | string;
  /** In-cluster database pods (not with `managedDatabase`). @default 1 */
  readonly databaseReplicas?: number;
  /**
   * A managed, replicated MySQL the web app uses instead of the in-cluster StatefulService:
   * no StatefulSet, claim or database pod is rendered, `MYSQL_HOST` names an ExternalName
   * Service `database` pointing at `hostName`, and the web app may reach it on 3306. Its
   * provider replicates and backs it up. The credentials Secret stays: the app still needs
   * the password.
   * @default - MySQL runs in the cluster, as a StatefulService `database-service` with a claim
   */
  readonly managedDatabase?: HelloworldDbManagedDatabase;
  /**
   * How the web app is reached from outside the cluster, as in the notes: a
   * NodePort (minikube) or a LoadBalancer (cloud), counted against the
   * namespace's `services.nodeports` / `services.loadbalancers` quota.
   * @default - cluster-internal only
   */
  readonly serviceType?: ServiceType;
}

/** The shape of the props (checked at entry). */
const HELLOWORLD_DB_SHAPE = is.props<HelloworldDbProps>(
  {
    namespace: is.instance(TeamNamespace),
    replicas: is.number,
    webImage: is.string,
    mysqlImage: is.string,
    credentials: is.instance(SecretDeclaration),
    storage: is.string,
    storageClass: is.either(is.instance(StorageClass), is.string),
    databaseReplicas: is.number,
    serviceType: is.oneOf(Object.values(ServiceType), 'ServiceType'),
    managedDatabase: is.props<HelloworldDbManagedDatabase>({ hostName: is.string }, ['hostName']),
  },
  ['namespace'],
);

/** Props that configure the in-cluster database, meaningless beside a managed one. */
const IN_CLUSTER_ONLY = ['mysqlImage', 'storage', 'storageClass', 'databaseReplicas'] as const;

/** MySQL's port; the demo app has no setting for another one. */
const MYSQL_PORT = 3306;

/** The web app's port: index-db.js listens on 3000, with no setting for another one. */
const WEB_PORT = 3000;

/** Exits 0 on any HTTP response from the app, 1 when none comes: the image's own node, no MySQL query. */
const WEB_LIVENESS_SCRIPT =
  `require('http').get('http://127.0.0.1:${WEB_PORT}/livez', () => process.exit(0))` +
  `.on('error', () => process.exit(1)).setTimeout(4000, () => process.exit(1))`;

/**
 * helloworld-db (003 §4-1): MySQL as a StatefulService with its credentials
 * in a Secret reference, and the 3-replica Node.js web app on port 3000 with
 * `MYSQL_HOST` pointing at the database Service. With `managedDatabase`,
 * MySQL is a managed service outside the cluster, reached through an
 * ExternalName Service.
 */
export class HelloworldDb extends CheckedConstruct<HelloworldDbProps> {
  /** The in-cluster database; `undefined` with `managedDatabase`. */
  public readonly database: StatefulService | undefined;
  /** The ExternalName Service of the managed database; `undefined` without `managedDatabase`. */
  public readonly externalDatabase: ExternalService | undefined;
  public readonly web: WebService;

  constructor(scope: Construct, id: string, props: HelloworldDbProps) {
    super(scope, id, props, 'HelloworldDb', HELLOWORLD_DB_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const { problems } = this;
    const managed = props.managedDatabase;
    if (managed) {
      for (const field of IN_CLUSTER_ONLY)
        problems.check(props[field] !== undefined, {
          code: 'PROPS_INVALID',
          field,
          value: props[field],
          message: 'configures the in-cluster database, but managedDatabase is set: none is rendered',
          fix: `remove ${field}, or managedDatabase to run MySQL in the cluster`,
        });
    } else {
      problems.check(props.storageClass === undefined, {
        code: 'PROPS_INVALID',
        field: 'storageClass',
        value: undefined,
        message: "is required for the in-cluster database's claim",
        fix: 'pass the StorageClass of the claim, or managedDatabase: { hostName } to use a managed MySQL',
      });
    }
    problems.throwIfAny();
    const ns = props.namespace;
    const secret =
      props.credentials ??
      new SecretDeclaration(this, 'Credentials', {
        namespace: ns,
        name: 'helloworld-db-credentials',
        keys: ['root-password', 'password'],
        configKeys: { 'root-password': 'mysqlRootPassword', password: 'mysqlPassword' },
      });
    let host: string;
    if (managed) {
      this.database = undefined;
      this.externalDatabase = ExternalService.fromHostName(this, 'Database', {
        namespace: ns.name,
        name: 'database',
        hostName: managed.hostName,
        ports: [{ name: 'mysql', port: MYSQL_PORT }],
      });
      host = this.externalDatabase.dnsName;
    } else {
      this.externalDatabase = undefined;
      this.database = this.inClusterDatabase(props, props.storageClass as StorageClass | string, secret);
      host = this.database.clientDnsName;
    }
    this.web = new WebService(this, 'Web', {
      namespace: ns,
      name: 'helloworld-db',
      image: props.webImage ?? 'wardviaene/k8s-demo:1.0.0',
      replicas: props.replicas ?? 3,
      ports: [{ name: 'nodejs-port', port: WEB_PORT }],
      resources: ResourcePreset.SMALL,
      command: ['node', 'index-db.js'],
      env: {
        MYSQL_HOST: host,
        MYSQL_USER: 'helloworld',
        MYSQL_DATABASE: 'helloworld',
        MYSQL_PASSWORD: EnvValue.fromSecret(secret, 'password'),
      },
      // index-db.js serves one route, `GET /`, and it inserts a row and throws (killing the process) when MySQL
      // fails: no probe may call it. Readiness: the port accepts connections. Liveness: the event loop answers HTTP
      // at all, any status (an unrouted path gets Express's 404, without touching MySQL), which a wedged loop does
      // not, though its port still accepts.
      readiness: Probe.tcp('nodejs-port'),
      liveness: Probe.exec(['node', '-e', WEB_LIVENESS_SCRIPT], { periodSeconds: 20, timeoutSeconds: 5 }),
      serviceType: props.serviceType,
    });
    // The egress path to the database: the managed one anywhere on 3306, the in-cluster one to its pods.
    if (this.externalDatabase) this.externalDatabase.allowFrom(this.web);
    if (this.database) this.web.allowTo(this.database);
  }

  /** MySQL in the cluster: one pod with a claim, reached through its ClusterIP client Service. */
  private inClusterDatabase(props: HelloworldDbProps, storageClass: StorageClass | string, secret: SecretDeclaration): StatefulService {
    return new StatefulService(this, 'Database', {
      namespace: props.namespace,
      name: 'database-service',
      image: props.mysqlImage ?? 'mysql:8.4.2',
      ports: [{ name: 'mysql', port: MYSQL_PORT }],
      qos: Qos.GUARANTEED,
      resources: { limits: { cpu: '500m', memory: '1Gi' } },
      env: {
        MYSQL_ROOT_PASSWORD: EnvValue.fromSecret(secret, 'root-password'),
        MYSQL_PASSWORD: EnvValue.fromSecret(secret, 'password'),
        MYSQL_USER: 'helloworld',
        MYSQL_DATABASE: 'helloworld',
      },
      replicas: props.databaseReplicas,
      // The data in a subdirectory of the claim: a fresh ext4 volume holds lost+found, and `mysqld --initialize`
      // refuses a data directory with files in it. The entrypoint puts `mysqld` before flags and creates the directory.
      args: ['--datadir=/var/lib/mysql/data'],
      readiness: Probe.tcp('mysql', { periodSeconds: 5 }),
      // The first start initializes the data directory with networking off: up to 5 minutes before liveness applies.
      startup: Probe.exec(['mysqladmin', 'ping', '-h', '127.0.0.1'], { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 }),
      liveness: Probe.exec(['mysqladmin', 'ping', '-h', '127.0.0.1'], { periodSeconds: 20, timeoutSeconds: 5 }),
      writablePaths: ['/tmp', '/var/run/mysqld'],
      claims: [{ name: 'data', mountPath: '/var/lib/mysql', size: props.storage ?? '10Gi', storageClass }],
      // Clients use a normal ClusterIP Service (ready pods only), not the headless one.
      clientService: true,
      singletonReason:
        'MySQL without replication: a second pod would be a second, diverging database; HA needs a replicating operator (e.g. MySQL InnoDB Cluster)',
    });
  }
}
