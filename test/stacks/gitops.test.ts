import { ENVIRONMENTS, addGitOps, buildEnvironment, environment } from '../../stacks/environments';
import { checkManifests, renderApp, validateManifests } from '../../constructs';
import { find, ofKind } from '../helpers';

const KEEP = 'Prune=false,Delete=false';
const OPTIONS = 'argocd.argoproj.io/sync-options';

describe.each(Object.keys(ENVIRONMENTS))('GitOps output of %s', (name) => {
  const config = environment(name);
  const app = buildEnvironment(config);
  addGitOps(app, config);
  const rendered = renderApp(app);
  const objects = rendered.flatMap((r) => r.objects);

  test('an Argo CD Application syncs dist/<env> from the configured repository, in a file of its own', () => {
    const application = find(objects, 'Application', name);
    expect(application.spec.source).toMatchObject({ repoURL: config.gitops.repoUrl, path: `dist/${name}` });
    expect(application.spec.syncPolicy.automated.prune).toBe(true);
    expect(rendered.find((r) => r.name === 'argocd')!.objects).toEqual([application]);
    expect(validateManifests(objects)).toEqual([]);
    expect(checkManifests(objects, { nodeAllocatable: config.nodeAllocatable, nodes: config.expectedNodes }).findings).toEqual([]);
  });

  test('every namespaced object lives in a Namespace of the output, or in one a cluster install owns (declared on the object)', () => {
    const namespaces = new Set(ofKind(objects, 'Namespace').map((n) => n.metadata.name));
    const prerequisites = objects
      .filter((o) => o.metadata.namespace !== undefined && !namespaces.has(o.metadata.namespace))
      .map((o) => `${o.kind}/${o.metadata.namespace}: ${o.metadata.annotations?.['cluster-blueprints.io/namespace-installed-by']}`);
    const expected = ['Application/argocd: argo-cd', ...(name === 'prod' ? Array(3).fill('Schedule/velero: velero') : [])];
    expect(prerequisites.sort()).toEqual(expected.sort());
  });

  test('every data holder and the Namespace holding it carry Prune=false,Delete=false; stateless objects do not', () => {
    const claimed = ofKind(objects, 'StatefulSet').filter((s) => s.spec.volumeClaimTemplates?.length);
    expect(claimed.length).toBeGreaterThanOrEqual(name === 'prod' ? 2 : 4);
    for (const s of claimed) {
      expect(s.metadata.annotations[OPTIONS]).toBe(KEEP);
      expect(find(objects, 'Namespace', s.metadata.namespace).metadata.annotations[OPTIONS]).toBe(KEEP);
    }
    for (const d of ofKind(objects, 'Deployment')) expect(d.metadata.annotations?.[OPTIONS]).toBeUndefined();
    for (const ns of ofKind(objects, 'Namespace')) expect(ns.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
  });
});
