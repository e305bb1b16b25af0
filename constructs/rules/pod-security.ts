/*
 * The Pod Security Standards, decided on a rendered pod spec against the
 * level its namespace enforces. Whatever path the props took (a Volume passed
 * through `mounts`, a security profile, a PodPreset), what counts is what the
 * pod spec says: the API server's admission plugin judges the same thing.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/ (v1.28)
 *
 * Works on plain objects of unknown shape (any YAML fed to `check`), so every
 * access is defensive.
 */

import type { ManifestIndex, PodTemplateRef } from './manifest-index';
import type { Rule, RuleContext, Violation } from './rule';

/** A Pod Security Standards level. */
export type PodSecurityLevelName = 'privileged' | 'baseline' | 'restricted';

/** The level a namespace label names; anything unknown counts as `restricted` (the safe side). */
export function podSecurityLevelOf(label: unknown): PodSecurityLevelName {
  return label === 'privileged' || label === 'baseline' ? label : 'restricted';
}

/** One violation: a stable code, where in the pod spec, and what is wrong. */
export interface PodSecurityViolation {
  readonly code: string;
  /** JSON pointer inside the pod spec, e.g. `/containers/0/securityContext/privileged`. */
  readonly pointer: string;
  readonly message: string;
  readonly fix: string;
  /** The weakest level that admits it. */
  readonly needs: PodSecurityLevelName;
}

/** Capabilities the baseline level lets a container add. */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** Volume types the restricted level admits. */
export const RESTRICTED_VOLUME_TYPES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

const obj = (v: unknown): Record<string, any> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as any) : {});
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

/** Every violation of the Pod Security Standards in `podSpec`, whatever level; filter with `violationsAbove`. */
export function podSecurityViolations(podSpec: unknown): PodSecurityViolation[] {
  const spec = obj(podSpec);
  const out: PodSecurityViolation[] = [];
  const add = (code: string, needs: PodSecurityLevelName, pointer: string, message: string, fix: string) =>
    out.push({ code, pointer, message, fix, needs });
  const podCtx = obj(spec.securityContext);
  const groups = [
    ['initContainers', list(spec.initContainers)],
    ['containers', list(spec.containers)],
    ['ephemeralContainers', list(spec.ephemeralContainers)],
  ] as const;

  // ── baseline ──
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC'])
    if (spec[k] === true) add('PSS_HOST_NAMESPACES', 'privileged', `/${k}`, `shares the node's ${k.slice(4)} namespace`, `remove ${k}`);
  for (const [i, v] of list(spec.volumes).entries()) {
    const vol = obj(v);
    if (vol.hostPath !== undefined)
      add(
        'HOSTPATH_FORBIDDEN',
        'privileged',
        `/volumes/${i}/hostPath`,
        `volume '${str(vol.name)}' mounts the node's ${str(obj(vol.hostPath).path)}`,
        "use another volume type, or run the pod in a namespace whose Pod Security level is 'privileged' (e.g. a dedicated node-agents namespace)",
      );
    const types = Object.keys(vol).filter((k) => k !== 'name');
    const other = types.filter((t) => !RESTRICTED_VOLUME_TYPES.has(t) && t !== 'hostPath');
    if (other.length)
      add(
        'PSS_VOLUME_TYPE',
        'baseline',
        `/volumes/${i}`,
        `volume '${str(vol.name)}' is of type ${other.join(', ')}, outside the restricted list`,
        `use one of ${[...RESTRICTED_VOLUME_TYPES].join(', ')}`,
      );
  }
  for (const [i, s] of list(podCtx.sysctls).entries())
    if (!SAFE_SYSCTLS.has(obj(s).name))
      add(
        'PSS_SYSCTL',
        'privileged',
        `/securityContext/sysctls/${i}`,
        `sets unsafe sysctl ${str(obj(s).name)}`,
        'set only the safe sysctls',
      );
  if (obj(podCtx.windowsOptions).hostProcess === true)
    add(
      'PSS_PRIVILEGED',
      'privileged',
      '/securityContext/windowsOptions/hostProcess',
      'runs as a Windows host process',
      'remove hostProcess',
    );
  const podSeccomp = obj(podCtx.seccompProfile).type;
  if (podSeccomp === 'Unconfined')
    add('PSS_SECCOMP', 'privileged', '/securityContext/seccompProfile', 'disables seccomp', "use seccompProfile type 'RuntimeDefault'");
  const seLinux = (ctx: Record<string, any>, at: string) => {
    const se = obj(ctx.seLinuxOptions);
    const badType = se.type !== undefined && !['', 'container_t', 'container_init_t', 'container_kvm_t'].includes(se.type);
    if (badType || (se.user !== undefined && se.user !== '') || (se.role !== undefined && se.role !== ''))
      add('PSS_SELINUX', 'privileged', `${at}/seLinuxOptions`, 'sets a custom SELinux user, role or type', 'remove seLinuxOptions');
  };
  seLinux(podCtx, '/securityContext');
  const podNonRoot = podCtx.runAsNonRoot;
  const podUid = podCtx.runAsUser;
  if (podUid === 0)
    add('PSS_RUN_AS_ROOT', 'baseline', '/securityContext/runAsUser', 'runs as UID 0 (root)', 'run as a non-zero UID, e.g. 10001');

  for (const [group, containers] of groups) {
    for (const [i, c0] of containers.entries()) {
      const c = obj(c0);
      const at = `/${group}/${i}`;
      const name = str(c.name);
      const ctx = obj(c.securityContext);
      // A violation of this container: `field` below it, the message after its name.
      const violates = (code: string, needs: PodSecurityLevelName, field: string, what: string, fix: string) =>
        add(code, needs, `${at}/${field}`, `container '${name}' ${what}`, fix);
      if (ctx.privileged === true)
        violates('PSS_PRIVILEGED', 'privileged', 'securityContext/privileged', 'is privileged', 'remove privileged');
      if (obj(ctx.windowsOptions).hostProcess === true)
        violates('PSS_PRIVILEGED', 'privileged', 'securityContext/windowsOptions', 'is a host process', 'remove hostProcess');
      const caps = obj(ctx.capabilities);
      const added = list(caps.add).map(str);
      const beyondBaseline = added.filter((x) => !BASELINE_CAPABILITIES.has(x));
      if (beyondBaseline.length)
        violates(
          'PSS_CAPABILITIES',
          'privileged',
          'securityContext/capabilities/add',
          `adds ${beyondBaseline.join(', ')}`,
          'add only capabilities the baseline level allows (restricted: NET_BIND_SERVICE only)',
        );
      const beyondRestricted = added.filter((x) => x !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.has(x));
      if (beyondRestricted.length)
        violates(
          'PSS_CAPABILITIES',
          'baseline',
          'securityContext/capabilities/add',
          `adds ${beyondRestricted.join(', ')}; restricted allows only NET_BIND_SERVICE`,
          'drop the capability, or run the pod in a baseline namespace',
        );
      if (!list(caps.drop).includes('ALL'))
        violates(
          'PSS_CAPABILITIES',
          'baseline',
          'securityContext/capabilities/drop',
          'does not drop ALL capabilities',
          "set capabilities.drop: ['ALL']",
        );
      for (const [j, p] of list(c.ports).entries())
        if (obj(p).hostPort !== undefined && obj(p).hostPort !== 0)
          violates('PSS_HOST_PORTS', 'privileged', `ports/${j}/hostPort`, 'binds a host port', 'expose it through a Service');
      if (ctx.procMount !== undefined && ctx.procMount !== 'Default')
        violates('PSS_PROC_MOUNT', 'privileged', 'securityContext/procMount', 'unmasks /proc', 'remove procMount');
      seLinux(ctx, `${at}/securityContext`);
      const seccomp = obj(ctx.seccompProfile).type;
      if (seccomp === 'Unconfined')
        violates('PSS_SECCOMP', 'privileged', 'securityContext/seccompProfile', 'disables seccomp', "use 'RuntimeDefault'");
      // ── restricted ──
      if (ctx.allowPrivilegeEscalation !== false)
        violates(
          'PSS_PRIVILEGE_ESCALATION',
          'baseline',
          'securityContext/allowPrivilegeEscalation',
          'may escalate privileges',
          'set allowPrivilegeEscalation: false',
        );
      const nonRoot = ctx.runAsNonRoot ?? podNonRoot;
      if (nonRoot !== true)
        violates('PSS_RUN_AS_ROOT', 'baseline', 'securityContext/runAsNonRoot', 'may run as root', 'set runAsNonRoot: true');
      if (ctx.runAsUser === 0)
        violates('PSS_RUN_AS_ROOT', 'baseline', 'securityContext/runAsUser', 'runs as UID 0', 'run as a non-zero UID');
      if (!['RuntimeDefault', 'Localhost'].includes(seccomp ?? podSeccomp))
        violates(
          'PSS_SECCOMP',
          'baseline',
          'securityContext/seccompProfile',
          'has no RuntimeDefault or Localhost seccomp profile',
          "set the pod's seccompProfile type to 'RuntimeDefault'",
        );
    }
  }
  return out;
}

const RANK: Record<PodSecurityLevelName, number> = { privileged: 0, baseline: 1, restricted: 2 };

/** The violations a namespace enforcing `level` refuses. */
export function violationsAbove(podSpec: unknown, level: PodSecurityLevelName): PodSecurityViolation[] {
  return podSecurityViolations(podSpec).filter((v) => RANK[v.needs] < RANK[level]);
}

/**
 * The level namespace `ns` enforces: its Namespace in the same output, else the
 * declared cluster facts (a construct-known level), else restricted.
 */
export function namespaceLevel(ix: ManifestIndex, context: RuleContext, ns: string | undefined): PodSecurityLevelName {
  return podSecurityLevelOf(ix.psaLevel(ns) ?? context.namespacePodSecurity?.[ns ?? '']);
}

/** Where the pod spec sits in an object of `kind` (pointers of findings are into the object). */
export function podSpecPointer(kind: unknown): string {
  if (kind === 'CronJob') return '/spec/jobTemplate/spec/template/spec';
  if (kind === 'PodTemplate') return '/template/spec';
  if (kind === 'Pod') return '/spec';
  return '/spec/template/spec';
}

/** Each pod template judged once per index (every PSS rule reads the same verdicts), grouped by code. */
const judged = new WeakMap<ManifestIndex, WeakMap<RuleContext, Map<string, Violation[]>>>();
function judge(ix: ManifestIndex, context: RuleContext): Map<string, Violation[]> {
  let byContext = judged.get(ix);
  if (!byContext) judged.set(ix, (byContext = new WeakMap()));
  let byCode = byContext.get(context);
  if (byCode) return byCode;
  byCode = new Map();
  for (const t of ix.templates as readonly PodTemplateRef[]) {
    const level = namespaceLevel(ix, context, t.namespace);
    if (level === 'privileged') continue;
    const at = podSpecPointer(t.owner.kind);
    const what = `${str(t.owner.kind)} ${str(t.owner.metadata?.name)}`;
    for (const x of violationsAbove(t.spec, level)) {
      let list = byCode.get(x.code);
      if (!list) byCode.set(x.code, (list = []));
      list.push({
        object: t.owner,
        pointer: `${at}${x.pointer}`,
        message: `${x.message}, which namespace ${t.namespace ?? '(none)'} (Pod Security '${level}') refuses`,
        fix: `${x.fix} (${what})`,
      });
    }
  }
  byContext.set(context, byCode);
  return byCode;
}

/** What each code checks, for the catalogue. */
const POD_SECURITY_CODES: readonly (readonly [code: string, description: string, fix: string])[] = [
  ['PSS_HOST_NAMESPACES', 'Pod Security baseline: no hostNetwork, hostPID or hostIPC.', 'remove hostNetwork/hostPID/hostIPC'],
  [
    'HOSTPATH_FORBIDDEN',
    'Pod Security baseline: no hostPath volumes, except in namespaces that enforce the privileged level.',
    'use another volume type, or move the node agent to a namespace enforcing privileged',
  ],
  [
    'PSS_VOLUME_TYPE',
    'Pod Security restricted: only the restricted volume types.',
    `use one of ${[...RESTRICTED_VOLUME_TYPES].join(', ')}`,
  ],
  ['PSS_SYSCTL', 'Pod Security baseline: only the safe sysctls.', 'set only the safe sysctls'],
  ['PSS_PRIVILEGED', 'Pod Security baseline: no privileged containers or Windows host processes.', 'remove securityContext.privileged'],
  [
    'PSS_CAPABILITIES',
    'Pod Security restricted: drop ALL capabilities, add at most NET_BIND_SERVICE (baseline: the baseline set).',
    "set securityContext.capabilities: { drop: ['ALL'] }",
  ],
  ['PSS_HOST_PORTS', 'Pod Security baseline: no hostPort.', 'expose the port through a Service instead'],
  ['PSS_PROC_MOUNT', 'Pod Security baseline: the default /proc mask.', 'remove procMount'],
  ['PSS_SELINUX', 'Pod Security baseline: no custom SELinux user, role or type.', 'remove seLinuxOptions'],
  [
    'PSS_SECCOMP',
    'Pod Security: seccomp never Unconfined (baseline); RuntimeDefault or Localhost (restricted).',
    'set securityContext.seccompProfile.type: RuntimeDefault on the pod',
  ],
  [
    'PSS_PRIVILEGE_ESCALATION',
    'Pod Security restricted: allowPrivilegeEscalation is false.',
    'set securityContext.allowPrivilegeEscalation: false',
  ],
  [
    'PSS_RUN_AS_ROOT',
    'Pod Security restricted: runAsNonRoot, never UID 0.',
    'set securityContext.runAsNonRoot: true and a non-zero runAsUser',
  ],
];

/**
 * The Pod Security Standards as catalogue rules: every pod template of the
 * output is judged once against the level its namespace enforces (the
 * Namespace in the same output, else the declared cluster facts, else
 * restricted); a workload may relax toward that level (securityProfile), never beyond.
 */
export const POD_SECURITY_RULES: readonly Rule[] = POD_SECURITY_CODES.map(([code, description, fix]) => ({
  code,
  severity: 'error',
  category: 'security',
  inspects: ['pod templates', 'Namespace'],
  description,
  fix,
  check: (ix, context) => judge(ix, context).get(code) ?? [],
}));
