import { createHash } from 'crypto';
import { BlueprintError, IssueInput, IssueSink } from './errors';
import { imageCredential } from './secret-patterns';

/*
 * Name rules of the API server.
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Which name rule applies. */
export enum NameRule {
  /** RFC 1123 label: most object names (Namespace, ConfigMap, Deployment…). ≤ 63 chars. */
  DNS1123_LABEL = 'DNS-1123 label',
  /** RFC 1123 subdomain: dotted names (PriorityClass, StorageClass, Secret…). ≤ 253 chars. */
  DNS1123_SUBDOMAIN = 'DNS-1123 subdomain',
  /** RFC 1035 label: Service names (must start with a letter). ≤ 63 chars. */
  DNS1035_LABEL = 'DNS-1035 label',
  /** A label value: ≤ 63 chars of `[A-Za-z0-9_.-]`, alphanumeric at both ends, or empty. */
  LABEL_VALUE = 'label value',
  /** A label or annotation key: optional DNS subdomain prefix, `/`, name ≤ 63 chars. */
  LABEL_KEY = 'label key',
}

export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

export function isDns1123Subdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && s.split('.').every((part) => DNS1123_LABEL.test(part));
}

/**
 * Whether DNS name `s` has a label longer than 63 octets, which no DNS name can carry (RFC 1035 2.3.4):
 * IsDNS1123Subdomain checks only the 253 characters in all, so the API server takes `a×64.example.com`,
 * which no resolver serves, no DNS provider publishes and no ACME CA issues for.
 */
export function hasOverlongDnsLabel(s: string): boolean {
  return s.split('.').some((label) => label.length > 63);
}

/** The message for a host name with a label over 63 characters (see hasOverlongDnsLabel). */
export const OVERLONG_DNS_LABEL =
  'has a label longer than 63 characters, which no DNS name can carry (RFC 1035): no resolver, DNS provider or certificate authority takes it';

export function isDns1035Label(s: string): boolean {
  return s.length <= 63 && DNS1035_LABEL.test(s);
}

export function isLabelValue(s: string): boolean {
  return s.length <= 63 && LABEL_VALUE.test(s);
}

export function isLabelKey(s: string): boolean {
  const slash = s.lastIndexOf('/');
  const prefix = slash >= 0 ? s.slice(0, slash) : undefined;
  const name = slash >= 0 ? s.slice(slash + 1) : s;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

const CHECKS: Record<NameRule, (s: string) => boolean> = {
  [NameRule.DNS1123_LABEL]: isDns1123Label,
  [NameRule.DNS1123_SUBDOMAIN]: isDns1123Subdomain,
  [NameRule.DNS1035_LABEL]: isDns1035Label,
  [NameRule.LABEL_VALUE]: isLabelValue,
  [NameRule.LABEL_KEY]: isLabelKey,
};

const HINTS: Record<NameRule, string> = {
  [NameRule.DNS1123_LABEL]: "use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit",
  [NameRule.DNS1123_SUBDOMAIN]: "use at most 253 characters of dot-separated DNS-1123 labels, e.g. 'high-priority'",
  [NameRule.DNS1035_LABEL]: "use at most 63 lower-case letters, digits and '-', starting with a letter (Service names are DNS-1035)",
  [NameRule.LABEL_VALUE]: "use at most 63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric",
  [NameRule.LABEL_KEY]: "use an optional DNS subdomain prefix and '/', then a name of at most 63 characters, e.g. 'example.com/team'",
};

/** The issue for `value` breaking `rule`, or `undefined` when it is fine. */
export function nameIssue(rule: NameRule, field: string, value: unknown): IssueInput | undefined {
  if (typeof value === 'string' && CHECKS[rule](value)) return undefined;
  return { code: 'NAME_INVALID', field, value, message: `is not a valid ${rule}`, fix: HINTS[rule] };
}

/** The issues of a namespaced object's `name`, held to `rule`, and its `namespace`, a DNS-1123 label (apimachinery ValidateNamespaceName). */
export function objectNameIssues(rule: NameRule, name: unknown, namespace: unknown): (IssueInput | undefined)[] {
  return [nameIssue(rule, 'name', name), nameIssue(NameRule.DNS1123_LABEL, 'namespace', namespace)];
}

/**
 * Records in `problems` the issue of `name` breaking `rule`, and returns the
 * name: a constructor's `this.name = checkedName(problems, rule, props.name ?? id)`.
 */
export function checkedName(problems: IssueSink, rule: NameRule, name: string, field = 'name'): string {
  problems.addAll(nameIssue(rule, field, name));
  return name;
}

/**
 * Longest names of objects whose controller derives a longer name or label
 * value from them (each must stay a valid 63-character label):
 * - a CronJob's jobs are `<name>-<11-digit schedule time>`;
 * - a StatefulSet's pods carry `controller-revision-hash: <name>-<≤10-character hash>` (kubernetes#64023);
 * - a BatchJob's Job is `<name>-<10-character spec hash>`, its pods labelled `batch.kubernetes.io/job-name` with it.
 */
export const DERIVED_NAME_LIMITS = {
  CronJob: { max: 52, why: 'the controller appends an 11-character suffix to name each job' },
  StatefulSet: {
    max: 52,
    why: "the controller labels each pod 'controller-revision-hash: <name>-<hash>' (up to 11 more characters), which must fit 63",
  },
  Job: {
    max: 52,
    why: "a BatchJob's Job is named '<name>-<10-character hash of its spec>', which the Job controller copies into the 'job-name' label of its pods (63 at most)",
  },
} as const;

/** NAME_INVALID when `name` is too long for the name `kind`'s controller derives from it, or `undefined`. */
export function derivedNameIssue(kind: keyof typeof DERIVED_NAME_LIMITS, field: string, name: unknown): IssueInput | undefined {
  const { max, why } = DERIVED_NAME_LIMITS[kind];
  if (typeof name !== 'string' || name.length <= max) return undefined;
  return { code: 'NAME_INVALID', field, value: name, message: `is longer than ${max} characters (${why})`, fix: 'shorten the name' };
}

/**
 * `name` when it is a DNS-1123 label, else one derived from it: its first 46
 * characters made label-safe, '-' and 16 hex characters of its sha256, so
 * distinct names stay distinct. For names the library copies from a longer or
 * dotted one (a volume named after its ConfigMap, Secret or claim).
 */
export function dns1123LabelOf(name: string): string {
  if (isDns1123Label(name)) return name;
  const prefix = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 46)
    .replace(/-+$/, '');
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 16);
  return prefix ? `${prefix}-${hash}` : hash;
}

/**
 * `LABEL_INVALID` unless `value` (when given) is a label value: at most 63
 * characters of letters, digits, '-', '_' and '.', alphanumeric at both ends.
 * For props copied into a label (`version`, `component`), which the API server
 * would refuse on every object that carries them.
 */
export function labelValueIssue(field: string, value: unknown): IssueInput | undefined {
  if (value === undefined || (typeof value === 'string' && isLabelValue(value))) return undefined;
  return {
    code: 'LABEL_INVALID',
    field,
    value,
    message: 'is not a valid label value (it is copied into a label of every object of the workload)',
    fix: HINTS[NameRule.LABEL_VALUE],
  };
}

/** One thing apimachinery refuses in a label map or a label selector: where below it, the value, and why. */
export interface LabelFault {
  /** Keys and indexes below the map or selector, e.g. `['matchExpressions', 0, 'values', 1]`. */
  readonly at: readonly (string | number)[];
  readonly value: unknown;
  readonly message: string;
  readonly fix: string;
}

/**
 * What `ValidateLabels` refuses in a map of labels: keys that are not label keys, string values that are not label
 * values; and a key whose value is `undefined` (an unset variable), which JSON drops before the API server sees the
 * map: a selector without it selects more pods than written (`{ app: undefined }` is every pod of the namespace).
 */
export function labelMapFaults(labels: unknown): LabelFault[] {
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return [];
  const out: LabelFault[] = [];
  for (const [k, v] of Object.entries(labels)) {
    if (!isLabelKey(k))
      out.push({ at: [k], value: k, message: `has a key that is not a valid ${NameRule.LABEL_KEY}`, fix: HINTS[NameRule.LABEL_KEY] });
    if (v === undefined)
      out.push({
        at: [k],
        value: v,
        message:
          'is undefined (an unset variable?): JSON drops the key, so the API server never sees it and a selector without it selects more',
        fix: 'remove the key or give a string',
      });
    else if (typeof v === 'string' && !isLabelValue(v))
      out.push({ at: [k], value: v, message: `is not a valid ${NameRule.LABEL_VALUE}`, fix: HINTS[NameRule.LABEL_VALUE] });
  }
  return out;
}

/** How a construct words the issues of a label map it copies into a selector, when not as LABEL_INVALID with the rule's own fix. */
export interface SelectorLabelIssueOptions {
  /** The construct's code for a bad label. @default 'LABEL_INVALID' */
  readonly code?: string;
  /** The fix, in the construct's terms. @default - the fix of the label rule broken */
  readonly fix?: string;
  /** What the bad label would cause, appended to the message. @default - none */
  readonly consequence?: string;
}

/** An issue (LABEL_INVALID unless `options` say) for each label of `labels` (a selector's `matchLabels` a caller gives) the API server refuses, as `field.<key>`. */
export function selectorLabelIssues(field: string, labels: unknown, options: SelectorLabelIssueOptions = {}): IssueInput[] {
  return labelMapFaults(labels).map((f) => ({
    code: options.code ?? 'LABEL_INVALID',
    field: `${field}.${String(f.at[0])}`,
    value: f.value,
    // An undefined value widens the selector instead of never matching: its own message says so.
    message: options.consequence === undefined || f.value === undefined ? f.message : `${f.message}: ${options.consequence}`,
    fix: options.fix ?? f.fix,
  }));
}

/** The operators of a label selector's matchExpressions. */
const SELECTOR_OPERATORS: ReadonlyMap<unknown, 'values' | 'none'> = new Map([
  ['In', 'values'],
  ['NotIn', 'values'],
  ['Exists', 'none'],
  ['DoesNotExist', 'none'],
]);

/**
 * What apimachinery's `ValidateLabelSelector` refuses: `matchLabels` as
 * `ValidateLabels` does; in `matchExpressions`, a key that is not a label key,
 * an operator other than In, NotIn, Exists and DoesNotExist, In or NotIn
 * without values, Exists or DoesNotExist with values, a value that is not a
 * label value. Fields of the wrong type are left to the schema check.
 */
export function labelSelectorFaults(selector: unknown): LabelFault[] {
  if (selector === null || typeof selector !== 'object' || Array.isArray(selector)) return [];
  const { matchLabels, matchExpressions } = selector as { matchLabels?: unknown; matchExpressions?: unknown };
  const out = labelMapFaults(matchLabels).map((f) => ({ ...f, at: ['matchLabels', ...f.at] }));
  if (!Array.isArray(matchExpressions)) return out;
  matchExpressions.forEach((e: any, i) => {
    if (e === null || typeof e !== 'object') return;
    const at = (...rest: (string | number)[]) => ['matchExpressions', i, ...rest];
    if (typeof e.key === 'string' && !isLabelKey(e.key))
      out.push({ at: at('key'), value: e.key, message: `is not a valid ${NameRule.LABEL_KEY}`, fix: HINTS[NameRule.LABEL_KEY] });
    const takes = SELECTOR_OPERATORS.get(e.operator);
    const values: unknown[] = Array.isArray(e.values) ? e.values : [];
    if (typeof e.operator === 'string' && !takes)
      out.push({
        at: at('operator'),
        value: e.operator,
        message: 'is not a selector operator',
        fix: 'use In, NotIn, Exists or DoesNotExist',
      });
    else if (takes === 'values' && values.length === 0)
      out.push({
        at: at('values'),
        value: e.values,
        message: `must be given with operator ${e.operator}`,
        fix: 'list the label values to match',
      });
    else if (takes === 'none' && values.length > 0)
      out.push({
        at: at('values'),
        value: e.values,
        message: `must be empty with operator ${e.operator}`,
        fix: 'drop the values, or use In',
      });
    values.forEach((value, j) => {
      if (typeof value === 'string' && !isLabelValue(value))
        out.push({ at: at('values', j), value, message: `is not a valid ${NameRule.LABEL_VALUE}`, fix: HINTS[NameRule.LABEL_VALUE] });
    });
  });
  return out;
}

/** Throws `NAME_INVALID` unless `value` satisfies `rule`. */
export function assertName(rule: NameRule, field: string, value: unknown): string {
  const issue = nameIssue(rule, field, value);
  if (issue) throw new BlueprintError({ path: '', ...issue });
  return value as string;
}

/** Segments that name a secret on their own (PASS and PWD only as whole segments: BYPASS, PASSENGER, OLDPWD are not). */
const SECRET_SEGMENTS = new Set([
  'pass',
  'passphrase',
  'pwd',
  'secrets',
  'credentials',
  'apikey',
  'privatekey',
  'secretkey',
  'accesskey',
  // A connection string or DSN carries the password; an Authorization value is the credential.
  'dsn',
  'connstr',
  'authorization',
  'bearer',
  'htpasswd',
]);
/** Pairs of segments that name a secret together: CONNECTION_STRING, BASIC_AUTH, AUTH_HEADER. */
const SECRET_PAIRS = new Set(['connection string', 'basic auth', 'bearer auth', 'proxy auth', 'npm auth', 'auth header']);
/** A segment ending in one of these is a secret (PGPASSWORD, CLIENTSECRET, GHTOKEN), but not TOKENS (LLM_MAX_TOKENS). */
const SECRET_SUFFIX = /(password|passwd|secret|token|credential|passphrase)$/;
/** Words that make a following KEY a secret key (API_KEY, SIGNING_KEY); other keys (PARTITION_KEY, CACHE_KEY) are not. */
const KEY_QUALIFIERS = new Set([
  'api',
  'secret',
  'access',
  'private',
  'encryption',
  'signing',
  'client',
  'master',
  'license',
  'licence',
  'auth',
  'hmac',
  'jwt',
  'session',
  'ssh',
  'account',
  'deploy',
  'app',
]);

/** The words of a name: split on `_`, `-`, `.` and camelCase boundaries (`apiKey`, `APIKey` → api, key), lowercased. */
function nameSegments(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[-_.]+/)
    .filter(Boolean);
}

/**
 * Words that, after the secret word, make the name describe the secret rather than hold it: where it is
 * (DSN_HOST, TOKEN_URL, BEARER_TOKEN_FILE, SECRET_NAME), how it is used (AUTHORIZATION_MODE, AUTH_HEADER_NAME,
 * CONNECTION_STRING_FORMAT) or a property of it (TOKEN_TTL, PASSWORD_MIN_LENGTH, APP_KEY_ROTATION, ACCESS_KEY_ID).
 */
const SECRET_DESCRIPTORS = new Set(
  (
    'host hostname port url uri endpoint endpoints addr address server domain realm namespace ' +
    'mode enabled enable disabled disable required optional type kind method strategy provider format encoding ' +
    'user username users name names id ids audience issuer header cookie field param scope scopes claim prefix suffix ' +
    'file path dir directory location mount volume ref source env var store cache ' +
    'ttl expiry expiration expires lifetime age timeout interval duration seconds secs minutes hours days refresh rotation ' +
    'min max length size count limit policy complexity algorithm alg version hint'
  ).split(' '),
);
/** Switches before the secret word: MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD, DISABLE_AUTH_TOKEN hold a yes or no. */
const SECRET_SWITCHES = new Set(['allow', 'empty', 'random', 'enable', 'disable', 'require', 'skip']);

/** Whether segment `i` of `seg` is a secret word (see isSecretEnvName). */
function isSecretSegment(seg: readonly string[], i: number): boolean {
  const s = seg[i];
  if (s === 'pwd') return seg.length > 1; // PWD alone is the shell's working directory
  if (SECRET_SEGMENTS.has(s) || SECRET_SUFFIX.test(s) || (i > 0 && SECRET_PAIRS.has(`${seg[i - 1]} ${s}`))) return true;
  return (s === 'key' || s === 'keys') && (seg.length === 1 || (i > 0 && KEY_QUALIFIERS.has(seg[i - 1])));
}

/**
 * Does env var `name` look like it holds a secret? Judged on its segments. A secret word is PASSWORD, PASSWD,
 * SECRET, TOKEN, CREDENTIAL(S), PASSPHRASE (also at the end of a segment, as in PGPASSWORD), PASS or PWD as a whole
 * segment, DSN, AUTHORIZATION, CONNECTION_STRING, BASIC_AUTH, AUTH_HEADER, and KEY alone or after a qualifier
 * (API_KEY, SECRET_KEY, PRIVATE_KEY, SIGNING_KEY…). The name holds a secret when it has a secret word that no
 * descriptor follows (DB_PASSWORD, AWS_SECRET_ACCESS_KEY, CONNECTION_STRING_VALUE, DB_PASSWORD_PROD; not TOKEN_URL,
 * DSN_HOST, ACCESS_KEY_ID, BASIC_AUTH_ENABLED) and no switch precedes (not MYSQL_ALLOW_EMPTY_PASSWORD).
 */
function isSecretEnvName(name: unknown): boolean {
  if (typeof name !== 'string') return false;
  const seg = nameSegments(name);
  if (seg.some((s) => SECRET_SWITCHES.has(s))) return false;
  return seg.some((_, i) => isSecretSegment(seg, i) && !seg.slice(i + 1).some((s) => SECRET_DESCRIPTORS.has(s)));
}

/** Env var names that look like they hold a secret, as a `test`-able matcher (see isSecretEnvName). */
export const SECRET_ENV_NAME: { readonly test: (name: string) => boolean } = { test: isSecretEnvName };

const PINNED_IMAGE = /^[^\s]+(@sha256:[a-f0-9]{64}|:[\w][\w.-]{0,127})$/;

/** True when `image` names a tag other than `latest`, or a digest. */
export function isPinnedImage(image: unknown): boolean {
  if (typeof image !== 'string' || !PINNED_IMAGE.test(image)) return false;
  const last = image.split('/').pop() ?? '';
  return /[:@]/.test(last) && !/:latest$/.test(last);
}

/** What an issue shows of `image`: `<redacted>` when it carries a registry password (`user:pw@registry/app`), which no scan of a lone string sees. */
function shownImage(image: unknown): unknown {
  return imageCredential(image) ? '<redacted>' : image;
}

/** IMAGE_UNPINNED for `image` at `field`, or undefined when it is pinned. */
export function unpinnedImageIssue(field: string, image: unknown): IssueInput | undefined {
  if (isPinnedImage(image)) return undefined;
  return {
    code: 'IMAGE_UNPINNED',
    field,
    value: shownImage(image),
    message: 'has no pinned tag or digest',
    fix: "pin a version, e.g. 'nginx:1.27.2' or 'app@sha256:…' (never 'latest')",
  };
}

/**
 * An image reference as the kubelet parses it (distribution/reference's grammar):
 * an optional registry (`host[:port]/`, host components may be upper case, an IPv6 host in brackets), then
 * lower-case path components separated by `/` (each alphanumerics joined by `.`,
 * `_`, `__` or dashes), then an optional `:tag` and `@sha256:…` (or sha384, sha512) digest.
 */
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REFERENCE = new RegExp(
  `^(?:(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*` +
    // go-digest Digest.Validate: the grammar admits any algorithm, but only sha256, sha384 and sha512 are
    // available, each with exactly its length of lower-case hex (ErrDigestUnsupported / ErrDigestInvalidLength).
    `(?::[\\w][\\w.-]{0,127})?(?:@(?:sha256:[a-f0-9]{64}|sha384:[a-f0-9]{96}|sha512:[a-f0-9]{128}))?$`,
);
/** ParseNormalizedNamed refuses a bare 64-hex name ("cannot specify 64-byte hexadecimal strings"): it is an image id. */
const IMAGE_ID = /^[a-f0-9]{64}$/;
/** distribution/reference NameTotalLengthMax: the name (registry and path) is at most 255 characters. */
const IMAGE_NAME_MAX = 255;

/** IMAGE_INVALID when `image` is not a reference the kubelet can parse (InvalidImageName: the pod never starts), or undefined. */
export function imageReferenceIssue(field: string, image: unknown): IssueInput | undefined {
  const name = typeof image === 'string' ? image.replace(/@.*$/, '').replace(/:[\w][\w.-]{0,127}$/, '') : '';
  if (typeof image === 'string' && IMAGE_REFERENCE.test(image) && !IMAGE_ID.test(image) && name.length <= IMAGE_NAME_MAX) return undefined;
  return {
    code: 'IMAGE_INVALID',
    field,
    value: shownImage(image),
    message:
      'is not an image reference the kubelet can parse (the repository path is lower case: letters, digits and single separators . _ __ -): the pod would fail with InvalidImageName',
    fix: "write the reference as the registry lists it, e.g. 'ghcr.io/acme/api:1.4.2'",
  };
}

/** apimachinery `IsEnvVarName` (Kubernetes 1.28, before the relaxed-names gate): `[-._a-zA-Z][-._a-zA-Z0-9]*`. */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * True when `name` is an environment variable name the API server accepts
 * (`ValidateEnv`: non-empty, apimachinery `IsEnvVarName`: the charset above and
 * not `.`, `..` or starting with `..`).
 */
export function isEnvVarName(name: unknown): boolean {
  return typeof name === 'string' && ENV_VAR_NAME.test(name) && !name.startsWith('..') && name !== '.';
}

/** NAME_INVALID for an environment variable name the API server would refuse, or undefined. */
export function envVarNameIssue(field: string, name: unknown): IssueInput | undefined {
  if (isEnvVarName(name)) return undefined;
  return {
    code: 'NAME_INVALID',
    field,
    value: name,
    message:
      "is not a valid environment variable name (letters, digits, '_', '-' and '.', not starting with a digit or '..', and not '.' alone)",
    fix: "name it e.g. 'LOG_LEVEL'",
  };
}

/*
 * The API server's metadata rules for any object (apimachinery ValidateObjectMeta),
 * for manifests the library did not build: the name rule of each kind, the
 * namespace, label and annotation keys and values, the annotations' total size.
 */

/** apimachinery `path.IsValidPathSegmentName`: not `.` or `..`, no `/` or `%` (RBAC names). */
export function isPathSegmentName(s: string): boolean {
  return s !== '.' && s !== '..' && !/[/%]/.test(s);
}

/** apimachinery `ValidateAnnotations`: an annotation key is a qualified name once lower-cased. */
export function isAnnotationKey(s: string): boolean {
  return isLabelKey(s.toLowerCase());
}

/** apimachinery `TotalAnnotationSizeLimitB`: the bytes of all annotation keys and values together. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

interface ObjectNameRule {
  readonly rule: string;
  readonly test: (s: string) => boolean;
  readonly fix: string;
}

const SUBDOMAIN_NAME: ObjectNameRule = {
  rule: NameRule.DNS1123_SUBDOMAIN,
  test: isDns1123Subdomain,
  fix: HINTS[NameRule.DNS1123_SUBDOMAIN],
};

/**
 * The name function `ValidateObjectMeta` is given for a kind: `NameIsDNSSubdomain`
 * for most (Pods, ConfigMaps, Deployments…, and custom resources), `ValidateNamespaceName`
 * (a DNS-1123 label) for Namespaces, `ValidateServiceName` (a DNS-1035 label)
 * for Services, `ValidateRBACName` (a path segment) for Roles and bindings.
 */
export function objectNameRule(apiVersion: string, kind: string): ObjectNameRule {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group === '' && kind === 'Namespace')
    return { rule: NameRule.DNS1123_LABEL, test: isDns1123Label, fix: HINTS[NameRule.DNS1123_LABEL] };
  if (group === '' && kind === 'Service') return { rule: NameRule.DNS1035_LABEL, test: isDns1035Label, fix: HINTS[NameRule.DNS1035_LABEL] };
  if (group === 'rbac.authorization.k8s.io')
    return { rule: 'path segment name', test: isPathSegmentName, fix: "do not use '.' or '..' as the name, nor '/' or '%' in it" };
  return SUBDOMAIN_NAME;
}

/** apimachinery `maskTrailingDash`: a generateName prefix may end in '-' (its last two characters are judged as 'a'). */
function maskTrailingDash(s: string): string {
  return s.length > 1 && s.endsWith('-') ? `${s.slice(0, -2)}a` : s;
}

/** One thing the API server would refuse in an object's metadata. */
export interface MetadataIssue {
  /** `SCHEMA_NAME_INVALID` (name, generateName, namespace), `SCHEMA_LABEL_INVALID` or `SCHEMA_ANNOTATION_INVALID`. */
  readonly rule: 'SCHEMA_NAME_INVALID' | 'SCHEMA_LABEL_INVALID' | 'SCHEMA_ANNOTATION_INVALID';
  /** JSON pointer, e.g. `/metadata/labels/app.kubernetes.io~1name`. */
  readonly pointer: string;
  readonly message: string;
  readonly fix: string;
}

/** One segment of a JSON pointer (RFC 6901): `~` as `~0`, `/` as `~1`. */
export const pointerPart = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * What apimachinery's `ValidateObjectMeta` (create) refuses in `obj.metadata`:
 * a name (or generateName prefix) that breaks the kind's name rule, no name at
 * all, a namespace that is not a DNS-1123 label (namespaced kinds), label keys
 * and values, annotation keys, and annotations over 256 KiB in total. A CronJob
 * name is also held to 52 characters (batch `ValidateCronJobCreate`). Fields of
 * the wrong type are left to the schema check.
 */
export function apiServerMetadataIssues(obj: any, namespaced: boolean): MetadataIssue[] {
  const meta = obj?.metadata;
  if (
    meta === null ||
    typeof meta !== 'object' ||
    Array.isArray(meta) ||
    typeof obj.apiVersion !== 'string' ||
    typeof obj.kind !== 'string'
  )
    return [];
  const out: MetadataIssue[] = [];
  const nameRule = objectNameRule(obj.apiVersion, obj.kind);
  const { name, generateName, namespace, labels, annotations } = meta;
  if (typeof generateName === 'string' && generateName !== '' && !nameRule.test(maskTrailingDash(generateName)))
    out.push({
      rule: 'SCHEMA_NAME_INVALID',
      pointer: '/metadata/generateName',
      message: `is not a valid ${nameRule.rule} prefix: the API server refuses ${obj.kind} names that are not a ${nameRule.rule}`,
      fix: nameRule.fix,
    });
  if ((name === undefined || name === null || name === '') && (typeof generateName !== 'string' || generateName === ''))
    out.push({
      rule: 'SCHEMA_NAME_INVALID',
      pointer: '/metadata/name',
      message: 'is missing: name or generateName is required',
      fix: 'set metadata.name',
    });
  else if (typeof name === 'string' && name !== '') {
    if (!nameRule.test(name))
      out.push({
        rule: 'SCHEMA_NAME_INVALID',
        pointer: '/metadata/name',
        message: `is not a valid ${nameRule.rule}: the API server refuses ${obj.kind} names that are not`,
        fix: nameRule.fix,
      });
    else if (obj.kind === 'CronJob' && obj.apiVersion.startsWith('batch/')) {
      const long = derivedNameIssue('CronJob', 'name', name);
      if (long) out.push({ rule: 'SCHEMA_NAME_INVALID', pointer: '/metadata/name', message: long.message, fix: long.fix });
    }
  }
  if (namespaced && typeof namespace === 'string' && namespace !== '' && !isDns1123Label(namespace))
    out.push({
      rule: 'SCHEMA_NAME_INVALID',
      pointer: '/metadata/namespace',
      message: `is not a valid ${NameRule.DNS1123_LABEL}, as every namespace name must be`,
      fix: HINTS[NameRule.DNS1123_LABEL],
    });
  for (const f of labelMapFaults(labels))
    out.push({ rule: 'SCHEMA_LABEL_INVALID', pointer: `/metadata/labels/${pointerPart(String(f.at[0]))}`, message: f.message, fix: f.fix });
  if (annotations !== null && typeof annotations === 'object' && !Array.isArray(annotations)) {
    let bytes = 0;
    for (const [k, v] of Object.entries(annotations)) {
      bytes += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
      if (!isAnnotationKey(k))
        out.push({
          rule: 'SCHEMA_ANNOTATION_INVALID',
          pointer: `/metadata/annotations/${pointerPart(k)}`,
          message: `has a key that is not a valid annotation key (a ${NameRule.LABEL_KEY}, upper case allowed)`,
          fix: HINTS[NameRule.LABEL_KEY],
        });
    }
    if (bytes > ANNOTATIONS_MAX_BYTES)
      out.push({
        rule: 'SCHEMA_ANNOTATION_INVALID',
        pointer: '/metadata/annotations',
        message: `hold ${bytes} bytes of keys and values, over the API server's ${ANNOTATIONS_MAX_BYTES}-byte (256 KiB) total`,
        fix: 'move large values into a ConfigMap or Secret',
      });
  }
  return out;
}
