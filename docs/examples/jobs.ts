import { App, Duration } from 'cdk8s';
import { BatchJob, BlueprintChart, JobPattern, NodeAgent, PodSecurityLevel, ScheduledJob, TeamNamespace } from '../../index';

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
  // hostPath only in a namespace that enforces the privileged level.
  const agents = new TeamNamespace(chart, 'node-agents', { podSecurity: { enforce: PodSecurityLevel.PRIVILEGED } });
  new NodeAgent(chart, 'log-shipper', {
    namespace: agents,
    image: 'fluent/fluent-bit:3.1.4',
    tolerateControlPlane: true,
    securityProfile: { runAsRoot: true }, // the container logs are root's (0640)
    hostPaths: [{ name: 'varlog', hostPath: '/var/log' }],
  });
  return app;
}
