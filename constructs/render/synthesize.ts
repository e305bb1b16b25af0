import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { BlueprintError, BlueprintIssue } from '../core/errors';
import { RENDER_OPTIONS_SHAPE, RenderOptions, renderApp } from './render-app';
import { REQUIREMENTS_FILE, controllerRequirements, requirementsText } from './requirements';
import { stringifyManifests } from './yaml-emitter';
import { checkArgs, extend, is } from '../core/shape';

const SYNTHESIZE_OPTIONS_SHAPE = extend<SynthesizeOptions, RenderOptions>(RENDER_OPTIONS_SHAPE, {
  outdir: is.string,
  projectRoot: is.string,
});

/** Options of `synthesize` and `synthesizeAll`. */
export interface SynthesizeOptions extends RenderOptions {
  /** Where to write (for `synthesize`). @default - `$CDK8S_OUTDIR`, else `app.outdir` */
  readonly outdir?: string;
  /**
   * The project whose root (and parents) may never be an outdir.
   * @default - the nearest directory holding a package.json, from the current directory up
   */
  readonly projectRoot?: string;
}

/** One app and the directory it is written to, for `synthesizeAll`. */
export interface SynthTarget {
  readonly app: App;
  readonly outdir: string;
}

/** A file to write: its name, and its text, made when it is written. */
interface PlannedFile {
  readonly name: string;
  readonly text: () => string;
}

/** What `synthesize` wrote. */
export interface SynthesizeResult {
  readonly outdir: string;
  /** The files written, relative to `outdir`. */
  readonly files: string[];
  readonly objectCount: number;
}

/**
 * The list of files synthesize wrote into an outdir, kept in that outdir. Not
 * a .yaml/.json file, so `kubectl apply -f`, Argo CD and Flux ignore it.
 */
export const WRITTEN_LIST = '.cluster-blueprints-written';
const TEMP = /^\..+\.cb-tmp-(\d+)$/;
const OLD_STAGING = /\.tmp-(\d+)$/;

/**
 * Renders, validates and writes `app` to `outdir`, one `<chart>.k8s.yaml` per
 * chart. See `synthesizeAll` for the guarantees.
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesizeResult {
  checkArgs('synthesize', ['app', app, is.instance(App, 'cdk8s App')], ['options', options, SYNTHESIZE_OPTIONS_SHAPE, 'optional']);
  const outdir = options.outdir ?? process.env.CDK8S_OUTDIR ?? app.outdir;
  return synthesizeAll([{ app, outdir }], options)[0];
}

/**
 * Renders, validates and writes several apps (e.g. every environment), each
 * to its own outdir, all or nothing:
 *
 * - Every app is rendered and checked before anything is written; any issue
 *   of any app fails the call with one `BlueprintError` and writes nothing.
 * - Files are written under temporary names inside their outdir, then renamed
 *   over the old ones, so no reader ever sees a half-written file. Temporary
 *   files of a run that was killed are removed by the next run.
 * - It only replaces or deletes files it wrote itself (listed in each outdir's
 *   `.cluster-blueprints-written`): other files in the outdir (a README,
 *   `.gitkeep`, a GitOps repository's own files) are kept, and a foreign file
 *   in the way of one of ours fails the call (`OUTDIR_FOREIGN_FILE`).
 * - The project root, or any parent of it, is refused as an outdir (`OUTDIR_UNSAFE`).
 */
export function synthesizeAll(targets: readonly SynthTarget[], options: SynthesizeOptions = {}): SynthesizeResult[] {
  checkArgs(
    'synthesizeAll',
    ['targets', targets, is.list(is.props<SynthTarget>({ app: is.instance(App, 'cdk8s App'), outdir: is.string }, ['app', 'outdir']))],
    ['options', options, SYNTHESIZE_OPTIONS_SHAPE, 'optional'],
  );
  const { outdir: _outdir, projectRoot: root, ...render } = options;
  const dirs = targets.map((t) => path.resolve(t.outdir));
  refuseUnsafe(dirs, path.resolve(root ?? projectRoot(process.cwd())));
  const issues: BlueprintIssue[] = [];
  const planned = targets.map((t, i) => {
    try {
      const rendered = renderApp(t.app, render);
      // Each file's text is made when it is written, and dropped then: the texts of a large app are not all held at once.
      const files: PlannedFile[] = rendered.map((r) => ({
        name: `${r.name}${t.app.outputFileExtension}`,
        text: () => stringifyManifests(r.objects),
      }));
      // The controllers the output needs (its custom kinds' CRDs), for whoever prepares the cluster; none, no file.
      const requirements = controllerRequirements(rendered.flatMap((r) => r.objects));
      if (requirements.length) files.push({ name: REQUIREMENTS_FILE, text: () => requirementsText(requirements) });
      return { outdir: dirs[i], files, objectCount: rendered.reduce((n, r) => n + r.objects.length, 0) };
    } catch (e) {
      if (!(e instanceof BlueprintError)) throw e;
      issues.push(...e.issues);
      return undefined;
    }
  });
  if (issues.length > 0) throw new BlueprintError(issues);
  const plans = planned as NonNullable<(typeof planned)[number]>[];
  const temps: string[] = [];
  try {
    for (const plan of plans) {
      fs.mkdirSync(plan.outdir, { recursive: true });
      removeStaleTemps(plan.outdir);
      const ours = readWritten(plan.outdir);
      for (const f of plan.files) {
        const target = path.join(plan.outdir, f.name);
        if (!ours.has(f.name) && isForeign(target, f.text)) throw foreignFile(target);
      }
      for (const f of plan.files) {
        const temp = tempName(plan.outdir, f.name);
        temps.push(temp);
        fs.writeFileSync(temp, f.text());
      }
      const list = tempName(plan.outdir, WRITTEN_LIST);
      temps.push(list);
      fs.writeFileSync(list, writtenList(plan.files.map((f) => f.name)));
    }
  } catch (e) {
    for (const t of temps) fs.rmSync(t, { force: true });
    throw e;
  }
  // Everything is on disk: swap the new files in, then drop our own stale ones.
  for (const plan of plans) {
    const before = readWritten(plan.outdir);
    for (const f of plan.files) fs.renameSync(tempName(plan.outdir, f.name), path.join(plan.outdir, f.name));
    const now = new Set(plan.files.map((f) => f.name));
    for (const old of before) if (!now.has(old)) fs.rmSync(path.join(plan.outdir, old), { force: true });
    fs.renameSync(tempName(plan.outdir, WRITTEN_LIST), path.join(plan.outdir, WRITTEN_LIST));
  }
  return plans.map((p) => ({ outdir: p.outdir, files: p.files.map((f) => f.name), objectCount: p.objectCount }));
}

/** The nearest directory from `dir` up that holds a package.json, else `dir`. */
function projectRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}

function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function refuseUnsafe(dirs: readonly string[], root: string): void {
  const issues: BlueprintIssue[] = [];
  dirs.forEach((dir, i) => {
    if (within(root, dir))
      issues.push({
        code: 'OUTDIR_UNSAFE',
        path: '',
        field: 'outdir',
        value: dir,
        message: `is the project root ${root} or a parent of it`,
        fix: "write to a directory of its own, e.g. 'dist'",
      });
    const other = dirs.findIndex((d, j) => j !== i && within(dir, d) && (j < i || d !== dir));
    if (other >= 0)
      issues.push({
        code: 'OUTDIR_UNSAFE',
        path: '',
        field: 'outdir',
        value: dir,
        message: `overlaps the outdir ${dirs[other]} of another app of the same call`,
        fix: 'give every app its own directory, side by side (dist/dev, dist/prod)',
      });
  });
  if (issues.length > 0) throw new BlueprintError(issues);
}

function tempName(dir: string, file: string): string {
  return path.join(dir, `.${file}.cb-tmp-${process.pid}`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // our own leftovers cannot be in use: this run has not started writing
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files (and the staging directories of older versions) left by runs that were killed. */
function removeStaleTemps(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    const m = TEMP.exec(f);
    if (m && !alive(Number(m[1]))) fs.rmSync(path.join(dir, f), { force: true });
  }
  const parent = path.dirname(dir);
  const base = path.basename(dir);
  for (const f of fs.readdirSync(parent)) {
    const m = OLD_STAGING.exec(f);
    if (m && f === `${base}.tmp-${m[1]}` && !alive(Number(m[1]))) fs.rmSync(path.join(parent, f), { recursive: true, force: true });
  }
}

function readWritten(dir: string): Set<string> {
  try {
    const names = fs
      .readFileSync(path.join(dir, WRITTEN_LIST), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    // Only plain file names: a tampered list must not reach outside the outdir.
    return new Set(names.filter((n) => n === path.basename(n) && n !== '.' && n !== '..'));
  } catch {
    return new Set();
  }
}

function writtenList(files: readonly string[]): string {
  return `# Files written here by cluster-blueprints' synthesize(); it replaces or deletes only these.\n${[...files].sort().join('\n')}\n`;
}

/** A file we did not write is in the way, unless it already holds exactly what we would write. */
function isForeign(file: string, text: () => string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return false;
  }
  return !stat.isFile() || fs.readFileSync(file, 'utf8') !== text();
}

function foreignFile(file: string): BlueprintError {
  return new BlueprintError({
    code: 'OUTDIR_FOREIGN_FILE',
    path: '',
    field: 'outdir',
    value: file,
    message: `holds a file that synthesize did not write, where it would write one of its own`,
    fix: `move or delete ${file}, or write to another outdir (synthesize replaces only the files listed in ${WRITTEN_LIST})`,
  });
}
