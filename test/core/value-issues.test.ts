import { INT64_MAX_SAFE, absolutePathIssue, firstIndices, integerIssue, repeatIssues } from '../../constructs/core/value-issues';

describe('integerIssue', () => {
  test.each([0, 1, 1000])('admits %p in [0, 1000]', (v) => {
    expect(integerIssue('X_INVALID', 'n', v, { min: 0, max: 1000 }, 'fix')).toBeUndefined();
  });

  test('admits an unset value: the prop keeps its default', () => {
    expect(integerIssue('X_INVALID', 'n', undefined, { min: 1 }, 'fix')).toBeUndefined();
  });

  test.each([-1, 1001, 1.5, NaN, Infinity, 2 ** 53])('refuses %p, naming the range', (v) => {
    expect(integerIssue('X_INVALID', 'n', v, { min: 0, max: 1000 }, 'use 3')).toEqual({
      code: 'X_INVALID',
      field: 'n',
      value: v,
      message: 'must be an integer from 0 to 1000',
      fix: 'use 3',
    });
  });

  test('without a maximum, the int32 bound of most API fields applies', () => {
    expect(integerIssue('X_INVALID', 'n', 2 ** 31 - 1, { min: 1 }, 'fix')).toBeUndefined();
    expect(integerIssue('X_INVALID', 'n', 2 ** 31, { min: 1 }, 'fix')?.message).toBe(
      'must be an integer from 1 to 2147483647 (the API field is int32)',
    );
    expect(integerIssue('X_INVALID', 'n', 0, { min: 1 }, 'fix')?.message).toBe(
      'must be an integer from 1 to 2147483647 (the API field is int32)',
    );
  });

  test('an int64 field passes INT64_MAX_SAFE: every exact integer is one', () => {
    expect(integerIssue('X_INVALID', 'n', 2 ** 31, { min: 0, max: INT64_MAX_SAFE }, 'fix')).toBeUndefined();
    expect(integerIssue('X_INVALID', 'n', 2 ** 53, { min: 0, max: INT64_MAX_SAFE }, 'fix')?.code).toBe('X_INVALID');
  });
});

describe('absolutePathIssue', () => {
  test('admits an absolute path', () => {
    expect(absolutePathIssue('X_INVALID', 'p', '/var/log', '/data')).toBeUndefined();
  });

  test.each(['var/log', '', undefined, 42])('refuses %p, with the example as the fix', (v) => {
    expect(absolutePathIssue('X_INVALID', 'p', v, '/data')).toEqual({
      code: 'X_INVALID',
      field: 'p',
      value: v,
      message: 'must be an absolute path',
      fix: "use e.g. '/data'",
    });
  });
});

describe('firstIndices and repeatIssues', () => {
  const issue = { code: 'X_INVALID', message: 'is listed twice', fix: 'list it once' };

  test('each item points at its first equal; NaN is its own first', () => {
    expect(firstIndices(['a', 'b', 'a', NaN, NaN, 'b'])).toEqual([0, 1, 0, 3, 4, 1]);
  });

  test('an issue at each repeat, with its field and value; none for a list without repeats', () => {
    expect(repeatIssues(['a', 'b', 'a', 'a'], 'zones', issue)).toEqual([
      { ...issue, field: 'zones[2]', value: 'a' },
      { ...issue, field: 'zones[3]', value: 'a' },
    ]);
    expect(repeatIssues(['x', 'x'], (i) => (i === 0 ? 'host' : `hosts[${i - 1}]`), issue)).toEqual([
      { ...issue, field: 'hosts[0]', value: 'x' },
    ]);
    expect(repeatIssues(['a', 'b'], 'zones', issue)).toEqual([]);
  });

  test('200,000 repeats of one item: an issue for each but the first', () => {
    expect(repeatIssues(new Array<string>(200_000).fill('z'), 'zones', issue)).toHaveLength(199_999);
  });
});
