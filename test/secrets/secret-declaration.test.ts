import { App, Duration } from 'cdk8s';
import {
  AwsSecretService,
  BlueprintChart,
  ClusterSecretStore,
  EnvValue,
  QuotaPreset,
  SecretBackend,
  SecretBackendKind,
  SecretDeclaration,
  TeamNamespace,
  Volume,
  WebService,
  collectIssues,
  secretDeclarations,
  setClusterFacts,
  validateManifests,
} from '../../constructs';
import { WEB, expectCode, find, issuesWithCode, render } from '../helpers';

/** An app whose cluster has the stores `vault` and `other` (unless `stores` says otherwise), and a team chart. */
function setup(
  backend: SecretBackend | null = SecretBackend.externalSecrets({ store: 'vault' }),
  stores: readonly string[] = ['vault', 'other'],
) {
  const app = new App();
  setClusterFacts(app, { existingSecretStores: stores });
  if (backend) SecretBackend.use(app, backend);
  const chart = new BlueprintChart(app, 'test', { owner: 'test' });
  const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM });
  return { app, chart, team };
}

describe('SecretDeclaration', () => {
  test('requireKey: a Symbol, a revoked Proxy or a null-prototype object is PROPS_INVALID (was a TypeError from its message)', () => {
    const { team } = setup();
    const d = new SecretDeclaration(team, 'd', { namespace: team, keys: ['k'] });
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    for (const v of [Symbol('s'), revocable.proxy, Object.create(null)]) expectCode(() => d.requireKey(v as never), 'PROPS_INVALID');
    expect(expectCode(() => d.requireKey('x'), 'SECRET_KEY_UNDECLARED').field).toBe('key');
  });

  test('SECRET_KEYS_INVALID: an empty remoteKey or stack config key names nothing that could provide the Secret', () => {
    const { team } = setup();
    const remote = expectCode(
      () => new SecretDeclaration(team, 'a', { namespace: team, keys: ['k'], remoteKey: ' ' }),
      'SECRET_KEYS_INVALID',
    );
    expect(remote.field).toBe('remoteKey');
    const config = expectCode(
      () => new SecretDeclaration(team, 'b', { namespace: team, keys: ['k'], configKeys: { k: '' } }),
      'SECRET_KEYS_INVALID',
    );
    expect(config.field).toBe('configKeys.k');
    // A key that is not an identifier is written as TypeScript would index it, not glued on with a dot.
    const dotted = expectCode(
      () => new SecretDeclaration(team, 'd', { namespace: team, keys: ['.dockerconfigjson'], configKeys: { '.dockerconfigjson': '' } }),
      'SECRET_KEYS_INVALID',
    );
    expect(dotted.field).toBe('configKeys[".dockerconfigjson"]');
    expect(
      () => new SecretDeclaration(team, 'c', { namespace: team, keys: ['k'], remoteKey: 'prod/c', configKeys: { k: 'cK' } }),
    ).not.toThrow();
  });

  test('the External Secrets backend renders one ExternalSecret per declaration, against the named store', () => {
    const { app, team } = setup(SecretBackend.externalSecrets({ store: 'vault', refreshInterval: Duration.minutes(15) }));
    const creds = new SecretDeclaration(team, 'db-credentials', { namespace: team, keys: ['user', 'password'] });
    new WebService(team, 'web', { namespace: team, ...WEB, env: { DB_PASSWORD: EnvValue.fromSecret(creds, 'password') } });
    const objects = render(app);
    const es = find(objects, 'ExternalSecret', 'db-credentials');
    expect(es.apiVersion).toBe('external-secrets.io/v1'); // ESO 0.17+ serves only v1
    expect(es.metadata.namespace).toBe('shop');
    expect(es.spec).toEqual({
      refreshInterval: '15m',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      target: { name: 'db-credentials', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'user', remoteRef: { key: 'shop/db-credentials', property: 'user' } },
        { secretKey: 'password', remoteRef: { key: 'shop/db-credentials', property: 'password' } },
      ],
    });
    expect(validateManifests([es]).filter((f) => f.severity === 'error')).toEqual([]);
    const env = find(objects, 'Deployment', 'web').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } });
    expect(JSON.stringify(objects)).not.toMatch(/stringData|"data":\{/);
  });

  test('a refresh interval of a fraction of a second renders as milliseconds (a Go duration), not a thrown Error', () => {
    const { app, team } = setup(SecretBackend.externalSecrets({ store: 'vault', refreshInterval: Duration.millis(1500) }));
    new SecretDeclaration(team, 'db', { namespace: team, keys: ['password'] });
    expect(find(render(app), 'ExternalSecret', 'db').spec.refreshInterval).toBe('1500ms');
    const whole = setup(SecretBackend.externalSecrets({ store: 'vault', refreshInterval: Duration.seconds(90) }));
    new SecretDeclaration(whole.team, 'db', { namespace: whole.team, keys: ['password'] });
    expect(find(render(whole.app), 'ExternalSecret', 'db').spec.refreshInterval).toBe('90s');
  });

  test('a refresh interval beyond a Go duration (an int64 of nanoseconds) is PROPS_INVALID; the longest whole hour Go holds renders', () => {
    for (const refreshInterval of [Duration.hours(2_562_048), Duration.days(1e9)])
      expect(expectCode(() => SecretBackend.externalSecrets({ store: 'vault', refreshInterval }), 'PROPS_INVALID').field).toBe(
        'refreshInterval',
      );
    const { app, team } = setup(SecretBackend.externalSecrets({ store: 'vault', refreshInterval: Duration.hours(2_562_047) }));
    new SecretDeclaration(team, 'db', { namespace: team, keys: ['password'] });
    expect(find(render(app), 'ExternalSecret', 'db').spec.refreshInterval).toBe('2562047h');
  });

  test('the deploy-tool backend renders nothing; secretDeclarations lists every declaration with its config keys', () => {
    const { app, team } = setup(SecretBackend.deployTool());
    new SecretDeclaration(team, 'b', { namespace: team, keys: ['api-token'] });
    new SecretDeclaration(team, 'a', { namespace: 'shop', keys: ['password'], configKeys: { password: 'aPass' }, remoteKey: 'x/y' });
    expect(render(app).filter((o) => o.kind === 'ExternalSecret')).toEqual([]);
    expect(secretDeclarations(app)).toEqual([
      {
        namespace: 'shop',
        name: 'a',
        backend: SecretBackendKind.DEPLOY_TOOL,
        type: 'Opaque',
        keys: [{ key: 'password', configKey: 'aPass', remoteKey: 'x/y', property: 'password' }],
      },
      {
        namespace: 'shop',
        name: 'b',
        backend: SecretBackendKind.DEPLOY_TOOL,
        type: 'Opaque',
        keys: [{ key: 'api-token', configKey: 'bApiToken', remoteKey: 'shop/b', property: 'api-token' }],
      },
    ]);
  });

  test('a declaration may choose its own backend', () => {
    const { app, team } = setup(SecretBackend.deployTool());
    new SecretDeclaration(team, 'a', { namespace: team, keys: ['k'], backend: SecretBackend.externalSecrets({ store: 'other' }) });
    expect(find(render(app), 'ExternalSecret', 'a').spec.secretStoreRef.name).toBe('other');
  });

  test("reading a key the declaration does not hold fails at once: 'SECRET_KEY_UNDECLARED'", () => {
    const { team } = setup();
    const creds = new SecretDeclaration(team, 'creds', { namespace: team, keys: ['password'] });
    const issue = expectCode(() => EnvValue.fromSecret(creds, 'passwd'), 'SECRET_KEY_UNDECLARED');
    expect(issue.value).toBe('passwd');
    expect(issue.fix).toContain('password');
  });

  test("a declaration of another namespace cannot be read: 'SECRET_NAMESPACE_MISMATCH'", () => {
    const { team } = setup();
    const creds = new SecretDeclaration(team, 'creds', { namespace: 'elsewhere', keys: ['password'] });
    expectCode(
      () => new WebService(team, 'web', { namespace: team, ...WEB, mounts: [{ volume: Volume.fromSecret(creds), path: '/creds' }] }),
      'SECRET_NAMESPACE_MISMATCH',
    );
    expectCode(() => new WebService(team, 'web2', { namespace: team, ...WEB, imagePullSecrets: [creds] }), 'SECRET_NAMESPACE_MISMATCH');
  });

  test('imagePullSecrets render on the pod', () => {
    const { app, team } = setup();
    const pull = new SecretDeclaration(team, 'registry', { namespace: team, keys: ['.dockerconfigjson'] });
    new WebService(team, 'web', { namespace: team, ...WEB, imagePullSecrets: [pull] });
    expect(find(render(app), 'Deployment', 'web').spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry' }]);
  });

  test("without a backend nothing provides the Secret: 'SECRET_BACKEND_MISSING'", () => {
    const { app, team } = setup(null);
    new SecretDeclaration(team, 'creds', { namespace: team, keys: ['password'] });
    expect(collectIssues(app).map((i) => i.code)).toEqual(['SECRET_BACKEND_MISSING']);
    expectCode(() => render(app), 'SECRET_BACKEND_MISSING');
  });

  test("'SECRET_DECLARED_TWICE' and 'SECRET_KEYS_INVALID'", () => {
    const { app, team } = setup();
    new SecretDeclaration(team, 'one', { namespace: team, name: 'creds', keys: ['password'] });
    new SecretDeclaration(team, 'two', { namespace: team, name: 'creds', keys: ['password'] });
    expect(collectIssues(app).map((i) => i.code)).toEqual(['SECRET_DECLARED_TWICE']);
    expectCode(() => new SecretDeclaration(team, 'none', { namespace: team, keys: [] }), 'SECRET_KEYS_INVALID');
    expect(
      expectCode(() => new SecretDeclaration(team, 'dup', { namespace: team, keys: ['a', 'a'] }), 'SECRET_KEYS_INVALID'),
    ).toMatchObject({
      field: 'keys[1]',
      value: 'a',
      message: 'is given twice (also keys[0])',
    });
    // IsConfigMapKey: '.', '..' and a '..' prefix would step out of a mounted Secret's directory.
    for (const [i, key] of ['.', '..', '..data', 'k'.repeat(254)].entries())
      expect(
        expectCode(() => new SecretDeclaration(team, `bad-${i}`, { namespace: team, keys: ['ok', key] }), 'SECRET_KEYS_INVALID').field,
      ).toBe('keys[1]');
    expect(() => new SecretDeclaration(team, 'dotted', { namespace: team, keys: ['.env', 'a..b', 'k'.repeat(253)] })).not.toThrow();
    expectCode(() => new SecretDeclaration(team, 'cfg', { namespace: team, keys: ['a'], configKeys: { b: 'x' } }), 'SECRET_KEYS_INVALID');
  });
});

describe('the store an ExternalSecret reads from exists', () => {
  /** The repro: a declaration read by an env var, against store `aws-sm`. */
  function reading(stores: readonly string[]) {
    const env = setup(SecretBackend.externalSecrets({ store: 'aws-sm' }), stores);
    const db = new SecretDeclaration(env.team, 'db', { namespace: env.team, keys: ['password'] });
    new WebService(env.chart, 'web', { namespace: env.team, ...WEB, env: { DB_PASSWORD: EnvValue.fromSecret(db, 'password') } });
    return env;
  }

  test("a ClusterSecretStore that neither the output nor the cluster facts provide: 'REF_MISSING_OBJECT' on the ExternalSecret", () => {
    const { app } = reading([]);
    const issues = issuesWithCode(() => render(app), 'REF_MISSING_OBJECT');
    expect(issues.map((i) => [i.construct, i.field, i.message])).toEqual([
      [
        'ExternalSecret/shop/db',
        '/spec/secretStoreRef',
        'reads from ClusterSecretStore aws-sm, which neither the output nor the cluster declaration provides',
      ],
    ]);
  });

  test('declared in ClusterFacts.existingSecretStores, or created by a ClusterSecretStore in the output, it is provided', () => {
    expect(() => render(reading(['aws-sm']).app)).not.toThrow();
    const { app, chart } = reading([]);
    new ClusterSecretStore(chart, 'aws-sm', { awsRegion: 'eu-west-1' });
    expect(find(render(app), 'ExternalSecret', 'db').spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-sm' });
  });
});

describe('Secret types', () => {
  test('a declaration holding .dockerconfigjson renders an ExternalSecret whose target is kubernetes.io/dockerconfigjson, schema-valid', () => {
    const { app, team } = setup();
    const pull = new SecretDeclaration(team, 'registry', { namespace: team, keys: ['.dockerconfigjson'] });
    expect(pull.type).toBe('kubernetes.io/dockerconfigjson');
    new WebService(team, 'web', { namespace: team, ...WEB, imagePullSecrets: [pull] });
    const es = find(render(app), 'ExternalSecret', 'registry');
    // A template with a type and no data: the operator keeps the fetched keys and sets the type (without it, Opaque).
    expect(es.spec.target).toEqual({ name: 'registry', creationPolicy: 'Owner', template: { type: 'kubernetes.io/dockerconfigjson' } });
    expect(validateManifests([es]).filter((f) => f.severity === 'error')).toEqual([]);
  });

  test('the type is inferred from the keys: .dockercfg, tls.crt + tls.key; anything else stays Opaque (no template)', () => {
    const { app, team } = setup();
    const type = (id: string, keys: string[]) => new SecretDeclaration(team, id, { namespace: team, keys }).type;
    expect(type('cfg', ['.dockercfg'])).toBe('kubernetes.io/dockercfg');
    expect(type('tls', ['tls.crt', 'tls.key', 'ca.crt'])).toBe('kubernetes.io/tls');
    expect(type('half', ['tls.crt'])).toBe('Opaque');
    expect(type('db', ['password'])).toBe('Opaque');
    expect(find(render(app), 'ExternalSecret', 'db').spec.target).toEqual({ name: 'db', creationPolicy: 'Owner' });
    expect(secretDeclarations(app).find((d) => d.name === 'tls')!.type).toBe('kubernetes.io/tls');
  });

  test('an explicit type wins, but must come with its keys (ValidateSecret): SECRET_KEYS_INVALID at type', () => {
    const { team } = setup();
    expect(new SecretDeclaration(team, 'raw', { namespace: team, keys: ['.dockerconfigjson'], type: 'Opaque' }).type).toBe('Opaque');
    const issue = expectCode(
      () => new SecretDeclaration(team, 'bad', { namespace: team, keys: ['password'], type: 'kubernetes.io/dockerconfigjson' }),
      'SECRET_KEYS_INVALID',
    );
    expect(issue.field).toBe('type');
    expect(issue.fix).toContain('.dockerconfigjson');
    expect(
      expectCode(
        () => new SecretDeclaration(team, 'odd', { namespace: team, keys: ['k'], type: 'kubernetes.io/basic' as any }),
        'PROPS_INVALID',
      ).field,
    ).toBe('type');
  });

  test('keys of two types at once are SECRET_KEYS_INVALID at keys unless the type is given', () => {
    const { team } = setup();
    const keys = ['.dockerconfigjson', 'tls.crt', 'tls.key'];
    expect(expectCode(() => new SecretDeclaration(team, 'both', { namespace: team, keys }), 'SECRET_KEYS_INVALID').field).toBe('keys');
    expect(new SecretDeclaration(team, 'given', { namespace: team, keys, type: 'kubernetes.io/tls' }).type).toBe('kubernetes.io/tls');
  });
});

describe('Parameter Store entries', () => {
  function parameterStore(storeAfter = false) {
    const app = new App();
    const chart = new BlueprintChart(app, 'cluster', { owner: 'platform' });
    const make = () => new ClusterSecretStore(chart, 'ssm', { awsRegion: 'eu-west-1', service: AwsSecretService.PARAMETER_STORE });
    if (!storeAfter) make();
    SecretBackend.use(app, SecretBackend.externalSecrets({ store: 'ssm' }));
    const shop = new BlueprintChart(app, 'shop', { owner: 'shop' });
    const team = new TeamNamespace(shop, 'shop');
    return { app, team, make };
  }

  test('the default entry is /<namespace>/<name>: a hierarchical parameter name needs its leading slash', () => {
    const { app, team } = parameterStore();
    new SecretDeclaration(team, 'db', { namespace: team, keys: ['password'] });
    expect(find(render(app), 'ExternalSecret', 'db').spec.data[0].remoteRef).toEqual({ key: '/shop/db', property: 'password' });
    expect(secretDeclarations(app)[0].keys[0].remoteKey).toBe('/shop/db');
  });

  test('also when the store is declared after the declaration; Secrets Manager keeps <namespace>/<name>', () => {
    const { app, team, make } = parameterStore(true);
    new SecretDeclaration(team, 'db', { namespace: team, keys: ['password'] });
    make();
    expect(find(render(app), 'ExternalSecret', 'db').spec.data[0].remoteRef.key).toBe('/shop/db');
    const sm = setup();
    new ClusterSecretStore(sm.chart, 'vault', { awsRegion: 'eu-west-1' });
    new SecretDeclaration(sm.team, 'db', { namespace: sm.team, keys: ['password'] });
    expect(find(render(sm.app), 'ExternalSecret', 'db').spec.data[0].remoteRef.key).toBe('shop/db');
  });

  test.each([
    ['a hierarchy without its leading slash', 'shop/db'],
    ['a space', '/shop/db credentials'],
    ['a plain name starting with aws', 'awsSecret'],
    ['an empty level', '/a//b'],
    ['16 levels', '/' + 'a/'.repeat(15) + 'b'],
    ['1012 characters', '/' + 'x'.repeat(1011)],
    ['an ARN of another service', 'arn:aws:secretsmanager:us-east-1:123456789012:parameter/prod/db'],
    ['an ARN with an 11-digit account', 'arn:aws:ssm:us-east-1:12345678901:parameter/prod/db'],
    ['an ARN without a region', 'arn:aws:ssm::123456789012:parameter/prod/db'],
    ['an ARN without a name', 'arn:aws:ssm:us-east-1:123456789012:parameter'],
    ['an ARN whose name has a space', 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/my db'],
    ['a label starting with a digit', '/prod/db:1abc'],
    ['a label starting with ssm', '/prod/db:SSMlabel'],
    ['a label of 101 characters', '/prod/db:' + 'l'.repeat(101)],
    ['an empty selector', '/prod/db:'],
    ['a selector on an invalid name', 'prod/db:3'],
  ])('a given entry Parameter Store cannot name (%s) is SECRET_KEYS_INVALID at remoteKey', (_, remoteKey) => {
    const { app, team } = parameterStore();
    new SecretDeclaration(team, 'db', { namespace: team, keys: ['password'], remoteKey });
    const [issue] = issuesWithCode(() => render(app), 'SECRET_KEYS_INVALID');
    expect(issue.field).toBe('remoteKey');
    expect(issue.value).toBe(remoteKey);
  });

  test.each([
    ['/prod/shop/db'],
    ['db_password.v2'],
    ['/aws/reference/secretsmanager/shop-db'],
    // GetParameter also takes an ARN (a parameter shared from another account) and a version or label selector.
    ['arn:aws:ssm:us-east-1:123456789012:parameter/prod/db'],
    ['arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/prod/db'],
    ['arn:aws-cn:ssm:cn-north-1:123456789012:parameter/db'],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/prod/db:label1'],
    ['/prod/db:3'],
    ['/prod/db:label1'],
    ['/prod/db:' + 'l'.repeat(100)],
    ['db:prod.v2-final_1'],
  ])('a Parameter Store name (%s) is accepted', (remoteKey) => {
    const { app, team } = parameterStore();
    new SecretDeclaration(team, 'db', { namespace: team, keys: ['password'], remoteKey });
    expect(find(render(app), 'ExternalSecret', 'db').spec.data[0].remoteRef.key).toBe(remoteKey);
  });

  test('Secrets Manager names are not held to the Parameter Store rules', () => {
    const { app, team, chart } = setup();
    new ClusterSecretStore(chart, 'vault', { awsRegion: 'eu-west-1' });
    new SecretDeclaration(team, 'db', { namespace: team, keys: ['password'], remoteKey: 'shop/db' });
    expect(find(render(app), 'ExternalSecret', 'db').spec.data[0].remoteRef.key).toBe('shop/db');
  });
});
