import * as fc from 'fast-check';
import { BlueprintError, Cpu, Memory, Quantity, Storage } from '../../constructs';
import { expectCode } from '../helpers';

describe('Cpu', () => {
  test.each([
    ['200m', '200m', 200],
    ['0.5', '500m', 500],
    ['2', '2', 2000],
    ['1e3', '1000', 1_000_000],
    ['1500m', '1500m', 1500],
    ['0.1', '100m', 100],
    ['+1', '1', 1000],
    ['1n', '1n', 1],
  ])('parses %s as %s', (input, canonical, millis) => {
    const cpu = Cpu.parse(input);
    expect(cpu.toString()).toBe(canonical);
    expect(cpu.millicores).toBe(millis);
  });

  test('accepts numbers', () => {
    expect(Cpu.parse(0.25).toString()).toBe('250m');
    expect(Cpu.cores(3).toString()).toBe('3');
    expect(Cpu.millis(150).toString()).toBe('150m');
  });

  test('0.1 + 0.2 is exactly 300m (no float drift)', () => {
    expect(Cpu.parse('0.1').plus(Cpu.parse('0.2')).toString()).toBe('300m');
    expect(Cpu.parse('0.1').plus(Cpu.parse('0.2')).equals(Cpu.parse('300m'))).toBe(true);
  });

  test('multiplies by integers and compares', () => {
    expect(Cpu.parse('250m').times(4).toString()).toBe('1');
    expect(Cpu.parse('1').gt(Cpu.parse('999m'))).toBe(true);
    expect(Cpu.parse('1').compare(Cpu.parse('1000m'))).toBe(0);
    expect(Cpu.parse('100m').lt(Cpu.parse('0.2'))).toBe(true);
    expect(Cpu.parse('300m').ratioTo(Cpu.parse('200m'))).toBeCloseTo(1.5);
    expect(() => Cpu.parse('1').times(1.5)).toThrow(BlueprintError);
  });

  test.each(['abc', '-1', '1.5.3Gi', '', '1Xi', 'm', '1e', '1e99', '0.0000000001'])('rejects %p with QUANTITY_INVALID', (input) => {
    const issue = expectCode(() => Cpu.parse(input, { field: 'resources.cpu' }), 'QUANTITY_INVALID');
    expect(issue.field).toBe('resources.cpu');
    expect(issue.value).toBe(input);
  });

  test.each(['500Mi', '1Gi', '2Ki'])('rejects the byte suffix in CPU %p', (input) => {
    const issue = expectCode(() => Cpu.parse(input, { field: 'resources.cpu' }), 'QUANTITY_INVALID');
    expect(issue.message).toMatch(/byte suffix/);
    expect(issue.fix).toMatch(/200m/);
  });

  test.each([NaN, Infinity, -0.5, null, undefined, {}])('rejects non-quantity %p', (input) => {
    expectCode(() => Cpu.parse(input), 'QUANTITY_INVALID');
  });
});

describe('Memory and Storage', () => {
  test.each([
    ['512Mi', '512Mi', 512n * 1024n * 1024n],
    ['1.5Gi', '1536Mi', 1536n * 1024n * 1024n],
    ['1G', '1G', 1_000_000_000n],
    ['1e3', '1k', 1000n],
    ['100Ki', '100Ki', 102400n],
    ['1024Mi', '1Gi', 1n << 30n],
    ['0', '0', 0n],
    ['123', '123', 123n],
  ])('parses %s as %s', (input, canonical, bytes) => {
    const m = Memory.parse(input);
    expect(m.toString()).toBe(canonical);
    expect(m.bytes).toBe(bytes);
  });

  test('rejects a non-zero amount under one byte (a unit mistake: 1m is a millibyte)', () => {
    for (const q of ['0.5', '1m', '500m', '1e-3', '2u', '0.0001Ki'])
      expect(expectCode(() => Memory.parse(q, { field: 'memory' }), 'QUANTITY_INVALID')).toMatchObject({ field: 'memory', value: q });
    expectCode(() => Storage.parse('0.5'), 'QUANTITY_INVALID');
    expect(Memory.parse('0m').isZero).toBe(true);
  });

  test.each([
    // The API server accepts these and stores the exact value; a decimal on Gi is a fraction of a byte unless it is .5, .25…
    ['1.2Gi', '1288490188800m', 1288490189n],
    ['0.1Gi', '107374182400m', 107374183n],
    ['1.001Ki', '1025024m', 1026n],
    ['0.0000001Gi', '107374182400n', 108n],
    ['1.5', '1500m', 2n],
  ])(
    'accepts %s, a fraction of a byte (at least one byte in all), exactly as the API server canonicalizes it (%s)',
    (q, canonical, bytes) => {
      const m = Memory.parse(q);
      expect(m.toString()).toBe(canonical);
      expect(m.bytes).toBe(bytes); // rounded up, as Quantity.Value() is
      expect(Memory.parse(canonical).equals(m)).toBe(true);
      expect(Storage.parse(q).toString()).toBe(canonical);
    },
  );

  test('fractions of a byte add up exactly (ten 1.2Gi pods fill a 12Gi quota, not overflow it)', () => {
    expect(Memory.parse('1.2Gi').times(10).equals(Memory.parse('12Gi'))).toBe(true);
  });

  test('adds exactly across suffixes', () => {
    expect(Memory.parse('512Mi').plus(Memory.parse('0.5Gi')).toString()).toBe('1Gi');
    expect(Storage.parse('8Gi').times(3).toString()).toBe('24Gi');
    expect(Memory.parse('1G').plus(Memory.parse('100Mi')).gt(Memory.parse('1Gi'))).toBe(true);
  });

  test('of() passes instances through and parses strings', () => {
    const m = Memory.mebibytes(64);
    expect(Memory.of(m)).toBe(m);
    expect(Memory.of('64Mi').equals(m)).toBe(true);
    expect(Storage.gibibytes(2).toString()).toBe('2Gi');
    expect(Memory.gibibytes(1).toJSON()).toBe('1Gi');
  });
});

describe('the count factories (Cpu.millis, Memory.mebibytes, Memory.gibibytes, Storage.gibibytes) take a number only', () => {
  const revoked = () => {
    const p = Proxy.revocable({}, {});
    p.revoke();
    return p.proxy;
  };
  const factories: [string, (n: unknown) => unknown][] = [
    ['Cpu.millis', (n) => Cpu.millis(n as never)],
    ['Memory.mebibytes', (n) => Memory.mebibytes(n as never)],
    ['Memory.gibibytes', (n) => Memory.gibibytes(n as never)],
    ['Storage.gibibytes', (n) => Storage.gibibytes(n as never)],
  ];
  // A template literal made text of them: [2] was read as 2, a revoked Proxy or a Symbol threw a TypeError.
  test.each(factories)('%s: a list, a numeric string, a Symbol or a revoked Proxy is QUANTITY_INVALID', (_name, make) => {
    for (const n of [[2], '2', Symbol('s'), revoked()])
      expect(expectCode(() => make(n), 'QUANTITY_INVALID').message).toBe('must be a number');
  });

  test.each(factories)('%s: the valid neighbour, a number, is taken', (_name, make) => {
    expect(String(make(2))).toMatch(/^2(m|Mi|Gi)$/);
  });
});

describe('the arithmetic takes a quantity of its own class only (a JavaScript caller may pass anything)', () => {
  const methods = ['plus', 'compare', 'equals', 'lt', 'lte', 'gt', 'gte', 'ratioTo'] as const;
  test.each(methods)('PROPS_INVALID: Cpu.%s of a Memory, a Storage, a number, a string, null or undefined', (m) => {
    for (const other of [Memory.parse('1Gi'), Storage.parse('1Gi'), 5, '2', null, undefined]) {
      const issue = expectCode(() => (Cpu.parse('1')[m] as (o: unknown) => unknown)(other), 'PROPS_INVALID');
      expect([issue.construct, issue.field]).toEqual([`Cpu.${m}`, 'other']);
    }
  });
  test('Memory and Storage never mix, either way', () => {
    expectCode(() => Memory.parse('1Gi').plus(Storage.parse('1Gi') as never), 'PROPS_INVALID');
    expectCode(() => Storage.parse('1Gi').gt(Memory.parse('1Gi') as never), 'PROPS_INVALID');
    // The same unit still works.
    expect(Cpu.parse('1').plus(Cpu.parse('500m')).toString()).toBe('1500m');
    expect(Memory.parse('1Gi').ratioTo(Memory.parse('512Mi'))).toBe(2);
  });
});

describe('properties', () => {
  const SUFFIXES = ['', 'm', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi'];
  const cpuText = fc
    .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 999 }), fc.constantFrom('', 'm', 'k'))
    .map(([w, f, s]) => `${w}.${String(f).padStart(3, '0')}${s}`);
  const bytesText = fc
    .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(...SUFFIXES.filter((s) => s !== 'm')))
    .map(([n, s]) => `${n}${s}`);

  test('format then parse is the identity (CPU)', () => {
    fc.assert(
      fc.property(cpuText, (text) => {
        const q = Cpu.parse(text);
        expect(Cpu.parse(q.toString()).nanos).toBe(q.nanos);
        expect(Cpu.parse(q.toString()).toString()).toBe(q.toString());
      }),
    );
  });

  test('format then parse is the identity (bytes)', () => {
    fc.assert(
      fc.property(bytesText, (text) => {
        const q = Memory.parse(text);
        expect(Memory.parse(q.toString()).bytes).toBe(q.bytes);
      }),
    );
  });

  test('sums of millicores are exact', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 50 }), (millis) => {
        const sum = millis.reduce((acc, m) => acc.plus(Cpu.millis(m)), Cpu.ZERO);
        expect(sum.millicores).toBe(millis.reduce((a, b) => a + b, 0));
      }),
    );
  });

  test('times(n) equals n additions', () => {
    fc.assert(
      fc.property(bytesText, fc.integer({ min: 0, max: 50 }), (text, n) => {
        const q = Memory.parse(text);
        let sum = Memory.ZERO;
        for (let i = 0; i < n; i++) sum = sum.plus(q);
        expect(q.times(n).equals(sum)).toBe(true);
      }),
    );
  });

  test('compare is consistent with nanos', () => {
    fc.assert(
      fc.property(cpuText, cpuText, (a, b) => {
        const qa = Cpu.parse(a);
        const qb = Cpu.parse(b);
        expect(Math.sign(qa.compare(qb))).toBe(qa.nanos < qb.nanos ? -1 : qa.nanos > qb.nanos ? 1 : 0);
      }),
    );
  });

  test('garbage never parses: any string with characters outside the grammar fails with a BlueprintError', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(!/^\+?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE]?)$/.test(s.trim()));
        expect(() => Cpu.parse(s)).toThrow(BlueprintError);
      }),
    );
  });

  test('ratioExceeds is exact', () => {
    expect(Quantity.ratioExceeds(Cpu.parse('300m'), Cpu.parse('100m'), 3)).toBe(false);
    expect(Quantity.ratioExceeds(Cpu.parse('301m'), Cpu.parse('100m'), 3)).toBe(true);
  });
});
