import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { entryPoints } from '../scripts/api-report';

/*
 * index.ts is the package's public surface; the folder barrels (constructs/,
 * blueprints/) export everything for code inside this repository. Every symbol
 * of a barrel is either public (named in index.ts, recorded in
 * etc/cluster-blueprints.api.md, compared by `npm run api:check` in CI) or
 * listed here as internal, so a new export is a decision, not an accident.
 */
const INTERNAL = new Set([
  // The manifest diff and cost internals of the CLI, and label/annotation keys the constructs write.
  'Amounts',
  'DiffReport',
  'ENVIRONMENT_LABEL',
  'OWNER_ANNOTATION',
  'ObjectChange',
  'PRICES_ANNOTATION',
  'Requested',
  'CONTAINER_SHAPE',
  'DEPLOYMENT_WORKLOAD_SHAPE',
  'JOB_SHAPE',
  'QUOTA_LIMITS_SHAPE',
  'PLACEMENT_SHAPE',
  'WORKLOAD_SHAPE',
  // Entry shapes and the collection of errors across parts (constructs/core/shape.ts, errors.ts).
  'CLAIM_LIMITS_SHAPE',
  'COMPUTE_SHAPE',
  'CONTAINER_LIMITS_SHAPE',
  'ENDPOINT_SHAPE',
  'Collector',
  'RENDER_OPTIONS_SHAPE',
  'RULE_CONTEXT_SHAPE',
  'RULE_SHAPE',
  'SECRET_SOURCE_SHAPE',
  'fieldRoot',
  // The refusal of a render from inside a check (core/checks.ts), and findings made safe to print (rules/schema.ts).
  'reentrant',
  'safeFinding',
  // Synth warnings made safe to print as BlueprintError's issues are (core/errors.ts).
  'safeIssue',
  // How kubectl's YAML parser (go-yaml v2) resolves a plain scalar (rules/manifests.ts): the loader's, and the emitter's to reuse.
  'PlainScalar',
  'resolvePlainScalar',
  // The nesting bound the loader refuses deeper YAML by (rules/manifests.ts), and the cap on issues of one code per prop (core/errors.ts).
  'MAX_NESTING',
  'nestingDepth',
  'MAX_ISSUES_PER_KIND',
  // The public report and testing helpers' reading of untyped objects (rules/manifest-index.ts).
  'readingObjects',
  'labelValueIssue',
  'labelMapFaults',
  'labelSelectorFaults',
  'selectorLabelIssues',
  'SelectorLabelIssueOptions',
  'LabelFault',
  'costReport',
  'declaredPrices',
  'parsePrices',
  'PRICES_SHAPE',
  'diffManifests',
  'formatDiff',
  'loadManifests',
  'monthlyCost',
  'podRequestsOf',
  'requested',
  'requestedBy',
  'storageBytes',
  'synthRuleContext',
  // validateManifests without its argument check, for the render stage and checkManifests (rules/schema).
  'validateObjects',
  'CONFIG_MAP_MAX_BYTES',
  'WRITTEN_LIST',
  'markChecksDone',
  'modelErrors',
  'nameLabelValue',
  'renderedObjectsOf',
  'registerChartRenderer',
  'ChartRenderer',
  'stringifyDocument',
  'stringifyManifests',
  // What YAML cannot carry (a lone surrogate), shared by the emitter, its render stage and ConfigMap (render/yaml-emitter).
  'loneSurrogateIn',
  'unrepresentableText',
  // One home each for a JSON pointer segment (core/names) and the plain-object test (rules/manifest-index).
  'pointerPart',
  'isObject',
  'unknownFieldPointers',
  'metricsIssues',
  'scrapeIntervalIssue',
  // Port checks shared by containers, probes, Services and network intents (constructs/core/ports.ts).
  'isPortName',
  'isPortNumber',
  'portNameIssue',
  'portNumOrNameIssue',
  'portNumberIssue',
  // The automatic API server path of token-mounting workloads (constructs/networking/network-intent.ts).
  'allowApiServer',
  // The class an issuer solves HTTP-01 through, which IngressRoutes must share (constructs/networking/cluster-issuer.ts).
  'http01IngressClassOf',
  'ingressHostIssue',
  'operatorPods',
  'requirementsText',
  // The parts of outputRequirements (constructs/render/requirements.ts).
  'namespaceRequirements',
  'secretRequirements',
  'REFERENCE_RULES',
  'RunRulesOptions',
  'SCALED_KINDS',
  'TREE_RULES',
  'TreeRule',
  'appContainersOf',
  'isOwnOutput',
  'markOwnOutput',
  'portHoldersOf',
  'isContainer',
  'portKey',
  'readablePorts',
  'scalarsAt',
  'arr',
  'backUpOnce',
  'containersOf',
  'isKubeObject',
  'nonJsonData',
  'NonJsonData',
  'providedSecrets',
  'ruleIssues',
  'RuleIssues',
  'v',
  'issueViolation',
  'Annotations',
  'CLUSTER_SCOPED_KINDS',
  'CRON_MACROS',
  'ComponentLabelsOptions',
  'KEEP_DATA_SYNC_OPTIONS',
  'Labels',
  'LoadedObject',
  'MANAGED_BY',
  'NameRule',
  'PlacementSpec',
  'Problems',
  'REVERSE_PROXY_CONF',
  'RULES',
  'SECRET_ENV_NAME',
  'ValidatingModel',
  'allowInto',
  'allowIntoAtRender',
  'allowOutOf',
  'annotateForArgoCd',
  'protectDataHolders',
  'applyDefaulting',
  'assertCronSchedule',
  'assertName',
  'chartApiObjects',
  'clusterFactsOf',
  'addClusterFacts',
  'perPass',
  'collectIssues',
  'componentLabels',
  'ignoreKubeLinterCheck',
  'exemptRunAsRoot',
  'ignoreKubeScoreCheck',
  'exemptPolarisCheck',
  'exemptRuntimePodsPolicy',
  'exemptApiTokenMount',
  'KUBE_SCORE_IGNORE',
  'TRACK_LABELS',
  'computeFromManifest',
  'computeToManifest',
  'COMPUTE_RESOURCES',
  'ComputeResource',
  'containerToJson',
  'createAutoscaler',
  'cronScheduleError',
  'cronScheduleIssue',
  // The default activeDeadline of a ScheduledJob under Forbid.
  'shortestCronInterval',
  'defaultsFromManifest',
  // ValidateLimitRange's ratio bound, shared by the LimitRange construct and the catalogue's LIMITRANGE_RATIO.
  'ratioAboveMaxOverMin',
  'RATIO_ABOVE_MAX_OVER_MIN_FIX',
  'finishObject',
  'formatIssue',
  'holdsData',
  // Day-2 helpers of sync-annotations.ts, shared with the day-2 rules.
  'objectHoldsData',
  'syncOptionsOf',
  'LAST_APPLIED_ANNOTATION',
  'MAX_ANNOTATIONS_BYTES',
  'SERVER_SIDE_APPLY',
  'lastAppliedAnnotationsBytes',
  'tooLargeForClientSideApply',
  'ipFamily',
  'isDns1035Label',
  'isDns1123Label',
  'isDns1123Subdomain',
  // RFC 1035's 63-octet label bound, shared by the host checks (Ingress hosts, ExternalName, NFS servers).
  'hasOverlongDnsLabel',
  'OVERLONG_DNS_LABEL',
  'isLabelKey',
  'isLabelValue',
  'isPinnedImage',
  'loadManifestDir',
  'nameIssue',
  'checkedName',
  'objectNameIssues',
  // The API server's metadata rules for foreign objects (core/names, used by the schema check).
  'isPathSegmentName',
  'isAnnotationKey',
  'ANNOTATIONS_MAX_BYTES',
  'objectNameRule',
  'apiServerMetadataIssues',
  'MetadataIssue',
  // Rules of derived names, volumes, keys, counts and claim access modes shared by constructs (core/names, config/volume, config/config-map, policy/pod-disruption-budget, core/access-mode).
  'accessModeIssues',
  'DERIVED_NAME_LIMITS',
  'derivedNameIssue',
  'dns1123LabelOf',
  'hostPathIssue',
  'HOST_PATH_TYPE_SHAPE',
  'isConfigMapKey',
  'configMapFileKeys',
  'isValidCount',
  'mountPathIssue',
  'subPathIssues',
  'mountPathKey',
  'envSizeIssue',
  'mountIssues',
  'secretNamespaceIssue',
  'volumeNameIssue',
  'unpinnedImageIssue',
  'imageReferenceIssue',
  'isEnvVarName',
  'envVarNameIssue',
  'isPortName',
  'isPortNumber',
  'portNameIssue',
  'portNumberIssue',
  'portNumOrNameIssue',
  'objectId',
  'ownerOf',
  'parseNanos',
  'isPositiveQuantity',
  'placementIssues',
  'podSelectorOf',
  'podTemplateOf',
  'podTemplates',
  'quotaToHard',
  // The quota fit rule shared by TeamNamespace's synth check and the capacity report.
  'NamespaceQuota',
  'QuotaExcess',
  'QuotaPods',
  'podQuotaExcesses',
  'quotaFromManifest',
  'registerCrd',

  'renderPlacement',
  'requireSecretKey',
  'resolveAutoscaling',
  'resolveCompute',
  'zeroComputeIssues',
  // The constructs' validators over the rendered shape, shared with the catalogue's api-server rules.
  'crossVersionRefIssues',
  'ipBlockIssues',
  'pdbBudgetIssue',
  'probeIssues',
  'quotaScopeIssues',
  'scopeSelectorIssues',
  'requestAboveLimitIssues',
  'rollingUpdateIssues',
  'spreadConstraintIssues',
  'tolerationIssues',
  'resolveContainer',
  'DEFAULT_EPHEMERAL_STORAGE',
  'EphemeralStorageDefault',
  'resolveContainerResources',
  'resolvePodCount',
  'resolveQuota',
  'restrictedContainerSecurity',
  'runRules',
  'selects',
  'isEmptySelector',
  'setOwner',
  'stampOwners',
  'timeZoneError',
  'TIMEZONE_FIX',
  'ipVersion',
  'unusableAddressReason',
  'isCidr',
  'isStrictSubnet',
  'addressKey',
  'isIpv4Mapped',
  'withChecksAlreadyRun',
]);

const root = path.join(__dirname, '..');

/**
 * The names a module of this repository exports, read from the syntax alone: its own
 * exported declarations, `export { … }` lists, and what `export * from './x'` brings in,
 * followed through the repository's files. (A type-checked program gives the same names
 * but loads every dependency's declarations: seconds of `npm test` for a list of names.)
 */
function syntacticExports(file: string, seen = new Set<string>()): Set<string> {
  const out = new Set<string>();
  const resolved = fs.existsSync(`${file}.ts`)
    ? `${file}.ts`
    : fs.statSync(file, { throwIfNoEntry: false })?.isFile()
      ? file
      : path.join(file, 'index.ts');
  if (seen.has(resolved)) return out;
  seen.add(resolved);
  const source = ts.createSourceFile(resolved, fs.readFileSync(resolved, 'utf8'), ts.ScriptTarget.ES2022, false);
  const target = (spec: ts.Expression) => path.resolve(path.dirname(resolved), (spec as ts.StringLiteral).text);
  for (const st of source.statements) {
    if (ts.isExportDeclaration(st)) {
      if (!st.exportClause && st.moduleSpecifier) syntacticExports(target(st.moduleSpecifier), seen).forEach((n) => out.add(n));
      else if (st.exportClause && ts.isNamedExports(st.exportClause)) st.exportClause.elements.forEach((e) => out.add(e.name.text));
      else if (st.exportClause && ts.isNamespaceExport(st.exportClause)) out.add(st.exportClause.name.text);
      continue;
    }
    if (!(ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))) continue;
    if (ts.isVariableStatement(st)) st.declarationList.declarations.forEach((d) => ts.isIdentifier(d.name) && out.add(d.name.text));
    else if ('name' in st && st.name && ts.isIdentifier(st.name as ts.Node)) out.add((st.name as ts.Identifier).text);
  }
  return out;
}
const exportsOf = (file: string) => [...syntacticExports(path.join(root, file))];
const PUBLIC = new Set(exportsOf('index.ts'));
const BARRELS = new Set([...exportsOf('constructs/index.ts'), ...exportsOf('blueprints/index.ts')]);

test('every symbol the barrels export is classified: public in index.ts, or internal here', () => {
  const unclassified = [...BARRELS].filter((n) => !PUBLIC.has(n) && !INTERNAL.has(n)).sort();
  const advice = unclassified.map(
    (n) => `${n}: public API? name it in index.ts and run \`npm run api\`; helper? add '${n}' to INTERNAL in test/api-boundary.test.ts`,
  );
  expect(advice).toEqual([]);
});

test('no internal symbol is exported by the package', () => {
  expect([...INTERNAL].filter((n) => PUBLIC.has(n))).toEqual([]);
  expect(PUBLIC.size).toBeGreaterThan(150);
  for (const name of ['TeamNamespace', 'WebService', 'StatefulService', 'ClusterPlatform', 'BlueprintError', 'synthesize', 'Cpu']) {
    expect(PUBLIC.has(name)).toBe(true);
  }
});

test('every typed entry point of package.json gets its own API report', () => {
  const pkg = {
    name: 'cluster-blueprints',
    exports: { '.': { types: './lib/index.d.ts' }, './pulumi': { types: './lib/pulumi/index.d.ts' }, './package.json': './package.json' },
  };
  expect(entryPoints(pkg).map((e) => [e.subpath, e.reportName, path.basename(e.typesFile)])).toEqual([
    ['.', 'cluster-blueprints', 'index.d.ts'],
    ['./pulumi', 'cluster-blueprints-pulumi', 'index.d.ts'],
  ]);
  const real = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const entry of entryPoints(real)) {
    expect(fs.existsSync(path.join(root, 'etc', `${entry.reportName}.api.md`))).toBe(true);
  }
});

describe('the API report (etc/*.api.md)', () => {
  const reports = () =>
    fs
      .readdirSync(path.join(__dirname, '..', 'etc'))
      .filter((f) => f.endsWith('.api.md'))
      .map((f) => ({ file: f, text: fs.readFileSync(path.join(__dirname, '..', 'etc', f), 'utf8') }));

  // Declarations `cdk8s import` generates (imports/): not ours to type.
  const GENERATED = /toJson_|static manifest\(|toJson\(\): any;|readonly hooks\?: any;/;
  // Every `any` left in the public API, each kept on purpose: a new one is a decision, made here.
  const ALLOWED_ANY = [
    // Each @pulumi/kubernetes class takes its own args type: `object`/`unknown` would refuse assigning them, `never` calling them.
    'export type KubernetesResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;',
    // Rendered objects, read by deep paths of any kind (`web.spec.template.spec.containers[0].env`), as cdk8s' toJson().
    'export function findObject(objects: readonly unknown[], query: ObjectQuery): any;',
    'export function objectsOfKind(objects: readonly unknown[], kind: string): any[];',
    'export function synthObjects(scope: App | Chart): any[];',
    'toJson(): any[];',
    'readonly objects: any[];',
    'readonly object: any;',
    // ManifestIndex, the rule catalogue's index over untyped objects (found by kind, read by path).
    'containerLimits(ns: string | undefined): any | undefined;',
    'get(kind: string, ns: string | undefined, name: unknown): any | undefined;',
    'hpaFor(o: any): any | undefined;',
    'inNamespace(ns: string | undefined): any[];',
    'readonly objects: readonly any[];',
    'ofKind(...kinds: string[]): any[];',
    'ofKindIn(kind: string, ns: string | undefined): any[];',
    'replicas(o: any): {',
    'hpa?: any;',
    'selected(ns: string | undefined, selector: any): PodTemplateRef[];',
    'selectedWorkloads(ns: string | undefined, selector: any, kinds?: string[]): any[];',
    'readonly owner: any;',
    'readonly spec: any;',
  ];

  test('has no `any` but the listed ones (inputs take `unknown`)', () => {
    const found = reports().flatMap(({ text }) =>
      text
        .split('\n')
        .filter((l) => /\bany\b/.test(l) && !l.trim().startsWith('//') && !GENERATED.test(l))
        .map((l) => l.trim()),
    );
    expect([...new Set(found)].filter((l) => !ALLOWED_ANY.includes(l))).toEqual([]);
  });

  // API Extractor marks a member without TSDoc `// (undocumented)`; the count may only go down (lower it here when it does).
  const MAX_UNDOCUMENTED: Record<string, number> = {
    'cluster-blueprints.api.md': 388,
    'cluster-blueprints-pulumi.api.md': 0,
    'cluster-blueprints-testing.api.md': 5,
  };

  test('documents at least as many members as it did', () => {
    const over = reports().filter(({ file, text }) => text.split('(undocumented)').length - 1 > (MAX_UNDOCUMENTED[file] ?? 0));
    expect(over.map(({ file, text }) => `${file}: ${text.split('(undocumented)').length - 1}`)).toEqual([]);
  });
});
