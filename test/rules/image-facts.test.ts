import { App } from 'cdk8s';
import {
  BlueprintChart,
  EnvValue,
  Probe,
  SecretDeclaration,
  StatefulService,
  TeamNamespace,
  WebService,
  renderApp,
  runRules,
} from '../../constructs';
import { IMAGE_FACT_RULES, imageFacts, imageRepository } from '../../constructs/rules/image-facts';
import { catchBlueprintError, rawWorkload } from '../helpers';

/** The IMAGE_CANNOT_START issues of a synth (as `pointer`), none when it passes. */
function synthFindings(build: (chart: BlueprintChart, team: TeamNamespace) => void): string[] {
  const app = new App();
  const chart = new BlueprintChart(app, 'c', { owner: 'o' });
  build(chart, new TeamNamespace(chart, 'team', { holdsData: true }));
  try {
    renderApp(app);
    return [];
  } catch {
    return catchBlueprintError(() => renderApp(app))
      .issues.filter((i) => i.code === 'IMAGE_CANNOT_START')
      .map((i) => i.field);
  }
}

/** The IMAGE_CANNOT_START findings of raw objects (the `check` path), as `pointer`. */
const checkFindings = (objects: any[]) => runRules(objects, { rules: IMAGE_FACT_RULES }).map((f) => `${f.pointer}`);

/** A raw Deployment as foreign YAML writes it: non-root, read-only root filesystem, `/tmp` writable. */
function deployment(container: Record<string, unknown>, spec: Record<string, unknown> = {}): any {
  return rawWorkload({
    name: 'd',
    namespace: 'n',
    containers: [
      { name: 'c', securityContext: { readOnlyRootFilesystem: true }, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }], ...container },
    ],
    podSpec: { securityContext: { runAsUser: 10001, runAsNonRoot: true }, volumes: [{ name: 'tmp', emptyDir: {} }], ...spec },
  });
}
const C = '/spec/template/spec/containers/0';

describe('imageRepository', () => {
  test.each([
    ['nginx', 'docker.io/library/nginx'],
    ['nginx:1.27.3', 'docker.io/library/nginx'],
    ['nginx@sha256:0123abcd', 'docker.io/library/nginx'],
    ['library/nginx:1.27', 'docker.io/library/nginx'],
    ['docker.io/library/nginx:1.27', 'docker.io/library/nginx'],
    ['index.docker.io/library/nginx:1.27', 'docker.io/library/nginx'],
    ['nginxinc/nginx-unprivileged:1.27.2', 'docker.io/nginxinc/nginx-unprivileged'],
    ['registry.k8s.io/hpa-example:1.0', 'registry.k8s.io/hpa-example'],
    ['localhost:5000/nginx:1.0', 'localhost:5000/nginx'],
  ])('%s is %s', (ref, repo) => expect(imageRepository(ref)).toBe(repo));

  test('lookalikes and other registries are not the official image', () => {
    for (const ref of [
      'mynginx:1.0',
      'nginx-custom:1.0',
      'acme/nginx:1.0',
      'ghcr.io/acme/nginx:1.0',
      'localhost:5000/nginx:1.0',
      'postgresql:16',
    ])
      expect(imageFacts(ref)).toBeUndefined();
    expect(imageFacts('postgres:16.4')?.name).toBe('postgres');
    expect(imageFacts(42)).toBeUndefined();
  });

  test("Docker Hub's mirrors serve the official images", () => {
    expect(imageFacts('mirror.gcr.io/library/nginx:1.27')?.name).toBe('nginx');
    expect(imageFacts('public.ecr.aws/docker/library/postgres:16.4')?.name).toBe('postgres');
    expect(imageFacts('public.ecr.aws/acme/postgres:16.4')).toBeUndefined();
  });
});

describe('IMAGE_CANNOT_START at synth (typed workloads)', () => {
  test("official nginx on the library's defaults: its pid file and temp directories, and the fix passes", () => {
    const nginx = (props: object) => (chart: BlueprintChart, team: TeamNamespace) =>
      new WebService(chart, 'nginx', {
        namespace: team,
        image: 'nginx:1.27.3',
        ports: [{ name: 'http', port: 80 }],
        liveness: Probe.http('/', 'http'),
        ...props,
      });
    expect(synthFindings(nginx({}))).toEqual([`${C}/volumeMounts`]);
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    nginx({})(chart, new TeamNamespace(chart, 'team'));
    const issue = catchBlueprintError(() => renderApp(app)).issues.find((i) => i.code === 'IMAGE_CANNOT_START')!;
    expect(issue.path).toBe('c/nginx/Deployment');
    expect(issue.message).toContain('/var/run/nginx.pid');
    expect(issue.fix).toContain("writablePaths: ['/tmp', '/var/run', '/var/cache/nginx']");
    expect(issue.fix).toContain('nginxinc/nginx-unprivileged');
    expect(synthFindings(nginx({ writablePaths: ['/tmp', '/var/run', '/var/cache/nginx'] }))).toEqual([]);
    // Declared on 8080, nginx still listens on 80 (its default.conf): no sysctl lets UID 10001 bind it.
    expect(
      synthFindings(nginx({ writablePaths: ['/tmp', '/var/run', '/var/cache/nginx'], ports: [{ name: 'http', port: 8080 }] })),
    ).toEqual(['/spec/template/spec/securityContext/sysctls']);
    // /var/run is a symlink to /run in the image: a volume at /run serves the pid file.
    expect(synthFindings(nginx({ writablePaths: ['/tmp', '/run', '/var/cache/nginx'] }))).toEqual([]);
    // The unprivileged image needs nothing more than the defaults.
    expect(synthFindings(nginx({ image: 'nginxinc/nginx-unprivileged:1.27.2', ports: [{ name: 'http', port: 8080 }] }))).toEqual([]);
  });

  test("postgres with a claim at PGDATA's default: the socket directory and lost+found; PGDATA in a subdirectory passes", () => {
    const pg = (props: object) => (chart: BlueprintChart, team: TeamNamespace) => {
      const pw = new SecretDeclaration(chart, 'pw', { namespace: team, keys: ['password'] });
      new StatefulService(chart, 'postgres', {
        namespace: team,
        image: 'postgres:16.4',
        ports: [{ name: 'pg', port: 5432 }],
        env: { POSTGRES_PASSWORD: EnvValue.fromSecret(pw, 'password') },
        claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '10Gi' }],
        ...props,
      });
    };
    expect(synthFindings(pg({}))).toEqual([`${C}/volumeMounts`, `${C}/volumeMounts/1`]);
    const pw = (chart: BlueprintChart, team: TeamNamespace) => new SecretDeclaration(chart, 'pw2', { namespace: team, keys: ['password'] });
    expect(
      synthFindings((chart, team) =>
        pg({
          writablePaths: ['/tmp', '/var/run/postgresql'],
          env: { PGDATA: '/var/lib/postgresql/data/pgdata', POSTGRES_PASSWORD: EnvValue.fromSecret(pw(chart, team), 'password') },
        })(chart, team),
      ),
    ).toEqual([]);
  });

  test('mysql with a claim at /var/lib/mysql: /var/run/mysqld and lost+found; --datadir in a subdirectory passes', () => {
    const mysql = (props: object) => (chart: BlueprintChart, team: TeamNamespace) =>
      new StatefulService(chart, 'mysql', {
        namespace: team,
        image: 'mysql:8.4.2',
        ports: [{ name: 'mysql', port: 3306 }],
        env: { MYSQL_ALLOW_EMPTY_PASSWORD: 'yes' },
        claims: [{ name: 'data', mountPath: '/var/lib/mysql', size: '10Gi' }],
        ...props,
      });
    expect(synthFindings(mysql({}))).toEqual([`${C}/volumeMounts`, `${C}/volumeMounts/1`]);
    expect(synthFindings(mysql({ writablePaths: ['/tmp', '/var/run/mysqld'], args: ['--datadir=/var/lib/mysql/data'] }))).toEqual([]);
  });
});

describe('IMAGE_CANNOT_START on raw YAML (cluster-blueprints check)', () => {
  const emptyDirs = (...paths: string[]) => ({
    container: { volumeMounts: paths.map((p, i) => ({ name: `v${i}`, mountPath: p })) },
    spec: { volumes: paths.map((_, i) => ({ name: `v${i}`, emptyDir: {} })) },
  });
  const judged = (image: string, writes: string[]) => {
    const bad = checkFindings([deployment({ image })]);
    const e = emptyDirs('/tmp', ...writes);
    // Port 80 (nginx, httpd, Apache) bound through the sysctl: this case is about writes.
    const sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }];
    const good = checkFindings([deployment({ image, ...e.container }, { ...e.spec, securityContext: { runAsUser: 10001, sysctls } })]);
    return { bad, good };
  };

  test.each([
    ['nginx:1.27.3', ['/var/run', '/var/cache/nginx']],
    ['docker.io/library/httpd:2.4.62', ['/usr/local/apache2/logs']],
    ['registry.k8s.io/hpa-example:1.0', ['/var/run/apache2', '/var/lock/apache2']],
    ['postgres:16.4', ['/var/run/postgresql']],
    ['mysql:8.4.2', ['/var/run/mysqld']],
    ['mariadb:11.4.2', ['/run/mysqld']],
    ['redis:7.4.0', ['/data']],
    ['mongo:8.0.0', ['/data/db']],
    ['cassandra:4.1.5', ['/etc/cassandra', '/var/log/cassandra']],
    ['prom/prometheus:v2.54.1', ['/prometheus']],
  ])('%s writes %j: flagged without writable volumes there, passes with them', (image, writes) => {
    const { bad, good } = judged(image, writes);
    expect(bad).toContain(`${C}/volumeMounts`);
    expect(good).toEqual([]);
  });

  test('nginx-unprivileged needs /tmp writable', () => {
    const image = 'nginxinc/nginx-unprivileged:1.27.2';
    expect(checkFindings([deployment({ image, volumeMounts: [] }, { volumes: [] })])).toEqual([`${C}/volumeMounts`]);
    expect(checkFindings([deployment({ image })])).toEqual([]);
  });

  test('a read-only mount, a ConfigMap or a read-only claim is not writable; a writable claim is', () => {
    const image = 'postgres:16.4';
    const at = (volume: object, mount: object = {}) =>
      checkFindings([
        deployment(
          {
            image,
            volumeMounts: [
              { name: 'tmp', mountPath: '/tmp' },
              { name: 'run', mountPath: '/var/run/postgresql', ...mount },
            ],
          },
          {
            volumes: [
              { name: 'tmp', emptyDir: {} },
              { name: 'run', ...volume },
            ],
          },
        ),
      ]);
    expect(at({ emptyDir: {} }, { readOnly: true })).toEqual([`${C}/volumeMounts`]);
    expect(at({ configMap: { name: 'x' } })).toEqual([`${C}/volumeMounts`]);
    expect(at({ persistentVolumeClaim: { claimName: 'x', readOnly: true } })).toEqual([`${C}/volumeMounts`]);
    expect(at({ persistentVolumeClaim: { claimName: 'x' } })).toEqual([]);
  });

  test("PGDATA at a claim's root is refused; a subPath, PGDATA in a subdirectory, or an emptyDir there passes", () => {
    const mounts = (data: object) => [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'run', mountPath: '/var/run/postgresql' },
      { name: 'data', mountPath: '/var/lib/postgresql/data', ...data },
    ];
    const volumes = (data: object) => [
      { name: 'tmp', emptyDir: {} },
      { name: 'run', emptyDir: {} },
      { name: 'data', ...data },
    ];
    const claim = { persistentVolumeClaim: { claimName: 'pg' } };
    const run = (container: object, data: object = {}, vol: object = claim) =>
      checkFindings([deployment({ image: 'postgres:16.4', volumeMounts: mounts(data), ...container }, { volumes: volumes(vol) })]);
    expect(run({})).toEqual([`${C}/volumeMounts/2`]);
    expect(run({ env: [{ name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' }] })).toEqual([]);
    expect(run({}, { subPath: 'pgdata' })).toEqual([]);
    expect(run({}, {}, { emptyDir: {} })).toEqual([]);
    // PGDATA moved to the root of the claim by env is refused too.
    expect(run({ env: [{ name: 'PGDATA', value: '/var/lib/postgresql/data/' }] })).toEqual([`${C}/volumeMounts/2`]);
    // PGDATA outside every volume and outside the image's VOLUME: on the read-only root filesystem.
    expect(run({ env: [{ name: 'PGDATA', value: '/pgdata' }] })).toEqual([`${C}/volumeMounts`]);
  });

  test('a StatefulSet claim template at /var/lib/mysql is a claim: --datadir moves the data into it', () => {
    const sts = (args?: string[]) => {
      const d = deployment({
        image: 'mysql:8.4.2',
        ...(args ? { args } : {}),
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          { name: 'run', mountPath: '/var/run/mysqld' },
          { name: 'data', mountPath: '/var/lib/mysql' },
        ],
      });
      d.kind = 'StatefulSet';
      d.spec.template.spec.volumes.push({ name: 'run', emptyDir: {} });
      d.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }];
      return checkFindings([d]);
    };
    expect(sts()).toEqual([`${C}/volumeMounts/2`]);
    expect(sts(['--datadir=/var/lib/mysql/data'])).toEqual([]);
    expect(sts(['--datadir', '/var/lib/mysql/data'])).toEqual([]);
  });

  test('port 80 as a non-root UID needs the sysctl; root, the sysctl or a mounted configuration passes', () => {
    const e = { volumeMounts: ['/tmp', '/var/run', '/var/cache/nginx'].map((p, i) => ({ name: `v${i}`, mountPath: p })) };
    const volumes = [0, 1, 2].map((i) => ({ name: `v${i}`, emptyDir: {} }));
    const nginx = (spec: object = {}, container: object = {}) =>
      checkFindings([deployment({ image: 'nginx:1.27.3', ...e, ...container }, { volumes, ...spec })]);
    expect(nginx()).toEqual(['/spec/template/spec/securityContext/sysctls']);
    expect(
      nginx({ securityContext: { runAsUser: 10001, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }] } }),
    ).toEqual([]);
    expect(nginx({ securityContext: { runAsUser: 0 } })).toEqual([]);
    expect(nginx({ securityContext: {} })).toEqual([]);
    const conf = { volumeMounts: [...e.volumeMounts, { name: 'conf', mountPath: '/etc/nginx/conf.d' }] };
    expect(nginx({ volumes: [...volumes, { name: 'conf', configMap: { name: 'site' } }] }, conf)).toEqual([]);
  });

  test("a command replaces the entrypoint (unless it names the image's own), unknown images and a writable root are not judged", () => {
    expect(checkFindings([deployment({ image: 'postgres:16.4', command: ['pg_dump'] })])).toEqual([]);
    for (const command of [['docker-entrypoint.sh'], ['/usr/local/bin/docker-entrypoint.sh', 'postgres']])
      expect(checkFindings([deployment({ image: 'postgres:16.4', command })])).toEqual([`${C}/volumeMounts`]);
    expect(checkFindings([deployment({ image: 'nginx:1.27.3', command: ['/docker-entrypoint.sh'] })])).toContain(`${C}/volumeMounts`);
    expect(checkFindings([deployment({ image: 'mynginx:1.0' })])).toEqual([]);
    expect(checkFindings([deployment({ image: 'nginx-custom:1.0' })])).toEqual([]);
    expect(checkFindings([deployment({ image: 'postgres:16.4', securityContext: {} })])).toEqual([]);
  });
});

describe('IMAGE_CANNOT_START: correct configurations pass, the faulty ones stay judged', () => {
  const claimAt = (path: string, extra: { mounts?: object[]; volumes?: object[] } = {}) => ({
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, { name: 'data', mountPath: path }, ...(extra.mounts ?? [])],
    volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'data', persistentVolumeClaim: { claimName: 'x' } }, ...(extra.volumes ?? [])],
  });
  const run = (container: Record<string, any>, volumes: object[], spec: object = {}) =>
    checkFindings([deployment({ ...container, securityContext: {} }, { volumes, ...spec })]);

  test('PGDATA from envFrom is not known: not judged; env still wins over envFrom', () => {
    const { volumeMounts, volumes } = claimAt('/var/lib/postgresql/data');
    const pg = (c: object) => run({ image: 'postgres:16.4', volumeMounts, ...c }, volumes);
    expect(pg({})).toEqual([`${C}/volumeMounts/1`]);
    expect(pg({ envFrom: [{ configMapRef: { name: 'pg' } }] })).toEqual([]);
    expect(pg({ envFrom: [{ secretRef: { name: 'pg' } }], env: [{ name: 'PGDATA', value: '/var/lib/postgresql/data' }] })).toEqual([
      `${C}/volumeMounts/1`,
    ]);
  });

  test('/run and /var/run are one directory: a volume at either serves the other', () => {
    const at = (image: string, writes: string[]) => {
      const mounts = ['/tmp', ...writes].map((p, i) => ({ name: `v${i}`, mountPath: p }));
      const volumes = mounts.map((m) => ({ name: m.name, emptyDir: {} }));
      const sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }];
      return checkFindings([deployment({ image, volumeMounts: mounts }, { volumes, securityContext: { runAsUser: 10001, sysctls } })]);
    };
    expect(at('nginx:1.27.3', ['/run', '/var/cache/nginx'])).toEqual([]);
    expect(at('postgres:16.4', ['/run/postgresql'])).toEqual([]);
    expect(at('postgres:16.4', ['/run/other'])).toEqual([`${C}/volumeMounts`]);
    expect(at('mariadb:11.4.2', ['/var/run/mysqld'])).toEqual([]);
    expect(at('registry.k8s.io/hpa-example:1.0', ['/run', '/var/lock/apache2'])).toEqual([]);
    expect(at('nginx:1.27.3', ['/var/cache/nginx'])).toEqual([`${C}/volumeMounts`]);
  });

  test("a volume over nginx's or httpd's main configuration leaves what it writes and its port unjudged", () => {
    const conf = (image: string, mountPath: string, subPath?: string) =>
      checkFindings([
        deployment(
          {
            image,
            volumeMounts: [
              { name: 'tmp', mountPath: '/tmp' },
              { name: 'conf', mountPath, ...(subPath ? { subPath } : {}) },
            ],
          },
          {
            volumes: [
              { name: 'tmp', emptyDir: {} },
              { name: 'conf', configMap: { name: 'conf' } },
            ],
            securityContext: { runAsUser: 101 },
          },
        ),
      ]);
    expect(conf('nginx:1.27.3', '/etc/nginx/nginx.conf', 'nginx.conf')).toEqual([]);
    expect(conf('nginx:1.27.3', '/etc/nginx')).toEqual([]);
    expect(conf('httpd:2.4.62', '/usr/local/apache2/conf/httpd.conf', 'httpd.conf')).toEqual([]);
    expect(conf('httpd:2.4.62', '/usr/local/apache2/conf')).toEqual([]);
    // conf.d holds server blocks, not the pid file or the temp paths: still judged (the port is not).
    expect(conf('nginx:1.27.3', '/etc/nginx/conf.d')).toEqual([`${C}/volumeMounts`]);
  });

  test('prometheus: --storage.tsdb.path moves the TSDB, and that directory is judged', () => {
    const prom = (args: string[], mounts: string[]) => {
      const volumeMounts = mounts.map((p, i) => ({ name: `v${i}`, mountPath: p }));
      const volumes = mounts.map((_, i) => ({ name: `v${i}`, emptyDir: {} }));
      return checkFindings([deployment({ image: 'prom/prometheus:v2.54.1', args, volumeMounts }, { volumes })]);
    };
    expect(prom(['--storage.tsdb.path=/data'], ['/tmp', '/data'])).toEqual([]);
    expect(prom(['--storage.tsdb.path', '/data/'], ['/tmp', '/data'])).toEqual([]);
    expect(prom(['--storage.tsdb.path=/data'], ['/tmp'])).toEqual([`${C}/volumeMounts`]);
    expect(prom(['--config.file=/etc/config/prometheus.yml'], ['/tmp'])).toEqual([`${C}/volumeMounts`]);
  });

  test('redis with persistence off, or --dir on a writable volume, writes nothing to /data', () => {
    const redis = (args: string[], mounts: string[] = ['/tmp']) => {
      const volumeMounts = mounts.map((p, i) => ({ name: `v${i}`, mountPath: p }));
      const volumes = mounts.map((_, i) => ({ name: `v${i}`, emptyDir: {} }));
      return checkFindings([deployment({ image: 'redis:7.4.0', args, volumeMounts }, { volumes })]);
    };
    expect(redis(['redis-server', '--save', '', '--appendonly', 'no'])).toEqual([]);
    expect(redis(['redis-server', '--dir', '/cache'], ['/tmp', '/cache'])).toEqual([]);
    expect(redis(['redis-server', '--save', '60 1'])).toEqual([`${C}/volumeMounts`]);
    expect(redis(['redis-server', '--save', ''])).toEqual([]);
    expect(redis(['redis-server', '--save', '', '--appendonly', 'yes'])).toEqual([`${C}/volumeMounts`]);
    expect(redis(['redis-server', '--dir', '/cache'])).toEqual([`${C}/volumeMounts`]);
  });

  test("the image's own VOLUME owned by its user is judged only when the pod runs as another non-root UID", () => {
    const own = (image: string, securityContext: object) =>
      checkFindings([deployment({ image, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] }, { securityContext })]);
    for (const [image, owner] of [
      ['redis:7.4.0', 999],
      ['mongo:8.0.0', 999],
      ['prom/prometheus:v2.54.1', 65534],
    ] as const) {
      expect(own(image, {})).toEqual([]);
      expect(own(image, { runAsUser: owner })).toEqual([]);
      expect(own(image, { runAsUser: 10001 })).toEqual([`${C}/volumeMounts`]);
    }
  });

  test('a volume under /etc/mysql or at /etc/my.cnf may set the datadir: not judged', () => {
    const mysql = (cnf?: string) => {
      const { volumeMounts, volumes } = claimAt(
        '/var/lib/mysql',
        cnf ? { mounts: [{ name: 'cnf', mountPath: cnf }], volumes: [{ name: 'cnf', configMap: { name: 'cnf' } }] } : {},
      );
      return run({ image: 'mysql:8.4.2', volumeMounts }, volumes);
    };
    expect(mysql()).toEqual([`${C}/volumeMounts/1`]);
    expect(mysql('/etc/mysql/conf.d')).toEqual([]);
    expect(mysql('/etc/my.cnf')).toEqual([]);
    expect(mysql('/etc/other')).toEqual([`${C}/volumeMounts/1`]);
  });

  test('mysql needs /tmp writable (InnoDB temporary files)', () => {
    const mounts = ['/var/run/mysqld'].map((p, i) => ({ name: `v${i}`, mountPath: p }));
    const vols = [{ name: 'v0', emptyDir: {} }];
    expect(checkFindings([deployment({ image: 'mysql:8.4.2', volumeMounts: mounts }, { volumes: vols })])).toEqual([`${C}/volumeMounts`]);
    const withTmp = [...mounts, { name: 'tmp', mountPath: '/tmp' }];
    expect(
      checkFindings([deployment({ image: 'mysql:8.4.2', volumeMounts: withTmp }, { volumes: [...vols, { name: 'tmp', emptyDir: {} }] })]),
    ).toEqual([]);
  });
});
