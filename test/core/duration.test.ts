import { Duration } from 'cdk8s';
import { BatchJob, Hook, QuotaPreset, ScheduledJob, SecretBackend, WebService, Worker } from '../../constructs';
import { goDurationOf, parseGoDuration, secondsOf } from '../../constructs/core/duration';
import { expectCode, find, render, teamChart } from '../helpers';

const image = 'ghcr.io/acme/app:1.0.0';
const half = Duration.millis(0.5);

describe('durations', () => {
  test('secondsOf is fractional where cdk8s would throw a plain Error', () => {
    expect(() => half.toMilliseconds()).toThrow();
    expect(secondsOf(half)).toBe(0.0005);
    expect(secondsOf(Duration.minutes(2))).toBe(120);
  });

  test('a fraction of a millisecond is a typed issue where whole seconds are required, never a plain Error', () => {
    const { chart, team } = teamChart({ quota: QuotaPreset.LARGE });
    expect(
      expectCode(() => new Worker(chart, 'grace', { namespace: team, image, terminationGracePeriod: half }), 'GRACE_INVALID').field,
    ).toBe('terminationGracePeriod');
    expectCode(
      () =>
        new WebService(chart, 'hpa', {
          namespace: team,
          image,
          ports: [{ name: 'http', port: 8080 }],
          autoscaling: { maxReplicas: 3, scaleUpStabilization: half },
        }),
      'HPA_BEHAVIOR_INVALID',
    );
    expectCode(
      () => new ScheduledJob(chart, 'cron', { namespace: team, image, schedule: '0 * * * *', startingDeadline: half }),
      'JOB_INVALID',
    );
  });

  test('where the API takes whole seconds and rounding up is safe, a fraction rounds up (a preStop sleep of 0.5 ms sleeps 1 s)', () => {
    const { app, chart, team } = teamChart({ quota: QuotaPreset.LARGE });
    new Worker(chart, 'w', { namespace: team, image, replicas: 1, preStop: Hook.sleep(half) });
    let objects: any[] = [];
    expect(() => (objects = render(app))).not.toThrow();
    expect(find(objects, 'Deployment', 'w').spec.template.spec.containers[0].lifecycle.preStop.exec.command).toEqual(['sleep', '1']);
  });
});

describe('a Duration cdk8s builds from a BigInt (Duration.seconds(5n)) but cannot convert', () => {
  // cdk8s keeps the BigInt and throws a TypeError ("Cannot mix BigInt and other types") multiplying it by its unit.
  const big = () => Duration.seconds(5n as unknown as number);

  test('secondsOf is NaN, never a TypeError', () => {
    expect(() => big().toMilliseconds()).toThrow(TypeError);
    expect(secondsOf(big())).toBeNaN();
  });

  test.each<[string, string, string, (chart: any, team: any) => unknown]>([
    ['Hook.sleep', 'HOOK_INVALID', 'duration', () => Hook.sleep(big())],
    [
      'terminationGracePeriod',
      'GRACE_INVALID',
      'terminationGracePeriod',
      (c, t) => new Worker(c, 'w', { namespace: t, image, terminationGracePeriod: big() }),
    ],
    ['drainTime', 'GRACE_INVALID', 'drainTime', (c, t) => new Worker(c, 'w', { namespace: t, image, drainTime: big() })],
    [
      'ScheduledJob activeDeadline',
      'JOB_INVALID',
      'activeDeadline',
      (c, t) => new ScheduledJob(c, 'cron', { namespace: t, image, schedule: '0 * * * *', activeDeadline: big() }),
    ],
    [
      'ScheduledJob startingDeadline',
      'JOB_INVALID',
      'startingDeadline',
      (c, t) => new ScheduledJob(c, 'cron', { namespace: t, image, schedule: '0 * * * *', startingDeadline: big() }),
    ],
    [
      'BatchJob activeDeadline',
      'JOB_INVALID',
      'activeDeadline',
      (c, t) => new BatchJob(c, 'job', { namespace: t, image, activeDeadline: big() }),
    ],
    [
      'HPA scaleDownStabilization',
      'HPA_BEHAVIOR_INVALID',
      'autoscaling.scaleDownStabilization',
      (c, t) =>
        new WebService(c, 'hpa', {
          namespace: t,
          image,
          ports: [{ name: 'http', port: 8080 }],
          autoscaling: { maxReplicas: 3, scaleDownStabilization: big() },
        }),
    ],
    [
      'SecretBackend refreshInterval',
      'PROPS_INVALID',
      'refreshInterval',
      () => SecretBackend.externalSecrets({ store: 'aws', refreshInterval: big() }),
    ],
  ])('%s: %s at its field, not a TypeError', (_what, code, field, build) => {
    const { chart, team } = teamChart({ quota: QuotaPreset.LARGE });
    expect(expectCode(() => build(chart, team), code).field).toBe(field);
  });

  test('the neighbours render: the same Durations from numbers', () => {
    const { app, chart, team } = teamChart({ quota: QuotaPreset.LARGE });
    new Worker(chart, 'w', {
      namespace: team,
      image,
      preStop: Hook.sleep(Duration.seconds(5)),
      drainTime: Duration.seconds(5),
      terminationGracePeriod: Duration.seconds(30),
    });
    const pod = find(render(app), 'Deployment', 'w').spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.containers[0].lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
  });

  test('Hook.sleep of NaN or Infinity seconds is HOOK_INVALID, not `sleep NaN`', () => {
    for (const d of [Duration.seconds(NaN), Duration.seconds(Infinity)])
      expect(expectCode(() => Hook.sleep(d), 'HOOK_INVALID').field).toBe('duration');
  });
});

describe('parseGoDuration (Go time.ParseDuration)', () => {
  test.each([
    ['1h30m', 5_400_000_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['-1h', -3_600_000_000_000n],
    ['0', 0n],
    ['.5s', 500_000_000n],
    ['5.s', 5_000_000_000n],
    ['1µs', 1_000n],
    ['+5m', 300_000_000_000n],
    ['2562047h47m16.854775807s', (1n << 63n) - 1n],
    ['-2562047h47m16.854775808s', -(1n << 63n)],
  ])('reads %p', (text, nanos) => expect(parseGoDuration(text)).toBe(nanos));

  test.each(['', '-', '5', '1h 30m', '1hh', '1.5.5s', '1e3s', '2562047h47m16.854775808s', '3000000h'])('refuses %p', (text) =>
    expect(parseGoDuration(text)).toBeUndefined(),
  );
});

describe('goDurationOf', () => {
  test.each<[number, string]>([
    [3_600_000, '1h'],
    [900_000, '15m'],
    [90_000, '90s'],
    [1500, '1500ms'],
    [0.5, '0.5ms'],
    [2_562_047 * 3_600_000, '2562047h'],
  ])('%p ms is %p', (ms, text) => {
    expect(goDurationOf(ms)).toBe(text);
    expect(parseGoDuration(text)).toBeDefined();
  });

  test.each([2_562_048 * 3_600_000, 1e21, 1e-8, NaN, Infinity])('%p ms is no Go duration', (ms) => {
    expect(goDurationOf(ms)).toBeUndefined();
  });
});
