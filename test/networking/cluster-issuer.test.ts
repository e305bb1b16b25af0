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

  test.each([
    // Not an e-mail address, or one with a control character.
    ['email', 'ops'],
    ['email', 'a\0@example.com'],
    ['email', 'ops@exa\u007fmple.com'],
    ['email', 'ops@example.com\u0085'],
    // An invisible format character, or a domain not in ASCII (look-alikes, bidi overrides).
    ['email', 'ops@example.com\u200b'],
    ['email', 'ops@exa\u202emple.com'],
    ['email', 'o\u2060ps@example.com'],
    ['email', '\ufeffops@example.com'],
    ['email', 'ops@exаmple.com'],
    ['email', 'ops@exämple.com'],
    // Two @, a domain of one label, a label starting with a hyphen, a trailing dot.
    ['email', 'a@b@example.com'],
    ['email', 'ops@example'],
    ['email', 'ops@-example.com'],
    ['email', 'ops@example.com.'],
    // A local part net/mail (the ACME server's parser) refuses: an unquoted ':' (userinfo with a password), a quoted
    // string, an empty run between dots, a leading or trailing dot, a special character, over 64 characters.
    ['email', 'ops:pw@example.com'],
    ['email', '"ops:pw"@example.com'],
    ['email', 'ops..team@example.com'],
    ['email', '.ops@example.com'],
    ['email', 'ops.@example.com'],
    ['email', 'ops,team@example.com'],
    ['email', 'ops<x>@example.com'],
    ['email', 'ops[1]@example.com'],
    ['email', 'ops;x@example.com'],
    ['email', `${'a'.repeat(65)}@example.com`],
    // A server that is no https URL with a host, as the URL parser reads it.
    ['server', 'https://'],
    ['server', 'https:// a b'],
    ['server', 'https://acme.example/dir\n'],
    ['server', ' https://acme.example/dir'],
    ['server', 'http://acme.example/dir'],
    ['server', 'https:/dir'],
  ])('ISSUER_INVALID: the %s %p', (field, value) => {
    const { chart } = testChart();
    const issue = expectCode(() => new ClusterIssuer(chart, 'bad', { email: 'ops@example.com', [field]: value }), 'ISSUER_INVALID');
    expect(issue.field).toBe(field);
  });

  test("ISSUER_INVALID's valid neighbours render: an address in Unicode, in punycode, in mixed case; an https server with a port", () => {
    const { chart } = testChart();
    new ClusterIssuer(chart, 'unicode', { email: 'jürgen@example.com' });
    new ClusterIssuer(chart, 'good', { email: 'ops@example.com', ingressClassName: 'traefik' });
    expect(find(renderChart(chart), 'ClusterIssuer', 'good').spec.acme.solvers[0].http01.ingress).toEqual({
      class: 'traefik',
      serviceType: 'ClusterIP',
    });
    // The punycode form of an internationalised domain, and a mixed-case one, are addresses.
    new ClusterIssuer(chart, 'puny', { email: 'ops@xn--exmple-cua.com' });
    new ClusterIssuer(chart, 'case', { email: 'Ops.Team+certs@Mail.Example.CO.UK' });
    // RFC 5322 atext beyond letters and digits, and a local part of 64 characters.
    new ClusterIssuer(chart, 'atext', { email: "o'neil!#$%&*/=?^_`{|}~-ops@example.com" });
    new ClusterIssuer(chart, 'long', { email: `${'a'.repeat(64)}@example.com` });
    new ClusterIssuer(chart, 'private', { email: 'ops@example.com', server: 'https://ca.internal:8443/acme/directory' });
    expect(find(renderChart(chart), 'ClusterIssuer', 'private').spec.acme.server).toBe('https://ca.internal:8443/acme/directory');
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
});
