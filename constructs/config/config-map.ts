import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Problems } from '../core/errors';
import { componentLabels } from '../core/metadata';
import { NameRule, nameIssue } from '../core/names';

/** Props of a `ConfigMap`. */
export interface ConfigMapProps {
  readonly namespace: string;
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** Literal entries. @default - none */
  readonly data?: Readonly<Record<string, string>>;
  /**
   * Files, by the key (file name) they get when mounted: inline content, or
   * `ConfigMap.file(path)` to read a file at synth time.
   * @default - none
   */
  readonly files?: Readonly<Record<string, string | ConfigFile>>;
}

/** A file read at synth time. */
export class ConfigFile {
  constructor(public readonly path: string) {}
}

const KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * A ConfigMap from literals and files (e.g. nginx's `reverseproxy.conf`). Its
 * `contentHash` goes into the pod templates that use it, so a change of
 * content rolls the pods (PRACTICES §9).
 */
export class ConfigMap extends Construct {
  /** Reads `filePath` (relative to the working directory) when the ConfigMap is built. */
  public static file(filePath: string): ConfigFile {
    return new ConfigFile(filePath);
  }

  public readonly name: string;
  public readonly namespace: string;
  public readonly data: Readonly<Record<string, string>>;
  /** sha256 of the sorted content, 16 hex characters. */
  public readonly contentHash: string;

  constructor(scope: Construct, id: string, props: ConfigMapProps) {
    super(scope, id);
    const problems = new Problems(this, 'ConfigMap');
    this.name = props.name ?? id;
    this.namespace = props.namespace;
    problems.addAll(nameIssue(NameRule.DNS1123_SUBDOMAIN, 'name', this.name));
    const data: Record<string, string> = { ...props.data };
    for (const [key, source] of Object.entries(props.files ?? {})) {
      if (key in data) {
        problems.add({
          code: 'CONFIG_KEY_DUPLICATE',
          field: `files.${key}`,
          value: key,
          message: 'is both a literal and a file',
          fix: 'rename one of them',
        });
        continue;
      }
      if (source instanceof ConfigFile) {
        try {
          data[key] = fs.readFileSync(path.resolve(source.path), 'utf8');
        } catch (e) {
          problems.add({
            code: 'CONFIG_FILE_UNREADABLE',
            field: `files.${key}`,
            value: source.path,
            message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
            fix: 'check the path; it is relative to the directory synth runs in',
          });
        }
      } else {
        data[key] = source;
      }
    }
    for (const key of Object.keys(data)) {
      problems.check(!KEY.test(key) || key.length > 253, {
        code: 'CONFIG_KEY_INVALID',
        field: `data.${key}`,
        value: key,
        message: 'is not a valid ConfigMap key',
        fix: "use letters, digits, '-', '_' and '.'",
      });
    }
    problems.throwIfAny();
    this.data = data;
    const hash = createHash('sha256');
    for (const key of Object.keys(data).sort()) hash.update(`${key}\0${data[key]}\0`);
    this.contentHash = hash.digest('hex').slice(0, 16);
    new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: this.name, namespace: this.namespace, labels: componentLabels({ name: this.name, component: 'config' }) },
      data,
    });
  }
}
