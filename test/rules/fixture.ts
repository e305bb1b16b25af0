import { ApiObject, App, Chart } from 'cdk8s';
import {
  BlueprintChart,
  BlueprintError,
  ConfigMap,
  IngressRoutes,
  Peer,
  PriorityClass,
  Probe,
  QuotaPreset,
  RuleContext,
  SecretBackend,
  SecretDeclaration,
  StatefulService,
  TeamNamespace,
  Volume,
  WebService,
  renderApp,
} from '../../constructs';
import { RULES, runRules } from '../../constructs/rules/catalogue';
import { rawRoleBinding } from '../helpers';

/**
 * A small, fully governed environment that passes every rule (rendered through the library's own synth path):
 * a fresh copy each call (tests mutate it) of one render per test file.
 */
export function good(): any[] {
  rendered ??= renderGood();
  return copyJson(rendered);
}
let rendered: any[] | undefined;

/**
 * A deep copy of rendered JSON (arrays, plain objects, primitives): a seventh of structuredClone's time, which went
 * through its serializer for every one of the thousands of copies the suites take (diagram alone takes over 1000).
 */
function copyJson(value: any): any {
  if (Array.isArray(value)) return value.map(copyJson);
  if (value === null || typeof value !== 'object') return value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = copyJson(value[key]);
  return copy;
}

function renderGood(): any[] {
  const app = new App();
  const chart = new BlueprintChart(app, 'c', { owner: 'o' });
  // It holds the db's claims, and says so (NAMESPACE_DATA_UNDECLARED).
  const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.MEDIUM, holdsData: true });
  const cm = new ConfigMap(chart, 'conf', { namespace: 'shop', data: { a: 'b' } });
  // Also the db's (dataDefault): the web pods' class would preempt it otherwise (PRIORITY_DATA_PREEMPTIBLE).
  const pc = new PriorityClass(chart, 'high', { value: 1000, dataDefault: true });
  const web = new WebService(chart, 'web', {
    namespace: team,
    image: 'app:1.0.0',
    ports: [{ name: 'http', port: 8080 }],
    autoscaling: { maxReplicas: 4 },
    mounts: [{ volume: Volume.fromConfigMap(cm), path: '/etc/app' }],
    priorityClass: pc,
    liveness: Probe.http('/livez', 'http'),
  });
  const db = new StatefulService(chart, 'db', {
    namespace: team,
    image: 'postgres:16.4',
    replicas: 3,
    ports: [{ name: 'pg', port: 5432 }],
    claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
    // The image's socket directory (IMAGE_CANNOT_START).
    writablePaths: ['/tmp', '/var/run/postgresql'],
    liveness: Probe.exec(['pg_isready', '-q']),
  });
  web.allowTo(db);
  // The shop namespace denies ingress: the scraper (a Prometheus in 'monitoring') is let in on the metrics port.
  web.exposeMetrics({ port: 'http', scrapedBy: Peer.namespace('monitoring') });
  // The Ingress's TLS Secret comes from the deploy tool (so the rendered output itself does not provide it).
  new SecretDeclaration(chart, 'ing-tls', { namespace: 'shop', keys: ['tls.crt', 'tls.key'], backend: SecretBackend.deployTool() });
  new IngressRoutes(chart, 'ing', { namespace: 'shop', host: 'shop.example.com', routes: [{ path: '/', backend: web }] });
  return renderApp(app).flatMap((r) => r.objects);
}

export const find = (objs: any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
export const pod = (objs: any[], kind = 'Deployment', name = 'web') => find(objs, kind, name).spec.template.spec;
export const remove = (o: any[], pred: (x: any) => boolean) => o.splice(o.findIndex(pred), 1);
/** Adds a copy of object `kind`/`name`, changed by `change`. */
const pushCopy = (o: any[], kind: string, name: string, change: (copy: any) => void) => {
  const copy = structuredClone(find(o, kind, name));
  change(copy);
  o.push(copy);
};

/** A map YAML writes as `{toString: 1, valueOf: 2}`: String() and `${}` throw on it, so a rule reading it as text crashed. */
export const UNPRINTABLE = () => ({ toString: 1, valueOf: 2 });

/**
 * The findings (`rule pointer`) of rules `codes` on `good()` after `mutate` puts a malformed value in, every Secret
 * required (the Ingress's TLS one comes from the deploy tool): a rule that throws shows as RULE_FAILED.
 */
export function onMalformed(mutate: (o: any[]) => void, ...codes: string[]): string[] {
  const o = good();
  mutate(o);
  return runRules(o, { rules: RULES.filter((r) => codes.includes(r.code)), context: CONTEXT }).map((f) => `${f.rule} ${f.pointer}`);
}

/**
 * The context the rules judge `good()` with: every Secret required, the Ingress's TLS one provided by the deploy tool,
 * and nodes of 2 CPU / 4Gi (NODE_TOO_SMALL; the CLI's `--node-cpu 2 --node-memory 4Gi`).
 */
export const CONTEXT: RuleContext = {
  secretsMustBeProvided: true,
  externalSecrets: ['shop/ing-tls'],
  nodeAllocatable: { cpu: '2', memory: '4Gi' },
};

/** `good()` after the mutation that breaks rule `code`. */
export function mutated(code: string): any[] {
  const objects = good();
  RULE_MUTATIONS.get(code)!(objects);
  return objects;
}

/** The codes of the rules that find something in `objects`. */
export const rulesFound = (objects: any[], context: RuleContext = {}) => new Set(runRules(objects, { context }).map((f) => f.rule));

/**
 * Builds the objects back through typed ApiObjects and renders them on the synth path (with CONTEXT): the error issues
 * of rule `code`, as `error <construct>` (sorted), and their construct paths.
 */
export function synthVerdict(objects: any[], code: string): { verdict: string[]; paths: string[] } {
  const app = new App();
  const chart = new Chart(app, 'modes');
  objects.forEach((o, i) => new ApiObject(chart, `o${i}`, o));
  try {
    renderApp(app, { ruleContext: CONTEXT });
    return { verdict: [], paths: [] };
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    const issues = e.issues.filter((i) => i.code === code);
    return { verdict: issues.map((i) => `error ${i.construct}`).sort(), paths: issues.map((i) => i.path) };
  }
}

/** `change` after the mutation that breaks rule `code`: for shapes good() lacks (a VPA, a Job, a toleration…). */
export const afterMutation = (code: string, change: (o: any[]) => void) => (o: any[]) => {
  RULE_MUTATIONS.get(code)!(o);
  change(o);
};

/** For every rule of the catalogue, the smallest change to `good()` that breaks it. */
/** Adds a CronJob `report` running the web pod's template, with `spec` (schedule, timeZone…). */
function addReportCronJob(o: any[], spec: Record<string, unknown>): void {
  const template = structuredClone(find(o, 'Deployment', 'web').spec.template);
  template.spec.restartPolicy = 'OnFailure';
  o.push({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report', namespace: 'shop' },
    spec: { ...spec, jobTemplate: { spec: { template } } },
  });
}

export const RULE_MUTATIONS = new Map<string, (o: any[]) => void>([
  [
    'NODE_TOO_SMALL',
    (o) => {
      // 3 CPU per web pod, on nodes of 2 (CONTEXT).
      const r = pod(o).containers[0].resources;
      r.requests.cpu = r.limits.cpu = '3';
    },
  ],
  [
    'REL_RESOURCES',
    (o) => {
      // No CPU and memory in the container, and no LimitRange to give them at admission.
      for (const side of ['requests', 'limits']) for (const r of ['cpu', 'memory']) delete pod(o).containers[0].resources[side][r];
      remove(o, (x) => x.kind === 'LimitRange');
    },
  ],
  [
    'REL_EPHEMERAL_STORAGE',
    (o) => {
      // Gone from the container and from the namespace's LimitRange defaults: nothing bounds its disk.
      for (const side of ['requests', 'limits']) delete pod(o).containers[0].resources[side]['ephemeral-storage'];
      for (const side of ['default', 'defaultRequest']) delete find(o, 'LimitRange', 'limits').spec.limits[0][side]['ephemeral-storage'];
    },
  ],
  [
    'IMAGE_UNPINNED',
    (o) => {
      pod(o).containers[0].image = 'app:latest';
    },
  ],
  [
    'REL_READINESS',
    (o) => {
      delete pod(o).containers[0].readinessProbe;
    },
  ],
  [
    'REL_LIVENESS',
    (o) => {
      delete pod(o).containers[0].livenessProbe;
    },
  ],
  [
    'PROBE_SAME_CHECK',
    (o) => {
      pod(o).containers[0].livenessProbe = { ...pod(o).containers[0].readinessProbe, periodSeconds: 30 };
    },
  ],
  [
    'PORT_UNRESOLVED',
    (o) => {
      find(o, 'Service', 'web').spec.ports[0].targetPort = 'grpc';
    },
  ],
  [
    'IMAGE_CANNOT_START',
    (o) => {
      // Official nginx writes /var/run and /var/cache/nginx, which the read-only root filesystem refuses.
      pod(o).containers[0].image = 'nginx:1.27.3';
    },
  ],
  [
    'REL_HPA_REPLICAS',
    (o) => {
      find(o, 'Deployment', 'web').spec.replicas = 3;
    },
  ],
  ['REL_PDB_MISSING', (o) => remove(o, (x) => x.kind === 'PodDisruptionBudget' && x.metadata.name === 'web')],
  [
    'PDB_BLOCKS_EVICTION',
    (o) => {
      // 67% of 3 rounds up to 3: no eviction is ever allowed.
      const p = find(o, 'PodDisruptionBudget', 'db');
      delete p.spec.maxUnavailable;
      p.spec.minAvailable = '67%';
    },
  ],
  [
    'PDB_OVERLAP',
    // A second budget over the db's pods: the eviction API refuses to evict a pod under two.
    (o) => pushCopy(o, 'PodDisruptionBudget', 'db', (p) => (p.metadata.name = 'db-extra')),
  ],
  [
    'REL_SPREAD',
    (o) => {
      delete pod(o).topologySpreadConstraints;
      delete pod(o).affinity;
    },
  ],
  [
    'SPREAD_BLOCKS_DRAIN',
    (o) => {
      // Both the zone and the host spread hard: an evicted replica needs a zone and a node at the minimum at once.
      for (const c of pod(o).topologySpreadConstraints) Object.assign(c, { whenUnsatisfiable: 'DoNotSchedule', nodeTaintsPolicy: 'Honor' });
    },
  ],
  [
    'HPA_REQUEST_MISSING',
    (o) => {
      remove(o, (x) => x.kind === 'LimitRange');
      delete pod(o).containers[0].resources;
    },
  ],
  [
    'VPA_HPA_CONFLICT',
    (o) => {
      o.push({
        apiVersion: 'autoscaling.k8s.io/v1',
        kind: 'VerticalPodAutoscaler',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, updatePolicy: { updateMode: 'Auto' } },
      });
    },
  ],
  [
    'LIMITRANGE_RATIO',
    (o) => {
      // max/min of memory is 8Gi / 16Mi = 512: a ratio above it is a LimitRange the API server refuses.
      find(o, 'LimitRange', 'limits').spec.limits[0].maxLimitRequestRatio = { memory: '1000' };
    },
  ],
  [
    'PSS_HOST_NAMESPACES',
    (o) => {
      pod(o).hostNetwork = true;
    },
  ],
  [
    'PSS_PRIVILEGED',
    (o) => {
      pod(o).containers[0].securityContext.privileged = true;
    },
  ],
  [
    'PSS_CAPABILITIES',
    (o) => {
      pod(o).containers[0].securityContext.capabilities = { add: ['SYS_ADMIN'], drop: ['ALL'] };
    },
  ],
  [
    'HOSTPATH_FORBIDDEN',
    (o) => {
      pod(o).volumes.push({ name: 'h', hostPath: { path: '/etc' } });
    },
  ],
  [
    'PSS_VOLUME_TYPE',
    (o) => {
      pod(o).volumes.push({ name: 'n', nfs: { server: 'nfs.example.com', path: '/' } });
    },
  ],
  [
    'PSS_SYSCTL',
    (o) => {
      pod(o).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }];
    },
  ],
  [
    'PSS_HOST_PORTS',
    (o) => {
      pod(o).containers[0].ports[0].hostPort = 80;
    },
  ],
  [
    'PSS_PROC_MOUNT',
    (o) => {
      pod(o).containers[0].securityContext.procMount = 'Unmasked';
    },
  ],
  [
    'PSS_SELINUX',
    (o) => {
      pod(o).containers[0].securityContext.seLinuxOptions = { user: 'root' };
    },
  ],
  [
    'PSS_RUN_AS_ROOT',
    (o) => {
      pod(o).securityContext.runAsUser = 0;
    },
  ],
  [
    'PSS_PRIVILEGE_ESCALATION',
    (o) => {
      delete pod(o).containers[0].securityContext.allowPrivilegeEscalation;
    },
  ],
  [
    'PSS_SECCOMP',
    (o) => {
      delete pod(o).securityContext.seccompProfile;
    },
  ],
  [
    'SEC_READONLY_ROOT',
    (o) => {
      pod(o).containers[0].securityContext.readOnlyRootFilesystem = false;
    },
  ],
  [
    'SEC_SA_TOKEN',
    (o) => {
      pod(o).automountServiceAccountToken = true;
    },
  ],
  [
    'SEC_PLAINTEXT_SECRET',
    (o) => {
      pod(o).containers[0].env = [{ name: 'DB_PASSWORD', value: 'hunter2' }];
    },
  ],
  [
    'SECRET_IN_OUTPUT',
    (o) => {
      // An annotation is text the output carries like any other: a credential there is as readable as in env.
      const d = find(o, 'Deployment', 'web');
      d.metadata.annotations = { ...d.metadata.annotations, 'example.com/upstream': ['postgres://app:', 'hunter2x@db:5432/app'].join('') };
    },
  ],
  [
    'SECRET_VALUE_IN_OUTPUT',
    (o) => {
      // A Secret written with its values: base64 is no encryption, and the YAML is read by whoever reads the repository.
      o.push({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db-password', namespace: 'shop' },
        type: 'Opaque',
        stringData: { password: 'x' },
      });
    },
  ],
  [
    'SEC_RBAC_WILDCARD',
    (o) => {
      o.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'all', namespace: 'shop' },
        rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }],
      });
    },
  ],
  [
    'SEC_CLUSTER_ADMIN',
    (o) => {
      o.push(rawRoleBinding({ name: 'god' }, 'ClusterRole/cluster-admin', 'devs'));
    },
  ],
  [
    'SEC_RBAC_BROAD_SUBJECT',
    (o) => {
      o.push(rawRoleBinding({ name: 'everyone', namespace: 'shop' }, 'ClusterRole/view', 'system:authenticated'));
    },
  ],
  [
    'SEC_RBAC_POD_EXEC',
    (o) => {
      // The built-in edit grants create on pods/exec and pods/attach, and the output does not define it.
      o.push(rawRoleBinding({ name: 'devs', namespace: 'shop' }, 'ClusterRole/edit', 'devs'));
    },
  ],
  [
    'SEC_RBAC_PRIVILEGED_PODS',
    (o) => {
      // A namespace enforcing privileged, whose Role lets a group create Deployments: a hostPath "/" pod is root on the node.
      o.push(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'agents', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'deployer', namespace: 'agents' },
          rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'create'] }],
        },
        rawRoleBinding({ name: 'deployer', namespace: 'agents' }, 'Role/deployer', 'sre'),
      );
    },
  ],
  [
    'SEC_POD_NETWORKPOLICY',
    // The web Deployment again, in a namespace the output does not govern: no NetworkPolicy selects its pods.
    (o) => pushCopy(o, 'Deployment', 'web', (web) => (web.metadata.namespace = 'apps')),
  ],
  [
    'SEC_LOW_ID',
    (o) => {
      pod(o).securityContext.runAsGroup = 1000;
    },
  ],
  [
    'SEC_NODEPORT',
    (o) => {
      find(o, 'Service', 'web').spec.type = 'NodePort';
    },
  ],
  ['GOV_QUOTA', (o) => remove(o, (x) => x.kind === 'ResourceQuota')],
  [
    'GOV_LIMITRANGE',
    (o) => {
      // Keep the containers' own resources complete, so only the namespace rule fires.
      remove(o, (x) => x.kind === 'LimitRange');
      for (const t of [pod(o), pod(o, 'StatefulSet', 'db')])
        for (const c of t.containers) c.resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } };
    },
  ],
  ['GOV_DEFAULT_DENY', (o) => remove(o, (x) => x.metadata.name === 'default-deny-all')],
  [
    'GOV_PSA',
    (o) => {
      delete find(o, 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce'];
    },
  ],
  [
    'REF_SERVICE_SELECTOR',
    (o) => {
      find(o, 'Service', 'web').spec.selector = { app: 'nothing' };
    },
  ],
  [
    'REF_SERVICE_ENDPOINTS',
    (o) => {
      o.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'lonely', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } });
    },
  ],
  [
    'REF_SERVICE_UNREACHABLE',
    (o) => {
      // The web Service's clients were the ingress controller and the scraper; the namespace denies the rest.
      for (const name of ['allow-web-from-ingress-ingress-nginx', 'allow-web-from-ns-monitoring'])
        remove(o, (x) => x.kind === 'NetworkPolicy' && x.metadata.name === name);
    },
  ],
  [
    'REF_MONITOR_UNREACHABLE',
    (o) => {
      // The scraper's path to web's metrics port (and the ingress controller's, on the same port) are gone.
      for (const name of ['allow-web-from-ns-monitoring', 'allow-web-from-ingress-ingress-nginx'])
        remove(o, (x) => x.kind === 'NetworkPolicy' && x.metadata.name === name);
    },
  ],
  [
    'REF_INGRESS_BACKEND',
    (o) => {
      find(o, 'Ingress', 'ing').spec.rules[0].http.paths[0].backend.service.name = 'gone';
    },
  ],
  [
    'REF_INGRESS_CONFLICT',
    (o) => {
      const copy = JSON.parse(JSON.stringify(find(o, 'Ingress', 'ing')));
      copy.metadata.name = 'ing-copy';
      o.push(copy);
    },
  ],
  [
    'REF_HPA_TARGET',
    (o) => {
      find(o, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.name = 'gone';
    },
  ],
  [
    'REF_STATEFULSET_SERVICE',
    (o) => {
      find(o, 'StatefulSet', 'db').spec.serviceName = 'web';
    },
  ],
  [
    'REF_SELECTS_JOB_PODS',
    (o) => {
      // A CronJob running pods labelled like web's: the web Service routes to them.
      addReportCronJob(o, { schedule: '0 3 * * *' });
    },
  ],
  [
    'REF_SERVICE_MIXED_PODS',
    (o) => {
      // A StatefulSet whose pods carry web's labels: the web Service splits its traffic with it.
      const db = find(o, 'StatefulSet', 'db');
      Object.assign(db.spec.template.metadata.labels, find(o, 'Service', 'web').spec.selector);
      Object.assign(db.spec.selector.matchLabels, find(o, 'Service', 'web').spec.selector);
    },
  ],
  [
    'REF_PDB_SELECTOR',
    (o) => {
      find(o, 'PodDisruptionBudget', 'web').spec.selector = { matchLabels: { app: 'nothing' } };
    },
  ],
  [
    'REF_NETPOL_SELECTOR',
    (o) => {
      o.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'x', namespace: 'shop' },
        spec: { podSelector: { matchLabels: { app: 'nothing' } } },
      });
    },
  ],
  ['REF_MISSING_OBJECT', (o) => remove(o, (x) => x.kind === 'ConfigMap')],
  [
    'REF_CLAIM_SINGLE_NODE',
    (o) => {
      // One ReadWriteOnce claim for the autoscaled web Deployment: its second pod (and every rollout's surge pod) never starts.
      o.push({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'state', namespace: 'shop' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      });
      pod(o).volumes.push({ name: 'state', persistentVolumeClaim: { claimName: 'state' } });
      pod(o).containers[0].volumeMounts.push({ name: 'state', mountPath: '/state' });
    },
  ],
  [
    'MONITOR_TARGET_MISSING',
    (o) => {
      find(o, 'ServiceMonitor', 'web').spec.selector = { matchLabels: { app: 'nothing' } };
    },
  ],
  [
    'PRIORITY_DATA_PREEMPTIBLE',
    (o) => {
      // The db names no class (and there is no global default): priority 0, below the web pods' preempting 'high'.
      delete pod(o, 'StatefulSet', 'db').priorityClassName;
    },
  ],
  [
    'BACKUP_MISSING',
    (o) => {
      find(o, 'Namespace', 'shop').metadata.labels['cluster-blueprints.io/environment'] = 'production';
    },
  ],
  [
    'STORAGE_PARAMETERS_FOREIGN',
    (o) => {
      // An EBS volume type on Azure Disk, which refuses the key.
      o.push({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'azure' },
        provisioner: 'disk.csi.azure.com',
        parameters: { type: 'gp3' },
      });
    },
  ],
  [
    'VOLUME_RECLAIM_DELETE',
    (o) => {
      // The production db's claims on a class that deletes the volume with the claim.
      find(o, 'Namespace', 'shop').metadata.labels['cluster-blueprints.io/environment'] = 'production';
      o.push({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'scratch' },
        provisioner: 'ebs.csi.aws.com',
        reclaimPolicy: 'Delete',
      });
      find(o, 'StatefulSet', 'db').spec.volumeClaimTemplates[0].spec.storageClassName = 'scratch';
    },
  ],
  [
    'NAMESPACE_DATA_UNDECLARED',
    (o) => {
      // The db's claims live in shop, which no longer declares it holds data.
      delete find(o, 'Namespace', 'shop').metadata.annotations['cluster-blueprints.io/retain'];
    },
  ],
  [
    'JOB_TTL_SELF_HEAL',
    (o) => {
      // A Job that deletes itself a day after it finishes, synced by a self-healing Application: re-created, it runs again daily.
      const template = structuredClone(find(o, 'Deployment', 'web').spec.template);
      template.spec.restartPolicy = 'Never';
      template.metadata.labels = { 'app.kubernetes.io/name': 'migrate' };
      o.push(
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name: 'migrate', namespace: 'shop' },
          spec: { ttlSecondsAfterFinished: 86400, template },
        },
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          metadata: { name: 'shop', namespace: 'argocd' },
          spec: {
            project: 'default',
            source: { repoURL: 'https://github.com/acme/manifests.git', path: 'dist/prod', targetRevision: 'main' },
            destination: { server: 'https://kubernetes.default.svc' },
            syncPolicy: { automated: { prune: true, selfHeal: true } },
          },
        },
      );
    },
  ],
  [
    'LAST_APPLIED_TOO_LARGE',
    (o) => {
      // A 300 KiB file: its last-applied-configuration alone passes the 256 KiB the API server allows for annotations.
      find(o, 'ConfigMap', 'conf').data['dashboard.json'] = JSON.stringify({ panels: 'x'.repeat(300 * 1024) });
    },
  ],
  [
    'SECRET_UNPROVIDED',
    (o) => {
      pod(o).containers[0].env = [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } }];
    },
  ],
  [
    'CONFIG_KEY_INVALID',
    (o) => {
      // A key the API server refuses (IsConfigMapKey): mounted as a file, 'a/b' would name a path, not a file.
      find(o, 'ConfigMap', 'conf').data['a/b'] = '1';
    },
  ],
  [
    'PROBE_INVALID',
    (o) => {
      // An init container runs to completion: the API server refuses a probe on it (validateInitContainers).
      pod(o).initContainers = [{ name: 'migrate', image: 'app:1.0.0', readinessProbe: { exec: { command: ['true'] } } }];
    },
  ],
  [
    'HOOK_INVALID',
    (o) => {
      // The same for lifecycle hooks.
      pod(o).initContainers = [{ name: 'migrate', image: 'app:1.0.0', lifecycle: { preStop: { exec: { command: ['true'] } } } }];
    },
  ],
  [
    'WORKING_DIR_INVALID',
    (o) => {
      // runc: "Cwd must be an absolute path".
      pod(o).containers[0].workingDir = 'app';
    },
  ],
  [
    'COMMAND_INVALID',
    (o) => {
      // runc takes C strings: an argument with a NUL inside is refused (invalid argument), the container never starts.
      pod(o).containers[0].args = ['--name', 'a\0b'];
    },
  ],
  [
    'MOUNT_SUBPATH_INVALID',
    (o) => {
      // validateLocalDescendingPath: a subPath may not step out of its volume.
      pod(o).containers[0].volumeMounts[0].subPath = '../etc';
    },
  ],
  [
    'VOLUME_INVALID',
    (o) => {
      // The kubelet hands the path to the kernel as a C string: a NUL inside it and the pod never starts.
      pod(o).volumes.push({ name: 'logs', hostPath: { path: '/var/log\0', type: 'Directory' } });
    },
  ],
  [
    'QUANTITY_INVALID',
    (o) => {
      // A memory limit of 0 is no limit at all.
      pod(o).containers[0].resources.limits.memory = '0Mi';
    },
  ],
  [
    'PULL_SECRET_INVALID',
    (o) => {
      // An Opaque Secret as registry credentials: the kubelet skips it and the pull fails.
      o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace: 'shop' }, type: 'Opaque' });
      pod(o).imagePullSecrets = [{ name: 'regcred' }];
    },
  ],
  [
    'SCHEDULE_INVALID',
    (o) => {
      // robfig/cron drops the fraction: '@every 1500ms' would run every second.
      addReportCronJob(o, { schedule: '@every 1500ms' });
    },
  ],
  [
    'REL_CRON_DEADLINE',
    (o) => {
      // Forbid, and nothing bounds a run: one that hangs stops the later ones.
      addReportCronJob(o, { schedule: '*/15 * * * *', concurrencyPolicy: 'Forbid' });
    },
  ],
  [
    'TIMEZONE_INVALID',
    (o) => {
      // Go's LoadLocation is case-sensitive: 'europe/berlin' is refused by the API server.
      addReportCronJob(o, { schedule: '@hourly', timeZone: 'europe/berlin' });
    },
  ],
  // What the API server refuses outright (constructs/rules/api-server.ts).
  [
    'SELECTOR_MISMATCH',
    (o) => {
      find(o, 'Deployment', 'web').spec.selector.matchLabels.extra = 'x';
    },
  ],
  [
    'TEMPLATE_INVALID',
    (o) => {
      pod(o).restartPolicy = 'Never';
    },
  ],
  [
    'VOLUME_DUPLICATE',
    (o) => {
      pod(o).volumes.push({ ...pod(o).volumes[0], emptyDir: {} });
    },
  ],
  [
    'MOUNT_INVALID',
    (o) => {
      pod(o).containers[0].volumeMounts.push({ name: 'ghost', mountPath: '/ghost' });
    },
  ],
  [
    'MOUNT_PATH_DUPLICATE',
    (o) => {
      const c = pod(o).containers[0];
      c.volumeMounts.push({ ...c.volumeMounts[0] });
    },
  ],
  [
    'ENV_INVALID',
    (o) => {
      pod(o).containers[0].env = [{ name: '1BAD', value: 'x' }];
    },
  ],
  [
    'RESOURCES_REQUEST_ABOVE_LIMIT',
    (o) => {
      const r = pod(o).containers[0].resources;
      r.requests.memory = r.limits.memory.replace(/^\d+/, (n: string) => String(Number(n) * 2));
    },
  ],
  [
    'PLACEMENT_INVALID',
    (o) => {
      pod(o).tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }];
    },
  ],
  [
    'SECURITY_INVALID',
    (o) => {
      pod(o).securityContext.seccompProfile = { type: 'Localhost' };
    },
  ],
  [
    'STRATEGY_INVALID',
    (o) => {
      find(o, 'Deployment', 'web').spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
    },
  ],
  [
    'SERVICE_INVALID',
    (o) => {
      find(o, 'Service', 'web').spec.externalTrafficPolicy = 'Local';
    },
  ],
  [
    'PORT_INVALID',
    (o) => {
      const ports = find(o, 'Service', 'web').spec.ports;
      ports.push({ ...ports[0], name: 'other' });
    },
  ],
  [
    'NAME_INVALID',
    (o) => {
      pod(o).containers[0].name = 'Web';
    },
  ],
  [
    'CONTAINER_DUPLICATE',
    (o) => {
      const c = pod(o).containers[0];
      pod(o).initContainers = [
        { name: c.name, image: c.image, command: ['true'], resources: c.resources, securityContext: c.securityContext },
      ];
    },
  ],
  [
    'REPLICAS_INVALID',
    (o) => {
      find(o, 'Deployment', 'web').spec.replicas = -1;
    },
  ],
  [
    'DNS_INVALID',
    (o) => {
      pod(o).dnsPolicy = 'None';
    },
  ],
  [
    'PDB_INVALID',
    (o) => {
      const spec = find(o, 'PodDisruptionBudget', 'web').spec;
      spec.minAvailable = 1;
      spec.maxUnavailable = 1;
    },
  ],
  [
    'HPA_INVALID',
    (o) => {
      find(o, 'HorizontalPodAutoscaler', 'web').spec.scaleTargetRef.kind = 'apps/Deployment';
    },
  ],
  [
    'HPA_METRIC_INVALID',
    (o) => {
      const spec = find(o, 'HorizontalPodAutoscaler', 'web').spec;
      spec.metrics = [
        ...(spec.metrics ?? []),
        {
          type: 'Object',
          object: {
            describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'networking.k8s.io/Ingress', name: 'ing' },
            metric: { name: 'rps' },
            target: { type: 'Value', value: '10' },
          },
        },
      ];
    },
  ],
  [
    'INTENT_INVALID',
    (o) => {
      find(o, 'NetworkPolicy', 'allow-web-from-ns-monitoring').spec.ingress[0].ports[0].endPort = 8000;
    },
  ],
  [
    'LABEL_INVALID',
    (o) => {
      find(o, 'NetworkPolicy', 'allow-web-from-ns-monitoring').spec.ingress[0].from[0].podSelector = { matchLabels: { 'bad key!': 'x' } };
    },
  ],
  [
    'QUOTA_SCOPE_INVALID',
    (o) => {
      find(o, 'ResourceQuota', 'quota').spec.scopes = ['BestEffort'];
    },
  ],
]);
