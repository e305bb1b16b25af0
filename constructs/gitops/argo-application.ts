import { ApiObject, App, Chart, Names } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { addCheck } from '../core/checks';
import { Annotations, componentLabels } from '../core/metadata';
import { NamedObject } from '../core/named-object';
import { NameRule, checkedName } from '../core/names';
import { annotateForArgoCd } from './sync-annotations';
import { is } from '../core/shape';

/** Where an environment's manifests live in Git. */
export interface GitOpsSource {
  /** Repository Argo CD reads, e.g. `https://github.com/acme/cluster-manifests.git` or `git@github.com:acme/cluster-manifests.git`. */
  readonly repoUrl: string;
  /** Directory of the environment's manifests in that repository, e.g. `dist/prod`. */
  readonly path: string;
  /** Branch, tag or commit to follow (`targetRevision`). @default 'main' */
  readonly revision?: string;
}

/** Props of an `ArgoApplication`. @see https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/ */
export interface ArgoApplicationProps extends GitOpsSource {
  /** Application name. @default - the construct id */
  readonly name?: string;
  /** Namespace Argo CD watches for Applications. @default 'argocd' */
  readonly argoNamespace?: string;
  /** Argo CD project. @default 'default' */
  readonly project?: string;
  /** API server of the target cluster. @default 'https://kubernetes.default.svc' — the cluster Argo CD runs in */
  readonly destinationServer?: string;
  /** Delete objects that left Git (data holders excepted: they carry `Prune=false`). @default true */
  readonly prune?: boolean;
  /** Undo changes made to the cluster by hand. @default true */
  readonly selfHeal?: boolean;
}

const DEFAULTS = {
  revision: 'main',
  argoNamespace: 'argocd',
  project: 'default',
  destinationServer: 'https://kubernetes.default.svc',
} as const;

const REPO_URL = /^(https:\/\/[^\s/]+\/\S+|ssh:\/\/\S+@[^\s/]+\/\S+|[\w.-]+@[\w.-]+:\S+)$/;

const annotatedApps = new WeakSet<IConstruct>();

/** The shape of the props (checked at entry). */
const ARGO_APPLICATION_SHAPE = is.props<ArgoApplicationProps>(
  {
    repoUrl: is.string,
    path: is.string,
    revision: is.string,
    name: is.string,
    argoNamespace: is.string,
    project: is.string,
    destinationServer: is.string,
    prune: is.boolean,
    selfHeal: is.boolean,
  },
  ['repoUrl', 'path'],
);

/**
 * An Argo CD `Application` (typed by `@kubernetes-models/argo-cd`) that syncs
 * one environment's synthesized directory from Git, with automated sync,
 * pruning and self-heal. It also annotates every object of the app for the
 * sync: CRDs in wave -2, Namespaces in wave -1, the rest in wave 0. Data
 * holders (claims, StatefulSets with claims, retained StorageClasses, the
 * Namespaces holding them) carry `Prune=false,Delete=false` in every app, with
 * or without this construct (`protectDataHolders`, run by every render), so
 * neither a removal from Git nor deleting the Application deletes data.
 *
 * The Application's own chart is excluded from the directory it syncs (it is
 * applied once by hand, then manages everything else), so that chart must
 * hold nothing else.
 *
 * @example
 * const chart = new BlueprintChart(app, 'argocd', { owner: 'platform' });
 * new ArgoApplication(chart, 'prod', { repoUrl: 'https://github.com/acme/cluster-manifests.git', path: 'dist/prod' });
 */
export class ArgoApplication extends NamedObject<ArgoApplicationProps> {
  public readonly namespace: string;
  /** The file the Application is written to, which its own sync leaves out. */
  public readonly ownFile: string;
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id, props, 'ArgoApplication', ARGO_APPLICATION_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const { problems } = this;
    this.namespace = checkedName(problems, NameRule.DNS1123_LABEL, props.argoNamespace ?? DEFAULTS.argoNamespace, 'argoNamespace');
    const project = checkedName(problems, NameRule.DNS1123_SUBDOMAIN, props.project ?? DEFAULTS.project, 'project');
    const revision = props.revision ?? DEFAULTS.revision;
    const server = props.destinationServer ?? DEFAULTS.destinationServer;
    problems.check(!REPO_URL.test(props.repoUrl), {
      code: 'GITOPS_SOURCE_INVALID',
      field: 'repoUrl',
      value: props.repoUrl,
      message: 'is not a Git repository URL Argo CD can clone',
      fix: "use 'https://host/org/repo.git' or 'git@host:org/repo.git'",
    });
    problems.check(!/^[\w.-]+(\/[\w.-]+)*$/.test(props.path) || props.path.split('/').some((p) => p === '..' || p === '.'), {
      code: 'GITOPS_SOURCE_INVALID',
      field: 'path',
      value: props.path,
      message: "is not a directory inside the repository (relative, no '.' or '..' segments, no trailing '/')",
      fix: "use e.g. 'dist/prod'",
    });
    problems.check(!/^[\w./-]+$/.test(revision) || revision.includes('..'), {
      code: 'GITOPS_SOURCE_INVALID',
      field: 'revision',
      value: revision,
      message: 'is not a branch, tag or commit',
      fix: "use e.g. 'main', 'v1.4.0' or a commit SHA",
    });
    problems.check(!/^https:\/\/[^\s/]+(\/\S*)?$/.test(server), {
      code: 'GITOPS_DESTINATION_INVALID',
      field: 'destinationServer',
      value: server,
      message: "is not an API server's https URL",
      fix: "use 'https://kubernetes.default.svc' for the cluster Argo CD runs in",
    });
    problems.throwIfAny();

    const chart = Chart.of(this);
    const app = App.of(this) as App;
    this.ownFile = `${Names.toDnsLabel(chart)}${app.outputFileExtension ?? '.k8s.yaml'}`;
    // Required here, not imported: a CRD model's schemas cost every import of the library, used or not.
    const { Application } =
      require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application') as typeof import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application');
    const model = new Application({
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: componentLabels({ name: this.name, component: 'gitops' }),
        // Argo CD's install owns its namespace: a prerequisite of the cluster, not an object of ours.
        annotations: { [Annotations.NAMESPACE_INSTALLED_BY]: 'argo-cd' },
      },
      spec: {
        project,
        source: {
          repoURL: props.repoUrl,
          targetRevision: revision,
          path: props.path,
          directory: { recurse: false, exclude: this.ownFile },
        },
        destination: { server },
        syncPolicy: {
          automated: { prune: props.prune ?? true, selfHeal: props.selfHeal ?? true },
          // Prune only once everything else is applied and healthy.
          syncOptions: ['PruneLast=true'],
        },
      },
    });
    this.apiObject = new ApiObject(this, 'Resource', model.toJSON());

    addCheck(this, 'ArgoApplication', () =>
      chart.node
        .findAll()
        .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart && c.kind !== 'Application')
        .map((o) => ({
          code: 'GITOPS_CHART_SHARED',
          field: 'scope',
          value: `${o.kind}/${o.metadata.name}`,
          message: `is in the Application's own chart, whose file (${this.ownFile}) the sync leaves out: it would never be applied`,
          fix: 'give the ArgoApplication a chart of its own',
        })),
    );
    // cdk8s has no aspects: node validations are what every synth path (app.synth(),
    // renderApp, cdk8s synth) runs once the tree is complete and before any object
    // is serialized, so the annotations are added there. It reports nothing.
    if (!annotatedApps.has(app)) {
      annotatedApps.add(app);
      app.node.addValidation({ validate: () => (annotateForArgoCd(app), []) });
    }
  }
}
