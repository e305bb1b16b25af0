import { checkShape, enter, is } from '../core/shape';
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate';
import { addCheck } from '../core/checks';
import { Problems } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { NameRule, isDns1123Subdomain, nameIssue } from '../core/names';
import { ClusterIssuer } from './cluster-issuer';
import { INetworkEndpoint, Peer, allowInto } from './network-intent';

/** A backend an ingress route can send traffic to (a WebService). */
export interface IRoutable extends INetworkEndpoint {
  readonly servicePorts: readonly { readonly name: string; readonly port: number }[];
}

/** One path. */
export interface Route {
  /** Path prefix, e.g. `/user`. */
  readonly path: string;
  readonly backend: IRoutable;
  /** Service port name. @default - the backend's first port */
  readonly port?: string;
}

/** Props of `IngressRoutes`. */
export interface IngressRoutesProps {
  readonly namespace: string;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** Public host name, e.g. `shop.example.com`. */
  readonly host: string;
  /** Routes; more can be added with `addRoute`. @default - none yet (at least one by synth time) */
  readonly routes?: readonly Route[];
  /** IngressClass of the controller. @default 'nginx' */
  readonly ingressClassName?: string;
  /** Secret holding the TLS certificate. @default - `<name>-tls` */
  readonly tlsSecretName?: string;
  /**
   * cert-manager issuer of the certificate: a `Certificate` for the host writes
   * the TLS Secret and renews it.
   * @default - none: the TLS Secret must be provided by another object of the output
   */
  readonly issuer?: ClusterIssuer;
  /** Namespace of the ingress controller, whose pods get a network path to every backend. @default 'ingress-nginx' */
  readonly controllerNamespace?: string;
  /** Publish the host through external-dns. @default true */
  readonly externalDns?: boolean;
}

const ROUTE_SHAPE = is.object(
  { path: is.string, backend: is.object({ servicePorts: is.list(is.object({ name: is.string, port: is.number })) }), port: is.string },
  ['path', 'backend'],
);

/** The shape of the props (checked at entry). */
const INGRESS_ROUTES_SHAPE = is.object(
  {
    namespace: is.string,
    name: is.string,
    host: is.string,
    routes: is.list(ROUTE_SHAPE),
    ingressClassName: is.string,
    tlsSecretName: is.string,
    issuer: is.instance(ClusterIssuer),
    controllerNamespace: is.string,
    externalDns: is.boolean,
  },
  ['host'],
);

/**
 * An Ingress with path-based routing (`/user`, `/product`), TLS, the
 * controller's class, the external-dns hostname annotation, and the network
 * paths from the controller to each backend in default-deny namespaces.
 */
export class IngressRoutes extends Construct {
  public readonly name: string;
  public readonly host: string;
  public readonly namespace: string;
  public readonly ingress: ApiObject;
  /** Name of the Secret the Ingress reads its certificate from. */
  public readonly tlsSecretName: string;
  /** The cert-manager Certificate writing that Secret, when an issuer was given. */
  public readonly certificate?: ApiObject;
  private readonly routes: Route[] = [];
  private readonly controller: Peer;

  constructor(scope: Construct, id: string, props: IngressRoutesProps) {
    enter(scope, id, props, 'IngressRoutes', INGRESS_ROUTES_SHAPE);
    super(scope, id);
    const problems = new Problems(this, 'IngressRoutes');
    this.name = props.name ?? id;
    this.host = props.host;
    this.namespace = props.namespace;
    problems.addAll(nameIssue(NameRule.DNS1123_SUBDOMAIN, 'name', this.name));
    problems.check(!isDns1123Subdomain(props.host) || !props.host.includes('.'), {
      code: 'INGRESS_INVALID',
      field: 'host',
      value: props.host,
      message: 'is not a fully qualified host name',
      fix: "use e.g. 'shop.example.com'",
    });
    problems.throwIfAny();
    const tls = props.tlsSecretName ?? `${this.name}-tls`;
    this.tlsSecretName = tls;
    if (props.issuer) {
      const certificate = new Certificate({
        metadata: { name: tls, namespace: props.namespace, labels: componentLabels({ name: this.name, component: 'certificate' }) },
        spec: {
          secretName: tls,
          dnsNames: [props.host],
          issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: props.issuer.name },
          privateKey: { rotationPolicy: 'Always' },
        },
      });
      this.certificate = new ApiObject(this, 'Certificate', certificate.toJSON() as any);
    }
    this.ingress = new ApiObject(this, 'Resource', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: this.name,
        namespace: props.namespace,
        labels: componentLabels({ name: this.name, component: 'ingress' }),
        ...((props.externalDns ?? true) ? { annotations: { 'external-dns.alpha.kubernetes.io/hostname': props.host } } : {}),
      },
      spec: {
        ingressClassName: props.ingressClassName ?? 'nginx',
        tls: [{ hosts: [props.host], secretName: tls }],
        rules: [
          {
            host: props.host,
            http: {
              paths: Lazy.any({
                produce: () =>
                  this.routes.map((r) => ({
                    path: r.path,
                    pathType: 'Prefix',
                    backend: { service: { name: r.backend.name, port: { name: r.port ?? r.backend.servicePorts[0].name } } },
                  })),
              }),
            },
          },
        ],
      },
    });
    this.controller = Peer.ingressController(props.controllerNamespace ?? 'ingress-nginx');
    for (const r of props.routes ?? []) this.addRoute(r);
    addCheck(this, 'IngressRoutes', () =>
      this.routes.length
        ? []
        : [{ code: 'INGRESS_INVALID', field: 'routes', value: [], message: 'is empty', fix: 'route at least one path' }],
    );
  }

  /** Routes `path` to a backend, and opens the path from the ingress controller to it. */
  public addRoute(r: Route): void {
    const problems = new Problems(this, 'IngressRoutes');
    const f = `routes[${this.routes.length}]`;
    if (!checkShape(problems, r, ROUTE_SHAPE, f)) problems.throwIfAny();
    problems.check(!r.path.startsWith('/'), {
      code: 'INGRESS_INVALID',
      field: `${f}.path`,
      value: r.path,
      message: "must start with '/'",
      fix: "use e.g. '/user'",
    });
    problems.check(
      this.routes.some((x) => x.path === r.path),
      { code: 'INGRESS_INVALID', field: `${f}.path`, value: r.path, message: 'is routed twice', fix: 'route each path once' },
    );
    problems.check(r.backend.namespace !== this.namespace, {
      code: 'INGRESS_INVALID',
      field: `${f}.backend`,
      value: `${r.backend.namespace}/${r.backend.name}`,
      message: `is in another namespace than the Ingress (${this.namespace}); an Ingress can only route to Services of its own namespace`,
      fix: 'create one IngressRoutes per namespace',
    });
    if (r.port !== undefined)
      problems.check(!r.backend.servicePorts.some((p) => p.name === r.port), {
        code: 'INGRESS_INVALID',
        field: `${f}.port`,
        value: r.port,
        message: `is not a port of Service ${r.backend.name}`,
        fix: `use one of ${r.backend.servicePorts.map((p) => p.name).join(', ')}`,
      });
    problems.throwIfAny();
    this.routes.push(r);
    if (!r.backend.node.tryFindChild(`AllowFrom-${this.controller.label}`)) allowInto(r.backend, this.controller);
  }
}
