import { App } from 'cdk8s';
import {
  BlueprintChart,
  ConfigMap,
  IngressRoutes,
  PriorityClass,
  QuotaPreset,
  StatefulService,
  TeamNamespace,
  Volume,
  WebService,
  renderApp,
} from '../../constructs';

/** A small, fully governed environment that passes every rule (rendered through the library's own synth path). */
export function good(): any[] {
  const app = new App();
  const chart = new BlueprintChart(app, 'c', { owner: 'o' });
  const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
  const cm = new ConfigMap(chart, 'conf', { namespace: 'shop', data: { a: 'b' } });
  const pc = new PriorityClass(chart, 'high', { value: 1000 });
  const web = new WebService(chart, 'web', {
    namespace: team,
    image: 'app:1.0.0',
    ports: [{ name: 'http', port: 8080 }],
    autoscaling: { maxReplicas: 4 },
    mounts: [{ volume: Volume.fromConfigMap(cm), path: '/etc/app' }],
    priorityClass: pc,
  });
  const db = new StatefulService(chart, 'db', {
    namespace: team,
    image: 'postgres:16.4',
    replicas: 3,
    ports: [{ name: 'pg', port: 5432 }],
    claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
  });
  web.allowTo(db);
  web.exposeMetrics({ port: 'http' });
  new IngressRoutes(chart, 'ing', { namespace: 'shop', host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
  return renderApp(app).flatMap((r) => r.objects);
}

export const find = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
export const pod = (objs: any[], kind = 'Deployment', name = 'web') => find(objs, kind, name).spec.template.spec;
export const remove = (o: any[], pred: (x: any) => boolean) => o.splice(o.findIndex(pred), 1);
