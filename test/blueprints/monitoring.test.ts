import { App, Duration } from 'cdk8s';
import { parse } from 'yaml';
import { Monitoring, MonitoringProps } from '../../blueprints';
import {
  BlueprintChart,
  PriorityClass,
  QuotaPreset,
  SCRAPE_LABEL,
  StorageClass,
  TeamNamespace,
  WebService,
  renderApp,
  setClusterFacts,
} from '../../constructs';
import { WEB, catchBlueprintError, expectCode, find, linterAnnotations, ofKind } from '../helpers';

function monitoring(props: Partial<MonitoringProps>) {
  const app = new App();
  const chart = new BlueprintChart(app, 'test', { owner: 'test' });
  const namespace = new TeamNamespace(chart, 'monitoring', { quota: QuotaPreset.LARGE });
  const m = new Monitoring(chart, 'm', { namespace, targets: 10, ...props });
  return {
    m,
    objects: () => renderApp(app).flatMap((r) => r.objects),
    prometheus: () =>
      find(
        renderApp(app).flatMap((r) => r.objects),
        'Prometheus',
        'prometheus',
      ),
  };
}
const fieldsOf = (props: Partial<MonitoringProps>) =>
  catchBlueprintError(() => monitoring(props)).issues.map((i) => [i.code, i.field, i.value, i.path, i.construct]);

describe('Monitoring renders a prometheus-operator Prometheus', () => {
  test('selecting the labelled monitors in every namespace, with rules, retention and a sized claim', () => {
    const { m, objects } = monitoring({
      targets: 1700,
      scrapeInterval: Duration.seconds(15),
      federate: ['prometheus.eu.example.com:9090'],
    });
    const all = objects();
    const prom = find(all, 'Prometheus', 'prometheus').spec;
    expect(prom.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe(m.sizing.claim.toString());
    expect(prom.retention).toBe('360h');
    expect(prom.retentionSize).toBe(m.sizing.retentionSize);
    expect(prom.scrapeInterval).toBe('15s');
    // Every ServiceMonitor and PodMonitor that exposeMetrics makes, wherever it lives.
    expect(prom.serviceMonitorSelector).toEqual({ matchLabels: { [SCRAPE_LABEL]: 'true' } });
    expect(prom.serviceMonitorNamespaceSelector).toEqual({});
    // ServiceMonitors are written by team editors: none may point Prometheus at a file of its container (its token).
    expect(prom.arbitraryFSAccessThroughSMs).toEqual({ deny: true });
    expect(prom.podMonitorSelector).toEqual({ matchLabels: { [SCRAPE_LABEL]: 'true' } });
    expect(prom.podMonitorNamespaceSelector).toEqual({});
    expect(prom.ruleSelector).toEqual({ matchLabels: { [SCRAPE_LABEL]: 'true' } });
    expect(prom.serviceAccountName).toBe('prometheus');
    expect(find(all, 'ServiceAccount', 'prometheus').automountServiceAccountToken).toBe(true);
    const rules = find(all, 'PrometheusRule', 'prometheus-recording');
    expect(rules.metadata.labels[SCRAPE_LABEL]).toBe('true');
    expect(JSON.stringify(rules.spec)).toContain('namespace:container_cpu_usage_seconds:sum_rate');
    expect(find(all, 'Secret', 'prometheus-scrape-configs').stringData['scrape-configs.yml']).toContain('job_name: federate');
    expect(prom.additionalScrapeConfigs).toEqual({ name: 'prometheus-scrape-configs', key: 'scrape-configs.yml' });
    expect(find(all, 'ClusterRole', 'monitoring-prometheus-1').metadata.namespace).toBeUndefined();
    expect(find(all, 'ClusterRoleBinding', 'monitoring-prometheus-1').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' },
    ]);
    // The operator's pods carry the labels the Prometheus states (podMetadata); the egress policies and
    // the PDB select them by those labels.
    const podLabels = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' };
    expect(prom.podMetadata).toEqual({ labels: podLabels });
    expect(find(all, 'NetworkPolicy', 'allow-prometheus-to-all-namespaces').spec.podSelector.matchLabels).toEqual(podLabels);
    expect(find(all, 'PodDisruptionBudget', 'prometheus').spec.selector.matchLabels).toEqual(podLabels);
  });

  test('two replicas are kept off one node (the operator sets no affinity); one replica gets none', () => {
    const [term] = monitoring({ replicas: 2 }).prometheus().spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
    expect(term).toEqual({
      weight: 100,
      podAffinityTerm: {
        labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'prometheus' } },
        topologyKey: 'kubernetes.io/hostname',
      },
    });
    expect(monitoring({}).prometheus().spec.affinity).toBeUndefined();
  });

  test("without storageClass, the Prometheus claim takes the namespace's defaultStorageClass; a class given wins", () => {
    const claimClassIn = (storageClass?: string) => {
      const app = new App();
      setClusterFacts(app, { existingStorageClasses: ['gp3'] });
      const chart = new BlueprintChart(app, 'test', { owner: 'test' });
      const data = new StorageClass(chart, 'data', { provisioner: 'ebs.csi.aws.com' });
      const namespace = new TeamNamespace(chart, 'monitoring', { quota: QuotaPreset.LARGE, defaultStorageClass: data });
      new Monitoring(chart, 'm', { namespace, targets: 10, storageClass });
      const objects = renderApp(app).flatMap((r) => r.objects);
      return objects.find((o) => o.kind === 'Prometheus').spec.storage.volumeClaimTemplate.spec.storageClassName;
    };
    expect([claimClassIn(), claimClassIn('gp3')]).toEqual(['data', 'gp3']);
  });

  test('STORAGE_CLASS_UNDECLARED: with existingStorageClasses declared, the Prometheus claim names a class of the output', () => {
    /** A Monitoring in a cluster declaring its StorageClass gp3, claiming from what `storageClass` makes in the chart. */
    const inCluster = (storageClass: (chart: BlueprintChart) => MonitoringProps['storageClass']) => {
      const app = new App();
      setClusterFacts(app, { existingStorageClasses: ['gp3'] });
      const chart = new BlueprintChart(app, 'test', { owner: 'test' });
      const namespace = new TeamNamespace(chart, 'monitoring', { quota: QuotaPreset.LARGE });
      new Monitoring(chart, 'm', { namespace, targets: 10, storageClass: storageClass(chart) });
      return { chart, namespace, objects: () => renderApp(app).flatMap((r) => r.objects) };
    };
    expect(expectCode(() => inCluster(() => undefined).objects(), 'STORAGE_CLASS_UNDECLARED').field).toBe('storageClass');
    const ok = inCluster((chart) => new StorageClass(chart, 'data', { provisioner: 'ebs.csi.aws.com' }));
    expect(() => ok.objects()).not.toThrow();
    // A class the cluster has, by name.
    const named = inCluster(() => 'gp3');
    expect(find(named.objects(), 'Prometheus', 'prometheus').spec.storage.volumeClaimTemplate.spec.storageClassName).toBe('gp3');
    expect(
      expectCode(() => new Monitoring(named.chart, 'm2', { namespace: named.namespace, targets: 10, storageClass: '' }), 'NAME_INVALID')
        .field,
    ).toBe('storageClass');
  });

  test('the operator-made pods count against the quota: the server and its config-reloader, one claim each', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'test', { owner: 'test' });
    const quota = { requestsCpu: '1', requestsMemory: '4Gi', limitsCpu: '1', limitsMemory: '4Gi', pods: 5 };
    new Monitoring(chart, 'm', { namespace: new TeamNamespace(chart, 'monitoring', { quota }), targets: 10, replicas: 2 });
    // 2 × (500m + 10m) > 1 CPU
    expectCode(() => renderApp(app), 'QUOTA_EXCEEDED');
  });
});

describe('Monitoring priority', () => {
  test('the Prometheus pods take the priorityClass given, else the cluster default; another value is PROPS_INVALID', () => {
    expect(monitoring({}).prometheus().spec.priorityClassName).toBeUndefined();
    const app = new App();
    const chart = new BlueprintChart(app, 'test', { owner: 'test' });
    const critical = new PriorityClass(chart, 'platform-critical', { value: 100_000 });
    const namespace = new TeamNamespace(chart, 'monitoring', { quota: QuotaPreset.LARGE });
    new Monitoring(chart, 'm', { namespace, targets: 10, priorityClass: critical });
    expect(
      find(
        renderApp(app).flatMap((r) => r.objects),
        'Prometheus',
        'prometheus',
      ).spec.priorityClassName,
    ).toBe('platform-critical');
    expect(fieldsOf({ priorityClass: 'platform-critical' as never })).toEqual([
      ['PROPS_INVALID', 'priorityClass', 'platform-critical', 'test/m', 'Monitoring'],
    ]);
  });
});

test("a priorityClass the output does not hold (another App's) is REF_MISSING_OBJECT on the Prometheus: the operator's pods would be refused", () => {
  const elsewhere = new PriorityClass(new BlueprintChart(new App(), 'other', { owner: 'test' }), 'platform-critical', { value: 100_000 });
  const { objects } = monitoring({ priorityClass: elsewhere });
  const e = catchBlueprintError(() => objects());
  expect(e.issues.map((i) => [i.code, i.path, i.field])).toEqual([['REF_MISSING_OBJECT', 'test/m/Resource', '/spec/priorityClassName']]);
});

describe('Monitoring durations', () => {
  test('METRICS_INVALID: a scrape interval of 1.5 s, 0 s or a fraction of a millisecond, never a plain Error', () => {
    for (const [scrapeInterval, value] of [
      [Duration.millis(1500), 1.5],
      [Duration.seconds(0), 0],
      [Duration.millis(0.5), 0.0005],
    ] as const)
      expect(fieldsOf({ scrapeInterval })).toEqual([['METRICS_INVALID', 'scrapeInterval', value, 'test/m', 'Monitoring']]);
  });

  test('METRICS_INVALID: a zero or sub-millisecond retention (Prometheus durations are whole milliseconds)', () => {
    expect(fieldsOf({ retention: Duration.millis(0.5) })).toEqual([['METRICS_INVALID', 'retention', '0.5ms', 'test/m', 'Monitoring']]);
    expect(fieldsOf({ retention: Duration.seconds(0) })).toEqual([['METRICS_INVALID', 'retention', '0ms', 'test/m', 'Monitoring']]);
  });

  test('a retention finer than hours keeps its minutes (20 minutes used to render 0h: no time limit at all)', () => {
    expect(monitoring({ retention: Duration.minutes(20) }).prometheus().spec.retention).toBe('20m');
    expect(monitoring({ retention: Duration.minutes(90) }).prometheus().spec.retention).toBe('1h30m');
    expect(monitoring({ retention: Duration.millis(3_601_500) }).prometheus().spec.retention).toBe('1h1s500ms');
    expect(monitoring({ retention: Duration.days(15) }).prometheus().spec.retention).toBe('360h');
    expect(monitoring({ scrapeInterval: Duration.minutes(1) }).prometheus().spec.scrapeInterval).toBe('60s');
  });

  test('SIZING_INVALID from the sizing comes with the construct path, together with the other problems', () => {
    expect(fieldsOf({ targets: -1, seriesPerTarget: 0, scrapeInterval: Duration.millis(1500) })).toEqual([
      ['METRICS_INVALID', 'scrapeInterval', 1.5, 'test/m', 'Monitoring'],
      ['SIZING_INVALID', 'targets', -1, 'test/m', 'Monitoring'],
      ['SIZING_INVALID', 'seriesPerTarget', 0, 'test/m', 'Monitoring'],
    ]);
  });
});

describe('Monitoring resources', () => {
  const throwing = () =>
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('get');
        },
      },
    );
  test('PROPS_INVALID: resources that throw when read (a Proxy, a getter) or with a key that is neither requests nor limits (was the Error of the read)', () => {
    expect(fieldsOf({ resources: throwing() as never }).map(([code, field]) => [code, field])).toEqual([
      ['PROPS_INVALID', 'resources.requests'],
      ['PROPS_INVALID', 'resources.limits'],
    ]);
    expect(fieldsOf({ resources: { request: { cpu: '1' } } as never }).map(([code, field]) => [code, field])).toEqual([
      ['PROPS_UNKNOWN', 'resources.request'],
    ]);
  });

  test('the valid neighbour: requests and limits are rendered', () => {
    const resources = { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } };
    expect(monitoring({ resources }).prometheus().spec.resources).toEqual(resources);
  });
});

describe('Monitoring sizing', () => {
  test('SIZING_INVALID, not QUANTITY_INVALID at gibibytes: targets or series per target that overflow the claim', () => {
    expect(fieldsOf({ targets: 1e308 })).toEqual([['SIZING_INVALID', 'targets', 1e308, 'test/m', 'Monitoring']]);
    expect(fieldsOf({ targets: 200, seriesPerTarget: 2 ** 53 })).toEqual([
      ['SIZING_INVALID', 'seriesPerTarget', 2 ** 53, 'test/m', 'Monitoring'],
    ]);
    // The valid neighbour: a large but real installation.
    expect(monitoring({ targets: 100_000, seriesPerTarget: 10_000 }).m.sizing.claim.toString()).toMatch(/^\d+Gi$/);
  });
});

describe('Monitoring recording rules and federation', () => {
  test('METRICS_INVALID: a record that is not a metric name, an empty expression, unbalanced brackets or quotes, each reported', () => {
    const recordingRules = [
      { record: 'bad name!', expr: '' },
      { record: 'a:b', expr: 'sum(' },
      { record: '1st', expr: 'a)' },
      { record: 'ok', expr: '(]' },
      { record: 'ok2', expr: 'up{job="api}' },
      { record: 'ok3', expr: '   ' },
    ];
    expect(fieldsOf({ recordingRules }).map(([code, field, value]) => [code, field, value])).toEqual([
      ['METRICS_INVALID', 'recordingRules[0].record', 'bad name!'],
      ['METRICS_INVALID', 'recordingRules[0].expr', ''],
      ['METRICS_INVALID', 'recordingRules[1].expr', 'sum('],
      ['METRICS_INVALID', 'recordingRules[2].record', '1st'],
      ['METRICS_INVALID', 'recordingRules[2].expr', 'a)'],
      ['METRICS_INVALID', 'recordingRules[3].expr', '(]'],
      ['METRICS_INVALID', 'recordingRules[4].expr', 'up{job="api}'],
      ['METRICS_INVALID', 'recordingRules[5].expr', '   '],
    ]);
  });

  test('the valid neighbours: brackets and quotes inside strings and comments, raw strings, escapes', () => {
    const recordingRules = [
      { record: 'namespace:http_requests:rate5m', expr: 'sum by (namespace) (rate(http_requests_total{path=~"/a[(]"}[5m]))' },
      { record: ':colon_first', expr: "count(up{job='a\\'('}) # a comment with ( and \"" },
      { record: '_x', expr: 'label_replace(up, "dst", "$1", "src", `(.*)[`)' },
    ];
    const { m } = monitoring({ recordingRules });
    expect(m.rules.toJson().spec.groups[0].rules).toEqual(recordingRules);
  });

  test('METRICS_INVALID: federation targets that are empty, a URL, not host:port, or a bad port', () => {
    const federate = ['', 'not a url', 'http://eu:9090', 'eu:0', 'eu:99999', '::1', 'eu:', 'a..b:9090'];
    expect(fieldsOf({ federate }).map(([code, field, value]) => [code, field, value])).toEqual(
      federate.map((t, i) => ['METRICS_INVALID', `federate[${i}]`, t]),
    );
  });

  test('METRICS_INVALID: an address no federation target can have (unspecified, loopback: Prometheus would scrape itself; link-local; a zone)', () => {
    const federate = ['[::]:9090', '0.0.0.0:9090', '[::1]:9090', '127.0.0.1:9090', '169.254.169.254:80', '[fe80::1%eth0]:9090'];
    expect(fieldsOf({ federate }).map(([code, field, value]) => [code, field, value])).toEqual(
      federate.map((t, i) => ['METRICS_INVALID', `federate[${i}]`, t]),
    );
  });

  test('METRICS_INVALID: a bracketed host that is not an IPv6 address (every scrape would fail)', () => {
    const federate = ['[:::]:9090', '[1.2.3.4]:9090', '[fd00::1::2]'];
    expect(fieldsOf({ federate }).map(([code, field, value]) => [code, field, value])).toEqual(
      federate.map((t, i) => ['METRICS_INVALID', `federate[${i}]`, t]),
    );
  });

  test("the federation scrape gets through the namespace's default deny: each outside target's port is opened", () => {
    const { objects } = monitoring({
      federate: ['prom-eu.example.com:9090', 'PROM-US.example.com:9090', 'prom-ap.example.com', '10.1.2.3:9091', '[FD00::7]:9091'],
    });
    const egress = (name: string) => find(objects(), 'NetworkPolicy', name).spec.egress;
    // A DNS name: any address of either family, on its port only (the scheme's 80 when none is given).
    expect(egress('allow-prometheus-to-ext-federate-9090')).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 9090 }] },
    ]);
    expect(egress('allow-prometheus-to-ext-federate-80')).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 80 }] },
    ]);
    // An address: itself.
    expect(egress('allow-prometheus-to-ext-federate-9091')).toEqual([
      { to: [{ ipBlock: { cidr: '10.1.2.3/32' } }, { ipBlock: { cidr: 'fd00::7/128' } }], ports: [{ protocol: 'TCP', port: 9091 }] },
    ]);
  });

  test('the valid neighbours: a Service of the cluster needs no path of its own, and no federation none at all', () => {
    const policies = (federate?: string[]) =>
      ofKind(monitoring({ federate }).objects(), 'NetworkPolicy')
        .map((p) => p.metadata.name)
        .filter((n) => n.startsWith('allow-prometheus'));
    const base = ['allow-prometheus-to-all-namespaces', 'allow-prometheus-to-cidr-0-0-0-0-0', 'allow-prometheus-to-ext-kubelet'];
    expect(policies()).toEqual(base);
    // Its pods are in a namespace, which the scrape path to every namespace admits on every port.
    expect(policies(['prometheus.eu.svc:9090', 'prometheus.us.svc.cluster.local:9090', 'prometheus.ap.SVC.cluster.local'])).toEqual(base);
  });

  test('the valid neighbours: DNS names, IPv4 and bracketed IPv6 addresses, with or without a port', () => {
    const federate = [
      'prometheus.eu.example.com:9090',
      'prometheus-eu',
      '10.0.0.1:9090',
      '[fd00::2]:9090',
      '[fd00::1]',
      'PROM_EU.local:443',
      'prom.example.com.:9090',
    ];
    const { prometheus, objects } = monitoring({ federate });
    expect(prometheus().spec.additionalScrapeConfigs).toEqual({ name: 'prometheus-scrape-configs', key: 'scrape-configs.yml' });
    expect(scrapeJobs(objects())[1].static_configs).toEqual([{ targets: federate }]);
  });
});

/** The jobs of the scrape-configuration Secret, parsed. */
const scrapeJobs = (objects: any[]) => parse(find(objects, 'Secret', 'prometheus-scrape-configs').stringData['scrape-configs.yml']);

describe("Monitoring scrapes the kubelets' cAdvisor, which the recording rules read", () => {
  test('a kubelet job finds every node and keeps only the series the default rules read', () => {
    const { objects, prometheus } = monitoring({});
    const jobs = scrapeJobs(objects());
    expect(prometheus().spec.additionalScrapeConfigs).toEqual({ name: 'prometheus-scrape-configs', key: 'scrape-configs.yml' });
    expect(jobs).toEqual([
      {
        job_name: 'kubelet-cadvisor',
        scheme: 'https',
        metrics_path: '/metrics/cadvisor',
        kubernetes_sd_configs: [{ role: 'node' }],
        authorization: { credentials_file: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
        tls_config: { ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', insecure_skip_verify: true },
        relabel_configs: [{ source_labels: ['__meta_kubernetes_node_name'], target_label: 'node' }],
        metric_relabel_configs: [
          { source_labels: ['__name__'], regex: 'container_cpu_usage_seconds_total|container_memory_working_set_bytes', action: 'keep' },
          { source_labels: ['container'], regex: '', action: 'drop' },
        ],
      },
    ]);
    // Every series a default rule reads is one the job keeps.
    const kept = new RegExp(`^(?:${jobs[0].metric_relabel_configs[0].regex})$`);
    const read = find(objects(), 'PrometheusRule', 'prometheus-recording').spec.groups[0].rules.map(
      (r: any) => /\b(container_[a-z_]+)\{/.exec(r.expr)![1],
    );
    expect(read).toEqual(['container_cpu_usage_seconds_total', 'container_memory_working_set_bytes']);
    for (const name of read) expect(name).toMatch(kept);
  });

  test('verifyKubeletCertificates: the cluster CA verifies the kubelets (no insecure_skip_verify); a non-boolean is PROPS_INVALID', () => {
    const { objects } = monitoring({ verifyKubeletCertificates: true });
    expect(scrapeJobs(objects())[0].tls_config).toEqual({ ca_file: '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt' });
    expect(fieldsOf({ verifyKubeletCertificates: 'yes' as never })).toEqual([
      ['PROPS_INVALID', 'verifyKubeletCertificates', 'yes', 'test/m', 'Monitoring'],
    ]);
  });

  test('own recording rules keep the kubelet job; federation is a second job in the same Secret', () => {
    const recordingRules = [{ record: 'job:up:sum', expr: 'sum by (job) (up)' }];
    expect(scrapeJobs(monitoring({ recordingRules }).objects()).map((j: any) => j.job_name)).toEqual(['kubelet-cadvisor']);
    const federated = scrapeJobs(monitoring({ federate: ['prom-eu.example.com:9090'] }).objects());
    expect(federated.map((j: any) => j.job_name)).toEqual(['kubelet-cadvisor', 'federate']);
  });

  test('RBAC: nodes/metrics may be read (the kubelet authorizes /metrics/cadvisor by it), nodes/proxy never', () => {
    const rules = find(monitoring({}).objects(), 'ClusterRole', 'monitoring-prometheus-1').rules;
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] });
    // Node discovery lists and watches the nodes.
    expect(rules).toContainEqual(
      expect.objectContaining({ resources: expect.arrayContaining(['nodes']), verbs: ['get', 'list', 'watch'] }),
    );
    expect(JSON.stringify(rules)).not.toContain('nodes/proxy');
  });

  test("egress to the kubelets: any address of either family (the nodes' are unknown at synth), on 10250 only", () => {
    const policy = find(monitoring({}).objects(), 'NetworkPolicy', 'allow-prometheus-to-ext-kubelet');
    expect(policy.spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/instance': 'prometheus',
    });
    expect(policy.spec.policyTypes).toEqual(['Egress']);
    expect(policy.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }], ports: [{ protocol: 'TCP', port: 10250 }] },
    ]);
  });
});

describe('Monitoring and kube-linter', () => {
  test('its NetworkPolicies say why dangling-networkpolicy does not apply (the operator creates the pods), later ones too; its PDB needs nothing', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'test', { owner: 'test' });
    const namespace = new TeamNamespace(chart, 'monitoring', { quota: QuotaPreset.LARGE });
    const m = new Monitoring(chart, 'm', { namespace, targets: 10, federate: ['prom-eu.example.com:9090'] });
    const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
    // A path opened to Prometheus after its constructor: an ingress policy on its pods, and an egress one on the web's.
    new WebService(chart, 'web', { namespace: team, ...WEB }).allowTo(m);
    const objects = renderApp(app).flatMap((r) => r.objects);
    const ignored = (o: any) => o.metadata.annotations?.['ignore-check.kube-linter.io/dangling-networkpolicy'];
    const prometheusPolicies = ofKind(objects, 'NetworkPolicy').filter(
      (p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'prometheus',
    );
    expect(prometheusPolicies.map((p) => p.metadata.name).sort()).toEqual([
      'allow-prometheus-from-web.shop',
      'allow-prometheus-to-all-namespaces',
      'allow-prometheus-to-cidr-0-0-0-0-0',
      'allow-prometheus-to-ext-federate-9090',
      'allow-prometheus-to-ext-kubelet',
    ]);
    for (const p of prometheusPolicies) expect(ignored(p)).toMatch(/prometheus-operator creates/);
    for (const p of prometheusPolicies) expect(p.metadata.annotations['kube-score/ignore']).toBe('networkpolicy-targets-pod');
    // The valid neighbours: the web's own policy selects pods of the output; the PDB is judged by no kube-linter check
    // that looks for its pods.
    expect(ignored(find(objects, 'NetworkPolicy', 'allow-web-to-prometheus.monitoring'))).toBeUndefined();
    expect(
      find(objects, 'NetworkPolicy', 'allow-web-to-prometheus.monitoring').metadata.annotations?.['kube-score/ignore'],
    ).toBeUndefined();
    const pdbAnnotations = Object.keys(find(objects, 'PodDisruptionBudget', 'prometheus').metadata.annotations ?? {});
    expect(pdbAnnotations.filter((k) => k.startsWith('ignore-check.kube-linter.io/'))).toEqual([]);
  });
});

describe('Monitoring and the namespace-wide policies', () => {
  const defaults = (objects: any[], ns: string) =>
    ofKind(objects, 'NetworkPolicy').filter(
      (p) => p.metadata.namespace === ns && ['default-deny-all', 'allow-dns'].includes(p.metadata.name),
    );

  test("while the Prometheus pods are the namespace's only pods, its default-deny-all and allow-dns say why no pod template matches", () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'test', { owner: 'test' });
    const namespace = new TeamNamespace(chart, 'monitoring', { quota: QuotaPreset.LARGE });
    new Monitoring(chart, 'm', { namespace, targets: 10 });
    const shop = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
    new WebService(chart, 'web', { namespace: shop, ...WEB });
    const objects = renderApp(app).flatMap((r) => r.objects);
    expect(defaults(objects, 'monitoring')).toHaveLength(2);
    for (const p of defaults(objects, 'monitoring')) {
      expect(p.metadata.annotations['ignore-check.kube-linter.io/dangling-networkpolicy']).toMatch(/renders no pod template here/);
      expect(p.metadata.annotations['kube-score/ignore']).toBe('networkpolicy-targets-pod');
    }
    // Another namespace's default policies select its web pods: nothing to exempt.
    for (const p of defaults(objects, 'shop')) expect(linterAnnotations(p)).toEqual({});
  });

  test('a pod template of the output in the monitoring namespace: its default policies select it, and are not exempt', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'test', { owner: 'test' });
    const namespace = new TeamNamespace(chart, 'monitoring', { quota: QuotaPreset.LARGE });
    new Monitoring(chart, 'm', { namespace, targets: 10 });
    new WebService(chart, 'grafana', { namespace, ...WEB });
    const objects = renderApp(app).flatMap((r) => r.objects);
    expect(defaults(objects, 'monitoring')).toHaveLength(2);
    for (const p of defaults(objects, 'monitoring')) expect(linterAnnotations(p)).toEqual({});
  });
});

describe('Monitoring and the globalDefault PriorityClass', () => {
  test("a Prometheus given no class names the output's globalDefault one; a class given wins", () => {
    const build = (own: boolean) => {
      const app = new App();
      const chart = new BlueprintChart(app, 'test', { owner: 'test' });
      new PriorityClass(chart, 'standard', { value: 1_000, globalDefault: true });
      const critical = new PriorityClass(chart, 'critical', { value: 100_000 });
      const namespace = new TeamNamespace(chart, 'monitoring', { quota: QuotaPreset.LARGE });
      new Monitoring(chart, 'm', { namespace, targets: 10, ...(own ? { priorityClass: critical } : {}) });
      return find(
        renderApp(app).flatMap((r) => r.objects),
        'Prometheus',
        'prometheus',
      ).spec.priorityClassName;
    };
    expect(build(false)).toBe('standard');
    expect(build(true)).toBe('critical');
  });
});
