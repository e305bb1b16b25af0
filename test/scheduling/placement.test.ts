import { NodeLabels } from '../../constructs';
import { renderPlacement } from '../../constructs/scheduling/placement';

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
