import { App } from 'cdk8s';
import {
  BlueprintChart,
  PodDisruptionBudget,
  QuotaPreset,
  StatefulService,
  TeamNamespace,
  WebService,
  renderApp,
  runRules,
} from '../../constructs';
import { POSTGRES, WEB, catchBlueprintError, render } from '../helpers';
import { UNPRINTABLE, afterMutation, find, onMalformed, pod } from './fixture';

describe('PDB_OVERLAP: no pod is under two disruption budgets (the eviction API answers 500 for it)', () => {
  function stateful(extra?: (chart: BlueprintChart) => void, props: { disruptionBudget?: false } = {}) {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 't', { holdsData: true, quota: QuotaPreset.MEDIUM });
    new StatefulService(chart, 's', {
      namespace: team,
      ...POSTGRES,
      replicas: 3,
      claims: [{ name: 'data', mountPath: '/data', size: '1Gi' }],
      ...props,
    });
    extra?.(chart);
    return app;
  }
  const extraBudget = (chart: BlueprintChart) =>
    new PodDisruptionBudget(chart, 'p', {
      namespace: 't',
      name: 'db-pdb',
      selector: { 'app.kubernetes.io/instance': 's' },
      maxUnavailable: 1,
    });

  test("a StatefulService's own budget and a second one over its pods: refused at synth, at the second budget", () => {
    const issues = catchBlueprintError(() => renderApp(stateful(extraBudget))).issues;
    expect(issues.map((i) => [i.path, i.field])).toEqual([['c/p/Resource', '/spec/selector']]);
    expect(issues[0].message).toContain('StatefulSet s');
    expect(issues[0].message).toContain('PodDisruptionBudget s');
    expect(issues[0].fix).toContain('disruptionBudget: false');
  });

  test('a WebService and a budget on app.kubernetes.io/name; the opt-out renders', () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 't');
    new WebService(chart, 'web', { namespace: team, ...WEB, replicas: 2 });
    new PodDisruptionBudget(chart, 'p', { namespace: 't', name: 'web-pdb', selector: { 'app.kubernetes.io/name': 'web' } });
    expect(catchBlueprintError(() => renderApp(app)).codes).toContain('PDB_OVERLAP');
    expect(() => render(stateful(extraBudget, { disruptionBudget: false }))).not.toThrow();
  });

  test('on YAML: matchExpressions count, another namespace and an empty selector (eviction matches nothing) do not', () => {
    const pod = (ns: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'a', namespace: ns },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', tier: 'x' } }, spec: {} } },
    });
    const pdb = (name: string, ns: string, selector: unknown) => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace: ns },
      spec: { maxUnavailable: 1, selector },
    });
    const overlap = (objects: unknown[]) => runRules(objects).filter((f) => f.rule === 'PDB_OVERLAP');
    const base = [pod('n'), pod('m'), pdb('one', 'n', { matchLabels: { app: 'a' } })];
    expect(
      overlap([...base, pdb('other-ns', 'm', { matchLabels: { app: 'a' } }), pdb('empty', 'n', {}), pdb('none', 'n', undefined)]),
    ).toEqual([]);
    expect(
      overlap([...base, pdb('expr', 'n', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] })]).map((f) => f.object),
    ).toEqual(['PodDisruptionBudget/n/expr']);
    expect(overlap([...base, pdb('nomatch', 'n', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] })])).toEqual([]);
  });
});

describe('reliability rules on malformed input: they skip what they cannot read, never RULE_FAILED', () => {
  /** The db's budget as minAvailable `count`. */
  const dbBudget = (o: any[], count: unknown) => {
    const spec = find(o, 'PodDisruptionBudget', 'db').spec;
    delete spec.maxUnavailable;
    spec.minAvailable = count;
  };
  test.each<[string, string, (o: any[]) => void, string[]]>([
    ['a map for an image', 'IMAGE_UNPINNED', (o) => (pod(o).containers[0].image = UNPRINTABLE()), []],
    ['a map for a containerPort', 'PORT_UNRESOLVED', (o) => (pod(o).containers[0].ports[0].containerPort = UNPRINTABLE()), []],
    ['a map for a container port protocol', 'PORT_UNRESOLVED', (o) => (pod(o).containers[0].ports[0].protocol = UNPRINTABLE()), []],
    ['a map for a Service port protocol', 'PORT_UNRESOLVED', (o) => (find(o, 'Service', 'web').spec.ports[0].protocol = UNPRINTABLE()), []],
    [
      'a map for maxUnavailable',
      'PDB_BLOCKS_EVICTION',
      (o) => (find(o, 'PodDisruptionBudget', 'web').spec.maxUnavailable = UNPRINTABLE()),
      [],
    ],
    ['a fractional minAvailable (no count the API server takes)', 'PDB_BLOCKS_EVICTION', (o) => dbBudget(o, 3.5), []],
    [
      'replicas of -2 (the default 1 is counted, which minAvailable 0 leaves evictable)',
      'PDB_BLOCKS_EVICTION',
      (o) => {
        dbBudget(o, 0);
        find(o, 'StatefulSet', 'db').spec.replicas = -2;
      },
      [],
    ],
    [
      'a map for a budget selector label: the Deployment has no budget the API server takes',
      'REL_PDB_MISSING',
      (o) => (find(o, 'PodDisruptionBudget', 'web').spec.selector.matchLabels['app.kubernetes.io/instance'] = UNPRINTABLE()),
      ['REL_PDB_MISSING '],
    ],
    [
      'a map for a VPA updateMode',
      'VPA_HPA_CONFLICT',
      afterMutation('VPA_HPA_CONFLICT', (o) => (find(o, 'VerticalPodAutoscaler', 'web').spec.updatePolicy.updateMode = UNPRINTABLE())),
      [],
    ],
    ['a map for a pod label', 'REL_PDB_MISSING', (o) => (find(o, 'Deployment', 'web').spec.template.metadata.labels.x = UNPRINTABLE()), []],
  ])('%s (%s)', (_what, code, mutate, expected) => {
    expect(onMalformed(mutate, code)).toEqual(expected);
  });
});
