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

  test('a command replaces the entrypoint, unknown images and a writable root are not judged', () => {
    expect(checkFindings([deployment({ image: 'postgres:16.4', command: ['pg_dump'] })])).toEqual([]);
    expect(checkFindings([deployment({ image: 'mynginx:1.0' })])).toEqual([]);
    expect(checkFindings([deployment({ image: 'nginx-custom:1.0' })])).toEqual([]);
    expect(checkFindings([deployment({ image: 'postgres:16.4', securityContext: {} })])).toEqual([]);
  });
});
