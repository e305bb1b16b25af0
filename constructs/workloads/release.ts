import { IssueInput } from '../core/errors';
import { PodCount, resolvePodCount } from '../policy/pod-disruption-budget';

/** Blue/green colours. */
export enum Color {
  BLUE = 'blue',
  GREEN = 'green',
}

/** How a new version reaches users. */
export class Release {
  /**
   * Rolling update; the default keeps every replica serving (`maxUnavailable: 0`)
   * and adds up to 25% surge pods, which count against the quota.
   */
  public static rolling(options: { maxSurge?: PodCount; maxUnavailable?: PodCount } = {}): Release {
    return new Release('rolling', { maxSurge: options.maxSurge ?? '25%', maxUnavailable: options.maxUnavailable ?? 0 });
  }
  /** Stop every old pod, then start the new ones (downtime; for apps that cannot run two versions). */
  public static recreate(): Release {
    return new Release('recreate', {});
  }
  /**
   * Two Deployments, `<name>-blue` and `<name>-green`, behind one Service that
   * selects the `active` colour. The idle colour runs `idleImage` (the next or
   * previous version) with `idleReplicas`, ready to switch to.
   */
  public static blueGreen(options: { active: Color; idleImage?: string; idleReplicas?: number }): Release {
    return new Release('blue-green', options);
  }
  /**
   * A second Deployment `<name>-canary` with the new `image`, selected by the
   * same Service: traffic splits by replica count (canary / (stable + canary)).
   */
  public static canary(options: { image: string; replicas?: number }): Release {
    return new Release('canary', { replicas: 1, ...options });
  }
  private constructor(
    public readonly kind: 'rolling' | 'recreate' | 'blue-green' | 'canary',
    public readonly options: Record<string, any>,
  ) {}

  /** Extra pods a rollout of `replicas` pods may add. */
  public surge(replicas: number): number {
    if (this.kind !== 'rolling' && this.kind !== 'canary') return 0;
    return resolvePodCount(this.kind === 'rolling' ? this.options.maxSurge : '25%', replicas);
  }

  public issues(): IssueInput[] {
    const out: IssueInput[] = [];
    if (this.kind === 'rolling') {
      const { maxSurge, maxUnavailable } = this.options;
      const zero = (v: PodCount) => v === 0 || v === '0%';
      for (const [f, v] of [
        ['maxSurge', maxSurge],
        ['maxUnavailable', maxUnavailable],
      ] as const) {
        if (!(typeof v === 'number' ? Number.isSafeInteger(v) && v >= 0 : /^(100|[1-9]?\d)%$/.test(v)))
          out.push({
            code: 'STRATEGY_INVALID',
            field: `release.${f}`,
            value: v,
            message: 'must be a count ≥ 0 or a percentage',
            fix: "use e.g. 1 or '25%'",
          });
      }
      if (zero(maxSurge) && zero(maxUnavailable))
        out.push({
          code: 'STRATEGY_INVALID',
          field: 'release.maxSurge',
          value: maxSurge,
          message: 'and maxUnavailable are both 0, so a rollout could never make progress',
          fix: 'allow a surge of at least 1',
        });
    }
    const count = (f: string, v: unknown, lo: number) => {
      if (v !== undefined && !(Number.isSafeInteger(v) && (v as number) >= lo))
        out.push({
          code: 'STRATEGY_INVALID',
          field: `release.${f}`,
          value: v,
          message: `must be an integer ≥ ${lo}`,
          fix: 'use a whole replica count',
        });
    };
    if (this.kind === 'canary') count('replicas', this.options.replicas, 1);
    if (this.kind === 'blue-green') count('idleReplicas', this.options.idleReplicas, 0);
    return out;
  }
}
