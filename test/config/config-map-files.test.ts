import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigMap } from '../../constructs';
import { CANARIES } from '../core/secret-canaries';
import { catchBlueprintError, expectCode, find, renderChart, teamChart, testChart } from '../helpers';

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-cmf-'));
  fs.writeFileSync(path.join(dir, 'app.conf'), 'listen 8080\n');
  return dir;
}
const make = (files: Record<string, unknown>, root?: string) => () => {
  const { chart } = testChart();
  const wrapped = Object.fromEntries(
    Object.entries(files).map(([k, v]) => [k, typeof v === 'string' && root ? ConfigMap.file(v, { root }) : v]),
  );
  return new ConfigMap(chart, 'cm', { namespace: 'n', files: wrapped as never });
};

describe('ConfigMap.file reads only regular files inside the project', () => {
  test('a file inside the root is read', () => {
    const root = project();
    expect(make({ 'app.conf': 'app.conf' }, root)().data['app.conf']).toBe('listen 8080\n');
  });

  test.each(['/proc/self/environ', '/dev/zero', '/etc/hostname', '../outside.conf'])('%s is refused', (file) => {
    const root = project();
    fs.writeFileSync(path.join(root, '..', 'outside.conf'), 'x');
    expectCode(make({ f: file }, root), 'CONFIG_FILE_UNREADABLE');
  });

  test('the default root is the working directory', () => {
    const { chart } = testChart();
    expectCode(
      () => new ConfigMap(chart, 'cm', { namespace: 'n', files: { f: ConfigMap.file('/etc/hostname') } }),
      'CONFIG_FILE_UNREADABLE',
    );
  });

  test('a symlink leading out of the root, and a FIFO, are refused without blocking', () => {
    const root = project();
    fs.symlinkSync('/proc/self/environ', path.join(root, 'env.conf'));
    fs.symlinkSync('/dev/zero', path.join(root, 'zero.conf'));
    execFileSync('mkfifo', [path.join(root, 'pipe.conf')]);
    fs.mkdirSync(path.join(root, 'dir.conf'));
    for (const f of ['env.conf', 'zero.conf', 'pipe.conf', 'dir.conf']) expectCode(make({ f }, root), 'CONFIG_FILE_UNREADABLE');
  });

  test('CONFIG_TOO_LARGE: a file or the whole ConfigMap over 1 MiB', () => {
    const root = project();
    fs.writeFileSync(path.join(root, 'big.conf'), Buffer.alloc(1024 * 1024 + 1, 'a'));
    expectCode(make({ f: 'big.conf' }, root), 'CONFIG_FILE_UNREADABLE');
    const half = 'a'.repeat(600 * 1024);
    const { chart } = testChart();
    expectCode(() => new ConfigMap(chart, 'cm', { namespace: 'n', data: { a: half, b: half } }), 'CONFIG_TOO_LARGE');
  });
});

describe('ConfigMap input', () => {
  test('SECRET_IN_OUTPUT: credentials in data or files are refused, and never echoed', () => {
    for (const canary of CANARIES) {
      const { chart } = testChart();
      const issue = expectCode(
        () => new ConfigMap(chart, 'cm', { namespace: 'n', data: { 'app.conf': `x ${canary} y` } }),
        'SECRET_IN_OUTPUT',
      );
      expect(JSON.stringify(issue)).not.toContain(canary);
      expect(issue.fix).toContain('SecretRef');
    }
    // A file's credential is reported at the file's key, as its other issues are.
    const { chart } = testChart();
    const inFile = expectCode(
      () => new ConfigMap(chart, 'cm', { namespace: 'n', files: { 'app.conf': `x ${CANARIES[0]} y` } }),
      'SECRET_IN_OUTPUT',
    );
    expect(inFile.field).toBe('files.app.conf');
  });

  test('CONFIG_VALUE_INVALID and PROPS_INVALID for untyped callers', () => {
    const { chart } = testChart();
    expectCode(() => new ConfigMap(chart, 'a', { namespace: 'n', data: { port: 8080 as never } }), 'CONFIG_VALUE_INVALID');
    expectCode(() => new ConfigMap(chart, 'b', { namespace: 'n', files: { f: 5 as never } }), 'CONFIG_VALUE_INVALID');
    expectCode(() => new ConfigMap(chart, 'c', null as never), 'PROPS_INVALID');
    expectCode(() => new ConfigMap(chart, 'd', { namespace: 'n', data: [] as never }), 'PROPS_INVALID');
  });

  test('the namespace may be a TeamNamespace, as for the other constructs', () => {
    const { chart, team } = teamChart();
    const cm = new ConfigMap(chart, 'conf', { namespace: team, data: { 'app.conf': 'x=1' } });
    expect(cm.namespace).toBe(team.name);
    expect(find(renderChart(chart), 'ConfigMap', 'conf').metadata.namespace).toBe(team.name);
    expectCode(() => new ConfigMap(chart, 'bad', { namespace: 42 } as never), 'PROPS_INVALID');
  });

  test("the namespace is a DNS-1123 label; '__proto__' and 'constructor' keys, which the output cannot carry, are refused", () => {
    const { chart } = testChart();
    expectCode(() => new ConfigMap(chart, 'a', { namespace: 'Not Valid' }), 'NAME_INVALID');
    // Rendered, '__proto__' vanished from the YAML and 'constructor' broke cdk8s' resolver (CDK8S_VALIDATION).
    const err = catchBlueprintError(
      () => new ConfigMap(chart, 'b', { namespace: 'n', data: JSON.parse('{"__proto__": "x", "constructor": "y"}') }),
    );
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([
      ['PROPS_INVALID', 'data.__proto__'],
      ['PROPS_INVALID', 'data.constructor'],
    ]);
    // Other names of Object.prototype are plain keys, rendered as given.
    const cm = new ConfigMap(chart, 'c', { namespace: 'n', data: { toString: 'x', hasOwnProperty: 'y' } });
    expect(find(renderChart(chart), 'ConfigMap', 'c').data).toEqual({ hasOwnProperty: 'y', toString: 'x' });
    expect(Object.keys(cm.data).sort()).toEqual(['hasOwnProperty', 'toString']);
  });
});
