import { Duration } from 'cdk8s';
import { Hook, Probe, QuotaPreset, TeamNamespace, WebService, Worker, renderApp } from '../../constructs';
import { catchBlueprintError, expectCode, find, issuesWithCode, renderChart, testChart } from '../helpers';

const image = 'ghcr.io/acme/app:1.0.0';
const worker = (runAsUser: number) => () => {
  const { chart } = testChart();
  new Worker(chart, 'w', { namespace: 'team', image, runAsUser });
  return chart;
};

describe('pod user and group ids (IsValidUserID / IsValidGroupID, MaxInt32 on Kubernetes 1.28)', () => {
  test.each([2 ** 31, 2 ** 32, 0, 1.5, -1])('runAsUser %p is SECURITY_INVALID', (uid) => {
    expect(expectCode(worker(uid), 'SECURITY_INVALID')).toMatchObject({ field: 'runAsUser', value: uid });
  });

  test('the largest id is accepted, and rendered as user, group and fsGroup', () => {
    const max = 2 ** 31 - 1;
    const pod = renderChart(worker(max)()).find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: max, runAsGroup: max, fsGroup: max });
  });
});

describe('init containers (validateInitContainers: no probes or lifecycle without restartPolicy=Always)', () => {
  const team = () => {
    const { app, chart } = testChart();
    return { app, chart, team: new TeamNamespace(chart, 'team', { quota: QuotaPreset.MEDIUM }) };
  };
  const migrate = { name: 'migrate', image: 'ghcr.io/acme/m:1.0.0' };
  const codes = (fn: () => unknown) => catchBlueprintError(fn).issues.map((i) => [i.code, i.field]);

  test('probes are PROBE_INVALID and hooks HOOK_INVALID at initContainers[i], all reported at once', () => {
    const { chart, team: ns } = team();
    const build = () =>
      new Worker(chart, 'w', {
        namespace: ns,
        image: 'ghcr.io/acme/w:1.0.0',
        replicas: 2,
        probeOptOut: { liveness: 'exits itself when its queue closes' },
        initContainers: [
          { name: 'fetch', image: 'ghcr.io/acme/f:1.0.0' },
          {
            ...migrate,
            readiness: Probe.exec(['true']),
            liveness: Probe.exec(['true']),
            startup: Probe.exec(['true']),
            postStart: Hook.exec(['true']),
            preStop: Hook.sleep(Duration.seconds(2)),
          },
        ],
      });
    expect(codes(build)).toEqual([
      ['PROBE_INVALID', 'initContainers[1].readiness'],
      ['PROBE_INVALID', 'initContainers[1].liveness'],
      ['PROBE_INVALID', 'initContainers[1].startup'],
      ['HOOK_INVALID', 'initContainers[1].postStart'],
      ['HOOK_INVALID', 'initContainers[1].preStop'],
    ]);
  });

  test('addInitContainer is held to it too; sidecars keep their probes and hooks', () => {
    const { chart, team: ns } = team();
    const w = new Worker(chart, 'w', { namespace: ns, image: 'ghcr.io/acme/w:1.0.0' });
    expect(codes(() => w.addInitContainer({ ...migrate, liveness: Probe.exec(['x']) }))).toEqual([['PROBE_INVALID', 'init.liveness']]);
    expect(codes(() => w.addInitContainer({ ...migrate, postStart: Hook.exec(['x']) }))).toEqual([['HOOK_INVALID', 'init.postStart']]);
    expect(() =>
      w.addSidecar({ name: 'proxy', image: 'ghcr.io/acme/p:1.0.0', liveness: Probe.exec(['x']), preStop: Hook.sleep(Duration.seconds(2)) }),
    ).not.toThrow();
    expect(() => w.addInitContainer(migrate)).not.toThrow();
  });

  test('a container refused by addInitContainer or addSidecar is not added: a caller that catches the error gets no YAML with it', () => {
    const { chart, team: ns } = team();
    const w = new Worker(chart, 'w', { namespace: ns, image: 'ghcr.io/acme/w:1.0.0' });
    expectCode(() => w.addInitContainer({ ...migrate, readiness: Probe.exec(['x']) }), 'PROBE_INVALID');
    expectCode(() => w.addSidecar({ name: 'proxy', image: 'proxy' }), 'IMAGE_UNPINNED');
    const pod = find(renderChart(chart), 'Deployment', 'w').spec.template.spec;
    expect(pod.initContainers).toBeUndefined();
    expect(pod.containers.map((c: any) => c.name)).toEqual(['w']);
    // The names are free again.
    expect(w.addInitContainer(migrate)).toBe('migrate');
  });

  test("the WebService's default preStop stays on the main container; init containers render without probes or lifecycle", () => {
    const { chart, team: ns } = team();
    new WebService(chart, 'web', {
      namespace: ns,
      image: 'ghcr.io/acme/web:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
      initContainers: [migrate],
    });
    const pod = find(renderChart(chart), 'Deployment', 'web').spec.template.spec;
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(pod.initContainers).toHaveLength(1);
    for (const key of ['lifecycle', 'readinessProbe', 'livenessProbe', 'startupProbe', 'restartPolicy'])
      expect(pod.initContainers[0][key]).toBeUndefined();
  });

  test('drainTime is judged against the grace period once, for the app: not again for each init container', () => {
    const { app, chart } = testChart();
    new Worker(chart, 'w', { namespace: 'team', image, drainTime: Duration.seconds(30), initContainers: [migrate] });
    expect(issuesWithCode(() => renderApp(app), 'PRESTOP_EXCEEDS_GRACE').map((i) => i.field)).toEqual(['container.preStop']);
  });
});
