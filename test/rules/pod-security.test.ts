import { NodeAgent, PodSecurityLevel, TeamNamespace, Volume, WebService, renderApp } from '../../constructs';
import { podSecurityViolations, violationsAbove } from '../../constructs/rules/pod-security';
import { setClusterFacts } from '../../constructs/core/cluster-facts';
import { expectCode, testChart } from '../helpers';
import { find, mutated, rulesFound } from './fixture';

const image = 'ghcr.io/acme/app:1.0.0';
const safeContainer = {
  name: 'app',
  image,
  securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
};
const safePod = {
  securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [safeContainer],
};
const codes = (spec: unknown, level: 'privileged' | 'baseline' | 'restricted') => violationsAbove(spec, level).map((v) => v.code);
const withContainer = (ctx: object, extra: object = {}) => ({
  ...safePod,
  containers: [{ ...safeContainer, ...extra, securityContext: { ...safeContainer.securityContext, ...ctx } }],
});

describe('Pod Security Standards on the rendered pod spec', () => {
  test('a restricted-compliant pod passes every level', () => {
    expect(podSecurityViolations(safePod)).toEqual([]);
  });

  test.each([
    ['PSS_HOST_NAMESPACES', { ...safePod, hostNetwork: true }],
    ['HOSTPATH_FORBIDDEN', { ...safePod, volumes: [{ name: 'h', hostPath: { path: '/etc' } }] }],
    ['PSS_PRIVILEGED', withContainer({ privileged: true })],
    ['PSS_CAPABILITIES', withContainer({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } })],
    ['PSS_HOST_PORTS', withContainer({}, { ports: [{ containerPort: 80, hostPort: 80 }] })],
    ['PSS_PROC_MOUNT', withContainer({ procMount: 'Unmasked' })],
    ['PSS_SELINUX', withContainer({ seLinuxOptions: { user: 'root' } })],
    ['PSS_SYSCTL', { ...safePod, securityContext: { ...safePod.securityContext, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }],
    ['PSS_SECCOMP', { ...safePod, securityContext: { ...safePod.securityContext, seccompProfile: { type: 'Unconfined' } } }],
  ])('%s is refused at baseline and restricted, admitted at privileged', (code, spec) => {
    expect(codes(spec, 'baseline')).toContain(code);
    expect(codes(spec, 'restricted')).toContain(code);
    expect(codes(spec, 'privileged')).toEqual([]);
  });

  test.each([
    ['PSS_CAPABILITIES', withContainer({ capabilities: { drop: ['ALL'], add: ['CHOWN'] } })],
    ['PSS_CAPABILITIES', withContainer({ capabilities: {} })],
    ['PSS_PRIVILEGE_ESCALATION', withContainer({ allowPrivilegeEscalation: true })],
    ['PSS_RUN_AS_ROOT', withContainer({ runAsUser: 0 })],
    [
      'PSS_RUN_AS_ROOT',
      {
        securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      },
    ],
    ['PSS_SECCOMP', { ...safePod, securityContext: { runAsNonRoot: true } }],
    ['PSS_VOLUME_TYPE', { ...safePod, volumes: [{ name: 'n', nfs: { server: 'x', path: '/' } }] }],
  ])('%s is refused at restricted only', (code, spec) => {
    expect(codes(spec, 'restricted')).toContain(code);
    expect(codes(spec, 'baseline')).not.toContain(code);
  });

  test('NET_BIND_SERVICE is the one capability restricted admits', () => {
    expect(codes(withContainer({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }), 'restricted')).toEqual([]);
  });

  test('type-confused specs never throw', () => {
    for (const spec of [null, 5, 'x', [], { containers: 5 }, { containers: [null, 7] }, { volumes: [null] }, { securityContext: [] }])
      expect(() => podSecurityViolations(spec)).not.toThrow();
  });
});

describe('workloads: security holds whatever path the props take', () => {
  test('a Volume.hostPath passed through mounts is refused in a restricted TeamNamespace', () => {
    const { app, chart } = testChart();
    const team = new TeamNamespace(chart, 'apps');
    new WebService(chart, 'web', {
      namespace: team,
      image,
      ports: [{ name: 'http', port: 8080 }],
      mounts: [{ volume: Volume.hostPath('etc', '/etc'), path: '/host-etc' }],
    });
    const issue = expectCode(() => renderApp(app), 'HOSTPATH_FORBIDDEN');
    expect(issue.path).toMatch(/^test\/web\//);
  });

  test('a NodeAgent whose namespace is a plain string is taken as restricted', () => {
    const { app, chart } = testChart();
    new NodeAgent(chart, 'logs', {
      namespace: 'logging',
      image,
      securityProfile: { runAsRoot: true },
      hostPaths: [{ name: 'varlog', hostPath: '/var/log' }],
    });
    expectCode(() => renderApp(app), 'HOSTPATH_FORBIDDEN');
  });

  test('the environment may declare a plain-string namespace privileged', () => {
    const { app, chart } = testChart();
    setClusterFacts(chart, { namespacePodSecurity: { logging: PodSecurityLevel.PRIVILEGED } });
    new NodeAgent(chart, 'logs', {
      namespace: 'logging',
      image,
      securityProfile: { runAsRoot: true },
      hostPaths: [{ name: 'varlog', hostPath: '/var/log' }],
    });
    expect(() => renderApp(app)).not.toThrow();
  });
});

describe("the rendered objects' rules judge a pod by its namespace's enforced level", () => {
  test('hostPath passes in a namespace that enforces privileged', () => {
    const objects = mutated('HOSTPATH_FORBIDDEN');
    find(objects, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'] = 'privileged';
    expect(rulesFound(objects).has('HOSTPATH_FORBIDDEN')).toBe(false);
  });
});
