import { runRules } from '../../constructs';

describe('LIMITRANGE_RATIO on YAML: ValidateLimitRange on maxLimitRequestRatio', () => {
  const limitRange = (item: Record<string, unknown>) => ({
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'l', namespace: 'n' },
    spec: { limits: [{ type: 'Container', ...item }] },
  });
  const found = (item: Record<string, unknown>) =>
    runRules([limitRange(item)])
      .filter((f) => f.rule === 'LIMITRANGE_RATIO')
      .map((f) => [f.pointer, f.message]);

  test('above max/min, below 1, any resource (a key with a slash escaped in the pointer)', () => {
    expect(found({ min: { cpu: '100m' }, max: { cpu: '200m' }, maxLimitRequestRatio: { cpu: '3' } })).toEqual([
      ['/spec/limits/0/maxLimitRequestRatio/cpu', 'ratio 3 of cpu is greater than max/min = 2.000000 (200m / 100m)'],
    ]);
    expect(found({ min: { memory: '512Mi' }, max: { memory: '2Gi' }, maxLimitRequestRatio: { memory: 10 } })[0][1]).toContain(
      'max/min = 4.000000',
    );
    expect(
      found({ min: { 'example.com/x': '1' }, max: { 'example.com/x': '2' }, maxLimitRequestRatio: { 'example.com/x': '3' } })[0][0],
    ).toBe('/spec/limits/0/maxLimitRequestRatio/example.com~1x');
    expect(found({ maxLimitRequestRatio: { cpu: '500m' } })[0][1]).toContain('less than 1');
  });

  test('at max/min, without min or max, a zero min, milli-values rounded up, and unparsable input (the schema check reports it) pass', () => {
    expect(found({ min: { cpu: '100m' }, max: { cpu: '200m' }, maxLimitRequestRatio: { cpu: '2' } })).toEqual([]);
    expect(found({ max: { cpu: '200m' }, maxLimitRequestRatio: { cpu: '30' } })).toEqual([]);
    expect(found({ min: { cpu: '0' }, max: { cpu: '200m' }, maxLimitRequestRatio: { cpu: '30' } })).toEqual([]);
    expect(found({ min: { cpu: '1m' }, max: { cpu: '1500u' }, maxLimitRequestRatio: { cpu: '2' } })).toEqual([]);
    expect(found({ min: { cpu: 'x' }, max: { cpu: '200m' }, maxLimitRequestRatio: { cpu: 'y' } })).toEqual([]);
  });
});
