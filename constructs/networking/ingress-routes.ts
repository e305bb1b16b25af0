import { repeatIssues } from '../core/value-issues';
import { checkShape, constructId, is, snapshot } from '../core/shape';
import { ApiObject, Lazy } from 'cdk8s';
// The generated Kube* classes alone: cdk8s-plus-28's index also loads all its constructs (about 100 ms of every import).
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import { annotationIssues } from '../core/annotations';
import { addCheck } from '../core/checks';
import { IssueInput, Problems } from '../core/errors';
import { componentLabels, exemptRuntimePodsPolicy } from '../core/metadata';
import { NamedObject } from '../core/named-object';
import { NameRule, OVERLONG_DNS_LABEL, hasOverlongDnsLabel, isDns1123Subdomain, nameIssue } from '../core/names';
import { credentialIssue } from '../core/secret-patterns';
import { TeamNamespace } from '../namespace/team-namespace';
import { NAMESPACE_SHAPE, checkedNamespace } from '../namespace/namespace-name';
import { ClusterIssuer, http01IngressClassOf } from './cluster-issuer';
import { INetworkEndpoint, NetworkPort, Peer, Protocol, allowInto, allowIntoAtRender } from './network-intent';
import { keyField } from '../core/field-path';

/** A backend an ingress route can send traffic to (a WebService). */
export interface IRoutable extends INetworkEndpoint {
  /** The Service's ports; `targetPort` names the container port each one sends to (default: the port's own name). */
  readonly servicePorts: readonly { readonly name: string; readonly port: number; readonly targetPort?: string }[];
  /**
   * The container port the pods declare under `name`, read when the app renders (so
   * containers added later count): the ingress controller is opened to that number.
   * @default - the controller is opened to the port by name
   */
  containerPort?(name: string): NetworkPort | undefined;
}

/**
 * How an Ingress path matches a request path.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types
 */
export enum IngressPathType {
  /** The URL path exactly, case-sensitive. */
  EXACT = 'Exact',
  /** The URL path split by `/`, element by element: `/user` matches `/user` and `/user/42`, not `/users`. */
  PREFIX = 'Prefix',
  /** Up to the IngressClass (ingress-nginx: a regular expression with `use-regex`). */
  IMPLEMENTATION_SPECIFIC = 'ImplementationSpecific',
}

/** One path. */
export interface Route {
  /**
   * Path, e.g. `/user` (absolute). Under ingress-nginx (class `nginx`) an Exact or
   * Prefix path has only letters, digits, `.`, `_`, `-` and `/` (its admission
   * webhook refuses others); a regular expression needs ImplementationSpecific.
   */
  readonly path: string;
  /** Where the path's traffic goes: a `WebService` (its Service), which the ingress controller is let through to. */
  readonly backend: IRoutable;
  /** Service port name. @default - the backend's first port */
  readonly port?: string;
  /** One of the IngressRoutes' hosts. @default - the first host */
  readonly host?: string;
  /** How `path` matches. @default IngressPathType.PREFIX */
  readonly pathType?: IngressPathType;
}

/** Props of `IngressRoutes`. */
export interface IngressRoutesProps {
  /** The namespace of the routes and their backends: a `TeamNamespace` of the app, or a name. */
  readonly namespace: TeamNamespace | string;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /**
   * Public host name, e.g. `shop.example.com`; `*.example.com` for a wildcard.
   * Give `host`, `hosts`, or both (`host` comes first).
   * @default - the first of `hosts`
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards
   */
  readonly host?: string;
  /**
   * More host names served by this Ingress: one rule per host, all covered by
   * the TLS certificate (and published by external-dns).
   * @default - only `host`
   */
  readonly hosts?: readonly string[];
  /** Routes; more can be added with `addRoute`. @default - none yet (at least one by synth time) */
  readonly routes?: readonly Route[];
  /**
   * IngressClass of the controller. With another class than `nginx`, give
   * `controllerNamespace` too.
   * @default 'nginx'
   */
  readonly ingressClassName?: string;
  /** Secret holding the TLS certificate. @default - `<name>-tls` */
  readonly tlsSecretName?: string;
  /**
   * cert-manager issuer of the certificate: a `Certificate` for the hosts writes
   * the TLS Secret and renews it.
   * @default - none: the TLS Secret must be provided by another object of the output
   */
  readonly issuer?: ClusterIssuer;
  /**
   * Namespace of the ingress controller, whose pods get a network path to every
   * backend. Required with an `ingressClassName` other than `nginx`: the
   * default is ingress-nginx's namespace.
   * @default 'ingress-nginx' (with the class `nginx`)
   */
  readonly controllerNamespace?: string;
  /** Publish the hosts through external-dns. @default true */
  readonly externalDns?: boolean;
  /**
   * Annotations on the Ingress (controller settings such as
   * `nginx.ingress.kubernetes.io/proxy-body-size`). Keys are qualified names;
   * credential-looking values are refused; the annotations this construct
   * owns (external-dns hostname, cert-manager's issuer, the legacy class) are reserved.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/
   */
  readonly annotations?: Readonly<Record<string, string>>;
}

const ROUTE_SHAPE = is.props<Route>(
  {
    path: is.string,
    backend: is.object({ servicePorts: is.list(is.object({ name: is.string, port: is.number, targetPort: is.string })) }),
    port: is.string,
    host: is.string,
    pathType: is.oneOf(Object.values(IngressPathType), 'IngressPathType'),
  },
  ['path', 'backend'],
);

/** The shape of the props (checked at entry). */
const INGRESS_ROUTES_SHAPE = is.props<IngressRoutesProps>({
  namespace: NAMESPACE_SHAPE,
  name: is.string,
  host: is.string,
  hosts: is.list(is.string),
  routes: is.list(ROUTE_SHAPE),
  ingressClassName: is.string,
  tlsSecretName: is.string,
  issuer: is.instance(ClusterIssuer),
  controllerNamespace: is.string,
  externalDns: is.boolean,
  annotations: is.map(is.string),
});

const EXTERNAL_DNS_HOSTNAME = 'external-dns.alpha.kubernetes.io/hostname';
/** Annotations this construct decides: a hand-set value would contradict what it renders. */
const RESERVED_ANNOTATIONS: Readonly<Record<string, string>> = {
  [EXTERNAL_DNS_HOSTNAME]: 'set from the hosts (externalDns: true): give hosts, or externalDns: false to publish nothing',
  // cert-manager's ingress-shim would create a second Certificate for the same Secret.
  'cert-manager.io/cluster-issuer': 'the issuer prop makes the Certificate: pass issuer',
  'cert-manager.io/issuer': 'the issuer prop makes the Certificate: pass issuer',
  'kubernetes.io/tls-acme': 'the issuer prop makes the Certificate: pass issuer',
  // The API server refuses the legacy annotation next to spec.ingressClassName.
  'kubernetes.io/ingress.class': 'the class is spec.ingressClassName: pass ingressClassName',
};

/**
 * Why `host` is not an Ingress rule host, or undefined (networking validateIngressRules): a DNS-1123
 * subdomain (a single label such as `localhost` too), or `*.` and one (IsWildcardDNS1123Subdomain, ≤ 253
 * characters in all); never an IP address (netutils.ParseIPSloppy: four decimal parts up to 255). Stricter
 * than the API server: no label over 63 characters, which DNS cannot carry (hasOverlongDnsLabel).
 */
function hostProblem(host: string): string | undefined {
  const wildcard = host.startsWith('*');
  const name = wildcard ? host.slice(2) : host;
  if ((wildcard && !host.startsWith('*.')) || host.length > 253 || !isDns1123Subdomain(name))
    return 'is not a host name (DNS-1123 subdomain, optionally led by *.)';
  if (hasOverlongDnsLabel(name)) return OVERLONG_DNS_LABEL;
  const parts = host.split('.');
  if (parts.length === 4 && parts.every((p) => /^\d+$/.test(p) && Number(p) <= 255))
    return 'is an IP address; an Ingress host must be a DNS name';
  return undefined;
}

/** The issue of `host` as the Ingress rule host given at `field`, or undefined (the one home of the rule). */
export function ingressHostIssue(field: string, host: string): IssueInput | undefined {
  const why = hostProblem(host);
  if (why === undefined) return undefined;
  return { code: 'INGRESS_INVALID', field, value: host, message: why, fix: "use e.g. 'shop.example.com' or '*.example.com'" };
}

/** The class of ingress-nginx, whose admission webhook also judges the paths. */
const NGINX_CLASS = 'nginx';

/**
 * Why `path` is refused for `type`, or undefined (the API server's rules, plus no whitespace;
 * with `nginx`, also ingress-nginx's admission webhook: strict-validate-path-type, on by default
 * since controller v1.12, allows only `(?i)^/[[:alnum:]._\-/]*$` for Exact and Prefix).
 */
function pathProblem(path: string, type: IngressPathType, nginx: boolean): string | undefined {
  if (!path.startsWith('/')) return "must start with '/'";
  if (/\s/.test(path) || [...path].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\x7f'))
    return 'contains whitespace or control characters';
  if (type === IngressPathType.IMPLEMENTATION_SPECIFIC) return undefined;
  if (nginx && !/^\/[A-Za-z0-9._\-/]*$/.test(path))
    return `has characters other than letters, digits, '.', '_', '-' and '/', which ingress-nginx's admission webhook refuses with pathType ${type}`;
  const seq = ['//', '/./', '/../', '%2f', '%2F'].find((x) => path.includes(x));
  if (seq) return `must not contain '${seq}' with pathType ${type}`;
  const end = ['/..', '/.'].find((x) => path.endsWith(x));
  if (end) return `must not end with '${end}' with pathType ${type}`;
  return undefined;
}

/**
 * The pods cert-manager starts to answer an HTTP-01 challenge (pkg/issuer/acme/http/pod.go): in the
 * Challenge's namespace, the Certificate's; labelled `acme.cert-manager.io/http01-solver: "true"`
 * (cmacme.SolverIdentificationLabelKey); listening on TCP 8089 (acmeSolverListenPort). The ingress controller
 * proxies the ACME server's request (and cert-manager's self-check) to them; they only answer, so they need no
 * egress. From cert-manager 1.10 (#5259) they meet Pod Security `restricted`: seccomp RuntimeDefault,
 * runAsNonRoot, no privilege escalation, every capability dropped.
 */
class Http01Solver extends Construct implements INetworkEndpoint {
  public readonly name = 'acme-http01-solver';
  public readonly podSelector: Readonly<Record<string, string>> = { 'acme.cert-manager.io/http01-solver': 'true' };
  public readonly listenPorts: readonly NetworkPort[] = [{ port: 8089, protocol: Protocol.TCP }];
  /** The policy admitting each controller, by its peer label: one per namespace and controller. */
  public readonly admitted = new Map<string, ApiObject>();

  constructor(
    scope: TeamNamespace,
    public readonly namespace: string,
  ) {
    // ID_INVALID when a construct of the user's already holds the id.
    super(scope, constructId(scope, SOLVER_ID, 'IngressRoutes'));
  }
}

/** The solver's id in its TeamNamespace. */
const SOLVER_ID = 'AcmeHttp01Solver';

/** The TeamNamespace named `namespace` in the app of `scope`, if any: its default-deny policies isolate every pod in it. */
function teamNamespaceNamed(scope: IConstruct, namespace: string): TeamNamespace | undefined {
  return scope.node.root.node.findAll().find((c): c is TeamNamespace => c instanceof TeamNamespace && c.name === namespace);
}

/**
 * Opens `controller → cert-manager's HTTP-01 solver pods` in `team` (whose default deny would time the challenge
 * out): one policy per namespace and controller, however many IngressRoutes with an issuer the namespace holds.
 */
function admitToHttp01Solver(team: TeamNamespace, controller: Peer): ApiObject {
  const found = team.node.tryFindChild(SOLVER_ID);
  const solver = found instanceof Http01Solver ? found : new Http01Solver(team, team.name);
  let policy = solver.admitted.get(controller.label);
  if (!policy) {
    policy = allowInto(solver, controller).policies[0];
    // The pods it selects are cert-manager's, created per challenge at runtime: never in the output, so kube-linter's
    // dangling-networkpolicy and kube-score's networkpolicy-targets-pod (no pod in the manifests matches) would always
    // fire. kube-linter's annotation value is the reason.
    exemptRuntimePodsPolicy(policy, "selects cert-manager's HTTP-01 solver pods, which cert-manager creates per challenge at runtime");
    solver.admitted.set(controller.label, policy);
  }
  return policy;
}

/**
 * An Ingress with path-based routing (`/user`, `/product`) on one or more
 * hosts, TLS for every host, the controller's class, the external-dns hostname
 * annotation, and the network paths from the controller to each backend in
 * default-deny namespaces.
 */
export class IngressRoutes extends NamedObject<IngressRoutesProps> {
  /** The first host (where routes without a `host` go). */
  public readonly host: string;
  /** Every host, `host` first. */
  public readonly hosts: readonly string[];
  public readonly namespace: string;
  public readonly ingress: ApiObject;
  /** Name of the Secret the Ingress reads its certificate from. */
  public readonly tlsSecretName: string;
  /** The cert-manager Certificate writing that Secret, when an issuer was given. */
  public readonly certificate?: ApiObject;
  private readonly routes: Route[] = [];
  private readonly controller: Peer;
  private readonly issuer?: ClusterIssuer;
  /** The policy admitting the controller to cert-manager's solver pods, once the namespace is known to be isolated. */
  private solverPolicy?: ApiObject;
  /** Whether ingress-nginx serves the Ingress (and its webhook judges the paths). */
  private readonly nginx: boolean;

  constructor(scope: Construct, id: string, props: IngressRoutesProps) {
    super(scope, id, props, 'IngressRoutes', INGRESS_ROUTES_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const { problems } = this;
    this.namespace = checkedNamespace(problems, props.namespace);
    // networking validation: validateIngressTLS (secretName) and ValidateIngressClassName are DNS-1123 subdomains;
    // the controller's namespace is matched by its kubernetes.io/metadata.name label, a DNS-1123 label.
    problems.addAll(
      // The default `<name>-tls` too, when the name itself is fine (a 250-character name leaves no room for '-tls').
      props.tlsSecretName !== undefined || isDns1123Subdomain(this.name)
        ? nameIssue(NameRule.DNS1123_SUBDOMAIN, 'tlsSecretName', props.tlsSecretName ?? `${this.name}-tls`)
        : undefined,
      props.ingressClassName === undefined ? undefined : nameIssue(NameRule.DNS1123_SUBDOMAIN, 'ingressClassName', props.ingressClassName),
      props.controllerNamespace === undefined
        ? undefined
        : nameIssue(NameRule.DNS1123_LABEL, 'controllerNamespace', props.controllerNamespace),
    );
    // The default namespace is ingress-nginx's: another class's controller runs elsewhere, and the backends would
    // admit the wrong pods and deny the real controller.
    const cls = props.ingressClassName ?? NGINX_CLASS;
    problems.check(cls !== NGINX_CLASS && props.controllerNamespace === undefined, {
      code: 'INGRESS_INVALID',
      field: 'controllerNamespace',
      value: undefined,
      message: `is not given, and its default, ingress-nginx, is the namespace of class nginx's controller, not of class ${cls}'s: the backends would admit the wrong pods and deny the controller`,
      fix: `give the namespace the controller of class ${cls} runs in, e.g. controllerNamespace: 'traefik'`,
    });
    this.hosts = [...(props.host === undefined ? [] : [props.host]), ...(props.hosts ?? [])];
    this.host = this.hosts[0];
    problems.check(this.hosts.length === 0, {
      code: 'INGRESS_INVALID',
      field: 'hosts',
      value: [],
      message: 'is empty: the Ingress serves no host',
      fix: "give host, e.g. 'shop.example.com', or hosts",
    });
    const hostField = (i: number) => (props.host === undefined ? `hosts[${i}]` : i === 0 ? 'host' : `hosts[${i - 1}]`);
    for (const issue of repeatIssues(this.hosts, hostField, {
      code: 'INGRESS_INVALID',
      message: 'is given twice',
      fix: 'list each host once',
    }))
      problems.add(issue);
    for (const [i, host] of this.hosts.entries()) {
      problems.addAll(ingressHostIssue(hostField(i), host));
      // HTTP-01 proves control of one name by serving a token on it; a wildcard has no name to serve it on.
      problems.check(props.issuer !== undefined && host.startsWith('*.'), {
        code: 'INGRESS_WILDCARD_HTTP01',
        field: hostField(i),
        value: host,
        message: `is a wildcard, but ClusterIssuer ${props.issuer?.name} solves HTTP-01 challenges, which cannot issue a wildcard certificate`,
        fix: 'list the host names instead of the wildcard, or provide the wildcard certificate (DNS-01) in tlsSecretName and leave out issuer',
      });
    }
    // cert-manager gives the solver Ingress the issuer's class: the controller of that class serves the token, while
    // the ACME server's request for these hosts reaches the controller of this Ingress's class, which has no route for it.
    const solverClass = props.issuer === undefined ? undefined : http01IngressClassOf(props.issuer);
    problems.check(solverClass !== undefined && solverClass !== cls, {
      code: 'INGRESS_INVALID',
      field: 'ingressClassName',
      value: cls,
      message: `is ${cls}${props.ingressClassName === undefined ? ' (the default)' : ''}, but ClusterIssuer ${props.issuer?.name} solves HTTP-01 challenges through class ${solverClass}: the challenge would be served by another controller than the one these hosts reach, and the Certificate would never become Ready`,
      fix: `give ingressClassName: '${solverClass}' (with the controllerNamespace of its controller), or an issuer whose ingressClassName is '${cls}'`,
    });
    const externalDns = props.externalDns ?? true;
    problems.addAll(...annotationIssues('annotations', props.annotations));
    for (const [key, value] of Object.entries(props.annotations ?? {}))
      problems.check(key in RESERVED_ANNOTATIONS, {
        code: 'ANNOTATION_RESERVED',
        field: keyField('annotations', key),
        value: credentialIssue('', value) ? '<redacted>' : value,
        message: 'is set by IngressRoutes',
        fix: `remove it: ${RESERVED_ANNOTATIONS[key]}`,
      });
    problems.throwIfAny();
    const tls = props.tlsSecretName ?? `${this.name}-tls`;
    this.tlsSecretName = tls;
    if (props.issuer) {
      // Required here, not imported: a CRD model's schemas cost every import of the library, used or not.
      const { Certificate } =
        require('@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate') as typeof import('@kubernetes-models/cert-manager/cert-manager.io/v1/Certificate');
      const certificate = new Certificate({
        metadata: { name: tls, namespace: this.namespace, labels: componentLabels({ name: this.name, component: 'certificate' }) },
        spec: {
          secretName: tls,
          dnsNames: [...this.hosts],
          issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: props.issuer.name },
          privateKey: { rotationPolicy: 'Always' },
        },
      });
      this.certificate = new ApiObject(this, 'Certificate', certificate.toJSON() as any);
    }
    const annotations = {
      ...props.annotations,
      // external-dns reads a comma-separated list.
      ...(externalDns ? { [EXTERNAL_DNS_HOSTNAME]: this.hosts.join(',') } : {}),
    };
    this.ingress = new k8s.KubeIngress(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: componentLabels({ name: this.name, component: 'ingress' }),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      spec: {
        ingressClassName: props.ingressClassName ?? 'nginx',
        tls: [{ hosts: [...this.hosts], secretName: tls }],
        // Resolved at synth (routes can be added later); one rule per host, in the order of `hosts`.
        rules: Lazy.any({ produce: () => this.rules() }),
      },
    });
    this.controller = Peer.ingressController(props.controllerNamespace ?? 'ingress-nginx');
    this.nginx = cls === NGINX_CLASS;
    this.issuer = props.issuer;
    this.admitToSolver();
    for (const r of props.routes ?? []) this.addRoute(r);
    addCheck(this, 'IngressRoutes', () => [...this.checkRoutes(), ...this.checkSolverAdmitted()]);
  }

  /**
   * With an issuer, in a TeamNamespace: the path from the controller to cert-manager's HTTP-01 solver pods (the
   * namespace's default deny would time every challenge out, and the TLS Secret would never be written). Looked for
   * when the IngressRoutes is built and at each route (a backend in a TeamNamespace declared since).
   */
  private admitToSolver(): void {
    if (!this.issuer || this.solverPolicy) return;
    const team = teamNamespaceNamed(this, this.namespace);
    if (team) this.solverPolicy = admitToHttp01Solver(team, this.controller);
  }

  /** At synth: a TeamNamespace of this namespace declared after the IngressRoutes and its routes, too late to open the solver's path. */
  private checkSolverAdmitted(): IssueInput[] {
    if (!this.issuer || this.solverPolicy || !teamNamespaceNamed(this, this.namespace)) return [];
    return [
      {
        code: 'INGRESS_INVALID',
        field: 'namespace',
        value: this.namespace,
        message: `is a TeamNamespace declared after this IngressRoutes and its routes: its default deny would keep the ingress controller from cert-manager's HTTP-01 solver pods, and the Certificate would never be issued`,
        fix: 'declare the TeamNamespace before the IngressRoutes (namespace: team.name)',
      },
    ];
  }

  /** Routes `path` to a backend, and opens the path from the ingress controller to the container port it routes to. */
  public addRoute(r: Route): void {
    r = snapshot(r, { construct: 'IngressRoutes.addRoute', field: 'route' }); // the entry's frozen snapshot: the caller's object is not read again
    const problems = new Problems(this, 'IngressRoutes');
    const f = `routes[${this.routes.length}]`;
    if (!checkShape(problems, r, ROUTE_SHAPE, f)) problems.throwIfAny();
    const host = r.host ?? this.host;
    const type = r.pathType ?? IngressPathType.PREFIX;
    const why = pathProblem(r.path, type, this.nginx);
    problems.check(why !== undefined, {
      code: 'INGRESS_INVALID',
      field: `${f}.path`,
      value: r.path,
      message: why!,
      fix: "use e.g. '/user'; a regular expression needs pathType IngressPathType.IMPLEMENTATION_SPECIFIC",
    });
    problems.addAll(credentialIssue(`${f}.path`, r.path));
    problems.check(r.host !== undefined && !this.hosts.includes(r.host), {
      code: 'INGRESS_INVALID',
      field: `${f}.host`,
      value: r.host,
      message: `is not one of the hosts (${this.hosts.join(', ')})`,
      fix: 'add it to hosts (so TLS covers it), or route to one of the hosts',
    });
    problems.check(
      this.routes.some((x) => (x.host ?? this.host) === host && x.path === r.path),
      {
        code: 'INGRESS_INVALID',
        field: `${f}.path`,
        value: `${host}${r.path}`,
        message: 'is routed twice',
        fix: 'route each path of a host once',
      },
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
    this.admitToSolver();
    if (this.routes.every((x) => x === r || x.backend !== r.backend))
      allowIntoAtRender(r.backend, this.controller, () => this.routedPorts(r.backend));
  }

  /**
   * The container ports the routes to `backend` reach, read when the app renders:
   * each routed Service port's targetPort, by the number the backend's pods
   * declare for that name, else by the name (as the Service resolves it). Never
   * a port no route reaches, such as a metrics port.
   */
  private routedPorts(backend: IRoutable): NetworkPort[] {
    return this.routes
      .filter((r) => r.backend === backend)
      .map((r) => {
        const name = r.port ?? backend.servicePorts[0].name;
        const sp = backend.servicePorts.find((p) => p.name === name)!;
        const target = sp.targetPort ?? sp.name;
        return backend.containerPort?.(target) ?? { port: target, protocol: Protocol.TCP };
      });
  }

  private rules(): k8s.IngressRule[] {
    return this.hosts.map((host) => ({
      host,
      http: {
        paths: this.routes
          .filter((r) => (r.host ?? this.host) === host)
          .map((r) => ({
            path: r.path,
            pathType: r.pathType ?? IngressPathType.PREFIX,
            backend: { service: { name: r.backend.name, port: { name: r.port ?? r.backend.servicePorts[0].name } } },
          })),
      },
    }));
  }

  /** At synth: some route, and a route on every host (a host without one would get a certificate and DNS for nothing). */
  private checkRoutes(): IssueInput[] {
    if (this.routes.length === 0)
      return [{ code: 'INGRESS_INVALID', field: 'routes', value: [], message: 'is empty', fix: 'route at least one path' }];
    return this.hosts
      .filter((h) => !this.routes.some((r) => (r.host ?? this.host) === h))
      .map((h) => ({
        code: 'INGRESS_INVALID',
        field: 'hosts',
        value: h,
        message: 'routes no path: the host would get a certificate and a DNS record and serve nothing',
        fix: `route a path with host: '${h}', or remove the host`,
      }));
  }
}
