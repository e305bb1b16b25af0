import { App } from 'cdk8s';
import { ENVIRONMENTS, buildEnvironment, environment, prod } from '../../stacks/environments';
import { BackupSchedule, ENVIRONMENT_LABEL, checkManifests, renderApp, validateManifests } from '../../constructs';
import { deepFrozen, expectCode, fewestPods, find, ofKind } from '../helpers';

/** Each environment's objects, rendered once for this file (a render is deterministic) and frozen: these tests only read them. */
const renders = new Map<string, readonly any[]>();
function rendered(name: string): readonly any[] {
  if (!renders.has(name)) renders.set(name, deepFrozen(renderApp(buildEnvironment(environment(name))).flatMap((r) => r.objects)));
  return renders.get(name)!;
}

describe.each(Object.keys(ENVIRONMENTS))('environment %s', (name) => {
  const objects = rendered(name);

  test('every object is schema-valid', () => {
    expect(validateManifests(objects)).toEqual([]);
  });

  test('the best-practice report finds no error and no warning, and capacity fits', () => {
    const env = environment(name);
    const report = checkManifests(objects, { nodeAllocatable: env.nodeAllocatable, nodes: env.expectedNodes });
    expect(report.findings).toEqual([]);
    expect(report.capacity.warnings).toEqual([]);
  });

  test('every pg_isready probe names its user: the pods run as a uid the image has no passwd entry for', () => {
    // Without -U (or PGUSER), libpq cannot name the user and pg_isready exits 3 ('no attempt') without trying.
    const commands = objects.flatMap((o) =>
      (o.spec?.template?.spec?.containers ?? []).flatMap((c: any) =>
        [c.livenessProbe, c.readinessProbe, c.startupProbe].flatMap((p) =>
          p?.exec?.command?.[0] === 'pg_isready' ? [p.exec.command] : [],
        ),
      ),
    );
    // dev and staging run the ledger in the cluster; prod uses a managed one.
    expect(commands.length > 0).toBe(name !== 'prod');
    for (const command of commands) expect(command).toEqual(expect.arrayContaining(['-U', 'postgres']));
  });

  test('no client is pointed at a headless Service that publishes pods before they are ready', () => {
    // A StatefulService's headless Service lists every pod (publishNotReadyAddresses) for peers; a client
    // that connects through it reaches pods that are not ready. Clients use its ClusterIP client Service.
    const peerOnly = new Set(
      ofKind(objects, 'Service')
        .filter((s) => s.spec.clusterIP === 'None' && s.spec.publishNotReadyAddresses)
        .flatMap((s) => [`${s.metadata.name}`, `${s.metadata.name}.${s.metadata.namespace}`].map((h) => `${s.metadata.namespace}/${h}`)),
    );
    const clients = objects.flatMap((o) => {
      const spec = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
      return (spec?.containers ?? []).flatMap((c: any) =>
        (c.env ?? [])
          .filter(
            (e: any) =>
              typeof e.value === 'string' && peerOnly.has(`${o.metadata.namespace}/${e.value.replace(/\.svc(\.cluster\.local)?$/, '')}`),
          )
          // Cassandra's seeds are its own peers: they are meant to see every pod.
          .filter(() => o.kind !== 'StatefulSet')
          .map((e: any) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name} ${c.name} ${e.name}=${e.value}`),
      );
    });
    expect(clients).toEqual([]);
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
    for (const name of Object.keys(ENVIRONMENTS)) {
      const namespaces = ofKind(rendered(name), 'Namespace');
      expect(namespaces.map((n) => [n.metadata.name, n.metadata.labels[ENVIRONMENT_LABEL]])).toEqual(
        namespaces.map((n) => [n.metadata.name, name === 'prod' ? 'production' : undefined]),
      );
    }
  });

  test('prod backs up every data holder in the cluster: Cassandra, random-generator and the Prometheus claim', () => {
    const app = buildEnvironment(prod);
    const backedUp = app.node
      .findAll()
      .filter((c): c is BackupSchedule => c instanceof BackupSchedule)
      .flatMap((s) => s.includedNamespaces);
    // The ledger and MySQL are managed databases in prod: their provider backs them up.
    expect(backedUp.sort()).toEqual(['cassandra', 'monitoring', 'random-generator']);
    expect(findings(app)).toEqual([]);
  });

  test('dev and staging declare no backups', () => {
    for (const name of ['dev', 'staging']) expect(ofKind(rendered(name), 'Schedule')).toEqual([]);
  });

  test.each(['cassandra', 'random-generator', 'monitoring'])('prod without the %s backup gets BACKUP_MISSING there only', (ns) => {
    const app = buildEnvironment(prod);
    const schedule = app.node.findAll().find((c) => c instanceof BackupSchedule && c.includedNamespaces.includes(ns))!;
    expect(schedule.node.scope!.node.tryRemoveChild(schedule.node.id)).toBe(true);
    const missing = findings(app).filter((f) => f.rule === 'BACKUP_MISSING');
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.map((f) => f.object.split('/')[1])).toEqual(missing.map(() => ns));
  });

  test.each(Object.keys(ENVIRONMENTS))(
    '%s: the ledger and MySQL are managed where the environment names them, else in the cluster',
    (name) => {
      const env = environment(name);
      const objects = rendered(name);
      const inNs = (ns: string) => objects.filter((o) => o.metadata.namespace === ns);
      const managed = env.managedDatabases ?? {};
      // prod names both managed endpoints; dev and staging keep both databases in the cluster.
      expect(managed).toEqual(name === 'prod' ? { ledger: expect.any(String), helloworldDb: expect.any(String) } : {});
      // The ledger keeps its cluster-local name either way: an ExternalName Service or the StatefulSet's headless one.
      const ledger = find(inNs('payments'), 'Service', 'ledger');
      expect(ledger.spec.externalName).toBe(managed.ledger);
      expect(ofKind(inNs('payments'), 'StatefulSet').map((s) => s.metadata.name)).toEqual(managed.ledger ? [] : ['ledger']);
      const web = find(inNs('helloworld-db'), 'Deployment', 'helloworld-db');
      const host = web.spec.template.spec.containers[0].env.find((e: any) => e.name === 'MYSQL_HOST').value;
      if (managed.helloworldDb) {
        expect(host).toBe('database.helloworld-db.svc.cluster.local');
        expect(find(inNs('helloworld-db'), 'Service', 'database').spec).toMatchObject({
          type: 'ExternalName',
          externalName: managed.helloworldDb,
        });
      } else {
        expect(host).toBe('database-service-client.helloworld-db.svc.cluster.local');
      }
      expect(ofKind(inNs('helloworld-db'), 'StatefulSet').map((s) => s.metadata.name)).toEqual(
        managed.helloworldDb ? [] : ['database-service'],
      );
      // The apps still read their passwords: the credentials stay declared.
      expect(ofKind(objects, 'ExternalSecret').map((s) => s.metadata.name)).toEqual(
        expect.arrayContaining(['ledger-credentials', 'helloworld-db-credentials']),
      );
    },
  );
});

describe('prod serves from two pods or more (issue #10), read from its rendered output', () => {
  const objects = rendered('prod');
  const id = (o: any) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`;
  const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> = {}) =>
    selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  /** A Service of the output selects its pods, or one of its containers has a port behind a readiness probe. */
  const serves = (w: any) =>
    ofKind(objects, 'Service').some(
      (s) => s.metadata.namespace === w.metadata.namespace && selects(s.spec.selector, w.spec.template.metadata?.labels),
    ) || w.spec.template.spec.containers.some((c: any) => (c.ports ?? []).length > 0 && c.readinessProbe !== undefined);
  const serving = objects.filter((o) => (o.kind === 'Deployment' || o.kind === 'StatefulSet') && serves(o));

  test('every Deployment and StatefulSet that serves runs at least 2 pods (an HPA counts with its minReplicas)', () => {
    // Both ways of serving and both ways of counting are exercised: a Service, a probed port alone, an HPA.
    expect(serving.map(id)).toEqual(
      expect.arrayContaining(['Deployment/payments/api', 'Deployment/catalog/indexer', 'StatefulSet/cassandra/cassandra']),
    );
    expect(serving.filter((w) => fewestPods(objects, w) < 2).map((w) => `${id(w)}: ${fewestPods(objects, w)}`)).toEqual([]);
  });

  test('no prod workload needs singletonReason', () => {
    expect(objects.filter((o) => JSON.stringify(o).includes('cluster-blueprints.io/singleton')).map(id)).toEqual([]);
  });
});

describe('dev workloads', () => {
  const objects = rendered('dev');
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
  const objects = rendered('dev');

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

  test('every data holder runs at the class of the user-facing services, which cannot preempt it', () => {
    const holders = ofKind(objects, 'StatefulSet').filter((s) => s.spec.volumeClaimTemplates);
    expect(holders.map((s) => `${s.metadata.namespace}/${s.metadata.name} ${s.spec.template.spec.priorityClassName}`).sort()).toEqual([
      'cassandra/cassandra high',
      'helloworld-db/database-service high',
      'payments/ledger high',
      'random-generator/rg high',
    ]);
    expect(find(objects, 'Deployment', 'api').spec.template.spec.priorityClassName).toBe('high');
  });

  test("the ledger's liveness applies only once its startup check passed, for 5 minutes of initdb or recovery", () => {
    const pg = find(objects, 'StatefulSet', 'ledger').spec.template.spec.containers[0];
    // The same TCP check: the init server listens on the socket only, so a socket check would pass too early.
    expect(pg.startupProbe.exec).toEqual(pg.livenessProbe.exec);
    expect(pg.startupProbe.failureThreshold * (pg.startupProbe.periodSeconds ?? 10)).toBeGreaterThanOrEqual(300);
  });

  test('the Atlas example maps a member host, not the SRV seed name (no address record)', () => {
    const db = objects.find((o) => o.kind === 'Service' && o.metadata.namespace === 'external-database' && o.metadata.name === 'database');
    expect(db.spec.externalName).toBe('cluster0-shard-00-00.abcde.mongodb.net');
  });
});

test('ENVIRONMENT_UNKNOWN names the known environments', () => {
  const issue = expectCode(() => environment('qa'), 'ENVIRONMENT_UNKNOWN');
  expect(issue.fix).toContain('dev');
});
