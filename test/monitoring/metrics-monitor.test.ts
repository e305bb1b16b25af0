import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  BatchJob,
  MetricsMonitor,
  NodeAgent,
  Peer,
  PodSecurityLevel,
  QuotaPreset,
  SCRAPE_LABEL,
  StatefulService,
  TeamNamespace,
  WebService,
  WebServiceProps,
  Worker,
  runRules,
} from '../../constructs';
import { VARLOG_AGENT, catchBlueprintError, expectCode, find, ofKind, renderChart, teamChart, testChart } from '../helpers';

const base = { image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }] };

/** A WebService 'web' whose container also listens on 'metrics' (9102), published as `servicePorts`. */
function withMetricsPort(chart: Construct, ns: TeamNamespace, servicePorts: WebServiceProps['servicePorts']): WebService {
  return new WebService(chart, 'web', { namespace: ns, ...base, ports: [...base.ports, { name: 'metrics', port: 9102 }], servicePorts });
}

describe('exposeMetrics', () => {
  test('a WebService is scraped through its Service: a ServiceMonitor selecting it by label and naming its port', () => {
    const { chart, team: ns } = teamChart();
    const web = withMetricsPort(chart, ns, [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'prom', port: 9102, targetPort: 'metrics' },
    ]);
    const monitor = web.exposeMetrics({ port: 'metrics', interval: Duration.seconds(15) });
    ns.allowFromNamespace('monitoring'); // the namespace admits the scraper's namespace (after the call is fine)
    expect(monitor.kind).toBe('ServiceMonitor');
    const objects = renderChart(chart);
    const sm = find(objects, 'ServiceMonitor', 'web');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata.namespace).toBe('shop');
    expect(sm.metadata.labels[SCRAPE_LABEL]).toBe('true');
    // The Service port's name, not the container port's.
    expect(sm.spec.endpoints).toEqual([{ port: 'prom', path: '/metrics', interval: '15s' }]);
    const svc = find(objects, 'Service', 'web');
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(svc.metadata.labels[k]).toBe(v);
    expect(runRules(objects).filter((f) => f.rule === 'MONITOR_TARGET_MISSING')).toEqual([]);
  });

  test('a port the Service does not publish, a Worker and a StatefulService with a client Service are scraped at the pods', () => {
    const { chart, team: ns } = teamChart();
    const web = withMetricsPort(chart, ns, [{ name: 'http', port: 80 }]);
    const worker = new Worker(chart, 'worker', { namespace: ns, ...base });
    const claims = [{ name: 'data', mountPath: '/data', size: '1Gi' }];
    const db = new StatefulService(chart, 'db', { namespace: ns, ...base, replicas: 1, clientService: true, claims });
    const plain = new StatefulService(chart, 'plain', { namespace: ns, ...base, replicas: 1, claims });
    expect(web.exposeMetrics({ port: 'metrics' }).kind).toBe('PodMonitor');
    expect(worker.exposeMetrics({ port: 'http', path: '/stats/prometheus' }).kind).toBe('PodMonitor');
    expect(db.exposeMetrics({ port: 'http' }).kind).toBe('PodMonitor');
    expect(plain.exposeMetrics({ port: 'http' }).kind).toBe('ServiceMonitor');
    ns.allowFromNamespace('monitoring');
    const objects = renderChart(chart);
    const pm = find(objects, 'PodMonitor', 'worker');
    expect(pm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'worker', 'app.kubernetes.io/instance': 'worker' } },
      podMetricsEndpoints: [{ port: 'http', path: '/stats/prometheus' }],
    });
    expect(runRules(objects).filter((f) => f.rule === 'MONITOR_TARGET_MISSING')).toEqual([]);
  });

  test('scrapedBy opens the metrics port, and only it, to the scraper in a default-deny namespace', () => {
    const { chart } = testChart();
    const agents = new TeamNamespace(chart, 'agents', {
      quota: QuotaPreset.SMALL,
      podSecurity: { enforce: PodSecurityLevel.PRIVILEGED },
    });
    const agent = new NodeAgent(chart, 'shipper', {
      namespace: agents,
      ...base,
      ports: [...base.ports, { name: 'admin', port: 2020 }],
      ...VARLOG_AGENT,
    });
    agent.exposeMetrics({ port: 'admin', path: '/api/v1/metrics/prometheus', scrapedBy: Peer.namespace('monitoring') });
    const objects = renderChart(chart);
    expect(find(objects, 'PodMonitor', 'shipper').spec.podMetricsEndpoints[0].port).toBe('admin');
    const policy = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'allow-shipper-from-ns-monitoring');
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 2020 }],
      },
    ]);
  });

  /** The monitors the catalogue finds no scraper path to. */
  const unreachable = (objects: any[]) =>
    runRules(objects)
      .filter((f) => f.rule === 'REF_MONITOR_UNREACHABLE')
      .map((f) => f.object);

  test('REF_MONITOR_UNREACHABLE: in a TeamNamespace (default-deny ingress), a monitor nothing lets the scraper reach (a warning: the output still applies)', () => {
    const { chart, team: ns } = teamChart();
    new WebService(chart, 'web', { namespace: ns, ...base }).exposeMetrics({ port: 'http' });
    new Worker(chart, 'worker', { namespace: ns, ...base }).exposeMetrics({ port: 'http' });
    expect(unreachable(renderChart(chart))).toEqual([`ServiceMonitor/${ns.name}/web`, `PodMonitor/${ns.name}/worker`]);
  });

  test('the valid neighbours: scrapedBy (a Prometheus outside the output by its namespace), an allowFrom on the port, a namespace that admits the scraper, a plain namespace', () => {
    const viaPeer = teamChart();
    const web = new WebService(viaPeer.chart, 'web', { namespace: viaPeer.team, ...base });
    web.exposeMetrics({ port: 'http', scrapedBy: Peer.namespace('monitoring') });
    const objects = renderChart(viaPeer.chart);
    const policy = ofKind(objects, 'NetworkPolicy').find((p) => p.metadata.name === 'allow-web-from-ns-monitoring');
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    expect(unreachable(objects)).toEqual([]);
    const byHand = teamChart();
    const worker = new Worker(byHand.chart, 'worker', { namespace: byHand.team, ...base });
    worker.exposeMetrics({ port: 'http' });
    worker.allowFrom(Peer.namespace('monitoring'), [{ port: 'http' }]);
    expect(unreachable(renderChart(byHand.chart))).toEqual([]);
    const otherPort = teamChart();
    const other = new Worker(otherPort.chart, 'worker', {
      namespace: otherPort.team,
      image: 'app:1.0.0',
      ports: [...base.ports, { name: 'admin', port: 9000 }],
    });
    other.exposeMetrics({ port: 'http' });
    other.allowFrom(Peer.namespace('monitoring'), [{ port: 'admin' }]);
    expect(unreachable(renderChart(otherPort.chart))).toEqual([`PodMonitor/${otherPort.team.name}/worker`]);
    const admitted = teamChart();
    new Worker(admitted.chart, 'worker', { namespace: admitted.team, ...base }).exposeMetrics({ port: 'http' });
    admitted.team.allowFromNamespace('monitoring');
    expect(unreachable(renderChart(admitted.chart))).toEqual([]);
    const { chart } = testChart();
    new Worker(chart, 'worker', { namespace: 'apps', ...base }).exposeMetrics({ port: 'http' });
    expect(unreachable(renderChart(chart))).toEqual([]);
  });

  test('METRICS_PORT_UNKNOWN: the metrics port must be one of the workload’s own ports', () => {
    const { chart, team: ns } = teamChart();
    const web = new WebService(chart, 'web', { namespace: ns, ...base });
    const issue = expectCode(() => web.exposeMetrics({ port: 'metrics' }), 'METRICS_PORT_UNKNOWN');
    expect(issue.message).toContain('http');
  });

  test('METRICS_INVALID: a relative path, a sub-second interval, a second declaration, a job', () => {
    const { chart, team: ns } = teamChart();
    const web = new WebService(chart, 'web', { namespace: ns, ...base });
    expectCode(() => web.exposeMetrics({ port: 'http', path: 'metrics' }), 'METRICS_INVALID');
    expectCode(() => web.exposeMetrics({ port: 'http', interval: Duration.millis(500) }), 'METRICS_INVALID');
    web.exposeMetrics({ port: 'http' });
    expectCode(() => web.exposeMetrics({ port: 'http' }), 'METRICS_INVALID');
    const job = new BatchJob(chart, 'job', { namespace: ns, image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }] });
    expectCode(() => job.exposeMetrics({ port: 'http' }), 'METRICS_INVALID');
  });
});

describe('MetricsMonitor', () => {
  const target = { kind: 'pods', podSelector: { app: 'web' }, port: 'metrics' } as const;
  const props = { name: 'web', namespace: 'shop', port: 'metrics', target };

  test('METRICS_INVALID: a sub-second, fractional or zero interval and a relative path are refused with its own fields, never a plain Error', () => {
    for (const interval of [Duration.millis(1500), Duration.millis(500), Duration.seconds(0), Duration.millis(0.5)]) {
      const { chart } = testChart();
      const issue = expectCode(() => new MetricsMonitor(chart, 'm', { ...props, interval }), 'METRICS_INVALID');
      expect(issue.field).toBe('interval');
      expect(issue.value).toBe(interval.toMilliseconds({ integral: false }) / 1000);
    }
    const { chart } = testChart();
    const err = catchBlueprintError(() => new MetricsMonitor(chart, 'm', { ...props, path: 'metrics', interval: Duration.millis(1500) }));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([
      ['METRICS_INVALID', 'path'],
      ['METRICS_INVALID', 'interval'],
    ]);
  });

  test('METRICS_INVALID: a target without labels to select by (missing or {}) would select every Service or pod of the namespace', () => {
    const cases: [object, string][] = [
      [{ kind: 'pods', podSelector: {}, port: 'metrics' }, 'target.podSelector'],
      [{ kind: 'pods', port: 'metrics' }, 'target.podSelector'],
      [{ kind: 'service', serviceLabels: {}, port: 'metrics' }, 'target.serviceLabels'],
      // The other kind's labels select nothing here.
      [{ kind: 'service', podSelector: { app: 'web' }, port: 'metrics' }, 'target.serviceLabels'],
    ];
    for (const [t, field] of cases) {
      const { chart } = testChart();
      expect(expectCode(() => new MetricsMonitor(chart, 'm', { ...props, target: t as any }), 'METRICS_INVALID').field).toBe(field);
    }
    const { chart } = testChart();
    const m = new MetricsMonitor(chart, 'm', { ...props, target: { kind: 'service', serviceLabels: { app: 'web' }, port: 'metrics' } });
    expect(m.apiObject.toJson().spec.selector).toEqual({ matchLabels: { app: 'web' } });
  });

  test('whole seconds are accepted and rendered as such', () => {
    const { chart } = testChart();
    const m = new MetricsMonitor(chart, 'm', { ...props, interval: Duration.minutes(1) });
    expect(m.apiObject.toJson().spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '60s' }]);
  });
});
