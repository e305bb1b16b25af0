import { ApiObject, App } from 'cdk8s';
import { ClusterPlatform, ClusterPlatformProps } from '../../blueprints';
import { BlueprintChart, PersistentVolumeClaim, StatefulService, WebService, renderApp, setClusterFacts } from '../../constructs';
import { clusterFactsOf } from '../../constructs/core/cluster-facts';
import { catchBlueprintError, expectCode, find, ofKind, testChart } from '../helpers';

const base: ClusterPlatformProps = { environment: 'test', teams: [{ name: 'users' }] };
const issuesOf = (props: Partial<ClusterPlatformProps>) =>
  catchBlueprintError(() => new ClusterPlatform(new App(), 'platform', { ...base, ...props })).issues.map(
    (i) => `${i.path} ${i.construct} ${i.code} ${i.field}`,
  );

describe('ClusterPlatform', () => {
  test('teams, priorities, storage classes, monitoring, descheduler and routes', () => {
    const { app } = testChart();
    const p = new ClusterPlatform(app, 'platform', {
      environment: 'test',
      host: 'shop.example.com',
      certificateIssuer: { name: 'letsencrypt', email: 'platform@example.com' },
      teams: [{ name: 'users' }, { name: 'products' }],
    });
    const users = new WebService(p.team('users'), 'users', {
      namespace: p.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    const products = new WebService(p.team('products'), 'products', {
      namespace: p.team('products'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    p.route({ path: '/user', backend: users });
    p.route({ path: '/product', backend: products });
    const objects = renderApp(app).flatMap((r) => r.objects);
    expect(
      ofKind(objects, 'PriorityClass')
        .map((x) => x.metadata.name)
        .sort(),
    ).toEqual(['batch', 'high', 'platform-critical', 'standard']);
    expect(
      ofKind(objects, 'StorageClass')
        .map((x) => x.reclaimPolicy)
        .sort(),
    ).toEqual(['Delete', 'Retain']);
    const ing = objects.find((o) => o.kind === 'Ingress' && o.metadata.namespace === 'users');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.spec.tls[0]).toEqual({ hosts: ['shop.example.com'], secretName: 'public-tls' });
    expect(ing.metadata.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('shop.example.com');
    expect(ing.spec.rules[0].http.paths[0]).toEqual({
      path: '/user',
      pathType: 'Prefix',
      backend: { service: { name: 'users', port: { name: 'http' } } },
    });
    expect(
      find(objects, 'NetworkPolicy', 'allow-users-from-ingress-ingress-nginx').spec.ingress[0].from[0].namespaceSelector.matchLabels[
        'kubernetes.io/metadata.name'
      ],
    ).toBe('ingress-nginx');
    // Each team admits the Prometheus server's pods (the labels the operator gives them), not every pod of monitoring.
    const scraped = objects.find(
      (o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'users' && o.metadata.name === 'allow-from-monitoring-prometheus',
    );
    expect(scraped.spec.ingress[0].from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
        podSelector: { matchLabels: p.monitoring.podSelector },
      },
    ]);
    expect(find(objects, 'Prometheus', 'prometheus').spec.podMetadata.labels).toEqual(p.monitoring.podSelector);
    // Prometheus runs at the platform-critical priority, which nothing used before; the descheduler at high, the data
    // holders' class, which it must not preempt to start.
    expect(find(objects, 'Prometheus', 'prometheus').spec.priorityClassName).toBe('platform-critical');
    expect(find(objects, 'CronJob', 'descheduler').spec.jobTemplate.spec.template.spec.priorityClassName).toBe('high');
    expect(p.priorities.high.dataDefault).toBe(true);
    const cron = find(objects, 'CronJob', 'descheduler');
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].args).toContain('/policy/policy.yaml');
    expect(cron.spec.jobTemplate.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(find(objects, 'ClusterRoleBinding', 'descheduler-descheduler-1').subjects[0]).toEqual({
      kind: 'ServiceAccount',
      name: 'descheduler',
      namespace: 'descheduler',
    });
  });

  test('owns what it creates: every object of its charts finds it, and the charts keep their paths (names, files, Pulumi ids)', () => {
    const { app, chart } = testChart();
    const p = new ClusterPlatform(app, 'platform', { environment: 'test', host: 'shop.example.com', teams: [{ name: 'users' }] });
    const users = new WebService(p.team('users'), 'users', {
      namespace: p.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    const ingress = p.route({ path: '/user', backend: users });
    expect(p.charts.map((c) => c.node.path)).toEqual(['cluster', 'monitoring', 'team-users']);
    const owned = p.charts.flatMap((c) => c.node.findAll()).filter((c) => c instanceof ApiObject);
    expect(owned.length).toBeGreaterThan(30);
    for (const c of [...owned, users, ingress, p.monitoring, p.descheduler, p.priorities.high, p.storage.data])
      expect(ClusterPlatform.of(c)).toBe(p);
    expect(ClusterPlatform.of(chart)).toBeUndefined();
    expect(ClusterPlatform.of(new ClusterPlatform(new App(), 'other', { environment: 't', teams: [] }).clusterChart)).not.toBe(p);
  });

  test('TEAM_UNKNOWN and INGRESS_INVALID', () => {
    const { app } = testChart();
    const p = new ClusterPlatform(app, 'platform', { environment: 'test', teams: [{ name: 'users' }] });
    expectCode(() => p.team('nobody'), 'TEAM_UNKNOWN');
    const svc = new WebService(p.team('users'), 'users', {
      namespace: p.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    expectCode(() => p.route({ path: '/user', backend: svc }), 'INGRESS_INVALID');
    const q = new ClusterPlatform(new App(), 'p2', { environment: 't', host: 'shop.example.com', teams: [{ name: 'users' }] });
    const svc2 = new WebService(q.team('users'), 'users', {
      namespace: q.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    expectCode(() => q.route({ path: 'user', backend: svc2 }), 'INGRESS_INVALID');
    q.route({ path: '/user', backend: svc2 });
    expectCode(() => q.route({ path: '/user', backend: svc2 }), 'INGRESS_INVALID');
    expectCode(() => q.route({ path: '/x', backend: svc2, port: 'grpc' }), 'INGRESS_INVALID');
  });
});

describe('ClusterPlatform storage parameters follow the provisioner', () => {
  const classes = (props: Partial<ClusterPlatformProps>) => {
    const app = new App();
    new ClusterPlatform(app, 'platform', { ...base, ...props });
    const objects = renderApp(app).flatMap((r) => r.objects);
    return ['data', 'scratch'].map((name) => find(objects, 'StorageClass', name));
  };

  test("gp3 is the EBS driver's only: another provisioner gets no parameters (Azure Disk refuses a key it does not know)", () => {
    for (const c of classes({})) expect(c.parameters).toEqual({ type: 'gp3' });
    for (const provisioner of ['disk.csi.azure.com', 'pd.csi.storage.gke.io'])
      for (const c of classes({ provisioner })) {
        expect(c.provisioner).toBe(provisioner);
        expect(c).not.toHaveProperty('parameters');
      }
  });

  test('storageParameters replace the default, on both classes', () => {
    for (const c of classes({ provisioner: 'disk.csi.azure.com', storageParameters: { skuName: 'Premium_LRS' } }))
      expect(c.parameters).toEqual({ skuName: 'Premium_LRS' });
    for (const c of classes({ storageParameters: { type: 'io2', iopsPerGB: '50' } }))
      expect(c.parameters).toEqual({ type: 'io2', iopsPerGB: '50' });
  });

  test("a problem of the parameters is the platform's storageParameters", () => {
    expect(issuesOf({ storageParameters: { '': 'x' } })).toEqual(['platform ClusterPlatform STORAGE_INVALID storageParameters']);
    expect(issuesOf({ storageParameters: { type: 1 as unknown as string } })).toEqual([
      'platform ClusterPlatform PROPS_INVALID storageParameters.type',
    ]);
  });
});

describe('ClusterPlatform reports every problem of its props at once, under its own names', () => {
  test('a bad provisioner no longer hides monitoringTargets, and is reported once', () => {
    expect(issuesOf({ provisioner: 'bad provisioner!', monitoringTargets: -1, monitoringReplicas: 0 })).toEqual([
      'platform ClusterPlatform STORAGE_INVALID provisioner',
      'platform ClusterPlatform REPLICAS_INVALID monitoringReplicas',
      'platform ClusterPlatform SIZING_INVALID monitoringTargets',
    ]);
  });

  test('NAME_INVALID: environment and team names are the platform fields, not BlueprintChart partOf and owner', () => {
    expect(issuesOf({ environment: 'Bad Env', teams: [{ name: 'A_' }] })).toEqual([
      'platform ClusterPlatform NAME_INVALID environment',
      'platform ClusterPlatform NAME_INVALID teams[0].name',
    ]);
    // platform-<environment> must be a label value: at most 63 characters.
    expect(issuesOf({ environment: 'e'.repeat(55) })).toEqual(['platform ClusterPlatform NAME_INVALID environment']);
    expect(() => new ClusterPlatform(new App(), 'platform', { ...base, environment: 'e'.repeat(54) })).not.toThrow();
  });

  test('NAME_INVALID: a team given twice, or named after a namespace of the platform (its objects rendered twice)', () => {
    expect(issuesOf({ teams: [{ name: 'users' }, { name: 'users' }, { name: 'monitoring' }, { name: 'descheduler' }] })).toEqual([
      'platform ClusterPlatform NAME_INVALID teams[1].name',
      'platform ClusterPlatform NAME_INVALID teams[2].name',
      'platform ClusterPlatform NAME_INVALID teams[3].name',
    ]);
    // The team's own namespace rules come under the team's field too.
    expect(issuesOf({ teams: [{ name: 'kube-system' }] })).toEqual(['platform ClusterPlatform NAME_INVALID teams[0].name']);
  });

  test('INGRESS_INVALID: host is judged by the constructor, not at the first route()', () => {
    expect(issuesOf({ host: 'bad host' })).toEqual(['platform ClusterPlatform INGRESS_INVALID host']);
    expect(issuesOf({ host: '10.0.0.1' })).toEqual(['platform ClusterPlatform INGRESS_INVALID host']);
  });

  test('the props passed to one part come under the platform names: federate, deschedulerSchedule', () => {
    expect(issuesOf({ federate: ['http://eu:9090'], deschedulerSchedule: 'nope' })).toEqual([
      'platform ClusterPlatform METRICS_INVALID federate[0]',
      'platform ClusterPlatform SCHEDULE_INVALID deschedulerSchedule',
    ]);
  });

  test('all of them together, in one error', () => {
    const issues = issuesOf({
      environment: 'Bad Env',
      provisioner: 'bad provisioner!',
      monitoringTargets: -1,
      host: 'bad host',
      teams: [{ name: 'A_' }, { name: 'users' }, { name: 'users' }],
    });
    expect(issues.map((i) => i.split(' ').pop())).toEqual([
      'environment',
      'host',
      'teams[0].name',
      'teams[2].name',
      'provisioner',
      'monitoringTargets',
    ]);
  });

  test('a prop of the wrong type is reported with the others, not alone: the platform judges the rest without it', () => {
    const issues = issuesOf({
      environment: 'Bad Env',
      production: 'yes' as unknown as boolean,
      host: 'bad host',
      nodeAllocatable: { cpu: 'x', memory: '8Gi' },
      backups: { schedule: 'no' },
    });
    expect(issues.map((i) => i.split(' ').slice(2).join(' '))).toEqual([
      'PROPS_INVALID production',
      'NAME_INVALID environment',
      'INGRESS_INVALID host',
      'QUANTITY_INVALID nodeAllocatable.cpu',
      'SCHEDULE_INVALID backups.schedule',
    ]);
    // The required props of the wrong shape: one issue each, no second one from their stand-ins.
    expect(
      issuesOf({ environment: 5 as unknown as string, teams: 'x' as unknown as [] }).map((i) => i.split(' ').slice(2).join(' ')),
    ).toEqual(['PROPS_INVALID environment', 'PROPS_INVALID teams']);
  });

  test('the valid neighbours: a wildcard host, a dotted environment, the routes and output unchanged', () => {
    const app = new App();
    const p = new ClusterPlatform(app, 'platform', {
      environment: 'eu.prod_1',
      host: 'shop.example.com',
      certificateIssuer: { name: 'letsencrypt', email: 'platform@example.com' },
      federate: ['prometheus.us.example.com:9090'],
      monitoringReplicas: 2,
      teams: [{ name: 'users' }, { name: 'products' }],
    });
    const users = new WebService(p.team('users'), 'users', {
      namespace: p.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    p.route({ path: '/user', backend: users });
    const objects = renderApp(app).flatMap((r) => r.objects);
    expect(objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'users').metadata.labels['app.kubernetes.io/part-of']).toBe(
      'platform-eu.prod_1',
    );
    expect(objects.find((o) => o.kind === 'Ingress').spec.rules[0].host).toBe('shop.example.com');
    // A wildcard host is a host too (its certificate is another matter, judged when a route needs it).
    expect(() => new ClusterPlatform(new App(), 'platform', { ...base, host: '*.example.com' })).not.toThrow();
  });
});
describe('ClusterPlatform storage', () => {
  test("a team's claim that names no class lands on the platform's data class (Retain), not the cluster default; an explicit class wins", () => {
    const app = new App();
    // The cluster declares no class of its own: a claim left on the cluster default would be STORAGE_CLASS_UNDECLARED.
    setClusterFacts(app, { existingStorageClasses: [] });
    const p = new ClusterPlatform(app, 'platform', { ...base, teams: [{ name: 'ledger', holdsData: true }] });
    const team = p.team('ledger');
    expect(team.defaultStorageClass).toBe(p.storage.data);
    const db = (id: string, storageClass?: typeof p.storage.data) =>
      new StatefulService(team, id, {
        namespace: team,
        image: 'ghcr.io/acme/db:1.0.0',
        ports: [{ name: 'pg', port: 5432 }],
        claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '1Gi', storageClass }],
      });
    db('ledger');
    db('cache', p.storage.scratch);
    new PersistentVolumeClaim(team, 'uploads', { namespace: team, size: '1Gi' });
    const objects = renderApp(app).flatMap((r) => r.objects);
    const claimClass = (name: string) => find(objects, 'StatefulSet', name).spec.volumeClaimTemplates[0].spec.storageClassName;
    expect(claimClass('ledger')).toBe('data');
    expect(find(objects, 'StorageClass', 'data').reclaimPolicy).toBe('Retain');
    expect(claimClass('cache')).toBe('scratch');
    expect(find(objects, 'PersistentVolumeClaim', 'uploads').spec.storageClassName).toBe('data');
    expect(find(objects, 'Prometheus', 'prometheus').spec.storage.volumeClaimTemplate.spec.storageClassName).toBe('data');
  });
});
describe('ClusterPlatform.route', () => {
  test('PROPS_INVALID for a route that is not one (was a TypeError reading backend.namespace), the valid neighbour routed', () => {
    const p = new ClusterPlatform(new App(), 'platform', { ...base, host: 'shop.example.com' });
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    for (const route of [undefined, 5, {}, { path: '/' }, { path: '/', backend: revocable.proxy }, revocable.proxy])
      expect(catchBlueprintError(() => p.route(route as never)).codes).toEqual(['PROPS_INVALID']);
    const users = new WebService(p.team('users'), 'users', {
      namespace: p.team('users'),
      image: 'app:1.0.0',
      ports: [{ name: 'http', port: 8080 }],
    });
    expect(p.route({ path: '/user', backend: users }).node.id).toBeDefined();
  });
});

describe('ClusterPlatform: a production platform declares the production cluster facts', () => {
  /** A one-pod WebService without probes in team `users` of a platform built with `props` (after `facts` on the app). */
  const build = (props: Partial<ClusterPlatformProps>, facts?: Parameters<typeof setClusterFacts>[1]) => {
    const app = new App();
    if (facts) setClusterFacts(app, facts);
    const p = new ClusterPlatform(app, 'platform', { ...base, nodeAllocatable: { cpu: '2', memory: '8Gi' }, ...props });
    const users = p.team('users');
    new WebService(users, 'api', { namespace: users, image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }], replicas: 1 });
    return { app, p };
  };
  const codesOf = (app: App) => {
    try {
      renderApp(app);
      return [];
    } catch (e) {
      return catchBlueprintError(() => {
        throw e;
      }).codes;
    }
  };

  test.each([[{ environment: 'production' }], [{ environment: 'Prod' }], [{ production: true }]])(
    '%j: HA and probes are judged, the namespaces are labelled production',
    (props) => {
      const { app, p } = build(props);
      expect(p.team('users').production).toBe(true);
      expect(codesOf(app)).toEqual(expect.arrayContaining(['HA_SINGLE_REPLICA', 'PROBE_MISSING']));
      // The chart's own fact (nodeAllocatable) stays beside the ones the platform adds.
      expect(clusterFactsOf(p.teamCharts.get('users')!)).toEqual(
        expect.objectContaining({ production: true, requireProbes: true, nodeAllocatable: expect.anything() }),
      );
    },
  );

  test.each([[{ environment: 'staging' }], [{ environment: 'prod', production: false }], [{ environment: 'eu.prod_1' }]])(
    '%j is not production: the one-pod service renders',
    (props) => {
      const { app, p } = build(props);
      expect(p.team('users').production).toBe(false);
      expect(codesOf(app)).toEqual([]);
    },
  );

  test('undeclared on the platform, the facts above it are read; the same value declared twice agrees', () => {
    expect(build({ environment: 'live' }, { production: true }).p.team('users').production).toBe(true);
    expect(() => build({ environment: 'prod' }, { production: true, requireProbes: true })).not.toThrow();
    expect(() => build({ production: false }, { production: false, requireProbes: true })).not.toThrow();
  });

  test('charts beside the platform keep their own scope: the platform declares nothing on the app', () => {
    const { app } = build({ production: true });
    expect(clusterFactsOf(app)).toEqual({});
  });

  test('a different fact declared above the platform is CLUSTER_FACTS_CONFLICT, each one, at the prop that declares it', () => {
    const conflict = (props: Partial<ClusterPlatformProps>, facts: Parameters<typeof setClusterFacts>[1]) =>
      catchBlueprintError(() => build(props, facts)).issues.map((i) => [i.code, i.path, i.field, i.value]);
    expect(conflict({ environment: 'prod' }, { production: false })).toEqual([
      ['CLUSTER_FACTS_CONFLICT', 'platform', 'environment', 'prod'],
    ]);
    expect(conflict({ production: false }, { production: true })).toEqual([['CLUSTER_FACTS_CONFLICT', 'platform', 'production', false]]);
    expect(conflict({ production: true }, { production: false, requireProbes: false })).toEqual([
      ['CLUSTER_FACTS_CONFLICT', 'platform', 'production', true],
      ['CLUSTER_FACTS_CONFLICT', 'platform', 'production', true],
    ]);
    const issue = expectCode(() => build({ production: true }, { requireProbes: false }), 'CLUSTER_FACTS_CONFLICT');
    expect(issue.message).toContain('requireProbes: true');
    expect(issue.fix).toContain('requireProbes: false');
  });
});

describe('ClusterPlatform: a bad nodeAllocatable no longer hides the other problems', () => {
  // Every prop wrong at once (/tmp/review/fuzz/multi.ts): the charts used to throw on nodeAllocatable before any part was judged.
  const everything = (nodeAllocatable: ClusterPlatformProps['nodeAllocatable']) =>
    issuesOf({
      environment: 'Test!',
      host: 'bad host',
      certificateIssuer: { name: 'le', email: 'nope' },
      teams: [{ name: 'Bad_Team' }, { name: 'ok', quota: 'HUGE' as never }],
      secretStore: { name: 'aws', awsRegion: 'mars-1' },
      nodeAllocatable,
    }).map((i) => i.split(' ').slice(2).join(' '));

  test('QUANTITY_INVALID of nodeAllocatable comes with every other issue, under the platform', () => {
    const valid = everything({ cpu: '4', memory: '16Gi' });
    expect(valid).toHaveLength(6);
    // The platform's own props first (environment, host, nodeAllocatable), then the parts'.
    expect(everything({ cpu: 'x', memory: 'y' })).toEqual([
      ...valid.slice(0, 2),
      'QUANTITY_INVALID nodeAllocatable.cpu',
      'QUANTITY_INVALID nodeAllocatable.memory',
      ...valid.slice(2),
    ]);
    expect(issuesOf({ nodeAllocatable: { cpu: '-1' } })).toEqual(['platform ClusterPlatform QUANTITY_INVALID nodeAllocatable.cpu']);
  });

  test('a valid nodeAllocatable still reaches every chart', () => {
    const p = new ClusterPlatform(new App(), 'platform', { ...base, nodeAllocatable: { cpu: '4', memory: '16Gi' } });
    for (const c of p.charts) expect(clusterFactsOf(c).nodeAllocatable?.cpu?.toString()).toBe('4');
  });
});

describe('ClusterPlatform backups: a production platform backs up the data of its namespaces', () => {
  const schedules = (app: App) =>
    renderApp(app)
      .flatMap((r) => r.objects)
      .filter((o) => o.kind === 'Schedule');
  const platform = (props: Partial<ClusterPlatformProps>, app = new App()) => ({
    app,
    p: new ClusterPlatform(app, 'platform', {
      ...base,
      teams: [{ name: 'users', holdsData: true }, { name: 'orders', holdsData: true, backUp: false }, { name: 'web' }],
      ...props,
    }),
  });

  test('production, by default: monitoring and every team that holds data, with the BackupSchedule defaults', () => {
    const { app, p } = platform({ environment: 'prod' });
    const s = schedules(app);
    expect(s.map((o) => [o.metadata.namespace, o.metadata.name, o.spec.template.includedNamespaces])).toEqual([
      ['velero', 'monitoring-prometheus', ['monitoring']],
      ['velero', 'team-users', ['users']],
    ]);
    expect(s.map((o) => [o.spec.schedule, o.spec.template.ttl])).toEqual([
      ['0 3 * * *', '720h0m0s'],
      ['0 3 * * *', '720h0m0s'],
    ]);
    expect(p.backupPolicy).toEqual({});
    expect(p.backups.map((b) => b.name)).toEqual(['monitoring-prometheus', 'team-users']);
  });

  test('production declared above the platform backs up too; not production backs up nothing unless asked', () => {
    const app = new App();
    setClusterFacts(app, { production: true });
    expect(schedules(platform({ environment: 'live' }, app).app)).toHaveLength(2);
    const { app: dev, p } = platform({ environment: 'dev' });
    expect(schedules(dev)).toEqual([]);
    expect(p.backupPolicy).toBeUndefined();
    const asked = platform({ environment: 'dev', backups: { schedule: '0 1 * * *', storageLocation: 'eu' } });
    expect(schedules(asked.app).map((o) => [o.spec.schedule, o.spec.template.storageLocation])).toEqual([
      ['0 1 * * *', 'eu'],
      ['0 1 * * *', 'eu'],
    ]);
  });

  test('backups: false backs up nothing, and the check says so at the Prometheus (BACKUP_MISSING)', () => {
    const { app } = platform({ environment: 'prod', backups: false });
    expect(schedules(app)).toEqual([]);
    const findings = renderApp(app).flatMap((r) => r.warnings ?? []);
    expect(findings.map((w: { code: string }) => w.code)).toContain('BACKUP_MISSING');
  });

  test('a bad policy is reported once, under backups', () => {
    expect(issuesOf({ environment: 'prod', backups: { schedule: 'nope' }, teams: [{ name: 'a', holdsData: true }] })).toEqual([
      'platform ClusterPlatform SCHEDULE_INVALID backups.schedule',
    ]);
    expect(issuesOf({ backups: 'yes' as never })).toEqual(['platform ClusterPlatform PROPS_INVALID backups']);
    // The shape of the policy, judged by backUp() as its argument, comes under backups too.
    expect(issuesOf({ production: true, backups: { schedule: 5, bogus: 1 } as never })).toEqual([
      'platform ClusterPlatform PROPS_UNKNOWN backups.bogus',
      'platform ClusterPlatform PROPS_INVALID backups.schedule',
    ]);
  });
});

describe("ClusterPlatform's chart ids", () => {
  const props: ClusterPlatformProps = { environment: 'test', teams: [{ name: 'users' }] };

  test("a chart of the user's given the id of a platform chart names the platform that holds it", () => {
    const app = new App();
    new ClusterPlatform(app, 'platform', props);
    const issue = expectCode(() => new BlueprintChart(app, 'team-users', { owner: 'o' }), 'ID_INVALID');
    expect(issue.message).toBe("is already used by ClusterPlatform 'platform' (its chart 'team-users') in the app");
    expect(issue.fix).toBe("give this BlueprintChart another id: ClusterPlatform 'platform' needs 'team-users'");
  });

  test("a platform whose chart id a chart of the user's already holds says which chart and that the platform needs the id", () => {
    const app = new App();
    new BlueprintChart(app, 'cluster', { owner: 'o' });
    const issue = expectCode(() => new ClusterPlatform(app, 'platform', props), 'ID_INVALID');
    expect(issue.message).toBe(
      "is already used by BlueprintChart 'cluster' in the app, where ClusterPlatform 'platform' makes its own chart 'cluster'",
    );
    expect(issue.fix).toBe("give BlueprintChart 'cluster' another id: ClusterPlatform needs 'cluster'");
  });
});
