import * as fc from 'fast-check';
import { App } from 'cdk8s';
import { BlueprintChart, BlueprintError, renderApp, validateManifests } from '../../constructs';
import { isLabelKey, isLabelValue } from '../../constructs/core/names';
import { podTemplateOf } from '../../constructs/rules/manifest-index';
import { violationsAbove } from '../../constructs/rules/pod-security';

/*
 * One invariant for every construct family: whatever the props (typed, or
 * from JavaScript/JSON with nulls, numbers, NaN, arrays, '__proto__' keys and
 * credentials), the outcome is either a BlueprintError, or output that is
 * schema-valid, Pod Security 'restricted'-compliant, carries labels (and the
 * node label values of a StorageClass's allowedTopologies) within the limits,
 * and contains no canary credential.
 */

const j = (...p: string[]) => p.join('');
/** Credentials that must never reach the output (assembled at run time). */
export const CANARY_VALUES = [
  j('AKIA', 'Q7CANARYFUZZ0000'),
  j('ghp_', 'F'.repeat(36)),
  j('--password=', 'fuzzCanary77'),
  j('https://u:', 'fuzzCanary77', '@h.example.com/'),
  // Userinfo without a scheme (a host name, a zone, an e-mail address given as `user:password@…`).
  j('u:', 'fuzzCanary77', '@h.example.com'),
  j('/ready?token=', 'fuzzCanary77'),
  j('-----BEGIN ', 'PRIVATE KEY-----'),
];
/** What leaks: a distinctive part of each canary. */
const LEAK_MARKERS = ['Q7CANARYFUZZ', 'F'.repeat(36), 'fuzzCanary77', 'BEGIN PRIVATE KEY'];

/** Values a careless or hostile JavaScript caller passes. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, undefined, NaN, Infinity, -1, 0, 1.5, 2 ** 53, '', ' ', 'constructor', '__proto__', 'Ünïcode', true, []),
  fc.constantFrom(...CANARY_VALUES),
  fc.constant(JSON.parse('{"__proto__": {"polluted": 1}, "constructor": "x"}')),
  fc.string({ maxLength: 300 }),
  fc.integer(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  // A map with an unset variable's value (`{ DB_HOST: process.env.DB_HOST }`).
  fc.dictionary(fc.string({ maxLength: 8 }), fc.option(fc.string({ maxLength: 8 }), { nil: undefined }), { minKeys: 1, maxKeys: 3 }),
);

/** `valid` most of the time, else a hostile value. */
export const maybe = <T>(valid: fc.Arbitrary<T>, hostileWeight = 1): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: hostile, weight: hostileWeight });

/** A DNS-1123 label. */
export const dnsLabel = fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/);

export interface Outcome {
  kind: 'error' | 'output';
}

/** Outcomes of the current `check`, printed with FUZZ_STATS=1 (how many inputs gave output, how many a BlueprintError). */
const tally = { output: 0, error: 0, codes: {} as Record<string, number> };

/** What went wrong, or undefined when the invariant holds. */
export function judge(build: (chart: BlueprintChart, app: App) => void): string | undefined {
  const app = new App();
  let objects: any[];
  try {
    const chart = new BlueprintChart(app, 'fuzz', { owner: 'fuzz' });
    build(chart, app);
    objects = renderApp(app).flatMap((r) => r.objects);
  } catch (e) {
    if (e instanceof BlueprintError) {
      tally.error++;
      for (const c of e.codes) tally.codes[c] = (tally.codes[c] ?? 0) + 1;
      // cdk8s failing to serialize is a plain error the render wrapped, not a verdict on the input.
      if (e.codes.includes('CDK8S_VALIDATION')) return `cdk8s could not render: ${e.message}`;
      const text = JSON.stringify(e.issues) + e.message;
      const leak = LEAK_MARKERS.find((m) => text.includes(m));
      return leak ? `error echoes a canary: ${leak}` : undefined;
    }
    return `plain error: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 4).join('\n')}` : String(e)}`;
  }
  tally.output++;
  const text = JSON.stringify(objects);
  const leak = LEAK_MARKERS.find((m) => text.includes(m));
  if (leak) return `canary in output: ${leak}`;
  const schema = validateManifests(objects).filter((f) => f.severity === 'error');
  if (schema.length) return `schema-invalid: ${JSON.stringify(schema[0])}`;
  for (const o of objects) {
    for (const [k, v] of Object.entries({ ...o.metadata?.labels, ...podTemplateOf(o)?.metadata?.labels }))
      if (!isLabelKey(k) || typeof v !== 'string' || !isLabelValue(v)) return `label out of limits: ${k}=${String(v)}`;
    // A zone (StorageClass allowedTopologies) is the value of a node label: any other matches no node.
    for (const term of o.kind === 'StorageClass' ? (o.allowedTopologies ?? []) : [])
      for (const e of term.matchLabelExpressions ?? [])
        for (const v of e.values ?? [])
          if (typeof v !== 'string' || v === '' || !isLabelValue(v)) return `topology value out of limits: ${e.key}=${String(v)}`;
    const ns = objects.find((n) => n.kind === 'Namespace' && n.metadata?.name === o.metadata?.namespace);
    const level = ns?.metadata?.labels?.['pod-security.kubernetes.io/enforce'] ?? 'restricted';
    const spec = podTemplateOf(o)?.spec;
    if (spec && level === 'restricted' && violationsAbove(spec, 'restricted').length)
      return `restricted violation: ${JSON.stringify(violationsAbove(spec, 'restricted')[0])}`;
  }
  return undefined;
}

/** Runs; NUM_RUNS (env) overrides the small default used by `npm test`. */
export function check<T>(arb: fc.Arbitrary<T>, build: (props: T, chart: BlueprintChart, app: App) => void, numRuns = 25): void {
  const runs = Number(process.env.NUM_RUNS) || numRuns;
  fc.assert(
    fc.property(arb, (props) => {
      const verdict = judge((chart, app) => build(props, chart, app));
      if (verdict) throw new Error(verdict);
    }),
    { numRuns: runs },
  );
  if (process.env.FUZZ_STATS === '1') {
    process.stdout.write(
      `fuzz: ${runs} runs, ${tally.output} rendered (all checked), ${tally.error} BlueprintErrors ${JSON.stringify(tally.codes)}\n`,
    );
  }
  tally.output = 0;
  tally.error = 0;
  tally.codes = {};
}
