import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import {
  BatchJob,
  ConcurrencyPolicy,
  ConfigMap,
  JobPattern,
  JobProps,
  JobRestartPolicy,
  NodeAgent,
  QuotaPreset,
  ScheduledJob,
  diffManifests,
} from '../../constructs';
import { catchBlueprintError, expectCode, find, linterAnnotations, ofKind, renderChart, renderNew, teamChart, testChart } from '../helpers';
import { JOB_PATTERNS } from './job-patterns';

/** The Job of the BatchJob named `name`: its object is `<name>-<10 hex characters of its spec hash>`. */
function jobOf(objects: readonly any[], name: string): any {
  const jobs = ofKind(objects, 'Job').filter((j) => j.metadata.labels['app.kubernetes.io/instance'] === name);
  expect(jobs).toHaveLength(1);
  expect(jobs[0].metadata.name).toMatch(new RegExp(`^${name}-[0-9a-f]{10}$`));
  return jobs[0];
}

const image = 'ghcr.io/acme/tool:1.2.3';

describe('BatchJob', () => {
  test('defaults snapshot: single pod, Never, backoff 3, no TTL', () => {
    const objects = renderNew(BatchJob, 'migrate', { namespace: 'shop', image });
    expect(objects).toMatchSnapshot();
    const job = jobOf(objects, 'migrate');
    expect(job.spec).toMatchObject({ parallelism: 1, completions: 1, backoffLimit: 3 });
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('the three patterns', () => {
    const { chart } = testChart();
    new BatchJob(chart, 'fixed', {
      namespace: 'n',
      image,
      pattern: JobPattern.fixedCompletions(5, 2),
      restartPolicy: JobRestartPolicy.ON_FAILURE,
      activeDeadline: Duration.minutes(10),
    });
    new BatchJob(chart, 'queue', { namespace: 'n', image, pattern: JobPattern.workQueue(4) });
    const objects = renderChart(chart);
    expect(jobOf(objects, 'fixed').spec).toMatchObject({ completions: 5, parallelism: 2, activeDeadlineSeconds: 600 });
    expect(jobOf(objects, 'fixed').spec.template.spec.restartPolicy).toBe('OnFailure');
    expect(jobOf(objects, 'queue').spec.completions).toBeUndefined();
    expect(jobOf(objects, 'queue').spec.parallelism).toBe(4);
  });

  test('JOB_INVALID', () => {
    const { chart } = testChart();
    expectCode(() => new BatchJob(chart, 'a', { namespace: 'n', image, pattern: JobPattern.workQueue(0) }), 'JOB_INVALID');
    expectCode(() => new BatchJob(chart, 'c', { namespace: 'n', image, backoffLimit: -1 }), 'JOB_INVALID');
    expectCode(() => new BatchJob(chart, 'd', { namespace: 'n', image, restartPolicy: 'Always' as any }), 'JOB_INVALID');
    expectCode(() => new BatchJob(chart, 'e', { namespace: 'n', image, pattern: JobPattern.fixedCompletions(0) }), 'JOB_INVALID');
  });

  test('parallelism above completions and a one-worker queue are accepted as the API server accepts them, rendered as given', () => {
    const { chart } = testChart();
    const fixed = new BatchJob(chart, 'fixed', { namespace: 'n', image, pattern: JobPattern.fixedCompletions(2, 5) });
    new BatchJob(chart, 'queue', { namespace: 'n', image, pattern: JobPattern.workQueue(1) });
    const objects = renderChart(chart);
    expect(jobOf(objects, 'fixed').spec).toMatchObject({ completions: 2, parallelism: 5 });
    expect(jobOf(objects, 'queue').spec).toMatchObject({ parallelism: 1 });
    expect(jobOf(objects, 'queue').spec.completions).toBeUndefined();
    // The Job controller runs at most the remaining completions at once: the quota counts 2 pods, not 5.
    expect(fixed.maxPods).toBe(2);
    const cron = new ScheduledJob(chart, 'cron', {
      namespace: 'n',
      image,
      schedule: '@daily',
      concurrencyPolicy: ConcurrencyPolicy.ALLOW,
      pattern: JobPattern.fixedCompletions(2, 5),
    });
    expect(cron.maxPods).toBe(4);
  });

  test('a TTL asked for is kept as given', () => {
    const kept = renderNew(BatchJob, 'once', { namespace: 'shop', image, ttlAfterFinished: Duration.hours(2) });
    expect(jobOf(kept, 'once').spec.ttlSecondsAfterFinished).toBe(7200);
  });
});

/*
 * A Job's pod template is immutable (batch ValidateJobSpecUpdate): a changed image applied to a Job of the same
 * name fails `kubectl apply` and an Argo sync. And a TTL lets the TTL controller delete a finished Job, which Argo
 * CD's self-heal re-creates: the job ran again every day. So a BatchJob's Job is named after its spec, and has no TTL.
 */
describe('a BatchJob is named after its spec', () => {
  function build(props: Partial<JobProps> = {}, after?: (j: BatchJob) => void): { job: BatchJob; objects: any[] } {
    const { chart } = testChart();
    const job = new BatchJob(chart, 'migrate', { namespace: 'shop', image, ...props });
    after?.(job);
    return { job, objects: renderChart(chart) };
  }
  const nameOf = (r: { objects: any[] }) => jobOf(r.objects, 'migrate').metadata.name as string;

  test('the same spec keeps its name, render after render; job.name is the rendered name', () => {
    const [a, b] = [build(), build()];
    expect(nameOf(a)).toBe(nameOf(b));
    expect([a.job.job.name, a.job.job.metadata.name]).toEqual([nameOf(a), nameOf(a)]);
    // Labels, selectors and policies keep the workload's name: only the Job object's name carries the hash.
    const job = jobOf(a.objects, 'migrate');
    for (const labels of [job.metadata.labels, job.spec.template.metadata.labels])
      expect(labels).toMatchObject({ 'app.kubernetes.io/name': 'migrate', 'app.kubernetes.io/instance': 'migrate' });
  });

  test('any change of a field the API server cannot update (template, completions) is a new name, also one made after the constructor', () => {
    const config = (v: string) => (j: BatchJob) => j.addEnv({ LEVEL: v });
    const variants = [
      build(),
      build({ image: 'ghcr.io/acme/tool:1.2.4' }),
      build({ args: ['--full'] }),
      build({ restartPolicy: JobRestartPolicy.ON_FAILURE }),
      build({ pattern: JobPattern.fixedCompletions(3) }),
      build({ pattern: JobPattern.fixedCompletions(4) }),
      // No completions at all (a work queue) is a completions change too.
      build({ pattern: JobPattern.workQueue(3) }),
      build({}, config('info')),
      build({}, config('debug')),
      build({}, (j) => j.addInitContainer({ name: 'wait', image })),
    ];
    expect(new Set(variants.map(nameOf)).size).toBe(variants.length);
    // A ConfigMap's content reaches the template (its hash): new content, new Job.
    const withConfig = (level: string) => {
      const { chart } = testChart();
      const cfg = new ConfigMap(chart, 'cfg', { namespace: 'shop', data: { LEVEL: level } });
      new BatchJob(chart, 'migrate', { namespace: 'shop', image, envFrom: [cfg] });
      return nameOf({ objects: renderChart(chart) });
    };
    expect(withConfig('info')).not.toBe(withConfig('debug'));
    const { chart } = testChart();
    const job = new BatchJob(chart, 'migrate', { namespace: 'shop', image });
    const before = job.job.name;
    job.addEnv({ LEVEL: 'debug' });
    expect(job.job.name).not.toBe(before);
    expect(nameOf({ objects: renderChart(chart) })).toBe(job.job.name);
  });

  test('a change of a field the API server updates in place keeps the name: a finished run does not run again', () => {
    // batch ValidateJobSpecUpdate: parallelism, backoffLimit, activeDeadlineSeconds and ttlSecondsAfterFinished are mutable.
    const base = nameOf(build({ pattern: JobPattern.fixedCompletions(3, 2) }));
    const mutable: Record<string, Partial<JobProps>> = {
      ttlAfterFinished: { ttlAfterFinished: Duration.days(1) },
      activeDeadline: { activeDeadline: Duration.minutes(30) },
      backoffLimit: { backoffLimit: 5 },
      parallelism: { pattern: JobPattern.fixedCompletions(3, 3) },
    };
    for (const [field, props] of Object.entries(mutable)) {
      const changed = build({ pattern: JobPattern.fixedCompletions(3, 2), ...props });
      // The rendered spec did change: only the name stays.
      const spec = jobOf(changed.objects, 'migrate').spec;
      const key = { ttlAfterFinished: 'ttlSecondsAfterFinished', activeDeadline: 'activeDeadlineSeconds' }[field] ?? field;
      const before = jobOf(build({ pattern: JobPattern.fixedCompletions(3, 2) }).objects, 'migrate').spec;
      expect({ field, value: spec[key] }).not.toEqual({ field, value: before[key] });
      expect({ field, name: nameOf(changed) }).toEqual({ field, name: base });
    }
    // A work queue's parallelism too; and single() is fixedCompletions(1) to the API server (completionMode defaults to NonIndexed).
    expect(nameOf(build({ pattern: JobPattern.workQueue(2) }))).toBe(nameOf(build({ pattern: JobPattern.workQueue(5) })));
    expect(nameOf(build({ pattern: JobPattern.single() }))).toBe(nameOf(build({ pattern: JobPattern.fixedCompletions(1) })));
    // The in-place update is what the diff reports: changed, not BREAKING, no Job added or removed.
    const report = diffManifests(build().objects, build({ activeDeadline: Duration.minutes(30), backoffLimit: 5 }).objects);
    expect(report.breaking).toBe(0);
    expect(report.changes.filter((c) => c.object.startsWith('batch/Job/')).map((c) => c.change)).toEqual(['changed']);
  });

  test('parallelism from 1 to 2 changes the pod template (the spread of two pods at once): a new name; without spread, the same', () => {
    const [one, two] = [JobPattern.fixedCompletions(3, 1), JobPattern.fixedCompletions(3, 2)].map((pattern) => build({ pattern }));
    expect(jobOf(one.objects, 'migrate').spec.template).not.toEqual(jobOf(two.objects, 'migrate').spec.template);
    expect(nameOf(one)).not.toBe(nameOf(two));
    const [a, b] = [JobPattern.fixedCompletions(3, 1), JobPattern.fixedCompletions(3, 2)].map((pattern) =>
      build({ pattern, placement: { spread: false } }),
    );
    expect(nameOf(a)).toBe(nameOf(b));
  });

  test('an image bump is a new Job and an old one pruned, not a BREAKING change of an immutable template', () => {
    const [v1, v2] = [build().objects, build({ image: 'ghcr.io/acme/tool:1.3.0' }).objects];
    const report = diffManifests(v1, v2);
    expect(report.breaking).toBe(0);
    expect(report.changes.filter((c) => c.object.startsWith('batch/Job/')).map((c) => [c.change, c.object])).toEqual(
      [
        ['removed', `batch/Job/shop/${nameOf({ objects: v1 })}`],
        ['added', `batch/Job/shop/${nameOf({ objects: v2 })}`],
      ].sort((x, y) => (x[1] < y[1] ? -1 : 1)),
    );
    // What a Job of an unchanged name did: its template changed in place, which the API server refuses.
    const inPlace = structuredClone(v1);
    jobOf(inPlace, 'migrate').spec.template.spec.containers[0].image = 'ghcr.io/acme/tool:1.3.0';
    expect(diffManifests(v1, inPlace).breaking).toBe(1);
  });

  test('NAME_INVALID over 52 characters: the Job name with its hash fills the 63-character job-name label of its pods', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new BatchJob(chart, 'long', { namespace: 'n', image, name: 'a'.repeat(53), backoffLimit: -1 }));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([
      ['NAME_INVALID', 'name'],
      ['JOB_INVALID', 'backoffLimit'],
    ]);
    expect(err.issues[0].message).toContain('52');
    new BatchJob(chart, 'ok', { namespace: 'n', image, name: 'a'.repeat(52) });
    expect(jobOf(renderChart(chart), 'a'.repeat(52)).metadata.name).toHaveLength(63);
    // A ScheduledJob keeps its own (CronJob) limit, reported once.
    const cron = catchBlueprintError(
      () => new ScheduledJob(chart, 'c', { namespace: 'n', image, name: 'c'.repeat(53), schedule: '@daily' }),
    );
    expect(cron.issues.map((i) => [i.code, i.field])).toEqual([['NAME_INVALID', 'name']]);
  });
});

describe('sidecars on jobs (a pod completes only when every app container has exited)', () => {
  const side = { name: 'proxy', image: 'ghcr.io/acme/proxy:1.0.0' };

  test('sidecars on a BatchJob or ScheduledJob are JOB_INVALID at sidecars, with the other issues', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(
      () => new BatchJob(chart, 'a', { namespace: 'n', image, sidecars: [side, { image: 'ghcr.io/acme/x:1.0.0' }], backoffLimit: -1 }),
    );
    expect(err.issues.map((i) => [i.code, i.field, i.value])).toEqual([
      ['JOB_INVALID', 'sidecars', ['proxy', 'sidecar-1']],
      ['JOB_INVALID', 'backoffLimit', -1],
    ]);
    expect(err.issues[0].fix).toContain('init container');
    const cron = expectCode(
      () => new ScheduledJob(chart, 'b', { namespace: 'n', image, schedule: '@daily', sidecars: [side] }),
      'JOB_INVALID',
    );
    expect(cron).toMatchObject({ field: 'sidecars', value: ['proxy'] });
  });

  test('addSidecar, addAdapter and addAmbassador are JOB_INVALID; nothing is added', () => {
    const { chart } = testChart();
    const job = new BatchJob(chart, 'a', { namespace: 'n', image });
    const cron = new ScheduledJob(chart, 'b', { namespace: 'n', image, schedule: '@daily' });
    expect(expectCode(() => job.addSidecar(side), 'JOB_INVALID')).toMatchObject({ field: 'sidecar', value: 'proxy' });
    expect(expectCode(() => job.addAdapter(side), 'JOB_INVALID').field).toBe('adapter');
    expect(expectCode(() => cron.addAmbassador(side), 'JOB_INVALID').field).toBe('ambassador');
    const objects = renderChart(chart);
    expect(jobOf(objects, 'a').spec.template.spec.containers).toHaveLength(1);
    expect(find(objects, 'CronJob', 'b').spec.jobTemplate.spec.template.spec.containers).toHaveLength(1);
  });

  test('init containers on jobs, and sidecars on long-running workloads, are still accepted', () => {
    const { chart } = testChart();
    const job = new BatchJob(chart, 'a', { namespace: 'n', image, initContainers: [{ name: 'fetch', image }] });
    job.addInitContainer({ name: 'migrate', image });
    new NodeAgent(chart, 'agent', { namespace: 'n', image, sidecars: [side] }).addSidecar({ name: 'exporter', image });
    const objects = renderChart(chart);
    expect(jobOf(objects, 'a').spec.template.spec.initContainers.map((c: any) => c.name)).toEqual(['fetch', 'migrate']);
    expect(find(objects, 'DaemonSet', 'agent').spec.template.spec.containers.map((c: any) => c.name)).toEqual([
      'agent',
      'proxy',
      'exporter',
    ]);
  });
});

describe('BatchJob: properties', () => {
  test('valid props are schema-valid and pass the checks', () => {
    fc.assert(
      fc.property(
        JOB_PATTERNS,
        fc.integer({ min: 0, max: 10 }),
        fc.constantFrom(...Object.values(JobRestartPolicy)),
        (p, backoffLimit, restartPolicy) => {
          const { chart, team } = teamChart({ quota: QuotaPreset.LARGE });
          new BatchJob(chart, 'job', {
            namespace: team,
            image,
            pattern: p,
            backoffLimit,
            restartPolicy,
            activeDeadline: Duration.minutes(5),
          });
          renderChart(chart);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('BatchJob and kube-linter', () => {
  const TTL_CHECK = 'ignore-check.kube-linter.io/job-ttl-seconds-after-finished';

  test('without ttlAfterFinished the Job says why it has no TTL (a GitOps tool would run a TTL-deleted Job again)', () => {
    const job = jobOf(renderNew(BatchJob, 'migrate', { namespace: 'shop', image }), 'migrate');
    expect(job.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.metadata.annotations[TTL_CHECK]).toMatch(/Argo CD self-heal/);
  });

  test('a Job given a TTL is not exempt', () => {
    const job = jobOf(renderNew(BatchJob, 'migrate', { namespace: 'shop', image, ttlAfterFinished: Duration.hours(1) }), 'migrate');
    expect(job.spec.ttlSecondsAfterFinished).toBe(3600);
    // (Only the kube-linter exemption goes: the hashed name is still not the instance label, for Polaris.)
    expect(linterAnnotations(job)).toEqual({ 'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true' });
  });
});

describe('BatchJob and Polaris metadataAndInstanceMismatched', () => {
  test('the Job, named with its spec hash, is exempt: its instance label stays the name its revisions share; a CronJob is not', () => {
    const { chart, team } = teamChart();
    new BatchJob(chart, 'migrate', { namespace: team, image });
    new ScheduledJob(chart, 'nightly', { namespace: team, image, schedule: '0 3 * * *' });
    const objects = renderChart(chart);
    const job = jobOf(objects, 'migrate');
    expect(job.metadata.name).not.toBe(job.metadata.labels['app.kubernetes.io/instance']);
    expect(linterAnnotations(job)['polaris.fairwinds.com/metadataAndInstanceMismatched-exempt']).toBe('true');
    const cron = find(objects, 'CronJob', 'nightly');
    expect(cron.metadata.labels['app.kubernetes.io/instance']).toBe(cron.metadata.name);
    expect(linterAnnotations(cron)['polaris.fairwinds.com/metadataAndInstanceMismatched-exempt']).toBeUndefined();
  });
});
