import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigMap, Volume, WebService, stringifyManifests } from '../../constructs';
import { configMapFileKeys } from '../../constructs/config/config-map';
import { yamlTextProblem } from '../properties/yaml-text';
import { WEB, expectCode, find, render, renderChart, teamChart, testChart } from '../helpers';

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

describe('ConfigMap.file of a file that is not UTF-8 (kubectl create configmap --from-file: binaryData)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-cm-bin-'));
  const latin1 = Buffer.from('caf\xe9=ol\xe9\n', 'latin1');
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]);
  fs.writeFileSync(path.join(dir, 'menu.conf'), latin1);
  fs.writeFileSync(path.join(dir, 'logo.png'), png);
  fs.writeFileSync(path.join(dir, 'motd.json'), '{"motd":"first\u2028second"}\n');

  test('goes to binaryData, base64, byte for byte, under its key; UTF-8 files stay data; the volume mounts every key', () => {
    const { app, chart, team } = teamChart();
    const cm = new ConfigMap(chart, 'cm', {
      namespace: team,
      data: { mode: 'a\u0085b' },
      files: {
        'menu.conf': ConfigMap.file('menu.conf', { root: dir }),
        'logo.png': ConfigMap.file('logo.png', { root: dir }),
        'motd.json': ConfigMap.file('motd.json', { root: dir }),
      },
    });
    new WebService(chart, 'web', { namespace: team, ...WEB, mounts: [{ volume: Volume.fromConfigMap(cm), path: '/etc/app' }] });
    const objects = render(app);
    const obj = find(objects, 'ConfigMap', 'cm');
    expect(Buffer.from(obj.binaryData['menu.conf'], 'base64').equals(latin1)).toBe(true);
    expect(Buffer.from(obj.binaryData['logo.png'], 'base64').equals(png)).toBe(true);
    expect(Object.keys(obj.data).sort()).toEqual(['mode', 'motd.json']);
    expect(obj.data['motd.json']).toBe('{"motd":"first\u2028second"}\n');
    expect(configMapFileKeys(cm).sort()).toEqual(['logo.png', 'menu.conf', 'mode', 'motd.json']);
    const pod = find(objects, 'Deployment', 'web').spec.template.spec;
    expect(pod.volumes).toContainEqual(expect.objectContaining({ configMap: { name: 'cm' } }));
    // The written file reads back to the same bytes, and go-yaml takes it.
    expect(yamlTextProblem(stringifyManifests([obj]), [obj])).toBeUndefined();
  });

  test.each([
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0080b'],
    ['CSI', 'a\u009bb'],
    ['U+FFFE', 'a\ufffeb'],
    ['U+FFFF', 'a\uffffb'],
  ])('UTF-8 text holding %s (kustomize cannot carry it) goes to binaryData, from a file or inline in files', (_, content) => {
    fs.writeFileSync(path.join(dir, 'ctl.txt'), content);
    const { app, chart, team } = teamChart();
    new ConfigMap(chart, 'cm', { namespace: team, files: { 'ctl.txt': ConfigMap.file('ctl.txt', { root: dir }), inline: content } });
    const obj = find(render(app), 'ConfigMap', 'cm');
    expect(obj.data).toEqual({});
    expect(Buffer.from(obj.binaryData['ctl.txt'], 'base64').toString('utf8')).toBe(content);
    expect(Buffer.from(obj.binaryData.inline, 'base64').toString('utf8')).toBe(content);
  });

  test.each([
    ['DEL', 'a\u007fb', 'U+007F'],
    ['a C1 control', 'a\u0084b', 'U+0084'],
    ['U+FFFF', 'a\uffffb', 'U+FFFF'],
  ])('a data literal holding %s is CONFIG_VALUE_INVALID, pointing to files/binaryData', (_, value, shown) => {
    const { chart, team } = teamChart();
    const issue = expectCode(() => new ConfigMap(chart, 'cm', { namespace: team, data: { mode: value } }), 'CONFIG_VALUE_INVALID');
    expect([issue.field, issue.value]).toEqual(['data.mode', shown]);
    expect(issue.message).toContain('kustomize');
    expect(issue.fix).toMatch(/ConfigMap\.file.*binaryData/);
  });

  test('text kustomize carries stays data: C0 controls (Go escapes them), NEL, U+2028, U+FEFF, U+FFFD', () => {
    const content = 'a\u0000\u001b\t\r\n\u0085\u2028\ufeff\ufffd\u00a0b';
    fs.writeFileSync(path.join(dir, 'ok.txt'), content);
    const { app, chart, team } = teamChart();
    new ConfigMap(chart, 'cm', { namespace: team, data: { lit: content }, files: { 'ok.txt': ConfigMap.file('ok.txt', { root: dir }) } });
    const obj = find(render(app), 'ConfigMap', 'cm');
    expect(obj.data).toEqual({ lit: content, 'ok.txt': content });
    expect(obj.binaryData).toBeUndefined();
  });

  test('a subPath may name a binary key (it is a file of the volume); a key the ConfigMap lacks is still refused', () => {
    const { chart, team } = teamChart();
    const cm = new ConfigMap(chart, 'cm', { namespace: team, files: { 'logo.png': ConfigMap.file('logo.png', { root: dir }) } });
    const mount = (subPath: string) => [{ volume: Volume.fromConfigMap(cm), path: '/srv/logo.png', subPath }];
    expect(() => new WebService(chart, 'ok', { namespace: team, ...WEB, mounts: mount('logo.png') })).not.toThrow();
    expect(
      expectCode(() => new WebService(chart, 'bad', { namespace: team, ...WEB, mounts: mount('logo.svg') }), 'CONFIG_KEY_UNDECLARED')
        .message,
    ).toMatch(/logo\.png/);
  });

  test('the content hash follows binary content too', () => {
    const { chart } = testChart();
    const a = new ConfigMap(chart, 'a', { namespace: 'n', files: { f: ConfigMap.file('logo.png', { root: dir }) } });
    fs.writeFileSync(path.join(dir, 'logo2.png'), Buffer.from([0x89, 0x00, 0xff]));
    const b = new ConfigMap(chart, 'b', { namespace: 'n', files: { f: ConfigMap.file('logo2.png', { root: dir }) } });
    const c = new ConfigMap(chart, 'c', { namespace: 'n', data: { f: png.toString('base64') } });
    expect(new Set([a.contentHash, b.contentHash, c.contentHash]).size).toBe(3);
  });

  test('CONFIG_TOO_LARGE counts binary bytes and text values, not keys (ValidateConfigMap)', () => {
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(600 * 1024, 0xff));
    const { chart } = testChart();
    expectCode(
      () =>
        new ConfigMap(chart, 'a', {
          namespace: 'n',
          data: { text: 'x'.repeat(500 * 1024) },
          files: { 'big.bin': ConfigMap.file('big.bin', { root: dir }) },
        }),
      'CONFIG_TOO_LARGE',
    );
    // Exactly 1 MiB of values with long keys is what the API server accepts.
    expect(
      () =>
        new ConfigMap(chart, 'b', {
          namespace: 'n',
          data: { ['k'.repeat(200)]: 'x'.repeat(512 * 1024), ['j'.repeat(200)]: 'x'.repeat(512 * 1024) },
        }),
    ).not.toThrow();
  });
});

describe('CONFIG_VALUE_INVALID: a lone surrogate, which no YAML file can carry', () => {
  test.each([
    ['data', { data: { k: 'a\ud800b' } }, 'data.k'],
    ['files', { files: { 'app.conf': 'x\udfff' } }, 'files["app.conf"]'],
  ])('in %s', (_, props, field) => {
    const { chart } = testChart();
    const e = expectCode(() => new ConfigMap(chart, 'cm', { namespace: 'n', ...props }), 'CONFIG_VALUE_INVALID');
    expect(e.field).toBe(field);
  });

  test('a surrogate pair (one character beyond U+FFFF) is text like any other', () => {
    const { chart } = testChart();
    expect(new ConfigMap(chart, 'cm', { namespace: 'n', data: { k: '\ud83d\ude42' } }).data.k).toBe('🙂');
  });
});
