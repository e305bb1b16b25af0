import { App, Duration } from 'cdk8s';
import {
  BlueprintChart,
  ClusterSecretStore,
  HelloworldDb,
  HpaExample,
  Peer,
  QuotaPreset,
  SecretBackend,
  StorageClass,
  TeamNamespace,
  prometheusStorage,
} from '../../index';

export function build(): App {
  const app = new App();
  // The database credentials are declared by HelloworldDb; External Secrets Operator provides them.
  SecretBackend.use(app, SecretBackend.externalSecrets({ store: 'aws-secrets-manager' }));
  const chart = new BlueprintChart(app, 'scenarios', { owner: 'demo' });
  new ClusterSecretStore(chart, 'aws-secrets-manager', { awsRegion: 'eu-west-1' });
  const hello = new TeamNamespace(chart, 'helloworld-db', { holdsData: true }); // MySQL's claim
  const data = new StorageClass(chart, 'data', { provisioner: 'ebs.csi.aws.com' });
  const helloworld = new HelloworldDb(chart, 'HelloworldDb', { namespace: hello, storageClass: data });
  const hpa = new TeamNamespace(chart, 'hpa-example', { quota: QuotaPreset.MEDIUM });
  const hpaExample = new HpaExample(chart, 'HpaExample', { namespace: hpa });
  // The namespaces deny ingress by default: open each app to its clients (here the ingress controller's pods).
  helloworld.web.allowFrom(Peer.ingressController());
  hpaExample.service.allowFrom(Peer.ingressController());
  // The notes' rule of thumb: 1700 targets × 700 series / 15 s × 1.5 B ≈ 0.43 GB/hour.
  prometheusStorage({
    targets: 1700,
    seriesPerTarget: 700,
    scrapeInterval: Duration.seconds(15),
    retention: Duration.days(15),
  }).claim.toString(); // '187Gi'
  return app;
}
