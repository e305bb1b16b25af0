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

  test('ISSUER_INVALID: an address with an invisible format character, or a domain not in ASCII (look-alikes, bidi overrides)', () => {
    const { chart } = testChart();
    const bad = [
      'ops@example.com\u200b',
      'ops@exa\u202emple.com',
      'o\u2060ps@example.com',
      '\ufeffops@example.com',
      'ops@exаmple.com',
      'ops@exämple.com',
    ];
    for (const [i, email] of bad.entries())
      expect(expectCode(() => new ClusterIssuer(chart, `bad${i}`, { email }), 'ISSUER_INVALID').field).toBe('email');
    for (const [i, email] of ['a@b@example.com', 'ops@example', 'ops@-example.com', 'ops@example.com.'].entries())
      expect(expectCode(() => new ClusterIssuer(chart, `form${i}`, { email }), 'ISSUER_INVALID').field).toBe('email');
    // The punycode form of an internationalised domain, and a mixed-case one, are addresses.
    new ClusterIssuer(chart, 'puny', { email: 'ops@xn--exmple-cua.com' });
    new ClusterIssuer(chart, 'case', { email: 'Ops.Team+certs@Mail.Example.CO.UK' });
  });

  test('NAME_INVALID: an ingressClassName that is no IngressClass name (a DNS-1123 subdomain) never reaches the solver', () => {
    const { chart } = testChart();
    for (const [i, ingressClassName] of ['', ' nginx', 'nginx\u200b', 'NGINX/../x', 'nginx.'].entries())
      expect(
        expectCode(() => new ClusterIssuer(chart, `c${i}`, { email: 'ops@example.com', ingressClassName }), 'NAME_INVALID').field,
      ).toBe('ingressClassName');
    new ClusterIssuer(chart, 'dotted', { email: 'ops@example.com', ingressClassName: 'internal.nginx' });
    expect(find(renderChart(chart), 'ClusterIssuer', 'dotted').spec.acme.solvers[0].http01.ingress.class).toBe('internal.nginx');
  });

  test('ISSUER_INVALID: a server that is no https URL with a host, as the URL parser reads it', () => {
    const { chart } = testChart();
    const bad = [
      'https://',
      'https:// a b',
      'https://acme.example/dir\n',
      ' https://acme.example/dir',
      'http://acme.example/dir',
      'https:/dir',
    ];
    for (const [i, server] of bad.entries())
      expect(expectCode(() => new ClusterIssuer(chart, `s${i}`, { email: 'ops@example.com', server }), 'ISSUER_INVALID').field).toBe(
        'server',
      );
    new ClusterIssuer(chart, 'private', { email: 'ops@example.com', server: 'https://ca.internal:8443/acme/directory' });
    expect(find(renderChart(chart), 'ClusterIssuer', 'private').spec.acme.server).toBe('https://ca.internal:8443/acme/directory');
  });
});
