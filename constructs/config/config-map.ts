import { checkArgs, is } from '../core/shape';
import { isUtf8 } from 'buffer';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigMap as KubeConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Construct } from 'constructs';
import { componentLabels } from '../core/metadata';
import { modelObject } from '../core/model-object';
import { PLAINTEXT_KEYS_ANNOTATION, plaintextSecretKeys } from '../rules/security';
import { NamespacedObject } from '../core/namespaced-object';
import { credentialIssues } from '../core/secret-patterns';
import { TeamNamespace } from '../namespace/team-namespace';
import { loneSurrogateIn } from '../render/yaml-emitter';
import { keyField } from '../core/field-path';

/** Props of a `ConfigMap`. */
export interface ConfigMapProps {
  /** The namespace: a `TeamNamespace` of the app, or a name. */
  readonly namespace: TeamNamespace | string;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** Literal entries (one holding DEL, a C1 control but NEL, U+FFFE or U+FFFF is refused: see `files`). @default - none */
  readonly data?: Readonly<Record<string, string>>;
  /**
   * Files, by the key (file name) they get when mounted: inline content, or
   * `ConfigMap.file(path)` to read a file at synth time. A file that is not
   * UTF-8 text (a Latin-1 file, an image) goes to `binaryData`, base64, under
   * the same key, as `kubectl create configmap --from-file` does: it is
   * mounted byte for byte like the others (but no env var can read it). So
   * does text holding DEL, a C1 control (but NEL), U+FFFE or U+FFFF, which
   * kustomize-based GitOps cannot carry (a `data` literal holding one is
   * refused, CONFIG_VALUE_INVALID).
   * @default - none
   */
  readonly files?: Readonly<Record<string, string | ConfigFile>>;
  /**
   * Keys of `data` named like a secret env var (DB_PASSWORD, API_TOKEN) that may hold a literal all the same, because
   * their value is not secret. Any other such key with a value is refused (PLAINTEXT_SECRET): `envFrom` would hand it
   * to a container in plain text.
   * @default - none
   */
  readonly allowPlaintextKeys?: readonly string[];
}

/** Where `ConfigMap.file` may read from. */
export interface ConfigFileOptions {
  /**
   * The directory the file must be inside (after resolving symlinks). Files
   * outside it, special files (FIFOs, devices, sockets) and anything under
   * `/proc`, `/sys` or `/dev` are refused.
   * @default - the directory synth runs in (`process.cwd()`)
   */
  readonly root?: string;
}

/**
 * The shape of the props (checked at entry). Entry values are judged by the
 * ConfigMap's own checks (CONFIG_VALUE_INVALID), which say more than a shape.
 */
const CONFIG_MAP_SHAPE = is.props<ConfigMapProps>({
  namespace: is.either(is.instance(TeamNamespace), is.string),
  name: is.string,
  data: is.map(is.any),
  files: is.map(is.any),
  allowPlaintextKeys: is.list(is.string),
});

/** A file read at synth time. */
export class ConfigFile {
  constructor(
    public readonly path: string,
    public readonly root?: string,
  ) {
    checkArgs('ConfigFile', ['path', path, is.string], ['root', root, is.string, 'optional']);
  }
}

/**
 * A key of a ConfigMap or Secret (apimachinery IsConfigMapKey): at most 253 of
 * `[-._a-zA-Z0-9]`, and not '.', '..' nor starting with '..' (hasChDirPrefix:
 * mounted as a file, it would step out of its directory).
 */
export function isConfigMapKey(key: unknown): boolean {
  return typeof key === 'string' && key.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(key) && key !== '.' && !key.startsWith('..');
}
/** The API server's limit on a ConfigMap's data and binaryData together (ValidateConfigMap: MaxSecretSize). */
export const CONFIG_MAP_MAX_BYTES = 1024 * 1024;
const SYSTEM_DIRS = ['/proc', '/sys', '/dev'];

/*
 * What breaks kustomize-based GitOps (Flux, Argo CD with kustomize): it round-trips values through Go's
 * encoding/json, which escapes C0, U+2028 and U+2029 but leaves these raw, and go-yaml's reader then refuses
 * them ("yaml: control characters are not allowed"): DEL, C1 but NEL (a YAML line break it reads), U+FFFE, U+FFFF.
 */
const KUSTOMIZE_UNSAFE = /[\x7f-\x84\x86-\x9f\ufffe\uffff]/;

/** The first character of `text` kustomize cannot carry, as 'U+007F', or undefined. */
function kustomizeUnsafeIn(text: string): string | undefined {
  const m = KUSTOMIZE_UNSAFE.exec(text);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

const within = (dir: string, p: string) => p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);

/**
 * Reads a ConfigFile safely: a regular file inside its root, at most the
 * ConfigMap limit. Its text, or its bytes when they are not UTF-8 (kubectl's
 * `utf8.Valid` test: decoding them would replace each invalid byte by U+FFFD)
 * or hold a character kustomize cannot carry (KUSTOMIZE_UNSAFE).
 */
function readConfigFile(file: ConfigFile): { text: string } | { bytes: Buffer } | { error: string; fix: string } {
  if (typeof file.path !== 'string' || file.path === '' || file.path.includes('\0'))
    return { error: 'is not a file path', fix: 'give a path relative to the project directory' };
  const fix = 'keep config files inside the project directory (or pass ConfigMap.file(path, { root }))';
  let root: string;
  let real: string;
  try {
    root = fs.realpathSync(path.resolve(file.root ?? process.cwd()));
    real = fs.realpathSync(path.resolve(root, file.path));
  } catch (e) {
    return {
      error: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      fix: 'check the path; it is relative to the directory synth runs in',
    };
  }
  if (SYSTEM_DIRS.some((d) => within(d, real))) return { error: `resolves to ${real}, a system file`, fix };
  if (!within(root, real)) return { error: `resolves outside ${root}`, fix };
  const stat = fs.statSync(real);
  if (!stat.isFile()) return { error: 'is not a regular file (a FIFO, device, socket or directory)', fix: 'point at a regular file' };
  if (stat.size > CONFIG_MAP_MAX_BYTES)
    return {
      error: `is ${stat.size} bytes, over the 1 MiB a ConfigMap can hold`,
      fix: 'mount large files from a volume or bake them into the image',
    };
  let fd: number | undefined;
  try {
    // O_NOFOLLOW | O_NONBLOCK: the path was checked above; never block on a file swapped for a FIFO in between.
    fd = fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
    if (!fs.fstatSync(fd).isFile()) return { error: 'is not a regular file', fix: 'point at a regular file' };
    const buf = Buffer.alloc(CONFIG_MAP_MAX_BYTES + 1);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    if (n > CONFIG_MAP_MAX_BYTES) return { error: 'is over the 1 MiB a ConfigMap can hold', fix: 'mount large files from a volume' };
    const content = buf.subarray(0, n);
    const text = isUtf8(content) ? content.toString('utf8') : undefined;
    return text !== undefined && kustomizeUnsafeIn(text) === undefined ? { text } : { bytes: Buffer.from(content) };
  } catch (e) {
    return { error: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, fix: 'check the path' };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The base64 `binaryData` of each ConfigMap (its files that are not UTF-8), by ConfigMap. */
const BINARY_DATA = new WeakMap<ConfigMap, Readonly<Record<string, string>>>();

/**
 * The keys a ConfigMap's volume shows as files: its `data` and its
 * `binaryData` (files that are not UTF-8, which no env var can read).
 */
export function configMapFileKeys(configMap: ConfigMap): string[] {
  return [...Object.keys(configMap.data), ...Object.keys(BINARY_DATA.get(configMap) ?? {})];
}

/**
 * A ConfigMap from literals and files (e.g. nginx's `reverseproxy.conf`). Its
 * `contentHash` goes into the pod templates that use it, so a change of
 * content rolls the pods.
 */
export class ConfigMap extends NamespacedObject<ConfigMapProps> {
  /**
   * Reads `filePath` (relative to the working directory) when the ConfigMap is
   * built. Only regular files inside the project directory (or `options.root`)
   * are read: `/proc/self/environ`, devices, FIFOs and symlinks leading out are refused.
   */
  public static file(filePath: string, options: ConfigFileOptions = {}): ConfigFile {
    checkArgs('ConfigMap.file', ['options', options, is.props<ConfigFileOptions>({ root: is.string }), 'optional']);
    return new ConfigFile(filePath, options.root);
  }

  /** The text entries (literals and UTF-8 files); files that are not UTF-8 are in the object's `binaryData`. */
  public readonly data: Readonly<Record<string, string>>;
  /** sha256 of the sorted content, 16 hex characters. */
  public readonly contentHash: string;

  constructor(scope: Construct, id: string, props: ConfigMapProps) {
    super(scope, id, props, 'ConfigMap', CONFIG_MAP_SHAPE);
    const { problems } = this;
    const p: Partial<ConfigMapProps> = this.checked;
    const data: Record<string, string> = Object.create(null);
    /** Files that are not UTF-8, by key: no YAML or JSON string can hold their bytes. */
    const binary: Record<string, Buffer> = Object.create(null);
    const entries = (field: 'data' | 'files'): [string, unknown][] => {
      const v = p[field];
      return v === undefined ? [] : Object.entries(v);
    };
    /**
     * A text entry, unless it holds a lone surrogate: no YAML file (nor the API server's UTF-8) can carry one.
     * Inline file content kustomize cannot carry goes to binaryData, as a file's does; a literal is refused.
     */
    const text = (field: string, key: string, value: string) => {
      const lone = loneSurrogateIn(value);
      const unsafe = lone === undefined ? kustomizeUnsafeIn(value) : undefined;
      if (unsafe !== undefined && field.startsWith('files.')) binary[key] = Buffer.from(value, 'utf8');
      else if (unsafe !== undefined)
        problems.add({
          code: 'CONFIG_VALUE_INVALID',
          field,
          value: unsafe,
          message:
            'holds a control character that kustomize (Flux, Argo CD with kustomize) cannot carry: Go\'s JSON encoder leaves it raw and kustomize fails with "yaml: control characters are not allowed"',
          fix: `put the content in files (ConfigMap.file(path), or inline): it goes to binaryData, base64, mounted byte for byte`,
        });
      else if (lone === undefined) data[key] = value;
      else
        problems.add({
          code: 'CONFIG_VALUE_INVALID',
          field,
          value: lone,
          message: 'holds a lone UTF-16 surrogate, which no YAML file can carry (it has no UTF-8 encoding)',
          fix: "remove it, or pair it: a character beyond U+FFFF is two surrogates in JavaScript, e.g. '\\u{1F642}'",
        });
    };
    for (const [key, value] of entries('data')) {
      if (typeof value === 'string') text(keyField('data', key), key, value);
      else
        problems.add({
          code: 'CONFIG_VALUE_INVALID',
          field: keyField('data', key),
          value,
          message: 'is not a string',
          fix: "quote it, e.g. '8080'",
        });
    }
    const literalKeys = new Set(entries('data').map(([key]) => key));
    for (const [key, source] of entries('files')) {
      const distinct = problems.check(literalKeys.has(key), {
        code: 'CONFIG_KEY_DUPLICATE',
        field: keyField('files', key),
        value: key,
        message: 'is both a literal and a file',
        fix: 'rename one of them',
      });
      if (!distinct) continue;
      if (source instanceof ConfigFile) {
        const read = readConfigFile(source);
        if ('text' in read) data[key] = read.text;
        else if ('bytes' in read) binary[key] = read.bytes;
        else
          problems.add({
            code: 'CONFIG_FILE_UNREADABLE',
            field: keyField('files', key),
            value: source.path,
            message: read.error,
            fix: read.fix,
          });
      } else if (typeof source === 'string') {
        text(keyField('files', key), key, source);
      } else {
        problems.add({
          code: 'CONFIG_VALUE_INVALID',
          field: keyField('files', key),
          value: source,
          message: 'is neither text nor ConfigMap.file(…)',
          fix: 'pass the content or ConfigMap.file(path)',
        });
      }
    }
    // ValidateConfigMap: the values count (a binary value by its bytes), not the keys.
    let bytes = 0;
    const fileKeys = new Set(entries('files').map(([key]) => key));
    const keyIssue = (field: string, key: string) =>
      problems.check(!isConfigMapKey(key), {
        code: 'CONFIG_KEY_INVALID',
        field,
        value: key,
        message: "is not a valid ConfigMap key (at most 253 letters, digits, '-', '_' and '.'; not '.', '..' nor starting with '..')",
        fix: "use letters, digits, '-', '_' and '.', e.g. 'app.yaml'",
      });
    for (const [key, value] of Object.entries(data)) {
      bytes += Buffer.byteLength(value);
      const field = `${fileKeys.has(key) ? 'files' : 'data'}.${key}`;
      keyIssue(field, key);
      problems.addAll(...credentialIssues(field, value));
    }
    for (const [key, value] of Object.entries(binary)) {
      bytes += value.length;
      keyIssue(keyField('files', key), key);
      // Text in another encoding (Latin-1, Windows-1252) still shows a password written in it.
      problems.addAll(...credentialIssues(keyField('files', key), value.toString('latin1')));
    }
    // The rule over rendered objects (SEC_PLAINTEXT_SECRET) with the same function, so the error comes with the others.
    const allowed = new Set(p.allowPlaintextKeys ?? []);
    for (const key of plaintextSecretKeys(Object.fromEntries(entries('data')), allowed))
      problems.add({
        code: 'PLAINTEXT_SECRET',
        field: keyField('data', key),
        value: '<redacted>',
        message: 'is named like a secret and has a literal value that would be written into the YAML (envFrom makes it an env var)',
        fix: `declare the Secret (new SecretDeclaration(…, { keys: ['${key.toLowerCase()}'] })) and read it with EnvValue.fromSecret, or list '${key}' in allowPlaintextKeys if it is not secret`,
      });
    problems.check(bytes > CONFIG_MAP_MAX_BYTES, {
      code: 'CONFIG_TOO_LARGE',
      field: 'data',
      value: `${bytes} bytes`,
      message: 'is over the 1 MiB a ConfigMap can hold',
      fix: 'split it into several ConfigMaps, or mount large files from a volume',
    });
    problems.throwIfAny();
    // Object.fromEntries defines own properties, so a key like '__proto__' stays data.
    this.data = Object.fromEntries(Object.entries(data));
    const binaryData = Object.fromEntries(Object.entries(binary).map(([key, value]) => [key, value.toString('base64')]));
    BINARY_DATA.set(this, binaryData);
    const hash = createHash('sha256');
    // A text entry hashes as before; a binary one with \x01 after its key, so the same base64 as text differs.
    for (const key of [...Object.keys(data), ...Object.keys(binaryData)].sort())
      hash.update(key in binaryData ? `${key}\x01${binaryData[key]}\0` : `${key}\0${data[key]}\0`);
    this.contentHash = hash.digest('hex').slice(0, 16);
    // allowPlaintextKeys, where it lets a secret-looking literal through: the catalogue's SEC_PLAINTEXT_SECRET reads it back.
    const plain = plaintextSecretKeys(this.data, new Set());
    // A model object, not cdk8s-plus' KubeConfigMap: its toJson copies the data map once per key (10,000 keys took 20 s).
    const metadata = {
      name: this.name,
      namespace: this.namespace,
      labels: componentLabels({ name: this.name, component: 'config' }),
      ...(plain.length ? { annotations: { [PLAINTEXT_KEYS_ANNOTATION]: plain.join(',') } } : {}),
    };
    const body = Object.keys(binaryData).length > 0 ? ['data', 'binaryData'] : ['data'];
    modelObject(
      this,
      'Resource',
      { model: KubeConfigMap, metadata, body },
      (meta) => new KubeConfigMap({ metadata: meta, data: this.data, ...(body.length > 1 ? { binaryData } : {}) }),
    );
  }
}
