import * as fc from 'fast-check';
import {
  BlueprintError,
  HostPathMount,
  NodeAgent,
  PodSecurityLevel,
  PriorityClass,
  Probe,
  QuotaPreset,
  TeamNamespace,
  renderApp,
  setClusterFacts,
} from '../../constructs';
import {
  VARLOG_AGENT,
  catchBlueprintError,
  expectCode,
  find,
  linterAnnotations,
  privilegedNodeAgent,
  renderChart,
  renderNew,
  teamChart,
  testChart,
} from '../helpers';

const image = 'fluent/fluent-bit:3.1.4';

/** The codes and fields of what a NodeAgent with these hostPaths (and props) is refused for; [] when it is accepted. */
function refusals(hostPaths: HostPathMount[], extra: { runAsRoot?: boolean; runAsUser?: number } = {}): [string, string][] {
  const { chart } = testChart();
  const props = {
    namespace: 'logging',
    image,
    hostPaths,
    ...(extra.runAsRoot ? { securityProfile: { runAsRoot: true } } : {}),
    ...(extra.runAsUser !== undefined ? { runAsUser: extra.runAsUser } : {}),
  };
  try {
    new NodeAgent(chart, 'agent', props);
    return [];
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    return e.issues.map((i) => [i.code, i.field]);
  }
}

describe('NodeAgent: host paths only root can use', () => {
  test('a writable hostPath is refused as non-root (the node path is root-owned, fsGroup does not apply): HOSTPATH_INVALID at readOnly', () => {
    expect(refusals([{ name: 'state', hostPath: '/var/lib/fluent-bit', readOnly: false }])).toEqual([
      ['HOSTPATH_INVALID', 'hostPaths[0].readOnly'],
    ]);
    // Whatever its type, and whatever non-root UID is given.
    expect(
      refusals([{ name: 'pos', hostPath: '/var/lib/agent/pos.db', type: 'FileOrCreate', readOnly: false }], { runAsUser: 1000 }),
    ).toEqual([['HOSTPATH_INVALID', 'hostPaths[0].readOnly']]);
    const issue = catchBlueprintError(
      () =>
        new NodeAgent(testChart().chart, 'agent', {
          namespace: 'logging',
          image,
          hostPaths: [{ name: 'state', hostPath: '/var/lib/fluent-bit', readOnly: false }],
        }),
    ).issues[0];
    expect(issue).toMatchObject({ value: false, path: 'test/agent' });
    expect(issue.message).toContain('EACCES');
    expect(issue.fix).toContain('runAsRoot: true');
  });

  test('the node logs under /var/log (containerd writes them root-owned, 0640) are refused as non-root: HOSTPATH_INVALID at hostPath', () => {
    for (const hostPath of ['/var/log', '/var/log/', '/var/log/pods', '/var/log/containers', '//var/./log/pods/'])
      expect([hostPath, refusals([{ name: 'logs', hostPath }])]).toEqual([hostPath, [['HOSTPATH_INVALID', 'hostPaths[0].hostPath']]]);
    // One issue per entry, all reported at once.
    expect(
      refusals([
        { name: 'pods', hostPath: '/var/log/pods' },
        { name: 'state', hostPath: '/var/lib/fluent-bit', readOnly: false },
      ]),
    ).toEqual([
      ['HOSTPATH_INVALID', 'hostPaths[0].hostPath'],
      ['HOSTPATH_INVALID', 'hostPaths[1].readOnly'],
    ]);
  });

  test('one synth reports the root-only path together with the container issues (PROBE_OPT_OUT_INVALID), and each alone', () => {
    const agent = (runAsRoot: boolean, probeOptOut: { liveness: string }) =>
      catchBlueprintError(
        () =>
          new NodeAgent(testChart().chart, 'agent', {
            namespace: 'logging',
            image,
            probeOptOut,
            hostPaths: [{ name: 'h', hostPath: '/var/log' }],
            ...(runAsRoot ? { securityProfile: { runAsRoot: true } } : {}),
          }),
      ).issues.map((i) => [i.code, i.field]);
    expect(agent(false, { liveness: 'x' })).toEqual([
      ['PROBE_OPT_OUT_INVALID', 'container.probeOptOut.liveness'],
      ['HOSTPATH_INVALID', 'hostPaths[0].hostPath'],
    ]);
    expect(agent(true, { liveness: 'x' })).toEqual([['PROBE_OPT_OUT_INVALID', 'container.probeOptOut.liveness']]);
    expect(agent(false, { liveness: 'the agent serves no health endpoint' })).toEqual([['HOSTPATH_INVALID', 'hostPaths[0].hostPath']]);
  });

  test('the neighbours are accepted: read-only paths outside /var/log as non-root, and everything as root', () => {
    for (const hostPath of ['/', '/var', '/var/logs', '/var/lib/log', '/proc', '/sys'])
      expect([hostPath, refusals([{ name: 'host', hostPath }])]).toEqual([hostPath, []]);
    expect(refusals([{ name: 'machine-id', hostPath: '/etc/machine-id', type: 'File' }])).toEqual([]);
    expect(
      refusals(
        [
          { name: 'varlog', hostPath: '/var/log' },
          { name: 'state', hostPath: '/var/lib/fluent-bit', readOnly: false },
        ],
        { runAsRoot: true },
      ),
    ).toEqual([]);
  });

  test('as root in a privileged namespace the agent renders UID 0 and passes the Pod Security check; a baseline namespace still refuses the hostPath', () => {
    const { app, daemonSet } = privilegedNodeAgent('logs', {
      image,
      securityProfile: { runAsRoot: true },
      hostPaths: [
        { name: 'varlog', hostPath: '/var/log' },
        { name: 'state', hostPath: '/var/lib/fluent-bit', readOnly: false },
      ],
    });
    const pod = daemonSet.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 });
    expect(pod.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(pod.volumes).toContainEqual({ name: 'state', hostPath: { path: '/var/lib/fluent-bit', type: 'DirectoryOrCreate' } });
    expect(() => renderApp(app)).not.toThrow();

    const other = testChart();
    const baseline = new TeamNamespace(other.chart, 'agents', { podSecurity: { enforce: PodSecurityLevel.BASELINE } });
    new NodeAgent(other.chart, 'logs', { namespace: baseline, image, ...VARLOG_AGENT });
    expect(catchBlueprintError(() => renderApp(other.app)).issues.map((i) => i.code)).toContain('HOSTPATH_FORBIDDEN');
  });

  test('root for root-only node paths carries the exemptions of the linters that refuse root, with the reason; root without such a path does not', () => {
    const annotations = (hostPaths: HostPathMount[]) =>
      privilegedNodeAgent('logs', { image, securityProfile: { runAsRoot: true }, hostPaths }).daemonSet.metadata.annotations ?? {};
    expect(annotations([{ name: 'varlog', hostPath: '/var/log' }])).toMatchObject({
      'ignore-check.kube-linter.io/run-as-non-root': expect.stringContaining('/var/log'),
      'polaris.fairwinds.com/runAsRootAllowed-exempt': 'true',
      'kube-score/ignore': 'container-security-context-user-group-id',
    });
    const plain = annotations([{ name: 'proc', hostPath: '/proc' }]);
    expect(Object.keys(plain).filter((k) => /run-as-non-root|kube-score|runAsRoot/.test(k))).toEqual([]);
  });
});

describe('NodeAgent', () => {
  test('defaults snapshot: a DaemonSet with rolling maxUnavailable 1 and no host access', () => {
    const objects = renderNew(NodeAgent, 'metrics', {
      namespace: 'monitoring',
      image: 'prom/node-exporter:v1.8.2',
      ports: [{ name: 'metrics', port: 9100 }],
    });
    expect(objects).toMatchSnapshot();
    const ds = find(objects, 'DaemonSet', 'metrics');
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(JSON.stringify(ds)).not.toContain('hostPath');
    expect(ds.spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  test('control-plane toleration, system-node-critical, hostPath in a privileged namespace', () => {
    const pod = privilegedNodeAgent('logs', {
      image: 'fluent/fluent-bit:3.1.4',
      tolerateControlPlane: true,
      systemNodeCritical: true,
      securityProfile: { runAsRoot: true },
      hostPaths: [{ name: 'varlog', hostPath: '/var/log' }],
      maxUnavailable: '10%',
    }).daemonSet.spec.template.spec;
    expect(pod.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(pod.volumes).toContainEqual({ name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'varlog', mountPath: '/var/log', readOnly: true });
  });

  test('PRIORITY_INVALID: systemNodeCritical and priorityClass both name the class (systemNodeCritical used to win in silence)', () => {
    const { app, chart } = testChart();
    const namespace = new TeamNamespace(chart, 'agents', { quota: QuotaPreset.MEDIUM });
    const priorityClass = new PriorityClass(chart, 'agents-first', { value: 100_000 });
    const issue = expectCode(
      () =>
        new NodeAgent(chart, 'agent', {
          namespace,
          image: 'fluent/fluent-bit:3.1.4',
          expectedNodes: 3,
          systemNodeCritical: true,
          priorityClass,
        }),
      'PRIORITY_INVALID',
    );
    expect([issue.field, issue.message]).toEqual(['systemNodeCritical', expect.stringContaining('agents-first')]);
    // Either one alone names the class.
    new NodeAgent(chart, 'own', { namespace, image: 'fluent/fluent-bit:3.1.4', expectedNodes: 3, priorityClass });
    expect(
      find(
        renderApp(app).flatMap((r) => r.objects),
        'DaemonSet',
        'own',
      ).spec.template.spec.priorityClassName,
    ).toBe('agents-first');
  });

  test('hostPath types: Directory for a read-only mount, DirectoryOrCreate for a writable one, any upstream type when given', () => {
    const pod = privilegedNodeAgent('agent', {
      image,
      securityProfile: { runAsRoot: true },
      hostPaths: [
        { name: 'varlog', hostPath: '/var/log' },
        { name: 'state', hostPath: '/var/lib/agent', readOnly: false },
        { name: 'machine-id', hostPath: '/etc/machine-id', type: 'File' },
        { name: 'containerd', hostPath: '/run/containerd/containerd.sock', type: 'Socket' },
        { name: 'kmsg', hostPath: '/dev/kmsg', type: 'CharDevice', readOnly: false },
        { name: 'positions', hostPath: '/var/lib/agent/positions', type: 'FileOrCreate', readOnly: false },
      ],
    }).daemonSet.spec.template.spec;
    expect(Object.fromEntries(pod.volumes.filter((v: any) => v.hostPath).map((v: any) => [v.name, v.hostPath.type]))).toEqual({
      varlog: 'Directory',
      state: 'DirectoryOrCreate',
      'machine-id': 'File',
      containerd: 'Socket',
      kmsg: 'CharDevice',
      positions: 'FileOrCreate',
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'state', mountPath: '/var/lib/agent' });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'machine-id', mountPath: '/etc/machine-id', readOnly: true });
  });

  test('a hostPath type outside the eight is refused at hostPaths[i].type, never rendered', () => {
    const { chart } = testChart();
    const issue = expectCode(
      () => new NodeAgent(chart, 'a', { namespace: 'n', image, hostPaths: [{ name: 'x', hostPath: '/run/x', type: 'socket' as never }] }),
      'PROPS_INVALID',
    );
    expect(issue).toMatchObject({ field: 'hostPaths[0].type', value: 'socket' });
  });

  test('a container path the mount cannot take is MOUNT_INVALID at hostPaths[i].mountPath, once', () => {
    const { chart } = testChart();
    let n = 0;
    const fields = (hostPaths: any[]) =>
      catchBlueprintError(() => new NodeAgent(chart, `a${n++}`, { namespace: 'n', image, hostPaths })).issues.map((i) => [i.code, i.field]);
    expect(fields([{ name: 'x', hostPath: '/var/lib/agent', mountPath: 'agent' }])).toEqual([['MOUNT_INVALID', 'hostPaths[0].mountPath']]);
    // The hostPath is the container path unless one is given: ':' is fine on the node, not in a mount path.
    expect(fields([{ name: 'x', hostPath: '/var/lib/a:b' }])).toEqual([['MOUNT_INVALID', 'hostPaths[0].mountPath']]);
    // A relative hostPath is reported once, at hostPath, not again as the mount it would become.
    expect(fields([{ name: 'x', hostPath: 'var/log' }])).toEqual([['HOSTPATH_INVALID', 'hostPaths[0].hostPath']]);
    expect(
      () => new NodeAgent(chart, 'b', { namespace: 'n', image, hostPaths: [{ name: 'x', hostPath: '/var/lib/a:b', mountPath: '/ab' }] }),
    ).not.toThrow();
  });

  test('HOSTPATH_FORBIDDEN names both the agent and the namespace', () => {
    const { app, chart } = testChart();
    const ns = new TeamNamespace(chart, 'apps');
    new NodeAgent(chart, 'logs', { namespace: ns, image, ...VARLOG_AGENT });
    const issue = catchBlueprintError(() => renderApp(app)).issues[0];
    expect(issue.code).toBe('HOSTPATH_FORBIDDEN');
    expect(issue.message).toContain('apps');
    expect(issue.fix).toContain('logs');
  });

  test('REPLICAS_INVALID: no expected nodes', () => {
    const { chart } = testChart();
    expectCode(() => new NodeAgent(chart, 'b', { namespace: 'n', image, expectedNodes: 0 }), 'REPLICAS_INVALID');
  });

  describe('the node count its quota is checked with (one pod per node)', () => {
    /** A node-exporter in a privileged TeamNamespace of the default quota (limits.cpu 4, 500m default limit per pod: 8 nodes fit). */
    const agentIn = (facts: { maxNodes?: number } | undefined, expectedNodes?: number) => {
      const { app, chart } = testChart();
      if (facts) setClusterFacts(app, facts);
      const namespace = new TeamNamespace(chart, 'node-monitoring', { podSecurity: { enforce: PodSecurityLevel.PRIVILEGED } });
      new NodeAgent(chart, 'node-exporter', { namespace, image, ...(expectedNodes !== undefined ? { expectedNodes } : {}) });
      return app;
    };

    test('NODE_COUNT_UNKNOWN in a TeamNamespace when neither expectedNodes nor the cluster fact maxNodes gives it (no guessed 3 that a 9-node cluster outgrows)', () => {
      const issue = expectCode(() => agentIn(undefined), 'NODE_COUNT_UNKNOWN');
      expect(issue).toMatchObject({ field: 'expectedNodes', path: 'test/node-exporter' });
      expect(issue.message).toContain('node-monitoring');
      expect(issue.fix).toContain('expectedNodes');
      expect(issue.fix).toContain('maxNodes');
      expect(issue.fix).toContain('autoscaler');
    });

    test('the cluster fact maxNodes counts against the quota: 9 nodes exceed limits.cpu 4 (QUOTA_EXCEEDED), 8 fit', () => {
      expect(expectCode(() => renderApp(agentIn({ maxNodes: 9 })), 'QUOTA_EXCEEDED').field).toBe('quota.limitsCpu');
      expect(() => renderApp(agentIn({ maxNodes: 8 }))).not.toThrow();
    });

    test('expectedNodes overrides the cluster fact, both ways', () => {
      expect(() => renderApp(agentIn({ maxNodes: 12 }, 8))).not.toThrow();
      expectCode(() => renderApp(agentIn({ maxNodes: 2 }, 12)), 'QUOTA_EXCEEDED');
      expectCode(() => renderApp(agentIn(undefined, 12)), 'QUOTA_EXCEEDED');
    });

    test('a maxNodes fact below 1 is refused where an agent reads it (REPLICAS_INVALID, its fix names the fact)', () => {
      const issue = expectCode(() => agentIn({ maxNodes: 0 }), 'REPLICAS_INVALID');
      expect(issue.fix).toContain('maxNodes');
    });

    test('in a namespace given by name no quota counts the pods: no node count is needed', () => {
      const { app, chart } = testChart();
      const agent = new NodeAgent(chart, 'node-exporter', { namespace: 'monitoring', image });
      expect(agent.expectedNodes).toBeUndefined();
      expect(() => renderApp(app)).not.toThrow();
    });
  });

  test("hostPaths the pod would refuse: VOLUME_INVALID names, HOSTPATH_INVALID '..' segments, reported together", () => {
    const { chart } = testChart();
    const err = catchBlueprintError(
      () =>
        new NodeAgent(chart, 'a', {
          namespace: 'n',
          image,
          hostPaths: [
            { name: 'Agent_State', hostPath: '/var/lib/agent' },
            { name: 'x', hostPath: '/var/../etc' },
          ],
        }),
    );
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([
      ['VOLUME_INVALID', 'hostPaths[0].name'],
      ['HOSTPATH_INVALID', 'hostPaths[1].hostPath'],
    ]);
    expect(
      () => new NodeAgent(chart, 'b', { namespace: 'n', image, hostPaths: [{ name: 'agent-state', hostPath: '/var/lib/agent' }] }),
    ).not.toThrow();
  });

  test('STRATEGY_INVALID: maxUnavailable 0 (the DaemonSet has no surge, so no node would ever update) or not a count', () => {
    const { chart } = testChart();
    for (const [i, maxUnavailable] of ([0, '0%', -1, '150%', 'one'] as any[]).entries())
      expect(expectCode(() => new NodeAgent(chart, `a${i}`, { namespace: 'n', image, maxUnavailable }), 'STRATEGY_INVALID').field).toBe(
        'maxUnavailable',
      );
    expect(() => new NodeAgent(chart, 'b', { namespace: 'n', image, maxUnavailable: 2 })).not.toThrow();
    expect(() => new NodeAgent(chart, 'c', { namespace: 'n', image, maxUnavailable: '10%' })).not.toThrow();
  });
});

test('NodeAgent: valid props are schema-valid; hostPath outside a privileged namespace is refused at synth', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.boolean(),
      fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constantFrom('10%', '25%')),
      (nodes, controlPlane, maxUnavailable) => {
        const { app, chart, team } = teamChart({ quota: QuotaPreset.LARGE });
        new NodeAgent(chart, 'agent', {
          namespace: team,
          image,
          expectedNodes: nodes,
          tolerateControlPlane: controlPlane,
          maxUnavailable: maxUnavailable as any,
        });
        renderChart(chart);
        new NodeAgent(chart, 'logs', { namespace: team, image, ...VARLOG_AGENT });
        expect(() => renderApp(app)).toThrow(BlueprintError);
      },
    ),
    { numRuns: 30 },
  );
});

describe('NodeAgent and Polaris', () => {
  const SPREAD = 'polaris.fairwinds.com/topologySpreadConstraint-exempt';
  const HOST_PATH = 'polaris.fairwinds.com/hostPathSet-exempt';

  test('every DaemonSet is exempt from topologySpreadConstraint (one pod per node by construction); hostPathSet only where it mounts the node', () => {
    const withHost = privilegedNodeAgent('logs', { image, hostPaths: [{ name: 'proc', hostPath: '/proc' }] }).daemonSet;
    expect(withHost.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(linterAnnotations(withHost)).toMatchObject({ [SPREAD]: 'true', [HOST_PATH]: 'true' });
    const without = privilegedNodeAgent('metrics', { image, ports: [{ name: 'metrics', port: 9100 }] }).daemonSet;
    expect(linterAnnotations(without)[SPREAD]).toBe('true');
    expect(linterAnnotations(without)[HOST_PATH]).toBeUndefined();
  });

  test('an agent serving a port without a readiness probe is warned (REL_READINESS: its rollout moves on before it serves), not exempt', () => {
    const warned = (props: object) => {
      const { app } = privilegedNodeAgent('metrics', { image, ports: [{ name: 'metrics', port: 9100 }], ...props });
      return renderApp(app)
        .flatMap((r) => r.warnings)
        .some((w) => w.code === 'REL_READINESS');
    };
    expect(warned({})).toBe(true);
    expect(warned({ readiness: Probe.tcp('metrics') })).toBe(false);
    expect(warned({ probeOptOut: { readiness: 'scraped by Prometheus only, which ignores readiness' } })).toBe(false);
  });

  test("the node's system directories read-only: exempt from kube-linter's sensitive-host-mounts, with the reason; other or writable paths are judged", () => {
    const SENSITIVE = 'ignore-check.kube-linter.io/sensitive-host-mounts';
    const hostPaths = [
      { name: 'proc', hostPath: '/proc', mountPath: '/host/proc' },
      { name: 'sys', hostPath: '/sys', mountPath: '/host/sys' },
    ];
    expect(linterAnnotations(privilegedNodeAgent('exporter', { image, hostPaths }).daemonSet)[SENSITIVE]).toMatch(
      /^mounts the node's \/proc, \/sys read-only/,
    );
    const state = privilegedNodeAgent('state', { image, hostPaths: [{ name: 'state', hostPath: '/var/lib/agent' }] }).daemonSet;
    expect(linterAnnotations(state)[SENSITIVE]).toBeUndefined();
    const writable = privilegedNodeAgent('writer', {
      image,
      hostPaths: [{ name: 'etc', hostPath: '/etc', readOnly: false }],
      securityProfile: { runAsRoot: true },
    }).daemonSet;
    expect(linterAnnotations(writable)[SENSITIVE]).toBeUndefined();
  });
});
