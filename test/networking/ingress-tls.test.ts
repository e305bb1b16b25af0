import {
  AcmeServer,
  ClusterIssuer,
  IngressRoutes,
  QuotaPreset,
  SecretBackend,
  SecretDeclaration,
  TeamNamespace,
  WebService,
} from '../../constructs';
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

  test('without an issuer no Certificate is rendered, and a TLS Secret nothing provides fails synth (SECRET_UNPROVIDED)', () => {
    const { app, chart, web } = setup();
    new IngressRoutes(chart, 'public', { namespace: 'shop', host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
    expectCode(() => render(app), 'SECRET_UNPROVIDED');
  });

  test('without an issuer, a TLS Secret declared for a backend counts as provided', () => {
    const { app, chart, web } = setup();
    new SecretDeclaration(chart, 'public-tls', { namespace: 'shop', keys: ['tls.crt', 'tls.key'], backend: SecretBackend.deployTool() });
    new IngressRoutes(chart, 'public', { namespace: 'shop', host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
    const objects = render(app);
    expect(objects.filter((o) => o.kind === 'Certificate')).toEqual([]);
    expect(find(objects, 'Ingress', 'public').spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'public-tls' }]);
  });

  test("'ISSUER_INVALID': a contact that is not an address, a directory that is not https", () => {
    const { chart } = setup();
    expectCode(() => new ClusterIssuer(chart, 'a', { email: 'ops' }), 'ISSUER_INVALID');
    expectCode(() => new ClusterIssuer(chart, 'b', { email: 'ops@example.com', server: 'http://acme' }), 'ISSUER_INVALID');
  });
});
