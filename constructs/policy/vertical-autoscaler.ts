import { enter, is } from '../core/shape';
import { Construct, IConstruct } from 'constructs';
import {
  VerticalPodAutoscaler,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMaxAllowed as MaxAllowed,
  VerticalPodAutoscalerSpecResourcePolicyContainerPoliciesMinAllowed as MinAllowed,
  VerticalPodAutoscalerSpecUpdatePolicyUpdateMode,
} from '../../imports/autoscaling.k8s.io';
import { componentLabels } from '../core/metadata';
import { ComputeResources, ResolvedCompute, resolveCompute } from '../core/resources';

/** How the VPA applies its recommendations. */
export enum VpaUpdateMode {
  /** Recommend only (read them with `kubectl describe vpa`): the safe start. */
  OFF = 'Off',
  /** Set requests when pods are created. */
  INITIAL = 'Initial',
  /** Evict pods to apply new requests. */
  RECREATE = 'Recreate',
  /** Currently the same as Recreate. */
  AUTO = 'Auto',
}

/** A workload a VPA can target. */
export interface IVerticallyScalable extends IConstruct {
  readonly name: string;
  readonly namespace: string;
  /** The controller object, e.g. `apps/v1 Deployment web`. */
  readonly scaleTarget: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  /** Resource metrics an HPA scales it on (`cpu`, `memory`), if any. */
  readonly horizontalResourceMetrics: readonly string[];
}

/** Props of a `VerticalAutoscaler`. */
export interface VerticalAutoscalerProps {
  readonly target: IVerticallyScalable;
  /** @default VpaUpdateMode.OFF — recommendation mode */
  readonly updateMode?: VpaUpdateMode;
  /** Never recommend less. @default - no floor */
  readonly minAllowed?: ComputeResources;
  /** Never recommend more. @default - no ceiling */
  readonly maxAllowed?: ComputeResources;
}

function quantities<T>(r: ResolvedCompute, make: (v: string) => T): Record<string, T> | undefined {
  const out: Record<string, T> = {};
  if (r.cpu) out.cpu = make(r.cpu.toString());
  if (r.memory) out.memory = make(r.memory.toString());
  return Object.keys(out).length ? out : undefined;
}

/** The shape of the props (checked at entry). */
const VERTICAL_AUTOSCALER_SHAPE = is.props<VerticalAutoscalerProps>(
  {
    target: is.object(
      { name: is.string, namespace: is.string, scaleTarget: is.object({}), horizontalResourceMetrics: is.list(is.string) },
      ['name', 'namespace', 'scaleTarget', 'horizontalResourceMetrics'],
    ),
    updateMode: is.oneOf(Object.values(VpaUpdateMode), 'VpaUpdateMode'),
    minAllowed: is.props<ComputeResources>({ cpu: is.any, memory: is.any }),
    maxAllowed: is.props<ComputeResources>({ cpu: is.any, memory: is.any }),
  },
  ['target'],
);

/**
 * A VerticalPodAutoscaler (`autoscaling.k8s.io/v1`, typed from its CRD by
 * `cdk8s import`), in recommendation mode by default. Requires the VPA
 * components in the cluster.
 */
export class VerticalAutoscaler extends Construct {
  public readonly updateMode: VpaUpdateMode;
  public readonly apiObject: VerticalPodAutoscaler;

  constructor(scope: Construct, id: string, props: VerticalAutoscalerProps) {
    const problems = enter(scope, id, props, 'VerticalAutoscaler', VERTICAL_AUTOSCALER_SHAPE);
    super(scope, id);
    this.updateMode = props.updateMode ?? VpaUpdateMode.OFF;
    const min = resolveCompute(problems, 'minAllowed', props.minAllowed);
    const max = resolveCompute(problems, 'maxAllowed', props.maxAllowed);
    for (const r of ['cpu', 'memory'] as const) {
      const lo = min[r];
      const hi = max[r];
      if (lo && hi && lo.gt(hi as never))
        problems.add({
          code: 'VPA_INVALID',
          field: `minAllowed.${r}`,
          value: lo.toString(),
          message: `is above maxAllowed.${r} (${hi})`,
          fix: 'keep minAllowed ≤ maxAllowed',
        });
    }
    problems.throwIfAny();
    const t = props.target;
    const minAllowed = quantities(min, MinAllowed.fromString);
    const maxAllowed = quantities(max, MaxAllowed.fromString);
    const policy = { containerName: '*', ...(minAllowed ? { minAllowed } : {}), ...(maxAllowed ? { maxAllowed } : {}) };
    this.apiObject = new VerticalPodAutoscaler(this, 'Resource', {
      metadata: { name: t.name, namespace: t.namespace, labels: componentLabels({ name: t.name, component: 'vertical-autoscaler' }) },
      spec: {
        targetRef: { ...t.scaleTarget },
        updatePolicy: { updateMode: this.updateMode as unknown as VerticalPodAutoscalerSpecUpdatePolicyUpdateMode },
        ...(policy.minAllowed || policy.maxAllowed ? { resourcePolicy: { containerPolicies: [policy] } } : {}),
      },
    });
  }
}
