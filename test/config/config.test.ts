import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigMap, SecretRef } from '../../constructs';
import { expectCode, find, renderChart, testChart } from '../helpers';

describe('ConfigMap', () => {
  test('from literals and from files read at synth time (the nginx reverseproxy.conf case)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-cm-'));
    fs.writeFileSync(path.join(dir, 'reverseproxy.conf'), 'server { listen 8080; location / { proxy_pass http://127.0.0.1:3000; } }\n');
    const { chart } = testChart();
    const cm = new ConfigMap(chart, 'nginx-config', {
      namespace: 'web',
      data: { LOG_LEVEL: 'info' },
      files: { 'reverseproxy.conf': ConfigMap.file('reverseproxy.conf', { root: dir }) },
    });
    const obj = find(renderChart(chart), 'ConfigMap', 'nginx-config');
    expect(obj.data['reverseproxy.conf']).toContain('proxy_pass');
    expect(obj.data.LOG_LEVEL).toBe('info');
    expect(cm.contentHash).toMatch(/^[0-9a-f]{16}$/);
  });

  test('the content hash depends on content only', () => {
    const { chart } = testChart();
    const a = new ConfigMap(chart, 'a', { namespace: 'n', data: { x: '1', y: '2' } });
    const b = new ConfigMap(chart, 'b', { namespace: 'n', data: { y: '2', x: '1' } });
    const c = new ConfigMap(chart, 'c', { namespace: 'n', data: { x: '1', y: '3' } });
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).not.toBe(c.contentHash);
  });

  test('CONFIG_KEY_DUPLICATE, CONFIG_FILE_UNREADABLE, CONFIG_KEY_INVALID', () => {
    const { chart } = testChart();
    expectCode(() => new ConfigMap(chart, 'a', { namespace: 'n', data: { x: '1' }, files: { x: '2' } }), 'CONFIG_KEY_DUPLICATE');
    expectCode(
      () => new ConfigMap(chart, 'b', { namespace: 'n', files: { f: ConfigMap.file('/no/such/file.conf') } }),
      'CONFIG_FILE_UNREADABLE',
    );
    expectCode(() => new ConfigMap(chart, 'c', { namespace: 'n', data: { 'bad key': '1' } }), 'CONFIG_KEY_INVALID');
    // IsConfigMapKey (hasChDirPrefix): mounted as files, these would step out of the directory.
    let n = 0;
    for (const key of ['.', '..', '..data', 'k'.repeat(254)]) {
      expect(expectCode(() => new ConfigMap(chart, `d${n++}`, { namespace: 'n', data: { [key]: '1' } }), 'CONFIG_KEY_INVALID').field).toBe(
        `data.${key}`,
      );
      expect(expectCode(() => new ConfigMap(chart, `d${n++}`, { namespace: 'n', files: { [key]: '1' } }), 'CONFIG_KEY_INVALID').field).toBe(
        `files.${key}`,
      );
    }
    expect(
      () => new ConfigMap(chart, 'ok', { namespace: 'n', data: { '.env': '1', 'a..b': '2' }, files: { 'k8s..yaml': '' } }),
    ).not.toThrow();
  });
});

describe('SecretRef', () => {
  test('names a Secret managed elsewhere; invalid names are NAME_INVALID', () => {
    expect(SecretRef.fromName('db-credentials').name).toBe('db-credentials');
    expectCode(() => SecretRef.fromName('Not Valid'), 'NAME_INVALID');
  });
});
