import { Duration } from 'cdk8s';
import { BlueprintError, Storage } from '../constructs';
import { BlueprintIssue } from '../constructs/core/errors';
import { secondsOf } from '../constructs/core/duration';
import { checkArgs, is } from '../constructs/core/shape';

/** Inputs of the Prometheus storage rule of thumb. */
export interface PrometheusSizingInput {
  /** Scrape targets. */
  readonly targets: number;
  /** Active series per target. */
  readonly seriesPerTarget: number;
  /** Scrape interval. */
  readonly scrapeInterval: Duration;
  /** How long samples are kept. */
  readonly retention: Duration;
  /** Bytes per sample after compression. @default 1.5 */
  readonly bytesPerSample?: number;
  /** Extra room for the WAL, compaction and growth, as a fraction. @default 0.3 */
  readonly headroom?: number;
}

/** The sizing, with its intermediate figures for reports. */
export interface PrometheusSizing {
  readonly samplesPerSecond: number;
  readonly bytesPerHour: number;
  /** Samples × retention × bytes per sample, before headroom. */
  readonly dataBytes: number;
  /** The claim to request: data plus headroom, rounded up to whole GiB. */
  readonly claim: Storage;
  /** `--storage.tsdb.retention.size`: 90% of the claim, so Prometheus prunes before the disk fills. */
  readonly retentionSize: string;
}

/** The largest claim a Kubernetes quantity holds: 2^63 bytes, in GiB. */
const MAX_CLAIM_GIB = 2 ** 33;

/**
 * samples/s = targets × series per target ÷ scrape interval; bytes = samples/s
 * × retention × 1.5 B; plus headroom. (000: 1700 × 700 ÷ 15 s ≈ 79,000
 * samples/s ≈ 0.43 GB/hour.)
 */
export function prometheusStorage(input: PrometheusSizingInput): PrometheusSizing {
  checkArgs('prometheusStorage', [
    'input',
    input,
    is.props<PrometheusSizingInput>(
      {
        targets: is.number,
        seriesPerTarget: is.number,
        scrapeInterval: is.instance(Duration),
        retention: is.instance(Duration),
        bytesPerSample: is.number,
        headroom: is.number,
      },
      ['targets', 'seriesPerTarget', 'scrapeInterval', 'retention'],
    ),
  ]);
  // secondsOf, not toSeconds(): cdk8s throws a plain Error for a fraction of a second, while
  // the rule of thumb holds for any positive interval (1.5 s included).
  const interval = secondsOf(input.scrapeInterval);
  const retention = secondsOf(input.retention);
  const bps = input.bytesPerSample ?? 1.5;
  const headroom = input.headroom ?? 0.3;
  const bad = (field: string, value: unknown, message = 'must be a positive number'): BlueprintIssue => ({
    code: 'SIZING_INVALID',
    path: '',
    construct: 'prometheusStorage',
    field,
    value,
    message,
    fix: 'give the sizing real inputs',
  });
  const issues: BlueprintIssue[] = [];
  for (const [field, value] of [
    ['targets', input.targets],
    ['seriesPerTarget', input.seriesPerTarget],
    ['bytesPerSample', bps],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) issues.push(bad(field, value));
  }
  // Durations are reported in seconds, as the sizing reads them.
  for (const [field, value] of [
    ['scrapeInterval', interval],
    ['retention', retention],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) issues.push(bad(field, `${value}s`, 'must be a positive duration'));
  }
  if (!(Number.isFinite(headroom) && headroom >= 0)) issues.push(bad('headroom', headroom, 'must be a number ≥ 0'));
  // Every bad input at once, not the first.
  if (issues.length) throw new BlueprintError(issues);
  const samplesPerSecond = (input.targets * input.seriesPerTarget) / interval;
  const dataBytes = samplesPerSecond * retention * bps;
  const gib = Math.max(1, Math.ceil((dataBytes * (1 + headroom)) / 2 ** 30));
  // Inputs each finite can still multiply past what a quantity holds (2^63 bytes = 2^33 GiB; Infinity, for 1e308
  // targets): the larger of the two counts is blamed, the likelier slip (1e308 targets, 2^53 series per target).
  if (!(gib <= MAX_CLAIM_GIB)) {
    const [field, value] = input.targets >= input.seriesPerTarget ? ['targets', input.targets] : ['seriesPerTarget', input.seriesPerTarget];
    throw new BlueprintError(
      bad(
        field,
        value,
        `makes the claim ${Number.isFinite(gib) ? `${gib} GiB` : 'infinite'} (targets × seriesPerTarget ÷ scrapeInterval × retention × ` +
          `bytesPerSample, plus headroom), beyond the 2^63 bytes a Kubernetes quantity holds`,
      ),
    );
  }
  return {
    samplesPerSecond,
    bytesPerHour: samplesPerSecond * 3600 * bps,
    dataBytes,
    claim: Storage.gibibytes(gib),
    retentionSize: `${Math.floor(gib * 0.9 * 1024)}MB`,
  };
}
