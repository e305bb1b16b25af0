import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ClusterSecretStore as ClusterSecretStoreObject,
  ClusterSecretStoreSpecProviderAwsService,
} from '../../imports/external-secrets.io';
import { componentLabels } from '../core/metadata';
import { NamedObject } from '../core/named-object';
import { SecretBackend } from './secret-backend';
import { is } from '../core/shape';

/** The AWS secret service a store reads. */
export enum AwsSecretService {
  SECRETS_MANAGER = 'SecretsManager',
  PARAMETER_STORE = 'ParameterStore',
}

/** Props of a `ClusterSecretStore`. */
export interface ClusterSecretStoreProps {
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** AWS region of the secrets, e.g. `eu-west-1`. */
  readonly awsRegion: string;
  /** @default AwsSecretService.SECRETS_MANAGER */
  readonly service?: AwsSecretService;
  /**
   * IAM role the operator assumes to read. @default - the operator's own credentials
   * (IRSA or Pod Identity on its ServiceAccount)
   */
  readonly role?: string;
}

/** The shape of the props (checked at entry). */
const CLUSTER_SECRET_STORE_SHAPE = is.props<ClusterSecretStoreProps>(
  {
    name: is.string,
    awsRegion: is.string,
    service: is.oneOf(Object.values(AwsSecretService), 'AwsSecretService'),
    role: is.string,
  },
  ['awsRegion'],
);

/**
 * An External Secrets Operator `ClusterSecretStore` (cluster-scoped) reading
 * AWS Secrets Manager or Parameter Store; `backend()` is the secret backend
 * that points every `SecretDeclaration` at it.
 */
export class ClusterSecretStore extends NamedObject<ClusterSecretStoreProps> {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ClusterSecretStoreProps) {
    super(scope, id, props, 'ClusterSecretStore', CLUSTER_SECRET_STORE_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const { problems } = this;
    problems.check(!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(props.awsRegion), {
      code: 'SECRET_STORE_INVALID',
      field: 'awsRegion',
      value: props.awsRegion,
      message: 'is not an AWS region name',
      fix: "use e.g. 'eu-west-1'",
    });
    problems.throwIfAny();
    // external-secrets.io/v1: served from ESO 0.16.2 on (0.17 stopped serving v1beta1).
    this.apiObject = new ClusterSecretStoreObject(this, 'Resource', {
      metadata: { name: this.name, labels: componentLabels({ name: this.name, component: 'secret-store' }) },
      spec: {
        provider: {
          aws: {
            service: (props.service ?? AwsSecretService.SECRETS_MANAGER) as string as ClusterSecretStoreSpecProviderAwsService,
            region: props.awsRegion,
            ...(props.role ? { role: props.role } : {}),
          },
        },
      },
    });
  }

  /** The External Secrets backend reading from this store. */
  public backend(): SecretBackend {
    return SecretBackend.externalSecrets({ store: this.name });
  }
}
