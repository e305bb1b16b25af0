import { RULES, runRules } from '../../constructs';
import { SECRET_ENV_NAME } from '../../constructs/core/names';
import { credentialIn } from '../../constructs/core/secret-patterns';
import { expectCode, teamWebService } from '../helpers';
import { CANARIES } from './secret-canaries';

describe('credentialIn', () => {
  test.each(CANARIES.map((c) => [c]))('finds %s', (c) => {
    expect(credentialIn(c)).toBeDefined();
    expect(credentialIn(`prefix ${c} suffix`)).toBeDefined();
  });

  test.each([
    'postgres://app:$(DB_PASSWORD)@db:5432/app',
    '--password=$(DB_PASSWORD)',
    '--password-file=/run/secrets/db',
    'password: ${DB_PASSWORD}',
    'secret: false',
    'bypass=true',
    'max_tokens=100',
    'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'http://[::1]:8080/healthz',
    'https://example.com/path?page=2',
    'server { listen 8080; location / { proxy_pass http://127.0.0.1:3000; } }',
  ])('leaves %s alone', (text) => {
    expect(credentialIn(text)).toBeUndefined();
  });

  test('non-strings are never credentials', () => {
    for (const v of [undefined, null, 5, {}, []]) expect(credentialIn(v)).toBeUndefined();
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
    // Connection strings, DSNs and HTTP credentials the audit found (secret-leaks.test.ts).
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
