import { IssueInput } from './errors';
import { SECRET_ENV_NAME } from './names';
import { keyField } from './field-path';
import { text } from './value-issues';

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

/*
 * A value that only points at a secret rather than holding one, as a whole:
 * - empty, `true`, `false`, `null`, `none`, an absolute path;
 * - `$(NAME)` (the kubelet's reference) and `$(cat /run/secrets/db)` (a command substitution);
 * - `$NAME`, `${NAME}`, `$dex.github.clientSecret` (Argo CD: `$` and a dotted name, or `$secret:key`);
 * - `${NAME:-}`, `${NAME:?unset}`, `${NAME:}` (Spring), `${NAME:-$OTHER}`: a default that is empty or itself a reference;
 * - `${env:NAME}`, `${file:/x}` (config providers), Grafana's `$__file{/x}`, `$__env{NAME}`, `$__vault{…}`;
 * - templates: `{{ .Values.password }}`, `<%= password %>`, `%(password)s`;
 * - a documentation placeholder: `<value>`, `<your-password>`.
 */
const REFERENCE_SHAPES: readonly RegExp[] = [
  /^(?:\/[^?=&\s]*|true|false|null|none|)$/i,
  /^\$\([^()\n]*\)$/,
  /^\$[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)*(?::[A-Za-z0-9_.-]+)?$/,
  /^\$\{[A-Za-z_][A-Za-z0-9_.-]*(?::?[?][^{}\n]*)?\}$/,
  /^\$\{(?:env|file|vault|secret|secrets|ssm|sops|k8s|aws|gcp|azure|awssm|sm):[^{}\s]+\}$/i,
  /^\$__(?:file|env|vault)\{[^{}\n]+\}$/,
  /^\{\{[^\n]*\}\}$/,
  /^<%[^\n]*%>$/,
  /^%\([A-Za-z_][A-Za-z0-9_]*\)s$/,
  // A documentation placeholder (`--password <value>`, `password=<your-password>`), as a fix text writes one.
  /^<[A-Za-z][A-Za-z0-9 _.-]{0,40}>$/,
];

/** `${NAME:-default}`, `${NAME-default}`, `${NAME:default}` (Spring), `${NAME:=default}`: the name and its default. */
const DEFAULTED = /^\$\{[A-Za-z_][A-Za-z0-9_.-]{0,255}(?::?[-=]|:)([^{}\n]{0,512})\}$/;

/** Whether `value` as a whole only points at a secret (see REFERENCE_SHAPES). */
function isReference(value: string): boolean {
  // A reference is short; bounding the input keeps DEFAULTED's backtracking (a '-' may end a name or start a default) linear.
  if (value.length > 1024) return false;
  if (REFERENCE_SHAPES.some((r) => r.test(value))) return true;
  const defaulted = DEFAULTED.exec(value);
  return defaulted !== null && (defaulted[1] === '' || REFERENCE_SHAPES.slice(1).some((r) => r.test(defaulted[1])));
}

/**
 * The captured value of a shape: a reference with spaces inside (`$(cat /run/secrets/db)`, `{{ .Values.pw }}`) up to its
 * closing bracket (bounded, so the scan stays linear), else the shape's own `other` pattern.
 */
function valueGroup(other: string): string {
  return `(\\$\\([^()\\n]{0,200}\\)|\\$__[a-z]+\\{[^{}\\n]{0,200}\\}|\\$\\{[^{}\\n]{0,200}\\}|\\{\\{[^{}\\n]{0,200}\\}\\}|<%[^%\\n]{0,200}%>|${other})`;
}

/** A token format: a regex, or a scan (`find`: the first `max` tokens) where a regex would not stay linear. */
type TokenShape = Shape | { readonly what: string; readonly find: (text: string, max: number) => string[] };

const TOKEN_SHAPES: readonly TokenShape[] = [
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
  { what: 'a JSON Web Token', find: (text, max) => jwtsIn(text, max) },
  { what: 'a private key', pattern: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
  // Azure storage and Service Bus connection strings, and the signature of a SAS URL.
  { what: 'an Azure account key', pattern: /(?<![A-Za-z0-9])(AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{16,}/i },
  { what: 'an Azure SAS signature', pattern: /[?&;]sig=[A-Za-z0-9%+/]{16,}/ },
  /*
   * An HTTP credential: the whole value (an annotation, an env var); inside longer text (a sentence, a header line)
   * when the token is 16 characters or more with a digit, so prose ('Basic authentication protects…', 'Basic
   * auth-realm-v2') does not match; or after an Authorization header name. The digit is looked for within the token,
   * bounded, so the scan stays linear on megabytes.
   */
  { what: 'an HTTP credential', pattern: /^\s*(Bearer|Basic) [A-Za-z0-9+/._~-]{8,}=*\s*$/ },
  { what: 'an HTTP credential', pattern: /(?<![A-Za-z0-9])(?:Bearer|Basic) (?=[A-Za-z0-9+/._~-]{0,256}[0-9])[A-Za-z0-9+/._~-]{16,}=*/ },
  { what: 'an HTTP credential', pattern: /authorization["']?\s*[:=]\s*["']?(bearer|basic|token)\s+(?!\$)[A-Za-z0-9+/._~-]{8,}/i },
  { what: 'a registry credential', pattern: /"auth"\s*:\s*"[A-Za-z0-9+/]{8,}={0,2}"/ },
  // Password hashes (htpasswd, crypt): an offline attack on them is one download away.
  {
    what: 'a password hash',
    pattern: /\$(apr1|1|5|6)\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{22,}|\$2[abxy]?\$\d\d\$[./0-9A-Za-z]{53}|\{S?SHA\}[A-Za-z0-9+/]{27,}=*/,
  },
];

/** A run of base64url characters, from `lastIndex`: one JWT segment. */
const JWT_SEGMENT = /[A-Za-z0-9_-]*/y;

/** Where the run of base64url characters that starts at `at` ends. */
function segmentEnd(text: string, at: number): number {
  JWT_SEGMENT.lastIndex = at;
  JWT_SEGMENT.exec(text);
  return JWT_SEGMENT.lastIndex;
}

/**
 * Every JSON Web Token in `text` (`eyJ….eyJ….sig`, each segment 7, 7 and 4 characters or more), also one glued to a
 * name by `-` or `_` (`platform-eyJ…`, as a label value built from it), never one inside a longer word of letters
 * and digits. A scan rather than a regex: with `-` and `_` allowed before it, a regex would try every `-eyJ` of one
 * long run again to the run's end (quadratic on `'-eyJ'.repeat(250000)`); here a failed start skips its whole run,
 * so each character is read a bounded number of times. Stops after `max` tokens.
 */
function jwtsIn(text: string, max: number): string[] {
  const found: string[] = [];
  for (let at = text.indexOf('eyJ'); at >= 0 && found.length < max;) {
    if (/[A-Za-z0-9]/.test(text[at - 1] ?? '')) {
      at = text.indexOf('eyJ', at + 1);
      continue;
    }
    const header = segmentEnd(text, at + 3);
    let next = header;
    if (header - at >= 7 && text[header] === '.' && text.startsWith('eyJ', header + 1)) {
      const payload = segmentEnd(text, header + 4);
      if (payload - header - 1 >= 7 && text[payload] === '.') {
        const signature = segmentEnd(text, payload + 1);
        if (signature - payload - 1 >= 4) {
          found.push(text.slice(at, signature));
          next = signature;
        }
      }
    }
    // A later 'eyJ' of the same run ends where this one did, and fails alike: the search goes on after the run.
    at = text.indexOf('eyJ', next);
  }
  return found;
}

/** A Go MySQL DSN: `user:password@tcp(host)/db`. */
const GO_DSN = /(?<![^\s"'=,;])[^\s:@/"'=,;]{1,256}:([^\s@/"']{1,256})@(?:tcp|udp|unix)\(/g;

/**
 * A program's flag that takes a password, in a shell line and in an argv list alike: the one home of what each tool
 * reads, so `sh -c 'mysql -pX'` and `['mysql', '-pX']` are judged the same. `joined`: the password may follow the flag
 * in the same word (`-pX`); `spaced`: it may be the next word (`-a X`); `user`: the value is `user:password` and only
 * the part after the colon is secret (`curl -u admin` alone prompts). `mysql -p` alone prompts, and `-p 3306` of
 * other tools is a port: only these programs' flags are read.
 */
interface PasswordFlag {
  /** The program's names, a regex alternative matched against the whole command word (its base name). */
  readonly tools: string;
  /** The flags, a regex alternative. */
  readonly flags: string;
  readonly joined: boolean;
  readonly spaced: boolean;
  readonly user?: boolean;
}

const PASSWORD_FLAGS: readonly PasswordFlag[] = [
  // mysql(1): `-p<password>`, no space between (`-p` alone prompts; `--password=` is a SECRET_ASSIGNMENT); MariaDB's names too.
  {
    tools: 'mysql(?:dump|admin|sh|import|check|show|slap)?|mariadb(?:-?(?:dump|admin|import|check|show|slap))?',
    flags: '-p',
    joined: true,
    spaced: false,
  },
  // curl(1): `-u, --user <user:password>`; without the password curl prompts.
  { tools: 'curl', flags: '-u|--user', joined: true, spaced: true, user: true },
  // redis-cli: `-a <password>`, `--pass <password>` (valkey-cli keeps them).
  { tools: 'redis-cli|valkey-cli', flags: '-a|--pass', joined: false, spaced: true },
];

/** `f` in a shell line: the program, anything up to the flag in the same command, then the password (first group). */
function passwordFlagInText(f: PasswordFlag): RegExp {
  const gap = f.joined && f.spaced ? '\\s*' : f.joined ? '(?!\\s)' : '\\s+';
  // A next word that starts with '-' is the next flag, not a password (argvPassword judges it so too).
  const before = f.user ? `[^\\s:"']*:` : f.spaced && !f.joined ? '(?!-)' : '';
  return new RegExp(`\\b(?:${f.tools})\\s(?:[^\\n;|&]{0,200}\\s)?(?:${f.flags})${gap}["']?${before}${valueGroup('[^\\s"\'`;|&]+')}`, 'g');
}

/** The password `value` holds after flag `f` in an argv list (the part after `user:` for curl), if it is a literal. */
function argvPassword(f: PasswordFlag, value: string): boolean {
  const password = f.user ? (value.includes(':') ? value.slice(value.indexOf(':') + 1) : '') : value;
  return password !== '' && !(f.spaced && !f.user && value.startsWith('-')) && !isReference(password);
}

const PASSWORD_TOOLS = PASSWORD_FLAGS.map((f) => ({
  f,
  tool: new RegExp(`^(?:${f.tools})$`),
  flag: new RegExp(`^(?:${f.flags})$`),
  joined: new RegExp(`^(?:${f.flags})(.+)$`, 's'),
}));

/** Shapes whose first group is a password: a credential unless it is a reference (`$(DB_PASSWORD)`). */
/**
 * `user:password@host` without a scheme (a host name, a DSN or a registry written without `postgres://`), as URLs
 * carry it after `://` (urlPasswords). Begins a word, as GO_DSN does, so `ghcr.io/acme/web:1.4@…` is no user. Not a
 * credential: an image's tag before its digest (`nginx:1.25@sha256:<hex>`: a digest algorithm and 32 or more
 * characters after the `@`), a URI that names no host with `//` (`mailto:ops@example.com`, `sip:`, `xmpp:`, `urn:`,
 * `tel:`), a time (`10:00-18:00@Europe/Paris`: a number before the colon), and PromQL's `@` modifier after a recording rule's name (`job:requests:rate5m@1609746000`, `@start()`).
 * `host:port`, `ns/name`, `12:30`, IPv6 and `a:b` selectors have no `@` after the colon and never match.
 */
const USERINFO_PASSWORD =
  /(?<![^\s"'=,;])(?!(?:mailto|sips?|xmpp|urn|tel):|\d+:)[^\s:@/"'=,;]{1,256}:([^\s@/"']{1,256})@(?![a-z0-9]+(?:[.+_-][a-z0-9]+)*:[A-Za-z0-9=_-]{32,}|\d+(?![\w.:-])|(?:start|end)\(\))(?=[A-Za-z0-9[])/gi;

const VALUE_SHAPES: readonly Shape[] = [
  { what: 'a password in a DSN', pattern: GO_DSN },
  { what: 'a password before a host', pattern: USERINFO_PASSWORD },
  { what: 'a password in a .netrc', pattern: /\bmachine\s+\S+\s+login\s+\S+\s+password\s+(\S+)/g },
  ...PASSWORD_FLAGS.map((f) => ({ what: 'a password on a command line', pattern: passwordFlagInText(f) })),
];

/** The names of a secret flag or key, as in SECRET_ASSIGNMENT. */
const SECRET_WORD =
  '(?:pass(?:word|wd|phrase)?|pwd|secret|client[-_]?secret|(?:access|auth|api|bearer|refresh|session)?[-_]?token|api[-_]?key|apikey|access[-_]?key|secret[-_]?key|private[-_]?key|credentials?)';

/** A flag that takes a secret as its next argument: `--password`, `--db-password`, `--api-key`, `--token`. */
const SECRET_FLAG = new RegExp(`^--?(?:[A-Za-z0-9]+[-_.])*${SECRET_WORD}$`, 'i');

/** `--password hunter22` inside one string (a shell line): the value has a digit, an upper-case letter or a symbol, so prose does not match. */
const SECRET_FLAG_IN_TEXT = new RegExp(
  `(?<![A-Za-z0-9-])(--?(?:[A-Za-z0-9]+[-_.])*${SECRET_WORD})\\s+["']?${valueGroup('[^\\s"\'`;|&-][^\\s"\'`;|&]{5,}')}`,
  'gi',
);

/** A relative file name (`credentials.yml`, `token.txt`): what `--credentials` or `--token` reads, not the secret. */
const FILE_NAME = /^[\w.-]+(?:\/[\w.-]+)*\.(?:ya?ml|json|txt|pem|crt|key|conf|ini|env)$/i;

/** A Secret's name, or `namespace/name` (`my-k8s-secret`, `default/ingress-tls`), of words rather than random characters. */
const SECRET_OBJECT_NAME = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?\/)?[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

/**
 * Whether `value` after secret flag `flag` names where the secret is rather than being it: a file name, and after a
 * flag ending in `secret` or `credentials` (`--tls-secret`, `--webhook-secret`, not `--client-secret`) a Secret's name.
 */
function flagValueNamesSecret(flag: string, value: string): boolean {
  if (value.startsWith('-') || isReference(value) || FILE_NAME.test(value)) return true;
  return (
    /(?:secret|credentials?)$/i.test(flag) &&
    !/client[-_]?secret$/i.test(flag) &&
    SECRET_OBJECT_NAME.test(value) &&
    // A name's words, not a random token or a UUID: no run of 8+ characters mixing letters and digits.
    !value.split(/[-/]/).some((w) => w.length >= 8 && /[0-9]/.test(w) && /[a-z]/.test(w))
  );
}

/** Flags of `pulumi config set` and of the pulumi command that take a value (the rest, `--secret` among them, take none). */
const PULUMI_VALUE_FLAGS = /^(?:--type|-s|--stack|-C|--cwd|--config-file|--color|-v|--verbose|--tracing|--profiling)$/;

/**
 * What `words` (a command's words from `pulumi` on) set when they are `pulumi [flags] config [flags] set [flags] <key>
 * [value]`: `--secret`, `--plaintext` and `--path` take no value, so the word after `--secret` is the key, not a secret;
 * the value, when the line gives one, is the secret `--secret` encrypts. `set-all --secret key=value` is not this:
 * its `--secret` does take the pair. Undefined for any other command.
 */
function pulumiConfigSet(words: readonly string[]): { secret: boolean; key?: number; value?: number } | undefined {
  if (words[0]?.slice(words[0].lastIndexOf('/') + 1) !== 'pulumi') return undefined;
  const positional: number[] = [];
  let secret = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w === '--') {
      for (let j = i + 1; j < words.length; j++) positional.push(j);
      break;
    }
    if (w === '--secret') secret = true;
    if (PULUMI_VALUE_FLAGS.test(w)) i++;
    else if (!w.startsWith('-')) positional.push(i);
  }
  const [config, set, key, value] = positional.map((i) => words[i]).slice(0, 4);
  if (config !== 'config' || set !== 'set' || key === undefined) return undefined;
  return { secret, key: positional[2], ...(value === undefined ? {} : { value: positional[3] }) };
}

/** How far around a word a pulumi command is read: a command line is short, and a scan of megabytes stays linear. */
const PULUMI_WINDOW = 500;

/**
 * The pulumi command in shell line `text` that the word at `at` belongs to: its words, the index of that word, and
 * where the command ends. Read within PULUMI_WINDOW characters either side.
 */
function pulumiCommandAt(text: string, at: number): { words: string[]; index: number; end: number } | undefined {
  const window = text.slice(Math.max(0, at - PULUMI_WINDOW), at);
  const before = window.slice(Math.max(...[';', '|', '&', '\n'].map((c) => window.lastIndexOf(c))) + 1);
  const from = before.search(/(?:^|\s)(?:\S*\/)?pulumi\s/);
  if (from < 0) return undefined;
  const after = text.slice(at, at + PULUMI_WINDOW);
  const stop = after.search(/[;|&\n]/);
  const rest = stop < 0 ? after : after.slice(0, stop);
  const words = `${before.slice(from)}${rest}`
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/^["']|["']$/g, ''));
  return { words, index: before.slice(from).trim().split(/\s+/).length, end: at + rest.length };
}

/** Whether the flag at `at` in `text` is the `--secret` of `pulumi config set`, which takes no value (its next word is the key). */
function pulumiBooleanFlag(text: string, at: number): boolean {
  const found = pulumiCommandAt(text, at);
  return found !== undefined && found.words[found.index] === '--secret' && pulumiConfigSet(found.words) !== undefined;
}

/** The literal value a `pulumi config set --secret <key> <value>` in shell line `text` gives, if any. */
function pulumiSecretValueIn(text: string): string | undefined {
  const pulumi = /(?:^|\s)(?:\S*\/)?pulumi\s/g;
  for (let m = pulumi.exec(text); m !== null; m = pulumi.exec(text)) {
    const found = pulumiCommandAt(text, m.index + m[0].length);
    const set = found && pulumiConfigSet(found.words);
    if (set?.secret && set.value !== undefined && !isReference(found!.words[set.value])) return found!.words[set.value];
    // The rest of this command is read: the next one starts after it (each character is read a bounded number of times).
    if (found) pulumi.lastIndex = Math.max(pulumi.lastIndex, found.end);
  }
  return undefined;
}

/** The base64 of `-----BEGIN`: a PEM block encoded once more, as in a ConfigMap that carries `key.b64`. */
const BASE64_PEM = 'LS0tLS1CRUdJTi';

/** The base64 of the first PEM block in `text` that is a private key (a certificate is not a secret), if any. */
function base64PrivateKey(text: string): string | undefined {
  for (let at = text.indexOf(BASE64_PEM); at >= 0; at = text.indexOf(BASE64_PEM, at + BASE64_PEM.length)) {
    const head = text
      .slice(at, at + 160)
      .replace(/\s+/g, '')
      .match(/^[A-Za-z0-9+/]*/)![0];
    const decoded = Buffer.from(head.slice(0, head.length - (head.length % 4)), 'base64').toString('latin1');
    if (/^-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY/.test(decoded)) return head;
  }
  return undefined;
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

/*
 * `=` or `:` and the value on the same line: `password:` at the end of a line opens a YAML block
 * (`password:\n  secretKeyRef: …`), and `password: # set via env` has a comment, not a value.
 */
const ASSIGN = `["']?[ \\t]*[=:](?![ \\t]+#)[ \\t]*["']?${valueGroup('[^\\s"\'&;,]*')}`;

/** `password=…`, `--password=…`, `?token=…`, `"api_key": "…"`, `passphrase=…`, `credentials=…`, unless the value is a reference or a path. */
const SECRET_ASSIGNMENT = new RegExp(`(?<![A-Za-z0-9])(${SECRET_WORD})${ASSIGN}`, 'gi');

/**
 * The same after letters, where the name is one word (`PGPASSWORD=…`, `ADMINPASSWORD=…`, `adminPassword: …`): only
 * the long words in upper or camel case, so `bypass=true` and `existingSecret: db` (a Secret's name) stay ordinary.
 */
const JOINED_ASSIGNMENT = new RegExp(`(?<=[A-Za-z0-9])(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|Password|Passwd|Passphrase)${ASSIGN}`, 'g');

/**
 * Values of an assignment that are no credential: the start of an object or list (`"credentials": {…}`), the
 * settings of fetch's `credentials` option (`credentials: 'include'`), and the tail of a reference read from inside
 * (`PASSWORD:-}` in `${REDIS_PASSWORD:-}`, `PASSWORD:?unset}`): an empty default or an error message.
 */
const NOT_A_VALUE = /^(?:[{[].*|include|same-origin|omit|[-=+]?\}|\?.*)$/i;

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
  return isReference(value.trim());
}

/**
 * Whether `text` is a URL or DSN whose every password is a `$(NAME)` reference (which the kubelet expands in an env
 * value) and that holds no credential: `postgres://app:$(DB_PASSWORD)@db/app` in a DSN variable points at a secret,
 * and so does `app:$(DB_PASSWORD)@db:5432` without a scheme.
 */
export function pointsAtSecret(text: unknown): boolean {
  if (typeof text !== 'string' || credentialIn(text)) return false;
  const passwords = [...urlPasswords(text), ...[GO_DSN, USERINFO_PASSWORD].flatMap((r) => [...text.matchAll(r)].map((m) => m[1]))];
  return passwords.length > 0 && passwords.every((p) => /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(p));
}

/**
 * Whether env var `name`, holding an absolute path, names a file rather than holding a secret: the Docker secrets
 * convention (POSTGRES_PASSWORD_FILE, MYSQL_ROOT_PASSWORD_FILE, a `_PATH`), or a path inside one of the container's
 * volume mounts `mountPaths` (GOOGLE_APPLICATION_CREDENTIALS pointing at a mounted key file). The secret itself then
 * comes from the mounted volume. Never a literal that merely sits in a `_FILE` variable (`API_TOKEN_FILE: ghp_…`).
 */
function namesAFile(name: string, value: string, mountPaths: readonly unknown[]): boolean {
  if (!value.startsWith('/')) return false;
  if (/[_.-](file|path)$/i.test(name) || /[a-z0-9](File|Path)$/.test(name)) return true;
  return mountPaths.some((p) => {
    const dir = typeof p === 'string' ? p.replace(/\/+$/, '') : '';
    return dir !== '' && (value === dir || value.startsWith(`${dir}/`));
  });
}

/**
 * Whether env var `name` with literal `value` puts a secret into the YAML in plain text: its name looks secret
 * (SECRET_ENV_NAME) and its value is none of: a reference (`$(DB_PASSWORD)`, `${TOKEN}`, empty), a yes or no
 * (`true`, `0`), a file (namesAFile, given the container's mount paths), a URL or DSN whose password is a `$(NAME)`
 * (pointsAtSecret). The one judgement of the Container construct and the catalogue rule SEC_PLAINTEXT_SECRET.
 */
export function plaintextSecretEnv(name: unknown, value: unknown, mountPaths: readonly unknown[] = []): boolean {
  if (typeof name !== 'string' || typeof value !== 'string' || !SECRET_ENV_NAME.test(name)) return false;
  if (value.startsWith('/')) return !namesAFile(name, value, mountPaths);
  return !isReference(value.trim()) && !/^(?:yes|no|on|off|0|1)$/i.test(value.trim()) && !pointsAtSecret(value);
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

/** The token shapes' regexes with the `g` flag: every match, for `credentialSpans`. */
const EVERY_MATCH = new Map(
  TOKEN_SHAPES.flatMap((s) => ('pattern' in s ? [[s, new RegExp(s.pattern.source, `${s.pattern.flags}g`)]] : [])),
);

/** The tokens of shape `s` in `text`: the first (a verdict needs no more), or with `all` every one up to 32. */
function tokens(s: TokenShape, text: string, all: boolean): Iterable<string> {
  if (!('pattern' in s)) return s.find(text, all ? 32 : 1);
  if (all) {
    const out: string[] = [];
    for (const m of text.matchAll(EVERY_MATCH.get(s)!)) if (out.push(m[0]) >= 32) break;
    return out;
  }
  const m = s.pattern.exec(text);
  return m ? [m[0]] : NONE;
}

/** No token: shared, since most strings hold none of most shapes (the scan runs on every string of every object). */
const NONE: readonly string[] = [];

/**
 * Calls `found` with what each credential in `text` looks like and its secret part (the token, the password of a URL,
 * the value of an assignment), until `found` returns true. `all`: every match of every shape (for `credentialSpans`);
 * else the first of each, which is all the verdict needs.
 */
function findCredentials(text: string, all: boolean, found: (what: string, secret: string) => boolean): void {
  for (const s of TOKEN_SHAPES) for (const token of tokens(s, text, all)) if (found(s.what, token)) return;
  const key = base64PrivateKey(text);
  if (key !== undefined && found('a base64-encoded private key', key)) return;
  for (const p of urlPasswords(text)) if (!isReference(p) && found('a password in a URL', p)) return;
  for (const s of VALUE_SHAPES) for (const m of text.matchAll(s.pattern)) if (!isReference(m[1]) && found(s.what, m[1])) return;
  // The value has a digit, an upper-case letter or a symbol (the pattern is case-insensitive, so this is judged here).
  for (const m of text.matchAll(SECRET_FLAG_IN_TEXT))
    if (/[^a-z]/.test(m[2]) && !flagValueNamesSecret(m[1], m[2]) && !pulumiBooleanFlag(text, m.index!))
      if (found('a password on a command line', m[2])) return;
  const pulumiValue = /\bpulumi\s/.test(text) ? pulumiSecretValueIn(text) : undefined;
  if (pulumiValue !== undefined && found('a secret on a pulumi config set command line', pulumiValue)) return;
  for (const pattern of [SECRET_ASSIGNMENT, JOINED_ASSIGNMENT])
    for (const m of text.matchAll(pattern))
      if (!isReference(m[2]) && !NOT_A_VALUE.test(m[2]) && found(`a literal ${m[1].toLowerCase()}`, m[2])) return;
}

function scan(text: string): string | undefined {
  let what: string | undefined;
  findCredentials(text, false, (w) => {
    what = w;
    return true;
  });
  return what;
}

/** The token at the end of a match (`Authorization: Bearer abc…` → `abc…`), found backwards so it stays linear. */
function tokenTail(match: string): string {
  const token = /[A-Za-z0-9+/._~=%-]/;
  let end = match.length;
  while (end > 0 && !token.test(match[end - 1])) end--;
  let start = end;
  while (start > 0 && token.test(match[start - 1])) start--;
  return match.slice(start, end);
}

/** The shortest part of a credential `credentialSpans` gives: a shorter one would match ordinary words of a message. */
const MIN_SPAN = 6;

/**
 * The secret parts of every credential in `text` (a token, and the token without the header name before it; the
 * password of a URL, a DSN or an assignment), at most `max`: what an error must not show anywhere of a value it
 * judged secret, when its text quotes a part of the value rather than all of it.
 */
export function credentialSpans(text: unknown, max = 32): string[] {
  if (typeof text !== 'string' || text.length < 8) return [];
  const out = new Set<string>();
  findCredentials(text, true, (_, secret) => {
    for (const part of [secret, tokenTail(secret)]) if (part.length >= MIN_SPAN) out.add(part);
    return out.size >= max;
  });
  return [...out];
}

/**
 * What the credential is when `value` is the argument after `previous` in an argv array
 * (`['--db-password', 'hunter22']`), or undefined.
 */
export function credentialAfterFlag(previous: unknown, value: unknown): string | undefined {
  if (typeof previous !== 'string' || typeof value !== 'string' || !SECRET_FLAG.test(previous)) return undefined;
  return flagValueNamesSecret(previous, value) ? undefined : `the value of ${previous.replace(/^-+/, '--')} on a command line`;
}

/**
 * What credential each argument of argv list `args` holds where it sits, by index (undefined where none): the value
 * after a secret flag (`['--db-password', 'hunter22']`, credentialAfterFlag), and a tool's password flag
 * (`['mysql', '-uroot', '-pX']`, `['redis-cli', '-a', 'X']`, `['curl', '-u', 'admin:X', url]`; PASSWORD_FLAGS, as
 * in a shell line). `command` is the container's command when `args` are its args: the program named there reads them.
 */
export function argvCredentials(args: readonly unknown[], command: readonly unknown[] = []): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let tool: (typeof PASSWORD_TOOLS)[number] | undefined;
  const all = [...command, ...args];
  // `pulumi config set --secret <key> [value]`: the key is no flag's value; a literal value is the secret.
  const pulumiKeys = new Set<number>();
  const pulumiValues = new Set<number>();
  for (let i = 0; i < all.length; i++) {
    // text, not String: a map in a foreign argv (`{toString: 1, valueOf: 2}`) makes String() throw.
    const set = typeof all[i] === 'string' ? pulumiConfigSet(all.slice(i).map(text)) : undefined;
    if (set?.key !== undefined) pulumiKeys.add(i + set.key);
    if (set?.secret && set.value !== undefined && !isReference(text(all[i + set.value]))) pulumiValues.add(i + set.value);
  }
  for (let i = 0; i < all.length; i++) {
    const arg = all[i];
    const previous = all[i - 1];
    let what = pulumiValues.has(i)
      ? 'a secret on a pulumi config set command line'
      : pulumiKeys.has(i)
        ? undefined
        : credentialAfterFlag(previous, arg);
    if (typeof arg === 'string' && what === undefined) {
      const joined = tool?.f.joined ? tool.joined.exec(arg) : null;
      const found =
        tool !== undefined &&
        ((tool.f.spaced && typeof previous === 'string' && tool.flag.test(previous) && argvPassword(tool.f, arg)) ||
          (joined !== null && argvPassword(tool.f, joined[1])));
      if (found) what = 'a password on a command line';
      else tool = PASSWORD_TOOLS.find((t) => t.tool.test(arg.slice(arg.lastIndexOf('/') + 1))) ?? tool;
    }
    if (i >= command.length) out.push(what);
  }
  return out;
}

/**
 * What credential image reference `image` carries, or undefined: userinfo before the registry host
 * (`deploy:<password>@registry.example.com/app:1.0`, as in a URL without its scheme). A reference has no `@` before its
 * first `/` (a digest's `@` follows the repository), so the part before an `@` there is a user and its password or token.
 */
export function imageCredential(image: unknown): string | undefined {
  if (typeof image !== 'string') return undefined;
  const slash = image.indexOf('/');
  const host = slash < 0 ? '' : image.slice(0, slash);
  const at = host.lastIndexOf('@');
  if (at < 0) return credentialIn(image);
  return urlPasswords(`x://${host}/`).some((p) => !isReference(p)) ? 'a registry password in the image reference' : credentialIn(image);
}

/**
 * Calls `found` with each credential `value` holds and the string that holds it, judged by where each string sits as
 * well as by its shape, until `found` returns true: a string (credentialIn), an argv list (argvCredentials), an env
 * entry `{ name, value }` or a map entry whose name looks secret and whose value is a literal (plaintextSecretEnv), a
 * map key, an image with a registry password.
 */
function credentialsWithin(value: unknown, found: (what: string, text: string) => boolean, depth = 0): boolean {
  const report = (what: string | undefined, text: unknown) => what !== undefined && found(what, typeof text === 'string' ? text : '');
  if (typeof value === 'string') return report(credentialIn(value), value);
  if (depth > 20 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    const flagged = argvCredentials(value);
    return flagged.some((w, i) => report(w, value[i])) || value.some((x) => credentialsWithin(x, found, depth + 1));
  }
  const o = value as Record<string, unknown>;
  if (plaintextSecretEnv(o.name, o.value) && report('a literal secret env value', o.value)) return true;
  if (Array.isArray(o.args) && Array.isArray(o.command)) {
    const args = o.args;
    if (argvCredentials(args, o.command).some((w, i) => report(w, args[i]))) return true;
  }
  return Object.entries(o).some(
    ([k, v]) =>
      report(credentialIn(k), k) ||
      report(plaintextSecretEnv(k, v) ? 'a literal under a secret name' : undefined, v) ||
      report(k === 'image' ? imageCredential(v) : undefined, v) ||
      credentialsWithin(v, found, depth + 1),
  );
}

/**
 * What credential `value` holds, judged by where each string sits as well as by its shape (see credentialsWithin), or
 * undefined. What an error shows of an object or list (a container, a ConfigMap's data) is judged so before it is printed.
 */
export function credentialWithin(value: unknown): string | undefined {
  let what: string | undefined;
  credentialsWithin(value, (w) => {
    what = w;
    return true;
  });
  return what;
}

/**
 * The strings of `value` that hold a credential where they sit (see credentialsWithin), each with the secret parts
 * `credentialSpans` finds in it, at most `max`: what an error that judged `value` secret must not show anywhere.
 */
export function credentialStrings(value: unknown, max = 64): string[] {
  const out = new Set<string>();
  credentialsWithin(value, (_, text) => {
    if (text !== '') for (const s of [text, ...credentialSpans(text)]) out.add(s);
    return out.size >= max;
  });
  return [...out].slice(0, max);
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
  if (Array.isArray(value)) {
    const flagged = argvCredentials(value);
    return value.flatMap((v, i) => {
      const what = flagged[i];
      return what ? [issueFor(`${field}[${i}]`, what)] : credentialIssues(`${field}[${i}]`, v, depth + 1);
    });
  }
  return Object.entries(value).flatMap(([k, v]) => [
    ...credentialIssues(keyField(field, k), k, depth + 1),
    ...credentialIssues(keyField(field, k), v, depth + 1),
  ]);
}
