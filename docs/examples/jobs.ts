import { App, Duration } from 'cdk8s';
import { BatchJob, BlueprintChart, JobPattern, NodeAgent, PodSecurityLevel, Probe, ScheduledJob, TeamNamespace } from '../../index';

export function build(): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'ops', { owner: 'ops' });
  const team = new TeamNamespace(chart, 'ops');
  new BatchJob(chart, 'reindex', {
    namespace: team,
    image: 'ghcr.io/acme/indexer:1.9.0',
    pattern: JobPattern.fixedCompletions(5, 2),
    activeDeadline: Duration.minutes(30),
  });
  new ScheduledJob(chart, 'report', {
    namespace: team,
    image: 'ghcr.io/acme/report:0.3.0',
    schedule: '0 6 * * MON-FRI',
    timeZone: 'Europe/Berlin',
  });
  // hostPath only in a namespace that enforces the privileged level. node-exporter reads the node's /proc and
  // /sys through read-only mounts, as any user (its image runs as nobody), and serves metrics on 9100: the node's CPU,
  // memory and disk I/O. Its filesystem and network collectors see the pod's own mounts and network namespace (no
  // root filesystem mount, and NodeAgent has no hostNetwork), so those node metrics need another source.
  const agents = new TeamNamespace(chart, 'node-agents', { podSecurity: { enforce: PodSecurityLevel.PRIVILEGED } });
  new NodeAgent(chart, 'node-exporter', {
    namespace: agents,
    image: 'quay.io/prometheus/node-exporter:v1.8.2',
    args: ['--path.procfs=/host/proc', '--path.sysfs=/host/sys'],
    ports: [{ name: 'metrics', port: 9100 }],
    // No health endpoint: liveness asks for the landing page '/', which, unlike '/metrics', runs no collector. Ready once
    // it listens: the rollout moves to the next node only then.
    liveness: Probe.http('/', 'metrics', { periodSeconds: 20 }),
    readiness: Probe.tcp('metrics', { periodSeconds: 10 }),
    tolerateControlPlane: true,
    hostPaths: [
      { name: 'proc', hostPath: '/proc', mountPath: '/host/proc' },
      { name: 'sys', hostPath: '/sys', mountPath: '/host/sys' },
    ],
    // One pod per node, each counted against the namespace's quota: the most nodes the cluster autoscaler may run.
    expectedNodes: 6,
  });
  return app;
}
