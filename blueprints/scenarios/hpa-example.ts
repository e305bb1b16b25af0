import { Construct } from 'constructs';
import { Probe, TeamNamespace, WebService } from '../../constructs';
import { enter, is } from '../../constructs/core/shape';

/** Props of `HpaExample`. */
export interface HpaExampleProps {
  readonly namespace: TeamNamespace;
  /** @default 10 */
  readonly maxReplicas?: number;
  /** @default 1 (2 or more in production) */
  readonly minReplicas?: number;
  /**
   * The notes use the untagged `k8s.gcr.io/hpa-example`; pin what you verified.
   * @default 'registry.k8s.io/hpa-example:1.0'
   */
  readonly image?: string;
}

/** The shape of the props (checked at entry). */
const HPA_EXAMPLE_SHAPE = is.object(
  {
    namespace: is.instance(TeamNamespace),
    maxReplicas: is.number,
    minReplicas: is.number,
    image: is.string,
  },
  ['namespace'],
);

/**
 * hpa-example (003 §4-10): a 200m CPU request and an HPA that targets 50%
 * CPU (i.e. 100m per pod) between 1 and 10 replicas.
 *
 * The image is `php:5-apache` plus an index.php: Apache listens on 80 and
 * writes its pid and lock files under /var/run/apache2 and /var/lock/apache2
 * (it exits when it cannot), so both are scratch volumes. Run as non-root with
 * every capability dropped, it binds 80 because the pod lowers
 * `net.ipv4.ip_unprivileged_port_start` (a safe sysctl every Pod Security
 * level allows); Apache keeps running as that user instead of switching to www-data.
 */
export class HpaExample extends Construct {
  public readonly service: WebService;

  constructor(scope: Construct, id: string, props: HpaExampleProps) {
    enter(scope, id, props, 'HpaExample', HPA_EXAMPLE_SHAPE);
    super(scope, id);
    this.service = new WebService(this, 'Service', {
      namespace: props.namespace,
      name: 'hpa-example',
      image: props.image ?? 'registry.k8s.io/hpa-example:1.0',
      ports: [{ name: 'http', port: 80 }],
      resources: { requests: { cpu: '200m', memory: '64Mi' }, limits: { cpu: '400m', memory: '128Mi' } },
      autoscaling: { minReplicas: props.minReplicas ?? 1, maxReplicas: props.maxReplicas ?? 10, cpuUtilization: 50 },
      readiness: Probe.http('/', 'http'),
      liveness: Probe.tcp('http', { periodSeconds: 20 }),
      writablePaths: ['/tmp', '/var/run/apache2', '/var/lock/apache2'],
    });
  }
}
