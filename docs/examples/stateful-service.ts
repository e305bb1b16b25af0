import { App } from 'cdk8s';
import { BlueprintChart, StatefulService, StorageClass, TeamNamespace } from '../../index';

export function build(): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'data', { owner: 'data-team' });
  const team = new TeamNamespace(chart, 'data', { holdsData: true });
  const ssd = new StorageClass(chart, 'fast-ssd', { provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } });
  const db = new StatefulService(chart, 'cassandra', {
    namespace: team,
    image: 'cassandra:4.1.5',
    replicas: 3,
    ports: [{ name: 'cql', port: 9042 }],
    resources: { limits: { cpu: '500m', memory: '1Gi' } }, // Guaranteed: requests = limits
    claims: [{ name: 'data', mountPath: '/var/lib/cassandra', size: '8Gi', storageClass: ssd }],
  });
  db.addEnv({ CASSANDRA_SEEDS: db.peerDnsNames().slice(0, 2).join(',') });
  return app;
}
