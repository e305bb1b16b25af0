import { MAX_ISSUES_PER_KIND, RULES, runRules } from '../../constructs';
import { UNPRINTABLE, afterMutation, find, good, onMalformed, pod, rulesFound } from './fixture';

describe('SEC_PLAINTEXT_SECRET', () => {
  test('SEC_PLAINTEXT_SECRET: the pod annotation allows the names it lists, for its container only', () => {
    const objects = good();
    const template = find(objects, 'Deployment', 'web').spec.template;
    const name = template.spec.containers[0].name;
    template.spec.containers[0].env = [{ name: 'JWT_SIGNING_KEY', value: 'dev-only' }];
    expect(rulesFound(objects).has('SEC_PLAINTEXT_SECRET')).toBe(true);
    template.metadata.annotations = { ...template.metadata.annotations, [`plaintext-env.cluster-blueprints.io/other`]: 'JWT_SIGNING_KEY' };
    expect(rulesFound(objects).has('SEC_PLAINTEXT_SECRET')).toBe(true);
    template.metadata.annotations[`plaintext-env.cluster-blueprints.io/${name}`] = 'LOG_LEVEL, JWT_SIGNING_KEY';
    expect(rulesFound(objects).has('SEC_PLAINTEXT_SECRET')).toBe(false);
  });

  test('SEC_PLAINTEXT_SECRET: a variable naming a file holds no secret (POSTGRES_PASSWORD_FILE, a key file in a mount)', () => {
    const flagged = (env: any[], volumeMounts?: any[]) => {
      const objects = good();
      const c = pod(objects).containers[0];
      c.env = env;
      if (volumeMounts) c.volumeMounts = [...(c.volumeMounts ?? []), ...volumeMounts];
      return rulesFound(objects).has('SEC_PLAINTEXT_SECRET');
    };
    // The official postgres/mysql images read the secret from the file the _FILE variable names.
    expect(flagged([{ name: 'POSTGRES_PASSWORD_FILE', value: '/run/secrets/postgres-password' }])).toBe(false);
    expect(flagged([{ name: 'tlsKeyPath', value: '/etc/tls/tls.key' }])).toBe(false);
    const mount = [{ name: 'gcp-key', mountPath: '/var/secrets/google/' }];
    expect(flagged([{ name: 'GOOGLE_APPLICATION_CREDENTIALS', value: '/var/secrets/google/key.json' }], mount)).toBe(false);
    // A literal secret stays one, also beside a mount; a value merely sharing a mount's prefix is not inside it.
    expect(flagged([{ name: 'POSTGRES_PASSWORD', value: 'hunter2' }], mount)).toBe(true);
    expect(flagged([{ name: 'API_TOKEN', value: '/var/secrets/googlekey' }], mount)).toBe(true);
    // A _FILE name describes a file, not the secret (FILE is a descriptor of SECRET_ENV_NAME); a token put in it is
    // still refused by its shape (SECRET_IN_OUTPUT).
    const objects = good();
    pod(objects).containers[0].env = [{ name: 'API_TOKEN_FILE', value: `ghp_${'a1B2'.repeat(9)}` }];
    expect(rulesFound(objects).has('SECRET_IN_OUTPUT')).toBe(true);
    // Empty, a yes or no, a $(NAME) reference: nothing secret is written (the same predicate as the construct's).
    for (const value of ['', 'true', '1', '$(DB_PASSWORD_FROM_SECRET)']) expect(flagged([{ name: 'DB_PASSWORD', value }])).toBe(false);
  });
});

describe('security rules on malformed input: they skip what they cannot read, never RULE_FAILED', () => {
  test.each<[string, string, (o: any[]) => void, string[]]>([
    ['a map for a container name', 'SEC_PLAINTEXT_SECRET', (o) => (pod(o).containers[0].name = UNPRINTABLE()), []],
    [
      'a map for serviceAccountName (it names no account to look for)',
      'SEC_SA_TOKEN',
      afterMutation('SEC_SA_TOKEN', (o) => (pod(o).serviceAccountName = UNPRINTABLE())),
      [],
    ],
  ])('%s (%s)', (_what, code, mutate, expected) => {
    expect(onMalformed(mutate, code)).toEqual(expected);
  });
});

describe('SECRET_IN_OUTPUT', () => {
  const scan = RULES.filter((r) => r.code === 'SECRET_IN_OUTPUT');
  const configMap = (data: object) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop' }, data });
  const token = (i: number) => `ghp_${String(i).padStart(4, '0')}${'a1B2'.repeat(8)}`;

  test('one finding per string that holds a credential, however many one string holds', () => {
    const found = runRules([configMap({ a: `${token(1)} ${token(2)}`, b: 'plain', c: token(3) })], { rules: scan });
    expect(found.map((f) => f.pointer)).toEqual(['/data/a', '/data/c']);
  });

  test('a key that is a credential is one finding, its pointer hidden, and the scan goes on past it', () => {
    const found = runRules([configMap({ [token(1)]: token(2), b: token(3) })], { rules: scan });
    expect(found.map((f) => f.pointer)).toEqual(['/data/<redacted>', '/data/b']);
  });

  test(`an object with more than ${MAX_ISSUES_PER_KIND} lists that many and counts the rest in one finding`, () => {
    const data = Object.fromEntries(Array.from({ length: MAX_ISSUES_PER_KIND + 5 }, (_, i) => [`k${i}`, token(i)]));
    const found = runRules([configMap(data)], { rules: scan });
    expect(found).toHaveLength(MAX_ISSUES_PER_KIND + 1);
    expect(found.slice(0, MAX_ISSUES_PER_KIND).map((f) => f.pointer)).toEqual(
      Array.from({ length: MAX_ISSUES_PER_KIND }, (_, i) => `/data/k${i}`),
    );
    expect(found[MAX_ISSUES_PER_KIND]).toMatchObject({ pointer: '', message: expect.stringContaining('5 more strings') });
    expect(JSON.stringify(found)).not.toContain('a1B2');
  });
});

describe('SEC_RBAC_POD_EXEC', () => {
  const RBAC = 'rbac.authorization.k8s.io';
  const binding = (kind: string, roleKind: string, roleName: string, annotations?: Record<string, string>) => ({
    apiVersion: `${RBAC}/v1`,
    kind,
    metadata: { name: 'devs', ...(kind === 'RoleBinding' ? { namespace: 'shop' } : {}), annotations },
    roleRef: { apiGroup: RBAC, kind: roleKind, name: roleName },
    subjects: [{ kind: 'Group', name: 'devs', apiGroup: RBAC }],
  });
  const role = (kind: string, name: string, rules: any[]) => ({
    apiVersion: `${RBAC}/v1`,
    kind,
    metadata: { name, ...(kind === 'Role' ? { namespace: 'shop' } : {}) },
    rules,
  });
  const found = (objects: any[]) => runRules(objects).filter((f) => f.rule === 'SEC_RBAC_POD_EXEC');
  const EXEC = { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] };
  const LOGS = { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] };

  test('flags a binding to the built-in admin or edit, not to view, and not to cluster-admin (SEC_CLUSTER_ADMIN)', () => {
    expect(found([binding('RoleBinding', 'ClusterRole', 'admin')])).toHaveLength(1);
    expect(found([binding('ClusterRoleBinding', 'ClusterRole', 'edit')])[0]).toMatchObject({
      pointer: '/roleRef',
      message: expect.stringContaining('the built-in ClusterRole edit, which grants pods/exec and pods/attach'),
    });
    expect(found([binding('RoleBinding', 'ClusterRole', 'view')])).toEqual([]);
    const admin = runRules([binding('ClusterRoleBinding', 'ClusterRole', 'cluster-admin')]).map((f) => f.rule);
    expect(admin).toContain('SEC_CLUSTER_ADMIN');
    expect(admin).not.toContain('SEC_RBAC_POD_EXEC');
  });

  test('reads the rules of a Role or ClusterRole of the output: exec or attach by get or create, in its namespace', () => {
    expect(found([binding('RoleBinding', 'Role', 'r'), role('Role', 'r', [LOGS, EXEC])])[0].message).toContain(
      'Role r, which grants pods/exec',
    );
    const attachByGet = { apiGroups: [''], resources: ['pods/attach'], verbs: ['get'] };
    expect(found([binding('RoleBinding', 'ClusterRole', 'c'), role('ClusterRole', 'c', [attachByGet])])).toHaveLength(1);
    // A ClusterRole of the output named edit is that one, not the built-in.
    expect(found([binding('RoleBinding', 'ClusterRole', 'edit'), role('ClusterRole', 'edit', [LOGS])])).toEqual([]);
    expect(found([binding('RoleBinding', 'Role', 'r'), role('Role', 'r', [LOGS])])).toEqual([]);
    // Another group's pods/exec, or a verb that opens no stream, grants nothing.
    expect(found([binding('RoleBinding', 'Role', 'r'), role('Role', 'r', [{ ...EXEC, apiGroups: ['example.com'] }])])).toEqual([]);
    expect(found([binding('RoleBinding', 'Role', 'r'), role('Role', 'r', [{ ...EXEC, verbs: ['list'] }])])).toEqual([]);
    // A Role of another namespace is not the one bound.
    const elsewhere = { ...role('Role', 'r', [EXEC]), metadata: { name: 'r', namespace: 'other' } };
    expect(found([binding('RoleBinding', 'Role', 'r'), elsewhere])).toEqual([]);
  });

  test("honours Polaris' exemption of the binding's own check, or of every check", () => {
    const exempt = (check: string) => ({ [`polaris.fairwinds.com/${check}-exempt`]: 'true' });
    const granting = role('Role', 'r', [EXEC]);
    expect(found([binding('RoleBinding', 'Role', 'r', exempt('rolebindingRolePodExecAttach')), granting])).toEqual([]);
    expect(found([binding('RoleBinding', 'Role', 'r', exempt('rolebindingClusterRolePodExecAttach')), granting])).toHaveLength(1);
    expect(found([binding('RoleBinding', 'ClusterRole', 'admin', exempt('rolebindingClusterRolePodExecAttach'))])).toEqual([]);
    expect(found([binding('ClusterRoleBinding', 'ClusterRole', 'edit', exempt('clusterrolebindingPodExecAttach'))])).toEqual([]);
    expect(found([binding('RoleBinding', 'ClusterRole', 'admin', { 'polaris.fairwinds.com/exempt': 'true' })])).toEqual([]);
    expect(found([binding('RoleBinding', 'ClusterRole', 'admin', { 'polaris.fairwinds.com/exempt': 'false' })])).toHaveLength(1);
  });
});

describe('SEC_RBAC_PRIVILEGED_PODS', () => {
  const RBAC = 'rbac.authorization.k8s.io';
  const namespace = (name: string, level?: string) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: level ? { 'pod-security.kubernetes.io/enforce': level } : {} },
  });
  const binding = (roleKind: string, roleName: string, ns = 'agents', annotations?: Record<string, string>) => ({
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name: 'sre', namespace: ns, annotations },
    roleRef: { apiGroup: RBAC, kind: roleKind, name: roleName },
    subjects: [{ kind: 'Group', name: 'sre', apiGroup: RBAC }],
  });
  const role = (rules: any[], kind = 'Role', ns = 'agents') => ({
    apiVersion: `${RBAC}/v1`,
    kind,
    metadata: { name: 'r', ...(kind === 'Role' ? { namespace: ns } : {}) },
    rules,
  });
  const found = (objects: any[], context = {}) => runRules(objects, { context }).filter((f) => f.rule === 'SEC_RBAC_PRIVILEGED_PODS');
  const PRIVILEGED = namespace('agents', 'privileged');

  test('flags a RoleBinding to the built-in admin or edit in a privileged namespace, not to view, and not elsewhere', () => {
    expect(found([PRIVILEGED, binding('ClusterRole', 'edit')])[0]).toMatchObject({
      pointer: '/roleRef',
      message: expect.stringContaining('the built-in ClusterRole edit, which grants create on pods and workloads'),
    });
    expect(found([PRIVILEGED, binding('ClusterRole', 'admin')])).toHaveLength(1);
    expect(found([PRIVILEGED, binding('ClusterRole', 'view')])).toEqual([]);
    for (const level of ['baseline', 'restricted', undefined])
      expect(found([namespace('agents', level), binding('ClusterRole', 'edit')])).toEqual([]);
    // A namespace outside the output: the cluster facts' level, else restricted.
    expect(found([binding('ClusterRole', 'edit')])).toEqual([]);
    expect(found([binding('ClusterRole', 'edit')], { namespacePodSecurity: { agents: 'privileged' } })).toHaveLength(1);
  });

  test('reads the rules of the Role or ClusterRole bound: what runs a pod of its choosing, by group, resource and verb', () => {
    const flagged = (rule: any) => found([PRIVILEGED, binding('Role', 'r'), role([rule])]).length > 0;
    expect(flagged({ apiGroups: [''], resources: ['pods'], verbs: ['create'] })).toBe(true);
    expect(flagged({ apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['patch'] })).toBe(true);
    expect(flagged({ apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['update'] })).toBe(true);
    expect(flagged({ apiGroups: [''], resources: ['pods/ephemeralcontainers'], verbs: ['patch'] })).toBe(true);
    expect(flagged({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] })).toBe(true);
    expect(flagged({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] })).toBe(true);
    // Reading, deleting or scaling runs nothing new; another group's deployments are not these.
    expect(
      flagged({ apiGroups: ['', 'apps'], resources: ['pods', 'deployments', 'pods/log'], verbs: ['get', 'list', 'watch', 'delete'] }),
    ).toBe(false);
    expect(flagged({ apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] })).toBe(false);
    expect(flagged({ apiGroups: ['example.com'], resources: ['deployments'], verbs: ['create'] })).toBe(false);
    const viaClusterRole = found([
      PRIVILEGED,
      binding('ClusterRole', 'r'),
      role([{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }], 'ClusterRole'),
    ]);
    expect(viaClusterRole[0].message).toContain('ClusterRole r, which grants create pods, in namespace agents');
    // A Role of another namespace is not the one bound.
    expect(
      found([PRIVILEGED, binding('Role', 'r'), role([{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }], 'Role', 'other')]),
    ).toEqual([]);
  });

  test("Polaris' exemptions do not exempt it: team-debug's exec is root on the node there; cluster-admin is SEC_CLUSTER_ADMIN's", () => {
    const exec = role([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]);
    expect(found([PRIVILEGED, binding('Role', 'r', 'agents', { 'polaris.fairwinds.com/exempt': 'true' }), exec])).toHaveLength(1);
    const rules = runRules([PRIVILEGED, binding('ClusterRole', 'cluster-admin')]).map((f) => f.rule);
    expect(rules).toContain('SEC_CLUSTER_ADMIN');
    expect(rules).not.toContain('SEC_RBAC_PRIVILEGED_PODS');
  });
});

describe('SEC_RBAC_BROAD_SUBJECT: no binding to everyone of a kind', () => {
  const bindTo = (kind: string, name: string) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'b', namespace: 'shop' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [
      { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' },
      { kind, name },
    ],
  });
  const found = (o: object) => runRules([o]).filter((f) => f.rule === 'SEC_RBAC_BROAD_SUBJECT');

  test('anonymous requests, every authenticated user, every ServiceAccount (of the cluster or of a namespace)', () => {
    expect(found(bindTo('Group', 'system:unauthenticated'))[0]).toMatchObject({
      pointer: '/subjects/1/name',
      message: expect.stringContaining('to Group system:unauthenticated, which is every anonymous request'),
    });
    for (const [kind, name] of [
      ['User', 'system:anonymous'],
      ['Group', 'system:authenticated'],
      ['Group', 'system:serviceaccounts'],
      ['Group', 'system:serviceaccounts:shop'],
    ])
      expect(found(bindTo(kind, name))).toHaveLength(1);
    // The valid neighbours: one ServiceAccount, a group of people, a user named like the group.
    expect(found(bindTo('ServiceAccount', 'default'))).toEqual([]);
    expect(found(bindTo('Group', 'system:masters-team'))).toEqual([]);
    expect(found(bindTo('User', 'system:authenticated'))).toEqual([]);
  });
});

describe('SEC_POD_NETWORKPOLICY', () => {
  const found = (objects: any[]) =>
    runRules(objects)
      .filter((f) => f.rule === 'SEC_POD_NETWORKPOLICY')
      .map((f) => `${f.object} ${f.pointer}`);

  test("a TeamNamespace's default deny selects every pod of it", () => {
    expect(found(good())).toEqual([]);
  });

  test('pods of a namespace no policy of which selects them, whatever their kind; a template with no namespace is not judged', () => {
    const objects = good();
    const template = find(objects, 'Deployment', 'web').spec.template;
    objects.push(
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'r', namespace: 'apps' },
        spec: { jobTemplate: { spec: { template } } },
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps', labels: { a: 'b' } }, spec: template.spec },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'anywhere' }, spec: template.spec },
    );
    expect(found(objects)).toEqual(['CronJob/apps/r /spec/jobTemplate/spec/template/metadata/labels', 'Pod/apps/p /metadata/labels']);
    // A policy selecting the pod's labels covers it; one selecting others does not.
    const policy = (name: string, podSelector: object) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: 'apps' },
      spec: { podSelector, policyTypes: ['Ingress'] },
    });
    objects.push(policy('other', { matchLabels: { a: 'c' } }));
    expect(found(objects)).toHaveLength(2);
    objects.push(policy('p', { matchLabels: { a: 'b' } }));
    expect(found(objects)).toEqual(['CronJob/apps/r /spec/jobTemplate/spec/template/metadata/labels']);
  });
});

describe('SEC_LOW_ID: user and group IDs of 10000 or above (kube-score container-security-context-user-group-id)', () => {
  const lowIds = (change: (spec: any, deployment: any) => void) => {
    const objects = good();
    const deployment = find(objects, 'Deployment', 'web');
    change(deployment.spec.template.spec, deployment);
    return runRules(objects)
      .filter((f) => f.rule === 'SEC_LOW_ID')
      .map((f) => [f.severity, f.pointer, f.message]);
  };

  test("the pod's ID once, where a container inherits it; a container's own where it sets one", () => {
    expect(lowIds((spec) => (spec.securityContext.runAsUser = 1000))).toEqual([
      ['warning', '/spec/template/spec/securityContext/runAsUser', 'runs its pods as user ID 1000, below 10000'],
    ]);
    expect(lowIds((spec) => (spec.containers[0].securityContext.runAsGroup = 999))).toEqual([
      ['warning', '/spec/template/spec/containers/0/securityContext/runAsGroup', `runs container 'web' as group ID 999, below 10000`],
    ]);
    // Every container sets its own ID: the pod's is read by none of them.
    expect(
      lowIds((spec) => {
        spec.securityContext.runAsUser = 1000;
        for (const c of spec.containers) c.securityContext.runAsUser = 10001;
      }),
    ).toEqual([]);
  });

  test('not judged: 10000 and above, root (PSS_RUN_AS_ROOT), an unset ID, or an object whose kube-score/ignore lists the check', () => {
    expect(lowIds((spec) => (spec.securityContext.runAsUser = 10000))).toEqual([]);
    expect(lowIds((spec) => (spec.securityContext.runAsUser = 0))).toEqual([]);
    expect(lowIds((spec) => delete spec.securityContext.runAsGroup)).toEqual([]);
    expect(
      lowIds((spec, deployment) => {
        spec.securityContext.runAsUser = 1000;
        deployment.metadata.annotations = { 'kube-score/ignore': 'pod-probes, container-security-context-user-group-id' };
      }),
    ).toEqual([]);
  });
});
