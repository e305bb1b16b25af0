import { keyField } from '../../constructs/core/field-path';

describe('keyField', () => {
  test.each([
    ['env', 'DB_HOST', 'env.DB_HOST'],
    ['configKeys', '.dockerconfigjson', 'configKeys[".dockerconfigjson"]'],
    ['nodeSelector', 'kubernetes.io/arch', 'nodeSelector["kubernetes.io/arch"]'],
    ['env', '1A', 'env["1A"]'],
    ['data', 'say "hi"', 'data["say \\"hi\\""]'],
    ['', 'replicas', 'replicas'],
    ['', 'app.conf', 'app.conf'],
  ])('%s + %s → %s', (field, key, expected) => {
    expect(keyField(field, key)).toBe(expected);
  });
});
