import { repeatIssues } from '../core/value-issues';
import { is } from '../core/shape';
import { StorageClass as StorageClassModel } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';
import { Construct } from 'constructs';
import { componentLabels } from '../core/metadata';
import { modelObject } from '../core/model-object';
import { NamedObject } from '../core/named-object';
import { NameRule, isAnnotationKey, isLabelValue } from '../core/names';
import { IssueInput } from '../core/errors';
import { credentialIssues } from '../core/secret-patterns';
import { NodeLabels } from '../scheduling/node-labels';

/** What happens to a volume when its claim is deleted. */
export enum ReclaimPolicy {
  /** Keep the volume and its data (for data that matters). */
  RETAIN = 'Retain',
  DELETE = 'Delete',
}

/** When a volume is provisioned. */
export enum VolumeBindingMode {
  /** Provision in the zone the pod lands in (avoids unschedulable pods in multi-zone clusters). */
  WAIT_FOR_FIRST_CONSUMER = 'WaitForFirstConsumer',
  IMMEDIATE = 'Immediate',
}

/** Props of a `StorageClass`. */
export interface StorageClassProps {
  /** Object name. @default - the construct id */
  readonly name?: string;
  /** CSI driver or provisioner, e.g. `ebs.csi.aws.com`. */
  readonly provisioner: string;
  /** Driver parameters, e.g. `{ type: 'gp3' }`. @default - none */
  readonly parameters?: Readonly<Record<string, string>>;
  /** @default ReclaimPolicy.RETAIN — data outlives its claim */
  readonly reclaimPolicy?: ReclaimPolicy;
  /** @default VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER */
  readonly volumeBindingMode?: VolumeBindingMode;
  /** Allow growing claims in place. @default true */
  readonly allowVolumeExpansion?: boolean;
  /** Zones volumes may be created in. @default - any */
  readonly zones?: readonly string[];
  /** Make it the cluster default. @default false */
  readonly isDefault?: boolean;
}

/** The shape of the props (checked at entry). */
const STORAGE_CLASS_SHAPE = is.props<StorageClassProps>({
  name: is.string,
  provisioner: is.string,
  parameters: is.map(is.string),
  reclaimPolicy: is.oneOf(Object.values(ReclaimPolicy), 'ReclaimPolicy'),
  volumeBindingMode: is.oneOf(Object.values(VolumeBindingMode), 'VolumeBindingMode'),
  allowVolumeExpansion: is.boolean,
  zones: is.list(is.string),
  isDefault: is.boolean,
});

/**
 * A StorageClass (cluster-scoped): how claims get volumes. Retains data by
 * default and binds where the pod is scheduled.
 * @see https://kubernetes.io/docs/concepts/storage/storage-classes/
 */
export class StorageClass extends NamedObject<StorageClassProps> {
  public readonly reclaimPolicy: ReclaimPolicy;

  constructor(scope: Construct, id: string, props: StorageClassProps) {
    super(scope, id, props, 'StorageClass', STORAGE_CLASS_SHAPE);
    props = this.checked; // the entry's frozen snapshot: the caller's object is not read again
    const { problems } = this;
    this.reclaimPolicy = props.reclaimPolicy ?? ReclaimPolicy.RETAIN;
    // storage validateProvisioner: a qualified name once lower-cased (the annotation-key rule).
    problems.check(typeof props.provisioner !== 'string' || !isAnnotationKey(props.provisioner), {
      code: 'STORAGE_INVALID',
      field: 'provisioner',
      value: props.provisioner,
      message:
        "is not a provisioner name (a qualified name: optional DNS subdomain prefix and '/', then ≤ 63 characters of letters, digits, '-', '_' and '.')",
      fix: "use the CSI driver's name, e.g. 'ebs.csi.aws.com'",
    });
    problems.check(props.zones !== undefined && !Array.isArray(props.zones), {
      code: 'PROPS_INVALID',
      field: 'zones',
      value: props.zones,
      message: 'must be a list of zone names',
      fix: "pass e.g. ['eu-west-1a']",
    });
    problems.check(
      props.parameters !== undefined &&
        (props.parameters === null ||
          typeof props.parameters !== 'object' ||
          Object.values(props.parameters).some((x) => typeof x !== 'string')),
      {
        code: 'PROPS_INVALID',
        field: 'parameters',
        value: props.parameters,
        message: 'must be an object of string values',
        fix: "pass e.g. { type: 'gp3' }",
      },
    );
    problems.addAll(...credentialIssues('parameters', props.parameters));
    problems.addAll(...parameterIssues(props.parameters));
    problems.check(Array.isArray(props.zones) && props.zones.length === 0, {
      code: 'STORAGE_INVALID',
      field: 'zones',
      value: props.zones,
      message: 'is empty: no volume could ever be created',
      fix: 'list at least one zone, or leave zones unset',
    });
    // core validation validateTopologySelectorLabelRequirement: the values of a requirement are a set (field.Duplicate);
    // their content is not checked there, but a zone is the value of a node's topology.kubernetes.io/zone label: one
    // that is no label value (empty, a space, 64 characters, a zero-width space, a Cyrillic 'а') matches no node, so
    // no volume is ever provisioned and every claim stays Pending without an error.
    if (Array.isArray(props.zones)) {
      props.zones.forEach((z, i) =>
        problems.check(typeof z === 'string' && (z === '' || !isLabelValue(z)), {
          code: 'STORAGE_INVALID',
          field: `zones[${i}]`,
          value: z,
          message: `is not a non-empty ${NameRule.LABEL_VALUE}, so no node's ${NodeLabels.ZONE} label has it and no volume could be created`,
          fix: `write the zone as the nodes' ${NodeLabels.ZONE} label reads it (e.g. 'eu-west-1a'): 1 to 63 letters, digits, '-', '_' and '.', starting and ending alphanumeric`,
        }),
      );
      const twice = {
        code: 'STORAGE_INVALID',
        message: 'is listed twice: the API server refuses a topology requirement with a duplicate value',
        fix: 'list each zone once',
      };
      for (const issue of repeatIssues(props.zones, 'zones', twice)) problems.add(issue);
    }
    problems.throwIfAny();
    modelObject(
      this,
      'Resource',
      () =>
        new StorageClassModel({
          metadata: {
            name: this.name,
            labels: componentLabels({ name: this.name, component: 'storage' }),
            annotations: props.isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : undefined,
          },
          provisioner: props.provisioner,
          parameters: props.parameters && { ...props.parameters },
          reclaimPolicy: this.reclaimPolicy,
          volumeBindingMode: props.volumeBindingMode ?? VolumeBindingMode.WAIT_FOR_FIRST_CONSUMER,
          allowVolumeExpansion: props.allowVolumeExpansion ?? true,
          allowedTopologies: props.zones && [{ matchLabelExpressions: [{ key: NodeLabels.ZONE, values: [...props.zones] }] }],
        }),
    );
  }
}

/** The API server's limits on a StorageClass's parameters (storage validation validateParameters). */
const MAX_PARAMETERS = 512;
const MAX_PARAMETER_BYTES = 256 * 1024;

/** STORAGE_INVALID for parameters the API server refuses: over 512 of them, an empty key, over 256 KiB of keys and values. */
function parameterIssues(parameters: unknown): IssueInput[] {
  if (parameters === null || typeof parameters !== 'object') return [];
  const entries = Object.entries(parameters as Record<string, unknown>);
  if (entries.length > MAX_PARAMETERS)
    return [
      {
        code: 'STORAGE_INVALID',
        field: 'parameters',
        value: `${entries.length} parameters`,
        message: `has more than the ${MAX_PARAMETERS} parameters a StorageClass can hold`,
        fix: "keep the provisioner's settings only",
      },
    ];
  const out: IssueInput[] = [];
  if (entries.some(([k]) => k === ''))
    out.push({
      code: 'STORAGE_INVALID',
      field: 'parameters',
      value: '',
      message: 'has an empty key',
      fix: "name each parameter, e.g. { type: 'gp3' }",
    });
  const bytes = entries.reduce((n, [k, v]) => n + Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0), 0);
  if (bytes > MAX_PARAMETER_BYTES)
    out.push({
      code: 'STORAGE_INVALID',
      field: 'parameters',
      value: `${bytes} bytes`,
      message: 'is over the 256 KiB of keys and values a StorageClass can hold',
      fix: "keep the provisioner's settings only",
    });
  return out;
}
