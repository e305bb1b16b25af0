import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { BlueprintError, renderApp, runRules } from '../../constructs';
import { run } from '../../cli/main';
import { UNPRINTABLE, afterMutation, onMalformed, pod } from './fixture';

/*
 * What the API server, the kubelet or runc refuses in a pod or a CronJob, on
 * rendered objects: raw ApiObjects at synth and foreign YAML in the CLI get the
 * refusal the typed constructs give, with the same code.
 */

const deployment = (podSpec: object, kind = 'Deployment') => ({
  apiVersion: kind === 'CronJob' ? 'batch/v1' : 'apps/v1',
  kind,
  metadata: { name: 'app', namespace: 'shop' },
  spec:
    kind === 'CronJob'
      ? { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: podSpec } } } }
      : { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: podSpec } },
});
const app = (c: object = {}) => ({ name: 'app', image: 'app:1.0.0', ...c });
const init = (c: object) => deployment({ initContainers: [{ name: 'init', image: 'app:1.0.0', ...c }], containers: [app()] });
const cronJob = (schedule: unknown) => ({
  ...deployment({ containers: [app()] }, 'CronJob'),
  spec: { schedule, jobTemplate: { spec: { template: { spec: { containers: [app()] } } } } },
});
const secret = (name: string, type?: string) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'shop' },
  ...(type === undefined ? {} : { type }),
});

const found = (code: string, ...objects: object[]) =>
  runRules(objects)
    .filter((f) => f.rule === code)
    .map((f) => `${f.severity} ${f.object} ${f.pointer}`);

/** The error of rendering the objects as raw ApiObjects of a chart on the synth path, if any. */
function synthError(...objects: object[]): BlueprintError | undefined {
  const a = new App();
  const chart = new Chart(a, 'c');
  objects.forEach((o, i) => new ApiObject(chart, `raw${i}`, o as any));
  try {
    renderApp(a);
    return undefined;
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    return e;
  }
}

/** The issues of `code` when the objects are raw ApiObjects of a chart rendered on the synth path. */
function synthIssues(code: string, ...objects: object[]): [string, string][] {
  return (synthError(...objects)?.issues ?? []).filter((i) => i.code === code).map((i) => [i.path, i.field]);
}

async function cli(code: string, yaml: string): Promise<{ exit: number; pointers: string[] }> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cb-pod-api-')), 'app.yaml');
  fs.writeFileSync(file, yaml);
  let out = '';
  const exit = await run(['check', file, '--json'], (s) => (out += s), () => undefined); // prettier-ignore
  return { exit, pointers: (JSON.parse(out).findings as any[]).filter((f) => f.rule === code).map((f) => `${f.object} ${f.pointer}`) };
}

/** Foreign YAML for the CLI: one object of `kind` in namespace shop, `body` the lines below its metadata. */
const manifest = (apiVersion: string, kind: string, name: string, ...body: string[]) =>
  [`apiVersion: ${apiVersion}`, `kind: ${kind}`, `metadata: {name: ${name}, namespace: shop}`, ...body, ''].join('\n');
const indented = (lines: string[]) => lines.map((line) => `  ${line}`);
/** A Pod p whose spec holds these lines. */
const podYaml = (...spec: string[]) => manifest('v1', 'Pod', 'p', 'spec:', ...indented(spec));
/** A CronJob j whose spec holds these lines and a job template of one container. */
const cronJobYaml = (...spec: string[]) =>
  manifest(
    'batch/v1',
    'CronJob',
    'j',
    'spec:',
    ...indented(spec),
    '  jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: a, image: "a:1"}]}}}}',
  );

const D = 'Deployment/shop/app';
const INIT = '/spec/template/spec/initContainers/0';

describe('PROBE_INVALID and HOOK_INVALID: probes and lifecycle of init containers (validateInitContainers)', () => {
  test.each(['readinessProbe', 'livenessProbe', 'startupProbe'])('%s on an init container is refused', (probe) => {
    expect(found('PROBE_INVALID', init({ [probe]: { exec: { command: ['true'] } } }))).toEqual([`error ${D} ${INIT}/${probe}`]);
  });

  test('lifecycle on an init container is refused, even an empty one (the API server checks Lifecycle != nil)', () => {
    expect(found('HOOK_INVALID', init({ lifecycle: { postStart: { exec: { command: ['true'] } } } }))).toEqual([
      `error ${D} ${INIT}/lifecycle`,
    ]);
    expect(found('HOOK_INVALID', init({ lifecycle: {} }))).toEqual([`error ${D} ${INIT}/lifecycle`]);
  });

  test('valid neighbours: a native sidecar (restartPolicy Always), an app container, a plain init container', () => {
    const probes = { readinessProbe: { exec: { command: ['true'] } }, lifecycle: { preStop: { exec: { command: ['true'] } } } };
    const objects = [init({ restartPolicy: 'Always', ...probes }), deployment({ containers: [app(probes)] }), init({ command: ['true'] })];
    expect([...found('PROBE_INVALID', ...objects), ...found('HOOK_INVALID', ...objects)]).toEqual([]);
  });

  test('at synth, a raw ApiObject fails the build with the typed workloads’ codes', () => {
    expect(synthIssues('PROBE_INVALID', init({ readinessProbe: { exec: { command: ['true'] } } }))).toEqual([
      ['c/raw0', `${INIT}/readinessProbe`],
    ]);
    expect(synthIssues('HOOK_INVALID', init({ lifecycle: { preStop: { exec: { command: ['true'] } } } }))).toEqual([
      ['c/raw0', `${INIT}/lifecycle`],
    ]);
  });

  test('cluster-blueprints check refuses a Deployment whose init container has a readinessProbe', async () => {
    const yaml = manifest(
      'apps/v1',
      'Deployment',
      'app',
      'spec:',
      '  selector: {matchLabels: {app: a}}',
      '  template:',
      '    metadata: {labels: {app: a}}',
      '    spec:',
      '      initContainers: [{name: init, image: "app:1.0.0", readinessProbe: {exec: {command: ["true"]}}}]',
      '      containers: [{name: app, image: "app:1.0.0"}]',
    );
    expect(await cli('PROBE_INVALID', yaml)).toEqual({ exit: 1, pointers: [`${D} ${INIT}/readinessProbe`] });
  });
});

describe('WORKING_DIR_INVALID: runc refuses a relative working directory', () => {
  test('a relative workingDir is refused, in app and init containers alike', () => {
    expect(found('WORKING_DIR_INVALID', deployment({ containers: [app({ workingDir: 'app' })] }))).toEqual([
      `error ${D} /spec/template/spec/containers/0/workingDir`,
    ]);
    expect(found('WORKING_DIR_INVALID', init({ workingDir: './x' }))).toEqual([`error ${D} ${INIT}/workingDir`]);
  });

  test('valid neighbours: an absolute path, an empty one (unset), none', () => {
    expect(found('WORKING_DIR_INVALID', deployment({ containers: [app({ workingDir: '/app' }), app({ workingDir: '' }), app()] }))).toEqual(
      [],
    );
  });

  test('at synth and in the CLI', async () => {
    expect(synthIssues('WORKING_DIR_INVALID', deployment({ containers: [app({ workingDir: 'app' })] }))).toEqual([
      ['c/raw0', '/spec/template/spec/containers/0/workingDir'],
    ]);
    const yaml = podYaml('containers: [{name: a, image: "a:1", workingDir: src}]');
    expect(await cli('WORKING_DIR_INVALID', yaml)).toEqual({ exit: 1, pointers: ['Pod/shop/p /spec/containers/0/workingDir'] });
  });
});

describe('QUANTITY_INVALID: zero cpu or memory requests and limits (zeroComputeIssues)', () => {
  const resources = (requests: object, limits: object = {}) => deployment({ containers: [app({ resources: { requests, limits } })] });
  const C = '/spec/template/spec/containers/0/resources';

  test.each([['0'], [0], ['0m'], ['0Mi'], ['0.0'], ['0e3'], ['+0']])('%p is zero, as a cpu or memory request or limit', (zero) => {
    expect(found('QUANTITY_INVALID', resources({ cpu: zero, memory: zero }, { cpu: zero, memory: zero }))).toEqual([
      `error ${D} ${C}/limits/cpu`,
      `error ${D} ${C}/requests/cpu`,
      `error ${D} ${C}/limits/memory`,
      `error ${D} ${C}/requests/memory`,
    ]);
  });

  test('a zero ephemeral-storage limit is no limit; a zero request of it is allowed, as in the typed containers', () => {
    expect(found('QUANTITY_INVALID', resources({ 'ephemeral-storage': '0' }, { 'ephemeral-storage': '0Gi' }))).toEqual([
      `error ${D} ${C}/limits/ephemeral-storage`,
    ]);
  });

  test('valid neighbours: real amounts, unset ones, and malformed ones (the schema check reports those)', () => {
    expect(
      found('QUANTITY_INVALID', resources({ cpu: '1m', memory: '1' }, { cpu: 1, memory: '1Ki' }), resources({ cpu: 'lots', memory: '-1' })),
    ).toEqual([]);
  });

  test('at synth and in the CLI', async () => {
    expect(synthIssues('QUANTITY_INVALID', resources({ cpu: '100m' }, { memory: '0' }))).toEqual([['c/raw0', `${C}/limits/memory`]]);
    const yaml = podYaml('containers: [{name: a, image: "a:1", resources: {requests: {cpu: 0}}}]');
    expect(await cli('QUANTITY_INVALID', yaml)).toEqual({
      exit: 1,
      pointers: ['Pod/shop/p /spec/containers/0/resources/requests/cpu'],
    });
  });
});

describe('PULL_SECRET_INVALID: an image pull Secret the kubelet cannot read', () => {
  const pulling = (...names: string[]) => deployment({ containers: [app()], imagePullSecrets: names.map((name) => ({ name })) });
  const externalSecret = (name: string, template?: object) => ({
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name: 'es', namespace: 'shop' },
    spec: { target: { name, ...(template ? { template } : {}) } },
  });

  test('an Opaque Secret (set or defaulted) or a TLS one of the input is refused', () => {
    expect(
      found('PULL_SECRET_INVALID', pulling('a', 'b', 'c'), secret('a', 'Opaque'), secret('b'), secret('c', 'kubernetes.io/tls')),
    ).toEqual([
      `error ${D} /spec/template/spec/imagePullSecrets/0`,
      `error ${D} /spec/template/spec/imagePullSecrets/1`,
      `error ${D} /spec/template/spec/imagePullSecrets/2`,
    ]);
  });

  test('an ExternalSecret target is judged by its template type (absent: Opaque)', () => {
    expect(found('PULL_SECRET_INVALID', pulling('reg'), externalSecret('reg'))).toEqual([
      `error ${D} /spec/template/spec/imagePullSecrets/0`,
    ]);
    expect(found('PULL_SECRET_INVALID', pulling('reg'), externalSecret('reg', { type: 'kubernetes.io/dockerconfigjson' }))).toEqual([]);
  });

  test('valid neighbours: registry Secret types, a Secret not in the input, one of another namespace', () => {
    const elsewhere = { ...secret('x', 'Opaque'), metadata: { name: 'x', namespace: 'other' } };
    expect(
      found(
        'PULL_SECRET_INVALID',
        pulling('a', 'b', 'missing', 'x'),
        secret('a', 'kubernetes.io/dockerconfigjson'),
        secret('b', 'kubernetes.io/dockercfg'),
        elsewhere,
      ),
    ).toEqual([]);
  });

  test('at synth and in the CLI', async () => {
    expect(synthIssues('PULL_SECRET_INVALID', pulling('a'), secret('a'))).toEqual([['c/raw0', '/spec/template/spec/imagePullSecrets/0']]);
    const yaml = [
      podYaml('imagePullSecrets: [{name: reg}]', 'containers: [{name: a, image: "a:1"}]'),
      manifest('v1', 'Secret', 'reg', 'stringData: {password: x}'),
    ];
    expect(await cli('PULL_SECRET_INVALID', yaml.join('---\n'))).toEqual({ exit: 1, pointers: ['Pod/shop/p /spec/imagePullSecrets/0'] });
  });
});

describe('SCHEDULE_INVALID: a CronJob schedule the controller cannot run as written (cronScheduleError)', () => {
  test.each(['@every 1500ms', '@every 0s', '@every -1h', '0 0 30 2 *', '@Hourly', '* * * *'])('%p is refused', (schedule) => {
    expect(found('SCHEDULE_INVALID', cronJob(schedule))).toEqual(['error CronJob/shop/app /spec/schedule']);
  });

  test.each(['@every 90m', '@every 1s', '@hourly', '*/5 * * * *', '0 0 29 2 *', '0 0 30 2 MON'])(
    '%p, a valid neighbour, is accepted',
    (schedule) => {
      expect(found('SCHEDULE_INVALID', cronJob(schedule))).toEqual([]);
    },
  );

  test('at synth and in the CLI', async () => {
    expect(synthIssues('SCHEDULE_INVALID', cronJob('@every 1500ms'))).toEqual([['c/raw0', '/spec/schedule']]);
    expect(await cli('SCHEDULE_INVALID', cronJobYaml('schedule: "@every 0s"'))).toEqual({
      exit: 1,
      pointers: ['CronJob/shop/j /spec/schedule'],
    });
  });
});

describe('TIMEZONE_INVALID: a CronJob timeZone the API server refuses (timeZoneError, shared with ScheduledJob)', () => {
  const zoned = (timeZone: unknown) => {
    const j = cronJob('@hourly');
    return { ...j, spec: { ...j.spec, timeZone } };
  };

  test.each(['Moon/Base', 'europe/berlin', 'Europe Berlin', 5])('%p is refused', (zone) => {
    expect(found('TIMEZONE_INVALID', zoned(zone))).toEqual(['error CronJob/shop/app /spec/timeZone']);
  });

  test.each(['Europe/Berlin', 'Etc/UTC', 'America/Argentina/Buenos_Aires'])('%p, a valid neighbour, is accepted', (zone) => {
    expect(found('TIMEZONE_INVALID', zoned(zone))).toEqual([]);
  });

  test('at synth and in the CLI', async () => {
    expect(synthIssues('TIMEZONE_INVALID', zoned('Moon/Base'))).toEqual([['c/raw0', '/spec/timeZone']]);
    expect(await cli('TIMEZONE_INVALID', cronJobYaml('schedule: "@hourly"', 'timeZone: Moon/Base'))).toEqual({
      exit: 1,
      pointers: ['CronJob/shop/j /spec/timeZone'],
    });
  });
});

describe('a NUL the runtime or the kernel refuses, in any pod: the typed containers’ detection functions over rendered objects', () => {
  const C = '/spec/containers/0';
  /** A Pod p of namespace shop whose one container (a) has `c`, its spec `spec` besides. */
  const pod = (c: object, spec: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'shop' },
    spec: { containers: [{ name: 'a', image: 'a:1', ...c }], ...spec },
  });
  const scratch = { volumes: [{ name: 'd', emptyDir: {} }] };
  // Each case: its code, where the NUL is, the pod with `s` in that field, the pointer the finding names.
  const cases: [string, string, (s: string) => object, string][] = [
    ['COMMAND_INVALID', 'a command item', (s) => pod({ command: ['/bin/app', s] }), `${C}/command/1`],
    ['COMMAND_INVALID', 'an args item', (s) => pod({ args: [s] }), `${C}/args/0`],
    ['ENV_INVALID', 'a literal env value', (s) => pod({ env: [{ name: 'GREETING', value: s }] }), `${C}/env/0/value`],
    [
      'PROBE_INVALID',
      'an exec probe command',
      (s) => pod({ livenessProbe: { exec: { command: ['/bin/check', s] } } }),
      `${C}/livenessProbe/exec/command/1`,
    ],
    [
      'HOOK_INVALID',
      'an exec hook command',
      (s) => pod({ lifecycle: { preStop: { exec: { command: [s] } } } }),
      `${C}/lifecycle/preStop/exec/command/0`,
    ],
    [
      'MOUNT_INVALID',
      'a mountPath',
      (s) => pod({ volumeMounts: [{ name: 'd', mountPath: `/${s}` }] }, scratch),
      `${C}/volumeMounts/0/mountPath`,
    ],
    [
      'MOUNT_SUBPATH_INVALID',
      'a subPath',
      (s) => pod({ volumeMounts: [{ name: 'd', mountPath: '/d', subPath: s }] }, scratch),
      `${C}/volumeMounts/0/subPath`,
    ],
    [
      'VOLUME_INVALID',
      'a hostPath path',
      (s) => pod({}, { volumes: [{ name: 'h', hostPath: { path: `/${s}` } }] }),
      '/spec/volumes/0/hostPath/path',
    ],
    [
      'VOLUME_INVALID',
      'an NFS path',
      (s) => pod({}, { volumes: [{ name: 'n', nfs: { server: 'nfs.example.com', path: `/${s}` } }] }),
      '/spec/volumes/0/nfs/path',
    ],
    ['WORKING_DIR_INVALID', 'a workingDir', (s) => pod({ workingDir: `/${s}` }), `${C}/workingDir`],
  ];

  test.each(cases)('%s: a NUL in %s is refused without echoing the value; without the NUL it passes', (code, _where, make, pointer) => {
    const findings = runRules([make('hun\0ter2')]).filter((f) => f.rule === code);
    expect(findings.map((f) => `${f.severity} ${f.object} ${f.pointer}`)).toEqual([`error Pod/shop/p ${pointer}`]);
    expect(findings[0].message).toMatch(/holds a NUL character \(at [34]\)/);
    expect(JSON.stringify(findings)).not.toContain('ter2');
    expect(found(code, make('hunter2'))).toEqual([]);
  });

  test.each(cases)('%s: a NUL in %s fails a raw ApiObject at synth, and the CLI on foreign YAML', async (code, _where, make, pointer) => {
    // The issue shows '<redacted>', not the value at its pointer (other rules, such as HOSTPATH_FORBIDDEN, are their own).
    const issues = (synthError(make('hun\0ter2'))?.issues ?? []).filter((i) => i.code === code);
    expect(issues).toEqual([expect.objectContaining({ path: 'c/raw0', field: pointer, value: '<redacted>' })]);
    expect(JSON.stringify(issues)).not.toContain('ter2');
    // JSON is YAML: the NUL reaches the CLI as the escape "\u0000".
    expect(await cli(code, JSON.stringify(make('a\0b')))).toEqual({ exit: 1, pointers: [`Pod/shop/p ${pointer}`] });
  });

  test('in every container of every pod template: an init container of a CronJob, a Deployment’s app container', () => {
    const nul = { args: ['a\0b'] };
    expect(found('COMMAND_INVALID', init(nul), deployment({ containers: [app(nul)] }, 'CronJob'))).toEqual([
      `error ${D} ${INIT}/args/0`,
      'error CronJob/shop/app /spec/jobTemplate/spec/template/spec/containers/0/args/0',
    ]);
  });

  test('a NUL in a ConfigMap value the container takes as env is refused at the reference, naming the variable, not the value', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf', namespace: 'shop' }, data: { GREETING: 'hun\0ter2' } };
    const refs = pod({
      envFrom: [{ configMapRef: { name: 'conf' } }],
      env: [{ name: 'HELLO', valueFrom: { configMapKeyRef: { name: 'conf', key: 'GREETING' } } }],
    });
    const findings = runRules([refs, cm]).filter((f) => f.rule === 'ENV_INVALID');
    expect(findings.map((f) => f.pointer)).toEqual([`${C}/envFrom/0`, `${C}/env/0/valueFrom/configMapKeyRef`]);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('in the value of GREETING'),
      expect.stringContaining('in the value of HELLO'),
    ]);
    expect(JSON.stringify(findings)).not.toContain('ter2');
    // Valid neighbours: a ConfigMap the input does not hold (its value is the cluster's), and a hook whose command has no NUL.
    expect(found('ENV_INVALID', refs)).toEqual([]);
    expect(found('HOOK_INVALID', pod({ lifecycle: { postStart: { exec: { command: ['/bin/warm', '--fast'] } } } }))).toEqual([]);
  });
});

describe('argv and env over what Linux execve takes (execStringIssues, as the typed containers judge theirs)', () => {
  const MAX = 131072;
  const C = '/spec/template/spec/containers/0';
  const cm = (data: Record<string, string>, namespace = 'shop') => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'big', namespace },
    data,
  });
  const withEnv = (c: object) => deployment({ containers: [app(c)] });

  test('an argument over MAX_ARG_STRLEN (131072 bytes with its NUL) is COMMAND_INVALID at its index: the exact boundary both ways', () => {
    expect(found('COMMAND_INVALID', withEnv({ args: ['x'.repeat(MAX - 1)] }))).toEqual([]);
    expect(found('COMMAND_INVALID', withEnv({ args: ['-v', 'x'.repeat(MAX)] }))).toEqual([`error ${D} ${C}/args/1`]);
    expect(found('COMMAND_INVALID', withEnv({ command: ['é'.repeat(MAX / 2)] }))).toEqual([`error ${D} ${C}/command/0`]);
  });

  test("a command whose program is '' is COMMAND_INVALID at command[0], as the typed containers refuse it; an empty argument after a program is fine", () => {
    expect(found('COMMAND_INVALID', withEnv({ command: ['', '-c', 'x'] }))).toEqual([`error ${D} ${C}/command/0`]);
    expect(found('COMMAND_INVALID', withEnv({ command: ['sh', ''], args: [''] }))).toEqual([]);
  });

  test('an env var whose "NAME=value" string is over MAX_ARG_STRLEN is ENV_INVALID: a literal, or a key of a ConfigMap of the input', () => {
    // "BIG=" + value + NUL: 5 bytes around the value.
    const literal = (n: number) => withEnv({ env: [{ name: 'BIG', value: 'x'.repeat(n) }] });
    expect(found('ENV_INVALID', literal(MAX - 5))).toEqual([]);
    expect(found('ENV_INVALID', literal(MAX - 4))).toEqual([`error ${D} ${C}/env/0/value`]);
    // envFrom: the kubelet puts the prefix before each key, so it counts too.
    const envFrom = (prefix?: string) => withEnv({ envFrom: [{ configMapRef: { name: 'big' }, ...(prefix ? { prefix } : {}) }] });
    expect(found('ENV_INVALID', envFrom(), cm({ BIG: 'x'.repeat(MAX - 5) }))).toEqual([]);
    expect(found('ENV_INVALID', envFrom('P_'), cm({ BIG: 'x'.repeat(MAX - 5) }))).toEqual([`error ${D} ${C}/envFrom/0`]);
    const keyRef = withEnv({ env: [{ name: 'BIG', valueFrom: { configMapKeyRef: { name: 'big', key: 'BIG' } } }] });
    expect(found('ENV_INVALID', keyRef, cm({ BIG: 'x'.repeat(MAX - 4) }))).toEqual([`error ${D} ${C}/env/0/valueFrom/configMapKeyRef`]);
    // Valid neighbours: env wins over envFrom for its name; a ConfigMap of another namespace, or none, is not this pod's.
    const big = cm({ BIG: 'x'.repeat(200 * 1024) });
    expect(
      found('ENV_INVALID', withEnv({ envFrom: [{ configMapRef: { name: 'big' } }], env: [{ name: 'BIG', value: 'small' }] }), big),
    ).toEqual([]);
    expect(found('ENV_INVALID', keyRef, cm({ BIG: 'x'.repeat(200 * 1024) }, 'other'))).toEqual([]);
    expect(found('ENV_INVALID', keyRef)).toEqual([]);
  });

  test('argv and envp together over 2 MiB (strings, NULs and 8-byte pointers) are refused at the larger side; 2 MiB exactly passes', () => {
    // 16 "V00=…" strings of 131072 bytes with their NUL, + 8 pointer bytes each = 2,097,280: over by 128.
    const env = (last: number) =>
      Array.from({ length: 16 }, (_, i) => ({ name: `V${i.toString(16).padStart(2, '0')}`, value: 'x'.repeat(i === 15 ? last : MAX - 5) }));
    expect(found('ENV_INVALID', withEnv({ env: env(MAX - 5 - 128) }))).toEqual([]);
    expect(found('ENV_INVALID', withEnv({ env: env(MAX - 5 - 127) }))).toEqual([`error ${D} ${C}/env`]);
    // The same 16 strings as arguments (no "V00=" before them).
    const args = (last: number) => Array.from({ length: 16 }, (_, i) => 'x'.repeat(i === 15 ? last : MAX - 1));
    expect(found('COMMAND_INVALID', withEnv({ args: args(MAX - 1 - 128) }))).toEqual([]);
    expect(found('COMMAND_INVALID', withEnv({ args: args(MAX - 1 - 127) }))).toEqual([`error ${D} ${C}/args`]);
  });

  test('at synth and in the CLI', async () => {
    const big = { args: ['x'.repeat(MAX)], env: [{ name: 'BIG', value: 'x'.repeat(MAX) }] };
    expect(synthIssues('COMMAND_INVALID', withEnv(big))).toEqual([['c/raw0', `${C}/args/0`]]);
    expect(synthIssues('ENV_INVALID', withEnv(big))).toEqual([['c/raw0', `${C}/env/0/value`]]);
    // The issue shows the size, not the 128 KiB it was given.
    expect(synthError(withEnv(big))?.message.length).toBeLessThan(5000);
    const yaml = JSON.stringify(withEnv(big));
    expect(await cli('COMMAND_INVALID', yaml)).toEqual({ exit: 1, pointers: [`${D} ${C}/args/0`] });
    expect(await cli('ENV_INVALID', yaml)).toEqual({ exit: 1, pointers: [`${D} ${C}/env/0/value`] });
  });
});

test('PROBE_INVALID skips an exec command that is no list (the schema check reports it) instead of throwing', () => {
  expect(
    onMalformed((o) => (pod(o, 'StatefulSet', 'db').containers[0].livenessProbe.exec.command = 'constructor'), 'PROBE_INVALID'),
  ).toEqual([]);
});

test('VOLUME_INVALID names a volume whose name is a map without throwing, and still judges its path', () => {
  const named = afterMutation('VOLUME_INVALID', (o) => (pod(o).volumes[2].name = UNPRINTABLE()));
  expect(onMalformed(named, 'VOLUME_INVALID')).toEqual(['VOLUME_INVALID /spec/template/spec/volumes/2/hostPath/path']);
});
