import { NetworkPort, Peer, Protocol, Worker } from '../../constructs';
import { expectCode, find, renderChart, teamChart } from '../helpers';

function worker() {
  const { chart, team } = teamChart();
  const w = new Worker(chart, 'worker', { namespace: team, image: 'ghcr.io/acme/worker:1.0.0' });
  return { chart, w };
}

describe('network intent ports (INTENT_INVALID, networking ValidateNetworkPolicyPort)', () => {
  test.each<[string, () => unknown, string]>([
    ['Peer.cidr: a port above 65535 (IsValidPortNum)', () => Peer.cidr('10.0.0.0/8', [{ port: 70000 }]), 'ports[0].port'],
    [
      'Peer.cidr: a port name with -- (IsValidPortName)',
      () => Peer.cidr('10.0.0.0/8', [{ port: 'http' }, { port: 'A--B' }]),
      'ports[1].port',
    ],
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
  ])('%s', (_what, fn, field) => {
    expect(expectCode(fn, 'INTENT_INVALID').field).toBe(field);
  });

  test('allowTo and allowFrom: ports given to the intent are checked, on the workload', () => {
    const { w } = worker();
    const issue = expectCode(() => w.allowTo(Peer.cidr('10.0.0.0/8'), [{ port: -1 }]), 'INTENT_INVALID');
    expect(issue.field).toBe('ports[0].port');
    expect(issue.path).toContain('worker');
    expect(expectCode(() => w.allowFrom(Peer.namespace('ops'), [{ port: 'Metrics' }]), 'INTENT_INVALID').field).toBe('ports[0].port');
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
    w.allowTo(Peer.cidr('10.0.0.0/8', ports));
    w.allowTo(Peer.external('x', ['1.2.3.4/32'], [{ port: 'h2c' }]));
    const policy = find(renderChart(chart), 'NetworkPolicy', 'allow-worker-to-cidr-10-0-0-0-8');
    expect(policy.spec.egress[0].ports).toEqual([
      { protocol: 'TCP', port: 1 },
      { protocol: 'TCP', port: 65535 },
      { protocol: 'TCP', port: 'dns-tcp' },
      { protocol: 'UDP', port: 53 },
      { protocol: 'SCTP', port: 9 },
    ]);
  });
});

describe('network intent namespaces (NAME_INVALID)', () => {
  test('Peer.namespace and Peer.ingressController take a namespace name (DNS-1123 label): another selects no namespace', () => {
    expect(expectCode(() => Peer.namespace('Ops'), 'NAME_INVALID').field).toBe('name');
    expect(expectCode(() => Peer.ingressController('ingress.nginx'), 'NAME_INVALID').field).toBe('namespace');
    expect(Peer.namespace('ops').label).toBe('ns-ops');
    expect(Peer.ingressController('ingress-nginx').label).toBe('ingress-ingress-nginx');
  });
});
