import { ApiObject, App, Chart, Names } from 'cdk8s';
import { chartApiObjects, registerChartRenderer, stampOwners } from '../core/blueprint-chart';
import { collectIssues, markChecksDone, reentrant, withChecksAlreadyRun } from '../core/checks';
import { BlueprintError, BlueprintIssue, safeIssue } from '../core/errors';
import { protectDataHolders } from '../gitops/sync-annotations';
import { ruleIssues } from '../rules/catalogue';
import { RULE_CONTEXT_SHAPE, RuleContext } from '../rules/rule';
import { synthRuleContext } from '../rules/synth-context';
import { duplicateObjects } from './duplicate-objects';
import { schemaStage } from './schema-stage';
import { unrepresentableText } from './yaml-emitter';
import { checkArgs, is } from '../core/shape';
import { formatWarnings } from './warnings';

/** One chart, rendered. */
export interface RenderedChart {
  readonly chart: Chart;
  /** File name cdk8s would use, without extension (`Names.toDnsLabel(chart)`). */
  readonly name: string;
  /**
   * The chart's objects as plain JSON, in cdk8s' dependency order (what `synthesize()` writes).
   * Typed loosely, as cdk8s' own `toJson()` is: callers read deep paths of any kind.
   */
  readonly objects: any[];
  /** Construct path of the ApiObject behind each entry of `objects` (same order). */
  readonly constructPaths: readonly string[];
  /**
   * What the rule catalogue and the schema check found about this chart's
   * objects at severity 'warning' (`REF_SERVICE_UNREACHABLE`, `REL_READINESS`…):
   * they do not fail the render; `cluster-blueprints check` reports the same.
   * Each is made safe to print (a value that looks like a credential is not shown).
   */
  readonly warnings: readonly BlueprintIssue[];
}

/** Options of `renderApp`. */
export interface RenderOptions {
  /**
   * Check every object against the Kubernetes schemas and fail on any error.
   * @default true
   */
  readonly schemaCheck?: boolean;
  /** Facts the rendered objects cannot show, for the rule catalogue. @default - read from the app (`synthRuleContext`) */
  readonly ruleContext?: RuleContext;
}

/** The shape of `RenderOptions` (checked at the entry of every render function). */
export const RENDER_OPTIONS_SHAPE = is.props<RenderOptions>({ schemaCheck: is.boolean, ruleContext: RULE_CONTEXT_SHAPE });

/** One rendered object of the app and the construct path of the ApiObject that made it. */
export interface RenderedObject {
  /** The object as plain JSON (typed loosely, as `RenderedChart.objects`). */
  readonly object: any;
  /** The construct path of the ApiObject that made it. */
  readonly constructPath: string;
}

/** What a render stage is given besides the objects to judge. */
export interface StageContext {
  readonly app: App;
  readonly options: RenderOptions;
  /** Every rendered object of the app, for cross-object rules that must see the whole app. */
  readonly all: readonly RenderedObject[];
  /** Reports findings that do not fail the render (they land in `RenderedChart.warnings`). */
  readonly warn: (warnings: readonly BlueprintIssue[]) => void;
}

/**
 * A synth-time stage over the rendered objects of the whole app: returns every
 * issue it finds (with `path` set to the construct path of the object at fault).
 * A stage is given the objects that no earlier stage has flagged, and its
 * issues about flagged objects are dropped, so one synth reports every
 * problem once, without cascades (a schema-invalid object is not judged again
 * by the rules). What should be said but not fail the render goes to `context.warn`.
 */
export type RenderStage = (objects: readonly RenderedObject[], context: StageContext) => readonly BlueprintIssue[];

/**
 * The rule catalogue (the rules `cluster-blueprints check` runs on any YAML).
 * Its cross-object rules look at every object (a Secret that failed the schema
 * check still provides its name), and report only the objects that passed.
 */
const rulesStage: RenderStage = (_objects, { all, app, options, warn }) => {
  // One run of the whole catalogue: the warnings cost no second index nor pass.
  const { errors, warnings } = ruleIssues(
    [{ objects: all.map((o) => o.object), paths: all.map((o) => o.constructPath) }],
    options.ruleContext ?? synthRuleContext(app),
  );
  warn(warnings);
  return errors;
};

/**
 * The stages run after the construct checks, in order. Add a stage here to
 * run it at every synth (`synthesize`, `renderApp`, and `app.synth()` of a
 * `BlueprintChart`).
 */
// unrepresentableText: text YAML cannot hold (a lone surrogate) is reported with its object, before anything is written.
const STAGES: readonly RenderStage[] = [duplicateObjects, unrepresentableText, schemaStage, rulesStage];

const rendering = new WeakSet<App>();

/**
 * Renders every chart of `app` in one pass and validates it, without writing.
 *
 * Unlike `chart.toJson()` per chart in cdk8s (which re-resolves and
 * re-validates the whole app for every chart), this runs the construct checks
 * once, cdk8s' own validation once, serializes each object once, then runs each
 * stage (duplicates, schema, ...) once over all objects.
 *
 * Findings of severity 'warning' (rule catalogue, schema check) do not throw:
 * each chart carries those about its objects in `warnings`.
 *
 * @throws BlueprintError with every issue found: construct checks first, then
 *   each stage's, in stage order.
 */
export function renderApp(app: App, options: RenderOptions = {}): RenderedChart[] {
  checkArgs('renderApp', ['app', app, is.instance(App, 'cdk8s App')], ['options', options, RENDER_OPTIONS_SHAPE, 'optional']);
  // A render of this app from inside its own render (a check that renders) would run the checks again, without end.
  if (rendering.has(app)) throw reentrant();
  rendering.add(app);
  try {
    return renderOnce(app, options);
  } finally {
    rendering.delete(app);
  }
}

function renderOnce(app: App, options: RenderOptions): RenderedChart[] {
  const issues: BlueprintIssue[] = collectIssues(app);
  const charts = app.charts;
  const rendered = charts.length === 0 ? [] : resolveCharts(app, charts, issues);
  const all = rendered.flatMap((r) => r.objects.map((object, i) => ({ object, constructPath: r.constructPaths[i] })));
  const flagged = new Set<string>();
  const flag = (found: readonly BlueprintIssue[]) => found.forEach((i) => i.path && flagged.add(i.path));
  const unflagged = (i: BlueprintIssue) => !i.path || !isFlagged(i.path, flagged);
  const warnings: BlueprintIssue[] = [];
  // Construct checks judge props and whole-tree invariants, not objects: every object still goes to the stages.
  for (const stage of STAGES) {
    const passing = all.filter((o) => !isFlagged(o.constructPath, flagged));
    const warned: BlueprintIssue[] = [];
    const found = stage(passing, { app, options, all, warn: (w) => warned.push(...w) }).filter(unflagged);
    issues.push(...found);
    flag(found);
    warnings.push(...warned.filter(unflagged));
  }
  if (issues.length > 0) throw new BlueprintError(issues);
  return withWarnings(rendered, warnings);
}

/** Each warning on the chart of the object it is about (by construct path); one about no object of the app, on the first chart. */
function withWarnings(rendered: readonly RenderedChart[], warnings: readonly BlueprintIssue[]): RenderedChart[] {
  const chartOf = new Map<string, number>();
  rendered.forEach((r, i) => r.constructPaths.forEach((p) => chartOf.set(p, i)));
  const byChart: BlueprintIssue[][] = rendered.map(() => []);
  for (const w of warnings) byChart[chartOf.get(w.path) ?? 0]?.push(safeIssue(w));
  return rendered.map((r, i) => ({ ...r, warnings: byChart[i] }));
}

/** Resolves and serializes every chart; a failure to render is added to `issues` (and nothing is returned). */
function resolveCharts(app: App, charts: Chart[], issues: BlueprintIssue[]): RenderedChart[] {
  // Owners first: the annotation must be on the objects before they serialize.
  for (const chart of charts)
    stampOwners(
      chart,
      chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart),
    );
  let first: any[];
  try {
    // Data holders keep their data through any Argo CD sync, whether or not this app defines the Application (inert without Argo CD).
    protectDataHolders(app);
    // Resolves dependencies and runs cdk8s validations for the whole app, once,
    // and serializes the first chart (whose objects we keep).
    first = withChecksAlreadyRun(() => App._synthChart(charts[0]));
  } catch (e) {
    if (e instanceof BlueprintError) issues.push(...e.issues);
    // A construct that failed its checks may not render: its issues already say why.
    else if (issues.length === 0)
      issues.push({
        code: 'CDK8S_VALIDATION',
        path: app.node.path,
        field: 'app',
        value: undefined,
        message: `failed cdk8s validation: ${(e as Error).message}`,
        fix: 'fix the construct named in the message',
      });
    return [];
  }
  return charts.map((chart, i) => {
    const apiObjects = chartApiObjects(chart);
    const json = i === 0 ? first : apiObjects.map((o) => o.toJson());
    return { chart, name: Names.toDnsLabel(chart), objects: json, constructPaths: apiObjects.map((o) => o.node.path), warnings: [] };
  });
}

/** Whether `path` or a construct enclosing it has an issue. */
function isFlagged(path: string, flagged: ReadonlySet<string>): boolean {
  if (flagged.size === 0) return false;
  for (let p = path; p; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) if (flagged.has(p)) return true;
  return false;
}

/*
 * The cdk8s `app.synth()` path: a BlueprintChart validates the whole app once
 * per synth through `renderApp` (so the same checks run and the same typed
 * BlueprintError is thrown), and its `toJson()` returns the objects rendered
 * then. The result is kept until the current synchronous job ends.
 */
const renderedForCdk8s = new WeakMap<App, { byChart: Map<Chart, any[]>; warnings: readonly BlueprintIssue[]; printed: boolean }>();

/**
 * The environment variable that, set to `silent`, keeps a plain `app.synth()`
 * from printing its warnings (a test that synthesizes on purpose).
 */
const SYNTH_WARNINGS_ENV = 'CLUSTER_BLUEPRINTS_WARNINGS';

/**
 * The objects of `chart` as `renderApp` renders them, rendering the whole app
 * once per synchronous job; `undefined` while `renderApp` itself is running.
 * `synth` (cdk8s' `app.synth()` or `synthYaml()`, which validate the app
 * first): the render's warnings are printed to stderr with `formatWarnings`,
 * once per render, unless `$CLUSTER_BLUEPRINTS_WARNINGS` is `silent`.
 * `synthesize()` and `deployApp()` never come here (they call `renderApp`,
 * during which this returns `undefined`): they return or log the warnings themselves.
 * @throws BlueprintError with every issue of the app
 */
export function renderedObjectsOf(chart: Chart, synth = false): any[] | undefined {
  const app = App.of(chart) as App;
  if (rendering.has(app)) return undefined;
  let render = renderedForCdk8s.get(app);
  if (!render) {
    const rendered = renderApp(app);
    render = { byChart: new Map(rendered.map((r) => [r.chart, r.objects])), warnings: rendered.flatMap((r) => r.warnings), printed: false };
    renderedForCdk8s.set(app, render);
    markChecksDone(app);
    queueMicrotask(() => renderedForCdk8s.delete(app));
  }
  if (synth && !render.printed) {
    render.printed = true;
    if (render.warnings.length > 0 && process.env[SYNTH_WARNINGS_ENV] !== 'silent') console.error(formatWarnings(render.warnings));
  }
  return render.byChart.get(chart);
}

// BlueprintChart.toJson() and app.synth() render through this pipeline (core/ calls it without importing render/).
registerChartRenderer(renderedObjectsOf);
