import { ApiObject, App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as api from '../../index';
import { buildEnvironment, environment } from '../../stacks/environments';
import { testChart } from '../helpers';

/*
 * Construct ids are a public contract: cdk8s derives object names and the
 * Pulumi entry derives resource names from construct paths, and consumers
 * reach the primary object through `node.defaultChild` (the escape hatch).
 * This pins, for one instance of every public construct, its id, the ids of
 * its children and its default child (with the object kind behind it). A
 * change here replaces live objects or breaks a consumer: make it on purpose.
 */

interface Contract {
  readonly id: string;
  readonly children: readonly string[];
  /** `<child id> <kind>` of `node.defaultChild`, or null when there is none. */
  readonly defaultChild: string | null;
}

function contractOf(c: IConstruct): Contract {
  const d = c.node.defaultChild;
  return {
    id: c.node.id,
    children: c.node.children.map((x) => x.node.id),
    defaultChild: d ? `${d.node.id} ${d instanceof ApiObject ? d.kind : d.constructor.name}` : null,
  };
}

/** The public construct classes of the package (every exported subclass of Construct). */
const PUBLIC: [string, { prototype: unknown }][] = Object.entries(api as Record<string, unknown>).flatMap(([name, value]) =>
  typeof value === 'function' && value.prototype instanceof Construct ? [[name, value as { prototype: unknown }]] : [],
);

/** One of every leaf construct, built alone (the blueprints and scenarios come from the prod environment). */
function leaves(): App {
  const { app, chart } = testChart('leaves');
  const team = new api.TeamNamespace(chart, 'shop');
  const image = 'app:1.0.0';
  const ports = [{ name: 'http', port: 8080 }];
  new api.ArgoApplication(chart, 'argo', { repoUrl: 'https://github.com/acme/cluster-manifests.git', path: 'dist/prod' });
  const issuer = new api.ClusterIssuer(chart, 'issuer', { email: 'ops@example.com' });
  new api.ClusterSecretStore(chart, 'store', { awsRegion: 'eu-west-1' });
  new api.ResourceQuota(chart, 'quota', { namespace: 'other' });
  new api.LimitRange(chart, 'limits', { namespace: 'other' });
  const web = new api.WebService(team, 'web', { namespace: team, image, ports });
  web.exposeMetrics({ port: 'http' });
  new api.Worker(team, 'worker', { namespace: team, image });
  const ssd = new api.StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com' });
  new api.StatefulService(team, 'db', {
    namespace: team,
    image,
    ports,
    claims: [{ name: 'data', mountPath: '/data', size: '1Gi', storageClass: ssd }],
  });
  new api.BatchJob(team, 'job', { namespace: team, image });
  new api.ScheduledJob(team, 'cron', { namespace: team, image, schedule: '@daily' });
  new api.NodeAgent(chart, 'agent', { namespace: 'kube-system', image });
  new api.ConfigMap(team, 'config', { namespace: 'shop', data: { a: 'b' } });
  new api.SecretDeclaration(team, 'secret', {
    namespace: team,
    keys: ['password'],
    backend: api.SecretBackend.externalSecrets({ store: 'vault' }),
  });
  new api.PriorityClass(chart, 'high', { value: 1000 });
  new api.IngressRoutes(team, 'ingress', { namespace: 'shop', host: 'shop.example.com', routes: [{ path: '/', backend: web }], issuer });
  new api.VerticalAutoscaler(chart, 'vpa', { target: web });
  new api.PodDisruptionBudget(chart, 'pdb', { namespace: 'shop', name: 'pdb', selector: { app: 'a' } });
  new api.PersistentVolumeClaim(chart, 'claim', { namespace: team, size: '1Gi' });
  new api.ServiceAccount(chart, 'sa', { namespace: 'shop' });
  new api.BackupSchedule(chart, 'backup', { namespaces: ['shop'] });
  api.ExternalService.fromHostName(chart, 'ext', { namespace: 'shop', hostName: 'db.example.com', ports: [{ name: 'db', port: 5432 }] });
  return app;
}

/** `id | children | defaultChild` of the first instance of each public construct. */
const PINNED: Record<string, string> = {
  ArgoApplication: 'argo | Resource | Resource Application',
  BackupSchedule: 'backup | Resource | Resource Schedule',
  BatchJob: 'job | Resource | Resource Job',
  BlueprintChart: 'leaves | shop,argo,issuer,store,quota,limits,ssd,agent,high,vpa,pdb,claim,sa,backup,ext | -',
  Cassandra: 'Cassandra | Logback,Cluster | -',
  ClusterIssuer: 'issuer | Resource | Resource ClusterIssuer',
  ClusterPlatform: 'platform |  | -',
  ClusterSecretStore: 'store | Resource | Resource ClusterSecretStore',
  ConfigMap: 'config | Resource | Resource ConfigMap',
  Descheduler: 'Descheduler | Policy,ServiceAccount,Job | -',
  ExternalDatabase: 'ExternalDatabase | Credentials,Database,App | -',
  ExternalService: 'ext | Resource | Resource Service',
  HelloworldDb: 'HelloworldDb | Credentials,Database,Web | -',
  HpaExample: 'HpaExample | ApacheConfig,Service | -',
  IngressRoutes: 'ingress | Certificate,Resource | Resource Ingress',
  LimitRange: 'Limits | Resource | Resource LimitRange',
  MetricsMonitor: 'Metrics | Resource | Resource ServiceMonitor',
  Monitoring:
    'Monitoring | ServiceAccount,Rules,ScrapeConfigs,Resource,DisruptionBudget,AllowTo-all-namespaces,AllowTo-cidr-0-0-0-0-0,AllowTo-ext-kubelet,Backup | Resource Prometheus',
  NodeAgent: 'agent | Resource | Resource DaemonSet',
  PersistentVolumeClaim: 'claim | Resource | Resource PersistentVolumeClaim',
  PodDisruptionBudget: 'DisruptionBudget | Resource | Resource PodDisruptionBudget',
  PriorityClass: 'high | Resource | Resource PriorityClass',
  RandomGenerator: 'RandomGenerator | Job,CronJob,Service,Stateful | -',
  ResourceQuota: 'Quota | Resource | Resource ResourceQuota',
  ReverseProxy: 'ReverseProxy | Config,Service | -',
  ScheduledJob: 'cron | Resource | Resource CronJob',
  SecretDeclaration: 'secret | Resource | Resource ExternalSecret',
  ServiceAccount: 'sa | Resource | Resource ServiceAccount',
  StatefulService: 'db | HeadlessService,Resource,DisruptionBudget | Resource StatefulSet',
  StorageClass: 'ssd | Resource | Resource StorageClass',
  TeamNamespace:
    'shop | Resource,Quota,Limits,DefaultDeny,AllowDns,ServiceAccount,web,worker,db,job,cron,config,secret,ingress,AcmeHttp01Solver | Resource Namespace',
  VerticalAutoscaler: 'vpa | Resource | Resource VerticalPodAutoscaler',
  WebService: 'web | Deployment,DisruptionBudget,Service,Metrics,AllowFrom-ingress-ingress-nginx | Deployment Deployment',
  Worker: 'worker | Deployment,DisruptionBudget | Deployment Deployment',
};

test('every public construct is pinned, and no pin is left over', () => {
  const found = contractsOf([leaves(), buildEnvironment(environment('prod'))]);
  expect(Object.keys(found).sort()).toEqual(
    PUBLIC.map(([n]) => n)
      .filter((n) => !ABSTRACT.has(n))
      .sort(),
  );
  expect(found).toEqual(PINNED);
});

test('the default child is the object a consumer patches: the serving Deployment of a WebService', () => {
  const { chart } = testChart();
  const web = new api.WebService(chart, 'web', {
    namespace: 'shop',
    image: 'app:1.0.0',
    ports: [{ name: 'http', port: 8080 }],
    release: api.Release.canary({ image: 'app:1.1.0' }),
  });
  expect(web.node.defaultChild).toBe(web.deployment);
  expect(web.deployments).toHaveLength(2);
});

/** Abstract bases, never instantiated themselves. */
const ABSTRACT = new Set(['CheckedConstruct', 'DeploymentWorkload', 'JobWorkload', 'NamedObject', 'NamespacedObject', 'Workload']);

function contractsOf(roots: readonly App[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of roots.flatMap((app) => app.node.findAll())) {
    const cls = PUBLIC.find(([, k]) => Object.getPrototypeOf(c) === k.prototype);
    if (!cls || out[cls[0]]) continue;
    const k = contractOf(c);
    out[cls[0]] = `${k.id} | ${k.children.join(',')} | ${k.defaultChild ?? '-'}`;
  }
  return out;
}
