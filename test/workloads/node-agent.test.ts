import { BlueprintError, HostPathMount, NodeAgent, PodSecurityLevel, TeamNamespace, renderApp } from '../../constructs';
import { catchBlueprintError, privilegedNodeAgent, testChart } from '../helpers';

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
    new NodeAgent(other.chart, 'logs', {
      namespace: baseline,
      image,
      securityProfile: { runAsRoot: true },
      hostPaths: [{ name: 'varlog', hostPath: '/var/log' }],
    });
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
    expect(Object.keys(plain).filter((k) => /kube-linter|polaris|kube-score/.test(k))).toEqual([]);
  });
});
