import { IConstruct } from 'constructs';
import { EnvValue } from '../config/env';
import { VolumeMount } from './container';
import { Workload } from './workload';
import { Problems } from '../core/errors';
import { checkArgs, is } from '../core/shape';

/** What a preset injects. */
export interface PodPresetProps {
  /** Only pods carrying all these labels. @default - every workload under the scope */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** Env added to the main container. @default - none */
  readonly env?: Readonly<Record<string, string | EnvValue>>;
  /** Mounts added to the main container. @default - none */
  readonly mounts?: readonly VolumeMount[];
}

/** The shape of the props (checked at entry; env and mounts are checked by each workload). */
const POD_PRESET_SHAPE = is.props<PodPresetProps>({ matchLabels: is.map(is.string), env: is.map(is.any), mounts: is.list(is.any) });

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
   */
  public static apply(scope: IConstruct, props: PodPresetProps): Workload[] {
    checkArgs('PodPreset.apply', ['scope', scope, is.construct], ['props', props, POD_PRESET_SHAPE]);
    const matched = scope.node
      .findAll()
      .filter((c): c is Workload => c instanceof Workload)
      .filter((w) => Object.entries(props.matchLabels ?? {}).every(([k, v]) => w.podLabels[k] === v));
    const problems = new Problems(scope, 'PodPreset');
    for (const w of matched) {
      // Package-internal read of the main container's env (addEnv refuses these names; checked here first, so nothing is half-applied).
      const existing = w['containers'][0]?.props.env ?? {};
      for (const key of Object.keys(props.env ?? {}))
        problems.check(Object.prototype.hasOwnProperty.call(existing, key), {
          code: 'ENV_INVALID',
          field: `env.${key}`,
          value: key,
          message: `is already set on the container of ${w.node.path}; the preset would replace it`,
          fix: `leave ${key} out of the preset (or narrow matchLabels), or remove it from that workload's env`,
        });
    }
    problems.throwIfAny();
    for (const w of matched) {
      if (props.env) w.addEnv(props.env);
      if (props.mounts?.length) w.addMounts(props.mounts);
    }
    return matched;
  }
}
