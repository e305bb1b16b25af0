import { checkManifests, validateManifests } from '../../constructs';
import { rawAwsSecretStore } from '../helpers';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'team' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
});

describe('validateManifests', () => {
  test('a valid object has no findings', () => {
    expect(validateManifests([deployment()])).toEqual([]);
  });

  test('SCHEMA_UNKNOWN_FIELD: a misspelled nested field is found with its JSON pointer', () => {
    const d: any = deployment();
    d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
    d.metadata.lables = { a: 'b' };
    const findings = validateManifests([d]);
    expect(findings.map((f) => [f.rule, f.pointer])).toEqual([
      ['SCHEMA_UNKNOWN_FIELD', '/metadata/lables'],
      ['SCHEMA_UNKNOWN_FIELD', '/spec/template/spec/containers/0/imagePullPolicyy'],
    ]);
    expect(findings[0].object).toBe('Deployment/team/web');
  });

  test('SCHEMA_INVALID: wrong types and missing required fields', () => {
    const d: any = deployment();
    d.spec.replicas = 'three';
    delete d.spec.selector;
    const rules = validateManifests([d]).map((f) => f.rule);
    expect(rules.filter((r) => r === 'SCHEMA_INVALID').length).toBeGreaterThanOrEqual(2);
  });

  test('unknown fields inside maps of objects and arrays are found too', () => {
    const np = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'x', namespace: 't' },
      spec: { podSelector: {}, egress: [{ to: [{ namespaceSelectr: {} }] }] },
    };
    expect(validateManifests([np]).map((f) => f.pointer)).toEqual(['/spec/egress/0/to/0/namespaceSelectr']);
  });

  test('SCOPE_NAMESPACE_ON_CLUSTER_OBJECT and SCOPE_NAMESPACE_MISSING', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'b' } };
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    expect(validateManifests([ns, cm]).map((f) => f.rule)).toEqual(['SCOPE_NAMESPACE_ON_CLUSTER_OBJECT', 'SCOPE_NAMESPACE_MISSING']);
  });

  test('SCHEMA_API_REMOVED: an old model of the same name must not accept an API version the server no longer serves', () => {
    const old = { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c', namespace: 'n' }, spec: {} };
    const current = {
      ...old,
      apiVersion: 'batch/v1',
      spec: { schedule: '@hourly', jobTemplate: { spec: { template: { spec: { containers: [] } } } } },
    };
    expect(validateManifests([old]).map((f) => [f.rule, f.fix])).toEqual([['SCHEMA_API_REMOVED', 'use batch/v1 CronJob']]);
    expect(validateManifests([current]).map((f) => f.rule)).not.toContain('SCHEMA_API_REMOVED');
  });

  test('SCHEMA_NOT_KUBERNETES and SCHEMA_UNKNOWN_KIND', () => {
    const findings = validateManifests([
      { hello: 'world' },
      'text',
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'n' } },
    ]);
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([
      ['SCHEMA_NOT_KUBERNETES', 'error'],
      ['SCHEMA_NOT_KUBERNETES', 'error'],
      ['SCHEMA_UNKNOWN_KIND', 'warning'],
    ]);
  });

  describe('an object that is not JSON data (JavaScript input only) is one SCHEMA_NOT_KUBERNETES at its pointer, and the rules skip it', () => {
    const pod = (name: unknown): any => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'n' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.27.2' }], volumes: [{ name, emptyDir: {} }] },
    });
    const cycle: unknown[] = [];
    cycle.push(cycle);
    let deep: any = 'leaf';
    for (let i = 0; i < 1_500; i++) deep = { a: deep };
    test.each([
      ['a cycle', cycle, '/spec/volumes/0/name/0', 'holds a cycle (a value that contains itself)'],
      ['a BigInt', 10n, '/spec/volumes/0/name', 'holds a BigInt'],
      ['a function', () => 'v', '/spec/volumes/0/name', 'holds a function'],
      ['a Symbol', Symbol('v'), '/spec/volumes/0/name', 'holds a Symbol'],
      ['NaN', NaN, '/spec/volumes/0/name', 'holds NaN, a number JSON cannot hold'],
      [
        'a sparse list of length 2^32−1',
        Object.assign([], { length: 2 ** 32 - 1 }),
        '/spec/volumes/0/name',
        'is a list of 4294967295 items, more than 16777216 (a sparse list?)',
      ],
      ['nesting past 1,000 levels', deep, `/spec/volumes/0/name${'/a'.repeat(996)}`, 'nests deeper than 1000 levels'],
    ])('%s', (_what, value, pointer, reason) => {
      const findings = validateManifests([pod(value)]);
      expect(findings.map((f) => [f.rule, f.object, f.pointer, f.message])).toEqual([
        ['SCHEMA_NOT_KUBERNETES', 'Pod/n/p', pointer, `is not JSON data: it ${reason}`],
      ]);
      // Every rule used to read it: a cycle or a BigInt was a RULE_FAILED per rule (JSON.stringify), a cycle a stack overflow in the schema check.
      expect(checkManifests([pod(value)]).findings.map((f) => f.rule)).toEqual(['SCHEMA_NOT_KUBERNETES']);
    });

    test('a getter that reads well once, then throws, is the same one finding (not its Error)', () => {
      let reads = 0;
      const p = pod('scratch');
      Object.defineProperty(p, 'spec', {
        enumerable: true,
        get() {
          if (reads++ > 0) throw new Error('second read');
          return pod('scratch').spec;
        },
      });
      expect(validateManifests([p]).map((f) => [f.rule, f.object, f.message])).toEqual([
        ['SCHEMA_NOT_KUBERNETES', '?/?', 'could not be read (a getter or Proxy throws)'],
      ]);
    });

    test('a value shared by two fields (a YAML alias) is data, not a cycle', () => {
      const twice = pod('scratch');
      twice.metadata.labels = twice.metadata.annotations = { team: 'a' };
      expect(validateManifests([twice])).toEqual([]);
      expect(checkManifests([twice]).findings.map((f) => f.rule)).not.toContain('SCHEMA_NOT_KUBERNETES');
    });
  });

  test('versioned kinds resolve to their own model (autoscaling/v2 HPA)', () => {
    const hpa: any = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h', namespace: 'n' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 3,
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    };
    expect(validateManifests([hpa])).toEqual([]);
    hpa.spec.targetCPUUtilizationPercentage = 50; // a v1 field, not in v2
    expect(validateManifests([hpa]).map((f) => f.pointer)).toEqual(['/spec/targetCPUUtilizationPercentage']);
  });
});

describe('metadata the API server refuses (apimachinery ValidateObjectMeta)', () => {
  const obj = (kind: string, metadata: object, apiVersion = 'v1') => ({ apiVersion, kind, metadata });
  const named = (kind: string, name: string, apiVersion = 'v1', namespace: string | undefined = 'team') =>
    obj(kind, namespace === undefined ? { name } : { name, namespace }, apiVersion);
  const codes = (o: object) => validateManifests([o]).map((f) => [f.rule, f.pointer]);
  const nameBad = (o: object) => codes(o).some(([r, p]) => r === 'SCHEMA_NAME_INVALID' && p === '/metadata/name');

  test('SCHEMA_NAME_INVALID: a name and a namespace the API server would refuse are errors (they were reported clean)', () => {
    const findings = validateManifests([named('ConfigMap', 'Bad Name!', 'v1', 'NS_X')]);
    expect(findings.map((f) => [f.rule, f.pointer, f.severity])).toEqual([
      ['SCHEMA_NAME_INVALID', '/metadata/name', 'error'],
      ['SCHEMA_NAME_INVALID', '/metadata/namespace', 'error'],
    ]);
    expect(findings[0].message).toContain('DNS-1123 subdomain');
    expect(validateManifests([named('ConfigMap', 'settings.v2')])).toEqual([]);
  });

  test('each kind is held to its own name function: subdomain, Namespace label, Service DNS-1035 label, RBAC path segment', () => {
    // most kinds, and custom resources: NameIsDNSSubdomain (dots allowed, digits first allowed)
    expect(nameBad(named('Deployment', 'web.v2', 'apps/v1'))).toBe(false);
    expect(nameBad(named('ConfigMap', '1st'))).toBe(false);
    expect(nameBad(named('Deployment', 'Web', 'apps/v1'))).toBe(true);
    expect(nameBad(named('Widget', 'w_1', 'example.com/v1'))).toBe(true);
    expect(nameBad(named('ConfigMap', 'a'.repeat(253)))).toBe(false);
    expect(nameBad(named('ConfigMap', 'a'.repeat(254)))).toBe(true);
    // Namespace: ValidateNamespaceName, a DNS-1123 label
    expect(nameBad(named('Namespace', 'a.b', 'v1', undefined))).toBe(true);
    expect(nameBad(named('Namespace', '1st-team', 'v1', undefined))).toBe(false);
    // Service: ValidateServiceName, a DNS-1035 label (starts with a letter)
    expect(nameBad(named('Service', '1web'))).toBe(true);
    expect(nameBad(named('Service', 'web.v2'))).toBe(true);
    expect(nameBad(named('Service', 'web-1'))).toBe(false);
    // RBAC: ValidateRBACName, a path segment (system:aggregate-to-view is a real ClusterRole name)
    expect(nameBad(named('ClusterRole', 'system:aggregate-to-view', 'rbac.authorization.k8s.io/v1', undefined))).toBe(false);
    expect(nameBad(named('Role', 'a/b', 'rbac.authorization.k8s.io/v1'))).toBe(true);
    expect(nameBad(named('RoleBinding', '..', 'rbac.authorization.k8s.io/v1'))).toBe(true);
    // CronJob: at most 52 characters (ValidateCronJobCreate)
    expect(nameBad(named('CronJob', 'a'.repeat(53), 'batch/v1'))).toBe(true);
    expect(nameBad(named('CronJob', 'a'.repeat(52), 'batch/v1'))).toBe(false);
  });

  test('SCHEMA_NAME_INVALID: no name and no generateName; a generateName prefix may end in a dash', () => {
    expect(codes(obj('ConfigMap', { namespace: 'team' }))).toEqual([['SCHEMA_NAME_INVALID', '/metadata/name']]);
    expect(codes(obj('ConfigMap', { generateName: 'cfg-', namespace: 'team' }))).toEqual([]);
    expect(codes(obj('ConfigMap', { generateName: 'Cfg-', namespace: 'team' }))).toEqual([
      ['SCHEMA_NAME_INVALID', '/metadata/generateName'],
    ]);
  });

  test('SCHEMA_LABEL_INVALID: label keys and values; valid qualified keys and empty values pass', () => {
    const cm = obj('ConfigMap', {
      name: 'a',
      namespace: 'team',
      labels: { 'app.kubernetes.io/name': 'web', empty: '', 'bad key!': 'x', tier: '-front', 'a/b/c': 'x', ['x'.repeat(64)]: 'y' },
    });
    expect(codes(cm)).toEqual([
      ['SCHEMA_LABEL_INVALID', '/metadata/labels/bad key!'],
      ['SCHEMA_LABEL_INVALID', '/metadata/labels/tier'],
      ['SCHEMA_LABEL_INVALID', '/metadata/labels/a~1b~1c'],
      ['SCHEMA_LABEL_INVALID', `/metadata/labels/${'x'.repeat(64)}`],
    ]);
  });

  test('SCHEMA_ANNOTATION_INVALID: annotation keys (upper case allowed) and the 256 KiB total', () => {
    const cm = (annotations: object) => obj('ConfigMap', { name: 'a', namespace: 'team', annotations });
    expect(codes(cm({ 'Example.com/Owner': 'me', 'a/b/c': 'x' }))).toEqual([
      ['SCHEMA_ANNOTATION_INVALID', '/metadata/annotations/a~1b~1c'],
    ]);
    // keys and values count in bytes, together
    expect(codes(cm({ k: 'v'.repeat(256 * 1024 - 1) }))).toEqual([]);
    expect(codes(cm({ k: 'v'.repeat(256 * 1024) }))).toEqual([['SCHEMA_ANNOTATION_INVALID', '/metadata/annotations']]);
    expect(codes(cm({ k: 'é'.repeat(128 * 1024) }))).toEqual([['SCHEMA_ANNOTATION_INVALID', '/metadata/annotations']]);
  });
});

describe('the Kubernetes release checked is 1.28, the one the library targets', () => {
  test('SCHEMA_UNKNOWN_FIELD: fields added in 1.29/1.30 are refused, as a 1.28 API server does under strict validation', () => {
    const d: any = deployment();
    const pod = d.spec.template.spec;
    pod.securityContext = { appArmorProfile: { type: 'RuntimeDefault' } };
    pod.containers[0].lifecycle = { preStop: { sleep: { seconds: 5 } } };
    pod.containers[0].volumeMounts = [{ name: 'v', mountPath: '/v', recursiveReadOnly: 'Enabled' }];
    pod.volumes = [{ name: 'v', emptyDir: {} }];
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'team' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }], trafficDistribution: 'PreferClose' },
    };
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', namespace: 'team' },
      spec: {
        managedBy: 'kueue.x-k8s.io/multikueue',
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox:1.36' }] } },
      },
    };
    const pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'team' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeAttributesClassName: 'gold' },
    };
    expect(validateManifests([d, svc, job, pvc]).map((f) => [f.rule, f.object, f.pointer])).toEqual([
      ['SCHEMA_UNKNOWN_FIELD', 'Deployment/team/web', '/spec/template/spec/containers/0/lifecycle/preStop/sleep'],
      ['SCHEMA_UNKNOWN_FIELD', 'Deployment/team/web', '/spec/template/spec/containers/0/volumeMounts/0/recursiveReadOnly'],
      ['SCHEMA_UNKNOWN_FIELD', 'Deployment/team/web', '/spec/template/spec/securityContext/appArmorProfile'],
      ['SCHEMA_UNKNOWN_FIELD', 'Service/team/web', '/spec/trafficDistribution'],
      ['SCHEMA_UNKNOWN_FIELD', 'Job/team/j', '/spec/managedBy'],
      ['SCHEMA_UNKNOWN_FIELD', 'PersistentVolumeClaim/team/data', '/spec/volumeAttributesClassName'],
    ]);
  });

  test('fields a 1.28 API server serves are accepted (topologySpreadConstraints matchLabelKeys, podFailurePolicy, seccompProfile)', () => {
    const d: any = deployment();
    const pod = d.spec.template.spec;
    pod.securityContext = { seccompProfile: { type: 'RuntimeDefault' } };
    pod.topologySpreadConstraints = [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', matchLabelKeys: ['pod-template-hash'] },
    ];
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', namespace: 'team' },
      spec: {
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox:1.36' }] } },
      },
    };
    expect(validateManifests([d, job])).toEqual([]);
  });
});

describe("operators' custom resources are checked against their projects' released schemas", () => {
  const meta = { name: 'a', namespace: 'b' };
  test.each([
    ['cert-manager.io/v1', 'Certificate', { secretName: 7, issuerRef: { name: 'x' } }, '/spec/secretName'],
    ['cert-manager.io/v1', 'ClusterIssuer', { acme: { server: 'https://x' } }, '/spec/acme'],
    [
      'external-secrets.io/v1beta1',
      'ExternalSecret',
      { secretStoreRef: { name: 's' }, target: { creationPolicy: 'Always' } },
      '/spec/target/creationPolicy',
    ],
    [
      'external-secrets.io/v1beta1',
      'ClusterSecretStore',
      { provider: { aws: { region: 'eu-west-1', service: 'S3' } } },
      '/spec/provider/aws/service',
    ],
    [
      'external-secrets.io/v1',
      'ExternalSecret',
      { secretStoreRef: { name: 's' }, target: { creationPolicy: 'Always' } },
      '/spec/target/creationPolicy',
    ],
    ['external-secrets.io/v1', 'ExternalSecret', { secretStoreRef: { name: 'S_' }, target: {} }, '/spec/secretStoreRef/name'],
    ['external-secrets.io/v1', 'ExternalSecret', { data: [{ secretKey: 'a b', remoteRef: { key: 'k' } }] }, '/spec/data/0/secretKey'],
    [
      'external-secrets.io/v1',
      'ClusterSecretStore',
      { provider: { aws: { region: 'eu-west-1', service: 'S3' } } },
      '/spec/provider/aws/service',
    ],
    ['external-secrets.io/v1', 'ClusterSecretStore', { provider: { aws: { service: 'SecretsManager' } } }, '/spec/provider/aws/region'],
    ['external-secrets.io/v1', 'ClusterSecretStore', { provider: {} }, '/spec/provider'],
    ['monitoring.coreos.com/v1', 'ServiceMonitor', { endpoints: [{ port: 1 }], selector: {} }, '/spec/endpoints/0/port'],
    ['monitoring.coreos.com/v1', 'PodMonitor', { podMetricsEndpoints: [{ path: 3 }], selector: {} }, '/spec/podMetricsEndpoints/0/path'],
    ['monitoring.coreos.com/v1', 'Prometheus', { replicas: 'two' }, '/spec/replicas'],
    ['autoscaling.k8s.io/v1', 'VerticalPodAutoscaler', { targetRef: { kind: 'Deployment' } }, '/spec/targetRef'],
  ])('%s %s is schema-checked', (apiVersion, kind, spec, pointer) => {
    const metadata = kind.startsWith('Cluster') ? { name: 'a' } : meta;
    const findings = validateManifests([{ apiVersion, kind, metadata, spec }]);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.pointer)).toContainEqual(expect.stringContaining(pointer));
    expect(findings.map((f) => f.rule)).not.toContain('SCHEMA_UNKNOWN_KIND');
  });

  test('an open part of a CRD schema keeps unknown fields but still checks the ones it knows', () => {
    expect(
      validateManifests([
        rawAwsSecretStore('a', { region: 'eu-west-1', service: 'SecretsManager', auth: { jwt: { serviceAccountRef: { name: 'eso' } } } }),
      ]),
    ).toEqual([]);
    expect(
      validateManifests([rawAwsSecretStore('a', { region: 'eu-west-1', service: 'SecretsManager', regoin: 'x' })]).map((f) => f.pointer),
    ).toEqual(['/spec/provider/aws/regoin']);
  });
});

describe('custom resources checked with an @kubernetes-models package: unknown fields are found too', () => {
  const cr = (apiVersion: string, kind: string, spec: unknown, namespace: string | null = 'n') => ({
    apiVersion,
    kind,
    metadata: { name: 'x', ...(namespace ? { namespace } : {}) },
    spec,
  });
  // Each object is valid but for one misspelled field (the model's validator alone accepted all of them).
  const cases: [string, ReturnType<typeof cr>, string][] = [
    [
      'Certificate',
      cr('cert-manager.io/v1', 'Certificate', {
        secretName: 's',
        dnsNames: ['a.example.com'],
        issuerRef: { name: 'le', kind: 'ClusterIssuer', grup: 'x' },
      }),
      '/spec/issuerRef/grup',
    ],
    [
      'ClusterIssuer',
      cr(
        'cert-manager.io/v1',
        'ClusterIssuer',
        { acme: { server: 'https://acme.example', privateKeySecretRef: { name: 'k' }, solvers: [{ dns01x: {} }] } },
        null,
      ),
      '/spec/acme/solvers/0/dns01x',
    ],
    ['Issuer', cr('cert-manager.io/v1', 'Issuer', { selfSigned: {}, selfsigned: {} }), '/spec/selfsigned'],
    [
      'ServiceMonitor',
      cr('monitoring.coreos.com/v1', 'ServiceMonitor', {
        selector: { matchLabels: { a: 'b' } },
        endpoints: [{ port: 'http', intervall: '1m' }],
      }),
      '/spec/endpoints/0/intervall',
    ],
    [
      'PodMonitor',
      cr('monitoring.coreos.com/v1', 'PodMonitor', { selector: {}, podMetricsEndpoints: [{ port: 'http', pth: '/m' }] }),
      '/spec/podMetricsEndpoints/0/pth',
    ],
    [
      'Prometheus',
      cr('monitoring.coreos.com/v1', 'Prometheus', { replicas: 1, containers: [{ name: 'c', imagee: 'y' }] }),
      '/spec/containers/0/imagee',
    ],
    [
      'PrometheusRule',
      cr('monitoring.coreos.com/v1', 'PrometheusRule', { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', severty: 'x' }] }] }),
      '/spec/groups/0/rules/0/severty',
    ],
    [
      'Application',
      cr('argoproj.io/v1alpha1', 'Application', {
        project: 'default',
        source: { repoURL: 'https://git.example/r', path: '.', targetRevision: 'HEAD' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'x' },
        syncPolicy: { automated: { prune: true }, syncOption: ['CreateNamespace=true'] },
      }),
      '/spec/syncPolicy/syncOption',
    ],
    ['AppProject', cr('argoproj.io/v1alpha1', 'AppProject', { sourceRepos: ['*'], descripton: 'x' }), '/spec/descripton'],
  ];

  // Errors: the field trees unite the installed package's schema and its newest release's, so a field neither knows
  // is refused by every operator release in the declared range.
  test.each(cases)('SCHEMA_UNKNOWN_FIELD: %s', (_kind, obj, pointer) => {
    const findings = validateManifests([obj]);
    expect(findings.map((f) => [f.rule, f.severity, f.pointer])).toEqual([['SCHEMA_UNKNOWN_FIELD', 'error', pointer]]);
    expect(findings[0].message).toMatch(/in the schemas of @kubernetes-models\/[a-z-]+ [0-9.]+ and @kubernetes-models\/[a-z-]+ [0-9.]+/);
  });

  test.each(cases)('the same %s without its misspelled field is accepted', (_kind, obj, pointer) => {
    const clean: any = structuredClone(obj);
    const keys = pointer.split('/').slice(1);
    const parent = keys.slice(0, -1).reduce((o, k) => o[k], clean);
    delete parent[keys[keys.length - 1]];
    expect(validateManifests([clean])).toEqual([]);
  });

  test('a misspelled Certificate spec field (secretNam) is an error, beside the missing secretName', () => {
    const findings = validateManifests([
      cr('cert-manager.io/v1', 'Certificate', { secretNam: 's', dnsNames: ['a.example.com'], issuerRef: { name: 'le' } }),
    ]);
    expect(findings.map((f) => [f.rule, f.severity, f.pointer])).toEqual([
      ['SCHEMA_UNKNOWN_FIELD', 'error', '/spec/secretNam'],
      ['SCHEMA_INVALID', 'error', '/spec'],
    ]);
  });

  // Fields the installed packages' schemas (cert-manager 1.11, prometheus-operator 0.6x) do not know, that the
  // releases in the declared range serve: known from the newest packages' declarations.
  test('fields of newer operator releases are accepted (cert-manager 1.12+ ingressClassName, prometheus-operator scrapeProtocols)', () => {
    const issuer = cr('cert-manager.io/v1', 'Issuer', {
      acme: {
        server: 'https://acme.example',
        privateKeySecretRef: { name: 'k' },
        solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }],
      },
    });
    const certificate = cr('cert-manager.io/v1', 'Certificate', {
      secretName: 's',
      dnsNames: ['a.example.com'],
      issuerRef: { name: 'le' },
      renewBeforePercentage: 30,
    });
    const monitor = cr('monitoring.coreos.com/v1', 'ServiceMonitor', {
      selector: { matchLabels: { a: 'b' } },
      scrapeProtocols: ['PrometheusText0.0.4'],
      bodySizeLimit: '10MB',
      endpoints: [{ port: 'http', scrapeTimeout: '10s', trackTimestampsStaleness: true }],
    });
    expect(validateManifests([issuer, certificate, monitor])).toEqual([]);
    // The same objects with a misspelling next to the newer field are still refused.
    const acme = (issuer.spec as any).acme;
    acme.solvers[0].http01.ingress.ingressClasName = 'nginx';
    (monitor.spec as any).scrapeProtocol = ['PrometheusText0.0.4'];
    expect(validateManifests([issuer, monitor]).map((f) => [f.rule, f.severity, f.pointer])).toEqual([
      ['SCHEMA_UNKNOWN_FIELD', 'error', '/spec/acme/solvers/0/http01/ingress/ingressClasName'],
      ['SCHEMA_UNKNOWN_FIELD', 'error', '/spec/scrapeProtocol'],
    ]);
  });

  test('an open object (x-kubernetes-preserve-unknown-fields) stays open: Argo CD helm valuesObject', () => {
    const app = cr('argoproj.io/v1alpha1', 'Application', {
      project: 'default',
      source: {
        repoURL: 'https://git.example/r',
        chart: 'c',
        targetRevision: '1.0.0',
        helm: { valuesObject: { any: { nested: ['thing'] } } },
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'x' },
    });
    expect(validateManifests([app])).toEqual([]);
  });
});

describe('the shipped CRDs accept every field of the releases in the declared range (Velero >= 1.11, VPA >= 1.0)', () => {
  const schedule = (spec: Record<string, unknown>, template: Record<string, unknown>) => ({
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: { name: 'nightly', namespace: 'velero' },
    spec: { schedule: '0 3 * * *', ...spec, template: { includedNamespaces: ['shop'], ttl: '720h0m0s', ...template } },
  });
  const vpa = (updatePolicy: Record<string, unknown>) => ({
    apiVersion: 'autoscaling.k8s.io/v1',
    kind: 'VerticalPodAutoscaler',
    metadata: { name: 'web', namespace: 'team' },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, updatePolicy },
  });

  test('a Velero Schedule written for a newer Velero in range (skipImmediately, orLabelSelectors, data mover, uploaderConfig) is accepted', () => {
    const s = schedule(
      { skipImmediately: true },
      {
        orLabelSelectors: [{ matchLabels: { app: 'a' } }, { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }],
        snapshotMoveData: true,
        datamover: 'velero',
        uploaderConfig: { parallelFilesUpload: 4 },
      },
    );
    expect(validateManifests([s])).toEqual([]);
  });

  test('SCHEMA_UNKNOWN_FIELD / SCHEMA_INVALID: their misspelled or mistyped neighbours are still refused', () => {
    const s = schedule({ skipImmediatly: true }, { uploaderConfig: { parallelFileUpload: 4 }, snapshotMoveData: 'yes' });
    expect(validateManifests([s]).map((f) => [f.rule, f.pointer])).toEqual([
      ['SCHEMA_UNKNOWN_FIELD', '/spec/skipImmediatly'],
      ['SCHEMA_UNKNOWN_FIELD', '/spec/template/uploaderConfig/parallelFileUpload'],
      ['SCHEMA_INVALID', '/spec/template/snapshotMoveData'],
    ]);
  });

  test('a VPA with evictionRequirements and updateMode InPlaceOrRecreate is accepted; a wrong changeRequirement is not', () => {
    const good = vpa({
      updateMode: 'InPlaceOrRecreate',
      evictionRequirements: [{ resources: ['cpu', 'memory'], changeRequirement: 'TargetHigherThanRequests' }],
    });
    expect(validateManifests([good])).toEqual([]);
    const bad = vpa({ updateMode: 'InPlace0rRecreate', evictionRequirements: [{ resources: ['cpu'], changeRequirement: 'Higher' }] });
    expect(validateManifests([bad]).map((f) => [f.rule, f.pointer])).toEqual([
      ['SCHEMA_INVALID', '/spec/updatePolicy/updateMode'],
      ['SCHEMA_INVALID', '/spec/updatePolicy/evictionRequirements/0/changeRequirement'],
    ]);
  });
});
