import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { checkManifests } from '../../constructs';
import { run } from '../../cli/main';
import { UNPRINTABLE, afterMutation, find as fixtureFind, onMalformed, pod as fixturePod } from './fixture';
// The library's emitter writes the bytes of cdk8s' Yaml.stringify (test/render/yaml-emitter.test.ts), 20x faster.
import { stringifyManifests } from '../../constructs/render/yaml-emitter';

/*
 * What the API server refuses outright (422), on foreign YAML: each case is one
 * change an independent audit made to a clean rendered app (the baseline), each
 * refused by the real 1.28 API server, and each one `cluster-blueprints check`
 * used to pass with 0 errors.
 */

const BASELINE: any[] = Yaml.load(path.join(__dirname, 'fixtures', 'api-server-baseline.yaml'));
const of = (o: any[], kind: string, name = 'svc') => o.find((x) => x.kind === kind && x.metadata.name === name);
const deploy = (o: any[]) => of(o, 'Deployment');
const pod = (o: any[]) => deploy(o).spec.template.spec;
const main = (o: any[]) => pod(o).containers[0];
const service = (o: any[]) => of(o, 'Service').spec;
const cidrPolicy = (o: any[]) => of(o, 'NetworkPolicy', 'allow-svc-from-cidr-10-0-0-0-8').spec.ingress[0];

/** A ResourceQuota in the baseline's namespace with this spec. */
const podQuota = (spec: object) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'pods', namespace: 'net' }, spec });
const selector = (...matchExpressions: object[]) => ({ matchExpressions });

/** [audit case, code and pointer expected, the change]. */
const CASES: [string, string, (o: any[]) => void][] = [
  ['selector-mismatch', 'SELECTOR_MISMATCH /spec/selector', (o) => (deploy(o).spec.selector.matchLabels.extra = 'x')],
  ['selector-empty', 'SELECTOR_MISMATCH /spec/selector', (o) => (deploy(o).spec.selector = {})],
  [
    'selector-empty-terms',
    'SELECTOR_MISMATCH /spec/selector',
    (o) => (deploy(o).spec.selector = { matchExpressions: [], matchLabels: {} }),
  ],
  [
    'activeDeadline-in-deployment',
    'TEMPLATE_INVALID /spec/template/spec/activeDeadlineSeconds',
    (o) => (pod(o).activeDeadlineSeconds = 60),
  ],
  ['restartPolicy-never-deployment', 'TEMPLATE_INVALID /spec/template/spec/restartPolicy', (o) => (pod(o).restartPolicy = 'Never')],
  [
    'mount-no-volume',
    'MOUNT_INVALID /spec/template/spec/containers/0/volumeMounts/1/name',
    (o) => main(o).volumeMounts.push({ mountPath: '/ghost', name: 'ghost' }),
  ],
  ['dup-volume-name', 'VOLUME_DUPLICATE /spec/template/spec/volumes/1/name', (o) => pod(o).volumes.push({ emptyDir: {}, name: 'tmp' })],
  [
    'dup-mountpath',
    'MOUNT_PATH_DUPLICATE /spec/template/spec/containers/0/volumeMounts/1/mountPath',
    (o) => {
      main(o).volumeMounts.push({ mountPath: '/tmp', name: 'v2' });
      pod(o).volumes.push({ emptyDir: {}, name: 'v2' });
    },
  ],
  [
    'dup-mountpath-spelling',
    'MOUNT_PATH_DUPLICATE /spec/template/spec/containers/0/volumeMounts/1/mountPath',
    (o) => {
      main(o).volumeMounts.push({ mountPath: '/tmp/', name: 'v2' });
      pod(o).volumes.push({ emptyDir: {}, name: 'v2' });
    },
  ],
  [
    'probe-two-handlers',
    'PROBE_INVALID /spec/template/spec/containers/0/readinessProbe',
    (o) => (main(o).readinessProbe.exec = { command: ['true'] }),
  ],
  [
    'liveness-success2',
    'PROBE_INVALID /spec/template/spec/containers/0/livenessProbe/successThreshold',
    (o) => (main(o).livenessProbe = { successThreshold: 2, tcpSocket: { port: 8080 } }),
  ],
  [
    'strategy-both-zero',
    'STRATEGY_INVALID /spec/strategy/rollingUpdate/maxSurge',
    (o) => (deploy(o).spec.strategy.rollingUpdate.maxSurge = 0),
  ],
  ['recreate-with-rolling', 'STRATEGY_INVALID /spec/strategy/rollingUpdate', (o) => (deploy(o).spec.strategy.type = 'Recreate')],
  ['env-bad-name', 'ENV_INVALID /spec/template/spec/containers/0/env/0/name', (o) => (main(o).env = [{ name: '1BAD', value: 'x' }])],
  ['env-dot-name', 'ENV_INVALID /spec/template/spec/containers/0/env/0/name', (o) => (main(o).env = [{ name: '.', value: 'x' }])],
  [
    'envFrom-bad-prefix',
    'ENV_INVALID /spec/template/spec/containers/0/envFrom/0/prefix',
    (o) => (main(o).envFrom = [{ prefix: '1APP_', configMapRef: { name: 'cfg' } }]),
  ],
  [
    'req-gt-limit',
    'RESOURCES_REQUEST_ABOVE_LIMIT /spec/template/spec/containers/0/resources/requests/memory',
    (o) => (main(o).resources.requests.memory = '1Gi'),
  ],
  [
    'tol-exists-value',
    'PLACEMENT_INVALID /spec/template/spec/tolerations/0/value',
    (o) => (pod(o).tolerations = [{ key: 'k', operator: 'Exists', value: 'v' }]),
  ],
  [
    'tol-seconds-noschedule',
    'PLACEMENT_INVALID /spec/template/spec/tolerations/0/tolerationSeconds',
    (o) => (pod(o).tolerations = [{ effect: 'NoSchedule', key: 'k', operator: 'Equal', tolerationSeconds: 5, value: 'v' }]),
  ],
  [
    'spread-dup-pair',
    'PLACEMENT_INVALID /spec/template/spec/topologySpreadConstraints/2',
    (o) => pod(o).topologySpreadConstraints.push({ ...pod(o).topologySpreadConstraints[0] }),
  ],
  [
    'spread-mindomains-anyway',
    'PLACEMENT_INVALID /spec/template/spec/topologySpreadConstraints/0/minDomains',
    (o) => (pod(o).topologySpreadConstraints[0].minDomains = 2),
  ],
  [
    'seccomp-localhost-noprofile',
    'SECURITY_INVALID /spec/template/spec/securityContext/seccompProfile',
    (o) => (pod(o).securityContext.seccompProfile.type = 'Localhost'),
  ],
  [
    'svc-ports-unnamed',
    'PORT_INVALID /spec/ports/0/name',
    (o) => {
      for (const p of service(o).ports) delete p.name;
    },
  ],
  ['dup-port-name', 'PORT_INVALID /spec/template/spec/containers/0/ports/1/name', (o) => (main(o).ports[1].name = 'http')],
  [
    'container-port-zero',
    'PORT_INVALID /spec/template/spec/containers/0/ports/0/containerPort',
    (o) => (main(o).ports[0].containerPort = 0),
  ],
  [
    'container-port-negative',
    'PORT_INVALID /spec/template/spec/containers/0/ports/0/containerPort',
    (o) => (main(o).ports[0].containerPort = -1),
  ],
  [
    'container-port-70000',
    'PORT_INVALID /spec/template/spec/containers/0/ports/0/containerPort',
    (o) => (main(o).ports[0].containerPort = 70000),
  ],
  ['host-port-70000', 'PORT_INVALID /spec/template/spec/containers/0/ports/0/hostPort', (o) => (main(o).ports[0].hostPort = 70000)],
  ['port-name-upper', 'PORT_INVALID /spec/template/spec/containers/0/ports/0/name', (o) => (main(o).ports[0].name = 'HTTP')],
  ['port-name-16-chars', 'PORT_INVALID /spec/template/spec/containers/0/ports/0/name', (o) => (main(o).ports[0].name = 'http-metrics-abc')],
  ['replicas-negative', 'REPLICAS_INVALID /spec/replicas', (o) => (deploy(o).spec.replicas = -1)],
  ['container-name-upper', 'NAME_INVALID /spec/template/spec/containers/0/name', (o) => (main(o).name = 'C')],
  [
    'volume-name-upper',
    'NAME_INVALID /spec/template/spec/volumes/0/name',
    (o) => (pod(o).volumes[0].name = main(o).volumeMounts[0].name = 'Tmp'),
  ],
  ['hostname-dotted', 'NAME_INVALID /spec/template/spec/hostname', (o) => (pod(o).hostname = 'web.example')],
  ['dup-container', 'CONTAINER_DUPLICATE /spec/template/spec/containers/1/name', (o) => pod(o).containers.push({ ...main(o), ports: [] })],
  [
    'dup-init-container',
    'CONTAINER_DUPLICATE /spec/template/spec/initContainers/0/name',
    (o) => (pod(o).initContainers = [{ ...main(o), lifecycle: undefined, readinessProbe: undefined, ports: [] }]),
  ],
  [
    'progress-deadline-at-min-ready',
    'STRATEGY_INVALID /spec/progressDeadlineSeconds',
    (o) => Object.assign(deploy(o).spec, { minReadySeconds: 30, progressDeadlineSeconds: 30 }),
  ],
  ['min-ready-past-default-deadline', 'STRATEGY_INVALID /spec/minReadySeconds', (o) => (deploy(o).spec.minReadySeconds = 600)],
  ['min-ready-negative', 'STRATEGY_INVALID /spec/minReadySeconds', (o) => (deploy(o).spec.minReadySeconds = -1)],
  ['revision-history-negative', 'STRATEGY_INVALID /spec/revisionHistoryLimit', (o) => (deploy(o).spec.revisionHistoryLimit = -1)],
  ['dns-none-no-config', 'DNS_INVALID /spec/template/spec/dnsPolicy', (o) => (pod(o).dnsPolicy = 'None')],
  [
    'dns-none-no-nameserver',
    'DNS_INVALID /spec/template/spec/dnsConfig',
    (o) => Object.assign(pod(o), { dnsPolicy: 'None', dnsConfig: { searches: ['svc.cluster.local'] } }),
  ],
  ['svc-dup-port', 'PORT_INVALID /spec/ports/1/port', (o) => Object.assign(service(o).ports[1], { port: 8080, protocol: 'TCP' })],
  ['svc-etp-clusterip', 'SERVICE_INVALID /spec/externalTrafficPolicy', (o) => (service(o).externalTrafficPolicy = 'Local')],
  ['svc-lbsr-clusterip', 'SERVICE_INVALID /spec/loadBalancerSourceRanges', (o) => (service(o).loadBalancerSourceRanges = ['10.0.0.0/8'])],
  [
    'svc-etp-clusterip-empty-externalips',
    'SERVICE_INVALID /spec/externalTrafficPolicy',
    (o) => Object.assign(service(o), { externalIPs: [], externalTrafficPolicy: 'Local' }),
  ],
  [
    'svc-affinity-timeout',
    'SERVICE_INVALID /spec/sessionAffinityConfig',
    (o) => (service(o).sessionAffinityConfig = { clientIP: { timeoutSeconds: 5 } }),
  ],
  ['svc-headless-nodeport', 'SERVICE_INVALID /spec/clusterIP', (o) => Object.assign(service(o), { clusterIP: 'None', type: 'NodePort' })],
  ['pdb-both', 'PDB_INVALID /spec/minAvailable', (o) => (of(o, 'PodDisruptionBudget').spec.minAvailable = 1)],
  ['hpa-target-kind-group', 'HPA_INVALID /spec/scaleTargetRef/kind', (o) => o.push(hpa({ kind: 'apps/Deployment', name: 'web' }))],
  ['hpa-target-name-dotdot', 'HPA_INVALID /spec/scaleTargetRef/name', (o) => o.push(hpa({ kind: 'Deployment', name: '..' }))],
  [
    'hpa-described-kind-group',
    'HPA_METRIC_INVALID /spec/metrics/0/object/describedObject/kind',
    (o) => o.push(hpa(undefined, { kind: 'networking.k8s.io/Ingress', name: 'shop' })),
  ],
  [
    'hpa-described-name-slash',
    'HPA_METRIC_INVALID /spec/metrics/0/object/describedObject/name',
    (o) => o.push(hpa(undefined, { kind: 'Ingress', name: 'a/b' })),
  ],
  [
    'np-endport-named',
    'INTENT_INVALID /spec/ingress/0/ports/0/endPort',
    (o) => (cidrPolicy(o).ports[0] = { endPort: 9000, port: 'http', protocol: 'TCP' }),
  ],
  [
    'np-except-outside',
    'INTENT_INVALID /spec/ingress/0/from/0/ipBlock/except/0',
    (o) => (cidrPolicy(o).from[0].ipBlock = { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] }),
  ],
  [
    'quota-hugepages-scoped',
    'QUOTA_SCOPE_INVALID /spec/hard/requests.hugepages-2Mi',
    (o) => o.push(podQuota({ scopes: ['Terminating'], hard: { pods: '5', 'requests.hugepages-2Mi': '1Gi' } })),
  ],
  [
    'quota-selector-besteffort-cpu',
    'QUOTA_SCOPE_INVALID /spec/hard/requests.cpu',
    (o) => o.push(podQuota({ scopeSelector: selector({ scopeName: 'BestEffort', operator: 'Exists' }), hard: { 'requests.cpu': '2' } })),
  ],
  [
    'quota-selector-exists-only',
    'QUOTA_SCOPE_INVALID /spec/scopeSelector/matchExpressions/0/operator',
    (o) => o.push(podQuota({ scopeSelector: selector({ scopeName: 'Terminating', operator: 'DoesNotExist' }), hard: { pods: '5' } })),
  ],
  [
    'quota-selector-in-no-values',
    'QUOTA_SCOPE_INVALID /spec/scopeSelector/matchExpressions/0/values',
    (o) => o.push(podQuota({ scopeSelector: selector({ scopeName: 'PriorityClass', operator: 'In', values: [] }), hard: { pods: '5' } })),
  ],
  [
    'quota-selector-exists-with-values',
    'QUOTA_SCOPE_INVALID /spec/scopeSelector/matchExpressions/0/values',
    (o) =>
      o.push(
        podQuota({ scopeSelector: selector({ scopeName: 'PriorityClass', operator: 'Exists', values: ['high'] }), hard: { pods: '5' } }),
      ),
  ],
  [
    'quota-selector-conflict',
    'QUOTA_SCOPE_INVALID /spec/scopeSelector/matchExpressions',
    (o) =>
      o.push(
        podQuota({
          scopeSelector: selector({ scopeName: 'BestEffort', operator: 'Exists' }, { scopeName: 'NotBestEffort', operator: 'Exists' }),
          hard: { pods: '5' },
        }),
      ),
  ],
  [
    'quota-scope-conflict',
    'QUOTA_SCOPE_INVALID /spec/hard/requests.cpu',
    (o) => (of(o, 'ResourceQuota', 'quota').spec.scopes = ['BestEffort']),
  ],
  [
    'template-label-value',
    'LABEL_INVALID /spec/template/metadata/labels/tier',
    (o) => (deploy(o).spec.template.metadata.labels.tier = 'front end'),
  ],
  [
    'np-peer-label-key',
    'LABEL_INVALID /spec/ingress/0/from/1/podSelector/matchLabels/bad key!',
    (o) => cidrPolicy(o).from.push({ podSelector: { matchLabels: { 'bad key!': 'x' } } }),
  ],
  [
    'pdb-selector-operator',
    'LABEL_INVALID /spec/selector/matchExpressions/0/operator',
    (o) => (of(o, 'PodDisruptionBudget').spec.selector.matchExpressions = [{ key: 'tier', operator: 'Has', values: ['web'] }]),
  ],
  [
    'pdb-selector-in-no-values',
    'LABEL_INVALID /spec/selector/matchExpressions/0/values',
    (o) => (of(o, 'PodDisruptionBudget').spec.selector.matchExpressions = [{ key: 'tier', operator: 'In' }]),
  ],
  [
    'pdb-selector-exists-values',
    'LABEL_INVALID /spec/selector/matchExpressions/0/values',
    (o) => (of(o, 'PodDisruptionBudget').spec.selector.matchExpressions = [{ key: 'tier', operator: 'Exists', values: ['web'] }]),
  ],
  [
    'affinity-term-label-value',
    'LABEL_INVALID /spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm/labelSelector/matchExpressions/0/values/0',
    (o) =>
      (pod(o).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchExpressions = [
        { key: 'tier', operator: 'NotIn', values: ['-web'] },
      ]),
  ],
  ['node-selector-key', 'LABEL_INVALID /spec/template/spec/nodeSelector/pool~1', (o) => (pod(o).nodeSelector = { 'pool/': 'a' })],
  ['service-selector-value', 'LABEL_INVALID /spec/selector/tier', (o) => (service(o).selector.tier = 'x'.repeat(64))],
];

/** A foreign autoscaling/v2 HPA: its scaleTargetRef, and one Object metric of `described` when given. */
function hpa(target: { kind: string; name: string } = { kind: 'Deployment', name: 'web' }, described?: { kind: string; name: string }) {
  const object = {
    describedObject: { apiVersion: 'networking.k8s.io/v1', ...described },
    metric: { name: 'rps' },
    target: { type: 'Value', value: '10' },
  };
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'h', namespace: deploy(BASELINE).metadata.namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', ...target },
      minReplicas: 2,
      maxReplicas: 4,
      ...(described ? { metrics: [{ type: 'Object', object }] } : {}),
    },
  };
}

const mutated = (change: (o: any[]) => void) => {
  const objects = structuredClone(BASELINE);
  change(objects);
  return objects;
};
const errors = (objects: any[]) =>
  checkManifests(objects)
    .findings.filter((f) => f.severity === 'error')
    .map((f) => `${f.rule} ${f.pointer}`);

async function cliErrors(objects: any[]): Promise<{ exit: number; errors: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-api-server-'));
  fs.writeFileSync(path.join(dir, 'x.yaml'), stringifyManifests(objects));
  let out = '';
  const exit = await run(
    ['check', dir, '--json'],
    (s) => (out += s),
    () => undefined,
  );
  const findings: any[] = JSON.parse(out).findings;
  return { exit, errors: findings.filter((f) => f.severity === 'error').map((f) => `${f.rule} ${f.pointer}`) };
}

describe('what the API server refuses, on foreign YAML', () => {
  test('the baseline has no error', async () => {
    expect(errors(BASELINE)).toEqual([]);
    expect((await cliErrors(BASELINE)).exit).toBe(0);
  });

  test.each(CASES)('%s: %s', async (_name, expected, change) => {
    const objects = mutated(change);
    expect(errors(objects)).toContain(expected);
    const cli = await cliErrors(objects);
    expect(cli.errors).toContain(expected);
    expect(cli.exit).toBe(1);
  });
});

test('a JavaScript manifest whose label map or selector holds an undefined value (what JSON drops, widening a selector) is LABEL_INVALID', () => {
  const objects = mutated((o) => {
    of(o, 'PodDisruptionBudget').spec.selector.matchLabels = { ...of(o, 'PodDisruptionBudget').spec.selector.matchLabels, tier: undefined };
    service(o).selector.tier = undefined;
    pod(o).nodeSelector = { pool: undefined };
  });
  expect(errors(objects)).toEqual(
    expect.arrayContaining([
      'LABEL_INVALID /spec/selector/matchLabels/tier',
      'LABEL_INVALID /spec/selector/tier',
      'LABEL_INVALID /spec/template/spec/nodeSelector/pool',
    ]),
  );
});

describe('what the API server takes passes', () => {
  const clean = (change: (o: any[]) => void) => expect(errors(mutated(change))).toEqual([]);

  test('node requirements (Gt, Lt, numbers) and quota scope selectors are not label selectors; empty label values are labels', () => {
    clean((o) => {
      pod(o).affinity.nodeAffinity = {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'example.com/cores', operator: 'Gt', values: ['3'] }] }],
        },
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, preference: { matchExpressions: [{ key: 'example.com/gpu', operator: 'Lt', values: ['2'] }] } },
        ],
      };
      deploy(o).spec.template.metadata.labels['example.com/empty'] = '';
      o.push(podQuota({ scopeSelector: selector({ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }), hard: { pods: '5' } }));
    });
  });

  test('an HPA whose references are path segments (kind alone, group in apiVersion) has no HPA error', () => {
    const found = errors(mutated((o) => o.push(hpa({ kind: 'Deployment', name: 'web' }, { kind: 'Ingress', name: 'shop.example' }))));
    expect(found.filter((e) => e.startsWith('HPA_'))).toEqual([]);
  });

  test("a StatefulSet's claim templates are volumes of its pods", () => {
    const objects = mutated((o) => {
      main(o).volumeMounts.push({ mountPath: '/data', name: 'data' });
      const d = deploy(o);
      d.kind = 'StatefulSet';
      d.spec.serviceName = 'svc';
      delete d.spec.strategy;
      d.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }];
    });
    expect(errors(objects).filter((e) => e.startsWith('MOUNT_INVALID'))).toEqual([]);
    // The same mount in a Deployment names no volume.
    const deployment = mutated((o) => main(o).volumeMounts.push({ mountPath: '/data', name: 'data' }));
    expect(errors(deployment)).toContain('MOUNT_INVALID /spec/template/spec/containers/0/volumeMounts/1/name');
  });

  test('rollingUpdate beside OnDelete: refused in a StatefulSet, taken in a DaemonSet', () => {
    const as = (kind: string) =>
      errors(
        mutated((o) => {
          const d = deploy(o);
          d.kind = kind;
          delete d.spec.strategy;
          d.spec.updateStrategy = { type: 'OnDelete', rollingUpdate: { maxUnavailable: 1 } };
        }),
      ).filter((e) => e.startsWith('STRATEGY_INVALID'));
    expect(as('StatefulSet')).toEqual(['STRATEGY_INVALID /spec/updateStrategy/rollingUpdate']);
    expect(as('DaemonSet')).toEqual([]);
  });

  test('a rolling update with one field left to its default, Exists without a value, seccomp Localhost with its profile', () => {
    clean((o) => {
      deploy(o).spec.strategy.rollingUpdate = { maxUnavailable: 0 };
      pod(o).tolerations = [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }];
      pod(o).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/app.json' };
    });
  });

  test('Service fields of the right type, a single unnamed port, a numeric endPort range, a non-standard quota resource under a scope', () => {
    clean((o) => {
      Object.assign(service(o), { type: 'NodePort', externalTrafficPolicy: 'Local', sessionAffinity: 'ClientIP' });
      service(o).sessionAffinityConfig = { clientIP: { timeoutSeconds: 5 } };
      cidrPolicy(o).ports[0] = { port: 8080, endPort: 8090, protocol: 'TCP' };
      o.push({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'be', namespace: 'net' },
        spec: { scopes: ['BestEffort'], hard: { pods: '5', 'count/widgets.example.com': '1' } },
      });
    });
    const single = mutated((o) => {
      service(o).ports = [{ port: 8080, targetPort: 'http', protocol: 'TCP' }];
    });
    expect(errors(single).filter((e) => e.startsWith('PORT_INVALID'))).toEqual([]);
  });

  test('valid neighbours of the refused pod fields: port name and number limits, 0 replicas, dnsPolicy None with a nameserver', () => {
    clean((o) => {
      main(o).ports.push(
        { name: 'http-metrics', containerPort: 65535, hostPort: 0, protocol: 'TCP' },
        { name: 'a-1-b-2-c-3-d-4', containerPort: 1, protocol: 'TCP' },
      );
      deploy(o).spec.replicas = 0;
      Object.assign(deploy(o).spec, { minReadySeconds: 0, progressDeadlineSeconds: 1, revisionHistoryLimit: 0 });
      Object.assign(pod(o), { dnsPolicy: 'None', dnsConfig: { nameservers: ['10.96.0.10'] }, hostname: 'web-0', subdomain: 'svc' });
      pod(o).initContainers = [{ ...main(o), name: 'init', lifecycle: undefined, readinessProbe: undefined, ports: [] }];
    });
    // Without progressDeadlineSeconds the API server defaults it to 600: minReadySeconds 599 is below it.
    clean((o) => (deploy(o).spec.minReadySeconds = 599));
  });

  test('externalTrafficPolicy on a ClusterIP Service with externalIPs (externally accessible), empty loadBalancerSourceRanges', () => {
    clean((o) => Object.assign(service(o), { type: 'ClusterIP', externalIPs: ['203.0.113.10'], externalTrafficPolicy: 'Local' }));
    clean((o) => (service(o).loadBalancerSourceRanges = []));
  });

  test('CrossNamespacePodAffinity admits pod compute; a scopeSelector with PriorityClass In; huge pages in an unscoped quota', () => {
    clean((o) => {
      o.push(podQuota({ scopes: ['CrossNamespacePodAffinity'], hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' } }));
      o.push({
        ...podQuota({
          scopeSelector: selector(
            { scopeName: 'PriorityClass', operator: 'In', values: ['high'] },
            { scopeName: 'CrossNamespacePodAffinity', operator: 'Exists' },
          ),
          hard: { pods: '5', 'requests.cpu': '2', 'count/widgets.example.com': '1' },
        }),
        metadata: { name: 'high', namespace: 'net' },
      });
      o.push({
        ...podQuota({ hard: { 'requests.hugepages-2Mi': '1Gi', 'hugepages-1Gi': '2Gi' } }),
        metadata: { name: 'huge', namespace: 'net' },
      });
    });
  });
});

describe('API-server rules on malformed input: they skip what they cannot read, never RULE_FAILED', () => {
  const web = (o: any[]) => fixtureFind(o, 'Deployment', 'web');
  test.each<[string, string, (o: any[]) => void, string[]]>([
    [
      'a map for strategy.type beside a rollingUpdate',
      'STRATEGY_INVALID',
      (o) => (web(o).spec.strategy = { type: UNPRINTABLE(), rollingUpdate: { maxSurge: 1 } }),
      ['STRATEGY_INVALID /spec/strategy/rollingUpdate'],
    ],
    [
      'a map for a toleration key: no label name, as the API server says',
      'PLACEMENT_INVALID',
      afterMutation('PLACEMENT_INVALID', (o) => (fixturePod(o).tolerations[0].key = UNPRINTABLE())),
      ['PLACEMENT_INVALID /spec/template/spec/tolerations/0/key', 'PLACEMENT_INVALID /spec/template/spec/tolerations/0/value'],
    ],
    [
      'a map for a Service type beside externalTrafficPolicy',
      'SERVICE_INVALID',
      afterMutation('SERVICE_INVALID', (o) => (fixtureFind(o, 'Service', 'web').spec.type = UNPRINTABLE())),
      ['SERVICE_INVALID /spec/externalTrafficPolicy'],
    ],
    ['a map for a container name', 'SECURITY_INVALID', (o) => (fixturePod(o).containers[0].name = UNPRINTABLE()), []],
    [
      'a map for a spread constraint topologyKey',
      'PLACEMENT_INVALID',
      (o) => (fixturePod(o).topologySpreadConstraints[0].topologyKey = UNPRINTABLE()),
      [],
    ],
    [
      'a map for a Service port: no port number, as the API server says',
      'PORT_INVALID',
      (o) => (fixtureFind(o, 'Service', 'web').spec.ports[0].port = UNPRINTABLE()),
      ['PORT_INVALID /spec/ports/0/port'],
    ],
  ])('%s (%s)', (_what, code, mutate, expected) => {
    expect(onMalformed(mutate, code)).toEqual(expected);
  });
});
