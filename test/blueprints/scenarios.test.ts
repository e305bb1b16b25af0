import { App } from 'cdk8s';
import { Cassandra, ExternalDatabase, HelloworldDb, HpaExample, RandomGenerator, ReverseProxy, REVERSE_PROXY_CONF } from '../../blueprints';
import {
  BlueprintChart,
  ServiceType,
  QuotaLimits,
  QuotaPreset,
  SecretBackend,
  StorageClass,
  TeamNamespace,
  renderApp,
  setClusterFacts,
} from '../../constructs';
import { catchBlueprintError, expectCode, find, ofKind } from '../helpers';

function inNamespace(name: string, quota: QuotaPreset | QuotaLimits = QuotaPreset.MEDIUM) {
  const app = new App();
  // The cluster already has the store the scenarios' ExternalSecrets read from.
  setClusterFacts(app, { existingSecretStores: ['test-store'] });
  SecretBackend.use(app, SecretBackend.externalSecrets({ store: 'test-store' }));
  const chart = new BlueprintChart(app, 'test', { owner: 'test' });
  const ns = new TeamNamespace(chart, name, { quota });
  const objects = () => renderApp(app).flatMap((r) => r.objects);
  /** The StorageClass 'data' the scenarios that keep state take. */
  const dataClass = () => new StorageClass(chart, 'data', { provisioner: 'ebs.csi.aws.com' });
  return { app, chart, ns, objects, dataClass };
}

const container = (o: any, i = 0) => (o.spec.template ?? o.spec.jobTemplate.spec.template).spec.containers[i];
const env = (c: any) => Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('HelloworldDb', () => {
  test('MySQL with Secret-referenced credentials, 3 web replicas on 3000, MYSQL_HOST = the database Service', () => {
    const s = inNamespace('helloworld-db');
    const h = new HelloworldDb(s.chart, 'h', {
      namespace: s.ns,
      storageClass: s.dataClass(),
    });
    expect(h.externalDatabase).toBeUndefined();
    const objects = s.objects();
    const db = find(objects, 'StatefulSet', 'database-service');
    expect(h.database!.name).toBe('database-service');
    expect(container(db).image).toBe('mysql:8.4.2');
    // What the image needs: a data directory below the claim's root (lost+found makes --initialize abort), and
    // time for the first initialization, which runs with networking off, before liveness applies.
    expect(container(db).args).toEqual(['--datadir=/var/lib/mysql/data']);
    expect(container(db).volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/mysql' });
    expect(container(db).startupProbe).toMatchObject({
      exec: { command: ['mysqladmin', 'ping', '-h', '127.0.0.1'] },
      failureThreshold: 30,
    });
    expect(env(container(db)).MYSQL_ROOT_PASSWORD).toEqual({ secretKeyRef: { name: 'helloworld-db-credentials', key: 'root-password' } });
    expect(find(objects, 'Service', 'database-service').spec.ports[0].port).toBe(3306);
    const web = find(objects, 'Deployment', 'helloworld-db');
    expect(web.spec.replicas).toBe(3);
    expect(container(web).ports[0]).toEqual({ name: 'nodejs-port', containerPort: 3000, protocol: 'TCP' });
    // Clients use the ClusterIP Service (ready pods only), not the headless one that publishes not-ready pods.
    expect(env(container(web)).MYSQL_HOST).toBe('database-service-client.helloworld-db.svc.cluster.local');
    expect(env(container(web)).MYSQL_HOST).toBe(h.database!.clientDnsName);
    expect(find(objects, 'Service', 'database-service-client').spec.type).toBe('ClusterIP');
    expect(find(objects, 'Service', 'database-service-client').spec.publishNotReadyAddresses).toBeUndefined();
    // GET / of index-db.js inserts a row and throws when MySQL fails: no probe calls it. Liveness is another check.
    expect(container(web).readinessProbe).toEqual({ tcpSocket: { port: 'nodejs-port' } });
    expect(container(web).livenessProbe.exec.command.slice(0, 2)).toEqual(['node', '-e']);
    expect(container(web).livenessProbe.exec.command[2]).toContain("'http://127.0.0.1:3000/livez'");
    expect(JSON.stringify(container(web))).not.toMatch(/"path":"\/"/);
    expect(JSON.stringify(objects)).not.toMatch(/"kind":"Secret"/);
    expect(find(objects, 'ExternalSecret', 'helloworld-db-credentials').spec.data.map((d: any) => d.secretKey)).toEqual([
      'root-password',
      'password',
    ]);
  });

  test('exposed through a LoadBalancer as in the notes, counted against the quota', () => {
    const s = inNamespace('helloworld-db', QuotaPreset.MEDIUM);
    new HelloworldDb(s.chart, 'h', { namespace: s.ns, storageClass: s.dataClass(), serviceType: ServiceType.LOAD_BALANCER });
    // MEDIUM allows one load balancer but no node port, and a LoadBalancer allocates one per Service port.
    const issue = expectCode(() => s.objects(), 'QUOTA_SERVICES_EXCEEDED');
    expect(issue.field).toBe('quota.servicesNodePorts');
    const t = inNamespace('helloworld-db', { ...QuotaPreset.MEDIUM.limits, servicesNodePorts: 1 });
    new HelloworldDb(t.chart, 'h', {
      namespace: t.ns,
      storageClass: t.dataClass(),
      serviceType: ServiceType.NODE_PORT,
    });
    expect(find(t.objects(), 'Service', 'helloworld-db').spec.type).toBe('NodePort');
  });

  test('managedDatabase: no MySQL pod, MYSQL_HOST names an ExternalName Service, egress to it on 3306, credentials kept', () => {
    const s = inNamespace('helloworld-db');
    const h = new HelloworldDb(s.chart, 'h', {
      namespace: s.ns,
      managedDatabase: { hostName: 'Helloworld.abc123.eu-west-1.rds.amazonaws.com.' },
    });
    expect(h.database).toBeUndefined();
    expect(h.externalDatabase!.dnsName).toBe('database.helloworld-db.svc.cluster.local');
    const objects = s.objects();
    expect(ofKind(objects, 'StatefulSet')).toEqual([]);
    expect(ofKind(objects, 'PersistentVolumeClaim')).toEqual([]);
    expect(find(objects, 'Service', 'database').spec).toMatchObject({
      type: 'ExternalName',
      externalName: 'helloworld.abc123.eu-west-1.rds.amazonaws.com',
      ports: [{ name: 'mysql', port: 3306, protocol: 'TCP' }],
    });
    const web = find(objects, 'Deployment', 'helloworld-db');
    expect(env(container(web)).MYSQL_HOST).toBe('database.helloworld-db.svc.cluster.local');
    expect(env(container(web)).MYSQL_PASSWORD).toEqual({ secretKeyRef: { name: 'helloworld-db-credentials', key: 'password' } });
    // The web pods may leave the default-deny namespace for the database's port, and only for it.
    const egress = ofKind(objects, 'NetworkPolicy').filter(
      (p) => p.spec.policyTypes?.includes('Egress') && p.spec.egress?.some((e: any) => e.to?.some((t: any) => t.ipBlock)),
    );
    expect(egress.map((p) => [p.spec.podSelector.matchLabels['app.kubernetes.io/name'], p.spec.egress[0].ports])).toEqual([
      ['helloworld-db', [{ port: 3306, protocol: 'TCP' }]],
    ]);
    expect(find(objects, 'ExternalSecret', 'helloworld-db-credentials')).toBeDefined();
  });

  test('storageClass is required for the in-cluster database, and the in-cluster props are refused beside managedDatabase', () => {
    const s = inNamespace('helloworld-db');
    expect(expectCode(() => new HelloworldDb(s.chart, 'a', { namespace: s.ns }), 'PROPS_INVALID').field).toBe('storageClass');
    const error = catchBlueprintError(
      () =>
        new HelloworldDb(s.chart, 'b', {
          namespace: s.ns,
          managedDatabase: { hostName: 'mysql.example.internal' },
          storageClass: 'data',
          storage: '20Gi',
          mysqlImage: 'mysql:8.4.3',
          databaseReplicas: 1,
        }),
    );
    expect(error.issues.map((i) => `${i.code} ${i.field}`)).toEqual([
      'PROPS_INVALID mysqlImage',
      'PROPS_INVALID storage',
      'PROPS_INVALID storageClass',
      'PROPS_INVALID databaseReplicas',
    ]);
    // The host name is checked by ExternalService.
    expectCode(() => new HelloworldDb(s.chart, 'c', { namespace: s.ns, managedDatabase: { hostName: '10.0.0.5' } }), 'EXTERNAL_HOST_IS_IP');
    expect(expectCode(() => new HelloworldDb(s.chart, 'd', { namespace: s.ns, managedDatabase: {} as any }), 'PROPS_INVALID').field).toBe(
      'managedDatabase.hostName',
    );
  });
});

describe('ReverseProxy', () => {
  test('nginx in front of the app, reverseproxy.conf mounted from a ConfigMap into /etc/nginx/conf.d', () => {
    const s = inNamespace('reverse-proxy');
    new ReverseProxy(s.chart, 'r', { namespace: s.ns });
    const objects = s.objects();
    expect(find(objects, 'ConfigMap', 'nginx-config').data['reverseproxy.conf']).toBe(REVERSE_PROXY_CONF);
    const pod = find(objects, 'Deployment', 'reverse-proxy').spec.template.spec;
    expect(pod.containers.map((c: any) => c.name)).toEqual(['reverse-proxy', 'k8s-demo']);
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'nginx-config', mountPath: '/etc/nginx/conf.d', readOnly: true });
    expect(find(objects, 'Service', 'reverse-proxy').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    // The app behind nginx is probed too, and liveness is another check than readiness.
    expect(pod.containers[1].readinessProbe.httpGet).toEqual({ path: '/', port: 'app' });
    // Not the image's `npm start`: npm needs a writable $HOME/.npm, and HOME is the read-only `/` for uid 10001.
    expect(pod.containers[1].command).toEqual(['node', 'index.js']);
    expect(pod.containers[1].livenessProbe.tcpSocket).toEqual({ port: 'app' });
  });
});

describe('Cassandra', () => {
  test('3 replicas, headless Service, 8Gi claims, seeds from peerDnsNames()', () => {
    const s = inNamespace('cassandra');
    const c = new Cassandra(s.chart, 'c', { namespace: s.ns });
    const objects = s.objects();
    const sts = find(objects, 'StatefulSet', 'cassandra');
    expect(sts.spec.replicas).toBe(3);
    expect(find(objects, 'Service', 'cassandra').spec.clusterIP).toBe('None');
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('8Gi');
    expect(find(objects, 'StorageClass', 'cassandra-gp2').parameters).toEqual({ type: 'gp2' });
    expect(env(container(sts)).CASSANDRA_SEEDS).toBe(
      'cassandra-0.cassandra.cassandra.svc.cluster.local,cassandra-1.cassandra.cassandra.svc.cluster.local',
    );
    expect(c.seeds).toBe(c.cluster.peerDnsNames().slice(0, 2).join(','));
    // What the image needs (docker-entrypoint.sh rewrites cassandra.yaml in place under set -e):
    const pod = sts.spec.template.spec;
    const copy = pod.initContainers.find((i: any) => i.name === 'copy-config');
    expect(copy.image).toBe('cassandra:4.1.5');
    expect(copy.command).toEqual(['cp', '-R', '/etc/cassandra/.', '/config/']);
    // Not `cp -a`: preserving the times and mode of the root-owned emptyDir needs its owner, so uid 10001 exits 1 there.
    expect(container(sts).volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/cassandra' });
    expect(pod.volumes.find((v: any) => v.name === 'config').emptyDir).toEqual({ sizeLimit: '16Mi' });
    // Not the image's user (999): the Dockerfile makes its directories writable by any uid (chmod 1777, a+rwX).
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 });
    expect(pod.terminationGracePeriodSeconds).toBe(180);
    expect(container(sts).ports.map((p: any) => p.containerPort)).toEqual([7000, 9042]);
    expect(find(objects, 'Service', 'cassandra').spec.ports.map((p: any) => p.port)).toEqual([7000, 9042]);
  });

  test('DC and rack take effect, logs go to stdout only, the nodetool probe has time and a small heap', () => {
    const s = inNamespace('cassandra');
    new Cassandra(s.chart, 'c', { namespace: s.ns });
    const objects = s.objects();
    const sts = find(objects, 'StatefulSet', 'cassandra');
    const main = container(sts);
    // SimpleSnitch, the image's default, ignores cassandra-rackdc.properties.
    expect(env(main)).toMatchObject({
      CASSANDRA_ENDPOINT_SNITCH: 'GossipingPropertyFileSnitch',
      CASSANDRA_DC: 'DC1-K8Demo',
      CASSANDRA_RACK: 'Rack1-K8Demo',
    });
    // The image's logback.xml keeps up to 5GB each of system.log and debug.log: the 256Mi log volume would be evicted.
    const logback: string = find(objects, 'ConfigMap', 'cassandra-logback').data['logback.xml'];
    expect(logback).toContain('ch.qos.logback.core.ConsoleAppender');
    expect(logback).not.toMatch(/FileAppender|cassandra\.logdir/);
    expect(main.volumeMounts).toContainEqual({
      name: 'cassandra-logback',
      mountPath: '/etc/cassandra/logback.xml',
      subPath: 'logback.xml',
      readOnly: true,
    });
    const pod = sts.spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'cassandra-logback').configMap).toEqual({ name: 'cassandra-logback' });
    // The GC log (at most 10 x 10MiB) is what stays in /var/log/cassandra.
    const logs = main.volumeMounts.find((m: any) => m.mountPath === '/var/log/cassandra').name;
    expect(pod.volumes.find((v: any) => v.name === logs).emptyDir).toEqual({ sizeLimit: '256Mi' });
    // nodetool is a second JVM: 128m heap (its own default), not Cassandra's MAX_HEAP_SIZE, and 15 s to answer.
    expect(main.readinessProbe.exec.command[2]).toMatch(/^MAX_HEAP_SIZE=128m nodetool status \| /);
    expect(main.readinessProbe).toMatchObject({ timeoutSeconds: 15, periodSeconds: 20 });
  });

  test('liveness probes the gossip port, open while a joining node streams its data (CQL opens only after)', () => {
    const s = inNamespace('cassandra');
    new Cassandra(s.chart, 'c', { namespace: s.ns });
    const main = container(find(s.objects(), 'StatefulSet', 'cassandra'));
    expect(main.livenessProbe).toEqual({ tcpSocket: { port: 'intra-node' }, periodSeconds: 20 });
    // Commit-log replay comes before either port opens: 30 × 10 s before liveness applies.
    expect(main.startupProbe).toEqual({ tcpSocket: { port: 'intra-node' }, failureThreshold: 30 });
  });
});

describe('HpaExample', () => {
  test('200m request, HPA 50% CPU, 1–10 replicas', () => {
    const s = inNamespace('hpa-example');
    new HpaExample(s.chart, 'h', { namespace: s.ns });
    const objects = s.objects();
    expect(container(find(objects, 'Deployment', 'hpa-example')).resources.requests.cpu).toBe('200m');
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'hpa-example');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 10]);
    expect(hpa.spec.metrics[0].resource.target.averageUtilization).toBe(50);
    // Apache as non-root: it listens on 8080 (ports.conf and the default site from a ConfigMap), so no
    // sysctl and no capability is needed; the Service still answers on 80. Pid and lock files in scratch volumes.
    const pod = find(objects, 'Deployment', 'hpa-example').spec.template.spec;
    expect(pod.securityContext.sysctls).toBeUndefined();
    expect(pod.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(pod.containers[0].ports.map((p: any) => p.containerPort)).toEqual([8080]);
    expect(find(objects, 'Service', 'hpa-example').spec.ports).toEqual([expect.objectContaining({ port: 80, targetPort: 'http' })]);
    expect(pod.containers[0].volumeMounts.map((m: any) => [m.mountPath, m.subPath])).toEqual([
      ['/tmp', undefined],
      ['/var/run/apache2', undefined],
      ['/var/lock/apache2', undefined],
      ['/etc/apache2/ports.conf', 'ports.conf'],
      ['/etc/apache2/sites-enabled/000-default.conf', '000-default.conf'],
    ]);
    const conf = find(objects, 'ConfigMap', 'apache-config').data;
    expect(conf['ports.conf']).toBe('Listen 8080\n');
    expect(conf['000-default.conf']).toMatch(/^<VirtualHost \*:8080>\n[\s\S]*DocumentRoot \/var\/www\/html\n/);
  });
});

describe('ExternalDatabase', () => {
  test('the app reaches MongoDB through an ExternalName Service and an opened egress path', () => {
    const s = inNamespace('external-database');
    new ExternalDatabase(s.chart, 'e', { namespace: s.ns, hostName: 'cluster0.abcde.mongodb.net' });
    const objects = s.objects();
    expect(find(objects, 'Service', 'database').spec.externalName).toBe('cluster0.abcde.mongodb.net');
    const app = env(container(find(objects, 'Deployment', 'orders')));
    expect(app.DATABASE_HOST).toBe('database.external-database.svc.cluster.local');
    // The alias is no name Atlas' certificate covers: the app verifies TLS against the provider's host.
    expect(app.DATABASE_TLS_SERVER_NAME).toBe('cluster0.abcde.mongodb.net');
    expect(find(objects, 'NetworkPolicy', 'allow-orders-to-ext-database').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 27017 }]);
  });
});

describe('RandomGenerator', () => {
  test('Job, CronJob every 3 minutes, PDB minAvailable 2, StatefulSet rg with a 10Mi logs claim, Downward API, init container', () => {
    const s = inNamespace('random-generator');
    new RandomGenerator(s.chart, 'r', {
      namespace: s.ns,
      storageClass: s.dataClass(),
    });
    const objects = s.objects();
    expect(ofKind(objects, 'Job')).toHaveLength(1);
    expect(find(objects, 'CronJob', 'random-generator-cron').spec.schedule).toBe('*/3 * * * *');
    expect(find(objects, 'PodDisruptionBudget', 'random-generator').spec.minAvailable).toBe(2);
    const rg = find(objects, 'StatefulSet', 'rg');
    expect(rg.spec.volumeClaimTemplates[0].metadata.name).toBe('logs');
    expect(rg.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('10Mi');
    const pod = find(objects, 'Deployment', 'random-generator').spec.template.spec;
    expect(env(pod.containers[0]).POD_IP).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    expect(pod.volumes.find((v: any) => v.name === 'pod-info').downwardAPI).toBeDefined();
    expect(pod.initContainers[0].name).toBe('init-config');
    // The runner class is at /opt; the output goes to the writable scratch volume, not the read-only root.
    // The Job's name ends with the hash of its spec (a changed spec is a new Job).
    expect(ofKind(objects, 'Job')[0].metadata.name).toMatch(/^random-generator-job-[0-9a-f]{10}$/);
    const job = ofKind(objects, 'Job')[0].spec.template.spec;
    expect(job.containers[0].command).toEqual(['java', '-cp', '/opt', 'RandomRunner', '/tmp/numbers.txt', '10000']);
    expect(job.containers[0].volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(rg.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('data');
    // Endpoints every image build has (Spring Boot 2.1 has no /actuator/health/{liveness,readiness} groups),
    // readiness another check than liveness, and not `/`, which appends to LOG_FILE.
    for (const c of [pod.containers[0], container(rg)]) {
      expect(c.livenessProbe.httpGet).toEqual({ path: '/actuator/health', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/info', port: 'http' });
    }
  });
});
