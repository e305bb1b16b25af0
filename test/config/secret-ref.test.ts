import { SecretRef } from '../../constructs';
import { expectCode } from '../helpers';

describe('SecretRef', () => {
  test('names a Secret managed elsewhere; invalid names are NAME_INVALID', () => {
    expect(SecretRef.fromName('db-credentials').name).toBe('db-credentials');
    expectCode(() => SecretRef.fromName('Not Valid'), 'NAME_INVALID');
  });
});
