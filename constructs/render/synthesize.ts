import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Names, Yaml } from 'cdk8s';
import { chartApiObjects, finishObject, stampOwners } from '../core/blueprint-chart';
import { collectIssues, withChecksAlreadyRun } from '../core/checks';
import { BlueprintError, BlueprintIssue } from '../core/errors';
import { Finding, validateManifests } from '../rules/schema';
import { ruleIssues } from '../rules/catalogue';
import { synthRuleContext } from '../rules/synth-context';
import { RuleContext } from '../rules/rule';

/** One chart, rendered. */
export interface RenderedChart {
  readonly chart: Chart;
  /** File name cdk8s would use, without extension (`Names.toDnsLabel(chart)`). */
  readonly name: string;
  readonly objects: any[];
}

/** Options of `renderApp`. */
export interface RenderOptions {
  /**
   * Check every object against the Kubernetes schemas and fail on any error.
   * @default true
   */
  readonly schemaCheck?: boolean;
  /** Facts the rendered objects cannot show, for the rule catalogue. @default {} */
  readonly ruleContext?: RuleContext;
}

/**
 * Renders every chart of `app` in one pass and validates it, without writing.
 *
 * Unlike `chart.toJson()` per chart (which re-resolves and re-validates the
 * whole app for every chart: ARCHITECTURE.md "Known traps"), this runs our
 * checks once, cdk8s' own validation once, then serializes each object once.
 *
 * @throws BlueprintError with every issue of every construct, then every
 *   schema error, then every error of the rule catalogue, all together.
 */
export function renderApp(app: App, options: RenderOptions = {}): RenderedChart[] {
  // Construct checks, schema and rules are all reported together: one stage never hides the next.
  const issues = collectIssues(app);
  const charts = app.charts;
  if (charts.length === 0) {
    if (issues.length > 0) throw new BlueprintError(issues);
    return [];
  }
  // Owners first: the annotation must be on the objects before they serialize.
  for (const chart of charts)
    stampOwners(
      chart,
      chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart),
    );
  let first: any[];
  try {
    // Resolves dependencies and runs cdk8s validations for the whole app, once,
    // and serializes the first chart (whose objects we keep).
    first = withChecksAlreadyRun(() => App._synthChart(charts[0]));
  } catch (e) {
    if (e instanceof BlueprintError) throw new BlueprintError([...issues, ...e.issues]);
    throw new BlueprintError([
      ...issues,
      {
        code: 'CDK8S_VALIDATION',
        path: app.node.path,
        field: 'app',
        message: `failed cdk8s validation: ${(e as Error).message}`,
        fix: 'fix the construct named in the message',
      },
    ]);
  }
  const rendered = charts.map((chart, i) => {
    const apiObjects = chartApiObjects(chart);
    const json = i === 0 ? first : apiObjects.map((o) => o.toJson());
    return { chart, name: Names.toDnsLabel(chart), objects: json.map(finishObject), paths: apiObjects.map((o) => o.node.path) };
  });
  if (options.schemaCheck ?? true) {
    for (const r of rendered) {
      r.objects.forEach((obj, i) => {
        for (const f of validateManifests([obj]).filter((x) => x.severity === 'error')) issues.push(findingToIssue(f, r.paths[i]));
      });
    }
  }
  // The rule catalogue: the same rules `cluster-blueprints check` runs on any YAML.
  issues.push(...ruleIssues(rendered, options.ruleContext ?? synthRuleContext(app)));
  if (issues.length > 0) throw new BlueprintError(issues);
  return rendered.map(({ chart, name, objects }) => ({ chart, name, objects }));
}

function findingToIssue(f: Finding, constructPath: string): BlueprintIssue {
  return { code: f.rule, path: constructPath, construct: f.object, field: f.pointer || '(object)', message: f.message, fix: f.fix };
}

/** Options of `synthesize`. */
export interface SynthesizeOptions extends RenderOptions {
  /** Where to write. @default - `$CDK8S_OUTDIR`, else `app.outdir` */
  readonly outdir?: string;
}

/** What `synthesize` wrote. */
export interface SynthesizeResult {
  readonly outdir: string;
  readonly files: string[];
  readonly objectCount: number;
}

/**
 * Renders, validates and writes `app` to `outdir`, one `<chart>.k8s.yaml` per
 * chart. All-or-nothing: files go to a sibling temporary directory that
 * replaces `outdir` only when everything succeeded, so a failed synth never
 * leaves `dist/` half-written.
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesizeResult {
  const outdir = path.resolve(options.outdir ?? process.env.CDK8S_OUTDIR ?? app.outdir);
  const rendered = renderApp(app, options);
  const staging = `${outdir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const files: string[] = [];
  try {
    for (const r of rendered) {
      const file = `${r.name}${app.outputFileExtension}`;
      fs.writeFileSync(path.join(staging, file), Yaml.stringify(...r.objects));
      files.push(file);
    }
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    fs.renameSync(staging, outdir);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return { outdir, files, objectCount: rendered.reduce((n, r) => n + r.objects.length, 0) };
}
