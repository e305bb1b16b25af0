import { Construct } from 'constructs';
import { Probe, TeamNamespace, WebService } from '../../constructs';

/** Props of `HpaExample`. */
export interface HpaExampleProps {
  readonly namespace: TeamNamespace;
  /** @default 10 */
  readonly maxReplicas?: number;
  /**
   * The notes use the untagged `k8s.gcr.io/hpa-example`; pin what you verified.
   * @default 'registry.k8s.io/hpa-example:1.0'
   */
  readonly image?: string;
}

/**
 * hpa-example (003 §4-10): a 200m CPU request and an HPA that targets 50%
 * CPU (i.e. 100m per pod) between 1 and 10 replicas.
 */
export class HpaExample extends Construct {
  public readonly service: WebService;

  constructor(scope: Construct, id: string, props: HpaExampleProps) {
    super(scope, id);
    this.service = new WebService(this, 'Service', {
      namespace: props.namespace,
      name: 'hpa-example',
      image: props.image ?? 'registry.k8s.io/hpa-example:1.0',
      ports: [{ name: 'http', port: 80 }],
      resources: { requests: { cpu: '200m', memory: '64Mi' }, limits: { cpu: '400m', memory: '128Mi' } },
      autoscaling: { minReplicas: 1, maxReplicas: props.maxReplicas ?? 10, cpuUtilization: 50 },
      readiness: Probe.http('/', 'http'),
    });
  }
}
