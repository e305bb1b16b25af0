import { App } from 'cdk8s';
import { ENVIRONMENTS, buildEnvironment, environment, prod } from '../../stacks/environments';
import { BackupSchedule, ENVIRONMENT_LABEL, checkManifests, renderApp, validateManifests } from '../../constructs';
import { expectCode, ofKind } from '../helpers';

describe.each(Object.keys(ENVIRONMENTS))('environment %s', (name) => {
  const objects = renderApp(buildEnvironment(environment(name))).flatMap((r) => r.objects);

  test('every object is schema-valid', () => {
    expect(validateManifests(objects)).toEqual([]);
  });

  test('the best-practice report finds no error and no warning, and capacity fits', () => {
    const env = environment(name);
    const report = checkManifests(objects, { nodeAllocatable: env.nodeAllocatable, nodes: env.expectedNodes });
    expect(report.findings).toEqual([]);
    expect(report.capacity.warnings).toEqual([]);
  });

  test('every team namespace is governed: quota, LimitRange, default deny, PSA labels', () => {
    const namespaces = ofKind(objects, 'Namespace');
    expect(namespaces.length).toBeGreaterThanOrEqual(2);
    for (const ns of namespaces) {
      const n = ns.metadata.name;
      const inNs = objects.filter((o) => o.metadata.namespace === n);
      expect(ofKind(inNs, 'ResourceQuota')).toHaveLength(1);
      expect(ofKind(inNs, 'LimitRange')).toHaveLength(1);
      expect(
        ofKind(inNs, 'NetworkPolicy').some(
          (p) => JSON.stringify(p.spec) === JSON.stringify({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
        ),
      ).toBe(true);
      // Restricted everywhere, except where a node agent needs hostPath (still audited and warned as restricted).
      const hasHostPath = objects.some((o) => o.metadata.namespace === n && JSON.stringify(o).includes('"hostPath"'));
      expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe(hasHostPath ? 'privileged' : 'restricted');
      expect(ns.metadata.labels['pod-security.kubernetes.io/audit']).toBe('restricted');
    }
  });
});

describe('production-ness and backups', () => {
  const findings = (app: App) => {
    const objects = renderApp(app).flatMap((r) => r.objects);
    return checkManifests(objects, { nodeAllocatable: prod.nodeAllocatable, nodes: prod.expectedNodes }).findings;
  };

  test('prod labels every namespace production (from its config); dev and staging label none', () => {
    for (const [name, env] of Object.entries(ENVIRONMENTS)) {
      const namespaces = ofKind(
        renderApp(buildEnvironment(env)).flatMap((r) => r.objects),
        'Namespace',
      );
      expect(namespaces.map((n) => [n.metadata.name, n.metadata.labels[ENVIRONMENT_LABEL]])).toEqual(
        namespaces.map((n) => [n.metadata.name, name === 'prod' ? 'production' : undefined]),
      );
    }
  });

  test('prod backs up every data holder: Cassandra, MySQL, the ledger, random-generator and the Prometheus claim', () => {
    const app = buildEnvironment(prod);
    const backedUp = app.node
      .findAll()
      .filter((c): c is BackupSchedule => c instanceof BackupSchedule)
      .flatMap((s) => s.includedNamespaces);
    expect(backedUp.sort()).toEqual(['cassandra', 'helloworld-db', 'monitoring', 'payments', 'random-generator']);
    expect(findings(app)).toEqual([]);
  });

  test.each(['cassandra', 'helloworld-db', 'monitoring'])('prod without the %s backup gets BACKUP_MISSING there only', (ns) => {
    const app = buildEnvironment(prod);
    const schedule = app.node.findAll().find((c) => c instanceof BackupSchedule && c.includedNamespaces.includes(ns))!;
    expect(schedule.node.scope!.node.tryRemoveChild(schedule.node.id)).toBe(true);
    const missing = findings(app).filter((f) => f.rule === 'BACKUP_MISSING');
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.map((f) => f.object.split('/')[1])).toEqual(missing.map(() => ns));
  });
});

describe('dev workloads', () => {
  const objects = renderApp(buildEnvironment(environment('dev'))).flatMap((r) => r.objects);
  const deployments = ofKind(objects, 'Deployment');

  test('has autoscaled and fixed-size WebServices, each with a PDB and a Service', () => {
    const autoscaled = deployments.filter((d) => d.spec.replicas === undefined);
    const fixed = deployments.filter((d) => d.spec.replicas !== undefined);
    expect(autoscaled.length).toBeGreaterThanOrEqual(1);
    expect(fixed.length).toBeGreaterThanOrEqual(1);
    for (const d of autoscaled)
      expect(ofKind(objects, 'HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.name === d.metadata.name)).toBe(true);
    for (const d of deployments) {
      expect(
        ofKind(objects, 'PodDisruptionBudget').some(
          (p) =>
            p.metadata.namespace === d.metadata.namespace &&
            Object.entries(p.spec.selector.matchLabels).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
        ),
      ).toBe(true);
    }
  });

  test('every pod runs the restricted profile with probes where it serves', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        if (c.ports) expect(c.readinessProbe).toBeDefined();
      }
    }
  });

  test('services that can run 2+ replicas spread across zones and hosts', () => {
    const api = deployments.find((d) => d.metadata.name === 'api');
    expect(api.spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
  });
});

describe('dev state, external mappings and batch', () => {
  const objects = renderApp(buildEnvironment(environment('dev'))).flatMap((r) => r.objects);

  test('holds each kind of object', () => {
    for (const kind of ['StatefulSet', 'EndpointSlice', 'Job', 'CronJob', 'DaemonSet'])
      expect(ofKind(objects, kind).length).toBeGreaterThanOrEqual(1);
    expect(ofKind(objects, 'Service').some((s) => s.spec.type === 'ExternalName')).toBe(true);
  });

  test('every StatefulSet points at a headless Service that selects its pods, and every claim is retained', () => {
    for (const sts of ofKind(objects, 'StatefulSet')) {
      const svc = objects.find(
        (o) => o.kind === 'Service' && o.metadata.namespace === sts.metadata.namespace && o.metadata.name === sts.spec.serviceName,
      );
      expect(svc.spec.clusterIP).toBe('None');
      expect(sts.spec.template.metadata.labels).toMatchObject(svc.spec.selector);
      if (sts.spec.volumeClaimTemplates)
        expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    }
  });
});

test('ENVIRONMENT_UNKNOWN names the known environments', () => {
  const issue = expectCode(() => environment('qa'), 'ENVIRONMENT_UNKNOWN');
  expect(issue.fix).toContain('dev');
});
