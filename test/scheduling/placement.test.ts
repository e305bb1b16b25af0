import { NodeLabels, NodeRequirement, PlacementProps, TaintEffect, Toleration, Worker } from '../../constructs';
import { renderPlacement } from '../../constructs/scheduling/placement';
import { expectCode, find, renderChart, teamChart } from '../helpers';
import { cluster, distributions, drains, fits, scheduled } from './spread-simulation';

const selector = { 'app.kubernetes.io/name': 'web' };
const hostTerm = (labels: Record<string, string>) => ({
  weight: 100,
  podAffinityTerm: { labelSelector: { matchLabels: labels }, topologyKey: NodeLabels.HOSTNAME },
});

describe('renderPlacement', () => {
  test('2+ replicas: spread over zones and hosts, and a preferred host anti-affinity on the same selector', () => {
    const p = renderPlacement({}, selector, 2);
    expect(p.topologySpreadConstraints?.map((c) => c.topologyKey)).toEqual([NodeLabels.ZONE, NodeLabels.HOSTNAME]);
    expect(p.affinity?.podAntiAffinity).toEqual({ preferredDuringSchedulingIgnoredDuringExecution: [hostTerm(selector)] });
  });

  test('strict spreads honour node taints (a cordoned node is no zero-pod domain); the default soft spreads do not', () => {
    const strict = renderPlacement({ spread: { strict: true } }, selector, 3).topologySpreadConstraints!;
    expect(strict.find((c) => c.whenUnsatisfiable === 'DoNotSchedule')?.nodeTaintsPolicy).toBe('Honor');
    const soft = renderPlacement({}, selector, 3).topologySpreadConstraints!;
    expect(soft.map((c) => [c.whenUnsatisfiable, c.nodeTaintsPolicy])).toEqual([
      ['ScheduleAnyway', undefined],
      ['ScheduleAnyway', undefined],
    ]);
  });

  test('strict is hard on the zone only, the host spread stays ScheduleAnyway: two hard constraints can leave an evicted replica no node', () => {
    const strict = renderPlacement({ spread: { strict: true } }, selector, 20);
    expect(strict.topologySpreadConstraints!.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.nodeTaintsPolicy])).toEqual([
      [NodeLabels.ZONE, 'DoNotSchedule', 'Honor'],
      [NodeLabels.HOSTNAME, 'ScheduleAnyway', undefined],
    ]);
    // The hosts are still kept apart, softly.
    expect(strict.affinity?.podAntiAffinity).toEqual({ preferredDuringSchedulingIgnoredDuringExecution: [hostTerm(selector)] });
  });

  test('strict with one spread domain keeps it hard (one hard constraint always leaves a domain at the minimum)', () => {
    const hostsOnly = renderPlacement({ spread: { strict: true, zones: false } }, selector, 3).topologySpreadConstraints!;
    expect(hostsOnly.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.nodeTaintsPolicy])).toEqual([
      [NodeLabels.HOSTNAME, 'DoNotSchedule', 'Honor'],
    ]);
    const zonesOnly = renderPlacement({ spread: { strict: true, hosts: false } }, selector, 3).topologySpreadConstraints!;
    expect(zonesOnly.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.nodeTaintsPolicy])).toEqual([
      [NodeLabels.ZONE, 'DoNotSchedule', 'Honor'],
    ]);
  });

  test('the field is in the schema the output is validated with (a rendered strict spread passes it)', () => {
    const { chart } = teamChart();
    new Worker(chart, 'w', { namespace: 'shop', image: 'ghcr.io/acme/w:1.0.0', replicas: 3, placement: { spread: { strict: true } } });
    const constraints = find(renderChart(chart), 'Deployment', 'w').spec.template.spec.topologySpreadConstraints;
    expect(constraints.map((c: any) => c.nodeTaintsPolicy)).toEqual(['Honor', undefined]);
  });

  test('one replica, spread off, or hosts off: no anti-affinity is added', () => {
    expect(renderPlacement({}, selector, 1).affinity).toBeUndefined();
    expect(renderPlacement({ spread: false }, selector, 3).affinity).toBeUndefined();
    expect(renderPlacement({ spread: { hosts: false } }, selector, 3).affinity).toBeUndefined();
  });

  test("the user's own podAntiAffinity replaces the default term", () => {
    const mine = { labels: { tier: 'db' }, topologyKey: NodeLabels.ZONE };
    const p = renderPlacement({ podAntiAffinity: [mine] }, selector, 3);
    expect(p.affinity?.podAntiAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { tier: 'db' } }, topologyKey: NodeLabels.ZONE }],
    });
  });
});

describe('strict spreads survive node drains and surges (a model of the PodTopologySpread filter)', () => {
  // prod: 6 nodes in 3 zones, payments/api up to 20 replicas, a budget of maxUnavailable 1.
  const prod = cluster(2, 2, 2);
  const strict = renderPlacement({ spread: { strict: true } }, selector, 20).topologySpreadConstraints!;

  test.each([2, 8, 9, 12, 16, 20, 25])(
    '%i replicas: every node drains with every replacement scheduled, whichever node the scheduler picks (zone and host both hard left one Pending from 9 on)',
    (replicas) => {
      const counts = scheduled(strict, prod, replicas);
      expect(prod.map((n, d) => [n.name, drains(strict, prod, counts, d)]).filter(([, ok]) => !ok)).toEqual([]);
    },
  );

  test('a new replica (a rollout surge, a scale-up) fits some node however its siblings sit, zones within maxSkew', () => {
    const stuck: string[] = [];
    for (let total = 0; total <= 12; total++)
      for (const counts of distributions(prod.length, total)) {
        const zones = [0, 2, 4].map((k) => counts[k] + counts[k + 1]);
        if (Math.max(...zones) - Math.min(...zones) > 1) continue;
        if (!prod.some((_, k) => fits(strict, prod, counts, new Set(), k))) stuck.push(counts.join(','));
      }
    expect(stuck).toEqual([]);
  });

  test('the model holds a replacement Pending where zone and host are both hard (the case it guards against)', () => {
    const both = strict.map((c) => ({ ...c, whenUnsatisfiable: 'DoNotSchedule' as const, nodeTaintsPolicy: 'Honor' as const }));
    const counts = scheduled(both, prod, 16);
    expect(prod.some((_, d) => drains(both, prod, counts, d))).toBe(false);
  });
});

/** A Worker placed by `placement` (its pod spec, rendered). */
function placed(placement: PlacementProps) {
  const { chart, team } = teamChart();
  new Worker(chart, 'w', { namespace: team, image: 'ghcr.io/acme/w:1.0.0', placement });
  return find(renderChart(chart), 'Deployment', 'w').spec.template.spec;
}
const placementError = (placement: PlacementProps) => expectCode(() => placed(placement), 'PLACEMENT_INVALID');

describe('placement validation (PLACEMENT_INVALID)', () => {
  test.each<[string, PlacementProps, string]>([
    [
      'a taint key that is not a label name (ValidateTolerations)',
      { tolerations: [Toleration.equal('bad key!', 'v')] },
      'placement.tolerations[0].key',
    ],
    ['an Equal value that is not a label value', { tolerations: [Toleration.equal('k', 'bad value!')] }, 'placement.tolerations[0].value'],
    ['an Exists key that is not a label name', { tolerations: [Toleration.exists('-k')] }, 'placement.tolerations[0].key'],
    [
      'tolerationSeconds that is not an integer',
      { tolerations: [Toleration.exists('k', TaintEffect.NO_EXECUTE, 1.5)] },
      'placement.tolerations[0].tolerationSeconds',
    ],
    ['a nodeSelector value that is not a label value (ValidatePodSpec)', { nodeSelector: { k: 'bad value!' } }, 'placement.nodeSelector.k'],
    ['a nodeSelector key that is not a label name', { nodeSelector: { 'bad key!': 'v' } }, 'placement.nodeSelector["bad key!"]'],
    [
      'a required pod affinity term with no labels (it would match every pod of the namespace)',
      { podAffinity: [{ labels: {}, topologyKey: NodeLabels.HOSTNAME }] },
      'placement.podAffinity[0].labels',
    ],
    [
      'a preferred pod anti-affinity term with no labels',
      {
        podAntiAffinity: [
          { labels: { app: 'db' }, topologyKey: NodeLabels.ZONE },
          { labels: {}, topologyKey: NodeLabels.HOSTNAME, weight: 50 },
        ],
      },
      'placement.podAntiAffinity[1].labels',
    ],
    ['In without values', { requiredNodeAffinity: [NodeRequirement.in('k', [])] }, 'placement.requiredNodeAffinity[0].values'],
    ['NotIn without values', { requiredNodeAffinity: [NodeRequirement.notIn('k', [])] }, 'placement.requiredNodeAffinity[0].values'],
    [
      'Gt with a fraction (the scheduler parses an integer)',
      { requiredNodeAffinity: [NodeRequirement.gt('k', 1.5)] },
      'placement.requiredNodeAffinity[0].values',
    ],
    ['Lt with NaN', { requiredNodeAffinity: [NodeRequirement.lt('k', NaN)] }, 'placement.requiredNodeAffinity[0].values'],
    [
      'an In value that is not a label value',
      { requiredNodeAffinity: [NodeRequirement.in('k', ['a', 'bad value!'])] },
      'placement.requiredNodeAffinity[0].values[1]',
    ],
    [
      'a requirement key that is not a label name',
      { requiredNodeAffinity: [NodeRequirement.exists('bad key!')] },
      'placement.requiredNodeAffinity[0].key',
    ],
    [
      'a preferred requirement without values',
      { preferredNodeAffinity: [{ weight: 10, requirements: [NodeRequirement.exists('k'), NodeRequirement.in('k', [])] }] },
      'placement.preferredNodeAffinity[0].requirements[1].values',
    ],
    [
      'In and DoesNotExist on one key',
      { requiredNodeAffinity: [NodeRequirement.in('k', ['a']), NodeRequirement.doesNotExist('k')] },
      'placement.requiredNodeAffinity[1]',
    ],
    [
      'Exists and DoesNotExist on one key',
      { requiredNodeAffinity: [NodeRequirement.doesNotExist('k'), NodeRequirement.exists('k')] },
      'placement.requiredNodeAffinity[1]',
    ],
    [
      'disjoint In lists on one key',
      { requiredNodeAffinity: [NodeRequirement.in('k', ['a', 'b']), NodeRequirement.in('k', ['c'])] },
      'placement.requiredNodeAffinity[1]',
    ],
    [
      'a nodeSelector value excluded by NotIn',
      { nodeSelector: { k: 'a' }, requiredNodeAffinity: [NodeRequirement.notIn('k', ['a'])] },
      'placement.requiredNodeAffinity[0]',
    ],
    [
      'a nodeSelector value outside the In list',
      { nodeSelector: { k: 'a' }, requiredNodeAffinity: [NodeRequirement.in('k', ['b'])] },
      'placement.requiredNodeAffinity[0]',
    ],
    [
      'a nodeSelector key required absent',
      { nodeSelector: { k: 'a' }, requiredNodeAffinity: [NodeRequirement.doesNotExist('k')] },
      'placement.requiredNodeAffinity[0]',
    ],
    [
      'an In list wholly excluded by NotIn',
      { requiredNodeAffinity: [NodeRequirement.in('k', ['a', 'b']), NodeRequirement.notIn('k', ['b', 'a'])] },
      'placement.requiredNodeAffinity[1]',
    ],
    [
      'a pod affinity topology key that is not a label name',
      { podAffinity: [{ labels: { app: 'db' }, topologyKey: 'bad key!' }] },
      'placement.podAffinity[0].topologyKey',
    ],
    [
      'a pod affinity label value that is not a label value',
      { podAntiAffinity: [{ labels: { app: 'bad value!' }, topologyKey: NodeLabels.HOSTNAME }] },
      'placement.podAntiAffinity[0].labels.app',
    ],
    [
      'a pod affinity namespace that is not a DNS-1123 label',
      { podAffinity: [{ labels: { app: 'db' }, topologyKey: NodeLabels.ZONE, namespaces: ['Data'] }] },
      'placement.podAffinity[0].namespaces[0]',
    ],
  ])('%s', (_what, placement, field) => {
    expect(placementError(placement).field).toBe(field);
  });

  test('the valid neighbours are rendered', () => {
    const pod = placed({
      nodeSelector: { 'node.kubernetes.io/pool': 'general_1.a' },
      tolerations: [
        Toleration.equal('example.com/dedicated', 'batch', TaintEffect.NO_EXECUTE, 30),
        Toleration.equal('k', ''),
        Toleration.exists('example.com/gpu'),
        Toleration.exists(),
        Toleration.exists('example.com/evict-now', TaintEffect.NO_EXECUTE, -1), // negative: evicted at once, as the API allows
      ],
      requiredNodeAffinity: [
        NodeRequirement.in('node.kubernetes.io/pool', ['general_1.a', 'other']),
        NodeRequirement.notIn('node.kubernetes.io/pool', ['other']),
        NodeRequirement.in('zone', ['a', 'b']),
        NodeRequirement.in('zone', ['b', 'c']),
        NodeRequirement.exists('zone'),
        NodeRequirement.doesNotExist('example.com/spot'),
        NodeRequirement.gt('example.com/cores', 4),
        NodeRequirement.lt('example.com/cores', -1),
      ],
      preferredNodeAffinity: [{ weight: 10, requirements: [NodeRequirement.in('k', ['a']), NodeRequirement.doesNotExist('k')] }],
      podAffinity: [{ labels: { 'app.kubernetes.io/name': 'db' }, topologyKey: NodeLabels.ZONE, namespaces: ['data'] }],
    });
    expect(pod.nodeSelector).toEqual({ 'node.kubernetes.io/pool': 'general_1.a' });
    expect(pod.tolerations).toHaveLength(5);
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toHaveLength(8);
  });
});
