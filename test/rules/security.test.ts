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
