import { Duration } from 'cdk8s';
import { prometheusStorage } from '../../blueprints';
import { catchBlueprintError } from '../helpers';

const input = { targets: 100, seriesPerTarget: 700, scrapeInterval: Duration.seconds(15), retention: Duration.days(1) };

describe('prometheusStorage', () => {
  test('the sizing rule of thumb (000: 1700 targets × 700 series / 15 s ≈ 0.43 GB/hour)', () => {
    const s = prometheusStorage({
      targets: 1700,
      seriesPerTarget: 700,
      scrapeInterval: Duration.seconds(15),
      retention: Duration.hours(1),
      headroom: 0,
    });
    expect(Math.round(s.samplesPerSecond)).toBe(79333);
    expect(s.bytesPerHour / 1e9).toBeCloseTo(0.428, 2);
    expect(s.claim.toString()).toBe('1Gi');
    const twoWeeks = prometheusStorage({
      targets: 1700,
      seriesPerTarget: 700,
      scrapeInterval: Duration.seconds(15),
      retention: Duration.days(15),
    });
    // 79,333 × 1,296,000 s × 1.5 B × 1.3 = 200.5 GB = 186.7 GiB → 187Gi
    expect(twoWeeks.claim.toString()).toBe('187Gi');
  });

  test('a fractional scrape interval is sized like any other (cdk8s toSeconds() threw a plain Error for it)', () => {
    const s = prometheusStorage({ ...input, scrapeInterval: Duration.millis(1500) });
    expect(s.samplesPerSecond).toBeCloseTo((100 * 700) / 1.5, 6);
    expect(prometheusStorage({ ...input, retention: Duration.millis(90_500) }).dataBytes).toBeGreaterThan(0);
  });

  test('SIZING_INVALID: every bad input at once, durations in seconds, never a plain Error', () => {
    const err = catchBlueprintError(() =>
      prometheusStorage({
        targets: -1,
        seriesPerTarget: 0,
        scrapeInterval: Duration.millis(0),
        retention: Duration.seconds(0),
        bytesPerSample: Number.NaN,
        headroom: Number.POSITIVE_INFINITY,
      }),
    );
    expect(err.issues.map((i) => [i.code, i.field, i.value])).toEqual([
      ['SIZING_INVALID', 'targets', -1],
      ['SIZING_INVALID', 'seriesPerTarget', 0],
      ['SIZING_INVALID', 'bytesPerSample', 'NaN'],
      ['SIZING_INVALID', 'scrapeInterval', '0s'],
      ['SIZING_INVALID', 'retention', '0s'],
      ['SIZING_INVALID', 'headroom', 'Infinity'],
    ]);
    expect(err.issues.every((i) => i.construct === 'prometheusStorage')).toBe(true);
  });

  test('SIZING_INVALID: finite inputs whose claim is beyond a quantity (2^63 bytes) blame the larger count, not a quantity', () => {
    const issues = (over: Partial<typeof input>) =>
      catchBlueprintError(() => prometheusStorage({ ...input, ...over })).issues.map((i) => [i.code, i.field, i.value]);
    expect(issues({ targets: 1e308 })).toEqual([['SIZING_INVALID', 'targets', 1e308]]);
    expect(issues({ seriesPerTarget: 2 ** 53 })).toEqual([['SIZING_INVALID', 'seriesPerTarget', 2 ** 53]]);
    // The edge: 2^63 bytes exactly is the largest claim, a sample's byte more is past it.
    const edge = { targets: 1, seriesPerTarget: 1, scrapeInterval: Duration.seconds(1), retention: Duration.seconds(2 ** 63), headroom: 0 };
    expect(prometheusStorage({ ...edge, bytesPerSample: 1 }).claim.toString()).toBe('8Ei');
    expect(catchBlueprintError(() => prometheusStorage({ ...edge, bytesPerSample: 1.001 })).issues.map((i) => [i.code, i.field])).toEqual([
      ['SIZING_INVALID', 'targets'],
    ]);
  });

  test('SIZING_INVALID: no targets, a negative headroom', () => {
    const fields = (over: Partial<typeof input> & { headroom?: number }) =>
      catchBlueprintError(() => prometheusStorage({ ...input, ...over })).issues.map((i) => [i.code, i.field]);
    expect(fields({ targets: 0 })).toEqual([['SIZING_INVALID', 'targets']]);
    expect(fields({ headroom: -1 })).toEqual([['SIZING_INVALID', 'headroom']]);
  });

  test('the valid neighbours: no headroom, a one-millisecond retention', () => {
    expect(prometheusStorage({ ...input, headroom: 0 }).claim.toString()).toBe('1Gi');
    expect(prometheusStorage({ ...input, retention: Duration.millis(1) }).claim.toString()).toBe('1Gi');
  });
});
