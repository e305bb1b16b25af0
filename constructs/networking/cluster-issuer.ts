import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { componentLabels } from '../core/metadata';
import { NamedObject } from '../core/named-object';
import { is } from '../core/shape';
import { NameRule, isDns1123Subdomain, nameIssue } from '../core/names';

/** ACME directories. */
export enum AcmeServer {
  LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory',
  /** Untrusted certificates, generous rate limits: for dev clusters and tests. */
  LETS_ENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory',
}

/** Props of a `ClusterIssuer`. */
export interface ClusterIssuerProps {
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** Contact for expiry notices from the ACME server. */
  readonly email: string;
  /** @default AcmeServer.LETS_ENCRYPT */
  readonly server?: AcmeServer | string;
  /** IngressClass that serves the HTTP-01 challenge. @default 'nginx' */
  readonly ingressClassName?: string;
}

/** The IngressClass each issuer solves HTTP-01 challenges through (read by `IngressRoutes`, which must share it). */
const SOLVER_CLASSES = new WeakMap<ClusterIssuer, string>();

/**
 * The IngressClass `issuer`'s HTTP-01 solver Ingress is given: the controller of that class serves the challenge,
 * so the hosts of a Certificate it issues must be served by the same one.
 */
export function http01IngressClassOf(issuer: ClusterIssuer): string | undefined {
  return SOLVER_CLASSES.get(issuer);
}

/** Spaces, control characters (a NUL, a newline) and invisible format characters (a zero-width space, a bidi override). */
const UNSEEN = /[\s\p{Cc}\p{Cf}]/u;

/**
 * An unquoted local part as RFC 5322 writes it (a dot-atom: runs of atext joined by single dots; RFC 6532 adds
 * UTF-8, so `jürgen` is one), at most 64 characters (RFC 5321). The ACME server parses the contact with Go's net/mail
 * (Let's Encrypt's boulder, policy.ValidEmail), whose atext is every visible character but the specials
 * `()<>[]:;@\,."`: it refuses `ops:pw@…` (an unquoted ':'), `a..b@…` and a leading or trailing dot. A quoted local
 * part (`"ops:pw"@…`), which Go would take, is refused too: no mailbox needs one, and it is where a password would hide.
 * Spaces, controls and invisible characters are UNSEEN's.
 */
const LOCAL_PART = /^[^\s"(),.:;<>@[\\\]]+(?:\.[^\s"(),.:;<>@[\\\]]+)*$/u;

/**
 * Whether `email` is an address the ACME account can be registered with and mail reaches: a local part (LOCAL_PART)
 * and a domain of two or more DNS labels, in ASCII (an internationalised domain in punycode: no ACME server takes
 * Unicode, and look-alike letters would hide where expiry notices go), with nothing unseen anywhere.
 */
function isEmailAddress(email: string): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0 || UNSEEN.test(email) || email.indexOf('@') !== at) return false;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  return local.length <= 64 && LOCAL_PART.test(local) && domain.includes('.') && isDns1123Subdomain(domain);
}

/**
 * Whether `url` is an https URL with a host, written without anything the URL parser would drop or mend in
 * silence (spaces and control characters, `https:/dir` read as host `dir`), which cert-manager (Go's url.Parse) would not.
 */
function isHttpsUrl(url: string): boolean {
  if (UNSEEN.test(url) || !/^https:\/\/[^/]/i.test(url)) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The shape of the props (checked at entry). */
const CLUSTER_ISSUER_SHAPE = is.props<ClusterIssuerProps>(
  {
    name: is.string,
    email: is.string,
    server: is.string,
    ingressClassName: is.string,
  },
  ['email'],
);

/**
 * A cert-manager `ClusterIssuer` (cluster-scoped) issuing ACME certificates
 * with HTTP-01 challenges through the ingress controller. `IngressRoutes`
 * given this issuer get a `Certificate` that writes their TLS Secret.
 */
export class ClusterIssuer extends NamedObject<ClusterIssuerProps> {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ClusterIssuerProps) {
    super(scope, id, props, 'ClusterIssuer', CLUSTER_ISSUER_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const { problems } = this;
    problems.check(!isEmailAddress(props.email), {
      code: 'ISSUER_INVALID',
      field: 'email',
      value: props.email,
      message:
        'is not an e-mail address (an unquoted local part without ()<>[]:;@\\," or empty runs between dots, one @, a dotted ASCII domain, no spaces, control or invisible format characters)',
      fix: "use e.g. 'platform@example.com' (an internationalised domain in its punycode form, xn--…)",
    });
    const server = props.server ?? AcmeServer.LETS_ENCRYPT;
    problems.check(!isHttpsUrl(server), {
      code: 'ISSUER_INVALID',
      field: 'server',
      value: server,
      message: 'is not an https URL of an ACME directory (https, a host, no spaces or control characters)',
      fix: 'use AcmeServer.LETS_ENCRYPT or your CA’s directory URL',
    });
    // The solver Ingress names its IngressClass: an object name, which cert-manager would copy into every challenge's Ingress.
    problems.addAll(
      props.ingressClassName === undefined ? undefined : nameIssue(NameRule.DNS1123_SUBDOMAIN, 'ingressClassName', props.ingressClassName),
    );
    problems.throwIfAny();
    const solverClass = props.ingressClassName ?? 'nginx';
    SOLVER_CLASSES.set(this, solverClass);
    // Required here, not imported: a CRD model's schemas cost every import of the library, used or not.
    const { ClusterIssuer: ClusterIssuerModel } =
      require('@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer') as typeof import('@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer');
    const model = new ClusterIssuerModel({
      metadata: { name: this.name, labels: componentLabels({ name: this.name, component: 'certificate-issuer' }) },
      spec: {
        acme: {
          email: props.email,
          server,
          // The ACME account key: cert-manager creates and keeps it in its own namespace.
          privateKeySecretRef: { name: `${this.name}-account-key` },
          // ClusterIP: cert-manager's solver Service defaults to NodePort, which every QuotaPreset refuses
          // (services.nodeports: 0), so the Challenge would retry forever; the ingress controller reaches a
          // ClusterIP Service like any other backend.
          solvers: [{ http01: { ingress: { class: solverClass, serviceType: 'ClusterIP' } } }],
        },
      },
    });
    this.apiObject = new ApiObject(this, 'Resource', model.toJSON() as any);
  }
}
