import { Construct } from 'constructs';
import {
  EnvValue,
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
import { enter, is } from '../../constructs/core/shape';

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
  /** @default 'mysql:8.4.2' */
  readonly mysqlImage?: string;
  /**
   * Secret with keys `root-password` and `password`.
   * @default - declared here as `helloworld-db-credentials` (stack config keys `mysqlRootPassword`, `mysqlPassword`)
   */
  readonly credentials?: SecretDeclaration;
  /** @default '10Gi' */
  readonly storage?: string;
  /** StorageClass of the database claim. */
  readonly storageClass: StorageClass | string;
  /** Database pods. @default 1 */
  readonly databaseReplicas?: number;
  /**
   * How the web app is reached from outside the cluster, as in the notes: a
   * NodePort (minikube) or a LoadBalancer (cloud), counted against the
   * namespace's `services.nodeports` / `services.loadbalancers` quota.
   * @default - cluster-internal only
   */
  readonly serviceType?: ServiceType;
}

/** The shape of the props (checked at entry). */
const HELLOWORLD_DB_SHAPE = is.object(
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
  },
  ['namespace', 'storageClass'],
);

/**
 * helloworld-db (003 §4-1): MySQL as a StatefulService with its credentials
 * in a Secret reference, and the 3-replica Node.js web app on port 3000 with
 * `MYSQL_HOST` pointing at the database Service.
 */
export class HelloworldDb extends Construct {
  public readonly database: StatefulService;
  public readonly web: WebService;

  constructor(scope: Construct, id: string, props: HelloworldDbProps) {
    enter(scope, id, props, 'HelloworldDb', HELLOWORLD_DB_SHAPE);
    super(scope, id);
    const ns = props.namespace;
    const secret =
      props.credentials ??
      new SecretDeclaration(this, 'Credentials', {
        namespace: ns,
        name: 'helloworld-db-credentials',
        keys: ['root-password', 'password'],
        configKeys: { 'root-password': 'mysqlRootPassword', password: 'mysqlPassword' },
      });
    this.database = new StatefulService(this, 'Database', {
      namespace: ns,
      name: 'database-service',
      image: props.mysqlImage ?? 'mysql:8.4.2',
      ports: [{ name: 'mysql', port: 3306 }],
      qos: Qos.GUARANTEED,
      resources: { limits: { cpu: '500m', memory: '1Gi' } },
      env: {
        MYSQL_ROOT_PASSWORD: EnvValue.fromSecret(secret, 'root-password'),
        MYSQL_PASSWORD: EnvValue.fromSecret(secret, 'password'),
        MYSQL_USER: 'helloworld',
        MYSQL_DATABASE: 'helloworld',
      },
      replicas: props.databaseReplicas,
      readiness: Probe.tcp('mysql', { periodSeconds: 5 }),
      liveness: Probe.exec(['mysqladmin', 'ping', '-h', '127.0.0.1'], { periodSeconds: 20, timeoutSeconds: 5 }),
      writablePaths: ['/tmp', '/var/run/mysqld'],
      claims: [{ name: 'data', mountPath: '/var/lib/mysql', size: props.storage ?? '10Gi', storageClass: props.storageClass }],
      // Clients use a normal ClusterIP Service (ready pods only), not the headless one.
      clientService: true,
      singletonReason:
        'MySQL without replication: a second pod would be a second, diverging database; HA needs a replicating operator (e.g. MySQL InnoDB Cluster)',
    });
    this.web = new WebService(this, 'Web', {
      namespace: ns,
      name: 'helloworld-db',
      image: props.webImage ?? 'wardviaene/k8s-demo:1.0.0',
      replicas: props.replicas ?? 3,
      ports: [{ name: 'nodejs-port', port: 3000 }],
      resources: ResourcePreset.SMALL,
      command: ['node', 'index-db.js'],
      env: {
        MYSQL_HOST: `${this.database.name}-client`,
        MYSQL_USER: 'helloworld',
        MYSQL_DATABASE: 'helloworld',
        MYSQL_PASSWORD: EnvValue.fromSecret(secret, 'password'),
      },
      readiness: Probe.http('/', 'nodejs-port'),
      liveness: Probe.tcp('nodejs-port', { periodSeconds: 20 }),
      serviceType: props.serviceType,
    });
    this.web.allowTo(this.database);
  }
}
