import { MAX_ISSUES_PER_KIND } from '../core/errors';
import { KUBE_SCORE_IGNORE } from '../core/metadata';
import { pointerPart } from '../core/names';
import { broadSubjectReason } from '../core/rbac-subjects';
import { SECRET_FIX, argvCredentials, credentialIn, imageCredential, plaintextSecretEnv } from '../core/secret-patterns';
import { isScrapeConfigSecret } from './scrape-configs';
import { text } from '../core/value-issues';
import { arr, containersOf, podTemplateOf, scalarsAt, selects } from './manifest-index';
import { namespaceLevel, podSpecPointer } from './pod-security';
import { Rule, Violation, v } from './rule';

/*
 * Security beyond admission: read-only roots, tokens, credentials in the
 * output, RBAC hygiene and exposure. The Pod Security Standards themselves
 * are judged in pod-security.ts.
 */

/**
 * Pod annotation `<prefix>/<container>`: the comma-separated env names the container may
 * carry as literals although they look secret (a workload's `allowPlaintextEnv`).
 */
export const PLAINTEXT_ENV_ANNOTATION_PREFIX = 'plaintext-env.cluster-blueprints.io';

/** The names of a comma-separated annotation value. */
function listed(value: unknown): Set<string> {
  return new Set(typeof value === 'string' ? value.split(',').map((n) => n.trim()) : []);
}

/** The env names of `container` a pod template's annotation allows as literals. */
function allowedPlaintext(owner: unknown, container: string): Set<string> {
  return listed(podTemplateOf(owner)?.metadata?.annotations?.[`${PLAINTEXT_ENV_ANNOTATION_PREFIX}/${container}`]);
}

/** ConfigMap annotation: the comma-separated keys that may hold a literal although they look secret (`allowPlaintextKeys`). */
export const PLAINTEXT_KEYS_ANNOTATION = 'cluster-blueprints.io/plaintext-keys';

/** A key shaped like an environment variable's name; one with a '.' or '-' (token-usage.json) names a file. */
const ENV_NAME_SHAPE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The keys of a ConfigMap's `data` that are env var names (not file names) named like a secret (DB_PASSWORD, API_TOKEN)
 * and hold a literal (not empty, a reference or a path), except those `allowed`: `envFrom` would hand them to a container
 * in plain text. A file's key (password-policy.yaml) says nothing of its content, which SECRET_IN_OUTPUT scans.
 */
export function plaintextSecretKeys(data: unknown, allowed: ReadonlySet<string>): string[] {
  if (data === null || typeof data !== 'object') return [];
  return Object.entries(data)
    .filter(([k, value]) => ENV_NAME_SHAPE.test(k) && !allowed.has(k) && plaintextSecretEnv(k, value))
    .map(([k]) => k);
}

/**
 * `violation` with its value hidden: these rules fire because of where a value sits (a secret-named key, the argument
 * after a password flag), which the synth issue cannot see when it reads the value back at the pointer.
 */
function hidden(violation: Violation): Violation {
  return { ...violation, value: '<redacted>' };
}

/** The fix of a Secret that carries its values. */
const SECRET_VALUE_FIX =
  "declare it instead (new SecretDeclaration(chart, 'db', { namespace, keys: ['password'], backend })): External Secrets or the deploy tool (pulumi config set --secret) creates it with the values, which never enter the YAML";

/** kube-score's check of the pod's user and group IDs (score/security/security.go: containerSecurityContextUserGroupID). */
const LOW_ID_CHECK = 'container-security-context-user-group-id';
/** The lowest user and group ID kube-score's check accepts. */
const MIN_ID = 10_000;

export const SECURITY_RULES: readonly Rule[] = [
  {
    code: 'SEC_READONLY_ROOT',
    severity: 'warning',
    category: 'security',
    inspects: ['pod templates'],
    description: 'Containers have a read-only root filesystem (scratch space in emptyDir).',
    fix: 'set readOnlyRootFilesystem: true and mount an emptyDir where the app writes',
    check: (ix) =>
      ix.templates.flatMap((t) =>
        containersOf(t.spec)
          .filter((c) => c.securityContext?.readOnlyRootFilesystem !== true)
          .map((c) => v(t.owner, '/securityContext/readOnlyRootFilesystem', `container '${c.name}' can write its root filesystem`)),
      ),
  },
  {
    code: 'SEC_SA_TOKEN',
    severity: 'warning',
    category: 'security',
    inspects: ['pod templates', 'RoleBinding', 'ClusterRoleBinding'],
    description: 'Pods mount an API token only when their ServiceAccount is granted something.',
    fix: 'set automountServiceAccountToken: false, or bind the ServiceAccount to the role it needs',
    check: (ix) => {
      const bound = new Set(
        ix
          .ofKind('RoleBinding', 'ClusterRoleBinding')
          .flatMap((b) => arr(b.subjects))
          .filter((s) => s?.kind === 'ServiceAccount')
          .map((s) => `${text(s.namespace)}/${text(s.name)}`),
      );
      // A ServiceAccount name that is a map or list (the schema check reports it) names no account to look for.
      return ix.templates
        .filter((t) => t.spec.automountServiceAccountToken !== false && scalarsAt(t.spec, 'serviceAccountName'))
        .filter((t) => !bound.has(`${t.namespace}/${t.spec.serviceAccountName ?? 'default'}`))
        .map((t) =>
          v(
            t.owner,
            '/spec/automountServiceAccountToken',
            `mounts a token for ServiceAccount '${t.spec.serviceAccountName ?? 'default'}', which has no role`,
          ),
        );
    },
  },
  {
    code: 'SEC_PLAINTEXT_SECRET',
    severity: 'error',
    category: 'security',
    inspects: ['pod templates', 'ConfigMap'],
    description: `No secret-looking environment variable has a literal value, unless the pod annotation ${PLAINTEXT_ENV_ANNOTATION_PREFIX}/<container> lists it (allowPlaintextEnv) or its value is empty, a yes or no, a reference ($(NAME), \${NAME}), a file (an absolute path in a _FILE or _PATH variable, or a path inside a volume mount of the container) or a URL or DSN whose password is a $(NAME) reference (plaintextSecretEnv, as the Container construct judges it); nor does a ConfigMap key named like one (envFrom makes it an env var; a key with a '.' or '-' is a file name, whose content SECRET_IN_OUTPUT scans), unless its annotation ${PLAINTEXT_KEYS_ANNOTATION} lists it (allowPlaintextKeys).`,
    fix: 'read it from a Secret (valueFrom.secretKeyRef)',
    check: (ix) => [
      ...ix
        .ofKind('ConfigMap')
        .flatMap((cm) =>
          plaintextSecretKeys(cm.data, listed(cm.metadata?.annotations?.[PLAINTEXT_KEYS_ANNOTATION])).map((k) =>
            hidden(v(cm, `/data/${pointerPart(k)}`, `holds ${k} in plain text`)),
          ),
        ),
      ...ix.templates.flatMap((t) =>
        containersOf(t.spec).flatMap((c) => {
          const allowed = allowedPlaintext(t.owner, text(c?.name));
          return arr(c.env)
            .filter(
              (e) =>
                !allowed.has(e?.name) &&
                plaintextSecretEnv(
                  e?.name,
                  e?.value,
                  arr(c.volumeMounts).map((m) => m?.mountPath),
                ),
            )
            .map((e) => hidden(v(t.owner, '/env', `container '${c.name}' has ${e.name} in plain text`)));
        }),
      ),
    ],
  },
  {
    code: 'SECRET_IN_OUTPUT',
    severity: 'error',
    category: 'security',
    inspects: ['every object'],
    description: `No string the output carries (names, labels, annotations, specs, ConfigMap data, keys included) looks like a credential (a Secret that carries values at all is SECRET_VALUE_IN_OUTPUT; the values of the Monitoring blueprint's scrape configuration are scanned). Each such string is one violation at its pointer, the first ${MAX_ISSUES_PER_KIND} of an object listed and the rest counted in one more.`,
    fix: SECRET_FIX,
    check: (ix) =>
      ix.objects.flatMap((o) => {
        const { hits, more } = credentialStrings(o, o?.kind === 'Secret' && !isScrapeConfigSecret(o));
        const found = hits.map((hit) =>
          hidden(
            v(o, hit.pointer, `holds a string that looks like ${hit.what} (not shown): it would be readable by anyone who reads the YAML`),
          ),
        );
        return more > 0 ? [...found, hidden(v(o, '', `holds ${more} more strings that look like credentials (not listed)`))] : found;
      }),
  },
  {
    code: 'SECRET_VALUE_IN_OUTPUT',
    severity: 'error',
    category: 'security',
    inspects: ['Secret'],
    description: `No Secret carries its values (data or stringData) in the output: base64 is no encryption, and the YAML is read by whoever reads the repository. The one exception is judged by content, never by an annotation: the Monitoring blueprint's scrape configuration (stringData with only scrape-configs.yml, exactly the kubelet cAdvisor job it writes and, when it federates, the federation job for host:port targets), which SECRET_IN_OUTPUT scans.`,
    fix: SECRET_VALUE_FIX,
    check: (ix) =>
      ix
        .ofKind('Secret')
        .filter((s) => s.apiVersion === 'v1' && !isScrapeConfigSecret(s))
        .flatMap((s) => {
          const field = (['stringData', 'data'] as const).find((f) =>
            Object.values(s[f] ?? {}).some((x) => typeof x === 'string' && x !== ''),
          );
          return field
            ? [v(s, `/${field}`, `holds values in ${field} (not shown): they would be readable by anyone who reads the YAML`)]
            : [];
        }),
  },
  {
    code: 'SEC_RBAC_WILDCARD',
    severity: 'error',
    category: 'security',
    inspects: ['Role', 'ClusterRole'],
    description: "RBAC rules name their verbs, resources and API groups (no '*').",
    fix: 'list exactly what the role needs',
    check: (ix) =>
      ix
        .ofKind('Role', 'ClusterRole')
        .flatMap((r) =>
          arr(r.rules).flatMap((rule, i) =>
            ['verbs', 'resources', 'apiGroups']
              .filter((k) => arr(rule?.[k]).includes('*'))
              .map((k) => v(r, `/rules/${i}/${k}`, `grants '*' ${k}`)),
          ),
        ),
  },
  {
    code: 'SEC_CLUSTER_ADMIN',
    severity: 'error',
    category: 'security',
    inspects: ['RoleBinding', 'ClusterRoleBinding'],
    description: 'Nothing is bound to cluster-admin.',
    fix: 'bind a least-privilege role instead',
    check: (ix) =>
      ix
        .ofKind('RoleBinding', 'ClusterRoleBinding')
        .filter((b) => b.roleRef?.name === 'cluster-admin')
        .map((b) => v(b, '/roleRef', 'binds cluster-admin')),
  },
  {
    code: 'SEC_RBAC_BROAD_SUBJECT',
    severity: 'error',
    category: 'security',
    inspects: ['RoleBinding', 'ClusterRoleBinding'],
    description:
      'No binding names a subject that stands for everyone of a kind: the group system:unauthenticated or the user system:anonymous (every anonymous request), system:authenticated (every user and ServiceAccount), system:serviceaccounts or system:serviceaccounts:<namespace> (every ServiceAccount).',
    fix: "name the identity provider's group of the people who need the role (TeamNamespace access: e.g. 'payments-devs')",
    check: (ix) =>
      ix.ofKind('RoleBinding', 'ClusterRoleBinding').flatMap((b) =>
        arr(b.subjects).flatMap((s: any, i) => {
          const why = broadSubjectReason(s?.kind, s?.name);
          return why
            ? [
                v(
                  b,
                  `/subjects/${i}/name`,
                  `binds ${b.roleRef?.kind ?? 'a role'} ${b.roleRef?.name ?? ''} to ${s.kind} ${s.name}, which ${why}`,
                ),
              ]
            : [];
        }),
      ),
  },
  {
    code: 'SEC_RBAC_POD_EXEC',
    severity: 'error',
    category: 'security',
    inspects: ['RoleBinding', 'ClusterRoleBinding', 'Role', 'ClusterRole'],
    description:
      "No binding grants pods/exec or pods/attach (a shell in a pod reads every Secret and token it mounts) unless it carries Polaris' exemption for it (`polaris.fairwinds.com/<check>-exempt: \"true\"`, or `polaris.fairwinds.com/exempt`): a binding to the built-in `admin` or `edit` ClusterRole the output does not define, or to a Role or ClusterRole of the output whose rules grant them (get or create). cluster-admin is SEC_CLUSTER_ADMIN's, '*' rules SEC_RBAC_WILDCARD's.",
    fix: 'bind a role without pods/exec and pods/attach (TeamNamespace access binds its own team-* Roles); grant them on purpose to a debug group (TeamNamespace access.debug), whose binding carries the exemption',
    check: (ix) =>
      ix.ofKind('RoleBinding', 'ClusterRoleBinding').flatMap((b) => {
        const ref = b.roleRef;
        if (!ref || typeof ref.name !== 'string' || ref.name === 'cluster-admin' || podExecExempt(b)) return [];
        const role = ref.kind === 'Role' ? ix.get('Role', b.metadata?.namespace, ref.name) : ix.get('ClusterRole', undefined, ref.name);
        const grants = role
          ? podExecGrants(role.rules)
          : ref.kind === 'ClusterRole' && BUILT_IN_EXEC_ROLES.includes(ref.name)
            ? POD_EXEC
            : [];
        if (grants.length === 0) return [];
        const what = role ? `${ref.kind} ${ref.name}` : `the built-in ClusterRole ${ref.name}`;
        return [
          v(
            b,
            '/roleRef',
            `binds ${what}, which grants ${grants.join(' and ')}: a shell in any pod it reaches, with the Secrets and tokens mounted there`,
          ),
        ];
      }),
  },
  {
    code: 'SEC_RBAC_PRIVILEGED_PODS',
    severity: 'error',
    category: 'security',
    inspects: ['RoleBinding', 'Role', 'ClusterRole', 'Namespace'],
    description:
      "No RoleBinding lets its subjects run code of their choosing in the pods of a namespace enforcing the privileged Pod Security level (its Namespace labelled `pod-security.kubernetes.io/enforce: privileged`, or declared so in the cluster facts): create on pods, create, update or patch on the workloads that make them (Deployments, DaemonSets, StatefulSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs), patch or update on pods/ephemeralcontainers, or pods/exec and pods/attach. Such a pod may be privileged, share the host's PID namespace or mount the node's root: root on the node. Read from the rules of the Role or ClusterRole of the output the binding names, or the built-in `admin` and `edit`; cluster-admin is SEC_CLUSTER_ADMIN's. Polaris' exemptions do not apply.",
    fix: "bind a role that only reads there (TeamNamespace access.view) and deploy the namespace's pods through GitOps or CI; or enforce baseline or restricted and move what needs privileged to a namespace of its own",
    check: (ix, context) =>
      ix.ofKind('RoleBinding').flatMap((b) => {
        const ns = b.metadata?.namespace;
        const ref = b.roleRef;
        if (!ref || typeof ref.name !== 'string' || ref.name === 'cluster-admin') return [];
        if (namespaceLevel(ix, context, ns) !== 'privileged') return [];
        const role = ref.kind === 'Role' ? ix.get('Role', ns, ref.name) : ix.get('ClusterRole', undefined, ref.name);
        const grants = role
          ? podRunningGrants(role.rules)
          : ref.kind === 'ClusterRole' && BUILT_IN_EXEC_ROLES.includes(ref.name)
            ? ['create on pods and workloads', ...POD_EXEC]
            : [];
        if (grants.length === 0) return [];
        const what = role ? `${ref.kind} ${ref.name}` : `the built-in ClusterRole ${ref.name}`;
        return [
          v(
            b,
            '/roleRef',
            `binds ${what}, which grants ${grants.join(', ')}, in namespace ${ns}, which enforces the privileged Pod Security level: a privileged, hostPID or hostPath "/" pod there is root on its node`,
          ),
        ];
      }),
  },
  {
    code: 'SEC_POD_NETWORKPOLICY',
    severity: 'warning',
    category: 'security',
    inspects: ['pod templates', 'NetworkPolicy'],
    description:
      "Every pod template of a namespace (one the output creates, or one it uses and lists in requirements.jsonl) is selected by a NetworkPolicy of the output: a pod no policy selects is open both ways, to and from every pod of the cluster (kube-score's pod-networkpolicy). A template with no namespace is not judged: it is placed when applied.",
    fix: 'put the workload in a TeamNamespace (its default deny selects every pod there), or add a NetworkPolicy that selects its pods',
    check: (ix) => {
      const policies = (ns: string) => ix.ofKindIn('NetworkPolicy', ns);
      return ix.templates
        .filter((t) => typeof t.namespace === 'string' && !policies(t.namespace).some((n) => selects(n.spec?.podSelector ?? {}, t.labels)))
        .map((t) =>
          v(
            t.owner,
            podSpecPointer(t.owner.kind).replace(/\/spec$/, '/metadata/labels'),
            `its pods in namespace ${t.namespace} are selected by no NetworkPolicy of the output: they accept traffic from, and send it to, any pod of the cluster`,
          ),
        );
    },
  },
  {
    code: 'SEC_LOW_ID',
    severity: 'warning',
    category: 'security',
    inspects: ['pod templates'],
    description: `Pods run as a user and group of ${MIN_ID} or above (runAsUser and runAsGroup, the pod's or a container's own), as kube-score's ${LOW_ID_CHECK} grades Critical below: the IDs under it are those of the node's own accounts (system users, the first login users), which a process that escapes its container would be on the host. Only IDs set are judged; UID 0 is the Pod Security rules' (PSS_RUN_AS_ROOT). An object whose ${KUBE_SCORE_IGNORE} annotation lists ${LOW_ID_CHECK} is exempt (a node agent that runs as root).`,
    fix: `run as an ID of ${MIN_ID} or above, e.g. 10001 (the workloads' default runAsUser); fsGroup, the same ID, lets the pod write its volumes`,
    check: (ix) =>
      ix.templates
        .filter((t) => !listed(t.owner?.metadata?.annotations?.[KUBE_SCORE_IGNORE]).has(LOW_ID_CHECK))
        .flatMap((t) => lowIdViolations(t.owner, t.spec)),
  },
  {
    code: 'SEC_NODEPORT',
    severity: 'warning',
    category: 'security',
    inspects: ['Service'],
    description: 'Services are not exposed on every node (NodePort).',
    fix: 'use ClusterIP behind an Ingress, or a LoadBalancer',
    check: (ix) =>
      ix
        .ofKind('Service')
        .filter((s) => s.spec?.type === 'NodePort')
        .map((s) => v(s, '/spec/type', 'opens a port on every node')),
  },
];

/**
 * SEC_LOW_ID's violations in one pod spec: each runAsUser or runAsGroup from 1 to MIN_ID − 1, where it is set (the pod's
 * once, if a container inherits it, as kube-score reads a container's ID: its own, else the pod's).
 */
function lowIdViolations(owner: any, spec: any): Violation[] {
  const base = podSpecPointer(owner?.kind);
  const low = (id: unknown): id is number => typeof id === 'number' && id > 0 && id < MIN_ID;
  const out: Violation[] = [];
  for (const [field, what] of [
    ['runAsUser', 'user'],
    ['runAsGroup', 'group'],
  ] as const) {
    const containers = (['initContainers', 'containers'] as const).flatMap((group) =>
      arr(spec?.[group]).map((c, i) => ({ c, at: `${base}/${group}/${i}` })),
    );
    const inherit = containers.filter(({ c }) => c?.securityContext?.[field] === undefined);
    const podId = spec?.securityContext?.[field];
    if (low(podId) && inherit.length > 0)
      out.push(v(owner, `${base}/securityContext/${field}`, `runs its pods as ${what} ID ${podId}, below ${MIN_ID}`));
    for (const { c, at } of containers) {
      const id = c?.securityContext?.[field];
      if (low(id))
        out.push(v(owner, `${at}/securityContext/${field}`, `runs container '${text(c.name)}' as ${what} ID ${id}, below ${MIN_ID}`));
    }
  }
  return out;
}

/** The pod subresources that open a shell or a stream into a running container. */
const POD_EXEC = ['pods/exec', 'pods/attach'];

/** Built-in ClusterRoles granting create on pods/exec and pods/attach (bootstrap policy's aggregate-to-edit, aggregated into admin). */
const BUILT_IN_EXEC_ROLES = ['admin', 'edit'];

/** The Polaris checks whose exemption also exempts a binding from SEC_RBAC_POD_EXEC, by the binding's and the role's kind. */
const POD_EXEC_POLARIS_CHECKS: Record<string, string> = {
  'RoleBinding/Role': 'rolebindingRolePodExecAttach',
  'RoleBinding/ClusterRole': 'rolebindingClusterRolePodExecAttach',
  'ClusterRoleBinding/ClusterRole': 'clusterrolebindingPodExecAttach',
};

/** Whether the binding carries Polaris' exemption of its pod-exec check (or of every check). */
function podExecExempt(binding: any): boolean {
  const annotations = binding.metadata?.annotations ?? {};
  const check = POD_EXEC_POLARIS_CHECKS[`${binding.kind}/${binding.roleRef?.kind}`];
  return (
    annotations['polaris.fairwinds.com/exempt'] === 'true' ||
    (check !== undefined && annotations[`polaris.fairwinds.com/${check}-exempt`] === 'true')
  );
}

/**
 * The pod-exec subresources `rules` grant, as Polaris reads a rule: the core group (or '*'),
 * the subresource named, and `get` (a web socket), `create` or '*'.
 */
function podExecGrants(rules: unknown): string[] {
  const granted = new Set<string>();
  for (const r of arr(rules)) {
    const groups = arr(r?.apiGroups);
    const verbs = arr(r?.verbs);
    if (!groups.some((g) => g === '' || g === '*') || !verbs.some((x) => x === 'get' || x === 'create' || x === '*')) continue;
    for (const res of arr(r?.resources)) if (POD_EXEC.includes(res)) granted.add(res);
  }
  return POD_EXEC.filter((res) => granted.has(res));
}

/** Verbs that put a pod template of one's choosing into the cluster, by API group and resource. */
const POD_RUNNING: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '': {
    pods: ['create'],
    replicationcontrollers: ['create', 'update', 'patch'],
    'pods/ephemeralcontainers': ['update', 'patch'],
    'pods/exec': ['get', 'create'],
    'pods/attach': ['get', 'create'],
  },
  apps: {
    deployments: ['create', 'update', 'patch'],
    daemonsets: ['create', 'update', 'patch'],
    statefulsets: ['create', 'update', 'patch'],
    replicasets: ['create', 'update', 'patch'],
  },
  batch: { jobs: ['create', 'update', 'patch'], cronjobs: ['create', 'update', 'patch'] },
};

/** What of POD_RUNNING `rules` grant, as `verb resource` ('*' matches any group, resource or verb). */
function podRunningGrants(rules: unknown): string[] {
  const granted = new Set<string>();
  for (const r of arr(rules)) {
    const groups = arr(r?.apiGroups);
    const resources = arr(r?.resources);
    const verbs = arr(r?.verbs);
    for (const [group, byResource] of Object.entries(POD_RUNNING)) {
      if (!groups.includes(group) && !groups.includes('*')) continue;
      for (const [resource, running] of Object.entries(byResource)) {
        if (!resources.includes(resource) && !resources.includes('*')) continue;
        for (const verb of running) if (verbs.includes(verb) || verbs.includes('*')) granted.add(`${verb} ${resource}`);
      }
    }
  }
  return [...granted];
}

/** A string that looks like a credential, and where it is. */
interface CredentialHit {
  readonly pointer: string;
  readonly what: string;
}

/**
 * Every string of `value` (keys included) that looks like a credential, with its JSON pointer: the first
 * `MAX_ISSUES_PER_KIND`, and how many more there are (one synth reports every leak of an object, not one per rerun).
 */
function credentialStrings(value: unknown, secret: boolean): { hits: CredentialHit[]; more: number } {
  const hits: CredentialHit[] = [];
  let more = 0;
  // Keys of the path walked so far; the pointer is only written for a hit (the walk visits every string of the output).
  const keys: string[] = [];
  const pointer = () => keys.map((k) => `/${pointerPart(k)}`).join('');
  const found = (at: () => string, what: string) => {
    if (hits.length < MAX_ISSUES_PER_KIND) hits.push({ pointer: at(), what });
    else more++;
  };
  const walk = (x: unknown, depth: number, parent: any): void => {
    if (typeof x === 'string') {
      const what = keys.at(-1) === 'image' ? imageCredential(x) : credentialIn(x);
      if (what) found(pointer, what);
      return;
    }
    if (depth > 64 || x === null || typeof x !== 'object') return;
    if (Array.isArray(x)) {
      // A container's args are read by the program its command names (['mysql'] and ['-pX']).
      const flagged = argvCredentials(x, keys.at(-1) === 'args' && Array.isArray(parent?.command) ? parent.command : []);
      for (let i = 0; i < x.length; i++) {
        keys.push(String(i));
        const what = flagged[i];
        if (what) found(pointer, what);
        else walk(x[i], depth + 1, undefined);
        keys.pop();
      }
      return;
    }
    for (const k of Object.keys(x)) {
      // A Secret's values are judged whole by SECRET_VALUE_IN_OUTPUT (base64 data hides the shape of a credential anyway).
      if (secret && depth === 0 && (k === 'data' || k === 'stringData')) continue;
      // A key that is itself a credential is not echoed in the pointer, nor the pointers of what is under it: one hit.
      const what = credentialIn(k);
      if (what) {
        found(() => `${pointer()}/<redacted>`, what);
        continue;
      }
      keys.push(k);
      walk((x as Record<string, unknown>)[k], depth + 1, x);
      keys.pop();
    }
  };
  walk(value, 0, undefined);
  return { hits, more };
}
