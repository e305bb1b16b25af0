import { Construct } from 'constructs';
import {
  EnvValue,
  Probe,
  Qos,
  ResourcePreset,
  SecretDeclaration,
  StatefulService,
  StorageClass,
  TeamNamespace,
  WebService,
} from '../../constructs';

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
  /** @default - the cluster's default StorageClass */
  readonly storageClass?: StorageClass;
}

/**
 * helloworld-db (003 §4-1): MySQL as a StatefulService with its credentials
 * in a Secret reference, and the 3-replica Node.js web app on port 3000 with
 * `MYSQL_HOST` pointing at the database Service.
 */
export class HelloworldDb extends Construct {
  public readonly database: StatefulService;
  public readonly web: WebService;

  constructor(scope: Construct, id: string, props: HelloworldDbProps) {
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
      readiness: Probe.tcp('mysql', { periodSeconds: 5 }),
      liveness: Probe.exec(['mysqladmin', 'ping', '-h', '127.0.0.1'], { periodSeconds: 20, timeoutSeconds: 5 }),
      writablePaths: ['/tmp', '/var/run/mysqld'],
      claims: [{ name: 'data', mountPath: '/var/lib/mysql', size: props.storage ?? '10Gi', storageClass: props.storageClass }],
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
        MYSQL_HOST: this.database.name,
        MYSQL_USER: 'helloworld',
        MYSQL_DATABASE: 'helloworld',
        MYSQL_PASSWORD: EnvValue.fromSecret(secret, 'password'),
      },
      readiness: Probe.http('/', 'nodejs-port'),
    });
    this.web.allowTo(this.database);
  }
}
