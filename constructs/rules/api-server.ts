import { IssueInput } from '../core/errors';
import { LabelFault, NameRule, envVarNameIssue, labelMapFaults, labelSelectorFaults, nameIssue, pointerPart } from '../core/names';
import { portNameIssue, portNumberIssue } from '../core/ports';
import { requestAboveLimitIssues } from '../core/resources';
import { isSet, nulPathIssue, text } from '../core/value-issues';
import { quotaScopeIssues, scopeSelectorIssues } from '../namespace/resource-quota';
import { ipBlockIssues } from '../networking/network-intent';
import { serviceTypeIssues, servicePortIssues } from '../networking/service-ports';
import { crossVersionRefIssues } from '../policy/autoscaling';
import { pdbBudgetIssue } from '../policy/pod-disruption-budget';
import { spreadConstraintIssues, tolerationIssues } from '../scheduling/placement';
import { rollingUpdateIssues } from '../workloads/release';
import { mountPathKey } from '../workloads/container';
import { ManifestIndex, PodTemplateRef, arr, isEmptySelector, isObject, podTemplateOf, selects } from './manifest-index';
import { containers, execViolations, issuePointer, mountViolations, pointerOf, refused, resolved } from './pod-api';
import { podSpecPointer } from './pod-security';
import { Rule, Violation, v } from './rule';

/*
 * What the API server refuses outright (422 Unprocessable Entity) in a pod
 * template, a Service, a PodDisruptionBudget, a HorizontalPodAutoscaler, a
 * NetworkPolicy or a ResourceQuota, which the typed constructs refuse when built or cannot
 * render: these rules hold raw ApiObjects, included YAML and foreign manifests
 * to the same checks, through the functions the constructs use, with the
 * construct's code where one refuses the same defect.
 */

/** Violations of `o` from construct issues whose fields are relative to `base`. */
function fromIssues(o: any, base: string, issues: readonly IssueInput[], subject = ''): Violation[] {
  return issues.map((i) => v(o, pointerOf(base, i.field), refused(o.kind, `${subject}${i.field} ${i.message}`), i.fix));
}

/** Workload kinds whose pods run forever (restartPolicy Always only, no activeDeadlineSeconds). */
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController']);
/** Kinds of apps/v1 whose selector must select their template's labels. */
const SELECTING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

const appsWorkloads = (ix: ManifestIndex) =>
  ix.objects.filter((o) => isObject(o) && SELECTING.has(o.kind) && o.apiVersion === 'apps/v1' && isObject(o.spec));

/** The HorizontalPodAutoscalers (any autoscaling/ version) with a spec. */
const hpas = (ix: ManifestIndex) =>
  ix.ofKind('HorizontalPodAutoscaler').filter((o) => String(o.apiVersion).startsWith('autoscaling/') && isObject(o.spec));

/** Each pod template with the pointer to its pod spec. */
const pods = (ix: ManifestIndex) => ix.templates.map((t) => ({ t, base: podSpecPointer(t.owner.kind) }));

interface VolumeViolations {
  readonly duplicates: Violation[];
  readonly missing: Violation[];
}

/** VOLUME_DUPLICATE and MOUNT_INVALID read one scan of a template's volumes and mounts. */
const volumeScans = new WeakMap<PodTemplateRef, VolumeViolations>();

function volumeViolations(t: PodTemplateRef, base: string): VolumeViolations {
  let scan = volumeScans.get(t);
  if (!scan) volumeScans.set(t, (scan = scanVolumes(t, base)));
  return scan;
}

function scanVolumes(t: PodTemplateRef, base: string): VolumeViolations {
  const names = new Map<string, number>();
  const duplicates: Violation[] = [];
  arr(t.spec.volumes).forEach((vol, i) => {
    const name = vol?.name;
    if (typeof name !== 'string') return;
    const first = names.get(name);
    if (first === undefined) names.set(name, i);
    else
      duplicates.push(
        v(
          t.owner,
          `${base}/volumes/${i}/name`,
          `volume '${name}' is declared twice (also volumes[${first}]): the API server refuses the pod`,
        ),
      );
  });
  // A StatefulSet's claim templates are volumes of its pods too (the controller adds them).
  const claims = new Set(t.owner.kind === 'StatefulSet' ? arr(t.owner.spec?.volumeClaimTemplates).map((c) => c?.metadata?.name) : []);
  const missing = containers(t).flatMap(({ c, at }) =>
    arr(c.volumeMounts).flatMap((m, j) =>
      typeof m?.name === 'string' && !names.has(m.name) && !claims.has(m.name)
        ? [
            v(
              t.owner,
              `${at}/volumeMounts/${j}/name`,
              `container '${c.name}' mounts volume '${m.name}', which the pod does not declare: the API server refuses the pod (not found)`,
            ),
          ]
        : [],
    ),
  );
  return { duplicates, missing };
}

/** SECURITY_INVALID for a seccomp profile the API server refuses (validateSeccompProfileField). */
function seccompViolations(t: PodTemplateRef, base: string): Violation[] {
  const contexts = [
    { sc: t.spec.securityContext, at: `${base}/securityContext`, who: 'the pod' },
    ...containers(t).map(({ c, at }) => ({ sc: c.securityContext, at: `${at}/securityContext`, who: `container '${c.name}'` })),
  ];
  return contexts.flatMap(({ sc, at, who }) => {
    const p = isObject(sc) ? sc.seccompProfile : undefined;
    if (!isObject(p)) return [];
    const local = p.type === 'Localhost';
    const profile = typeof p.localhostProfile === 'string' && p.localhostProfile !== '';
    if (local && !profile)
      return [
        v(
          t.owner,
          `${at}/seccompProfile`,
          `${who} has seccompProfile type Localhost without a localhostProfile, which the API server refuses (it names the profile file)`,
        ),
      ];
    if (!local && isSet(p.localhostProfile))
      return [
        v(
          t.owner,
          `${at}/seccompProfile/localhostProfile`,
          `${who} sets localhostProfile with seccompProfile type ${String(p.type)}, which the API server refuses (Localhost only)`,
        ),
      ];
    return [];
  });
}

/** INTENT_INVALID for the ports and ipBlocks of a NetworkPolicy (ValidateNetworkPolicyPort, ValidateIPBlock). */
function networkPolicyViolations(o: any): Violation[] {
  const out: Violation[] = [];
  for (const [dir, peers] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const)
    arr(o.spec?.[dir]).forEach((rule, i) => {
      arr(rule?.[peers]).forEach((peer, j) => {
        if (isObject(peer?.ipBlock))
          out.push(
            ...fromIssues(
              o,
              `/spec/${dir}/${i}/${peers}/${j}/ipBlock`,
              ipBlockIssues(peer.ipBlock.cidr, arr(peer.ipBlock.except)),
              'ipBlock.',
            ),
          );
      });
      arr(rule?.ports).forEach((p, j) => {
        if (!isSet(p?.endPort)) return;
        const at = `/spec/${dir}/${i}/ports/${j}/endPort`;
        if (typeof p.port !== 'number')
          out.push(
            v(
              o,
              at,
              `ports[${j}] sets endPort with port ${JSON.stringify(p.port)}: the API server refuses endPort unless port is a number`,
              'give port as a number (the first of the range), or drop endPort',
            ),
          );
        else if (typeof p.endPort === 'number' && p.endPort < p.port)
          out.push(
            v(
              o,
              at,
              `ports[${j}] endPort ${p.endPort} is below port ${p.port}: the API server refuses the range`,
              'give an endPort at least port',
            ),
          );
      });
    });
  return out;
}

/** ENV_INVALID for env var names and envFrom prefixes the API server refuses. */
function envNameViolations(ix: ManifestIndex): Violation[] {
  return ix.templates.flatMap((t) =>
    containers(t).flatMap(({ c, at }) => {
      // ValidateEnv judges each name; ValidateEnvFrom each non-empty prefix by the same rule.
      const named = (name: unknown, pointer: string, what: string) => {
        const issue = envVarNameIssue('', name);
        return issue
          ? [v(t.owner, pointer, refused(t.owner.kind, `container '${c.name}' ${what} ${JSON.stringify(name)} ${issue.message}`))]
          : [];
      };
      return [
        ...arr(c.env).flatMap((e, j) => (isObject(e) ? named(e.name, `${at}/env/${j}/name`, 'env') : [])),
        ...arr(c.envFrom).flatMap((e, j) =>
          isObject(e) && typeof e.prefix === 'string' && e.prefix !== ''
            ? named(e.prefix, `${at}/envFrom/${j}/prefix`, 'envFrom prefix')
            : [],
        ),
      ];
    }),
  );
}

/**
 * PORT_INVALID for a container's ports, as validateContainerPorts judges them and
 * the typed containers judge theirs (portNumberIssue, portNameIssue): a containerPort
 * 1–65535, a hostPort in range unless 0 (none), an IANA service name given once.
 * A value of another type is the schema's.
 */
function containerPortViolations(t: PodTemplateRef, c: any, at: string): Violation[] {
  const seen = new Set<string>();
  return arr(c.ports).flatMap((p, j) => {
    if (!isObject(p)) return [];
    const issues = [
      typeof p.containerPort === 'number' ? portNumberIssue('PORT_INVALID', 'containerPort', p.containerPort) : undefined,
      typeof p.hostPort === 'number' && p.hostPort !== 0 ? portNumberIssue('PORT_INVALID', 'hostPort', p.hostPort) : undefined,
    ];
    const name = p.name;
    if (typeof name === 'string' && name !== '') {
      // As upstream: a name that is not a port name is not also a duplicate.
      const invalid = portNameIssue('PORT_INVALID', 'name', name);
      if (invalid || !seen.has(name)) issues.push(invalid);
      else
        issues.push({
          code: 'PORT_INVALID',
          field: 'name',
          value: name,
          message: 'names a second port of the container',
          fix: 'give each port its own name',
        });
      seen.add(name);
    }
    return issues.flatMap((i) =>
      i
        ? [
            v(
              t.owner,
              `${at}/ports/${j}/${i.field}`,
              refused(t.owner.kind, `container '${c.name}' ports[${j}].${i.field} ${JSON.stringify(i.value)} ${i.message}`),
              i.fix,
            ),
          ]
        : [],
    );
  });
}

/** The containers of a pod spec by list, ephemeral ones too (a pod template may not have them, a pod may). */
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

/**
 * NAME_INVALID for the names of a pod spec the API server holds to DNS-1123 labels, as the typed
 * containers hold theirs (nameIssue): every container's and volume's, the hostname and subdomain when set.
 */
function podNameViolations(t: PodTemplateRef, base: string): Violation[] {
  const named = (name: unknown, pointer: string, what: string) => {
    const issue = typeof name === 'string' ? nameIssue(NameRule.DNS1123_LABEL, what, name) : undefined;
    return issue ? [v(t.owner, pointer, refused(t.owner.kind, `${what} ${JSON.stringify(name)} ${issue.message}`), issue.fix)] : [];
  };
  return [
    ...CONTAINER_LISTS.flatMap((list) =>
      arr(t.spec[list]).flatMap((c, i) => (isObject(c) ? named(c.name, `${base}/${list}/${i}/name`, `${list}[${i}].name`) : [])),
    ),
    ...arr(t.spec.volumes).flatMap((vol, i) => (isObject(vol) ? named(vol.name, `${base}/volumes/${i}/name`, `volumes[${i}].name`) : [])),
    ...(['hostname', 'subdomain'] as const).flatMap((f) => (t.spec[f] === '' ? [] : named(t.spec[f], `${base}/${f}`, f))),
  ];
}

/**
 * CONTAINER_DUPLICATE for a container name the pod already has, judged in the API server's order
 * (validateContainers, validateInitContainers, validateEphemeralContainers): app containers among
 * themselves, then each init container against them and the init containers before it, then each
 * ephemeral container against all of those.
 */
function duplicateContainerViolations(t: PodTemplateRef, base: string): Violation[] {
  const seen = new Map<string, string>();
  const out: Violation[] = [];
  for (const list of CONTAINER_LISTS)
    arr(t.spec[list]).forEach((c, i) => {
      const name = isObject(c) ? c.name : undefined;
      if (typeof name !== 'string' || name === '') return;
      const first = seen.get(name);
      if (first === undefined) seen.set(name, `${list}[${i}]`);
      else
        out.push(
          v(
            t.owner,
            `${base}/${list}/${i}/name`,
            refused(t.owner.kind, `${list}[${i}] is named '${name}', as ${first} is: the API server refuses the pod (Duplicate value)`),
          ),
        );
    });
  return out;
}

/** STRATEGY_INVALID for a Deployment's strategy or a StatefulSet's updateStrategy (ValidateDeploymentStrategy, ValidateStatefulSetSpec). */
function strategyViolations(ix: ManifestIndex): Violation[] {
  return appsWorkloads(ix)
    .filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
    .flatMap((o) => {
      const field = o.kind === 'Deployment' ? 'strategy' : 'updateStrategy';
      const s = o.spec[field];
      if (!isObject(s)) return [];
      const ru = s.rollingUpdate;
      if (isSet(s.type) && s.type !== 'RollingUpdate')
        return isSet(ru)
          ? [
              v(
                o,
                `/spec/${field}/rollingUpdate`,
                `${field}.rollingUpdate is set with type ${text(s.type)}: the API server refuses it (only with RollingUpdate)`,
              ),
            ]
          : [];
      if (!isObject(ru) || o.kind !== 'Deployment') return [];
      return fromIssues(o, `/spec/${field}`, rollingUpdateIssues(ru.maxSurge, ru.maxUnavailable, 'rollingUpdate'));
    });
}

/** Kinds whose spec.replicas the API server holds non-negative (ValidateNonnegativeField), with the apiVersion each is read at. */
const REPLICATED: Readonly<Record<string, string>> = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  ReplicationController: 'v1',
};

/** What apps/v1 defaults a Deployment's progressDeadlineSeconds to (SetDefaults_Deployment), before validation. */
const DEFAULT_PROGRESS_DEADLINE = 600;

/**
 * STRATEGY_INVALID for the rollout counts of an apps/v1 workload (ValidateDeploymentSpec and its
 * siblings): minReadySeconds not negative, a Deployment's or DaemonSet's revisionHistoryLimit not
 * negative, and a Deployment's progressDeadlineSeconds, set or defaulted, above minReadySeconds.
 */
function rolloutCountViolations(o: any): Violation[] {
  const out: Violation[] = [];
  const negative = (f: string, why: string) => {
    const n = o.spec[f];
    if (typeof n === 'number' && n < 0)
      out.push(v(o, `/spec/${f}`, refused(o.kind, `spec.${f} is ${n}, below 0`), `give a ${f} of 0 or more (${why})`));
  };
  negative('minReadySeconds', '0: a pod counts as available once ready');
  if (o.kind === 'Deployment' || o.kind === 'DaemonSet') negative('revisionHistoryLimit', '0 keeps no old revision to roll back to');
  if (o.kind !== 'Deployment') return out;
  const minReady = typeof o.spec.minReadySeconds === 'number' ? o.spec.minReadySeconds : 0;
  const set = isSet(o.spec.progressDeadlineSeconds);
  const deadline = set ? o.spec.progressDeadlineSeconds : DEFAULT_PROGRESS_DEADLINE;
  if (typeof deadline === 'number' && deadline <= minReady)
    out.push(
      set
        ? v(
            o,
            '/spec/progressDeadlineSeconds',
            refused(o.kind, `spec.progressDeadlineSeconds ${deadline} is not greater than minReadySeconds ${minReady}`),
            'give a progressDeadlineSeconds above minReadySeconds (the default is 600)',
          )
        : v(
            o,
            '/spec/minReadySeconds',
            refused(
              o.kind,
              `spec.minReadySeconds ${minReady} is not below progressDeadlineSeconds, which the API server defaults to ${DEFAULT_PROGRESS_DEADLINE}`,
            ),
            'lower minReadySeconds, or set a progressDeadlineSeconds above it',
          ),
    );
  return out;
}

/** DNS_INVALID for dnsPolicy None without the dnsConfig, and nameserver, the pod then resolves with (validatePodDNSConfig). */
function dnsViolations(t: PodTemplateRef, base: string): Violation[] {
  if (t.spec.dnsPolicy !== 'None') return [];
  const config = t.spec.dnsConfig;
  if (!isObject(config))
    return [
      v(
        t.owner,
        `${base}/dnsPolicy`,
        refused(t.owner.kind, 'dnsPolicy is None without a dnsConfig: the pod would have no resolver, and the API server refuses it'),
      ),
    ];
  return arr(config.nameservers).length > 0
    ? []
    : [
        v(
          t.owner,
          `${base}/dnsConfig`,
          refused(t.owner.kind, 'dnsConfig names no nameserver with dnsPolicy None: the API server refuses the pod (at least one)'),
        ),
      ];
}

/** Keys whose `matchExpressions` are node or quota-scope requirements (Gt and Lt, scope names), judged elsewhere, not label selectors. */
const NOT_LABEL_SELECTORS = new Set(['nodeSelectorTerms', 'preference', 'scopeSelector']);

/**
 * LABEL_INVALID for every label map and label selector below an object's own
 * metadata (whose labels the schema stage judges): pod template and claim
 * template labels (and the operators' `podMetadata`), node selectors, a
 * Service's selector, and every `matchLabels` / `matchExpressions` selector,
 * wherever a kind keeps one (NetworkPolicy peers, PDBs, affinity and spread
 * terms, the operators' resources).
 */
function labelViolations(o: any): Violation[] {
  const out: Violation[] = [];
  // The path is kept as keys and joined into a pointer only for a fault: most objects have none.
  const path: string[] = [];
  const report = (faults: readonly LabelFault[], what: (at: string) => string) => {
    if (faults.length === 0) return;
    const at = `/${path.map(pointerPart).join('/')}`;
    for (const f of faults)
      out.push(v(o, [at, ...f.at.map((x) => pointerPart(String(x)))].join('/'), refused(o.kind, `${what(at)} ${f.message}`), f.fix));
  };
  const walk = (node: any, key: string): void => {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child = node[i];
        if (typeof child !== 'object' || child === null) continue;
        path.push(String(i));
        walk(child, key);
        path.pop();
      }
      return;
    }
    if (('matchLabels' in node || 'matchExpressions' in node) && !NOT_LABEL_SELECTORS.has(key))
      report(labelSelectorFaults(node), (at) => `the label selector at ${at}`);
    for (const k in node) {
      const child = node[k];
      if (typeof child !== 'object' || child === null) continue;
      path.push(k);
      // The object's own labels are the schema stage's (SCHEMA_LABEL_INVALID).
      const labels = k === 'labels' && (key === 'metadata' || key === 'podMetadata') && path.length > 2;
      const selectorMap =
        k === 'nodeSelector' || (path.length === 2 && key === 'spec' && k === 'selector' && o.kind === 'Service' && o.apiVersion === 'v1');
      if (labels || selectorMap) report(labelMapFaults(child), (at) => at);
      walk(child, k);
      path.pop();
    }
  };
  walk(o, '');
  return out;
}

export const API_SERVER_RULES: readonly Rule[] = [
  {
    code: 'SELECTOR_MISMATCH',
    severity: 'error',
    category: 'api-server',
    inspects: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
    description:
      "Every apps/v1 workload's selector is set, not empty (no matchLabels and no matchExpressions), and selects its own pod template's labels: the API server refuses it otherwise (`selector` does not match template `labels`).",
    fix: 'make spec.selector.matchLabels a subset of spec.template.metadata.labels (e.g. the app.kubernetes.io/name and instance labels)',
    check: (ix) =>
      appsWorkloads(ix).flatMap((o) => {
        const labels = podTemplateOf(o)?.metadata?.labels;
        const selector = o.spec.selector;
        // ValidateDeploymentSpec and its siblings: len(matchLabels) + len(matchExpressions) == 0 is refused even though it selects everything.
        if (isEmptySelector(selector))
          return [
            v(
              o,
              '/spec/selector',
              `spec.selector is missing or empty (empty selector is invalid for ${String(o.kind).toLowerCase()}): the API server refuses the workload`,
            ),
          ];
        return selects(selector, isObject(labels) ? labels : {})
          ? []
          : [v(o, '/spec/selector', "spec.selector does not select the pod template's labels: the API server refuses the workload")];
      }),
  },
  {
    code: 'LABEL_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['*'],
    description:
      "Every label below an object's own metadata (pod and claim templates), every node selector and Service selector, and every label selector (matchLabels, matchExpressions) has valid label keys and values, and its expressions valid operators: the API server refuses the object otherwise, and an operator cannot read such a selector in its resources.",
    fix: "use label keys such as 'app.kubernetes.io/name' and values of at most 63 letters, digits, '-', '_' and '.'; In and NotIn with values, Exists and DoesNotExist without",
    check: (ix) => ix.objects.filter(isObject).flatMap(labelViolations),
  },
  {
    code: 'TEMPLATE_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'],
    description:
      "A long-running workload's pod template has restartPolicy Always (or none) and no activeDeadlineSeconds: the API server refuses any other (validatePodTemplateSpecForReplicaSet and the like).",
    fix: 'drop restartPolicy (Always is the default) and activeDeadlineSeconds; a pod that should finish belongs in a Job',
    check: (ix) =>
      ix.templates
        .filter((t) => LONG_RUNNING.has(t.owner.kind))
        .flatMap((t) => {
          const base = podSpecPointer(t.owner.kind);
          const out: Violation[] = [];
          if (isSet(t.spec.restartPolicy) && t.spec.restartPolicy !== 'Always')
            out.push(
              v(
                t.owner,
                `${base}/restartPolicy`,
                `restartPolicy is ${JSON.stringify(t.spec.restartPolicy)}: the API server takes only Always in a ${t.owner.kind}`,
              ),
            );
          if (isSet(t.spec.activeDeadlineSeconds))
            out.push(
              v(
                t.owner,
                `${base}/activeDeadlineSeconds`,
                `activeDeadlineSeconds is set: the API server refuses it in a ${t.owner.kind}, whose pods run until replaced`,
              ),
            );
          return out;
        }),
  },
  {
    code: 'VOLUME_DUPLICATE',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description: 'No two volumes of a pod share a name: the API server refuses the pod (volumes: Duplicate value).',
    fix: 'give each volume its own name, and each volumeMount the name of the one it mounts',
    check: (ix) => pods(ix).flatMap(({ t, base }) => volumeViolations(t, base).duplicates),
  },
  {
    code: 'MOUNT_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description:
      'Every volumeMount names a volume of the pod: the API server refuses the pod otherwise (volumeMounts.name: Not found). No mountPath holds a NUL: the runtime hands it to the kernel as a C string, which refuses it, so the pod never starts.',
    fix: "declare the volume in the pod's volumes, or mount one the pod declares; remove a NUL character from the mountPath",
    check: (ix) => [
      ...pods(ix).flatMap(({ t, base }) => volumeViolations(t, base).missing),
      ...mountViolations(ix, (m, at) => [nulPathIssue('MOUNT_INVALID', `${at}.mountPath`, m.mountPath)]),
    ],
  },
  {
    code: 'MOUNT_PATH_DUPLICATE',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description: 'No container mounts two volumes at the same mountPath: the API server refuses the pod (mountPath must be unique).',
    fix: 'mount each path once in a container',
    check: (ix) =>
      ix.templates.flatMap((t) =>
        containers(t).flatMap(({ c, at }) => {
          // By the directory the runtime mounts at, as the workloads judge it: '/x' and '/x/' are one.
          const seen = new Set<string>();
          return arr(c.volumeMounts).flatMap((m, j) => {
            const path = m?.mountPath;
            if (typeof path !== 'string') return [];
            const key = mountPathKey(path);
            if (!seen.has(key)) return (seen.add(key), []);
            return [
              v(
                t.owner,
                `${at}/volumeMounts/${j}/mountPath`,
                `container '${c.name}' mounts ${JSON.stringify(path)} twice: the API server refuses the pod`,
              ),
            ];
          });
        }),
      ),
  },
  {
    code: 'ENV_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description:
      "Every container env var name, and every envFrom prefix, is a C identifier as Kubernetes extends it (letters, digits, '_', '-' and '.', not starting with a digit): the API server refuses the pod otherwise. No env value the input tells (a literal, a key of one of its ConfigMaps, `$(VAR)` references as written) holds a NUL (runc refuses it: invalid argument) or makes a \"NAME=value\" string over Linux's MAX_ARG_STRLEN (131072 bytes with its NUL), and argv and envp together stay within the 2 MiB execve takes when the env is the larger part (the command's is COMMAND_INVALID): the container never starts otherwise (E2BIG).",
    fix: "name it e.g. 'LOG_LEVEL'; remove a NUL character from the value, and put large content in a file (a ConfigMap mounted as a volume)",
    check: (ix) => [...envNameViolations(ix), ...execViolations(ix, 'ENV_INVALID')],
  },
  {
    code: 'RESOURCES_REQUEST_ABOVE_LIMIT',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description: 'No container requests more CPU, memory or ephemeral storage than its limit: the API server refuses the pod.',
    fix: 'lower the request or raise the limit',
    check: (ix) =>
      ix.templates.flatMap((t) =>
        containers(t).flatMap(({ c, at }) =>
          requestAboveLimitIssues('', resolved(c.resources?.requests), resolved(c.resources?.limits)).map((i) =>
            v(t.owner, issuePointer(at, i), refused(t.owner.kind, `container '${c.name}' requests ${i.value}, which ${i.message}`)),
          ),
        ),
      ),
  },
  {
    code: 'PLACEMENT_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description:
      'Tolerations and topology spread constraints are ones the API server takes: tolerationSeconds only with NoExecute, no value with operator Exists, valid keys and values; maxSkew above 0, minDomains only with DoNotSchedule, one constraint per topologyKey and whenUnsatisfiable.',
    fix: 'correct the toleration or spread constraint as the message says',
    check: (ix) =>
      pods(ix).flatMap(({ t, base }) => [
        ...arr(t.spec.tolerations).flatMap((tol, i) =>
          isObject(tol) ? fromIssues(t.owner, base, tolerationIssues(tol, `tolerations[${i}]`)) : [],
        ),
        ...fromIssues(
          t.owner,
          base,
          spreadConstraintIssues(arr(t.spec.topologySpreadConstraints).filter(isObject) as any[], 'topologySpreadConstraints'),
        ),
      ]),
  },
  {
    code: 'SECURITY_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description:
      'A seccompProfile of type Localhost names its localhostProfile, and no other type sets one: the API server refuses the pod otherwise.',
    fix: "use type RuntimeDefault, or give localhostProfile (e.g. 'profiles/app.json') with type Localhost",
    check: (ix) => pods(ix).flatMap(({ t, base }) => seccompViolations(t, base)),
  },
  {
    code: 'STRATEGY_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
    description:
      "A Deployment's rolling update has valid maxSurge and maxUnavailable, not both 0, and a Deployment's strategy or a StatefulSet's updateStrategy sets rollingUpdate only with type RollingUpdate (a DaemonSet's OnDelete ignores it); no apps/v1 workload has a negative minReadySeconds, nor a Deployment or DaemonSet a negative revisionHistoryLimit, and a Deployment's progressDeadlineSeconds (600 when unset) is greater than its minReadySeconds: the API server refuses the workload otherwise.",
    fix: "allow a surge of at least 1 (e.g. maxSurge '25%'), drop rollingUpdate from a Recreate or OnDelete strategy, and keep minReadySeconds below progressDeadlineSeconds",
    check: (ix) => [...strategyViolations(ix), ...appsWorkloads(ix).flatMap(rolloutCountViolations)],
  },
  {
    code: 'SERVICE_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['Service'],
    description:
      'A Service sets only the fields its type takes: externalTrafficPolicy not on ClusterIP, loadBalancerSourceRanges and allocateLoadBalancerNodePorts on LoadBalancer only, sessionAffinityConfig with ClientIP affinity only, no clusterIP None on NodePort or LoadBalancer. The API server refuses it otherwise.',
    fix: 'drop the field, or change the Service type',
    check: (ix) =>
      ix
        .ofKind('Service')
        .filter((o) => o.apiVersion === 'v1' && isObject(o.spec) && o.spec.type !== 'ExternalName')
        .flatMap((o) => fromIssues(o, '/spec', serviceTypeIssues(o.spec))),
  },
  {
    code: 'PORT_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['Service', 'pod templates'],
    description:
      "A Service with more than one port names each, every name once, and no two ports share a port and protocol; every container port is a number 1–65535 (a hostPort too, unless 0), named, if at all, by an IANA service name (≤ 15 lower-case letters, digits and '-') no other port of the container has. The API server refuses the object otherwise.",
    fix: "name each port (e.g. 'http', 'metrics') once, give each Service port its own number and protocol, and each container port the number 1–65535 its process listens on",
    check: (ix) => [
      ...ix
        .ofKind('Service')
        .filter((o) => o.apiVersion === 'v1' && isObject(o.spec))
        .flatMap((o) => {
          const ports = arr(o.spec.ports)
            .filter(isObject)
            .map((p) => ({
              name: typeof p.name === 'string' ? p.name : '',
              port: p.port,
              protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
            }));
          return fromIssues(
            o,
            '/spec',
            servicePortIssues('PORT_INVALID', ports, (i, key) => `ports[${i}].${key}`),
          );
        }),
      ...ix.templates.flatMap((t) => containers(t).flatMap(({ c, at }) => containerPortViolations(t, c, at))),
    ],
  },
  {
    code: 'NAME_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description:
      'Every container (init and ephemeral ones too) and every volume of a pod is named by a DNS-1123 label, and so are its hostname and subdomain when set: the API server refuses the pod otherwise, as the typed containers refuse such a name.',
    fix: "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit, e.g. 'app' or 'cache-data'",
    check: (ix) => pods(ix).flatMap(({ t, base }) => podNameViolations(t, base)),
  },
  {
    code: 'CONTAINER_DUPLICATE',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description:
      'No two containers of a pod, init and ephemeral containers included, share a name: the API server refuses the pod (Duplicate value), as the typed workloads refuse a second container of a name.',
    fix: 'give each container (sidecars and init containers included) its own name',
    check: (ix) => pods(ix).flatMap(({ t, base }) => duplicateContainerViolations(t, base)),
  },
  {
    code: 'REPLICAS_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: Object.keys(REPLICATED),
    description:
      'No Deployment, StatefulSet, ReplicaSet or ReplicationController asks for a negative number of replicas: the API server refuses it (ValidateNonnegativeField), as the typed workloads refuse replicas below 1.',
    fix: 'give 0 or more replicas (0 scales the workload down), or leave replicas to an autoscaler',
    check: (ix) =>
      ix.objects
        .filter((o) => isObject(o) && REPLICATED[o.kind] === o.apiVersion && isObject(o.spec))
        .flatMap((o) =>
          typeof o.spec.replicas === 'number' && o.spec.replicas < 0
            ? [v(o, '/spec/replicas', refused(o.kind, `spec.replicas is ${o.spec.replicas}, below 0`))]
            : [],
        ),
  },
  {
    code: 'DNS_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['pod templates'],
    description:
      'A pod with dnsPolicy None has a dnsConfig naming at least one nameserver: the API server refuses it otherwise (validatePodDNSConfig), since the pod gets no other resolver.',
    fix: "give dnsConfig.nameservers (e.g. ['10.96.0.10']) with dnsPolicy None, or use dnsPolicy ClusterFirst",
    check: (ix) => pods(ix).flatMap(({ t, base }) => dnsViolations(t, base)),
  },
  {
    code: 'PDB_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['PodDisruptionBudget'],
    description: 'A PodDisruptionBudget sets minAvailable or maxUnavailable, not both: the API server refuses it otherwise.',
    fix: 'keep maxUnavailable (it follows scaling) or minAvailable, not both',
    check: (ix) =>
      ix
        .ofKind('PodDisruptionBudget')
        .filter((o) => String(o.apiVersion).startsWith('policy/') && isObject(o.spec))
        .flatMap((o) => {
          const issue = pdbBudgetIssue(o.spec);
          return issue ? fromIssues(o, '/spec', [issue]) : [];
        }),
  },
  {
    code: 'HPA_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['HorizontalPodAutoscaler'],
    description:
      "An HPA's scaleTargetRef names its kind and name as path segments (no '/' or '%', not '.' or '..'): the API server refuses the HPA otherwise (ValidateCrossVersionObjectReference).",
    fix: "give the kind alone (e.g. 'Deployment', the group goes in apiVersion) and the workload's name",
    check: (ix) =>
      hpas(ix).flatMap((o) => fromIssues(o, '/spec', crossVersionRefIssues(o.spec.scaleTargetRef, 'scaleTargetRef', 'HPA_INVALID'))),
  },
  {
    code: 'HPA_METRIC_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['HorizontalPodAutoscaler'],
    description:
      "An Object metric of an HPA names the kind and name of its describedObject as path segments (no '/' or '%', not '.' or '..'): the API server refuses the HPA otherwise (ValidateCrossVersionObjectReference), as HpaMetric.object does.",
    fix: "give the kind alone (e.g. 'Ingress', the group goes in apiVersion) and the object's name",
    check: (ix) =>
      hpas(ix).flatMap((o) =>
        arr(o.spec.metrics).flatMap((m, i) =>
          fromIssues(
            o,
            '/spec',
            crossVersionRefIssues(m?.object?.describedObject, `metrics[${i}].object.describedObject`, 'HPA_METRIC_INVALID'),
          ),
        ),
      ),
  },
  {
    code: 'INTENT_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['NetworkPolicy'],
    description:
      'Every ipBlock of a NetworkPolicy is a CIDR whose exceptions lie strictly inside it, and every port with an endPort is a number no greater than it: the API server refuses the policy otherwise.',
    fix: 'keep each except inside its cidr, and give a numeric port with an endPort at least as large',
    check: (ix) =>
      ix
        .ofKind('NetworkPolicy')
        .filter((o) => o.apiVersion === 'networking.k8s.io/v1' && isObject(o.spec))
        .flatMap(networkPolicyViolations),
  },
  {
    code: 'QUOTA_SCOPE_INVALID',
    severity: 'error',
    category: 'api-server',
    inspects: ['ResourceQuota'],
    description:
      "A ResourceQuota's scopes, and the scopes its scopeSelector names, do not conflict (BestEffort with NotBestEffort, Terminating with NotTerminating), and each admits every standard resource of its hard limits (BestEffort only pods; the others pods and pod CPU and memory, not huge pages); a scopeSelector expression uses Exists for every scope but PriorityClass, values with In and NotIn only: the API server refuses the quota otherwise.",
    fix: 'move the resources the scope does not admit to a quota without scopes, or drop the scope',
    check: (ix) =>
      ix
        .ofKind('ResourceQuota')
        .filter((o) => o.apiVersion === 'v1' && isObject(o.spec))
        .flatMap((o) => {
          const scopes = arr(o.spec.scopes).filter((s): s is string => typeof s === 'string');
          const hard = isObject(o.spec.hard) ? Object.keys(o.spec.hard) : [];
          const selector = isObject(o.spec.scopeSelector) ? arr(o.spec.scopeSelector.matchExpressions) : [];
          const hardOf = (name: string) => `hard.${name}`;
          return [...quotaScopeIssues(scopes, hard, hardOf), ...scopeSelectorIssues(selector, hard, hardOf)].map((i) => {
            const inHard = i.field.startsWith('hard.');
            return v(
              o,
              inHard ? `/spec/hard/${pointerPart(String(i.value))}` : pointerOf('/spec', i.field),
              refused(o.kind, `spec.${inHard ? 'hard' : i.field} ${i.message}`),
              i.fix,
            );
          });
        }),
  },
];
