import {
  AcmeServer,
  ClusterIssuer,
  IngressPathType,
  IngressRoutes,
  IngressRoutesProps,
  Peer,
  QuotaPreset,
  SecretBackend,
  SecretDeclaration,
  TeamNamespace,
  WebService,
  checkManifests,
  validateManifests,
} from '../../constructs';
import { catchBlueprintError, expectCode, find, ofKind, render, renderChart, testChart } from '../helpers';

function setup() {
  const { app, chart } = testChart();
  const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
  const web = new WebService(chart, 'web', { namespace: team, image: 'ghcr.io/acme/web:1.0.0', ports: [{ name: 'http', port: 8080 }] });
  const api = new WebService(chart, 'api', { namespace: team, image: 'ghcr.io/acme/api:1.0.0', ports: [{ name: 'http', port: 8080 }] });
  return { app, chart, web, api };
}

/** The TLS Secret of an IngressRoutes without an issuer, provided by the deploy tool (a wildcard certificate, say). */
const tlsSecret = (chart: any, name: string) =>
  new SecretDeclaration(chart, name, { namespace: 'shop', keys: ['tls.crt', 'tls.key'], backend: SecretBackend.deployTool() });

/** IngressRoutes `id` in 'shop' without an issuer, its TLS Secret `<id>-tls` provided by the deploy tool. */
function routesWithTlsSecret(chart: any, id: string, props: Omit<IngressRoutesProps, 'namespace'>): IngressRoutes {
  tlsSecret(chart, `${id}-tls`);
  return new IngressRoutes(chart, id, { namespace: 'shop', ...props });
}

/** IngressRoutes 'i' in 'shop' for shop.example.com (class nginx), beside the fixture's `web` backend. */
function shopRoutes() {
  const { chart, web } = setup();
  return { chart, web, routes: new IngressRoutes(chart, 'i', { namespace: 'shop', host: 'shop.example.com' }) };
}

/** The INGRESS_INVALID that routing `path` with `pathType` to `web` on shopRoutes() raises. */
function pathIssue(path: string, pathType: IngressPathType) {
  const { web, routes } = shopRoutes();
  return expectCode(() => routes.addRoute({ path, pathType, backend: web }), 'INGRESS_INVALID');
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
      solvers: [{ http01: { ingress: { class: 'nginx', serviceType: 'ClusterIP' } } }],
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

describe('IngressRoutes hosts', () => {
  test('several hosts: one rule per host, in order, TLS, the Certificate and external-dns cover them all', () => {
    const { app, chart, web, api } = setup();
    const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
    const routes = new IngressRoutes(chart, 'public', {
      namespace: 'shop',
      host: 'shop.example.com',
      hosts: ['api.example.com'],
      issuer,
      routes: [
        { path: '/', backend: web },
        { path: '/v1', backend: api, host: 'api.example.com', pathType: IngressPathType.EXACT },
        { path: '/', backend: api, host: 'api.example.com' },
      ],
    });
    expect(routes.hosts).toEqual(['shop.example.com', 'api.example.com']);
    const objects = render(app);
    expect(validateManifests(objects)).toEqual([]);
    const ingress = find(objects, 'Ingress', 'public');
    expect(ingress.spec.rules).toEqual([
      {
        host: 'shop.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] },
      },
      {
        host: 'api.example.com',
        http: {
          paths: [
            { path: '/v1', pathType: 'Exact', backend: { service: { name: 'api', port: { name: 'http' } } } },
            { path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { name: 'http' } } } },
          ],
        },
      },
    ]);
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com', 'api.example.com'], secretName: 'public-tls' }]);
    expect(ingress.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('shop.example.com,api.example.com');
    expect(find(objects, 'Certificate', 'public-tls').spec.dnsNames).toEqual(['shop.example.com', 'api.example.com']);
  });

  test('hosts alone (no host): routes without a host go to the first', () => {
    const { app, chart, web } = setup();
    routesWithTlsSecret(chart, 'public', { hosts: ['a.example.com'], routes: [{ path: '/', backend: web }] });
    expect(find(render(app), 'Ingress', 'public').spec.rules[0].host).toBe('a.example.com');
  });

  test('a wildcard host is served (certificate provided elsewhere), but refused with an HTTP-01 issuer', () => {
    const { app, chart, web } = setup();
    routesWithTlsSecret(chart, 'wild', { host: '*.example.com', routes: [{ path: '/', backend: web }] });
    expect(find(render(app), 'Ingress', 'wild').spec.rules[0].host).toBe('*.example.com');
    const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
    const issue = expectCode(
      () => new IngressRoutes(chart, 'w2', { namespace: 'shop', host: 'shop.example.com', hosts: ['*.example.com'], issuer }),
      'INGRESS_WILDCARD_HTTP01',
    );
    expect(issue.field).toBe('hosts[0]');
  });

  test.each([
    ['not a host!', 'host'],
    ['Localhost', 'host'],
    ['10.0.0.1', 'host'],
    ['010.000.000.001', 'host'],
    [`*.${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}`, 'host'],
    ['*', 'host'],
    ['a.*.example.com', 'host'],
    ['Shop.Example.com', 'host'],
    // A label over 63 characters: the API server takes it (IsDNS1123Subdomain counts only the total), DNS cannot carry it.
    [`${'a'.repeat(64)}.example.com`, 'host'],
    [`*.${'a'.repeat(64)}.example.com`, 'host'],
  ])("'INGRESS_INVALID': host %s", (host, field) => {
    const { chart } = setup();
    expect(expectCode(() => new IngressRoutes(chart, 'i', { namespace: 'shop', host }), 'INGRESS_INVALID').field).toBe(field);
  });

  test.each([
    'localhost',
    'myapp',
    '*.com',
    '1.2.3',
    '256.1.1.1',
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
  ])('a host the API server accepts is accepted: %s (a single label, not a four-part IP, ≤ 253 characters)', (host) => {
    const { chart } = setup();
    expect(() => new IngressRoutes(chart, 'i', { namespace: 'shop', host })).not.toThrow();
  });

  test("'INGRESS_INVALID': a host label over 63 characters is named as such", () => {
    const { chart } = setup();
    const issue = expectCode(
      () => new IngressRoutes(chart, 'i', { namespace: 'shop', host: `${'a'.repeat(64)}.example.com` }),
      'INGRESS_INVALID',
    );
    expect(issue.message).toContain('label longer than 63 characters');
  });

  test("'INGRESS_INVALID': no host, a host twice, a route to an undeclared host, a host without routes", () => {
    const { app, chart, web } = setup();
    expectCode(() => new IngressRoutes(chart, 'a', { namespace: 'shop' }), 'INGRESS_INVALID');
    expect(
      expectCode(
        () => new IngressRoutes(chart, 'b', { namespace: 'shop', host: 'a.example.com', hosts: ['a.example.com'] }),
        'INGRESS_INVALID',
      ).field,
    ).toBe('hosts[0]');
    const i = new IngressRoutes(chart, 'c', { namespace: 'shop', hosts: ['a.example.com', 'b.example.com'] });
    expect(expectCode(() => i.addRoute({ path: '/', backend: web, host: 'c.example.com' }), 'INGRESS_INVALID').field).toBe(
      'routes[0].host',
    );
    i.addRoute({ path: '/', backend: web });
    const issue = expectCode(() => render(app), 'INGRESS_INVALID');
    expect(issue.value).toBe('b.example.com');
  });
});

describe('IngressRoutes paths', () => {
  test('path types render as given, Prefix by default', () => {
    const { app, chart, web } = setup();
    routesWithTlsSecret(chart, 'p', {
      host: 'shop.example.com',
      routes: [
        { path: '/exact', backend: web, pathType: IngressPathType.EXACT },
        { path: '/api/(v1|v2)/.*', backend: web, pathType: IngressPathType.IMPLEMENTATION_SPECIFIC },
        { path: '/', backend: web },
      ],
    });
    const paths = find(render(app), 'Ingress', 'p').spec.rules[0].http.paths;
    expect(paths.map((p: any) => p.pathType)).toEqual(['Exact', 'ImplementationSpecific', 'Prefix']);
  });

  test.each([
    ['api', IngressPathType.PREFIX],
    ['api', IngressPathType.IMPLEMENTATION_SPECIFIC],
    ['/a//b', IngressPathType.PREFIX],
    ['/a/../b', IngressPathType.EXACT],
    ['/a/./b', IngressPathType.PREFIX],
    ['/a%2Fb', IngressPathType.EXACT],
    ['/a/..', IngressPathType.PREFIX],
    ['/a/.', IngressPathType.EXACT],
    ['/a b', IngressPathType.IMPLEMENTATION_SPECIFIC],
  ])("'INGRESS_INVALID': path %s with %s (the API server's rules)", (path, pathType) => {
    expect(pathIssue(path, pathType).field).toBe('routes[0].path');
  });

  test.each([
    ['/api/(.*)', IngressPathType.PREFIX],
    ['/users/[0-9]+', IngressPathType.EXACT],
    ['/~user', IngressPathType.PREFIX],
    ['/a%20b', IngressPathType.PREFIX],
  ])("'INGRESS_INVALID': path %s with %s under ingress-nginx (its webhook's strict-validate-path-type)", (path, pathType) => {
    const issue = pathIssue(path, pathType);
    expect(issue.field).toBe('routes[0].path');
    expect(issue.message).toContain('ingress-nginx');
  });

  test("ingress-nginx's path characters: letters, digits, '.', '_', '-', '/' pass; another class is not held to them", () => {
    const { chart, web, routes: nginx } = shopRoutes();
    expect(() => nginx.addRoute({ path: '/API/v1.2/a_b-c/', backend: web })).not.toThrow();
    expect(() => nginx.addRoute({ path: '/api/(.*)', pathType: IngressPathType.IMPLEMENTATION_SPECIFIC, backend: web })).not.toThrow();
    const other = new IngressRoutes(chart, 'j', {
      namespace: 'shop',
      host: 'shop.example.com',
      ingressClassName: 'traefik',
      controllerNamespace: 'traefik',
    });
    expect(() => other.addRoute({ path: '/~user', backend: web })).not.toThrow();
  });

  test('ImplementationSpecific admits what Exact and Prefix refuse (a regular expression)', () => {
    const { web, routes } = shopRoutes();
    expect(() => routes.addRoute({ path: '/a//b', pathType: IngressPathType.IMPLEMENTATION_SPECIFIC, backend: web })).not.toThrow();
  });

  test('the same path on two hosts is fine; twice on one host is INGRESS_INVALID, whatever the path type', () => {
    const { chart, web } = setup();
    const i = new IngressRoutes(chart, 'i', { namespace: 'shop', hosts: ['a.example.com', 'b.example.com'] });
    i.addRoute({ path: '/', backend: web });
    i.addRoute({ path: '/', backend: web, host: 'b.example.com' });
    expect(
      expectCode(() => i.addRoute({ path: '/', backend: web, host: 'a.example.com', pathType: IngressPathType.EXACT }), 'INGRESS_INVALID')
        .value,
    ).toBe('a.example.com/');
  });

  test("'SECRET_IN_OUTPUT': a credential in a path", () => {
    const { web, routes } = shopRoutes();
    const secret = ['/hook?token=', 'abcd1234efgh'].join('');
    expect(expectCode(() => routes.addRoute({ path: secret, backend: web }), 'SECRET_IN_OUTPUT').value).toBe('<redacted>');
  });
});

describe('IngressRoutes annotations', () => {
  test('are rendered beside the external-dns hostname', () => {
    const { app, chart, web } = setup();
    routesWithTlsSecret(chart, 'i', {
      host: 'shop.example.com',
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
      routes: [{ path: '/', backend: web }],
    });
    expect(find(render(app), 'Ingress', 'i').metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
      'external-dns.alpha.kubernetes.io/hostname': 'shop.example.com',
    });
  });

  test("'ANNOTATION_INVALID' and 'ANNOTATION_SECRET': keys are qualified names, credentials are refused", () => {
    const { chart } = setup();
    let n = 0;
    const make = (annotations: Record<string, string>) => () =>
      new IngressRoutes(chart, `i${n++}`, { namespace: 'shop', host: 'shop.example.com', annotations });
    expect(expectCode(make({ 'bad key!': 'x' }), 'ANNOTATION_INVALID').field).toBe('annotations["bad key!"]');
    const token = ['glpat-', 'a'.repeat(24)].join('');
    expect(expectCode(make({ 'example.com/note': token }), 'ANNOTATION_SECRET').value).toBe('<redacted>');
  });

  test.each([
    'external-dns.alpha.kubernetes.io/hostname',
    'cert-manager.io/cluster-issuer',
    'cert-manager.io/issuer',
    'kubernetes.io/tls-acme',
    'kubernetes.io/ingress.class',
  ])("'ANNOTATION_RESERVED': %s is the construct's", (key) => {
    const { chart } = setup();
    const issue = expectCode(
      () => new IngressRoutes(chart, 'i', { namespace: 'shop', host: 'shop.example.com', externalDns: false, annotations: { [key]: 'x' } }),
      'ANNOTATION_RESERVED',
    );
    expect(issue.field).toBe(`annotations["${key}"]`);
  });
});

describe('IngressRoutes names', () => {
  test.each([
    ['tlsSecretName', { tlsSecretName: 'Bad_Name' }],
    ['ingressClassName', { ingressClassName: 'Bad_Class' }],
    ['controllerNamespace', { controllerNamespace: 'ingress.nginx' }],
    ['namespace', { namespace: 'Shop' }],
    ['tlsSecretName', { name: 'a'.repeat(251) }],
  ])("'NAME_INVALID': %s (networking validation: secret and class are DNS-1123 subdomains, namespaces labels)", (field, props) => {
    const { chart } = setup();
    const issue = expectCode(
      () => new IngressRoutes(chart, 'i', { namespace: 'shop', host: 'shop.example.com', ...props }),
      'NAME_INVALID',
    );
    expect(issue.field).toBe(field);
  });

  test("the name's issue comes first (a DNS-1123 subdomain), then the construct's own, in one error", () => {
    const { chart } = setup();
    const e = catchBlueprintError(() => new IngressRoutes(chart, 'i', { name: 'Bad_Name', namespace: 'Shop', hosts: [] }));
    expect(e.issues.map((i) => [i.code, i.field, i.construct])).toEqual([
      ['NAME_INVALID', 'name', 'IngressRoutes'],
      ['NAME_INVALID', 'namespace', 'IngressRoutes'],
      ['INGRESS_INVALID', 'hosts', 'IngressRoutes'],
    ]);
  });

  test('dotted secret and class names are DNS-1123 subdomains, and are accepted', () => {
    const { chart, web } = setup();
    tlsSecret(chart, 'shop.example.com-tls');
    const i = new IngressRoutes(chart, 'i', {
      namespace: 'shop',
      host: 'shop.example.com',
      tlsSecretName: 'shop.example.com-tls',
      ingressClassName: 'nginx.internal',
      controllerNamespace: 'ingress-internal',
    });
    i.addRoute({ path: '/', backend: web });
    expect(i.tlsSecretName).toBe('shop.example.com-tls');
  });
});

describe('IngressRoutes controller', () => {
  test("'INGRESS_INVALID': another class than nginx without the namespace of its controller", () => {
    const { chart } = setup();
    const issue = expectCode(
      () => new IngressRoutes(chart, 'i', { namespace: 'shop', host: 'shop.example.com', ingressClassName: 'traefik' }),
      'INGRESS_INVALID',
    );
    expect(issue).toMatchObject({ field: 'controllerNamespace', value: undefined });
    expect(issue.fix).toContain('traefik');
  });

  test("with the controller's namespace, its pods are the ones admitted; nginx keeps ingress-nginx by default", () => {
    const { app, chart, web, api } = setup();
    routesWithTlsSecret(chart, 'i', {
      host: 'shop.example.com',
      ingressClassName: 'traefik',
      controllerNamespace: 'traefik',
      routes: [{ path: '/', backend: web }],
    });
    routesWithTlsSecret(chart, 'j', { host: 'api.example.com', ingressClassName: 'nginx', routes: [{ path: '/', backend: api }] });
    const objects = render(app);
    const from = (name: string) => find(objects, 'NetworkPolicy', name).spec.ingress[0].from;
    expect(from('allow-web-from-ingress-traefik')).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } },
    ]);
    expect(from('allow-api-from-ingress-ingress-nginx')).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
    ]);
  });
});

describe('IngressRoutes backends', () => {
  test('REF_INGRESS_BACKEND: a route to a UDP port never answers (an Ingress controller proxies HTTP over TCP)', () => {
    const { app, chart } = setup();
    const team = 'shop';
    const dns = new WebService(chart, 'dns', {
      namespace: team,
      image: 'ghcr.io/acme/dns:1.0.0',
      ports: [
        { name: 'dns', port: 5353, protocol: 'UDP' as never },
        { name: 'health', port: 8081 },
      ],
    });
    routesWithTlsSecret(chart, 'udp', { host: 'dns.example.com', routes: [{ path: '/', backend: dns }] });
    expect(expectCode(() => render(app), 'REF_INGRESS_BACKEND').message).toContain('UDP, not TCP');
  });

  test('REF_INGRESS_CONFLICT: two IngressRoutes of one class route the same host and path', () => {
    const { app, chart, web, api } = setup();
    routesWithTlsSecret(chart, 'first', { host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
    routesWithTlsSecret(chart, 'second', { host: 'shop.example.com', routes: [{ path: '/', backend: api }] });
    expect(expectCode(() => render(app), 'REF_INGRESS_CONFLICT')).toMatchObject({ field: '/spec/rules/0' });
  });

  test('the same path on another host, under another class, or on an ingress-nginx canary, renders', () => {
    const { app, chart, web, api } = setup();
    routesWithTlsSecret(chart, 'first', { host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
    routesWithTlsSecret(chart, 'second', { host: 'api.example.com', routes: [{ path: '/', backend: api }] });
    routesWithTlsSecret(chart, 'internal', {
      host: 'shop.example.com',
      ingressClassName: 'internal',
      controllerNamespace: 'ingress-internal',
      routes: [{ path: '/', backend: api }],
    });
    routesWithTlsSecret(chart, 'canary', {
      host: 'shop.example.com',
      annotations: { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10' },
      routes: [{ path: '/', backend: api }],
    });
    expect(render(app).filter((o) => o.kind === 'Ingress')).toHaveLength(4);
  });

  test('a route to the TCP port of the same Service renders', () => {
    const { app, chart } = setup();
    const dns = new WebService(chart, 'dns', {
      namespace: 'shop',
      image: 'ghcr.io/acme/dns:1.0.0',
      ports: [
        { name: 'dns', port: 5353, protocol: 'UDP' as never },
        { name: 'health', port: 8081 },
      ],
    });
    routesWithTlsSecret(chart, 'tcp', { host: 'dns.example.com', routes: [{ path: '/', backend: dns, port: 'health' }] });
    expect(find(render(app), 'Ingress', 'tcp').spec.rules[0].http.paths[0].backend.service.port).toEqual({ name: 'health' });
  });
});

describe('IngressRoutes network paths', () => {
  /** The ports the ingress controller may reach `backend` on. */
  const opened = (objects: any[], backend = 'site') =>
    find(objects, 'NetworkPolicy', `allow-${backend}-from-ingress-ingress-nginx`).spec.ingress[0].ports;

  /** A WebService 'site' in 'shop' serving http (8080) and metrics (9090), both published by its Service. */
  function withMetrics(props: Record<string, unknown> = {}) {
    const { app, chart } = setup();
    const web = new WebService(chart, 'site', {
      namespace: 'shop',
      image: 'ghcr.io/acme/web:1.0.0',
      ports: [
        { name: 'http', port: 8080 },
        { name: 'metrics', port: 9090 },
      ],
      ...props,
    });
    return { app, chart, web };
  }

  test('only the routed container port is opened to the controller, not a metrics port of the same pods', () => {
    const { app, chart, web } = withMetrics();
    routesWithTlsSecret(chart, 'i', { host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
    expect(opened(render(app))).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  test('a route added later, to another port, opens that port too, in the same policy, each port once', () => {
    const { app, chart, web } = withMetrics();
    const i = routesWithTlsSecret(chart, 'i', { host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
    i.addRoute({ path: '/api', backend: web });
    routesWithTlsSecret(chart, 'j', { host: 'metrics.example.com', routes: [{ path: '/', backend: web, port: 'metrics' }] });
    expect(opened(render(app))).toEqual([
      { port: 8080, protocol: 'TCP' },
      { port: 9090, protocol: 'TCP' },
    ]);
  });

  test("a Service port's targetPort is resolved to the container port it names, a sidecar's added after the route included", () => {
    const { app, chart, web } = withMetrics({
      servicePorts: [
        { name: 'web', port: 80, targetPort: 'http' },
        { name: 'proxy', port: 81, targetPort: 'envoy' },
      ],
    });
    routesWithTlsSecret(chart, 'i', {
      host: 'shop.example.com',
      routes: [
        { path: '/', backend: web },
        { path: '/mesh', backend: web, port: 'proxy' },
      ],
    });
    web.addSidecar({ name: 'envoy', image: 'envoyproxy/envoy:v1.31.2', ports: [{ name: 'envoy', port: 15001 }] });
    expect(opened(render(app))).toEqual([
      { port: 8080, protocol: 'TCP' },
      { port: 15001, protocol: 'TCP' },
    ]);
  });

  test('a path to the controller declared by hand stands: it decides the ports', () => {
    const { app, chart, web } = withMetrics();
    web.allowFrom(Peer.ingressController(), [{ port: 9090 }]);
    routesWithTlsSecret(chart, 'i', { host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
    expect(opened(render(app))).toEqual([{ port: 9090, protocol: 'TCP' }]);
  });
});

describe("IngressRoutes with an issuer: the path to cert-manager's HTTP-01 solver pods", () => {
  const SOLVER = 'allow-acme-http01-solver-from-ingress-ingress-nginx';
  /** The policies admitting a controller to the solver pods. */
  const solverPolicies = (objects: any[]) =>
    ofKind(objects, 'NetworkPolicy').filter((n) => n.spec.podSelector.matchLabels?.['acme.cert-manager.io/http01-solver'] === 'true');

  test('in a TeamNamespace: the controller reaches the solver pods on TCP 8089 only, one policy for several IngressRoutes', () => {
    const { chart, web, api } = setup();
    const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
    new IngressRoutes(chart, 'public', { namespace: 'shop', host: 'shop.example.com', issuer, routes: [{ path: '/', backend: web }] });
    const second = new IngressRoutes(chart, 'public-api', { namespace: 'shop', host: 'api.example.com', issuer });
    second.addRoute({ path: '/', backend: api });
    const objects = renderChart(chart);
    expect(solverPolicies(objects)).toHaveLength(1);
    const policy = find(objects, 'NetworkPolicy', SOLVER);
    expect(policy.metadata.namespace).toBe('shop');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
          ports: [{ protocol: 'TCP', port: 8089 }],
        },
      ],
    });
    // The solver pods are cert-manager's, made at run time from the Certificate: the policy is not one that selects
    // nothing (it would be, without the Certificate).
    const selectsNothing = (objs: any[]) => checkManifests(objs).findings.filter((f) => f.rule === 'REF_NETPOL_SELECTOR');
    expect(selectsNothing(objects)).toEqual([]);
    expect(selectsNothing(objects.filter((o) => o.kind !== 'Certificate')).map((f) => f.object)).toEqual([`NetworkPolicy/shop/${SOLVER}`]);
    // kube-linter's dangling-networkpolicy reads only the manifests: the policy says why it selects no pod there.
    expect(policy.metadata.annotations['ignore-check.kube-linter.io/dangling-networkpolicy']).toMatch(/cert-manager.*at runtime/);
    // Nor does kube-score's networkpolicy-targets-pod, whose annotation is a list of check ids.
    expect(policy.metadata.annotations['kube-score/ignore']).toBe('networkpolicy-targets-pod');
    // The workloads' own policies carry no such exception.
    expect(
      ofKind(objects, 'NetworkPolicy').filter((n) => n.metadata.annotations?.['ignore-check.kube-linter.io/dangling-networkpolicy']),
    ).toHaveLength(1);
    expect(ofKind(objects, 'NetworkPolicy').filter((n) => n.metadata.annotations?.['kube-score/ignore'])).toHaveLength(1);
  });

  test("each controller of the namespace gets its own, with the issuer of its class, from the controller's namespace", () => {
    const { chart, web, api } = setup();
    const nginx = new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
    const traefik = new ClusterIssuer(chart, 'le-traefik', { email: 'ops@example.com', ingressClassName: 'traefik' });
    new IngressRoutes(chart, 'public', {
      namespace: 'shop',
      host: 'shop.example.com',
      issuer: nginx,
      routes: [{ path: '/', backend: web }],
    });
    new IngressRoutes(chart, 'edge', {
      namespace: 'shop',
      host: 'api.example.com',
      issuer: traefik,
      ingressClassName: 'traefik',
      controllerNamespace: 'traefik',
      routes: [{ path: '/', backend: api }],
    });
    const objects = renderChart(chart);
    expect(solverPolicies(objects).map((n) => n.metadata.name)).toEqual([SOLVER, 'allow-acme-http01-solver-from-ingress-traefik']);
    expect(find(objects, 'NetworkPolicy', 'allow-acme-http01-solver-from-ingress-traefik').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } },
    ]);
  });

  test('none without an issuer (the TLS Secret comes from elsewhere), none in a namespace nothing isolates', () => {
    const { chart, web } = setup();
    routesWithTlsSecret(chart, 'public', { host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
    const open = new WebService(chart, 'open', {
      namespace: 'open',
      image: 'ghcr.io/acme/web:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
    new IngressRoutes(chart, 'o', { namespace: 'open', host: 'open.example.com', issuer, routes: [{ path: '/', backend: open }] });
    expect(solverPolicies(renderChart(chart))).toEqual([]);
  });

  test("'ID_INVALID': the solver's id in the TeamNamespace held by a construct of the user's", () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'shop');
    new WebService(team, 'AcmeHttp01Solver', {
      name: 'solver',
      namespace: team,
      image: 'ghcr.io/acme/web:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
    const issue = expectCode(() => new IngressRoutes(chart, 'i', { namespace: 'shop', host: 'shop.example.com', issuer }), 'ID_INVALID');
    expect(issue).toMatchObject({ path: 'test/shop', value: 'AcmeHttp01Solver' });
  });

  test('a TeamNamespace declared after the IngressRoutes is found by the routes added since', () => {
    const { chart } = testChart();
    const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
    const routes = new IngressRoutes(chart, 'public', { namespace: 'late', host: 'late.example.com', issuer });
    const team = new TeamNamespace(chart, 'late');
    routes.addRoute({
      path: '/',
      backend: new WebService(chart, 'web', { namespace: team, image: 'ghcr.io/acme/web:1.0.0', ports: [{ name: 'http', port: 8080 }] }),
    });
    expect(find(renderChart(chart), 'NetworkPolicy', SOLVER).metadata.namespace).toBe('late');
  });

  test("'INGRESS_INVALID': a TeamNamespace declared after the IngressRoutes and all its routes, too late to open the path", () => {
    const { app, chart } = testChart();
    const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
    const web = new WebService(chart, 'web', { namespace: 'late', image: 'ghcr.io/acme/web:1.0.0', ports: [{ name: 'http', port: 8080 }] });
    new IngressRoutes(chart, 'public', { namespace: 'late', host: 'late.example.com', issuer, routes: [{ path: '/', backend: web }] });
    new TeamNamespace(chart, 'late');
    expect(expectCode(() => render(app), 'INGRESS_INVALID')).toMatchObject({ field: 'namespace', value: 'late' });
  });
});

describe("IngressRoutes with an issuer: the issuer's HTTP-01 class", () => {
  test.each([
    [
      'the issuer solves through nginx, the routes are traefik',
      {},
      { ingressClassName: 'traefik', controllerNamespace: 'traefik' },
      'traefik',
    ],
    ['the issuer solves through traefik, the routes keep the default nginx', { ingressClassName: 'traefik' }, {}, 'nginx (the default)'],
  ])("'INGRESS_INVALID': %s", (_, issuerProps, routeProps, shown) => {
    const { chart } = setup();
    const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com', ...issuerProps });
    const issue = expectCode(
      () => new IngressRoutes(chart, 'i', { namespace: 'shop', host: 'shop.example.com', issuer, ...routeProps }),
      'INGRESS_INVALID',
    );
    expect(issue.field).toBe('ingressClassName');
    expect(issue.message).toContain(`is ${shown}, but ClusterIssuer le solves HTTP-01 challenges through class`);
    expect(issue.fix).toMatch(/ingressClassName: '(nginx|traefik)'/);
  });

  test('the same class on both sides renders', () => {
    const { chart, web } = setup();
    const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com', ingressClassName: 'traefik' });
    new IngressRoutes(chart, 'i', {
      namespace: 'shop',
      host: 'shop.example.com',
      issuer,
      ingressClassName: 'traefik',
      controllerNamespace: 'traefik',
      routes: [{ path: '/', backend: web }],
    });
    const objects = renderChart(chart);
    expect(find(objects, 'Ingress', 'i').spec.ingressClassName).toBe('traefik');
    expect(find(objects, 'ClusterIssuer', 'le').spec.acme.solvers).toEqual([
      { http01: { ingress: { class: 'traefik', serviceType: 'ClusterIP' } } },
    ]);
  });
});
