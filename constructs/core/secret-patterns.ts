import { IssueInput } from './errors';

/*
 * What a credential looks like in text. Used twice: early, on the props that
 * carry text into the output (env values, args, probe paths, ConfigMap data,
 * StorageClass parameters, annotations), and late, on every string of every
 * rendered object, so no path into the YAML escapes the check.
 *
 * Deliberately shape-based (known token formats, `key=value` with a secret
 * key, credentials in URLs, private-key headers): a scan for "high entropy"
 * would flag every digest and hash the output legitimately carries.
 */

interface Shape {
  readonly what: string;
  readonly pattern: RegExp;
}

/** A value that only points at a secret: `$(DB_PASSWORD)`, `${TOKEN}`, `$TOKEN`, empty, or a file path. */
const REFERENCE =
  /^(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_.-]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\/[^?=&\s]*|true|false|null|none|)$/i;

const TOKEN_SHAPES: readonly Shape[] = [
  { what: 'an AWS access key id', pattern: /(?<![A-Z0-9])(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{16}(?![A-Z0-9])/ },
  { what: 'an AWS secret access key', pattern: /aws_?secret_?access_?key["']?\s*[=:]\s*["']?[A-Za-z0-9/+=]{40}/i },
  { what: 'a GitHub token', pattern: /(?<![A-Za-z0-9])(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/ },
  { what: 'a GitLab token', pattern: /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/ },
  { what: 'a Slack token', pattern: /(?<![A-Za-z0-9])xox[abposre]-[A-Za-z0-9-]{10,}/ },
  { what: 'a Slack webhook', pattern: /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/ },
  { what: 'a Stripe key', pattern: /(?<![A-Za-z0-9])[rs]k_live_[A-Za-z0-9]{16,}/ },
  { what: 'a Google API key', pattern: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/ },
  { what: 'an npm token', pattern: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}/ },
  { what: 'a JSON Web Token', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/ },
  { what: 'a private key', pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
];

/**
 * The password of every `scheme://user:password@host` in `text`. Found from
 * each `://` forwards, so the scan stays linear on megabytes of config (a
 * regex anchored on the scheme backtracks quadratically on long words).
 */
function urlPasswords(text: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    const end = text.slice(at + 3, at + 3 + 512).search(/[\s/?#]/);
    const authority = text.slice(at + 3, end < 0 ? at + 3 + 512 : at + 3 + end);
    const userinfo = authority.slice(0, Math.max(0, authority.lastIndexOf('@')));
    const colon = userinfo.indexOf(':');
    if (colon >= 0) out.push(userinfo.slice(colon + 1));
  }
  return out;
}

/** `password=…`, `--password=…`, `?token=…`, `"api_key": "…"`, unless the value is a reference or a path. */
const SECRET_ASSIGNMENT =
  /(?<![A-Za-z0-9])(pass(?:word|wd)?|pwd|secret|client[-_]?secret|(?:access|auth|api|bearer|refresh|session)?[-_]?token|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|private[-_]?key)["']?\s*[=:]\s*["']?([^\s"'&;,]*)/gi;

/*
 * Verdicts on short strings, remembered: the output repeats the same keys and
 * values (label keys, 'RuntimeDefault', image names) in every object, and the
 * scan of every string of every object was a seventh of a 10k-object synth.
 */
const MEMO_MAX_LENGTH = 256;
const MEMO_MAX_ENTRIES = 100_000;
const memo = new Map<string, string | undefined>();

/** What the credential in `text` looks like, or undefined when none is found. */
export function credentialIn(text: unknown): string | undefined {
  if (typeof text !== 'string' || text.length < 8) return undefined;
  if (text.length > MEMO_MAX_LENGTH) return scan(text);
  if (memo.has(text)) return memo.get(text);
  if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
  const what = scan(text);
  memo.set(text, what);
  return what;
}

function scan(text: string): string | undefined {
  for (const s of TOKEN_SHAPES) if (s.pattern.test(text)) return s.what;
  for (const p of urlPasswords(text)) if (!REFERENCE.test(p)) return 'a password in a URL';
  for (const m of text.matchAll(SECRET_ASSIGNMENT)) if (!REFERENCE.test(m[2])) return `a literal ${m[1].toLowerCase()}`;
  return undefined;
}

/** The fix every credential finding gives. */
export const SECRET_FIX =
  'keep it out of the manifests: declare a SecretRef and read it with EnvValue.fromSecret(secret, key) or Volume.fromSecret(secret); in args/command/URLs refer to the env var as $(NAME)';

/** The `SECRET_IN_OUTPUT` issue for `value` at `field`, or undefined. The value itself is never echoed. */
export function credentialIssue(field: string, value: unknown): IssueInput | undefined {
  const what = credentialIn(value);
  return what
    ? {
        code: 'SECRET_IN_OUTPUT',
        field,
        value: '<redacted>',
        message: `looks like ${what}, which would be written into the YAML in plain text`,
        fix: SECRET_FIX,
      }
    : undefined;
}

/** Every credential issue among the strings of `value` (nested arrays and objects, keys included), under `field`. */
export function credentialIssues(field: string, value: unknown, depth = 0): IssueInput[] {
  if (typeof value === 'string') {
    const issue = credentialIssue(field, value);
    return issue ? [issue] : [];
  }
  if (depth > 20 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => credentialIssues(`${field}[${i}]`, v, depth + 1));
  return Object.entries(value).flatMap(([k, v]) => [
    ...credentialIssues(`${field}.${k}`, k, depth + 1),
    ...credentialIssues(`${field}.${k}`, v, depth + 1),
  ]);
}
