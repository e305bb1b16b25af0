import { BlueprintIssue } from '../core/errors';
import { API_SERVER_RULES } from './api-server';
import { CONFIG_KEY_RULES } from './config-keys';
import { DAY2_RULES } from './day2';
import { ManifestIndex, markOwnOutput } from './manifest-index';
import { GOVERNANCE_RULES } from './governance';
import { NODE_FIT_RULES } from './node-fit';
import { IMAGE_FACT_RULES } from './image-facts';
import { REFERENCE_RULES } from './references';
import { RELIABILITY_RULES } from './reliability';
import { Rule, RuleContext, TreeRule, Violation } from './rule';
import { POD_API_RULES } from './pod-api';
import { POD_SECURITY_RULES } from './pod-security';
import { pointedValue } from './pointer-value';
import { Finding, objectId, safeFinding } from './schema';
import { SECURITY_RULES } from './security';

/*
 * The rule catalogue: every rule the library enforces, defined once.
 *
 * To add a family, write `constructs/rules/<family>.ts` exporting a
 * `readonly Rule[]` and add it to RULES below; the mode-agreement test
 * (test/rules/catalogue.test.ts) then wants a failing case for each new code.
 */

/** Rules decided from rendered objects: run at synth, by `npm run check` and by `cluster-blueprints check`. */
export const RULES: readonly Rule[] = [
  ...RELIABILITY_RULES,
  ...NODE_FIT_RULES,
  ...IMAGE_FACT_RULES,
  ...SECURITY_RULES,
  ...POD_SECURITY_RULES,
  ...GOVERNANCE_RULES,
  ...REFERENCE_RULES,
  ...DAY2_RULES,
  ...CONFIG_KEY_RULES,
  ...POD_API_RULES,
  ...API_SERVER_RULES,
];

/** Rules that need the typed construct tree; they run only at synth, in the construct named by `inspects`. */
export const TREE_RULES: readonly TreeRule[] = [
  {
    code: 'PRESTOP_EXCEEDS_GRACE',
    severity: 'error',
    category: 'reliability',
    inspects: ['WebService', 'Worker', 'StatefulService'],
    description: 'preStop time plus the app drain time ends before terminationGracePeriodSeconds.',
    needs: 'the drainTime prop, which no rendered field carries',
  },
  {
    code: 'LIMITRANGE_VIOLATION',
    severity: 'error',
    category: 'governance',
    inspects: ['WebService', 'Worker', 'StatefulService', 'BatchJob', 'ScheduledJob', 'NodeAgent'],
    description: "Containers and claims stay within their TeamNamespace's LimitRange min and max.",
    needs: "the TeamNamespace's typed LimitRange, resolved once with exact quantities",
  },
  {
    code: 'QUOTA_RESOURCES_MISSING',
    severity: 'error',
    category: 'governance',
    inspects: ['WebService', 'Worker', 'StatefulService', 'BatchJob', 'ScheduledJob', 'NodeAgent'],
    description: 'Under a compute quota every container has requests and limits, its own or the LimitRange defaults.',
    needs: "the TeamNamespace's typed quota and LimitRange",
  },
  {
    code: 'CPU_LIMIT_REQUIRED',
    severity: 'error',
    category: 'governance',
    inspects: ['WebService', 'Worker', 'StatefulService', 'BatchJob', 'ScheduledJob', 'NodeAgent'],
    description:
      'A container sized without a CPU limit (ResourcePreset.withoutCpuLimit) runs in a namespace that neither counts limits.cpu nor writes a CPU limit in through its LimitRange.',
    needs: 'the preset the container was sized with, which the rendered limits cannot tell from a forgotten limit',
  },
  ...(['QUOTA_EXCEEDED', 'QUOTA_PODS_EXCEEDED', 'QUOTA_CLAIMS_EXCEEDED'] as const).map((code): TreeRule => ({
    code,
    severity: 'error',
    category: 'governance',
    inspects: ['TeamNamespace'],
    description: "The namespace's workloads at peak (HPA maximum plus release surge, per track) fit its ResourceQuota.",
    needs: "each workload's peak pod count per release track; on YAML the capacity report checks the same totals",
  })),
  {
    code: 'QUOTA_SERVICES_EXCEEDED',
    severity: 'error',
    category: 'governance',
    inspects: ['TeamNamespace'],
    description:
      "The namespace's Services, plus one for cert-manager's HTTP-01 solver where a Certificate is issued by one of the app's ClusterIssuers, fit its services quota.",
    needs: 'which Certificates the HTTP-01 solver serves: its Service is created by cert-manager, never in the output',
  },
  {
    code: 'INGRESS_INVALID',
    severity: 'error',
    category: 'references',
    inspects: ['IngressRoutes'],
    description: 'An IngressRoutes routes at least one path, and one on each of its hosts.',
    needs: 'routes added after construction (addRoute)',
  },
];

/** Options of `runRules`. */
export interface RunRulesOptions {
  /** Rules to run. @default RULES */
  readonly rules?: readonly Rule[];
  /** Facts the output cannot show. @default {} */
  readonly context?: RuleContext;
  /** Where an object came from, to name its file in findings. @default - no file */
  readonly fileOf?: (object: unknown) => string | undefined;
}

/** One rule's verdict on one object. */
interface Verdict {
  readonly rule: Rule;
  readonly violation: Violation;
}

/** Runs `rules` over an index; a rule that throws on malformed input becomes one RULE_FAILED verdict instead of a crash. */
type Outcome = Verdict | { readonly failed: Rule; readonly error: unknown };
function evaluate(index: ManifestIndex, rules: readonly Rule[], context: RuleContext): Outcome[] {
  return rules.flatMap((rule): Outcome[] => {
    try {
      return rule.check(index, context).map((violation) => ({ rule, violation }));
    } catch (error) {
      return [{ failed: rule, error }];
    }
  });
}

/**
 * Runs rules over `objects`, any input: non-objects and type-confused
 * documents are left out of the index (the schema check reports them).
 */
export function runRules(objects: readonly unknown[], options: RunRulesOptions = {}): (Finding & { readonly file?: string })[] {
  const fileOf = (o: unknown) => {
    const file = options.fileOf?.(o);
    return file === undefined ? {} : { file };
  };
  return evaluate(new ManifestIndex(objects), options.rules ?? RULES, options.context ?? {}).map((r) =>
    safeFinding(
      'failed' in r
        ? {
            rule: 'RULE_FAILED',
            severity: 'error',
            object: '(input)',
            pointer: '',
            message: `rule ${r.failed.code} could not read the input: ${(r.error as Error)?.message ?? String(r.error)}`,
            fix: 'fix the malformed object the schema findings name',
          }
        : {
            rule: r.rule.code,
            severity: r.rule.severity,
            object: objectId(r.violation.object),
            pointer: r.violation.pointer,
            message: r.violation.message,
            fix: r.violation.fix ?? r.rule.fix,
            ...fileOf(r.violation.object),
          },
    ),
  );
}

/** What the rule catalogue found at synth: errors fail the synth, warnings are reported beside the output. */
export interface RuleIssues {
  readonly errors: BlueprintIssue[];
  readonly warnings: BlueprintIssue[];
}

/**
 * The synth hook: runs the whole catalogue over rendered objects, once (one
 * index, every rule), and returns each finding as a BlueprintIssue carrying
 * the construct path of the object at fault (`paths[i]` is the path of
 * `objects[i]`), split by the rule's severity. Errors fail the synth;
 * warnings are returned by `synthesize` and printed by the synth entry points.
 */
export function ruleIssues(
  charts: readonly { readonly objects: readonly any[]; readonly paths: readonly string[] }[],
  context: RuleContext = {},
): RuleIssues {
  const pathOf = new Map<unknown, string>();
  for (const c of charts) c.objects.forEach((o, i) => pathOf.set(o, c.paths[i]));
  const found: RuleIssues = { errors: [], warnings: [] };
  for (const r of evaluate(markOwnOutput(new ManifestIndex(charts.flatMap((c) => c.objects))), RULES, context)) {
    if ('failed' in r) {
      found.errors.push({
        code: 'RULE_FAILED',
        path: '',
        field: '(rules)',
        value: undefined,
        message: `rule ${r.failed.code} failed: ${(r.error as Error)?.message ?? String(r.error)}`,
        fix: 'report this as a bug of cluster-blueprints',
      });
      continue;
    }
    (r.rule.severity === 'error' ? found.errors : found.warnings).push({
      code: r.rule.code,
      path: pathOf.get(r.violation.object) ?? '',
      construct: objectId(r.violation.object),
      field: r.violation.pointer || '(object)',
      ...('value' in r.violation ? { value: r.violation.value } : pointedValue(r.violation.object, r.violation.pointer)),
      message: r.violation.message,
      fix: r.violation.fix ?? r.rule.fix,
    });
  }
  return found;
}
