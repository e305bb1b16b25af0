import { EnvValue, Hook, NodeAgent, Probe, Volume, WebService, Worker, renderApp } from '../../constructs';
import { CANARIES } from '../core/secret-canaries';
import { catchBlueprintError, expectCode, testChart } from '../helpers';

const image = 'ghcr.io/acme/app:1.0.0';
const web = (extra: object) => () => {
  const { app, chart } = testChart();
  new WebService(chart, 'web', { namespace: 'apps', image, ports: [{ name: 'http', port: 8080 }], ...extra });
  return renderApp(app);
};

describe('no credential reaches the YAML through a container', () => {
  const vectors = (c: string) => [
    { env: { LOG_FORMAT: c } },
    { env: { DATABASE_URL: EnvValue.literal(c) } },
    { args: ['serve', c] },
    { command: ['/app', c] },
    { workingDir: `/srv/${c}` },
    { readiness: Probe.http(`/ready?token=${c}`, 'http') },
    { liveness: Probe.exec(['check', c]) },
    { preStop: Hook.exec(['drain', c]) },
  ];
  test('SECRET_IN_OUTPUT for every canary on every path, never echoed', () => {
    for (const canary of CANARIES)
      for (const v of vectors(canary)) {
        const issue = expectCode(web(v), 'SECRET_IN_OUTPUT');
        expect(issue.path).toBe('test/web');
        expect(JSON.stringify(catchBlueprintError(web(v)).issues)).not.toContain(canary);
      }
  });

  test('references to secrets pass', () => {
    expect(() => web({ env: { DSN: 'postgres://app:$(DB_PASSWORD)@db/app' }, args: ['--password=$(DB_PASSWORD)'] })()).not.toThrow();
  });
});

describe('pod spec limits', () => {
  test('MOUNT_INVALID, MOUNT_SUBPATH_INVALID', () => {
    expectCode(web({ mounts: [{ volume: 'data', path: '/data' }] }), 'MOUNT_INVALID');
    expectCode(web({ mounts: [{ volume: Volume.emptyDir('d'), path: 'relative' }] }), 'MOUNT_INVALID');
    for (const subPath of ['../etc', '/abs', 'a/../../b', ''])
      expectCode(web({ mounts: [{ volume: Volume.emptyDir('d'), path: '/d', subPath }] }), 'MOUNT_SUBPATH_INVALID');
  });

  test('MOUNT_INVALID: a writable path is held to the mount rule (it is an emptyDir mount)', () => {
    for (const [i, path] of [
      ['0', 'tmp'],
      ['1', '/cache:rw'],
    ] as const) {
      const paths = i === '0' ? [path] : ['/tmp', path];
      expect(expectCode(web({ writablePaths: paths }), 'MOUNT_INVALID')).toMatchObject({ field: `writablePaths[${i}]`, value: path });
    }
    expect(() => web({ writablePaths: ['/tmp', '/var/cache/app'] })()).not.toThrow();
  });

  test("MOUNT_INVALID: a writable path at the container's root (it would hide the image), or not in normal form", () => {
    for (const path of ['/', '//', '/tmp/..', '/./'])
      expect(expectCode(web({ writablePaths: [path] }), 'MOUNT_INVALID')).toMatchObject({
        field: 'writablePaths[0]',
        value: path,
        message: expect.stringContaining("container's root"),
      });
    for (const [path, normal] of [
      ['/tmp/', '/tmp'],
      ['/var//cache', '/var/cache'],
      ['/var/./cache', '/var/cache'],
      ['/var/x/../cache', '/var/cache'],
    ])
      expect(expectCode(web({ writablePaths: [path] }), 'MOUNT_INVALID')).toMatchObject({
        value: path,
        fix: `write '${normal}'`,
      });
  });

  test('PORT_INVALID: two app containers of the pod declare one port number or one port name', () => {
    const sidecar = (ports: object[]) => ({ sidecars: [{ name: 'proxy', image, ports }] });
    expect(expectCode(web(sidecar([{ name: 'proxy', port: 8080 }])), 'PORT_INVALID')).toMatchObject({
      field: 'containers.proxy.ports',
      value: '8080/TCP',
    });
    expect(expectCode(web(sidecar([{ name: 'http', port: 15001 }])), 'PORT_INVALID')).toMatchObject({
      field: 'containers.proxy.ports',
      value: 'http',
    });
    // A sidecar added after construction is judged with the pod.
    expectCode(() => {
      const { app, chart } = testChart();
      const w = new WebService(chart, 'web', { namespace: 'apps', image, ports: [{ name: 'http', port: 8080 }] });
      w.addSidecar({ name: 'proxy', image, ports: [{ name: 'proxy', port: 8080 }] });
      return renderApp(app);
    }, 'PORT_INVALID');
    // Another number, or the same number over another protocol, is fine.
    expect(() => web(sidecar([{ name: 'proxy', port: 15001 }]))()).not.toThrow();
    expect(() => web(sidecar([{ name: 'proxy-udp', port: 8080, protocol: 'UDP' }]))()).not.toThrow();
  });

  test('MOUNT_PATH_DUPLICATE: a mount over a writable path, or twice the same path', () => {
    expectCode(web({ mounts: [{ volume: Volume.emptyDir('d'), path: '/tmp' }] }), 'MOUNT_PATH_DUPLICATE');
    const v = Volume.emptyDir('d');
    expectCode(
      web({
        mounts: [
          { volume: v, path: '/d' },
          { volume: v, path: '/d' },
        ],
      }),
      'MOUNT_PATH_DUPLICATE',
    );
  });

  test('MOUNT_PATH_DUPLICATE: paths that differ only in spelling are one directory (the second mount would hide the first)', () => {
    const [a, b] = [Volume.emptyDir('a'), Volume.emptyDir('b')];
    const issue = expectCode(
      web({
        mounts: [
          { volume: a, path: '/x' },
          { volume: b, path: '/x/' },
        ],
      }),
      'MOUNT_PATH_DUPLICATE',
    );
    expect([issue.value, issue.message]).toEqual([
      '/x/',
      "is the directory already mounted at '/x': the runtime mounts both, and the second hides the first",
    ]);
    expectCode(web({ mounts: [{ volume: a, path: '/tmp/' }] }), 'MOUNT_PATH_DUPLICATE');
    expectCode(web({ mounts: [{ volume: a, path: '//tmp/./' }] }), 'MOUNT_PATH_DUPLICATE');
    // A NodeAgent's host path mounts are the main container's mounts, judged the same way.
    expectCode(() => {
      const { app, chart } = testChart();
      new NodeAgent(chart, 'agent', {
        namespace: 'n',
        image,
        expectedNodes: 3,
        hostPaths: [{ name: 'host', hostPath: '/etc/ssl/certs', mountPath: '/tmp/' }],
      });
      return renderApp(app);
    }, 'MOUNT_PATH_DUPLICATE');
    // Nested directories are distinct mounts.
    expect(
      web({
        mounts: [
          { volume: a, path: '/x' },
          { volume: b, path: '/x/y' },
        ],
      }),
    ).not.toThrow();
  });

  test('VOLUME_DUPLICATE: two different volumes of one name are refused, not dropped', () => {
    expectCode(
      web({
        mounts: [
          { volume: Volume.emptyDir('d'), path: '/a' },
          { volume: Volume.emptyDir('d', { memory: true }), path: '/b' },
        ],
      }),
      'VOLUME_DUPLICATE',
    );
    const same = Volume.emptyDir('d');
    expect(() =>
      web({ mounts: [{ volume: same, path: '/a' }], sidecars: [{ name: 's', image, mounts: [{ volume: same, path: '/a' }] }] })(),
    ).not.toThrow();
  });

  test('CONTAINER_DUPLICATE: a sidecar named like the main container', () => {
    expectCode(web({ sidecars: [{ name: 'web', image }] }), 'CONTAINER_DUPLICATE');
  });
});

describe('errors are collected per construct', () => {
  test('ID_INVALID: a non-string or empty id is a BlueprintError, not a TypeError', () => {
    const { chart } = testChart();
    for (const id of [{}, '', 5, null]) expectCode(() => new Worker(chart, id as never, { namespace: 'n', image }), 'ID_INVALID');
  });

  test("a base class's error does not hide a subclass's", () => {
    const { chart } = testChart();
    const err = catchBlueprintError(
      () => new NodeAgent(chart, 'a', { namespace: 'n', image: 'tool', expectedNodes: 0, hostPaths: [{ name: 'x', hostPath: 'var/log' }] }),
    );
    expect(err.codes).toEqual(expect.arrayContaining(['IMAGE_UNPINNED', 'REPLICAS_INVALID', 'HOSTPATH_INVALID']));
    const err2 = catchBlueprintError(() => new WebService(chart, 'b', { namespace: 'n', image: 'tool', replicas: 0, ports: [] }));
    expect(err2.codes).toEqual(expect.arrayContaining(['IMAGE_UNPINNED', 'REPLICAS_INVALID', 'PORT_INVALID']));
    const err3 = catchBlueprintError(() => new Worker(chart, 'c', { namespace: 'n', image: 'tool', replicas: 0 }));
    expect(err3.codes).toEqual(expect.arrayContaining(['IMAGE_UNPINNED', 'REPLICAS_INVALID']));
  });
});
