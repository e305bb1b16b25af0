import { App, Duration } from 'cdk8s';
import * as fc from 'fast-check';
import {
  BlueprintChart,
  BlueprintError,
  Color,
  ConfigMap,
  EnvValue,
  ExternalTrafficPolicy,
  Hook,
  NodeLabels,
  NodeRequirement,
  Peer,
  PodField,
  PriorityClass,
  Probe,
  Protocol,
  Qos,
  QuotaPreset,
  Release,
  ResourcePreset,
  SecretBackend,
  SecretDeclaration,
  ServiceType,
  TaintEffect,
  TeamNamespace,
  Toleration,
  Volume,
  WebService,
  Worker,
  renderApp,
  validateManifests,
} from '../../constructs';
import {
  catchBlueprintError,
  expectCode,
  find,
  issuesWithCode,
  ofKind,
  renderChart,
  testChart,
  WEB,
  teamChart,
  teamWebService,
} from '../helpers';

describe('WebService', () => {
  test('defaults snapshot', () => {
    const { chart } = teamWebService('web');
    expect(renderChart(chart).filter((o) => o.metadata.namespace === 'shop' && o.metadata.name === 'web')).toMatchSnapshot();
  });

  test('all props snapshot', () => {
    const { chart, team } = teamChart({ quota: QuotaPreset.LARGE });
    const cm = new ConfigMap(chart, 'web-config', { namespace: 'shop', data: { MODE: 'prod' }, files: { 'app.yaml': 'feature: on\n' } });
    const high = new PriorityClass(chart, 'high', { value: 1000 });
    const webSecrets = new SecretDeclaration(chart, 'web-secrets', {
      namespace: team,
      keys: ['token'],
      backend: SecretBackend.deployTool(),
    });
    new WebService(chart, 'web', {
      namespace: team,
      ...WEB,
      name: 'storefront',
      version: '1.4.2',
      component: 'frontend',
      servicePorts: [{ name: 'http', port: 80, targetPort: 'http' }],
      sessionAffinity: true,
      autoscaling: {
        minReplicas: 3,
        maxReplicas: 12,
        cpuUtilization: 60,
        memoryUtilization: 80,
        scaleDownStabilization: Duration.minutes(10),
      },
      disruptionBudget: { minAvailable: 2 },
      release: Release.rolling({ maxSurge: 2, maxUnavailable: 0 }),
      qos: Qos.GUARANTEED,
      resources: { limits: { cpu: '500m', memory: '512Mi' } },
      readiness: Probe.http('/readyz', 'http', {
        initialDelaySeconds: 5,
        periodSeconds: 5,
        timeoutSeconds: 2,
        successThreshold: 2,
        failureThreshold: 3,
      }),
      liveness: Probe.http('/livez', 'http', { periodSeconds: 10, failureThreshold: 6 }),
      startup: Probe.tcp(8080, { periodSeconds: 2, failureThreshold: 30 }),
      preStop: Hook.sleep(Duration.seconds(10)),
      postStart: Hook.exec(['/bin/warm-cache']),
      terminationGracePeriod: Duration.seconds(45),
      drainTime: Duration.seconds(20),
      env: {
        MODE: EnvValue.fromConfigMap(cm, 'MODE'),
        POD_NAME: EnvValue.fromField(PodField.NAME),
        API_TOKEN: EnvValue.fromSecret(webSecrets, 'token'),
      },
      mounts: [
        { volume: Volume.fromConfigMap(cm), path: '/etc/web' },
        { volume: Volume.downwardApi('podinfo'), path: '/etc/podinfo' },
      ],
      writablePaths: ['/tmp', '/var/cache/web'],
      runAsUser: 20000,
      priorityClass: high,
      placement: {
        nodeSelector: { [NodeLabels.OS]: 'linux' },
        requiredNodeAffinity: [NodeRequirement.in(NodeLabels.ARCH, ['amd64', 'arm64'])],
        preferredNodeAffinity: [{ weight: 80, requirements: [NodeRequirement.in(NodeLabels.INSTANCE_TYPE, ['m6i.large'])] }],
        podAntiAffinity: [{ labels: { 'app.kubernetes.io/name': 'storefront' }, topologyKey: NodeLabels.HOSTNAME, weight: 100 }],
        podAffinity: [{ labels: { 'app.kubernetes.io/name': 'cache' }, topologyKey: NodeLabels.ZONE }],
        tolerations: [
          Toleration.equal('dedicated', 'web', TaintEffect.NO_SCHEDULE),
          Toleration.exists('node.kubernetes.io/unreachable', TaintEffect.NO_EXECUTE, 60),
        ],
        spread: { strict: true },
      },
    });
    const objects = renderChart(chart);
    expect(objects.filter((o) => o.metadata.name === 'storefront')).toMatchSnapshot();
  });

  test('sub-parts stay reachable and serviceDnsName is typed', () => {
    const { service: svc } = teamWebService('web', { autoscaling: { maxReplicas: 5 } });
    expect(svc.deployment.kind).toBe('Deployment');
    expect(svc.service.kind).toBe('Service');
    expect(svc.autoscaler?.kind).toBe('HorizontalPodAutoscaler');
    expect(svc.disruptionBudget?.maxUnavailable).toBe(1);
    expect(svc.serviceDnsName).toBe('web.shop.svc.cluster.local');
  });

  test('autoscaled: replicas omitted, HPA v2 with stabilization; fixed: replicas set', () => {
    const { chart, team } = teamChart();
    new WebService(chart, 'auto', { namespace: team, ...WEB, autoscaling: { maxReplicas: 6 } });
    new WebService(chart, 'fixed', { namespace: team, ...WEB, replicas: 3 });
    const objects = renderChart(chart);
    expect(find(objects, 'Deployment', 'auto').spec.replicas).toBeUndefined();
    expect(find(objects, 'Deployment', 'fixed').spec.replicas).toBe(3);
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'auto');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
    ]);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  test('the default sleep preStop (which distroless and scratch images cannot run) is turned off or replaced in types', () => {
    const { chart, team } = teamWebService('plain');
    new WebService(chart, 'distroless', { namespace: team, ...WEB, preStop: undefined });
    new WebService(chart, 'served', { namespace: team, ...WEB, preStop: Hook.http('/drain', 'http', 5) });
    const objects = renderChart(chart);
    const main = (name: string) => find(objects, 'Deployment', name).spec.template.spec.containers[0];
    expect(main('plain').lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(main('distroless').lifecycle).toBeUndefined();
    expect(main('served').lifecycle).toEqual({ preStop: { httpGet: { path: '/drain', port: 'http' } } });
  });

  test('restricted security context, no token, /tmp emptyDir, pull Always, zero-downtime rollout, preStop', () => {
    const { chart } = teamWebService('web');
    const d = find(renderChart(chart), 'Deployment', 'web');
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toEqual({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '512Mi' } }); // half the 1Gi ephemeral-storage limit
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect(c.lifecycle.preStop.exec.command).toEqual(['sleep', '5']);
    expect(c.readinessProbe.tcpSocket.port).toBe('http');
    // What the namespace's LimitRange would give, written in: CPU, memory and ephemeral storage.
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
      limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' },
    });
  });

  test('topology spread only when it can have 2+ replicas', () => {
    const { chart, team } = teamChart();
    new WebService(chart, 'one', { namespace: team, ...WEB, replicas: 1 });
    new WebService(chart, 'two', { namespace: team, ...WEB, replicas: 2 });
    const objects = renderChart(chart);
    expect(find(objects, 'Deployment', 'one').spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(find(objects, 'Deployment', 'two').spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual([
      NodeLabels.ZONE,
      NodeLabels.HOSTNAME,
    ]);
  });

  test('a config change rolls the pods (content hash in the template)', () => {
    const hashFor = (content: string) => {
      const { chart, team } = teamChart();
      const cm = new ConfigMap(chart, 'conf', { namespace: 'shop', files: { 'reverseproxy.conf': content } });
      new WebService(chart, 'web', { namespace: team, ...WEB, mounts: [{ volume: Volume.fromConfigMap(cm), path: '/etc/nginx/conf.d' }] });
      return find(renderChart(chart), 'Deployment', 'web').spec.template.metadata.annotations['cluster-blueprints.io/config-hash'];
    };
    expect(hashFor('a')).toMatch(/^[0-9a-f]{16}$/);
    expect(hashFor('a')).toBe(hashFor('a'));
    expect(hashFor('a')).not.toBe(hashFor('b'));
  });

  test("a memory of '1.2Gi' (valid to the API server, a fraction of a byte) renders exactly, as the API server stores it; '512m' (a millibyte slip) is refused", () => {
    const { chart, team } = teamChart();
    new WebService(chart, 'm', { namespace: team, ...WEB, resources: { requests: { memory: '1.2Gi' }, limits: { memory: '1.2Gi' } } });
    const objects = renderApp(chart.node.root as App).flatMap((r) => r.objects);
    const r = find(objects, 'Deployment', 'm').spec.template.spec.containers[0].resources;
    expect([r.requests.memory, r.limits.memory]).toEqual(['1288490188800m', '1288490188800m']);
    const slip = teamChart();
    expect(
      expectCode(
        () => new WebService(slip.chart, 'm', { namespace: slip.team, ...WEB, resources: { limits: { memory: '512m' } } }),
        'QUANTITY_INVALID',
      ),
    ).toMatchObject({ value: '512m' });
  });

  test('QoS Guaranteed mirrors limits into requests', () => {
    const { chart, team } = teamChart();
    new WebService(chart, 'g', { namespace: team, ...WEB, qos: Qos.GUARANTEED, resources: ResourcePreset.SMALL });
    const objects = renderApp(chart.node.root as App).flatMap((r) => r.objects);
    const g = find(objects, 'Deployment', 'g').spec.template.spec.containers[0].resources;
    expect(g.requests).toEqual(g.limits);
    // BestEffort (no CPU or memory, ephemeral storage still bounded): resource-settings.test.ts.
  });

  test('outside a TeamNamespace, containers get ResourcePreset.SMALL', () => {
    const { app, chart } = testChart();
    new WebService(chart, 'web', { namespace: 'plain', ...WEB });
    const c = find(
      renderApp(app).flatMap((r) => r.objects),
      'Deployment',
      'web',
    ).spec.template.spec.containers[0];
    expect(c.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '128Mi' },
      limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
    });
  });

  test('canary: two Deployments behind one Service selector, weighted by replicas', () => {
    const { chart, service: svc } = teamWebService('web', {
      replicas: 4,
      release: Release.canary({ image: 'ghcr.io/acme/web:1.5.0', replicas: 1 }),
    });
    const objects = renderChart(chart);
    const stable = find(objects, 'Deployment', 'web');
    const canary = find(objects, 'Deployment', 'web-canary');
    expect(canary.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/web:1.5.0');
    expect(stable.spec.template.spec.containers[0].image).toBe(WEB.image);
    const selector = find(objects, 'Service', 'web').spec.selector;
    for (const d of [stable, canary]) expect(d.spec.template.metadata.labels).toMatchObject(selector);
    expect(stable.spec.selector.matchLabels).not.toEqual(canary.spec.selector.matchLabels);
    expect(svc.minReplicas).toBe(5);
    expect(svc.deployments.map((d) => d.name)).toEqual(['web', 'web-canary']);
    expect(svc.deployment).toBe(svc.deployments[0]);
    expect(svc.release.options).toEqual({ kind: 'canary', image: 'ghcr.io/acme/web:1.5.0', replicas: 1 });
  });

  test('blue/green: the Service selects the active colour only', () => {
    const { chart } = teamWebService('web', {
      release: Release.blueGreen({ active: Color.GREEN, idleImage: 'ghcr.io/acme/web:1.3.0' }),
    });
    const objects = renderChart(chart);
    expect(find(objects, 'Service', 'web').spec.selector['cluster-blueprints.io/release-color']).toBe('green');
    expect(find(objects, 'Deployment', 'web-blue').spec.template.spec.containers[0].image).toBe('ghcr.io/acme/web:1.3.0');
    expect(find(objects, 'Deployment', 'web-green').spec.template.spec.containers[0].image).toBe(WEB.image);
  });

  test('recreate strategy has no surge', () => {
    const { chart, service: svc } = teamWebService('web', { replicas: 3, release: Release.recreate() });
    expect(find(renderChart(chart), 'Deployment', 'web').spec.strategy).toEqual({ type: 'Recreate' });
    expect(svc.maxPods).toBe(3);
  });

  test('sidecar, adapter, ambassador and init containers share the pod volumes', () => {
    const logs = Volume.emptyDir('logs');
    const { chart, service: svc } = teamWebService('web', { mounts: [{ volume: logs, path: '/var/log/app' }] });
    svc.addSidecar({
      name: 'shipper',
      image: 'fluent/fluent-bit:3.1.4',
      mounts: [{ volume: logs, path: '/logs', readOnly: true }],
      resources: ResourcePreset.MICRO,
    });
    svc.addAdapter({ name: 'exporter', image: 'prom/statsd-exporter:v0.27.1', ports: [{ name: 'metrics', port: 9102 }] });
    svc.addAmbassador({ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2' });
    svc.addInitContainer({ name: 'render', image: 'busybox:1.36', command: ['sh', '-c', 'echo ok'] });
    const pod = find(renderChart(chart), 'Deployment', 'web').spec.template.spec;
    expect(pod.containers.map((c: any) => c.name)).toEqual(['web', 'shipper', 'exporter', 'proxy']);
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['render']);
    expect(pod.volumes.filter((v: any) => v.name === 'logs')).toHaveLength(1);
    expect(() => svc.addSidecar({ name: 'shipper', image: 'x:1' })).toThrow(BlueprintError);
    expectCode(() => svc.addSidecar({ name: 'shipper', image: 'x:1' }), 'CONTAINER_DUPLICATE');
  });

  test('network intents open exactly the declared paths, on both ends', () => {
    const { chart, team } = teamChart();
    const other = new TeamNamespace(chart, 'ops', { quota: QuotaPreset.SMALL });
    const api = new WebService(chart, 'api', { namespace: team, ...WEB });
    const front = new WebService(chart, 'front', { namespace: other, ...WEB });
    const worker = new Worker(chart, 'jobs', { namespace: team, image: 'ghcr.io/acme/jobs:2.0.0' });
    const r = api.allowFrom(front);
    expect(r.policies).toHaveLength(2);
    api.allowFrom(Peer.ingressController('ingress-nginx'));
    worker.allowTo(Peer.cidr('10.20.0.0/16', [{ port: 5432 }]));
    const objects = renderChart(chart);
    // front is in another namespace: each end names it by its DNS name, <name>.<namespace>.
    const ingress = find(objects, 'NetworkPolicy', 'allow-api-from-front.ops');
    expect(ingress.metadata.namespace).toBe('shop');
    expect(ingress.spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('ops');
    expect(ingress.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
    const egress = find(objects, 'NetworkPolicy', 'allow-front-to-api.shop');
    expect(egress.metadata.namespace).toBe('ops');
    expect(egress.spec.policyTypes).toEqual(['Egress']);
    expect(find(objects, 'NetworkPolicy', 'allow-jobs-to-cidr-10-20-0-0-16').spec.egress[0]).toEqual({
      to: [{ ipBlock: { cidr: '10.20.0.0/16' } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    expect(
      ofKind(objects, 'NetworkPolicy').filter((p) => p.metadata.name.startsWith('allow-') && p.metadata.name !== 'allow-dns'),
    ).toHaveLength(4);
    expectCode(() => api.allowFrom(front), 'INTENT_DUPLICATE');
    expectCode(() => Peer.cidr('not-a-cidr'), 'INTENT_INVALID');
  });
});

describe('NodePort and LoadBalancer Services', () => {
  test('a LoadBalancer with Local policy, source ranges and annotations; clients reach it through the default deny', () => {
    const { chart, team } = teamChart({ quota: { pods: 20, servicesLoadBalancers: 1, servicesNodePorts: 1 } });
    new WebService(chart, 'api', {
      namespace: team,
      ...WEB,
      serviceType: ServiceType.LOAD_BALANCER,
      externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
      loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'],
      serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing' },
    });
    const objects = renderChart(chart);
    const svc = find(objects, 'Service', 'api');
    expect(svc.spec).toMatchObject({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      loadBalancerSourceRanges: ['203.0.113.0/24', '2001:db8::/32'],
    });
    expect(svc.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-scheme']).toBe('internet-facing');
    const policy = find(objects, 'NetworkPolicy', 'allow-api-from-ext-api-clients');
    expect(policy.spec.ingress[0].from).toEqual([{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '2001:db8::/32' } }]);
  });

  test('a NodePort under the Cluster policy is opened to any address (SNAT hides the client)', () => {
    const { chart } = teamWebService('api', { serviceType: ServiceType.NODE_PORT }, { quota: { pods: 20, servicesNodePorts: 1 } });
    const objects = renderChart(chart);
    expect(find(objects, 'Service', 'api').spec.type).toBe('NodePort');
    expect(find(objects, 'NetworkPolicy', 'allow-api-from-ext-api-clients').spec.ingress[0].from).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0' } },
      { ipBlock: { cidr: '::/0' } },
    ]);
  });

  test("outside clients reach only the ports the Service publishes, not the pod's other ports", () => {
    const { chart } = teamWebService(
      'gw',
      {
        ports: [
          { name: 'https', port: 8443 },
          { name: 'admin', port: 9901 },
        ],
        servicePorts: [
          { name: 'https', port: 443, targetPort: 'https' },
          { name: 'alt', port: 8443, targetPort: 'https' },
        ],
        serviceType: ServiceType.LOAD_BALANCER,
        allocateLoadBalancerNodePorts: false,
      },
      { quota: QuotaPreset.LARGE },
    );
    const policy = find(renderChart(chart), 'NetworkPolicy', 'allow-gw-from-ext-gw-clients');
    expect(policy.spec.ingress[0].ports).toEqual([{ port: 8443, protocol: 'TCP' }]);
  });

  test('with one port per container port (the default), every published port is opened, with its protocol', () => {
    const { chart } = teamWebService(
      'dns',
      {
        ports: [
          { name: 'dns', port: 5353, protocol: Protocol.UDP },
          { name: 'dns-tcp', port: 5353 },
        ],
        serviceType: ServiceType.NODE_PORT,
      },
      { quota: { pods: 20, servicesNodePorts: 2 } },
    );
    expect(find(renderChart(chart), 'NetworkPolicy', 'allow-dns-from-ext-dns-clients').spec.ingress[0].ports).toEqual([
      { port: 5353, protocol: 'UDP' },
      { port: 5353, protocol: 'TCP' },
    ]);
  });

  test('QUOTA_SERVICES_EXCEEDED: load balancers, and the node ports a LoadBalancer allocates', () => {
    const { chart, team } = teamChart(); // 1 load balancer, 0 node ports
    new WebService(chart, 'a', { namespace: team, ...WEB, serviceType: ServiceType.LOAD_BALANCER });
    new WebService(chart, 'b', { namespace: team, ...WEB, serviceType: ServiceType.LOAD_BALANCER, allocateLoadBalancerNodePorts: false });
    expect(issuesWithCode(() => renderChart(chart), 'QUOTA_SERVICES_EXCEEDED').map((i) => [i.field, i.value])).toEqual([
      ['quota.servicesLoadBalancers', 2],
      ['quota.servicesNodePorts', 1],
    ]);
  });

  test('without node ports, one LoadBalancer fits the MEDIUM preset', () => {
    const { chart } = teamWebService('a', { serviceType: ServiceType.LOAD_BALANCER, allocateLoadBalancerNodePorts: false });
    expect(find(renderChart(chart), 'Service', 'a').spec.allocateLoadBalancerNodePorts).toBe(false);
  });

  test.each([
    ['externalTrafficPolicy on a ClusterIP Service', { externalTrafficPolicy: ExternalTrafficPolicy.LOCAL }],
    ['source ranges on a NodePort', { serviceType: ServiceType.NODE_PORT, loadBalancerSourceRanges: ['10.0.0.0/8'] }],
    ['a source range that is no CIDR', { serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['10.0.0.0/33'] }],
    ['an address without a prefix', { serviceType: ServiceType.LOAD_BALANCER, loadBalancerSourceRanges: ['10.0.0.1'] }],
  ])('SERVICE_INVALID: %s', (_what, extra) => {
    expectCode(() => teamWebService('api', extra, { quota: QuotaPreset.LARGE }), 'SERVICE_INVALID');
  });

  test('an empty loadBalancerSourceRanges on a ClusterIP Service is taken, as the API server takes it', () => {
    const { chart } = teamWebService('api', { loadBalancerSourceRanges: [] });
    expect(find(renderChart(chart), 'Service', 'api').spec.type).toBe('ClusterIP');
  });

  test('ANNOTATION_SECRET on a Service', () => {
    expectCode(
      () => teamWebService('api', { serviceAnnotations: { 'example.com/api-key': 'k-123' } }, { quota: QuotaPreset.LARGE }),
      'ANNOTATION_SECRET',
    );
  });
});

describe('WebService errors', () => {
  const build = (props: any, quota: any = QuotaPreset.MEDIUM, chartProps: any = {}) => {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'o', ...chartProps });
    const team = new TeamNamespace(chart, 'shop', { quota });
    const svc = new WebService(chart, 'web', { namespace: team, ...WEB, ...props });
    return { app, svc, render: () => renderApp(app) };
  };

  test('IMAGE_UNPINNED', () => {
    for (const image of ['nginx', 'nginx:latest', 'registry:5000/app', '']) expectCode(() => build({ image }), 'IMAGE_UNPINNED');
    expect(() => build({ image: 'registry:5000/app:1.0' })).not.toThrow();
    expect(() => build({ image: `app@sha256:${'a'.repeat(64)}` })).not.toThrow();
  });

  test('IMAGE_UNPINNED: a release track’s image is judged like the workload’s own', () => {
    expect(expectCode(() => build({ release: Release.canary({ image: 'nginx' }) }), 'IMAGE_UNPINNED').field).toBe('release.image');
    expect(
      expectCode(() => build({ release: Release.blueGreen({ active: Color.BLUE, idleImage: 'nginx:latest' }) }), 'IMAGE_UNPINNED').field,
    ).toBe('release.idleImage');
    expect(() => build({ release: Release.canary({ image: 'nginx:1.27.2' }) })).not.toThrow();
  });

  test('IMAGE_INVALID: a reference the kubelet cannot parse (InvalidImageName), on the workload and its release tracks', () => {
    for (const image of ['Nginx:1.27.2', 'acme/App:1.0', 'a//b:1.0', 'nginx:1.2:3', 'a_/b:1.0'])
      expect(expectCode(() => build({ image }), 'IMAGE_INVALID')).toMatchObject({ field: 'container.image', value: image });
    expect(expectCode(() => build({ release: Release.canary({ image: 'acme/Api:2.0' }) }), 'IMAGE_INVALID').field).toBe('release.image');
    expect(
      expectCode(() => build({ release: Release.blueGreen({ active: Color.BLUE, idleImage: 'acme/API:2.0' }) }), 'IMAGE_INVALID').field,
    ).toBe('release.idleImage');
    // Upper case is fine in the registry host; separators, ports, IPv6 hosts and digests too.
    for (const image of [
      'MyRegistry.example.com/acme/api:1.0',
      'registry:5000/a__b/c--d:1.0',
      '[fd00::1]:5000/app:1.0',
      `ghcr.io/acme/api:1.4.2@sha256:${'a'.repeat(64)}`,
      `ghcr.io/acme/api@sha384:${'b'.repeat(96)}`,
      `ghcr.io/acme/api@sha512:${'c'.repeat(128)}`,
    ])
      expect(() => build({ image })).not.toThrow();
  });

  test('IMAGE_INVALID: a digest go-digest cannot validate, or a bare 64-hex image id (ParseNormalizedNamed)', () => {
    for (const image of [
      `app@sha256:${'A'.repeat(64)}`, // upper-case hex
      `app@sha256:${'a'.repeat(32)}`, // too short for sha256
      `app@md5:${'a'.repeat(32)}`, // an algorithm the kubelet does not have
      'a'.repeat(64),
    ])
      expect(expectCode(() => build({ image }), 'IMAGE_INVALID')).toMatchObject({ field: 'container.image', value: image });
    // A valid sha256 digest is accepted: IMAGE_UNPINNED's test above.
    expect(() => build({ image: `${'a'.repeat(63)}:1.0` })).not.toThrow();
  });

  test('PLAINTEXT_SECRET, unless explicitly allowed; the value is never echoed', () => {
    const issue = expectCode(() => build({ env: { DB_PASSWORD: 'hunter2' } }), 'PLAINTEXT_SECRET');
    expect(JSON.stringify(issue)).not.toContain('hunter2');
    expectCode(() => build({ env: { STRIPE_API_KEY: EnvValue.literal('sk_live') } }), 'PLAINTEXT_SECRET');
    expect(() => build({ env: { JWT_SIGNING_KEY: 'dev-only' }, allowPlaintextEnv: ['JWT_SIGNING_KEY'] })).not.toThrow();
  });

  // Each row: the env the rule lets through, and variables beside it that are still refused.
  test.each<[string, Record<string, string>, Record<string, string>[]]>([
    [
      'PLAINTEXT_SECRET spares names that describe a secret (DSN_HOST, TOKEN_URL) or switch it (MYSQL_ALLOW_EMPTY_PASSWORD)',
      {
        DSN_HOST: 'db.internal',
        DSN_PORT: '5432',
        AUTHORIZATION_ENDPOINT: 'https://idp.example.com/authorize',
        AUTHORIZATION_MODE: 'Webhook',
        BASIC_AUTH_ENABLED: 'true',
        BASIC_AUTH_USER: 'admin',
        AUTH_HEADER_NAME: 'X-Auth',
        BEARER_TOKEN_FILE: '/var/run/secrets/kubernetes.io/serviceaccount/token',
        APP_KEY_ROTATION: 'daily',
        CONNECTION_STRING_FORMAT: 'uri',
        TOKEN_URL: 'https://idp.example.com/token',
        SECRET_NAME: 'db-credentials',
        PASSWORD_MIN_LENGTH: '12',
        TOKEN_TTL: '3600',
        SESSION_TOKEN_TTL: '600',
        MYSQL_ALLOW_EMPTY_PASSWORD: '1',
      },
      // The full list of true secrets is in test/core/secret-patterns.test.ts.
      ['DB_PASSWORD', 'AZURE_STORAGE_CONNECTION_STRING', 'BASIC_AUTH_PASSWORD'].map((name) => ({ [name]: 'Hunter2-literal' })),
    ],
    [
      'PLAINTEXT_SECRET exempts what SEC_PLAINTEXT_SECRET does: a file, a yes or no, a reference',
      {
        PGPASSWORD_FILE: '/run/secrets/pg',
        REDIS_PASSWORD: '',
        SMTP_PASSWORD: '$(SMTP_PASSWORD_FROM_SECRET)',
        DB_PASSWORD: 'true',
      },
      // A path in a variable that is not a _FILE and not under a mount is the value itself.
      [{ DB_PASSWORD: '/hunter22' }],
    ],
  ])('%s', (_, env, refused) => {
    expect(() => build({ env }).render()).not.toThrow();
    for (const literal of refused) expectCode(() => build({ env: literal }), 'PLAINTEXT_SECRET');
  });

  test('a secret-named variable that is exempt as a reference is still scanned for credentials when it is built', () => {
    const token = `ghp_${'a1B2'.repeat(9)}`;
    const issue = expectCode(() => build({ env: { DB_PASSWORD: `$(cat /x/${token})` } }), 'SECRET_IN_OUTPUT');
    expect(issue).toMatchObject({ field: 'container.env.DB_PASSWORD' });
    expect(JSON.stringify(issue)).not.toContain(token);
  });

  test('allowPlaintextEnv holds at synth: the pod names the allowed literals, so SEC_PLAINTEXT_SECRET lets them pass', () => {
    const { app } = build({ env: { JWT_SIGNING_KEY: 'dev-only', LOG_LEVEL: 'info' }, allowPlaintextEnv: ['JWT_SIGNING_KEY', 'LOG_LEVEL'] });
    const pod = find(
      renderApp(app).flatMap((r) => r.objects),
      'Deployment',
      'web',
    ).spec.template;
    expect(pod.metadata.annotations['plaintext-env.cluster-blueprints.io/web']).toBe('JWT_SIGNING_KEY');
    expect(pod.spec.containers[0].env).toContainEqual({ name: 'JWT_SIGNING_KEY', value: 'dev-only' });
  });

  test('PORT_INVALID: no ports, bad name, out of range, duplicate', () => {
    expectCode(() => build({ ports: [] }), 'PORT_INVALID');
    expectCode(() => build({ ports: [{ name: 'HTTP_PORT', port: 80 }] }), 'PORT_INVALID');
    expectCode(() => build({ ports: [{ name: 'http', port: 70000 }] }), 'PORT_INVALID');
    expectCode(
      () =>
        build({
          ports: [
            { name: 'http', port: 80 },
            { name: 'http', port: 81 },
          ],
        }),
      'PORT_INVALID',
    );
  });

  test('PORT_INVALID: Service ports the API server refuses (same port and protocol twice, bad or repeated names)', () => {
    const field = (props: any) => expectCode(() => build(props), 'PORT_INVALID').field;
    // Two container ports on one number: the derived Service would publish 8080/TCP twice.
    expect(
      field({
        ports: [
          { name: 'http', port: 8080 },
          { name: 'alt', port: 8080 },
        ],
      }),
    ).toBe('ports[1].port');
    const two = [
      { name: 'http', port: 8080 },
      { name: 'admin', port: 9090 },
    ];
    expect(
      field({
        ports: two,
        servicePorts: [
          { name: 'http', port: 80 },
          { name: 'admin', port: 80 },
        ],
      }),
    ).toBe('servicePorts[1].port');
    expect(
      field({
        ports: two,
        servicePorts: [
          { name: 'web', port: 80, targetPort: 'http' },
          { name: 'web', port: 81, targetPort: 'admin' },
        ],
      }),
    ).toBe('servicePorts[1].name');
    expect(field({ servicePorts: [{ name: 'Web_Port', port: 80, targetPort: 'http' }] })).toBe('servicePorts[0].name');
    expect(field({ servicePorts: [{ name: 'web', port: 0, targetPort: 'http' }] })).toBe('servicePorts[0].port');
    // The neighbours: one number under two protocols, and distinct Service ports onto one container port.
    expect(() =>
      build({
        ports: [
          { name: 'dns', port: 5353 },
          { name: 'dns-udp', port: 5353, protocol: Protocol.UDP },
        ],
      }),
    ).not.toThrow();
    expect(() =>
      build({
        servicePorts: [
          { name: 'web', port: 80, targetPort: 'http' },
          { name: 'web-alt', port: 8080, targetPort: 'http' },
        ],
      }),
    ).not.toThrow();
  });

  test('REPLICAS_INVALID', () => {
    expectCode(() => build({ replicas: 0 }), 'REPLICAS_INVALID');
    expectCode(() => build({ replicas: 2, autoscaling: { maxReplicas: 4 } }), 'REPLICAS_INVALID');
  });

  test('STRATEGY_INVALID', () => {
    expectCode(() => build({ release: Release.rolling({ maxSurge: 0, maxUnavailable: 0 }) }), 'STRATEGY_INVALID');
    expectCode(() => build({ release: Release.canary({ image: 'a:1', replicas: 0 }) }), 'STRATEGY_INVALID');
  });

  test('rolling counts mirror ValidateRollingUpdateDeployment: any IsValidPercent surge, maxUnavailable ≤ 100%', () => {
    for (const [maxSurge, maxUnavailable] of [
      ['200%', 0],
      ['05%', '05%'],
      [0, '100%'],
      ['00%', 1],
    ] as const)
      expect(() => build({ release: Release.rolling({ maxSurge, maxUnavailable }) })).not.toThrow();
    const refused = (maxSurge: any, maxUnavailable: any) =>
      catchBlueprintError(() => build({ release: Release.rolling({ maxSurge, maxUnavailable }) })).issues.map((i) => [i.code, i.field]);
    expect(refused('101%', '101%')).toEqual([['STRATEGY_INVALID', 'release.maxUnavailable']]);
    expect(refused('5 %', 1)).toEqual([['STRATEGY_INVALID', 'release.maxSurge']]);
    expect(refused('00%', '0%')).toEqual([['STRATEGY_INVALID', 'release.maxSurge']]); // both zero: no progress
  });

  test('PROBE_INVALID', () => {
    expectCode(() => build({ liveness: Probe.http('/livez', 'http', { successThreshold: 2 }) }), 'PROBE_INVALID');
    expectCode(() => build({ readiness: Probe.http('/readyz', 'http', { periodSeconds: 0 }) }), 'PROBE_INVALID');
    expectCode(() => build({ readiness: Probe.http('/readyz', 'http', { periodSeconds: 2, timeoutSeconds: 5 }) }), 'PROBE_INVALID');
  });

  test('QOS_MISMATCH and RESOURCES_REQUEST_ABOVE_LIMIT', () => {
    expectCode(
      () => build({ qos: Qos.GUARANTEED, resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '200m', memory: '1Gi' } } }),
      'QOS_MISMATCH',
    );
    expectCode(() => build({ qos: Qos.GUARANTEED }), 'QOS_MISMATCH');
    expectCode(() => build({ qos: Qos.BEST_EFFORT, resources: ResourcePreset.SMALL }), 'QOS_MISMATCH');
    expectCode(() => build({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }), 'RESOURCES_REQUEST_ABOVE_LIMIT');
  });

  test('PLACEMENT_INVALID', () => {
    expectCode(() => build({ placement: { preferredNodeAffinity: [{ weight: 0, requirements: [] }] } }), 'PLACEMENT_INVALID');
    expectCode(() => build({ placement: { tolerations: [Toleration.equal('a', 'b', TaintEffect.NO_SCHEDULE, 30)] } }), 'PLACEMENT_INVALID');
    expectCode(() => build({ placement: { spread: { maxSkew: 0 } } }), 'PLACEMENT_INVALID');
  });

  test('SECURITY_INVALID and GRACE_INVALID', () => {
    expectCode(() => build({ runAsUser: 0 }), 'SECURITY_INVALID');
    expectCode(() => build({ terminationGracePeriod: Duration.millis(1500) }), 'GRACE_INVALID');
  });

  test('the Service name must be a DNS-1035 label', () => {
    const issue = expectCode(() => build({ name: '1web' }), 'NAME_INVALID');
    expect(issue.message).toContain('Service');
  });

  describe('cross-resource checks at synth time', () => {
    test('QUOTA_EXCEEDED: requests × (HPA max + surge) must fit the quota', () => {
      const { render } = build(
        {
          resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          autoscaling: { maxReplicas: 8 },
        },
        QuotaPreset.SMALL,
      );
      const err = catchBlueprintError(render);
      expect(err.codes).toContain('QUOTA_EXCEEDED');
      // 8 + 25% surge (2) = 10 pods × 500m = 5 CPU > 2
      expect(err.issues.find((i) => i.field === 'quota.requestsCpu')?.value).toBe('5');
      expect(err.issues[0].path).toBe('c/shop');
    });

    test('QUOTA_PODS_EXCEEDED counts surge pods', () => {
      // 16 + ceil(25% of 16) = 20 pods fits the small preset's 20 exactly; 17 + 5 = 22 does not.
      expect(() =>
        build({ replicas: 16, resources: ResourcePreset.MICRO }, { ...QuotaPreset.SMALL.limits, limitsCpu: '8' }).render(),
      ).not.toThrow();
      const issue = catchBlueprintError(
        build({ replicas: 17, resources: ResourcePreset.MICRO }, { ...QuotaPreset.SMALL.limits, limitsCpu: '8' }).render,
      ).issues.find((i) => i.code === 'QUOTA_PODS_EXCEEDED');
      expect(issue?.value).toBe(22);
    });

    test('containers without resources are counted with the LimitRange defaults', () => {
      const app = new App();
      const chart = new BlueprintChart(app, 'c', { owner: 'o' });
      const team = new TeamNamespace(chart, 'shop', {
        quota: { requestsCpu: '1', limitsCpu: '2', requestsMemory: '4Gi', limitsMemory: '8Gi', pods: 50 },
      });
      new WebService(chart, 'web', { namespace: team, ...WEB, replicas: 8 });
      // 8 + 2 surge = 10 pods × 100m default request = 1 CPU: fits exactly; limits 10 × 500m = 5 > 2
      const err = catchBlueprintError(() => renderApp(app));
      expect(err.issues.map((i) => i.field)).toEqual(['quota.limitsCpu']);
      expect(team.peakUsage().requests.cpu.toString()).toBe('1');
    });

    test('LIMITRANGE_VIOLATION', () => {
      const { render } = build({ resources: { requests: { cpu: '5m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } } });
      expect(catchBlueprintError(render).codes).toContain('LIMITRANGE_VIOLATION');
    });

    test('QUOTA_RESOURCES_MISSING when the LimitRange gives no default', () => {
      const app = new App();
      const chart = new BlueprintChart(app, 'c', { owner: 'o' });
      const team = new TeamNamespace(chart, 'shop', { containerLimits: { min: { cpu: '10m' } } });
      new WebService(chart, 'web', { namespace: team, ...WEB, resources: { requests: { cpu: '100m' } } });
      expect(catchBlueprintError(() => renderApp(app)).codes).toContain('QUOTA_RESOURCES_MISSING');
    });

    test('PDB_BLOCKS_EVICTION', () => {
      expect(catchBlueprintError(build({ replicas: 2, disruptionBudget: { minAvailable: 2 } }).render).codes).toEqual([
        'PDB_BLOCKS_EVICTION',
      ]);
      expect(
        catchBlueprintError(build({ autoscaling: { minReplicas: 3, maxReplicas: 6 }, disruptionBudget: { minAvailable: '100%' } }).render)
          .codes,
      ).toEqual(['PDB_BLOCKS_EVICTION']);
      expect(catchBlueprintError(build({ disruptionBudget: { maxUnavailable: 0 } }).render).codes).toEqual(['PDB_BLOCKS_EVICTION']);
      expect(() => build({ replicas: 3, disruptionBudget: { minAvailable: 2 } }).render()).not.toThrow();
    });

    test('HPA_REQUEST_MISSING', () => {
      const { app, chart } = testChart();
      new WebService(chart, 'web', {
        namespace: 'plain',
        ...WEB,
        resources: { limits: { memory: '256Mi' } },
        qos: Qos.BURSTABLE,
        autoscaling: { maxReplicas: 4, cpuUtilization: 50 },
      });
      expect(catchBlueprintError(() => renderApp(app)).codes).toEqual(['HPA_REQUEST_MISSING']);
    });

    test('PORT_UNRESOLVED: probe ports and Service targetPorts', () => {
      expect(catchBlueprintError(build({ liveness: Probe.http('/livez', 'admin') }).render).codes).toEqual(['PORT_UNRESOLVED']);
      expect(catchBlueprintError(build({ readiness: Probe.tcp(9999) }).render).codes).toEqual(['PORT_UNRESOLVED']);
      expect(catchBlueprintError(build({ preStop: Hook.http('/drain', 'admin') }).render).issues[0]).toMatchObject({
        code: 'PORT_UNRESOLVED',
        field: '/lifecycle/preStop',
      });
      expect(() => build({ preStop: Hook.http('/drain', 'http') }).render()).not.toThrow();
      expect(catchBlueprintError(build({ servicePorts: [{ name: 'web', port: 80, targetPort: 'www' }] }).render).codes).toEqual([
        'PORT_UNRESOLVED',
      ]);
    });

    test('PROBE_SAME_CHECK', () => {
      const p = Probe.http('/health', 'http');
      expect(
        catchBlueprintError(build({ readiness: p, liveness: Probe.http('/health', 'http', { periodSeconds: 20 }) }).render).codes,
      ).toEqual(['PROBE_SAME_CHECK']);
    });

    test('PRESTOP_EXCEEDS_GRACE', () => {
      expect(catchBlueprintError(build({ preStop: Hook.sleep(Duration.seconds(30)) }).render).codes).toEqual(['PRESTOP_EXCEEDS_GRACE']);
      expect(catchBlueprintError(build({ drainTime: Duration.seconds(25) }).render).codes).toEqual(['PRESTOP_EXCEEDS_GRACE']);
    });

    test('NODE_TOO_SMALL when the environment declares its node size', () => {
      const { render } = build(
        { resources: { requests: { cpu: '3', memory: '1Gi' }, limits: { cpu: '3', memory: '1Gi' } }, replicas: 1 },
        QuotaPreset.LARGE,
        { nodeAllocatable: { cpu: '1900m', memory: '7Gi' } },
      );
      const err = catchBlueprintError(render);
      expect(err.codes).toContain('NODE_TOO_SMALL');
    });

    test('all failures of a synth are reported together', () => {
      const { app, chart } = testChart();
      new WebService(chart, 'a', { namespace: 'plain', ...WEB, liveness: Probe.http('/x', 'nope') });
      new WebService(chart, 'b', { namespace: 'plain', ...WEB, preStop: Hook.sleep(Duration.seconds(40)) });
      expect(catchBlueprintError(() => renderApp(app)).codes).toEqual(['PRESTOP_EXCEEDS_GRACE', 'PORT_UNRESOLVED']);
    });
  });
});

describe('WebService properties', () => {
  const valid = fc.record({
    replicas: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    hpaMax: fc.option(fc.integer({ min: 2, max: 6 }), { nil: undefined }),
    cpuMillis: fc.integer({ min: 10, max: 400 }),
    memMi: fc.integer({ min: 16, max: 512 }),
    burst: fc.integer({ min: 1, max: 3 }),
    port: fc.integer({ min: 1024, max: 65535 }),
    qos: fc.constantFrom(Qos.BURSTABLE, Qos.GUARANTEED),
    pdb: fc.constantFrom<any>(undefined, false, { maxUnavailable: 1 }, { maxUnavailable: '50%' }),
    release: fc.constantFrom('rolling', 'recreate', 'canary'),
  });

  test('random valid props in a large namespace give schema-valid output that passes every check', () => {
    fc.assert(
      fc.property(valid, (p) => {
        const app = new App();
        const chart = new BlueprintChart(app, 'c', { owner: 'o' });
        const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.LARGE });
        const cpu = `${p.cpuMillis}m`;
        const mem = `${p.memMi}Mi`;
        new WebService(chart, 'web', {
          namespace: team,
          image: 'app:1.0.0',
          ports: [{ name: 'http', port: p.port }],
          qos: p.qos,
          resources:
            p.qos === Qos.GUARANTEED
              ? { limits: { cpu, memory: mem } }
              : { requests: { cpu, memory: mem }, limits: { cpu: `${p.cpuMillis * p.burst}m`, memory: mem } },
          ...(p.hpaMax ? { autoscaling: { minReplicas: 2, maxReplicas: p.hpaMax } } : { replicas: p.replicas }),
          disruptionBudget: p.pdb,
          release:
            p.release === 'recreate'
              ? Release.recreate()
              : p.release === 'canary'
                ? Release.canary({ image: 'app:1.1.0' })
                : Release.rolling(),
        });
        const objects = renderApp(app).flatMap((r) => r.objects);
        expect(validateManifests(objects)).toEqual([]);
        for (const d of ofKind(objects, 'Deployment')) {
          const svc = find(objects, 'Service', 'web');
          expect(d.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
        }
      }),
      { numRuns: 60 },
    );
  });

  const invalid = fc.oneof(
    fc.record({ image: fc.constantFrom('nginx', 'nginx:latest', 'a b:1') }),
    fc.record({ replicas: fc.oneof(fc.integer({ max: 0 }), fc.constant(1.5), fc.integer({ min: 1001, max: 5000 })) }),
    fc.record({ ports: fc.constant([{ name: 'http', port: 0 }]) }),
    // A literal: never a reference (`$A`, `/path`, `{{ x }}`) or a yes/no (`1`, `on`), which are valid values of DB_PASSWORD.
    fc.record({
      env: fc.record({
        DB_PASSWORD: fc.stringMatching(/^[a-z][^$/{}<%\s]{0,20}$/).filter((v) => !/^(?:on|no|yes|off|true|false|null|none)$/i.test(v)),
      }),
    }),
    fc.record({ resources: fc.record({ requests: fc.record({ cpu: fc.constantFrom('abc', '-1', '1.5.3') }) }) }),
    fc.record({ autoscaling: fc.record({ minReplicas: fc.integer({ min: 5, max: 10 }), maxReplicas: fc.integer({ min: 1, max: 4 }) }) }),
    fc.record({ disruptionBudget: fc.constant({ minAvailable: 1, maxUnavailable: 1 }) }),
    fc.record({ runAsUser: fc.integer({ min: -5, max: 0 }) }),
  );

  test('random invalid props always raise a BlueprintError', () => {
    fc.assert(
      fc.property(invalid, (p) => {
        const app = new App();
        const chart = new BlueprintChart(app, 'c', { owner: 'o' });
        expect(() => new WebService(chart, 'web', { namespace: 'shop', ...WEB, ...p } as any)).toThrow(BlueprintError);
      }),
      { numRuns: 100 },
    );
  });
});
