import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { ClusterPlatform, HelloworldDb } from '../../blueprints';
import {
  BlueprintChart,
  ConfigMap,
  EnvValue,
  SecretBackend,
  SecretDeclaration,
  checkManifests,
  formatReport,
  validateManifests,
  LimitRange,
  PersistentVolumeClaim,
  ResourceQuota,
  ExternalService,
  IngressRoutes,
  PriorityClass,
  Release,
  StorageClass,
  TeamNamespace,
  Volume,
  WebService,
  Worker,
  RULES,
  renderApp,
  runRules,
  synthesize,
} from '../../constructs';
import { AWS_KEY, WEB, catchBlueprintError, expectCode, expectLeakFree, testChart } from '../helpers';

/*
 * Input that is not typed (JavaScript, JSON config) reaches every public
 * constructor as a typed BlueprintError, never a TypeError, and never echoes
 * a credential. The counterexamples the property tests found, kept as cases.
 * Only cross-cutting cases live here: one hostile class of input across many
 * constructs and paths; what one module does with its own input is tested in
 * that module's mirror (e.g. BlueprintError's redaction in errors.test.ts).
 */
const image = 'ghcr.io/acme/app:1.27.2';

describe('PROPS_INVALID: every prop is checked against its shape at the entry', () => {
  test.each([
    ['a port without a name', { ports: [{ name: null, port: 80 }] }, 'ports[0].name'],
    ['a port that is a string', { ports: [''] }, 'ports[0]'],
    ['mounts as an object', { mounts: { volume: 'x' } }, 'mounts'],
    ['a namespace without a prototype', { namespace: Object.create(null) }, 'namespace'],
    ['env as a list', { env: ['A=1'] }, 'env'],
    ['a sidecar that is a number', { sidecars: [5] }, 'sidecars[0]'],
  ])('%s', (_what, bad, field) => {
    const { chart } = testChart();
    const issue = expectCode(() => new Worker(chart, 'w', { namespace: 'team', image, ...bad } as never), 'PROPS_INVALID');
    expect(issue.field).toBe(field);
    expect(issue.path).toBe('test/w');
    expect(issue.construct).toBe('Worker');
  });

  test('every shape issue of one construct is reported together, and nothing joins the tree', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(
      () => new WebService(chart, 'web', { namespace: 5, image, ports: {}, servicePorts: 'http', replicas: '2' } as never),
    );
    expect(err.issues.map((i) => i.field).sort()).toEqual(['namespace', 'ports', 'replicas', 'servicePorts']);
    expect(chart.node.tryFindChild('web')).toBeUndefined();
  });

  test('props that are not an object', () => {
    const { chart } = testChart();
    expect(expectCode(() => new Worker(chart, 'w', null as never), 'PROPS_INVALID').field).toBe('props');
    expect(expectCode(() => new PriorityClass(chart, 'p', undefined as never), 'PROPS_INVALID').field).toBe('props');
  });

  test('the other families', () => {
    const { chart } = testChart();
    expect(
      expectCode(
        () => ExternalService.fromAddresses(chart, 'e', { namespace: 'ns', addresses: ['10.0.0.1'], ports: { name: 'x' } } as never),
        'PROPS_INVALID',
      ).field,
    ).toBe('ports');
    expect(expectCode(() => new IngressRoutes(chart, 'i', { namespace: 'ns', host: [''] } as never), 'PROPS_INVALID').field).toBe('host');
    expect(expectCode(() => new PriorityClass(chart, 'p', { name: true, value: 1 } as never), 'PROPS_INVALID').field).toBe('name');
    expect(expectCode(() => new StorageClass(chart, 's', { provisioner: Object.create(null) } as never), 'PROPS_INVALID').field).toBe(
      'provisioner',
    );
    for (const [props, field] of [
      [{ access: { view: 'devs' } }, 'access.view'],
      [{ labels: { team: 5 } }, 'labels.team'],
      [{ podSecurity: { enforce: 'root' } }, 'podSecurity.enforce'],
      [{ quota: 'small' }, 'quota'],
    ] as const)
      expect(expectCode(() => new TeamNamespace(chart, 'bad', props as never), 'PROPS_INVALID').field).toBe(field);
    const team = new TeamNamespace(chart, 'team', {});
    const web = new WebService(chart, 'web', { namespace: team, image, ports: [{ name: 'http', port: 8080 }] });
    const ing = new IngressRoutes(chart, 'ing', { namespace: 'team', host: 'shop.example.com' });
    expect(expectCode(() => ing.addRoute({ path: ['/'], backend: web } as never), 'PROPS_INVALID').field).toBe('routes[0].path');
  });

  test('a credential given where a name belongs is not echoed', () => {
    const { chart } = testChart();
    const keyed = catchBlueprintError(() => new Worker(chart, 'k', { namespace: 'team', image, env: { [AWS_KEY]: 5 } } as never));
    expectLeakFree(keyed);
    const err = catchBlueprintError(
      () => new Worker(chart, 'w', { namespace: 'team', image, ports: [{ name: AWS_KEY, port: 'x' }] } as never),
    );
    expectLeakFree(err);
  });
});

describe('PROPS_UNKNOWN: a key that is no prop is refused, not dropped', () => {
  test('a typo names the prop it is closest to', () => {
    const { chart } = testChart();
    const issue = expectCode(() => new Worker(chart, 'w', { namespace: 'team', image, replica: 3 } as never), 'PROPS_UNKNOWN');
    expect(issue).toMatchObject({ field: 'replica', value: 3, construct: 'Worker', path: 'test/w' });
    expect(issue.fix).toBe("did you mean 'replicas'?");
    expect(expectCode(() => new PriorityClass(chart, 'p', { value: 1, GlobalDefault: true } as never), 'PROPS_UNKNOWN').fix).toBe(
      "did you mean 'globalDefault'?",
    );
    expect(chart.node.tryFindChild('w')).toBeUndefined();
  });

  test('a key far from every prop lists the props; one that looks like a credential is not echoed', () => {
    const { chart } = testChart();
    const far = expectCode(() => new StorageClass(chart, 's', { provisioner: 'ebs.csi.aws.com', team: 'x' } as never), 'PROPS_UNKNOWN');
    expect(far.fix).toMatch(/^remove it; the props are name, provisioner, /);
    const err = catchBlueprintError(() => new StorageClass(chart, 't', { provisioner: 'ebs.csi.aws.com', [AWS_KEY]: AWS_KEY } as never));
    expect(err.issues[0]).toMatchObject({ code: 'PROPS_UNKNOWN', field: '<redacted>', value: '<redacted>' });
    expectLeakFree(err);
  });

  test('reported together with every other issue of the construct; an undefined key is no key', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new WebService(chart, 'web', { namespace: 5, image, replicsa: 2, servicePort: [] } as never));
    expect(err.issues.map((i) => `${i.code} ${i.field}`).sort()).toEqual([
      'PROPS_INVALID namespace',
      'PROPS_UNKNOWN replicsa',
      'PROPS_UNKNOWN servicePort',
    ]);
    const partial = catchBlueprintError(() => new ConfigMap(chart, 'c', { namespace: 'team', data: { a: 'b' }, file: 'x' } as never));
    expect(partial.issues.map((i) => `${i.code} ${i.field} ${i.fix}`)).toEqual(["PROPS_UNKNOWN file did you mean 'files'?"]);
    expect(() => new Worker(chart, 'ok', { namespace: 'team', image, replica: undefined } as never)).not.toThrow();
  });

  test('plain-data objects inside the props are held to their interface too', () => {
    const { chart } = testChart();
    const fields = (props: object) =>
      catchBlueprintError(
        () => new WebService(chart, 'web', { namespace: 'team', image, ports: [{ name: 'http', port: 8080 }], ...props } as never),
      ).issues.map((i) => `${i.code} ${i.field} ${i.fix}`);
    expect(fields({ autoscaling: { minReplicas: 2, maxReplica: 5 } })).toEqual([
      "PROPS_UNKNOWN autoscaling.maxReplica did you mean 'maxReplicas'?",
    ]);
    expect(fields({ resources: { requests: { cpu: '100m', memroy: '64Mi' } } })).toEqual([
      "PROPS_UNKNOWN resources.requests.memroy did you mean 'memory'?",
    ]);
    expect(fields({ sidecars: [{ name: 'log', image, mount: [] }] })).toEqual(["PROPS_UNKNOWN sidecars[0].mount did you mean 'mounts'?"]);
    expect(fields({ disruptionBudget: { minAvailible: 1 } })).toEqual([
      "PROPS_UNKNOWN disruptionBudget.minAvailible did you mean 'minAvailable'?",
    ]);
    expect(expectCode(() => Release.canary({ image, replica: 1 } as never), 'PROPS_UNKNOWN').field).toBe('options.replica');
  });

  test('options of functions and factories too: a misspelt outdir is not a silent write elsewhere', () => {
    expect(expectCode(() => Volume.emptyDir('scratch', { sizelimit: '1Gi' } as never), 'PROPS_UNKNOWN')).toMatchObject({
      field: 'options.sizelimit',
      fix: "did you mean 'sizeLimit'?",
    });
    const { app } = testChart();
    expect(expectCode(() => synthesize(app, { outDir: 'out' } as never), 'PROPS_UNKNOWN')).toMatchObject({
      field: 'options.outDir',
      fix: "did you mean 'outdir'?",
    });
  });

  test("a managed database given a port (it has none: the Service keeps the app's port) is refused", () => {
    const { chart } = testChart();
    const issue = expectCode(
      () =>
        new HelloworldDb(chart, 'db', {
          namespace: new TeamNamespace(chart, 'shop', {}),
          managedDatabase: { hostName: 'db.example.com', port: 3306 },
        } as never),
      'PROPS_UNKNOWN',
    );
    expect(issue.field).toBe('managedDatabase.port');
  });
});

describe('ID_INVALID', () => {
  test.each([['__proto__'], ['constructor'], ['toString']])('%s, a name of every JavaScript object', (id) => {
    const { chart } = testChart();
    expectCode(() => new Worker(chart, id, { namespace: 'team', image }), 'ID_INVALID');
    expectCode(() => new TeamNamespace(chart, id, {}), 'ID_INVALID');
  });

  test('an id used twice in one scope', () => {
    const { chart } = testChart();
    new Worker(chart, 'w', { namespace: 'team', image });
    expect(expectCode(() => new Worker(chart, 'w', { namespace: 'team', image }), 'ID_INVALID').message).toContain('already used');
  });

  test('an id used twice names the construct that holds it: its class and path', () => {
    const { app, chart } = testChart();
    new Worker(chart, 'w', { namespace: 'team', image });
    const issue = expectCode(() => new Worker(chart, 'w', { namespace: 'team', image }), 'ID_INVALID');
    expect(issue.message).toBe(`is already used by Worker '${chart.node.path}/w' in '${chart.node.path}'`);
    const top = expectCode(() => new BlueprintChart(app, chart.node.id, { owner: 'o' }), 'ID_INVALID');
    expect(top.message).toBe(`is already used by BlueprintChart '${chart.node.path}' in the app`);
  });

  test('an id that looks like a credential is refused without echoing it (ids become names)', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new TeamNamespace(chart, AWS_KEY, {}));
    expect(err.code).toBe('ID_INVALID');
    expectLeakFree(err);
  });

  test('a scope that is not a construct', () => {
    expectCode(() => new Worker({} as never, 'w', { namespace: 'team', image }), 'ID_INVALID');
  });
});

describe('SECRET_IN_OUTPUT on every string of the output', () => {
  test('a credential that passes every prop rule (a valid label value) is caught on the rendered objects, not echoed', () => {
    const { app, chart } = testChart();
    new Worker(chart, 'w', { namespace: 'team', image, version: AWS_KEY });
    const err = catchBlueprintError(() => renderApp(app));
    const issue = err.issues.find((i) => i.code === 'SECRET_IN_OUTPUT')!;
    expect(issue.field).toBe('/metadata/labels/app.kubernetes.io~1version');
    expect(issue.path).toBe('test/w/Deployment');
    expect(err.message).not.toContain('Q7CANARY');
  });

  test("a Secret's data is where credentials belong; its other fields and every other kind are scanned", () => {
    const meta = (name: string, annotations = {}) => ({ name, namespace: 'team', annotations });
    const found = runRules(
      [
        { apiVersion: 'v1', kind: 'Secret', metadata: meta('db'), stringData: { url: `postgres://app:${'hunter2x'}@db/app` } },
        { apiVersion: 'v1', kind: 'Secret', metadata: meta('leaky', { note: AWS_KEY }), data: {} },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cm'), data: { [AWS_KEY]: 'x' } },
      ],
      { rules: RULES.filter((r) => r.code === 'SECRET_IN_OUTPUT') },
    );
    expect(found.map((f) => `${f.object} ${f.pointer}`)).toEqual([
      'Secret/team/leaky /metadata/annotations/note',
      'ConfigMap/team/cm /data/<redacted>',
    ]);
    expect(JSON.stringify(found)).not.toContain('Q7CANARY');
  });
});

describe('one synth reports every problem it can find', () => {
  const codesAt = (err: { issues: readonly { code: string; field: string; path: string }[] }) =>
    err.issues.map((i) => `${i.path} ${i.code} ${i.field}`).sort();

  test('a construct with several bad fields reports each, of the shape or not, once', () => {
    const { chart } = testChart();
    const cm = catchBlueprintError(
      () => new ConfigMap(chart, 'cm', { namespace: 5, name: 'Not A Name', data: { 'bad key': '1', port: 8080 }, files: [] } as never),
    );
    expect(codesAt(cm)).toEqual([
      'test/cm CONFIG_KEY_INVALID data.bad key',
      'test/cm CONFIG_VALUE_INVALID data.port',
      'test/cm NAME_INVALID name',
      'test/cm PROPS_INVALID files',
      'test/cm PROPS_INVALID namespace',
    ]);
    const quota = catchBlueprintError(
      () =>
        new ResourceQuota(chart, 'q', { namespace: 'Bad_NS', limits: { requestsCpu: 'lots', pods: '20' }, scopes: 'BestEffort' } as never),
    );
    expect(quota.codes.sort()).toEqual(['NAME_INVALID', 'PROPS_INVALID']);
    expect(quota.issues.map((i) => i.field).sort()).toEqual(['limits.pods', 'namespace', 'scopes']);
    const limits = catchBlueprintError(
      () =>
        new LimitRange(chart, 'lr', {
          namespace: 'team',
          container: { max: { cpu: '1' }, min: { cpu: '2' } },
          persistentVolumeClaim: { min: '10Gi', max: '1Gi' },
          name: ['limits'],
        } as never),
    );
    // min above max is also above the defaults taken from max: one issue per pair.
    expect([...new Set(codesAt(limits))]).toEqual([
      'test/lr LIMITRANGE_ORDER container.min.cpu',
      'test/lr LIMITRANGE_ORDER persistentVolumeClaim.min',
      'test/lr PROPS_INVALID name',
    ]);
    const claim = catchBlueprintError(
      () => new PersistentVolumeClaim(chart, 'pvc', { namespace: 'team', size: 'huge', accessModes: [], storageClass: 3 } as never),
    );
    expect(codesAt(claim)).toEqual([
      'test/pvc CLAIM_INVALID accessModes',
      'test/pvc PROPS_INVALID storageClass',
      'test/pvc QUANTITY_INVALID size',
    ]);
  });

  test('a field the shape refuses is not judged again by the construct (one issue, not two)', () => {
    const { chart } = testChart();
    const err = catchBlueprintError(() => new PersistentVolumeClaim(chart, 'pvc', { namespace: ['team'] } as never));
    expect(codesAt(err)).toEqual(['test/pvc PROPS_INVALID namespace', 'test/pvc PROPS_INVALID size']);
  });

  test('a blueprint builds every part on its own: two bad teams and a bad store are reported together', () => {
    const app = new App();
    const err = catchBlueprintError(
      () =>
        new ClusterPlatform(app, 'platform', {
          environment: 'dev',
          teams: [{ name: 'payments' }, { name: 'Bad Team' }, { name: 'shop', quota: { requestsCpu: 'many' } }, { name: 'payments' }],
          secretStore: { awsRegion: 5 },
        } as never),
    );
    // The team names are the platform's own props (teams[i].name), judged before any chart is made.
    expect(codesAt(err)).toEqual([
      'cluster/secret-store PROPS_INVALID awsRegion',
      'platform NAME_INVALID teams[1].name',
      'platform NAME_INVALID teams[3].name',
      'team-shop/shop/Quota QUANTITY_INVALID limits.requestsCpu',
    ]);
  });

  test('a bad argument names every wrong argument of the call', () => {
    const err = catchBlueprintError(() => Volume.nfs(5 as never, null as never, '/x', 'ro' as never));
    expect(err.issues.map((i) => `${i.construct} ${i.field}`)).toEqual(['Volume.nfs name', 'Volume.nfs server', 'Volume.nfs options']);
  });
});

describe('no text of an issue echoes a credential: message, fix, field, path, construct, value', () => {
  test('SECRET_KEY_UNDECLARED: the fix does not echo the key it suggests adding, and says the rest', () => {
    const { chart } = testChart();
    const db = new SecretDeclaration(chart, 'db', { namespace: 'team', keys: ['password'], backend: SecretBackend.deployTool() });
    const err = catchBlueprintError(() => EnvValue.fromSecret(db, AWS_KEY));
    expect(err.issues.find((i) => i.code === 'SECRET_KEY_UNDECLARED')!.fix).toBe(
      "read one of password, or add '<redacted>' to the declaration's keys",
    );
    expectLeakFree(err);
  });

  test('the valid neighbour: an ordinary fix is kept as written', () => {
    const { chart } = testChart();
    const db = new SecretDeclaration(chart, 'db', { namespace: 'team', keys: ['password'], backend: SecretBackend.deployTool() });
    expect(expectCode(() => EnvValue.fromSecret(db, 'user'), 'SECRET_KEY_UNDECLARED').fix).toContain("add 'user'");
  });

  test('OBJECT_DUPLICATE: construct paths with a credential-shaped id are not printed in the fix', () => {
    const app = new App();
    // Two objects of one name (found at render) and two workloads of one name (refused at construction).
    for (const chart of [new Chart(app, `a${AWS_KEY}`), new Chart(app, 'b')])
      new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'team' } });
    const err = catchBlueprintError(() => renderApp(app));
    expect(err.codes).toContain('OBJECT_DUPLICATE');
    expectLeakFree(err);
    new Worker(new Chart(app, `c${AWS_KEY}`), 'w', { namespace: 'team', image });
    const workload = catchBlueprintError(() => new Worker(new Chart(app, 'd'), 'w', { namespace: 'team', image }));
    expect(workload.codes).toEqual(['OBJECT_DUPLICATE']);
    expectLeakFree(workload);
  });

  test('OUTDIR_FOREIGN_FILE: a path with a credential in it is not printed in the fix', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cb-hostile-')), AWS_KEY);
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'test.k8s.yaml'), 'mine\n');
    const { app, chart } = testChart();
    new Worker(chart, 'w', { namespace: 'team', image });
    const err = catchBlueprintError(() => synthesize(app, { outdir }));
    expect(err.codes).toEqual(['OUTDIR_FOREIGN_FILE']);
    expectLeakFree(err);
  });

  test('a non-string image (Buffer, object with toString, RegExp, list, Symbol) is PROPS_INVALID of its shape, not IMAGE_UNPINNED', () => {
    for (const bad of [Buffer.from(AWS_KEY), { toString: () => AWS_KEY }, /x/, ['nginx:1.27.2'], Symbol('x')]) {
      const { chart } = testChart();
      const err = catchBlueprintError(() => new Worker(chart, 'w', { namespace: 'team', image: bad } as never));
      expect(err.issues.map((i) => `${i.code} ${i.field}`)).toEqual(['PROPS_INVALID image']);
      expectLeakFree(err);
    }
  });

  test('the valid neighbour: a string image that is unpinned is still IMAGE_UNPINNED', () => {
    const { chart } = testChart();
    expect(expectCode(() => new Worker(chart, 'w', { namespace: 'team', image: 'nginx' }), 'IMAGE_UNPINNED').field).toBe('container.image');
  });

  test('findings of checkManifests and validateManifests do not name an object by a credential (kind, namespace, name)', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: AWS_KEY, namespace: 'x' }, data: { a: 'b' } },
      { apiVersion: 'v1', kind: AWS_KEY, metadata: { name: 'a' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: AWS_KEY.toLowerCase() }, data: { a: 'b' } },
    ];
    const report = checkManifests(objects);
    expect(report.findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(report) + formatReport(report, 'x')).not.toContain('Q7CANARY');
    const findings = validateManifests(objects);
    expect(findings.map((f) => f.object)).toEqual(expect.arrayContaining(['<redacted>/a']));
    expect(JSON.stringify(findings)).not.toContain('Q7CANARY');
  });

  test('the valid neighbour: an ordinary identity is named in full', () => {
    const findings = validateManifests([{ apiVersion: 'v1', kind: 'Nope', metadata: { name: 'a' } }]);
    expect(findings[0].object).toBe('Nope/a');
    expect(findings[0].message).toContain('Nope');
  });
});

describe('a value that cannot be inspected (a revoked Proxy) is PROPS_INVALID at its field, never a TypeError', () => {
  const revoked = () => {
    const p = Proxy.revocable({}, {});
    p.revoke();
    return p.proxy;
  };
  test.each([
    ['the props', () => revoked(), 'props'],
    ['a port', () => ({ namespace: 'team', ...WEB, ports: [revoked()] }), 'ports[0]'],
    ['env', () => ({ namespace: 'team', ...WEB, env: revoked() }), 'env'],
    ['the scope', () => ({ namespace: 'team', ...WEB }), 'id'],
  ])('%s', (what, props, field) => {
    const { chart } = testChart();
    const scope = what === 'the scope' ? revoked() : chart;
    const err = catchBlueprintError(() => new WebService(scope as never, 'web', props() as never));
    expect(err.issues.map((i) => i.field)).toContain(field);
    expect(err.codes).toEqual([what === 'the scope' ? 'ID_INVALID' : 'PROPS_INVALID']);
  });
});
