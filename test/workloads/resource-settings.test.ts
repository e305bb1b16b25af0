import {
  LimitRange,
  Qos,
  QuotaPreset,
  ResourcePreset,
  ResourceQuota,
  TeamNamespace,
  WebService,
  Worker,
  capacityReport,
  runRules,
} from '../../constructs';
import { catchBlueprintError, expectCode, find, render, testChart, teamChart } from '../helpers';

const image = 'ghcr.io/acme/app:1.0.0';
const ports = [{ name: 'http', port: 8080 }];

/** A quota without limits.cpu and a LimitRange that gives no CPU limit: where a container may go without one. */
const NO_CPU_LIMITS = {
  quota: { requestsCpu: '4', requestsMemory: '8Gi', limitsMemory: '16Gi', pods: 20 },
  containerLimits: { defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { memory: '512Mi' }, max: { memory: '8Gi' } },
};

describe('ephemeral-storage', () => {
  test('requests and limits render as ephemeral-storage; a request above the limit is refused', () => {
    const { app, chart, team } = teamChart({ quota: QuotaPreset.LARGE });
    new Worker(chart, 'w', {
      namespace: team,
      image,
      resources: {
        requests: { cpu: '100m', memory: '128Mi', ephemeralStorage: '1Gi' },
        limits: { memory: '256Mi', ephemeralStorage: '2Gi' },
      },
    });
    const c = find(render(app), 'Deployment', 'w').spec.template.spec.containers[0];
    expect(c.resources.requests['ephemeral-storage']).toBe('1Gi');
    expect(c.resources.limits['ephemeral-storage']).toBe('2Gi');
    const issue = expectCode(
      () =>
        new Worker(chart, 'x', {
          namespace: team,
          image,
          resources: { requests: { ephemeralStorage: '4Gi' }, limits: { ephemeralStorage: '2Gi' } },
        }),
      'RESOURCES_REQUEST_ABOVE_LIMIT',
    );
    expect(issue.field).toBe('container.resources.requests.ephemeralStorage');
    expect(
      expectCode(
        () => new Worker(chart, 'y', { namespace: team, image, resources: { limits: { ephemeralStorage: 'lots' } } }),
        'QUANTITY_INVALID',
      ).field,
    ).toBe('container.resources.limits.ephemeralStorage');
  });

  test('a Guaranteed container keeps its ephemeral storage (it plays no part in the QoS class)', () => {
    const { app, chart, team } = teamChart({ quota: QuotaPreset.LARGE });
    new Worker(chart, 'w', {
      namespace: team,
      image,
      qos: Qos.GUARANTEED,
      resources: { limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '1Gi' } },
    });
    const c = find(render(app), 'Deployment', 'w').spec.template.spec.containers[0];
    // The ephemeral-storage limit is also the request (Kubernetes copies a set limit), rendered so the pod spec shows it.
    expect(c.resources).toEqual({
      requests: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
      limits: { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' },
    });
  });

  test('ResourceQuota: requestsEphemeralStorage / limitsEphemeralStorage render; requests above limits are refused', () => {
    const { app, chart } = testChart();
    new ResourceQuota(chart, 'q', {
      namespace: 'team',
      limits: { pods: 5, requestsEphemeralStorage: '10Gi', limitsEphemeralStorage: '20Gi' },
    });
    expect(find(render(app), 'ResourceQuota', 'quota').spec.hard).toEqual({
      pods: 5,
      'requests.ephemeral-storage': '10Gi',
      'limits.ephemeral-storage': '20Gi',
    });
    expect(
      expectCode(
        () =>
          new ResourceQuota(chart, 'r', { namespace: 'team', limits: { requestsEphemeralStorage: '2Gi', limitsEphemeralStorage: '1Gi' } }),
        'QUOTA_REQUESTS_ABOVE_LIMITS',
      ).field,
    ).toBe('limits.requestsEphemeralStorage');
  });

  test('under an ephemeral-storage quota, the derived LimitRange gives every container a default, and the sum counts (QUOTA_EXCEEDED)', () => {
    const { app, chart, team } = teamChart({ quota: { pods: 20, requestsEphemeralStorage: '2Gi', limitsEphemeralStorage: '8Gi' } });
    const lr = find(render(app), 'LimitRange', 'limits').spec.limits[0];
    expect(lr.default['ephemeral-storage']).toBe('1Gi');
    expect(lr.defaultRequest['ephemeral-storage']).toBe('256Mi');
    // 3 replicas + 1 surge × 256Mi (the default) fit 2Gi; a fourth workload of 3 × 512Mi does not
    new Worker(chart, 'a', { namespace: team, image, replicas: 3 });
    expect(() => render(app)).not.toThrow();
    new Worker(chart, 'b', { namespace: team, image, replicas: 2, resources: { requests: { ephemeralStorage: '512Mi' } } });
    expect(expectCode(() => render(app), 'QUOTA_EXCEEDED').field).toBe('quota.requestsEphemeralStorage');
  });

  test('without an ephemeral-storage quota the LimitRange still defaults it (pods applied by hand get a bound too)', () => {
    const { app } = teamChart({ quota: QuotaPreset.SMALL });
    const lr = find(render(app), 'LimitRange', 'limits').spec.limits[0];
    expect(lr.default['ephemeral-storage']).toBe('1Gi');
    expect(lr.defaultRequest['ephemeral-storage']).toBe('256Mi');
  });

  test('every container renders a request and a limit: the preset’s, else the LimitRange’s defaults, else 128Mi / 1Gi', () => {
    const { app, chart, team } = teamChart();
    new Worker(chart, 'preset', {
      namespace: 'plain',
      image,
      resources: ResourcePreset.MICRO,
      initContainers: [{ image, resources: { limits: { cpu: '100m', memory: '64Mi' } } }],
      sidecars: [{ name: 'log', image, resources: ResourcePreset.LARGE }],
    });
    new Worker(chart, 'team', { namespace: team, image, sidecars: [{ name: 'side', image, resources: ResourcePreset.SMALL }] });
    new Worker(chart, 'none', { namespace: 'plain', image, qos: Qos.BEST_EFFORT });
    const objects = render(app);
    const eph = (name: string, c: 'containers' | 'initContainers' = 'containers', i = 0) => {
      const r = find(objects, 'Deployment', name).spec.template.spec[c][i].resources;
      return [r.requests?.['ephemeral-storage'], r.limits?.['ephemeral-storage']];
    };
    expect(eph('preset')).toEqual(['64Mi', '256Mi']);
    expect(eph('preset', 'containers', 1)).toEqual(['512Mi', '4Gi']);
    expect(eph('preset', 'initContainers')).toEqual(['128Mi', '1Gi']);
    // In a TeamNamespace the LimitRange's defaults are written in, CPU and memory included.
    expect(find(objects, 'Deployment', 'team').spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
      limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' },
    });
    expect(eph('team', 'containers', 1)).toEqual(['128Mi', '1Gi']);
    // BestEffort is about CPU and memory only: the disk is still bounded.
    expect(find(objects, 'Deployment', 'none').spec.template.spec.containers[0].resources).toEqual({
      requests: { 'ephemeral-storage': '128Mi' },
      limits: { 'ephemeral-storage': '1Gi' },
    });
    expect(runRules(objects).filter((f) => f.rule === 'REL_EPHEMERAL_STORAGE')).toEqual([]);
  });

  test('explicit values win: a limit alone is also the request; a request alone above the default limit is its own limit', () => {
    const { app, chart } = testChart();
    new Worker(chart, 'lim', { namespace: 'plain', image, resources: { limits: { memory: '64Mi', ephemeralStorage: '100Mi' } } });
    new Worker(chart, 'req', { namespace: 'plain', image, resources: { requests: { memory: '64Mi', ephemeralStorage: '3Gi' } } });
    const objects = render(app);
    const r = (name: string) => find(objects, 'Deployment', name).spec.template.spec.containers[0].resources;
    expect([r('lim').requests['ephemeral-storage'], r('lim').limits['ephemeral-storage']]).toEqual(['100Mi', '100Mi']);
    expect([r('req').requests['ephemeral-storage'], r('req').limits['ephemeral-storage']]).toEqual(['3Gi', '3Gi']);
  });

  test('writable paths are emptyDirs with a sizeLimit: together half the main container’s limit', () => {
    const { app, chart } = testChart();
    new Worker(chart, 'one', { namespace: 'plain', image });
    new Worker(chart, 'two', { namespace: 'plain', image, resources: ResourcePreset.LARGE, writablePaths: ['/tmp', '/var/cache'] });
    const objects = render(app);
    const sizes = (name: string) =>
      find(objects, 'Deployment', name).spec.template.spec.volumes.map((v: any) => `${v.name}=${v.emptyDir.sizeLimit}`);
    expect(sizes('one')).toEqual(['tmp=512Mi']);
    expect(sizes('two')).toEqual(['tmp=1Gi', 'scratch-1=1Gi']);
  });

  test('a tiny quota shrinks the defaults to fit; a LimitRange above the quota is QUOTA_LIMITRANGE_CONFLICT', () => {
    const { chart } = testChart();
    const ns = new TeamNamespace(chart, 'tiny', { quota: { pods: 2, requestsEphemeralStorage: '100Mi', limitsEphemeralStorage: '500Mi' } });
    expect(ns.limitDefaults.requests.ephemeralStorage?.toString()).toBe('100Mi');
    expect(ns.limitDefaults.limits.ephemeralStorage?.toString()).toBe('500Mi');
    expect(
      expectCode(
        () =>
          new TeamNamespace(chart, 'big', {
            quota: { pods: 2, limitsEphemeralStorage: '1Gi' },
            containerLimits: { default: { ephemeralStorage: '2Gi' } },
          }),
        'QUOTA_LIMITRANGE_CONFLICT',
      ).field,
    ).toBe('containerLimits.default.ephemeralStorage');
  });

  test('LimitRange: ephemeral-storage bounds are ordered and enforced on containers', () => {
    const { app, chart } = testChart();
    expectCode(
      () =>
        new LimitRange(chart, 'l', {
          namespace: 'team',
          container: { min: { ephemeralStorage: '2Gi' }, max: { ephemeralStorage: '1Gi' } },
        }),
      'LIMITRANGE_ORDER',
    );
    const team = new TeamNamespace(chart, 'shop', { containerLimits: { max: { cpu: '1', memory: '1Gi', ephemeralStorage: '1Gi' } } });
    new Worker(chart, 'w', { namespace: team, image, resources: { limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '4Gi' } } });
    expect(expectCode(() => render(app), 'LIMITRANGE_VIOLATION').field).toBe('container.limits.ephemeralStorage');
  });

  test('the capacity report sums ephemeral storage against the quota', () => {
    const { app, chart, team } = teamChart({ quota: { pods: 20, requestsEphemeralStorage: '10Gi' } });
    new Worker(chart, 'w', { namespace: team, image, replicas: 2, resources: { requests: { ephemeralStorage: '3Gi' } } });
    const objects = render(app);
    const hard = find(objects, 'ResourceQuota', 'quota').spec.hard;
    hard['requests.ephemeral-storage'] = '5Gi';
    expect(capacityReport(objects).warnings).toContainEqual(
      'shop: requested ephemeral storage at peak (9Gi) exceeds the quota requests.ephemeral-storage=5Gi',
    );
  });
});

describe('in a TeamNamespace, the pod spec shows what the LimitRanger would give', () => {
  const resources = (props: object) => {
    const { app, chart, team } = teamChart({ quota: QuotaPreset.LARGE });
    new Worker(chart, 'w', { namespace: team, image, replicas: 1, ...props });
    return find(render(app), 'Deployment', 'w').spec.template.spec.containers[0].resources;
  };

  test('unset sides are filled as the API server does: a set limit is copied into the request, then defaultRequest and default', () => {
    expect(resources({ resources: { requests: { cpu: '200m' } } })).toEqual({
      requests: { cpu: '200m', memory: '128Mi', 'ephemeral-storage': '256Mi' },
      limits: { cpu: '500m', memory: '512Mi', 'ephemeral-storage': '1Gi' },
    });
    expect(resources({ resources: { limits: { cpu: '300m', memory: '300Mi' } } })).toEqual({
      requests: { cpu: '300m', memory: '300Mi', 'ephemeral-storage': '256Mi' },
      limits: { cpu: '300m', memory: '300Mi', 'ephemeral-storage': '1Gi' },
    });
  });

  test('a request above the default limit is RESOURCES_REQUEST_ABOVE_LIMIT (the API server would refuse the pod)', () => {
    const issue = expectCode(
      () => resources({ resources: { requests: { cpu: '600m', memory: '128Mi' } } }),
      'RESOURCES_REQUEST_ABOVE_LIMIT',
    );
    expect(issue).toMatchObject({ field: 'container.resources.requests.cpu', value: '600m' });
    expect(issue.message).toContain('500m');
    expect(resources({ resources: { requests: { cpu: '600m' }, limits: { cpu: '600m' } } }).limits.cpu).toBe('600m');
  });

  test('BestEffort where the LimitRange gives CPU and memory defaults is QOS_MISMATCH: the pods would run Burstable', () => {
    expect(expectCode(() => resources({ qos: Qos.BEST_EFFORT }), 'QOS_MISMATCH').field).toBe('qos');
  });
});

describe('ResourcePreset.withoutCpuLimit', () => {
  test('requests cpu and memory, limits memory to the request, no CPU limit; the catalogue finds nothing missing', () => {
    const { app, chart, team } = teamChart(NO_CPU_LIMITS);
    new WebService(chart, 'api', {
      namespace: team,
      image,
      ports,
      resources: ResourcePreset.withoutCpuLimit({ cpu: '250m', memory: '512Mi' }),
    });
    const objects = render(app);
    const c = find(objects, 'Deployment', 'api').spec.template.spec.containers[0];
    // The namespace's own containerLimits name no ephemeral storage: the library default bounds it.
    expect(c.resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '128Mi' },
      limits: { memory: '512Mi', 'ephemeral-storage': '1Gi' },
    });
    expect(runRules(objects).filter((f) => f.rule === 'REL_RESOURCES' || f.severity === 'error')).toEqual([]);
  });

  test('outside a TeamNamespace nothing requires a CPU limit', () => {
    const { app, chart } = testChart();
    new Worker(chart, 'w', { namespace: 'plain', image, resources: ResourcePreset.withoutCpuLimit({ cpu: '1', memory: '1Gi' }) });
    new Worker(chart, 'x', {
      namespace: 'plain',
      image,
      resources: ResourcePreset.withoutCpuLimit({ cpu: '1', memory: '1Gi', ephemeralStorage: '2Gi' }),
    });
    const objects = render(app);
    const r = (name: string) => find(objects, 'Deployment', name).spec.template.spec.containers[0].resources;
    expect(r('w').limits).toEqual({ memory: '1Gi', 'ephemeral-storage': '1Gi' });
    // Given ephemeral storage is requested and limited alike, as memory is.
    expect(r('x')).toEqual({
      requests: { cpu: '1', memory: '1Gi', 'ephemeral-storage': '2Gi' },
      limits: { memory: '1Gi', 'ephemeral-storage': '2Gi' },
    });
  });

  test("'CPU_LIMIT_REQUIRED': the quota counts limits.cpu (no LimitRange default: the API server rejects the pod)", () => {
    const { app, chart } = testChart();
    const team = new TeamNamespace(chart, 'shop', {
      quota: { limitsCpu: '8', pods: 10 },
      containerLimits: { defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { memory: '512Mi' } },
    });
    new Worker(chart, 'w', { namespace: team, image, resources: ResourcePreset.withoutCpuLimit({ cpu: '250m', memory: '512Mi' }) });
    const issue = expectCode(() => render(app), 'CPU_LIMIT_REQUIRED');
    expect(issue.field).toBe('container.resources');
    expect(issue.message).toContain('reject the pod');
  });

  test("'CPU_LIMIT_REQUIRED': the namespace's LimitRange would write a CPU limit in (the default TeamNamespace)", () => {
    const { app, chart, team } = teamChart({ quota: QuotaPreset.MEDIUM });
    new Worker(chart, 'w', { namespace: team, image, resources: ResourcePreset.withoutCpuLimit({ cpu: '250m', memory: '512Mi' }) });
    expect(expectCode(() => render(app), 'CPU_LIMIT_REQUIRED').message).toContain('CPU limit of 500m');
  });

  test('bad quantities are QUANTITY_INVALID; Guaranteed needs a CPU limit (QOS_MISMATCH)', () => {
    const { chart, team } = teamChart(NO_CPU_LIMITS);
    expectCode(
      () => new Worker(chart, 'a', { namespace: team, image, resources: ResourcePreset.withoutCpuLimit({ cpu: 'x', memory: '1Gi' }) }),
      'QUANTITY_INVALID',
    );
    expectCode(
      () =>
        new Worker(chart, 'b', {
          namespace: team,
          image,
          qos: Qos.GUARANTEED,
          resources: ResourcePreset.withoutCpuLimit({ cpu: '1', memory: '1Gi' }),
        }),
      'QOS_MISMATCH',
    );
  });

  test('untyped requests are judged by the factory, which quotes them in the preset name: every bad one at its field, never a TypeError', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const preset = (requests: unknown) => () => ResourcePreset.withoutCpuLimit(requests as never);
    expect(expectCode(preset(revoked.proxy), 'PROPS_INVALID').field).toBe('requests');
    expect(expectCode(preset({ memory: '1Gi' }), 'PROPS_INVALID').field).toBe('requests.cpu');
    const err = catchBlueprintError(preset({ cpu: Symbol('cpu'), memory: Object.create(null), ephemeralStorage: '1Zi' }));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([
      ['QUANTITY_INVALID', 'requests.cpu'],
      ['QUANTITY_INVALID', 'requests.memory'],
      ['QUANTITY_INVALID', 'requests.ephemeralStorage'],
    ]);
    expect(ResourcePreset.withoutCpuLimit({ cpu: 0.25, memory: '512Mi' }).name).toBe('no-cpu-limit(0.25/512Mi)');
  });
});

describe('zero amounts (QUANTITY_INVALID): the API accepts 0, but a zero limit is no limit and a zero request schedules as nothing', () => {
  const build = (resources: object) => () => {
    const { app, chart } = testChart();
    new WebService(chart, 'web', { namespace: 'shop', image, ports, resources: resources as any });
    return render(app);
  };

  test('every zero limit, and a zero cpu or memory request, is refused with its field and value', () => {
    const err = catchBlueprintError(
      build({ requests: { cpu: 0, memory: '0', ephemeralStorage: '0' }, limits: { cpu: '0', memory: '0', ephemeralStorage: '0' } }),
    );
    const zero = err.issues.filter((i) => i.code === 'QUANTITY_INVALID').map((i) => [i.field, i.value]);
    expect(zero).toEqual(
      expect.arrayContaining([
        ['container.resources.requests.cpu', '0'],
        ['container.resources.requests.memory', '0'],
        ['container.resources.limits.cpu', '0'],
        ['container.resources.limits.memory', '0'],
        ['container.resources.limits.ephemeralStorage', '0'],
      ]),
    );
    // A zero ephemeral-storage request only says the container writes nothing local.
    expect(zero.map(([f]) => f)).not.toContain('container.resources.requests.ephemeralStorage');
    expect(err.issues.find((i) => i.field === 'container.resources.limits.memory')?.message).toContain('no limit');
  });

  test('a request over a zero limit is only QUANTITY_INVALID (no second, contradicting RESOURCES_REQUEST_ABOVE_LIMIT)', () => {
    const err = catchBlueprintError(build({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '0', memory: '128Mi' } }));
    expect(err.issues.map((i) => [i.code, i.field])).toEqual([['QUANTITY_INVALID', 'container.resources.limits.cpu']]);
    // The neighbour: a real limit below the request is still compared.
    const over = catchBlueprintError(build({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '50m', memory: '128Mi' } }));
    expect(over.issues.map((i) => [i.code, i.field])).toEqual([['RESOURCES_REQUEST_ABOVE_LIMIT', 'container.resources.requests.cpu']]);
  });

  test('the smallest real amounts, and a zero ephemeral-storage request, are accepted', () => {
    expect(() =>
      build({
        requests: { cpu: '1m', memory: '1Mi', ephemeralStorage: '0' },
        limits: { cpu: '1m', memory: '1Mi', ephemeralStorage: '1Mi' },
      })(),
    ).not.toThrow();
  });
});
