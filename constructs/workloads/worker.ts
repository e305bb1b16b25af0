import { Construct } from 'constructs';
import { entered } from '../core/shape';
import { DEPLOYMENT_WORKLOAD_SHAPE, DeploymentWorkload, DeploymentWorkloadProps } from './deployment-workload';

/** Props of a `Worker`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- a named props type per construct, ready for Worker-only props
export interface WorkerProps extends DeploymentWorkloadProps {}

/**
 * A Deployment without a Service (queue consumers, background processors),
 * with the same defaults as `WebService`: restricted security, spread,
 * disruption budget, optional autoscaling.
 */
export class Worker extends DeploymentWorkload {
  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id, entered(scope, id, props, 'Worker', DEPLOYMENT_WORKLOAD_SHAPE), 'Worker', 'worker');
  }
}
