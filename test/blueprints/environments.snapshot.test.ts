import { ENVIRONMENTS, buildEnvironment, environment } from '../../stacks/environments';
import { renderApp } from '../../constructs';

/*
 * An inventory per environment: one line per object with the fields a reviewer
 * must notice when they change (images, replicas, resources, ports, storage,
 * security level). Reviewable in a diff, unlike a full dump of every object;
 * each construct's own tests hold focused snapshots of the full YAML.
 */
/** `cpu=100m,memory=128Mi/cpu=1,memory=256Mi`: requests, then limits. */
function resourcesText(r: any = {}): string {
  return ['requests', 'limits']
    .map((side) =>
      Object.entries(r[side] ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    )
    .join('/');
}

function podLine(spec: any): string {
  const containers = [...(spec?.initContainers ?? []).map((c: any) => ({ ...c, init: true })), ...(spec?.containers ?? [])];
  return containers
    .map((c: any) => {
      const res = resourcesText(c.resources);
      const ports = (c.ports ?? []).map((p: any) => `${p.name}:${p.containerPort}`).join(',');
      const probes = [c.readinessProbe && 'R', c.livenessProbe && 'L', c.startupProbe && 'S'].filter(Boolean).join('');
      return `${c.init ? 'init ' : ''}${c.name}=${c.image} [${res}]${ports ? ` ports=${ports}` : ''}${probes ? ` probes=${probes}` : ''}`;
    })
    .join('; ');
}

function keyFields(o: any): string {
  const s = o.spec ?? {};
  const parts: string[] = [];
  if (s.replicas !== undefined) parts.push(`replicas=${s.replicas}`);
  if (s.minReplicas !== undefined) parts.push(`min=${s.minReplicas} max=${s.maxReplicas}`);
  if (s.schedule) parts.push(`schedule=${s.schedule}`);
  if (o.kind === 'Service')
    parts.push(
      `type=${s.type ?? 'ClusterIP'}${s.clusterIP ? ` clusterIP=${s.clusterIP}` : ''} ports=${(s.ports ?? []).map((p: any) => `${p.name}:${p.port}`).join(',')}`,
    );
  if (o.kind === 'Namespace') parts.push(`psa=${o.metadata.labels?.['pod-security.kubernetes.io/enforce']}`);
  if (o.kind === 'PersistentVolumeClaim') parts.push(`class=${s.storageClassName} size=${s.resources?.requests?.storage}`);
  for (const t of s.volumeClaimTemplates ?? [])
    parts.push(`claim ${t.metadata.name}=${t.spec.storageClassName}:${t.spec.resources?.requests?.storage}`);
  if (o.kind === 'StorageClass') parts.push(`reclaim=${o.reclaimPolicy}`);
  if (o.kind === 'Prometheus') {
    const t = s.storage?.volumeClaimTemplate?.spec;
    const res = resourcesText(s.resources);
    parts.push(
      `claim=${t?.storageClassName}:${t?.resources?.requests?.storage} retention=${s.retention}/${s.retentionSize} ${s.image} [${res}]`,
    );
  }
  if (o.kind === 'ServiceMonitor' || o.kind === 'PodMonitor')
    parts.push((s.endpoints ?? s.podMetricsEndpoints ?? []).map((e: any) => `${e.port}${e.path}`).join(','));
  if (o.kind === 'ResourceQuota')
    parts.push(
      Object.entries(s.hard ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    );
  const pod = s.template?.spec ?? s.jobTemplate?.spec?.template?.spec;
  if (pod) parts.push(podLine(pod));
  return parts.join(' ');
}

describe.each(Object.keys(ENVIRONMENTS))('%s', (env) => {
  test('inventory', () => {
    const rendered = renderApp(buildEnvironment(environment(env)));
    const lines = rendered.flatMap((r) =>
      r.objects.map((o) =>
        `${r.name}: ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name} ${keyFields(o)}`.trimEnd(),
      ),
    );
    expect(lines.join('\n')).toMatchSnapshot();
  });
});
