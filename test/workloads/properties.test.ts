import * as fc from 'fast-check';
import { App, Duration } from 'cdk8s';
import {
  BatchJob,
  BlueprintChart,
  BlueprintError,
  ConcurrencyPolicy,
  ExternalService,
  JobPattern,
  JobRestartPolicy,
  NodeAgent,
  QuotaPreset,
  ScheduledJob,
  TeamNamespace,
  renderApp,
  validateManifests,
} from '../../constructs';

/*
 * Any valid props → schema-valid output that passes every synth-time check;
 * any invalid props → a BlueprintError (never YAML, never a TypeError).
 */
function chartWithTeam() {
  const app = new App();
  const chart = new BlueprintChart(app, 'c', { owner: 'o' });
  return { app, chart, team: new TeamNamespace(chart, 'ns', { quota: QuotaPreset.LARGE }) };
}
const image = 'ghcr.io/acme/tool:1.0.0';
const minute = fc.oneof(
  fc.constant('*'),
  fc.integer({ min: 0, max: 59 }).map(String),
  fc.integer({ min: 1, max: 30 }).map((n) => `*/${n}`),
);
const pattern = fc.oneof(
  fc.constant(JobPattern.single()),
  // Parallelism above completions too: the Job controller then runs the remaining completions at once.
  fc.integer({ min: 1, max: 10 }).chain((c) => fc.integer({ min: 1, max: c + 3 }).map((p) => JobPattern.fixedCompletions(c, p))),
  fc.integer({ min: 1, max: 8 }).map((p) => JobPattern.workQueue(p)),
);

test('BatchJob and ScheduledJob: valid props are schema-valid and pass the checks', () => {
  fc.assert(
    fc.property(
      pattern,
      fc.integer({ min: 0, max: 10 }),
      fc.constantFrom(...Object.values(JobRestartPolicy)),
      minute,
      fc.constantFrom(...Object.values(ConcurrencyPolicy)),
      fc.constantFrom('Etc/UTC', 'Europe/Berlin', 'Asia/Seoul', undefined),
      (p, backoffLimit, restartPolicy, min, concurrencyPolicy, timeZone) => {
        const { app, chart, team } = chartWithTeam();
        new BatchJob(chart, 'job', {
          namespace: team,
          image,
          pattern: p,
          backoffLimit,
          restartPolicy,
          activeDeadline: Duration.minutes(5),
        });
        new ScheduledJob(chart, 'cron', { namespace: team, image, pattern: p, schedule: `${min} * * * *`, concurrencyPolicy, timeZone });
        expect(validateManifests(renderApp(app).flatMap((r) => r.objects))).toEqual([]);
      },
    ),
    { numRuns: 50 },
  );
});

test('BatchJob and ScheduledJob: invalid props raise a BlueprintError', () => {
  const invalid = fc.oneof(
    fc.record({ backoffLimit: fc.integer({ min: -10, max: -1 }) }),
    fc.record({ pattern: fc.integer({ min: -3, max: 0 }).map((p) => JobPattern.workQueue(p)) }),
    fc.record({ pattern: fc.integer({ min: -3, max: 0 }).map((c) => JobPattern.fixedCompletions(c, 1)) }),
    fc.record({ sidecars: fc.constant([{ name: 'proxy', image }]) }),
    fc.record({ schedule: fc.constantFrom('* * * *', '61 * * * *', '@HOURLY', '@every 5', '* * * * 8') }),
    fc.record({ timeZone: fc.constantFrom('Mars/Base', 'utc', 'GMT+25') }),
    fc.record({ image: fc.constantFrom('tool', 'tool:latest') }),
  );
  fc.assert(
    fc.property(invalid, (p) => {
      const { chart, team } = chartWithTeam();
      expect(() => new ScheduledJob(chart, 'cron', { namespace: team, image, schedule: '@hourly', ...p } as any)).toThrow(BlueprintError);
    }),
    { numRuns: 60 },
  );
});

test('ExternalService: valid addresses and ports are schema-valid; bad ones raise a BlueprintError', () => {
  const publicV4 = fc
    .tuple(
      fc.integer({ min: 1, max: 223 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 1, max: 254 }),
    )
    .filter(([a, b]) => a !== 127 && !(a === 169 && b === 254))
    .map((o) => o.join('.'));
  fc.assert(
    fc.property(
      fc.uniqueArray(publicV4, { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 65535 }),
      fc.integer({ min: 1, max: 65535 }),
      (addresses, port, targetPort) => {
        const { app, chart } = chartWithTeam();
        ExternalService.fromAddresses(chart, 'db', { namespace: 'ns', addresses, ports: [{ name: 'db', port, targetPort }] });
        expect(validateManifests(renderApp(app).flatMap((r) => r.objects))).toEqual([]);
        expect(() =>
          ExternalService.fromAddresses(chart, 'bad', {
            namespace: 'ns',
            addresses: [...addresses, '127.0.0.1'],
            ports: [{ name: 'db', port }],
          }),
        ).toThrow(BlueprintError);
        expect(() =>
          ExternalService.fromHostName(chart, 'bad2', {
            namespace: 'ns',
            hostName: 'db.example.com',
            ports: [{ name: 'db', port, targetPort: port === 65535 ? 1 : port + 1 }],
          }),
        ).toThrow(BlueprintError);
      },
    ),
    { numRuns: 40 },
  );
});

test('NodeAgent: valid props are schema-valid; hostPath outside a privileged namespace is refused at synth', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.boolean(),
      fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom('10%', '25%')),
      (nodes, controlPlane, maxUnavailable) => {
        const { app, chart, team } = chartWithTeam();
        new NodeAgent(chart, 'agent', {
          namespace: team,
          image,
          expectedNodes: nodes,
          tolerateControlPlane: controlPlane,
          maxUnavailable: maxUnavailable as any,
        });
        expect(validateManifests(renderApp(app).flatMap((r) => r.objects))).toEqual([]);
        new NodeAgent(chart, 'logs', {
          namespace: team,
          image,
          securityProfile: { runAsRoot: true },
          hostPaths: [{ name: 'varlog', hostPath: '/var/log' }],
        });
        expect(() => renderApp(app)).toThrow(BlueprintError);
      },
    ),
    { numRuns: 30 },
  );
});
