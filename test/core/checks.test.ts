import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { BlueprintError, QuotaPreset, TeamNamespace, WebService, addCheck, perPass, renderApp, synthesize } from '../../constructs';
import { AWS_KEY, WEB, catchBlueprintError, expectLeakFree, testChart } from '../helpers';

/*
 * A user check (addCheck) is untyped code: whatever it throws or returns
 * becomes a typed issue naming the check, added to every other issue of the
 * synth, which are all still reported.
 */

/** A chart whose team namespace is over its quota (several real issues), with `check` registered on `broken`. */
function overQuota(check: () => unknown) {
  const { app, chart } = testChart();
  const team = new TeamNamespace(chart, 'shop', { quota: QuotaPreset.SMALL });
  new WebService(chart, 'web', { namespace: team, ...WEB, replicas: 50 });
  addCheck(new Construct(chart, 'broken'), 'Mine', check as never);
  return app;
}
const REAL = (err: BlueprintError) => err.issues.filter((i) => i.path === 'test/shop' && i.code.startsWith('QUOTA_'));

describe('CHECK_FAILED / CHECK_INVALID: a broken user check is one issue beside all the others', () => {
  const baseline = REAL(catchBlueprintError(() => renderApp(overQuota(() => []))));

  test('the valid neighbour: a check returning proper issues adds them to the real ones', () => {
    expect(baseline.length).toBeGreaterThanOrEqual(2);
    const err = catchBlueprintError(() => renderApp(overQuota(() => [{ code: 'MINE', field: 'a', message: 'is wrong', fix: 'fix a' }])));
    expect(err.issues.find((i) => i.code === 'MINE')).toMatchObject({ path: 'test/broken', construct: 'Mine', field: 'a' });
    expect(REAL(err)).toEqual(baseline);
  });

  test.each([
    [
      'throws a TypeError',
      () => {
        throw new TypeError('boom');
      },
      'CHECK_FAILED',
      'check',
      'threw TypeError: boom',
    ],
    [
      'throws a non-Error',
      () => {
        throw 42;
      },
      'CHECK_FAILED',
      'check',
      'threw a number',
    ],
    ['returns undefined', () => undefined, 'CHECK_INVALID', 'check', 'returned undefined'],
    ['returns a number', () => 5, 'CHECK_INVALID', 'check', 'returned a number'],
    ['returns a symbol', () => Symbol('x'), 'CHECK_INVALID', 'check', 'returned a symbol'],
    ['returns a Promise', async () => [], 'CHECK_INVALID', 'check', 'returned a Promise'],
    ['returns null in the list', () => [null], 'CHECK_INVALID', 'check[0]', 'returned null at [0]'],
    ['returns an issue without a code', () => [{ message: 'forgot code' }], 'CHECK_INVALID', 'check[0]', 'returned an object at [0]'],
    [
      'returns a revoked Proxy',
      () => {
        const p = Proxy.revocable([], {});
        p.revoke();
        return p.proxy;
      },
      'CHECK_INVALID',
      'check',
      'could not be read',
    ],
  ])('a check that %s', (_what, check, code, field, message) => {
    const err = catchBlueprintError(() => renderApp(overQuota(check)));
    const issue = err.issues.find((i) => i.code === code)!;
    expect(issue).toMatchObject({ path: 'test/broken', construct: 'Mine', field });
    expect(issue.message).toContain("the check 'Mine' on test/broken");
    expect(issue.message).toContain(message);
    expect(REAL(err)).toEqual(baseline);
    expect(() => JSON.stringify(err.issues)).not.toThrow();
  });

  test('a BlueprintError thrown by a check keeps its own issues', () => {
    const err = catchBlueprintError(() =>
      renderApp(
        overQuota(() => {
          throw new BlueprintError({ code: 'MINE', path: '', field: 'a', message: 'm', fix: 'f' });
        }),
      ),
    );
    expect(err.issues.find((i) => i.code === 'MINE')).toMatchObject({ path: 'test/broken', field: 'a' });
    expect(REAL(err)).toEqual(baseline);
  });

  test('a check whose error or issue carries a credential does not echo it', () => {
    const thrown = catchBlueprintError(() =>
      renderApp(
        overQuota(() => {
          throw new Error(`key ${AWS_KEY}`);
        }),
      ),
    );
    expect(thrown.codes).toContain('CHECK_FAILED');
    expectLeakFree(thrown);
    const returned = catchBlueprintError(() =>
      renderApp(overQuota(() => [{ code: 'C', field: 'f', message: 'm', fix: `set it to ${AWS_KEY}` }])),
    );
    expect(returned.issues.find((i) => i.code === 'C')!.fix).toContain('not shown');
    expectLeakFree(returned);
  });

  test('the rejection of an async check does not reach the process', async () => {
    const rejected = jest.fn();
    process.on('unhandledRejection', rejected);
    try {
      catchBlueprintError(() =>
        renderApp(
          overQuota(async () => {
            throw new Error('later');
          }),
        ),
      );
      await new Promise((r) => setImmediate(r));
      expect(rejected).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', rejected);
    }
  });
});

describe('RENDER_REENTRANT: a check that renders the app is refused, not a stack overflow', () => {
  test.each([
    ['renderApp', (app: App) => renderApp(app)],
    ['app.synth()', (app: App) => app.synth()],
    ['synthesize', (app: App) => synthesize(app, { outdir: '/nonexistent/never-written' })],
  ])('%s from inside a check', (_what, render) => {
    const { app, chart } = testChart();
    let calls = 0;
    addCheck(chart, 'Renders', () => {
      calls++;
      render(app);
      return [];
    });
    const err = catchBlueprintError(() => renderApp(app));
    expect(err.issues[0]).toMatchObject({ code: 'RENDER_REENTRANT', path: 'test', construct: 'Renders', field: 'check' });
    expect(calls).toBe(1);
  });

  test('the valid neighbour: a check on one app may render another app', () => {
    const other = new App();
    new Chart(other, 'plain');
    const { app, chart } = testChart();
    addCheck(chart, 'Other', () => (renderApp(other), []));
    expect(() => renderApp(app)).not.toThrow();
  });
});

describe('perPass: what every check of a pass asks of the whole tree is computed once per pass', () => {
  test('many checks share one computation inside a render; outside a pass each call computes afresh', () => {
    const { app, chart } = testChart();
    let computed = 0;
    const count = (scope: Construct) =>
      perPass(scope, 'test-count', (all) => {
        computed++;
        return all.length;
      });
    const sizes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c = new Construct(chart, `c${i}`);
      addCheck(c, 'counter', () => {
        sizes.push(count(c));
        return [];
      });
    }
    renderApp(app);
    expect(computed).toBe(1);
    expect(new Set(sizes).size).toBe(1);
    count(chart);
    count(chart);
    expect(computed).toBe(3);
  });
});
