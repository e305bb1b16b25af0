import { COMPUTE_SHAPE, ComputeResources } from '../core/resources';
import { Finding, objectId, safeFinding, validateObjects } from '../rules/schema';
import { duplicateCopies } from '../render/duplicate-objects';
import { CapacityReport, capacityReport } from './capacity';
import { CostReport, PRICES_ANNOTATION, PRICES_SHAPE, UnitPrices, costReport, declaredPrices } from './cost';
import { FileError, LoadOptions, loadManifests } from '../rules/manifests';
import { runRules } from '../rules/catalogue';
import { CLUSTER_SCOPED_KINDS } from '../core/metadata';
import { ManifestIndex, isKubeObject } from '../rules/manifest-index';
import { RULE_CONTEXT_SHAPE, RULE_SHAPE, Rule, RuleContext } from '../rules/rule';
import { Shape, checkArgs, is } from '../core/shape';
import { integerIssue } from '../core/value-issues';
import { nodeCountIssue } from '../core/node-count';
import { quotaFromManifest } from '../namespace/resource-quota';

/** The grade of a set of manifests. */
export interface CheckReport {
  readonly findings: readonly (Finding & { readonly file?: string })[];
  readonly fileErrors: readonly FileError[];
  readonly objectCount: number;
  readonly errors: number;
  readonly warnings: number;
  readonly capacity: CapacityReport;
  /** Monthly cost per namespace and team, when prices are given or declared. */
  readonly cost?: CostReport;
}

/** Options of `checkManifests`. */
export interface CheckOptions {
  /**
   * Allocatable CPU and memory of one node: every pod must fit it beside the DaemonSets (NODE_TOO_SMALL), and the
   * capacity report plans nodes of this size.
   * @default - context.nodeAllocatable, else none: pods are not checked against a node's size and there is no node plan
   */
  readonly nodeAllocatable?: ComputeResources;
  /**
   * The most nodes the cluster runs (with a cluster autoscaler, its maximum): a DaemonSet's pods count once per node.
   * @default - required when a DaemonSet's namespace has a ResourceQuota (NODE_COUNT_UNKNOWN, as synth requires a
   *   NodeAgent's expectedNodes); otherwise 1
   */
  readonly nodes?: number;
  /** Rules to run. @default RULES */
  readonly rules?: readonly Rule[];
  /** Facts the manifests cannot show (existing storage classes, Secrets made elsewhere). @default {} */
  readonly context?: RuleContext;
  /**
   * The namespace objects without `metadata.namespace` are checked in, as
   * `kubectl apply -n <namespace>` would place them. Given, or with
   * `requireNamespace: false`, a missing namespace is not a finding.
   * @default - objects keep no namespace; a missing one is SCOPE_NAMESPACE_MISSING unless requireNamespace is false
   */
  readonly namespace?: string;
  /** Report namespaced objects that do not name their namespace (SCOPE_NAMESPACE_MISSING). @default - true unless `namespace` is given */
  readonly requireNamespace?: boolean;
  /** Monthly unit prices for the cost report. @default - the prices the manifests declare (cluster-blueprints.io/unit-prices), else no cost */
  readonly prices?: UnitPrices;
}

/** A node size as the rule context takes it: quantities, as text. */
const quantities = (node: ComputeResources) => ({
  ...(node.cpu !== undefined ? { cpu: String(node.cpu) } : {}),
  ...(node.memory !== undefined ? { memory: String(node.memory) } : {}),
});

const optional = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, V>));

/**
 * `nodes`: a whole number of at least 1, judged as synth judges a NodeAgent's `expectedNodes` (REPLICAS_INVALID):
 * a count of -1, 0 or NaN would make the DaemonSet's pods, and the quota check of them, nothing.
 */
const NODES_SHAPE: Shape = {
  expected: 'a whole number of at least 1',
  issuesOf: (v, field) =>
    typeof v !== 'number'
      ? is.number.issuesOf(v, field)
      : [
          integerIssue(
            'REPLICAS_INVALID',
            field,
            v,
            { min: 1 },
            'give the most nodes the cluster runs (with a cluster autoscaler, its maximum)',
          ),
        ].filter((i) => i !== undefined),
};

/** The shape of `CheckOptions` and `LoadOptions` (checked at entry). */
const CHECK_OPTIONS_SHAPE = is.props<CheckOptions & LoadOptions>({
  nodeAllocatable: COMPUTE_SHAPE,
  nodes: NODES_SHAPE,
  rules: is.list(RULE_SHAPE),
  context: RULE_CONTEXT_SHAPE,
  namespace: is.string,
  requireNamespace: is.boolean,
  prices: PRICES_SHAPE,
  maxFileBytes: is.number,
  maxAliasCount: is.number,
});

/**
 * Grades objects: schema, duplicates, then every best-practice rule, then capacity.
 * `files[i]` and `at[i]` say where `given[i]` came from (`at`: `document 2`), to name each copy of a duplicate.
 */
export function checkManifests(
  given: readonly unknown[],
  options: CheckOptions = {},
  files?: readonly string[],
  fileErrors: readonly FileError[] = [],
  at?: readonly string[],
): CheckReport {
  checkArgs(
    'checkManifests',
    ['objects', given, is.list(is.any)],
    ['options', options, CHECK_OPTIONS_SHAPE, 'optional'],
    ['files', files, is.list(is.string), 'optional'],
    ['fileErrors', fileErrors, is.list(is.object({})), 'optional'],
    ['at', at, is.list(is.string), 'optional'],
  );
  const findings: (Finding & { file?: string })[] = [];
  const objects = options.namespace === undefined ? given : given.map((o) => inNamespace(o, options.namespace!));
  const namespaceRequired = options.requireNamespace ?? options.namespace === undefined;
  const fileOf = new Map<unknown, string>();
  objects.forEach((o, i) => {
    if (files) fileOf.set(o, files[i]);
    findings.push(...validateObjects([o], { namespaceRequired }).map((f) => ({ ...f, ...(files ? { file: files[i] } : {}) })));
  });
  // One at a time: a spread argument list overflows the stack past ~100k findings (a million duplicates is a real input).
  for (const f of duplicateFindings(objects, files, at)) findings.push(f);
  // One node size for NODE_TOO_SMALL and the node plan, so the report never plans nodes the rule refuses.
  const node: ComputeResources | undefined = options.nodeAllocatable ?? options.context?.nodeAllocatable;
  const context = node ? { ...options.context, nodeAllocatable: quantities(node) } : options.context;
  for (const f of runRules(objects, { rules: options.rules, context, fileOf: (o) => fileOf.get(o) })) findings.push(f);
  const kube = objects.filter(isKubeObject);
  for (const f of nodeCountFindings(kube, options.nodes, (o) => fileOf.get(o))) findings.push(f);
  if (!options.prices) for (const f of priceFindings(kube, (o) => fileOf.get(o))) findings.push(f);
  const errors = findings.filter((f) => f.severity === 'error').length + fileErrors.length;
  return {
    findings,
    fileErrors,
    objectCount: objects.length,
    errors,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    capacity: capacityReport(kube, { nodeAllocatable: node, nodes: options.nodes }),
    ...optional('cost', costReport(kube, options.prices)),
  };
}

/**
 * NODE_COUNT_UNKNOWN for every DaemonSet in a namespace with a ResourceQuota when `nodes` is not given: synth's rule
 * for a NodeAgent in a TeamNamespace (nodeCountIssue), so a count the synth requires is not guessed here either.
 */
function nodeCountFindings(kube: readonly any[], nodes: number | undefined, fileOf: (o: unknown) => string | undefined) {
  const quotaNamespaces = new Set(
    kube.filter((o) => o.kind === 'ResourceQuota' && quotaFromManifest(o) !== undefined).map((o) => o.metadata?.namespace),
  );
  return kube.flatMap((o) => {
    const ns = o.metadata?.namespace;
    const issue =
      o.kind === 'DaemonSet'
        ? nodeCountIssue(nodes, quotaNamespaces.has(ns) ? ns : undefined, {
            field: 'nodes',
            howToSet: '--nodes <n> (checkManifests: nodes)',
          })
        : undefined;
    if (!issue) return [];
    const file = fileOf(o);
    return [
      safeFinding({
        rule: issue.code,
        severity: 'error' as const,
        object: objectId(o),
        pointer: '/kind',
        message: `runs one pod per node, and the node count (${issue.field}) ${issue.message}`,
        fix: issue.fix,
        ...(file ? { file } : {}),
      }),
    ];
  });
}

/**
 * PRICES_INVALID when the unit prices the manifests declare (the first `cluster-blueprints.io/unit-prices`
 * annotation, the one the cost report reads) do not fit PRICES_SHAPE: not JSON, a key that is no price
 * (`cpuu`), a negative or non-finite number, a string. The cost report is then left out, never computed at 0 or NaN.
 */
function priceFindings(kube: readonly any[], fileOf: (o: unknown) => string | undefined): (Finding & { file?: string })[] {
  const declared = declaredPrices(new ManifestIndex(kube));
  if (!declared?.issues.length) return [];
  const file = fileOf(declared.object);
  return declared.issues.map((i) =>
    safeFinding({
      rule: 'PRICES_INVALID',
      severity: 'error' as const,
      object: objectId(declared.object),
      pointer: `/metadata/annotations/${PRICES_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      message: `annotation ${i.field} ${i.message}${typeof i.value === 'number' ? ` (got ${i.value})` : ''}`,
      fix: i.fix,
      ...(file ? { file } : {}),
    }),
  );
}

/**
 * `OBJECT_DUPLICATE` for every later copy of an object (the rule synth applies,
 * duplicateCopies): `kubectl apply -f dir` would silently keep the last one.
 * Each finding names both copies by file and document.
 */
function duplicateFindings(
  objects: readonly unknown[],
  files?: readonly string[],
  at?: readonly string[],
): (Finding & { file?: string })[] {
  const where = (i: number) => (files ? `${files[i]}${at?.[i] ? ` ${at[i]}` : ''}` : `objects[${i}]`);
  const named = objects
    .map((object, i) => ({ object: object as any, i }))
    .filter(({ object }) => isKubeObject(object) && typeof object.metadata?.name === 'string');
  return duplicateCopies(named, (o) => o.object).map(({ first, copy }) =>
    safeFinding({
      rule: 'OBJECT_DUPLICATE',
      severity: 'error' as const,
      object: objectId(copy.object),
      pointer: '/metadata/name',
      message: `is in ${where(copy.i)} and already in ${where(first.i)} (same group, kind, namespace and name): kubectl apply would silently keep only the last`,
      fix: 'rename or remove one of the copies',
      ...(files ? { file: files[copy.i] } : {}),
    }),
  );
}

/** `o` as `kubectl apply -n namespace` would place it: a copy with the namespace, when it is namespaced and names none. */
function inNamespace(o: unknown, namespace: string): unknown {
  const obj = o as any;
  if (!isKubeObject(obj) || CLUSTER_SCOPED_KINDS.has(obj.kind) || obj.metadata?.namespace) return o;
  const metadata = obj.metadata && typeof obj.metadata === 'object' && !Array.isArray(obj.metadata) ? obj.metadata : {};
  return { ...obj, metadata: { ...metadata, namespace } };
}

/**
 * Grades one YAML file, or every YAML file under a directory; unreadable,
 * special, oversized, non-YAML and broken files are reported per file and the
 * rest still graded.
 */
export function checkDirectory(target: string, options: CheckOptions & LoadOptions = {}): CheckReport {
  checkArgs('checkDirectory', ['target', target, is.string], ['options', options, CHECK_OPTIONS_SHAPE, 'optional']);
  const { objects, errors } = loadManifests(target, options);
  return checkManifests(
    objects.map((o) => o.object),
    options,
    objects.map((o) => o.file),
    errors,
    objects.map((o) => o.at),
  );
}

/** A plain-text table for CI logs (no colours, one line per finding). */
export function formatReport(report: CheckReport, title = 'manifests'): string {
  checkArgs(
    'formatReport',
    ['report', report, is.object({ findings: is.list(is.object({})), fileErrors: is.list(is.object({})) }, ['findings', 'fileErrors'])],
    ['title', title, is.string],
  );
  const lines: string[] = [];
  const rows = [
    ...report.fileErrors.map((e) => ['error', e.rule, e.file, '', e.message]),
    ...report.findings.map((f) => [f.severity, f.rule, f.file ? `${f.file}: ${f.object}` : f.object, f.pointer, `${f.message} — ${f.fix}`]),
  ];
  lines.push(`${title}: ${report.objectCount} objects, ${report.errors} error(s), ${report.warnings} warning(s)`);
  if (rows.length) {
    const widths = [0, 1, 2, 3].map((i) => rows.reduce((w, r) => Math.max(w, Math.min(48, r[i].length)), 0));
    for (const r of rows)
      lines.push(
        `  ${r
          .slice(0, 4)
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')}  ${r[4]}`,
      );
  }
  const c = report.capacity;
  lines.push(
    '',
    `capacity (peak = HPA max + rollout surge): ${c.total.podsMax} pods, ${c.total.requests.cpu} CPU, ${c.total.requests.memory} requested`,
  );
  lines.push(
    `  ${'namespace'.padEnd(22)}${'pods min/max/quota'.padEnd(22)}${'req cpu min/max/quota'.padEnd(26)}${'req mem min/max/quota'.padEnd(28)}lim cpu max/quota`,
  );
  for (const n of c.namespaces) {
    lines.push(
      `  ${n.namespace.padEnd(22)}${`${n.pods.min}/${n.pods.max}/${n.pods.quota ?? '-'}`.padEnd(22)}${`${n.requests.cpu.min}/${n.requests.cpu.max}/${n.requests.cpu.quota ?? '-'}`.padEnd(26)}${`${n.requests.memory.min}/${n.requests.memory.max}/${n.requests.memory.quota ?? '-'}`.padEnd(28)}${n.limits.cpu.max}/${n.limits.cpu.quota ?? '-'}`,
    );
  }
  if (c.nodes)
    lines.push(
      `  nodes of ${c.nodes.allocatable.cpu} CPU / ${c.nodes.allocatable.memory}: ${
        c.nodes.nodes === undefined
          ? `no count, none of them runs every pod: ${c.nodes.unschedulable}`
          : `${c.nodes.nodes} (incl. one spare to lose the largest), ${c.nodes.podsPerNode} of the largest pod per node`
      }, fixed overhead ${c.nodes.fixedOverheadPercent}%`,
    );
  for (const w of c.warnings) lines.push(`  warning: ${w}`);
  if (report.cost) {
    const money = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
    lines.push('', 'monthly cost (declared replicas / HPA maxima):');
    for (const [title, rows] of [
      ['namespace', report.cost.namespaces],
      ['team', report.cost.teams],
    ] as const)
      for (const r of rows)
        lines.push(`  ${title.padEnd(10)} ${(r.name || '(cluster)').padEnd(24)} ${money(r.declared)} / ${money(r.atHpaMax)}`);
    lines.push(`  ${'total'.padEnd(35)} ${money(report.cost.total.declared)} / ${money(report.cost.total.atHpaMax)}`);
  }
  return lines.join('\n');
}
