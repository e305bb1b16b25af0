import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { cli, json } from './run-cli';
import { good, pod } from '../rules/fixture';

/*
 * The CLI survives any directory: every file is checked and named, nothing
 * blocks or exhausts memory, no stack trace, and the exit code says it all.
 */

const FIXTURES = path.join(__dirname, 'fixtures');

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cb-cli-'));

describe('commands and exit codes', () => {
  /** A fresh directory holding `objects` in one YAML file. */
  const dirWith = (objects: any[]) => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'all.k8s.yaml'), Yaml.stringify(...objects));
    return dir;
  };

  test('--help and usage errors (exit 0 and 2)', async () => {
    expect((await cli('--help')).out).toContain('Exit codes');
    expect((await cli('frobnicate', '.')).code).toBe(2);
    expect((await cli('check', '/no/such/dir')).code).toBe(2);
    expect((await cli('check', '.', '--node-cpu', 'lots', '--node-memory', '1Gi')).code).toBe(2);
  });

  test('check exits 0 on clean manifests and 1 on errors, as a table or JSON', async () => {
    expect((await cli('check', dirWith(good()))).code).toBe(0);
    const bad = good();
    pod(bad).containers[0].securityContext.privileged = true;
    const r = await cli('check', dirWith(bad), '--json');
    expect(r.code).toBe(1);
    expect(json(r).findings[0].rule).toBe('PSS_PRIVILEGED');
  });

  test('capacity fails, naming the file, when a file could not be read: its figures would leave that file out', async () => {
    const dir = dirWith(good());
    expect((await cli('capacity', dir, '--json')).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'a: [1, 2\n');
    for (const argv of [
      ['capacity', dir],
      ['capacity', dir, '--json'],
    ]) {
      const r = await cli(...argv);
      expect(r.code).toBe(1);
      expect(r.err).toContain('broken.yaml: FILE_YAML_BROKEN');
    }
  });

  describe("--nodes: required where a DaemonSet counts against a quota, as synth requires a NodeAgent's count", () => {
    const quota = (ns: string) => ({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'q', namespace: ns },
      spec: { hard: { pods: '10' } },
    });
    const daemonSet = (ns: string) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: ns },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'ghcr.io/acme/agent:1.0.0' }] } },
      },
    });
    const unknown = (r: { out: string }) => json(r).findings.filter((f: any) => f.rule === 'NODE_COUNT_UNKNOWN');

    test('check without --nodes is NODE_COUNT_UNKNOWN on the DaemonSet (exit 1), with the flag to give; --nodes 3 counts 3 pods', async () => {
      const dir = dirWith([quota('agents'), daemonSet('agents')]);
      const without = await cli('check', dir, '--json');
      expect(without.code).toBe(1);
      expect(unknown(without)).toEqual([
        expect.objectContaining({ severity: 'error', object: 'DaemonSet/agents/agent', file: expect.stringContaining('all.k8s.yaml') }),
      ]);
      expect(unknown(without)[0].fix).toContain('--nodes <n>');
      const given = await cli('check', dir, '--json', '--nodes', '3');
      expect(unknown(given)).toEqual([]);
      expect(json(given).capacity.namespaces[0].pods).toMatchObject({ min: 3, max: 3 });
    });

    test('capacity without --nodes fails too, naming the DaemonSet: its quota figures would be a guess', async () => {
      const r = await cli('capacity', dirWith([quota('agents'), daemonSet('agents')]), '--json');
      expect(r.code).toBe(1);
      expect(r.err).toContain('NODE_COUNT_UNKNOWN DaemonSet/agents/agent');
      expect((await cli('capacity', dirWith([quota('agents'), daemonSet('agents')]), '--nodes', '2')).code).toBe(0);
    });

    test('a DaemonSet in a namespace without a quota needs no count: one node, as before', async () => {
      const r = await cli('check', dirWith([quota('other'), daemonSet('agents')]), '--json');
      expect(unknown(r)).toEqual([]);
      expect(json(r).capacity.namespaces.find((n: any) => n.namespace === 'agents').pods).toMatchObject({ min: 1, max: 1 });
    });

    test("synth's output is judged by synth's rule: a NodeAgent synth accepted with expectedNodes needs --nodes to be checked", async () => {
      const { App } = require('cdk8s') as typeof import('cdk8s');
      const c = require('../../constructs') as typeof import('../../constructs');
      const build = (expectedNodes?: number) => {
        const app = new App();
        const chart = new c.BlueprintChart(app, 'agents', { owner: 'sre' });
        const namespace = new c.TeamNamespace(chart, 'agents', { podSecurity: { enforce: c.PodSecurityLevel.PRIVILEGED } });
        new c.NodeAgent(chart, 'agent', { namespace, image: 'ghcr.io/acme/agent:1.0.0', ...(expectedNodes ? { expectedNodes } : {}) });
        return app;
      };
      // Synth refuses the agent without a count, with the same code the check gives.
      expect(() => c.renderApp(build())).toThrow(/NODE_COUNT_UNKNOWN 'expectedNodes'/);
      const outdir = tmp();
      c.synthesize(build(3), { outdir });
      expect(unknown(await cli('check', outdir, '--json')).map((f: any) => f.object)).toEqual(['DaemonSet/agents/agent']);
      expect(unknown(await cli('check', outdir, '--json', '--nodes', '3'))).toEqual([]);
    });
  });

  test('capacity and diagram write their outputs', async () => {
    const dir = dirWith(good());
    const cap = await cli('capacity', dir, '--json', '--node-cpu', '4', '--node-memory', '16Gi');
    expect(json(cap).nodes.nodes).toBeGreaterThanOrEqual(2);
    const svg = path.join(tmp(), 'out.svg');
    expect((await cli('diagram', dir, '--out', svg)).code).toBe(0);
    expect(fs.readFileSync(svg, 'utf8')).toContain('<svg');
    expect(fs.readFileSync(svg.replace('.svg', '.dot'), 'utf8')).toContain('digraph');
  });

  test('a failed diagram, check or capacity run leaves the outputs of an earlier run untouched (and no temporary file)', async () => {
    const out = tmp();
    const [svg, dot, cap] = ['d.svg', 'd.dot', 'cap.json'].map((f) => path.join(out, f));
    expect((await cli('diagram', dirWith(good()), '--out', svg)).code).toBe(0);
    expect((await cli('capacity', dirWith(good()), '--capacity-out', cap)).code).toBe(0);
    const before = [svg, dot, cap].map((f) => fs.readFileSync(f, 'utf8'));
    const failing = dirWith(good());
    fs.writeFileSync(path.join(failing, 'bomb.yaml'), fs.readFileSync(path.join(FIXTURES, 'alias-bomb.yaml')));
    const runs = [
      await cli('diagram', failing, '--out', svg),
      await cli('check', failing, '--capacity-out', cap),
      await cli('capacity', failing, '--capacity-out', cap),
    ];
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1]);
    for (const r of runs) expect(r.err).toContain('not written');
    expect([svg, dot, cap].map((f) => fs.readFileSync(f, 'utf8'))).toEqual(before);
    expect(fs.readdirSync(out).sort()).toEqual(['cap.json', 'd.dot', 'd.svg']);
  });

  test('check finds the same object twice, across files and within one, and names each copy by file and document (OBJECT_DUPLICATE)', async () => {
    const dir = tmp();
    const cm = (v: string) =>
      Yaml.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'a' }, data: { k: v } });
    fs.writeFileSync(path.join(dir, 'a.yaml'), cm('v'));
    fs.writeFileSync(path.join(dir, 'b.yaml'), cm('w'));
    fs.writeFileSync(path.join(dir, 'c.yaml'), `${cm('v')}---\n${cm('w')}`);
    const r = await cli('check', dir, '--json');
    expect(r.code).toBe(1);
    const found = json(r).findings.filter((f: any) => f.rule === 'OBJECT_DUPLICATE');
    expect(found.map((f: any) => [f.file, f.object, f.severity])).toEqual([
      ['b.yaml', 'ConfigMap/a/x', 'error'],
      ['c.yaml', 'ConfigMap/a/x', 'error'],
      ['c.yaml', 'ConfigMap/a/x', 'error'],
    ]);
    expect(found.map((f: any) => f.message)).toEqual([
      expect.stringMatching(/in b\.yaml document 1 and already in a\.yaml document 1/),
      expect.stringMatching(/in c\.yaml document 1 and already in a\.yaml document 1/),
      expect.stringMatching(/in c\.yaml document 2 and already in a\.yaml document 1/),
    ]);
  });
});

describe('cluster-blueprints check on manifests written for kubectl apply -n', () => {
  const dir = path.join(FIXTURES, 'apply-n');
  test('a namespaced object without metadata.namespace is not a finding by default (SCOPE_NAMESPACE_MISSING was a false positive)', async () => {
    const findings: any[] = json(await cli('check', dir, '--json')).findings;
    expect(findings.map((f) => f.rule)).not.toContain('SCOPE_NAMESPACE_MISSING');
    // The Service still finds its pods: both sit in the same (unnamed) namespace.
    expect(findings.map((f) => f.rule)).not.toContain('REF_SERVICE_SELECTOR');
  });

  test('--namespace places them as kubectl apply -n would; --require-namespace makes the missing namespace an error', async () => {
    const placed: any[] = json(await cli('check', dir, '--json', '--namespace', 'shop')).findings;
    expect(placed.some((f) => f.object === 'Deployment/shop/web')).toBe(true);
    expect(placed.map((f) => f.rule)).not.toContain('SCOPE_NAMESPACE_MISSING');
    const strict: any[] = json(await cli('check', dir, '--json', '--require-namespace')).findings;
    expect(
      strict
        .filter((f) => f.rule === 'SCOPE_NAMESPACE_MISSING')
        .map((f) => f.object)
        .sort(),
    ).toEqual(['Deployment/web', 'Service/web']); // the legacy Deployment is reported once, as SCHEMA_API_REMOVED
  });

  test('SCHEMA_API_REMOVED: an API version the API server no longer serves is an error, with the file named', async () => {
    const r = await cli('check', dir, '--json');
    expect(r.code).toBe(1);
    const removed = json(r).findings.filter((f: any) => f.rule === 'SCHEMA_API_REMOVED');
    expect(removed.map((f: any) => [f.file, f.object, f.fix])).toEqual([
      ['legacy-controller.yaml', 'Deployment/legacy', 'use apps/v1 Deployment'],
    ]);
  });
});

describe('cluster-blueprints check on foreign manifests that work on a real cluster', () => {
  const fixture = path.join(FIXTURES, 'foreign', 'ports.yaml');
  const rules = async (file: string) =>
    (json(await cli('check', file, '--json')).findings as any[]).map((f) => `${f.rule} ${f.object} ${f.pointer}`);
  const variant = (from: string, to: string) => {
    const text = fs.readFileSync(fixture, 'utf8');
    expect(text).toContain(from);
    const file = path.join(tmp(), 'ports.yaml');
    fs.writeFileSync(file, text.replace(from, to));
    return file;
  };

  test('numeric probe, hook and policy ports the containers do not list, sidecar-named targetPorts and ExternalName backends are no PORT_UNRESOLVED or REF_INGRESS_BACKEND', async () => {
    // ingress-nginx probes 10254 without listing it; containerPort lists are informational to the kubelet and the CNI.
    const found = await rules(fixture);
    expect(found.filter((f) => /^(PORT_UNRESOLVED|REF_INGRESS_BACKEND) /.test(f))).toEqual([]);
  });

  test('the broken neighbours are still found: unknown names, a name only a run-to-completion init container lists, a named ExternalName port', async () => {
    expect(await rules(variant('port: 10254 } }\n', 'port: metrics } }\n'))).toContain(
      'PORT_UNRESOLVED Deployment/edge/controller /readinessProbe',
    );
    expect(await rules(variant('restartPolicy: Always\n', '\n'))).toContain('PORT_UNRESOLVED Service/edge/controller /spec/ports/1');
    expect(await rules(variant('{ port: envoy-admin }', '{ port: grpc }'))).toContain(
      'PORT_UNRESOLVED NetworkPolicy/edge/metrics /spec/ingress/0/ports/1',
    );
    expect(await rules(variant('port: { number: 443 }', 'port: { name: https }'))).toContain(
      'REF_INGRESS_BACKEND Ingress/edge/payments /spec/rules',
    );
  });

  test('REF_MISSING_OBJECT: --secret-stores declares the stores the cluster has', async () => {
    const file = path.join(tmp(), 'es.yaml');
    const es = {
      apiVersion: 'external-secrets.io/v1beta1',
      kind: 'ExternalSecret',
      metadata: { name: 'db', namespace: 'shop' },
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-sm' }, target: { name: 'db' } },
    };
    fs.writeFileSync(file, Yaml.stringify(es));
    const missing = async (...flags: string[]) =>
      (json(await cli('check', file, '--json', ...flags)).findings as any[])
        .filter((f) => f.rule === 'REF_MISSING_OBJECT')
        .map((f) => f.pointer);
    expect(await missing()).toEqual(['/spec/secretStoreRef']);
    expect(await missing('--secret-stores', 'aws-sm')).toEqual([]);
  });
});

describe('cluster-blueprints check on hostile input', () => {
  test('type-confused YAML (kind: 5, metadata: [], strings for lists) is graded, named and never crashes', async () => {
    const r = await cli('check', path.join(FIXTURES, 'type-confused.yaml'), '--json');
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    const findings: any[] = json(r).findings;
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.file.endsWith('type-confused.yaml'))).toBe(true);
    expect(findings.map((f) => f.rule)).toContain('SCHEMA_NOT_KUBERNETES');
    expect(findings.map((f) => f.rule)).not.toContain('RULE_FAILED');
  });

  test('a ReplicationController owns its pods: its Service selects them, no false positive', async () => {
    const r = await cli('check', path.join(FIXTURES, 'replication-controller.yaml'), '--json');
    const rules = json(r).findings.map((f: any) => `${f.rule} ${f.object}`);
    expect(rules).not.toContain('REF_SERVICE_SELECTOR Service/demo/redis');
    // and its pod template is graded like any other
    expect(rules).toContain('PSS_RUN_AS_ROOT ReplicationController/demo/redis');
  });

  test('every file of a directory is checked; FIFOs, devices, oversized files and symlinks to them are skipped with a message', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'a-good.k8s.yaml'), Yaml.stringify(...good()));
    fs.copyFileSync(path.join(FIXTURES, 'type-confused.yaml'), path.join(dir, 'b-confused.yaml'));
    fs.writeFileSync(path.join(dir, 'c-broken.yaml'), 'a: [1, 2\nb: {');
    fs.writeFileSync(path.join(dir, 'd-big.yaml'), `# ${'x'.repeat(300_000)}\n`);
    execFileSync('mkfifo', [path.join(dir, 'e-pipe.yaml')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'f-zero.yaml'));
    fs.symlinkSync(path.join(dir, 'e-pipe.yaml'), path.join(dir, 'g-to-pipe.yaml'));
    const r = await cli('check', dir, '--json', '--max-file-size', '200000');
    expect(r.code).toBe(1);
    const report = json(r);
    expect(report.fileErrors.map((e: any) => [e.file, e.rule])).toEqual([
      ['c-broken.yaml', 'FILE_YAML_BROKEN'],
      ['d-big.yaml', 'FILE_SKIPPED'],
      ['e-pipe.yaml', 'FILE_SKIPPED'],
      ['f-zero.yaml', 'FILE_SKIPPED'],
      ['g-to-pipe.yaml', 'FILE_SKIPPED'],
    ]);
    expect(report.fileErrors[2].message).toContain('FIFO');
    expect(report.fileErrors[3].message).toContain('symlink to a character device');
    expect(new Set(report.findings.map((f: any) => f.file))).toEqual(new Set(['b-confused.yaml']));
    const text = await cli('check', dir, '--max-file-size', '200000');
    expect(text.out).toContain('b-confused.yaml: ');
    expect(text.out).not.toMatch(/\n\s+at /); // no stack trace
  });

  test('a single file works as well as a directory; a FIFO given directly is refused without blocking', async () => {
    const dir = tmp();
    const file = path.join(dir, 'one.yaml');
    fs.writeFileSync(file, Yaml.stringify(...good()));
    expect((await cli('check', file)).code).toBe(0);
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await cli('check', fifo);
    expect(r.code).toBe(2);
    expect(r.err).toContain('FIFO');
  });

  test('v1 List documents are expanded into their items', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'list.yaml'), Yaml.stringify({ apiVersion: 'v1', kind: 'List', items: good() }));
    const r = await cli('check', dir, '--json');
    expect(r.code).toBe(0);
    expect(json(r).objectCount).toBe(good().length);
  });

  test('CLI_FLAG_INVALID: a bad number is a usage error (exit 2), one line, no stack trace', async () => {
    const r = await cli('check', FIXTURES, '--max-file-size', 'lots');
    expect(r.code).toBe(2);
    expect(r.err).toContain('CLI_FLAG_INVALID');
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('numeric and name flags are checked up front (CLI_FLAG_INVALID, exit 2)', () => {
  const dir = path.join(FIXTURES, 'apply-n');
  test.each([
    ['--nodes', 'abc'],
    ['--nodes', '-3'],
    ['--nodes', '0'],
    ['--nodes', '1.5'],
    ['--namespace', 'NOT_VALID!'],
    ['--namespace', ''],
  ])('%s %p', async (flag, value) => {
    const r = await cli('check', dir, flag, value);
    expect(r.code).toBe(2);
    expect(r.err).toContain('CLI_FLAG_INVALID');
    expect(r.err).toContain(flag);
    expect(r.err).not.toContain('QUANTITY_INVALID');
  });

  test('the valid neighbours are accepted', async () => {
    expect((await cli('check', dir, '--nodes', '3', '--json')).code).not.toBe(2);
    expect((await cli('check', dir, '--namespace', 'shop', '--json')).code).not.toBe(2);
  });
});

test('check never prints a credential that names an object (kind, namespace, name), as text or JSON', async () => {
  const AWS_KEY = ['AKIA', 'Q7CANARYTEST0000'].join('');
  const d = tmp();
  fs.writeFileSync(
    path.join(d, 'c.yaml'),
    Yaml.stringify(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: AWS_KEY, namespace: 'x' }, data: { a: 'b' } },
      { apiVersion: 'v1', kind: AWS_KEY, metadata: { name: 'a', namespace: 'x' } },
    ),
  );
  for (const r of [await cli('check', d), await cli('check', d, '--json')]) {
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain('SECRET_IN_OUTPUT');
    expect(r.out + r.err).not.toContain('Q7CANARY');
  }
});

describe('cluster-blueprints check grades a file as kubectl reads it', () => {
  const file = (name: string, content: string | Buffer) => {
    const p = path.join(tmp(), name);
    fs.writeFileSync(p, content);
    return p;
  };
  const configMap = (name: string, namespace = 'shop', extra = '') =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "${name}"\n  namespace: ${namespace}\n${extra}data:\n  a: b\n`;

  test('SCHEMA_NAME_INVALID: an object name and namespace the API server refuses fail the check (they were graded clean, exit 0)', async () => {
    const r = await cli('check', file('bad.yaml', configMap('Bad Name!', 'NS_X')), '--json');
    expect(r.code).toBe(1);
    expect(json(r).findings.map((f: any) => [f.rule, f.pointer, f.severity, f.file.endsWith('bad.yaml')])).toEqual([
      ['SCHEMA_NAME_INVALID', '/metadata/name', 'error', true],
      ['SCHEMA_NAME_INVALID', '/metadata/namespace', 'error', true],
    ]);
    const labels = await cli('check', file('labels.yaml', configMap('ok', 'shop', '  labels:\n    "bad key!": x\n')), '--json');
    expect(labels.code).toBe(1);
    expect(json(labels).findings.map((f: any) => f.rule)).toEqual(['SCHEMA_LABEL_INVALID']);
    const text = await cli('check', file('bad.yaml', configMap('Bad Name!', 'NS_X')));
    expect(text.out).toContain('SCHEMA_NAME_INVALID');
  });

  test('the valid neighbour: a well-named object in a well-named namespace is clean (exit 0)', async () => {
    const r = await cli(
      'check',
      file('good.yaml', configMap('settings.v2', 'shop', '  labels:\n    app.kubernetes.io/name: web\n')),
      '--json',
    );
    expect(json(r).findings).toEqual([]);
    expect(r.code).toBe(0);
  });

  test('FILE_YAML_BROKEN: bytes that are not UTF-8 are a per-file error naming the line (they were decoded to U+FFFD and graded clean)', async () => {
    const bad = Buffer.concat([Buffer.from(configMap('a').replace('  a: b\n', '  a: "x')), Buffer.from([0xff, 0xfe]), Buffer.from('y"\n')]);
    const r = await cli('check', file('latin1.yaml', bad), '--json');
    expect(r.code).toBe(1);
    expect(json(r).fileErrors).toEqual([
      {
        file: expect.stringContaining('latin1.yaml'),
        rule: 'FILE_YAML_BROKEN',
        message: expect.stringMatching(/^line 7 is not valid UTF-8/),
      },
    ]);
    expect(json(r).objectCount).toBe(0);
  });

  test('the valid neighbours: UTF-8 text (with or without a byte order mark) and UTF-16 with its byte order mark, as kubectl decodes them', async () => {
    const text = configMap('a').replace('  a: b\n', '  a: "héllo ✓"\n');
    for (const bytes of [
      Buffer.from(text),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
    ]) {
      const r = await cli('check', file('u.yaml', bytes), '--json');
      expect([r.code, json(r).fileErrors, json(r).findings, json(r).objectCount]).toEqual([0, [], [], 1]);
    }
  });

  test('YAML merge keys (<<: *anchor), which kubectl applies, are merged, not a false SCHEMA_INVALID', async () => {
    const merged = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: a',
      '  namespace: shop',
      '  labels: &common {app: web, team: shop}',
      '  annotations:',
      '    <<: *common',
      '    owner: me',
      'data:',
      '  <<: {x: "1"}',
      '  y: "2"',
      '',
    ].join('\n');
    const r = await cli('check', file('merge.yaml', merged), '--json');
    expect([r.code, json(r).fileErrors, json(r).findings]).toEqual([0, [], []]);
    // what was graded is the merged object: a bad value arriving through the merge is still found
    const bad = merged.replace('{app: web, team: shop}', '{app: web, team: -shop}');
    const b = await cli('check', file('merge.yaml', bad), '--json');
    expect(json(b).findings.map((f: any) => [f.rule, f.pointer])).toEqual([['SCHEMA_LABEL_INVALID', '/metadata/labels/team']]);
  });

  test('plain scalars resolve as in YAML 1.1 (go-yaml v2): yes/off/no, 0644, 0o644, 0x1F, 1_000 and 1e3 in ConfigMap data are the type errors the API server refuses', async () => {
    const flags = configMap('flags').replace(
      '  a: b\n',
      '  enabled: yes\n  debug: off\n  region: no\n  mode: 0644\n  o: 0o644\n  h: 0X1F\n  n: 1_000\n  e: 1e3\n',
    );
    const r = await cli('check', file('flags.yaml', flags), '--json');
    expect(r.code).toBe(1);
    expect(json(r).findings.map((f: any) => `${f.rule} ${f.pointer}`)).toEqual(
      ['enabled', 'debug', 'region', 'mode', 'o', 'h', 'false', 'e'].map((k) => `SCHEMA_INVALID /data/${k}`), // `n:` is the key false
    );
    // The valid neighbour: the same values quoted are strings.
    const quoted = flags.replace(/: (yes|off|no|0644|0o644|0X1F|1_000|1e3)\n/g, ': "$1"\n');
    const q = await cli('check', file('quoted.yaml', quoted.replace('  n: ', '  "n": ')), '--json');
    expect([q.code, json(q).findings, json(q).fileErrors]).toEqual([0, [], []]);
  });

  test('a sequence as a map key is broken YAML (kubectl: invalid map key), with nothing on stderr', async () => {
    const warn = jest.spyOn(process, 'emitWarning');
    try {
      const r = await cli('check', file('complex.yaml', configMap('cx').replace('  a: b\n', '  ? [a, b]\n  : c\n')), '--json');
      expect(r.code).toBe(1);
      expect(r.err).toBe('');
      expect(json(r).fileErrors).toEqual([
        expect.objectContaining({ rule: 'FILE_YAML_BROKEN', message: expect.stringContaining('a sequence is a map key at line 7') }),
      ]);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test('a ConfigMap of 50,000 keys is checked whole (the parser was quadratic in the keys of a map: 20k took 12-16 s)', async () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `  k${i}: "v${i}"\n`).join('');
    const r = await cli('check', file('big.yaml', configMap('big').replace('  a: b\n', `${keys}  "bad key": "x"\n`)), '--json');
    expect(r.code).toBe(1);
    expect([json(r).objectCount, json(r).fileErrors]).toEqual([1, []]);
    // About 1 MB of JSON: too large for client-side apply's last-applied-configuration too (a warning).
    expect(json(r).findings.map((f: any) => `${f.rule} ${f.pointer}`)).toEqual([
      'LAST_APPLIED_TOO_LARGE /metadata/annotations',
      'CONFIG_KEY_INVALID /data/bad key',
    ]);
  });

  test('an alias whose anchor is in another document is an unresolved alias (broken YAML), not an alias bomb', async () => {
    const cross = `${configMap('a').replace('metadata:', 'metadata: &meta')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: *meta\n`;
    const merged = `${configMap('a').replace('metadata:', 'metadata: &meta')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: *meta\n  name: b\n`;
    for (const content of [cross, merged]) {
      const r = await cli('check', file('cross.yaml', content), '--json');
      expect(r.code).toBe(1);
      expect(json(r).fileErrors).toEqual([
        expect.objectContaining({ rule: 'FILE_YAML_BROKEN', message: expect.stringContaining('document 2: alias *meta names no anchor') }),
      ]);
      expect(json(r).fileErrors[0].message).not.toContain('alias bomb');
      expect(json(r).objectCount).toBe(1); // the first document is still graded
    }
  });

  test('an alias bomb, also one built of merge keys, is refused as broken YAML', async () => {
    const bomb = ['b0: &b0 {k: [x, x, x, x, x, x, x, x, x]}'];
    for (let i = 1; i < 20; i++) bomb.push(`b${i}: &b${i} {p: {<<: *b${i - 1}}, q: {<<: *b${i - 1}}, r: {<<: *b${i - 1}}}`);
    for (const p of [path.join(FIXTURES, 'alias-bomb.yaml'), file('merge-bomb.yaml', bomb.join('\n'))]) {
      const r = await cli('check', p, '--json');
      expect(r.code).toBe(1);
      expect(json(r).fileErrors).toEqual([
        expect.objectContaining({ rule: 'FILE_YAML_BROKEN', message: expect.stringContaining('alias bomb') }),
      ]);
    }
  });
});

describe('nothing the CLI prints can drive the terminal', () => {
  const hostile = 'x\u001b[31mRED\u0000\u007f\u009b\u0085';
  // Every control character but the line feeds the CLI writes itself: C0 (ESC included), DEL and C1.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
  const write = () => {
    const dir = tmp();
    fs.writeFileSync(
      path.join(dir, 'cm.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${JSON.stringify(hostile)}\n  namespace: shop\ndata:\n  ${JSON.stringify('k\n  error  FORGED')}: "1"\n`,
    );
    fs.writeFileSync(path.join(dir, `notes\u001b]0;title\u0007.txt`), 'x');
    return dir;
  };

  test('text output shows control characters as escapes, so no line can be forged', async () => {
    const r = await cli('check', write());
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(RAW_CONTROL);
    expect(r.out).toContain('ConfigMap/shop/x\\x1b[31mRED\\x00\\x7f\\x9b\\x85');
    expect(r.out).toContain('notes\\x1b]0;title\\x07.txt');
    expect(r.out.split('\n').filter((l) => l.startsWith('  error  FORGED'))).toEqual([]);
  });

  test('JSON output escapes DEL and C1 too, and parses back to the same strings', async () => {
    const r = await cli('check', write(), '--json');
    expect(r.out).not.toMatch(RAW_CONTROL);
    expect(json(r).findings.map((f: any) => f.object)).toContain(`ConfigMap/shop/${hostile}`);
  });

  test('error lines on stderr: file errors of diff and diagram, flag values', async () => {
    const dir = write();
    fs.writeFileSync(path.join(dir, 'broken\u001b[2J.yaml'), 'a: [1, 2\nb: {');
    for (const r of [await cli('diff', dir, dir), await cli('diagram', dir, '--out', path.join(tmp(), 'd.svg'))]) {
      expect(r.err).toContain('broken\\x1b[2J.yaml: FILE_YAML_BROKEN');
      expect(r.err).not.toMatch(RAW_CONTROL);
    }
    const flag = await cli('check', dir, '--namespace', 'a\u001b[2J');
    expect(flag.code).toBe(2);
    expect(flag.err).toContain('CLI_FLAG_INVALID');
    expect(flag.err).not.toMatch(RAW_CONTROL);
    const missing = await cli('check', path.join(dir, 'gone\u001b[2J'));
    expect(missing.err).toContain('gone\\x1b[2J does not exist');
  });
});
