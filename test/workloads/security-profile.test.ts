import { PodSecurityLevel, QuotaPreset, TeamNamespace, WebService } from '../../constructs';
import { expectCode, find, render, renderChart, testChart } from '../helpers';

function inNamespace(level: PodSecurityLevel) {
  const t = testChart();
  const ns = new TeamNamespace(t.chart, 'edge', { quota: QuotaPreset.MEDIUM, podSecurity: { enforce: level } });
  return { ...t, ns };
}
const props = { image: 'nginx:1.27.2', ports: [{ name: 'http', port: 80 }] };

describe('securityProfile', () => {
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
