import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Service } from 'kubernetes-models/v1/Service';
import { IssueSink } from '../core/errors';
import { modelObject } from '../core/model-object';
import { NamedPort } from '../core/ports';
import { NameRule, nameIssue } from '../core/names';
import { isCidr } from '../networking/ip-address';
import { annotationIssues } from '../core/annotations';
import { NetworkPort, Peer, Protocol } from '../networking/network-intent';
import { serviceTypeIssues, servicePortIssues } from '../networking/service-ports';
import { ContainerProps, Hook, Probe } from './container';
import { entered, extend, is } from '../core/shape';
import { DEPLOYMENT_WORKLOAD_SHAPE, DeploymentWorkload, DeploymentWorkloadProps } from './deployment-workload';

/** A Service port: `port` is the one clients use. */
export interface ServicePort extends NamedPort {
  /** The container port, by name. @default - `name` */
  readonly targetPort?: string;
}

/** How the Service is reached. @see https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types */
export enum ServiceType {
  /** Inside the cluster only. */
  CLUSTER_IP = 'ClusterIP',
  /** On a port of every node (30000–32767); counts against `services.nodeports`. */
  NODE_PORT = 'NodePort',
  /** Through the cloud's load balancer; counts against `services.loadbalancers` (and its node ports against `services.nodeports`). */
  LOAD_BALANCER = 'LoadBalancer',
}

/** Where external traffic may be routed. */
export enum ExternalTrafficPolicy {
  /** Any node's pods (the client's address is lost to SNAT). */
  CLUSTER = 'Cluster',
  /** Only pods on the receiving node: keeps the client's address, no second hop. */
  LOCAL = 'Local',
}

/** Props of a `WebService`. */
export interface WebServiceProps extends DeploymentWorkloadProps {
  /** Service ports. @default - one per container port, same number, targeting it by name */
  readonly servicePorts?: readonly ServicePort[];
  /** Pin a client to one pod (`sessionAffinity: ClientIP`). @default false */
  readonly sessionAffinity?: boolean;
  /** @default ServiceType.CLUSTER_IP */
  readonly serviceType?: ServiceType;
  /** For NodePort and LoadBalancer Services only. @default ExternalTrafficPolicy.CLUSTER (the API's default) */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /** Client CIDRs a LoadBalancer accepts, e.g. `['203.0.113.0/24']`. @default - any address */
  readonly loadBalancerSourceRanges?: readonly string[];
  /**
   * Give a LoadBalancer node ports too (most load balancers need them); they count against `services.nodeports`.
   * @default true
   */
  readonly allocateLoadBalancerNodePorts?: boolean;
  /** Annotations on the Service (e.g. a cloud load balancer's settings); credentials are refused. @default - none */
  readonly serviceAnnotations?: Readonly<Record<string, string>>;
}

const DEFAULTS = { preStopSeconds: 5 } as const;

const WEB_SERVICE_SHAPE = extend<WebServiceProps, DeploymentWorkloadProps>(DEPLOYMENT_WORKLOAD_SHAPE, {
  servicePorts: is.list(is.props<ServicePort>({ name: is.string, port: is.number, targetPort: is.string }, ['name', 'port'])),
  sessionAffinity: is.boolean,
  serviceType: is.oneOf(Object.values(ServiceType), 'ServiceType'),
  externalTrafficPolicy: is.oneOf(Object.values(ExternalTrafficPolicy), 'ExternalTrafficPolicy'),
  loadBalancerSourceRanges: is.list(is.string),
  allocateLoadBalancerNodePorts: is.boolean,
  serviceAnnotations: is.map(is.string),
});

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
  public readonly serviceType: ServiceType;
  /** What the Service uses of the namespace's `services.loadbalancers` and `services.nodeports` quota. */
  public readonly quotaServices: { readonly loadBalancers: number; readonly nodePorts: number };

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id, (props = entered(scope, id, props, 'WebService', WEB_SERVICE_SHAPE)), 'WebService', 'web');
    const ports = this.containers[0].ports;
    this.servicePorts = props.servicePorts ?? ports.map((p) => ({ name: p.name, port: p.port }));
    this.serviceType = props.serviceType ?? ServiceType.CLUSTER_IP;
    const external = this.serviceType !== ServiceType.CLUSTER_IP;
    const lb = this.serviceType === ServiceType.LOAD_BALANCER;
    const allocate = props.allocateLoadBalancerNodePorts ?? true;
    this.quotaServices = {
      loadBalancers: lb ? 1 : 0,
      nodePorts: this.serviceType === ServiceType.NODE_PORT || (lb && allocate) ? this.servicePorts.length : 0,
    };
    this.serviceDnsName = `${this.name}.${this.namespace}.svc.cluster.local`;
    const protocolOf = new Map(ports.map((p) => [p.name, p.protocol ?? Protocol.TCP]));
    const metadata = {
      name: this.name,
      namespace: this.namespace,
      labels: this.objectLabels,
      ...(props.serviceAnnotations ? { annotations: { ...props.serviceAnnotations } } : {}),
    };
    this.service = modelObject(
      this,
      'Service',
      { model: Service, metadata, body: ['spec'] },
      () =>
        new Service({
          metadata,
          spec: {
            type: this.serviceType,
            ...(props.externalTrafficPolicy ? { externalTrafficPolicy: props.externalTrafficPolicy } : {}),
            ...(props.loadBalancerSourceRanges ? { loadBalancerSourceRanges: [...props.loadBalancerSourceRanges] } : {}),
            ...(lb && !allocate ? { allocateLoadBalancerNodePorts: false } : {}),
            selector: { ...this.serviceSelector },
            ports: this.servicePorts.map((p) => ({
              name: p.name,
              port: p.port,
              targetPort: p.targetPort ?? p.name,
              protocol: protocolOf.get(p.targetPort ?? p.name) ?? Protocol.TCP,
            })),
            ...(props.sessionAffinity ? { sessionAffinity: 'ClientIP' } : {}),
          },
        }),
    );
    // Default-deny namespaces drop traffic from outside: open the Service's ports to it.
    // Under the Cluster policy the client's address is SNATed away, so only Local can narrow the peers.
    if (external) {
      const ranges =
        props.externalTrafficPolicy === ExternalTrafficPolicy.LOCAL && props.loadBalancerSourceRanges?.length
          ? props.loadBalancerSourceRanges
          : ['0.0.0.0/0', '::/0'];
      this.allowFrom(Peer.external(`${this.name}-clients`, ranges, []), this.publishedPorts());
    }
  }

  /**
   * The container ports the Service publishes (its targetPorts), by number where
   * a container of the pod declares the name, else by name: the ports opened to
   * the Service's outside clients, never a port the Service does not publish
   * (an admin or metrics port stays closed to them).
   */
  private publishedPorts(): NetworkPort[] {
    const declared = this.containers.flatMap((c) => c.ports);
    const opened = new Map<string, NetworkPort>();
    for (const p of this.servicePorts) {
      const target = p.targetPort ?? p.name;
      const port = declared.find((d) => d.name === target);
      const open = port ? { port: port.port, protocol: port.protocol ?? Protocol.TCP } : { port: target, protocol: Protocol.TCP };
      opened.set(`${open.port}/${open.protocol}`, open);
    }
    return [...opened.values()];
  }

  /** Metrics are scraped through the Service when it publishes the port. */
  protected override metricsServicePort(portName: string): string | undefined {
    return this.servicePorts.find((p) => (p.targetPort ?? p.name) === portName)?.name;
  }

  public serviceUsage(): { loadBalancers: number; nodePorts: number } {
    return { ...this.quotaServices };
  }

  protected override validateProps(props: WebServiceProps, problems: IssueSink): void {
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
    problems.addAll(
      ...serviceTypeIssues({
        type: props.serviceType ?? ServiceType.CLUSTER_IP,
        externalTrafficPolicy: props.externalTrafficPolicy,
        loadBalancerSourceRanges: props.loadBalancerSourceRanges,
        allocateLoadBalancerNodePorts: props.allocateLoadBalancerNodePorts,
      }),
    );
    (props.loadBalancerSourceRanges ?? []).forEach((cidr, i) =>
      problems.check(!isCidr(cidr), {
        code: 'SERVICE_INVALID',
        field: `loadBalancerSourceRanges[${i}]`,
        value: cidr,
        message: 'is not a CIDR block',
        fix: "use e.g. '203.0.113.0/24' or '2001:db8::/32'",
      }),
    );
    problems.addAll(...annotationIssues('serviceAnnotations', props.serviceAnnotations));
    // The Service's ports: its own, or one per container port (whose names and numbers the container checks).
    const own = props.servicePorts;
    const containerPorts = this.containers[0]?.ports ?? [];
    const protocolOf = new Map(containerPorts.map((p) => [p.name, p.protocol ?? Protocol.TCP]));
    const rendered = (own ?? containerPorts).map((p) => ({
      name: p.name,
      port: p.port,
      protocol: protocolOf.get(('targetPort' in p ? p.targetPort : undefined) ?? p.name) ?? Protocol.TCP,
    }));
    const from = own ? 'servicePorts' : 'ports';
    problems.addAll(...servicePortIssues('PORT_INVALID', rendered, (i, key) => `${from}[${i}].${key}`, !own));
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
