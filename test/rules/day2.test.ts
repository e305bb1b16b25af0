import { App, Duration } from 'cdk8s';
import {
  ArgoApplication,
  BatchJob,
  BlueprintChart,
  BlueprintError,
  PersistentVolumeClaim,
  StatefulService,
  TeamNamespace,
  renderApp,
  runRules,
} from '../../constructs';
import { lastAppliedAnnotationsBytes } from '../../constructs/gitops/sync-annotations';
import { POSTGRES } from '../helpers';

/*
 * Day-2 rules: what a later change or a client-side apply does to output
 * that deploys fine today.
 */

const findings = (objects: any[], code: string) =>
  runRules(objects)
    .filter((f) => f.rule === code)
    .map((f) => f.object);

describe('LAST_APPLIED_TOO_LARGE', () => {
  const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
  const cm = (data: Record<string, string>, annotations?: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'n', ...(annotations ? { annotations } : {}) },
    data,
  });
  /** A ConfigMap whose annotations after client-side apply come to exactly `bytes`. */
  const sized = (bytes: number) => {
    const o = cm({ k: '' });
    o.data.k = 'x'.repeat(bytes - lastAppliedAnnotationsBytes(o));
    return o;
  };

  test('counts the keys and values as ValidateAnnotationsSize does, the new value as compact JSON with a final newline', () => {
    const o = cm({ a: 'b' });
    expect(lastAppliedAnnotationsBytes(o)).toBe(LAST_APPLIED.length + JSON.stringify(o).length + 1);
    // Its own annotations count twice: as annotations, and inside the JSON; an earlier last-applied value is replaced.
    const annotated = cm({ a: 'b' }, { 'example.com/x': 'yz', [LAST_APPLIED]: 'old' });
    const withoutOld = cm({ a: 'b' }, { 'example.com/x': 'yz' });
    expect(lastAppliedAnnotationsBytes(annotated)).toBe(
      'example.com/x'.length + 2 + LAST_APPLIED.length + JSON.stringify(withoutOld).length + 1,
    );
  });

  test("Go's encoding/json escapes <, > and & (6 bytes each) and U+2028; multi-byte characters count in bytes", () => {
    const plain = lastAppliedAnnotationsBytes(cm({ a: 'xxx' }));
    expect(lastAppliedAnnotationsBytes(cm({ a: '<&>' }))).toBe(plain + 15);
    expect(lastAppliedAnnotationsBytes(cm({ a: 'é' }))).toBe(plain - 2 + 1);
    expect(lastAppliedAnnotationsBytes(cm({ a: '\u2028' }))).toBe(plain - 3 + 6);
    // A backspace: JSON.stringify writes \b, Go \u0008; an escaped backslash before a 'b' is no control character.
    expect(lastAppliedAnnotationsBytes(cm({ a: '\b' }))).toBe(plain - 3 + 6);
    expect(lastAppliedAnnotationsBytes(cm({ a: '\\b' }))).toBe(plain - 3 + 3);
  });

  test('at 262144 bytes it passes; one more byte warns, with the server-side fix', () => {
    expect(findings([sized(262144)], 'LAST_APPLIED_TOO_LARGE')).toEqual([]);
    const [f] = runRules([sized(262145)]).filter((x) => x.rule === 'LAST_APPLIED_TOO_LARGE');
    expect([f.severity, f.object, f.pointer]).toEqual(['warning', 'ConfigMap/n/c', '/metadata/annotations']);
    expect(f.message).toContain('262145 bytes');
    expect(f.fix).toContain('--server-side');
    expect(f.fix).toContain('ServerSideApply=true');
  });

  test('an object marked ServerSideApply=true for Argo CD passes, whatever else its sync options say', () => {
    const big = sized(300_000);
    big.metadata = { ...big.metadata, annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false, ServerSideApply=true' } };
    expect(findings([big], 'LAST_APPLIED_TOO_LARGE')).toEqual([]);
    big.metadata.annotations!['argocd.argoproj.io/sync-options'] = 'ServerSideApply=false';
    expect(findings([big], 'LAST_APPLIED_TOO_LARGE')).toEqual(['ConfigMap/n/c']);
  });
});

describe('NAMESPACE_DATA_UNDECLARED', () => {
  const CLAIMS = [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '5Gi' }];
  function app(holdsData: boolean | undefined, holder: 'statefulset' | 'claim' | 'none') {
    const a = new App();
    const chart = new BlueprintChart(a, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 'payments', holdsData === undefined ? {} : { holdsData });
    if (holder === 'statefulset') new StatefulService(chart, 'ledger', { namespace: team, ...POSTGRES, claims: CLAIMS });
    if (holder === 'claim') new PersistentVolumeClaim(chart, 'uploads', { namespace: team, size: '1Gi' });
    return renderApp(a).flatMap((r) => r.objects);
  }

  test('a TeamNamespace holding a StatefulSet with claims, or a claim, without holdsData warns on the Namespace, naming the fix', () => {
    for (const holder of ['statefulset', 'claim'] as const) {
      const [f] = runRules(app(undefined, holder)).filter((x) => x.rule === 'NAMESPACE_DATA_UNDECLARED');
      expect([f.severity, f.object, f.pointer]).toEqual(['warning', 'Namespace/payments', '/metadata/annotations']);
      expect(f.message).toContain(holder === 'claim' ? 'PersistentVolumeClaim uploads' : 'StatefulSet ledger');
      expect(f.fix).toContain('set holdsData: true on TeamNamespace payments');
    }
  });

  test('holdsData: true passes, and keeps the Namespace protected once its last holder is gone', () => {
    expect(findings(app(true, 'statefulset'), 'NAMESPACE_DATA_UNDECLARED')).toEqual([]);
    const keep = 'Prune=false,Delete=false';
    const ns = (objects: any[]) => objects.find((o) => o.kind === 'Namespace').metadata.annotations?.['argocd.argoproj.io/sync-options'];
    // The two steps of the defect: undeclared, the protection goes with the holder; declared, it stays.
    expect([ns(app(undefined, 'statefulset')), ns(app(undefined, 'none'))]).toEqual([keep, undefined]);
    expect(ns(app(true, 'none'))).toBe(keep);
  });

  test('a namespace without data, or one the output does not define, passes', () => {
    expect(findings(app(false, 'none'), 'NAMESPACE_DATA_UNDECLARED')).toEqual([]);
    const claim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'c', namespace: 'elsewhere' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    };
    expect(findings([claim], 'NAMESPACE_DATA_UNDECLARED')).toEqual([]);
    // On YAML the annotation declares it.
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'elsewhere' } };
    expect(findings([claim, ns], 'NAMESPACE_DATA_UNDECLARED')).toEqual(['Namespace/elsewhere']);
    const declared = { ...ns, metadata: { ...ns.metadata, annotations: { 'cluster-blueprints.io/retain': 'true' } } };
    expect(findings([claim, declared], 'NAMESPACE_DATA_UNDECLARED')).toEqual([]);
  });

  test("foreign YAML's own Prune=false,Delete=false declares it (it is in Git); our render's derived one does not", () => {
    const claim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'c', namespace: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    };
    const ns = (options: string, labels?: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'data', annotations: { 'argocd.argoproj.io/sync-options': options }, ...(labels ? { labels } : {}) },
    });
    expect(findings([claim, ns('Prune=false, Delete=false')], 'NAMESPACE_DATA_UNDECLARED')).toEqual([]);
    // Either option alone leaves a way to lose it: Delete=true deletes it with the Application, Prune=true when it leaves Git.
    for (const partial of ['Prune=false', 'Delete=false', 'Prune=false,Delete=true'])
      expect(findings([claim, ns(partial)], 'NAMESPACE_DATA_UNDECLARED')).toEqual(['Namespace/data']);
    const [f] = runRules([claim, ns('Prune=false')]).filter((x) => x.rule === 'NAMESPACE_DATA_UNDECLARED');
    expect(f.fix).toContain(
      "annotate the Namespace cluster-blueprints.io/retain: 'true' or keep Prune=false,Delete=false in its own manifest",
    );
    // Labelled as ours, the same annotation is the render's derived one: it goes with the last holder.
    const ours = ns('Prune=false,Delete=false', { 'app.kubernetes.io/managed-by': 'cluster-blueprints' });
    expect(findings([claim, ours], 'NAMESPACE_DATA_UNDECLARED')).toEqual(['Namespace/data']);
    const rendered = app(undefined, 'claim');
    expect(rendered.find((o) => o.kind === 'Namespace').metadata.annotations['argocd.argoproj.io/sync-options']).toBe(
      'Prune=false,Delete=false',
    );
    expect(findings(rendered, 'NAMESPACE_DATA_UNDECLARED')).toEqual(['Namespace/payments']);
  });
});

describe('JOB_TTL_SELF_HEAL', () => {
  const job = (ttl?: number | null) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate', namespace: 'shop' },
    spec: {
      ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}),
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'busybox:1.36' }] } },
    },
  });
  const application = (automated: object | undefined, apiVersion = 'argoproj.io/v1alpha1') => ({
    apiVersion,
    kind: 'Application',
    metadata: { name: 'prod', namespace: 'argocd' },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/acme/m.git', path: 'dist/prod' },
      destination: { server: 'https://kubernetes.default.svc' },
      syncPolicy: automated ? { automated } : {},
    },
  });

  test('a Job with a TTL beside a self-healing Application is an error on the TTL, naming the Application and the fix', () => {
    for (const ttl of [0, 3600]) {
      const [f] = runRules([job(ttl), application({ prune: true, selfHeal: true })]).filter((x) => x.rule === 'JOB_TTL_SELF_HEAL');
      expect([f.severity, f.object, f.pointer]).toEqual(['error', 'Job/shop/migrate', '/spec/ttlSecondsAfterFinished']);
      expect(f.message).toContain('Application prod self-heals');
      expect(f.fix).toContain('drop ttlAfterFinished');
      expect(f.fix).toContain('selfHeal');
    }
  });

  test('the neighbours pass: no TTL, no Application, selfHeal off or unset, manual sync, another group', () => {
    const heal = application({ prune: true, selfHeal: true });
    expect(findings([job(), heal], 'JOB_TTL_SELF_HEAL')).toEqual([]);
    expect(findings([job(null), heal], 'JOB_TTL_SELF_HEAL')).toEqual([]);
    expect(findings([job(3600)], 'JOB_TTL_SELF_HEAL')).toEqual([]);
    expect(findings([job(3600), application({ prune: true, selfHeal: false })], 'JOB_TTL_SELF_HEAL')).toEqual([]);
    expect(findings([job(3600), application({ prune: true })], 'JOB_TTL_SELF_HEAL')).toEqual([]);
    expect(findings([job(3600), application(undefined)], 'JOB_TTL_SELF_HEAL')).toEqual([]);
    expect(findings([job(3600), application({ selfHeal: true }, 'example.com/v1')], 'JOB_TTL_SELF_HEAL')).toEqual([]);
    // A CronJob's Jobs are its own (not in Git): a TTL on its jobTemplate loops nothing.
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'r', namespace: 'shop' },
      spec: { schedule: '@daily', jobTemplate: { spec: job(3600).spec } },
    };
    expect(findings([cron, heal], 'JOB_TTL_SELF_HEAL')).toEqual([]);
  });

  test('at synth: a BatchJob with ttlAfterFinished in an app with an ArgoApplication (selfHeal by default) fails the build at the Job', () => {
    const build = (ttl: boolean, selfHeal?: boolean) => {
      const a = new App();
      const c = new BlueprintChart(a, 'c', { owner: 'o' });
      const team = new TeamNamespace(c, 'team');
      new BatchJob(c, 'mig', {
        namespace: team,
        image: 'busybox:1.36',
        command: ['true'],
        ...(ttl ? { ttlAfterFinished: Duration.hours(1) } : {}),
      });
      const g = new BlueprintChart(a, 'argocd', { owner: 'platform' });
      new ArgoApplication(g, 'prod', {
        repoUrl: 'https://github.com/acme/m.git',
        path: 'dist/prod',
        ...(selfHeal === undefined ? {} : { selfHeal }),
      });
      try {
        renderApp(a);
        return [];
      } catch (e) {
        if (!(e instanceof BlueprintError)) throw e;
        return e.issues.filter((i) => i.code === 'JOB_TTL_SELF_HEAL').map((i) => `${i.path} ${i.field}`);
      }
    };
    expect(build(true)).toEqual(['c/mig/Resource /spec/ttlSecondsAfterFinished']);
    expect(build(false)).toEqual([]);
    expect(build(true, false)).toEqual([]);
  });
});
