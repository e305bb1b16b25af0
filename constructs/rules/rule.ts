import { IssueInput } from '../core/errors';
import { ObjectShape, Shape, is } from '../core/shape';
import { ManifestIndex } from './manifest-index';
import { Severity } from './schema';

/** What a rule is about. */
export type RuleCategory = 'reliability' | 'security' | 'governance' | 'references' | 'day2' | 'api-server';

/** One object a rule finds at fault. */
export interface Violation {
  /** The rendered object at fault. */
  readonly object: any;
  /** JSON pointer into it, e.g. `/spec/minAvailable` (`''` for the whole object). */
  readonly pointer: string;
  /** What is wrong with this object, in one sentence. */
  readonly message: string;
  /** A fix more specific than the rule's. @default - the rule's fix */
  readonly fix?: string;
  /**
   * The value the synth issue shows, where the one at `pointer` must not be echoed: a string
   * that may hold a secret (`'<redacted>'`), or megabytes (its size). @default - the value at `pointer`
   */
  readonly value?: unknown;
}

/** Facts about the target cluster that rendered objects cannot show. */
export interface RuleContext {
  /** StorageClasses the cluster already has (claims may use them without the output declaring them). @default - none */
  readonly existingStorageClasses?: readonly string[];
  /**
   * External Secrets Operator stores the cluster already has (an ExternalSecret may name
   * them without the output defining them): a ClusterSecretStore by name, a namespaced
   * SecretStore as `namespace/name`. @default - none
   */
  readonly existingSecretStores?: readonly string[];
  /** Secrets provided outside the output (by the deploy tool), as `namespace/name`. @default - none */
  readonly externalSecrets?: readonly string[];
  /**
   * Require every Secret a pod names to be provided (SECRET_UNPROVIDED).
   * Off for foreign YAML, whose Secrets are usually made by hand.
   * @default false
   */
  readonly secretsMustBeProvided?: boolean;
  /**
   * Require the Secret of every Ingress TLS entry to be provided (SECRET_UNPROVIDED).
   * @default - as secretsMustBeProvided
   */
  readonly tlsSecretsMustBeProvided?: boolean;
  /**
   * Pod Security level enforced by namespaces that are not in the output, by name.
   * @default - such namespaces are taken as `restricted`
   */
  readonly namespacePodSecurity?: Readonly<Record<string, string>>;
  /**
   * Allocatable CPU and memory of one node: every pod, beside the DaemonSets that land on every node, must fit it
   * (NODE_TOO_SMALL). Quantities, e.g. `{ cpu: '3920m', memory: '14Gi' }`: at synth the environment's (BlueprintChart
   * nodeAllocatable); in `check`, --node-cpu/--node-memory; a resource not given is not checked.
   * @default - unknown: pods are not checked against a node's size
   */
  readonly nodeAllocatable?: { readonly cpu?: string; readonly memory?: string };
}

/**
 * The shape of `RuleContext`, checked by every entry that takes one (render options, `checkManifests`): one
 * line per field, which the compiler holds to the interface (a field added without its line does not compile).
 * A list is read item by item and stops after a few wrong ones (a sparse list of length 2^32 - 1 is no hang);
 * a misspelled key is PROPS_UNKNOWN with the nearest field, never dropped in silence.
 */
export const RULE_CONTEXT_SHAPE = is.props<RuleContext>({
  existingStorageClasses: is.list(is.string),
  existingSecretStores: is.list(is.string),
  externalSecrets: is.list(is.string),
  secretsMustBeProvided: is.boolean,
  tlsSecretsMustBeProvided: is.boolean,
  // A level that is none of the three would read as restricted without a word: refused, as ClusterFacts refuses it.
  namespacePodSecurity: is.map(is.oneOf(['privileged', 'baseline', 'restricted'], 'Pod Security level')),
  // Quantities: NODE_TOO_SMALL parses them (QUANTITY_INVALID names the one that does not parse).
  nodeAllocatable: is.props<NonNullable<RuleContext['nodeAllocatable']>>({ cpu: is.string, memory: is.string }),
});

/**
 * A rule decided from rendered objects alone. The same function runs at synth
 * (over our own output, where an `error` fails the build with the construct
 * path of the object), in `npm run check` and in `cluster-blueprints check` on
 * any YAML.
 */
export interface Rule {
  /** Stable code: the finding's `rule`, and the BlueprintIssue `code` at synth. */
  readonly code: string;
  readonly severity: Severity;
  readonly category: RuleCategory;
  /** The kinds it reads (documentation; `'*'` for any). */
  readonly inspects: readonly string[];
  /** What holds when it passes. */
  readonly description: string;
  /** How to fix a violation. */
  readonly fix: string;
  /** Every violation in the set. */
  check(index: ManifestIndex, context: RuleContext): readonly Violation[];
}

/** Every category, for the shape of a rule given by a caller. */
const CATEGORIES: Readonly<Record<RuleCategory, true>> = {
  reliability: true,
  security: true,
  governance: true,
  references: true,
  day2: true,
  'api-server': true,
};

/**
 * The shape of a `Rule` a caller gives `checkManifests` (`rules`): every field the runner reads or reports
 * is required (a rule without `check` would be one RULE_FAILED per run, naming `rule undefined`). Open, as a
 * rule may be an instance of the caller's own class, with members of its own.
 */
const RULE_FIELDS = {
  code: is.string,
  severity: is.oneOf(['error', 'warning'], 'severity'),
  category: is.oneOf(Object.keys(CATEGORIES), 'rule category'),
  inspects: is.list(is.string),
  description: is.string,
  fix: is.string,
  check: is.func,
} satisfies Record<keyof Rule, Shape>;
export const RULE_SHAPE: ObjectShape = is.object(RULE_FIELDS, Object.keys(RULE_FIELDS));

/**
 * A rule that needs the typed construct tree (props that never reach the
 * YAML, such as a drain time), declared here so the catalogue lists every
 * code; its check runs only at synth, in the construct that owns the props.
 */
export interface TreeRule {
  readonly code: string;
  readonly severity: 'error';
  readonly category: RuleCategory;
  /** The construct types that run it. */
  readonly inspects: readonly string[];
  readonly description: string;
  /** Why rendered objects are not enough. */
  readonly needs: string;
}

/** `v(o, '/spec', 'is wrong')`: a violation, tersely. */
export function v(object: any, pointer: string, message: string, fix?: string): Violation {
  return fix === undefined ? { object, pointer, message } : { object, pointer, message, fix };
}

/** A violation from a construct issue: its fix, and its value as the construct shows it (redacted, or a size, where it redacts). */
export function issueViolation(object: any, pointer: string, message: string, issue: IssueInput): Violation {
  return { object, pointer, message, fix: issue.fix, value: issue.value };
}
