import { App } from 'cdk8s';
import {
  BatchJob,
  BlueprintChart,
  Probe,
  QuotaPreset,
  StatefulService,
  StorageClass,
  TeamNamespace,
  WebService,
  Worker,
  collectIssues,
  runRules,
  setClusterFacts,
} from '../../constructs';
import { catchBlueprintError, expectCode, find, render, POSTGRES } from '../helpers';

/* An environment's facts: production, required probes, the StorageClasses the cluster has. */
function env(facts: { production?: boolean; requireProbes?: boolean; existingStorageClasses?: readonly string[] }) {
  const app = new App();
  setClusterFacts(app, facts);
  const chart = new BlueprintChart(app, 'test', { owner: 'test', nodeAllocatable: { cpu: '4', memory: '16Gi' } });
  const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.LARGE });
  return { app, chart, team };
}
const image = 'ghcr.io/acme/web:1.4.2';
const ports = [{ name: 'http', port: 8080 }];
const codes = (app: App) => collectIssues(app).map((i) => `${i.code} ${i.field}`);

describe('probes by default', () => {
  test("'PROBE_MISSING': a serving container without readiness, a long-running one without liveness", () => {
    const { app, team } = env({ requireProbes: true });
    new Worker(team, 'w', { namespace: team, image, ports, replicas: 2 });
    new WebService(team, 'web', { namespace: team, image, ports, readiness: Probe.http('/readyz', 'http') });
    new BatchJob(team, 'job', { namespace: team, image });
    expect(codes(app)).toEqual([
      'PROBE_MISSING container.readiness',
      'PROBE_MISSING container.liveness',
      'PROBE_MISSING container.liveness',
    ]);
    expectCode(() => render(app), 'PROBE_MISSING');
  });

  test('an opt-out states its reason, which lands on the pods', () => {
    const { app, team } = env({ requireProbes: true });
    new Worker(team, 'w', {
      namespace: team,
      image,
      replicas: 2,
      probeOptOut: { liveness: 'the queue consumer exits on its own when it hangs' },
    });
    const objects = render(app);
    const pod = find(objects, 'Deployment', 'w').spec.template;
    expect(pod.metadata.annotations['probes.cluster-blueprints.io/w']).toBe('liveness: the queue consumer exits on its own when it hangs');
    // The rule catalogue reads the stated reason back: no REL_LIVENESS warning for it.
    expect(runRules(objects).filter((f) => f.rule === 'REL_LIVENESS')).toEqual([]);
  });

  test('REL_LIVENESS warns about a long-running container with neither a liveness probe nor a stated reason', () => {
    const { app, team } = env({ requireProbes: false });
    new Worker(team, 'w', { namespace: team, image, replicas: 2 });
    expect(runRules(render(app)).filter((f) => f.rule === 'REL_LIVENESS')).toMatchObject([
      { object: 'Deployment/shop/w', severity: 'warning', pointer: '/livenessProbe' },
    ]);
  });

  test("'PROBE_OPT_OUT_INVALID': an opt-out without a reason, refused at construction with the other props", () => {
    const { team } = env({ requireProbes: true });
    const issues = catchBlueprintError(
      () => new Worker(team, 'w', { namespace: team, image, replicas: 2, probeOptOut: { liveness: 'no' } }),
    ).issues;
    expect(issues.map((i) => `${i.code} ${i.field}`)).toEqual(['PROBE_OPT_OUT_INVALID container.probeOptOut.liveness']);
    // A reason of a few words is one.
    const { app, team: ok } = env({ requireProbes: true });
    new Worker(ok, 'w', { namespace: ok, image, replicas: 2, probeOptOut: { liveness: 'the worker serves no health endpoint' } });
    expect(codes(app)).toEqual([]);
  });

  test('without the requirement (a cluster the library knows nothing about) nothing is demanded', () => {
    const { app, team } = env({});
    new Worker(team, 'w', { namespace: team, image, replicas: 1 });
    expect(codes(app)).toEqual([]);
    // Production alone does not demand them (a consumer's build keeps working); the check warns instead.
    const prod = env({ production: true });
    new Worker(prod.team, 'w', { namespace: prod.team, image, replicas: 2 });
    expect(codes(prod.app)).toEqual([]);
  });
});

describe('high availability in production', () => {
  test("'HA_SINGLE_REPLICA': one replica or minReplicas 1 of a serving workload", () => {
    const { app, team } = env({ production: true });
    new WebService(team, 'one', { namespace: team, image, ports, replicas: 1 });
    new WebService(team, 'hpa', { namespace: team, image, ports, autoscaling: { minReplicas: 1, maxReplicas: 4 } });
    new WebService(team, 'two', { namespace: team, image, ports, replicas: 2 });
    new Worker(team, 'no-port', { namespace: team, image, replicas: 1 });
    expect(codes(app)).toEqual(['HA_SINGLE_REPLICA replicas', 'HA_SINGLE_REPLICA replicas']);
  });

  test('dev keeps single replicas', () => {
    const { app, team } = env({ production: false });
    new WebService(team, 'one', { namespace: team, image, ports, replicas: 1 });
    expect(codes(app)).toEqual([]);
  });

  test('a singleton states its reason, which lands on the pods; a non-reason is refused', () => {
    const { app, team } = env({ production: true });
    const storageClass = new StorageClass(team, 'data', { provisioner: 'ebs.csi.aws.com' });
    new StatefulService(team, 'db', {
      namespace: team,
      ...POSTGRES,
      claims: [{ name: 'data', mountPath: '/data', size: '1Gi', storageClass }],
      singletonReason: 'Postgres without replication: a second pod would diverge',
    });
    const sts = find(render(app), 'StatefulSet', 'db');
    expect(sts.spec.template.metadata.annotations['cluster-blueprints.io/singleton']).toContain('Postgres');
    const bad = env({ production: true });
    const badClass = new StorageClass(bad.team, 'data', { provisioner: 'ebs.csi.aws.com' });
    const claims = [{ name: 'data', mountPath: '/data', size: '1Gi', storageClass: badClass }];
    new StatefulService(bad.team, 'db', { namespace: bad.team, image, ports, claims, singletonReason: 'x' });
    expect(codes(bad.app)).toEqual(['HA_SINGLE_REPLICA singletonReason']);
  });
});

describe('no hidden storage dependency', () => {
  test("'STORAGE_CLASS_UNDECLARED': a claim without a class, or with one neither defined nor declared", () => {
    const { app, team } = env({ existingStorageClasses: ['gp3'] });
    const claim = { name: 'data', mountPath: '/data', size: '1Gi' } as const;
    new StatefulService(team, 'a', { namespace: team, image, claims: [claim] });
    new StatefulService(team, 'b', { namespace: team, image, claims: [{ ...claim, storageClass: 'fast' }] });
    new StatefulService(team, 'c', { namespace: team, image, claims: [{ ...claim, storageClass: 'gp3' }] });
    expect(codes(app)).toEqual(['STORAGE_CLASS_UNDECLARED claims[0].storageClass', 'STORAGE_CLASS_UNDECLARED claims[0].storageClass']);
  });

  test("'NAME_INVALID': a class named by a string that is no StorageClass name, or empty (the API server reads '' as no class, not the default)", () => {
    const { chart, team } = env({});
    const claim = { name: 'data', mountPath: '/data', size: '1Gi' } as const;
    for (const [i, storageClass] of ['', 'Fast_SSD'].entries()) {
      const issue = expectCode(
        () => new StatefulService(chart, `db${i}`, { namespace: team, image, claims: [{ ...claim, storageClass }] }),
        'NAME_INVALID',
      );
      expect(issue.field).toBe('claims[0].storageClass');
    }
    expect(
      () => new StatefulService(chart, 'ok', { namespace: team, image, claims: [{ ...claim, storageClass: 'gp3.encrypted' }] }),
    ).not.toThrow();
  });
});
