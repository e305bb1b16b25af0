import { BlueprintError, IssueInput } from '../core/errors';
import { imageReferenceIssue, unpinnedImageIssue } from '../core/names';
import { PodCount, isValidCount, resolvePodCount } from '../policy/pod-disruption-budget';
import { checkArgs, is } from '../core/shape';
import { INT32_MAX, integerIssue, isSet } from '../core/value-issues';

/** A surge: a non-negative integer or any percentage (apimachinery IsValidPercent `^[0-9]+%$`, no 100% cap). */
function isValidSurge(v: unknown): boolean {
  // The integer of an IntOrString is an int32.
  return typeof v === 'number' ? Number.isSafeInteger(v) && v >= 0 && v <= INT32_MAX : typeof v === 'string' && /^[0-9]+%$/.test(v);
}

/**
 * What the API server refuses in a rolling update (apps
 * ValidateRollingUpdateDeployment): each of maxSurge and maxUnavailable a count
 * or IsValidPercent (^[0-9]+%$, "05%" too), only maxUnavailable held to 100% (a
 * surge of '200%' doubles the pods), and not both 0. An unset field (undefined)
 * takes the API's default of 25%. Release.rolling and the catalogue rule
 * STRATEGY_INVALID (any Deployment) share it.
 */
export function rollingUpdateIssues(maxSurge: unknown, maxUnavailable: unknown, field: string): IssueInput[] {
  const out: IssueInput[] = [];
  const zero = (v: unknown) => (typeof v === 'number' ? v === 0 : typeof v === 'string' && /^0+%?$/.test(v));
  for (const [f, v, valid] of [
    ['maxSurge', maxSurge, isValidSurge],
    ['maxUnavailable', maxUnavailable, isValidCount],
  ] as const) {
    if (isSet(v) && !valid(v))
      out.push({
        code: 'STRATEGY_INVALID',
        field: `${field}.${f}`,
        value: v,
        message: f === 'maxSurge' ? 'must be a count ≥ 0 or a percentage' : 'must be a count ≥ 0 or a percentage of at most 100%',
        fix: "use e.g. 1 or '25%'",
      });
  }
  if (isSet(maxSurge) && isSet(maxUnavailable) && zero(maxSurge) && zero(maxUnavailable))
    out.push({
      code: 'STRATEGY_INVALID',
      field: `${field}.maxSurge`,
      value: maxSurge,
      message: 'and maxUnavailable are both 0, so a rollout could never make progress (the API server refuses it)',
      fix: 'allow a surge of at least 1',
    });
  return out;
}

/** A pod count as a release takes it: a number or a percentage. */
const POD_COUNT = is.either(is.number, is.string);

/** Blue/green colours. */
export enum Color {
  BLUE = 'blue',
  GREEN = 'green',
}

/** Options of `Release.rolling()`. */
export interface RollingOptions {
  /** Extra pods during a rollout. @default '25%' */
  readonly maxSurge?: PodCount;
  /** Pods that may be unavailable during a rollout. @default 0 */
  readonly maxUnavailable?: PodCount;
}

/** Options of `Release.blueGreen()`. */
export interface BlueGreenOptions {
  /** The colour the Service selects. */
  readonly active: Color;
  /** Image of the idle colour (the next or previous version). @default - the workload's image */
  readonly idleImage?: string;
  /** Replicas of the idle colour. @default - as many as the active colour when `idleImage` is set, else 0 */
  readonly idleReplicas?: number;
}

/** Options of `Release.canary()`. */
export interface CanaryOptions {
  /** Image of the canary (the new version). */
  readonly image: string;
  /** Canary replicas. @default 1 */
  readonly replicas?: number;
}

/** A release strategy with its options resolved; `kind` tells which. */
export type ReleaseOptions =
  | ({ readonly kind: 'rolling' } & Required<RollingOptions>)
  | { readonly kind: 'recreate' }
  | ({ readonly kind: 'blue-green' } & BlueGreenOptions)
  | ({ readonly kind: 'canary' } & CanaryOptions & { readonly replicas: number });

/** How a new version reaches users. */
export class Release {
  /**
   * Rolling update; the default keeps every replica serving (`maxUnavailable: 0`)
   * and adds up to 25% surge pods, which count against the quota.
   */
  public static rolling(options: RollingOptions = {}): Release {
    checkArgs('Release.rolling', [
      'options',
      options,
      is.props<RollingOptions>({ maxSurge: POD_COUNT, maxUnavailable: POD_COUNT }),
      'optional',
    ]);
    return new Release({ kind: 'rolling', maxSurge: options.maxSurge ?? '25%', maxUnavailable: options.maxUnavailable ?? 0 });
  }
  /** Stop every old pod, then start the new ones (downtime; for apps that cannot run two versions). */
  public static recreate(): Release {
    return new Release({ kind: 'recreate' });
  }
  /**
   * Two Deployments, `<name>-blue` and `<name>-green`, behind one Service that
   * selects the `active` colour. The idle colour runs `idleImage` (the next or
   * previous version) with `idleReplicas`, ready to switch to.
   */
  public static blueGreen(options: BlueGreenOptions): Release {
    checkArgs('Release.blueGreen', [
      'options',
      options,
      is.props<BlueGreenOptions>({ active: is.oneOf(Object.values(Color), 'Color'), idleImage: is.string, idleReplicas: is.number }, [
        'active',
      ]),
    ]);
    return new Release({ ...options, kind: 'blue-green' });
  }
  /**
   * A second Deployment `<name>-canary` with the new `image`, selected by the
   * same Service: traffic splits by replica count (canary / (stable + canary)).
   */
  public static canary(options: CanaryOptions): Release {
    checkArgs('Release.canary', ['options', options, is.props<CanaryOptions>({ image: is.string, replicas: is.number }, ['image'])]);
    return new Release({ replicas: 1, ...options, kind: 'canary' });
  }
  private constructor(public readonly options: ReleaseOptions) {}

  /** Which strategy. */
  public get kind(): ReleaseOptions['kind'] {
    return this.options.kind;
  }

  /**
   * Extra pods a rollout of one Deployment of `replicas` pods may add: every strategy but recreate renders a
   * RollingUpdate (blue-green and canary tracks each surge 25%, as DeploymentWorkload renders them).
   */
  public surge(replicas: number): number {
    checkArgs('Release.surge', ['replicas', replicas, is.number]);
    // NaN gave NaN and -5 gave -1 (a percentage of it, rounded up): a count of pods is a whole number, 0 or more.
    if (!Number.isSafeInteger(replicas) || replicas < 0)
      throw new BlueprintError({
        code: 'PROPS_INVALID',
        path: '',
        construct: 'Release.surge',
        field: 'replicas',
        value: replicas,
        message: 'must be a whole number of replicas, 0 or more',
        fix: "pass the Deployment's replica count",
      });
    const o = this.options;
    if (o.kind === 'recreate') return 0;
    return resolvePodCount(o.kind === 'rolling' ? o.maxSurge : '25%', replicas);
  }

  public issues(): IssueInput[] {
    const out: IssueInput[] = [];
    const o = this.options;
    if (o.kind === 'rolling') {
      out.push(...rollingUpdateIssues(o.maxSurge, o.maxUnavailable, 'release'));
    }
    const count = (f: string, v: unknown, lo: number) => {
      const issue = integerIssue('STRATEGY_INVALID', `release.${f}`, v as number | undefined, { min: lo }, 'use a whole replica count');
      if (issue) out.push(issue);
    };
    // The second track's image is checked like the workload's own: the rule must see every image.
    if (o.kind === 'canary') {
      count('replicas', o.replicas, 1);
      for (const issue of [unpinnedImageIssue('release.image', o.image), imageReferenceIssue('release.image', o.image)])
        if (issue) out.push(issue);
    }
    if (o.kind === 'blue-green') {
      count('idleReplicas', o.idleReplicas, 0);
      if (o.idleImage !== undefined)
        for (const issue of [unpinnedImageIssue('release.idleImage', o.idleImage), imageReferenceIssue('release.idleImage', o.idleImage)])
          if (issue) out.push(issue);
    }
    return out;
  }
}
