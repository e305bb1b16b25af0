import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  BlueprintChart,
  EnvValue,
  REQUIREMENTS_FILE,
  SecretBackend,
  SecretDeclaration,
  TeamNamespace,
  WRITTEN_LIST,
  WebService,
  controllerRequirements,
  loadManifestDir,
  namespaceRequirements,
  secretRequirements,
  renderApp,
  setClusterFacts,
  synthesize,
} from '../../constructs';
import { App } from 'cdk8s';
import { expectCode, rawAwsSecretStore } from '../helpers';
import { synthApp } from '../../stacks/main';
import { deepFrozen } from '../helpers';

const renders = new Map<string, any[]>();
/** An environment's rendered objects, frozen: rendered once per file (prod is read by two tests). */
const rendered = (env: string): any[] => {
  if (!renders.has(env)) renders.set(env, deepFrozen(renderApp(synthApp(env)).flatMap((r) => r.objects)));
  return renders.get(env)!;
};
const names = (env: string) => controllerRequirements(rendered(env)).map((c) => c.name);

describe('controller requirements', () => {
  test('derived from the custom kinds each environment renders: only prod backs up, so only prod needs Velero; the VPA watches the ledger, which prod does not run', () => {
    const addOns = [
      'CSI driver ebs.csi.aws.com',
      'external-dns',
      'ingress controller (IngressClass nginx)',
      'load balancer',
      'metrics-server',
      'NetworkPolicy enforcement',
    ];
    const sorted = (xs: string[]) => [...xs].sort((a, b) => a.localeCompare(b));
    expect(names('dev')).toEqual(
      sorted(['Argo CD', 'cert-manager', 'External Secrets Operator', 'prometheus-operator', 'Vertical Pod Autoscaler', ...addOns]),
    );
    expect(names('prod')).toEqual(
      sorted(['Argo CD', 'cert-manager', 'External Secrets Operator', 'prometheus-operator', 'Velero', ...addOns]),
    );
  });

  test('built-in kinds that nothing acts on without an add-on name it: the Ingress its class, an HPA on CPU metrics-server, a CSI class its driver', () => {
    const need = (...objects: object[]) => controllerRequirements(objects).map((r) => [r.name, r.versionRange, r.crds, r.setup?.length]);
    expect(need({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', spec: { ingressClassName: 'traefik' } })).toEqual([
      ['ingress controller (IngressClass traefik)', '*', [], 1],
    ]);
    expect(need({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', spec: {} })[0][0]).toBe(
      'ingress controller (the default IngressClass)',
    );
    // No metrics is the API's default, 80% CPU: a Resource metric.
    expect(need({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', spec: {} })).toEqual([['metrics-server', '*', [], 1]]);
    expect(need({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', spec: { metrics: [{ type: 'External' }] } })).toEqual([
      ['custom metrics adapter', '*', [], 1],
    ]);
    expect(need({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: 'ebs.csi.aws.com' })[0][0]).toBe(
      'CSI driver ebs.csi.aws.com',
    );
    // In-tree and local volumes need no driver.
    expect(need({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: 'kubernetes.io/no-provisioner' })).toEqual([]);
    expect(need({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' })[0][0]).toBe('NetworkPolicy enforcement');
    const published = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { annotations: { 'external-dns.alpha.kubernetes.io/hostname': 'a.example.com' } },
    };
    expect(need(published)[0][0]).toBe('external-dns');
    // Listed once however many objects need it.
    expect(need(published, published)).toHaveLength(1);
  });

  test("ESO's setup: the store's AWS credentials (the controller's own without auth) and every remote secret an ExternalSecret reads", () => {
    const setup = (...objects: object[]) => controllerRequirements(objects)[0].setup ?? [];
    expect(setup(rawAwsSecretStore('aws', { service: 'SecretsManager', region: 'eu-west-1' }))).toEqual([
      expect.stringMatching(
        /^ClusterSecretStore aws: an IAM role for the operator's own ServiceAccount .* secretsmanager:GetSecretValue .* in eu-west-1/,
      ),
    ]);
    expect(setup(rawAwsSecretStore('aws', { service: 'ParameterStore', region: 'us-east-1', role: 'arn:aws:iam::1:role/r' }))[0]).toMatch(
      /ssm:GetParameter .*sts:AssumeRole on arn:aws:iam::1:role\/r/,
    );
    const externalSecret = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'shop' },
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws' },
        data: [{ remoteRef: { key: 'shop/db', property: 'password' } }, { remoteRef: { key: 'shop/token' } }, { remoteRef: {} }],
      },
    };
    expect(setup(externalSecret)).toEqual([
      expect.stringMatching(
        /^the remote secret shop\/db with the property password, read through ClusterSecretStore aws by ExternalSecret shop\/db: it must exist/,
      ),
      expect.stringMatching(/^the remote secret shop\/token, read through/),
    ]);
  });

  test('a LoadBalancer Service needs a load-balancer implementation, of its class when it names one', () => {
    const lb = (spec: object) => ({ apiVersion: 'v1', kind: 'Service', spec: { type: 'LoadBalancer', ...spec } });
    expect(controllerRequirements([lb({})]).map((r) => r.name)).toEqual(['load balancer']);
    expect(controllerRequirements([lb({ loadBalancerClass: 'service.k8s.aws/nlb' })])[0].setup).toEqual([
      expect.stringContaining('the load-balancer controller of the class service.k8s.aws/nlb'),
    ]);
    expect(controllerRequirements([{ apiVersion: 'v1', kind: 'Service', spec: { type: 'ClusterIP' } }])).toEqual([]);
  });

  test('hostile objects: a group named like an Object.prototype member is an unknown group; a sparse list is read by what it holds', () => {
    // Without a dot a group is one of Kubernetes' own (apps, batch…): nothing to install, and no TypeError.
    for (const group of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(controllerRequirements([{ apiVersion: `${group}/v1`, kind: 'X' }])).toEqual([]);
    expect(controllerRequirements([{ apiVersion: 'velero.io/constructor', kind: 'Schedule' }])[0].versionRange).toBe('*');
    // A hole is no metric: the API's default (CPU) applies, as with no metrics at all.
    const hpa = (metrics: unknown) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', spec: { metrics } });
    expect(controllerRequirements([hpa(new Array(2 ** 32 - 1))]).map((r) => r.name)).toEqual(['metrics-server']);
    const es = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'x', namespace: 'n' },
      spec: { data: new Array(2 ** 32 - 1) },
    };
    expect(controllerRequirements([es])[0]).not.toHaveProperty('setup');
  });

  test("Argo CD's range follows the sync options its objects carry: Delete=false needs 2.7.0, ServerSideApply=true 2.5.0", () => {
    const app = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' };
    const marked = (options: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { annotations: { 'argocd.argoproj.io/sync-options': options } },
    });
    const range = (...objects: object[]) => controllerRequirements(objects).find((r) => r.name === 'Argo CD')?.versionRange;
    expect(range(app)).toBe('>=2.0.0');
    expect(range(app, marked('ServerSideApply=true'))).toBe('>=2.5.0');
    expect(range(app, marked('Prune=false, Delete=false'), marked('ServerSideApply=true'))).toBe('>=2.7.0');
    // Without an Application the output is not synced by Argo CD: its options require nothing.
    expect(range(marked('Delete=false'))).toBeUndefined();
  });

  test('each controller lists the CRDs the objects use; built-in kinds need nothing; an unknown group is listed with any version', () => {
    const reqs = controllerRequirements([
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'v1', kind: 'Service' },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
      { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret' },
      { apiVersion: 'example.com/v2', kind: 'Widget' },
    ]);
    expect(reqs).toEqual([
      { name: 'example.com', versionRange: '*', crds: [{ group: 'example.com', kind: 'Widget', version: 'v2' }] },
      {
        name: 'External Secrets Operator',
        versionRange: '>=0.5.0 <0.17.0',
        crds: [{ group: 'external-secrets.io', kind: 'ExternalSecret', version: 'v1beta1' }],
      },
      {
        name: 'prometheus-operator',
        versionRange: '>=0.65.1',
        crds: [{ group: 'monitoring.coreos.com', kind: 'ServiceMonitor', version: 'v1' }],
      },
    ]);
  });

  test("cert-manager from 1.10.0: the first release whose HTTP-01 solver pods a namespace of Pod Security 'restricted' admits", () => {
    const [req] = controllerRequirements([{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate' }]);
    expect(req).toEqual({
      name: 'cert-manager',
      versionRange: '>=1.10.0',
      crds: [{ group: 'cert-manager.io', kind: 'Certificate', version: 'v1' }],
    });
  });

  test("Velero's setup: a storage location always, a volume snapshotter when a Schedule snapshots, the node agent for file-system backup", () => {
    const schedule = (template: object) => ({ apiVersion: 'velero.io/v1', kind: 'Schedule', spec: { template } });
    const setup = (...templates: object[]) => controllerRequirements(templates.map(schedule))[0].setup ?? [];
    const [location, snapshotter] = setup({});
    expect(location).toContain('a default BackupStorageLocation');
    expect(snapshotter).toContain('EnableCSI');
    expect(snapshotter).toContain('velero.io/csi-volumesnapshot-class: "true"');
    expect(setup({ snapshotVolumes: false })).toEqual([location]);
    expect(setup({ snapshotVolumes: false, storageLocation: 'eu' })).toEqual([expect.stringContaining('the BackupStorageLocation eu')]);
    expect(setup({ snapshotVolumes: false, defaultVolumesToFsBackup: true })[1]).toContain('--use-node-agent');
    // Listed once however many Schedules need it; other controllers have no setup field.
    expect(setup({}, {})).toEqual([location, snapshotter]);
    expect(controllerRequirements([{ apiVersion: 'cert-manager.io/v1', kind: 'Certificate' }])[0]).not.toHaveProperty('setup');
  });

  test(`synthesize writes ${REQUIREMENTS_FILE} into the outdir, lists it as its own, and check does not read it as a manifest`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-req-'));
    const app = synthApp('prod');
    const objects = rendered('prod');
    const result = synthesize(app, { outdir: dir, projectRoot: path.join(os.tmpdir(), 'cb-req-project') });
    expect(result.files).toContain(REQUIREMENTS_FILE);
    expect(fs.readFileSync(path.join(dir, WRITTEN_LIST), 'utf8').split('\n')).toContain(REQUIREMENTS_FILE);
    const lines = fs.readFileSync(path.join(dir, REQUIREMENTS_FILE), 'utf8').trim().split('\n');
    // The controllers, then the namespaces of the Argo CD Application and of the Velero Schedules, which their installs make.
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      ...controllerRequirements(objects),
      { kind: 'Namespace', name: 'argocd', create: 'kubectl create namespace argocd' },
      { kind: 'Namespace', name: 'velero', create: 'kubectl create namespace velero' },
    ]);
    expect(loadManifestDir(dir).errors).toEqual([]);
  });
});

describe('namespace and Secret requirements', () => {
  const synth = (build: (chart: BlueprintChart) => void) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-req-'));
    const app = new App();
    // The store the ExternalSecret of a test reads from.
    setClusterFacts(app, { existingSecretStores: ['aws'] });
    build(new BlueprintChart(app, 'c', { owner: 'o' }));
    const result = synthesize(app, { outdir: dir, projectRoot: path.join(os.tmpdir(), 'cb-req-project') });
    const text = fs.readFileSync(path.join(dir, REQUIREMENTS_FILE), 'utf8');
    return {
      result,
      text,
      lines: text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    };
  };

  test('a namespace the output uses and does not create is listed, with the command that creates it', () => {
    const { lines, result } = synth((chart) => {
      new WebService(chart, 'a', { namespace: 'apps', image: 'app:1.0.0', ports: [{ name: 'http', port: 8080 }] });
    });
    expect(lines.filter((l) => l.kind === 'Namespace')).toEqual([
      { kind: 'Namespace', name: 'apps', create: 'kubectl create namespace apps' },
    ]);
    // And no NetworkPolicy selects its pods: a warning, at synth as in check.
    expect(result.warnings.filter((w) => w.code === 'SEC_POD_NETWORKPOLICY').map((w) => w.path)).toEqual(['c/a/Deployment']);
  });

  test('namespaces the output creates, and the ones Kubernetes creates itself, are not listed', () => {
    const at = (namespace: string, kind = 'ConfigMap') => ({ apiVersion: 'v1', kind, metadata: { name: 'x', namespace } });
    expect(
      namespaceRequirements([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        at('shop'),
        at('default'),
        at('kube-system'),
        at('kube-public'),
        at('kube-node-lease'),
        at('b'),
        at('a', 'Secret'),
        at('b'),
      ]).map((n) => n.name),
    ).toEqual(['a', 'b']);
  });

  test("the deploy tool's Secrets are listed (namespace, name, type, keys, how to create them), never their values; other backends' are not", () => {
    const { lines, text } = synth((chart) => {
      const team = new TeamNamespace(chart, 'shop');
      const pull = new SecretDeclaration(chart, 'registry-credentials', {
        namespace: team,
        keys: ['.dockerconfigjson'],
        backend: SecretBackend.deployTool(),
      });
      const db = new SecretDeclaration(chart, 'db', { namespace: team, keys: ['password', 'user'], backend: SecretBackend.deployTool() });
      new SecretDeclaration(chart, 'eso', { namespace: team, keys: ['token'], backend: SecretBackend.externalSecrets({ store: 'aws' }) });
      new WebService(chart, 'web', {
        namespace: team,
        image: 'registry.example.com/app:1.0.0',
        ports: [{ name: 'http', port: 8080 }],
        imagePullSecrets: [pull],
        env: { DB_PASSWORD: EnvValue.fromSecret(db, 'password') },
      });
    });
    expect(lines.filter((l) => l.kind === 'Secret')).toEqual([
      {
        kind: 'Secret',
        namespace: 'shop',
        name: 'db',
        type: 'Opaque',
        keys: ['password', 'user'],
        create: 'kubectl create secret generic db --namespace shop --from-file=password=./password --from-file=user=./user',
      },
      {
        kind: 'Secret',
        namespace: 'shop',
        name: 'registry-credentials',
        type: 'kubernetes.io/dockerconfigjson',
        keys: ['.dockerconfigjson'],
        create:
          'kubectl create secret generic registry-credentials --namespace shop --type=kubernetes.io/dockerconfigjson --from-file=.dockerconfigjson=./.dockerconfigjson',
      },
    ]);
    expect(lines.some((l) => l.kind === 'Namespace')).toBe(false);
    expect(text).not.toMatch(/configKey|dbPassword/);
  });

  test('declarations of the wrong shape, or with a name the unquoted command would run, are PROPS_INVALID, never a TypeError', () => {
    const secret = {
      namespace: 'shop',
      name: 'db',
      backend: 'deploy-tool',
      type: 'Opaque',
      keys: [{ key: 'password', configKey: 'c', remoteKey: 'r', property: 'p' }],
    };
    expect(secretRequirements([secret as never]).map((r) => r.create)).toEqual([
      'kubectl create secret generic db --namespace shop --from-file=password=./password',
    ]);
    for (const declared of [
      [{ backend: 'deploy-tool' }],
      [null],
      [{ ...secret, keys: 'x' }],
      [{ ...secret, name: 'db; rm -rf ~' }],
      [{ ...secret, keys: [{ key: '$(id)' }] }],
    ])
      expectCode(() => secretRequirements(declared as never), 'PROPS_INVALID');
  });

  test('a namespace that is no DNS-1123 label is no requirement: it cannot exist, and its command would run the rest', () => {
    const cm = (namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace } });
    expect(namespaceRequirements([cm('x; rm -rf ~'), cm('Shop'), cm('shop')]).map((r) => r.create)).toEqual([
      'kubectl create namespace shop',
    ]);
  });
});
