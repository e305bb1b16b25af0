import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CheckedConstruct,
  ConfigMap,
  EnvValue,
  PodField,
  Probe,
  StatefulService,
  StorageClass,
  TeamNamespace,
  Volume,
} from '../../constructs';
import { is } from '../../constructs/core/shape';

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

/**
 * Logging to stdout only, in place of the image's conf/logback.xml. That one
 * also writes system.log (INFO, the same events as its stdout appender) and
 * debug.log (DEBUG) under /var/log/cassandra and, in 4.1, rolls each at 50MB
 * keeping up to 5GB: on a bounded scratch volume the kubelet would evict the
 * pod long before. On Kubernetes the container's stdout is the log: the kubelet
 * rotates it and the node's log shipper collects it. Same pattern as
 * system.log; no shutdown hook (Cassandra stops logback itself after its own
 * shutdown); the JMX configurator keeps `nodetool setlogginglevel` working.
 */
const CASSANDRA_LOGBACK_XML = `<configuration scan="false">
  <jmxConfigurator />
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder>
      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="STDOUT" />
  </root>
</configuration>
`;

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
 * entrypoint rewrites `/etc/cassandra/cassandra.yaml` and
 * `cassandra-rackdc.properties` in place, under `set -e` (sed into a `mktemp`
 * file in /tmp, then `cat >` back over the original), so those files must be
 * writable and keep the image's content: an init container copies the
 * configuration directory into a scratch volume mounted over it. It runs as
 * the workloads' default uid and gid 10001, not the image's `cassandra` user
 * (999, which kube-score's low-id check flags): the Dockerfile
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
 *
 * The image's cassandra.yaml keeps `endpoint_snitch: SimpleSnitch`, which
 * ignores the DC and rack the entrypoint writes to cassandra-rackdc.properties;
 * `CASSANDRA_ENDPOINT_SNITCH` makes it GossipingPropertyFileSnitch, which reads
 * them. A node whose data was written under another snitch's DC or rack refuses
 * to start: an existing cluster changes snitch by the documented procedure, not
 * by a rolling update. Logs go to stdout only (a ConfigMap `cassandra-logback`);
 * /var/log/cassandra keeps the JVM's GC log (10 files of 10MiB at most,
 * cassandra-env.sh) within its 256Mi scratch volume.
 */
export class Cassandra extends CheckedConstruct<CassandraProps> {
  public readonly cluster: StatefulService;
  public readonly storageClass: StorageClass;
  /** The `CASSANDRA_SEEDS` value: the first pods' stable DNS names. */
  public readonly seeds: string;

  constructor(scope: Construct, id: string, props: CassandraProps) {
    super(scope, id, props, 'Cassandra', CASSANDRA_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    this.storageClass =
      props.storageClass ??
      new StorageClass(this, 'Storage', { name: 'cassandra-gp2', provisioner: 'kubernetes.io/aws-ebs', parameters: { type: 'gp2' } });
    const replicas = props.replicas ?? 3;
    const image = props.image ?? 'cassandra:4.1.5';
    // A copy of the image's configuration (a few hundred KiB): bounded like every scratch directory.
    const config = Volume.emptyDir('config', { sizeLimit: '16Mi' });
    const logback = new ConfigMap(this, 'Logback', {
      namespace: props.namespace.name,
      name: 'cassandra-logback',
      files: { 'logback.xml': CASSANDRA_LOGBACK_XML },
    });
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
        CASSANDRA_ENDPOINT_SNITCH: 'GossipingPropertyFileSnitch',
        CASSANDRA_DC: 'DC1-K8Demo',
        CASSANDRA_RACK: 'Rack1-K8Demo',
        POD_IP: EnvValue.fromField(PodField.POD_IP),
      },
      // nodetool starts a second JVM beside Cassandra's, under the same 500m CPU limit: seconds, not one. It keeps
      // the MAX_HEAP_SIZE it is started with (Cassandra's 512M here) across sourcing cassandra-env.sh; 128m is its
      // own default when none is set.
      readiness: Probe.exec(['/bin/bash', '-c', 'MAX_HEAP_SIZE=128m nodetool status | grep -E "^UN\\s+${POD_IP}"'], {
        initialDelaySeconds: 15,
        periodSeconds: 20,
        timeoutSeconds: 15,
      }),
      // Liveness on gossip's port, not CQL's: Cassandra listens on 7000 before it joins the ring (streaming its share
      // of the data, minutes to hours on a new or replacing node) and on 9042 only after, so a CQL probe restarts a
      // node mid-bootstrap. The startup probe gives commit-log replay 5 minutes before liveness applies.
      startup: Probe.tcp('intra-node', { failureThreshold: 30 }),
      liveness: Probe.tcp('intra-node', { periodSeconds: 20 }),
      writablePaths: ['/tmp', '/var/log/cassandra'],
      mounts: [
        { volume: config, path: '/etc/cassandra' },
        // Over the copied file; the entrypoint does not rewrite it. A change rolls the pods (content hash).
        { volume: Volume.fromConfigMap(logback), path: '/etc/cassandra/logback.xml', subPath: 'logback.xml' },
      ],
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
      command: ['sh', '-c', `until nslookup ${this.cluster.peerServiceDnsName}; do sleep 2; done`],
      resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '10m', memory: '16Mi' } },
    });
    this.seeds = this.cluster.peerDnsNames().slice(0, Math.min(2, replicas)).join(',');
    this.cluster.addEnv({ CASSANDRA_SEEDS: this.seeds });
  }
}
