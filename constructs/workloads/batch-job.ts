import { ApiObject, Duration } from 'cdk8s';
import { createHash } from 'crypto';
import { Construct } from 'constructs';
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import { Job } from 'kubernetes-models/batch/v1/Job';
import type { IPodTemplateSpec } from 'kubernetes-models/v1';
import { IssueInput, IssueSink, Problems } from '../core/errors';
import { INT64_MAX_SAFE, integerIssue } from '../core/value-issues';
import { exemptPolarisCheck, ignoreKubeLinterCheck } from '../core/metadata';
import { modelObject } from '../core/model-object';
import { entered, extend, is } from '../core/shape';
import { WORKLOAD_SHAPE, Workload, WorkloadProps } from './workload';
import { secondsOf } from '../core/duration';
import { derivedNameIssue } from '../core/names';

/** Restart policy of job pods (`Always` is not allowed for jobs). */
export enum JobRestartPolicy {
  /** A failed pod is replaced by a new one (counted against backoffLimit). */
  NEVER = 'Never',
  /** The failed container restarts in the same pod. */
  ON_FAILURE = 'OnFailure',
}

/** The three job patterns, as a typed choice. */
export class JobPattern {
  /** One pod, run to completion. */
  public static single(): JobPattern {
    return new JobPattern('single', 1, 1);
  }
  /**
   * `completions` successful pods in all, up to `parallelism` at a time (the Job
   * controller never runs more pods than completions remain, so a parallelism
   * above `completions` runs `completions` at once).
   */
  public static fixedCompletions(completions: number, parallelism = 1): JobPattern {
    return new JobPattern('fixed', completions, parallelism);
  }
  /** `parallelism` workers draining a queue; done when one succeeds and all exit (no `completions`). */
  public static workQueue(parallelism: number): JobPattern {
    return new JobPattern('queue', undefined, parallelism);
  }
  private constructor(
    public readonly kind: 'single' | 'fixed' | 'queue',
    public readonly completions: number | undefined,
    public readonly parallelism: number,
  ) {}

  public issues(): IssueInput[] {
    const out: IssueInput[] = [];
    // Both are int32 (batch validation ValidateJobSpec).
    const completions = integerIssue(
      'JOB_INVALID',
      'pattern.completions',
      this.completions,
      { min: 1 },
      'count the pods that must succeed',
    );
    if (completions) out.push(completions);
    const parallelism = integerIssue('JOB_INVALID', 'pattern.parallelism', this.parallelism, { min: 1 }, 'run at least one pod at a time');
    if (parallelism) out.push(parallelism);
    return out;
  }
}

/** The most pods the Job controller runs at once: `parallelism`, but never more than `completions` (the spec keeps both as given). */
function podsAtOnce(pattern: JobPattern): number {
  return pattern.completions === undefined ? pattern.parallelism : Math.min(pattern.parallelism, pattern.completions);
}

/** Props shared by `BatchJob` and `ScheduledJob`. */
export interface JobProps extends WorkloadProps {
  /** @default JobPattern.single() */
  readonly pattern?: JobPattern;
  /** Retries before the job fails. @default 3 */
  readonly backoffLimit?: number;
  /** Kill the job after this long. @default - no deadline */
  readonly activeDeadline?: Duration;
  /**
   * Delete the finished job (and its pods) after this long. Not with a GitOps tool that re-creates what is
   * missing (Argo CD self-heal): the deleted Job would come back and run again.
   * @default - none: a ScheduledJob's history limits keep its last runs; a BatchJob stays until a field
   * the API server cannot update (its pod template, completions) changes, when its name changes and the old one is pruned
   */
  readonly ttlAfterFinished?: Duration;
  /** @default JobRestartPolicy.NEVER */
  readonly restartPolicy?: JobRestartPolicy;
}

/** The shape of `JobProps`. */
export const JOB_SHAPE = extend<JobProps, WorkloadProps>(WORKLOAD_SHAPE, {
  pattern: is.instance(JobPattern),
  backoffLimit: is.number,
  activeDeadline: is.instance(Duration),
  ttlAfterFinished: is.instance(Duration),
  restartPolicy: is.string,
});

/** Hex characters of the spec hash that ends a BatchJob's Job name (with the '-', 11 more than the name). */
const SPEC_HASH_LENGTH = 10;

/** JSON with every object's keys sorted, `undefined` dropped: the same spec always gives the same text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, (v as Record<string, unknown>)[k]]),
        )
      : v,
  );
}

/**
 * The Job spec fields an update may not change (batch validation ValidateJobSpecUpdate, 1.28): completions
 * (for an Indexed Job only together with parallelism, still a change of what the Job runs), selector, the pod
 * template, completionMode, podFailurePolicy and backoffLimitPerIndex. parallelism, backoffLimit,
 * activeDeadlineSeconds, ttlSecondsAfterFinished, manualSelector, maxFailedIndexes and suspend are mutable.
 */
const IMMUTABLE_JOB_FIELDS = ['completions', 'selector', 'template', 'completionMode', 'podFailurePolicy', 'backoffLimitPerIndex'] as const;

/**
 * The first SPEC_HASH_LENGTH hex characters of the sha256 of a Job spec's immutable fields: a change the API server
 * would refuse as an update is a new Job, a change it accepts (a TTL, a deadline, retries, parallelism) keeps the
 * name, so the deploy tool patches the Job in place and a finished run does not run again. ConfigMap content
 * reaches the hash through the template's config-hash annotation.
 */
function specHash(spec: IJobSpec): string {
  // The API server defaults an absent completionMode to NonIndexed (SetDefaults_Job): the same Job to it.
  const immutable = Object.fromEntries(IMMUTABLE_JOB_FIELDS.map((k) => [k, spec[k]]));
  immutable.completionMode ??= 'NonIndexed';
  return createHash('sha256').update(canonicalJson(immutable)).digest('hex').slice(0, SPEC_HASH_LENGTH);
}

/** What BatchJob and ScheduledJob share: a pattern and a job spec. */
export abstract class JobWorkload extends Workload {
  public readonly pattern: JobPattern;

  protected constructor(scope: Construct, id: string, props: JobProps, typeName: string, component: string) {
    super(scope, id, props, typeName, component);
    props = this.props as JobProps; // the entry's frozen snapshot: the caller's object is not read again
    this.pattern = props.pattern ?? JobPattern.single();
  }

  /** Jobs run to completion: no liveness required. */
  protected get longRunning(): boolean {
    return false;
  }

  public get maxPods(): number {
    return podsAtOnce(this.pattern);
  }
  public get minReplicas(): number {
    return 0;
  }

  protected override validateProps(props: JobProps, problems: IssueSink): void {
    super.validateProps(props, problems);
    // A ScheduledJob's own limit (its CronJob's) is the same 52 and checked there.
    if (this instanceof BatchJob) problems.addAll(derivedNameIssue('Job', 'name', this.name));
    jobSpec(props, problems, () => ({}));
  }

  /**
   * The producer of the Job spec (props were validated by `validateProps`);
   * `defaultTtlSeconds` applies when `ttlAfterFinished` is not given (undefined: no TTL).
   */
  protected jobSpec(props: JobProps, defaultTtlSeconds: number | undefined): () => IJobSpec {
    return jobSpec(
      props,
      new Problems(this, this.typeName),
      (restart, parallelism) => this.podTemplate(parallelism, {}, { restartPolicy: restart }),
      defaultTtlSeconds,
    );
  }
}

function jobSpec(
  props: JobProps,
  problems: IssueSink,
  template: (restart: JobRestartPolicy, parallelism: number) => IPodTemplateSpec,
  defaultTtlSeconds?: number,
): () => IJobSpec {
  const pattern = props.pattern ?? JobPattern.single();
  pattern.issues().forEach((i) => problems.add(i));
  const backoffLimit = props.backoffLimit ?? 3;
  problems.addAll(integerIssue('JOB_INVALID', 'backoffLimit', backoffLimit, { min: 0 }, 'use e.g. 3'));
  const seconds = (d: Duration | undefined) => (d === undefined ? undefined : Math.ceil(secondsOf(d)));
  const deadline = seconds(props.activeDeadline);
  // activeDeadlineSeconds is an int64 ≥ 1; ttlSecondsAfterFinished an int32 ≥ 0 (batch validation ValidateJobSpec).
  problems.addAll(
    integerIssue('JOB_INVALID', 'activeDeadline', deadline, { min: 1, max: INT64_MAX_SAFE }, 'give the job time to run, in seconds'),
  );
  problems.addAll(
    integerIssue('JOB_INVALID', 'ttlAfterFinished', seconds(props.ttlAfterFinished), { min: 0 }, 'use e.g. Duration.days(1)'),
  );
  const restart = props.restartPolicy ?? JobRestartPolicy.NEVER;
  problems.check(!Object.values(JobRestartPolicy).includes(restart), {
    code: 'JOB_INVALID',
    field: 'restartPolicy',
    value: restart,
    message: 'must be Never or OnFailure for a job',
    fix: 'use JobRestartPolicy.NEVER or JobRestartPolicy.ON_FAILURE',
  });
  const ttl = seconds(props.ttlAfterFinished) ?? defaultTtlSeconds;
  return () => ({
    ...(pattern.completions !== undefined ? { completions: pattern.completions } : {}),
    parallelism: pattern.parallelism,
    ...(pattern.kind === 'fixed' ? { completionMode: 'NonIndexed' } : {}),
    backoffLimit,
    ...(deadline !== undefined ? { activeDeadlineSeconds: deadline } : {}),
    ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}),
    template: template(restart, podsAtOnce(pattern)),
  });
}

/**
 * A Job: single pod, fixed completion count, or work queue, with retries and
 * a deadline. The Job is named `<name>-<hash of its immutable spec fields>`: a
 * Job's pod template, completions and completion mode are immutable (batch
 * ValidateJobSpecUpdate), so a change to them (a new image, env, config) is a
 * new Job, which runs once, while the old one is pruned by the deploy tool; a
 * change to a mutable field (ttlAfterFinished, activeDeadline, backoffLimit,
 * parallelism) updates the Job in place, and an unchanged spec keeps the name:
 * neither runs it again. No TTL by default: a GitOps tool would re-create the deleted Job.
 */
export class BatchJob extends JobWorkload {
  public readonly job: ApiObject;

  constructor(scope: Construct, id: string, props: JobProps) {
    super(scope, id, (props = entered(scope, id, props, 'BatchJob', JOB_SHAPE)), 'BatchJob', 'batch');
    const spec = this.jobSpec(props, undefined);
    this.job = modelObject(
      this,
      'Resource',
      { model: Job, metadata: this.objectMetadata, body: ['spec'] },
      (metadata) => new Job({ metadata, spec: spec() }),
    );
    // The spec is final only at render (env, mounts and init containers can still be added), so the name is
    // read from it whenever asked: `job.name` and the rendered metadata.name are always the hash of what renders.
    const name = () => `${this.name}-${specHash(spec())}`;
    for (const target of [this.job, this.job.metadata]) Object.defineProperty(target, 'name', { get: name, enumerable: true });
    // Polaris' metadataAndInstanceMismatched wants app.kubernetes.io/instance to be metadata.name. The name carries the
    // spec's hash, which covers the pod labels: the instance cannot hold it, and it stays the workload's name, which
    // every revision of the Job shares and its NetworkPolicies and monitors select on. Polaris reads no reason: it is this comment.
    exemptPolarisCheck(this.job, 'metadataAndInstanceMismatched');
    // Without ttlAfterFinished the Job keeps no TTL on purpose (see ttlAfterFinished): a deploy tool that re-creates
    // what is missing (Argo CD self-heal) would run a TTL-deleted Job again. kube-linter's job-ttl-seconds-after-finished
    // wants one on every standalone Job; a Job given a TTL is not exempt.
    if (props.ttlAfterFinished === undefined)
      ignoreKubeLinterCheck(
        this.job,
        'job-ttl-seconds-after-finished',
        'no TTL on purpose: a GitOps tool that re-creates missing objects (Argo CD self-heal) would run a TTL-deleted Job again; the Job is replaced when its spec changes, and the old one pruned',
      );
  }
}
