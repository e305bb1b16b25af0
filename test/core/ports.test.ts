import { isPortName, isPortNumber, portNumOrNameIssue } from '../../constructs';

describe('port rules (apimachinery IsValidPortName / IsValidPortNum)', () => {
  test.each(['http', 'a', 'h2c', 'web-1', 'x1-2-3', 'a'.repeat(15), '8080a'])('port name %p is valid', (name) => {
    expect(isPortName(name)).toBe(true);
  });

  test.each(['', 'a--b', '-http', 'http-', 'HTTP', 'http_2', '8080', 'a'.repeat(16), 'h.t'])('port name %p is refused', (name) => {
    expect(isPortName(name)).toBe(false);
  });

  test('port numbers are integers 1–65535', () => {
    for (const ok of [1, 80, 65535]) expect(isPortNumber(ok)).toBe(true);
    for (const bad of [0, -1, 65536, 70000, 80.5, NaN, '80']) expect(isPortNumber(bad)).toBe(false);
  });

  test('a port by number or name is judged by the rule of its kind', () => {
    expect(portNumOrNameIssue('PROBE_INVALID', 'p', 8080)).toBeUndefined();
    expect(portNumOrNameIssue('PROBE_INVALID', 'p', 'http')).toBeUndefined();
    expect(portNumOrNameIssue('PROBE_INVALID', 'p', 0)).toMatchObject({ code: 'PROBE_INVALID', field: 'p', value: 0 });
    expect(portNumOrNameIssue('PROBE_INVALID', 'p', 'a--b')).toMatchObject({ code: 'PROBE_INVALID', field: 'p', value: 'a--b' });
  });
});
