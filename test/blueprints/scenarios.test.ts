import { ApiObject, App, Duration } from 'cdk8s';
import {
  Cassandra,
  ClusterPlatform,
  ExternalDatabase,
  HelloworldDb,
  HpaExample,
  Monitoring,
  RandomGenerator,
  ReverseProxy,
  REVERSE_PROXY_CONF,
  prometheusStorage,
} from '../../blueprints';
import {
  BlueprintChart,
  ServiceType,
  QuotaLimits,
  QuotaPreset,
  SecretBackend,
  StorageClass,
  TeamNamespace,
  WebService,
  renderApp,
  SCRAPE_LABEL,
  setClusterFacts,
} from '../../constructs';
import { catchBlueprintError, expectCode, find, ofKind, testChart } from '../helpers';

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
    expect(env(container(web)).MYSQL_HOST).toBe('database-service-client');
    expect(find(objects, 'Service', 'database-service-client').spec.type).toBe('ClusterIP');
    expect(find(objects, 'Service', 'database-service-client').spec.publishNotReadyAddresses).toBeUndefined();
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
    expect(env(container(find(objects, 'Deployment', 'orders'))).DATABASE_HOST).toBe('database.external-database.svc.cluster.local');
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
  });
});

describe('Monitoring', () => {
  test('the sizing rule of thumb (000: 1700 targets × 700 series / 15 s ≈ 0.43 GB/hour)', () => {
    const s = prometheusStorage({
      targets: 1700,
      seriesPerTarget: 700,
      scrapeInterval: Duration.seconds(15),
      retention: Duration.hours(1),
      headroom: 0,
    });
    expect(Math.round(s.samplesPerSecond)).toBe(79333);
    expect(s.bytesPerHour / 1e9).toBeCloseTo(0.428, 2);
    expect(s.claim.toString()).toBe('1Gi');
    const twoWeeks = prometheusStorage({
      targets: 1700,
      seriesPerTarget: 700,
      scrapeInterval: Duration.seconds(15),
      retention: Duration.days(15),
    });
    // 79,333 × 1,296,000 s × 1.5 B × 1.3 = 200.5 GB = 186.7 GiB → 187Gi
    expect(twoWeeks.claim.toString()).toBe('187Gi');
  });

  test('SIZING_INVALID', () => {
    expectCode(
      () => prometheusStorage({ targets: 0, seriesPerTarget: 700, scrapeInterval: Duration.seconds(15), retention: Duration.days(1) }),
      'SIZING_INVALID',
    );
    expectCode(
      () =>
        prometheusStorage({
          targets: 10,
          seriesPerTarget: 700,
          scrapeInterval: Duration.seconds(15),
          retention: Duration.days(1),
          headroom: -1,
        }),
      'SIZING_INVALID',
    );
  });

  test('a prometheus-operator Prometheus selecting the labelled monitors in every namespace, with rules, retention and a sized claim', () => {
    const s = inNamespace('monitoring', QuotaPreset.LARGE);
    const m = new Monitoring(s.chart, 'm', {
      namespace: s.ns,
      targets: 1700,
      scrapeInterval: Duration.seconds(15),
      federate: ['prometheus.eu.example.com:9090'],
    });
    const objects = s.objects();
    const prom = find(objects, 'Prometheus', 'prometheus').spec;
    expect(prom.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe(m.sizing.claim.toString());
    expect(prom.retention).toBe('360h');
    expect(prom.retentionSize).toBe(m.sizing.retentionSize);
    expect(prom.scrapeInterval).toBe('15s');
    // Every ServiceMonitor and PodMonitor that exposeMetrics makes, wherever it lives.
    expect(prom.serviceMonitorSelector).toEqual({ matchLabels: { [SCRAPE_LABEL]: 'true' } });
    expect(prom.serviceMonitorNamespaceSelector).toEqual({});
    expect(prom.podMonitorSelector).toEqual({ matchLabels: { [SCRAPE_LABEL]: 'true' } });
    expect(prom.podMonitorNamespaceSelector).toEqual({});
    expect(prom.ruleSelector).toEqual({ matchLabels: { [SCRAPE_LABEL]: 'true' } });
    expect(prom.serviceAccountName).toBe('prometheus');
    expect(find(objects, 'ServiceAccount', 'prometheus').automountServiceAccountToken).toBe(true);
    const rules = find(objects, 'PrometheusRule', 'prometheus-recording');
    expect(rules.metadata.labels[SCRAPE_LABEL]).toBe('true');
    expect(JSON.stringify(rules.spec)).toContain('namespace:container_cpu_usage_seconds:sum_rate');
    expect(find(objects, 'Secret', 'prometheus-federation').stringData['federate.yml']).toContain('job_name: federate');
    expect(prom.additionalScrapeConfigs).toEqual({ name: 'prometheus-federation', key: 'federate.yml' });
    expect(find(objects, 'ClusterRole', 'monitoring-prometheus-1').metadata.namespace).toBeUndefined();
    expect(find(objects, 'ClusterRoleBinding', 'monitoring-prometheus-1').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' },
    ]);
    // The operator's pods carry the labels the Prometheus states (podMetadata); the egress policies and
    // the PDB select them by those labels.
    const podLabels = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' };
    expect(prom.podMetadata).toEqual({ labels: podLabels });
    expect(find(objects, 'NetworkPolicy', 'allow-prometheus-to-all-namespaces').spec.podSelector.matchLabels).toEqual(podLabels);
    expect(find(objects, 'PodDisruptionBudget', 'prometheus').spec.selector.matchLabels).toEqual(podLabels);
  });

  test('two replicas are kept off one node (the operator sets no affinity); one replica gets none', () => {
    const two = inNamespace('monitoring', QuotaPreset.LARGE);
    new Monitoring(two.chart, 'm', { namespace: two.ns, targets: 10, replicas: 2 });
    const [term] = find(two.objects(), 'Prometheus', 'prometheus').spec.affinity.podAntiAffinity
      .preferredDuringSchedulingIgnoredDuringExecution;
    expect(term).toEqual({
      weight: 100,
      podAffinityTerm: {
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' } },
        topologyKey: 'kubernetes.io/hostname',
      },
    });
    const one = inNamespace('monitoring', QuotaPreset.LARGE);
    new Monitoring(one.chart, 'm', { namespace: one.ns, targets: 10 });
    expect(find(one.objects(), 'Prometheus', 'prometheus').spec.affinity).toBeUndefined();
  });

  test('STORAGE_CLASS_UNDECLARED: with existingStorageClasses declared, the Prometheus claim names a class of the output', () => {
    const s = inNamespace('monitoring', QuotaPreset.LARGE);
    setClusterFacts(s.app, { existingSecretStores: ['test-store'], existingStorageClasses: ['gp3'] });
    new Monitoring(s.chart, 'm', { namespace: s.ns, targets: 10 });
    expect(expectCode(() => s.objects(), 'STORAGE_CLASS_UNDECLARED').field).toBe('storageClass');
    const ok = inNamespace('monitoring', QuotaPreset.LARGE);
    setClusterFacts(ok.app, { existingSecretStores: ['test-store'], existingStorageClasses: ['gp3'] });
    new Monitoring(ok.chart, 'm', { namespace: ok.ns, targets: 10, storageClass: ok.dataClass() });
    expect(() => ok.objects()).not.toThrow();
    // A class the cluster has, by name.
    const named = inNamespace('monitoring', QuotaPreset.LARGE);
    setClusterFacts(named.app, { existingSecretStores: ['test-store'], existingStorageClasses: ['gp3'] });
    new Monitoring(named.chart, 'm', { namespace: named.ns, targets: 10, storageClass: 'gp3' });
    expect(find(named.objects(), 'Prometheus', 'prometheus').spec.storage.volumeClaimTemplate.spec.storageClassName).toBe('gp3');
    expect(
      expectCode(() => new Monitoring(named.chart, 'm2', { namespace: named.ns, targets: 10, storageClass: '' }), 'NAME_INVALID').field,
    ).toBe('storageClass');
  });

  test('the operator-made pods count against the quota: the server and its config-reloader, one claim each', () => {
    const s = inNamespace('monitoring', { requestsCpu: '1', requestsMemory: '4Gi', limitsCpu: '1', limitsMemory: '4Gi', pods: 5 });
    new Monitoring(s.chart, 'm', { namespace: s.ns, targets: 10, replicas: 2 });
    // 2 × (500m + 10m) > 1 CPU
    expectCode(() => s.objects(), 'QUOTA_EXCEEDED');
  });
});

describe('ClusterPlatform', () => {
  test('teams, priorities, storage classes, monitoring, descheduler and routes', () => {
    const { app } = testChart();
    const p = new ClusterPlatform(app, 'platform', {
      environment: 'test',
      host: 'shop.example.com',
      certificateIssuer: { name: 'letsencrypt', email: 'platform@example.com' },
      teams: [{ name: 'users' }, { name: 'products' }],
    });
    const users = new WebService(p.team('users'), 'users', {
      namespace: p.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    const products = new WebService(p.team('products'), 'products', {
      namespace: p.team('products'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    p.route({ path: '/user', backend: users });
    p.route({ path: '/product', backend: products });
    const objects = renderApp(app).flatMap((r) => r.objects);
    expect(
      ofKind(objects, 'PriorityClass')
        .map((x) => x.metadata.name)
        .sort(),
    ).toEqual(['batch', 'high', 'platform-critical', 'standard']);
    expect(
      ofKind(objects, 'StorageClass')
        .map((x) => x.reclaimPolicy)
        .sort(),
    ).toEqual(['Delete', 'Retain']);
    const ing = objects.find((o) => o.kind === 'Ingress' && o.metadata.namespace === 'users');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls[0]).toEqual({ hosts: ['shop.example.com'], secretName: 'public-tls' });
    expect(ing.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('shop.example.com');
    expect(ing.spec.rules[0].http.paths[0]).toEqual({
      path: '/user',
      pathType: 'Prefix',
      backend: { service: { name: 'users', port: { name: 'http' } } },
    });
    expect(
      find(objects, 'NetworkPolicy', 'allow-users-from-ingress-ingress-nginx').spec.ingress[0].from[0].namespaceSelector.matchLabels[
        'kubernetes.io/metadata.name'
      ],
    ).toBe('ingress-nginx');
    const cron = find(objects, 'CronJob', 'descheduler');
    expect(container(cron).args).toContain('/policy/policy.yaml');
    expect(cron.spec.jobTemplate.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(find(objects, 'ClusterRoleBinding', 'descheduler-descheduler-1').subjects[0]).toEqual({
      kind: 'ServiceAccount',
      name: 'descheduler',
      namespace: 'descheduler',
    });
  });

  test('owns what it creates: every object of its charts finds it, and the charts keep their paths (names, files, Pulumi ids)', () => {
    const { app, chart } = testChart();
    const p = new ClusterPlatform(app, 'platform', { environment: 'test', host: 'shop.example.com', teams: [{ name: 'users' }] });
    const users = new WebService(p.team('users'), 'users', {
      namespace: p.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    const ingress = p.route({ path: '/user', backend: users });
    expect(p.charts.map((c) => c.node.path)).toEqual(['cluster', 'monitoring', 'team-users']);
    const owned = p.charts.flatMap((c) => c.node.findAll()).filter((c) => c instanceof ApiObject);
    expect(owned.length).toBeGreaterThan(30);
    for (const c of [...owned, users, ingress, p.monitoring, p.descheduler, p.priorities.high, p.storage.data])
      expect(ClusterPlatform.of(c)).toBe(p);
    expect(ClusterPlatform.of(chart)).toBeUndefined();
    expect(ClusterPlatform.of(new ClusterPlatform(new App(), 'other', { environment: 't', teams: [] }).clusterChart)).not.toBe(p);
  });

  test('TEAM_UNKNOWN and INGRESS_INVALID', () => {
    const { app } = testChart();
    const p = new ClusterPlatform(app, 'platform', { environment: 'test', teams: [{ name: 'users' }] });
    expectCode(() => p.team('nobody'), 'TEAM_UNKNOWN');
    const svc = new WebService(p.team('users'), 'users', {
      namespace: p.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    expectCode(() => p.route({ path: '/user', backend: svc }), 'INGRESS_INVALID');
    const q = new ClusterPlatform(new App(), 'p2', { environment: 't', host: 'shop.example.com', teams: [{ name: 'users' }] });
    const svc2 = new WebService(q.team('users'), 'users', {
      namespace: q.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    expectCode(() => q.route({ path: 'user', backend: svc2 }), 'INGRESS_INVALID');
    q.route({ path: '/user', backend: svc2 });
    expectCode(() => q.route({ path: '/user', backend: svc2 }), 'INGRESS_INVALID');
    expectCode(() => q.route({ path: '/x', backend: svc2, port: 'grpc' }), 'INGRESS_INVALID');
  });
});
