import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { BlueprintError, renderApp, runRules } from '../../constructs';
import { run } from '../../cli/main';

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

/** The issues of `code` when the objects are raw ApiObjects of a chart rendered on the synth path. */
function synthIssues(code: string, ...objects: object[]): [string, string][] {
  const a = new App();
  const chart = new Chart(a, 'c');
  objects.forEach((o, i) => new ApiObject(chart, `raw${i}`, o as any));
  try {
    renderApp(a);
    return [];
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw e;
    return e.issues.filter((i) => i.code === code).map((i) => [i.path, i.field]);
  }
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
