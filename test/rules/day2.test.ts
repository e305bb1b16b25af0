import { App, Duration } from 'cdk8s';
import {
  ArgoApplication,
  BatchJob,
  BlueprintChart,
  BlueprintError,
  PersistentVolumeClaim,
  RULES,
  ReclaimPolicy,
  StatefulService,
  StorageClass,
  TeamNamespace,
  renderApp,
  runRules,
  setClusterFacts,
} from '../../constructs';
import { lastAppliedAnnotationsBytes } from '../../constructs/gitops/sync-annotations';
import { POSTGRES, rawWorkload, teamChart } from '../helpers';
import { UNPRINTABLE, afterMutation, find, mutated, onMalformed } from './fixture';

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
      const { app: a, chart: c, team } = teamChart();
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
    expect(build(true)).toEqual(['test/mig/Resource /spec/ttlSecondsAfterFinished']);
    expect(build(false)).toEqual([]);
    expect(build(true, false)).toEqual([]);
  });
});

describe('BACKUP_MISSING: a Schedule covers a holder only when Velero runs it and it reaches the volume data', () => {
  const ns = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'shop', labels: { 'cluster-blueprints.io/environment': 'production' } },
  };
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'shop', labels: { app: 'db' } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  };
  const schedule = (template: object, extra: { namespace?: string; spec?: object; annotations?: object } = {}) => ({
    apiVersion: 'velero.io/v1',
    kind: 'Schedule',
    metadata: { name: 'shop', namespace: extra.namespace ?? 'velero', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: { schedule: '0 3 * * *', ...extra.spec, template: { includedNamespaces: ['shop'], ttl: '720h0m0s', ...template } },
  });
  const missing = (...objects: any[]) => runRules([ns, ...objects]).filter((f) => f.rule === 'BACKUP_MISSING');

  test('a plain Schedule of the namespace, in velero, covers the claim; an empty includedNamespaces or * is every namespace', () => {
    expect(missing(claim, schedule({}))).toEqual([]);
    expect(missing(claim, schedule({ includedNamespaces: [] }))).toEqual([]);
    expect(missing(claim, schedule({ includedNamespaces: ['*'] }))).toEqual([]);
    expect(missing(claim, schedule({ includedNamespaces: ['other'] })).map((f) => f.object)).toEqual(['PersistentVolumeClaim/shop/data']);
    expect(missing(claim, schedule({ includedNamespaces: ['*'], excludedNamespaces: ['shop'] }))).toHaveLength(1);
  });

  test('namespace globs match as Velero (1.18 and later) expands them; a pattern Velero refuses fails every backup', () => {
    const covers = (template: object) => missing(claim, schedule(template)).length === 0;
    for (const glob of ['sh*', 's?op', 'sho[a-p]', 's[!x]op', '{shop,cart}', '*p', 'sh\\o*'])
      expect([glob, covers({ includedNamespaces: [glob] })]).toEqual([glob, true]);
    // A pattern without * ? [ { is a name, taken literally: 'sh\\op' is not 'shop'.
    for (const glob of ['sh?', 'cart*', 's[!h]op', '{cart,till}', 'shop?', '[a-z]', 'sh\\op'])
      expect([glob, covers({ includedNamespaces: [glob] })]).toEqual([glob, false]);
    // Excludes are globs too; a '*' include does not override them.
    expect(covers({ includedNamespaces: ['*'], excludedNamespaces: ['sh*'] })).toBe(false);
    expect(covers({ includedNamespaces: ['shop'], excludedNamespaces: ['sh?'] })).toBe(true);
    // A pattern Velero refuses (regex operators, '**', an empty or unclosed class or brace) is named, even beside a name that matches.
    for (const bad of ['s(h)op', 'a|b', 'sh**', 'x[]', 'x[ab', '{a', 'a}']) {
      const [f] = missing(claim, schedule({ includedNamespaces: ['shop', bad] }));
      expect([bad, f?.message]).toEqual([bad, expect.stringContaining(`${JSON.stringify(bad)}, a pattern Velero refuses`)]);
    }
  });

  test.each([
    ['outside velero', schedule({}, { namespace: 'default' }), "outside Velero's namespace"],
    ['paused', schedule({}, { spec: { paused: true } }), 'is paused'],
    ['excluding claims', schedule({ excludedResources: ['PersistentVolumeClaims'] }), 'excludes claims'],
    ['excluding volumes', schedule({ excludedResources: ['pv'] }), 'excludes PersistentVolumes'],
    ['excluding claims (scoped)', schedule({ excludedNamespaceScopedResources: ['pvc'] }), 'excludes claims'],
    ['including only Deployments', schedule({ includedResources: ['deployments'] }), 'includes only other resources than claims'],
    ['including claims, not volumes', schedule({ includedResources: ['persistentvolumeclaims'] }), 'than PersistentVolumes'],
    ['without volume data', schedule({ snapshotVolumes: false, defaultVolumesToFsBackup: false }), 'backs up no volume data'],
    ['selecting other labels', schedule({ labelSelector: { matchLabels: { app: 'nothing' } } }), 'neither the claims nor the pods'],
    [
      'selecting other labels (or)',
      schedule({ orLabelSelectors: [{ matchLabels: { app: 'x' } }, { matchLabels: { app: 'y' } }] }),
      'neither',
    ],
    ['with both selectors', schedule({ labelSelector: { matchLabels: { app: 'db' } }, orLabelSelectors: [{}] }), 'sets both'],
  ])('a Schedule %s does not cover it, and the warning says why', (_, s, why) => {
    const [f] = missing(claim, s);
    expect(f?.object).toBe('PersistentVolumeClaim/shop/data');
    expect(f.message).toContain(why);
    // Each shortfall is named for what it is: excluding volumes is not excluding claims.
    if (why === 'excludes PersistentVolumes') expect(f.message).not.toContain('excludes claims');
  });

  test("Velero's namespace may be another one the Schedule declares installed by Velero (as BackupSchedule does)", () => {
    const declared = schedule({}, { namespace: 'backup', annotations: { 'cluster-blueprints.io/namespace-installed-by': 'velero' } });
    expect(missing(claim, declared)).toEqual([]);
  });

  test("the selector matches the claim's own labels, or a pod mounting it; file-system backup needs the pod", () => {
    const selector = (app: string) => ({ labelSelector: { matchLabels: { app } } });
    expect(missing(claim, schedule(selector('db')))).toEqual([]);
    expect(missing(claim, schedule({ orLabelSelectors: [{ matchLabels: { app: 'x' } }, { matchLabels: { app: 'db' } }] }))).toEqual([]);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
    };
    expect(missing(claim, pod, schedule(selector('web')))).toEqual([]);
    // Copying files goes through the selected pods only: the claim's labels alone bring no pod volume backup.
    const fsOnly = (app: string) => schedule({ ...selector(app), snapshotVolumes: false, defaultVolumesToFsBackup: true });
    expect(missing(claim, pod, fsOnly('web'))).toEqual([]);
    expect(missing(claim, pod, fsOnly('db'))).toHaveLength(1);
  });

  test('every pod of the namespace mounting the claim counts, a pod of another namespace or mounting another claim does not', () => {
    const selector = (app: string) => ({ labelSelector: { matchLabels: { app } } });
    const pod = (name: string, namespace: string, claimName: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels: { app: name } },
      spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName } }] },
    });
    const pods = [pod('a', 'shop', 'data'), pod('b', 'shop', 'data'), pod('c', 'other', 'data'), pod('d', 'shop', 'logs')];
    expect(missing(claim, ...pods, schedule(selector('a')))).toEqual([]);
    expect(missing(claim, ...pods, schedule(selector('b')))).toEqual([]);
    expect(missing(claim, ...pods, schedule(selector('c')))).toHaveLength(1);
    expect(missing(claim, ...pods, schedule(selector('d')))).toHaveLength(1);
    // Many claims, each mounted by its own Deployment: each pod template's volumes are read once per namespace, not once per claim
    // (a scan of every template per claim: 4,000 claims took seconds).
    const n = 2000;
    let reads = 0;
    const many: any[] = [];
    for (let i = 0; i < n; i++) {
      const spec = { containers: [{ name: 'c', image: 'x' }] };
      const volumes = [{ name: 'v', persistentVolumeClaim: { claimName: `c${i}` } }];
      Object.defineProperty(spec, 'volumes', { enumerable: true, get: () => (reads++, volumes) });
      many.push({ ...claim, metadata: { name: `c${i}`, namespace: 'shop' } });
      many.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `d${i}`, namespace: 'shop' },
        spec: { selector: { matchLabels: { app: `d${i}` } }, template: { metadata: { labels: { app: `d${i}` } }, spec } },
      });
    }
    const rules = RULES.filter((r) => r.code === 'BACKUP_MISSING');
    expect(runRules([ns, ...many, schedule(selector('d17'))], { rules })).toHaveLength(n - 1);
    expect(reads).toBeLessThanOrEqual(2 * n);
  });

  test("a StatefulSet's claims carry its claim template's and selector's labels; its pods their template's", () => {
    const sts = rawWorkload({
      kind: 'StatefulSet',
      name: 'db',
      podLabels: { tier: 'gold' },
      containers: [{ name: 'c', image: 'x' }],
      spec: { volumeClaimTemplates: [{ metadata: { name: 'data', labels: { backup: 'yes' } }, spec: {} }] },
    });
    for (const app of [{ app: 'db' }, { tier: 'gold' }, { backup: 'yes' }])
      expect(missing(sts, schedule({ labelSelector: { matchLabels: app } }))).toEqual([]);
    expect(missing(sts, schedule({ labelSelector: { matchLabels: { tier: 'silver' } } })).map((f) => f.object)).toEqual([
      'StatefulSet/shop/db',
    ]);
  });

  test("on the catalogue's fixture: a Velero Schedule including the namespace covers the StatefulSet's claims", () => {
    const objects = mutated('BACKUP_MISSING');
    expect(
      runRules(objects)
        .filter((f) => f.rule === 'BACKUP_MISSING')
        .map((f) => f.object),
    ).toEqual(['StatefulSet/shop/db']);
    objects.push({
      apiVersion: 'velero.io/v1',
      kind: 'Schedule',
      metadata: { name: 'shop', namespace: 'velero' },
      spec: { schedule: '0 2 * * *', template: { includedNamespaces: ['shop'], ttl: '720h0m0s' } },
    });
    expect(runRules(objects).filter((f) => f.rule === 'BACKUP_MISSING')).toEqual([]);
  });

  test('CLI on foreign YAML: the audit case (a Schedule outside velero, paused, excluding claims, selecting nothing) warns', () => {
    const s = schedule(
      {
        excludedResources: ['persistentvolumeclaims', 'persistentvolumes'],
        labelSelector: { matchLabels: { app: 'nothing' } },
        snapshotVolumes: false,
      },
      { namespace: 'default', spec: { paused: true } },
    );
    const [f] = missing(claim, s);
    for (const why of ["outside Velero's namespace", 'is paused', 'excludes claims', 'backs up no volume data'])
      expect(f.message).toContain(why);
  });
});

describe('VOLUME_RECLAIM_DELETE', () => {
  function app(reclaimPolicy: ReclaimPolicy | 'default-delete' | 'existing', production = true) {
    const a = new App();
    setClusterFacts(a, { production, ...(reclaimPolicy === 'existing' ? { existingStorageClasses: ['gp3'] } : {}) });
    const chart = new BlueprintChart(a, 'c', { owner: 'o' });
    const team = new TeamNamespace(chart, 'payments', { holdsData: true });
    const sc =
      reclaimPolicy === 'existing'
        ? 'gp3'
        : reclaimPolicy === 'default-delete'
          ? (new StorageClass(chart, 'standard', { provisioner: 'ebs.csi.aws.com', reclaimPolicy: ReclaimPolicy.DELETE, isDefault: true }),
            undefined)
          : new StorageClass(chart, 'disks', { provisioner: 'ebs.csi.aws.com', reclaimPolicy });
    const db = new StatefulService(chart, 'ledger', {
      namespace: team,
      ...POSTGRES,
      replicas: 2,
      claims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '5Gi', storageClass: sc }],
    });
    db.backUp();
    return renderApp(a).flatMap((r) => r.objects);
  }
  const reclaim = (objects: any[]) => runRules(objects).filter((f) => f.rule === 'VOLUME_RECLAIM_DELETE');

  test('a production claim on a class of the output that deletes its volume warns at the claim template', () => {
    const [f, ...rest] = reclaim(app(ReclaimPolicy.DELETE));
    expect(rest).toEqual([]);
    expect([f.severity, f.object, f.pointer]).toEqual([
      'warning',
      'StatefulSet/payments/ledger',
      '/spec/volumeClaimTemplates/0/spec/storageClassName',
    ]);
    expect(f.message).toContain('StorageClass disks, whose reclaimPolicy is Delete');
    expect(f.fix).toContain('persistentVolumeReclaimPolicy');
  });

  test('Retain passes; so does Delete outside production, and a class the output does not define', () => {
    expect(reclaim(app(ReclaimPolicy.RETAIN))).toEqual([]);
    expect(reclaim(app(ReclaimPolicy.DELETE, false))).toEqual([]);
    expect(reclaim(app('existing'))).toEqual([]);
  });

  test("no storageClassName takes the output's default class; a class without reclaimPolicy deletes (the API server's default)", () => {
    expect(reclaim(app('default-delete')).map((f) => f.message)).toEqual([expect.stringContaining('the default StorageClass (standard)')]);
    const objects = app(ReclaimPolicy.RETAIN);
    delete objects.find((o) => o.kind === 'StorageClass').reclaimPolicy;
    expect(reclaim(objects).map((f) => f.message)).toEqual([expect.stringContaining('unset (Delete)')]);
  });
});

test('LAST_APPLIED_TOO_LARGE counts an annotation that is a map without throwing (a map with a toString key is no text)', () => {
  expect(onMalformed((o) => (find(o, 'Namespace', 'shop').metadata.annotations = { a: UNPRINTABLE() }), 'LAST_APPLIED_TOO_LARGE')).toEqual(
    [],
  );
});

test('JOB_TTL_SELF_HEAL skips a TTL that is a map (no TTL the controller acts on) instead of throwing', () => {
  const ttl = afterMutation('JOB_TTL_SELF_HEAL', (o) => (find(o, 'Job', 'migrate').spec.ttlSecondsAfterFinished = UNPRINTABLE()));
  expect(onMalformed(ttl, 'JOB_TTL_SELF_HEAL')).toEqual([]);
});

describe('STORAGE_PARAMETERS_FOREIGN', () => {
  const cls = (provisioner: string, parameters?: Record<string, string>) => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'c' },
    provisioner,
    ...(parameters ? { parameters } : {}),
  });
  const messages = (...objects: any[]) =>
    runRules(objects)
      .filter((f) => f.rule === 'STORAGE_PARAMETERS_FOREIGN')
      .map((f) => `${f.pointer} ${f.message}`);

  test('Azure Disk: any type key (the driver reads keys in any case) is refused; its own keys pass', () => {
    expect(messages(cls('disk.csi.azure.com', { Type: 'Premium_LRS' }))).toEqual([
      '/parameters has parameter Type, which the Azure Disk driver refuses (it takes skuName for the disk type): no volume of the class is ever provisioned',
    ]);
    expect(messages(cls('disk.csi.azure.com', { skuName: 'Premium_LRS' }), cls('disk.csi.azure.com'))).toEqual([]);
  });

  test('GCE PD: an EBS volume type is no disk type of Compute Engine; its own types pass', () => {
    expect(messages(cls('pd.csi.storage.gke.io', { type: 'GP3' }))).toHaveLength(1);
    expect(
      messages(cls('pd.csi.storage.gke.io', { type: 'pd-balanced' }), cls('pd.csi.storage.gke.io', { type: 'hyperdisk-balanced' })),
    ).toEqual([]);
  });

  test('the EBS driver, and drivers the rule does not know, are not judged', () => {
    expect(messages(cls('ebs.csi.aws.com', { type: 'gp3' }), cls('example.com/csi', { type: 'gp3' }))).toEqual([]);
  });

  test('a ClusterPlatform on Azure Disk renders no finding: its classes get no EBS parameters', () => {
    const { ClusterPlatform } = jest.requireActual('../../blueprints');
    const app = new App();
    new ClusterPlatform(app, 'platform', {
      environment: 'prod',
      provisioner: 'disk.csi.azure.com',
      teams: [{ name: 'shop', holdsData: true }],
    });
    const objects = renderApp(app).flatMap((r) => r.objects);
    expect(messages(...objects)).toEqual([]);
    expect(messages(...objects.map((o) => (o.kind === 'StorageClass' ? { ...o, parameters: { type: 'gp3' } } : o)))).toHaveLength(2);
  });
});
