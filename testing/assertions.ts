import { AssertionError } from 'assert';
import { App, Chart } from 'cdk8s';
import { BlueprintError, BlueprintIssue } from '../constructs/core/errors';
import { Finding, objectId } from '../constructs/rules/schema';
import { checkManifests } from '../constructs/reports/check';
import { renderApp } from '../constructs/render';
import { synthRuleContext } from '../constructs/rules/synth-context';
import { checkArgs, is } from '../constructs/core/shape';
import { synthObjects } from './objects';
import { SCOPE_SHAPE } from './scope-shape';

/**
 * The findings of `cluster-blueprints check` (schema and every best-practice rule) on what
 * `scope` renders. Cross-object rules see the whole app; for a Chart only findings about
 * its own objects are returned.
 */
export function findingsOf(scope: App | Chart): Finding[] {
  checkArgs('findingsOf', ['scope', scope, SCOPE_SHAPE]);
  const app = scope instanceof App ? scope : (scope.node.root as App);
  const rendered = renderApp(app);
  const own = new Set(rendered.filter((r) => scope instanceof App || r.chart === scope).flatMap((r) => r.objects.map(objectId)));
  // The same context synth judges with: the app's cluster facts (existing classes and stores) and deploy-tool Secrets.
  const context = synthRuleContext(app);
  return checkManifests(
    rendered.flatMap((r) => r.objects),
    { context },
  ).findings.filter((f) => own.has(f.object));
}

/**
 * Asserts that `scope` renders and that `check` has nothing to say about it: no errors and no warnings.
 * @throws the BlueprintError of a failing synth, or an AssertionError listing each finding
 */
export function expectNoFindings(scope: App | Chart): void {
  checkArgs('expectNoFindings', ['scope', scope, SCOPE_SHAPE]);
  const findings = findingsOf(scope);
  if (findings.length === 0) return;
  throw new AssertionError({
    message: `expected no findings, got ${findings.length}:\n${findings.map((f) => `  ${f.severity} ${f.rule} ${f.object}${f.pointer} ${f.message}`).join('\n')}`,
  });
}

/**
 * Asserts that `action` — a function, or the synthesis of an App/Chart — fails with a
 * BlueprintError carrying `code`, and returns that issue (path, field, value, fix) for
 * further assertions.
 * @throws AssertionError when nothing fails, something other than a BlueprintError is thrown, the code differs, or the action
 *   returns a Promise (await an async action yourself: what it rejects with is not thrown here)
 */
export function expectErrorCode(action: App | Chart | (() => unknown), code: string): BlueprintIssue {
  checkArgs('expectErrorCode', ['action', action, is.either(SCOPE_SHAPE, is.func)], ['code', code, is.string]);
  let result: unknown;
  try {
    result = typeof action === 'function' ? action() : synthObjects(action);
  } catch (e) {
    if (!(e instanceof BlueprintError)) throw new AssertionError({ message: `expected BlueprintError ${code}, got ${thrown(e)}` });
    const issue = e.issues.find((i) => i.code === code);
    if (issue) return issue;
    throw new AssertionError({ message: `expected BlueprintError ${code}, got ${e.codes.join(', ')}:\n${e.message}` });
  }
  if (isThenable(result)) {
    // Its rejection is the caller's to await: caught here, so that it is never an unhandled rejection that ends the process.
    try {
      result.then(undefined, () => undefined);
    } catch {
      // a thenable whose then throws: nothing is pending
    }
    throw new AssertionError({
      message: `expected BlueprintError ${code} thrown, but the action returned a Promise: await it, e.g. await expect(action()).rejects…`,
    });
  }
  throw new AssertionError({ message: `expected BlueprintError ${code}, but nothing failed` });
}

/** Whether `v` is a Promise or another thenable (false when inspecting it throws). */
function isThenable(v: unknown): v is PromiseLike<unknown> {
  try {
    return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as PromiseLike<unknown>).then === 'function';
  } catch {
    return false;
  }
}

/** What was thrown, in words, without letting it throw again (a null-prototype object, a throwing getter or toString). */
function thrown(e: unknown): string {
  try {
    return e instanceof Error ? `${String(e.name)}: ${String(e.message)}` : typeof e === 'symbol' ? e.toString() : String(e);
  } catch {
    return 'a value that cannot be shown';
  }
}
