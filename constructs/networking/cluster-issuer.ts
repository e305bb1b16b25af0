import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { componentLabels } from '../core/metadata';
import { NamedObject } from '../core/named-object';
import { is } from '../core/shape';

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
    // No control characters (a NUL, a newline): the ACME account would be registered with an address no mail reaches.
    problems.check(!/^[^@\s\p{Cc}]+@[^@\s\p{Cc}]+\.[^@\s\p{Cc}]+$/u.test(props.email), {
      code: 'ISSUER_INVALID',
      field: 'email',
      value: props.email,
      message: 'is not an e-mail address',
      fix: "use e.g. 'platform@example.com'",
    });
    const server = props.server ?? AcmeServer.LETS_ENCRYPT;
    problems.check(!server.startsWith('https://'), {
      code: 'ISSUER_INVALID',
      field: 'server',
      value: server,
      message: 'is not an https URL of an ACME directory',
      fix: 'use AcmeServer.LETS_ENCRYPT or your CA’s directory URL',
    });
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
