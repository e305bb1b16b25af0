import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Problems } from '../core/errors';
import { NameRule, nameIssue } from '../core/names';
import { Protocol } from '../networking/network-intent';
import { ContainerProps, Hook, Probe } from './container';
import { DeploymentWorkload, DeploymentWorkloadProps } from './deployment-workload';

/** A Service port. */
export interface ServicePort {
  readonly name: string;
  /** The port clients use. */
  readonly port: number;
  /** The container port, by name. @default - `name` */
  readonly targetPort?: string;
}

/** Props of a `WebService`. */
export interface WebServiceProps extends DeploymentWorkloadProps {
  /** Service ports. @default - one per container port, same number, targeting it by name */
  readonly servicePorts?: readonly ServicePort[];
  /** Pin a client to one pod (`sessionAffinity: ClientIP`). @default false */
  readonly sessionAffinity?: boolean;
}

const DEFAULTS = { preStopSeconds: 5 } as const;

/**
 * A stateless HTTP(S) service: Deployment + ClusterIP Service + optional HPA +
 * PodDisruptionBudget, with probes, graceful termination, zero-downtime
 * rollouts, spread across zones and hosts, and the restricted security profile.
 *
 * @example
 * const api = new WebService(chart, 'api', { namespace: team, image: 'ghcr.io/acme/api:1.4.2',
 *   ports: [{ name: 'http', port: 8080 }], autoscaling: { minReplicas: 2, maxReplicas: 10 } });
 * api.serviceDnsName; // 'api.payments.svc.cluster.local'
 */
export class WebService extends DeploymentWorkload {
  public readonly service: ApiObject;
  /** `<service>.<namespace>.svc.cluster.local`. */
  public readonly serviceDnsName: string;
  public readonly servicePorts: readonly ServicePort[];

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id, props, 'WebService', 'web');
    const ports = this.containers[0].ports;
    this.servicePorts = props.servicePorts ?? ports.map((p) => ({ name: p.name, port: p.port }));
    this.serviceDnsName = `${this.name}.${this.namespace}.svc.cluster.local`;
    const protocolOf = new Map(ports.map((p) => [p.name, p.protocol ?? Protocol.TCP]));
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: this.name, namespace: this.namespace, labels: this.objectLabels },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.serviceSelector },
        ports: this.servicePorts.map((p) => ({
          name: p.name,
          port: p.port,
          targetPort: p.targetPort ?? p.name,
          protocol: protocolOf.get(p.targetPort ?? p.name) ?? Protocol.TCP,
        })),
        ...(props.sessionAffinity ? { sessionAffinity: 'ClientIP' } : {}),
      },
    });
  }

  protected override validateProps(props: WebServiceProps, problems: Problems): void {
    super.validateProps(props, problems);
    const svcName = nameIssue(NameRule.DNS1035_LABEL, 'name', this.name);
    if (svcName) problems.add({ ...svcName, message: `${svcName.message} (it names the Service)` });
    problems.check(this.containers[0]?.ports.length === 0, {
      code: 'PORT_INVALID',
      field: 'ports',
      value: [],
      message: 'is empty; a WebService serves on at least one port',
      fix: "declare e.g. ports: [{ name: 'http', port: 8080 }], or use Worker",
    });
  }

  protected mainContainerProps(props: WebServiceProps): ContainerProps {
    const first = props.ports?.[0];
    return {
      ...props,
      readiness: props.readiness ?? (first ? Probe.tcp(first.name, { periodSeconds: 5, failureThreshold: 3 }) : undefined),
      preStop: 'preStop' in props ? props.preStop : Hook.sleep(Duration.seconds(DEFAULTS.preStopSeconds)),
    };
  }
}
