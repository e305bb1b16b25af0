import {
  argvCredentials,
  credentialIn,
  credentialIssues,
  credentialSpans,
  credentialWithin,
  imageCredential,
  isSecretReference,
  plaintextSecretEnv,
} from '../../constructs/core/secret-patterns';
import { HOSTILE_SCAN_TEXT } from './hostile-text';
import { AZURE, CANARIES, OPENAI, PEM_B64, j } from './secret-canaries';

describe('credentialIn', () => {
  test.each(CANARIES.map((c) => [c]))('finds %s', (c) => {
    expect(credentialIn(c)).toBeDefined();
    expect(credentialIn(`prefix ${c} suffix`)).toBeDefined();
  });

  test.each<[string, string]>([
    // The formats an independent audit found missing.
    ['Slack app token', j('xapp-', '1-A0123456789-1234567890123-', 'abcdef0123456789'.repeat(4))],
    ['Slack client token', j('xoxc-', '123456789012-1234567890123-abcdefabcdef')],
    ['Stripe test key', j('sk_', 'test_51H', 'a'.repeat(24))],
    ['Stripe restricted key', j('rk_', 'live_', 'a'.repeat(24))],
    ['Stripe webhook secret', j('whsec', '_', 'A'.repeat(32))],
    ['OpenAI project key', OPENAI],
    ['OpenAI key', j('sk-', 'Ab3x'.repeat(12))],
    ['Anthropic key', j('sk-', 'ant-api03-', 'Ab3x'.repeat(20))],
    ['SendGrid key', j('SG', '.', 'a'.repeat(22), '.', 'b'.repeat(43))],
    ['Twilio API key', j('SK', '0123456789abcdef'.repeat(2))],
    ['Vault service token', j('hvs', '.', 'A'.repeat(90))],
    ['Vault batch token', j('hvb', '.', 'A'.repeat(90))],
    ['Google OAuth token', j('ya29', '.', 'a'.repeat(60))],
    ['GitLab runner token', j('glrt', '-', 'a'.repeat(20))],
    ['Azure storage connection string', AZURE],
    [
      'Azure Service Bus connection string',
      j('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccess', 'Key=', 'Ab3x'.repeat(11)),
    ],
    ['Azure SAS URL', j('https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=rl&', 'sig=', 'Ab3x'.repeat(10), '%3D')],
    ['Go MySQL DSN', j('app:', 'hunter22', '@tcp(mysql:3306)/orders')],
    ['Bearer header value', j('Bearer ', 'abcdef0123456789abcdef')],
    ['Basic header value', j('Basic ', 'YXBwOmh1bnRlcjIy')],
    ['Authorization header in a command', j("curl -H 'Authorization: Bearer ", "abcdef0123456789abcdef' http://localhost/ready")],
    ['PGPASSWORD in a shell line', j('PGPASS', 'WORD=hunter22 exec psql -h db')],
    ['ADMINPASSWORD assignment', j('ADMINPASS', 'WORD=hunter22')],
    ['--password with a space', j('--pass', 'word hunter22')],
    ['--db-password with a space', j('run --db-pass', 'word Hunter22')],
    ['--password with upper-case letters only', j('--pass', 'word HunterHunter')],
    ['--api-key with capitals', j('serve --api-', 'key ABCDEFGHIJ')],
    ['mysql -p', j('mysql -uroot -p', 'hunter22 -h db')],
    ['curl -u', j('curl -u admin:', 'hunter22 http://x')],
    ['redis-cli -a', j('redis-cli -a ', 'hunter22 ping')],
    ['docker config auth', j('{"auths":{"ghcr.io":{"auth":"', 'YXBwOmh1bnRlcjIy', '"}}}')],
    ['htpasswd apr1', j('admin:$', 'apr1$abcd1234$abcdefghijklmnopqrstuv')],
    ['htpasswd bcrypt', j('admin:$', '2y$05$', 'a'.repeat(53))],
    ['htpasswd SHA', j('admin:{', 'SHA}', 'a'.repeat(27), '=')],
    ['passphrase assignment', j('pass', 'phrase=hunter22hunter')],
    ['credentials assignment', j('creden', 'tials=hunter22hunter')],
    ['base64 PEM private key', PEM_B64],
    ['token as URL userinfo', j('https://', 'a1b2c3d4e5f6g7h8'.repeat(3), '@dev.azure.com/org/proj/_git/repo')],
    // The literals beside the references, YAML blocks and options that pass (below): a literal default or value is still one.
    ['a literal default in ${NAME:-…}', j('password: ${DB_PASSWORD:-', 'Hunter22}')],
    ['a literal default in a quoted assignment', j('X="${DB_PASSWORD:-', 'Hunter22}"')],
    ['a literal default after redis-cli -a', j('redis-cli -a "${REDIS_PASSWORD:-', 'Hunter22}" ping')],
    ['mysqladmin -p', j('mysqladmin ping -u root -p', 'Hunter22')],
    ['export PGPASSWORD', j('export PGPASSWORD=', 'Hunter22')],
    ['a password in a YAML block, on its line', j('db:\n  password: ', 'Hunter22\n')],
    ['an adminPassword in a YAML block, on its line', j('db:\n  adminPassword: ', 'Hunter22\n')],
    ['credentials assignment with capitals', j('credentials=', 'Hunter22')],
    // Angle brackets around a password are not a placeholder unless they are the whole value, of words.
    ['a password in angle brackets with symbols', j('mysql --password <Hunter22!', '9x>')],
    ['a password after an unclosed bracket', j('password=<Hunter', '22x')],
    // Inside longer text, as an error message quotes a value: a sentence, a label value built from a prefix.
    ['a Bearer credential in a sentence', j('names port Bearer ', 'abcdef0123456789abcdef, which no container declares')],
    ['a Basic credential in a header line', j('-H "X-Auth: Basic ', 'YXBwOmh1bnRlcjIyMjI=" -v')],
    ['a JWT after a name and a hyphen', j('platform-', CANARIES[4])],
    ['a JWT after a name and an underscore', j('x_', CANARIES[4])],
  ])('finds %s', (_, canary) => {
    expect(credentialIn(canary)).toBeDefined();
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
    // Beside the formats the audit found missing: what is no credential.
    // A certificate, base64-encoded (a webhook's caBundle): public, not a key.
    Buffer.from('-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n').toString('base64'),
    'Basic authentication protects the admin pages',
    'Basic auth-realm-v2 enabled',
    'Bearer tokens are checked by the v2 gateway',
    'see Bearer authentication (RFC 6750) for details',
    'existingSecret: db-credentials',
    'app:$(DB_PASSWORD)@tcp(mysql:3306)/orders',
    'PGPASSWORD=$(DB_PASSWORD) exec psql -h db',
    '--password $(DB_PASSWORD)',
    'use --token to authenticate',
    'pass --password secretly to the tool',
    'mysql -uroot -p$(MYSQL_PWD) -h db',
    'curl -u admin:$(ADMIN_PASSWORD) http://x',
    'ssh://git@github.com/acme/app.git',
    'https://john.doe@example.com/',
    'https://github.com/acme/app.git',
    'Authorization: Bearer $(TOKEN)',
    'max_tokens=4096',
    /*
     * False positives an audit found: references, file and Secret names, YAML blocks and fetch options that the scan
     * took for literal secrets (their literals are found above).
     * A reference is no literal. Command substitution, read to its closing parenthesis.
     */
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
    // A documentation placeholder, as a fix text writes one.
    'kubectl create secret generic db --from-literal=password=<value>',
    'mysql --password <your-password>',
    // A value on the same line only.
    'aws:\n  credentials:\n    secretName: aws-creds',
    'backend:\n  credentials:\n    fromFile: /etc/creds',
    'adminPassword:\n  existingSecret: grafana',
    'password:\n  secretKeyRef:\n    name: db',
    'token:\n  file: /var/run/token',
    'password: # set via env\nuser: app',
    // Credentials as an option, or an object.
    "fetch(url, { credentials: 'include' })",
    "export default { credentials: 'same-origin' }",
    '{"realm": "shop", "credentials": {"secret": "${KEYCLOAK_SECRET}"}}',
  ])('leaves %s alone', (text) => {
    expect(credentialIn(text)).toBeUndefined();
  });

  test('credentialSpans: the secret parts of each credential, a token also without its header name', () => {
    const jwt = CANARIES[4];
    expect(credentialSpans(j('label platform-', jwt, ' and Authorization: Bearer ', 'abcdef0123456789abcdef')).sort()).toEqual(
      [
        j('Bearer ', 'abcdef0123456789abcdef'),
        j('abcdef0123456789abcdef'),
        j('Authorization: Bearer ', 'abcdef0123456789abcdef'),
        jwt,
      ].sort(),
    );
    expect(credentialSpans(j('postgres://app:', 'Hunter2canary', '@db/app'))).toEqual(['Hunter2canary']);
    // At most `max`, however many the text holds; none in ordinary text.
    expect(credentialSpans(Array.from({ length: 100 }, (_, i) => j('ghp', '_', String(i).padStart(36, 'A'))).join(' '), 5)).toHaveLength(5);
    expect(credentialSpans('Basic authentication protects the admin pages')).toEqual([]);
  });

  test('non-strings are never credentials', () => {
    for (const v of [undefined, null, 5, {}, []]) expect(credentialIn(v)).toBeUndefined();
  });

  // How long the scan takes on these is measured by `npm run bench` (bench/hostile-input.ts); here, what it finds.
  test('long hostile strings are scanned to an answer', () => {
    const answers = HOSTILE_SCAN_TEXT.map(credentialIn);
    expect(answers).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, 'a literal password', undefined, undefined]);
    // The secret parts an error takes out of its text: found in the same bounded time, and at most `max`.
    expect(HOSTILE_SCAN_TEXT.map((t) => credentialSpans(t).length)).toEqual([0, 0, 0, 0, 0, 0, 2, 0, 0]);
    expect(isSecretReference('${a' + '-'.repeat(100_000))).toBe(false);
  });
});

describe('userinfo with a password before a host, without a scheme', () => {
  const PW = j('Zq8vT3p', 'Lx9Wm2Rk7');
  test.each<[string, string, string]>([
    ['a host name', j('admin:', PW, '@db.example.com'), PW],
    ['an IP address', j('u:', PW, '@203.0.113.10'), PW],
    ['an IPv6 address with a port', j('u:', PW, '@[2001:db8::1]:5432'), PW],
    ['an e-mail address with a password', j('ops:', PW, '@example.com'), PW],
    ['after an assignment', j('DATABASE=app:', PW, '@db:5432/app'), PW],
    ['inside a sentence', j('connect to u:', PW, '@prom.example.com:9090 now'), PW],
    ['a zone name', j('u:', PW, '@zone'), PW],
    ['a password with a colon', j('u:', 'Zq8:vT3p', '@db'), 'Zq8:vT3p'],
  ])('finds %s, and gives the password as its secret part', (_what, text, password) => {
    expect(credentialIn(text)).toBe('a password before a host');
    expect(credentialSpans(text)).toEqual([password]);
  });

  const DIGEST = j('sha256:', 'ab12'.repeat(16));
  test.each<[string, string]>([
    ['host:port', 'db.example.com:5432'],
    ['namespace/name', 'shop/payments-api'],
    ['a time', 'backup at 12:30'],
    ['a time window with a zone', '10:00-18:00@Europe/Paris'],
    ['IPv6', '[2001:db8::1]:443'],
    ['IPv6 with a zone index', 'fe80::1%eth0'],
    ['an image by tag and digest', j('nginx:1.25@', DIGEST)],
    ['a registry image by tag and digest', j('ghcr.io/acme/web:1.4.2@', DIGEST)],
    ['an image by digest', j('ghcr.io/acme/web@', DIGEST)],
    ['a label selector', 'app:web'],
    ['an scp-like git URL', 'git@github.com:acme/shop.git'],
    ['a mailto URI', 'mailto:ops@example.com'],
    ['an e-mail address', 'platform-team@example.com'],
    ["PromQL's @ modifier after a recording rule", 'job:http_requests:rate5m@1609746000'],
    ["PromQL's @ start()", 'job:http_requests:rate5m@start()'],
    ['a reference as the password', 'app:$(DB_PASSWORD)@db.example.com:5432'],
  ])('leaves %s alone', (_what, text) => {
    expect(credentialIn(text)).toBeUndefined();
    expect(credentialSpans(text)).toEqual([]);
  });

  test('a DSN without a scheme whose password is $(NAME) points at a secret; a literal one is plaintext', () => {
    expect(plaintextSecretEnv('DATABASE_DSN', 'app:$(DB_PASSWORD)@db.example.com:5432/app')).toBe(false);
    expect(plaintextSecretEnv('DATABASE_DSN', j('app:', PW, '@db.example.com:5432/app'))).toBe(true);
  });
});

describe('credentialIssues over argv arrays: a secret-named flag and its separate argument', () => {
  test.each([
    [['--db-password', 'hunter22']],
    [['serve', '--api-key', 'abcdef0123456789']],
    [['--token', 'x1']],
    [['-password', 'hunter22']],
    [['--password', j('hunter', '22')]],
    [['--token', j('Tk', '9f8e7d6c5b4a')]],
    // After --client-secret a Secret-like name is the secret itself; after --secret a random token or a UUID is one.
    [['--client-secret', 'my-secret']],
    [['--secret', j('a1b2c3d4', 'e5f6a7b8')]],
    [['--webhook-secret', j('3f2a9c1e-', '77b4-4d0e-9a51-0c6f2b8d4e11')]],
  ])('%j is refused at the argument, never echoed', (args) => {
    const issues = credentialIssues('args', args);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'SECRET_IN_OUTPUT', field: `args[${args.length - 1}]`, value: '<redacted>' });
    expect(JSON.stringify(issues)).not.toContain(args[args.length - 1]);
  });

  test.each([
    [['--db-password', '$(DB_PASSWORD)']],
    [['--token-file', '/run/secrets/token']],
    [['--token', '--verbose']],
    [['--max-tokens', '4096']],
    [['--password-stdin', 'x']],
    // A file or a Secret name is no secret.
    [['run', '--enable-api', '--credentials', 'credentials.yml']],
    [['sh', '-c', 'rasa run --enable-api --credentials credentials.yml']],
    [['--secret', 'my-k8s-secret']],
    [['--tls-secret', 'default/ingress-tls']],
    [['--token', 'token.txt']],
    [['--webhook-secret', 'my-webhook-secret-name']],
  ])('%j passes', (args) => {
    expect(credentialIssues('args', args)).toEqual([]);
  });
});

describe("argv command lines: a tool's password flag is judged as in a shell line (PASSWORD_FLAGS)", () => {
  const PW = j('Tr0ub4dor', '-x9Q2');
  test.each([
    [['mysql', '-uroot', `-p${PW}`], 2],
    [['/usr/bin/mysqldump', '-u', 'root', `-p${PW}`, 'orders'], 3],
    [['mariadb-dump', `-p${PW}`], 1],
    [['redis-cli', '-a', PW, 'ping'], 2],
    [['redis-cli', '-h', 'redis', '-p', '6379', '--pass', PW, 'ping'], 6],
    [['valkey-cli', '-a', PW], 2],
    [['curl', '-u', `admin:${PW}`, 'https://api.example.com'], 2],
    [['curl', '-sf', `-uadmin:${PW}`, 'https://api.example.com'], 2],
    [['curl', '--user', `admin:${PW}`, 'https://api.example.com'], 2],
  ])('%j is refused at the password, never echoed, as its shell line is', (args, at) => {
    const issues = credentialIssues('command', args);
    expect(issues).toEqual([expect.objectContaining({ code: 'SECRET_IN_OUTPUT', field: `command[${at}]`, value: '<redacted>' })]);
    expect(JSON.stringify(issues)).not.toContain(PW);
    expect(credentialIn((args as string[]).join(' '))).toBe('a password on a command line');
  });

  test.each([
    // mysql -p alone prompts; -P is its port; -p of other tools is a port.
    [['mysql', '-uroot', '-p', '-h', 'db']],
    [['mysql', '-P', '3306', '-h', 'db']],
    [['psql', '-h', 'db', '-p', '5432']],
    [['nc', '-p', '3306', 'db']],
    [['redis-cli', '-p', '6379', 'ping']],
    // curl -u with a user alone prompts; references are no secret.
    [['curl', '-u', 'admin', 'https://api.example.com']],
    [['curl', '-u', 'admin:$(ADMIN_PASSWORD)', 'https://api.example.com']],
    [['mysql', '-uroot', '-p$(MYSQL_PWD)']],
    [['redis-cli', '-a', '$(REDIS_PASSWORD)', 'ping']],
    [['redis-cli', '-a', '--no-auth-warning']],
    [['ssh', '-p', '2222', 'host']],
  ])('%j passes, as its shell line does', (args) => {
    expect(credentialIssues('command', args)).toEqual([]);
    expect(credentialIn((args as string[]).join(' '))).toBeUndefined();
  });

  test("a container's args are read by the program its command names", () => {
    expect(argvCredentials(['-uroot', `-p${PW}`], ['mysql'])).toEqual([undefined, 'a password on a command line']);
    expect(argvCredentials(['-uroot', `-p${PW}`], ['psql'])).toEqual([undefined, undefined]);
  });
});

describe('pulumi config set: --secret takes no value, the word after it is the key', () => {
  const PW = j('Tr0ub4dor', '-x9Q2');
  test.each([
    ['pulumi config set --secret consumer:dbPassword'],
    ['set it (the command prompts for the value): pulumi config set --secret shop:ledgerPassword'],
    ['pulumi -C infra config set --path --secret "db.adminPassword"'],
    ['pulumi config set --secret dbPassword <value>'],
    ['pulumi config set --secret dbPassword $(DB_PASSWORD)'],
  ])('%s names a key: no credential', (line) => {
    expect(credentialIn(line)).toBeUndefined();
    expect(argvCredentials(line.split(' '))).toEqual(line.split(' ').map(() => undefined));
  });

  test.each([
    [`pulumi config set --secret dbPassword ${PW}`, 5],
    [`pulumi config set dbPassword ${PW} --secret`, 4],
    [`pulumi config set --type string --secret dbPassword -- ${PW}`, 8],
  ])('%s gives the secret itself: the value is one, the key is not', (line, at) => {
    expect(credentialIn(line)).toBe('a secret on a pulumi config set command line');
    const found = argvCredentials(line.split(' '));
    expect(found.flatMap((w, i) => (w ? [i] : []))).toEqual([at]);
  });

  test('other tools keep --secret as a flag that takes a secret, and set-all --secret takes the pair', () => {
    expect(credentialIn(`deploy --secret ${PW}`)).toBe('a password on a command line');
    expect(credentialIn(`pulumi config set-all --secret dbPassword=${PW}`)).toBeDefined();
    expect(argvCredentials(['deploy', '--secret', PW])).toEqual([undefined, undefined, 'the value of --secret on a command line']);
  });
});

describe('imageCredential: userinfo before the registry host', () => {
  test.each([
    [j('deploy:', 'Tr0ub4dor-x9Q2', '@registry.example.com/app:1.0')],
    [j('deploy:', 'Tr0ub4dor-x9Q2', '@registry.example.com:5000/team/app')],
    [j('https://deploy:', 'Tr0ub4dor-x9Q2', '@registry.example.com/app')],
  ])('%s carries a credential', (image) => {
    expect(imageCredential(image)).toBeDefined();
  });

  test.each([
    ['ghcr.io/acme/api:1.4.2'],
    [j('nginx@sha256:', 'a'.repeat(64))],
    [j('registry.example.com:5000/app@sha256:', 'b'.repeat(64))],
    ['deploy@registry.example.com/app:1.0'],
    ['deploy:$(REGISTRY_PASSWORD)@registry.example.com/app:1.0'],
  ])('%s carries none', (image) => {
    expect(imageCredential(image)).toBeUndefined();
  });
});

describe('credentialWithin: a value judged by where its strings sit, as an error shows it', () => {
  const PW = j('Tr0ub4dor', '-x9Q2');
  test.each([
    [{ name: 'c', image: 'a:1', args: ['--password', PW] }],
    [{ name: 'c', command: ['mysql'], args: [`-p${PW}`] }],
    [{ DB_PASSWORD: PW }],
    [[{ name: 'DB_PASSWORD', value: PW }]],
    [{ image: j('deploy:', PW, '@registry.example.com/app') }],
  ])('%j holds a credential', (value) => {
    expect(credentialWithin(value)).toBeDefined();
  });

  test.each([[{ name: 'c', image: 'a:1', args: ['--port', '8080'] }], [{ DB_HOST: 'db' }], [[{ name: 'DB_PASSWORD', value: '$(X)' }]]])(
    '%j holds none',
    (value) => {
      expect(credentialWithin(value)).toBeUndefined();
    },
  );
});
