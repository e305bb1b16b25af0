import { pointerPart } from '../core/names';
import { parseNanos } from '../core/quantity';
import { RATIO_ABOVE_MAX_OVER_MIN_FIX, ratioAboveMaxOverMin } from '../namespace/limit-range';
import { ManifestIndex, arr, isObject } from './manifest-index';
import { Rule, Violation, v } from './rule';

/*
 * Namespace governance: every Namespace in the output is a governed tenant
 * (quota, LimitRange, default-deny both ways, Pod Security level).
 */

function namespaceRule(code: string, message: string, fix: string, ok: (ix: ManifestIndex, ns: string) => boolean): Rule {
  return {
    code,
    severity: 'error',
    category: 'governance',
    inspects: ['Namespace'],
    description: `Every namespace ${message.replace('has no', 'has a')}.`,
    fix,
    check: (ix) =>
      ix
        .ofKind('Namespace')
        .filter((n) => typeof n.metadata?.name === 'string' && !ok(ix, n.metadata.name))
        .map((n) => v(n, '', message)),
  };
}

/** A quantity of any resource in nano-units (a binary suffix read as bytes), or undefined when unparsable (the schema's to report). */
function nanosOf(q: unknown): bigint | undefined {
  for (const unit of ['cpu', 'bytes'] as const)
    try {
      return parseNanos(q, unit);
    } catch {
      // the other unit, else unparsable
    }
  return undefined;
}

/**
 * ValidateLimitRange on each `maxLimitRequestRatio` of each item: at least 1, and at most max/min where the
 * item also bounds the resource with min and max (the shared ratioAboveMaxOverMin, as the LimitRange construct checks it).
 */
function limitRangeRatioViolations(ix: ManifestIndex): Violation[] {
  return ix.ofKind('LimitRange').flatMap((l) =>
    arr(l.spec?.limits).flatMap((item, i) =>
      Object.entries(isObject(item?.maxLimitRequestRatio) ? item.maxLimitRequestRatio : {}).flatMap(([k, q]): Violation[] => {
        const at = `/spec/limits/${i}/maxLimitRequestRatio/${pointerPart(k)}`;
        const ratio = nanosOf(q);
        if (ratio === undefined) return [];
        if (ratio < 1_000_000_000n)
          return [
            v(
              l,
              at,
              `ratio ${String(q)} of ${k} is less than 1: a limit is never below its request`,
              'use 1 for requests = limits, or a larger ratio',
            ),
          ];
        const min = nanosOf(item.min?.[k]);
        const max = nanosOf(item.max?.[k]);
        const limit = min !== undefined && max !== undefined ? ratioAboveMaxOverMin(ratio, min, max) : undefined;
        return limit === undefined
          ? []
          : [
              v(
                l,
                at,
                `ratio ${String(q)} of ${k} is greater than max/min = ${limit.toFixed(6)} (${String(item.max[k])} / ${String(item.min[k])})`,
              ),
            ];
      }),
    ),
  );
}

export const GOVERNANCE_RULES: readonly Rule[] = [
  namespaceRule(
    'GOV_QUOTA',
    'has no ResourceQuota',
    'add a ResourceQuota (TeamNamespace does)',
    (ix, ns) => ix.ofKindIn('ResourceQuota', ns).length > 0,
  ),
  namespaceRule(
    'GOV_LIMITRANGE',
    'has no LimitRange',
    'add a LimitRange with container defaults (TeamNamespace does)',
    (ix, ns) => ix.ofKindIn('LimitRange', ns).length > 0,
  ),
  namespaceRule(
    'GOV_DEFAULT_DENY',
    'has no default-deny NetworkPolicy for ingress and egress',
    'add a NetworkPolicy with podSelector {} and policyTypes [Ingress, Egress] and no rules',
    (ix, ns) =>
      ix
        .ofKindIn('NetworkPolicy', ns)
        .some(
          (o) =>
            Object.keys(o.spec?.podSelector ?? {}).length === 0 &&
            ['Ingress', 'Egress'].every((p) => arr(o.spec?.policyTypes).includes(p)) &&
            !arr(o.spec?.ingress).length &&
            !arr(o.spec?.egress).length,
        ),
  ),
  namespaceRule(
    'GOV_PSA',
    'has no Pod Security Admission enforce label',
    'label it pod-security.kubernetes.io/enforce: restricted',
    (ix, ns) => Boolean(ix.psaLevel(ns)),
  ),
  {
    code: 'LIMITRANGE_RATIO',
    severity: 'error',
    category: 'governance',
    inspects: ['LimitRange'],
    description:
      "A LimitRange's maxLimitRequestRatio is at least 1 and, where the item also sets min and max of the resource, at most max/min (on milli-values, as ValidateLimitRange compares): the API server refuses the LimitRange otherwise.",
    fix: RATIO_ABOVE_MAX_OVER_MIN_FIX,
    check: (ix) => limitRangeRatioViolations(ix),
  },
];
