import {
  ConfigMap,
  EnvValue,
  Hook,
  Probe,
  SecretBackend,
  SecretDeclaration,
  SecretRef,
  Volume,
  Worker,
  WebService,
  renderApp,
} from '../../constructs';
import { catchBlueprintError, expectCode, testChart } from '../helpers';

const image = 'ghcr.io/acme/app:1.0.0';
const resources = { limits: { cpu: '500m', memory: '256Mi' } };
const worker = (extra: object) => () => {
  const { app, chart } = testChart();
  new Worker(chart, 'w', { namespace: 'team', image, resources, ...extra });
  return renderApp(app);
};
const web = (extra: object) => () => {
  const { app, chart } = testChart();
  new WebService(chart, 'web', { namespace: 'team', image, ports: [{ name: 'http', port: 8080 }], ...extra });
  return renderApp(app);
};
const fields = (fn: () => unknown, code: string) =>
  catchBlueprintError(fn)
    .issues.filter((i) => i.code === code)
    .map((i) => i.field);

describe('environment variable names (ValidateEnv: IsEnvVarName)', () => {
  test('every bad name of the main container is NAME_INVALID, all in one error', () => {
    expect(fields(worker({ env: { '1FOO': 'x', 'A=B': 'y', '': 'z' } }), 'NAME_INVALID')).toEqual([
      'container.env.1FOO',
      'container.env.A=B',
      'container.env.',
    ]);
  });

  test('sidecars, init containers, addSidecar and addEnv are held to it too', () => {
    const side = { name: 'side', image, env: { '9X': 'a' } };
    expect(fields(worker({ sidecars: [side] }), 'NAME_INVALID')).toEqual(['sidecars[0].env.9X']);
    expect(fields(worker({ initContainers: [{ ...side, name: 'init' }] }), 'NAME_INVALID')).toEqual(['initContainers[0].env.9X']);
    const { chart } = testChart();
    const w = new Worker(chart, 'w', { namespace: 'team', image, resources });
    expect(expectCode(() => w.addSidecar(side), 'NAME_INVALID').field).toBe('sidecar.env.9X');
    expect(expectCode(() => w.addEnv({ 'A B': 'x' }), 'NAME_INVALID').field).toBe('container.env.A B');
  });

  test('valid names pass: upper, lower, dots and dashes', () => {
    const objects = worker({ env: { LOG_LEVEL: 'info', 'my.env-name': 'x', _private: 'y' } })().flatMap((r) => r.objects);
    const env = objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].env;
    expect(env.map((e: { name: string }) => e.name)).toEqual(['LOG_LEVEL', 'my.env-name', '_private']);
  });
});

describe('ports', () => {
  test('a container port name with consecutive hyphens is PORT_INVALID (IsValidPortName)', () => {
    expect(
      fields(worker({ ports: [{ name: 'a--b', port: 8080 }], probeOptOut: { readiness: 'a test without a probe' } }), 'PORT_INVALID'),
    ).toEqual(['container.ports[0].name']);
    expect(fields(worker({ ports: [{ name: 'a-b', port: 0 }] }), 'PORT_INVALID')).toEqual(['container.ports[0].port']);
  });

  test.each([
    ['http', Probe.http('/x', 70000), 'readiness.httpGet.port'],
    ['http 0', Probe.http('/', 0), 'readiness.httpGet.port'],
    ['http named', Probe.http('/', 'a--b'), 'readiness.httpGet.port'],
    ['tcp', Probe.tcp(70000), 'readiness.tcpSocket.port'],
    ['tcp named', Probe.tcp('HTTP'), 'readiness.tcpSocket.port'],
    ['grpc', Probe.grpc(70000), 'readiness.grpc.port'],
  ])('a %s probe port out of range is PROBE_INVALID', (_, probe, field) => {
    expect(fields(web({ readiness: probe }), 'PROBE_INVALID')).toEqual([`container.${field}`]);
  });

  test('probes on valid ports pass', () => {
    for (const readiness of [Probe.http('/', 'http'), Probe.http('/', 8080), Probe.tcp(8080), Probe.grpc(8080)])
      expect(() => web({ readiness })()).not.toThrow();
    const edges = [
      { name: 'low', port: 1 },
      { name: 'high', port: 65535 },
    ];
    expect(() => web({ ports: edges, readiness: Probe.tcp(65535), liveness: Probe.http('/', 1) })()).not.toThrow();
  });

  test('an HTTP hook port is held to the same rule (PORT_INVALID)', () => {
    expect(fields(web({ postStart: Hook.http('/warm', 70000) }), 'PORT_INVALID')).toEqual(['container.postStart.httpGet.port']);
    expect(() => web({ postStart: Hook.http('/warm', 'http') })()).not.toThrow();
  });
});

describe('exec handlers (validateExecAction: the command is required)', () => {
  test('an exec probe without a command is PROBE_INVALID at its exec.command', () => {
    expect(fields(worker({ liveness: Probe.exec([]) }), 'PROBE_INVALID')).toEqual(['container.liveness.exec.command']);
    expect(() => worker({ liveness: Probe.exec(['true']) })()).not.toThrow();
  });

  test('an exec hook without a command is HOOK_INVALID when it is made (the code of the rule over any pod)', () => {
    const err = catchBlueprintError(() => Hook.exec([]));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([['HOOK_INVALID', 'command']]);
    expect(() => web({ preStop: Hook.exec(['nginx', '-s', 'quit']) })()).not.toThrow();
  });
});

describe('a subPath into a ConfigMap or declared Secret names one of its keys', () => {
  const mounted =
    (subPath: string, kind: 'configMap' | 'secret', at: 'main' | 'sidecar' = 'main') =>
    () => {
      const { app, chart } = testChart();
      const cm = new ConfigMap(chart, 'conf', { namespace: 'team', data: { 'app.conf': 'x', 'log.conf': 'y' } });
      const secret = new SecretDeclaration(chart, 'creds', {
        namespace: 'team',
        keys: ['tls.crt', 'tls.key'],
        backend: SecretBackend.deployTool(),
      });
      const volume = kind === 'configMap' ? Volume.fromConfigMap(cm) : Volume.fromSecret(secret);
      const mounts = [{ volume, path: '/etc/app/file', subPath }];
      new WebService(chart, 'web', {
        namespace: 'team',
        image,
        ports: [{ name: 'http', port: 8080 }],
        ...(at === 'main' ? { mounts } : { sidecars: [{ name: 'proxy', image, mounts }] }),
      });
      return renderApp(app);
    };

  test('CONFIG_KEY_UNDECLARED for a key the ConfigMap does not hold (the kubelet would mount an empty directory)', () => {
    const issue = expectCode(mounted('app.yaml', 'configMap'), 'CONFIG_KEY_UNDECLARED');
    expect(issue).toMatchObject({ field: 'container.mounts[0].subPath', value: 'app.yaml' });
    expect(issue.fix).toContain("'app.conf'");
    expect(expectCode(mounted('nope', 'configMap', 'sidecar'), 'CONFIG_KEY_UNDECLARED').field).toBe('sidecars[0].mounts[0].subPath');
    // A key inherited from Object.prototype is no key of the ConfigMap.
    expectCode(mounted('constructor', 'configMap'), 'CONFIG_KEY_UNDECLARED');
  });

  test('SECRET_KEY_UNDECLARED for a key the SecretDeclaration does not declare', () => {
    expect(expectCode(mounted('ca.crt', 'secret'), 'SECRET_KEY_UNDECLARED')).toMatchObject({
      field: 'container.mounts[0].subPath',
      value: 'ca.crt',
    });
  });

  test('a declared key passes and is rendered; a SecretRef (keys unknown) is not judged', () => {
    const objects = mounted('app.conf', 'configMap')().flatMap((r) => r.objects);
    const deployment = objects.find((o: any) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].volumeMounts).toContainEqual(expect.objectContaining({ subPath: 'app.conf' }));
    expect(() => mounted('tls.key', 'secret')()).not.toThrow();
    const { chart } = testChart();
    const volume = Volume.fromSecret(SecretRef.fromName('tls'));
    const mounts = [{ volume, path: '/t', subPath: 'anything' }];
    expect(() => new WebService(chart, 'web', { namespace: 'team', image, ports: [{ name: 'http', port: 8080 }], mounts })).not.toThrow();
  });
});

describe('what the container runtime refuses', () => {
  const worker = (props: object) => () => {
    const { chart } = testChart();
    return new Worker(chart, 'w', { namespace: 'shop', image, ...props });
  };

  test('a relative workingDir is WORKING_DIR_INVALID, as in the rule catalogue (runc: "Cwd must be an absolute path")', () => {
    expect(expectCode(worker({ workingDir: 'app' }), 'WORKING_DIR_INVALID')).toMatchObject({ field: 'container.workingDir', value: 'app' });
    expect(worker({ workingDir: '/app' })).not.toThrow();
    expect(worker({ workingDir: '' })).not.toThrow();
  });

  test("a command whose program is '' is COMMAND_INVALID (the runtime cannot exec ''); an empty argument after it is fine", () => {
    expect(expectCode(worker({ command: [''] }), 'COMMAND_INVALID')).toMatchObject({ field: 'container.command[0]', value: '' });
    expect(expectCode(worker({ command: ['', '-c', 'x'] }), 'COMMAND_INVALID').field).toBe('container.command[0]');
    expect(worker({ command: ['sh', ''] })).not.toThrow();
  });

  test("an exec probe or hook whose program is '' is refused too", () => {
    expect(expectCode(worker({ readiness: Probe.exec(['']) }), 'PROBE_INVALID').field).toBe('container.readiness.exec.command[0]');
    expect(expectCode(() => Hook.exec(['', 'x']), 'HOOK_INVALID').field).toBe('command[0]');
    expect(() => Hook.exec(['nginx', ''])).not.toThrow();
  });

  test.each([NaN, 1.5, -1, Infinity])('a hook taking %p seconds is PROPS_INVALID: the grace-period check could not add it', (s) => {
    expect(expectCode(() => Hook.exec(['drain'], s), 'PROPS_INVALID')).toMatchObject({ field: 'expectedSeconds' });
    expect(expectCode(() => Hook.http('/drain', 'http', s), 'PROPS_INVALID')).toMatchObject({ field: 'expectedSeconds' });
  });

  test('a hook of whole seconds is accepted', () => {
    expect(Hook.exec(['drain'], 5).seconds).toBe(5);
  });

  test('addEnv refuses a name the container already has (ENV_INVALID) instead of replacing it; a new name is added', () => {
    const w = worker({ env: { A: '1' } })();
    expect(expectCode(() => w.addEnv({ A: '2' }), 'ENV_INVALID')).toMatchObject({ field: 'container.env.A', value: 'A' });
    w.addEnv({ B: '2' });
    expect(expectCode(() => w.addEnv({ B: '3' }), 'ENV_INVALID').field).toBe('container.env.B');
  });
});

describe('what execve takes: each argv/envp string ≤ MAX_ARG_STRLEN (128 KiB with its NUL), all together ≤ 2 MiB', () => {
  const MAX = 131072;
  test('an env var is judged as the "NAME=value" string with its NUL, in UTF-8 bytes: the exact boundary both ways', () => {
    // "BIG=" + value + NUL: 5 bytes around the value.
    expect(worker({ env: { BIG: 'x'.repeat(MAX - 5) } })).not.toThrow();
    expect(expectCode(worker({ env: { BIG: 'x'.repeat(MAX - 4) } }), 'ENV_INVALID')).toMatchObject({
      field: 'container.env.BIG',
      value: `${MAX + 1} bytes`,
    });
    // 'é' is two bytes: the limit is in bytes, not characters.
    expect(worker({ env: { BIG: 'é'.repeat((MAX - 5 - 1) / 2) + 'x' } })).not.toThrow();
    expect(fields(worker({ env: { BIG: 'é'.repeat((MAX - 5 - 1) / 2 + 1) } }), 'ENV_INVALID')).toEqual(['container.env.BIG']);
    // The name counts too, and a literal given as EnvValue.
    expect(fields(worker({ env: { LONGER: 'x'.repeat(MAX - 5) } }), 'ENV_INVALID')).toEqual(['container.env.LONGER']);
  });

  test('a NUL inside an argument or a known env value is refused (the runtime passes C strings: invalid argument), and never echoed', () => {
    expect(expectCode(worker({ args: ['--name', 'a\0b'] }), 'COMMAND_INVALID')).toMatchObject({
      field: 'container.args[1]',
      value: '<redacted>',
      message: expect.stringContaining('NUL character (at 1)'),
    });
    expect(fields(worker({ command: ['/bin/app\0'] }), 'COMMAND_INVALID')).toEqual(['container.command[0]']);
    const issue = expectCode(worker({ env: { GREETING: 'hello\0world' } }), 'ENV_INVALID');
    expect(issue).toMatchObject({ field: 'container.env.GREETING', value: '<redacted>' });
    expect(JSON.stringify(issue)).not.toContain('world');
    // The valid neighbours: the escape as text, and other control characters, pass.
    expect(worker({ args: ['a\\0b', 'tab\there'], env: { GREETING: 'line\nbreak' } })).not.toThrow();
  });

  test('a NUL in the command of an exec probe or hook is refused at its index too (the probe could never run)', () => {
    expect(expectCode(worker({ liveness: Probe.exec(['/bin/check', 'x\0y']) }), 'PROBE_INVALID')).toMatchObject({
      field: 'container.liveness.exec.command[1]',
      value: '<redacted>',
    });
    expect(expectCode(() => Hook.exec(['/bin/drain\0']), 'HOOK_INVALID')).toMatchObject({ field: 'command[0]', value: '<redacted>' });
    expect(worker({ liveness: Probe.exec(['/bin/check', '--ok']), preStop: Hook.exec(['/bin/drain']) })).not.toThrow();
  });

  test('a NUL in the working directory is refused (the runtime changes into it with a C string)', () => {
    expect(expectCode(worker({ workingDir: '/app\0x' }), 'WORKING_DIR_INVALID')).toMatchObject({
      field: 'container.workingDir',
      value: '<redacted>',
    });
    expect(worker({ workingDir: '/app' })).not.toThrow();
  });

  test('a NUL in any path the node hands to the kernel (mount, subPath, writable path, hostPath, NFS export) is refused at its field', () => {
    const scratch = Volume.emptyDir('scratch');
    expect(expectCode(worker({ mounts: [{ volume: scratch, path: '/data\0x' }] }), 'MOUNT_INVALID')).toMatchObject({
      field: 'container.mounts[0].path',
      value: '<redacted>',
      message: expect.stringContaining('NUL character (at 5)'),
    });
    expect(fields(worker({ mounts: [{ volume: scratch, path: '/data', subPath: 'a\0b' }] }), 'MOUNT_SUBPATH_INVALID')).toEqual([
      'container.mounts[0].subPath',
    ]);
    expect(fields(worker({ writablePaths: ['/tmp', '/cache\0'] }), 'MOUNT_INVALID')).toEqual(['writablePaths[1]']);
    expect(expectCode(() => Volume.hostPath('logs', '/var/log\0'), 'VOLUME_INVALID').field).toBe('hostPath');
    expect(expectCode(() => Volume.nfs('share', 'nfs.example.com', '/exports\0'), 'VOLUME_INVALID').field).toBe('path');
    // The same paths without the NUL are accepted.
    expect(worker({ mounts: [{ volume: scratch, path: '/data', subPath: 'ab' }], writablePaths: ['/tmp', '/cache'] })).not.toThrow();
    expect(() => Volume.hostPath('logs', '/var/log')).not.toThrow();
  });

  test('a command or args string over 131071 bytes (plus its NUL) is COMMAND_INVALID at its index; the audit cases (200 KiB env, 2 MiB arg) too', () => {
    expect(worker({ args: ['x'.repeat(MAX - 1)] })).not.toThrow();
    expect(expectCode(worker({ args: ['-v', 'x'.repeat(MAX)] }), 'COMMAND_INVALID')).toMatchObject({
      field: 'container.args[1]',
      value: `${MAX + 1} bytes`,
    });
    expect(fields(worker({ command: ['/bin/app', 'x'.repeat(MAX)] }), 'COMMAND_INVALID')).toEqual(['container.command[1]']);
    expect(fields(worker({ args: ['x'.repeat(2 * 1024 * 1024)] }), 'COMMAND_INVALID')).toEqual(['container.args[0]']);
    expect(fields(worker({ env: { BIG: 'x'.repeat(200 * 1024) } }), 'ENV_INVALID')).toEqual(['container.env.BIG']);
    // The error shows the size, not the 2 MiB it was given.
    expect(catchBlueprintError(worker({ args: ['x'.repeat(2 * 1024 * 1024)] })).message.length).toBeLessThan(2000);
  });

  test('argv and envp together over 2 MiB (strings, NULs and 8-byte pointers) are refused at the larger side; 2 MiB exactly is accepted', () => {
    // 16 "V00=…" strings of 131072 bytes with their NUL, + 8 pointer bytes each = 2,097,280: over by 128.
    const env = (last: number) =>
      Object.fromEntries(
        Array.from({ length: 16 }, (_, i) => [`V${i.toString(16).padStart(2, '0')}`, 'x'.repeat(i === 15 ? last : MAX - 5)]),
      );
    expect(expectCode(worker({ env: env(MAX - 5) }), 'ENV_INVALID')).toMatchObject({ field: 'container.env', value: '2097280 bytes' });
    expect(worker({ env: env(MAX - 5 - 128) })).not.toThrow();
    expect(fields(worker({ env: env(MAX - 5 - 127) }), 'ENV_INVALID')).toEqual(['container.env']);
    const args = Array.from({ length: 17 }, () => 'x'.repeat(MAX - 1));
    expect(fields(worker({ args }), 'COMMAND_INVALID')).toEqual(['container.args']);
  });

  /** A Worker whose env comes from ConfigMaps of the same output (namespace team), built from their data. */
  const fromConfigMaps = (datas: Record<string, string>[], props: (cms: ConfigMap[]) => object) => () => {
    const { app, chart } = testChart();
    const cms = datas.map((data, i) => new ConfigMap(chart, `cfg${i}`, { namespace: 'team', data }));
    new Worker(chart, 'w', { namespace: 'team', image, resources, ...props(cms) });
    return renderApp(app);
  };

  test('a ConfigMap key of the output set by envFrom is judged as its "KEY=value" string at envFrom[i], the exact boundary both ways', () => {
    const envFrom = (value: string) => fromConfigMaps([{ SMALL: 'a', BIG: value }], (cms) => ({ envFrom: cms }));
    expect(envFrom('x'.repeat(MAX - 5))).not.toThrow();
    const issue = expectCode(envFrom('x'.repeat(MAX - 4)), 'ENV_INVALID');
    expect(issue).toMatchObject({ field: 'container.envFrom[0]', value: `${MAX + 1} bytes` });
    expect(issue.message).toContain('"BIG=…"');
    expect(issue.message).toContain('ConfigMap team/cfg0');
    // The audit case: 200 KiB in a ConfigMap, the container never starts.
    expect(fields(envFrom('x'.repeat(200 * 1024)), 'ENV_INVALID')).toEqual(['container.envFrom[0]']);
    // env wins over envFrom for its name (the large value is never set); a key that is no env var name is skipped by the kubelet.
    const big = 'x'.repeat(200 * 1024);
    expect(fromConfigMaps([{ BIG: big }], (cms) => ({ envFrom: cms, env: { BIG: 'small' } }))).not.toThrow();
    expect(fromConfigMaps([{ '1BIG': big }], (cms) => ({ envFrom: cms }))).not.toThrow();
  });

  test('EnvValue.fromConfigMap is judged by the value of its key under the env name, the exact boundary both ways', () => {
    const env = (name: string, value: string) =>
      fromConfigMaps([{ BIG: value }], ([cm]) => ({ env: { [name]: EnvValue.fromConfigMap(cm, 'BIG') } }));
    expect(env('BIG', 'x'.repeat(MAX - 5))).not.toThrow();
    const issue = expectCode(env('BIG', 'x'.repeat(MAX - 4)), 'ENV_INVALID');
    expect(issue).toMatchObject({ field: 'container.env.BIG', value: `${MAX + 1} bytes` });
    expect(issue.message).toContain('ConfigMap team/cfg0');
    // The env name is what the kubelet sets: three letters more, three bytes over.
    expect(fields(env('LONGER', 'x'.repeat(MAX - 5)), 'ENV_INVALID')).toEqual(['container.env.LONGER']);
  });

  test('ConfigMap env counts toward the 2 MiB of argv and envp: exactly 2 MiB is accepted, one byte more is refused', () => {
    // 16 "V00=…" strings (8 per ConfigMap: each under the 1 MiB a ConfigMap holds) of 131072 bytes with their NUL: over by 128.
    const datas = (last: number) =>
      [0, 1].map((c) =>
        Object.fromEntries(
          Array.from({ length: 8 }, (_, j) => {
            const i = c * 8 + j;
            return [`V${i.toString(16).padStart(2, '0')}`, 'x'.repeat(i === 15 ? last : MAX - 5)];
          }),
        ),
      );
    const envFrom = (last: number) => fromConfigMaps(datas(last), (cms) => ({ envFrom: cms }));
    expect(envFrom(MAX - 5 - 128)).not.toThrow();
    expect(expectCode(envFrom(MAX - 5 - 127), 'ENV_INVALID')).toMatchObject({ field: 'container.envFrom', value: '2097153 bytes' });
    // The same through EnvValue.fromConfigMap, beside the env literals.
    const env = (last: number) =>
      fromConfigMaps(datas(last), (cms) => ({
        env: Object.fromEntries(cms.flatMap((cm) => Object.keys(cm.data).map((k) => [k, EnvValue.fromConfigMap(cm, k)]))),
      }));
    expect(env(MAX - 5 - 128)).not.toThrow();
    expect(fields(env(MAX - 5 - 127), 'ENV_INVALID')).toEqual(['container.env']);
  });

  test('addEnv is held to the same limit', () => {
    const { chart } = testChart();
    const w = new Worker(chart, 'w', { namespace: 'team', image, resources });
    expect(expectCode(() => w.addEnv({ BIG: 'x'.repeat(MAX) }), 'ENV_INVALID').field).toBe('container.env.BIG');
    w.addEnv({ BIG: 'x'.repeat(MAX - 5) });
  });
});
