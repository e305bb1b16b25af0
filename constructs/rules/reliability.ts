import { isPinnedImage } from '../core/names';
import { ComputeResource } from '../core/resources';
import { imageCredential } from '../core/secret-patterns';
import { isValidCount, resolvePodCount } from '../policy/pod-disruption-budget';
import { NodeLabels } from '../scheduling/node-labels';
import {
  ManifestIndex,
  PodTemplateRef,
  SCALED_KINDS,
  appContainersOf,
  arr,
  containersOf,
  isEmptySelector,
  isOwnOutput,
  podTemplateOf,
  portHoldersOf,
  portKey,
  readablePorts,
  scalarsAt,
  selects,
} from './manifest-index';
import { Rule, Violation, v } from './rule';

/*
 * Reliability: pods that get scheduled, start, serve, scale and survive node
 * drains. Modelled on kube-score and Polaris.
 */

const LONG_RUNNING = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];
/** Workloads whose containers run until stopped, DaemonSets included (kube-linter's and Polaris' liveness checks). */
const RUNS_UNTIL_STOPPED = [...LONG_RUNNING, 'DaemonSet'];

/**
 * Pod annotation `<prefix>/<container>`: the probes a container goes without and
 * why, as `readiness: <reason>; liveness: <reason>` (a workload's `probeOptOut`).
 */
export const PROBE_OPT_OUT_ANNOTATION_PREFIX = 'probes.cluster-blueprints.io';

/** Has `container` of the pod template of `owner` stated why it goes without a `kind` probe? */
function probeOptedOut(owner: unknown, container: string, kind: 'readiness' | 'liveness'): boolean {
  const value = podTemplateOf(owner)?.metadata?.annotations?.[`${PROBE_OPT_OUT_ANNOTATION_PREFIX}/${container}`];
  return typeof value === 'string' && new RegExp(`(?:^|;)\\s*${kind}:`).test(value);
}

/**
 * A violation at `/<kind>Probe` for each app container of a pod template of
 * `kinds` that `needs` such a probe, has none and states no reason for it
 * (probeOptedOut): `container '<name>' <finding>`.
 */
function missingProbes(
  ix: ManifestIndex,
  kinds: readonly string[],
  kind: 'readiness' | 'liveness',
  needs: (container: any) => boolean,
  finding: string,
): Violation[] {
  return ix.templates
    .filter((t) => kinds.includes(t.owner.kind))
    .flatMap((t) =>
      appContainersOf(t.spec)
        .filter((c) => needs(c) && !c[`${kind}Probe`] && !probeOptedOut(t.owner, c.name, kind))
        .map((c) => v(t.owner, `/${kind}Probe`, `container '${c.name}' ${finding}`)),
    );
}

const scaled = (ix: ManifestIndex) => ix.ofKind(...SCALED_KINDS);

/** The handler part of a probe (what it checks, not how often). */
function probeHandler(p: any): string {
  return JSON.stringify([p?.httpGet, p?.tcpSocket, p?.exec, p?.grpc]);
}

function probePort(p: any): unknown {
  return p?.httpGet?.port ?? p?.tcpSocket?.port ?? p?.grpc?.port;
}

/** A request a container gets: its own, its limit (the API server copies it), or the namespace LimitRange's default. */
function hasRequest(ix: ManifestIndex, t: PodTemplateRef, c: any, r: 'cpu' | 'memory'): boolean {
  if (c.resources?.requests?.[r] !== undefined || c.resources?.limits?.[r] !== undefined) return true;
  return ix.limitRangeDefaults(t.namespace)?.requests[r] !== undefined;
}

/**
 * One violation per container that leaves any of `wanted` (`[side, manifest
 * name, ResolvedCompute key]`) unset, with no namespace LimitRange default for it.
 * A limit stands in for its missing request, as the API server copies it.
 */
function unsetResources(
  ix: ManifestIndex,
  wanted: readonly (readonly [side: 'requests' | 'limits', name: string, key: ComputeResource])[],
): Violation[] {
  return ix.templates.flatMap((t) => {
    const d = ix.limitRangeDefaults(t.namespace);
    return containersOf(t.spec).flatMap((c, i): Violation[] => {
      const set = (side: string, name: string) => c.resources?.[side]?.[name] !== undefined;
      const missing = wanted.filter(
        ([side, name, key]) => !set(side, name) && !(side === 'requests' && set('limits', name)) && d?.[side]?.[key] === undefined,
      );
      return missing.length
        ? [
            v(
              t.owner,
              `/containers/${i}/resources`,
              `container '${c.name}' has no ${missing.map(([side, name]) => `${side}.${name}`).join(', ')}`,
            ),
          ]
        : [];
    });
  });
}

/**
 * Replicated workloads whose own pods are under DoNotSchedule spread constraints on two topology keys or
 * more, pointed at the narrowest (the hostname one where there is one).
 */
function hardSpreadConflicts(ix: ManifestIndex): Violation[] {
  return ix.templates
    .filter((t) => SCALED_KINDS.includes(t.owner.kind) && ix.replicas(t.owner).max >= 2)
    .flatMap((t) => {
      const hard = arr(t.spec.topologySpreadConstraints)
        .map((c, i) => ({ c, i }))
        .filter(
          ({ c }) => c?.whenUnsatisfiable === 'DoNotSchedule' && typeof c.topologyKey === 'string' && selects(c.labelSelector, t.labels),
        );
      const keys = [...new Set(hard.map(({ c }) => c.topologyKey as string))];
      if (keys.length < 2) return [];
      const at = hard.find(({ c }) => c.topologyKey === NodeLabels.HOSTNAME) ?? hard.find(({ c }) => c.topologyKey !== keys[0])!;
      return [
        v(
          t.owner,
          `/spec/template/spec/topologySpreadConstraints/${at.i}`,
          `spreads its own pods with DoNotSchedule on ${keys.join(' and ')}: an evicted or surge replica needs a domain at the minimum of each at once, and once no node is both it stays Pending, so the disruption budget blocks the rest of a node drain`,
        ),
      ];
    });
}

/**
 * PodDisruptionBudgets that select a pod an earlier budget of its namespace (in output order) also selects,
 * one violation per such budget. Matched as the eviction subresource matches them (getPodDisruptionBudgets):
 * a budget with an empty or missing selector matches nothing.
 */
function overlappingBudgets(ix: ManifestIndex): Violation[] {
  const budgetsOf = new Map<PodTemplateRef, any[]>();
  for (const p of ix.ofKind('PodDisruptionBudget')) {
    const s = p.spec?.selector;
    if (isEmptySelector(s)) continue;
    for (const t of ix.selected(p.metadata?.namespace, s)) budgetsOf.set(t, [...(budgetsOf.get(t) ?? []), p]);
  }
  const reported = new Set<any>();
  const out: Violation[] = [];
  for (const [t, [first, ...others]] of budgetsOf)
    for (const p of others.filter((x) => !reported.has(x))) {
      reported.add(p);
      out.push(
        v(
          p,
          '/spec/selector',
          `selects the pods of ${t.owner.kind} ${t.owner.metadata?.name}, which PodDisruptionBudget ${first.metadata?.name} already protects: the eviction API refuses (500) to evict a pod under two budgets, so drains and the autoscaler fail on it forever`,
        ),
      );
    }
  return out;
}

/** JSON pointer to the pod spec of a pod template's owner. */
function podSpecPointer(o: any): string {
  if (o.kind === 'CronJob') return '/spec/jobTemplate/spec/template/spec';
  if (o.kind === 'Pod') return '/spec';
  return '/spec/template/spec';
}

/** What makes a pod template hold data: a StatefulSet's claim templates, or the claims its pods mount (the first named). */
function heldData(t: PodTemplateRef): string | undefined {
  if (t.owner.kind === 'StatefulSet' && arr(t.owner.spec?.volumeClaimTemplates).length > 0) return 'claim templates';
  const claim = arr(t.spec.volumes).find((vol) => typeof vol?.persistentVolumeClaim?.claimName === 'string');
  return claim ? `claim ${claim.persistentVolumeClaim.claimName}` : undefined;
}

/**
 * Data-holding pod templates whose priority is below a PreemptLowerPriority class of the output that another
 * workload's pods (DaemonSets aside) use: one violation per holder, naming the highest such class. A class the
 * output does not define is unknown, so neither side is judged through one.
 */
function preemptibleDataHolders(ix: ManifestIndex): Violation[] {
  const classes = new Map<string, { value: number; preempts: boolean }>();
  let globalDefault: string | undefined;
  for (const c of ix.ofKind('PriorityClass')) {
    const name = c.metadata?.name;
    if (typeof name !== 'string' || typeof c.value !== 'number') continue;
    classes.set(name, { value: c.value, preempts: (c.preemptionPolicy ?? 'PreemptLowerPriority') === 'PreemptLowerPriority' });
    if (c.globalDefault === true) globalDefault = name;
  }
  if (classes.size === 0) return [];
  // The class the API server gives the pods: the one they name, else the global default (none: priority 0).
  const classOf = (t: PodTemplateRef): string | undefined => {
    const name = t.spec.priorityClassName;
    return typeof name === 'string' && name !== '' ? name : globalDefault;
  };
  // A PodTemplate object runs no pod of its own.
  const pods = ix.templates.filter((t) => t.owner.kind !== 'PodTemplate');
  const preemptors = pods
    .filter((t) => t.owner.kind !== 'DaemonSet')
    .flatMap((t) => {
      const name = classOf(t);
      const c = name === undefined ? undefined : classes.get(name);
      return c?.preempts ? [{ t, name: name!, value: c.value }] : [];
    })
    .sort((a, b) => b.value - a.value);
  if (preemptors.length === 0) return [];
  return pods.flatMap((t) => {
    const holds = heldData(t);
    if (!holds) return [];
    const name = classOf(t);
    if (name !== undefined && !classes.has(name)) return [];
    const value = name === undefined ? 0 : classes.get(name)!.value;
    const p = preemptors.find((x) => x.t.owner !== t.owner && x.value > value);
    if (!p) return [];
    const owner = `${p.t.owner.kind} ${p.t.namespace ?? '(none)'}/${p.t.owner.metadata?.name}`;
    const pointer = `${podSpecPointer(t.owner)}/priorityClassName`;
    return [
      {
        object: t.owner,
        pointer,
        value: t.spec.priorityClassName,
        message: `holds data (${holds}) at priority ${value}${name === undefined ? ' (no class, no global default)' : ` (class ${name})`}, below class ${p.name} (${p.value}, PreemptLowerPriority) of ${owner}: on a full cluster the scheduler preempts this pod for it before the autoscaler adds a node, and a disruption budget does not stop preemption`,
        fix: `give it a PriorityClass of value ${p.value} or more (on a ClusterPlatform: priorityClass: platform.priorities.high), or make class ${p.name} preemptionPolicy: Never`,
      },
    ];
  });
}

export const RELIABILITY_RULES: readonly Rule[] = [
  {
    code: 'REL_RESOURCES',
    severity: 'warning',
    category: 'reliability',
    inspects: ['pod templates', 'LimitRange'],
    description: 'Every container requests CPU and memory and limits memory (or its namespace LimitRange supplies them).',
    fix: 'set resources.requests.cpu/memory and resources.limits.memory, or give the namespace a LimitRange with defaults',
    check: (ix) =>
      unsetResources(ix, [
        ['requests', 'cpu', 'cpu'],
        ['requests', 'memory', 'memory'],
        ['limits', 'memory', 'memory'],
      ]),
  },
  {
    code: 'REL_EPHEMERAL_STORAGE',
    severity: 'warning',
    category: 'reliability',
    inspects: ['pod templates', 'LimitRange'],
    description:
      "Every container requests and limits ephemeral storage (or its namespace LimitRange supplies them): unbounded logs or scratch files fill the node's disk and get other pods evicted.",
    fix: "set resources.requests and resources.limits 'ephemeral-storage' (e.g. 128Mi and 1Gi), or give the namespace a LimitRange with ephemeral-storage defaults",
    check: (ix) =>
      unsetResources(ix, [
        ['requests', 'ephemeral-storage', 'ephemeralStorage'],
        ['limits', 'ephemeral-storage', 'ephemeralStorage'],
      ]),
  },
  {
    code: 'IMAGE_UNPINNED',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates'],
    description: 'Images are pinned to a tag or digest, never `latest` or no tag.',
    fix: "pin a version, e.g. 'nginx:1.27.2' or a digest",
    check: (ix) =>
      ix.templates.flatMap((t) =>
        containersOf(t.spec)
          // An image that is no text (a map, a number: the schema check reports it) is not judged for its tag.
          .filter((c) => (c.image === undefined || typeof c.image === 'string') && !isPinnedImage(c.image))
          .map((c) =>
            // An image with a registry password before its host (`user:pw@registry/app`) is not echoed.
            v(t.owner, '/image', `container '${c.name}' uses unpinned image '${imageCredential(c.image) ? '<redacted>' : c.image}'`),
          ),
      ),
  },
  {
    code: 'REL_READINESS',
    severity: 'warning',
    category: 'reliability',
    inspects: RUNS_UNTIL_STOPPED,
    description: `Serving containers of long-running workloads, DaemonSets included (a rollout moves on when the new pod is ready; Polaris' readinessProbeMissing judges them), have a readiness probe, unless the pod annotation ${PROBE_OPT_OUT_ANNOTATION_PREFIX}/<container> states a 'readiness:' reason (probeOptOut).`,
    fix: 'add a readiness probe so the pod leaves Service endpoints while it cannot serve, and a rollout waits for it',
    check: (ix) =>
      missingProbes(ix, RUNS_UNTIL_STOPPED, 'readiness', (c) => arr(c.ports).length > 0, 'serves ports but has no readiness probe'),
  },
  {
    code: 'REL_LIVENESS',
    severity: 'warning',
    category: 'reliability',
    inspects: RUNS_UNTIL_STOPPED,
    description: `App containers of long-running workloads have a liveness probe, unless the pod annotation ${PROBE_OPT_OUT_ANNOTATION_PREFIX}/<container> states a 'liveness:' reason (probeOptOut).`,
    fix: "add a liveness probe with its own cheap check (e.g. '/livez') so a hung process is restarted, or state why it cannot have one (probeOptOut.liveness)",
    check: (ix) =>
      missingProbes(
        ix,
        RUNS_UNTIL_STOPPED,
        'liveness',
        () => true,
        'runs until stopped but has no liveness probe: a hung process is never restarted',
      ),
  },
  {
    code: 'PROBE_SAME_CHECK',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates'],
    description: 'Liveness and readiness are different checks (timing aside).',
    fix: "give liveness its own cheap check (e.g. '/livez'), or drop it",
    check: (ix) =>
      ix.templates.flatMap((t) =>
        appContainersOf(t.spec)
          .filter((c) => c.livenessProbe && c.readinessProbe && probeHandler(c.livenessProbe) === probeHandler(c.readinessProbe))
          .map((c) =>
            v(
              t.owner,
              '/livenessProbe',
              `container '${c.name}' uses the same check for liveness and readiness: a slow dependency would restart healthy pods`,
            ),
          ),
      ),
  },
  {
    code: 'PORT_UNRESOLVED',
    severity: 'error',
    category: 'reliability',
    inspects: ['pod templates', 'Service', 'NetworkPolicy'],
    description:
      "Named probe and lifecycle-hook ports, a Service's named targetPorts (by name and protocol) and a NetworkPolicy's named ingress ports are ports the selected containers (and native sidecars) declare, and a named egress port has a pod on the other end (not addresses alone: ipBlock peers). A number needs no declaration on foreign YAML (the kubelet probes it and a policy admits it as given); in the library's own output, where a workload declares every port it listens on, it must be one of them (or the container declares none).",
    fix: 'probe or target a port a container declares, by name or number, or declare it in ports',
    check: (ix) => {
      const out: Violation[] = [];
      // containerPort lists are informational to the API: only our own output promises they are complete.
      const numbersDeclared = isOwnOutput(ix);
      for (const t of ix.templates) {
        for (const c of containersOf(t.spec)) {
          const ports = arr(c.ports);
          // The kubelet resolves a hook's named port like a probe's: an unknown name fails the hook (a preStop then drains nothing).
          const handlers: [string, string, unknown][] = [
            ...['readinessProbe', 'livenessProbe', 'startupProbe'].map((k): [string, string, unknown] => [`/${k}`, k, c[k]]),
            ...['postStart', 'preStop'].map((k): [string, string, unknown] => [`/lifecycle/${k}`, `${k} hook`, c.lifecycle?.[k]]),
          ];
          for (const [pointer, kind, handler] of handlers) {
            const port = probePort(handler);
            if (typeof port !== 'string' && typeof port !== 'number') continue;
            const ok =
              typeof port === 'string'
                ? ports.some((p) => p?.name === port)
                : !numbersDeclared || ports.length === 0 || ports.some((p) => p?.containerPort === port);
            if (!ok)
              out.push(v(t.owner, pointer, `container '${c.name}' ${kind} targets port ${port}, which the container does not declare`));
          }
        }
      }
      for (const s of ix.ofKind('Service')) {
        if (!s.spec?.selector) continue;
        const pods = ix.selected(s.metadata?.namespace, s.spec.selector);
        if (!pods.length) continue;
        // The endpoints controller resolves a named targetPort by name and protocol (podutil.FindPort): a UDP
        // Service port named like a TCP container port gets no endpoint. A number reaches whatever listens there,
        // so it is judged only where the ports are known to be complete (our own output).
        const containers = pods.flatMap((t) => portHoldersOf(t.spec));
        const declared = new Set(
          containers.flatMap((c) => arr(c.ports).flatMap((p) => [portKey(p?.name, p?.protocol), portKey(p?.containerPort, p?.protocol)])),
        );
        const undeclared = containers.some((c) => arr(c.ports).length === 0);
        // A port with a map or list for its name, number or protocol leaves what the pods declare unknown.
        if (!readablePorts(containers)) continue;
        arr(s.spec.ports).forEach((p, i) => {
          const target = p?.targetPort ?? p?.port;
          const protocol = p?.protocol ?? 'TCP';
          const judged =
            scalarsAt(p, 'protocol') && (typeof target === 'string' || (typeof target === 'number' && numbersDeclared && !undeclared));
          if (judged && !declared.has(portKey(target, protocol)))
            out.push(
              v(
                s,
                `/spec/ports/${i}`,
                `targetPort ${portKey(target, protocol)} is not a ${typeof target === 'string' ? 'port name' : 'port'} the selected pods declare with that protocol`,
              ),
            );
        });
      }
      // A NetworkPolicy's named port resolves against the ports the selected pods declare: a name none declares
      // opens nothing, and the path the policy was written for stays closed. A number opens that port whether
      // declared or not, so it is judged only where the ports are known to be complete (our own output).
      for (const n of ix.ofKind('NetworkPolicy')) {
        const pods = ix.selected(n.metadata?.namespace, n.spec?.podSelector ?? {});
        if (!pods.length) continue;
        const containers = pods.flatMap((t) => portHoldersOf(t.spec));
        const names = new Set(containers.flatMap((c) => arr(c.ports).map((p) => p?.name)));
        const numbers = new Set(containers.flatMap((c) => arr(c.ports).map((p) => portKey(p?.containerPort, p?.protocol))));
        const undeclared = containers.some((c) => arr(c.ports).length === 0);
        arr(n.spec?.ingress).forEach((rule, i) =>
          arr(rule?.ports).forEach((p, j) => {
            const port = p?.port;
            const ok =
              typeof port === 'string'
                ? names.has(port)
                : typeof port !== 'number' ||
                  !numbersDeclared ||
                  p?.endPort !== undefined ||
                  undeclared ||
                  numbers.has(portKey(port, p?.protocol));
            if (!ok)
              out.push(
                v(
                  n,
                  `/spec/ingress/${i}/ports/${j}`,
                  `admits port ${typeof port === 'number' ? portKey(port, p?.protocol) : port}, which no selected pod declares`,
                ),
              );
          }),
        );
      }
      // An egress port name resolves against a container port of the pod on the other end: a rule whose peers are
      // all addresses (ipBlocks) has no pod there, so the name admits nothing and the path stays closed.
      for (const n of ix.ofKind('NetworkPolicy'))
        arr(n.spec?.egress).forEach((rule, i) => {
          const to = arr(rule?.to);
          if (to.length === 0 || !to.every((peer) => peer?.ipBlock !== undefined)) return;
          arr(rule?.ports).forEach((p, j) => {
            if (typeof p?.port === 'string')
              out.push(
                v(
                  n,
                  `/spec/egress/${i}/ports/${j}`,
                  `names port ${p.port} toward addresses (ipBlock): a port name resolves against a container port of the pod on the other end, and an address has none, so the rule admits nothing`,
                  'a named port needs a pod on the other end; give the number',
                ),
              );
          });
        });
      return out;
    },
  },
  {
    code: 'REL_HPA_REPLICAS',
    severity: 'warning',
    category: 'reliability',
    inspects: [...SCALED_KINDS, 'HorizontalPodAutoscaler'],
    description: 'A workload owned by an HPA does not set replicas (each apply would reset the scale).',
    fix: 'remove spec.replicas from the HPA target',
    check: (ix) =>
      scaled(ix)
        .filter((o) => o.spec?.replicas !== undefined && ix.hpaFor(o))
        .map((o) => v(o, '/spec/replicas', 'sets replicas although an HPA scales it')),
  },
  {
    code: 'REL_PDB_MISSING',
    severity: 'warning',
    category: 'reliability',
    inspects: [...SCALED_KINDS, 'PodDisruptionBudget'],
    description: 'Replicated workloads have a PodDisruptionBudget.',
    fix: 'add a PodDisruptionBudget (maxUnavailable: 1) selecting the pods',
    check: (ix) => {
      const covered = new Set(
        ix.ofKind('PodDisruptionBudget').flatMap((p) => ix.selectedWorkloads(p.metadata?.namespace, p.spec?.selector)),
      );
      return scaled(ix)
        .filter((o) => ix.replicas(o).max >= 2 && !covered.has(o))
        .map((o) => v(o, '', 'runs 2+ replicas without a disruption budget'));
    },
  },
  {
    code: 'PDB_BLOCKS_EVICTION',
    severity: 'error',
    category: 'reliability',
    inspects: ['PodDisruptionBudget', ...SCALED_KINDS, 'HorizontalPodAutoscaler'],
    description:
      'A PodDisruptionBudget allows at least one eviction at the smallest replica count (percentages round up, as the disruption controller does), else node drains hang.',
    fix: 'use maxUnavailable: 1, or minAvailable below the smallest replica count',
    check: (ix) =>
      ix.ofKind('PodDisruptionBudget').flatMap((p): Violation[] => {
        const mu = p.spec?.maxUnavailable;
        const ma = p.spec?.minAvailable;
        const targets = ix.selectedWorkloads(p.metadata?.namespace, p.spec?.selector);
        const min = targets.reduce((n, o) => n + ix.replicas(o).min, 0);
        // A count the API server refuses (-1, 'half', a map) is the schema check's: not resolved here.
        if (ma === undefined && isValidCount(mu) && resolvePodCount(mu, Math.max(min, 1)) === 0)
          return [v(p, '/spec/maxUnavailable', `maxUnavailable ${mu} allows no disruption at all`)];
        if (!targets.length || !isValidCount(ma)) return [];
        const up = resolvePodCount(ma, min);
        return up >= min
          ? [
              v(
                p,
                '/spec/minAvailable',
                `minAvailable ${ma} keeps ${up} of ${min} pod(s) up, so no eviction is ever allowed and node drains hang`,
                min === 1
                  ? 'use maxUnavailable: 1 for a single replica (or run 2+ replicas)'
                  : `allow at least one disruption: minAvailable ≤ ${min - 1} or maxUnavailable ≥ 1`,
              ),
            ]
          : [];
      }),
  },
  {
    code: 'PDB_OVERLAP',
    severity: 'error',
    category: 'reliability',
    inspects: ['PodDisruptionBudget', 'pod templates'],
    description:
      "No pod is selected by two PodDisruptionBudgets of its namespace: the eviction API answers 500 ('more than one PodDisruptionBudget') for such a pod, so node drains, the cluster autoscaler and the descheduler fail on it forever.",
    fix: "keep one budget per pod: drop the extra PodDisruptionBudget, or turn off the workload's own (disruptionBudget: false) and keep yours",
    check: (ix) => overlappingBudgets(ix),
  },
  {
    code: 'REL_SPREAD',
    severity: 'warning',
    category: 'reliability',
    inspects: SCALED_KINDS,
    description: 'Replicated workloads spread across hosts (topology spread or pod anti-affinity).',
    fix: 'add topologySpreadConstraints on kubernetes.io/hostname (and the zone)',
    check: (ix) =>
      scaled(ix)
        .filter(
          (o) =>
            ix.replicas(o).max >= 2 &&
            !arr(o.spec?.template?.spec?.topologySpreadConstraints).length &&
            !o.spec?.template?.spec?.affinity?.podAntiAffinity,
        )
        .map((o) => v(o, '/spec/template/spec', 'runs 2+ replicas with nothing spreading them across hosts')),
  },
  {
    code: 'SPREAD_BLOCKS_DRAIN',
    severity: 'warning',
    category: 'reliability',
    inspects: SCALED_KINDS,
    description:
      "A replicated workload's own pods are under at most one DoNotSchedule topology spread constraint (one topologyKey). One hard constraint always leaves a place for an evicted replica: a domain at the minimum count. Two on different keys (zone and hostname) need a zone at the minimum and a node at the minimum at once; once no node is both, an evicted or surge replica stays Pending and the PodDisruptionBudget blocks the rest of a node drain. A warning: it bites past a replica count that depends on the nodes per zone, which the output does not show (on 6 nodes in 3 zones from 9 replicas on; never with one node per zone).",
    fix: "keep DoNotSchedule on the widest domain only (the zone) and make the host constraint ScheduleAnyway (a typed workload's placement.spread.strict does)",
    check: (ix) => hardSpreadConflicts(ix),
  },
  {
    code: 'PRIORITY_DATA_PREEMPTIBLE',
    severity: 'warning',
    category: 'reliability',
    inspects: ['pod templates', 'PriorityClass'],
    description:
      "A pod that holds data (a StatefulSet with volumeClaimTemplates, or any pod mounting a PersistentVolumeClaim) has a priority (its priorityClassName's value; without one, the output's globalDefault class's, else 0) no lower than any PreemptLowerPriority class of the output that another workload's pods use. On a full cluster the scheduler preempts lower-priority pods before the cluster autoscaler adds a node, so a scale-up of that workload evicts a database replica, or the only one; a PodDisruptionBudget is honoured by preemption only as a preference. DaemonSets do not count: a node agent must preempt to run on its node, one pod per node, and the autoscaler adds no node for it. A class the output does not define is not judged (its value is unknown), nor are operator pods (a Prometheus').",
    fix: 'give the data holder a PriorityClass at least as high as the preempting classes the other workloads use (on a ClusterPlatform: priorityClass: platform.priorities.high), or make those classes preemptionPolicy: Never',
    check: (ix) => preemptibleDataHolders(ix),
  },
  {
    code: 'REL_CRON_DEADLINE',
    severity: 'warning',
    category: 'reliability',
    inspects: ['CronJob'],
    description:
      "A CronJob with concurrencyPolicy Forbid bounds its runs (the job template's activeDeadlineSeconds): the controller starts no run while the last one is active, so one run that hangs stops every later run, silently. Replace stops the old run at the next one; Allow runs both.",
    fix: 'set spec.jobTemplate.spec.activeDeadlineSeconds below the shortest gap between two runs (a ScheduledJob does by default)',
    check: (ix) =>
      ix
        .ofKind('CronJob')
        .filter(
          (o) => o.spec?.concurrencyPolicy === 'Forbid' && (o.spec.jobTemplate?.spec?.activeDeadlineSeconds ?? undefined) === undefined,
        )
        .map((o) =>
          v(
            o,
            '/spec/jobTemplate/spec',
            'forbids concurrent runs but sets no activeDeadlineSeconds: one run that hangs stops every later run (a pod deadline does not bound a pod that never starts)',
          ),
        ),
  },
  {
    code: 'HPA_REQUEST_MISSING',
    severity: 'error',
    category: 'reliability',
    inspects: ['HorizontalPodAutoscaler', ...SCALED_KINDS, 'LimitRange'],
    description: 'An HPA scaling on CPU or memory utilization targets pods whose every container requests that resource.',
    fix: 'set the request on every container (utilization is a share of the request), or scale on another metric',
    check: (ix) =>
      ix.ofKind('HorizontalPodAutoscaler').flatMap((h) => {
        const target = ix.get(h.spec?.scaleTargetRef?.kind, h.metadata?.namespace, h.spec?.scaleTargetRef?.name);
        const t = target && ix.templates.find((x) => x.owner === target);
        if (!t) return [];
        const resources = arr(h.spec?.metrics)
          .filter((m) => m?.type === 'Resource' && m.resource?.target?.type === 'Utilization')
          .map((m) => m.resource.name)
          .filter((r): r is 'cpu' | 'memory' => r === 'cpu' || r === 'memory');
        return resources.flatMap((r) =>
          appContainersOf(t.spec)
            .filter((c) => !hasRequest(ix, t, c, r))
            .map((c) =>
              v(
                h,
                '/spec/metrics',
                `scales on ${r} utilization, but container '${c.name}' of ${target.kind} ${target.metadata.name} requests no ${r}`,
              ),
            ),
        );
      }),
  },
  {
    code: 'VPA_HPA_CONFLICT',
    severity: 'error',
    category: 'reliability',
    inspects: ['VerticalPodAutoscaler', 'HorizontalPodAutoscaler'],
    description: 'A VPA that changes requests (any mode but Off) does not target a workload an HPA scales on CPU or memory utilization.',
    fix: 'keep the VPA in updateMode Off (recommendations only), or scale the HPA on a custom metric',
    check: (ix) =>
      ix.ofKind('VerticalPodAutoscaler').flatMap((vpa) => {
        const mode = vpa.spec?.updatePolicy?.updateMode ?? 'Auto';
        // A mode that is no text (the CRD's schema refuses it) says nothing of what the VPA does.
        if (typeof mode !== 'string') return [];
        const ref = vpa.spec?.targetRef;
        const target = ix.get(ref?.kind, vpa.metadata?.namespace, ref?.name);
        const hpa = mode !== 'Off' && target ? ix.hpaFor(target) : undefined;
        const metrics = arr(hpa?.spec?.metrics)
          .filter((m) => m?.type === 'Resource' && ['cpu', 'memory'].includes(m.resource?.name))
          .map((m) => m.resource.name);
        return metrics.length
          ? [
              v(
                vpa,
                '/spec/updatePolicy/updateMode',
                `updateMode ${mode} changes the requests of ${ref.name}, which an HPA scales on ${metrics.join('/')} utilization: the two fight`,
              ),
            ]
          : [];
      }),
  },
];
