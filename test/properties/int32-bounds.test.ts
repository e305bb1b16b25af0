import { App, Duration } from 'cdk8s';
import {
  BatchJob,
  BlueprintChart,
  BlueprintError,
  BlueprintIssue,
  JobPattern,
  PodDisruptionBudget,
  Probe,
  QuotaPreset,
  Release,
  ScheduledJob,
  TaintEffect,
  TeamNamespace,
  Toleration,
  WebService,
  renderApp,
} from '../../constructs';
import { WEB } from '../helpers';

/*
 * Most integer fields of the Kubernetes API are int32 (a few int64). Each
 * integer prop is judged at its construct, with the construct's own code, its
 * field and the value: the schema stage would only report a JSON pointer.
 */

const image = 'ghcr.io/acme/tool:1.0.0';

/** Every issue of one synth of the app `build` fills (none when it renders). */
function issuesOf(build: (chart: BlueprintChart, team: TeamNamespace) => void): readonly BlueprintIssue[] {
  try {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    build(chart, new TeamNamespace(chart, 'shop', { quota: QuotaPreset.LARGE }));
    renderApp(app);
    return [];
  } catch (e) {
    if (e instanceof BlueprintError) return e.issues;
    throw e;
  }
}

const web = (props: object) => (chart: BlueprintChart, team: TeamNamespace) =>
  new WebService(chart, 'w', { namespace: team, ...WEB, ...props });
const job = (props: object) => (chart: BlueprintChart, team: TeamNamespace) =>
  new BatchJob(chart, 'j', { namespace: team, image, ...props });
const cron = (props: object) => (chart: BlueprintChart, team: TeamNamespace) =>
  new ScheduledJob(chart, 'cj', { namespace: team, image, schedule: '0 * * * *', ...props });

type Case = [string, string, string, (v: number) => (chart: BlueprintChart, team: TeamNamespace) => unknown];

const INT32: Case[] = [
  [
    'probe periodSeconds',
    'PROBE_INVALID',
    'container.readiness.periodSeconds',
    (v) => web({ readiness: Probe.http('/ready', 'http', { periodSeconds: v }) }),
  ],
  [
    'probe timeoutSeconds',
    'PROBE_INVALID',
    'container.readiness.timeoutSeconds',
    (v) => web({ readiness: Probe.http('/ready', 'http', { timeoutSeconds: v }) }),
  ],
  [
    'probe failureThreshold',
    'PROBE_INVALID',
    'container.liveness.failureThreshold',
    (v) => web({ liveness: Probe.http('/live', 'http', { failureThreshold: v }) }),
  ],
  [
    'probe initialDelaySeconds',
    'PROBE_INVALID',
    'container.startup.initialDelaySeconds',
    (v) => web({ startup: Probe.tcp(8080, { initialDelaySeconds: v }) }),
  ],
  ['HPA maxReplicas', 'HPA_INVALID', 'autoscaling.maxReplicas', (v) => web({ autoscaling: { maxReplicas: v } })],
  ['HPA minReplicas', 'HPA_INVALID', 'autoscaling.minReplicas', (v) => web({ autoscaling: { minReplicas: v, maxReplicas: v } })],
  [
    'HPA policy value',
    'HPA_BEHAVIOR_INVALID',
    'autoscaling.behavior.scaleUp.policies[0].value',
    (v) =>
      web({
        autoscaling: { maxReplicas: 4, behavior: { scaleUp: { policies: [{ type: 'Pods', value: v, period: Duration.seconds(60) }] } } },
      }),
  ],
  ['spread maxSkew', 'PLACEMENT_INVALID', 'placement.spread.maxSkew', (v) => web({ placement: { spread: { maxSkew: v } } })],
  ['rolling maxSurge', 'STRATEGY_INVALID', 'release.maxSurge', (v) => web({ release: Release.rolling({ maxSurge: v }) })],
  [
    'canary replicas',
    'STRATEGY_INVALID',
    'release.replicas',
    (v) => web({ release: Release.canary({ image: 'ghcr.io/acme/web:1.5.0', replicas: v }) }),
  ],
  [
    'PDB minAvailable',
    'PDB_INVALID',
    'minAvailable',
    (v) => (chart) => new PodDisruptionBudget(chart, 'pdb', { namespace: 'shop', name: 'pdb', selector: { a: 'b' }, minAvailable: v }),
  ],
  [
    'PDB maxUnavailable',
    'PDB_INVALID',
    'maxUnavailable',
    (v) => (chart) => new PodDisruptionBudget(chart, 'pdb', { namespace: 'shop', name: 'pdb', selector: { a: 'b' }, maxUnavailable: v }),
  ],
  ['Job backoffLimit', 'JOB_INVALID', 'backoffLimit', (v) => job({ backoffLimit: v })],
  ['Job ttlSecondsAfterFinished', 'JOB_INVALID', 'ttlAfterFinished', (v) => job({ ttlAfterFinished: Duration.seconds(v) })],
  ['Job completions', 'JOB_INVALID', 'pattern.completions', (v) => job({ pattern: JobPattern.fixedCompletions(v) })],
  ['Job parallelism', 'JOB_INVALID', 'pattern.parallelism', (v) => job({ pattern: JobPattern.workQueue(v) })],
  ['CronJob successfulJobsHistoryLimit', 'JOB_INVALID', 'successfulJobsHistoryLimit', (v) => cron({ successfulJobsHistoryLimit: v })],
  ['CronJob failedJobsHistoryLimit', 'JOB_INVALID', 'failedJobsHistoryLimit', (v) => cron({ failedJobsHistoryLimit: v })],
];

const INT64: Case[] = [
  ['Job activeDeadlineSeconds', 'JOB_INVALID', 'activeDeadline', (v) => job({ activeDeadline: Duration.seconds(v) })],
  ['CronJob startingDeadlineSeconds', 'JOB_INVALID', 'startingDeadline', (v) => cron({ startingDeadline: Duration.seconds(v) })],
  [
    'tolerationSeconds',
    'PLACEMENT_INVALID',
    'placement.tolerations[0].tolerationSeconds',
    (v) => web({ placement: { tolerations: [Toleration.exists('k', TaintEffect.NO_EXECUTE, v)] } }),
  ],
];

describe('int32 fields: 2^31 is refused at the construct, 2^31 - 1 is not', () => {
  test.each(INT32)('%s', (_what, code, field, build) => {
    const refused = issuesOf(build(2 ** 31));
    expect(refused).toContainEqual(expect.objectContaining({ code, field, value: 2 ** 31 }));
    // Judged at the construct: the schema stage has nothing left to say about it.
    expect(refused.filter((i) => i.code.startsWith('SCHEMA_'))).toEqual([]);
    // The largest int32 passes the construct's check (other checks, e.g. the quota, may still refuse so many pods).
    expect(issuesOf(build(2 ** 31 - 1)).filter((i) => i.field === field)).toEqual([]);
  });
});

describe('int64 fields: beyond an exact JavaScript integer is refused, 2^31 is not', () => {
  test.each(INT64)('%s', (_what, code, field, build) => {
    expect(issuesOf(build(2 ** 53))).toContainEqual(expect.objectContaining({ code, field, value: 2 ** 53 }));
    expect(issuesOf(build(2 ** 31)).filter((i) => i.field === field || i.code.startsWith('SCHEMA_'))).toEqual([]);
  });
});

test('one synth reports a bad image and an int32 overflow together', () => {
  const codes = issuesOf(web({ image: 'Bad Image', readiness: Probe.http('/ready', 'http', { periodSeconds: 2 ** 31 }) })).map(
    (i) => i.code,
  );
  expect(codes).toContain('PROBE_INVALID');
  expect(codes).toContain('IMAGE_INVALID');
});
