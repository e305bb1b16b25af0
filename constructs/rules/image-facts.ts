import { ManifestIndex, PodTemplateRef, arr, isObject } from './manifest-index';
import { containers } from './pod-api';
import { podSpecPointer } from './pod-security';
import { Rule, Violation, v } from './rule';

/*
 * What well-known images need to start, read from their Dockerfiles and
 * entrypoints, and one rule that holds a pod template to it. Every workload of
 * the library runs as a non-root UID with a read-only root filesystem and only
 * its `writablePaths` (default `/tmp`) writable, and a claim is mounted at its
 * mountPath as it is: an official image that writes elsewhere, initializes its
 * data at the root of a fresh volume (ext4 puts lost+found there) or binds a
 * port below 1024 crash-loops with no word at synth. The same rule runs on
 * foreign YAML in `cluster-blueprints check`.
 */

/** A path an image writes at start. */
export interface ImageWrite {
  readonly path: string;
  /** What it writes there and what happens when it cannot. */
  readonly why: string;
  /** A command-line flag that moves it (`--flag=dir` or `--flag dir` in args): the directory it names is judged instead. @default - none */
  readonly flag?: string;
  /**
   * The UID of the image's user, when the path is a VOLUME of the image owned by that user: containerd copies the
   * ownership into the anonymous volume, so the write fails only for another non-root UID set in the pod.
   * @default - writable by the image's user alone is not enough
   */
  readonly ownedBy?: number;
  /**
   * Flags whose values in args, all together, stop the write (persistence off); a flag with `byDefault` counts when
   * args leave it out too (the image's default is that value).
   * @default - none
   */
  readonly offWith?: readonly { readonly flag: string; readonly value: string; readonly byDefault?: boolean }[];
}

/** The directory an image initializes its data in, and how a pod moves it. */
export interface ImageDataDir {
  /** Where the data lives by default. */
  readonly path: string;
  /** An environment variable that moves it (a literal value is read). @default - none */
  readonly env?: string;
  /** A command-line flag that moves it (`--flag=dir` or `--flag dir` in args). @default - none */
  readonly flag?: string;
  /** Configuration files that may set it: a volume mounted at or under one (or above it) leaves it unknown, not judged. @default - none */
  readonly config?: readonly string[];
  /** Why it must not be the root of a volume. */
  readonly why: string;
  /** A subdirectory of the default path to suggest. */
  readonly subdirectory: string;
}

/** The port an image's own configuration listens on. */
export interface ImagePort {
  readonly port: number;
  /** The files of its configuration that say so: a volume mounted over one (or a directory above it) may listen elsewhere, and is not judged. */
  readonly config: readonly string[];
}

/** What one image needs to start. */
export interface ImageFacts {
  /** The name the README and messages use. */
  readonly name: string;
  /** Repositories it is published under, normalized (`docker.io/library/nginx`). */
  readonly repositories: readonly string[];
  /** Paths written at start that its Dockerfile does not declare as a VOLUME, or that its user alone may write. */
  readonly writes: readonly ImageWrite[];
  /** Directories its Dockerfile declares as VOLUMEs and leaves writable by any UID (containerd makes them writable scratch). @default - none */
  readonly volumes?: readonly string[];
  /** @default - none */
  readonly dataDir?: ImageDataDir;
  /**
   * Its main configuration file: a volume mounted over it (or a directory above it) may move what it writes and the
   * port it listens on, so neither is judged then.
   * @default - none
   */
  readonly mainConfig?: string;
  /** @default - none below 1024 */
  readonly listens?: ImagePort;
  /** An image of the same software that needs none of this. @default - none */
  readonly instead?: string;
}

/**
 * The table. Each entry cites the upstream file its facts come from; an image
 * whose every write is a declared VOLUME writable by any UID needs nothing and
 * is left out (the repo's busybox, fluent/fluent-bit, k8spatterns/random-generator
 * and wardviaene/k8s-demo: they write nowhere at start, or run with a command of their own).
 */
export const KNOWN_IMAGES: readonly ImageFacts[] = [
  {
    // nginxinc/docker-nginx mainline/debian/Dockerfile and default.conf (`listen 80`); what it writes is what
    // nginxinc/docker-nginx-unprivileged mainline/debian/Dockerfile moves to /tmp: `pid /var/run/nginx.pid` and the
    // proxy/client_body/fastcgi/uwsgi/scgi temp paths, compiled in under /var/cache/nginx. nginx exits when it cannot
    // create them ("[emerg] mkdir() "/var/cache/nginx/client_temp" failed (30: Read-only file system)").
    name: 'nginx',
    repositories: ['docker.io/library/nginx'],
    writes: [
      { path: '/var/run', why: 'its pid file /var/run/nginx.pid' },
      { path: '/var/cache/nginx', why: 'its proxy, client body, fastcgi, uwsgi and scgi temp directories' },
    ],
    // docker-nginx-unprivileged makes exactly these changes by sed on /etc/nginx/nginx.conf: a mounted one may too.
    mainConfig: '/etc/nginx/nginx.conf',
    listens: { port: 80, config: ['/etc/nginx/conf.d/default.conf'] },
    instead: 'nginxinc/nginx-unprivileged (listens on 8080, writes only under /tmp)',
  },
  {
    // nginxinc/docker-nginx-unprivileged mainline/debian/Dockerfile: `sed ... /var/run/nginx.pid,/tmp/nginx.pid` and
    // the five `*_temp_path /tmp/...` lines, `listen 8080`.
    name: 'nginxinc/nginx-unprivileged',
    repositories: ['docker.io/nginxinc/nginx-unprivileged', 'ghcr.io/nginxinc/nginx-unprivileged'],
    writes: [{ path: '/tmp', why: 'its pid file /tmp/nginx.pid and its five temp directories' }],
  },
  {
    // docker-library/httpd 2.4/Dockerfile (ServerRoot /usr/local/apache2, `EXPOSE 80`, httpd.conf `Listen 80`) and
    // httpd-foreground (`rm -f /usr/local/apache2/logs/httpd.pid`, then httpd writes it back: PidFile logs/httpd.pid).
    name: 'httpd',
    repositories: ['docker.io/library/httpd'],
    writes: [{ path: '/usr/local/apache2/logs', why: 'its pid file logs/httpd.pid' }],
    mainConfig: '/usr/local/apache2/conf/httpd.conf',
    listens: { port: 80, config: ['/usr/local/apache2/conf/httpd.conf'] },
  },
  {
    // The image of registry.k8s.io/hpa-example is php:5-apache: docker-library/php 5.6/apache/Dockerfile creates
    // APACHE_RUN_DIR (/var/run/apache2, the pid file) and APACHE_LOCK_DIR (/var/lock/apache2) owned by www-data;
    // Debian's ports.conf says `Listen 80` (blueprints/scenarios/hpa-example.ts moves it to 8080).
    name: 'registry.k8s.io/hpa-example',
    repositories: ['registry.k8s.io/hpa-example', 'k8s.gcr.io/hpa-example'],
    writes: [
      { path: '/var/run/apache2', why: "Apache's pid file, APACHE_RUN_DIR" },
      { path: '/var/lock/apache2', why: "Apache's lock files, APACHE_LOCK_DIR" },
    ],
    listens: { port: 80, config: ['/etc/apache2/ports.conf'] },
  },
  {
    // docker-library/postgres 16/bookworm/Dockerfile: `install --directory ... --mode 3777 /var/run/postgresql` (the
    // socket and its lock file), `ENV PGDATA /var/lib/postgresql/data` made 1777 and a VOLUME. initdb refuses a
    // directory that holds anything: "It contains a lost+found directory, perhaps due to it being a mount point ...
    // Create a subdirectory under the mount point."
    name: 'postgres',
    repositories: ['docker.io/library/postgres'],
    writes: [{ path: '/var/run/postgresql', why: 'its Unix socket and lock file; the server exits when it cannot create them' }],
    volumes: ['/var/lib/postgresql/data'],
    dataDir: {
      path: '/var/lib/postgresql/data',
      env: 'PGDATA',
      subdirectory: '/var/lib/postgresql/data/pgdata',
      why: 'initdb refuses a directory that is not empty, and a fresh ext4 volume holds lost+found at its root',
    },
  },
  {
    // docker-library/mysql 8.4/Dockerfile.oracle: `socket=/var/run/mysqld/mysqld.sock`, "/var/run/mysqld (used for
    // socket and lock files)" made 1777, /var/lib/mysql 1777 and a VOLUME. docker-entrypoint.sh reads the datadir
    // from `mysqld --verbose --help` with the args (so `--datadir` moves it) and runs `mysqld --initialize-insecure`,
    // which aborts on a data directory that has files in it. /etc/my.cnf reads `!includedir /etc/mysql/conf.d/`, so a
    // mounted configuration may set the datadir. InnoDB creates its temporary files in tmpdir (/tmp) at start and
    // srv0start.cc aborts when it cannot.
    name: 'mysql',
    repositories: ['docker.io/library/mysql'],
    writes: [
      { path: '/var/run/mysqld', why: 'its socket and lock files' },
      { path: '/tmp', why: "InnoDB's temporary files; the server aborts at start without them" },
    ],
    volumes: ['/var/lib/mysql'],
    dataDir: {
      path: '/var/lib/mysql',
      flag: '--datadir',
      config: ['/etc/mysql', '/etc/my.cnf'],
      subdirectory: '/var/lib/mysql/data',
      why: '`mysqld --initialize` aborts on a data directory with files in it, and a fresh ext4 volume holds lost+found at its root',
    },
  },
  {
    // MariaDB/mariadb-docker 11.4/Dockerfile: "/run/mysqld (used for socket and lock files)" made 1777; /var/lib/mysql a
    // VOLUME. (mariadb-install-db does not refuse a data directory holding lost+found, so no data directory fact.)
    name: 'mariadb',
    repositories: ['docker.io/library/mariadb'],
    writes: [{ path: '/run/mysqld', why: 'its socket and lock files' }],
    volumes: ['/var/lib/mysql'],
  },
  {
    // docker-library/redis Dockerfile: `mkdir /data && chown redis:redis /data`, VOLUME and WORKDIR /data: the RDB
    // snapshot is written there, and with `stop-writes-on-bgsave-error yes` (the default) a failed save makes Redis
    // refuse every write. Owned by the image's user (999, which docker-entrypoint.sh switches to with gosu): containerd
    // copies that ownership into the anonymous volume, so only another UID set in the pod cannot write it. `--dir`
    // moves it; `--save ""` with appendonly off (redis.conf's default `appendonly no`) writes nothing there.
    name: 'redis',
    repositories: ['docker.io/library/redis'],
    writes: [
      {
        path: '/data',
        why: "its RDB snapshots, writable by the image's redis user only; a failed save makes Redis refuse every write",
        flag: '--dir',
        ownedBy: 999,
        offWith: [
          { flag: '--save', value: '' },
          { flag: '--appendonly', value: 'no', byDefault: true },
        ],
      },
    ],
  },
  {
    // docker-library/mongo 8.0/Dockerfile: `chown -R mongodb:mongodb /data/db /data/configdb` (uid 999), VOLUME
    // /data/db: mongod exits when it cannot write its dbpath.
    name: 'mongo',
    repositories: ['docker.io/library/mongo'],
    writes: [{ path: '/data/db', why: "its dbpath, writable by the image's mongodb user only; mongod exits", ownedBy: 999 }],
  },
  {
    // docker-library/cassandra 4.1/Dockerfile: CASSANDRA_CONF=/etc/cassandra, /var/log/cassandra (the JVM's GC log),
    // /var/lib/cassandra a VOLUME, all 1777; docker-entrypoint.sh rewrites cassandra.yaml and
    // cassandra-rackdc.properties in /etc/cassandra under `set -e` (blueprints/scenarios/cassandra.ts copies them
    // into a volume with an init container).
    name: 'cassandra',
    repositories: ['docker.io/library/cassandra'],
    writes: [
      { path: '/etc/cassandra', why: 'cassandra.yaml and cassandra-rackdc.properties, which the entrypoint rewrites under set -e' },
      { path: '/var/log/cassandra', why: "the JVM's GC log and Cassandra's system log" },
    ],
    volumes: ['/var/lib/cassandra'],
  },
  {
    // prometheus/prometheus Dockerfile: `chown -R nobody:nogroup etc/prometheus /prometheus`, `USER nobody`, VOLUME and WORKDIR
    // /prometheus, the TSDB path (`--storage.tsdb.path=/prometheus` in the CMD, which args replace): Prometheus exits
    // when it cannot open it. nobody is 65534, and containerd copies the VOLUME's ownership into the anonymous volume.
    name: 'prom/prometheus',
    repositories: ['docker.io/prom/prometheus', 'quay.io/prometheus/prometheus'],
    writes: [
      {
        path: '/prometheus',
        why: "its TSDB, writable by the image's nobody user only; Prometheus exits",
        flag: '--storage.tsdb.path',
        ownedBy: 65534,
      },
    ],
  },
];

/** Registries that are Docker Hub. */
const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * The repository of an image reference, normalized as the runtime resolves it:
 * `nginx:1.27`, `library/nginx@sha256:…` and `docker.io/library/nginx` are all
 * `docker.io/library/nginx`; `mynginx` and `nginx-custom` are not. Undefined for
 * anything that is no reference.
 */
export function imageRepository(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return undefined;
  let rest = image.split('@')[0];
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) rest = rest.slice(0, colon);
  const parts = rest.split('/');
  // The first part is a registry when it looks like a host (a dot, a port, or localhost), as the runtime decides.
  const hasRegistry = parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost');
  const registry = hasRegistry ? parts.shift()!.toLowerCase() : 'docker.io';
  if (parts.some((p) => p === '')) return undefined;
  if (DOCKER_HUB.has(registry)) return `docker.io/${parts.length === 1 ? 'library/' : ''}${parts.join('/')}`;
  return `${registry}/${parts.join('/')}`;
}

/**
 * Mirrors that serve Docker Hub's repositories as they are: Google's pull-through cache (mirror.gcr.io) and the
 * Docker Official Images on Amazon ECR Public (public.ecr.aws/docker/library/<name>).
 */
const DOCKER_HUB_MIRRORS: readonly (readonly [string, string])[] = [
  ['mirror.gcr.io/', 'docker.io/'],
  ['public.ecr.aws/docker/library/', 'docker.io/library/'],
];

/** The facts of an image reference, if the table knows its repository (or a Docker Hub mirror of it). */
export function imageFacts(image: unknown): ImageFacts | undefined {
  const found = imageRepository(image);
  if (found === undefined) return undefined;
  const mirror = DOCKER_HUB_MIRRORS.find(([prefix]) => found.startsWith(prefix));
  const repo = mirror ? imageRepository(mirror[1] + found.slice(mirror[0].length)) : found;
  return KNOWN_IMAGES.find((f) => repo !== undefined && f.repositories.includes(repo));
}

/** `/a/b/` → `/a/b` (the root stays `/`). */
const trimmed = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);
/**
 * The path with `/var/run` spelled `/run`: on the Debian, Alpine and Oracle Linux bases of the official images
 * `/var/run` is a symlink to `/run` (base-files, alpine-baselayout, filesystem), so a volume at one covers the other.
 */
const canonical = (p: string) => (p === '/var/run' || p.startsWith('/var/run/') ? p.slice('/var'.length) : p);
const under = (pathIn: string, dirIn: string) => {
  const path = canonical(trimmed(pathIn));
  const d = canonical(trimmed(dirIn));
  return path === d || path.startsWith(d === '/' ? '/' : `${d}/`);
};

/** A mount of the container, with what backs it. */
interface Mount {
  readonly index: number;
  readonly path: string;
  readonly subPath: boolean;
  /** Data survives the pod and a fresh one may hold lost+found: a claim (or an inline ephemeral claim). */
  readonly claim: boolean;
  readonly writable: boolean;
}

/** Volume sources that are always mounted read-only. */
const READ_ONLY_SOURCES = ['configMap', 'secret', 'projected', 'downwardAPI'];

function mountsOf(t: PodTemplateRef, c: any): Mount[] {
  const volumes = new Map<string, any>();
  for (const vol of arr(t.spec.volumes)) if (isObject(vol) && typeof vol.name === 'string') volumes.set(vol.name, vol);
  const templates = new Set(t.owner.kind === 'StatefulSet' ? arr(t.owner.spec?.volumeClaimTemplates).map((x) => x?.metadata?.name) : []);
  return arr(c.volumeMounts).flatMap((m, index): Mount[] => {
    if (!isObject(m) || typeof m.mountPath !== 'string' || !m.mountPath.startsWith('/')) return [];
    const vol = volumes.get(m.name);
    const fromTemplate = !vol && templates.has(m.name);
    // A volume the pod does not define is another rule's finding: counted as writable, so it is not reported twice.
    const source = vol ? Object.entries(vol).find(([k]) => k !== 'name') : undefined;
    const readOnlySource =
      source !== undefined && (READ_ONLY_SOURCES.includes(source[0]) || (isObject(source[1]) && source[1].readOnly === true));
    return [
      {
        index,
        path: trimmed(m.mountPath),
        subPath: (typeof m.subPath === 'string' && m.subPath !== '') || (typeof m.subPathExpr === 'string' && m.subPathExpr !== ''),
        claim: fromTemplate || (source !== undefined && ['persistentVolumeClaim', 'ephemeral'].includes(source[0])),
        writable: m.readOnly !== true && !readOnlySource,
      },
    ];
  });
}

/** The mount a path is on: the deepest one at or above it. */
function mountAt(mounts: readonly Mount[], path: string): Mount | undefined {
  const depth = (m: Mount) => canonical(m.path).length;
  return mounts.filter((m) => under(path, m.path)).sort((a, b) => depth(b) - depth(a))[0];
}

/** The value of a flag in args (`--flag=v` or `--flag v`, the last one wins), undefined when absent. */
function flagValue(args: readonly unknown[], flag: string): string | undefined {
  for (let i = args.length - 1; i >= 0; i--) {
    const a = args[i];
    if (typeof a !== 'string') continue;
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
    if (a === flag && typeof args[i + 1] === 'string') return args[i + 1] as string;
  }
  return undefined;
}

/**
 * The entrypoints of the official images (docker-library's `docker-entrypoint.sh` in /usr/local/bin, nginx's
 * `/docker-entrypoint.sh`): a command that names one runs what the image runs.
 */
const ENTRYPOINTS = new Set(['docker-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh', '/docker-entrypoint.sh']);

/** The arguments the image's entrypoint gets, or undefined when a command of its own replaces the entrypoint. */
function entrypointArgs(c: any): unknown[] | undefined {
  const command = arr(c.command);
  if (command.length === 0) return arr(c.args);
  return ENTRYPOINTS.has(command[0]) ? [...command.slice(1), ...arr(c.args)] : undefined;
}

/**
 * The data directory the container uses: moved by a literal env value or a flag in args, else the image's.
 * Undefined when it is not known here: a Secret or field sets the variable, `envFrom` may (a ConfigMap or Secret
 * the manifest does not show), or a mounted configuration file may set it.
 */
function dataDirOf(c: any, args: readonly unknown[], mounts: readonly Mount[], d: ImageDataDir): string | undefined {
  if ((d.config ?? []).some((cfg) => mounts.some((m) => under(m.path, cfg) || under(cfg, m.path)))) return undefined;
  if (d.env) {
    const e = [...arr(c.env)].reverse().find((x) => x?.name === d.env);
    if (e) return typeof e.value === 'string' && e.value.startsWith('/') ? trimmed(e.value) : e.valueFrom ? undefined : d.path;
    if (arr(c.envFrom).length > 0) return undefined;
  }
  const flagged = d.flag ? flagValue(args, d.flag) : undefined;
  return flagged !== undefined ? trimmed(flagged) : d.path;
}

/**
 * The paths the container writes at start, as its args leave them: moved by a flag, dropped when flags turn the
 * write off, and dropped when the image's own VOLUME owned by its user is what it writes and the pod runs as that
 * user or root, or sets no UID (containerd copies the VOLUME's ownership into the anonymous volume).
 */
function writesOf(f: ImageFacts, args: readonly unknown[], uid: unknown): ImageWrite[] {
  return f.writes.flatMap((w): ImageWrite[] => {
    const off = (o: NonNullable<ImageWrite['offWith']>[number]) => {
      const given = flagValue(args, o.flag);
      return given === o.value || (given === undefined && o.byDefault === true);
    };
    if (w.offWith && w.offWith.every(off)) return [];
    const moved = w.flag ? flagValue(args, w.flag) : undefined;
    if (moved !== undefined && moved.startsWith('/') && trimmed(moved) !== w.path) return [{ path: trimmed(moved), why: w.why }];
    if (w.ownedBy !== undefined && (typeof uid !== 'number' || uid === 0 || uid === w.ownedBy)) return [];
    return [w];
  });
}

/** The UID the container runs as, if the pod says (else the image's user). */
function uidOf(t: PodTemplateRef, c: any): unknown {
  return c.securityContext?.runAsUser ?? t.spec.securityContext?.runAsUser;
}

/** The lowest port the pod lets a non-root process bind (net.ipv4.ip_unprivileged_port_start), 1024 without the sysctl. */
function unprivilegedPortStart(t: PodTemplateRef): number {
  const s = arr(t.spec.securityContext?.sysctls).find((x) => x?.name === 'net.ipv4.ip_unprivileged_port_start');
  const n = Number(s?.value);
  return s && Number.isInteger(n) ? n : 1024;
}

/** The violations of one container of a known image. */
function containerViolations(t: PodTemplateRef, c: any, at: string, f: ImageFacts, args: readonly unknown[]): Violation[] {
  const out: Violation[] = [];
  const who = `container '${c.name}' (${c.image})`;
  const mounts = mountsOf(t, c);
  const readOnlyRoot = c.securityContext?.readOnlyRootFilesystem === true;
  const writable = (p: string) => mountAt(mounts, p)?.writable === true;
  const uid = uidOf(t, c);
  // A volume over the main configuration may move what the image writes and the port it listens on.
  const ownConfig = f.mainConfig === undefined || !mounts.some((m) => under(f.mainConfig!, m.path));

  if (readOnlyRoot && ownConfig) {
    const missing = writesOf(f, args, uid).filter((w) => !writable(w.path));
    if (missing.length) {
      // The writablePaths the workload needs: the scratch (emptyDir) paths it has, plus the missing ones.
      const scratch = arr(c.volumeMounts)
        .filter((m) => arr(t.spec.volumes).some((vol) => vol?.name === m?.name && vol.emptyDir !== undefined))
        .map((m) => trimmed(m.mountPath));
      const paths = [...new Set([...scratch, ...missing.map((w) => w.path)])];
      out.push(
        v(
          t.owner,
          `${at}/volumeMounts`,
          `${who} writes ${missing.map((w) => `${w.path} (${w.why})`).join(' and ')}, but the root filesystem is read-only and no writable volume is mounted there: it cannot start`,
          `writablePaths: [${paths.map((p) => `'${p}'`).join(', ')}] (in YAML: an emptyDir volumeMount at ${missing.map((w) => w.path).join(' and ')})${f.instead ? `, or use ${f.instead}` : ''}`,
        ),
      );
    }
  }

  const d = f.dataDir;
  const dir = d && dataDirOf(c, args, mounts, d);
  if (d && dir !== undefined) {
    const m = mountAt(mounts, dir);
    const moved = d.env ? `env ${d.env}=${d.subdirectory}` : `args: ['${d.flag}=${d.subdirectory}']`;
    if (m && canonical(m.path) === canonical(dir) && m.claim && !m.subPath)
      out.push(
        v(
          t.owner,
          `${at}/volumeMounts/${m.index}`,
          `${who} initializes its data in ${dir}, the root of a claim: ${d.why}, so it cannot start`,
          `set ${moved}, a subdirectory of the claim, or mount the claim with a subPath`,
        ),
      );
    else if (readOnlyRoot && !m?.writable && !(f.volumes ?? []).some((vol) => under(dir, vol)))
      out.push(
        v(
          t.owner,
          `${at}/volumeMounts`,
          `${who} keeps its data in ${dir}, which is on the read-only root filesystem: it cannot start`,
          `mount a claim at ${d.path} and set ${moved}`,
        ),
      );
  }

  const l = f.listens;
  if (
    l &&
    ownConfig &&
    typeof uid === 'number' &&
    uid !== 0 &&
    unprivilegedPortStart(t) > l.port &&
    !mounts.some((m) => l.config.some((cfg) => under(cfg, m.path)))
  )
    out.push(
      v(
        t.owner,
        `${podSpecPointer(t.owner.kind)}/securityContext/sysctls`,
        `${who} listens on port ${l.port} (its own configuration) as UID ${uid}, and the pod does not lower net.ipv4.ip_unprivileged_port_start to ${l.port}: binding fails and it cannot start`,
        `declare the port it listens on (ports: [{ name: 'http', port: ${l.port} }]: the workload then sets the sysctl; in YAML securityContext.sysctls net.ipv4.ip_unprivileged_port_start: '${l.port}')${f.instead ? `, or use ${f.instead}` : ', or mount a configuration that listens on a port from 1024'}`,
      ),
    );
  return out;
}

export const IMAGE_FACT_RULES: readonly Rule[] = [
  {
    code: 'IMAGE_CANNOT_START',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates'],
    description: `A container of a well-known image (${KNOWN_IMAGES.map((f) => f.name).join(', ')}; matched by repository, any tag or digest) that runs the image's own entrypoint (no command) gets what the image needs to start: with a read-only root filesystem, a writable volume (an emptyDir, or a claim not mounted read-only) at every path it writes; its data directory (postgres' PGDATA, mysql's datadir) not the root of a claim, where lost+found makes initialization refuse it; and, running as a non-root UID, net.ipv4.ip_unprivileged_port_start at or below the port below 1024 its own configuration listens on (unless a volume is mounted over that configuration). Directories the image declares as VOLUMEs and opens to any UID are not required: containerd gives them writable scratch; one owned by the image's user (redis, mongo, prometheus) only when the pod sets another non-root UID. Flags in args that move a path (--storage.tsdb.path, redis' --dir, --datadir) are followed, /var/run is /run, and what a mounted main configuration (nginx.conf, httpd.conf, /etc/mysql, /etc/my.cnf) or envFrom may set is not judged.`,
    fix: 'mount writable volumes where the image writes (writablePaths), move its data directory into a subdirectory of the claim, or use an unprivileged variant of the image',
    check: (ix: ManifestIndex) =>
      ix.templates.flatMap((t) =>
        containers(t).flatMap(({ c, at }) => {
          // A command replaces the image's entrypoint (unless it names that entrypoint): what the entrypoint and
          // default command write is not what runs.
          const args = entrypointArgs(c);
          const f = args && imageFacts(c.image);
          return f ? containerViolations(t, c, at, f, args!) : [];
        }),
      ),
  },
];
