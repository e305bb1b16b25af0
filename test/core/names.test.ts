import * as fc from 'fast-check';
import {
  NameRule,
  assertName,
  dns1123LabelOf,
  envVarNameIssue,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isAnnotationKey,
  isEnvVarName,
  isLabelKey,
  isLabelValue,
  isPathSegmentName,
  objectNameRule,
  RULES,
  runRules,
} from '../../constructs';
import { SECRET_ENV_NAME, labelMapFaults } from '../../constructs/core/names';
import { expectCode, teamWebService } from '../helpers';

describe('name rules', () => {
  test('DNS-1123 label', () => {
    expect(isDns1123Label('payments')).toBe(true);
    expect(isDns1123Label('1st-team')).toBe(true);
    expect(isDns1123Label('a'.repeat(63))).toBe(true);
    for (const bad of ['Payments', '-a', 'a-', 'a_b', 'a.b', '', 'a'.repeat(64)]) expect(isDns1123Label(bad)).toBe(false);
  });

  test('DNS-1123 subdomain', () => {
    expect(isDns1123Subdomain('high-priority')).toBe(true);
    expect(isDns1123Subdomain('fast.ssd.example.com')).toBe(true);
    for (const bad of ['', 'a..b', '.a', 'A.b', `${'a'.repeat(63)}.`.repeat(4) + 'a']) expect(isDns1123Subdomain(bad)).toBe(false);
  });

  test('DNS-1035 label (Service names start with a letter)', () => {
    expect(isDns1035Label('web')).toBe(true);
    expect(isDns1035Label('1web')).toBe(false);
    expect(isDns1035Label('web-')).toBe(false);
  });

  test('label values and keys', () => {
    expect(isLabelValue('')).toBe(true);
    expect(isLabelValue('v1.2_rc-1')).toBe(true);
    expect(isLabelValue('-x')).toBe(false);
    expect(isLabelValue('a'.repeat(64))).toBe(false);
    expect(isLabelKey('app.kubernetes.io/name')).toBe(true);
    expect(isLabelKey('team')).toBe(true);
    expect(isLabelKey('Bad_Prefix/name')).toBe(false);
    expect(isLabelKey('example.com/')).toBe(false);
  });

  test('assertName raises NAME_INVALID with the rule and a fix', () => {
    const issue = expectCode(() => assertName(NameRule.DNS1035_LABEL, 'serviceName', '9lives'), 'NAME_INVALID');
    expect(issue.message).toContain('DNS-1035');
    expect(issue.value).toBe('9lives');
    expect(assertName(NameRule.DNS1123_LABEL, 'name', 'ok')).toBe('ok');
  });

  test('property: generated DNS-1123 labels are accepted, upper-case variants rejected', () => {
    const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    fc.assert(
      fc.property(label, (s) => {
        expect(isDns1123Label(s)).toBe(true);
        if (/[a-z]/.test(s)) expect(isDns1123Label(s.toUpperCase())).toBe(false);
      }),
    );
  });

  test('dns1123LabelOf keeps a label and derives a distinct valid one from anything else', () => {
    expect(dns1123LabelOf('config')).toBe('config');
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), (a, b) => {
        expect(isDns1123Label(dns1123LabelOf(a))).toBe(true);
        if (a !== b) expect(dns1123LabelOf(a)).not.toBe(dns1123LabelOf(b));
      }),
    );
  });
});

test('labelMapFaults: a key whose value is undefined (an unset variable) is a fault, since JSON drops it; an empty value is a label', () => {
  expect(labelMapFaults({ app: 'web', tier: undefined, empty: '' })).toEqual([
    expect.objectContaining({ at: ['tier'], value: undefined, message: expect.stringMatching(/^is undefined/) }),
  ]);
});

describe('environment variable names (apimachinery IsEnvVarName, Kubernetes 1.28)', () => {
  test.each(['FOO', '_x', 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1', '-a', '.a', 'a..b'])('%p is valid', (name) => {
    expect(isEnvVarName(name)).toBe(true);
    expect(envVarNameIssue('env', name)).toBeUndefined();
  });

  test.each(['', '1FOO', 'A=B', 'A B', 'é', '.', '..', '..a', 'a$'])('%p is refused with NAME_INVALID', (name) => {
    expect(isEnvVarName(name)).toBe(false);
    expect(envVarNameIssue(`env.${name}`, name)).toMatchObject({ code: 'NAME_INVALID', field: `env.${name}`, value: name });
  });
});

describe('object names of any kind (ValidateObjectMeta name functions)', () => {
  test('path segment names (RBAC): anything but ., .. and names with / or %', () => {
    expect(['system:controller:x', 'Reader', 'a..b'].map(isPathSegmentName)).toEqual([true, true, true]);
    expect(['.', '..', 'a/b', 'a%2f'].map(isPathSegmentName)).toEqual([false, false, false, false]);
  });

  test('annotation keys are label keys once lower-cased', () => {
    expect(isAnnotationKey('Example.COM/Owner')).toBe(true);
    expect(isLabelKey('Example.COM/Owner')).toBe(false);
    expect(isAnnotationKey('a/b/c')).toBe(false);
  });

  test('the name rule per kind', () => {
    expect(objectNameRule('v1', 'Namespace').rule).toBe(NameRule.DNS1123_LABEL);
    expect(objectNameRule('v1', 'Service').rule).toBe(NameRule.DNS1035_LABEL);
    expect(objectNameRule('serving.knative.dev/v1', 'Service').rule).toBe(NameRule.DNS1123_SUBDOMAIN); // a custom resource
    expect(objectNameRule('rbac.authorization.k8s.io/v1', 'ClusterRole').test('system:aggregate-to-edit')).toBe(true);
    expect(objectNameRule('apps/v1', 'Deployment').rule).toBe(NameRule.DNS1123_SUBDOMAIN);
  });
});

describe('SECRET_ENV_NAME: env names that hold a secret, judged on their segments', () => {
  test.each([
    'DB_PASSWORD',
    'PGPASSWORD',
    'MYSQL_ROOT_PASSWORD',
    'DB_PASSWD',
    'DB_PASS',
    'DB_PWD',
    'GITHUB_TOKEN',
    'API_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'CLIENT_SECRET',
    'clientSecret',
    'apiKey',
    'APIKey',
    'APIKEY',
    'STRIPE_API_KEY',
    'SECRET_KEY',
    'ACCESS_KEY',
    'PRIVATE_KEY',
    'ENCRYPTION_KEY',
    'SIGNING_KEY',
    'CLIENT_KEY',
    'MASTER_KEY',
    'LICENSE_KEY',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'DB_CREDENTIAL',
    'GPG_PASSPHRASE',
    'KEY',
    'api-key',
    'service.secret',
    'STORAGE_ACCOUNT_KEY',
    'DATABASE_DSN',
    'AZURE_STORAGE_CONNECTION_STRING',
    'AUTHORIZATION',
    'BASIC_AUTH',
    'BASIC_AUTH_PASSWORD',
    'DB_PASSWORD_PROD',
    'CONNECTION_STRING_VALUE',
    // Connection strings, DSNs and HTTP credentials the audit found (test/contracts/secret-leaks.test.ts).
    'CONNECTION_STRING',
    'ConnectionString',
    'DSN',
    'AUTH_HEADER',
    'BEARER',
    'NPM_AUTH',
    'DB_CONNSTR',
    'DEPLOY_KEY',
    'APP_KEY',
  ])('%s is secret-looking', (name) => {
    expect(SECRET_ENV_NAME.test(name)).toBe(true);
  });

  test.each([
    'LLM_MAX_TOKENS',
    'BYPASS_CACHE',
    'PASSENGER_APP_ENV',
    'PARTITION_KEY',
    'CACHE_KEY',
    'SORT_KEY',
    'AWS_ACCESS_KEY_ID',
    'PWD',
    'OLDPWD',
    'COMPASS_URL',
    'KEYCLOAK_URL',
    'CONNECTION_TIMEOUT',
    'STRING_FORMAT',
    'AUTH_MODE',
    'ACCOUNT_ID',
    'APP_NAME',
    'DEPLOY_ENV',
    // A descriptor after the secret word names a property of the secret; a switch before it holds a yes or no.
    'DSN_HOST',
    'DSN_PORT',
    'AUTHORIZATION_ENDPOINT',
    'AUTHORIZATION_MODE',
    'BASIC_AUTH_ENABLED',
    'BASIC_AUTH_USER',
    'AUTH_HEADER_NAME',
    'BEARER_TOKEN_FILE',
    'APP_KEY_ROTATION',
    'CONNECTION_STRING_FORMAT',
    'TOKEN_URL',
    'SECRET_NAME',
    'PASSWORD_MIN_LENGTH',
    'TOKEN_TTL',
    'SESSION_TOKEN_TTL',
    'MYSQL_ALLOW_EMPTY_PASSWORD',
    'MYSQL_RANDOM_ROOT_PASSWORD',
    'MONKEY_MODE',
    'LOG_LEVEL',
  ])('%s is an ordinary name', (name) => {
    expect(SECRET_ENV_NAME.test(name)).toBe(false);
  });

  test('PLAINTEXT_SECRET takes the audit false positives as literals, and still refuses a literal password', () => {
    const env = { LLM_MAX_TOKENS: '4096', BYPASS_CACHE: 'true', PASSENGER_APP_ENV: 'production', PARTITION_KEY: 'id' };
    expect(() => teamWebService('web', { env })).not.toThrow();
    expect(expectCode(() => teamWebService('web', { env: { ...env, PGPASSWORD: 'hunter2' } }), 'PLAINTEXT_SECRET').field).toMatch(
      /PGPASSWORD$/,
    );
  });

  test('the rendered-object rule (SEC_PLAINTEXT_SECRET) uses the same names', () => {
    const rule = RULES.filter((r) => r.code === 'SEC_PLAINTEXT_SECRET');
    const pod = (env: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'shop' },
      spec: { containers: [{ name: 'c', image: 'a:1', env: Object.entries(env).map(([name, value]) => ({ name, value })) }] },
    });
    expect(runRules([pod({ LLM_MAX_TOKENS: '4096', PARTITION_KEY: 'id' })], { rules: rule })).toEqual([]);
    expect(runRules([pod({ GITHUB_TOKEN: 'x', apiKey: 'y' })], { rules: rule })).toHaveLength(2);
  });
});
