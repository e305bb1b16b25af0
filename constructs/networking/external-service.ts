import { checkArgs, enter, is } from '../core/shape';
import { ApiObject } from 'cdk8s';
import { EndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import { Service } from 'kubernetes-models/v1/Service';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import { Construct } from 'constructs';
import { componentLabels, ignoreKubeLinterCheck } from '../core/metadata';
import { modelObject } from '../core/model-object';
import { NameRule, OVERLONG_DNS_LABEL, checkedName, hasOverlongDnsLabel, isDns1123Subdomain } from '../core/names';
import { ENDPOINT_SHAPE, INetworkEndpoint, IntentResult, NetworkPort, Peer, Protocol, allowOutOf } from './network-intent';
import { addressKey, ipFamily, ipVersion, isIpv4Mapped, unusableAddressReason } from './ip-address';
import { servicePortIssues } from './service-ports';
import { portNumberIssue } from '../core/ports';
import { NAMESPACE_SHAPE, checkedNamespace } from '../namespace/namespace-name';
import { TeamNamespace } from '../namespace/team-namespace';

/** A port of an external service. */
export interface ExternalPort {
  readonly name: string;
  /** Port apps in the cluster use. */
  readonly port: number;
  /** Port on the outside target. Only `fromAddresses` can remap. @default - `port` */
  readonly targetPort?: number;
  /** @default Protocol.TCP */
  readonly protocol?: Protocol;
}

/** Common props. */
export interface ExternalServiceBaseProps {
  /** The namespace: a `TeamNamespace` of the app, or a name. */
  readonly namespace: TeamNamespace | string;
  /** Service name (DNS-1035): the cluster-local name apps use. @default - the construct id */
  readonly name?: string;
  /** The ports the Service offers (and, with `fromAddresses`, the target's port each maps to): at least one. */
  readonly ports: readonly ExternalPort[];
  /**
   * The name the target's TLS certificate covers, for clients that speak TLS to it: what they
   * send as SNI and verify the certificate against (`tlsServerName`). Set it when the
   * certificate names another host than `hostName` (a CNAME to a load balancer), or for
   * addresses whose server has a certificate.
   * @default - `hostName` for `fromHostName`; none for `fromAddresses`
   */
  readonly tlsServerName?: string;
}

export interface ExternalHostNameProps extends ExternalServiceBaseProps {
  /**
   * DNS name of the target, e.g. `orders.abc123.eu-west-1.rds.amazonaws.com`: a name with an address record,
   * since clients resolve the CNAME to an address. Not an SRV-only name such as a `mongodb+srv://` seed host
   * (`cluster0.abcde.mongodb.net`), which resolves to no address: map a member host instead.
   */
  readonly hostName: string;
}

export interface ExternalAddressesProps extends ExternalServiceBaseProps {
  /** Fixed IP addresses of the target. */
  readonly addresses: readonly string[];
}

/** The shape of a port (checked at entry). */
const EXTERNAL_PORT_SHAPE = is.props<ExternalPort>(
  { name: is.string, port: is.number, targetPort: is.number, protocol: is.oneOf(Object.values(Protocol), 'Protocol') },
  ['name', 'port'],
);

/**
 * The shape of each variant's props (checked at entry): its own target field is
 * required, and the other variant's is an unknown prop (a host name passed to
 * fromAddresses would otherwise be dropped without a word).
 */
const SHAPES = {
  hostname: is.props<ExternalHostNameProps>(
    { namespace: NAMESPACE_SHAPE, name: is.string, ports: is.list(EXTERNAL_PORT_SHAPE), hostName: is.string, tlsServerName: is.string },
    ['ports', 'hostName'],
  ),
  addresses: is.props<ExternalAddressesProps>(
    {
      namespace: NAMESPACE_SHAPE,
      name: is.string,
      ports: is.list(EXTERNAL_PORT_SHAPE),
      addresses: is.list(is.string),
      tlsServerName: is.string,
    },
    ['ports', 'addresses'],
  ),
} as const;

/** The most endpoints one EndpointSlice holds (discovery validation validateEndpoints: maxEndpoints). */
const MAX_ENDPOINTS_PER_SLICE = 1000;

/**
 * The variant a call asks for: the factories name it; a JavaScript caller of
 * the constructor (private only to TypeScript) names none, and gets the
 * variant its props name (a host name, else addresses).
 */
function variantOf(props: unknown, kind: unknown): 'hostname' | 'addresses' {
  if (kind === 'hostname' || kind === 'addresses') return kind;
  try {
    return props !== null && typeof props === 'object' && (props as { hostName?: unknown }).hostName !== undefined
      ? 'hostname'
      : 'addresses';
  } catch {
    // A throwing getter: the shape check reports it.
    return 'addresses';
  }
}

/**
 * Something outside the cluster, reachable by a cluster-local name
 * (`<name>.<ns>.svc.cluster.local`). Two typed variants:
 * an `ExternalName` Service (a CNAME) for a DNS name, or a selector-less
 * Service with an EndpointSlice for fixed addresses.
 *
 * The cluster-local name is an alias that no certificate of the target covers: a
 * TLS client that connects to `dnsName` must send `tlsServerName` as SNI and
 * verify the certificate against it (Fluent Bit's `tls.vhost`, Node's
 * `servername`, Go's `tls.Config.ServerName`); a client that can only verify the
 * host it connects to (libpq's `verify-full`, most database drivers) connects to
 * `tlsServerName` itself.
 *
 * @example
 * const db = ExternalService.fromHostName(chart, 'orders-db', { namespace: 'orders',
 *   hostName: 'orders.abc123.eu-west-1.rds.amazonaws.com', ports: [{ name: 'pg', port: 5432 }] });
 * app.addEnv({ DB_HOST: db.dnsName, DB_TLS_SERVER_NAME: db.tlsServerName! });
 */
export class ExternalService extends Construct {
  /** A CNAME to `hostName`. The port cannot be remapped (DNS has no ports). */
  public static fromHostName(scope: Construct, id: string, props: ExternalHostNameProps): ExternalService {
    return new ExternalService(scope, id, props, 'hostname');
  }
  /** A selector-less Service plus an EndpointSlice with `addresses`; ports may be remapped. */
  public static fromAddresses(scope: Construct, id: string, props: ExternalAddressesProps): ExternalService {
    return new ExternalService(scope, id, props, 'addresses');
  }

  public readonly name: string;
  public readonly namespace: string;
  /**
   * `<name>.<ns>.svc.cluster.local`: the cluster-local alias apps connect to. Not a name the
   * target's certificate covers: a TLS client verifies against `tlsServerName`, never this.
   */
  public readonly dnsName: string;
  /**
   * The name TLS clients send as SNI and verify the target's certificate against: `tlsServerName`
   * as given, else the host name (lower case, without a trailing dot); `undefined` for addresses
   * without one.
   */
  public readonly tlsServerName?: string;
  public readonly service: ApiObject;
  public readonly endpointSlices: readonly ApiObject[];
  public readonly hostName?: string;
  public readonly addresses: readonly string[];
  private readonly ports: readonly ExternalPort[];

  private constructor(
    scope: Construct,
    id: string,
    props: ExternalHostNameProps | ExternalAddressesProps,
    variant: 'hostname' | 'addresses',
  ) {
    const kind = variantOf(props, variant);
    const { problems, props: own } = enter(scope, id, props, 'ExternalService', SHAPES[kind]);
    props = own; // the entry's frozen snapshot: the caller's object is not read again
    super(scope, id);
    this.name = checkedName(problems, NameRule.DNS1035_LABEL, props.name ?? id);
    this.namespace = checkedNamespace(problems, props.namespace);
    this.ports = props.ports;
    problems.check(props.ports.length === 0, {
      code: 'EXTERNAL_PORT_INVALID',
      field: 'ports',
      value: [],
      message: 'is empty',
      fix: "declare the port apps use, e.g. { name: 'mysql', port: 3306 }",
    });
    // The ports become the Service's (and the EndpointSlices'): held to the API server's rules for them.
    const rendered = props.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? Protocol.TCP }));
    problems.addAll(...servicePortIssues('EXTERNAL_PORT_INVALID', rendered, (i, key) => `ports[${i}].${key}`));
    for (const [i, p] of props.ports.entries())
      if (p.targetPort !== undefined)
        problems.addAll(portNumberIssue('EXTERNAL_PORT_INVALID', `ports[${i}].targetPort`, p.targetPort, 'use a real port number'));
    // As a TLS library reads a server name: case aside, without the root's trailing dot.
    const tlsName = props.tlsServerName === undefined ? undefined : String(props.tlsServerName).toLowerCase().replace(/\.$/, '');
    if (tlsName !== undefined && (ipVersion(tlsName) || !isDns1123Subdomain(tlsName) || hasOverlongDnsLabel(tlsName)))
      problems.add({
        code: 'EXTERNAL_HOST_INVALID',
        field: 'tlsServerName',
        value: props.tlsServerName,
        message: ipVersion(tlsName)
          ? 'is an IP address; SNI carries a host name (RFC 6066), and a certificate for an address is verified without it'
          : isDns1123Subdomain(tlsName)
            ? OVERLONG_DNS_LABEL
            : 'is not a DNS name',
        fix: "use the host name the target's certificate names, e.g. 'db.example.com', or leave it out",
      });
    const labels = componentLabels({ name: this.name, component: 'external-service' });
    const metadata = { name: this.name, namespace: this.namespace, labels };
    let spec: IServiceSpec;
    if (kind === 'hostname') {
      const host = (props as ExternalHostNameProps).hostName;
      // As the API server reads an ExternalName: case aside, without the root's trailing dot.
      const name = String(host ?? '')
        .toLowerCase()
        .replace(/\.$/, '');
      if (ipVersion(host)) {
        problems.add({
          code: 'EXTERNAL_HOST_IS_IP',
          field: 'hostName',
          value: host,
          message: 'is an IP address; an ExternalName Service is a DNS CNAME and needs a name',
          fix: 'use ExternalService.fromAddresses() for fixed IP addresses',
        });
      } else if (!isDns1123Subdomain(name) || hasOverlongDnsLabel(name)) {
        problems.add({
          code: 'EXTERNAL_HOST_INVALID',
          field: 'hostName',
          value: host,
          message: isDns1123Subdomain(name) ? OVERLONG_DNS_LABEL : 'is not a DNS name',
          fix: "use the provider's host name, e.g. 'orders.abc123.eu-west-1.rds.amazonaws.com'",
        });
      }
      for (const [i, p] of props.ports.entries()) {
        problems.check(p.targetPort !== undefined && p.targetPort !== p.port, {
          code: 'EXTERNAL_PORT_REMAP',
          field: `ports[${i}].targetPort`,
          value: p.targetPort,
          message: `differs from port ${p.port}, but a CNAME only renames the host: clients connect to the same port on the target`,
          fix: 'use the target port as port, or use fromAddresses() (which can remap)',
        });
      }
      problems.throwIfAny();
      this.hostName = host.toLowerCase().replace(/\.$/, '');
      this.addresses = [];
      spec = {
        type: 'ExternalName',
        externalName: this.hostName,
        ports: props.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol ?? Protocol.TCP })),
      };
    } else {
      const addresses = (props as ExternalAddressesProps).addresses;
      problems.check(addresses.length === 0, {
        code: 'EXTERNAL_ADDRESS_INVALID',
        field: 'addresses',
        value: [],
        message: 'is empty',
        fix: 'list the IP addresses of the target',
      });
      const seen = new Map<string, number>();
      for (const [i, a] of addresses.entries()) {
        const reason = unusableAddressReason(a);
        if (reason) {
          problems.add({
            code: 'EXTERNAL_ADDRESS_INVALID',
            field: `addresses[${i}]`,
            value: a,
            message: reason,
            fix: 'use the routable address of the outside service',
          });
          continue;
        }
        // apimachinery IsValidIPv6Address: an IPv4-mapped address is not an IPv6 address (an IPv6 slice refuses it).
        if (isIpv4Mapped(a)) {
          problems.add({
            code: 'EXTERNAL_ADDRESS_INVALID',
            field: `addresses[${i}]`,
            value: a,
            message: 'is an IPv4-mapped IPv6 address, which the API server refuses in an IPv6 EndpointSlice',
            fix: `use the IPv4 address itself${a.includes('.') ? `, e.g. '${a.slice(a.lastIndexOf(':') + 1)}'` : ''}`,
          });
          continue;
        }
        // An EndpointSlice's endpoints are "a list of unique endpoints" (the API server does not check it; the
        // copy adds nothing but a second ipBlock): one address however it is spelled (2001:db8::1 = 2001:DB8:0::1).
        const key = addressKey(a);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else
          problems.add({
            code: 'EXTERNAL_ADDRESS_INVALID',
            field: `addresses[${i}]`,
            value: a,
            message: `is the address of addresses[${first}] (${addresses[first]}) again`,
            fix: 'list each address once',
          });
      }
      // One EndpointSlice per address family: the API server refuses a slice of more than 1,000 endpoints.
      for (const family of ['IPv4', 'IPv6'] as const) {
        const count = addresses.filter((a) => ipVersion(a) !== 0 && ipFamily(a) === family).length;
        problems.check(count > MAX_ENDPOINTS_PER_SLICE, {
          code: 'EXTERNAL_ADDRESS_INVALID',
          field: 'addresses',
          value: `${count} ${family} addresses`,
          message: `has more ${family} addresses than the ${MAX_ENDPOINTS_PER_SLICE} endpoints an EndpointSlice holds (the API server refuses it)`,
          fix: 'reach a target of that size by a DNS name (ExternalService.fromHostName), or split it into several ExternalServices',
        });
      }
      problems.throwIfAny();
      this.addresses = [...addresses];
      spec = {
        type: 'ClusterIP',
        ports: props.ports.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: p.targetPort ?? p.port,
          protocol: p.protocol ?? Protocol.TCP,
        })),
      };
    }
    // One slice per address family; a host name has none.
    const families = [...new Set(this.addresses.map(ipFamily))];
    // kube-proxy serves a Service's cluster IPs only from slices of their own family, and a Service that names none
    // gets the cluster's primary one (IPv4 nearly everywhere). IPv6 addresses alone: an IPv6 Service (a cluster
    // without IPv6 refuses it: "not configured on this cluster", rather than a Service with no endpoints). Both
    // families: PreferDualStack without ipFamilies, so the API server adds the second family where the cluster has
    // one; listing both would be refused on a single-stack cluster, as RequireDualStack would be. IPv4 alone is
    // what the default gives already.
    if (families.length === 2) spec = { ...spec, ipFamilyPolicy: 'PreferDualStack' };
    else if (families[0] === 'IPv6') spec = { ...spec, ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv6'] };
    this.service = modelObject(this, 'Resource', () => new Service({ metadata, spec }));
    this.endpointSlices = families.map((family) =>
      modelObject(
        this,
        `Endpoints-${family}`,
        () =>
          new EndpointSlice({
            metadata: {
              name: `${this.name}-${family.toLowerCase()}`,
              namespace: this.namespace,
              labels: {
                ...labels,
                'kubernetes.io/service-name': this.name,
                'endpointslice.kubernetes.io/managed-by': 'cluster-blueprints',
              },
            },
            addressType: family,
            endpoints: this.addresses.filter((a) => ipFamily(a) === family).map((a) => ({ addresses: [a], conditions: { ready: true } })),
            ports: props.ports.map((p) => ({ name: p.name, port: p.targetPort ?? p.port, protocol: p.protocol ?? Protocol.TCP })),
          }),
      ),
    );
    // A selector-less Service is how Kubernetes points a Service at addresses outside the cluster: its endpoints are
    // the EndpointSlices above, in the output beside it. kube-linter's dangling-service looks only for pods its
    // selector matches, so it would always fire. (An ExternalName Service has no slices and is no such case.)
    if (this.endpointSlices.length > 0)
      ignoreKubeLinterCheck(
        this.service,
        'dangling-service',
        `has no selector on purpose: its endpoints are the EndpointSlices labelled kubernetes.io/service-name=${this.name}, in the output beside it`,
      );
    this.dnsName = `${this.name}.${this.namespace}.svc.cluster.local`;
    this.tlsServerName = tlsName ?? this.hostName;
  }

  /**
   * Opens the egress path from `workload` to this service in a default-deny
   * namespace. For addresses: exactly those IPs on the target ports. For a
   * host name the IPs are unknown at synth time (and may change), so the rule
   * is wider: any address, on the target port only.
   */
  public allowFrom(workload: INetworkEndpoint): IntentResult {
    // A construct first (its path names the policy), then an endpoint: one issue for null or a plain object, not two.
    checkArgs('ExternalService.allowFrom', ['workload', workload, is.construct]);
    checkArgs('ExternalService.allowFrom', ['workload', workload, ENDPOINT_SHAPE]);
    const ports: NetworkPort[] = this.ports.map((p) => ({ port: p.targetPort ?? p.port, protocol: p.protocol ?? Protocol.TCP }));
    const cidrs = this.hostName ? ['0.0.0.0/0', '::/0'] : this.addresses.map((a) => `${a}/${ipFamily(a) === 'IPv4' ? 32 : 128}`);
    // From another namespace the service is named as its DNS name, `<name>.<namespace>`: two of one name are two paths.
    const label = workload.namespace === this.namespace ? this.name : `${this.name}.${this.namespace}`;
    return allowOutOf(workload, Peer.external(label, cidrs, ports), ports);
  }
}
