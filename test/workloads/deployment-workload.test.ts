import { Color, Release, WebService, diffManifests, formatDiff, setClusterFacts } from '../../constructs';
import { WEB, find, linterAnnotations, ofKind, renderChart, teamChart, teamWebService } from '../helpers';

/** Every pod controller in a TeamNamespace: its default deny and per-path policies stand for the one Polaris wants. */
const NETPOL = { 'polaris.fairwinds.com/missingNetworkPolicy-exempt': 'true' };

/*
 * A Deployment's spec.selector is immutable (apps/v1 ValidateDeploymentUpdate): a release change that
 * alters the selector of a Deployment that exists before and after fails `kubectl apply` and an Argo sync,
 * and the only way out is deleting the live Deployment. Every release transition keeps the selectors.
 */
describe('release transitions keep every live Deployment selector', () => {
  const render = (release?: Release, props: Record<string, unknown> = {}) =>
    renderChart(teamWebService('web', { replicas: 3, ...props, ...(release ? { release } : {}) }).chart);
  const canary = () => Release.canary({ image: 'ghcr.io/acme/web:1.5.0' });
  const blue = () => Release.blueGreen({ active: Color.BLUE, idleImage: 'ghcr.io/acme/web:1.5.0' });
  const green = () => Release.blueGreen({ active: Color.GREEN, idleImage: 'ghcr.io/acme/web:1.3.0' });

  /** Asserts that every Deployment rendered by both keeps its selector, and that the diff report finds nothing breaking. */
  function expectSafe(before: any[], after: any[]): void {
    for (const d of ofKind(before, 'Deployment')) {
      const next = ofKind(after, 'Deployment').find((x) => x.metadata.name === d.metadata.name);
      if (next) expect([d.metadata.name, next.spec.selector]).toEqual([d.metadata.name, d.spec.selector]);
    }
    const report = diffManifests(before, after);
    expect(formatDiff(report)).not.toContain('BREAKING');
    expect(report.breaking).toBe(0);
  }

  test.each([
    ['fixed replicas', {}],
    ['autoscaled', { replicas: undefined, autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 } }],
  ])('starting and ending a canary (%s) leaves the stable Deployment, its HPA and its PDB as they were', (_, props) => {
    const [plain, withCanary, after] = [render(undefined, props), render(canary(), props), render(undefined, props)];
    expectSafe(plain, withCanary);
    expectSafe(withCanary, after);
    // The stable Deployment is the very object the workload renders without a release: no pod is rolled.
    for (const [kind, name] of [
      ['Deployment', 'web'],
      ['PodDisruptionBudget', 'web'],
      ...(ofKind(plain, 'HorizontalPodAutoscaler').length ? [['HorizontalPodAutoscaler', 'web']] : []),
      ['Service', 'web'],
    ])
      expect(find(withCanary, kind, name)).toEqual(find(plain, kind, name));
    const stable = find(withCanary, 'Deployment', 'web');
    const c = find(withCanary, 'Deployment', 'web-canary');
    expect(stable.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' });
    expect(c.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'web',
      'cluster-blueprints.io/release-track': 'canary',
    });
    // The stable pods carry no track label, so the canary's selector never matches them.
    expect(stable.spec.template.metadata.labels['cluster-blueprints.io/release-track']).toBeUndefined();
    expect(c.spec.template.metadata.labels['cluster-blueprints.io/release-track']).toBe('canary');
    // One Service and one PDB over both tracks: both serve, so the budget counts every serving pod.
    expect(find(withCanary, 'Service', 'web').spec.selector).toEqual(stable.spec.selector.matchLabels);
    expect(find(withCanary, 'PodDisruptionBudget', 'web').spec.selector.matchLabels).toEqual(stable.spec.selector.matchLabels);
    expect(after).toEqual(plain);
  });

  test('a canary whose image or replicas change keeps both selectors', () => {
    expectSafe(render(canary()), render(Release.canary({ image: 'ghcr.io/acme/web:1.6.0', replicas: 2 })));
  });

  test('adding blue/green, flipping the active colour and removing blue/green change no live Deployment selector', () => {
    const steps = [render(), render(blue()), render(green()), render(blue()), render(canary()), render(green()), render()];
    for (let i = 1; i < steps.length; i++) expectSafe(steps[i - 1], steps[i]);
    expect(find(steps[1], 'Deployment', 'web-blue').spec.selector).toEqual(find(steps[2], 'Deployment', 'web-blue').spec.selector);
  });

  test.each([
    ['fixed replicas, one warm idle pod', { replicas: 3 }, 1],
    [
      'autoscaled, the idle colour at minReplicas',
      { replicas: undefined, autoscaling: { minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 } },
      undefined,
    ],
  ])(
    'a blue/green switch (%s) changes replicas, not templates: the warm idle pods take over without a rollout',
    (_, props, idleReplicas) => {
      const [v1, v2] = ['ghcr.io/acme/web:1.4.2', 'ghcr.io/acme/web:1.5.0'];
      // Before: blue serves v1, green is warm with v2. After the switch: green serves v2, blue keeps v1 to go back to.
      const before = render(Release.blueGreen({ active: Color.BLUE, idleImage: v2, idleReplicas }), { ...props, image: v1 });
      const after = render(Release.blueGreen({ active: Color.GREEN, idleImage: v1, idleReplicas }), { ...props, image: v2 });
      expectSafe(before, after);
      for (const name of ['web-blue', 'web-green'])
        expect(find(after, 'Deployment', name).spec.template).toEqual(find(before, 'Deployment', name).spec.template);
      expect(find(after, 'Service', 'web').spec.selector['cluster-blueprints.io/release-color']).toBe('green');
    },
  );

  test('the check can fail: a changed Deployment selector is BREAKING', () => {
    const before = render(canary());
    const after = structuredClone(before);
    find(after, 'Deployment', 'web').spec.selector.matchLabels['cluster-blueprints.io/release-track'] = 'changed';
    expect(() => expectSafe(before, after)).toThrow();
  });
});

describe('DeploymentWorkload and Polaris deploymentMissingReplicas', () => {
  const EXEMPT = 'polaris.fairwinds.com/deploymentMissingReplicas-exempt';
  const deploymentOf = (props: Parameters<typeof teamWebService>[1]) =>
    find(renderChart(teamWebService('web', props).chart), 'Deployment', 'web');

  test('an HPA with minReplicas ≥ 2 owns the count: spec.replicas is left out, and Polaris is told not to read that as one replica', () => {
    const d = deploymentOf({ autoscaling: { maxReplicas: 5 } });
    expect(d.spec.replicas).toBeUndefined();
    expect(linterAnnotations(d)).toEqual({ [EXEMPT]: 'true', ...NETPOL });
  });

  test('not exempt: a fixed count (Polaris judges it itself), nor an HPA that may keep a single replica (minReplicas 1)', () => {
    const fixed = deploymentOf({ replicas: 3 });
    expect(fixed.spec.replicas).toBe(3);
    expect(linterAnnotations(fixed)).toEqual(NETPOL);
    const single = deploymentOf({ autoscaling: { minReplicas: 1, maxReplicas: 5 } });
    expect(single.spec.replicas).toBeUndefined();
    expect(linterAnnotations(single)).toEqual(NETPOL);
  });

  test('a one-pod canary and an idle colour are exempt from the replica and spread checks; the track that serves is not', () => {
    const SPREAD = 'polaris.fairwinds.com/topologySpreadConstraint-exempt';
    const canary = renderChart(teamWebService('web', { replicas: 3, release: Release.canary({ image: 'ghcr.io/acme/web:1.5.0' }) }).chart);
    expect(linterAnnotations(find(canary, 'Deployment', 'web-canary'))).toEqual({ [EXEMPT]: 'true', [SPREAD]: 'true', ...NETPOL });
    expect(linterAnnotations(find(canary, 'Deployment', 'web'))).toEqual(NETPOL);
    const release = Release.blueGreen({ active: Color.BLUE, idleImage: 'ghcr.io/acme/web:1.5.0', idleReplicas: 1 });
    const blueGreen = renderChart(teamWebService('web', { replicas: 3, release }).chart);
    expect(linterAnnotations(find(blueGreen, 'Deployment', 'web-green'))).toEqual({ [EXEMPT]: 'true', [SPREAD]: 'true', ...NETPOL });
    expect(linterAnnotations(find(blueGreen, 'Deployment', 'web-blue'))).toEqual(NETPOL);
    // A canary of two pods is judged like any Deployment.
    const two = renderChart(
      teamWebService('web', { replicas: 3, release: Release.canary({ image: 'ghcr.io/acme/web:1.5.0', replicas: 2 }) }).chart,
    );
    expect(linterAnnotations(find(two, 'Deployment', 'web-canary'))).toEqual(NETPOL);
  });
});

describe('DeploymentWorkload and Polaris one-pod checks outside production', () => {
  const REPLICAS = 'polaris.fairwinds.com/deploymentMissingReplicas-exempt';
  const SPREAD = 'polaris.fairwinds.com/topologySpreadConstraint-exempt';
  const HPA = 'polaris.fairwinds.com/hpaMinAvailability-exempt';
  const build = (production: boolean | undefined, props: Parameters<typeof teamWebService>[1]) => {
    const { app, chart, team } = teamChart();
    if (production !== undefined) setClusterFacts(app, { production });
    new WebService(chart, 'web', { namespace: team, ...WEB, ...props });
    const objects = renderChart(chart);
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler');
    return { deployment: linterAnnotations(find(objects, 'Deployment', 'web')), hpa: hpa && linterAnnotations(hpa) };
  };

  test('one declared replica in an environment declared not production: exempt from the replica and spread checks', () => {
    expect(build(false, { replicas: 1 }).deployment).toMatchObject({ [REPLICAS]: 'true', [SPREAD]: 'true' });
  });

  test('an autoscaler of minReplicas 1 there: the Deployment and the HPA are exempt; its pods spread (up to maxReplicas), so no spread exemption', () => {
    const { deployment, hpa } = build(false, { autoscaling: { minReplicas: 1, maxReplicas: 5 } });
    expect(deployment[REPLICAS]).toBe('true');
    expect(deployment[SPREAD]).toBeUndefined();
    expect(hpa).toMatchObject({ [HPA]: 'true' });
  });

  test('not exempt: two replicas, production, or an environment that does not say (Polaris judges)', () => {
    expect(build(false, { replicas: 2 }).deployment).toEqual(NETPOL);
    expect(build(undefined, { replicas: 1 }).deployment).toEqual(NETPOL);
    expect(build(undefined, { autoscaling: { minReplicas: 1, maxReplicas: 5 } }).hpa).toEqual({});
  });

  test('one replica with a singletonReason is exempt in any environment, production included (HA_SINGLE_REPLICA accepts the reason)', () => {
    const reason = 'one writer by design, for this test';
    for (const production of [true, undefined])
      expect(build(production, { replicas: 1, singletonReason: reason }).deployment).toEqual({
        ...NETPOL,
        [REPLICAS]: 'true',
        [SPREAD]: 'true',
      });
    const { deployment, hpa } = build(true, { autoscaling: { minReplicas: 1, maxReplicas: 5 }, singletonReason: reason });
    expect(deployment).toEqual({ ...NETPOL, [REPLICAS]: 'true' });
    expect(hpa).toEqual({ [HPA]: 'true' });
    // Two replicas need no reason, and a reason of one word is none (HA_SINGLE_REPLICA refuses it in production).
    expect(build(true, { replicas: 2, singletonReason: reason }).deployment).toEqual(NETPOL);
    expect(build(undefined, { replicas: 1, singletonReason: 'because' }).deployment).toEqual(NETPOL);
  });
});
