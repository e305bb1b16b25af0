import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import {
  ArgoApplication,
  BlueprintChart,
  ReclaimPolicy,
  StorageClass,
  TeamNamespace,
  annotateForArgoCd,
  renderApp,
  validateManifests,
} from '../../constructs';
import { expectCode, find, render } from '../helpers';
import { KEEP, OPTIONS, WAVE, dataAndWebTeams } from './fixture';

const SOURCE = { repoUrl: 'https://github.com/acme/cluster-manifests.git', path: 'dist/prod' };

function platform(outdir?: string) {
  const { app, chart } = dataAndWebTeams(outdir);
  new StorageClass(chart, 'kept', { name: 'kept', provisioner: 'ebs.csi.aws.com' });
  new StorageClass(chart, 'scratch', { name: 'scratch', provisioner: 'ebs.csi.aws.com', reclaimPolicy: ReclaimPolicy.DELETE });
  new ApiObject(chart, 'crd', {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.acme.io' },
    spec: {
      group: 'acme.io',
      names: { kind: 'Widget', plural: 'widgets' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    },
  });
  const gitops = new BlueprintChart(app, 'argocd', { owner: 'platform' });
  const application = new ArgoApplication(gitops, 'prod', SOURCE);
  return { app, chart, gitops, application };
}

describe('ArgoApplication', () => {
  test('an automated, pruning, self-healing Application for the directory, leaving out its own file', () => {
    const { app, application } = platform();
    const objects = render(app);
    const a = find(objects, 'Application', 'prod');
    expect(application.ownFile).toBe('argocd.k8s.yaml');
    expect(a.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(a.metadata.namespace).toBe('argocd');
    expect(a.spec).toEqual({
      project: 'default',
      source: {
        repoURL: SOURCE.repoUrl,
        targetRevision: 'main',
        path: 'dist/prod',
        directory: { recurse: false, exclude: 'argocd.k8s.yaml' },
      },
      destination: { server: 'https://kubernetes.default.svc' },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'] },
    });
  });

  test('sync waves: CRDs, then Namespaces, then the rest (wave 0, unannotated)', () => {
    const { app } = platform();
    const objects = render(app);
    expect(find(objects, 'CustomResourceDefinition', 'widgets.acme.io').metadata.annotations[WAVE]).toBe('-2');
    expect(find(objects, 'Namespace', 'payments').metadata.annotations[WAVE]).toBe('-1');
    expect(find(objects, 'Namespace', 'web').metadata.annotations[WAVE]).toBe('-1');
    expect(find(objects, 'Deployment', 'api').metadata.annotations?.[WAVE]).toBeUndefined();
  });

  test('data holders are never pruned or deleted by a sync; everything else is', () => {
    const { app } = platform();
    const objects = render(app);
    expect(find(objects, 'StatefulSet', 'ledger').metadata.annotations[OPTIONS]).toBe(KEEP);
    expect(find(objects, 'Namespace', 'payments').metadata.annotations[OPTIONS]).toBe(KEEP);
    expect(find(objects, 'StorageClass', 'kept').metadata.annotations[OPTIONS]).toBe(KEEP);
    expect(find(objects, 'StorageClass', 'scratch').metadata.annotations?.[OPTIONS]).toBeUndefined();
    expect(find(objects, 'Namespace', 'web').metadata.annotations?.[OPTIONS]).toBeUndefined();
    expect(find(objects, 'Deployment', 'api').metadata.annotations?.[OPTIONS]).toBeUndefined();
  });

  test('a plain app.synth() annotates too, and annotating twice is the same as once', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'argo-'));
    const { app } = platform(outdir);
    try {
      app.synth();
      const written = fs.readFileSync(path.join(outdir, 'apps.k8s.yaml'), 'utf8');
      expect(written).toContain(`${OPTIONS}: ${KEEP}`);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
    annotateForArgoCd(app);
    const objects = render(app);
    expect(find(objects, 'StatefulSet', 'ledger').metadata.annotations[OPTIONS]).toBe(KEEP);
  });

  test("existing sync options are kept, ours override the same option's value", () => {
    const app = new App();
    const chart = new BlueprintChart(app, 'apps', { owner: 'test' });
    new ApiObject(chart, 'claim', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', namespace: 'a', annotations: { [OPTIONS]: 'ServerSideApply=true, Prune=true' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    new ArgoApplication(new BlueprintChart(app, 'argocd', { owner: 'platform' }), 'a', SOURCE);
    expect(find(render(app), 'PersistentVolumeClaim', 'data').metadata.annotations[OPTIONS]).toBe('ServerSideApply=true,' + KEEP);
  });

  test('the Application is schema-checked through its model', () => {
    const { app } = platform();
    const a = find(render(app), 'Application', 'prod');
    expect(validateManifests([a])).toEqual([]);
    const broken = { ...a, spec: { ...a.spec, syncPolicy: { automated: { prune: 'yes' } } } };
    expect(validateManifests([broken]).map((f) => [f.rule, f.pointer])).toEqual([['SCHEMA_INVALID', '/spec/syncPolicy/automated/prune']]);
  });

  test('GITOPS_SOURCE_INVALID: repository URL, path and revision', () => {
    const chart = new BlueprintChart(new App(), 'argocd', { owner: 'platform' });
    expectCode(() => new ArgoApplication(chart, 'a', { ...SOURCE, repoUrl: 'github.com/acme' }), 'GITOPS_SOURCE_INVALID');
    expectCode(() => new ArgoApplication(chart, 'b', { ...SOURCE, path: '../dist/prod' }), 'GITOPS_SOURCE_INVALID');
    expectCode(() => new ArgoApplication(chart, 'c', { ...SOURCE, path: '/dist/prod' }), 'GITOPS_SOURCE_INVALID');
    expectCode(() => new ArgoApplication(chart, 'd', { ...SOURCE, revision: 'my branch' }), 'GITOPS_SOURCE_INVALID');
    new ArgoApplication(chart, 'ssh', { ...SOURCE, repoUrl: 'git@github.com:acme/cluster-manifests.git', revision: 'release/1.4' });
  });

  test('GITOPS_DESTINATION_INVALID: not an https API server', () => {
    const chart = new BlueprintChart(new App(), 'argocd', { owner: 'platform' });
    expectCode(
      () => new ArgoApplication(chart, 'a', { ...SOURCE, destinationServer: 'http://10.0.0.1:6443' }),
      'GITOPS_DESTINATION_INVALID',
    );
  });

  test('GITOPS_CHART_SHARED: another object in the excluded chart would never be applied', () => {
    const { app, gitops } = platform();
    new TeamNamespace(gitops, 'stray');
    expectCode(() => renderApp(app), 'GITOPS_CHART_SHARED');
  });
});
