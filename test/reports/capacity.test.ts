import { capacityReport } from '../../constructs';
import { rawWorkload } from '../helpers';
import { find, good } from '../rules/fixture';

describe('capacity report', () => {
  test('peak requests × replicas per namespace against the quota, and the node plan', () => {
    const c = capacityReport(good(), { nodeAllocatable: { cpu: '2', memory: '8Gi' }, nodes: 3 });
    const shop = c.namespaces.find((n) => n.namespace === 'shop')!;
    // web: HPA 2–4 (+1 surge at the top) × 100m default request; db: 3 × 250m (MEDIUM, Guaranteed = limits 1 CPU)
    expect(shop.pods).toEqual({ min: 5, max: 8, quota: 60 });
    expect(shop.requests.cpu.max).toBe('3500m');
    expect(c.nodes?.nodes).toBe(3);
    expect(c.warnings).toEqual([
      'only 2 pod(s) of the largest request (1 CPU / 1Gi) fit a node: use bigger nodes (at least 5 pods per node keeps fixed overhead low)',
    ]);
  });

  // Counts the API server refuses (the schema check reports them) were multiplied into quantities, which threw:
  // a crash of checkManifests, exit 2 of the CLI. They now count as absent (the default replicas, no surge).
  test.each<[string, (o: any[]) => void, number]>([
    ['maxSurge a map', (o) => (find(o, 'Deployment', 'web').spec.strategy = { rollingUpdate: { maxSurge: { toString: 1 } } }), 7],
    ['maxSurge 2^53 + 2', (o) => (find(o, 'Deployment', 'web').spec.strategy = { rollingUpdate: { maxSurge: 2 ** 53 + 2 } }), 7],
    ['HPA maxReplicas -1', (o) => (find(o, 'HorizontalPodAutoscaler', 'web').spec.maxReplicas = -1), 6],
    ['HPA minReplicas 1e308', (o) => (find(o, 'HorizontalPodAutoscaler', 'web').spec.minReplicas = 1e308), 8],
  ])('a malformed count (%s) is skipped, not multiplied into the peak', (_what, mutate, max) => {
    const objects = good();
    mutate(objects);
    const shop = capacityReport(objects).namespaces.find((n) => n.namespace === 'shop')!;
    expect(shop.pods.max).toBe(max);
  });

  test('warns when a namespace outgrows its quota or DaemonSets eat more than 10% of a node', () => {
    const objects = good();
    find(objects, 'HorizontalPodAutoscaler', 'web').spec.maxReplicas = 100;
    objects.push(
      rawWorkload({
        kind: 'DaemonSet',
        name: 'agent',
        labels: { a: 'b' },
        containers: [{ name: 'a', image: 'a:1', resources: { requests: { cpu: '500m', memory: '64Mi' } } }],
      }),
    );
    const c = capacityReport(objects, { nodeAllocatable: { cpu: '4', memory: '16Gi' } });
    expect(c.warnings.some((w) => w.startsWith('shop: ') && w.includes('pods=60'))).toBe(true);
    expect(c.warnings.some((w) => w.includes('fixed per-node overhead'))).toBe(true);
  });
});

describe('capacity report: every ResourceQuota of a namespace, each over the pods its scopes match', () => {
  const quota = (name: string, hard: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'ResourceQuota',
    metadata: { name, namespace: 'shop' },
    spec: { hard, ...extra },
  });
  const job = (activeDeadlineSeconds?: number) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'j', namespace: 'shop' },
    spec: {
      parallelism: 2,
      template: {
        spec: {
          restartPolicy: 'Never',
          ...(activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds } : {}),
          containers: [{ name: 'j', image: 'ghcr.io/acme/indexer:1.9.0', resources: { requests: { cpu: '1', memory: '1Gi' } } }],
        },
      },
    },
  });

  test('a second unscoped quota is judged and named; the table shows the tightest', () => {
    const c = capacityReport([...good(), quota('q2', { pods: 1, 'requests.cpu': '1m' })]);
    const shop = c.namespaces.find((n) => n.namespace === 'shop')!;
    expect(shop.pods.quota).toBe(1);
    expect(shop.requests.cpu.quota).toBe('1m');
    expect(c.warnings).toContain('shop: requested CPU at peak (3500m) exceeds ResourceQuota q2 requests.cpu=1m');
    expect(c.warnings).toContain('shop: 8 pods at peak exceed ResourceQuota q2 pods=1');
    // The valid neighbour: a quota with room is silent, and the table keeps the tighter one.
    const ok = capacityReport([...good(), quota('q2', { pods: 100, 'requests.cpu': '64' })]);
    expect(ok.warnings.filter((w) => w.startsWith('shop:'))).toEqual([]);
    expect(ok.namespaces.find((n) => n.namespace === 'shop')!.pods.quota).toBe(60);
  });

  test('Terminating counts the pods that set activeDeadlineSeconds (pods.go podMatchesScopeFunc), NotTerminating the rest', () => {
    const terminating = quota('t', { pods: 1 }, { scopes: ['Terminating'] });
    expect(capacityReport([...good(), job(600), terminating]).warnings).toContain(
      'shop: 2 pods at peak exceed ResourceQuota t (scopes Terminating) pods=1',
    );
    // A Job without a pod deadline is not counted by Terminating, but by NotTerminating (scopeSelector Exists).
    expect(capacityReport([...good(), job(), terminating]).warnings.filter((w) => w.startsWith('shop:'))).toEqual([]);
    const notTerminating = quota(
      'n',
      { pods: 9 },
      { scopeSelector: { matchExpressions: [{ scopeName: 'NotTerminating', operator: 'Exists' }] } },
    );
    expect(capacityReport([...good(), job(), notTerminating]).warnings).toContain(
      'shop: 10 pods at peak exceed ResourceQuota n (scopes NotTerminating) pods=9',
    );
    expect(capacityReport([...good(), job(600), notTerminating]).warnings.filter((w) => w.startsWith('shop:'))).toEqual([]);
  });

  test('BestEffort counts the pods with no CPU or memory at all (QoS BestEffort), NotBestEffort the rest', () => {
    const objects = good().filter((o) => o.kind !== 'LimitRange');
    const bare: any = job();
    delete bare.spec.template.spec.containers[0].resources;
    const bestEffort = quota('be', { pods: 0 }, { scopes: ['BestEffort'] });
    expect(capacityReport([...objects, bare, bestEffort]).warnings).toContain(
      'shop: 2 pods at peak exceed ResourceQuota be (scopes BestEffort) pods=0',
    );
    // With requests the Job's pods are not BestEffort: the policy "no best-effort pods here" admits them.
    expect(capacityReport([...objects, job(), bestEffort]).warnings.filter((w) => w.includes('ResourceQuota be'))).toEqual([]);
  });
});
