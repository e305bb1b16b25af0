import { ApiObject, App, JsonPatch } from 'cdk8s';
import {
  BlueprintChart,
  PodDisruptionBudget,
  QuotaPreset,
  ScheduledJob,
  StatefulService,
  TeamNamespace,
  WebService,
  renderApp,
  runRules,
} from '../../constructs';
import { POSTGRES, WEB, catchBlueprintError, render, teamChart } from '../helpers';
import { UNPRINTABLE, afterMutation, find, good, mutated, onMalformed, pod, remove, rulesFound, synthVerdict } from './fixture';

describe('PDB_OVERLAP: no pod is under two disruption budgets (the eviction API answers 500 for it)', () => {
  function stateful(extra?: (chart: BlueprintChart) => void, props: { disruptionBudget?: false } = {}) {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 't', { holdsData: true, quota: QuotaPreset.MEDIUM });
    new StatefulService(chart, 's', {
      namespace: team,
      ...POSTGRES,
      replicas: 3,
      claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
      ...props,
    });
    extra?.(chart);
    return app;
  }
  const extraBudget = (chart: BlueprintChart) =>
    new PodDisruptionBudget(chart, 'p', {
      namespace: 't',
      name: 'db-pdb',
      selector: { 'app.kubernetes.io/instance': 's' },
      maxUnavailable: 1,
    });

  test("a StatefulService's own budget and a second one over its pods: refused at synth, at the second budget", () => {
    const issues = catchBlueprintError(() => renderApp(stateful(extraBudget))).issues;
    expect(issues.map((i) => [i.path, i.field])).toEqual([['c/p/Resource', '/spec/selector']]);
    expect(issues[0].message).toContain('StatefulSet s');
    expect(issues[0].message).toContain('PodDisruptionBudget s');
    expect(issues[0].fix).toContain('disruptionBudget: false');
  });

  test('a WebService and a budget on app.kubernetes.io/name; the opt-out renders', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 't');
    new WebService(chart, 'web', { namespace: team, ...WEB, replicas: 2 });
    new PodDisruptionBudget(chart, 'p', { namespace: 't', name: 'web-pdb', selector: { 'app.kubernetes.io/name': 'web' } });
    expect(catchBlueprintError(() => renderApp(app)).codes).toContain('PDB_OVERLAP');
    expect(() => render(stateful(extraBudget, { disruptionBudget: false }))).not.toThrow();
  });

  test('on YAML: matchExpressions count, another namespace and an empty selector (eviction matches nothing) do not', () => {
    const pod = (ns: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'a', namespace: ns },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', tier: 'x' } }, spec: {} } },
    });
    const pdb = (name: string, ns: string, selector: unknown) => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: ns },
      spec: { maxUnavailable: 1, selector },
    });
    const overlap = (objects: unknown[]) => runRules(objects).filter((f) => f.rule === 'PDB_OVERLAP');
    const base = [pod('n'), pod('m'), pdb('one', 'n', { matchLabels: { app: 'a' } })];
    expect(
      overlap([...base, pdb('other-ns', 'm', { matchLabels: { app: 'a' } }), pdb('empty', 'n', {}), pdb('none', 'n', undefined)]),
    ).toEqual([]);
    expect(
      overlap([...base, pdb('expr', 'n', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] })]).map((f) => f.object),
    ).toEqual(['PodDisruptionBudget/n/expr']);
    expect(overlap([...base, pdb('nomatch', 'n', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] })])).toEqual([]);
  });
});

describe('reliability rules in detail', () => {
  test('PDB_BLOCKS_EVICTION rounds percentages up, as the disruption controller does', () => {
    const at = (spec: any) => {
      const o = good();
      find(o, 'PodDisruptionBudget', 'db').spec = { selector: find(o, 'PodDisruptionBudget', 'db').spec.selector, ...spec };
      return rulesFound(o).has('PDB_BLOCKS_EVICTION');
    };
    expect(at({ minAvailable: '67%' })).toBe(true); // ceil(2.01) = 3 of 3
    expect(at({ minAvailable: '66%' })).toBe(false); // ceil(1.98) = 2 of 3
    expect(at({ minAvailable: 3 })).toBe(true);
    expect(at({ maxUnavailable: 0 })).toBe(true);
    expect(at({ maxUnavailable: '10%' })).toBe(false); // 10% of 3 rounds up to 1
  });

  test('REL_CRON_DEADLINE: under Forbid a run needs a deadline; Replace and Allow (the default) do not', () => {
    const found = (change: (cronJob: any) => void = () => {}) => {
      const objects = mutated('REL_CRON_DEADLINE');
      change(find(objects, 'CronJob', 'report'));
      return runRules(objects)
        .filter((f) => f.rule === 'REL_CRON_DEADLINE')
        .map((f) => `${f.severity} ${f.object} ${f.pointer}`);
    };
    expect(found()).toEqual(['warning CronJob/shop/report /spec/jobTemplate/spec']);
    expect(found((c) => (c.spec.jobTemplate.spec.activeDeadlineSeconds = 600))).toEqual([]);
    expect(found((c) => (c.spec.concurrencyPolicy = 'Replace'))).toEqual([]);
    expect(found((c) => delete c.spec.concurrencyPolicy)).toEqual([]);
    // A pod's own deadline does not count: it starts when the pod does, so a pod that is never scheduled hangs the run.
    expect(found((c) => (c.spec.jobTemplate.spec.template.spec.activeDeadlineSeconds = 600))).toHaveLength(1);
  });

  test("REL_CRON_DEADLINE: a ScheduledJob's defaults pass it", () => {
    const { app, chart, team } = teamChart();
    new ScheduledJob(chart, 'vacuum', { namespace: team, image: 'ghcr.io/acme/vacuum:1.0.0', schedule: '0 3 * * *' });
    const objects = renderApp(app).flatMap((r) => r.objects);
    expect(find(objects, 'CronJob', 'vacuum').spec.concurrencyPolicy).toBe('Forbid');
    expect(runRules(objects).filter((f) => f.rule === 'REL_CRON_DEADLINE')).toEqual([]);
  });

  test('REL_EPHEMERAL_STORAGE: a limit stands in for its request, and a LimitRange default counts', () => {
    const objects = mutated('REL_EPHEMERAL_STORAGE');
    const c = pod(objects).containers[0];
    c.resources.limits['ephemeral-storage'] = '1Gi';
    expect(rulesFound(objects).has('REL_EPHEMERAL_STORAGE')).toBe(false);
    delete c.resources.limits['ephemeral-storage'];
    find(objects, 'LimitRange', 'limits').spec.limits[0].default['ephemeral-storage'] = '1Gi';
    expect(rulesFound(objects).has('REL_EPHEMERAL_STORAGE')).toBe(false);
  });

  test('PORT_UNRESOLVED: a named probe port must be declared; a numeric one only in our own output, when the container declares ports', () => {
    const named = good();
    pod(named).containers[0].livenessProbe = { httpGet: { path: '/livez', port: 'admin' } };
    expect(rulesFound(named).has('PORT_UNRESOLVED')).toBe(true);
    const numeric = good();
    pod(numeric).containers[0].livenessProbe = { tcpSocket: { port: 9999 } };
    // Foreign YAML: the kubelet probes the number whether listed or not (ingress-nginx probes an unlisted 10254).
    expect(rulesFound(numeric).has('PORT_UNRESOLVED')).toBe(false);
    // Our own output lists every port a workload listens on: a number outside the list is a typo.
    expect(synthVerdict(numeric, 'PORT_UNRESOLVED').verdict).toEqual(['error Deployment/shop/web']);
    delete pod(numeric).containers[0].ports;
    pod(numeric).containers[0].readinessProbe = { tcpSocket: { port: 8080 } };
    find(numeric, 'Service', 'web').spec.ports[0].targetPort = 8080;
    expect(rulesFound(numeric).has('PORT_UNRESOLVED')).toBe(false);
    expect(synthVerdict(numeric, 'PORT_UNRESOLVED').verdict).toEqual([]);
  });

  test('REL_LIVENESS and REL_READINESS: the probeOptOut annotation excuses its own probe, for its own container only', () => {
    const objects = good();
    const template = find(objects, 'Deployment', 'web').spec.template;
    const name = template.spec.containers[0].name;
    delete template.spec.containers[0].livenessProbe;
    delete template.spec.containers[0].readinessProbe;
    const found = () =>
      runRules(objects)
        .filter((f) => f.object === 'Deployment/shop/web')
        .map((f) => f.rule);
    expect(found()).toEqual(expect.arrayContaining(['REL_LIVENESS', 'REL_READINESS']));
    const said = (rule: string) => runRules(objects).find((f) => f.rule === rule && f.object === 'Deployment/shop/web');
    expect(said('REL_READINESS')).toMatchObject({
      pointer: '/readinessProbe',
      message: `container '${name}' serves ports but has no readiness probe`,
    });
    expect(said('REL_LIVENESS')).toMatchObject({
      pointer: '/livenessProbe',
      message: `container '${name}' runs until stopped but has no liveness probe: a hung process is never restarted`,
    });
    const annotations = (template.metadata.annotations ??= {});
    annotations['probes.cluster-blueprints.io/other'] = 'readiness: not this container; liveness: not this container';
    expect(found()).toEqual(expect.arrayContaining(['REL_LIVENESS', 'REL_READINESS']));
    annotations[`probes.cluster-blueprints.io/${name}`] = 'readiness: the app has no readiness-relevant liveness: state';
    expect(found()).toContain('REL_LIVENESS');
    expect(found()).not.toContain('REL_READINESS');
    annotations[`probes.cluster-blueprints.io/${name}`] = 'liveness: the process exits on its own when it hangs';
    expect(found()).toContain('REL_READINESS');
    expect(found()).not.toContain('REL_LIVENESS');
  });

  test('REL_LIVENESS: DaemonSets run until stopped too; Jobs and CronJobs run to completion', () => {
    const objects = good();
    const template = (spec: object) => ({
      metadata: { labels: { app: 'x' } },
      spec: { containers: [{ name: 'x', image: 'x:1.0.0', ...spec }] },
    });
    const meta = (name: string) => ({ name, namespace: 'shop' });
    objects.push({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('agent'), spec: { template: template({}) } });
    objects.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta('job'), spec: { template: template({}) } });
    objects.push({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('cron'),
      spec: { jobTemplate: { spec: { template: template({}) } } },
    });
    const flagged = runRules(objects)
      .filter((f) => f.rule === 'REL_LIVENESS')
      .map((f) => f.object);
    expect(flagged).toEqual(['DaemonSet/shop/agent']);
  });

  test('PORT_UNRESOLVED: a NetworkPolicy admits ports the selected pods declare', () => {
    const policy = (port: unknown) => {
      const objects = good();
      const labels = find(objects, 'Deployment', 'web').spec.template.metadata.labels;
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'allow-web', namespace: find(objects, 'Deployment', 'web').metadata.namespace },
        spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ ports: [{ protocol: 'TCP', port }] }] },
      });
      return objects;
    };
    const declared = pod(good()).containers[0].ports[0];
    expect(runRules(policy('admin')).find((f) => f.rule === 'PORT_UNRESOLVED')?.pointer).toBe('/spec/ingress/0/ports/0');
    // A number opens that port whether declared or not: judged only in our own output.
    expect(rulesFound(policy(9999)).has('PORT_UNRESOLVED')).toBe(false);
    expect(synthVerdict(policy(9999), 'PORT_UNRESOLVED').verdict).toEqual([
      `error NetworkPolicy/${find(good(), 'Deployment', 'web').metadata.namespace}/allow-web`,
    ]);
    expect(rulesFound(policy(declared.name)).has('PORT_UNRESOLVED')).toBe(false);
    expect(rulesFound(policy(declared.containerPort)).has('PORT_UNRESOLVED')).toBe(false);
  });

  test('PORT_UNRESOLVED: a Service targets a port the selected pods declare with the same protocol (podutil.FindPort)', () => {
    const service = (mutate: (port: any) => void) => {
      const objects = good();
      mutate(find(objects, 'Service', 'web').spec.ports[0]);
      return objects;
    };
    const declared = pod(good()).containers[0].ports[0];
    const udpNamed = service((p) => Object.assign(p, { protocol: 'UDP', targetPort: declared.name }));
    expect(runRules(udpNamed).find((f) => f.rule === 'PORT_UNRESOLVED')?.pointer).toBe('/spec/ports/0');
    // A number reaches whatever listens there: judged only in our own output, with its protocol.
    const udpNumber = service((p) => Object.assign(p, { protocol: 'UDP', targetPort: declared.containerPort }));
    expect(rulesFound(udpNumber).has('PORT_UNRESOLVED')).toBe(false);
    expect(synthVerdict(udpNumber, 'PORT_UNRESOLVED').verdict).toEqual(['error Service/shop/web']);
    // The valid neighbours: the declared name or number over the declared protocol.
    for (const targetPort of [declared.name, declared.containerPort]) {
      const ok = service((p) => Object.assign(p, { targetPort }));
      expect(rulesFound(ok).has('PORT_UNRESOLVED')).toBe(false);
      expect(synthVerdict(ok, 'PORT_UNRESOLVED').verdict).toEqual([]);
    }
  });

  test('PORT_UNRESOLVED: a native sidecar (init container with restartPolicy Always) names pod ports, as podutil.FindPort resolves them', () => {
    const objects = good();
    pod(objects).initContainers = [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', ports: [{ name: 'proxy', containerPort: 15001 }] }];
    find(objects, 'Service', 'web').spec.ports[0].targetPort = 'proxy';
    // A run-to-completion init container is gone before the pod serves: its port names nothing.
    expect(runRules(objects).find((f) => f.rule === 'PORT_UNRESOLVED')?.object).toBe('Service/shop/web');
    pod(objects).initContainers[0].restartPolicy = 'Always';
    expect(rulesFound(objects).has('PORT_UNRESOLVED')).toBe(false);
  });

  test('PORT_UNRESOLVED: a lifecycle hook names a port like a probe does', () => {
    const named = good();
    pod(named).containers[0].lifecycle = { preStop: { httpGet: { path: '/drain', port: 'admin' } } };
    expect(runRules(named).find((f) => f.rule === 'PORT_UNRESOLVED')?.pointer).toMatch(/\/lifecycle\/preStop$/);
    const declared = good();
    pod(declared).containers[0].lifecycle = { preStop: { httpGet: { path: '/drain', port: pod(declared).containers[0].ports[0].name } } };
    expect(rulesFound(declared).has('PORT_UNRESOLVED')).toBe(false);
  });
});

describe('reliability rules on malformed input: they skip what they cannot read, never RULE_FAILED', () => {
  /** The db's budget as minAvailable `count`. */
  const dbBudget = (o: any[], count: unknown) => {
    const spec = find(o, 'PodDisruptionBudget', 'db').spec;
    delete spec.maxUnavailable;
    spec.minAvailable = count;
  };
  test.each<[string, string, (o: any[]) => void, string[]]>([
    ['a map for an image', 'IMAGE_UNPINNED', (o) => (pod(o).containers[0].image = UNPRINTABLE()), []],
    ['a map for a containerPort', 'PORT_UNRESOLVED', (o) => (pod(o).containers[0].ports[0].containerPort = UNPRINTABLE()), []],
    ['a map for a container port protocol', 'PORT_UNRESOLVED', (o) => (pod(o).containers[0].ports[0].protocol = UNPRINTABLE()), []],
    ['a map for a Service port protocol', 'PORT_UNRESOLVED', (o) => (find(o, 'Service', 'web').spec.ports[0].protocol = UNPRINTABLE()), []],
    [
      'a map for maxUnavailable',
      'PDB_BLOCKS_EVICTION',
      (o) => (find(o, 'PodDisruptionBudget', 'web').spec.maxUnavailable = UNPRINTABLE()),
      [],
    ],
    ['a fractional minAvailable (no count the API server takes)', 'PDB_BLOCKS_EVICTION', (o) => dbBudget(o, 3.5), []],
    [
      'replicas of -2 (the default 1 is counted, which minAvailable 0 leaves evictable)',
      'PDB_BLOCKS_EVICTION',
      (o) => {
        dbBudget(o, 0);
        find(o, 'StatefulSet', 'db').spec.replicas = -2;
      },
      [],
    ],
    [
      'a map for a budget selector label: the Deployment has no budget the API server takes',
      'REL_PDB_MISSING',
      (o) => (find(o, 'PodDisruptionBudget', 'web').spec.selector.matchLabels['app.kubernetes.io/instance'] = UNPRINTABLE()),
      ['REL_PDB_MISSING '],
    ],
    [
      'a map for a VPA updateMode',
      'VPA_HPA_CONFLICT',
      afterMutation('VPA_HPA_CONFLICT', (o) => (find(o, 'VerticalPodAutoscaler', 'web').spec.updatePolicy.updateMode = UNPRINTABLE())),
      [],
    ],
    [
      'a map for a concurrencyPolicy',
      'REL_CRON_DEADLINE',
      afterMutation('REL_CRON_DEADLINE', (o) => (find(o, 'CronJob', 'report').spec.concurrencyPolicy = UNPRINTABLE())),
      [],
    ],
    ['a map for a pod label', 'REL_PDB_MISSING', (o) => (find(o, 'Deployment', 'web').spec.template.metadata.labels.x = UNPRINTABLE()), []],
    [
      'a null constraint and a map for a topologyKey beside a hard one',
      'SPREAD_BLOCKS_DRAIN',
      afterMutation('SPREAD_BLOCKS_DRAIN', (o) => {
        pod(o).topologySpreadConstraints[1].topologyKey = UNPRINTABLE();
        pod(o).topologySpreadConstraints.push(null);
      }),
      [],
    ],
  ])('%s (%s)', (_what, code, mutate, expected) => {
    expect(onMalformed(mutate, code)).toEqual(expected);
  });
});

describe('SPREAD_BLOCKS_DRAIN: at most one DoNotSchedule spread over a workload’s own pods', () => {
  const found = (objects: unknown[]) =>
    runRules(objects)
      .filter((f) => f.rule === 'SPREAD_BLOCKS_DRAIN')
      .map((f) => `${f.severity} ${f.object} ${f.pointer}`);
  /** good() with web's zone and host spreads set to `zone` and `host` (whenUnsatisfiable). */
  const spreads = (zone: string, host: string, change: (o: any[]) => void = () => undefined) => {
    const o = good();
    const [z, h] = pod(o).topologySpreadConstraints;
    Object.assign(z, { whenUnsatisfiable: zone });
    Object.assign(h, { whenUnsatisfiable: host });
    change(o);
    return o;
  };

  test('zone and host both hard (what strict rendered before): a warning at the host constraint', () => {
    expect(found(spreads('DoNotSchedule', 'DoNotSchedule'))).toEqual([
      'warning Deployment/shop/web /spec/template/spec/topologySpreadConstraints/1',
    ]);
  });

  test('one hard constraint, zone or host, always leaves a domain at the minimum: nothing to say', () => {
    expect(found(spreads('DoNotSchedule', 'ScheduleAnyway'))).toEqual([]);
    expect(found(spreads('ScheduleAnyway', 'DoNotSchedule'))).toEqual([]);
  });

  test('a hard constraint over other pods, or a workload that never runs 2 replicas, is not one of its own spreads', () => {
    const otherPods = (o: any[]) => (pod(o).topologySpreadConstraints[1].labelSelector = { matchLabels: { tier: 'cache' } });
    expect(found(spreads('DoNotSchedule', 'DoNotSchedule', otherPods))).toEqual([]);
    const single = (o: any[]) => {
      remove(o, (x) => x.kind === 'HorizontalPodAutoscaler');
      find(o, 'Deployment', 'web').spec.replicas = 1;
    };
    expect(found(spreads('DoNotSchedule', 'DoNotSchedule', single))).toEqual([]);
  });

  test('a typed workload with a strict spread passes; one patched to a hard host spread through the escape hatch is warned at synth', () => {
    const { app, chart, team } = teamChart();
    const web = new WebService(chart, 'web', { namespace: team, ...WEB, replicas: 12, placement: { spread: { strict: true } } });
    const ok = renderApp(app).flatMap((r) => r.warnings ?? []);
    expect(ok.filter((w) => w.code === 'SPREAD_BLOCKS_DRAIN')).toEqual([]);
    (web.node.defaultChild as ApiObject).addJsonPatch(
      JsonPatch.replace('/spec/template/spec/topologySpreadConstraints/1/whenUnsatisfiable', 'DoNotSchedule'),
    );
    const warned = renderApp(app).flatMap((r) => r.warnings ?? []);
    expect(warned.filter((w) => w.code === 'SPREAD_BLOCKS_DRAIN').map((w) => w.field)).toEqual([
      '/spec/template/spec/topologySpreadConstraints/1',
    ]);
  });
});

describe('PRIORITY_DATA_PREEMPTIBLE: no pod holding data sits below a class other workloads preempt with', () => {
  const found = (o: any[]) =>
    runRules(o)
      .filter((f) => f.rule === 'PRIORITY_DATA_PREEMPTIBLE')
      .map((f) => `${f.object} ${f.pointer}`);
  const lower = (o: any[]) => {
    o.push({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 10 });
    pod(o, 'StatefulSet', 'db').priorityClassName = 'low';
  };

  test('a db at a lower class than the web pods is found; at the same class it passes', () => {
    expect(found(good())).toEqual([]);
    const o = good();
    lower(o);
    expect(found(o)).toEqual(['StatefulSet/shop/db /spec/template/spec/priorityClassName']);
  });

  test('a web class that never preempts, or a preemptor that is a DaemonSet, does not count', () => {
    const never = good();
    lower(never);
    find(never, 'PriorityClass', 'high').preemptionPolicy = 'Never';
    expect(found(never)).toEqual([]);
    const agent = good();
    lower(agent);
    const web = find(agent, 'Deployment', 'web');
    web.kind = 'DaemonSet';
    expect(found(agent)).toEqual([]);
  });

  test('a pod without a class takes the globalDefault; one naming a class the output lacks is not judged', () => {
    const o = good();
    delete pod(o, 'StatefulSet', 'db').priorityClassName;
    o.push({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'std' }, value: 1000, globalDefault: true });
    expect(found(o)).toEqual([]);
    find(o, 'PriorityClass', 'std').value = 999;
    expect(found(o)).toEqual(['StatefulSet/shop/db /spec/template/spec/priorityClassName']);
    pod(o, 'StatefulSet', 'db').priorityClassName = 'system-cluster-critical';
    expect(found(o)).toEqual([]);
  });

  test('a Deployment mounting a claim holds data', () => {
    const o = good();
    lower(o);
    delete find(o, 'StatefulSet', 'db').spec.volumeClaimTemplates;
    expect(found(o)).toEqual([]);
    pod(o, 'StatefulSet', 'db').volumes = [{ name: 'd', persistentVolumeClaim: { claimName: 'db-data' } }];
    expect(runRules(o).find((f) => f.rule === 'PRIORITY_DATA_PREEMPTIBLE')?.message).toMatch(
      /holds data \(claim db-data\) at priority 10 \(class low\), below class high \(1000/,
    );
  });
});
