import { ApiObject, Chart, ChartProps, DependencyGraph } from 'cdk8s';
import { Construct } from 'constructs';
import { Annotations, Labels, MANAGED_BY, ownerOf, setOwner } from './metadata';
import { NameRule, nameIssue } from './names';
import { setClusterFacts } from './cluster-facts';
import { COMPUTE_SHAPE, ComputeResources, resolveCompute } from './resources';
import { enter, is } from './shape';

/**
 * Renders the whole app once and returns `chart`'s objects (`undefined` while
 * that render itself is running); throws the app's BlueprintError. `synth`:
 * called by cdk8s' `app.synth()` (its validation), which writes the files: the
 * render's warnings are printed then, since nothing else would show them.
 */
export type ChartRenderer = (chart: Chart, synth?: boolean) => any[] | undefined;

let chartRenderer: ChartRenderer | undefined;

/**
 * Installs the renderer behind `BlueprintChart.toJson()` and a plain
 * `app.synth()`. The render pipeline (constructs/render) registers itself when
 * it loads, so core/ never imports the layer above it.
 */
export function registerChartRenderer(renderer: ChartRenderer): void {
  chartRenderer = renderer;
}

/** Props of a `BlueprintChart`. */
export interface BlueprintChartProps extends Omit<ChartProps, 'namespace'> {
  /**
   * Who owns the objects of this chart, stamped as the
   * `cluster-blueprints.io/owner` annotation on every object (a construct such
   * as `TeamNamespace` may name a closer owner for its own objects).
   */
  readonly owner: string;
  /** `app.kubernetes.io/part-of` on every object. @default - not set */
  readonly partOf?: string;
  /**
   * Allocatable CPU and memory of one node of the target cluster. When set, a
   * pod whose requests, beside those of the DaemonSets that land on every node,
   * fit no node is a synth-time error (`NODE_TOO_SMALL`), as in `check --node-cpu --node-memory`.
   * @default - unknown: the check is skipped
   */
  readonly nodeAllocatable?: ComputeResources;
}

/** The shape of the props (checked at entry). */
const BLUEPRINT_CHART_SHAPE = is.props<BlueprintChartProps>({
  owner: is.string,
  partOf: is.string,
  nodeAllocatable: COMPUTE_SHAPE,
  labels: is.map(is.string),
  disableResourceNameHashes: is.boolean,
});

/**
 * A cdk8s `Chart` that finishes every object the way the library promises:
 * `managed-by`/`part-of` labels and an owner annotation on each, and no
 * `metadata.namespace` on cluster-scoped kinds. It takes no chart namespace on
 * purpose: our constructs set `metadata.namespace` explicitly on every
 * namespaced object instead of relying on cdk8s stamping one (which it would
 * also stamp on Namespaces and PriorityClasses).
 */
export class BlueprintChart extends Chart {
  public readonly owner: string;

  constructor(scope: Construct, id: string, props: BlueprintChartProps) {
    const { problems, props: own } = enter(scope, id, props, 'BlueprintChart', BLUEPRINT_CHART_SHAPE);
    props = own; // the entry's frozen snapshot: the caller's object is not read again
    const labels: Record<string, string> = { [Labels.MANAGED_BY]: MANAGED_BY, ...props.labels };
    if (props.partOf) labels[Labels.PART_OF] = props.partOf;
    // A chart namespace (from JavaScript) was refused by the entry check: cdk8s would stamp it on cluster-scoped kinds too.
    super(scope, id, { ...props, labels });
    const ownerIssue = nameIssue(NameRule.LABEL_VALUE, 'owner', props.owner);
    if (ownerIssue || !props.owner)
      problems.add(
        ownerIssue ?? {
          code: 'NAME_INVALID',
          field: 'owner',
          value: props.owner,
          message: 'must not be empty',
          fix: "name the owning team, e.g. 'payments'",
        },
      );
    if (props.partOf !== undefined) {
      problems.addAll(nameIssue(NameRule.LABEL_VALUE, 'partOf', props.partOf));
    }
    const nodeAllocatable = resolveCompute(problems, 'nodeAllocatable', props.nodeAllocatable);
    problems.throwIfAny();
    if (props.nodeAllocatable) setClusterFacts(this, { nodeAllocatable });
    this.owner = props.owner;
    setOwner(this, props.owner);
    // A plain `app.synth()` (the cdk8s habit) runs the same checks as
    // `synthesize()`: the whole app is rendered and checked once, here, and any
    // failure is the same typed BlueprintError; its warnings go to stderr.
    this.node.addValidation({
      validate: () => {
        chartRenderer?.(this, true);
        return [];
      },
    });
  }

  /** This chart's objects, rendered and checked with the whole app (`renderApp`). */
  public toJson(): any[] {
    const objects = chartRenderer?.(this);
    if (objects) return objects;
    stampOwners(this);
    return super.toJson();
  }
}

/** The API objects a chart renders, in cdk8s' dependency order. */
export function chartApiObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology().filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
}

/** Adds the owner annotation to every object of `chart` (or the given ones) whose tree declares an owner. */
export function stampOwners(chart: Chart, objects: readonly ApiObject[] = chartApiObjects(chart)): void {
  for (const obj of objects) {
    const owner = ownerOf(obj);
    if (owner) obj.metadata.addAnnotation(Annotations.OWNER, owner);
  }
}
