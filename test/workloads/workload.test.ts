import { App, Duration } from 'cdk8s';
import {
  BatchJob,
  BlueprintChart,
  EnvValue,
  SecretBackend,
  SecretDeclaration,
  ServiceAccount,
  setClusterFacts,
  Color,
  Hook,
  NodeAgent,
  PodSecurityLevel,
  PriorityClass,
  Probe,
  QuotaPreset,
  Release,
  ScheduledJob,
  StatefulService,
  TeamNamespace,
  WebService,
  Worker,
  renderApp,
} from '../../constructs';
import {
  METRICS_WORKER,
  WEB,
  catchBlueprintError,
  expectCode,
  find,
  issuesWithCode,
  linterAnnotations,
  ofKind,
  render,
  renderChart,
  teamChart,
  testChart,
} from '../helpers';

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

  test('an id below 10000 is accepted with the warning SEC_LOW_ID (kube-score grades it Critical), on user and group both', () => {
    const warnings = (uid: number) =>
      renderApp(worker(uid)().node.root as App)
        .flatMap((r) => r.warnings)
        .filter((w) => w.code === 'SEC_LOW_ID')
        .map((w) => [w.path, w.field]);
    expect(warnings(1000)).toEqual([
      ['test/w/Deployment', '/spec/template/spec/securityContext/runAsUser'],
      ['test/w/Deployment', '/spec/template/spec/securityContext/runAsGroup'],
    ]);
    expect(warnings(10000)).toEqual([]);
  });

  test('the largest id is accepted, and rendered as user, group and fsGroup', () => {
    const max = 2 ** 31 - 1;
    const pod = renderChart(worker(max)()).find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: max, runAsGroup: max, fsGroup: max });
  });
});

describe('securityProfile', () => {
  function inNamespace(level: PodSecurityLevel) {
    const t = testChart();
    const ns = new TeamNamespace(t.chart, 'edge', { quota: QuotaPreset.MEDIUM, podSecurity: { enforce: level } });
    return { ...t, ns };
  }
  const props = { image: 'ghcr.io/acme/edge:1.0.0', ports: [{ name: 'http', port: 80 }] };

  test('a baseline workload in a baseline namespace may run as root and add baseline capabilities', () => {
    const { chart, ns } = inNamespace(PodSecurityLevel.BASELINE);
    new WebService(chart, 'web', {
      namespace: ns,
      ...props,
      securityProfile: { runAsRoot: true, addCapabilities: ['NET_BIND_SERVICE', 'CHOWN', 'SETUID', 'SETGID'] },
    });
    const pod = find(renderChart(chart), 'Deployment', 'web').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 0 });
    expect(pod.containers[0].securityContext.capabilities).toEqual({
      drop: ['ALL'],
      add: ['NET_BIND_SERVICE', 'CHOWN', 'SETUID', 'SETGID'],
    });
    expect(pod.containers[0].securityContext.allowPrivilegeEscalation).toBe(false);
  });

  test('port 80: a non-root pod lowers the unprivileged port start; root given NET_BIND_SERVICE needs no sysctl', () => {
    const sysctls = (securityProfile: object | undefined) => {
      const { chart, ns } = inNamespace(PodSecurityLevel.BASELINE);
      new WebService(chart, 'web', { namespace: ns, ...props, ...(securityProfile ? { securityProfile } : {}) });
      return find(renderChart(chart), 'Deployment', 'web').spec.template.spec.securityContext.sysctls;
    };
    const lowered = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }];
    expect(sysctls(undefined)).toEqual(lowered);
    expect(sysctls({ addCapabilities: ['NET_BIND_SERVICE'] })).toEqual(lowered);
    expect(sysctls({ runAsRoot: true })).toEqual(lowered);
    expect(sysctls({ runAsRoot: true, addCapabilities: ['NET_BIND_SERVICE'] })).toBeUndefined();
  });

  test("the pod that lowers the port start is exempt from kube-linter's unsafe-sysctls, with the reason; one without is not", () => {
    const UNSAFE = 'ignore-check.kube-linter.io/unsafe-sysctls';
    const annotations = (securityProfile: object | undefined, port = 80) => {
      const { chart, ns } = inNamespace(PodSecurityLevel.BASELINE);
      new WebService(chart, 'web', {
        namespace: ns,
        ...props,
        ports: [{ name: 'http', port }],
        ...(securityProfile ? { securityProfile } : {}),
      });
      return linterAnnotations(find(renderChart(chart), 'Deployment', 'web'));
    };
    expect(annotations(undefined)[UNSAFE]).toMatch(/^net\.ipv4\.ip_unprivileged_port_start .*safe set since 1\.22/);
    expect(annotations(undefined, 8080)[UNSAFE]).toBeUndefined();
    expect(annotations({ runAsRoot: true, addCapabilities: ['NET_BIND_SERVICE'] })[UNSAFE]).toBeUndefined();
  });

  test('a privileged namespace admits a privileged container', () => {
    const { chart, ns } = inNamespace(PodSecurityLevel.PRIVILEGED);
    new WebService(chart, 'web', { namespace: ns, ...props, securityProfile: { privileged: true, runAsRoot: true } });
    const c = find(renderChart(chart), 'Deployment', 'web').spec.template.spec.containers[0];
    expect(c.securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true, runAsNonRoot: false });
  });

  test('NET_BIND_SERVICE alone stays within restricted', () => {
    const { chart, ns } = inNamespace(PodSecurityLevel.RESTRICTED);
    new WebService(chart, 'web', { namespace: ns, ...props, securityProfile: { addCapabilities: ['NET_BIND_SERVICE'] } });
    expect(renderChart(chart).length).toBeGreaterThan(0);
  });

  test('beyond the namespace level is a typed error decided on the rendered pod spec', () => {
    const root = inNamespace(PodSecurityLevel.RESTRICTED);
    new WebService(root.chart, 'web', { namespace: root.ns, ...props, securityProfile: { runAsRoot: true } });
    expect(expectCode(() => render(root.app), 'PSS_RUN_AS_ROOT').message).toContain("Pod Security 'restricted'");
    const caps = inNamespace(PodSecurityLevel.RESTRICTED);
    new WebService(caps.chart, 'web', { namespace: caps.ns, ...props, securityProfile: { addCapabilities: ['CHOWN'] } });
    expectCode(() => render(caps.app), 'PSS_CAPABILITIES');
    const privileged = inNamespace(PodSecurityLevel.BASELINE);
    new WebService(privileged.chart, 'web', { namespace: privileged.ns, ...props, securityProfile: { privileged: true } });
    expectCode(() => render(privileged.app), 'PSS_PRIVILEGED');
    const netAdmin = inNamespace(PodSecurityLevel.BASELINE);
    new WebService(netAdmin.chart, 'web', { namespace: netAdmin.ns, ...props, securityProfile: { addCapabilities: ['NET_ADMIN'] } });
    expectCode(() => render(netAdmin.app), 'PSS_CAPABILITIES');
  });

  test('SECURITY_INVALID: capability names as Kubernetes spells them; root with a non-root runAsUser', () => {
    const { chart, ns } = inNamespace(PodSecurityLevel.BASELINE);
    expectCode(
      () => new WebService(chart, 'a', { namespace: ns, ...props, securityProfile: { addCapabilities: ['CAP_NET_BIND_SERVICE'] } }),
      'SECURITY_INVALID',
    );
    expectCode(
      () => new WebService(chart, 'b', { namespace: ns, ...props, runAsUser: 101, securityProfile: { runAsRoot: true } }),
      'SECURITY_INVALID',
    );
  });
});

describe('LABEL_INVALID: version and component become labels', () => {
  test.each([
    ['version', ' '],
    ['version', 'v'.repeat(64)],
    ['version', '1.0+build'],
    ['component', 'web tier'],
  ])('%s %s', (field, value) => {
    const { chart } = testChart();
    expect(expectCode(() => new Worker(chart, 'w', { namespace: 'team', image, [field]: value }), 'LABEL_INVALID').field).toBe(field);
  });

  test('a valid version reaches the labels', () => {
    const { chart } = testChart();
    new Worker(chart, 'w', { namespace: 'team', image, version: '1.27.2', component: 'queue-consumer' });
    expect(find(renderChart(chart), 'Deployment', 'w').metadata.labels['app.kubernetes.io/version']).toBe('1.27.2');
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

describe('two workloads of one name in one namespace select the same pods (OBJECT_DUPLICATE)', () => {
  const team = () => {
    const { app, chart } = testChart();
    return { app, chart, ns: new TeamNamespace(chart, 'shop', { quota: QuotaPreset.LARGE }) };
  };
  const web = (chart: any, ns: TeamNamespace, props: object = {}) =>
    new WebService(chart, 'web', { namespace: ns, image, ports: [{ name: 'http', port: 8080 }], ...props });
  const others: [string, (chart: any, ns: TeamNamespace) => unknown][] = [
    ['a BatchJob', (chart, ns) => new BatchJob(chart, 'webjob', { namespace: ns, name: 'web', image })],
    ['a ScheduledJob', (chart, ns) => new ScheduledJob(chart, 'webcron', { namespace: ns, name: 'web', image, schedule: '0 3 * * *' })],
    ['a Worker', (chart, ns) => new Worker(chart, 'webworker', { namespace: ns, name: 'web', image })],
    [
      'a StatefulService',
      (chart, ns) =>
        new StatefulService(chart, 'webdb', {
          namespace: ns,
          name: 'web',
          image,
          ports: [{ name: 'client', port: 5432 }],
          claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
        }),
    ],
    ['a NodeAgent', (chart, ns) => new NodeAgent(chart, 'webagent', { namespace: ns, name: 'web', image })],
    [
      'a WebService',
      (chart, ns) => new WebService(chart, 'web2', { namespace: ns, name: 'web', image, ports: [{ name: 'http', port: 8080 }] }),
    ],
  ];

  test.each(others)('%s named like a WebService is refused: its pods would join the Service, budget and policies', (_what, second) => {
    const { chart, ns } = team();
    web(chart, ns);
    const issue = expectCode(() => second(chart, ns), 'OBJECT_DUPLICATE');
    expect(issue).toMatchObject({ field: 'name', value: 'web' });
    expect(issue.path).not.toBe('test/web');
    expect(issue.message).toContain('test/web');
  });

  test('the same kinds of one name in another namespace, or of another name, are accepted', () => {
    const { chart, ns } = team();
    web(chart, ns);
    const other = new TeamNamespace(chart, 'other', { quota: QuotaPreset.LARGE });
    new BatchJob(chart, 'otherjob', { namespace: other, name: 'web', image });
    new BatchJob(chart, 'migrate', { namespace: ns, name: 'web-migrate', image });
    new ScheduledJob(chart, 'report', { namespace: ns, name: 'web-report', image, schedule: '0 3 * * *' });
    expect(renderChart(chart).filter((o) => ['Job', 'CronJob', 'Deployment'].includes(o.kind))).toHaveLength(4);
  });

  test('the tracks of one release (canary, blue-green) are one workload', () => {
    for (const release of [Release.canary({ image: 'ghcr.io/acme/app:1.1.0' }), Release.blueGreen({ active: Color.BLUE })]) {
      const { chart, ns } = team();
      web(chart, ns, { replicas: 2, release });
      expect(renderChart(chart).filter((o) => o.kind === 'Deployment')).toHaveLength(2);
    }
  });

  test('two apps are two clusters: one name in each is accepted', () => {
    for (let i = 0; i < 2; i++) {
      const { chart, ns } = team();
      web(chart, ns);
      new BatchJob(chart, 'other', { namespace: ns, name: 'job', image });
      expect(renderChart(chart).length).toBeGreaterThan(0);
    }
  });

  test('a workload refused for its name claims nothing: the valid one of that name after it is accepted', () => {
    const { chart, ns } = team();
    expect(catchBlueprintError(() => new Worker(chart, 'bad', { namespace: 'Bad_NS', name: 'web', image })).codes).toContain(
      'NAME_INVALID',
    );
    web(chart, ns);
    expect(renderChart(chart).some((o) => o.kind === 'Deployment')).toBe(true);
  });
});

/** Every pod controller in a TeamNamespace: its default deny and per-path policies stand for the one Polaris wants. */
const NETPOL = { 'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true' };
/** A long-running pod that serves no port: no traffic for a readiness probe to gate (Polaris readinessProbeMissing). */
const NO_PORT = { 'polaris.fairwinds.com/readinessProbeMissing-exempt': 'true' };

describe('Workload and the linters: the token mount', () => {
  const TOKEN = {
    'ignore-check.kube-linter.io/automount-service-account-token': expect.stringContaining('ServiceAccount ctl, which is granted'),
    'polaris.fairwinds.com/automountServiceAccountToken-exempt': 'true',
    ...NETPOL,
  };
  const rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }];

  test('pods that mount the token as a ServiceAccount granted a role are exempt, on every pod controller kind; a grant made later counts', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'ops', { quota: QuotaPreset.MEDIUM });
    const account = new ServiceAccount(chart, 'ctl', { namespace: 'ops' });
    const common = { namespace: team, image, serviceAccount: account, mountServiceAccountToken: true };
    new Worker(chart, 'worker', common);
    new ScheduledJob(chart, 'cron', { ...common, schedule: '0 * * * *' });
    new BatchJob(chart, 'job', common);
    account.grant(rules);
    const objects = renderChart(chart);
    expect(linterAnnotations(find(objects, 'Deployment', 'worker'))).toEqual({ ...TOKEN, ...NO_PORT });
    expect(linterAnnotations(find(objects, 'CronJob', 'cron'))).toEqual(TOKEN);
    const job = objects.find((o) => o.kind === 'Job');
    expect(linterAnnotations(job)).toEqual({
      ...TOKEN,
      'ignore-check.kube-linter.io/job-ttl-seconds-after-finished': expect.any(String),
      'polaris.fairwinds.com/metadataAndInstanceMismatched-exempt': 'true',
    });
  });

  test('not exempt: no token mounted, or one mounted as an account with no role (SEC_SA_TOKEN reports that one)', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'ops', { quota: QuotaPreset.MEDIUM });
    const granted = new ServiceAccount(chart, 'ctl', { namespace: 'ops' });
    granted.grant(rules);
    const bare = new ServiceAccount(chart, 'bare', { namespace: 'ops' });
    new Worker(chart, 'no-mount', { namespace: team, image, serviceAccount: granted });
    new Worker(chart, 'ungranted', { namespace: team, image, serviceAccount: bare, mountServiceAccountToken: true });
    const objects = render(chart.node.root as App);
    for (const name of ['no-mount', 'ungranted'])
      expect(linterAnnotations(find(objects, 'Deployment', name))).toEqual({ ...NETPOL, ...NO_PORT });
  });
});

describe('Workload and kube-linter env-value-from', () => {
  const CHECK = 'ignore-check.kube-linter.io/env-value-from';
  function setup(backend: SecretBackend) {
    const app = new App();
    setClusterFacts(app, { existingSecretStores: ['vault'] });
    SecretBackend.use(app, backend);
    const chart = new BlueprintChart(app, 'test', { owner: 'test' });
    const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
    const db = new SecretDeclaration(chart, 'db', { namespace: team, keys: ['password'] });
    return { app, chart, team, db };
  }

  test('env reading only Secrets that ExternalSecrets of the output write: exempt, with their names', () => {
    const { app, chart, team, db } = setup(SecretBackend.externalSecrets({ store: 'vault' }));
    new Worker(chart, 'api', { namespace: team, image, env: { DB_PASSWORD: EnvValue.fromSecret(db, 'password') } });
    const objects = render(app);
    expect(find(objects, 'ExternalSecret', 'db')).toBeDefined();
    expect(linterAnnotations(find(objects, 'Deployment', 'api'))).toEqual({
      [CHECK]: expect.stringContaining('(db)'),
      ...NETPOL,
      ...NO_PORT,
    });
  });

  test('not exempt: no Secret in env, or one Secret beside them that no ExternalSecret provides (the deploy tool writes it)', () => {
    const { app, chart, team, db } = setup(SecretBackend.externalSecrets({ store: 'vault' }));
    // (A bare SecretRef names a Secret the output cannot vouch for: synth refuses it, SECRET_UNPROVIDED.)
    const byHand = new SecretDeclaration(chart, 'by-hand', { namespace: team, keys: ['token'], backend: SecretBackend.deployTool() });
    new Worker(chart, 'plain', { namespace: team, image, env: { MODE: 'fast' } });
    new Worker(chart, 'mixed', {
      namespace: team,
      image,
      env: { DB_PASSWORD: EnvValue.fromSecret(db, 'password'), API_TOKEN: EnvValue.fromSecret(byHand, 'token') },
    });
    const objects = render(app);
    for (const name of ['plain', 'mixed']) expect(linterAnnotations(find(objects, 'Deployment', name))).toEqual({ ...NETPOL, ...NO_PORT });

    const other = setup(SecretBackend.deployTool());
    new Worker(other.chart, 'api', { namespace: other.team, image, env: { DB_PASSWORD: EnvValue.fromSecret(other.db, 'password') } });
    const deployToolObjects = render(other.app);
    expect(deployToolObjects.filter((o) => o.kind === 'ExternalSecret')).toEqual([]);
    expect(linterAnnotations(find(deployToolObjects, 'Deployment', 'api'))).toEqual({ ...NETPOL, ...NO_PORT });
  });
});

describe('Workload and Polaris missingNetworkPolicy', () => {
  test('a pod controller in a TeamNamespace is exempt (its default deny and per-path policies cover it); one in a namespace the output does not isolate is not', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'ops', { quota: QuotaPreset.MEDIUM });
    new Worker(chart, 'governed', { namespace: team, image });
    new Worker(chart, 'loose', { namespace: 'elsewhere', image });
    const objects = renderChart(chart);
    expect(linterAnnotations(find(objects, 'Deployment', 'governed'))).toEqual({ ...NETPOL, ...NO_PORT });
    expect(linterAnnotations(find(objects, 'Deployment', 'loose'))).toEqual(NO_PORT);
  });
});

describe('Workload and the globalDefault PriorityClass (Polaris priorityClassNotSet)', () => {
  const build = (globalDefault: boolean) => {
    const app = new App();
    const cluster = new BlueprintChart(app, 'cluster', { owner: 'platform' });
    const high = new PriorityClass(cluster, 'high', { value: 10_000 });
    new PriorityClass(cluster, 'standard', { value: 1_000, globalDefault });
    const chart = new BlueprintChart(app, 'team', { owner: 'test' });
    const team = new TeamNamespace(chart, 'ops', { quota: QuotaPreset.MEDIUM });
    new Worker(chart, 'plain', { namespace: team, image });
    new Worker(chart, 'chosen', { namespace: team, image, priorityClass: high });
    new ScheduledJob(chart, 'cron', { namespace: team, image, schedule: '0 3 * * *' });
    new NodeAgent(chart, 'critical', { namespace: team, image, systemNodeCritical: true, expectedNodes: 3 });
    return render(app);
  };
  const pod = (o: any) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);

  test('a pod that names no class names the globalDefault one of the output (the priority it gets anyway); a class given wins', () => {
    const objects = build(true);
    expect(pod(find(objects, 'Deployment', 'plain')).priorityClassName).toBe('standard');
    expect(pod(find(objects, 'CronJob', 'cron')).priorityClassName).toBe('standard');
    expect(pod(find(objects, 'Deployment', 'chosen')).priorityClassName).toBe('high');
    expect(pod(find(objects, 'DaemonSet', 'critical')).priorityClassName).toBe('system-node-critical');
  });

  test('without a globalDefault class in the output, a pod names none (the cluster decides)', () => {
    const objects = build(false);
    expect(pod(find(objects, 'Deployment', 'plain')).priorityClassName).toBeUndefined();
    expect(pod(find(objects, 'Deployment', 'chosen')).priorityClassName).toBe('high');
  });
});

describe('Workload and Polaris one-pod checks: outside production, or with a singletonReason', () => {
  const SPREAD = 'polaris.fairwinds.com/topologySpreadConstraint-exempt';
  const build = (production: boolean | undefined, replicas: number, singletonReason?: string) => {
    const app = new App();
    if (production !== undefined) setClusterFacts(app, { production });
    const chart = new BlueprintChart(app, 'test', { owner: 'test' });
    const team = new TeamNamespace(chart, 'data', { quota: QuotaPreset.MEDIUM });
    new StatefulService(chart, 'db', {
      namespace: team,
      image,
      replicas,
      ...(singletonReason !== undefined ? { singletonReason } : {}),
      ports: [{ name: 'client', port: 5432 }],
      claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
    });
    return linterAnnotations(find(render(app), 'StatefulSet', 'db'));
  };
  const reason = 'a single primary without replication';

  test('a StatefulSet of one pod in an environment declared not production is exempt from topologySpreadConstraint', () => {
    expect(build(false, 1)[SPREAD]).toBe('true');
  });

  test('so is one of one pod with a singletonReason, in production or where the environment does not say', () => {
    expect(build(true, 1, reason)[SPREAD]).toBe('true');
    expect(build(undefined, 1, reason)[SPREAD]).toBe('true');
  });

  test('not exempt: two pods (they spread), or one pod without a reason where the environment does not say', () => {
    expect(build(false, 2)[SPREAD]).toBeUndefined();
    expect(build(true, 2, reason)[SPREAD]).toBeUndefined();
    expect(build(undefined, 1)[SPREAD]).toBeUndefined();
  });
});

describe("Polaris' readinessProbeMissing", () => {
  const consumer = { image: 'ghcr.io/acme/queue:1.0.0', resources: METRICS_WORKER.resources };
  /** Whether the first `kind` of what `build` adds to a team chart is exempt. */
  const exempt = (kind: string, build: (chart: BlueprintChart, team: TeamNamespace) => void) => {
    const { chart, team } = teamChart();
    build(chart, team);
    return linterAnnotations(ofKind(renderChart(chart), kind)[0])['polaris.fairwinds.com/readinessProbeMissing-exempt'] === 'true';
  };
  const optOut = { readiness: 'scraped by Prometheus only, which ignores readiness' };

  test('a long-running pod whose containers without a readiness probe serve no port (a queue consumer), or opted out, is exempt', () => {
    expect(exempt('Deployment', (chart, team) => new Worker(chart, 'consumer', { namespace: team, ...consumer }))).toBe(true);
    expect(
      exempt('Deployment', (chart, team) => new Worker(chart, 'metrics', { namespace: team, ...METRICS_WORKER, probeOptOut: optOut })),
    ).toBe(true);
  });

  test('not exempt: a port served without a readiness probe (REL_READINESS warns), a probed pod, or a Job (Polaris skips it)', () => {
    expect(exempt('Deployment', (chart, team) => new Worker(chart, 'metrics', { namespace: team, ...METRICS_WORKER }))).toBe(false);
    expect(exempt('Deployment', (chart, team) => new WebService(chart, 'web', { namespace: team, ...WEB }))).toBe(false);
    expect(exempt('Job', (chart, team) => new BatchJob(chart, 'once', { namespace: team, ...consumer }))).toBe(false);
  });
});
