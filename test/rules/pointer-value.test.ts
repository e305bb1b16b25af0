import { pointedValue, valueAtPointer } from '../../constructs/rules/pointer-value';

describe('valueAtPointer', () => {
  const object = {
    kind: 'ConfigMap',
    metadata: { labels: { 'app.kubernetes.io/name': 'web', 'a~b': 'x' } },
    spec: { ports: [{ port: 80 }] },
  };

  test.each<[string, unknown]>([
    ['', object],
    ['/spec/ports/0/port', 80],
    ['/metadata/labels/app.kubernetes.io~1name', 'web'],
    ['/metadata/labels/a~0b', 'x'],
    ['/spec/missing', undefined],
    ['/spec/ports/7', undefined],
    ['/kind/length', undefined],
  ])('%p', (pointer, expected) => {
    expect(valueAtPointer(object, pointer)).toEqual(expected);
  });

  test("a Secret's data values are hidden, its keys kept", () => {
    const secret = { kind: 'Secret', metadata: { name: 's' }, data: { a: 'c2VjcmV0' }, stringData: { b: 'secret' } };
    expect(valueAtPointer(secret, '/data/a')).toBe('<redacted>');
    expect(valueAtPointer(secret, '/stringData')).toEqual({ b: '<redacted>' });
    expect(valueAtPointer(secret, '')).toEqual({
      kind: 'Secret',
      metadata: { name: 's' },
      data: { a: '<redacted>' },
      stringData: { b: '<redacted>' },
    });
    expect(valueAtPointer(secret, '/metadata/name')).toBe('s');
  });
});

describe('pointedValue', () => {
  test('the value where there is one; nothing for the whole object or a missing field', () => {
    const object = { spec: { replicas: 0 } };
    expect(pointedValue(object, '/spec/replicas')).toEqual({ value: 0 });
    expect(pointedValue(object, '')).toBeUndefined();
    expect(pointedValue(object, '/livenessProbe')).toBeUndefined();
  });
});
