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
