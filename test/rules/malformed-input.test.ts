import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { run } from '../../cli/main';
import { runRules } from '../../constructs/rules/catalogue';
import { RULE_MUTATIONS, good } from './fixture';
import { fuzzRuns } from '../fuzz-runs';
import { paths, setAt } from '../object-paths';

/*
 * Foreign YAML can hold any value anywhere. The schema check reports a malformed
 * object; every rule must still read it without throwing: a rule that throws is a
 * RULE_FAILED finding, which reads to a user as a bug of the tool. The property
 * puts hostile values (each one plain YAML can make) at any path of the fixture's
 * objects, the rule-breaking variants included, and runs the whole catalogue.
 * Every path times every value is tried by `npm run fuzz` (NUM_RUNS, a fresh seed);
 * `npm test` runs a fixed seed and a hundred-odd runs.
 */

/** good() and each of its rule-breaking variants: more shapes (CronJobs, extra policies, budgets) for the values to land in. */
const BASES: any[][] = [
  good(),
  ...[...RULE_MUTATIONS.values()].map((mutate) => {
    const o = good();
    mutate(o);
    return o;
  }),
];

/** Values YAML gives where a rule expects another type (tags included: !!binary, !!set, !!timestamp). */
const HOSTILE: readonly (() => unknown)[] = [
  () => null,
  () => 0,
  () => -1,
  () => 1.5,
  () => 1e308,
  () => -1e308,
  () => 2 ** 53 + 2,
  () => '',
  () => 'x',
  () => 'a'.repeat(10_000),
  () => '100%',
  () => '-5',
  () => 'NaN',
  () => '__proto__',
  () => 'constructor',
  () => true,
  () => false,
  () => [],
  () => ({}),
  () => [null, null],
  () => [[]],
  () => [{}],
  () => ['TCP'],
  () => ({ a: { b: [null] } }),
  () => ({ kind: 5, metadata: [] }),
  // A map with these keys cannot be converted to text: String() and `${}` throw on it.
  () => ({ toString: 1, valueOf: 2 }),
  () => ({ toString: 'x' }),
  () => ({ key: { toString: 1 }, operator: 'In', values: [{}] }),
  () => JSON.parse('{"__proto__": {"x": 1}}'),
  () => Buffer.from('hi'),
  () => new Set(['a']),
  () => new Date('2001-12-14'),
];

/** A copy of `base` with `edits` (a path choice and a value each) applied one after another, each at a path of the copy so far. */
function withHostile(base: readonly any[], edits: readonly [number, number][]): any[] {
  const objects = structuredClone(base) as any[];
  for (const [at, value] of edits) {
    const keys = paths(objects);
    setAt(objects, keys[at % keys.length], HOSTILE[value]());
  }
  return objects;
}

const EDITS = fc.tuple(fc.nat(BASES.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(HOSTILE.length - 1)), { minLength: 1, maxLength: 3 }));

/** What the foreign-YAML CLI and `npm run check` ask of the rules (SECRET_UNPROVIDED runs only when asked). */
const CONTEXTS = [
  {},
  {
    secretsMustBeProvided: true,
    existingStorageClasses: ['standard'],
    namespacePodSecurity: { other: 'baseline' },
    // NODE_TOO_SMALL runs only with a node size (--node-cpu, --node-memory).
    nodeAllocatable: { cpu: '2', memory: '4Gi' },
  },
];

test('no rule throws on a hostile value at any path of any object', () => {
  fc.assert(
    fc.property(EDITS, ([base, edits]) => {
      const objects = withHostile(BASES[base], edits);
      for (const context of CONTEXTS) {
        const failed = runRules(objects, { context }).filter((f) => f.rule === 'RULE_FAILED');
        expect(failed.map((f) => f.message)).toEqual([]);
      }
    }),
    fuzzRuns(150, 11),
  );
});

test('cluster-blueprints check reads the same hostile YAML from a file: graded, no RULE_FAILED, no crash', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-malformed-'));
  const file = path.join(dir, 'app.yaml');
  await fc.assert(
    fc.asyncProperty(EDITS, async ([base, edits]) => {
      const objects = withHostile(BASES[base], edits);
      fs.writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
      let out = '';
      let err = '';
      const code = await run(
        ['check', file, '--json'],
        (s) => (out += s),
        (s) => (err += s),
      );
      expect({ code, err }).toEqual({ code: expect.any(Number), err: '' });
      expect([0, 1]).toContain(code);
      const findings: any[] = JSON.parse(out).findings;
      expect(findings.filter((f) => f.rule === 'RULE_FAILED')).toEqual([]);
    }),
    fuzzRuns(10, 11),
  );
});
