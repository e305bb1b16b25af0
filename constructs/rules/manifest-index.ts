import { podCount, text } from '../core/value-issues';
import { pointerPart } from '../core/names';
import { checkArgs, is } from '../core/shape';
import { BlueprintError } from '../core/errors';
import { EffectiveDefaults, defaultsFromManifest } from '../namespace/limit-range';

/*
 * What every rule sees: the rendered objects, indexed once by kind, by
 * namespace and by key, so a rule over N objects costs O(N), not O(N²).
 * Works on plain objects, so the same index serves synth (our own output)
 * and `cluster-blueprints check` (any YAML).
 */

/** A pod template found in a workload, with its owner. */
export interface PodTemplateRef {
  readonly owner: any;
  readonly namespace: string | undefined;
  readonly labels: Record<string, string>;
  readonly spec: any;
}

/** A JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Kinds whose pods come from `spec.template`. */
const TEMPLATE_OWNERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job']);

/** The pod template of a workload object, if it has one (any kind that owns pods, bare Pods and PodTemplates included). */
export function podTemplateOf(o: any): { metadata?: any; spec?: any } | undefined {
  if (!isObject(o)) return undefined;
  let t: unknown;
  if (TEMPLATE_OWNERS.has(o.kind)) t = o.spec?.template;
  else if (o.kind === 'CronJob') t = o.spec?.jobTemplate?.spec?.template;
  else if (o.kind === 'PodTemplate') t = o.template;
  else if (o.kind === 'Pod') t = { metadata: o.metadata, spec: o.spec };
  return isObject(t) ? t : undefined;
}

/** Every pod template among `objects`. */
export function podTemplates(objects: readonly any[]): PodTemplateRef[] {
  return objects.flatMap((o) => {
    const t = podTemplateOf(o);
    return isObject(t?.spec)
      ? [{ owner: o, namespace: o.metadata?.namespace, labels: isObject(t.metadata?.labels) ? t.metadata.labels : {}, spec: t.spec }]
      : [];
  });
}

/** A label selector with no matchLabels and no matchExpressions (absent or not an object included). */
export function isEmptySelector(selector: unknown): boolean {
  if (!isObject(selector)) return true;
  const labels = isObject(selector.matchLabels) ? Object.keys(selector.matchLabels).length : 0;
  return labels + arr(selector.matchExpressions).length === 0;
}

/** Does a label selector (`matchLabels`/`matchExpressions`, or a plain map) select `labels`? An empty or missing selector selects nothing. */
export function selects(selector: any, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false;
  const structured = 'matchLabels' in selector || 'matchExpressions' in selector;
  const matchLabels = structured ? selector.matchLabels : selector;
  for (const [k, v] of Object.entries(isObject(matchLabels) ? matchLabels : {})) if (labels[k] !== v) return false;
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    // Own keys only: `constructor` is no label of a pod (and `in` converts a map key with a `toString` key by calling it).
    const has = typeof e?.key === 'string' && Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: unknown[] = Array.isArray(e?.values) ? e.values : [];
    if (e?.operator === 'In' && !(has && values.includes(labels[e.key]))) return false;
    if (e?.operator === 'NotIn' && has && values.includes(labels[e.key])) return false;
    if (e?.operator === 'Exists' && !has) return false;
    if (e?.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/**
 * A container rules can read: an object whose name, if any, is text. The API server refuses a container named by
 * a number or a map (the schema check reports it), and every rule names the container in its messages.
 */
export const isContainer = (c: unknown): boolean => isObject(c) && (c.name === undefined || typeof c.name === 'string');

/** Containers of a pod spec, init containers first; tolerant of malformed input. */
export function containersOf(spec: any): any[] {
  return [...arr(spec?.initContainers).filter(isContainer), ...appContainersOf(spec)];
}

/** App containers only (no init containers). */
export function appContainersOf(spec: any): any[] {
  return arr(spec?.containers).filter(isContainer);
}

/**
 * Containers whose declared ports name ports of the pod: the app containers and
 * native sidecars (init containers with restartPolicy Always), as the endpoint
 * controllers resolve a Service's named targetPort (podutil.FindPort).
 */
export function portHoldersOf(spec: any): any[] {
  const sidecars = Array.isArray(spec?.initContainers)
    ? spec.initContainers.filter((c: unknown) => isContainer(c) && (c as any).restartPolicy === 'Always')
    : [];
  return [...appContainersOf(spec), ...sidecars];
}

/** Whether the `keys` of `o` hold no map or list: where foreign YAML put one (the schema check reports it), a rule cannot compare the field. */
export function scalarsAt(o: unknown, ...keys: string[]): boolean {
  return keys.every((k) => {
    const v = isObject(o) ? o[k] : undefined;
    return typeof v !== 'object' || v === null;
  });
}

/** Whether every port `containers` declare is readable: no map or list for its name, number or protocol. */
export function readablePorts(containers: readonly any[]): boolean {
  return containers.every((c) => arr(c.ports).every((p) => scalarsAt(p, 'name', 'containerPort', 'protocol')));
}

/** `port/protocol` of a container or Service port, to compare ports by (the protocol defaulting to TCP, as the API server's). */
export function portKey(port: unknown, protocol: unknown): string {
  return `${text(port)}/${text(protocol ?? 'TCP')}`;
}

/** `arr` if it is an array, else `[]` (foreign YAML can put anything anywhere). */
export function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

/** How deep JSON data may nest here: the YAML reader's limit (MAX_NESTING, 256) with room to spare; no Kubernetes object comes near. */
const MAX_JSON_DEPTH = 1_000;
/** The longest list it walks: 2^24 items, more than a 16 MiB file (the reader's default limit) can spell; a sparse list of length 2^32−1 is not walked. */
const MAX_JSON_LIST = 2 ** 24;

/** What `nonJsonData` found: where, as a JSON pointer, and what. */
export interface NonJsonData {
  readonly pointer: string;
  readonly reason: string;
  /** A getter or Proxy trap threw: nothing more of it should be read. */
  readonly unreadable?: true;
}

/**
 * Where `value` is not JSON data, or undefined when it is: a cycle, a BigInt, a function or a Symbol, a number JSON
 * cannot hold (NaN, ±Infinity), nesting deeper than MAX_JSON_DEPTH, or a property a getter or Proxy trap will not give.
 * A manifest is JSON (what kubectl sends); such an object only comes from JavaScript, never from YAML this package
 * reads (its reader refuses recursive aliases, as kubectl does), and every reader of objects would recurse without
 * end or throw on it. Shared references (a YAML alias) are data. Recursive, but
 * never deeper than MAX_JSON_DEPTH.
 */
export function nonJsonData(value: unknown): NonJsonData | undefined {
  const path: string[] = [];
  try {
    // The fast pass, all that JSON data gets: a cycle is nesting without end, so the depth bound finds it too.
    if (isJsonData(value, 0)) return undefined;
    const reason = walkJson(value, path, new Set());
    return reason === undefined ? undefined : { pointer: path.map((k) => `/${pointerPart(k)}`).join(''), reason };
  } catch {
    return { pointer: '', reason: 'could not be read (a getter or Proxy throws)', unreadable: true };
  }
}

/** Whether `v` is JSON data within MAX_JSON_DEPTH levels, without saying where it is not. */
function isJsonData(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) return true;
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(v)) {
    if (v.length > MAX_JSON_LIST) return false;
    for (let i = 0; i < v.length; i++) if (!isJsonData(v[i], depth + 1)) return false;
    return true;
  }
  for (const k of Object.keys(v)) if (!isJsonData((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

/** Why `v` is not JSON data, with `path` left at where (its keys), or undefined; `open` holds the objects being walked. */
function walkJson(v: unknown, path: string[], open: Set<object>): string | undefined {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'number':
      return Number.isFinite(v) ? undefined : `holds ${v}, a number JSON cannot hold`;
    case 'bigint':
      return 'holds a BigInt';
    case 'function':
      return 'holds a function';
    case 'symbol':
      return 'holds a Symbol';
  }
  if (v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (open.has(o)) return 'holds a cycle (a value that contains itself)';
  if (open.size >= MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
  if (Array.isArray(o) && o.length > MAX_JSON_LIST) return `is a list of ${o.length} items, more than ${MAX_JSON_LIST} (a sparse list?)`;
  open.add(o);
  const keys = Array.isArray(o) ? undefined : Object.keys(o);
  const n = keys === undefined ? (o as unknown as unknown[]).length : keys.length;
  for (let i = 0; i < n; i++) {
    const key = keys === undefined ? String(i) : keys[i];
    path.push(key);
    const reason = walkJson(o[key], path, open);
    if (reason !== undefined) return reason;
    path.pop();
  }
  open.delete(o);
  return undefined;
}

/**
 * `read()`, a function of the public API over `objects` (manifests from an untyped caller), with what a
 * getter or Proxy trap of theirs throws on the way reported as `PROPS_INVALID` at the object and field
 * it could not read (as `checkArgs` reports an unreadable argument), never as the getter's own error.
 * Judged only when `read` throws: the objects are not walked twice on the usual path. An error no
 * unreadable object explains (an AssertionError of the testing helpers, a bug) is thrown as it is.
 */
export function readingObjects<T>(where: string, objects: readonly unknown[], read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof BlueprintError) throw e;
    for (let i = 0; i < objects.length; i++) {
      let found: NonJsonData | undefined;
      try {
        found = nonJsonData(objects[i]);
      } catch {
        found = { pointer: '', reason: 'could not be read', unreadable: true };
      }
      if (found?.unreadable)
        throw new BlueprintError({
          code: 'PROPS_INVALID',
          path: '',
          construct: where,
          field: `objects[${i}]${found.pointer}`,
          value: '(unreadable)',
          message: 'could not be read (a getter or Proxy throws); it must be plain data, as YAML or JSON gives it',
          fix: 'pass plain objects, e.g. parsed from YAML, or JSON.parse(JSON.stringify(o))',
        });
    }
    throw e;
  }
}

/** Is `o` JSON data shaped enough like a Kubernetes object for rules to read (string kind and apiVersion, object metadata)? */
export function isKubeObject(o: unknown): boolean {
  return (
    isObject(o) &&
    nonJsonData(o) === undefined && // first: it reads every property once, under a catch (a throwing getter)
    typeof o.kind === 'string' &&
    typeof o.apiVersion === 'string' &&
    (o.metadata === undefined || isObject(o.metadata)) &&
    (o.metadata?.name === undefined || typeof o.metadata.name === 'string') &&
    (o.metadata?.namespace === undefined || typeof o.metadata.namespace === 'string')
  );
}

/**
 * Pods an operator creates from a custom resource, as far as selecting them
 * goes: the labels the operator puts on them and the ports they serve. Their
 * spec is the operator's, so pod rules do not read them; selectors
 * (NetworkPolicies, Services, monitors) find them.
 */
export function operatorPods(o: any): PodTemplateRef | undefined {
  if (o.kind === 'Certificate' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('cert-manager.io/'))
    return http01SolverPods(o);
  if (o.kind !== 'Prometheus' || typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('monitoring.coreos.com/')) return undefined;
  const name = o.metadata?.name;
  const extra = isObject(o.spec?.podMetadata?.labels) ? o.spec.podMetadata.labels : {};
  return {
    owner: o,
    namespace: o.metadata?.namespace,
    // prometheus-operator's own selector labels, which override podMetadata's.
    labels: {
      ...extra,
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/instance': name,
      prometheus: name,
      'operator.prometheus.io/name': name,
    },
    spec: {
      containers: [{ name: 'prometheus', ports: [{ name: 'web', containerPort: 9090 }] }],
      // What the operator copies into the pods as it stands, for the rules that check the objects they name.
      ...(typeof o.spec?.priorityClassName === 'string' ? { priorityClassName: o.spec.priorityClassName } : {}),
      ...(typeof o.spec?.serviceAccountName === 'string' ? { serviceAccountName: o.spec.serviceAccountName } : {}),
    },
  };
}

/**
 * The pods cert-manager starts in a Certificate's namespace while an ACME HTTP-01 challenge is open
 * (pkg/issuer/acme/http/pod.go): labelled `acme.cert-manager.io/http01-solver: "true"`, serving port `http`,
 * 8089. Whether the issuer solves HTTP-01 is not read here: a policy admitting them is not taken for one that
 * selects nothing.
 */
function http01SolverPods(o: any): PodTemplateRef {
  return {
    owner: o,
    namespace: o.metadata?.namespace,
    labels: { 'acme.cert-manager.io/http01-solver': 'true' },
    spec: { containers: [{ name: 'acmesolver', ports: [{ name: 'http', containerPort: 8089 }] }] },
  };
}

/** The kinds whose replica count an HPA may own. */
export const SCALED_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'];

const OWN_OUTPUT = new WeakSet<ManifestIndex>();

/**
 * Marks `ix` as the library's own rendered output (the synth hook): there a
 * container's ports list every port it listens on, since a typed workload
 * declares them all, so a rule may read a number outside the list as a typo.
 * Foreign YAML lists ports for information only.
 */
export function markOwnOutput(ix: ManifestIndex): ManifestIndex {
  OWN_OUTPUT.add(ix);
  return ix;
}

/** Whether `ix` is the library's own rendered output (see markOwnOutput). */
export function isOwnOutput(ix: ManifestIndex): boolean {
  return OWN_OUTPUT.has(ix);
}

/*
 * The arguments of the index's methods, checked where a wrong one would throw a TypeError: a check
 * written in JavaScript may pass anything. The rules pass what the index holds (a string or no
 * namespace, a kube object), so the common case costs one typeof.
 */
const OBJECT_ARG = is.object({ kind: is.string, metadata: is.object({ name: is.string, namespace: is.string }) }, ['kind']);
const SELECTOR_ARG = is.either(is.object({}), is.list(is.any));
/** `ns` as a map key: no namespace is the cluster's (''). */
function nsKey(method: string, ns: unknown): string {
  if (typeof ns === 'string') return ns;
  if (ns !== undefined) checkArgs(`ManifestIndex.${method}`, ['ns', ns, is.string]);
  return '';
}

/** The rendered objects, indexed. */
export class ManifestIndex {
  public readonly objects: readonly any[];
  public readonly templates: PodTemplateRef[];
  /** The pods operators create from resources of the input (prometheus-operator's, cert-manager's HTTP-01 solvers). */
  public readonly operated: PodTemplateRef[];
  private readonly byKey = new Map<string, any>();
  private readonly byKind = new Map<string, any[]>();
  private readonly byNamespace = new Map<string, any[]>();
  private readonly byNsKind = new Map<string, any[]>();
  private readonly templatesByNs = new Map<string, PodTemplateRef[]>();
  private readonly templatesByLabel = new Map<string, PodTemplateRef[]>();
  private readonly hpaByTarget = new Map<string, any>();
  private readonly limitDefaults = new Map<string, EffectiveDefaults | undefined>();

  /** Non-objects and type-confused documents are left out (the schema check reports them). */
  constructor(objects: readonly unknown[]) {
    this.objects = objects.filter(isKubeObject);
    for (const o of this.objects) {
      const ns = o.metadata?.namespace;
      this.byKey.set(this.key(o.kind, ns, o.metadata?.name), o);
      push(this.byKind, o.kind, o);
      if (ns !== undefined) push(this.byNamespace, ns, o);
      push(this.byNsKind, `${ns ?? ''}/${o.kind}`, o);
      if (o.kind === 'HorizontalPodAutoscaler' && isObject(o.spec?.scaleTargetRef))
        this.hpaByTarget.set(this.key(o.spec.scaleTargetRef.kind, ns, o.spec.scaleTargetRef.name), o);
    }
    this.templates = podTemplates(this.objects);
    this.operated = this.objects.flatMap((o) => operatorPods(o) ?? []);
    for (const t of [...this.templates, ...this.operated]) {
      push(this.templatesByNs, t.namespace ?? '', t);
      for (const [k, val] of Object.entries(t.labels)) push(this.templatesByLabel, `${t.namespace ?? ''}\u0000${k}=${text(val)}`, t);
    }
  }

  public key(kind: unknown, ns: unknown, name: unknown): string {
    return `${text(kind)}/${typeof ns === 'string' ? ns : ''}/${typeof name === 'string' ? name : ''}`;
  }
  public get(kind: string, ns: string | undefined, name: unknown): any | undefined {
    return typeof name === 'string' ? this.byKey.get(this.key(kind, ns, name)) : undefined;
  }
  public ofKind(...kinds: string[]): any[] {
    return kinds.length === 1 ? (this.byKind.get(kinds[0]) ?? []) : kinds.flatMap((k) => this.byKind.get(k) ?? []);
  }
  public inNamespace(ns: string | undefined): any[] {
    return this.byNamespace.get(ns ?? '') ?? [];
  }
  /** Pod templates in namespace `ns`. */
  public templatesIn(ns: string | undefined): PodTemplateRef[] {
    return this.templatesByNs.get(ns ?? '') ?? [];
  }
  /** Pod templates of namespace `ns` whose labels `selector` selects. */
  public selected(ns: string | undefined, selector: any): PodTemplateRef[] {
    const nsk = nsKey('selected', ns);
    // A selector from YAML is plain data; one a getter or Proxy guards is refused before it is read.
    if (typeof selector === 'object' && selector !== null) checkArgs('ManifestIndex.selected', ['selector', selector, SELECTOR_ARG]);
    // Candidates by the selector's first label, so N Services over N workloads in one namespace stay linear.
    const labels = isObject(selector)
      ? 'matchLabels' in selector || 'matchExpressions' in selector
        ? selector.matchLabels
        : selector
      : {};
    const first = isObject(labels) ? Object.entries(labels)[0] : undefined;
    const candidates = first ? (this.templatesByLabel.get(`${nsk}\u0000${first[0]}=${text(first[1])}`) ?? []) : this.templatesIn(ns);
    return candidates.filter((t) => selects(selector, t.labels));
  }
  /** Workloads of `kinds` in `ns` whose pod labels `selector` selects. */
  public selectedWorkloads(ns: string | undefined, selector: any, kinds = SCALED_KINDS): any[] {
    if (kinds !== SCALED_KINDS) checkArgs('ManifestIndex.selectedWorkloads', ['kinds', kinds, is.list(is.string)]);
    return this.selected(ns, selector)
      .filter((t) => kinds.includes(t.owner.kind))
      .map((t) => t.owner);
  }
  /** The HPA scaling `o`, if any. */
  public hpaFor(o: any): any | undefined {
    checkArgs('ManifestIndex.hpaFor', ['o', o, OBJECT_ARG]);
    return this.hpaByTarget.get(this.key(o.kind, o.metadata?.namespace, o.metadata?.name));
  }
  /** Replicas of a workload: at the HPA minimum and maximum, or its declared count. */
  public replicas(o: any): { min: number; max: number; hpa?: any } {
    checkArgs('ManifestIndex.replicas', ['o', o, OBJECT_ARG]);
    const hpa = this.hpaFor(o);
    if (hpa) {
      const min = podCount(hpa.spec?.minReplicas) ?? 1;
      return { min, max: podCount(hpa.spec?.maxReplicas) ?? min, hpa };
    }
    const r = podCount(o.spec?.replicas) ?? 1;
    return { min: r, max: r };
  }
  /** Pod Security `enforce` level of a namespace defined in the set, if any. */
  public psaLevel(ns: string | undefined): string | undefined {
    return ns ? this.get('Namespace', undefined, ns)?.metadata?.labels?.['pod-security.kubernetes.io/enforce'] : undefined;
  }
  /** The container LimitRange item of namespace `ns`, raw. */
  public containerLimits(ns: string | undefined): any | undefined {
    return this.ofKindIn('LimitRange', ns)
      .flatMap((l) => arr(l.spec?.limits))
      .find((l: any) => l?.type === 'Container');
  }
  /** What the API server fills in for a container of namespace `ns` that sets no resources (undefined: no LimitRange item, or unparsable). */
  public limitRangeDefaults(ns: string | undefined): EffectiveDefaults | undefined {
    const k = nsKey('limitRangeDefaults', ns);
    if (!this.limitDefaults.has(k)) {
      const item = this.containerLimits(ns);
      let d: EffectiveDefaults | undefined;
      try {
        d = item ? defaultsFromManifest(item) : undefined;
      } catch {
        d = undefined;
      }
      this.limitDefaults.set(k, d);
    }
    return this.limitDefaults.get(k);
  }
  /** Objects of `kind` in namespace `ns`. */
  public ofKindIn(kind: string, ns: string | undefined): any[] {
    if (typeof kind !== 'string') checkArgs('ManifestIndex.ofKindIn', ['kind', kind, is.string]);
    return this.byNsKind.get(`${nsKey('ofKindIn', ns)}/${kind}`) ?? [];
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
