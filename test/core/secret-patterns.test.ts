import { credentialIn } from '../../constructs/core/secret-patterns';

/*
 * Canaries are assembled at run time so that this file itself never holds a
 * string that secret scanners (ours or a forge's) would flag.
 */
const j = (...parts: string[]) => parts.join('');
export const CANARIES: readonly string[] = [
  j('AKIA', 'Z7CANARY0EXAMPLE'),
  j('ghp', '_', 'A'.repeat(36)),
  j('github', '_pat_', 'B'.repeat(40)),
  j('xox', 'b-', '1234567890-abcdefghij'),
  j('eyJhbGciOiJIUzI1NiJ9', '.', 'eyJzdWIiOiJjYW5hcnkifQ', '.', 'c2lnbmF0dXJlX2NhbmFyeQ'),
  j('-----BEGIN RSA ', 'PRIVATE KEY-----\nMIIcanary\n-----END RSA PRIVATE KEY-----'),
  j('postgres://app:', 'Hunter2canary', '@db:5432/app'),
  j('--password=', 'Hunter2canary'),
  j('/healthz?token=', 'c4n4ryt0k3n'),
  j('api_key: ', 'c4n4ryk3y9'),
  j('glpat-', 'C'.repeat(20)),
  j('sk_live_', 'D'.repeat(24)),
];

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
