import { ManifestIndex, arr } from './manifest-index';
import { Rule, v } from './rule';

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
];
