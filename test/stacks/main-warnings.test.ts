import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/* stacks/main.ts in-process (test/stacks/main.test.ts runs the compiled entry as a child, in `npm run test:integration`). */
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cb-main-warn-'));
describe('the synth entry prints warnings to stderr and still succeeds', () => {
  /** A WebService nothing may reach (REF_SERVICE_UNREACHABLE) and a TeamNamespace alone (no warning). */
  const APPS = {
    noisy: () => {
      const { Probe } = require('../../constructs');
      const readiness = Probe.http('/readyz', 'http');
      return require('../helpers').teamWebService('api', { readiness, liveness: Probe.http('/livez', 'http') }).app;
    },
    quiet: () => {
      const { App } = require('cdk8s');
      const { BlueprintChart, TeamNamespace } = require('../../constructs');
      const app = new App();
      new TeamNamespace(new BlueprintChart(app, 'team-a', { owner: 'a' }), 'a');
      return app;
    },
  };

  /** stacks/main.ts whose environments are `envs` (name → one of APPS), loaded with their own copy of the library. */
  function mainWith(envs: Record<string, keyof typeof APPS>) {
    let main: typeof import('../../stacks/main') | undefined;
    jest.isolateModules(() => {
      // Built here, in the registry main.ts loads the library from (one copy of cdk8s).
      const apps = Object.fromEntries(Object.entries(envs).map(([n, a]) => [n, APPS[a]()]));
      jest.doMock('../../stacks/environments', () => ({
        ENVIRONMENTS: Object.fromEntries(Object.keys(envs).map((n) => [n, { name: n }])),
        environment: (name: string) => ({ name }),
        buildEnvironment: (config: { name: string }) => apps[config.name],
        addGitOps: () => undefined,
      }));
      main = require('../../stacks/main');
    });
    return main!;
  }

  function captured(fn: () => void) {
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      fn();
      return { stderr: err.mock.calls.map((c) => c.join(' ')), stdout: log.mock.calls.map((c) => c.join(' ')) };
    } finally {
      err.mockRestore();
      log.mockRestore();
    }
  }

  afterEach(() => {
    process.exitCode = undefined;
    jest.dontMock('../../stacks/environments');
  });

  test('one block on stderr naming each environment that has warnings; stdout and the exit code as without', () => {
    const { run } = mainWith({ dev: 'noisy', prod: 'quiet' });
    const out = tmp();
    const { stderr, stdout } = captured(() => run(['--outdir', out]));
    expect(process.exitCode).toBeUndefined();
    expect(stderr).toHaveLength(1); // one block
    const lines = stderr[0].split('\n');
    expect(lines[0]).toBe('dev: 1 warning (the files are written; each line says how to fix it):');
    expect(lines[1]).toMatch(/^ {2}\[test\/api\/Service\] Service\/shop\/api: REF_SERVICE_UNREACHABLE /);
    expect(lines).toHaveLength(2); // prod has none: no header for it
    expect(stdout).toEqual([
      expect.stringMatching(/^dev: 9 objects in 2 files → /), // the chart and requirements.jsonl
      expect.stringMatching(/^prod: 6 objects in 2 files → /),
    ]);
    expect(fs.readdirSync(path.join(out, 'dev'))).toContain('test.k8s.yaml');
  });

  test('under the cdk8s CLI too (it passes stderr through; stdout stays empty for its listing)', () => {
    const { run } = mainWith({ dev: 'noisy' });
    const { stderr, stdout } = captured(() => run(['--cdk8s-cli', '--outdir', tmp()]));
    expect(stdout).toEqual([]);
    expect(stderr.join('\n')).toContain('REF_SERVICE_UNREACHABLE');
  });
});
