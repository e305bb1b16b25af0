import { AcmeServer, ClusterIssuer, IngressRoutes, QuotaPreset, TeamNamespace, WebService } from '../../constructs';
import { expectCode, find, render, testChart } from '../helpers';

function setup() {
  const { app, chart } = testChart();
  const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
  const web = new WebService(chart, 'web', { namespace: team, image: 'ghcr.io/acme/web:1.0.0', ports: [{ name: 'http', port: 8080 }] });
  return { app, chart, web };
}

describe('IngressRoutes TLS', () => {
  test('with an issuer, a cert-manager Certificate writes the Secret the Ingress reads', () => {
    const { app, chart, web } = setup();
    const issuer = new ClusterIssuer(chart, 'letsencrypt', { email: 'ops@example.com', server: AcmeServer.LETS_ENCRYPT_STAGING });
    const routes = new IngressRoutes(chart, 'public', { namespace: 'shop', host: 'shop.example.com', issuer });
    routes.addRoute({ path: '/', backend: web });
    const objects = render(app);
    const ingress = find(objects, 'Ingress', 'public');
    const cert = find(objects, 'Certificate', 'public-tls');
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'public-tls' }]);
    expect(cert.metadata.namespace).toBe('shop');
    expect(cert.spec).toEqual({
      secretName: 'public-tls',
      dnsNames: ['shop.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
      privateKey: { rotationPolicy: 'Always' },
    });
    const issuerObj = find(objects, 'ClusterIssuer', 'letsencrypt');
    expect(issuerObj.metadata.namespace).toBeUndefined();
    expect(issuerObj.spec.acme).toEqual({
      email: 'ops@example.com',
      server: AcmeServer.LETS_ENCRYPT_STAGING,
      privateKeySecretRef: { name: 'letsencrypt-account-key' },
      solvers: [{ http01: { ingress: { class: 'nginx' } } }],
    });
  });

  test('without an issuer no Certificate is rendered (another object must provide the Secret)', () => {
    const { app, chart, web } = setup();
    new IngressRoutes(chart, 'public', { namespace: 'shop', host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
    expect(render(app).filter((o) => o.kind === 'Certificate')).toEqual([]);
  });

  test("'ISSUER_INVALID': a contact that is not an address, a directory that is not https", () => {
    const { chart } = setup();
    expectCode(() => new ClusterIssuer(chart, 'a', { email: 'ops' }), 'ISSUER_INVALID');
    expectCode(() => new ClusterIssuer(chart, 'b', { email: 'ops@example.com', server: 'http://acme' }), 'ISSUER_INVALID');
  });
});
