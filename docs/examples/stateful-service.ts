import { App } from 'cdk8s';
import { BlueprintChart, Probe, StatefulService, StorageClass, TeamNamespace, Volume } from '../../index';

export function build(): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'data', { owner: 'data-team' });
  const team = new TeamNamespace(chart, 'data', { holdsData: true });
  const ssd = new StorageClass(chart, 'fast-ssd', { provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } });
  // The entrypoint rewrites /etc/cassandra/cassandra.yaml, and the root filesystem is read-only:
  // an init container copies the image's configuration into a volume mounted over it.
  const config = Volume.emptyDir('config', { sizeLimit: '16Mi' });
  const db = new StatefulService(chart, 'cassandra', {
    namespace: team,
    image: 'cassandra:4.1.5',
    replicas: 3,
    ports: [
      { name: 'cql', port: 9042 }, // the first port: the default readiness probe's
      { name: 'intra-node', port: 7000 }, // gossip between the replicas
    ],
    resources: { limits: { cpu: '500m', memory: '1Gi' } }, // Guaranteed: requests = limits
    env: { MAX_HEAP_SIZE: '512M', HEAP_NEWSIZE: '100M' }, // else sized from the node's memory, not the limit
    // Liveness on gossip's port, which opens before a joining node streams its data (CQL's only after): a node
    // still bootstrapping is not restarted. Startup gives it 5 minutes (commit-log replay) before liveness applies.
    startup: Probe.tcp('intra-node', { failureThreshold: 30 }),
    liveness: Probe.tcp('intra-node', { periodSeconds: 20 }),
    writablePaths: ['/tmp', '/var/log/cassandra'],
    mounts: [{ volume: config, path: '/etc/cassandra' }],
    claims: [{ name: 'data', mountPath: '/var/lib/cassandra', size: '8Gi', storageClass: ssd }],
  });
  db.addInitContainer({
    name: 'copy-config',
    image: 'cassandra:4.1.5',
    command: ['cp', '-R', '/etc/cassandra/.', '/config/'],
    mounts: [{ volume: config, path: '/config' }],
    resources: { limits: { cpu: '100m', memory: '64Mi' } },
  });
  db.addEnv({ CASSANDRA_SEEDS: db.peerDnsNames().slice(0, 2).join(',') });
  return app;
}
