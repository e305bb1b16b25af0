import * as fc from 'fast-check';
import { BlueprintError, ExternalService, Protocol, TeamNamespace, WebService, unusableAddressReason } from '../../constructs';
import { expectCode, find, linterAnnotations, ofKind, renderChart, testChart } from '../helpers';

describe('ExternalService', () => {
  test('fromHostName: an ExternalName Service (snapshot)', () => {
    const { chart } = testChart();
    const mongo = ExternalService.fromHostName(chart, 'mongo', {
      namespace: 'shop',
      hostName: 'Cluster0.abc12.mongodb.net.',
      ports: [{ name: 'mongo', port: 27017 }],
    });
    const objects = renderChart(chart);
    expect(objects).toMatchSnapshot();
    expect(find(objects, 'Service', 'mongo').spec).toEqual({
      type: 'ExternalName',
      externalName: 'cluster0.abc12.mongodb.net',
      ports: [{ name: 'mongo', port: 27017, protocol: 'TCP' }],
    });
    expect(mongo.dnsName).toBe('mongo.shop.svc.cluster.local');
  });

  test('tlsServerName: the name the certificate covers, never the cluster-local alias', () => {
    const { chart } = testChart();
    const ports = [{ name: 'pg', port: 5432 }];
    const rds = ExternalService.fromHostName(chart, 'rds', {
      namespace: 'shop',
      hostName: 'Orders.abc.eu-west-1.rds.amazonaws.com.',
      ports,
    });
    expect(rds.tlsServerName).toBe('orders.abc.eu-west-1.rds.amazonaws.com');
    expect(rds.tlsServerName).not.toBe(rds.dnsName);
    // A CNAME to a load balancer whose certificate names the service's own host.
    const lb = ExternalService.fromHostName(chart, 'lb', {
      namespace: 'shop',
      hostName: 'a1b2.elb.eu-west-1.amazonaws.com',
      tlsServerName: 'DB.example.com.',
      ports,
    });
    expect(lb.tlsServerName).toBe('db.example.com');
    expect(
      ExternalService.fromAddresses(chart, 'plain', { namespace: 'shop', addresses: ['203.0.113.10'], ports }).tlsServerName,
    ).toBeUndefined();
    const legacy = ExternalService.fromAddresses(chart, 'legacy', {
      namespace: 'shop',
      addresses: ['203.0.113.11'],
      tlsServerName: 'legacy-db.corp.example.com',
      ports,
    });
    expect(legacy.tlsServerName).toBe('legacy-db.corp.example.com');
    // Rendering is unchanged: the name is for clients, not for the Service.
    expect(find(renderChart(chart), 'Service', 'lb').spec.externalName).toBe('a1b2.elb.eu-west-1.amazonaws.com');
    for (const [i, bad] of ['203.0.113.10', '*.example.com', 'not a host!', `${'a'.repeat(64)}.example.com`].entries()) {
      const issue = expectCode(
        () =>
          ExternalService.fromAddresses(chart, `bad${i}`, { namespace: 'shop', addresses: ['203.0.113.12'], tlsServerName: bad, ports }),
        'EXTERNAL_HOST_INVALID',
      );
      expect([issue.field, issue.value]).toEqual(['tlsServerName', bad]);
    }
  });

  test('fromAddresses: a selector-less Service and an EndpointSlice per family, ports remapped (snapshot)', () => {
    const { chart } = testChart();
    ExternalService.fromAddresses(chart, 'legacy-db', {
      namespace: 'shop',
      addresses: ['203.0.113.10', '203.0.113.11', '2001:db8::10'],
      ports: [{ name: 'mysql', port: 3306, targetPort: 13306 }],
    });
    const objects = renderChart(chart);
    expect(objects).toMatchSnapshot();
    const svc = find(objects, 'Service', 'legacy-db');
    expect(svc.spec.selector).toBeUndefined();
    expect(svc.spec.ports[0]).toMatchObject({ port: 3306, targetPort: 13306 });
    const v4 = find(objects, 'EndpointSlice', 'legacy-db-ipv4');
    expect(v4.metadata.labels['kubernetes.io/service-name']).toBe('legacy-db');
    expect(v4.endpoints.map((e: any) => e.addresses[0])).toEqual(['203.0.113.10', '203.0.113.11']);
    expect(v4.ports).toEqual([{ name: 'mysql', port: 13306, protocol: 'TCP' }]);
    expect(find(objects, 'EndpointSlice', 'legacy-db-ipv6').addressType).toBe('IPv6');
  });

  test('EXTERNAL_HOST_IS_IP and EXTERNAL_PORT_REMAP explain themselves', () => {
    const { chart } = testChart();
    const ip = expectCode(
      () => ExternalService.fromHostName(chart, 'a', { namespace: 'n', hostName: '10.1.2.3', ports: [{ name: 'db', port: 5432 }] }),
      'EXTERNAL_HOST_IS_IP',
    );
    expect(ip.fix).toContain('fromAddresses');
    const remap = expectCode(
      () =>
        ExternalService.fromHostName(chart, 'b', {
          namespace: 'n',
          hostName: 'db.example.com',
          ports: [{ name: 'db', port: 5432, targetPort: 15432 }],
        }),
      'EXTERNAL_PORT_REMAP',
    );
    expect(remap.message).toContain('CNAME');
    expectCode(
      () => ExternalService.fromHostName(chart, 'c', { namespace: 'n', hostName: 'not a host!', ports: [{ name: 'db', port: 1 }] }),
      'EXTERNAL_HOST_INVALID',
    );
    expect(
      expectCode(
        () =>
          ExternalService.fromHostName(chart, 'c2', {
            namespace: 'n',
            hostName: `${'a'.repeat(64)}.example.com`,
            ports: [{ name: 'db', port: 1 }],
          }),
        'EXTERNAL_HOST_INVALID',
      ).message,
    ).toContain('label longer than 63 characters');
    expectCode(
      () => ExternalService.fromHostName(chart, 'd', { namespace: 'n', hostName: 'db.example.com', ports: [] }),
      'EXTERNAL_PORT_INVALID',
    );
  });

  test('EXTERNAL_PORT_INVALID: ports the Service and EndpointSlice would refuse', () => {
    const { chart } = testChart();
    let n = 0;
    const field = (ports: any[]) =>
      expectCode(
        () => ExternalService.fromAddresses(chart, `p${n++}`, { namespace: 'n', addresses: ['203.0.113.10'], ports }),
        'EXTERNAL_PORT_INVALID',
      ).field;
    expect(
      field([
        { name: 'a', port: 5432 },
        { name: 'b', port: 5432 },
      ]),
    ).toBe('ports[1].port');
    expect(
      field([
        { name: 'a', port: 5432 },
        { name: 'a', port: 5433 },
      ]),
    ).toBe('ports[1].name');
    expect(
      field([
        { name: '', port: 5432 },
        { name: '', port: 5433 },
      ]),
    ).toBe('ports[0].name');
    expect(field([{ name: 'PG', port: 5432 }])).toBe('ports[0].name');
    expect(field([{ name: 'pg', port: 0 }])).toBe('ports[0].port');
    expect(
      expectCode(
        () =>
          ExternalService.fromHostName(chart, 'h', {
            namespace: 'n',
            hostName: 'db.example.com',
            ports: [
              { name: 'a', port: 53 },
              { name: 'b', port: 53 },
            ],
          }),
        'EXTERNAL_PORT_INVALID',
      ).field,
    ).toBe('ports[1].port');
    // The neighbours: one unnamed port, and one number under two protocols.
    expect(() =>
      ExternalService.fromAddresses(chart, 'ok1', { namespace: 'n', addresses: ['203.0.113.10'], ports: [{ name: '', port: 5432 }] }),
    ).not.toThrow();
    expect(() =>
      ExternalService.fromAddresses(chart, 'ok2', {
        namespace: 'n',
        addresses: ['203.0.113.10'],
        ports: [
          { name: 'dns', port: 53 },
          { name: 'dns-udp', port: 53, protocol: Protocol.UDP },
        ],
      }),
    ).not.toThrow();
  });

  test('EXTERNAL_ADDRESS_INVALID: invalid, loopback, link-local, unspecified', () => {
    const { chart } = testChart();
    for (const [i, a] of [
      '300.1.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fe80::1',
      '::',
      'db.example.com',
      '::ffff:203.0.113.10', // IPv4-mapped: IsValidIPv6Address refuses it in the IPv6 slice
      '::FFFF:cb00:710a',
      '2001:db8::10%eth0', // a zone: Node's isIP takes it, Go's ParseIP (IsValidIPv6Address) does not
    ].entries()) {
      expectCode(
        () => ExternalService.fromAddresses(chart, `x${i}`, { namespace: 'n', addresses: [a], ports: [{ name: 'db', port: 5432 }] }),
        'EXTERNAL_ADDRESS_INVALID',
      );
    }
  });

  test("untyped input: a missing target field, the other variant's field, the bare constructor: typed errors, never a TypeError", () => {
    const { chart } = testChart();
    const ports = [{ name: 'pg', port: 5432 }];
    const ES = ExternalService as any;
    const missing = expectCode(() => ES.fromAddresses(chart, 'a', { namespace: 'shop', ports }), 'PROPS_INVALID');
    expect(missing.field).toBe('addresses');
    expect(expectCode(() => ES.fromHostName(chart, 'b', { namespace: 'shop', ports }), 'PROPS_INVALID').field).toBe('hostName');
    expect(expectCode(() => ES.fromAddresses(chart, 'c', { namespace: 'shop', ports, addresses: null }), 'PROPS_INVALID').field).toBe(
      'addresses',
    );
    // A prop of the other variant is refused, not silently dropped.
    expect(
      expectCode(
        () => ES.fromHostName(chart, 'd', { namespace: 'shop', ports, hostName: 'db.example.com', addresses: ['203.0.113.10'] }),
        'PROPS_UNKNOWN',
      ).field,
    ).toBe('addresses');
    expect(
      expectCode(
        () => ES.fromAddresses(chart, 'e', { namespace: 'shop', ports, hostName: 'db.example.com', addresses: ['203.0.113.10'] }),
        'PROPS_UNKNOWN',
      ).field,
    ).toBe('hostName');
    // The constructor (private to TypeScript only) called from JavaScript without a variant: the one its props name.
    expect(expectCode(() => new ES(chart, 'f', { namespace: 'shop', ports }), 'PROPS_INVALID').field).toBe('addresses');
    const viaCtor = new ES(chart, 'g', { namespace: 'shop', ports, hostName: 'db.example.com' });
    expect(viaCtor.hostName).toBe('db.example.com');
    expect(new ES(chart, 'h', { namespace: 'shop', ports, addresses: ['203.0.113.10'] }).addresses).toEqual(['203.0.113.10']);
    renderChart(chart);
  });

  test('EXTERNAL_ADDRESS_INVALID: an address listed twice, however it is spelled', () => {
    const { chart } = testChart();
    const ports = [{ name: 'db', port: 5432 }];
    const twice = (addresses: string[], id: string) =>
      expectCode(() => ExternalService.fromAddresses(chart, id, { namespace: 'n', addresses, ports }), 'EXTERNAL_ADDRESS_INVALID');
    const v4 = twice(['203.0.113.10', '203.0.113.11', '203.0.113.10'], 'a');
    expect(v4.field).toBe('addresses[2]');
    expect(v4.message).toContain('addresses[0]');
    expect(twice(['2001:db8::10', '2001:DB8:0:0::10'], 'b').field).toBe('addresses[1]');
    // The neighbour: distinct addresses of both families.
    expect(() =>
      ExternalService.fromAddresses(chart, 'ok', {
        namespace: 'n',
        addresses: ['203.0.113.10', '203.0.113.11', '2001:db8::10', '2001:db8::11'],
        ports,
      }),
    ).not.toThrow();
  });

  test('EXTERNAL_ADDRESS_INVALID: more addresses of one family than an EndpointSlice holds (1,000)', () => {
    const { chart } = testChart();
    const ports = [{ name: 'db', port: 5432 }];
    const v4 = (n: number) => Array.from({ length: n }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`);
    const err = expectCode(
      () => ExternalService.fromAddresses(chart, 'many', { namespace: 'n', addresses: v4(1001), ports }),
      'EXTERNAL_ADDRESS_INVALID',
    );
    expect(err.field).toBe('addresses');
    expect(err.value).toBe('1001 IPv4 addresses');
    // The neighbour: exactly 1,000 (plus an IPv6 address, which goes to a slice of its own) renders.
    ExternalService.fromAddresses(chart, 'full', { namespace: 'n', addresses: [...v4(1000), '2001:db8::10'], ports });
    const objects = renderChart(chart);
    expect(find(objects, 'EndpointSlice', 'full-ipv4').endpoints).toHaveLength(1000);
    expect(find(objects, 'EndpointSlice', 'full-ipv6').endpoints).toHaveLength(1);
  });

  test("the Service's IP families follow the addresses: kube-proxy serves a cluster IP only from slices of its family", () => {
    const serviceSpec = (addresses: string[]) => {
      const { chart } = testChart();
      ExternalService.fromAddresses(chart, 'e', { namespace: 'team', addresses, ports: [{ name: 'pg', port: 5432 }] });
      return find(renderChart(chart), 'Service', 'e').spec;
    };
    // IPv6 alone: an IPv6 Service (by default it would be the cluster's primary family, IPv4, with no endpoints).
    expect(serviceSpec(['2001:db8::10'])).toMatchObject({ ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] });
    // Both: dual-stack where the cluster has both, without listing families a single-stack cluster would refuse.
    const mixed = serviceSpec(['2001:db8::10', '203.0.113.10']);
    expect(mixed.ipFamilyPolicy).toBe('PreferDualStack');
    expect(mixed.ipFamilies).toBeUndefined();
    // The valid neighbour: IPv4 alone keeps the default (the cluster's primary family), its output unchanged.
    const v4 = serviceSpec(['203.0.113.10']);
    expect(v4.ipFamilyPolicy).toBeUndefined();
    expect(v4.ipFamilies).toBeUndefined();
    // A host name is a CNAME: the API server forbids both fields on an ExternalName Service.
    const { chart } = testChart();
    ExternalService.fromHostName(chart, 'h', { namespace: 'team', hostName: 'db.example.com', ports: [{ name: 'pg', port: 5432 }] });
    const h = find(renderChart(chart), 'Service', 'h').spec;
    expect([h.ipFamilyPolicy, h.ipFamilies]).toEqual([undefined, undefined]);
  });

  test('an IPv4-compatible (not mapped) IPv6 address is a valid IPv6 endpoint', () => {
    const { chart } = testChart();
    ExternalService.fromAddresses(chart, 'compat', { namespace: 'n', addresses: ['::203.0.113.10'], ports: [{ name: 'db', port: 5432 }] });
    expect(find(renderChart(chart), 'EndpointSlice', 'compat-ipv6').endpoints[0].addresses).toEqual(['::203.0.113.10']);
  });

  test('allowFrom opens egress from the workload: exact IPs, or the port to anywhere for a host name', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'shop');
    const app = new WebService(chart, 'app', { namespace: team, image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }] });
    const legacy = ExternalService.fromAddresses(chart, 'legacy-db', {
      namespace: 'shop',
      addresses: ['203.0.113.10'],
      ports: [{ name: 'mysql', port: 3306, targetPort: 13306 }],
    });
    const rds = ExternalService.fromHostName(chart, 'orders-db', {
      namespace: 'shop',
      hostName: 'orders.abc.eu-west-1.rds.amazonaws.com',
      ports: [{ name: 'pg', port: 5432 }],
    });
    legacy.allowFrom(app);
    rds.allowFrom(app);
    const objects = renderChart(chart);
    expect(find(objects, 'NetworkPolicy', 'allow-app-to-ext-legacy-db').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '203.0.113.10/32' } }], ports: [{ protocol: 'TCP', port: 13306 }] },
    ]);
    expect(find(objects, 'NetworkPolicy', 'allow-app-to-ext-orders-db').spec.egress[0].to.map((t: any) => t.ipBlock.cidr)).toEqual([
      '0.0.0.0/0',
      '::/0',
    ]);
    expect(ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.name.startsWith('allow-app'))).toHaveLength(2);
  });

  test('allowFrom: two ExternalServices of one name in two namespaces are two paths, the one from elsewhere named <name>.<namespace>', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'shop');
    const app = new WebService(chart, 'app', { namespace: team, image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }] });
    const ports = [{ name: 'pg', port: 5432 }];
    ExternalService.fromAddresses(chart, 'db-here', { namespace: 'shop', name: 'db', addresses: ['203.0.113.10'], ports }).allowFrom(app);
    ExternalService.fromAddresses(chart, 'db-there', { namespace: 'shared', name: 'db', addresses: ['203.0.113.20'], ports }).allowFrom(
      app,
    );
    const objects = renderChart(chart);
    expect(find(objects, 'NetworkPolicy', 'allow-app-to-ext-db').spec.egress[0].to).toEqual([{ ipBlock: { cidr: '203.0.113.10/32' } }]);
    expect(find(objects, 'NetworkPolicy', 'allow-app-to-ext-db.shared').spec.egress[0].to).toEqual([
      { ipBlock: { cidr: '203.0.113.20/32' } },
    ]);
  });

  test('property: public IPv4 addresses are accepted, loopback and link-local never', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 223 }), octet, octet, octet, (a, b, c, d) => {
        fc.pre(a !== 127 && !(a === 169 && b === 254));
        expect(unusableAddressReason(`${a}.${b}.${c}.${d}`)).toBeUndefined();
        expect(unusableAddressReason(`127.${b}.${c}.${d}`)).toMatch(/loopback/);
        expect(unusableAddressReason(`169.254.${c}.${d}`)).toMatch(/link-local/);
      }),
    );
  });

  test('property: host names are accepted by fromHostName, IPs always rejected', () => {
    const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 2, maxLength: 4 }), fc.ipV4(), (labels, ip) => {
        const { chart } = testChart();
        expect(() =>
          ExternalService.fromHostName(chart, 'h', { namespace: 'n', hostName: labels.join('.'), ports: [{ name: 'p', port: 1 }] }),
        ).not.toThrow();
        expect(() => ExternalService.fromHostName(chart, 'i', { namespace: 'n', hostName: ip, ports: [{ name: 'p', port: 1 }] })).toThrow(
          BlueprintError,
        );
      }),
      { numRuns: 50 },
    );
  });

  test('property: valid addresses and ports are schema-valid; bad ones raise a BlueprintError', () => {
    const publicV4 = fc
      .tuple(
        fc.integer({ min: 1, max: 223 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 1, max: 254 }),
      )
      .filter(([a, b]) => a !== 127 && !(a === 169 && b === 254))
      .map((o) => o.join('.'));
    fc.assert(
      fc.property(
        fc.uniqueArray(publicV4, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 65535 }),
        fc.integer({ min: 1, max: 65535 }),
        (addresses, port, targetPort) => {
          const { chart } = testChart();
          ExternalService.fromAddresses(chart, 'db', { namespace: 'ns', addresses, ports: [{ name: 'db', port, targetPort }] });
          renderChart(chart);
          expect(() =>
            ExternalService.fromAddresses(chart, 'bad', {
              namespace: 'ns',
              addresses: [...addresses, '127.0.0.1'],
              ports: [{ name: 'db', port }],
            }),
          ).toThrow(BlueprintError);
          expect(() =>
            ExternalService.fromHostName(chart, 'bad2', {
              namespace: 'ns',
              hostName: 'db.example.com',
              ports: [{ name: 'db', port, targetPort: port === 65535 ? 1 : port + 1 }],
            }),
          ).toThrow(BlueprintError);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('ExternalService and kube-linter', () => {
  test('fromAddresses: the selector-less Service says why dangling-service does not apply (its EndpointSlices); an ExternalName Service needs nothing', () => {
    const { chart } = testChart();
    ExternalService.fromAddresses(chart, 'legacy-db', {
      namespace: 'shop',
      addresses: ['203.0.113.10'],
      ports: [{ name: 'mysql', port: 3306 }],
    });
    ExternalService.fromHostName(chart, 'mongo', {
      namespace: 'shop',
      hostName: 'db.example.com',
      ports: [{ name: 'mongo', port: 27017 }],
    });
    const objects = renderChart(chart);
    expect(linterAnnotations(find(objects, 'Service', 'legacy-db'))).toEqual({
      'ignore-check.kube-linter.io/dangling-service': expect.stringContaining('kubernetes.io/service-name=legacy-db'),
    });
    // kube-linter skips ExternalName Services itself (danglingservice: "Selector doesn't apply to external names").
    expect(linterAnnotations(find(objects, 'Service', 'mongo'))).toEqual({});
  });
});
