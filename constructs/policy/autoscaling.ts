import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { IssueInput } from '../core/errors';

/** Horizontal autoscaling of a workload. @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/ */
export interface AutoscalingProps {
  /** @default 2 (one replica cannot survive a node drain without downtime) */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  /** Target average CPU use, % of the request. @default 70 when no metric is given */
  readonly cpuUtilization?: number;
  /** Target average memory use, % of the request. @default - none */
  readonly memoryUtilization?: number;
  /** How long to wait before scaling up again. @default Duration.seconds(0) */
  readonly scaleUpStabilization?: Duration;
  /** How long load must stay low before scaling down (anti-thrashing). @default Duration.minutes(5) */
  readonly scaleDownStabilization?: Duration;
}

/** Autoscaling with defaults filled. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
  readonly scaleUpStabilizationSeconds: number;
  readonly scaleDownStabilizationSeconds: number;
}

export function resolveAutoscaling(p: AutoscalingProps): { resolved: ResolvedAutoscaling; issues: IssueInput[] } {
  const issues: IssueInput[] = [];
  const min = p.minReplicas ?? 2;
  const int = (v: number, lo: number) => Number.isSafeInteger(v) && v >= lo;
  if (!int(min, 1))
    issues.push({
      code: 'HPA_INVALID',
      field: 'autoscaling.minReplicas',
      value: min,
      message: 'must be an integer ≥ 1',
      fix: 'use 2 or more for availability',
    });
  if (!int(p.maxReplicas, 1) || p.maxReplicas < min)
    issues.push({
      code: 'HPA_INVALID',
      field: 'autoscaling.maxReplicas',
      value: p.maxReplicas,
      message: `must be an integer ≥ minReplicas (${min})`,
      fix: 'raise maxReplicas',
    });
  const noMetric = p.cpuUtilization === undefined && p.memoryUtilization === undefined;
  const cpu = noMetric ? 70 : p.cpuUtilization;
  for (const [field, v] of [
    ['cpuUtilization', cpu],
    ['memoryUtilization', p.memoryUtilization],
  ] as const) {
    if (v !== undefined && (!int(v, 1) || v > 1000))
      issues.push({
        code: 'HPA_INVALID',
        field: `autoscaling.${field}`,
        value: v,
        message: 'must be a whole percentage of the request from 1 to 1000',
        fix: 'use e.g. 70',
      });
  }
  return {
    resolved: {
      minReplicas: min,
      maxReplicas: p.maxReplicas,
      cpuUtilization: cpu,
      memoryUtilization: p.memoryUtilization,
      scaleUpStabilizationSeconds: Math.ceil((p.scaleUpStabilization?.toMilliseconds() ?? 0) / 1000),
      scaleDownStabilizationSeconds: Math.ceil((p.scaleDownStabilization?.toMilliseconds() ?? 300_000) / 1000),
    },
    issues,
  };
}

/** Renders an `autoscaling/v2` HorizontalPodAutoscaler for a Deployment. */
export function createAutoscaler(
  scope: Construct,
  id: string,
  target: { name: string; namespace: string; labels: Record<string, string> },
  a: ResolvedAutoscaling,
): ApiObject {
  const metrics = [
    ...(a.cpuUtilization !== undefined
      ? [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuUtilization } } }]
      : []),
    ...(a.memoryUtilization !== undefined
      ? [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: a.memoryUtilization } } }]
      : []),
  ];
  return new ApiObject(scope, id, {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: target.name, namespace: target.namespace, labels: target.labels },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target.name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics,
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: a.scaleUpStabilizationSeconds,
          selectPolicy: 'Max',
          policies: [
            { type: 'Percent', value: 100, periodSeconds: 15 },
            { type: 'Pods', value: 4, periodSeconds: 15 },
          ],
        },
        scaleDown: {
          stabilizationWindowSeconds: a.scaleDownStabilizationSeconds,
          selectPolicy: 'Max',
          policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
        },
      },
    },
  });
}
