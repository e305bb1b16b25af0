import { ApiObject } from 'cdk8s';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IDeploymentStrategy } from 'kubernetes-models/apps/v1/DeploymentStrategy';
import { Construct } from 'constructs';
import { IssueSink } from '../core/errors';
import { integerIssue } from '../core/value-issues';
import { exemptPolarisCheck } from '../core/metadata';
import { modelObject } from '../core/model-object';
import { Annotations } from '../core/metadata';
import { IVerticallyScalable } from '../policy/vertical-autoscaler';
import {
  AutoscalingProps,
  ResolvedAutoscaling,
  ScalingPolicy,
  ScalingRules,
  ScalingSelectPolicy,
  createAutoscaler,
  resolveAutoscaling,
} from '../policy/autoscaling';
import { PodCount, PodDisruptionBudget } from '../policy/pod-disruption-budget';
import { Color, Release } from './release';
import { extend, is } from '../core/shape';
import { Duration } from 'cdk8s';
import { HpaMetric } from '../policy/autoscaling';
import { WORKLOAD_SHAPE, Workload, WorkloadProps } from './workload';

/** Props shared by Deployment-based workloads (WebService, Worker). */
export interface DeploymentWorkloadProps extends WorkloadProps {
  /** Fixed replica count; not with `autoscaling`. @default 2 */
  readonly replicas?: number;
  /** Horizontal autoscaling; the Deployment's `replicas` is then omitted. @default - fixed replicas */
  readonly autoscaling?: AutoscalingProps;
  /**
   * Disruption budget; `false` for none.
   * @default { maxUnavailable: 1 }
   */
  readonly disruptionBudget?: { readonly minAvailable?: PodCount; readonly maxUnavailable?: PodCount } | false;
  /** How new versions roll out. @default Release.rolling() — maxUnavailable 0, maxSurge 25% */
  readonly release?: Release;
}

// autoscaling validation validateScalingRules/validateScalingPolicy: the select policy and policy type are enums.
const SCALING_RULES = is.props<ScalingRules>({
  stabilizationWindow: is.instance(Duration),
  policies: is.list(
    is.props<ScalingPolicy>(
      { type: is.oneOf(['Pods', 'Percent'], 'ScalingPolicy type'), value: is.number, period: is.instance(Duration) },
      ['type', 'value', 'period'],
    ),
  ),
  selectPolicy: is.oneOf(Object.values(ScalingSelectPolicy), 'ScalingSelectPolicy'),
});

/** The shape of `DeploymentWorkloadProps`. */
export const DEPLOYMENT_WORKLOAD_SHAPE = extend<DeploymentWorkloadProps, WorkloadProps>(WORKLOAD_SHAPE, {
  replicas: is.number,
  autoscaling: is.props<AutoscalingProps>({
    minReplicas: is.number,
    maxReplicas: is.number,
    cpuUtilization: is.number,
    memoryUtilization: is.number,
    scaleUpStabilization: is.instance(Duration),
    scaleDownStabilization: is.instance(Duration),
    metrics: is.list(is.instance(HpaMetric)),
    behavior: is.props<NonNullable<AutoscalingProps['behavior']>>({ scaleUp: SCALING_RULES, scaleDown: SCALING_RULES }),
  }),
  disruptionBudget: is.either(
    is.oneOf([false], 'false'),
    is.props<Exclude<DeploymentWorkloadProps['disruptionBudget'], false | undefined>>({ minAvailable: is.any, maxUnavailable: is.any }),
  ),
  release: is.instance(Release),
});

interface Track {
  readonly deploymentName: string;
  readonly labels: Record<string, string>;
  readonly replicas: number | undefined;
  readonly maxReplicas: number;
  /** The replica count the template's spread is planned for (a blue/green colour: the active one's, whichever is active). */
  readonly spreadReplicas: number;
  readonly image?: string;
  readonly primary: boolean;
}

const TRACK_LABEL = Annotations.RELEASE_TRACK;
const COLOR_LABEL = 'cluster-blueprints.io/release-color';

/** Deployment + optional HPA + PDB, with release strategies. */
export abstract class DeploymentWorkload extends Workload implements IVerticallyScalable {
  /** The Deployment that serves (for canary: the stable one; for blue/green: the active colour). */
  public readonly deployment: ApiObject;
  /** Every Deployment of the workload (two for canary and blue/green). */
  public readonly deployments: readonly ApiObject[];
  public readonly autoscaler?: ApiObject;
  public readonly disruptionBudget?: PodDisruptionBudget;
  public readonly release: Release;
  /** Fixed replicas, or undefined when autoscaled. */
  public readonly replicas?: number;
  public readonly autoscaling?: ResolvedAutoscaling;
  /** Labels the Service selects (for blue/green: the active colour only). */
  public readonly serviceSelector: Readonly<Record<string, string>>;
  private readonly tracks: Track[];

  protected constructor(scope: Construct, id: string, props: DeploymentWorkloadProps, typeName: string, component: string) {
    super(scope, id, props, typeName, component);
    props = this.props as DeploymentWorkloadProps; // the entry's frozen snapshot: the caller's object is not read again
    this.release = props.release ?? Release.rolling();
    if (props.autoscaling) this.autoscaling = resolveAutoscaling(props.autoscaling).resolved;
    else this.replicas = props.replicas ?? 2;

    this.tracks = this.planTracks();
    const release = this.release.options;
    this.serviceSelector = release.kind === 'blue-green' ? { ...this.podSelector, [COLOR_LABEL]: release.active } : this.podSelector;
    const deployments = this.tracks.map((t) => this.createDeployment(t));
    this.deployments = deployments;
    this.deployment = deployments[this.tracks.findIndex((t) => t.primary)];
    // The escape hatch: `node.defaultChild` is the serving Deployment, though its id is not 'Resource' (ids are names).
    this.node.defaultChild = this.deployment;
    if (this.autoscaling) {
      const primary = this.tracks.find((t) => t.primary)!;
      this.autoscaler = createAutoscaler(
        this,
        'Autoscaler',
        { name: primary.deploymentName, namespace: this.namespace, labels: this.objectLabels },
        this.autoscaling,
      );
      // Polaris' hpaMinAvailability wants minReplicas ≥ 2: one, declared with a reason or outside production, is a choice (declaresOnePod).
      if (this.declaresOnePod(this.autoscaling.minReplicas)) exemptPolarisCheck(this.autoscaler, 'hpaMinAvailability');
    }
    this.disruptionBudget = this.createDisruptionBudget(props.disruptionBudget);
  }

  protected override validateProps(props: DeploymentWorkloadProps, problems: IssueSink): void {
    super.validateProps(props, problems);
    const release = props.release ?? Release.rolling();
    for (const issue of release.issues()) problems.add(issue);
    if (props.autoscaling) {
      problems.check(props.replicas !== undefined, {
        code: 'REPLICAS_INVALID',
        field: 'replicas',
        value: props.replicas,
        message: 'is set together with autoscaling, which owns the replica count',
        fix: 'remove replicas and set autoscaling.minReplicas',
      });
      resolveAutoscaling(props.autoscaling).issues.forEach((i) => problems.add(i));
    } else {
      const replicas = props.replicas ?? 2;
      const fix = 'use 2 or more for availability (1 where a dev cluster allows)';
      problems.addAll(integerIssue('REPLICAS_INVALID', 'replicas', replicas, { min: 1, max: 1000 }, fix));
    }
  }

  public get scaleTarget() {
    return { apiVersion: 'apps/v1', kind: 'Deployment', name: this.tracks.find((t) => t.primary)!.deploymentName };
  }

  public get horizontalResourceMetrics(): string[] {
    const a = this.autoscaling;
    return a ? [...(a.cpuUtilization !== undefined ? ['cpu'] : []), ...(a.memoryUtilization !== undefined ? ['memory'] : [])] : [];
  }

  public get minReplicas(): number {
    return this.tracks.reduce((n, t) => n + (t.replicas ?? this.autoscaling!.minReplicas), 0);
  }

  public get maxPods(): number {
    return this.tracks.reduce((n, t) => n + t.maxReplicas + this.release.surge(t.maxReplicas), 0);
  }

  private planTracks(): Track[] {
    const top = this.autoscaling?.maxReplicas ?? this.replicas!;
    const main = { replicas: this.replicas, maxReplicas: top, spreadReplicas: top };
    const r = this.release.options;
    if (r.kind === 'canary') {
      // The stable track is the Deployment the workload runs without a release, unchanged: a Deployment's
      // selector is immutable (apps ValidateDeploymentUpdate), so starting or ending a canary must not touch
      // it, and an unchanged template does not roll the stable pods either. Only the canary's pods carry the
      // track label; the stable selector also matches them, but each ReplicaSet is claimed by its owner
      // (ControllerRef) and selects its own pod-template-hash, so the two Deployments never fight.
      return [
        { deploymentName: this.name, labels: {}, ...main, primary: true },
        {
          deploymentName: `${this.name}-canary`,
          labels: { [TRACK_LABEL]: 'canary' },
          replicas: r.replicas,
          maxReplicas: r.replicas,
          spreadReplicas: r.replicas,
          image: r.image,
          primary: false,
        },
      ];
    }
    if (r.kind === 'blue-green') {
      const idle = r.idleReplicas ?? (r.idleImage ? (this.replicas ?? this.autoscaling!.minReplicas) : 0);
      // Both colours spread as the active one does: a template that followed the idle count would change at
      // each switch and roll the pods that were kept warm to take over.
      return [Color.BLUE, Color.GREEN].map((c) =>
        c === r.active
          ? { deploymentName: `${this.name}-${c}`, labels: { [COLOR_LABEL]: c }, ...main, primary: true }
          : {
              deploymentName: `${this.name}-${c}`,
              labels: { [COLOR_LABEL]: c },
              replicas: idle,
              maxReplicas: idle,
              spreadReplicas: top,
              image: r.idleImage,
              primary: false,
            },
      );
    }
    return [{ deploymentName: this.name, labels: {}, ...main, primary: true }];
  }

  private createDeployment(t: Track): ApiObject {
    const id = t.deploymentName === this.name ? 'Deployment' : `Deployment-${t.deploymentName.slice(this.name.length + 1)}`;
    const r = this.release.options;
    const strategy: IDeploymentStrategy =
      r.kind === 'recreate'
        ? { type: 'Recreate' }
        : {
            type: 'RollingUpdate',
            rollingUpdate:
              r.kind === 'rolling' ? { maxSurge: r.maxSurge, maxUnavailable: r.maxUnavailable } : { maxSurge: '25%', maxUnavailable: 0 },
          };
    const autoscaled = t.primary && this.autoscaling !== undefined;
    const metadata = { name: t.deploymentName, namespace: this.namespace, labels: { ...this.objectLabels, ...t.labels } };
    const deployment = modelObject(
      this,
      id,
      { model: Deployment, metadata, body: ['spec'] },
      () =>
        new Deployment({
          metadata,
          spec: {
            ...(autoscaled ? {} : { replicas: t.replicas }),
            revisionHistoryLimit: 5,
            selector: { matchLabels: { ...this.podSelector, ...t.labels } },
            strategy,
            template: this.podTemplate(t.spreadReplicas, t.labels, { image: t.image }),
          },
        }),
    );
    // The HorizontalPodAutoscaler owns the replica count: spec.replicas is left out so that every apply does not reset
    // it to a fixed number (kube-score's deployment-targeted-by-hpa-does-not-have-replicas-configured wants it out).
    // Polaris' deploymentMissingReplicas reads a missing count as a single replica, which it is not while the HPA keeps
    // minReplicas ≥ 2 running. With minReplicas 1 the single replica is real, and so is the finding: no exemption, nor
    // for a Deployment with a fixed count (which Polaris judges itself). Polaris reads no reason: it is this comment.
    if (autoscaled && this.autoscaling!.minReplicas >= 2) exemptPolarisCheck(deployment, 'deploymentMissingReplicas');
    // A canary or an idle colour runs one pod (or none) on purpose: the stable or active track carries the availability,
    // and one pod has nothing to spread. Polaris' deploymentMissingReplicas and topologySpreadConstraint judge each
    // Deployment alone; the primary track is still judged.
    if (!t.primary && (t.replicas ?? 0) < 2) {
      exemptPolarisCheck(deployment, 'deploymentMissingReplicas');
      exemptPolarisCheck(deployment, 'topologySpreadConstraint');
    }
    // The serving track declared with one pod (replicas, or the autoscaler's minReplicas) with a singletonReason, or
    // outside production: a choice production's two-pod minimum (HA_SINGLE_REPLICA) accepts or does not judge
    // (declaresOnePod). Its pods spread only when the autoscaler may add a second (spreadReplicas ≥ 2); then the check
    // passes without exemption.
    if (t.primary && this.declaresOnePod(t.replicas ?? this.autoscaling!.minReplicas)) {
      exemptPolarisCheck(deployment, 'deploymentMissingReplicas');
      if (t.spreadReplicas < 2) exemptPolarisCheck(deployment, 'topologySpreadConstraint');
    }
    return deployment;
  }
}
