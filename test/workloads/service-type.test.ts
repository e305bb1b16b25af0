import { ExternalTrafficPolicy, QuotaPreset, ServiceType, WebService } from '../../constructs';
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

  test('ANNOTATION_SECRET on a Service', () => {
    expectCode(
      () => teamWebService('api', { serviceAnnotations: { 'example.com/api-key': 'k-123' } }, { quota: QuotaPreset.LARGE }),
      'ANNOTATION_SECRET',
    );
  });
});
