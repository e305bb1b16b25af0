import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REQUIREMENTS_FILE, WRITTEN_LIST, synthesize } from '../../constructs';
import { buildEnvironment, environment } from '../../stacks/environments';

/*
 * Our one-pass synthesis must write exactly what cdk8s' own App.synth() writes
 * for the same app (same files, same bytes), only faster; beside them it keeps
 * the list of the files it wrote and the controllers the output requires.
 */
test.each(['dev', 'prod'])('synthesize() and App.synth() write identical files for %s', (env) => {
  const ours = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-ours-'));
  const theirs = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-cdk8s-'));
  synthesize(buildEnvironment(environment(env)), { outdir: ours });
  buildEnvironment(environment(env), theirs).synth();
  const files = fs.readdirSync(theirs).sort();
  expect(
    fs
      .readdirSync(ours)
      .filter((f) => f !== WRITTEN_LIST && f !== REQUIREMENTS_FILE)
      .sort(),
  ).toEqual(files);
  for (const f of files) expect(fs.readFileSync(path.join(ours, f), 'utf8')).toBe(fs.readFileSync(path.join(theirs, f), 'utf8'));
});
