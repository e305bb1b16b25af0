import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { BlueprintChart, BlueprintError, NodeAgent, Worker, capacityReport, checkManifests, renderApp, synthesize } from '../../constructs';
import { cli, json } from '../cli/run-cli';
import { rawWorkload } from '../helpers';
import { find, good } from './fixture';
import { stringifyManifests } from '../../constructs/render/yaml-emitter';
import { ClusterPlatform } from '../../blueprints';

/*
 * NODE_TOO_SMALL is one rule of the catalogue: synth (the chart's nodeAllocatable) and `check` (--node-cpu,
 * --node-memory) give the same verdict on the same pods, DaemonSets included; the capacity report's node plan reads
 * the same verdicts, and says so plainly where no node of the size runs every pod.
 */

const image = 'ghcr.io/acme/app:1.0.0';
const NODE = { cpu: '2', memory: '4Gi' };
const sized = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });

/** A Worker asking `worker` per pod, and a NodeAgent asking `agent` per node when given; on nodes of `node` when given. */
function build(worker: ReturnType<typeof sized>, agent?: ReturnType<typeof sized>, node?: typeof NODE): App {
  const app = new App();
  const chart = new BlueprintChart(app, 'c', { owner: 'o', ...(node ? { nodeAllocatable: node } : {}) });
  if (agent) new NodeAgent(chart, 'agent', { namespace: 'n', image, resources: agent });
  new Worker(chart, 'big', { namespace: 'n', image, resources: worker });
  return app;
}

/** The NODE_TOO_SMALL issues of a synth on nodes of NODE, as `path field`. */
function atSynth(worker: ReturnType<typeof sized>, agent?: ReturnType<typeof sized>): string[] {
  try {
    renderApp(build(worker, agent, NODE));
    return [];
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    return e.issues.filter((i) => i.code === 'NODE_TOO_SMALL').map((i) => `${i.path} ${i.field}`);
  }
}

/** The NODE_TOO_SMALL findings of `cluster-blueprints check --node-cpu 2 --node-memory 4Gi` on the YAML the app synthesizes with no node size. */
async function atCheck(worker: ReturnType<typeof sized>, agent?: ReturnType<typeof sized>): Promise<{ found: string[]; code: number }> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-node-fit-'));
  synthesize(build(worker, agent), { outdir });
  const r = await cli('check', outdir, '--json', '--nodes', '3', '--node-cpu', NODE.cpu, '--node-memory', NODE.memory);
  const found = json(r)
    .findings.filter((f: any) => f.rule === 'NODE_TOO_SMALL')
    .map((f: any) => `${f.severity} ${f.object} ${f.pointer}`);
  return { found, code: r.code };
}

describe('NODE_TOO_SMALL: one rule at synth and in check', () => {
  test('a pod bigger than the node: the same error at synth (the chart declares the node) and in check (the flags)', async () => {
    const big = sized('3', '1Gi');
    expect(atSynth(big)).toEqual(['c/big/Deployment /spec/template/spec/containers']);
    expect(await atCheck(big)).toEqual({ found: ['error Deployment/n/big /spec/template/spec/containers'], code: 1 });
  });

  test('a pod that fits the bare node but not beside the DaemonSets on every node: caught in both', async () => {
    // 1800m fits a node of 2 CPU alone; beside the agent's 500m it does not.
    const worker = sized('1800m', '1Gi');
    const agent = sized('500m', '256Mi');
    expect(atSynth(worker)).toEqual([]);
    expect(atSynth(worker, agent)).toEqual(['c/big/Deployment /spec/template/spec/containers']);
    expect(await atCheck(worker, agent)).toEqual({ found: ['error Deployment/n/big /spec/template/spec/containers'], code: 1 });
  });

  test('the synth issue carries the field, the pod and DaemonSet amounts as its value, and a fix', () => {
    try {
      renderApp(build(sized('1800m', '1Gi'), sized('500m', '256Mi'), NODE));
      throw new Error('expected NODE_TOO_SMALL');
    } catch (e) {
      const issue = (e as BlueprintError).issues.find((i) => i.code === 'NODE_TOO_SMALL')!;
      expect(issue).toMatchObject({ field: '/spec/template/spec/containers', value: '1800m CPU + 500m CPU (DaemonSets)' });
      expect(issue.message).toContain('the DaemonSets on every node take 500m CPU');
      expect(issue.fix).toContain('shrink the DaemonSets');
    }
  });

  test("a DaemonSet's pod that alone exceeds the node is refused, and meets only the other DaemonSets", () => {
    // The agent alone (3 CPU) is over the node of 2; the worker beside it too.
    expect(atSynth(sized('100m', '128Mi'), sized('3', '256Mi'))).toEqual([
      'c/agent/Resource /spec/template/spec/containers',
      'c/big/Deployment /spec/template/spec/containers',
    ]);
    // Two agents of 1500m: each fits alone, not beside the other.
    const app = build(sized('100m', '128Mi'), sized('1500m', '256Mi'), NODE);
    new NodeAgent(app.node.findChild('c'), 'agent2', { namespace: 'n', image, resources: sized('1500m', '256Mi') });
    const paths = () => {
      try {
        renderApp(app);
        return [];
      } catch (e) {
        return (e as BlueprintError).issues.filter((i) => i.code === 'NODE_TOO_SMALL').map((i) => i.path);
      }
    };
    expect(paths().sort()).toEqual(['c/agent/Resource', 'c/agent2/Resource', 'c/big/Deployment']);
  });

  test("a namespace LimitRange's default request counts, and an init container by the max rule", () => {
    const objects = good();
    const spec = find(objects, 'Deployment', 'web').spec.template.spec;
    // No own memory: the LimitRange default (128Mi) applies; an init container of 3 CPU sets the pod's CPU.
    delete spec.containers[0].resources.requests.memory;
    delete spec.containers[0].resources.limits.memory;
    spec.initContainers = [{ name: 'init', image, resources: sized('3', '64Mi') }];
    const found = checkManifests(objects, { nodeAllocatable: NODE, nodes: 3 }).findings.filter((f) => f.rule === 'NODE_TOO_SMALL');
    expect(found.map((f) => `${f.object} ${f.message}`)).toEqual([
      'Deployment/shop/web requests 3 CPU per pod, more than a node can allocate (2 CPU): the pod would stay Pending forever',
    ]);
    expect(checkManifests(objects, { nodeAllocatable: { cpu: '2', memory: '100Mi' }, nodes: 3 }).findings.map((f) => f.message)).toContain(
      'requests 3 CPU and 128Mi memory per pod, more than a node can allocate (2 CPU and 100Mi memory): the pod would stay Pending forever',
    );
  });
});

/** A raw DaemonSet whose one container requests `requests`, with `podSpec` beside it. */
const daemonSet = (name: string, requests: { cpu: string; memory: string }, podSpec: Record<string, unknown> = {}, namespace = 'x') =>
  rawWorkload({
    kind: 'DaemonSet',
    name,
    namespace,
    labels: { a: name },
    containers: [{ name: 'a', image, resources: { requests } }],
    podSpec,
  });

describe('the capacity node plan on a node too small for the pods', () => {
  const NO_NUMBER = /Infinity|NaN|null/;

  test('capacityReport: no node count and a plain reason, never Infinity', () => {
    const plan = capacityReport(good(), { nodeAllocatable: { cpu: '1m', memory: '1Mi' } }).nodes!;
    expect(plan.nodes).toBeUndefined();
    expect(plan.unschedulable).toMatch(
      /^Deployment\/shop\/web requests 100m CPU per pod, more than a node allocates \(NODE_TOO_SMALL\) \(and 1 other workload\(s\)\)$/,
    );
    expect(JSON.stringify(plan)).not.toMatch(NO_NUMBER);
    expect(
      Object.values(plan)
        .filter((x) => typeof x === 'number')
        .every(Number.isFinite),
    ).toBe(true);
  });

  test('DaemonSets that alone exceed the node say so', () => {
    const objects = good();
    objects.push(daemonSet('agent', { cpu: '3', memory: '64Mi' }, {}, 'shop'));
    const plan = capacityReport(objects, { nodeAllocatable: NODE }).nodes!;
    expect(plan.nodes).toBeUndefined();
    expect(plan.unschedulable).toBe('the DaemonSets on every node alone request 3 CPU / 64Mi, more than a node allocates');
  });

  test('DaemonSets that exactly fill a node, and nothing else to place: a count, not a division by zero', () => {
    expect(capacityReport([daemonSet('a', { cpu: '2', memory: '1Gi' })], { nodeAllocatable: NODE }).nodes).toMatchObject({
      nodes: 2,
      fixedOverheadPercent: 100,
    });
  });

  test('a DaemonSet narrowed by a nodeSelector is no overhead of every node, but its own pod must fit beside those that are', () => {
    const plan = capacityReport(
      [daemonSet('a', { cpu: '1', memory: '1Gi' }), daemonSet('gpu', { cpu: '3', memory: '1Gi' }, { nodeSelector: { gpu: 'yes' } })],
      {
        nodeAllocatable: NODE,
        nodes: 2,
      },
    ).nodes!;
    expect(plan.fixedOverheadPercent).toBe(50);
    expect(plan.unschedulable).toBe(
      'DaemonSet/x/gpu requests 3 CPU per pod beside the 1 CPU the DaemonSets take, more than a node allocates (NODE_TOO_SMALL)',
    );
  });

  test('a DaemonSet that asks only for Linux nodes (nodeSelector or required affinity) lands on every node of a Linux cluster', () => {
    const os = { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] };
    const overhead = (podSpec: Record<string, unknown>) =>
      capacityReport([daemonSet('a', { cpu: '1', memory: '1Gi' }, podSpec)], { nodeAllocatable: NODE, nodes: 2 }).nodes!
        .fixedOverheadPercent;
    expect(overhead({ nodeSelector: { 'kubernetes.io/os': 'linux' } })).toBe(50);
    expect(
      overhead({
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [os] }] } } },
      }),
    ).toBe(50);
    // Anything narrower is no overhead of every node.
    expect(overhead({ nodeSelector: { 'kubernetes.io/os': 'windows' } })).toBe(0);
    expect(overhead({ nodeSelector: { 'kubernetes.io/os': 'linux', gpu: 'yes' } })).toBe(0);
    const gpu = { key: 'gpu', operator: 'Exists' };
    expect(
      overhead({
        affinity: {
          nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [os, gpu] }] } },
        },
      }),
    ).toBe(0);
  });

  test('a native sidecar (an init container that keeps running) adds to the app containers; an init container before it does not', () => {
    // Node of 2 CPU: app 1500m + sidecar 1 CPU = 2500m does not fit; the same 1 CPU as a plain init container does.
    const pod = (restartPolicy?: string) =>
      rawWorkload({
        name: 'app',
        namespace: 'x',
        containers: [{ name: 'app', image, resources: { requests: { cpu: '1500m', memory: '1Gi' } } }],
        podSpec: { initContainers: [{ name: 'proxy', image, restartPolicy, resources: { requests: { cpu: '1', memory: '1Gi' } } }] },
      });
    const misfits = (o: any) =>
      checkManifests([o], { nodeAllocatable: NODE, nodes: 3 }).findings.filter((f) => f.rule === 'NODE_TOO_SMALL');
    expect(misfits(pod('Always')).map((f) => f.severity)).toEqual(['error']);
    expect(misfits(pod())).toEqual([]);
  });

  test('a node size of CPU alone is refused by name (it crashed reading the missing memory)', () => {
    expect(() => capacityReport([], { nodeAllocatable: { cpu: '2' } })).toThrow(/QUANTITY_INVALID 'nodeAllocatable.memory' is not given/);
  });

  test('cluster-blueprints capacity and check on a 1m node: no Infinity, NaN or null node count, and a failing exit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-node-fit-'));
    fs.writeFileSync(path.join(dir, 'all.k8s.yaml'), stringifyManifests(good()));
    const flags = ['--node-cpu', '1m', '--node-memory', '1Mi'];
    const text = await cli('capacity', dir, ...flags);
    expect(text.out).toMatch(/nodes of 1m CPU \/ 1Mi: no count, none of them runs every pod: Deployment\/shop\/web requests 100m CPU/);
    expect(text.out).not.toMatch(NO_NUMBER);
    expect(text.err).toContain('NODE_TOO_SMALL');
    expect(text.code).toBe(1);
    const asJson = await cli('capacity', dir, '--json', ...flags);
    expect(asJson.out).not.toMatch(NO_NUMBER);
    expect(json(asJson).nodes).toEqual(expect.objectContaining({ unschedulable: expect.any(String), podsPerNode: 0 }));
    expect('nodes' in json(asJson).nodes).toBe(false);
    const check = await cli('check', dir, '--json', ...flags);
    expect(check.code).toBe(1);
    expect(json(check).capacity.nodes.unschedulable).toEqual(json(asJson).nodes.unschedulable);
    expect(JSON.stringify(json(check).capacity)).not.toMatch(NO_NUMBER);
  });
});

describe('NODE_TOO_SMALL: the pods an operator runs from a custom resource', () => {
  test("a platform's Prometheus (2Gi) on nodes of 1Gi: refused at synth and in check, with the config-reloader counted", async () => {
    const platform = (nodeAllocatable?: { cpu: string; memory: string }) => {
      const app = new App();
      new ClusterPlatform(app, 'p', { environment: 'staging', teams: [{ name: 'shop' }], ...(nodeAllocatable ? { nodeAllocatable } : {}) });
      return app;
    };
    const issues = (() => {
      try {
        renderApp(platform({ cpu: '940m', memory: '1Gi' }));
        return [];
      } catch (e) {
        if (!(e instanceof BlueprintError)) throw e;
        return e.issues.filter((i) => i.code === 'NODE_TOO_SMALL').map((i) => `${i.path} ${i.field} ${i.value}`);
      }
    })();
    expect(issues).toEqual(['monitoring/Monitoring/Resource /spec/resources 2098Mi memory']);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-node-fit-'));
    synthesize(platform(), { outdir });
    // 2Gi + 50Mi: the server's request and the sidecar's, on a node of exactly 2Gi.
    const r = await cli('check', outdir, '--json', '--nodes', '3', '--node-cpu', '4', '--node-memory', '2Gi');
    const found = json(r).findings.filter((f: any) => f.rule === 'NODE_TOO_SMALL');
    expect(found.map((f: any) => `${f.severity} ${f.object} ${f.pointer}`)).toEqual([
      'error Prometheus/monitoring/prometheus /spec/resources',
    ]);
    expect(r.code).toBe(1);
  });
});
