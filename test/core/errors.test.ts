import { Construct } from 'constructs';
import { BlueprintError, ConfigMap, Problems, WebService, formatIssue } from '../../constructs';
import { Collector } from '../../constructs/core/errors';
import { AWS_KEY, WEB, catchBlueprintError, expectCode, expectLeakFree, testChart } from '../helpers';

describe('BlueprintError', () => {
  test('carries code, path, field, value and fix, and renders them in the message', () => {
    const err = new BlueprintError({
      code: 'X_BAD',
      path: 'prod/payments/api',
      construct: 'WebService',
      field: 'replicas',
      value: 0,
      message: 'must be between 1 and 50',
      fix: 'set replicas',
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('BlueprintError');
    expect([err.code, err.path, err.field, err.value, err.fix]).toEqual(['X_BAD', 'prod/payments/api', 'replicas', 0, 'set replicas']);
    expect(err.message).toBe("[prod/payments/api] WebService: X_BAD 'replicas' must be between 1 and 50, got 0 — set replicas");
  });

  test('holds every issue and lists each distinct code once', () => {
    const a = { code: 'A', path: '', field: 'f', message: 'm', fix: 'x' };
    const err = new BlueprintError([a, { ...a, code: 'B' }, { ...a, field: 'g' }]);
    expect(err.issues).toHaveLength(3);
    expect(err.codes).toEqual(['A', 'B']);
    expect(err.message).toContain('3 problems');
  });

  test('built empty or from something that is not an issue, it says so (never a plain Error)', () => {
    for (const given of [[], null, 5, [{}]]) expect(new BlueprintError(given as never).codes).toEqual(['PROPS_INVALID']);
  });

  test('a list of issues with one malformed entry keeps the real ones beside a PROPS_INVALID for it', () => {
    const err = new BlueprintError([{ code: 'A', path: 'p', field: 'f', message: 'm', fix: 'f' }, { message: 'no code' } as never]);
    expect(err.issues.map((i) => `${i.code} ${i.field}`)).toEqual(['A f', 'PROPS_INVALID issues[1]']);
  });

  test('formatIssue omits the value when none was given', () => {
    expect(formatIssue({ code: 'C', path: '', field: 'f', message: 'is missing', fix: 'add it' })).toBe("C 'f' is missing — add it");
  });
});

describe('no text of an issue echoes a credential: message, fix, field, path, construct, value', () => {
  test('a BlueprintError built directly from issues redacts every text field the same way', () => {
    const err = new BlueprintError([
      {
        code: 'A',
        path: `p/${AWS_KEY}`,
        construct: `C-${AWS_KEY}`,
        field: AWS_KEY,
        value: AWS_KEY,
        message: `m ${AWS_KEY}`,
        fix: `f ${AWS_KEY}`,
      },
      { code: 'B', path: 'p', field: 'f', value: 'ok', message: 'm', fix: 'f' },
    ]);
    expectLeakFree(err);
    expect(err.issues[1]).toEqual({ code: 'B', path: 'p', field: 'f', value: 'ok', message: 'm', fix: 'f' });
  });

  test.each([
    ['a Buffer', () => Buffer.from(AWS_KEY), '<Buffer>'],
    ['an object whose toString returns a credential', () => ({ toString: () => AWS_KEY }), { toString: '<function>' }],
    [
      'a class instance whose toString returns a credential',
      () =>
        new (class Tok {
          toString = () => AWS_KEY;
        })(),
      '<Tok>',
    ],
  ])('a value that is %s is shown by its type, never through its toString', (_what, make, shown) => {
    const err = new BlueprintError({ code: 'X', path: '', field: 'f', value: make(), message: 'm', fix: 'f' });
    expectLeakFree(err);
    expect(err.issues[0].value).toEqual(shown);
  });
});

describe('a secret value is taken out of every text that quotes it, in this issue and in every other of the error', () => {
  // Shapes found only as a whole value before: a Bearer credential, and a JWT glued to a name by '-'.
  const BEARER = ['Bearer ', 'abcdef0123456789', 'abcdef0123456789'].join('');
  const JWT = ['eyJhbGciOiJIUzI1NiJ9', '.', 'eyJzdWIiOiJjYW5hcnkifQ', '.', 'c2lnbmF0dXJlX2NhbmFyeQ'].join('');
  const issue = (code: string, value: unknown, text: string) => ({ code, path: '', field: 'f', value, message: text, fix: 'f' });
  const shows = (err: BlueprintError, secret: string) => (err.message + JSON.stringify(err.issues)).includes(secret);

  test.each([
    ['a Bearer credential in a sentence', BEARER, `names port ${BEARER}, which no container declares`, 'names port <redacted>, which'],
    ['a JWT after a prefix', JWT, `makes the label value 'platform-${JWT}'`, "makes the label value 'platform-<redacted>'"],
    ['the token alone, without its Bearer', BEARER, `names ${BEARER.slice(7)} somewhere`, 'names <redacted> somewhere'],
    ['the value as JSON', `${BEARER}\n`, `got ${JSON.stringify(`${BEARER}\n`)} here`, 'got "<redacted>" here'],
  ])('%s: the rest of the message is kept', (_what, value, message, kept) => {
    const err = new BlueprintError(issue('X', value, message));
    expect(shows(err, BEARER.slice(7)) || shows(err, JWT.slice(0, 24))).toBe(false);
    expect(err.issues[0].message).toContain(kept);
    expect(err.issues[0].value).toBe('<redacted>');
  });

  test('in field, path, fix and construct, and in another issue of the same error whose own value is no secret', () => {
    const err = new BlueprintError([
      { code: 'A', path: `a/${JWT}`, field: `ports.${JWT}`, value: `x-${JWT}`, message: 'm', fix: `rename ${JWT}` },
      { code: 'B', path: 'b', field: 'f', value: 'web', message: `conflicts with x-${JWT}`, fix: `drop ${JWT}` },
    ]);
    expect(shows(err, JWT.slice(0, 24))).toBe(false);
    expect(err.issues.map((i) => [i.path, i.field, i.message, i.fix])).toEqual([
      ['a/<redacted>', 'ports.<redacted>', 'm', 'rename <redacted>'],
      ['b', 'f', 'conflicts with <redacted>', 'drop <redacted>'],
    ]);
    expect(err.issues[1].value).toBe('web');
  });

  test('a string held in an object value (a secret by where it sits) is taken out of the message too', () => {
    const PW = ['Tr0ub4dor', '-x9Q2-hunter2'].join('');
    const err = new BlueprintError(issue('X', { DB_PASSWORD: PW }, `key DB_PASSWORD holds ${PW}`));
    expect(shows(err, PW)).toBe(false);
    expect(err.issues[0].message).toBe('key DB_PASSWORD holds <redacted>');
  });

  test('Problems: in either order of the issues, and through attempt and a Collector, across errors', () => {
    // A secret by where it sits only: no scan of the quoting message alone finds it.
    const PW = ['Tr0ub4dor', '-x9Q2-hunter2'].join('');
    for (const order of [0, 1]) {
      const p = new Problems('scope', 'Thing');
      const [secret, quoting] = [issue('A', { DB_PASSWORD: PW }, 'm'), issue('B', 8080, `uses ${PW} as its user`)];
      for (const i of order ? [quoting, secret] : [secret, quoting]) p.add(i);
      expect(p.issues.map((i) => i.message)).toContain('uses <redacted> as its user');
      expect(
        shows(
          catchBlueprintError(() => p.throwIfAny()),
          PW,
        ),
      ).toBe(false);
    }
    // One error's secret, in the text of an issue of another error the construct or blueprint reports with it.
    const p = new Problems('scope', 'Thing');
    p.attempt('f', () => {
      throw new BlueprintError(issue('A', JWT, 'm'));
    });
    p.add(issue('B', 1, `quotes ${JWT}`));
    expect(
      shows(
        catchBlueprintError(() => p.throwIfAny()),
        JWT.slice(0, 24),
      ),
    ).toBe(false);
    const c = new Collector();
    c.attempt(() => {
      throw new BlueprintError(issue('A', JWT, 'm'));
    });
    c.attempt(() => {
      throw new BlueprintError(issue('B', 1, `quotes ${JWT}`));
    });
    expect(
      shows(
        catchBlueprintError(() => c.throwIfAny()),
        JWT.slice(0, 24),
      ),
    ).toBe(false);
  });

  test('an ordinary value is not taken out of the text, nor a secret shorter than 4 characters', () => {
    const err = new BlueprintError([issue('A', 'web', 'port web is unknown'), issue('B', { DB_PASSWORD: 'pw' }, 'a pw here')]);
    expect(err.issues.map((i) => i.message)).toEqual(['port web is unknown', 'a pw here']);
    expect(err.issues[1].value).toBe('<redacted>');
  });
});

describe('an object or list value is judged by where its strings sit before it is printed', () => {
  // No shape of its own: only its place (after a password flag, under a secret name) makes it a secret.
  const PW = ['Tr0ub4dor', '-x9Q2-hunter2'].join('');
  test.each([
    ['a container with --password and its argument', { name: 'c', image: 'a:1', args: ['--password', PW] }],
    ['a container whose command is mysql and whose args hold -p', { command: ['mysql'], args: ['-uroot', `-p${PW}`] }],
    ['a ConfigMap data map', { DB_PASSWORD: PW }],
    ['an env list', [{ name: 'API_TOKEN', value: PW }]],
  ])('%s is shown as <redacted>', (_what, value) => {
    const err = new BlueprintError({ code: 'X', path: '', field: 'f', value, message: 'm', fix: 'f' });
    expect(err.message + JSON.stringify(err.issues)).not.toContain(PW);
    expect(err.issues[0].value).toBe('<redacted>');
  });

  test('an object without a secret in place is shown as it is', () => {
    const value = { name: 'c', args: ['--port', '8080'], env: [{ name: 'DB_HOST', value: 'db' }] };
    expect(new BlueprintError({ code: 'X', path: '', field: 'f', value, message: 'm', fix: 'f' }).issues[0].value).toEqual(value);
  });
});

describe('a value is judged by the name of its field too: the one judgement of an env var name and its literal', () => {
  // No shape of a credential: only the name it sits under says it is one (a map's { DB_PASSWORD: … } was redacted, a prop was not).
  const PASS = 'correct horse battery staple';
  const one = (field: string, value: unknown, message = 'is not a prop') =>
    new BlueprintError({ code: 'X', path: '', field, value, message, fix: 'f' });

  test('PROPS_UNKNOWN of a prop named password shows <redacted>, not the value (it did: got "correct horse battery staple")', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new ConfigMap(chart, 'c', { namespace: 'team', data: {}, password: PASS } as never));
    expect(err.code).toBe('PROPS_UNKNOWN');
    expect(err.issues[0]).toMatchObject({ field: 'password', value: '<redacted>' });
    expect(err.message + JSON.stringify(err.issues)).not.toContain(PASS);
  });

  test.each([
    ['--prices.password', PASS],
    ['creds.SecretAccessKey', 'not-a-key-shape but secret'],
    ['aws.SessionToken', 'abc123def456abc123def456'],
    ['client_secret', 's3cr3t-value-xyz'],
    ['apiToken[2]', 'tok-one-two-three'],
    ['db.password', 12345678],
  ])('the value of %s is <redacted>, and out of the message that quotes it', (field, value) => {
    const err = one(field, value, `is not a prop: ${value} was given`);
    expect(err.issues[0].value).toBe('<redacted>');
    expect(err.message + JSON.stringify(err.issues)).not.toContain(String(value));
  });

  test.each([
    ['a reference', 'password', '$(DB_PASSWORD)'],
    ['a yes or no', 'password', 'true'],
    ['a type description', '--prices.password', '(a string)'],
    ['a Secret object named by the issue', 'env.API_TOKEN', 'billing/db'],
    ['the name of a key (a field named key)', 'secretKeyRef.key', 'user'],
    ['a config key (an entry of a map of keys)', 'configKeys.password', 'consumer:dbPassword'],
    ['the key at fault itself', 'data.DB PASSWORD', 'DB PASSWORD'],
    ['a field whose name describes the secret', 'passwordMinLength', '12'],
    ['a field that names no secret', 'replicas', 'three'],
  ])('the valid neighbour: %s is shown', (_what, field, value) => {
    expect(one(field, value).issues[0].value).toBe(value);
  });
});

describe('issue values are plain JSON data: JSON.stringify(err.issues) never throws in the caller', () => {
  test.each([
    ['a BigInt', 2n, '2n'],
    ['a function', () => 1, '<function>'],
    ['a symbol', Symbol('s'), '<symbol>'],
    ['NaN', NaN, 'NaN'],
    ['a nested BigInt', { a: [1n] }, { a: ['1n'] }],
  ])('%s', (_what, value, stored) => {
    const err = new BlueprintError({ code: 'X', path: '', field: 'f', value, message: 'm', fix: 'f' });
    expect(err.issues[0].value).toEqual(stored);
    expect(() => JSON.stringify(err.issues)).not.toThrow();
  });

  test('a cyclic value', () => {
    const v: Record<string, unknown> = { a: 1 };
    v.self = v;
    const err = new BlueprintError({ code: 'X', path: '', field: 'f', value: v, message: 'm', fix: 'f' });
    expect(err.issues[0].value).toEqual({ a: 1, self: '<cycle>' });
  });

  test('a BigInt prop reaches the caller as JSON-safe issues', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new WebService(chart, 'web', { namespace: 'team', ...WEB, replicas: 2n } as never));
    expect(err.issues[0]).toMatchObject({ code: 'PROPS_INVALID', field: 'replicas', value: '2n' });
    expect(() => JSON.stringify(err.issues)).not.toThrow();
  });

  test('the valid neighbour: plain values are kept as they are', () => {
    const value = { a: [1, 'x', true, null] };
    expect(new BlueprintError({ code: 'X', path: '', field: 'f', value, message: 'm', fix: 'f' }).issues[0].value).toEqual(value);
  });
});

describe('Problems', () => {
  test('collects all failures of a construct, paths them, and throws once', () => {
    const { chart } = testChart();
    const scope = new Construct(chart, 'thing');
    const p = new Problems(scope, 'Thing');
    expect(p.check(true, { code: 'ONE', field: 'a', message: 'm', fix: 'f' })).toBe(false);
    expect(p.check(false, { code: 'NEVER', field: 'b', message: 'm', fix: 'f' })).toBe(true);
    p.attempt('c', () => {
      throw new BlueprintError({ code: 'TWO', path: '', field: 'inner', message: 'm', fix: 'f' });
    });
    expect(p.attempt('d', () => 42)).toBe(42);
    p.addAll(undefined, { code: 'THREE', field: 'e', message: 'm', fix: 'f' }, undefined);
    let thrown: BlueprintError | undefined;
    try {
      p.throwIfAny();
    } catch (e) {
      thrown = e as BlueprintError;
    }
    expect(thrown?.codes).toEqual(['ONE', 'TWO', 'THREE']);
    expect(thrown?.issues.map((i) => [i.path, i.construct, i.field])).toEqual([
      ['test/thing', 'Thing', 'a'],
      ['test/thing', 'Thing', 'c'],
      ['test/thing', 'Thing', 'e'],
    ]);
  });

  test('lets other errors escape (a bug is not a user error)', () => {
    const p = new Problems(undefined, 'Thing');
    expect(() =>
      p.attempt('x', () => {
        throw new TypeError('boom');
      }),
    ).toThrow(TypeError);
    expect(p.empty).toBe(true);
    expect(() => p.throwIfAny()).not.toThrow();
  });
});

describe('every issue carries value', () => {
  test('an issue given without one gets it, explicitly undefined', () => {
    const err = new BlueprintError({ code: 'X_INVALID', path: '', field: 'f', message: 'is wrong', fix: 'fix it' });
    expect('value' in err.issues[0]).toBe(true);
    expect(err.issues[0].value).toBeUndefined();
  });

  test('a missing namespace says so with value undefined', () => {
    const { chart } = testChart();
    const issue = expectCode(() => new WebService(chart, 'w', { ...WEB } as any), 'NAME_INVALID');
    expect(issue).toHaveProperty('value', undefined);
    expect(issue.field).toBe('namespace');
  });
});
