import { IConstruct } from 'constructs';
import { EnvValue } from '../config/env';
import { Volume } from '../config/volume';
import { CONTAINER_SHAPE, ResolvedContainer, VolumeMount, envSizeIssue, mountIssues } from './container';
import { Workload, secretNamespaceIssue } from './workload';
import { BlueprintError, BlueprintIssue, Problems } from '../core/errors';
import { envVarNameIssue } from '../core/names';
import { checkArgs, checkShape, is } from '../core/shape';
import { keyField } from '../core/field-path';

/** What a preset injects. */
export interface PodPresetProps {
  /** Only pods carrying all these labels. @default - every workload under the scope */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** Env added to the main container. @default - none */
  readonly env?: Readonly<Record<string, string | EnvValue>>;
  /** Mounts added to the main container. @default - none */
  readonly mounts?: readonly VolumeMount[];
}

/** The shape of the props: env and mounts as a container takes them, so a bad value is named at the preset's field. */
const POD_PRESET_SHAPE = is.props<PodPresetProps>({
  matchLabels: is.map(is.string),
  env: CONTAINER_SHAPE.fields.env,
  mounts: CONTAINER_SHAPE.fields.mounts,
});

/**
 * PodPreset was removed from Kubernetes (003 used it to inject env and
 * volumes into every pod matching a selector); this does the same at synth
 * time, so the result is visible in the YAML and checked like everything else.
 */
export class PodPreset {
  /**
   * Applies the preset to every matching workload under `scope`; returns the workloads it changed.
   *
   * All or nothing: an env name the preset sets that a matching workload
   * already has is refused (`ENV_INVALID`, field `env.<NAME>`, one issue per
   * workload and name, all reported at once) before any workload is changed.
   * Upstream PodPreset skipped such pods silently; refusing shows the conflict.
   * So are a value of the wrong shape, an env name or `NAME=value` size the
   * container would refuse, and a Secret of another namespace than a matching
   * workload (`SECRET_NAMESPACE_MISMATCH`): each at the preset's field
   * (`env.<NAME>`, `mounts[i]`) and the scope's path. What depends on the
   * workload itself (its `allowPlaintextEnv`, its mount paths) is reported by
   * it, and every workload already changed is then put back.
   */
  public static apply(scope: IConstruct, props: PodPresetProps): Workload[] {
    checkArgs('PodPreset.apply', ['scope', scope, is.construct]);
    // From here on every issue is the preset's (its fields, the scope's path), found before any workload changes.
    const problems = new Problems(scope, 'PodPreset');
    if (!checkShape(problems, props, POD_PRESET_SHAPE)) problems.throwIfAny();
    const env = Object.entries(props.env ?? {});
    // What each variable is on its own (the container's rules: one home each), judged once, not per workload.
    for (const [key, value] of env)
      problems.addAll(envVarNameIssue(keyField('env', key), key), envSizeIssue(keyField('env', key), key, value));
    // And each mount (a Volume, an absolute path, a subPath inside it): at mounts[i], not at every workload's container.mounts.
    (props.mounts ?? []).forEach((m, i) => problems.addAll(...mountIssues(`mounts[${i}]`, m)));
    const matched = scope.node
      .findAll()
      .filter((c): c is Workload => c instanceof Workload)
      .filter((w) => Object.entries(props.matchLabels ?? {}).every(([k, v]) => w.podLabels[k] === v));
    for (const w of matched) {
      // Package-internal read of the main container's env (addEnv refuses these names; checked here first, so nothing is half-applied).
      const existing = w['containers'][0]?.props.env ?? {};
      for (const [key, value] of env) {
        problems.check(Object.prototype.hasOwnProperty.call(existing, key), {
          code: 'ENV_INVALID',
          field: keyField('env', key),
          value: key,
          message: `is already set on the container of ${w.node.path}; the preset would replace it`,
          fix: `leave ${key} out of the preset (or narrow matchLabels), or remove it from that workload's env`,
        });
        if (value instanceof EnvValue && value.secret)
          problems.addAll(withWorkload(secretNamespaceIssue(keyField('env', key), value.secret, w.namespace), w));
      }
      (props.mounts ?? []).forEach((m, i) => {
        if (m.volume instanceof Volume && m.volume.secret)
          problems.addAll(withWorkload(secretNamespaceIssue(`mounts[${i}].volume`, m.volume.secret, w.namespace), w));
      });
    }
    problems.throwIfAny();
    // What depends on the workload itself (its allowPlaintextEnv, its mount paths) is its own check: all are
    // collected, and a workload already changed is put back when another refuses, so nothing is half-applied.
    const changed: [Workload, ResolvedContainer][] = [];
    const refused: BlueprintIssue[] = [];
    for (const w of matched) {
      const before: ResolvedContainer = w['containers'][0];
      try {
        if (props.env) w.addEnv(props.env);
        if (props.mounts?.length) w.addMounts(props.mounts);
        changed.push([w, before]);
      } catch (e) {
        if (!(e instanceof BlueprintError)) throw e;
        w['containers'][0] = before;
        refused.push(...e.issues);
      }
    }
    if (refused.length) {
      for (const [w, before] of changed) w['containers'][0] = before;
      throw new BlueprintError(refused);
    }
    return matched;
  }
}

/** A preset issue about one matching workload names it. */
function withWorkload<T extends { message: string }>(issue: T | undefined, w: Workload): T | undefined {
  return issue && { ...issue, message: `${issue.message}: on ${w.node.path}` };
}
