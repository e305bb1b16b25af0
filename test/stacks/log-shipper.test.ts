import { ENVIRONMENTS, buildEnvironment, environment } from '../../stacks/environments';
import { renderApp } from '../../constructs';
import { find, ofKind } from '../helpers';

/** The sections of a classic-mode Fluent Bit file, in order, each as its key → value entries (keys as written). */
function sections(conf: string): { name: string; entries: Record<string, string> }[] {
  const out: { name: string; entries: Record<string, string> }[] = [];
  for (const line of conf.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) out.push({ name: header[1], entries: {} });
    else {
      const [key, ...rest] = line.split(/\s+/);
      out[out.length - 1].entries[key] = rest.join(' ');
    }
  }
  return out;
}

/** A glob as Fluent Bit's tail reads Path and Exclude_Path (`*` is any run of characters). */
function globMatches(glob: string, path: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(path);
}

/** Whether `path` lies in a volume mounted at `mountPath`. */
const under = (path: string, mountPath: string) => path === mountPath || path.startsWith(`${mountPath.replace(/\/$/, '')}/`);

describe.each(Object.keys(ENVIRONMENTS))('the log shipper of %s', (name) => {
  const env = environment(name);
  const objects = renderApp(buildEnvironment(env)).flatMap((r) => r.objects);
  const inAgents = objects.filter((o) => o.metadata?.namespace === 'node-agents');
  // Read in each test (not here), so a missing piece fails the tests that need it rather than the whole suite.
  const ds = () => find(inAgents, 'DaemonSet', 'log-shipper');
  const pod = () => ds().spec.template.spec;
  const container = () => pod().containers.find((c: any) => c.name === 'log-shipper');
  const volume = (n: string) => pod().volumes.find((v: any) => v.name === n);
  const mount = (path: string) => (container().volumeMounts as any[]).find((m) => under(path, m.mountPath));
  // The config file the command names, found through the mount that holds it.
  const configPath = (): string => container().command[container().command.indexOf('-c') + 1];
  const one = (section: string) => {
    const configMount = mount(configPath());
    const configMap = find(inAgents, 'ConfigMap', volume(configMount.name).configMap.name);
    const hits = sections(configMap.data[configPath().slice(configMount.mountPath.length + 1)]).filter((s) => s.name === section);
    expect(hits).toHaveLength(1);
    return hits[0].entries;
  };

  test('runs above every other pod of the cluster, so a node full of them still gets its shipper (the scheduler preempts for it)', () => {
    const value = (cls: string) => find(objects, 'PriorityClass', cls).value as number;
    const shipper = value(pod().priorityClassName);
    const others = objects
      .map((o) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec?.template)?.spec)
      .filter((spec) => spec?.containers && spec !== pod())
      .map((spec) => (spec.priorityClassName ? value(spec.priorityClassName) : 0));
    expect(others.length).toBeGreaterThan(5);
    for (const other of others) expect(shipper).toBeGreaterThanOrEqual(other);
    // A class of the platform, not system-node-critical: no quota of node-agents selects the system classes.
    expect(pod().priorityClassName).toBe('platform-critical');
  });

  test('runs the image binary on a config file its mounted ConfigMap provides (not the image demo config)', () => {
    expect(container().command[0]).toBe('/fluent-bit/bin/fluent-bit');
    const configMount = mount(configPath());
    expect(configMount.readOnly).toBe(true);
    // The image's own /fluent-bit/etc (parsers.conf) stays visible: the ConfigMap is mounted below it, not over it.
    expect(configMount.mountPath).not.toBe('/fluent-bit/etc');
    expect(one('SERVICE').Parsers_File).toBe('/fluent-bit/etc/parsers.conf');
  });

  test('tails the container logs from the read-only /var/log mount, keeping its offsets on a writable node path', () => {
    const input = one('INPUT');
    expect(input.Name).toBe('tail');
    expect(input.Path).toBe('/var/log/containers/*.log');
    expect(input['multiline.parser']).toBe('docker, cri');
    expect(input.Mem_Buf_Limit).toMatch(/^\d+MB$/);
    const logs = mount(input.Path);
    expect(logs.readOnly).toBe(true);
    expect(volume(logs.name).hostPath.path).toBe('/var/log');
    // The offsets DB survives a replaced pod: a writable hostPath, not the read-only logs nor an emptyDir.
    const db = mount(input.DB);
    expect(db.readOnly).not.toBe(true);
    expect(volume(db.name).hostPath).toEqual({ path: '/var/lib/fluent-bit', type: 'DirectoryOrCreate' });
  });

  test('excludes its own container logs, and no one else’s', () => {
    const input = one('INPUT');
    const own = `/var/log/containers/log-shipper-x7k2p_node-agents_log-shipper-${'a'.repeat(64)}.log`;
    expect(globMatches(input.Path, own)).toBe(true);
    expect(globMatches(input.Exclude_Path, own)).toBe(true);
    expect(globMatches(input.Exclude_Path, `/var/log/containers/api-6d9f-x7k2p_payments_api-${'b'.repeat(64)}.log`)).toBe(false);
  });

  test('the kubernetes filter reads pods and namespaces with its own token, bound by a ClusterRole, through an egress path', () => {
    expect(one('FILTER').Name).toBe('kubernetes');
    expect(pod().automountServiceAccountToken).toBe(true);
    expect(pod().serviceAccountName).toBe('log-shipper');
    const binding = ofKind(objects, 'ClusterRoleBinding').find((b) =>
      b.subjects.some((s: any) => s.kind === 'ServiceAccount' && s.name === 'log-shipper' && s.namespace === 'node-agents'),
    );
    const role = find(objects, 'ClusterRole', binding.roleRef.name);
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] }]);
    const egressPorts = ofKind(inAgents, 'NetworkPolicy')
      .filter((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'log-shipper')
      .flatMap((p) => p.spec.egress ?? [])
      .flatMap((rule: any) => rule.ports.map((p: any) => p.port));
    expect(egressPorts).toContain(443);
  });

  test("forwards to the environment's declared sink, by the Service that names it, through an egress policy on its port", () => {
    const output = one('OUTPUT');
    const port = env.logSink.port ?? 24224;
    expect(output.Name).toBe('forward');
    expect(output.Port).toBe(String(port));
    const [svcName, svcNs] = output.Host.split('.');
    expect(output.Host).toBe(`${svcName}.${svcNs}.svc.cluster.local`);
    const sink = find(
      objects.filter((o) => o.metadata?.namespace === svcNs),
      'Service',
      svcName,
    );
    expect(sink.spec).toMatchObject({ type: 'ExternalName', externalName: env.logSink.hostName });
    // TLS to the aggregator's own name (SNI), not the cluster-local one.
    // tls.verify alone checks the chain: the name is checked only with tls.verify_hostname.
    expect(output).toMatchObject({ tls: 'On', 'tls.verify': 'On', 'tls.verify_hostname': 'On', 'tls.vhost': env.logSink.hostName });
    expect(output['tls.ca_file']).toBeUndefined();
    const toSink = ofKind(inAgents, 'NetworkPolicy').filter(
      (p) =>
        p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === 'log-shipper' &&
        (p.spec.egress ?? []).some((r: any) => r.ports.some((q: any) => q.port === port)),
    );
    expect(toSink).toHaveLength(1);
  });

  test('readiness asks the health endpoint its config turns on; liveness and metrics use endpoints of the same server', () => {
    const service = one('SERVICE');
    expect(service).toMatchObject({ HTTP_Server: 'On', Health_Check: 'On' });
    const http = container().ports.find((p: any) => p.name === 'http');
    expect(service.HTTP_Port).toBe(String(http.containerPort));
    expect(container().readinessProbe.httpGet).toEqual({ path: '/api/v1/health', port: 'http' });
    expect(container().livenessProbe.httpGet).toEqual({ path: '/api/v1/uptime', port: 'http' });
    const monitor = find(inAgents, 'PodMonitor', 'log-shipper');
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ path: '/api/v1/metrics/prometheus', port: 'http' }]);
  });

  test('runs as root for its node paths only, with the reason on the DaemonSet and every capability dropped', () => {
    expect(pod().securityContext.runAsUser).toBe(0);
    expect(container().securityContext).toMatchObject({
      privileged: false,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(ds().metadata.annotations['ignore-check.kube-linter.io/run-as-non-root']).toContain('/var/log, /var/lib/fluent-bit');
  });
});

describe('a sink certified by a private CA (caCertificate)', () => {
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQm9vdHN0cmFwQ0EwHhcNMjYwMTAxMDAwMDAwWhcN\n-----END CERTIFICATE-----\n';
  const env = { ...environment('prod'), logSink: { hostName: 'logs.prod.example.internal', caCertificate: PEM } };
  const inAgents = renderApp(buildEnvironment(env))
    .flatMap((r) => r.objects)
    .filter((o) => o.metadata?.namespace === 'node-agents');

  test('the output trusts that CA, read from a ConfigMap the output provides and the pod mounts read-only', () => {
    const conf = find(inAgents, 'ConfigMap', 'log-shipper').data['fluent-bit.conf'];
    const caFile = sections(conf).find((x) => x.name === 'OUTPUT')!.entries['tls.ca_file'];
    const container = find(inAgents, 'DaemonSet', 'log-shipper').spec.template.spec.containers[0];
    const caMount = (container.volumeMounts as any[]).find((m) => under(caFile, m.mountPath));
    expect(caMount.readOnly).toBe(true);
    const volume = find(inAgents, 'DaemonSet', 'log-shipper').spec.template.spec.volumes.find((v: any) => v.name === caMount.name);
    expect(find(inAgents, 'ConfigMap', volume.configMap.name).data[caFile.slice(caMount.mountPath.length + 1)]).toBe(PEM);
  });
});

describe('a sink named as written in a config (upper case, the root dot)', () => {
  const env = { ...environment('prod'), logSink: { hostName: 'Logs.Prod.Example.com.' } };
  const inAgents = renderApp(buildEnvironment(env))
    .flatMap((r) => r.objects)
    .filter((o) => o.metadata?.namespace === 'node-agents');

  test('connects to the cluster-local alias and verifies the certificate against the name it covers, as SNI carries it', () => {
    const conf = find(inAgents, 'ConfigMap', 'log-shipper').data['fluent-bit.conf'];
    const output = sections(conf).find((x) => x.name === 'OUTPUT')!.entries;
    expect(output.Host).toBe('log-sink.node-agents.svc.cluster.local');
    // RFC 6066: SNI is the host name without the trailing dot; the certificate names logs.prod.example.com.
    expect(output['tls.vhost']).toBe('logs.prod.example.com');
    expect(find(inAgents, 'Service', 'log-sink').spec.externalName).toBe(output['tls.vhost']);
  });
});
