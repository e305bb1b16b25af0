import { parse } from 'yaml';
import { Descheduler } from '../../blueprints';
import { catchBlueprintError, find, renderChart, teamChart } from '../helpers';

function deschedule(props: Partial<ConstructorParameters<typeof Descheduler>[2]> = {}) {
  const { chart, team } = teamChart();
  new Descheduler(chart, 'descheduler', { namespace: team, ...props });
  return { chart, team };
}

describe('Descheduler', () => {
  test('runs the binary with its policy: the image has no ENTRYPOINT, and its CMD is `--help`', () => {
    const objects = renderChart(deschedule().chart);
    const pod = find(objects, 'CronJob', 'descheduler').spec.jobTemplate.spec.template.spec;
    const [c] = pod.containers;
    expect(c.command).toEqual(['/bin/descheduler']);
    expect(c.args).toEqual(['--policy-config-file', '/policy/policy.yaml', '--v', '3']);
    const mount = c.volumeMounts.find((m: any) => m.mountPath === '/policy');
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    const policy = parse(find(objects, 'ConfigMap', volume.configMap.name).data['policy.yaml']);
    const plugin = (name: string) => policy.profiles[0].pluginConfig.find((p: any) => p.name === name);
    // Every library pod has an emptyDir scratch volume: counted as local storage, nothing would be evictable.
    expect(plugin('DefaultEvictor').args).toEqual({ evictLocalStoragePods: true, ignorePvcPods: true });
    // The library's spreads are ScheduleAnyway by default; only DoNotSchedule ones are balanced unless listed.
    expect(plugin('RemovePodsViolatingTopologySpreadConstraint').args.constraints).toEqual(['DoNotSchedule', 'ScheduleAnyway']);
    const lnu = plugin('LowNodeUtilization');
    expect(lnu.args.thresholds).toEqual({ cpu: 20, memory: 20, pods: 20 });
    expect(lnu.args.targetThresholds).toEqual({ cpu: 70, memory: 70, pods: 70 });
  });

  test('a run fails after 10 minutes, before the next is due: under Forbid a hung one would stop every later run', () => {
    const deadline = (schedule?: string) =>
      find(renderChart(deschedule({ schedule }).chart), 'CronJob', 'descheduler').spec.jobTemplate.spec.activeDeadlineSeconds;
    expect(deadline()).toBe(600);
    // A schedule of one's own: 90% of its period, as any ScheduledJob.
    expect(deadline('*/5 * * * *')).toBe(270);
  });

  test('has the RBAC its informers and event recorder need', () => {
    const objects = renderChart(deschedule().chart);
    const rules = objects.find((o) => o.kind === 'ClusterRole').rules;
    expect(rules).toContainEqual({ apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'update'] });
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] });
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] });
  });

  test('PROPS_INVALID: thresholds the descheduler refuses, all reported at once', () => {
    const err = catchBlueprintError(() => deschedule({ underusedPercent: 120, overusedPercent: Number.NaN }));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([
      ['PROPS_INVALID', 'underusedPercent'],
      ['PROPS_INVALID', 'overusedPercent'],
    ]);
    const inverted = catchBlueprintError(() => deschedule({ underusedPercent: 80, overusedPercent: 60 }));
    expect(inverted.issues).toMatchObject([{ code: 'PROPS_INVALID', field: 'underusedPercent', value: 80 }]);
  });

  test('PROPS_INVALID: a value refused as a percentage is not reported again as above the other', () => {
    const fields = (props: Parameters<typeof deschedule>[0]) =>
      catchBlueprintError(() => deschedule(props)).issues.map((i) => [i.code, i.field, i.message.split(':')[0]]);
    const notPercent = 'must be a percentage from 0 to 100';
    expect(fields({ underusedPercent: 1e308 })).toEqual([['PROPS_INVALID', 'underusedPercent', notPercent]]);
    expect(fields({ underusedPercent: 50, overusedPercent: -5 })).toEqual([['PROPS_INVALID', 'overusedPercent', notPercent]]);
    // The order between two percentages is still judged.
    expect(fields({ underusedPercent: 90 })).toEqual([['PROPS_INVALID', 'underusedPercent', 'is above overusedPercent (70)']]);
  });

  test('accepts the edges: 0, 100 and equal thresholds', () => {
    expect(() => deschedule({ underusedPercent: 0, overusedPercent: 100 })).not.toThrow();
    expect(() => deschedule({ underusedPercent: 50, overusedPercent: 50 })).not.toThrow();
  });
});
