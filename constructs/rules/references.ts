import {
  ManifestIndex,
  PodTemplateRef,
  arr,
  containersOf,
  isEmptySelector,
  portKey,
  readablePorts,
  scalarsAt,
  selects,
} from './manifest-index';
import { text } from '../core/value-issues';
import { Rule, RuleContext, Violation, v } from './rule';
import { claimsOf, dataHolders } from './day2';
import { TRACK_LABELS } from '../core/metadata';

/*
 * References between objects: whatever an object names (a Service's pods, an
 * Ingress backend, a pod's ConfigMaps, Secrets, claims and classes) is in the
 * output, or declared as provided by the cluster or the deploy tool.
 */

const CERT_MANAGER_ISSUER = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];

/** `namespace/name` of every Secret the output provides: Secrets, ExternalSecrets' targets, cert-manager Certificates' secretName. */
export function providedSecrets(ix: ManifestIndex, context: RuleContext = {}): Set<string> {
  const out = new Set<string>(context.externalSecrets ?? []);
  for (const o of ix.objects) {
    const ns = o.metadata?.namespace;
    if (o.kind === 'Secret' && o.apiVersion === 'v1') out.add(`${ns}/${o.metadata?.name}`);
    else if (o.kind === 'ExternalSecret' && o.apiVersion.startsWith('external-secrets.io/'))
      out.add(`${ns}/${o.spec?.target?.name ?? o.metadata?.name}`);
    else if (o.kind === 'Certificate' && o.apiVersion.startsWith('cert-manager.io/') && typeof o.spec?.secretName === 'string')
      out.add(`${ns}/${o.spec.secretName}`);
    // cert-manager's ingress-shim makes a Certificate for every TLS entry of an Ingress annotated with an issuer.
    else if (o.kind === 'Ingress' && CERT_MANAGER_ISSUER.some((a) => o.metadata?.annotations?.[a]))
      for (const tls of arr(o.spec?.tls)) if (typeof tls?.secretName === 'string') out.add(`${ns}/${tls.secretName}`);
  }
  return out;
}

/** Every Secret a pod template needs, with where it is named. */
function secretsOfTemplate(t: PodTemplateRef): [string, string][] {
  const out: [string, string][] = [];
  for (const vol of arr(t.spec.volumes)) {
    if (vol?.secret?.secretName && !vol.secret.optional) out.push([vol.secret.secretName, '/spec/volumes']);
    for (const s of arr(vol?.projected?.sources)) if (s?.secret?.name && !s.secret.optional) out.push([s.secret.name, '/spec/volumes']);
  }
  for (const c of containersOf(t.spec)) {
    for (const e of arr(c.env)) {
      const ref = e?.valueFrom?.secretKeyRef;
      if (ref?.name && !ref.optional) out.push([ref.name, '/env']);
    }
    for (const e of arr(c.envFrom)) if (e?.secretRef?.name && !e.secretRef.optional) out.push([e.secretRef.name, '/envFrom']);
  }
  for (const s of arr(t.spec.imagePullSecrets)) if (s?.name) out.push([s.name, '/spec/imagePullSecrets']);
  // A name that is no text (the schema check reports it) names no Secret to look for.
  return out.filter(([name]) => typeof name === 'string');
}

/** Claims rendered by the output (PVCs, StatefulSet claim templates, a Prometheus' storage) with the storage class they ask for. */
function storageClassUses(ix: ManifestIndex): [any, string, string][] {
  // A Prometheus' claim template is the one prometheus-operator writes into its StatefulSet.
  return dataHolders(ix).flatMap((o) =>
    claimsOf(o).flatMap((c): [any, string, string][] => {
      const cls = c.spec?.storageClassName;
      return typeof cls === 'string' && cls ? [[o, `${c.pointer}/storageClassName`, cls]] : [];
    }),
  );
}

/** Namespaces a monitor's `namespaceSelector` reaches (`undefined`: any). */
function monitorNamespaces(m: any): string[] | undefined {
  const sel = m.spec?.namespaceSelector;
  if (sel?.any === true) return undefined;
  const names = arr(sel?.matchNames).filter((n): n is string => typeof n === 'string');
  return names.length ? names : [m.metadata?.namespace];
}

/** A prometheus-operator ServiceMonitor's or PodMonitor's selector finds targets, and the port it scrapes is theirs. */
function monitorViolations(ix: ManifestIndex): Violation[] {
  const out: Violation[] = [];
  const isMonitor = (o: any) => typeof o.apiVersion === 'string' && o.apiVersion.startsWith('monitoring.coreos.com/');
  for (const m of ix.ofKind('ServiceMonitor').filter(isMonitor)) {
    const scope = monitorNamespaces(m);
    const services = (scope ? scope.flatMap((ns) => ix.ofKindIn('Service', ns)) : ix.ofKind('Service')).filter((s) =>
      selects(m.spec?.selector, s.metadata?.labels ?? {}),
    );
    if (services.length === 0) {
      out.push(v(m, '/spec/selector', 'selects no Service: Prometheus would find no target'));
      continue;
    }
    arr(m.spec?.endpoints).forEach((e, i) => {
      if (typeof e?.port === 'string' && !services.some((s) => arr(s.spec?.ports).some((p) => p?.name === e.port)))
        out.push(v(m, `/spec/endpoints/${i}/port`, `names port ${e.port}, which no Service it selects publishes`));
    });
  }
  for (const m of ix.ofKind('PodMonitor').filter(isMonitor)) {
    const scope = monitorNamespaces(m);
    const pods = scope
      ? scope.flatMap((ns) => ix.selected(ns, m.spec?.selector))
      : ix.templates.filter((t) => selects(m.spec?.selector, t.labels));
    if (pods.length === 0) {
      out.push(v(m, '/spec/selector', 'selects no pods: Prometheus would find no target'));
      continue;
    }
    arr(m.spec?.podMetricsEndpoints).forEach((e, i) => {
      if (typeof e?.port === 'string' && !pods.some((t) => containersOf(t.spec).some((c) => arr(c.ports).some((p) => p?.name === e.port))))
        out.push(v(m, `/spec/podMetricsEndpoints/${i}/port`, `names port ${e.port}, which no container of the pods it selects declares`));
    });
  }
  return out;
}

const isEso = (o: any) => typeof o.apiVersion === 'string' && o.apiVersion.startsWith('external-secrets.io/');

/** Every store an External Secrets object reads from or writes to: `[object, pointer, kind, name]`. */
function secretStoreUses(ix: ManifestIndex): [any, string, string, string][] {
  const out: [any, string, string, string][] = [];
  // A secretStoreRef's kind defaults to SecretStore (external-secrets.io SecretStoreRef).
  const add = (o: any, pointer: string, ref: any) => {
    if (typeof ref?.name === 'string' && ref.name)
      out.push([o, pointer, typeof ref.kind === 'string' ? ref.kind : 'SecretStore', ref.name]);
  };
  const ofSpec = (o: any, spec: any, at: string) => {
    add(o, `${at}/secretStoreRef`, spec?.secretStoreRef);
    for (const list of ['data', 'dataFrom'])
      arr(spec?.[list]).forEach((d, i) => add(o, `${at}/${list}/${i}/sourceRef/storeRef`, d?.sourceRef?.storeRef));
  };
  for (const o of ix.ofKind('ExternalSecret').filter(isEso)) ofSpec(o, o.spec, '/spec');
  for (const o of ix.ofKind('ClusterExternalSecret').filter(isEso)) ofSpec(o, o.spec?.externalSecretSpec, '/spec/externalSecretSpec');
  for (const o of ix.ofKind('PushSecret').filter(isEso))
    arr(o.spec?.secretStoreRefs).forEach((r, i) => add(o, `/spec/secretStoreRefs/${i}`, r));
  return out;
}

/** Store references that resolve to no store of the output and none the cluster is declared to have. */
function missingStores(ix: ManifestIndex, context: RuleContext): Violation[] {
  const existing = new Set(context.existingSecretStores ?? []);
  const out: Violation[] = [];
  for (const [o, pointer, kind, name] of secretStoreUses(ix)) {
    // A ClusterExternalSecret stamps its ExternalSecret into many namespaces: a namespaced store cannot be judged from here.
    if (kind === 'SecretStore' && o.kind === 'ClusterExternalSecret') continue;
    const ns = kind === 'ClusterSecretStore' ? undefined : o.metadata?.namespace;
    const key = ns === undefined ? name : `${ns}/${name}`;
    const store = ix.get(kind, ns, name);
    if (!existing.has(key) && !(store && isEso(store)))
      out.push(v(o, pointer, `reads from ${kind} ${name}, which neither the output nor the cluster declaration provides`));
  }
  return out;
}

/** Names of the owners of pod templates, as `Kind/name`. */
const ownerId = (o: any) => `${o.kind}/${o.metadata?.name}`;

/**
 * The single-node access mode of a claim: ReadWriteOncePod, or ReadWriteOnce
 * when it offers no mode that several nodes may share (ReadWriteMany,
 * ReadOnlyMany); undefined when it does or names no mode at all.
 */
function singleNodeMode(pvc: any): 'ReadWriteOnce' | 'ReadWriteOncePod' | undefined {
  const modes = arr(pvc.spec?.accessModes);
  if (modes.includes('ReadWriteMany') || modes.includes('ReadOnlyMany')) return undefined;
  if (modes.includes('ReadWriteOncePod')) return 'ReadWriteOncePod';
  return modes.includes('ReadWriteOnce') ? 'ReadWriteOnce' : undefined;
}

/** Does pod template `t` use claim `name`: at all for ReadWriteOncePod, writably for ReadWriteOnce? */
function usesClaim(t: PodTemplateRef, name: string, mode: string): boolean {
  return arr(t.spec.volumes).some((vol) => {
    if (vol?.persistentVolumeClaim?.claimName !== name) return false;
    if (mode === 'ReadWriteOncePod') return true;
    if (vol.persistentVolumeClaim.readOnly === true) return false;
    const mounts = containersOf(t.spec).flatMap((c) => arr(c.volumeMounts).filter((m) => m?.name === vol.name));
    return mounts.length === 0 || mounts.some((m) => m?.readOnly !== true);
  });
}

/** Why workload `o` may run two pods holding its claim at once (undefined: it never does). */
function overlap(ix: ManifestIndex, o: any): { pointer: string; why: string; fix: string } | undefined {
  const many = (pointer: string, why: string) => ({
    pointer,
    why,
    fix: 'run one pod (replicas 1, no HPA above 1), give each pod its own claim (a StatefulService with claims), or use a ReadWriteMany StorageClass',
  });
  const { max, hpa } = ix.replicas(o);
  switch (o.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'ReplicationController':
    case 'StatefulSet':
      if (max > 1)
        return many(
          '/spec/replicas',
          hpa ? `is scaled up to ${max} pods by HorizontalPodAutoscaler ${hpa.metadata?.name}` : `runs ${max} pods`,
        );
      // An absent strategy is RollingUpdate; the new pod starts while the old one (terminating or not) holds the claim.
      if (o.kind === 'Deployment' && (o.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate')
        return {
          pointer: '/spec/strategy',
          why: 'rolls out with RollingUpdate, which starts the new pod while the old one still holds the claim',
          fix: 'use strategy type Recreate (Release.recreate()), so the old pod lets go of the claim before the new one starts',
        };
      return undefined;
    case 'DaemonSet':
      return many('/spec/template', 'runs a pod on every node');
    case 'Job':
      return typeof o.spec?.parallelism === 'number' && o.spec.parallelism > 1
        ? many('/spec/parallelism', `runs ${o.spec.parallelism} pods in parallel`)
        : undefined;
    case 'CronJob': {
      const job = o.spec?.jobTemplate?.spec;
      if (typeof job?.parallelism === 'number' && job.parallelism > 1)
        return many('/spec/jobTemplate/spec/parallelism', `runs ${job.parallelism} pods in parallel`);
      // concurrencyPolicy defaults to Allow: a run that outlasts the schedule overlaps the next one.
      return (o.spec?.concurrencyPolicy ?? 'Allow') === 'Allow'
        ? {
            pointer: '/spec/concurrencyPolicy',
            why: 'lets runs overlap (concurrencyPolicy Allow)',
            fix: 'set concurrencyPolicy Forbid (or Replace), give each run its own claim, or use a ReadWriteMany StorageClass',
          }
        : undefined;
    }
    default:
      return undefined;
  }
}

/** A ReadWriteOnce(Pod) claim is used by pods that can never run together: several workloads, several pods, or a rollout overlap. */
function singleNodeClaimViolations(ix: ManifestIndex): Violation[] {
  const out: Violation[] = [];
  for (const pvc of ix.ofKind('PersistentVolumeClaim')) {
    const name = pvc.metadata?.name;
    const mode = singleNodeMode(pvc);
    if (typeof name !== 'string' || !mode) continue;
    const users = ix.templatesIn(pvc.metadata?.namespace).filter((t) => t.owner.kind !== 'PodTemplate' && usesClaim(t, name, mode));
    const owners = [...new Set(users.map((t) => t.owner))];
    if (owners.length > 1)
      out.push(
        v(
          pvc,
          '/spec/accessModes',
          `${mode} claim ${name} is mounted by ${owners.map(ownerId).join(', ')}, whose pods cannot all hold it at once`,
          'mount it from one workload only, give each workload (or pod) its own claim, or use a ReadWriteMany StorageClass',
        ),
      );
    for (const o of owners) {
      const why = overlap(ix, o);
      if (why) out.push(v(o, why.pointer, `mounts ${mode} claim ${name} but ${why.why}: the extra pod never starts`, why.fix));
    }
  }
  return out;
}

/** A Service port's target on pods of template `t`: its name and number where the containers tell them. */
interface Target {
  readonly name?: string;
  readonly number?: number;
  readonly protocol: string;
}

/** The container ports Service `s` sends to on pods of template `t` (a targetPort defaults to the port; a name is resolved as kube-proxy does). */
function serviceTargets(s: any, t: PodTemplateRef): Target[] {
  const declared = containersOf(t.spec).flatMap((c) => arr(c.ports));
  return arr(s.spec?.ports).map((p): Target => {
    const protocol = p?.protocol ?? 'TCP';
    const target = p?.targetPort ?? p?.port;
    const same = (d: any) => (d?.protocol ?? 'TCP') === protocol;
    // Only a number is a port number (a map there would be compared by its `valueOf`).
    const number = (n: unknown) => (typeof n === 'number' ? n : undefined);
    if (typeof target === 'string')
      return { name: target, number: number(declared.find((d) => d?.name === target && same(d))?.containerPort), protocol };
    return { name: declared.find((d) => d?.containerPort === target && same(d))?.name, number: number(target), protocol };
  });
}

/** Does a NetworkPolicy port (`port`, `endPort`, `protocol`; none: every port) admit `target`? */
function admitsPort(np: any, target: Target): boolean {
  if ((np?.protocol ?? 'TCP') !== target.protocol) return false;
  const port = np?.port;
  if (port === undefined || port === null) return true;
  if (typeof port === 'string') return port === target.name;
  const end = typeof np.endPort === 'number' ? np.endPort : port;
  return typeof port === 'number' && target.number !== undefined && target.number >= port && target.number <= end;
}

/** Whether NetworkPolicy `n` governs ingress (policyTypes left out: it does). */
const governsIngress = (n: any) => !Array.isArray(n.spec?.policyTypes) || n.spec.policyTypes.includes('Ingress');

/**
 * The NetworkPolicies that isolate every pod Service-like `s` selects for ingress, when no ingress
 * rule of the policies selecting a pod admits any peer on any of `s`'s target ports (undefined: some
 * pod of it is reachable, on the host network, or selected by no isolating policy). The peers
 * themselves are not judged.
 */
function isolatingPolicies(ix: ManifestIndex, s: any): string[] | undefined {
  const pods = ix.selected(s.metadata?.namespace, s.spec.selector);
  if (pods.length === 0 || arr(s.spec?.ports).length === 0) return undefined;
  // A port with a map or list for its number or protocol (the schema check reports it) leaves the targets unknown.
  if (!arr(s.spec.ports).every((p) => scalarsAt(p, 'port', 'targetPort', 'protocol'))) return undefined;
  const policies = ix.ofKindIn('NetworkPolicy', s.metadata?.namespace).filter(governsIngress);
  const isolating = new Set<string>();
  for (const t of pods) {
    // NetworkPolicies do not apply to pods on the node's network.
    if (t.spec.hostNetwork === true) return undefined;
    if (!readablePorts(containersOf(t.spec))) return undefined;
    const own = policies.filter((n) => selects(n.spec?.podSelector ?? {}, t.labels));
    if (own.length === 0) return undefined;
    const targets = serviceTargets(s, t);
    const admitted = own.some((n) =>
      arr(n.spec?.ingress).some((r) => {
        const ports = arr(r?.ports);
        return ports.length === 0 || ports.some((np) => targets.some((target) => admitsPort(np, target)));
      }),
    );
    if (admitted) return undefined;
    // Name the default denies (no ingress rule) when there are, else the policies admitting other ports.
    const denies = own.filter((n) => arr(n.spec?.ingress).length === 0);
    for (const n of denies.length ? denies : own) isolating.add(String(n.metadata?.name));
  }
  return [...isolating];
}

/** Why nothing can reach Service `s`, or undefined. */
function unreachable(ix: ManifestIndex, s: any): string | undefined {
  const isolating = isolatingPolicies(ix, s);
  if (!isolating) return undefined;
  const ports = arr(s.spec.ports).map((p) => portKey(p?.targetPort ?? p?.port, p?.protocol));
  return `its pods are isolated for ingress (NetworkPolicy ${isolating.join(', ')}) and no NetworkPolicy admits any client on its target ports (${ports.join(', ')}): nothing can reach it`;
}

/**
 * The scrape targets of a prometheus-operator monitor in its own namespace, each as a Service-like
 * `{ selector, ports }` whose target ports are the metrics ports: a ServiceMonitor's Services (by
 * their labels) with the endpoints' Service ports, a PodMonitor's pods with the endpoints' container
 * ports. Undefined when the monitor looks elsewhere (a namespaceSelector) or selects by expression.
 */
function scrapeTargets(ix: ManifestIndex, m: any): any[] | undefined {
  const ns = m.metadata?.namespace;
  const selector = m.spec?.selector;
  if (m.spec?.namespaceSelector !== undefined || !selector || selector.matchExpressions !== undefined) return undefined;
  if (m.kind === 'PodMonitor') {
    const ports = arr(m.spec?.podMetricsEndpoints).flatMap((e) => (typeof e?.port === 'string' ? [{ port: 1, targetPort: e.port }] : []));
    return [{ metadata: { namespace: ns }, spec: { selector: selector.matchLabels ?? {}, ports } }];
  }
  const names = arr(m.spec?.endpoints).map((e) => e?.port ?? e?.targetPort);
  return ix
    .ofKindIn('Service', ns)
    .filter((svc) => selects(selector, svc.metadata?.labels ?? {}) && svc.spec?.selector)
    .map((svc) => ({
      metadata: { namespace: ns },
      spec: {
        selector: svc.spec.selector,
        ports: arr(svc.spec.ports).filter((p) => names.includes(p?.name) || names.includes(p?.targetPort)),
      },
    }));
}

const selectorSelectsNothing = (ix: ManifestIndex, o: any, selector: any) => ix.selected(o.metadata?.namespace, selector).length === 0;

/** The kinds whose pods run to completion. */
const RUN_TO_COMPLETION = ['Job', 'CronJob'];
/** The controllers of long-running pods a Service routes to. */
const LONG_RUNNING_CONTROLLERS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

/** `Kind/name` of each distinct owner of `templates` (in order). */
const ownersOf = (templates: readonly PodTemplateRef[]) => [...new Set(templates.map((t) => `${t.owner.kind}/${t.owner.metadata?.name}`))];

/**
 * Whether the pods of a PodDisruptionBudget are counted only through their controller's scale: maxUnavailable,
 * or minAvailable as a percentage (disruption controller getExpectedPodCount). A Job or CronJob has no scale
 * subresource, so the controller cannot count its pods and allows no disruption.
 */
function countsByController(pdb: any): boolean {
  const spec = pdb.spec ?? {};
  return spec.maxUnavailable !== undefined || (typeof spec.minAvailable === 'string' && spec.minAvailable.endsWith('%'));
}

/**
 * Why Service or PodDisruptionBudget `o` must not select the run-to-completion pods `jobs` (undefined: it may).
 * A Service may front a Job's pods alone (a load-test master, an Indexed Job's peers): whether they are Ready
 * is REL_READINESS's question. Beside a long-running controller's pods (`long`) they are a Job sharing that
 * workload's labels, and take its traffic.
 */
function jobPodsViolation(o: any, jobs: readonly PodTemplateRef[], long: readonly PodTemplateRef[]): Violation | undefined {
  if (jobs.length === 0) return undefined;
  const owners = ownersOf(jobs).join(', ');
  if (o.kind === 'Service') {
    // A headless Service gives the pods of an Indexed Job DNS names to reach each other (upstream's pod-to-pod pattern).
    if (o.spec?.clusterIP === 'None' || long.length === 0) return undefined;
    return v(
      o,
      '/spec/selector',
      `selects the pods of ${owners}, which run to completion, together with those of ${ownersOf(long).join(', ')}: while one runs it is an endpoint beside them and takes a share of the traffic they serve`,
    );
  }
  if (!countsByController(o)) return undefined;
  return v(
    o,
    '/spec/selector',
    `selects the pods of ${owners}: with ${o.spec?.maxUnavailable !== undefined ? 'maxUnavailable' : 'a percentage minAvailable'} the disruption controller counts pods through their controller's scale, which a Job has not, so it allows no disruption and every node drain blocks`,
  );
}

/**
 * Why Service `s` selects pods of two controllers that are not the tracks of one release (undefined: it does
 * not). Tracks (a canary beside the stable Deployment, kubernetes' `track: stable`/`track: canary`) are
 * controllers of one kind whose pods carry the same label keys, differing only in values.
 */
function mixedControllers(ix: ManifestIndex, s: any): string | undefined {
  const templates = ix.selected(s.metadata?.namespace, s.spec.selector).filter((t) => LONG_RUNNING_CONTROLLERS.includes(t.owner.kind));
  const owners = ownersOf(templates);
  if (owners.length < 2) return undefined;
  // The canary's pods carry a track label the stable pods lack (or both carry `track`): compared without it.
  const keys = (t: PodTemplateRef) =>
    JSON.stringify(
      Object.keys(t.labels)
        .filter((k) => !TRACK_LABELS.includes(k))
        .sort(),
    );
  const tracks = new Set(templates.map((t) => t.owner.kind)).size === 1 && new Set(templates.map(keys)).size === 1;
  return tracks
    ? undefined
    : `selects the pods of ${owners.join(', ')}, which are not the tracks of one release: its traffic is split between them`;
}

/**
 * A finding at `pointer` for each Service that selects pods and that `why` faults. An empty selector selects no pods
 * (the Service's endpoints are managed by hand), so it is not judged.
 */
function judgeSelectingServices(ix: ManifestIndex, pointer: string, why: (s: any) => string | undefined): Violation[] {
  return ix.ofKind('Service').flatMap((s) => {
    const selector = s.spec?.selector;
    const reason = selector && typeof selector === 'object' && Object.keys(selector).length ? why(s) : undefined;
    return reason ? [v(s, pointer, reason)] : [];
  });
}

/** The strings Go's strconv.ParseBool reads as true. */
const GO_TRUE = new Set<unknown>(['1', 't', 'T', 'TRUE', 'true', 'True']);

export const REFERENCE_RULES: readonly Rule[] = [
  {
    code: 'REF_SERVICE_SELECTOR',
    severity: 'error',
    category: 'references',
    inspects: ['Service', 'pod templates'],
    description: "A Service's selector matches pods of some workload in its namespace.",
    fix: "make the selector match the workload's pod labels",
    check: (ix) =>
      ix
        .ofKind('Service')
        .filter((s) => s.spec?.selector && selectorSelectsNothing(ix, s, s.spec.selector))
        .map((s) => v(s, '/spec/selector', 'selects no pods')),
  },
  {
    code: 'REF_SERVICE_ENDPOINTS',
    severity: 'warning',
    category: 'references',
    inspects: ['Service', 'EndpointSlice', 'Endpoints'],
    description: 'A selector-less Service has an EndpointSlice (or is an ExternalName).',
    fix: 'add an EndpointSlice labelled kubernetes.io/service-name, or a selector',
    check: (ix) => {
      const served = new Set(
        ix
          .ofKind('EndpointSlice', 'Endpoints')
          .flatMap((e) =>
            [e.metadata?.labels?.['kubernetes.io/service-name'], e.metadata?.name].map((n) => `${e.metadata?.namespace}/${n}`),
          ),
      );
      return ix
        .ofKind('Service')
        .filter((s) => !s.spec?.selector && s.spec?.type !== 'ExternalName' && !served.has(`${s.metadata?.namespace}/${s.metadata?.name}`))
        .map((s) => v(s, '/spec', 'has no selector and no endpoints'));
    },
  },
  {
    code: 'REF_SERVICE_UNREACHABLE',
    severity: 'warning',
    category: 'references',
    inspects: ['Service', 'NetworkPolicy', 'pod templates'],
    description:
      "A Service whose pods NetworkPolicies isolate for ingress (a TeamNamespace's default deny) has a NetworkPolicy admitting some client on one of its target ports: else nothing can reach it.",
    fix: 'open a path to its pods on a target port: route to it with IngressRoutes, or allowFrom the workload or Peer that calls it (e.g. Peer.ingressController()); or remove the Service',
    check: (ix) => judgeSelectingServices(ix, '/spec/ports', (s) => unreachable(ix, s)),
  },
  {
    code: 'REF_MONITOR_UNREACHABLE',
    severity: 'warning',
    category: 'references',
    inspects: ['ServiceMonitor', 'PodMonitor', 'Service', 'NetworkPolicy', 'pod templates'],
    description:
      "A ServiceMonitor or PodMonitor whose targets NetworkPolicies isolate for ingress (a TeamNamespace's default deny) has a NetworkPolicy admitting some peer on a metrics port: else Prometheus' scrapes time out and the target stays down.",
    fix: "open the metrics port to the scraper: exposeMetrics({ scrapedBy }) with the Monitoring blueprint's scraper or Peer.namespace('monitoring'), or team.allowFromNamespace('monitoring')",
    check: (ix) =>
      ix.ofKind('ServiceMonitor', 'PodMonitor').flatMap((m) => {
        const targets = scrapeTargets(ix, m);
        if (!targets || targets.length === 0) return [];
        const isolated = targets.map((t) => isolatingPolicies(ix, t));
        if (isolated.some((x) => x === undefined)) return [];
        const policies = [...new Set(isolated.flat())].join(', ');
        return [
          v(
            m,
            m.kind === 'PodMonitor' ? '/spec/podMetricsEndpoints' : '/spec/endpoints',
            `its targets are isolated for ingress (NetworkPolicy ${policies}) and no NetworkPolicy admits any peer on their metrics ports: Prometheus could never scrape them`,
          ),
        ];
      }),
  },
  {
    code: 'REF_INGRESS_BACKEND',
    severity: 'error',
    category: 'references',
    inspects: ['Ingress', 'Service'],
    description:
      'Ingress backends are Services (and TCP ports) of the same namespace; an ExternalName Service takes any port number, which the controller dials on the external host.',
    fix: 'route to an existing Service and one of its TCP ports',
    check: (ix) =>
      ix.ofKind('Ingress').flatMap((ing) =>
        arr(ing.spec?.rules).flatMap((r) =>
          arr(r?.http?.paths).flatMap((p): Violation[] => {
            const name = p?.backend?.service?.name;
            // No name, or one that is no name (the schema check reports it): no Service to look for.
            if (typeof name !== 'string') return [];
            const svc = ix.get('Service', ing.metadata?.namespace, name);
            if (!svc) return [v(ing, '/spec/rules', `routes ${text(p.path)} to missing Service ${name}`)];
            const port = p.backend.service.port;
            const target = arr(svc.spec?.ports).find((sp) => (port?.name ? sp?.name === port.name : sp?.port === port?.number));
            // An ExternalName Service is a DNS alias: the controller dials the backend's port number on the external
            // host as given (ingress-nginx: "only numeric ports are allowed in ExternalName Services"), declared or not.
            if (!target && svc.spec?.type === 'ExternalName' && !port?.name && typeof port?.number === 'number') return [];
            if (!target) return [v(ing, '/spec/rules', `routes ${text(p.path)} to a port Service ${name} does not have`)];
            // An Ingress controller proxies HTTP over TCP: a UDP or SCTP port never answers it.
            const protocol = target.protocol ?? 'TCP';
            return protocol === 'TCP' || !scalarsAt(target, 'protocol')
              ? []
              : [
                  v(
                    ing,
                    '/spec/rules',
                    `routes ${text(p.path)} to port ${text(target.name ?? target.port)} of Service ${name}, which is ${text(protocol)}, not TCP`,
                  ),
                ];
          }),
        ),
      ),
  },
  {
    code: 'REF_INGRESS_CONFLICT',
    severity: 'error',
    category: 'references',
    inspects: ['Ingress'],
    description:
      'No two Ingresses of one class route the same host, path and path type (ingress-nginx’s admission webhook refuses the second unless it is a canary; without it one silently wins).',
    fix: 'route each host and path of a class in one Ingress, or give one of them another path or host',
    check: (ix) => {
      const seen = new Map<string, string>();
      const out: Violation[] = [];
      for (const ing of ix.ofKind('Ingress')) {
        // ingress-nginx lets a canary Ingress share its main Ingress's host and path, by design; it reads the
        // annotation with strconv.ParseBool, so 'True', 'TRUE', 't' and '1' mark a canary too.
        if (GO_TRUE.has(ing.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary'])) continue;
        const cls = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.['kubernetes.io/ingress.class'] ?? '';
        // A class, host or path that is a map or list (the schema check reports it) is no route to compare.
        if (typeof cls === 'object' && cls !== null) continue;
        const here = `${ing.metadata?.namespace}/${ing.metadata?.name}`;
        const mine = new Set<string>();
        arr(ing.spec?.rules).forEach((r, i) =>
          arr(r?.http?.paths).forEach((p) => {
            if (!scalarsAt(r, 'host') || !scalarsAt(p, 'path', 'pathType')) return;
            const key = `${cls}\u0000${r?.host ?? '*'}\u0000${p?.path ?? '/'}\u0000${p?.pathType ?? ''}`;
            const other = seen.get(key);
            if (other !== undefined && other !== here && !mine.has(key))
              out.push(
                v(
                  ing,
                  `/spec/rules/${i}`,
                  `routes ${r?.host ?? '*'}${p?.path ?? '/'}, which Ingress ${other} of the same class routes already`,
                ),
              );
            mine.add(key);
          }),
        );
        for (const key of mine) if (!seen.has(key)) seen.set(key, here);
      }
      return out;
    },
  },
  {
    code: 'REF_HPA_TARGET',
    severity: 'error',
    category: 'references',
    inspects: ['HorizontalPodAutoscaler', 'VerticalPodAutoscaler'],
    description:
      "An autoscaler's target exists in the output: an HPA's scaleTargetRef, a VPA's targetRef (a VPA whose workload is elsewhere, e.g. in another app, recommends for nothing).",
    fix: 'point scaleTargetRef (HPA) or targetRef (VPA) at a Deployment, StatefulSet or other workload of the same output and namespace',
    check: (ix) =>
      [
        ...ix.ofKind('HorizontalPodAutoscaler').map((h) => [h, '/spec/scaleTargetRef', h.spec?.scaleTargetRef] as const),
        ...ix
          .ofKind('VerticalPodAutoscaler')
          .filter((o) => typeof o.apiVersion === 'string' && o.apiVersion.startsWith('autoscaling.k8s.io/'))
          .map((o) => [o, '/spec/targetRef', o.spec?.targetRef] as const),
      ]
        .filter(([o, , ref]) => !ix.get(ref?.kind, o.metadata?.namespace, ref?.name))
        .map(([o, pointer, ref]) => v(o, pointer, `targets missing ${text(ref?.kind)}/${text(ref?.name)}`)),
  },
  {
    code: 'REF_STATEFULSET_SERVICE',
    severity: 'error',
    category: 'references',
    inspects: ['StatefulSet', 'Service'],
    description: "A StatefulSet's serviceName is a headless Service selecting its pods.",
    fix: 'create the headless Service (clusterIP: None) named by serviceName',
    check: (ix) =>
      ix
        .ofKind('StatefulSet')
        .filter((s) => {
          const svc = ix.get('Service', s.metadata?.namespace, s.spec?.serviceName);
          return !svc || svc.spec?.clusterIP !== 'None' || !selects(svc.spec?.selector, s.spec?.template?.metadata?.labels ?? {});
        })
        .map((s) => v(s, '/spec/serviceName', `serviceName ${text(s.spec?.serviceName)} is not a headless Service selecting its pods`)),
  },
  {
    code: 'MONITOR_TARGET_MISSING',
    severity: 'error',
    category: 'references',
    inspects: ['ServiceMonitor', 'PodMonitor', 'Service', 'pod templates'],
    description:
      'A prometheus-operator ServiceMonitor selects a Service in its namespaces that publishes the port it scrapes; a PodMonitor selects pods with a container port of that name.',
    fix: "make the monitor's selector match the Service's (or pods') labels and name one of their ports",
    check: monitorViolations,
  },
  {
    code: 'REF_SELECTS_JOB_PODS',
    severity: 'error',
    category: 'references',
    inspects: ['Service', 'PodDisruptionBudget', 'Job', 'CronJob'],
    description:
      "A Service (not headless) does not select the pods of a Job or CronJob together with those of a long-running controller (a Job sharing a Deployment's labels takes a share of its traffic while it runs; a Service over a Job's pods alone is fine). Nor does a PodDisruptionBudget with maxUnavailable or a percentage minAvailable select Job pods: the disruption controller counts them through a controller's scale (a Job has none).",
    fix: "give the Job's pods labels of their own (another name), or narrow the selector to the long-running workload's pods",
    check: (ix) =>
      ix.ofKind('Service', 'PodDisruptionBudget').flatMap((o) => {
        const selector = o.spec?.selector;
        // An empty Service selector selects no pods (its endpoints are managed by hand).
        if (!selector || typeof selector !== 'object' || (o.kind === 'Service' && Object.keys(selector).length === 0)) return [];
        const selected = ix.selected(o.metadata?.namespace, selector);
        const jobs = selected.filter((t) => RUN_TO_COMPLETION.includes(t.owner.kind));
        const long = selected.filter((t) => LONG_RUNNING_CONTROLLERS.includes(t.owner.kind));
        const found = jobPodsViolation(o, jobs, long);
        return found ? [found] : [];
      }),
  },
  {
    code: 'REF_SERVICE_MIXED_PODS',
    severity: 'warning',
    category: 'references',
    inspects: ['Service', 'pod templates'],
    description:
      'A Service selects the pods of one controller, or of the tracks of one release (controllers of one kind whose pods carry the same label keys but for a track label, e.g. a canary beside the stable Deployment).',
    fix: 'give each workload pod labels of its own (another name), and the Service the selector of the one it fronts',
    check: (ix) => judgeSelectingServices(ix, '/spec/selector', (s) => mixedControllers(ix, s)),
  },
  {
    code: 'REF_PDB_SELECTOR',
    severity: 'warning',
    category: 'references',
    inspects: ['PodDisruptionBudget', 'pod templates'],
    description: "A PodDisruptionBudget's selector matches some pods.",
    fix: "match the workload's pod labels",
    check: (ix) =>
      ix
        .ofKind('PodDisruptionBudget')
        .filter((p) => selectorSelectsNothing(ix, p, p.spec?.selector))
        .map((p) => v(p, '/spec/selector', 'protects no pods')),
  },
  {
    code: 'REF_NETPOL_SELECTOR',
    severity: 'warning',
    category: 'references',
    inspects: ['NetworkPolicy', 'pod templates'],
    description: "A NetworkPolicy's pod selector matches some pods (an empty one matches all).",
    fix: "match the workload's pod labels",
    check: (ix) =>
      ix
        .ofKind('NetworkPolicy')
        .filter((n) => !isEmptySelector(n.spec?.podSelector) && selectorSelectsNothing(ix, n, n.spec.podSelector))
        .map((n) => v(n, '/spec/podSelector', 'applies to no pods')),
  },
  {
    code: 'REF_CLAIM_SINGLE_NODE',
    severity: 'error',
    category: 'references',
    inspects: ['PersistentVolumeClaim', 'pod templates', 'HorizontalPodAutoscaler'],
    description:
      'A PersistentVolumeClaim whose access modes are only ReadWriteOnce or ReadWriteOncePod is mounted (writably, or at all for ReadWriteOncePod) by the pods of one workload that never runs two of them at once: not by several workloads, not by a workload of several replicas (or an HPA above 1), a DaemonSet, a parallel Job or an overlapping CronJob, and not by a Deployment rolling out with RollingUpdate (Multi-Attach errors or a Pending pod: the rollout or scale-up hangs).',
    fix: 'give each pod its own claim (a StatefulService with claims), use a ReadWriteMany StorageClass, or run one pod with strategy Recreate (Release.recreate())',
    check: singleNodeClaimViolations,
  },
  {
    code: 'REF_MISSING_OBJECT',
    severity: 'error',
    category: 'references',
    inspects: ['pod templates', 'PersistentVolumeClaim', 'StatefulSet', 'ExternalSecret', 'ClusterExternalSecret', 'PushSecret'],
    description:
      "Referenced ConfigMaps, PersistentVolumeClaims, ServiceAccounts and PriorityClasses exist in the output; a claim's storage class is a StorageClass of the output or one the environment declares as existing; the SecretStore or ClusterSecretStore an External Secrets object names is in the output or declared as existing.",
    fix: 'create the referenced object, fix the name, or declare the storage class or secret store as existing in the cluster',
    check: (ix, context) => {
      const out: Violation[] = [];
      // The pods an operator creates carry what its resource names (a Prometheus' priorityClassName and serviceAccountName).
      for (const t of [...ix.templates, ...ix.operated]) {
        const need = (kind: string, ns: string | undefined, name: unknown, where: string) => {
          if (typeof name === 'string' && name && !ix.get(kind, ns, name)) out.push(v(t.owner, where, `refers to missing ${kind} ${name}`));
        };
        for (const vol of arr(t.spec.volumes)) {
          if (vol?.configMap && !vol.configMap.optional) need('ConfigMap', t.namespace, vol.configMap.name, '/spec/volumes');
          for (const s of arr(vol?.projected?.sources))
            if (s?.configMap && !s.configMap.optional) need('ConfigMap', t.namespace, s.configMap.name, '/spec/volumes');
          if (vol?.persistentVolumeClaim) need('PersistentVolumeClaim', t.namespace, vol.persistentVolumeClaim.claimName, '/spec/volumes');
        }
        for (const c of containersOf(t.spec)) {
          for (const e of arr(c.env))
            if (e?.valueFrom?.configMapKeyRef && !e.valueFrom.configMapKeyRef.optional)
              need('ConfigMap', t.namespace, e.valueFrom.configMapKeyRef.name, '/env');
          for (const e of arr(c.envFrom))
            if (e?.configMapRef && !e.configMapRef.optional) need('ConfigMap', t.namespace, e.configMapRef.name, '/envFrom');
        }
        const sa = t.spec.serviceAccountName ?? t.spec.serviceAccount;
        if (sa !== 'default') need('ServiceAccount', t.namespace, sa, '/spec/serviceAccountName');
        const pc = t.spec.priorityClassName;
        if (typeof pc === 'string' && !pc.startsWith('system-')) need('PriorityClass', undefined, pc, '/spec/priorityClassName');
      }
      const existing = new Set(context.existingStorageClasses ?? []);
      for (const [o, pointer, cls] of storageClassUses(ix))
        if (!existing.has(cls) && !ix.get('StorageClass', undefined, cls))
          out.push(v(o, pointer, `asks for StorageClass ${cls}, which neither the output nor the cluster declaration provides`));
      out.push(...missingStores(ix, context));
      return out;
    },
  },
  {
    code: 'SECRET_UNPROVIDED',
    severity: 'error',
    category: 'references',
    inspects: ['pod templates', 'Ingress', 'Secret', 'ExternalSecret', 'Certificate'],
    description:
      'A Secret that a pod (env, envFrom, volumes, imagePullSecrets) or an Ingress TLS entry names is provided: by a Secret, an ExternalSecret (external-secrets.io) whose target is that name, a cert-manager Certificate whose secretName is that name, or the deploy tool. Checked when the context asks for it (Secrets made outside the output are common in foreign YAML).',
    fix: 'declare the Secret (a SecretDeclaration: an ExternalSecret or the deploy tool), give the Ingress a cert-manager issuer, or fix the name',
    check: (ix, context) => {
      const tls = context.tlsSecretsMustBeProvided ?? context.secretsMustBeProvided;
      if (!context.secretsMustBeProvided && !tls) return [];
      const provided = providedSecrets(ix, context);
      const missing = (ns: string | undefined, name: string) => !provided.has(`${ns}/${name}`);
      const out: Violation[] = [];
      for (const t of context.secretsMustBeProvided ? ix.templates : [])
        for (const [name, where] of secretsOfTemplate(t))
          if (missing(t.namespace, name)) out.push(v(t.owner, where, `refers to Secret ${name}, which nothing in the output provides`));
      for (const ing of tls ? ix.ofKind('Ingress') : [])
        for (const entry of arr(ing.spec?.tls))
          if (typeof entry?.secretName === 'string' && entry.secretName && missing(ing.metadata?.namespace, entry.secretName))
            out.push(v(ing, '/spec/tls', `serves TLS from Secret ${entry.secretName}, which nothing in the output provides`));
      return out;
    },
  },
];
