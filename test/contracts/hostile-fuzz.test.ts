import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import * as api from '../../index';
import { run } from '../../cli/main';
import { MAX_NESTING, nestingDepth } from '../../constructs/rules/manifests';
import { FAMILIES, anyValueAtAnyPath, blueprintError, buildAndRender, chart, image, revoked, timed } from './hostile-values';

/*
 * Hostile input beyond hostile-api.test.ts and the property families: values
 * only JavaScript makes (revoked Proxies, sparse and huge lists, class
 * instances, cycles), sizes a generator or a config file can reach (a million
 * items, tens of thousands of keys), and YAML nested past the parser's stack.
 * The contract: a result or a BlueprintError (for the CLI: a per-file error),
 * never a TypeError, RangeError, a hang or a crash of the process. The time
 * they take is measured by `npm run bench` (bench/hostile-input.ts), not here.
 */

jest.setTimeout(60_000);

describe('a list of a million items is a few issues (was a RangeError from spreading every issue)', () => {
  test.each([
    ['ports of numbers', () => new Array(1e6).fill(5), 'ports'],
    ['a sparse list of length 2^32 - 1', () => Object.assign([], { length: 2 ** 32 - 1 }), 'ports'],
  ])('WebService ports: %s', (_what, make) => {
    const { error } = timed(() => new api.WebService(chart(), 'web', { namespace: 'shop', image, ports: make() } as never));
    const err = blueprintError(error);
    expect(err.codes).toEqual(['PROPS_INVALID']);
    // The first wrong items, then one issue saying the rest was not read.
    expect(err.issues.length).toBe(21);
    expect(err.issues[20]).toMatchObject({ field: 'ports', message: expect.stringContaining('the rest was not read') });
  });

  test('a map of 100,000 wrong values: the first ones, then a count', () => {
    const env = Object.fromEntries(Array.from({ length: 1e5 }, (_, i) => [`K${i}`, [i]]));
    const { error } = timed(() => new api.Worker(chart(), 'w', { namespace: 'shop', image, env } as never));
    expect(blueprintError(error).issues.length).toBe(21);
  });

  test('the same rule broken by every item (100,000 duplicate zones) is 20 issues and one counting the rest', () => {
    const zones = new Array(1e5).fill('eu-1a');
    const { error } = timed(() => new api.StorageClass(chart(), 's', { provisioner: 'ebs.csi.aws.com', zones }));
    const err = blueprintError(error);
    expect(err.issues.length).toBe(21);
    expect(err.issues[20]).toMatchObject({ code: 'STORAGE_INVALID', field: 'zones', message: expect.stringContaining('99979 more') });
  });

  test('the valid neighbour: 20 wrong items are all listed, with no count', () => {
    const err = blueprintError(
      timed(() => new api.WebService(chart(), 'web', { namespace: 'shop', image, ports: new Array(20).fill(5) } as never)).error,
    );
    expect(err.issues.map((i) => i.field)).toEqual(Array.from({ length: 20 }, (_, i) => `ports[${i}]`));
  });
});

describe('duplicate checks in one pass (list.indexOf in a loop was quadratic: 80,000 zones took 5 s; timed by npm run bench)', () => {
  const distinct = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}`);
  test.each([
    [
      'StorageClass zones',
      (c: api.BlueprintChart) => new api.StorageClass(c, 's', { provisioner: 'ebs.csi.aws.com', zones: distinct(1000, 'z') }),
    ],
    ['BackupSchedule namespaces', (c: api.BlueprintChart) => new api.BackupSchedule(c, 'b', { namespaces: distinct(1000, 'n') })],
    [
      'SecretDeclaration keys',
      (c: api.BlueprintChart) =>
        new api.SecretDeclaration(c, 'd', { namespace: 'team', keys: distinct(1000, 'k'), backend: api.SecretBackend.deployTool() }),
    ],
  ])('%s: 1,000 distinct items are no repeats', (_what, build) => {
    expect(timed(() => build(chart())).error).toBeUndefined();
  });

  test('the valid neighbour: a repeat is still found, naming the first', () => {
    const err = blueprintError(
      timed(
        () =>
          new api.SecretDeclaration(chart(), 'd', { namespace: 'team', keys: ['a', 'b', 'a'], backend: api.SecretBackend.deployTool() }),
      ).error,
    );
    expect(err.issues.map((i) => `${i.field} ${i.message}`)).toEqual(['keys[2] is given twice (also keys[0])']);
  });
});

test('a ConfigMap of 2,000 keys renders every key and value (built through the model: cdk8s-plus copied the map once per key; timed by npm run bench)', () => {
  const c = chart();
  const data = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, `v${i}`]));
  new api.ConfigMap(c, 'cm', { namespace: 'team', data });
  const [cm] = api.renderApp(c.node.root as App).flatMap((r) => r.objects);
  expect(cm.data).toEqual(data);
});

describe('a revoked Proxy where a quantity goes is PROPS_INVALID (was a TypeError from instanceof)', () => {
  test.each([
    [
      'ResourceQuota limits.requestsCpu',
      (c: api.BlueprintChart) => new api.ResourceQuota(c, 'q', { namespace: 'team', limits: { requestsCpu: revoked() } } as never),
    ],
    [
      'LimitRange container.max.cpu',
      (c: api.BlueprintChart) => new api.LimitRange(c, 'l', { namespace: 'team', container: { max: { cpu: revoked() } } } as never),
    ],
    [
      'PersistentVolumeClaim size',
      (c: api.BlueprintChart) => new api.PersistentVolumeClaim(c, 'p', { namespace: 'team', size: revoked() } as never),
    ],
  ])('%s', (_what, build) => {
    expect(blueprintError(timed(() => build(chart())).error).codes).toEqual(['PROPS_INVALID']);
  });

  test.each([
    ['Cpu.of', () => api.Cpu.of(revoked() as never)],
    ['Memory.of', () => api.Memory.of(revoked() as never)],
    ['Storage.of', () => api.Storage.of(revoked() as never)],
  ])('%s', (_what, call) => {
    expect(blueprintError(timed(call).error).codes).toEqual(['QUANTITY_INVALID']);
  });

  test('the valid neighbour: a quantity object is taken as it is', () => {
    const cpu = api.Cpu.parse('250m');
    expect(api.Cpu.of(cpu)).toBe(cpu);
  });
});

test('options whose Proxy hides its keys from `in` but throws on reading them are PROPS_INVALID, not the trap’s Error', () => {
  const hiding = () =>
    new Proxy(
      {},
      {
        has: () => false,
        get: () => {
          throw new Error('get');
        },
      },
    );
  const c = chart();
  new api.Worker(c, 'w', { namespace: 'shop', image });
  expect(blueprintError(timed(() => api.synthesize(c.node.root as App, hiding() as never)).error).codes).toEqual(['PROPS_INVALID']);
  expect(blueprintError(timed(() => new api.Worker(chart(), 'w', hiding() as never)).error).codes).toEqual(['PROPS_INVALID']);
});

test('validateManifests: an object a getter makes unreadable is a finding, not the getter’s Error', () => {
  const obj = Object.defineProperty({ apiVersion: 'v1', kind: 'ConfigMap' }, 'metadata', {
    enumerable: true,
    get() {
      throw new Error('getter');
    },
  });
  const ok = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'b' } };
  const findings = api.validateManifests([obj, ok]);
  expect(findings.map((f) => `${f.rule} ${f.message}`)).toEqual(['SCHEMA_NOT_KUBERNETES could not be read (a getter or Proxy throws)']);
});

describe('YAML nested past the parser’s stack is refused per file (100,000 levels crashed the process on the second run)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-hostile-fuzz-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cli = async (...argv: string[]) => {
    let out = '';
    const code = await run(
      argv,
      (s) => (out += s),
      (s) => (out += s),
    );
    return { code, out };
  };
  const deployment = (x: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: b}\nspec:\n  x: ${x}\n`;

  test.each([
    ['flow sequences', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['flow maps', '{a: '.repeat(50_000) + '1' + '}'.repeat(50_000)],
    ['compact block sequences', '- '.repeat(500_000) + '1\n'],
    ['sequences whose strings hold the closing brackets', '[ "]" '.repeat(50_000)],
  ])('%s', async (_what, text) => {
    const file = path.join(dir, 'deep.yaml');
    fs.writeFileSync(file, text);
    for (const argv of [
      ['check', file],
      ['check', file, '--json'],
      ['check', file],
    ]) {
      const { code, out } = await cli(...argv);
      expect(code).toBe(1);
      expect(out).toContain('FILE_YAML_BROKEN');
      expect(out).toContain(`more than ${MAX_NESTING} levels`);
    }
  });

  test('a credential the parser quotes (an alias name, a duplicate key) is not printed by check, diff or diagram', async () => {
    const j = (...p: string[]) => p.join('');
    const [aws, gh] = [j('AKIA', 'Q7CANARYFUZZ0000'), j('ghp_', 'F'.repeat(36))];
    const files = [
      [`a: *${gh}\n`, 'alias *<redacted> names no anchor'],
      [
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: b}\ndata:\n  ${aws}: 1\n  ${aws}: 2\n`,
        'Map keys must be unique at line 6',
      ],
    ];
    for (const [text, kept] of files) {
      const file = path.join(dir, 'leak.yaml');
      fs.writeFileSync(file, text);
      for (const argv of [
        ['check', file],
        ['check', file, '--json'],
        ['diff', file, file],
        ['diagram', file],
      ]) {
        const { out } = await cli(...argv);
        expect(out).not.toMatch(/Q7CANARY|F{36}/);
        if (argv[0] === 'check') expect(out).toContain(kept);
      }
    }
  });

  test('the valid neighbours: 250 levels are parsed and graded; brackets inside a block scalar are text, not nesting', async () => {
    const file = path.join(dir, 'ok.yaml');
    fs.writeFileSync(file, deployment('['.repeat(250) + '1' + ']'.repeat(250)));
    const { out } = await cli('check', file);
    expect(out).not.toContain('FILE_YAML_BROKEN');
    expect(out).toContain('Deployment/b/a');
    const script = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: b}\ndata:\n  run.sh: |\n${'    [[ -f x ]] && {\n'.repeat(400)}`;
    expect(nestingDepth(script, MAX_NESTING)).toBeLessThanOrEqual(MAX_NESTING);
  });
});

test.each(FAMILIES)('%s: the base props render (so an error below is the hostile value’s)', (_name, build, base) => {
  expect(() => buildAndRender(build, base)).not.toThrow();
});

test.each(FAMILIES)('%s: any JavaScript value at any prop is a rendered app or a BlueprintError', (_name, build, base) => {
  anyValueAtAnyPath(build, base, 12);
});
