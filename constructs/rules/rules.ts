import { SECRET_ENV_NAME, isPinnedImage } from '../core/names';
import { objectId, Finding, Severity } from './schema';
import { PodTemplateRef, podTemplates, selects } from './manifests';

/*
 * Best-practice rules for synthesized manifests, modelled on kube-score,
 * Polaris and the Pod Security Standards (baseline and restricted). Each rule
 * has a stable id, a severity and a fix, and works on plain objects, so it
 * grades any directory of manifests, not only ours.
 */

/** What rules see: the objects, indexed. */
export class ManifestIndex {
  public readonly templates: PodTemplateRef[];
  private readonly byKey = new Map<string, any>();
  private readonly hpaByTarget = new Map<string, any>();
  constructor(public readonly objects: readonly any[]) {
    for (const o of objects) {
      this.byKey.set(this.key(o.kind, o.metadata?.namespace, o.metadata?.name), o);
      if (o.kind === 'HorizontalPodAutoscaler')
        this.hpaByTarget.set(this.key(o.spec?.scaleTargetRef?.kind, o.metadata?.namespace, o.spec?.scaleTargetRef?.name), o);
    }
    this.templates = podTemplates(objects);
  }
  /** The HPA scaling `o`, if any. */
  public hpaFor(o: any): any | undefined {
    return this.hpaByTarget.get(this.key(o.kind, o.metadata?.namespace, o.metadata?.name));
  }
  public key(kind: string, ns: string | undefined, name: string | undefined): string {
    return `${kind}/${ns ?? ''}/${name ?? ''}`;
  }
  public get(kind: string, ns: string | undefined, name: string): any | undefined {
    return this.byKey.get(this.key(kind, ns, name));
  }
  public ofKind(...kinds: string[]): any[] {
    return this.objects.filter((o) => kinds.includes(o.kind));
  }
  public inNamespace(ns: string): any[] {
    return this.objects.filter((o) => o.metadata?.namespace === ns);
  }
  /** Pod Security `enforce` level of a namespace defined in the set, if any. */
  public psaLevel(ns: string | undefined): string | undefined {
    return ns ? this.get('Namespace', undefined, ns)?.metadata?.labels?.['pod-security.kubernetes.io/enforce'] : undefined;
  }
}

/** A rule. */
export interface Rule {
  readonly id: string;
  readonly severity: Severity;
  readonly category: 'reliability' | 'security' | 'governance' | 'references';
  readonly description: string;
  readonly fix: string;
  /** Returns `[object, pointer, message]` for every violation. */
  check(index: ManifestIndex): [any, string, string][];
}

const containersOf = (t: PodTemplateRef) => [...(t.spec.initContainers ?? []), ...(t.spec.containers ?? [])];
const replicasOf = (index: ManifestIndex, o: any): { min: number; max: number; hpa?: any } => {
  const hpa = index.hpaFor(o);
  if (hpa) return { min: hpa.spec.minReplicas ?? 1, max: hpa.spec.maxReplicas, hpa };
  const r = o.spec?.replicas ?? 1;
  return { min: r, max: r };
};
const scaled = (index: ManifestIndex) => index.ofKind('Deployment', 'StatefulSet');
const limitRangeDefaults = (index: ManifestIndex, ns: string | undefined) =>
  index
    .ofKind('LimitRange')
    .filter((l) => l.metadata.namespace === ns)
    .flatMap((l) => l.spec?.limits ?? [])
    .find((l: any) => l.type === 'Container' && (l.default || l.defaultRequest || l.max));

function each<T>(items: T[], fn: (t: T) => [any, string, string][]): [any, string, string][] {
  return items.flatMap(fn);
}

export const RULES: readonly Rule[] = [
  // ── reliability ──
  {
    id: 'REL_RESOURCES',
    severity: 'warning',
    category: 'reliability',
    description: 'Every container requests CPU and memory and limits memory (or its namespace LimitRange supplies them).',
    fix: 'set resources.requests.cpu/memory and resources.limits.memory, or give the namespace a LimitRange with defaults',
    check: (ix) =>
      each(ix.templates, (t) => {
        const lr = limitRangeDefaults(ix, t.namespace);
        return containersOf(t).flatMap((c: any, i: number) => {
          const missing = [
            ['requests', 'cpu'],
            ['requests', 'memory'],
            ['limits', 'memory'],
          ].filter(
            ([side, r]) =>
              !c.resources?.[side]?.[r] && !(lr && (lr[side === 'requests' ? 'defaultRequest' : 'default']?.[r] || lr.max?.[r])),
          );
          return missing.length
            ? [
                [t.owner, `/containers/${i}/resources`, `container '${c.name}' has no ${missing.map((m) => m.join('.')).join(', ')}`] as [
                  any,
                  string,
                  string,
                ],
              ]
            : [];
        });
      }),
  },
  {
    id: 'REL_IMAGE_TAG',
    severity: 'error',
    category: 'reliability',
    description: 'Images are pinned to a tag or digest, never `latest`.',
    fix: "pin a version, e.g. 'nginx:1.27.2' or a digest",
    check: (ix) =>
      each(ix.templates, (t) =>
        containersOf(t)
          .filter((c: any) => !isPinnedImage(c.image))
          .map((c: any) => [t.owner, '/image', `container '${c.name}' uses unpinned image '${c.image}'`]),
      ),
  },
  {
    id: 'REL_READINESS',
    severity: 'warning',
    category: 'reliability',
    description: 'Serving containers of long-running workloads have a readiness probe.',
    fix: 'add a readiness probe so the pod leaves Service endpoints while it cannot serve',
    check: (ix) =>
      each(
        ix.templates.filter((t) => ['Deployment', 'StatefulSet'].includes(t.owner.kind)),
        (t) =>
          (t.spec.containers ?? [])
            .filter((c: any) => c.ports?.length && !c.readinessProbe)
            .map((c: any) => [t.owner, '/readinessProbe', `container '${c.name}' serves ports but has no readiness probe`]),
      ),
  },
  {
    id: 'REL_PROBE_SAME',
    severity: 'warning',
    category: 'reliability',
    description: 'Liveness and readiness are different checks.',
    fix: 'give liveness its own cheap check, or drop it',
    check: (ix) =>
      each(ix.templates, (t) =>
        (t.spec.containers ?? [])
          .filter(
            (c: any) =>
              c.livenessProbe &&
              c.readinessProbe &&
              JSON.stringify({
                ...c.livenessProbe,
                periodSeconds: 0,
                failureThreshold: 0,
                initialDelaySeconds: 0,
                timeoutSeconds: 0,
                successThreshold: 0,
              }) ===
                JSON.stringify({
                  ...c.readinessProbe,
                  periodSeconds: 0,
                  failureThreshold: 0,
                  initialDelaySeconds: 0,
                  timeoutSeconds: 0,
                  successThreshold: 0,
                }),
          )
          .map((c: any) => [t.owner, '/livenessProbe', `container '${c.name}' uses the same check for liveness and readiness`]),
      ),
  },
  {
    id: 'REL_HPA_REPLICAS',
    severity: 'warning',
    category: 'reliability',
    description: 'A workload owned by an HPA does not set replicas (each apply would reset the scale).',
    fix: 'remove spec.replicas from the HPA target',
    check: (ix) =>
      scaled(ix)
        .filter((o) => o.spec?.replicas !== undefined && replicasOf(ix, o).hpa)
        .map((o) => [o, '/spec/replicas', 'sets replicas although an HPA scales it']),
  },
  {
    id: 'REL_PDB_MISSING',
    severity: 'warning',
    category: 'reliability',
    description: 'Replicated workloads have a PodDisruptionBudget.',
    fix: 'add a PodDisruptionBudget (maxUnavailable: 1) selecting the pods',
    check: (ix) =>
      scaled(ix)
        .filter(
          (o) =>
            replicasOf(ix, o).max >= 2 &&
            !ix
              .ofKind('PodDisruptionBudget')
              .some(
                (p) => p.metadata.namespace === o.metadata.namespace && selects(p.spec?.selector, o.spec?.template?.metadata?.labels ?? {}),
              ),
        )
        .map((o) => [o, '', 'runs 2+ replicas without a disruption budget']),
  },
  {
    id: 'REL_PDB_BLOCKS',
    severity: 'error',
    category: 'reliability',
    description: 'A PodDisruptionBudget can allow at least one eviction (else node drains hang).',
    fix: 'use maxUnavailable: 1, or minAvailable below the smallest replica count',
    check: (ix) =>
      each(ix.ofKind('PodDisruptionBudget'), (p) => {
        const targets = scaled(ix).filter(
          (o) => o.metadata.namespace === p.metadata.namespace && selects(p.spec?.selector, o.spec?.template?.metadata?.labels ?? {}),
        );
        const min = targets.reduce((n, o) => n + replicasOf(ix, o).min, 0);
        const mu = p.spec?.maxUnavailable;
        const ma = p.spec?.minAvailable;
        if (mu === 0 || mu === '0%') return [[p, '/spec/maxUnavailable', 'allows no disruption at all']];
        if (targets.length && (ma === '100%' || (typeof ma === 'number' && ma >= min)))
          return [[p, '/spec/minAvailable', `keeps ${ma} of ${min} pod(s) up: no eviction is ever allowed`]];
        return [];
      }),
  },
  {
    id: 'REL_SPREAD',
    severity: 'warning',
    category: 'reliability',
    description: 'Replicated workloads spread across hosts (topology spread or pod anti-affinity).',
    fix: 'add topologySpreadConstraints on kubernetes.io/hostname (and the zone)',
    check: (ix) =>
      scaled(ix)
        .filter(
          (o) =>
            replicasOf(ix, o).max >= 2 &&
            !o.spec?.template?.spec?.topologySpreadConstraints?.length &&
            !o.spec?.template?.spec?.affinity?.podAntiAffinity,
        )
        .map((o) => [o, '/spec/template/spec', 'runs 2+ replicas with nothing spreading them across hosts']),
  },
  // ── security: Pod Security Standards baseline and restricted ──
  {
    id: 'SEC_HOST_NAMESPACES',
    severity: 'error',
    category: 'security',
    description: 'PSS baseline: no hostNetwork, hostPID or hostIPC.',
    fix: 'remove hostNetwork/hostPID/hostIPC',
    check: (ix) =>
      each(ix.templates, (t) =>
        ['hostNetwork', 'hostPID', 'hostIPC']
          .filter((k) => t.spec[k])
          .map((k) => [t.owner, `/spec/${k}`, `shares the node's ${k.slice(4)} namespace`]),
      ),
  },
  {
    id: 'SEC_PRIVILEGED',
    severity: 'error',
    category: 'security',
    description: 'PSS baseline: no privileged containers.',
    fix: 'remove securityContext.privileged',
    check: (ix) =>
      each(ix.templates, (t) =>
        containersOf(t)
          .filter((c: any) => c.securityContext?.privileged)
          .map((c: any) => [t.owner, '/securityContext/privileged', `container '${c.name}' is privileged`]),
      ),
  },
  {
    id: 'SEC_CAPABILITIES',
    severity: 'error',
    category: 'security',
    description: 'PSS restricted: drop ALL capabilities, add at most NET_BIND_SERVICE.',
    fix: "set securityContext.capabilities: { drop: ['ALL'] }",
    check: (ix) =>
      each(ix.templates, (t) =>
        containersOf(t).flatMap((c: any) => {
          const caps = c.securityContext?.capabilities ?? {};
          const out: [any, string, string][] = [];
          if (!(caps.drop ?? []).includes('ALL'))
            out.push([t.owner, '/securityContext/capabilities/drop', `container '${c.name}' does not drop ALL capabilities`]);
          const added = (caps.add ?? []).filter((x: string) => x !== 'NET_BIND_SERVICE');
          if (added.length) out.push([t.owner, '/securityContext/capabilities/add', `container '${c.name}' adds ${added.join(', ')}`]);
          return out;
        }),
      ),
  },
  {
    id: 'SEC_HOST_PATH',
    severity: 'error',
    category: 'security',
    description: 'PSS baseline: no hostPath volumes, except in namespaces that enforce the privileged level.',
    fix: 'use another volume type, or move the node agent to a namespace enforcing privileged',
    check: (ix) =>
      each(ix.templates, (t) =>
        (t.spec.volumes ?? [])
          .filter((v: any) => v.hostPath && ix.psaLevel(t.namespace) !== 'privileged')
          .map((v: any) => [
            t.owner,
            '/spec/volumes',
            `mounts hostPath ${v.hostPath.path} in a namespace that does not enforce privileged`,
          ]),
      ),
  },
  {
    id: 'SEC_HOST_PORTS',
    severity: 'error',
    category: 'security',
    description: 'PSS baseline: no hostPort.',
    fix: 'expose the port through a Service instead',
    check: (ix) =>
      each(ix.templates, (t) =>
        containersOf(t).flatMap((c: any) =>
          (c.ports ?? [])
            .filter((p: any) => p.hostPort)
            .map((p: any) => [t.owner, '/ports', `container '${c.name}' binds hostPort ${p.hostPort}`] as [any, string, string]),
        ),
      ),
  },
  {
    id: 'SEC_RUN_AS_NON_ROOT',
    severity: 'error',
    category: 'security',
    description: 'PSS restricted: runAsNonRoot, never UID 0.',
    fix: 'set securityContext.runAsNonRoot: true and a non-zero runAsUser',
    check: (ix) =>
      each(ix.templates, (t) =>
        containersOf(t)
          .filter((c: any) => {
            const nonRoot = c.securityContext?.runAsNonRoot ?? t.spec.securityContext?.runAsNonRoot;
            const uid = c.securityContext?.runAsUser ?? t.spec.securityContext?.runAsUser;
            return nonRoot !== true || uid === 0;
          })
          .map((c: any) => [t.owner, '/securityContext/runAsNonRoot', `container '${c.name}' may run as root`]),
      ),
  },
  {
    id: 'SEC_PRIVILEGE_ESCALATION',
    severity: 'error',
    category: 'security',
    description: 'PSS restricted: allowPrivilegeEscalation is false.',
    fix: 'set securityContext.allowPrivilegeEscalation: false',
    check: (ix) =>
      each(ix.templates, (t) =>
        containersOf(t)
          .filter((c: any) => c.securityContext?.allowPrivilegeEscalation !== false)
          .map((c: any) => [t.owner, '/securityContext/allowPrivilegeEscalation', `container '${c.name}' may escalate privileges`]),
      ),
  },
  {
    id: 'SEC_SECCOMP',
    severity: 'error',
    category: 'security',
    description: 'PSS restricted: seccomp profile RuntimeDefault (or Localhost).',
    fix: 'set securityContext.seccompProfile.type: RuntimeDefault on the pod',
    check: (ix) =>
      each(ix.templates, (t) =>
        containersOf(t)
          .filter(
            (c: any) =>
              !['RuntimeDefault', 'Localhost'].includes(
                c.securityContext?.seccompProfile?.type ?? t.spec.securityContext?.seccompProfile?.type,
              ),
          )
          .map((c: any) => [t.owner, '/securityContext/seccompProfile', `container '${c.name}' runs without a seccomp profile`]),
      ),
  },
  {
    id: 'SEC_READONLY_ROOT',
    severity: 'warning',
    category: 'security',
    description: 'Containers have a read-only root filesystem (scratch space in emptyDir).',
    fix: 'set readOnlyRootFilesystem: true and mount an emptyDir where the app writes',
    check: (ix) =>
      each(ix.templates, (t) =>
        containersOf(t)
          .filter((c: any) => c.securityContext?.readOnlyRootFilesystem !== true)
          .map((c: any) => [t.owner, '/securityContext/readOnlyRootFilesystem', `container '${c.name}' can write its root filesystem`]),
      ),
  },
  {
    id: 'SEC_SA_TOKEN',
    severity: 'warning',
    category: 'security',
    description: 'Pods mount an API token only when their ServiceAccount is granted something.',
    fix: 'set automountServiceAccountToken: false, or bind the ServiceAccount to the role it needs',
    check: (ix) =>
      each(
        ix.templates.filter((t) => t.spec.automountServiceAccountToken !== false),
        (t) => {
          const sa = t.spec.serviceAccountName ?? 'default';
          const bound = ix
            .ofKind('RoleBinding', 'ClusterRoleBinding')
            .some((b) => (b.subjects ?? []).some((s: any) => s.kind === 'ServiceAccount' && s.name === sa && s.namespace === t.namespace));
          return bound
            ? []
            : [[t.owner, '/spec/automountServiceAccountToken', `mounts a token for ServiceAccount '${sa}', which has no role`]];
        },
      ),
  },
  {
    id: 'SEC_PLAINTEXT_SECRET',
    severity: 'error',
    category: 'security',
    description: 'No secret-looking environment variable has a literal value.',
    fix: 'read it from a Secret (valueFrom.secretKeyRef)',
    check: (ix) =>
      each(ix.templates, (t) =>
        containersOf(t).flatMap((c: any) =>
          (c.env ?? [])
            .filter((e: any) => e.value !== undefined && SECRET_ENV_NAME.test(e.name))
            .map((e: any) => [t.owner, '/env', `container '${c.name}' has ${e.name} in plain text`] as [any, string, string]),
        ),
      ),
  },
  {
    id: 'SEC_RBAC_WILDCARD',
    severity: 'error',
    category: 'security',
    description: "RBAC rules name their verbs, resources and API groups (no '*').",
    fix: 'list exactly what the role needs',
    check: (ix) =>
      each(ix.ofKind('Role', 'ClusterRole'), (r) =>
        (r.rules ?? []).flatMap((rule: any, i: number) =>
          ['verbs', 'resources', 'apiGroups']
            .filter((k) => (rule[k] ?? []).includes('*'))
            .map((k) => [r, `/rules/${i}/${k}`, `grants '*' ${k}`] as [any, string, string]),
        ),
      ),
  },
  {
    id: 'SEC_CLUSTER_ADMIN',
    severity: 'error',
    category: 'security',
    description: 'Nothing is bound to cluster-admin.',
    fix: 'bind a least-privilege role instead',
    check: (ix) =>
      ix
        .ofKind('RoleBinding', 'ClusterRoleBinding')
        .filter((b) => b.roleRef?.name === 'cluster-admin')
        .map((b) => [b, '/roleRef', 'binds cluster-admin']),
  },
  {
    id: 'SEC_NODEPORT',
    severity: 'warning',
    category: 'security',
    description: 'Services are not exposed on every node (NodePort).',
    fix: 'use ClusterIP behind an Ingress, or a LoadBalancer',
    check: (ix) =>
      ix
        .ofKind('Service')
        .filter((s) => s.spec?.type === 'NodePort')
        .map((s) => [s, '/spec/type', 'opens a port on every node']),
  },
  // ── namespace governance ──
  ...(
    [
      [
        'GOV_QUOTA',
        'has no ResourceQuota',
        'add a ResourceQuota (TeamNamespace does)',
        (ix: ManifestIndex, ns: string) => ix.inNamespace(ns).some((o) => o.kind === 'ResourceQuota'),
      ],
      [
        'GOV_LIMITRANGE',
        'has no LimitRange',
        'add a LimitRange with container defaults (TeamNamespace does)',
        (ix: ManifestIndex, ns: string) => ix.inNamespace(ns).some((o) => o.kind === 'LimitRange'),
      ],
      [
        'GOV_DEFAULT_DENY',
        'has no default-deny NetworkPolicy for ingress and egress',
        'add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules',
        (ix: ManifestIndex, ns: string) =>
          ix
            .inNamespace(ns)
            .some(
              (o) =>
                o.kind === 'NetworkPolicy' &&
                Object.keys(o.spec?.podSelector ?? {}).length === 0 &&
                ['Ingress', 'Egress'].every((p) => (o.spec?.policyTypes ?? []).includes(p)) &&
                !o.spec?.ingress?.length &&
                !o.spec?.egress?.length,
            ),
      ],
      [
        'GOV_PSA',
        'has no Pod Security Admission enforce label',
        'label it pod-security.kubernetes.io/enforce: restricted',
        (ix: ManifestIndex, ns: string) => Boolean(ix.psaLevel(ns)),
      ],
    ] as const
  ).map(([id, message, fix, ok]): Rule => ({
    id,
    severity: 'error',
    category: 'governance',
    description: `Every namespace ${message.replace('has no', 'has a')}.`,
    fix,
    check: (ix) =>
      ix
        .ofKind('Namespace')
        .filter((n) => !ok(ix, n.metadata.name))
        .map((n) => [n, '', message]),
  })),
  // ── references between objects ──
  {
    id: 'REF_SERVICE_SELECTOR',
    severity: 'error',
    category: 'references',
    description: "A Service's selector matches pods of some workload in its namespace.",
    fix: "make the selector match the workload's pod labels",
    check: (ix) =>
      ix
        .ofKind('Service')
        .filter(
          (s) => s.spec?.selector && !ix.templates.some((t) => t.namespace === s.metadata.namespace && selects(s.spec.selector, t.labels)),
        )
        .map((s) => [s, '/spec/selector', 'selects no pods']),
  },
  {
    id: 'REF_SERVICE_TARGET_PORT',
    severity: 'error',
    category: 'references',
    description: "A Service's named targetPorts are container ports of the pods it selects.",
    fix: 'target a port name a container declares',
    check: (ix) =>
      each(
        ix.ofKind('Service').filter((s) => s.spec?.selector),
        (s) => {
          const pods = ix.templates.filter((t) => t.namespace === s.metadata.namespace && selects(s.spec.selector, t.labels));
          if (!pods.length) return [];
          const names = new Set(
            pods.flatMap((t) => (t.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name))),
          );
          const numbers = new Set(
            pods.flatMap((t) => (t.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => p.containerPort))),
          );
          return (s.spec.ports ?? [])
            .filter((p: any) =>
              typeof p.targetPort === 'string' ? !names.has(p.targetPort) : p.targetPort !== undefined && !numbers.has(p.targetPort),
            )
            .map(
              (p: any) => [s, '/spec/ports', `targetPort ${p.targetPort} is not declared by the selected pods`] as [any, string, string],
            );
        },
      ),
  },
  {
    id: 'REF_SERVICE_ENDPOINTS',
    severity: 'warning',
    category: 'references',
    description: 'A selector-less Service has an EndpointSlice (or is an ExternalName).',
    fix: 'add an EndpointSlice labelled kubernetes.io/service-name, or a selector',
    check: (ix) =>
      ix
        .ofKind('Service')
        .filter(
          (s) =>
            !s.spec?.selector &&
            s.spec?.type !== 'ExternalName' &&
            !ix
              .ofKind('EndpointSlice', 'Endpoints')
              .some(
                (e) =>
                  e.metadata.namespace === s.metadata.namespace &&
                  (e.metadata.labels?.['kubernetes.io/service-name'] === s.metadata.name || e.metadata.name === s.metadata.name),
              ),
        )
        .map((s) => [s, '/spec', 'has no selector and no endpoints']),
  },
  {
    id: 'REF_INGRESS_BACKEND',
    severity: 'error',
    category: 'references',
    description: 'Ingress backends are Services (and ports) of the same namespace.',
    fix: 'route to an existing Service and one of its port names',
    check: (ix) =>
      each(ix.ofKind('Ingress'), (ing) =>
        (ing.spec?.rules ?? []).flatMap((r: any) =>
          (r.http?.paths ?? []).flatMap((p: any) => {
            const svc = ix.get('Service', ing.metadata.namespace, p.backend?.service?.name);
            if (!svc)
              return [[ing, '/spec/rules', `routes ${p.path} to missing Service ${p.backend?.service?.name}`] as [any, string, string]];
            const port = p.backend.service.port;
            const ok = (svc.spec?.ports ?? []).some((sp: any) => (port?.name ? sp.name === port.name : sp.port === port?.number));
            return ok
              ? []
              : [[ing, '/spec/rules', `routes ${p.path} to a port Service ${svc.metadata.name} does not have`] as [any, string, string]];
          }),
        ),
      ),
  },
  {
    id: 'REF_HPA_TARGET',
    severity: 'error',
    category: 'references',
    description: "An HPA's scaleTargetRef exists.",
    fix: 'point scaleTargetRef at an existing Deployment or StatefulSet',
    check: (ix) =>
      ix
        .ofKind('HorizontalPodAutoscaler')
        .filter((h) => !ix.get(h.spec?.scaleTargetRef?.kind, h.metadata.namespace, h.spec?.scaleTargetRef?.name))
        .map((h) => [h, '/spec/scaleTargetRef', `targets missing ${h.spec?.scaleTargetRef?.kind}/${h.spec?.scaleTargetRef?.name}`]),
  },
  {
    id: 'REF_STATEFULSET_SERVICE',
    severity: 'error',
    category: 'references',
    description: "A StatefulSet's serviceName is a headless Service selecting its pods.",
    fix: 'create the headless Service (clusterIP: None) named by serviceName',
    check: (ix) =>
      ix
        .ofKind('StatefulSet')
        .filter((s) => {
          const svc = ix.get('Service', s.metadata.namespace, s.spec?.serviceName);
          return !svc || svc.spec?.clusterIP !== 'None' || !selects(svc.spec?.selector, s.spec?.template?.metadata?.labels ?? {});
        })
        .map((s) => [s, '/spec/serviceName', `serviceName ${s.spec?.serviceName} is not a headless Service selecting its pods`]),
  },
  {
    id: 'REF_PDB_SELECTOR',
    severity: 'warning',
    category: 'references',
    description: "A PodDisruptionBudget's selector matches some pods.",
    fix: "match the workload's pod labels",
    check: (ix) =>
      ix
        .ofKind('PodDisruptionBudget')
        .filter((p) => !ix.templates.some((t) => t.namespace === p.metadata.namespace && selects(p.spec?.selector, t.labels)))
        .map((p) => [p, '/spec/selector', 'protects no pods']),
  },
  {
    id: 'REF_NETPOL_SELECTOR',
    severity: 'warning',
    category: 'references',
    description: "A NetworkPolicy's pod selector matches some pods (an empty one matches all).",
    fix: "match the workload's pod labels",
    check: (ix) =>
      ix
        .ofKind('NetworkPolicy')
        .filter(
          (n) =>
            Object.keys(n.spec?.podSelector?.matchLabels ?? {}).length > 0 &&
            !ix.templates.some((t) => t.namespace === n.metadata.namespace && selects(n.spec.podSelector, t.labels)),
        )
        .map((n) => [n, '/spec/podSelector', 'applies to no pods']),
  },
  {
    id: 'REF_MISSING_OBJECT',
    severity: 'error',
    category: 'references',
    description:
      'Referenced ConfigMaps, PersistentVolumeClaims, ServiceAccounts and PriorityClasses exist. (Secrets are expected from the deploy tool and not required here.)',
    fix: 'create the referenced object, or fix the name',
    check: (ix) =>
      each(ix.templates, (t) => {
        const out: [any, string, string][] = [];
        const need = (kind: string, ns: string | undefined, name: string | undefined, where: string) => {
          if (name && !ix.get(kind, ns, name)) out.push([t.owner, where, `refers to missing ${kind} ${name}`]);
        };
        for (const v of t.spec.volumes ?? []) {
          if (v.configMap && !v.configMap.optional) need('ConfigMap', t.namespace, v.configMap.name, '/spec/volumes');
          if (v.persistentVolumeClaim) need('PersistentVolumeClaim', t.namespace, v.persistentVolumeClaim.claimName, '/spec/volumes');
        }
        for (const c of containersOf(t)) {
          for (const e of c.env ?? [])
            if (e.valueFrom?.configMapKeyRef && !e.valueFrom.configMapKeyRef.optional)
              need('ConfigMap', t.namespace, e.valueFrom.configMapKeyRef.name, '/env');
          for (const e of c.envFrom ?? [])
            if (e.configMapRef && !e.configMapRef.optional) need('ConfigMap', t.namespace, e.configMapRef.name, '/envFrom');
        }
        const sa = t.spec.serviceAccountName;
        if (sa && sa !== 'default') need('ServiceAccount', t.namespace, sa, '/spec/serviceAccountName');
        const pc = t.spec.priorityClassName;
        if (pc && !pc.startsWith('system-')) need('PriorityClass', undefined, pc, '/spec/priorityClassName');
        return out;
      }),
  },
];

/** Runs every rule over `objects`. */
export function runRules(objects: readonly any[], rules: readonly Rule[] = RULES): Finding[] {
  const index = new ManifestIndex(objects.filter((o) => o && typeof o === 'object' && o.kind));
  return rules.flatMap((rule) =>
    rule.check(index).map(([object, pointer, message]) => ({
      rule: rule.id,
      severity: rule.severity,
      object: objectId(object),
      pointer,
      message,
      fix: rule.fix,
    })),
  );
}
