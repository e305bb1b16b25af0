import * as fc from 'fast-check';
import { ApiObject, App } from 'cdk8s';
import {
  BlueprintChart,
  BlueprintError,
  ClusterIssuer,
  ENVIRONMENT_LABEL,
  ExternalService,
  IngressRoutes,
  PodSecurityLevel,
  QuotaPreset,
  QuotaScope,
  ResourceQuota,
  SecretBackend,
  SecretDeclaration,
  StatefulService,
  StorageClass,
  TeamNamespace,
  TeamNamespaceProps,
  WebService,
  renderApp,
  setClusterFacts,
  validateManifests,
} from '../../constructs';
import {
  WEB,
  catchBlueprintError,
  expectCode,
  find,
  linterAnnotations,
  ofKind,
  render,
  renderChart,
  renderNew,
  testChart,
} from '../helpers';

describe('TeamNamespace', () => {
  test.each<[string, string, TeamNamespaceProps?]>([
    // `undefined` written out: a row shorter than the callback's parameters would get jest's `done` instead.
    ['defaults', 'payments', undefined],
    [
      'all props',
      'Team',
      {
        name: 'orders',
        owner: 'orders-team',
        quota: QuotaPreset.MEDIUM,
        containerLimits: {
          default: { cpu: '1', memory: '1Gi' },
          defaultRequest: { cpu: '200m', memory: '256Mi' },
          min: { cpu: '50m', memory: '32Mi' },
          max: { cpu: '4', memory: '8Gi' },
          maxLimitRequestRatio: { cpu: 10 },
        },
        podSecurity: {
          enforce: PodSecurityLevel.BASELINE,
          audit: PodSecurityLevel.RESTRICTED,
          warn: PodSecurityLevel.RESTRICTED,
          version: 'v1.30',
        },
        access: { view: ['sre'], edit: ['orders-devs', 'orders-oncall'], admin: ['orders-leads'], debug: ['orders-oncall'] },
        holdsData: true,
        labels: { 'example.com/cost-center': 'cc-42' },
      },
    ],
  ])('%s snapshot', (_what, id, props) => {
    expect(renderNew(TeamNamespace, id, props)).toMatchSnapshot();
  });

  test('has a quota, a LimitRange, default-deny both ways, DNS allowed, PSA labels, a tokenless ServiceAccount', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'payments', { access: { edit: ['payments-devs'] } });
    const objects = renderChart(chart);
    const ns = find(objects, 'Namespace', 'payments');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
    });
    for (const o of objects.filter((x) => x.kind !== 'Namespace')) expect(o.metadata.namespace).toBe('payments');
    expect(find(objects, 'ResourceQuota', 'quota').spec.hard.pods).toBe(20);
    expect(find(objects, 'NetworkPolicy', 'default-deny-all').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = find(objects, 'NetworkPolicy', 'allow-dns').spec.egress[0];
    expect(dns.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    expect(dns.to[0].podSelector.matchLabels).toEqual({ 'k8s-app': 'kube-dns' });
    expect(find(objects, 'ServiceAccount', 'workload').automountServiceAccountToken).toBe(false);
    const rb = find(objects, 'RoleBinding', 'team-edit');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'team-edit' });
    expect(ofKind(objects, 'RoleBinding')).toHaveLength(1);
    for (const o of objects) expect(o.metadata.annotations['cluster-blueprints.io/owner']).toBe('payments');
    expect(team.dnsSuffix).toBe('payments.svc.cluster.local');
    expect(team.dnsNameOf('api')).toBe('api.payments.svc.cluster.local');
  });

  /** A team with all three access levels: its objects, and the (group/resource:verb) grants of each level's Role. */
  function threeLevels() {
    const { chart } = testChart();
    new TeamNamespace(chart, 'payments', { access: { view: ['sre'], edit: ['devs'], admin: ['leads'] } });
    const objects = renderChart(chart);
    const grants = (name: string) =>
      new Set<string>(
        find(objects, 'Role', name).rules.flatMap((r: any) =>
          r.apiGroups.flatMap((g: string) => r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${g}/${res}:${v}`))),
        ),
      );
    const [view, edit, admin] = ['team-view', 'team-edit', 'team-admin'].map(grants);
    return { objects, view, edit, admin };
  }

  test('access binds each level to a Role of its own, without a shell into pods, wildcards or deletecollection', () => {
    const { objects, view, edit, admin } = threeLevels();
    for (const level of ['view', 'edit', 'admin']) {
      const rb = find(objects, 'RoleBinding', `team-${level}`);
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `team-${level}` });
      expect(find(objects, 'Role', `team-${level}`).metadata.namespace).toBe('payments');
    }
    expect(ofKind(objects, 'Role')).toHaveLength(3);
    const shell = /^\/(pods\/(exec|attach|portforward|proxy|ephemeralcontainers)|services\/proxy):/;
    for (const g of [...admin]) {
      expect(g).not.toMatch(shell);
      expect(g).not.toMatch(/\*|:deletecollection$|:impersonate$|serviceaccounts\/token/);
    }
    // Each level holds the one below it.
    for (const g of view) expect(edit.has(g)).toBe(true);
    for (const g of edit) expect(admin.has(g)).toBe(true);
    expect(view.has('/pods/log:get')).toBe(true);
    expect(edit.has('apps/deployments:create')).toBe(true);
    // Secrets, NetworkPolicy changes and RBAC are the admin's alone.
    for (const g of ['/secrets:get', 'networking.k8s.io/networkpolicies:delete', 'rbac.authorization.k8s.io/rolebindings:create']) {
      expect([view.has(g), edit.has(g), admin.has(g)]).toEqual([false, false, true]);
    }
  });

  test("access reaches the custom resources the output puts in team namespaces, as their operators' aggregates do", () => {
    const { view, edit, admin } = threeLevels();
    const declared = [
      'external-secrets.io/externalsecrets',
      'cert-manager.io/certificates',
      'monitoring.coreos.com/servicemonitors',
      'monitoring.coreos.com/podmonitors',
    ];
    const readOnly = [
      'autoscaling.k8s.io/verticalpodautoscalers',
      'external-secrets.io/secretstores',
      'cert-manager.io/certificaterequests',
      'acme.cert-manager.io/orders',
      'acme.cert-manager.io/challenges',
    ];
    for (const kind of [...declared, ...readOnly])
      for (const verb of ['get', 'list', 'watch']) expect([view.has(`${kind}:${verb}`), kind]).toEqual([true, kind]);
    for (const kind of declared)
      for (const verb of ['create', 'update', 'patch', 'delete']) {
        expect([view.has(`${kind}:${verb}`), edit.has(`${kind}:${verb}`), admin.has(`${kind}:${verb}`), kind]).toEqual([
          false,
          true,
          true,
          kind,
        ]);
      }
    // A SecretStore makes the ESO controller authenticate (a token for a ServiceAccount of the namespace): no level writes one.
    for (const kind of readOnly)
      for (const verb of ['create', 'update', 'patch', 'delete']) expect([admin.has(`${kind}:${verb}`), kind]).toEqual([false, kind]);
    for (const g of admin) expect(g).not.toMatch(/\*|deletecollection|clustersecretstores|prometheuses|alertmanagers/);
  });

  test.each(['edit', 'admin', 'debug'] as const)(
    'ACCESS_PRIVILEGED_NAMESPACE: access.%s in a namespace enforcing privileged, where a pod is root on its node',
    (level) => {
      const err = catchBlueprintError(
        () =>
          new TeamNamespace(testChart().chart, 'agents', {
            podSecurity: { enforce: PodSecurityLevel.PRIVILEGED, warn: PodSecurityLevel.RESTRICTED },
            access: { view: ['sre'], [level]: ['sre'] },
          }),
      );
      expect(err.issues).toEqual([
        expect.objectContaining({
          code: 'ACCESS_PRIVILEGED_NAMESPACE',
          field: `access.${level}`,
          value: ['sre'],
          fix: expect.stringContaining('grant view'),
        }),
      ]);
    },
  );

  test('a privileged namespace takes view, and any level when it enforces baseline (audit and warn do not count)', () => {
    const { chart } = testChart();
    new TeamNamespace(chart, 'agents', { podSecurity: { enforce: PodSecurityLevel.PRIVILEGED }, access: { view: ['sre'], edit: [] } });
    new TeamNamespace(chart, 'tools', {
      podSecurity: { enforce: PodSecurityLevel.BASELINE, audit: PodSecurityLevel.PRIVILEGED, warn: PodSecurityLevel.PRIVILEGED },
      access: { edit: ['devs'], admin: ['leads'], debug: ['oncall'] },
    });
    const objects = renderChart(chart);
    expect(ofKind(objects, 'RoleBinding').map((b) => `${b.metadata.namespace}/${b.metadata.name}`)).toEqual([
      'agents/team-view',
      'tools/team-edit',
      'tools/team-admin',
      'tools/team-debug',
    ]);
  });

  test('access.debug is a Role of its own with exec, attach, port-forward and ephemeral containers, exempt on purpose', () => {
    const { chart } = testChart();
    new TeamNamespace(chart, 'payments', { access: { debug: ['oncall'] } });
    const objects = renderChart(chart);
    const role = find(objects, 'Role', 'team-debug');
    expect(role.rules.flatMap((r: any) => r.resources)).toEqual([
      'pods',
      'pods/attach',
      'pods/exec',
      'pods/portforward',
      'pods/ephemeralcontainers',
    ]);
    const binding = find(objects, 'RoleBinding', 'team-debug');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'team-debug' });
    expect(binding.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'oncall' }]);
    expect(role.metadata.annotations['polaris.fairwinds.com/rolePodExecAttach-exempt']).toBe('true');
    expect(binding.metadata.annotations['polaris.fairwinds.com/rolebindingRolePodExecAttach-exempt']).toBe('true');
    expect(ofKind(objects, 'Role')).toHaveLength(1);
  });

  test('exposes the effective container defaults', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'payments', { containerLimits: { max: { cpu: '2' }, min: { memory: '64Mi' } } });
    expect(team.limitDefaults.limits.cpu?.toString()).toBe('2');
    expect(team.limitDefaults.requests.cpu?.toString()).toBe('2');
    expect(team.limitDefaults.requests.memory?.toString()).toBe('64Mi');
    expect(team.limitDefaults.limits.memory).toBeUndefined();
  });

  test('default limits shrink to fit a tiny quota instead of failing', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'tiny', {
      quota: { requestsCpu: '50m', limitsCpu: '200m', requestsMemory: '64Mi', limitsMemory: '256Mi', pods: 2 },
    });
    expect(team.limitRange.max.cpu?.toString()).toBe('200m');
    expect(team.limitDefaults.limits.cpu?.toString()).toBe('200m');
    expect(team.limitDefaults.requests.cpu?.toString()).toBe('50m');
    expect(team.limitDefaults.limits.memory?.toString()).toBe('256Mi');
    renderChart(chart);
  });

  test('QUOTA_LIMITRANGE_CONFLICT: a LimitRange max above the quota', () => {
    const { chart } = testChart();
    const issue = expectCode(
      () => new TeamNamespace(chart, 'payments', { quota: QuotaPreset.SMALL, containerLimits: { max: { cpu: '8' } } }),
      'QUOTA_LIMITRANGE_CONFLICT',
    );
    expect(issue.field).toBe('containerLimits.max.cpu');
    expect(issue.path).toBe('test/payments');
  });

  test('PSA_VERSION_INVALID and ACCESS_GROUP_INVALID, reported together with NAME_INVALID', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(
      () => new TeamNamespace(chart, 'Bad_Name', { podSecurity: { version: '1.28' }, access: { view: [' '] } }),
    );
    expect(err.codes.sort()).toEqual(['ACCESS_GROUP_INVALID', 'NAME_INVALID', 'PSA_VERSION_INVALID']);
  });

  test('ACCESS_GROUP_INVALID: a group that grants nothing (white space, invisible characters), one that is everyone, a repeat', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(
      () =>
        new TeamNamespace(chart, 'shop', {
          access: {
            view: [' devs ', 'devs\u200b', 'system:authenticated'],
            debug: ['system:unauthenticated', 'oncall', 'oncall'],
            edit: ['system:serviceaccounts:shop'],
          },
        }),
    );
    expect(err.issues.map((i) => [i.code, i.field, i.value, i.message.split(':')[0]])).toEqual([
      ['ACCESS_GROUP_INVALID', 'access.view', ' devs ', 'has white space around it or invisible characters'],
      ['ACCESS_GROUP_INVALID', 'access.view', 'devs\u200b', 'has white space around it or invisible characters'],
      ['ACCESS_GROUP_INVALID', 'access.view', 'system:authenticated', 'is every authenticated user and ServiceAccount of the cluster'],
      ['ACCESS_GROUP_INVALID', 'access.debug', 'system:unauthenticated', 'is every anonymous request'],
      ['ACCESS_GROUP_INVALID', 'access.debug', 'oncall', 'is listed twice'],
      ['ACCESS_GROUP_INVALID', 'access.edit', 'system:serviceaccounts:shop', 'is every ServiceAccount of namespace shop'],
    ]);
    // The valid neighbours: an undefined level is no groups (`debug: isProd ? undefined : ['devs']`), as every optional prop.
    expect(() => new TeamNamespace(testChart().chart, 'shop', { access: { view: ['sre'], debug: undefined } })).not.toThrow();
  });

  test('bad label keys and values are NAME_INVALID', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new TeamNamespace(chart, 'x', { labels: { 'bad key!': 'ok', good: '-bad-' } }));
    expect(err.issues.map((i) => i.field)).toEqual(['labels["bad key!"]', 'labels.good']);
  });

  test('allowFromNamespace opens ingress from one namespace, once', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'shop');
    team.allowFromNamespace('monitoring');
    const np = find(renderChart(chart), 'NetworkPolicy', 'allow-from-monitoring');
    expect(np.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('monitoring');
    expectCode(() => team.allowFromNamespace('monitoring'), 'INTENT_DUPLICATE');
    expectCode(() => team.allowFromNamespace('Not_A_Namespace'), 'NAME_INVALID');
  });

  test("an empty namespace's namespace-wide policies say why they match no pod template; once a workload is there, they need not", () => {
    const policies = (withWorkload: boolean) => {
      const { chart } = testChart();
      const team = new TeamNamespace(chart, 'payments');
      team.allowFromNamespace('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
      // A workload of another namespace does not count.
      new WebService(chart, 'web', { namespace: withWorkload ? team : new TeamNamespace(chart, 'shop'), ...WEB });
      return ofKind(renderChart(chart), 'NetworkPolicy').filter(
        (p) => p.metadata.namespace === 'payments' && p.spec.podSelector.matchLabels === undefined,
      );
    };
    const empty = policies(false);
    expect(empty.map((p) => p.metadata.name).sort()).toEqual(['allow-dns', 'allow-from-monitoring-prometheus', 'default-deny-all']);
    for (const p of empty) {
      expect(p.metadata.annotations['kube-score/ignore']).toBe('networkpolicy-targets-pod');
      expect(p.metadata.annotations['ignore-check.kube-linter.io/dangling-networkpolicy']).toMatch(/renders no pod template here/);
    }
    for (const p of policies(true)) expect(linterAnnotations(p)).toEqual({});
  });

  test('allowFromNamespace with podLabels admits only those pods of the namespace (the scraper, not every tool beside it); labels the API server refuses are LABEL_INVALID', () => {
    const { chart } = testChart();
    const team = new TeamNamespace(chart, 'shop');
    team.allowFromNamespace('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
    // Another group of pods of the same namespace is another path, not a duplicate.
    team.allowFromNamespace('monitoring', { 'app.kubernetes.io/name': 'grafana' });
    expectCode(() => team.allowFromNamespace('monitoring', { 'app.kubernetes.io/name': 'grafana' }), 'INTENT_DUPLICATE');
    expect(find(renderChart(chart), 'NetworkPolicy', 'allow-from-monitoring-grafana').spec.ingress[0].from[0].podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'grafana' },
    });
    expect(find(renderChart(chart), 'NetworkPolicy', 'allow-from-monitoring-prometheus').spec.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          },
        ],
      },
    ]);
    const e = catchBlueprintError(() => new TeamNamespace(testChart().chart, 'x').allowFromNamespace('ops', { 'a b': 'c', d: 'e f' }));
    expect(e.issues.map((i) => [i.code, i.field])).toEqual([
      ['LABEL_INVALID', 'podLabels.a b'],
      ['LABEL_INVALID', 'podLabels.d'],
    ]);
  });

  test.each([
    ['allowFromNamespace', (t: TeamNamespace, v: unknown) => t.allowFromNamespace(v as never)],
    ['dnsNameOf', (t: TeamNamespace, v: unknown) => t.dnsNameOf(v as never)],
  ])(
    '%s: a Symbol, a revoked Proxy or a null-prototype object is PROPS_INVALID (was a TypeError from the template literal)',
    (_m, call) => {
      const team = new TeamNamespace(testChart().chart, 'shop');
      const revocable = Proxy.revocable({}, {});
      revocable.revoke();
      for (const v of [Symbol('s'), revocable.proxy, Object.create(null)]) expectCode(() => call(team, v), 'PROPS_INVALID');
    },
  );

  test('holdsData marks the namespace for the deploy tool', () => {
    const ns = find(renderNew(TeamNamespace, 'db', { holdsData: true }), 'Namespace', 'db');
    expect(ns.metadata.annotations['cluster-blueprints.io/retain']).toBe('true');
  });

  test('a production environment (cluster facts) labels its namespaces; elsewhere the label is absent', () => {
    const { app, chart } = testChart();
    setClusterFacts(app, { production: true });
    expect(new TeamNamespace(chart, 'db').production).toBe(true);
    expect(find(renderChart(chart), 'Namespace', 'db').metadata.labels[ENVIRONMENT_LABEL]).toBe('production');
    const plain = testChart();
    new TeamNamespace(plain.chart, 'db');
    expect(find(renderChart(plain.chart), 'Namespace', 'db').metadata.labels).not.toHaveProperty(ENVIRONMENT_LABEL);
  });

  test('NAMESPACE_LABEL_RESERVED: the environment label is not set by hand', () => {
    const { chart } = testChart();
    const issue = expectCode(
      () => new TeamNamespace(chart, 'db', { labels: { [ENVIRONMENT_LABEL]: 'production' } }),
      'NAMESPACE_LABEL_RESERVED',
    );
    expect(issue.field).toBe(`labels[${JSON.stringify(ENVIRONMENT_LABEL)}]`);
  });

  test("NAMESPACE_LABEL_RESERVED: labels the Namespace already carries (Pod Security, its own app.kubernetes.io labels, the API server's name label) would be overwritten silently", () => {
    const { chart } = testChart();
    for (const [i, key] of [
      'pod-security.kubernetes.io/enforce',
      'pod-security.kubernetes.io/warn-version',
      'app.kubernetes.io/name',
      'app.kubernetes.io/managed-by',
      'kubernetes.io/metadata.name',
    ].entries()) {
      const issue = expectCode(() => new TeamNamespace(chart, `db${i}`, { labels: { [key]: 'privileged' } }), 'NAMESPACE_LABEL_RESERVED');
      expect(issue.field).toBe(`labels[${JSON.stringify(key)}]`);
    }
    const ns = new TeamNamespace(chart, 'ok', { labels: { 'acme.io/cost-center': '42', 'app.kubernetes.io/part-of': 'shop' } });
    expect(find(renderChart(chart), 'Namespace', 'ok').metadata.labels).toMatchObject({
      'acme.io/cost-center': '42',
      'app.kubernetes.io/part-of': 'shop',
    });
    expect(ns.name).toBe('ok');
  });

  test("NAME_INVALID: the cluster's own namespaces (default, kube-*), whose system pods the team's policies and quota would govern", () => {
    const { chart } = testChart();
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const issue = expectCode(() => new TeamNamespace(chart, `t-${name}`, { name }), 'NAME_INVALID');
      expect([issue.field, issue.value]).toEqual(['name', name]);
    }
    expect(() => new TeamNamespace(chart, 'kube-team')).not.toThrow();
  });

  test("defaultStorageClass: claims of the namespace that name no class take it (a StorageClass or a name); a claim's own class wins; not a class name, NAME_INVALID", () => {
    const app = new App();
    setClusterFacts(app, { existingStorageClasses: ['gp3', 'io2'] });
    const chart = new BlueprintChart(app, 'test', { owner: 'test' });
    const data = new StorageClass(chart, 'data', { provisioner: 'ebs.csi.aws.com' });
    const team = new TeamNamespace(chart, 'team', { defaultStorageClass: data, holdsData: true });
    const named = new TeamNamespace(chart, 'named', { defaultStorageClass: 'gp3', holdsData: true });
    const db = (ns: TeamNamespace, id: string, storageClass?: string) =>
      new StatefulService(chart, `${ns.name}-${id}`, {
        namespace: ns,
        name: id,
        image: 'ghcr.io/acme/db:1.0.0',
        ports: [{ name: 'pg', port: 5432 }],
        claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '1Gi', storageClass }],
      });
    db(team, 'unset');
    db(team, 'own', 'io2');
    db(named, 'unset');
    const objects = renderApp(app).flatMap((r) => r.objects);
    const claimClass = (ns: string, name: string) =>
      objects.find((o) => o.kind === 'StatefulSet' && o.metadata.namespace === ns && o.metadata.name === name).spec.volumeClaimTemplates[0]
        .spec.storageClassName;
    expect([claimClass('team', 'unset'), claimClass('team', 'own'), claimClass('named', 'unset')]).toEqual(['data', 'io2', 'gp3']);
    // Without a default, the claim is left to the cluster's default class, which the declared facts do not name.
    db(new TeamNamespace(chart, 'plain', { holdsData: true }), 'unset');
    expect(expectCode(() => renderApp(app), 'STORAGE_CLASS_UNDECLARED').path).toBe('test/plain-unset');
    for (const bad of ['', 'Not_A_Class']) {
      const issue = expectCode(() => new TeamNamespace(chart, `bad-${bad.length}`, { defaultStorageClass: bad }), 'NAME_INVALID');
      expect([issue.field, issue.value]).toEqual(['defaultStorageClass', bad]);
    }
  });
});

describe('TeamNamespace properties', () => {
  const cpuMillis = fc.integer({ min: 100, max: 64_000 });
  const memMi = fc.integer({ min: 256, max: 256 * 1024 });
  const validProps = fc.record({
    name: fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/),
    requestsCpu: cpuMillis,
    extraCpu: fc.integer({ min: 0, max: 10_000 }),
    requestsMem: memMi,
    extraMem: fc.integer({ min: 0, max: 10_000 }),
    pods: fc.integer({ min: 1, max: 500 }),
    view: fc.array(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), { maxLength: 3 }),
    enforce: fc.constantFrom(...Object.values(PodSecurityLevel)),
  });

  test('random valid props always give schema-valid output with every governance object', () => {
    fc.assert(
      fc.property(validProps, (p) => {
        const app = new App();
        const chart = new BlueprintChart(app, 'c', { owner: 'prop' });
        new TeamNamespace(chart, 'team', {
          name: p.name,
          quota: {
            requestsCpu: `${p.requestsCpu}m`,
            limitsCpu: `${p.requestsCpu + p.extraCpu}m`,
            requestsMemory: `${p.requestsMem}Mi`,
            limitsMemory: `${p.requestsMem + p.extraMem}Mi`,
            pods: p.pods,
          },
          access: { view: p.view },
          podSecurity: { enforce: p.enforce },
        });
        const objects = renderApp(app).flatMap((r) => r.objects);
        expect(validateManifests(objects)).toEqual([]);
        expect(new Set(objects.map((o) => o.kind))).toEqual(
          new Set([
            'Namespace',
            'ResourceQuota',
            'LimitRange',
            'NetworkPolicy',
            'ServiceAccount',
            ...(p.view.length ? ['Role', 'RoleBinding'] : []),
          ]),
        );
      }),
      { numRuns: 40 },
    );
  });

  const invalidProps = fc.oneof(
    fc.record({ name: fc.stringMatching(/^[A-Z_!.][a-zA-Z_!.]{0,10}$/) }),
    fc.record({ quota: fc.record({ requestsCpu: fc.constantFrom('abc', '-1', '1.5.3', 'NaN', '') }) }),
    fc.record({ quota: fc.record({ pods: fc.oneof(fc.integer({ max: 0 }), fc.double({ min: 0.1, max: 9.9, noInteger: true })) }) }),
    fc.record({ quota: fc.constant({ requestsCpu: '4', limitsCpu: '2' }) }),
    fc.record({ containerLimits: fc.record({ max: fc.record({ cpu: fc.integer({ min: 5, max: 100 }).map(String) }) }) }),
    fc.record({ podSecurity: fc.record({ version: fc.stringMatching(/^[0-9]\.[0-9]{1,2}$/) }) }),
  );

  test('random invalid props always raise a BlueprintError (never YAML, never a TypeError)', () => {
    fc.assert(
      fc.property(invalidProps, (p) => {
        const app = new App();
        const chart = new BlueprintChart(app, 'c', { owner: 'prop' });
        expect(() => new TeamNamespace(chart, 'team', p as any)).toThrow(BlueprintError);
      }),
      { numRuns: 100 },
    );
  });
});

describe('TeamNamespace services quota (QUOTA_SERVICES_EXCEEDED)', () => {
  const web = { image: 'ghcr.io/acme/web:1.4.2', ports: [{ name: 'http', port: 8080 }] };
  const quota = (services: number) => ({ quota: { ...QuotaPreset.MEDIUM.limits, services } });

  test('every Service the output puts in the namespace counts: WebServices, both StatefulService Services, ExternalServices', () => {
    const build = (services: number) => {
      const { app, chart } = testChart();
      const team = new TeamNamespace(chart, 'shop', quota(services));
      for (const id of ['a', 'b', 'c']) new WebService(chart, id, { namespace: team, ...web });
      // Headless (the pods' DNS) and client Service: two.
      new StatefulService(chart, 'db', {
        namespace: team,
        image: 'ghcr.io/acme/db:1.0.0',
        ports: [{ name: 'pg', port: 5432 }],
        clientService: true,
        claims: [
          {
            name: 'data',
            mountPath: '/var/lib/postgresql/data',
            size: '1Gi',
            storageClass: new StorageClass(chart, 'ssd', { provisioner: 'ebs.csi.aws.com' }),
          },
        ],
      });
      ExternalService.fromHostName(chart, 'mongo', {
        namespace: 'shop',
        hostName: 'db.example.com',
        ports: [{ name: 'mongo', port: 27017 }],
      });
      return app;
    };
    const issue = expectCode(() => renderApp(build(5)), 'QUOTA_SERVICES_EXCEEDED');
    expect(issue.field).toBe('quota.services');
    expect(issue.value).toBe(6);
    expect(issue.message).toContain('a, b, c, db');
    expect(issue.message).toContain('mongo');
    // The valid neighbour: room for all six.
    expect(ofKind(render(build(6)), 'Service')).toHaveLength(6);
  });

  test('Services count without any workload in the namespace', () => {
    const { app, chart } = testChart();
    new TeamNamespace(chart, 'shop', quota(1));
    for (const id of ['x', 'y'])
      ExternalService.fromHostName(chart, id, { namespace: 'shop', hostName: `${id}.example.com`, ports: [{ name: 'db', port: 5432 }] });
    expect(expectCode(() => renderApp(app), 'QUOTA_SERVICES_EXCEEDED').value).toBe(2);
  });

  test("one Service of headroom for cert-manager's HTTP-01 solver where a Certificate is issued by a ClusterIssuer", () => {
    const build = (services: number) => {
      const { app, chart } = testChart();
      const team = new TeamNamespace(chart, 'shop', quota(services));
      const svc = new WebService(chart, 'web', { namespace: team, ...web });
      const issuer = new ClusterIssuer(chart, 'le', { email: 'ops@example.com' });
      new IngressRoutes(chart, 'public', { namespace: 'shop', host: 'shop.example.com', issuer, routes: [{ path: '/', backend: svc }] });
      return app;
    };
    const issue = expectCode(() => renderApp(build(1)), 'QUOTA_SERVICES_EXCEEDED');
    expect(issue.value).toBe(2);
    expect(issue.message).toContain('HTTP-01 solver');
    expect(ofKind(render(build(2)), 'Service')).toHaveLength(1);
    // Without an issuer (a TLS Secret the deploy tool provides), no solver: one Service fits a quota of one.
    const { app, chart } = testChart();
    const team = new TeamNamespace(chart, 'shop', quota(1));
    const svc = new WebService(chart, 'web', { namespace: team, ...web });
    new SecretDeclaration(chart, 'tls', {
      namespace: 'shop',
      name: 'public-tls',
      keys: ['tls.crt', 'tls.key'],
      backend: SecretBackend.deployTool(),
    });
    new IngressRoutes(chart, 'public', { namespace: 'shop', host: 'shop.example.com', routes: [{ path: '/', backend: svc }] });
    expect(ofKind(render(app), 'Service')).toHaveLength(1);
  });
});

describe('TeamNamespace: every ResourceQuota of the namespace is fit-checked (quota admission applies them all)', () => {
  const build = (quota: Record<string, unknown>) => {
    const { app, chart } = testChart();
    const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
    // 3 replicas + 1 surge = 4 pods at peak, 100m CPU requested each (the LimitRange default): never BestEffort.
    new WebService(chart, 'web', { namespace: team, image: 'ghcr.io/acme/web:1.4.2', ports: [{ name: 'http', port: 8080 }], replicas: 3 });
    new ResourceQuota(chart, 'q2', { namespace: 'shop', name: 'q2', ...quota });
    return app;
  };

  test('an unscoped second quota: QUOTA_PODS_EXCEEDED and QUOTA_EXCEEDED name it', () => {
    const err = catchBlueprintError(() => renderApp(build({ limits: { pods: 1, requestsCpu: '1m' } })));
    expect(err.issues.map((i) => [i.code, i.field, i.value])).toEqual([
      ['QUOTA_PODS_EXCEEDED', 'resourceQuota/q2.pods', 4],
      ['QUOTA_EXCEEDED', 'resourceQuota/q2.requestsCpu', '400m'],
    ]);
    expect(err.issues[0].message).toContain('ResourceQuota q2 pods of 1');
    expect(err.issues[0].fix).toContain('raise pods of ResourceQuota q2 to at least 4');
    // The valid neighbour: room for the peak.
    expect(ofKind(render(build({ limits: { pods: 4, requestsCpu: '400m' } })), 'ResourceQuota')).toHaveLength(2);
  });

  test('a scoped quota counts the pods its scopes match (pods.go podMatchesScopeFunc)', () => {
    // The web pods set no activeDeadlineSeconds (NotTerminating) and request CPU (NotBestEffort).
    for (const scope of [QuotaScope.NOT_TERMINATING, QuotaScope.NOT_BEST_EFFORT]) {
      const issue = expectCode(() => renderApp(build({ scopes: [scope], limits: { pods: 1 } })), 'QUOTA_PODS_EXCEEDED');
      expect([issue.field, issue.value]).toEqual(['resourceQuota/q2.pods', 4]);
      expect(issue.message).toContain(`scopes ${scope}`);
      expect(expectCode(() => renderApp(build({ scopes: [scope], limits: { requestsCpu: '1m' } })), 'QUOTA_EXCEEDED').field).toBe(
        'resourceQuota/q2.requestsCpu',
      );
    }
    // Pods it does not match are not counted: Terminating and BestEffort quotas admit them all.
    expect(ofKind(render(build({ scopes: [QuotaScope.TERMINATING], limits: { pods: 1, requestsCpu: '1m' } })), 'Deployment')).toHaveLength(
      1,
    );
    expect(ofKind(render(build({ scopes: [QuotaScope.BEST_EFFORT], limits: { pods: 0 } })), 'Deployment')).toHaveLength(1);
  });

  test('a raw ResourceQuota object counts too (spec.scopes and scopeSelector Exists)', () => {
    const build2 = (spec: Record<string, unknown>) => {
      const { app, chart } = testChart();
      const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
      new WebService(chart, 'web', {
        namespace: team,
        image: 'ghcr.io/acme/web:1.4.2',
        ports: [{ name: 'http', port: 8080 }],
        replicas: 3,
      });
      new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'raw', namespace: 'shop' }, spec });
      return app;
    };
    expect(expectCode(() => renderApp(build2({ hard: { 'limits.memory': '1Gi' } })), 'QUOTA_EXCEEDED').field).toBe(
      'resourceQuota/raw.limitsMemory',
    );
    const selector = { scopeSelector: { matchExpressions: [{ scopeName: 'NotTerminating', operator: 'Exists' }] } };
    expect(expectCode(() => renderApp(build2({ hard: { pods: '2' }, ...selector })), 'QUOTA_PODS_EXCEEDED').field).toBe(
      'resourceQuota/raw.pods',
    );
    expect(ofKind(render(build2({ hard: { pods: '4' }, ...selector })), 'Deployment')).toHaveLength(1);
  });
});
