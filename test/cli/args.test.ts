import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { cli, json } from './run-cli';
import { checkManifests, diffManifests } from '../../constructs';
import { rawWorkload } from '../helpers';
import { good } from '../rules/fixture';

/*
 * What the CLI is told is what it does, or it says why not (exit 2, a code): every path
 * is read, no flag is ignored, prices hold one shape wherever they come from, and no
 * output lands on an input, a directory or a name shared with another output.
 */

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cb-args-'));
/** A fresh directory of `files` (name → text). */
function dirOf(files: Record<string, string>): string {
  const d = tmp();
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(d, name), text);
  return d;
}
const clean = () => dirOf({ 'all.yaml': Yaml.stringify(...good()) });
const BROKEN = 'a: [1, 2\n';
/** A Deployment that reads a Secret the manifests do not provide (a finding only with --require-secrets). */
const readsSecret = () =>
  dirOf({
    'd.yaml': Yaml.stringify(
      rawWorkload({
        name: 'd',
        spec: { replicas: 2 },
        containers: [
          { name: 'c', image: 'nginx:1.25.3', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } }] },
        ],
      }),
    ),
  });
const rules = (r: { out: string }) => (json(r).findings as any[]).map((f) => f.rule).sort();

describe('every path given is read (a CI glob such as `check dist/*/` checks them all)', () => {
  test('check d1 d2: the broken file of d2 fails the run, named by its path', async () => {
    const [d1, d2] = [clean(), dirOf({ 'broken.yaml': BROKEN })];
    const r = await cli('check', d1, d2, '--json');
    expect(r.code).toBe(1);
    expect(json(r).fileErrors.map((e: any) => e.file)).toEqual([path.join(d2, 'broken.yaml')]);
    expect(json(r).objectCount).toBe(good().length);
    const text = await cli('check', d1, d2);
    expect(text.code).toBe(1);
    expect(text.out).toContain(path.join(d2, 'broken.yaml'));
  });

  test('check a.yaml b.yaml and capacity a.yaml b.yaml: the second file counts', async () => {
    const d = dirOf({ 'a.yaml': Yaml.stringify(...good()), 'b.yaml': BROKEN });
    const [a, b] = ['a.yaml', 'b.yaml'].map((f) => path.join(d, f));
    expect((await cli('check', a, b)).code).toBe(1);
    expect((await cli('capacity', a, b)).code).toBe(1);
    // The valid neighbour: two clean directories are clean together.
    expect((await cli('check', clean(), dirOf({ 'x.yaml': Yaml.stringify(good()[0]) }))).code).not.toBe(2);
  });

  test.each([
    ['diagram', 1],
    ['diff', 2],
  ])('%s refuses a path past its %p (CLI_ARGS_INVALID, exit 2)', async (command, n) => {
    const r = await cli(command, ...Array.from({ length: n + 1 }, clean));
    expect(r.code).toBe(2);
    expect(r.err).toContain('CLI_ARGS_INVALID');
  });

  test('a path given twice, or inside another path given, is refused: its objects would be their own duplicates', async () => {
    const d = clean();
    for (const argv of [
      ['check', d, `${d}/`],
      ['check', d, path.join(d, 'all.yaml')],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('CLI_ARGS_INVALID');
    }
  });
});

describe('each command takes its own flags; any other is CLI_FLAG_INVALID with the nearest suggested', () => {
  test('a misspelled flag is refused, not dropped (it was: the finding it asks for vanished, exit 0)', async () => {
    const r = await cli('check', readsSecret(), '--require-secret');
    expect(r.code).toBe(2);
    expect(r.err).toContain('CLI_FLAG_INVALID');
    expect(r.err).toContain('--require-secrets?');
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  test('an unknown flag does not swallow the argument after it (--json was taken as its value: text was printed)', async () => {
    const r = await cli('check', clean(), '--jsn', '--json');
    expect(r.code).toBe(2);
    expect(r.err).toContain("'--jsn'");
    expect(r.err).toContain('did you mean --json?');
    expect(r.out).toBe('');
  });

  test('--flag=value is read as --flag value, a boolean flag as itself with =true (both were dropped)', async () => {
    const d = readsSecret();
    const plain = rules(await cli('check', d, '--json'));
    const required = rules(await cli('check', d, '--json', '--require-secrets'));
    expect(required).not.toEqual(plain);
    expect(rules(await cli('check', d, '--json', '--require-secrets=true'))).toEqual(required);
    expect(rules(await cli('check', d, '--json', '--require-secrets=false'))).toEqual(plain);
    expect(json(await cli('capacity', d, '--json', '--node-cpu=4', '--node-memory=16Gi', '--nodes=3')).nodes).toEqual(
      json(await cli('capacity', d, '--json', '--node-cpu', '4', '--node-memory', '16Gi', '--nodes', '3')).nodes,
    );
    expect((await cli('check', d, '--nodes=0')).err).toContain('CLI_FLAG_INVALID');
  });

  test.each([
    ['a flag of another command', ['diagram', '.', '--json']],
    ['a flag of another command', ['diff', '.', '.', '--capacity-out', 'x.json']],
    ['a flag given twice', ['check', '.', '--nodes', '2', '--nodes', '3']],
    ['a valued flag without its value', ['check', '.', '--capacity-out']],
    ['a flag in place of a value', ['check', '.', '--capacity-out', '--json']],
    ['a boolean flag given a value', ['check', '.', '--json=yes']],
    ['a single-dash flag', ['check', '.', '-json']],
    ['a name Object.prototype holds', ['check', '.', '--constructor', 'x']],
  ])('%s: %p', async (_, argv) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain('CLI_FLAG_INVALID');
  });

  test.each([
    ['an empty price (Number("") is 0: prices cpu 0, exit 0)', ['--price-cpu=']],
    ['a blank price', ['--price-cpu= ']],
    ['a blank price as the next argument', ['--price-cpu', ' ']],
    ['an empty file-size limit (every file skipped)', ['--max-file-size=']],
    ['an empty node CPU (dropped in silence)', ['--node-cpu=']],
    ['an empty node count', ['--nodes', '']],
    ['an empty output', ['--capacity-out', '']],
    ['a file-size limit of 0 (every file skipped)', ['--max-file-size=0']],
    ['nodes of no CPU and no memory ("Infinity" nodes, exit 0)', ['--node-cpu=0', '--node-memory=0']],
    ['a negative node size', ['--node-cpu', '4', '--node-memory=-1Gi']],
    ['a node count with a space', ['--nodes', '3 ']],
    ['a price in hex (read as 16)', ['--price-cpu', '0x10']],
    ['a price with a space', ['--price-cpu', ' 5']],
    ['three dashes (read as --json)', ['---json']],
  ])('%s is CLI_FLAG_INVALID (exit 2)', async (_, flags) => {
    const r = await cli('capacity', clean(), ...flags);
    expect(r.code).toBe(2);
    expect(r.err).toContain('CLI_FLAG_INVALID');
    expect(r.out).toBe('');
  });

  test('the valid neighbours: plain numbers and quantities are read', async () => {
    const d = clean();
    const r = await cli(
      'capacity',
      d,
      '--json',
      '--price-cpu=0.5',
      '--max-file-size',
      '1048576',
      '--node-cpu',
      '4',
      '--node-memory',
      '16Gi',
      '--nodes',
      '3',
    );
    expect(r.code).toBe(0);
    expect(json(r).cost.prices.cpu).toBe(0.5);
    expect(json(r).nodes.nodes).toBeGreaterThan(0);
    expect((await cli('capacity', d, '--price-cpu', '1e1')).code).toBe(0);
  });

  test('--help answers whatever else is given; -- ends the flags', async () => {
    expect(await cli('check', '.', '--no-such-flag', '--help')).toMatchObject({ code: 0, out: expect.stringContaining('Usage') });
    const d = clean();
    expect((await cli('check', '--', d)).code).toBe(0);
  });
});

describe('unit prices: one shape (finite numbers ≥ 0, known keys only) for the file, the annotation and the API', () => {
  const SECRET = ['AKIA', 'Q7CANARYTEST0000'].join('');
  const pricesFile = (text: string) => {
    const f = path.join(tmp(), 'prices.json');
    fs.writeFileSync(f, text);
    return f;
  };
  test.each([
    ['a negative price', '{"cpu": -1}'],
    ['a price past a double (Infinity)', '{"cpu": 1e400}'],
    ['a string', '{"memoryGiB": "x"}'],
    ['a list', '[1, 2]'],
    ['a misspelled key', '{"cpuu": 5}'],
    ['a key JSON.parse makes own (__proto__)', '{"__proto__": {"cpu": 5}}'],
    ['null', 'null'],
  ])('--prices with %s is PRICES_INVALID (exit 2), for check, capacity and diff', async (_, text) => {
    const f = pricesFile(text);
    const d = clean();
    for (const argv of [
      ['check', d, '--prices', f],
      ['capacity', d, '--prices', f],
      ['diff', d, d, '--prices', f],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('PRICES_INVALID');
    }
  });

  test('a prices file that is not JSON is PRICES_INVALID without a byte of it printed', async () => {
    const r = await cli('check', clean(), '--prices', pricesFile(`aws_access_key_id = ${SECRET}\n`));
    expect(r.code).toBe(2);
    expect(r.err).toContain('PRICES_INVALID');
    expect(r.err).not.toContain(SECRET);
    expect(r.err).not.toContain('aws_access');
  });

  test('no value of a prices file is printed, secrets included: each issue names the key and the type of its value', async () => {
    const values = [
      'correct horse battery staple',
      'abc123def456abc123def456',
      's3cr3t-value-xyz',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'hunter2',
    ];
    const text = JSON.stringify({
      password: values[0],
      token: values[1],
      client_secret: values[2],
      SecretAccessKey: values[3],
      hunter: values[4],
      cpu: 'free',
      storageGiB: 987654321,
    });
    const r = await cli('capacity', clean(), '--prices', pricesFile(text));
    expect(r.code).toBe(2);
    for (const v of [...values, 'free', '987654321']) expect(r.err).not.toContain(v);
    for (const key of ['password', 'token', 'client_secret', 'SecretAccessKey', 'hunter', 'cpu'])
      expect(r.err).toContain(`PRICES_INVALID '--prices.${key}'`);
    expect(r.err).toContain('got "(a string)"');
    expect(r.err).toContain('got "(a number)"');
  });

  test.each([
    ['a price near the largest double (every total was Infinity, null in JSON)', '{"cpu": 1e308}'],
    ['a price above a million a month', '{"memoryGiB": 1000001}'],
  ])('--prices with %s is PRICES_INVALID', async (_, text) => {
    const r = await cli('capacity', clean(), '--json', '--prices', pricesFile(text));
    expect(r.code).toBe(2);
    expect(r.err).toContain('PRICES_INVALID');
    expect(r.out).toBe('');
  });

  test('--price-cpu 1e308 is refused by the same shape; a prices file that starts with a byte-order mark is read', async () => {
    const d = clean();
    const huge = await cli('capacity', d, '--json', '--price-cpu', '1e308');
    expect(huge.code).toBe(2);
    expect(huge.out).toBe('');
    const bom = await cli('capacity', d, '--json', '--prices', pricesFile('\uFEFF{"cpu": 20}'));
    expect(bom.code).toBe(0);
    expect(json(bom).cost.prices.cpu).toBe(20);
  });

  test('the valid neighbours: a closed object of prices, partial or whole, gives a cost; --prices with --price-cpu is refused', async () => {
    const d = clean();
    const cost = json(await cli('capacity', d, '--json', '--prices', pricesFile('{"cpu": 20}'))).cost;
    expect(cost.total.declared).toBeGreaterThan(0);
    expect(json(await cli('capacity', d, '--json', '--price-cpu', '20')).cost.total).toEqual(cost.total);
    const both = await cli('capacity', d, '--prices', pricesFile('{"cpu": 20}'), '--price-cpu', '5');
    expect(both.code).toBe(2);
    expect(both.err).toContain('CLI_FLAG_INVALID');
  });

  test('declared prices (the unit-prices annotation) that do not fit are PRICES_INVALID: check and capacity fail, diff refuses', async () => {
    const objects = good();
    const ns = objects.find((o: any) => o.kind === 'Namespace')!;
    ns.metadata.annotations = { ...ns.metadata.annotations, 'cluster-blueprints.io/unit-prices': '{"cpu": -1, "memoryGB": 2}' };
    const d = dirOf({ 'all.yaml': Yaml.stringify(...objects) });
    const check = await cli('check', d, '--json');
    expect(check.code).toBe(1);
    expect(rules(check).filter((r) => r === 'PRICES_INVALID')).toHaveLength(2);
    expect(json(check).cost).toBeUndefined();
    expect((await cli('capacity', d)).code).toBe(1);
    const diff = await cli('diff', clean(), d);
    expect(diff.code).toBe(2);
    expect(diff.err).toContain('PRICES_INVALID');
    // Prices given win over the annotation, as before: nothing to judge in it then.
    expect((await cli('check', d, '--price-cpu', '1')).code).toBe(0);
  });

  test.each([
    ['NaN', { cpu: NaN }, 'PROPS_INVALID'],
    ['Infinity', { cpu: Infinity }, 'PROPS_INVALID'],
    ['a negative price', { storageGiB: -1 }, 'PROPS_INVALID'],
    ['a misspelled key', { cpuu: 5 }, 'PROPS_UNKNOWN'],
  ])('checkManifests and diffManifests refuse prices with %s (NaN gave null totals)', (_, prices, code) => {
    expect(() => checkManifests(good(), { prices: prices as any })).toThrow(expect.objectContaining({ code }));
    expect(() => diffManifests(good(), good(), prices as any)).toThrow(expect.objectContaining({ code }));
  });
});

describe('outputs: never an input, a directory, empty, or one file for two outputs', () => {
  test('--capacity-out on a manifest being checked, or inside the directory being read, is CLI_OUTPUT_INVALID and writes nothing', async () => {
    const d = clean();
    const manifest = path.join(d, 'all.yaml');
    const before = fs.readFileSync(manifest, 'utf8');
    for (const argv of [
      ['check', d, '--capacity-out', manifest],
      ['check', manifest, '--capacity-out', manifest],
      ['capacity', d, '--capacity-out', path.join(d, 'capacity.json')],
      ['diagram', d, '--out', path.join(d, 'd.svg')],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('CLI_OUTPUT_INVALID');
    }
    expect(fs.readFileSync(manifest, 'utf8')).toBe(before);
    expect(fs.readdirSync(d)).toEqual(['all.yaml']);
  });

  test.each([
    ['an existing directory', () => tmp()],
    ['in a directory that does not exist', () => path.join(tmp(), 'no', 'capacity.json')],
  ])('an output path that is %s is CLI_OUTPUT_INVALID (exit 2), for --capacity-out and --out', async (_, target) => {
    for (const argv of [
      ['check', clean(), '--capacity-out', target()],
      ['diagram', clean(), '--out', target()],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('CLI_OUTPUT_INVALID');
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  test.each([
    ['x.png', 'x.png.dot'],
    ['x.SVG', 'x.dot'],
    ['x', 'x.dot'],
  ])('diagram --out %s writes the SVG there and the DOT to %s, never one over the other', async (name, dotName) => {
    const out = tmp();
    const r = await cli('diagram', clean(), '--out', path.join(out, name));
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(out, name), 'utf8')).toContain('<svg');
    expect(fs.readFileSync(path.join(out, dotName), 'utf8')).toContain('digraph');
    expect(fs.readdirSync(out).sort()).toEqual([name, dotName].sort());
  });

  test.each([
    [
      'a FIFO (replaced by a plain file; its reader waited forever)',
      (d: string) => {
        const f = path.join(d, 'fifo');
        execFileSync('mkfifo', [f]);
        return f;
      },
    ],
    [
      'a symlink to /proc/self/fd/1 (the link was replaced)',
      (d: string) => {
        const f = path.join(d, 'lnk');
        fs.symlinkSync('/proc/self/fd/1', f);
        return f;
      },
    ],
    [
      'a character device through a symlink',
      (d: string) => {
        const f = path.join(d, 'null');
        fs.symlinkSync('/dev/null', f);
        return f;
      },
    ],
    [
      'a dangling symlink',
      (d: string) => {
        const f = path.join(d, 'dangling');
        fs.symlinkSync(path.join(d, 'no', 'such'), f);
        return f;
      },
    ],
    ['-', () => '-'],
  ])('an output that is %s is CLI_OUTPUT_INVALID (exit 2) and left as it was', async (_, make) => {
    const d = tmp();
    const target = make(d);
    const before = target === '-' ? undefined : fs.lstatSync(target);
    for (const argv of [
      ['capacity', clean(), '--capacity-out', target],
      ['diagram', clean(), '--out', target],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain('CLI_OUTPUT_INVALID');
    }
    if (before) {
      const after = fs.lstatSync(target);
      expect([after.isFIFO(), after.isSymbolicLink(), after.ino]).toEqual([before.isFIFO(), before.isSymbolicLink(), before.ino]);
    }
    expect(fs.existsSync('-')).toBe(false);
  });

  test('a symlink to a regular file is written through: the target gets the report, the link stays; a link to an input is refused', async () => {
    const d = tmp();
    const real = path.join(d, 'real.json');
    fs.writeFileSync(real, 'old');
    const link = path.join(d, 'capacity.json');
    fs.symlinkSync(real, link);
    const r = await cli('capacity', clean(), '--capacity-out', link);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(real, 'utf8'))).toHaveProperty('namespaces');
    const input = clean();
    const manifest = path.join(input, 'all.yaml');
    const text = fs.readFileSync(manifest, 'utf8');
    const toInput = path.join(d, 'to-input.json');
    fs.symlinkSync(manifest, toInput);
    const refused = await cli('capacity', input, '--capacity-out', toInput);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('CLI_OUTPUT_INVALID');
    expect(fs.readFileSync(manifest, 'utf8')).toBe(text);
  });
});
