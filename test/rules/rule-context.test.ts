import { App } from 'cdk8s';
import { BlueprintChart, PersistentVolumeClaim, RULES, RuleContext, TeamNamespace, checkManifests, renderApp } from '../../constructs';
import { RULE_CONTEXT_SHAPE } from '../../constructs/rules/rule';
import { MAX_ITEM_ISSUES } from '../../constructs/core/shape';
import { catchBlueprintError, expectCode } from '../helpers';

/*
 * A RuleContext is checked where it is given, by one shape (RULE_CONTEXT_SHAPE): the render options
 * (renderApp, synthesize, deployApp) and checkManifests' `context`. A wrong value is PROPS_INVALID at its
 * field, never a rule that fails on it (RULE_FAILED), a hang, or a value read as something else.
 */

/** Every field of RuleContext, set: a field added to the interface must be added here (the compiler says so). */
const FULL: Required<RuleContext> = {
  existingStorageClasses: ['fast'],
  existingSecretStores: ['vault', 'shop/store'],
  externalSecrets: ['shop/db'],
  secretsMustBeProvided: true,
  tlsSecretsMustBeProvided: false,
  namespacePodSecurity: { legacy: 'baseline' },
  nodeAllocatable: { cpu: '4', memory: '16Gi' },
};

/** An app with a claim of StorageClass `fast`, which only the context can say exists. */
function app(): App {
  const a = new App();
  const chart = new BlueprintChart(a, 'c', { owner: 'o' });
  new TeamNamespace(chart, 'team');
  new PersistentVolumeClaim(chart, 'pvc', { namespace: 'team', size: '1Gi', storageClass: 'fast' } as never);
  return a;
}

const PVC = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'p', namespace: 'n' },
  spec: { storageClassName: 'fast', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
};

/** The two entries, each given `context` where it takes one. */
const ENTRIES: [string, (context: unknown) => unknown, string][] = [
  ['renderApp', (context) => renderApp(app(), { ruleContext: context as RuleContext }), 'options.ruleContext'],
  ['checkManifests', (context) => checkManifests([PVC], { context: context as RuleContext }), 'options.context'],
];

describe('RuleContext', () => {
  test('its shape names every field of the interface, and a fully populated context is accepted', () => {
    expect(Object.keys(RULE_CONTEXT_SHAPE.fields).sort()).toEqual(Object.keys(FULL).sort());
    expect(renderApp(app(), { ruleContext: FULL }).length).toBe(1);
    expect(checkManifests([PVC], { context: FULL }).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  describe.each(ENTRIES)('%s', (_name, given, field) => {
    test.each([
      ['existingStorageClasses', 5, '.existingStorageClasses'],
      ['existingStorageClasses', 'fast', '.existingStorageClasses'],
      ['existingStorageClasses', [1], '.existingStorageClasses[0]'],
      ['existingSecretStores', { a: 'b' }, '.existingSecretStores'],
      ['externalSecrets', null, '.externalSecrets'],
      ['secretsMustBeProvided', 'no', '.secretsMustBeProvided'],
      ['tlsSecretsMustBeProvided', 1, '.tlsSecretsMustBeProvided'],
      ['namespacePodSecurity', ['restricted'], '.namespacePodSecurity'],
      ['namespacePodSecurity', { team: 5 }, '.namespacePodSecurity.team'],
      ['namespacePodSecurity', { team: 'superprivileged' }, '.namespacePodSecurity.team'],
    ])('%s: %p is PROPS_INVALID at its field', (key, value, at) => {
      const issue = expectCode(() => given({ [key]: value }), 'PROPS_INVALID');
      expect(issue.field).toBe(`${field}${at}`);
      expect(issue.path).toBe('');
      expect(catchBlueprintError(() => given({ [key]: value })).codes).toEqual(['PROPS_INVALID']);
    });

    test('a misspelled field is PROPS_UNKNOWN, naming the field meant', () => {
      const issue = expectCode(() => given({ existingStorageClass: ['fast'] }), 'PROPS_UNKNOWN');
      expect(issue.field).toBe(`${field}.existingStorageClass`);
      expect(issue.fix).toContain("'existingStorageClasses'");
    });

    test('a sparse list of length 2^32 - 1 is a few issues at once, not a hang', () => {
      const started = Date.now();
      const err = catchBlueprintError(() => given({ existingStorageClasses: Object.assign([], { length: 2 ** 32 - 1 }) }));
      expect(Date.now() - started).toBeLessThan(5000);
      expect(err.codes).toEqual(['PROPS_INVALID']);
      expect(err.issues.length).toBe(MAX_ITEM_ISSUES + 1);
    });
  });
});

describe('checkManifests options', () => {
  const rule = RULES.find((r) => r.code === 'REF_MISSING_OBJECT')!;

  test.each([
    ['an empty object', {}, ['check', 'code', 'severity']],
    ['check not a function', { ...rule, check: 5 }, ['check']],
    ['an unknown severity', { ...rule, severity: 'info' }, ['severity']],
    ['an unknown category', { ...rule, category: 'style' }, ['category']],
    ['a code that is no string', { ...rule, code: 1 }, ['code']],
  ])('a rule given in `rules` that is %s is PROPS_INVALID at its field', (_what, given, fields) => {
    const err = catchBlueprintError(() => checkManifests([PVC], { rules: [given as never] }));
    expect(err.codes.every((c) => c === 'PROPS_INVALID')).toBe(true);
    const at = err.issues.map((i) => i.field);
    for (const f of fields) expect(at).toContain(`options.rules[0].${f}`);
  });

  test("a rule of the caller's own class, with members of its own, runs", () => {
    class Named {
      readonly code = 'MY_RULE';
      readonly severity = 'warning' as const;
      readonly category = 'governance' as const;
      readonly inspects = ['*'];
      readonly description = 'Every object is seen.';
      readonly fix = 'nothing';
      readonly extra = 1;
      check() {
        return [];
      }
    }
    expect(checkManifests([PVC], { rules: [new Named()] }).findings).toEqual([]);
  });

  test.each([0, -1, 1.5, NaN, Infinity])('nodes: %p is REPLICAS_INVALID, as a NodeAgent expectedNodes of it is', (nodes) => {
    const issue = expectCode(() => checkManifests([PVC], { nodes }), 'REPLICAS_INVALID');
    expect(issue.field).toBe('options.nodes');
    expect(issue.message).toMatch(/integer from 1/);
  });

  test('nodes: a string is PROPS_INVALID; a whole number of at least 1 is taken', () => {
    expectCode(() => checkManifests([PVC], { nodes: '3' as never }), 'PROPS_INVALID');
    expect(checkManifests([PVC], { nodes: 3 }).capacity).toBeDefined();
  });
});
