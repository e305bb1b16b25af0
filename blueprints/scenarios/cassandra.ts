import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { EnvValue, PodField, Probe, StatefulService, StorageClass, TeamNamespace, Volume } from '../../constructs';
import { enter, is } from '../../constructs/core/shape';

/** Props of `Cassandra`. */
export interface CassandraProps {
  readonly namespace: TeamNamespace;
  /** @default 3 */
  readonly replicas?: number;
  /** @default '8Gi' */
  readonly storage?: string;
  /** @default - a gp2 StorageClass of its own, retained (003 §4-7) */
  readonly storageClass?: StorageClass;
  /** @default 'cassandra:4.1.5' */
  readonly image?: string;
}

/** The shape of the props (checked at entry). */
const CASSANDRA_SHAPE = is.props<CassandraProps>(
  {
    namespace: is.instance(TeamNamespace),
    replicas: is.number,
    storage: is.string,
    storageClass: is.instance(StorageClass),
    image: is.string,
  },
  ['namespace'],
);

/**
 * Cassandra (003 §4-7): a 3-replica StatefulService with its headless Service,
 * an 8Gi claim per pod, and seeds built from the stable pod DNS names.
 *
 * What the image needs, from its Dockerfile and docker-entrypoint.sh: the
 * entrypoint rewrites `/etc/cassandra/cassandra.yaml` in place (`sed -i`, under
 * `set -e`), so the configuration directory must be writable and keep the
 * image's files: an init container copies it into a scratch volume mounted over
 * it. It runs as the workloads' default uid and gid 10001, not the image's
 * `cassandra` user (999, which kube-score's low-id check flags): the Dockerfile
 * makes the configuration, data and log directories writable by any user
 * (`chmod 1777`, `chmod -R a+rwX` on the configuration), the entrypoint only
 * switches user when started as root, and fsGroup 10001 makes the claim
 * writable (on a volume written before as 999, the kubelet re-groups it to
 * 10001 at the first mount). On SIGTERM Cassandra drains through its shutdown hook
 * (flushes memtables), which takes longer than 30 s on a loaded node. It
 * serves CQL on 9042 and gossip on 7000; JMX (7199) listens on localhost only
 * and 7001 is legacy SSL gossip, so neither is published. It needs no added
 * capability (IPC_LOCK only lets it lock its heap, which no Pod Security level
 * below privileged admits).
 */
export class Cassandra extends Construct {
  public readonly cluster: StatefulService;
  public readonly storageClass: StorageClass;
  /** The `CASSANDRA_SEEDS` value: the first pods' stable DNS names. */
  public readonly seeds: string;

  constructor(scope: Construct, id: string, props: CassandraProps) {
    enter(scope, id, props, 'Cassandra', CASSANDRA_SHAPE);
    super(scope, id);
    this.storageClass =
      props.storageClass ??
      new StorageClass(this, 'Storage', { name: 'cassandra-gp2', provisioner: 'kubernetes.io/aws-ebs', parameters: { type: 'gp2' } });
    const replicas = props.replicas ?? 3;
    const image = props.image ?? 'cassandra:4.1.5';
    // A copy of the image's configuration (a few hundred KiB): bounded like every scratch directory.
    const config = Volume.emptyDir('config', { sizeLimit: '16Mi' });
    this.cluster = new StatefulService(this, 'Cluster', {
      namespace: props.namespace,
      name: 'cassandra',
      image,
      replicas,
      ports: [
        { name: 'intra-node', port: 7000 },
        { name: 'cql', port: 9042 },
      ],
      terminationGracePeriod: Duration.minutes(3),
      drainTime: Duration.minutes(2),
      resources: { limits: { cpu: '500m', memory: '1Gi' } },
      env: {
        MAX_HEAP_SIZE: '512M',
        HEAP_NEWSIZE: '100M',
        CASSANDRA_CLUSTER_NAME: 'K8Demo',
        CASSANDRA_DC: 'DC1-K8Demo',
        CASSANDRA_RACK: 'Rack1-K8Demo',
        POD_IP: EnvValue.fromField(PodField.POD_IP),
      },
      readiness: Probe.exec(['/bin/bash', '-c', 'nodetool status | grep -E "^UN\\s+${POD_IP}"'], {
        initialDelaySeconds: 15,
        timeoutSeconds: 5,
      }),
      liveness: Probe.tcp('cql', { initialDelaySeconds: 60, periodSeconds: 20 }),
      writablePaths: ['/tmp', '/var/log/cassandra'],
      mounts: [{ volume: config, path: '/etc/cassandra' }],
      claims: [{ name: 'cassandra-data', mountPath: '/var/lib/cassandra', size: props.storage ?? '8Gi', storageClass: this.storageClass }],
    });
    // The image's configuration, copied where the entrypoint can rewrite it. `-R`, not `-a`: the emptyDir belongs
    // to root, and only its owner may set its times and mode, so `cp -a` as uid 10001 fails (Init:CrashLoopBackOff).
    this.cluster.addInitContainer({
      name: 'copy-config',
      image,
      command: ['cp', '-R', '/etc/cassandra/.', '/config/'],
      mounts: [{ volume: config, path: '/config' }],
      resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    });
    // Seeds from the stable identities: the first two pods (or one, for a single node).
    this.cluster.addInitContainer({
      name: 'wait-dns',
      image: 'busybox:1.36',
      command: ['sh', '-c', `until nslookup ${this.cluster.serviceDnsName}; do sleep 2; done`],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } },
    });
    this.seeds = this.cluster.peerDnsNames().slice(0, Math.min(2, replicas)).join(',');
    this.cluster.addEnv({ CASSANDRA_SEEDS: this.seeds });
  }
}
