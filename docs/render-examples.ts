/*
 * Keeps the README's examples true: each `docs/examples/<file>.ts` builds an
 * app; its code and an excerpt of the YAML it really synthesizes replace the
 * block between `<!-- example:<name> -->` and `<!-- /example:<name> -->` in
 * README.md. `npm run docs` rewrites README.md and docs/diagrams/prod.svg;
 * test/readme.test.ts fails when README.md is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { BlueprintError, ControllerRequirement, outputRequirements, renderApp, renderSvg, secretDeclarations, toDot } from '../constructs';

const root = path.join(__dirname, '..');

interface Excerpt {
  /** Example file (docs/examples/<file>.ts). */
  readonly file: string;
  /** Objects to show, as `Kind` or `Kind/name`. */
  readonly show: readonly string[];
  /** Drop labels and annotations (noted under the block). @default true */
  readonly elide?: boolean;
}

/** Which objects each README block shows, so the README stays readable. */
export const EXCERPTS: Record<string, Excerpt> = {
  'team-namespace': { file: 'team-namespace', show: ['Namespace', 'ResourceQuota'] },
  'team-namespace-full': { file: 'team-namespace', show: ['LimitRange', 'NetworkPolicy', 'RoleBinding/team-edit', 'ServiceAccount'] },
  'web-service': { file: 'web-service', show: ['Deployment/api', 'Service/api', 'HorizontalPodAutoscaler/api', 'PodDisruptionBudget/api'] },
  'stateful-service': { file: 'stateful-service', show: ['StatefulSet/cassandra', 'Service/cassandra', 'StorageClass'] },
  'external-service': {
    file: 'external-service',
    show: ['Service/orders-db', 'Service/legacy-db', 'EndpointSlice', 'NetworkPolicy/allow-orders-to-ext-legacy-db'],
  },
  jobs: { file: 'jobs', show: ['Job', 'CronJob', 'DaemonSet'] },
  'cluster-platform': { file: 'cluster-platform', show: ['PriorityClass/high', 'StorageClass/data', 'Ingress', 'CronJob/descheduler'] },
  scenarios: { file: 'scenarios', show: ['Deployment/helloworld-db', 'HorizontalPodAutoscaler/hpa-example'] },
  gitops: { file: 'gitops', show: ['Application', 'Namespace', 'Schedule'] },
  deployable: {
    file: 'deployable',
    show: ['ExternalSecret', 'Certificate', 'Ingress', 'ServiceMonitor', 'ClusterSecretStore', 'ClusterIssuer'],
  },
};

/** Drops the labels and annotation every object carries (app.kubernetes.io/*, owner), keeping the rest. */
function elide(value: any): any {
  if (Array.isArray(value)) return value.map(elide);
  if (!value || typeof value !== 'object') return value;
  const out: any = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'metadata' && v && typeof v === 'object') {
      const m: any = { ...(v as object) };
      const labels = Object.fromEntries(Object.entries(m.labels ?? {}).filter(([l]) => !l.startsWith('app.kubernetes.io/')));
      const annotations = Object.fromEntries(Object.entries(m.annotations ?? {}).filter(([a]) => a !== 'cluster-blueprints.io/owner'));
      delete m.labels;
      delete m.annotations;
      out[k] = { ...(Object.keys(annotations).length ? { annotations } : {}), ...(Object.keys(labels).length ? { labels } : {}), ...m };
    } else {
      out[k] = elide(v);
    }
  }
  return out;
}

/** An example's app builder, and its code as the README shows it (importing the package by name). */
function loadExample(file: string): { build: () => App; code: string } {
  const abs = path.join(root, 'docs', 'examples', `${file}.ts`);
  return { build: require(abs).build, code: fs.readFileSync(abs, 'utf8').replace("'../../index'", "'cluster-blueprints'").trim() };
}

/** A README block `<!-- kind:name -->`: the example's code, then what it gives. */
function block(kind: 'example' | 'error', name: string, code: string, result: readonly string[]): string {
  return [`<!-- ${kind}:${name} -->`, '```ts', code, '```', '', ...result, `<!-- /${kind}:${name} -->`].join('\n');
}

export function exampleBlock(name: string): string {
  const e = EXCERPTS[name];
  if (!e) throw new Error(`README has an example block '${name}' that docs/render-examples.ts does not know`);
  const { build, code } = loadExample(e.file);
  const all = renderApp(build()).flatMap((r) => r.objects);
  const picked = e.show.flatMap((s) => all.filter((o) => (s.includes('/') ? `${o.kind}/${o.metadata.name}` === s : o.kind === s)));
  const objects = (e.elide ?? true) ? picked.map(elide) : picked;
  return block('example', name, code, [
    `produces (${e.show.join(', ')} of the ${all.length} objects; the app.kubernetes.io labels and owner annotation every object carries are elided):`,
    '',
    '```yaml',
    Yaml.stringify(...objects).trim(),
    '```',
  ]);
}

/** The code of a failing example and the BlueprintError it really raises. */
export function errorBlock(name: string): string {
  const { build, code } = loadExample(name);
  let message = '';
  try {
    renderApp(build());
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    message = e.message;
  }
  if (!message) throw new Error(`docs/examples/${name}.ts was expected to fail`);
  return block('error', name, code, ['fails, before anything is written, with:', '', '```', message, '```']);
}

/** The controllers each shipped environment's synth output needs, as a table (what dist/<env>/requirements.jsonl holds). */
export function requirementsBlock(): string {
  const { ENVIRONMENTS } = require('../stacks/environments');
  const { synthApp } = require('../stacks/main');
  const byEnv = Object.keys(ENVIRONMENTS).map((env: string) => {
    const app = synthApp(env);
    const all = outputRequirements(
      renderApp(app).flatMap((r) => r.objects),
      secretDeclarations(app),
    );
    return {
      env,
      requirements: all.filter((r): r is ControllerRequirement => !('kind' in r)),
      others: all.flatMap((r) =>
        !('kind' in r) ? [] : [r.kind === 'Namespace' ? `namespace ${r.name}` : `Secret ${r.namespace}/${r.name}`],
      ),
    };
  });
  const rows = byEnv.flatMap(({ env, requirements }) =>
    requirements.map(
      (c) => `| ${env} | ${c.name} | \`${c.versionRange}\` | ${c.crds.map((d) => `${d.kind} (${d.group}/${d.version})`).join(', ')} |`,
    ),
  );
  // What an install must also provide (`setup`), once per controller and environment.
  const setup = byEnv.flatMap(({ env, requirements }) =>
    requirements.flatMap((c) => (c.setup ?? []).map((need) => `- ${env}, ${c.name}: ${need}`)),
  );
  return [
    '<!-- requirements -->',
    '| Environment | Controller | Versions | CRDs used |',
    '|---|---|---|---|',
    ...rows,
    ...(setup.length ? ['', 'Beyond the controllers and their CRDs, the installs must provide (`setup`):', '', ...setup] : []),
    '',
    'The manifests also use, and do not create:',
    '',
    ...byEnv.map(({ env, others }) => `- ${env}: ${others.length ? others.join(', ') : 'nothing'}`),
    '<!-- /requirements -->',
  ].join('\n');
}

export function renderReadme(readme: string): string {
  return readme
    .replace(/<!-- requirements -->[\s\S]*?<!-- \/requirements -->/, () => requirementsBlock())
    .replace(/<!-- example:([a-z0-9-]+) -->[\s\S]*?<!-- \/example:\1 -->/g, (_m, name: string) => exampleBlock(name))
    .replace(/<!-- error:([a-z0-9-]+) -->[\s\S]*?<!-- \/error:\1 -->/g, (_m, name: string) => errorBlock(name));
}

/** The committed diagram the README shows. */
export const PROD_DIAGRAM = path.join(root, 'docs', 'diagrams', 'prod.svg');

/** The DOT source of the prod diagram shown in the README, from the real prod environment. */
export function prodDiagramDot(): string {
  const { buildEnvironment, environment } = require('../stacks/environments');
  const objects = renderApp(buildEnvironment(environment('prod'))).flatMap((r: any) => r.objects);
  return toDot(objects, 'prod environment');
}

async function main(): Promise<void> {
  const file = path.join(root, 'README.md');
  fs.writeFileSync(file, renderReadme(fs.readFileSync(file, 'utf8')));
  fs.mkdirSync(path.dirname(PROD_DIAGRAM), { recursive: true });
  fs.writeFileSync(PROD_DIAGRAM, await renderSvg(prodDiagramDot()));
  console.log('README.md examples and docs/diagrams/prod.svg regenerated');
}

if (require.main === module) void main();
