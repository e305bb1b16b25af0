import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Include } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ClusterPlatform, ExternalDatabase, Monitoring } from '../../blueprints';
import {
  ArgoApplication,
  ClusterIssuer,
  ConfigMap,
  ExternalService,
  IngressRoutes,
  Peer,
  SecretBackend,
  StorageClass,
  MetricsMonitor,
  Probe,
  QuotaPreset,
  RULES,
  ScheduledJob,
  TeamNamespace,
  WebService,
  Worker,
  checkManifests,
  renderApp,
  runRules,
} from '../../constructs';
import { SCRAPE_CONFIGS_KEY, scrapeConfigs } from '../../constructs/rules/scrape-configs';
import { catchBlueprintError, expectCode, rawWorkload, render, teamChart, testChart, WEB } from '../helpers';
import { AZURE, OPENAI, PEM_B64, j } from '../core/secret-canaries';

/*
 * The leaks an independent audit found, on every path into the YAML: credentials in env, argv, probes, ConfigMap data
 * and annotations, secret-named ConfigMap keys, and Secrets written with their values. Each is refused where it
 * enters (at synth) and by the rules `cluster-blueprints check` runs over rendered or foreign YAML, the value never
 * echoed. What the scan itself finds and leaves alone is tested in test/core/secret-patterns.test.ts.
 */

describe('every path into the YAML refuses the audit cases', () => {
  const web = (props: object) => () => {
    const { app, chart, team } = teamChart();
    new WebService(chart, 'web', { namespace: team, ...WEB, ...props });
    return renderApp(app);
  };
  const refused = (build: () => unknown, code: string, secret: string) => {
    const err = catchBlueprintError(build);
    expect(err.issues.map((i) => i.code)).toContain(code);
    expect(err.message + JSON.stringify(err.issues)).not.toContain(secret);
  };

  test('env: by name (PLAINTEXT_SECRET) and by shape under any name (SECRET_IN_OUTPUT)', () => {
    refused(web({ env: { AZURE_STORAGE_CONNECTION_STRING: AZURE } }), 'PLAINTEXT_SECRET', 'Ab3xAb3x');
    refused(web({ env: { AUTHORIZATION: j('Basic ', 'YXBwOmh1bnRlcjIy') } }), 'PLAINTEXT_SECRET', 'YXBw');
    refused(web({ env: { DATABASE_DSN: j('app:', 'hunter22', '@tcp(mysql:3306)/orders') } }), 'PLAINTEXT_SECRET', 'hunter22');
    refused(web({ env: { LLM_ENDPOINT_CFG: OPENAI } }), 'SECRET_IN_OUTPUT', 'Ab3Ab3');
    refused(web({ env: { STORAGE: AZURE } }), 'SECRET_IN_OUTPUT', 'Ab3xAb3x');
    // A connection string that only refers to the password ($(NAME), expanded by the kubelet) points at a secret.
    expect(() =>
      web({ env: { DATABASE_DSN: 'app:$(DB_PASSWORD)@tcp(mysql:3306)/orders', DSN: 'postgres://app:$(DB_PASSWORD)@db/app' } })(),
    ).not.toThrow();
    refused(web({ env: { DSN: 'postgres://app@db/app?sslmode=verify-full&opt=$(X)' } }), 'PLAINTEXT_SECRET', 'never');
  });

  test('command, args (also of a sidecar and a ScheduledJob) and exec probes', () => {
    refused(web({ command: ['sh', '-c', j('PGPASS', 'WORD=hunter22 exec psql -h db')] }), 'SECRET_IN_OUTPUT', 'hunter22');
    refused(web({ args: ['--db-password', 'hunter22'] }), 'SECRET_IN_OUTPUT', 'hunter22');
    refused(
      web({ sidecars: [{ name: 'proxy', image: WEB.image, args: ['--api-key', 'abcdef0123456789'] }] }),
      'SECRET_IN_OUTPUT',
      'abcdef01',
    );
    refused(
      web({
        readiness: Probe.exec(['curl', '-fsS', '-H', j('Authorization: Bearer ', 'abcdef0123456789abcdef'), 'http://localhost:8080/ready']),
      }),
      'SECRET_IN_OUTPUT',
      'abcdef01',
    );
    refused(
      () => {
        const { app, chart, team } = teamChart();
        new ScheduledJob(chart, 'job', {
          namespace: team,
          schedule: '0 3 * * *',
          image: 'ghcr.io/acme/job:1.0.0',
          args: ['--api-key', 'abcdef0123456789'],
        });
        return renderApp(app);
      },
      'SECRET_IN_OUTPUT',
      'abcdef01',
    );
  });

  test('ConfigMap data: htpasswd, a docker config.json, a base64 PEM key', () => {
    for (const [key, value] of [
      ['users', j('admin:$', 'apr1$abcd1234$abcdefghijklmnopqrstuv')],
      ['config.json', j('{"auths":{"ghcr.io":{"auth":"', 'YXBwOmh1bnRlcjIy', '"}}}')],
      ['key.b64', PEM_B64],
    ])
      refused(
        () => {
          const { app, chart, team } = teamChart();
          new ConfigMap(chart, 'cm', { namespace: team, data: { [key]: value } });
          return renderApp(app);
        },
        'SECRET_IN_OUTPUT',
        value.slice(-12),
      );
  });

  test('annotations: an Azure connection string and a Basic credential', () => {
    refused(web({ serviceAnnotations: { 'example.com/conn': AZURE } }), 'ANNOTATION_SECRET', 'Ab3xAb3x');
    refused(web({ podAnnotations: { 'example.com/upstream-auth': j('Basic ', 'YXBwOmh1bnRlcjIy') } }), 'ANNOTATION_SECRET', 'YXBw');
  });

  test('ArgoApplication repoUrl with a token as its user', () => {
    const token = 'a1b2c3d4e5f6g7h8'.repeat(3);
    refused(
      () => {
        const { app, chart } = teamChart();
        new ArgoApplication(chart, 'prod', { repoUrl: `https://${token}@dev.azure.com/org/proj/_git/repo`, path: 'dist/prod' });
        return renderApp(app);
      },
      'SECRET_IN_OUTPUT',
      token,
    );
  });

  test('the late rule finds the argv case on foreign YAML too', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'a:1', args: ['--db-password', 'hunter22'] }] },
    };
    const found = runRules([pod], { rules: RULES.filter((r) => r.code === 'SECRET_IN_OUTPUT') });
    expect(found.map((f) => f.pointer)).toEqual(['/spec/containers/0/args/1']);
    expect(JSON.stringify(found)).not.toContain('hunter22');
  });
});

describe('PLAINTEXT_SECRET on ConfigMap keys (envFrom makes them env vars)', () => {
  const cm = (props: object) => () => {
    const { app, chart, team } = teamChart();
    const config = new ConfigMap(chart, 'cm', { namespace: team, ...props });
    new WebService(chart, 'web', { namespace: team, ...WEB, envFrom: [config] });
    return render(app);
  };

  test('a secret-named key with a value is refused, never echoed', () => {
    const issue = expectCode(cm({ data: { DB_PASSWORD: 'hunter22' } }), 'PLAINTEXT_SECRET');
    expect(issue).toMatchObject({ field: 'data.DB_PASSWORD', value: '<redacted>' });
    expect(JSON.stringify(catchBlueprintError(cm({ data: { DB_PASSWORD: 'hunter22' } })).issues)).not.toContain('hunter22');
  });

  test('empty values, paths and ordinary names pass; allowPlaintextKeys lets a listed key through, at synth too', () => {
    expect(() => cm({ data: { DB_PASSWORD: '', DB_PASSWORD_FILE: '/run/secrets/db', LOG_LEVEL: 'info' } })()).not.toThrow();
    // Judged as the same variable is in env (plaintextSecretEnv): a yes/no switch or a DSN whose password is a reference.
    expect(() => cm({ data: { REDIS_PASSWORD: 'on', DATABASE_DSN: 'postgres://app:$(DB_PASSWORD)@db/app' } })()).not.toThrow();
    const objects = cm({
      data: { JWT_SIGNING_KEY: 'dev-only', DEMO_API_TOKEN: 'demo' },
      allowPlaintextKeys: ['JWT_SIGNING_KEY', 'DEMO_API_TOKEN'],
    })();
    const config = objects.find((o) => o.kind === 'ConfigMap');
    expect(config.metadata.annotations['cluster-blueprints.io/plaintext-keys']).toBe('JWT_SIGNING_KEY,DEMO_API_TOKEN');
    expectCode(cm({ data: { JWT_SIGNING_KEY: 'dev-only', API_TOKEN: 'x' }, allowPlaintextKeys: ['JWT_SIGNING_KEY'] }), 'PLAINTEXT_SECRET');
  });

  test('the rendered-object rule (SEC_PLAINTEXT_SECRET) judges ConfigMaps with the same function and the same opt-out', () => {
    const rule = RULES.filter((r) => r.code === 'SEC_PLAINTEXT_SECRET');
    const config = (data: object, annotations?: object) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm', namespace: 'shop', ...(annotations ? { annotations } : {}) },
      data,
    });
    expect(runRules([config({ DB_PASSWORD: 'hunter22' })], { rules: rule }).map((f) => f.pointer)).toEqual(['/data/DB_PASSWORD']);
    expect(
      runRules([config({ DB_PASSWORD: 'hunter22' }, { 'cluster-blueprints.io/plaintext-keys': 'DB_PASSWORD' })], { rules: rule }),
    ).toEqual([]);
    expect(runRules([config({ LOG_LEVEL: 'info', DB_PASSWORD: '' })], { rules: rule })).toEqual([]);
  });
});

describe('PLAINTEXT_SECRET judges only env-var-shaped ConfigMap keys; a file name goes through the value scan', () => {
  const files = {
    'token-usage.json': '{"title":"Token usage","panels":[]}',
    'password-policy.yaml': 'minLength: 12\n',
    'secret-names.txt': 'db\napi\n',
  };
  const config = (data: object) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dash', namespace: 'shop' }, data });
  const rule = RULES.filter((r) => r.code === 'SEC_PLAINTEXT_SECRET');

  test('file keys with secret words pass, at synth and in check; env-shaped keys beside them are still judged', () => {
    expect(runRules([config({ ...files, LOG_LEVEL: 'info' })], { rules: rule })).toEqual([]);
    expect(runRules([config({ ...files, API_TOKEN: 'abc123def' })], { rules: rule }).map((f) => f.pointer)).toEqual(['/data/API_TOKEN']);
    const { app, chart, team } = teamChart();
    new ConfigMap(chart, 'cm', { namespace: team, data: files });
    expect(() => render(app)).not.toThrow();
  });

  test('a credential inside a file is still found by its content (SECRET_IN_OUTPUT)', () => {
    const scan = RULES.filter((r) => r.code === 'SECRET_IN_OUTPUT');
    const leaked = config({ 'db.properties': j('password=', 'hunter22zz') });
    expect(runRules([leaked], { rules: scan }).map((f) => f.pointer)).toEqual(['/data/db.properties']);
    const { chart, team } = teamChart();
    const issue = expectCode(
      () => new ConfigMap(chart, 'cm', { namespace: team, data: { 'db.properties': j('password=', 'hunter22zz') } }),
      'SECRET_IN_OUTPUT',
    );
    expect(issue.field).toBe('data.db.properties');
  });
});

describe('SECRET_VALUE_IN_OUTPUT: a Secret with values never reaches the YAML', () => {
  const rule = RULES.filter((r) => r.code === 'SECRET_VALUE_IN_OUTPUT');
  const secret = (extra: object) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop' },
    type: 'Opaque',
    ...extra,
  });

  test.each([
    ['stringData', { stringData: { password: 'hunter22zz' } }],
    ['data', { data: { password: Buffer.from('hunter22zz').toString('base64') } }],
  ])('%s with a value is an error, the value not shown', (field, extra) => {
    const found = runRules([secret(extra)], { rules: rule });
    expect(found.map((f) => `${f.severity} ${f.pointer}`)).toEqual([`error /${field}`]);
    expect(JSON.stringify(found)).not.toMatch(/hunter22zz|aHVudGVy/);
  });

  test('a Secret without values, or of another API group, passes', () => {
    expect(runRules([secret({}), secret({ data: {} }), secret({ stringData: { a: '' } })], { rules: rule })).toEqual([]);
    expect(runRules([{ ...secret({ data: { a: 'eA==' } }), apiVersion: 'example.com/v1' }], { rules: rule })).toEqual([]);
  });

  test('no annotation exempts a Secret: stringData, base64 data and secret key names are all refused, with or without a reason', () => {
    const reason = { annotations: { 'cluster-blueprints.io/not-secret': 'trust me, not a credential' } };
    const meta = { metadata: { name: 'db', namespace: 'shop', ...reason } };
    const cases = [
      secret({ ...meta, stringData: { password: 'Sup3rS3cretProdPw!' } }),
      secret({ ...meta, data: { password: Buffer.from('password: hunter22zz').toString('base64') } }),
      secret({ ...meta, stringData: { DATABASE_PASSWORD: 'Sup3rS3cretProdPw!' } }),
    ];
    expect(runRules(cases, { rules: rule })).toHaveLength(3);
  });

  describe('the scrape configuration (kubelet cAdvisor, federation) passes by its content alone, at synth and in check', () => {
    const scan = RULES.filter((r) => r.code === 'SECRET_IN_OUTPUT');
    const scrape = (text: string, extra: object = {}) =>
      secret({
        metadata: { name: 'prometheus-scrape-configs', namespace: 'monitoring' },
        stringData: { [SCRAPE_CONFIGS_KEY]: text },
        ...extra,
      });
    const TARGETS = ['prometheus.eu.example.com:9090', '[fd00::1]:9090', '10.1.2.3', 'eu.example.com.:9090'];
    /** What the blueprint writes: the kubelet job (its certificates verified or not), and the federation of `federate`. */
    const written = (federate: readonly string[] = TARGETS, verifyKubeletCertificates = false) =>
      scrapeConfigs({ verifyKubeletCertificates, federate });

    test.each([
      ['the kubelet job alone', written([])],
      ['the kubelet job, its certificates verified', written([], true)],
      ['the kubelet job and the federation of host:port targets', written()],
      ['both, the kubelet certificates verified', written(TARGETS, true)],
    ])('exactly what the blueprint writes passes both rules: %s', (_, text) => {
      expect(runRules([scrape(text)], { rules: [...rule, ...scan] })).toEqual([]);
    });

    test.each([
      [
        'a basic_auth block',
        written().replace('honor_labels: true', 'honor_labels: true\n  basic_auth: { username: u, password: Sup3rS3cretProdPw! }'),
      ],
      ['a bearer token', written() + '  bearer_token: Sup3rS3cretProdPw!\n'],
      ['an inline token in the kubelet job', written().replace(/credentials_file: \S+/, 'credentials: Sup3rS3cretProdPw!')],
      [
        'the token read from another file',
        written().replace(/credentials_file: \S+/, 'credentials_file: /etc/prometheus/secrets/admin/token'),
      ],
      ['the kubelet job scraping through nodes/proxy', written([]).replace('/metrics/cadvisor', '/api/v1/nodes/n1/proxy/metrics')],
      ['every kubelet series kept', written([]).replace(/regex: container_cpu\S+/, 'regex: .*')],
      ['insecure_skip_verify other than true', written([]).replace('insecure_skip_verify: true', 'insecure_skip_verify: "yes"')],
      ['userinfo in a target', written(['admin:Sup3rS3cretProdPw!@eu.example.com:9090'])],
      ['a target with a path', written(['eu.example.com:9090/x?token=Sup3rS3cretProdPw'])],
      [
        'a federation job with no targets',
        written([]) +
          written(TARGETS)
            .slice(written([]).length)
            .replace(/targets:[\s\S]*$/, 'targets: []\n'),
      ],
      ['a third job', written() + written().slice(written([]).length)],
      ['a second kubelet job', written([]) + written([])],
      ['the federation job alone (what federate.yml held)', written().slice(written([]).length)],
      ['no job', '[]'],
      ['not YAML', '[: Sup3rS3cretProdPw!'],
      ['a password alone', 'Sup3rS3cretProdPw!'],
    ])('anything else is a Secret with values: %s', (_, text) => {
      // The tampering took: the text is none of what the blueprint writes.
      for (const verify of [false, true]) for (const targets of [[], TARGETS]) expect(text).not.toBe(written(targets, verify));
      expect(runRules([scrape(text)], { rules: rule }).map((f) => f.pointer)).toEqual(['/stringData']);
    });

    test('a second key, base64 data beside it, or the text under another key is refused', () => {
      const ok = written();
      expect(
        runRules([scrape(ok, { stringData: { [SCRAPE_CONFIGS_KEY]: ok, password: 'Sup3rS3cretProdPw!' } })], { rules: rule }),
      ).toHaveLength(1);
      expect(
        runRules([scrape(ok, { data: { password: Buffer.from('Sup3rS3cretProdPw!').toString('base64') } })], { rules: rule }),
      ).toHaveLength(1);
      expect(runRules([scrape(ok, { stringData: { 'federate.yml': ok } })], { rules: rule })).toHaveLength(1);
    });

    test("at synth: an ApiObject with the annotation fails, the Monitoring blueprint's Secret renders and passes check", () => {
      const app = new App();
      const chart = new Chart(app, 'raw');
      const meta = (name: string) => ({
        name,
        namespace: 'shop',
        annotations: { 'cluster-blueprints.io/not-secret': 'trust me, not a credential' },
      });
      new ApiObject(chart, 'a', secret({ metadata: meta('db'), stringData: { password: 'Sup3rS3cretProdPw!' } }) as any);
      new ApiObject(chart, 'c', secret({ metadata: meta('db3'), stringData: { DATABASE_PASSWORD: 'Sup3rS3cretProdPw!' } }) as any);
      const err = catchBlueprintError(() => renderApp(app));
      expect(err.issues.filter((i) => i.code === 'SECRET_VALUE_IN_OUTPUT')).toHaveLength(2);
      expect(err.message).not.toContain('Sup3rS3cretProdPw');

      const { app: app2, chart: chart2 } = teamChart();
      const namespace = new TeamNamespace(chart2, 'monitoring', { quota: QuotaPreset.LARGE });
      new Monitoring(chart2, 'm', { namespace, targets: 10, federate: TARGETS });
      const objects = renderApp(app2).flatMap((r) => r.objects);
      const scrapeConfigSecret = objects.find((o) => o.kind === 'Secret');
      expect(scrapeConfigSecret.metadata.name).toBe('prometheus-scrape-configs');
      expect(scrapeConfigSecret.metadata.annotations?.['cluster-blueprints.io/not-secret']).toBeUndefined();
      // What `cluster-blueprints check` runs over the written YAML.
      expect(runRules(objects, { rules: [...rule, ...scan] })).toEqual([]);
    });
  });

  test('at synth nothing is written: an ApiObject Secret with stringData fails the render', () => {
    const app = new App();
    const chart = new Chart(app, 'raw');
    new ApiObject(chart, 's', secret({ stringData: { password: 'hunter22zz' } }) as any);
    const err = catchBlueprintError(() => renderApp(app));
    expect(err.issues.map((i) => i.code)).toContain('SECRET_VALUE_IN_OUTPUT');
    expect(err.message).not.toContain('hunter22zz');
    expect(err.issues.find((i) => i.code === 'SECRET_VALUE_IN_OUTPUT')!.fix).toMatch(/SecretDeclaration/);
  });
});

describe('at synth, a value that is secret because of where it sits is never printed in the BlueprintError', () => {
  // No shape of its own: only its place (a secret-named key, the argument after a password flag) makes it a secret.
  const PW = j('Tr0ub4dor', '-x9Q2-hunter2');
  const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'shop' } };
  const deployment = (container: object) => () => {
    const { app, chart } = testChart();
    new ApiObject(chart, 'd', {
      ...DEPLOYMENT,
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [container] } } },
    });
    return renderApp(app);
  };
  const leakFree = (build: () => unknown, code: string) => {
    const err = catchBlueprintError(build);
    expect(err.codes).toContain(code);
    expect(err.message + JSON.stringify(err.issues)).not.toContain(PW);
    return err.issues.filter((i) => i.code === code);
  };

  test('SEC_PLAINTEXT_SECRET: a secret-named ConfigMap key from included YAML, an ApiObject or cdk8s-plus', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-leaks-'));
    const file = path.join(dir, 'legacy.yaml');
    fs.writeFileSync(file, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy, namespace: shop}\ndata:\n  DB_PASSWORD: ${PW}\n`);
    const included = leakFree(() => {
      const { app, chart } = testChart();
      new Include(chart, 'legacy', { url: file });
      return renderApp(app);
    }, 'SEC_PLAINTEXT_SECRET');
    expect(included[0]).toMatchObject({ field: '/data/DB_PASSWORD', value: '<redacted>' });
    leakFree(() => {
      const { app, chart } = testChart();
      new kplus.ConfigMap(chart, 'cm', { metadata: { namespace: 'shop' }, data: { password: PW } });
      return renderApp(app);
    }, 'SEC_PLAINTEXT_SECRET');
  });

  test('SECRET_IN_OUTPUT: the argument after --password of an ApiObject container', () => {
    const [issue] = leakFree(deployment({ name: 'c', image: 'a:1', args: ['--password', PW] }), 'SECRET_IN_OUTPUT');
    expect(issue).toMatchObject({ field: '/spec/template/spec/containers/0/args/1', value: '<redacted>' });
  });

  test('SCHEMA_INVALID: a container without a name is not printed with its args', () => {
    leakFree(deployment({ image: 'a:1', args: ['--password', PW] }), 'SCHEMA_INVALID');
  });

  test('CONFIG_KEY_INVALID shows the key at fault, never the content under it', () => {
    const [issue] = leakFree(() => {
      const { app, chart } = testChart();
      new ApiObject(chart, 'cm', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm', namespace: 'shop' },
        data: { 'DB PASSWORD': PW },
      });
      return renderApp(app);
    }, 'CONFIG_KEY_INVALID');
    expect(issue.value).toBe('DB PASSWORD');
  });

  test('an image with a registry password before its host: IMAGE_INVALID, IMAGE_UNPINNED and SECRET_IN_OUTPUT', () => {
    const image = j('deploy:', PW, '@registry.example.com/app');
    leakFree(web({ image: `${image}:1.0` }), 'IMAGE_INVALID');
    leakFree(deployment({ name: 'c', image }), 'IMAGE_UNPINNED');
    leakFree(deployment({ name: 'c', image: `${image}:1.0` }), 'SECRET_IN_OUTPUT');
  });

  test('argv command lines: mysql -p, redis-cli -a, curl -u are refused where they enter and by the late rule', () => {
    for (const command of [
      ['mysql', '-uroot', `-p${PW}`],
      ['redis-cli', '-a', PW, 'ping'],
      ['curl', '-u', `admin:${PW}`, 'https://api.example.com'],
    ])
      leakFree(web({ command }), 'SECRET_IN_OUTPUT');
    const [issue] = leakFree(deployment({ name: 'c', image: 'a:1', command: ['mysql'], args: ['-uroot', `-p${PW}`] }), 'SECRET_IN_OUTPUT');
    expect(issue.field).toBe('/spec/template/spec/containers/0/args/1');
  });

  function web(props: object) {
    return () => {
      const { app, chart, team } = teamChart();
      new WebService(chart, 'web', { namespace: team, ...WEB, ...props });
      return renderApp(app);
    };
  }
});

describe('SECRET_IN_OUTPUT reports every credential of an object, not the first one only', () => {
  const PW = j('hunter2-', 'Sup3rS3cretP4ss');
  const AKIA = j('AKIA', 'IOSFODNN7EXAMPLE');
  const CONFIG_MAP = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'shop' },
    data: { 'a.properties': `db.password=${PW}\n`, 'b.url': `https://u:${PW}@x.example.com/`, 'c.txt': AKIA },
  };
  const DEPLOYMENT = rawWorkload({
    name: 'web',
    containers: [
      {
        name: 'web',
        image: `user:${PW}@registry.example.com/app:1.0`,
        args: [`--password=${PW}`],
        env: [{ name: 'DATABASE_URL', value: `postgres://u:${PW}@db/x` }],
      },
    ],
  });
  const C = '/spec/template/spec/containers/0';
  const cases: [string, object, string[]][] = [
    ['a ConfigMap with three files', CONFIG_MAP, ['/data/a.properties', '/data/b.url', '/data/c.txt']],
    ['a Deployment: image userinfo, args[0], an env DSN', DEPLOYMENT, [`${C}/image`, `${C}/args/0`, `${C}/env/0/value`]],
  ];

  test.each(cases)('cluster-blueprints check: %s', (_what, object, pointers) => {
    const found = checkManifests([object]).findings.filter((f) => f.rule === 'SECRET_IN_OUTPUT');
    expect(found.map((f) => f.pointer)).toEqual(pointers);
    expect(JSON.stringify(found)).not.toContain(PW);
  });

  test.each(cases)('synth: %s', (_what, object, pointers) => {
    const { app, chart } = testChart();
    new ApiObject(chart, 'o', object as any);
    const err = catchBlueprintError(() => renderApp(app));
    const found = err.issues.filter((i) => i.code === 'SECRET_IN_OUTPUT');
    // The rendered object's keys are sorted (image after env).
    expect(found.map((i) => i.field).sort()).toEqual([...pointers].sort());
    expect(found.every((i) => i.value === '<redacted>')).toBe(true);
    expect(err.message + JSON.stringify(err.issues)).not.toContain(PW);
  });
});

describe('a secret value is not quoted by the text of its error either (a hostile-input review)', () => {
  const BEARER = j('Bearer ', 'abcdef0123456789abcdef0123456789');
  const JWT = j(
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    '.',
    'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
    '.',
    'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  );
  const shows = (err: { message: string; issues: unknown }, secret: string) => (err.message + JSON.stringify(err.issues)).includes(secret);

  test('MetricsMonitor: a target port named by a Bearer credential (MONITOR_TARGET_MISSING names the port)', () => {
    const { app, chart } = testChart();
    new Worker(chart, 'web', { namespace: 'shop', image: WEB.image, ports: [{ name: 'metrics', port: 9102 }] });
    new MetricsMonitor(chart, 'x', {
      name: 'web',
      namespace: 'shop',
      port: 'metrics',
      path: '/m',
      target: { kind: 'pods', podSelector: { 'app.kubernetes.io/name': 'web' }, port: BEARER },
    } as never);
    const err = catchBlueprintError(() => renderApp(app));
    expect(err.codes).toContain('MONITOR_TARGET_MISSING');
    expect(shows(err, 'abcdef0123456789')).toBe(false);
    expect(err.issues.find((i) => i.code === 'MONITOR_TARGET_MISSING')!.message).toContain('names port <redacted>, which');
  });

  test('ClusterPlatform: an environment that is a JWT (NAME_INVALID names the label value built from it)', () => {
    const err = catchBlueprintError(
      () =>
        new ClusterPlatform(new App(), 'p', {
          environment: JWT,
          host: 'shop.example.com',
          certificateIssuer: { name: 'le', email: 'p@example.com' },
          teams: [],
          secretStore: { awsRegion: 'eu-west-1' },
        } as never),
    );
    expect(err.codes).toContain('NAME_INVALID');
    expect(shows(err, JWT.slice(0, 30))).toBe(false);
    expect(err.issues.find((i) => i.field === 'environment')!.message).toContain("label value 'platform-<redacted>'");
  });

  test.each<[string, string, (c: Chart, value: string) => unknown]>([
    [
      'ExternalService.fromHostName',
      'EXTERNAL_HOST_INVALID',
      (c, v) =>
        ExternalService.fromHostName(c, 'db', { namespace: 'shop', hostName: `${v}db.example.com`, ports: [{ name: 'db', port: 5432 }] }),
    ],
    [
      'ExternalService.fromAddresses',
      'EXTERNAL_ADDRESS_INVALID',
      (c, v) =>
        ExternalService.fromAddresses(c, 'db', { namespace: 'shop', addresses: [`${v}203.0.113.10`], ports: [{ name: 'db', port: 5432 }] }),
    ],
    [
      'IngressRoutes host',
      'INGRESS_INVALID',
      (c, v) => new IngressRoutes(c, 'r', { namespace: 'shop', host: `${v}shop.example.com`, routes: [] } as never),
    ],
    [
      'ExternalDatabase hostName',
      'EXTERNAL_HOST_INVALID',
      (c, v) => {
        SecretBackend.use(c, SecretBackend.deployTool());
        const ns = new TeamNamespace(c, 'team', { quota: QuotaPreset.MEDIUM });
        return new ExternalDatabase(c, 'x', { namespace: ns, hostName: `${v}cluster0.abcde.mongodb.net`, port: 27017 });
      },
    ],
    [
      'ClusterPlatform host',
      'INGRESS_INVALID',
      (c, v) => new ClusterPlatform(c.node.root as App, 'p', { environment: 'test', host: `${v}shop.example.com`, teams: [] } as never),
    ],
    [
      'Peer.external cidrs',
      'INTENT_INVALID',
      (c, v) =>
        new Worker(c, 'w', { namespace: 'shop', image: WEB.image }).allowTo(Peer.external('db', [`${v}10.0.0.0/8`], [{ port: 5432 }])),
    ],
    ['StorageClass zones', 'STORAGE_INVALID', (c, v) => new StorageClass(c, 'sc', { provisioner: 'ebs.csi.aws.com', zones: [`${v}zone`] })],
    ['ClusterIssuer email', 'ISSUER_INVALID', (c, v) => new ClusterIssuer(c, 'le', { email: `${v}example.com` })],
  ])('%s: user:password@ without a scheme is refused (%s), its password never shown nor rendered', (_what, code, build) => {
    const PW = j('Zq8vT3p', 'Lx9Wm2Rk7');
    const { app, chart } = testChart();
    const err = catchBlueprintError(() => {
      build(chart, `u:${PW}@`);
      return renderApp(app);
    });
    expect(err.codes).toContain(code);
    expect(shows(err, PW)).toBe(false);
  });
});
