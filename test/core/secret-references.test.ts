import { credentialIn, credentialIssues } from '../../constructs/core/secret-patterns';

/*
 * False positives of the credential scan found by an audit: references, file and Secret names, YAML blocks and
 * fetch options that the scan took for literal secrets. Each must pass; the literal next to it must not.
 */
const j = (...parts: string[]) => parts.join('');

// Each group: the texts that must pass, then the literals beside them that are still found.
describe.each<[string, string[], string[]]>([
  [
    'a reference is no literal',
    [
      // Command substitution, read to its closing parenthesis.
      'mysqladmin ping -u root -p"$(cat /run/secrets/mysql-root)"',
      'redis-cli -a "$(cat /run/secrets/redis)" ping',
      'curl -u "elastic:$(cat /run/secrets/es)" https://es:9200/_cluster/health',
      "sh -c 'export PGPASSWORD=$(cat /etc/secret/password) && exec psql -h db'",
      // Shell defaults: empty, or an error when unset.
      'redis-cli -a "${REDIS_PASSWORD:-}" ping',
      'redis-cli -a "${REDIS_PASSWORD:?set REDIS_PASSWORD}" ping',
      'export PGPASSWORD="${POSTGRES_PASSWORD:-}"',
      // Spring, config providers, Grafana, Argo CD, templates.
      'spring.datasource.password=${DB_PASSWORD:}',
      'password: ${env:DB_PASSWORD}',
      'password: ${file:/etc/db/password}',
      '[security]\nadmin_password = $__file{/etc/secrets/admin_password}',
      'client_secret = $__env{GF_CLIENT_SECRET}',
      'config:\n  clientSecret: $dex.github.clientSecret',
      'password: {{ .Values.db.password }}',
      'password = <%= @db_password %>',
      'password = %(db_password)s',
    ],
    [
      // A literal default or value is still one.
      j('password: ${DB_PASSWORD:-', 'Hunter22}'),
      j('X="${DB_PASSWORD:-', 'Hunter22}"'),
      j('redis-cli -a "${REDIS_PASSWORD:-', 'Hunter22}" ping'),
      j('mysqladmin ping -u root -p', 'Hunter22'),
      j('export PGPASSWORD=', 'Hunter22'),
    ],
  ],
  [
    'a value on the same line only',
    [
      'aws:\n  credentials:\n    secretName: aws-creds',
      'backend:\n  credentials:\n    fromFile: /etc/creds',
      'adminPassword:\n  existingSecret: grafana',
      'password:\n  secretKeyRef:\n    name: db',
      'token:\n  file: /var/run/token',
      'password: # set via env\nuser: app',
    ],
    [j('db:\n  password: ', 'Hunter22\n'), j('db:\n  adminPassword: ', 'Hunter22\n')],
  ],
  [
    'credentials as an option, or an object',
    [
      "fetch(url, { credentials: 'include' })",
      "export default { credentials: 'same-origin' }",
      '{"realm": "shop", "credentials": {"secret": "${KEYCLOAK_SECRET}"}}',
    ],
    [j('credentials=', 'Hunter22')],
  ],
])('credentialIn: %s', (_, passing, literals) => {
  test.each(passing)('%s', (text) => {
    expect(credentialIn(text)).toBeUndefined();
  });

  test.each(literals)('a literal is still one: %j', (text) => {
    expect(credentialIn(text)).toBeDefined();
  });
});

describe('secret flags: a file or a Secret name is no secret', () => {
  test.each([
    [['run', '--enable-api', '--credentials', 'credentials.yml']],
    [['sh', '-c', 'rasa run --enable-api --credentials credentials.yml']],
    [['--secret', 'my-k8s-secret']],
    [['--tls-secret', 'default/ingress-tls']],
    [['--token', 'token.txt']],
    [['--webhook-secret', 'my-webhook-secret-name']],
  ])('%j', (argv) => {
    expect(credentialIssues('args', argv)).toEqual([]);
  });

  test.each([
    [['--password', j('hunter', '22')]],
    [['--token', j('Tk', '9f8e7d6c5b4a')]],
    [['--client-secret', 'my-secret']],
    [['--secret', j('a1b2c3d4', 'e5f6a7b8')]],
    [['--webhook-secret', j('3f2a9c1e-', '77b4-4d0e-9a51-0c6f2b8d4e11')]],
  ])('%j is still refused', (argv) => {
    expect(credentialIssues('args', argv)).toHaveLength(1);
  });
});
