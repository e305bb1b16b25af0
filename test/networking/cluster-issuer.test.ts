import { ClusterIssuer, QuotaPreset, validateManifests } from '../../constructs';
import { expectCode, find, renderChart, testChart } from '../helpers';

describe('ClusterIssuer', () => {
  test("the HTTP-01 solver Service is ClusterIP: cert-manager's default (NodePort) is refused by every QuotaPreset", () => {
    const { chart } = testChart();
    new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
    const objects = renderChart(chart);
    const issuer = find(objects, 'ClusterIssuer', 'le');
    // cert-manager ACMEChallengeSolverHTTP01Ingress.serviceType: "If unset, defaults to NodePort".
    expect(issuer.spec.acme.solvers).toEqual([{ http01: { ingress: { class: 'nginx', serviceType: 'ClusterIP' } } }]);
    // Every preset allows no NodePort Service: a NodePort solver Service would be refused by quota admission,
    // and the Challenge would retry forever.
    for (const preset of [QuotaPreset.SMALL, QuotaPreset.MEDIUM, QuotaPreset.LARGE]) expect(preset.limits.servicesNodePorts).toBe(0);
    // The field is in the cert-manager schema the library validates against.
    expect(validateManifests(objects)).toEqual([]);
  });

  test('ISSUER_INVALID: not an e-mail address; the valid neighbour renders', () => {
    const { chart } = testChart();
    expect(expectCode(() => new ClusterIssuer(chart, 'bad', { email: 'ops' }), 'ISSUER_INVALID').field).toBe('email');
    for (const [i, email] of ['a\0@example.com', 'ops@exa\u007fmple.com', 'ops@example.com\u0085'].entries())
      expect(expectCode(() => new ClusterIssuer(chart, `ctl${i}`, { email }), 'ISSUER_INVALID').field).toBe('email');
    new ClusterIssuer(chart, 'unicode', { email: 'jürgen@example.com' });
    new ClusterIssuer(chart, 'good', { email: 'ops@example.com', ingressClassName: 'traefik' });
    expect(find(renderChart(chart), 'ClusterIssuer', 'good').spec.acme.solvers[0].http01.ingress).toEqual({
      class: 'traefik',
      serviceType: 'ClusterIP',
    });
  });
});
