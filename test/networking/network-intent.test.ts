import { ApiObject } from 'cdk8s';
import {
  NetworkPort,
  Peer,
  Protocol,
  QuotaPreset,
  ResourcePreset,
  ServiceAccount,
  TeamNamespace,
  WebService,
  Worker,
  renderApp,
  runRules,
} from '../../constructs';
import { WEB, catchBlueprintError, expectCode, find, ofKind, renderChart, teamChart } from '../helpers';

function worker() {
  const { chart, team } = teamChart();
  const w = new Worker(chart, 'worker', { namespace: team, image: 'ghcr.io/acme/worker:1.0.0' });
  return { chart, w };
}

describe('network intent ports (INTENT_INVALID, networking ValidateNetworkPolicyPort)', () => {
  test.each<[string, () => unknown, string]>([
    ['Peer.cidr: a port above 65535 (IsValidPortNum)', () => Peer.cidr('10.0.0.0/8', [{ port: 70000 }]), 'ports[0].port'],
    ['Peer.cidr: a port name with -- (IsValidPortName)', () => Peer.cidr('10.0.0.0/8', [{ port: 80 }, { port: 'A--B' }]), 'ports[1].port'],
    ['Peer.cidr: a fractional port', () => Peer.cidr('10.0.0.0/8', [{ port: 80.5 }]), 'ports[0].port'],
    ['Peer.external: port 0', () => Peer.external('x', ['1.2.3.4/32'], [{ port: 0 }]), 'ports[0].port'],
    [
      'Peer.external: a name longer than 15',
      () => Peer.external('x', ['1.2.3.4/32'], [{ port: 'a-very-long-port-name' }]),
      'ports[0].port',
    ],
    [
      'Peer.cidr: a protocol other than TCP, UDP, SCTP',
      () => Peer.cidr('10.0.0.0/8', [{ port: 53, protocol: 'tcp' as Protocol }]),
      'ports[0].protocol',
    ],
    ['Peer.cidr: a prefix longer than the address (ValidateIPBlock)', () => Peer.cidr('10.0.0.0/33'), 'cidr'],
    ["Peer.cidr: an IPv6 zone, which Go's ParseCIDR refuses (ValidateIPBlock)", () => Peer.cidr('2001:db8::10%eth0/128'), 'cidr'],
    ['Peer.cidr: an address out of range', () => Peer.cidr('999.1.1.1/8'), 'cidr'],
    ['Peer.cidr: an exception that is no CIDR', () => Peer.cidr('10.0.0.0/8', [], ['10.1.0.0']), 'except[0]'],
    [
      'Peer.cidr: an exception outside the block (ValidateIPBlock strict subset)',
      () => Peer.cidr('10.0.0.0/8', [], ['192.168.0.0/16']),
      'except[0]',
    ],
    ['Peer.cidr: an exception equal to the block', () => Peer.cidr('10.0.0.0/8', [], ['10.0.0.0/16', '10.0.0.0/8']), 'except[1]'],
    ['Peer.cidr: an exception wider than the block', () => Peer.cidr('10.1.0.0/16', [], ['10.0.0.0/8']), 'except[0]'],
    ['Peer.cidr: an IPv6 exception outside the block', () => Peer.cidr('fd00::/64', [], ['fd01::/80']), 'except[0]'],
    ['Peer.cidr: an IPv4 exception of an IPv6 block', () => Peer.cidr('::/0', [], ['10.0.0.0/8']), 'except[0]'],
    ['Peer.kubeApiServer: a prefix above 128', () => Peer.kubeApiServer('fd00::/129'), 'cidr'],
  ])('%s', (_what, fn, field) => {
    expect(expectCode(fn, 'INTENT_INVALID').field).toBe(field);
  });

  test('valid blocks, IPv4 and IPv6, with exceptions, are accepted', () => {
    expect(Peer.cidr('10.0.0.0/8', [], ['10.1.0.0/16']).spec).toEqual({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } });
    expect(Peer.kubeApiServer('fd00::/64').spec).toEqual({ ipBlock: { cidr: 'fd00::/64' } });
    // Strict subsets, however the block is written (host bits set, IPv6 shorthand, an embedded IPv4 tail).
    expect(() => Peer.cidr('10.0.0.1/8', [], ['10.255.255.255/32'])).not.toThrow();
    expect(() => Peer.cidr('0.0.0.0/0', [], ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'])).not.toThrow();
    expect(() => Peer.cidr('fd00::/64', [], ['fd00::ff:0:0/96', 'fd00:0:0:0:1::/80'])).not.toThrow();
    expect(() => Peer.cidr('::ffff:0:0/96', [], ['::ffff:10.0.0.0/104'])).not.toThrow();
    expect(() => Peer.cidr('::/0', [], ['2001:db8::/32'])).not.toThrow();
  });

  test('allowTo and allowFrom: ports given to the intent are checked, on the workload', () => {
    const { w } = worker();
    const issue = expectCode(() => w.allowTo(Peer.cidr('10.0.0.0/8'), [{ port: -1 }]), 'INTENT_INVALID');
    expect(issue.field).toBe('ports[0].port');
    expect(issue.path).toContain('worker');
    expect(expectCode(() => w.allowFrom(Peer.namespace('ops'), [{ port: 'Metrics' }]), 'INTENT_INVALID').field).toBe('ports[0].port');
  });

  test('INTENT_INVALID: a path into a workload that declares no port, without ports, would open every port', () => {
    const { chart, w } = worker();
    const web = new Worker(chart, 'client', { namespace: w.namespace, image: 'ghcr.io/acme/client:1.0.0' });
    for (const open of [() => w.allowFrom(Peer.namespace('ops')), () => web.allowTo(w)]) {
      const issue = expectCode(open, 'INTENT_INVALID');
      expect(issue).toMatchObject({ field: 'ports', path: expect.stringContaining('worker') });
    }
    // With its ports given, the same path opens exactly them.
    w.allowFrom(Peer.namespace('ops'), [{ port: 8080 }]);
    expect(find(renderChart(chart), 'NetworkPolicy', 'allow-worker-from-ns-ops').spec.ingress[0].ports).toEqual([
      { port: 8080, protocol: 'TCP' },
    ]);
  });

  test('PORT_UNRESOLVED: a path into one of our workloads on a port it does not listen on opens nothing', () => {
    const { chart, team } = teamChart();
    const api = new Worker(chart, 'api', { namespace: team, image: 'ghcr.io/acme/api:1.0.0', ports: [{ name: 'http', port: 8080 }] });
    api.allowFrom(Peer.namespace('ops'), [{ port: 'grpc' }]);
    expect(expectCode(() => renderChart(chart), 'PORT_UNRESOLVED').field).toBe('/spec/ingress/0/ports/0');
  });

  test('a path on the port the workload listens on, by name or number, renders', () => {
    const { chart, team } = teamChart();
    const api = new Worker(chart, 'api', { namespace: team, image: 'ghcr.io/acme/api:1.0.0', ports: [{ name: 'http', port: 8080 }] });
    api.allowFrom(Peer.namespace('ops'), [{ port: 'http' }]);
    api.allowFrom(Peer.namespace('qa'), [{ port: 8080 }]);
    expect(ofKind(renderChart(chart), 'NetworkPolicy').length).toBeGreaterThan(2);
  });

  test('the valid neighbours render: 1 and 65535, a named port, UDP and SCTP', () => {
    const { chart, w } = worker();
    const ports: NetworkPort[] = [
      { port: 1 },
      { port: 65535 },
      { port: 'dns-tcp' },
      { port: 53, protocol: Protocol.UDP },
      { port: 9, protocol: Protocol.SCTP },
    ];
    w.allowTo(
      Peer.cidr(
        '10.0.0.0/8',
        ports.filter((p) => typeof p.port === 'number'),
      ),
    );
    // A name toward pods (a namespace's) resolves against their container ports.
    w.allowTo(Peer.namespace('ops'), [{ port: 'dns-tcp' }]);
    const out = renderChart(chart);
    expect(find(out, 'NetworkPolicy', 'allow-worker-to-cidr-10-0-0-0-8').spec.egress[0].ports).toEqual([
      { protocol: 'TCP', port: 1 },
      { protocol: 'TCP', port: 65535 },
      { protocol: 'UDP', port: 53 },
      { protocol: 'SCTP', port: 9 },
    ]);
    expect(find(out, 'NetworkPolicy', 'allow-worker-to-ns-ops').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 'dns-tcp' }]);
  });
});

describe('a port name toward addresses (INTENT_INVALID: an ipBlock has no pod to resolve it)', () => {
  test.each<[string, () => unknown, string]>([
    ['Peer.cidr', () => Peer.cidr('10.0.0.0/8', [{ port: 443 }, { port: 'https' }]), 'ports[1].port'],
    ['Peer.external', () => Peer.external('x', ['10.1.0.0/16'], [{ port: 'postgres' }]), 'ports[0].port'],
    ['allowTo(Peer.cidr(...), ports)', () => worker().w.allowTo(Peer.cidr('10.0.0.0/8'), [{ port: 'https' }]), 'ports[0].port'],
    [
      'allowTo(Peer.kubeApiServer(), ports)',
      () => worker().w.allowTo(Peer.kubeApiServer('10.0.0.1/32'), [{ port: 'https' }]),
      'ports[0].port',
    ],
  ])('%s', (_what, fn, field) => {
    const issue = expectCode(fn, 'INTENT_INVALID');
    expect(issue.field).toBe(field);
    expect(issue.fix).toContain('give the number');
  });

  test('the numbers are accepted, and a name toward pods (a workload, a namespace, an ingress controller) too', () => {
    const { chart, w } = worker();
    w.allowTo(Peer.cidr('10.0.0.0/8'), [{ port: 443 }]);
    w.allowTo(Peer.external('x', ['10.1.0.0/16'], [{ port: 5432 }]));
    w.allowTo(Peer.namespace('ops'), [{ port: 'https' }]);
    w.allowTo(Peer.ingressController(), [{ port: 'https' }]);
    // Ingress from addresses: the name resolves against our own pods' ports.
    const api = new Worker(chart, 'api', {
      namespace: w.namespace,
      image: 'ghcr.io/acme/api:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    api.allowFrom(Peer.cidr('10.0.0.0/8'), [{ port: 'http' }]);
    const out = renderChart(chart);
    expect(find(out, 'NetworkPolicy', 'allow-worker-to-ext-x').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    expect(find(out, 'NetworkPolicy', 'allow-api-from-cidr-10-0-0-0-8').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 'http' }]);
  });
});

describe('network intent namespaces (NAME_INVALID)', () => {
  test('Peer.namespace and Peer.ingressController take a namespace name (DNS-1123 label): another selects no namespace', () => {
    expect(expectCode(() => Peer.namespace('Ops'), 'NAME_INVALID').field).toBe('name');
    expect(expectCode(() => Peer.ingressController('ingress.nginx'), 'NAME_INVALID').field).toBe('namespace');
    expect(Peer.namespace('ops').label).toBe('ns-ops');
    const scraper = Peer.namespace('monitoring', { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'main' });
    expect([scraper.label, scraper.spec.podSelector]).toEqual([
      'monitoring-prometheus-main',
      { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'main' } },
    ]);
    // Values that are no DNS label as they stand are hashed: distinct selectors keep distinct policy names.
    const labels = [{ app: 'A' }, { app: 'a' }, { app: 'a_b' }, { app: '' }].map((l) => Peer.namespace('ops', l).label);
    expect(new Set(labels).size).toBe(4);
    for (const l of labels) expect(l).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(expectCode(() => Peer.namespace('ops', { tier: 'a b' }), 'LABEL_INVALID').field).toBe('podLabels.tier');
    expect(Peer.ingressController('ingress-nginx').label).toBe('ingress-ingress-nginx');
  });

  test("Peer.ingressController's podLabels are labels the API server takes in a selector (LABEL_INVALID, each one)", () => {
    const e = catchBlueprintError(() => Peer.ingressController('ingress-nginx', { 'bad key!': 'web', tier: 'front end', ok: '' }));
    expect(e.issues.map((i) => [i.code, i.field, i.value])).toEqual([
      ['LABEL_INVALID', 'podLabels.bad key!', 'bad key!'],
      ['LABEL_INVALID', 'podLabels.tier', 'front end'],
    ]);
    expect(Peer.ingressController('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }).spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    });
  });
});

describe('the path to the API server (Peer.kubeApiServer)', () => {
  const API_EGRESS = {
    to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
    ports: [
      { protocol: 'TCP', port: 443 },
      { protocol: 'TCP', port: 6443 },
    ],
  };

  /** The brief's repro: a Worker that mounts its ServiceAccount token in a TeamNamespace (default-deny egress). */
  function consumer(props: { mountServiceAccountToken?: boolean; namespace?: 'team' | 'name' } = {}) {
    const { chart, team } = teamChart();
    const sa = new ServiceAccount(chart, 'consumer-sa', { namespace: team.name });
    sa.grant([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }]);
    const w = new Worker(chart, 'consumer', {
      namespace: props.namespace === 'name' ? team.name : team,
      image: 'ghcr.io/acme/consumer:2.0.1',
      serviceAccount: sa,
      mountServiceAccountToken: props.mountServiceAccountToken ?? true,
      resources: ResourcePreset.SMALL,
    });
    return { chart, w };
  }
  const apiPolicies = (objects: any[]) => ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.name.includes('cidr-0-0-0-0-0'));

  test('a workload that mounts its token in a default-deny TeamNamespace gets egress to the API server on 443 and 6443', () => {
    const { chart } = consumer();
    const policy = find(renderChart(chart), 'NetworkPolicy', 'allow-consumer-to-cidr-0-0-0-0-0');
    expect(policy.spec.policyTypes).toEqual(['Egress']);
    expect(policy.spec.egress).toEqual([API_EGRESS]);
    expect(policy.spec.podSelector.matchLabels['app.kubernetes.io/name']).toBe('consumer');
  });

  test('no token, or a namespace not built here (its policies unknown): no path is added', () => {
    expect(apiPolicies(renderChart(consumer({ mountServiceAccountToken: false }).chart))).toHaveLength(0);
    expect(apiPolicies(renderChart(consumer({ namespace: 'name' }).chart))).toHaveLength(0);
  });

  test('the same path declared again by hand is the same policy; another one to the same addresses is INTENT_DUPLICATE', () => {
    const { chart, w } = consumer();
    const again = w.allowTo(Peer.kubeApiServer());
    const byHand = w.allowTo(Peer.cidr('0.0.0.0/0', [{ port: 443 }, { port: 6443 }]));
    expect(again.policies[0]).toBe(byHand.policies[0]);
    expect(apiPolicies(renderChart(chart))).toHaveLength(1);
    const issue = expectCode(() => w.allowTo(Peer.cidr('0.0.0.0/0', [{ port: 443 }])), 'INTENT_DUPLICATE');
    expect(issue.message).toContain('API server');
  });

  test('Peer.kubeApiServer: any address of either family by default, or the given CIDR, on 443 and 6443', () => {
    expect(Peer.kubeApiServer().specs).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }]);
    expect(Peer.kubeApiServer().label).toBe('cidr-0-0-0-0-0');
    expect(Peer.kubeApiServer().ports).toEqual([{ port: 443 }, { port: 6443 }]);
    expect(Peer.kubeApiServer('10.0.0.0/24').specs).toEqual([{ ipBlock: { cidr: '10.0.0.0/24' } }]);
    expectCode(() => Peer.kubeApiServer('10.0.0.0'), 'INTENT_INVALID');
  });
});

describe('paths to workloads of one name in two namespaces (two paths, not INTENT_DUPLICATE)', () => {
  function twoApis() {
    const { chart, team } = teamChart();
    const other = new TeamNamespace(chart, 'other', { quota: QuotaPreset.MEDIUM });
    const web = new WebService(chart, 'web', { namespace: team, ...WEB });
    const here = new WebService(chart, 'api-here', { namespace: team, name: 'api', ...WEB });
    const there = new WebService(chart, 'api-there', { namespace: other, name: 'api', ...WEB });
    return { chart, team, other, web, here, there };
  }
  const names = (out: any[], ns: string) =>
    ofKind(out, 'NetworkPolicy')
      .filter((n) => n.metadata.namespace === ns && /^allow-(web|api)-(to|from)-/.test(n.metadata.name))
      .map((n) => n.metadata.name)
      .sort();

  test('allowTo and allowFrom: the path in the same namespace keeps its name, the other is named <name>.<namespace>', () => {
    const { chart, web, here, there } = twoApis();
    web.allowTo(here);
    web.allowTo(there);
    here.allowTo(web);
    there.allowTo(web);
    const out = renderChart(chart);
    expect(names(out, 'shop')).toEqual([
      'allow-api-from-web',
      'allow-api-to-web',
      'allow-web-from-api',
      'allow-web-from-api.other',
      'allow-web-to-api',
      'allow-web-to-api.other',
    ]);
    expect(names(out, 'other')).toEqual(['allow-api-from-web.shop', 'allow-api-to-web.shop']);
    const egress = find(out, 'NetworkPolicy', 'allow-web-to-api.other').spec.egress[0].to[0];
    expect(egress.namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'other' });
  });

  test('a workload named like another namespace-qualified one stays distinct (a name holds no dot)', () => {
    const { chart, team, web, there } = twoApis();
    const apiOther = new WebService(chart, 'api-other', { namespace: team, ...WEB });
    web.allowTo(there);
    web.allowTo(apiOther);
    const out = renderChart(chart);
    expect(find(out, 'NetworkPolicy', 'allow-web-to-api.other')).toBeDefined();
    expect(find(out, 'NetworkPolicy', 'allow-web-to-api-other')).toBeDefined();
  });

  test('the same cross-namespace path declared twice is still INTENT_DUPLICATE', () => {
    const { web, there } = twoApis();
    web.allowTo(there);
    expect(expectCode(() => web.allowTo(there), 'INTENT_DUPLICATE').value).toBe('AllowFrom-web.shop');
  });

  test('exposeMetrics scrapedBy one scraper, for an api in each of two namespaces', () => {
    const { chart, team } = teamChart();
    const ns = new TeamNamespace(chart, 'mon', { name: 'monitoring', quota: QuotaPreset.MEDIUM });
    const scraper = new Worker(chart, 'prometheus', { namespace: ns, image: 'ghcr.io/acme/prom:1.0.0' });
    for (const t of [team, new TeamNamespace(chart, 'other', { quota: QuotaPreset.MEDIUM })]) {
      const api = new WebService(chart, `api-${t.name}`, {
        namespace: t,
        name: 'api',
        image: 'ghcr.io/acme/api:1.0.0',
        ports: [
          { name: 'http', port: 8080 },
          { name: 'metrics', port: 9090 },
        ],
      });
      api.exposeMetrics({ port: 'metrics', scrapedBy: scraper });
    }
    const out = renderChart(chart);
    const mine = ofKind(out, 'NetworkPolicy').filter((n) => n.metadata.name.startsWith('allow-prometheus-to-api'));
    expect(mine.map((n) => n.metadata.name).sort()).toEqual(['allow-prometheus-to-api.other', 'allow-prometheus-to-api.shop']);
    const ingress = ofKind(out, 'NetworkPolicy').filter((n) => n.metadata.name === 'allow-api-from-prometheus.monitoring');
    expect(ingress.map((n) => n.metadata.namespace).sort()).toEqual(['other', 'shop']);
    for (const n of ingress) expect(n.spec.ingress[0].ports).toEqual([{ port: 9090, protocol: 'TCP' }]);
  });

  test('a name longer than 253 characters is shortened with a hash: valid, and distinct', () => {
    const { chart, w } = worker();
    const long = 'x'.repeat(260);
    w.allowTo(Peer.external(`${long}a`, ['10.1.0.0/16'], [{ port: 5432 }]));
    w.allowTo(Peer.external(`${long}b`, ['10.2.0.0/16'], [{ port: 5432 }]));
    const policies = ofKind(renderChart(chart), 'NetworkPolicy').filter((n) => n.metadata.name.startsWith('allow-worker-to-ext-x'));
    expect(policies).toHaveLength(2);
    for (const n of policies) expect(n.metadata.name.length).toBeLessThanOrEqual(253);
    expect(policies[0].metadata.name).not.toBe(policies[1].metadata.name);
  });
});

describe('PORT_UNRESOLVED on YAML: a named egress port toward addresses alone', () => {
  const policy = (to: object[], port: number | string) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'egress', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to, ports: [{ protocol: 'TCP', port }] }] },
  });
  const found = (o: object) =>
    runRules([o])
      .filter((f) => f.rule === 'PORT_UNRESOLVED')
      .map((f) => `${f.severity} ${f.pointer}`);

  test('an ipBlock peer with a port name is an error; its number, or a name toward pods, is not', () => {
    expect(found(policy([{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '::/0' } }], 'https'))).toEqual([
      'error /spec/egress/0/ports/0',
    ]);
    expect(found(policy([{ ipBlock: { cidr: '10.0.0.0/8' } }], 443))).toEqual([]);
    expect(found(policy([{ namespaceSelector: {} }], 'https'))).toEqual([]);
    // A peer with pods beside the addresses: the name resolves for those pods.
    expect(found(policy([{ ipBlock: { cidr: '10.0.0.0/8' } }, { podSelector: {} }], 'https'))).toEqual([]);
  });

  test('at synth: a raw NetworkPolicy built so fails the build', () => {
    const { app, chart } = teamChart();
    new ApiObject(chart, 'raw', policy([{ ipBlock: { cidr: '10.0.0.0/8' } }], 'https'));
    const issue = expectCode(() => renderApp(app), 'PORT_UNRESOLVED');
    expect(issue.field).toBe('/spec/egress/0/ports/0');
  });
});
