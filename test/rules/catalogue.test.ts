import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULES, TREE_RULES, checkManifests, runRules } from '../../constructs';
import { run } from '../../cli/main';
import { CONTEXT, RULE_MUTATIONS, good, mutated, synthVerdict } from './fixture';
// The library's emitter writes the bytes of cdk8s' Yaml.stringify (test/render/yaml-emitter.test.ts), 20x faster.
import { stringifyManifests } from '../../constructs/render/yaml-emitter';

/*
 * One definition per rule, and every mode that runs it agrees: the synth hook
 * (renderApp over objects built from typed ApiObjects), `npm run check`
 * (checkManifests) and `cluster-blueprints check` on the written YAML.
 */

type Verdict = string[];

function checkVerdict(objects: any[], code: string): Verdict {
  return checkManifests(objects, { context: CONTEXT })
    .findings.filter((f) => f.rule === code)
    .map((f) => `${f.severity} ${f.object}`)
    .sort();
}

async function cliVerdict(objects: any[], code: string): Promise<{ verdict: Verdict; exit: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-modes-'));
  fs.writeFileSync(path.join(dir, 'all.k8s.yaml'), stringifyManifests(objects));
  let out = '';
  const exit = await run(
    // CONTEXT, as flags.
    ['check', dir, '--json', '--require-secrets', '--provided-secrets', 'shop/ing-tls', '--node-cpu', '2', '--node-memory', '4Gi'],
    (s) => (out += s),
    () => undefined,
  );
  const findings: any[] = JSON.parse(out).findings;
  return {
    verdict: findings
      .filter((f) => f.rule === code)
      .map((f) => `${f.severity} ${f.object}`)
      .sort(),
    exit,
  };
}

describe('the rule catalogue', () => {
  test('every code is defined once, across rendered and typed-tree rules', () => {
    const codes = [...RULES, ...TREE_RULES].map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of RULES) expect(r.fix.length * r.description.length * r.inspects.length).toBeGreaterThan(0);
    for (const r of TREE_RULES) expect(r.needs.length).toBeGreaterThan(0);
  });

  test('every rule has a failing case', () => {
    expect([...RULE_MUTATIONS.keys()].sort()).toEqual(RULES.map((r) => r.code).sort());
  });

  test('the baseline passes every rule in every mode', async () => {
    const objects = good();
    expect(runRules(objects, { context: CONTEXT })).toEqual([]);
    expect((await cliVerdict(objects, '')).exit).toBe(0);
    expect(synthVerdict(objects, '').verdict).toEqual([]);
  });

  test.each(RULES.map((r) => [r.code, r.severity]))('%s (%s): same verdict at synth, in npm run check and in the CLI', async (code) => {
    const objects = mutated(code);
    const check = checkVerdict(objects, code);
    expect(check.length).toBeGreaterThan(0);
    const cli = await cliVerdict(objects, code);
    expect(cli.verdict).toEqual(check);
    const errors = check.filter((v) => v.startsWith('error'));
    const synth = synthVerdict(objects, code);
    // Synth fails on errors only; warnings are for `check` to report.
    expect(synth.verdict).toEqual(errors);
    for (const p of synth.paths) expect(p).toMatch(/^modes\/o\d+$/);
    if (errors.length) expect(cli.exit).toBe(1);
  });

  test('a rule that cannot read malformed input reports RULE_FAILED instead of crashing', () => {
    const boom = { ...RULES[0], check: () => { throw new TypeError('x is not iterable'); } }; // prettier-ignore
    expect(runRules(good(), { rules: [boom] }).map((f) => f.rule)).toEqual(['RULE_FAILED']);
  });
});
