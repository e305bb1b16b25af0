import { IssueInput } from './errors';

/*
 * What a credential looks like in text. Used twice: early, on the props that
 * carry text into the output (env values, args, probe paths, ConfigMap data,
 * StorageClass parameters, annotations), and late, on every string of every
 * rendered object, so no path into the YAML escapes the check.
 *
 * Deliberately shape-based (known token formats, `key=value` with a secret
 * key, credentials in URLs, DSNs and command lines, private-key headers): a
 * scan for "high entropy" would flag every digest and hash the output
 * legitimately carries. This file is the one home of these patterns: the
 * annotation check, the ConfigMap and container checks and the catalogue
 * rule SECRET_IN_OUTPUT all ask it.
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
  { what: 'a GitLab token', pattern: /(?<![A-Za-z0-9])gl(?:pat|ptt|rt|dt|ft|cbt|soat|oas)-[A-Za-z0-9_-]{20,}/ },
  { what: 'a Slack token', pattern: /(?<![A-Za-z0-9])(xox[abposrec]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})/ },
  { what: 'a Slack webhook', pattern: /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/ },
  { what: 'a Stripe key', pattern: /(?<![A-Za-z0-9])([rs]k_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,})/ },
  { what: 'an OpenAI key', pattern: /(?<![A-Za-z0-9])sk-((?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}|[A-Za-z0-9]{32,})/ },
  { what: 'an Anthropic key', pattern: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,}/ },
  { what: 'a SendGrid key', pattern: /(?<![A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{32,}/ },
  { what: 'a Twilio API key', pattern: /(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])/ },
  { what: 'a Vault token', pattern: /(?<![A-Za-z0-9])hv[sb]\.[A-Za-z0-9_-]{20,}/ },
  { what: 'a Doppler token', pattern: /(?<![A-Za-z0-9])dp\.(?:st|pt|sa|ct|scim|audit)\.[A-Za-z0-9._-]{40,}/ },
  { what: 'a Google OAuth access token', pattern: /(?<![A-Za-z0-9])ya29\.[A-Za-z0-9_-]{20,}/ },
  { what: 'a Google API key', pattern: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/ },
  { what: 'an npm token', pattern: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36}/ },
  { what: 'a JSON Web Token', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/ },
  { what: 'a private key', pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
  // Azure storage and Service Bus connection strings, and the signature of a SAS URL.
  { what: 'an Azure account key', pattern: /(?<![A-Za-z0-9])(AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{16,}/i },
  { what: 'an Azure SAS signature', pattern: /[?&;]sig=[A-Za-z0-9%+/]{16,}/ },
  // An HTTP credential: the whole value (an annotation, an env var), or after an Authorization header name.
  { what: 'an HTTP credential', pattern: /^\s*(Bearer|Basic) [A-Za-z0-9+/._~-]{8,}=*\s*$/ },
  { what: 'an HTTP credential', pattern: /authorization["']?\s*[:=]\s*["']?(bearer|basic|token)\s+(?!\$)[A-Za-z0-9+/._~-]{8,}/i },
  { what: 'a registry credential', pattern: /"auth"\s*:\s*"[A-Za-z0-9+/]{8,}={0,2}"/ },
  // Password hashes (htpasswd, crypt): an offline attack on them is one download away.
  {
    what: 'a password hash',
    pattern: /\$(apr1|1|5|6)\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{22,}|\$2[abxy]?\$\d\d\$[./0-9A-Za-z]{53}|\{S?SHA\}[A-Za-z0-9+/]{27,}=*/,
  },
];

/** A Go MySQL DSN: `user:password@tcp(host)/db`. */
const GO_DSN = /(?<![^\s"'=,;])[^\s:@/"'=,;]+:([^\s@/"']+)@(?:tcp|udp|unix)\(/g;

/** Shapes whose first group is a password: a credential unless it is a reference (`$(DB_PASSWORD)`). */
const VALUE_SHAPES: readonly Shape[] = [
  { what: 'a password in a DSN', pattern: GO_DSN },
  { what: 'a password in a .netrc', pattern: /\bmachine\s+\S+\s+login\s+\S+\s+password\s+(\S+)/g },
  { what: 'a password on a command line', pattern: /\bmysql(?:dump|admin|sh)?\s(?:[^\n;|&]{0,200}\s)?-p(?!\s)["']?([^\s"'`;|&]+)/g },
  { what: 'a password on a command line', pattern: /\bcurl\s(?:[^\n;|&]{0,200}\s)?(?:-u|--user)\s*["']?[^\s:"']*:([^\s"'`;|&]+)/g },
  { what: 'a password on a command line', pattern: /\bredis-cli\s(?:[^\n;|&]{0,200}\s)?(?:-a|--pass)\s+["']?([^\s"'`;|&]+)/g },
];

/** The names of a secret flag or key, as in SECRET_ASSIGNMENT. */
const SECRET_WORD =
  '(?:pass(?:word|wd|phrase)?|pwd|secret|client[-_]?secret|(?:access|auth|api|bearer|refresh|session)?[-_]?token|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|private[-_]?key|credentials?)';

/** A flag that takes a secret as its next argument: `--password`, `--db-password`, `--api-key`, `--token`. */
const SECRET_FLAG = new RegExp(`^--?(?:[A-Za-z0-9]+[-_.])*${SECRET_WORD}$`, 'i');

/** `--password hunter22` inside one string (a shell line): the value has a digit, an upper-case letter or a symbol, so prose does not match. */
const SECRET_FLAG_IN_TEXT = new RegExp(
  `(?<![A-Za-z0-9-])--?(?:[A-Za-z0-9]+[-_.])*${SECRET_WORD}\\s+["']?(?=[^\\s"'\`;|&]*[^a-z\\s"'\`;|&])([^\\s"'\`;|&-][^\\s"'\`;|&]{5,})`,
  'gi',
);

/** The base64 of `-----BEGIN`: a PEM block encoded once more, as in a ConfigMap that carries `key.b64`. */
const BASE64_PEM = 'LS0tLS1CRUdJTi';

/** Whether a base64 PEM block in `text` is a private key (a certificate is not a secret). */
function base64PrivateKey(text: string): boolean {
  for (let at = text.indexOf(BASE64_PEM); at >= 0; at = text.indexOf(BASE64_PEM, at + BASE64_PEM.length)) {
    const head = text
      .slice(at, at + 160)
      .replace(/\s+/g, '')
      .match(/^[A-Za-z0-9+/]*/)![0];
    const decoded = Buffer.from(head.slice(0, head.length - (head.length % 4)), 'base64').toString('latin1');
    if (/^-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY/.test(decoded)) return true;
  }
  return false;
}

/**
 * The password of every `scheme://user:password@host` in `text`, and the
 * userinfo of `https://<token>@host` when it is a long token (a personal
 * access token put where the user name goes). Found from each `://`
 * forwards, so the scan stays linear on megabytes of config (a regex anchored
 * on the scheme backtracks quadratically on long words).
 */
function urlPasswords(text: string): string[] {
  const out: string[] = [];
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    const end = text.slice(at + 3, at + 3 + 512).search(/[\s/?#]/);
    const authority = text.slice(at + 3, end < 0 ? at + 3 + 512 : at + 3 + end);
    const userinfo = authority.slice(0, Math.max(0, authority.lastIndexOf('@')));
    const colon = userinfo.indexOf(':');
    if (colon >= 0) out.push(userinfo.slice(colon + 1));
    else if (/^[A-Za-z0-9_-]{20,}$/.test(userinfo) && /[0-9]/.test(userinfo) && /[A-Za-z]/.test(userinfo)) out.push(userinfo);
  }
  return out;
}

/** `password=…`, `--password=…`, `?token=…`, `"api_key": "…"`, `passphrase=…`, `credentials=…`, unless the value is a reference or a path. */
const SECRET_ASSIGNMENT = new RegExp(`(?<![A-Za-z0-9])(${SECRET_WORD})["']?\\s*[=:]\\s*["']?([^\\s"'&;,]*)`, 'gi');

/**
 * The same after letters, where the name is one word (`PGPASSWORD=…`, `ADMINPASSWORD=…`, `adminPassword: …`): only
 * the long words in upper or camel case, so `bypass=true` and `existingSecret: db` (a Secret's name) stay ordinary.
 */
const JOINED_ASSIGNMENT =
  /(?<=[A-Za-z0-9])(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|Password|Passwd|Passphrase)["']?\s*[=:]\s*["']?([^\s"'&;,]*)/g;

/*
 * Verdicts on short strings, remembered: the output repeats the same keys and
 * values (label keys, 'RuntimeDefault', image names) in every object, and the
 * scan of every string of every object was a seventh of a 10k-object synth.
 */
const MEMO_MAX_LENGTH = 256;
const MEMO_MAX_ENTRIES = 100_000;
const memo = new Map<string, string | undefined>();

/** Whether `value` only points at a secret (`$(DB_PASSWORD)`, `${TOKEN}`, empty, a file path) rather than holding one. */
export function isSecretReference(value: string): boolean {
  return REFERENCE.test(value.trim());
}

/**
 * Whether `text` is a URL or DSN whose every password is a `$(NAME)` reference (which the kubelet expands in an env
 * value) and that holds no credential: `postgres://app:$(DB_PASSWORD)@db/app` in a DSN variable points at a secret.
 */
export function pointsAtSecret(text: unknown): boolean {
  if (typeof text !== 'string' || credentialIn(text)) return false;
  const passwords = [...urlPasswords(text), ...[...text.matchAll(GO_DSN)].map((m) => m[1])];
  return passwords.length > 0 && passwords.every((p) => /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(p));
}

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
  if (base64PrivateKey(text)) return 'a base64-encoded private key';
  for (const p of urlPasswords(text)) if (!REFERENCE.test(p)) return 'a password in a URL';
  for (const s of VALUE_SHAPES) for (const m of text.matchAll(s.pattern)) if (!REFERENCE.test(m[1])) return s.what;
  for (const m of text.matchAll(SECRET_FLAG_IN_TEXT)) if (!REFERENCE.test(m[1])) return 'a password on a command line';
  for (const pattern of [SECRET_ASSIGNMENT, JOINED_ASSIGNMENT])
    for (const m of text.matchAll(pattern)) if (!REFERENCE.test(m[2])) return `a literal ${m[1].toLowerCase()}`;
  return undefined;
}

/**
 * What the credential is when `value` is the argument after `previous` in an argv array
 * (`['--db-password', 'hunter22']`), or undefined.
 */
export function credentialAfterFlag(previous: unknown, value: unknown): string | undefined {
  if (typeof previous !== 'string' || typeof value !== 'string' || !SECRET_FLAG.test(previous)) return undefined;
  return value.startsWith('-') || REFERENCE.test(value) ? undefined : `the value of ${previous.replace(/^-+/, '--')} on a command line`;
}

/** The fix every credential finding gives. */
export const SECRET_FIX =
  'keep it out of the manifests: declare a SecretRef and read it with EnvValue.fromSecret(secret, key) or Volume.fromSecret(secret); in args/command/URLs refer to the env var as $(NAME)';

/** The `SECRET_IN_OUTPUT` issue for `value` at `field`, or undefined. The value itself is never echoed. */
export function credentialIssue(field: string, value: unknown): IssueInput | undefined {
  const what = credentialIn(value);
  return what ? issueFor(field, what) : undefined;
}

function issueFor(field: string, what: string): IssueInput {
  return {
    code: 'SECRET_IN_OUTPUT',
    field,
    value: '<redacted>',
    message: `looks like ${what}, which would be written into the YAML in plain text`,
    fix: SECRET_FIX,
  };
}

/** Every credential issue among the strings of `value` (nested arrays and objects, keys included), under `field`. */
export function credentialIssues(field: string, value: unknown, depth = 0): IssueInput[] {
  if (typeof value === 'string') {
    const issue = credentialIssue(field, value);
    return issue ? [issue] : [];
  }
  if (depth > 20 || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value))
    return value.flatMap((v, i) => {
      const what = credentialAfterFlag(value[i - 1], v);
      return what ? [issueFor(`${field}[${i}]`, what)] : credentialIssues(`${field}[${i}]`, v, depth + 1);
    });
  return Object.entries(value).flatMap(([k, v]) => [
    ...credentialIssues(`${field}.${k}`, k, depth + 1),
    ...credentialIssues(`${field}.${k}`, v, depth + 1),
  ]);
}
