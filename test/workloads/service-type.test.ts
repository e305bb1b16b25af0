import { ExternalTrafficPolicy, Protocol, QuotaPreset, ServiceType, WebService } from '../../constructs';
import { expectCode, find, renderChart, WEB, teamChart, teamWebService, issuesWithCode } from '../helpers';

describe('NodePort and LoadBalancer Services', () => {
  test('a LoadBalancer with Local policy, source ranges and annotations; clients reach it through the default deny', () => {
    const { chart, team } = teamChart({ quota: { pods: 20, servicesLoadBalancers: 1, servicesNodePorts: 1 } });
    new WebService(chart, 'api', {
      namespace: team,
      ...WEB,
      serviceType: ServiceType.LOAD_BALANCER,
      externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
      loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'],
      serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' },
    });
    const objects = renderChart(chart);
    const svc = find(objects, 'Service', 'api');
    expect(svc.spec).toMatchObject({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'],
    });
    expect(svc.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internet-facing');
    const policy = find(objects, 'NetworkPolicy', 'allow-api-from-ext-api-clients');
    expect(policy.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '2001:db8::/32' } }]);
  });

  test('a NodePort under the Cluster policy is opened to any address (SNAT hides the client)', () => {
    const { chart } = teamWebService('api', { serviceType: ServiceType.NODE_PORT }, { quota: { pods: 20, servicesNodePorts: 1 } });
    const objects = renderChart(chart);
    expect(find(objects, 'Service', 'api').spec.type).toBe('NodePort');
    expect(find(objects, 'NetworkPolicy', 'allow-api-from-ext-api-clients').spec.ingress[0].from).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0' } },
      { ipBlock: { cidr: '::/0' } },
    ]);
  });

  test("outside clients reach only the ports the Service publishes, not the pod's other ports", () => {
    const { chart } = teamWebService(
      'gw',
      {
        ports: [
          { name: 'https', port: 8443 },
          { name: 'admin', port: 9901 },
        ],
        servicePorts: [
          { name: 'https', port: 443, targetPort: 'https' },
          { name: 'alt', port: 8443, targetPort: 'https' },
        ],
        serviceType: ServiceType.LOAD_BALANCER,
        allocateLoadBalancerNodePorts: false,
      },
      { quota: QuotaPreset.LARGE },
    );
    const policy = find(renderChart(chart), 'NetworkPolicy', 'allow-gw-from-ext-gw-clients');
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 8443, protocol: 'TCP' }]);
  });

  test('with one port per container port (the default), every published port is opened, with its protocol', () => {
    const { chart } = teamWebService(
      'dns',
      {
        ports: [
          { name: 'dns', port: 5353, protocol: Protocol.UDP },
          { name: 'dns-tcp', port: 5353 },
        ],
        serviceType: ServiceType.NODE_PORT,
      },
      { quota: { pods: 20, servicesNodePorts: 2 } },
    );
    expect(find(renderChart(chart), 'NetworkPolicy', 'allow-dns-from-ext-dns-clients').spec.ingress[0].ports).toEqual([
      { port: 5353, protocol: 'UDP' },
      { port: 5353, protocol: 'TCP' },
    ]);
  });

  test('QUOTA_SERVICES_EXCEEDED: load balancers, and the node ports a LoadBalancer allocates', () => {
    const { chart, team } = teamChart(); // 1 load balancer, 0 node ports
    new WebService(chart, 'a', { namespace: team, ...WEB, serviceType: ServiceType.LOAD_BALANCER });
    new WebService(chart, 'b', { namespace: team, ...WEB, serviceType: ServiceType.LOAD_BALANCER, allocateLoadBalancerNodePorts: false });
    expect(issuesWithCode(() => renderChart(chart), 'QUOTA_SERVICES_EXCEEDED').map((i) => [i.field, i.value])).toEqual([
      ['quota.servicesLoadBalancers', 2],
      ['quota.servicesNodePorts', 1],
    ]);
  });

  test('without node ports, one LoadBalancer fits the MEDIUM preset', () => {
    const { chart } = teamWebService('a', { serviceType: ServiceType.LOAD_BALANCER, allocateLoadBalancerNodePorts: false });
    expect(find(renderChart(chart), 'Service', 'a').spec.allocateLoadBalancerNodePorts).toBe(false);
  });

  test.each([
    ['externalTrafficPolicy on a ClusterIP Service', { externalTrafficPolicy: ExternalTrafficPolicy.LOCAL }],
    ['source ranges on a NodePort', { serviceType: ServiceType.NODE_PORT, loadBalancerSourceRanges: ['10.0.0.0/8'] }],
    ['a source range that is no CIDR', { serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['10.0.0.0/33'] }],
    ['an address without a prefix', { serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['10.0.0.1'] }],
  ])('SERVICE_INVALID: %s', (_what, extra) => {
    expectCode(() => teamWebService('api', extra, { quota: QuotaPreset.LARGE }), 'SERVICE_INVALID');
  });

  test('an empty loadBalancerSourceRanges on a ClusterIP Service is taken, as the API server takes it', () => {
    const { chart } = teamWebService('api', { loadBalancerSourceRanges: [] });
    expect(find(renderChart(chart), 'Service', 'api').spec.type).toBe('ClusterIP');
  });

  test('ANNOTATION_SECRET on a Service', () => {
    expectCode(
      () => teamWebService('api', { serviceAnnotations: { 'example.com/api-key': 'k-123' } }, { quota: QuotaPreset.LARGE }),
      'ANNOTATION_SECRET',
    );
  });
});
