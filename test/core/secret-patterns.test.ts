import { credentialIn } from '../../constructs/core/secret-patterns';
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
