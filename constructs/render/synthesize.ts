import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { BlueprintError, BlueprintIssue } from '../core/errors';
import { RENDER_OPTIONS_SHAPE, RenderOptions, renderApp } from './render-app';
import { REQUIREMENTS_FILE, outputRequirements, requirementsText } from './requirements';
import { secretDeclarations } from '../secrets/secret-declaration';
import { stringifyManifests } from './yaml-emitter';
import { checkArgs, extend, is } from '../core/shape';
import {
  Outdir,
  PlannedFile,
  checkOutdir,
  fileNameProblem,
  inspectOutdir,
  outdirIssue,
  realPath,
  systemDir,
  within,
  writeAll,
} from './outdir';

export { WRITTEN_LIST } from './outdir';
export { formatWarnings } from './warnings';

const SYNTHESIZE_OPTIONS_SHAPE = extend<SynthesizeOptions, RenderOptions>(RENDER_OPTIONS_SHAPE, {
  outdir: is.string,
  projectRoot: is.string,
});

/** Options of `synthesize` and `synthesizeAll`. */
export interface SynthesizeOptions extends RenderOptions {
  /**
   * Where to write (for `synthesize`). Give it when the cdk8s CLI runs the app
   * with a scratch `output:` (see `synthesizeAll`): without it, the files go
   * where cdk8s puts them, `app.outdir` (`$CDK8S_OUTDIR`, else `dist`), which
   * the CLI empties before it runs the app.
   * @default - `app.outdir`
   */
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

/** What `synthesize` wrote. */
export interface SynthesizeResult {
  readonly outdir: string;
  /** The files written, relative to `outdir`. */
  readonly files: string[];
  readonly objectCount: number;
  /**
   * What the rule catalogue and the schema check found at severity 'warning'
   * (a Service nothing can reach, `REF_SERVICE_UNREACHABLE`; a worker without
   * readiness, `REL_READINESS`…), every chart's: the files are written all the
   * same, and `cluster-blueprints check` on the outdir reports the same
   * findings. Also what the write could not clean up once the new files were in
   * place (`OUTDIR_CLEANUP_INCOMPLETE`: old copies kept aside that could not be
   * removed, which its journal keeps listed for the next synthesize to remove).
   * Print them with `formatWarnings`; an empty list when there is none.
   */
  readonly warnings: readonly BlueprintIssue[];
}

/**
 * Renders, validates and writes `app` to `outdir`, one `<chart>.k8s.yaml` per
 * chart. See `synthesizeAll` for the guarantees.
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesizeResult {
  checkArgs('synthesize', ['app', app, is.instance(App, 'cdk8s App')], ['options', options, SYNTHESIZE_OPTIONS_SHAPE, 'optional']);
  // cdk8s' own default: the App's outdir, else $CDK8S_OUTDIR, else dist.
  const outdir = options.outdir ?? app.outdir;
  return synthesizeAll([{ app, outdir }], options)[0];
}

/**
 * Renders, validates and writes several apps (e.g. every environment), each
 * to its own outdir, all or nothing:
 *
 * - Every app is rendered and checked, and every outdir inspected, before
 *   anything is written; any issue of any app fails the call with one
 *   `BlueprintError` and changes nothing on disk.
 * - Each outdir is checked where it really is (symbolic links resolved): the
 *   project root, a parent of it, /proc, /sys, /dev and overlapping outdirs are
 *   refused (`OUTDIR_UNSAFE`); an outdir that cannot be a directory, and a file
 *   name that is not a plain name inside it (see `outputFileExtension`), are
 *   `OUTPUT_PATH_INVALID`, and so is an outdir that starts with a literal `~`
 *   (only a shell expands it) or has a name over 255 bytes.
 * - It only replaces or deletes files it wrote itself (listed in each outdir's
 *   `.cluster-blueprints-written`): other files in the outdir (a README,
 *   `.gitkeep`, a GitOps repository's own files) are kept, and anything else
 *   where it would write or delete one of its files (a foreign file, a
 *   directory, a symbolic link) fails the call (`OUTDIR_FOREIGN_FILE`).
 * - Files are written under temporary names inside their outdir, then renamed
 *   over the old ones, so no reader ever sees a half-written file; the old
 *   ones are kept aside until every outdir is done, and a failure part-way
 *   puts them all back and removes the directories the call created, when
 *   still empty (`OUTDIR_WRITE_FAILED`). A run that is killed leaves
 *   whole files only, all listed; the next run removes its temporary files,
 *   which it finds by the journal `.cluster-blueprints-journal` the killed run
 *   wrote first, and nothing else. So does it remove the old copies a run that
 *   succeeded could not remove (that run's journal keeps naming them, and its
 *   result says so in `warnings`).
 * - Under the cdk8s CLI (`cdk8s synth` runs the app with `$CDK8S_OUTDIR`, its
 *   `output:` directory, which it empties first and then lists or, with
 *   `--stdout`, prints): when that directory is apart from every outdir
 *   (neither is inside the other), each written file is also copied there, into the same
 *   relative place (one app: straight into it; `dist/dev`, `dist/prod`: into
 *   `dev/`, `prod/`). Pointing cdk8s.yaml's `output:` at a scratch directory
 *   (`.cdk8s-out`) therefore keeps the outdir's guarantees under the CLI:
 *   files beside are kept, and a failed synth leaves the previous files.
 *   A CLI directory that is or holds an outdir gets no copy (the CLI finds
 *   the files there); one inside an outdir, or one this process cannot
 *   write, fails the call before anything is written (`OUTPUT_PATH_INVALID`).
 */
export function synthesizeAll(targets: readonly SynthTarget[], options: SynthesizeOptions = {}): SynthesizeResult[] {
  checkArgs(
    'synthesizeAll',
    ['targets', targets, is.list(is.props<SynthTarget>({ app: is.instance(App, 'cdk8s App'), outdir: is.string }, ['app', 'outdir']))],
    ['options', options, SYNTHESIZE_OPTIONS_SHAPE, 'optional'],
  );
  const { outdir: _outdir, projectRoot: root, ...render } = options;
  const outdirs = inspectAll(
    targets.map((t) => t.outdir),
    root ?? projectRoot(process.cwd()),
  );
  const handOff = cliHandOff(outdirs);
  const issues: BlueprintIssue[] = [];
  const planned = targets.map((t, i) => {
    try {
      const rendered = renderApp(t.app, render);
      // Each file's text is made when it is written, and dropped then: the texts of a large app are not all held at once.
      const files: PlannedFile[] = rendered.map((r) => ({
        name: `${r.name}${t.app.outputFileExtension}`,
        text: () => stringifyManifests(r.objects),
      }));
      // What the output needs and does not create (controllers, namespaces, the deploy tool's Secrets), for whoever
      // prepares the cluster; none, no file.
      const requirements = outputRequirements(
        rendered.flatMap((r) => r.objects),
        secretDeclarations(t.app),
      );
      if (requirements.length) files.push({ name: REQUIREMENTS_FILE, text: () => requirementsText(requirements) });
      issues.push(...fileNameIssues(files, t.app.outputFileExtension));
      return {
        outdir: outdirs[i],
        files,
        objectCount: rendered.reduce((n, r) => n + r.objects.length, 0),
        warnings: rendered.flatMap((r) => r.warnings),
      };
    } catch (e) {
      if (!(e instanceof BlueprintError)) throw e;
      issues.push(...e.issues);
      return undefined;
    }
  });
  if (issues.length > 0) throw new BlueprintError(issues);
  const plans = planned as NonNullable<(typeof planned)[number]>[];
  // Nothing has changed on disk yet: every file to replace or delete must be ours, in every outdir, before any is touched.
  const states = plans.map((plan) => unreadable(plan.outdir.shown, issues, () => checkOutdir(plan, issues)));
  if (issues.length > 0) throw new BlueprintError(issues);
  const leftovers = writeAll(states as NonNullable<(typeof states)[number]>[]);
  const results = plans.map((p, i) => ({
    outdir: p.outdir.shown,
    files: p.files.map((f) => f.name),
    objectCount: p.objectCount,
    warnings: [...p.warnings, ...leftovers[i]],
  }));
  if (handOff) copyForCli(handOff, results);
  return results;
}

/**
 * Where the cdk8s CLI looks for the files, when it is not where they are
 * written: `$CDK8S_OUTDIR` when set and apart from every outdir. Undefined
 * when it is unset, or is or holds an outdir (files already there, or under
 * it, the CLI finds). Checked before anything is written: `OUTPUT_PATH_INVALID`
 * when it cannot be a directory, cannot be written, or lies inside an outdir
 * (the all-or-nothing write would have to manage a foreign directory inside its own).
 */
function cliHandOff(outdirs: readonly Outdir[]): Outdir | undefined {
  const dir = process.env.CDK8S_OUTDIR;
  if (!dir) return undefined;
  const issues: BlueprintIssue[] = [];
  const scratch = unreadable(dir, issues, () => inspectOutdir(dir, issues));
  if (issues.length > 0)
    throw new BlueprintError(issues.map((i) => ({ ...i, field: '$CDK8S_OUTDIR', fix: `${i.fix} (the \`output:\` of cdk8s.yaml)` })));
  const cli = scratch!;
  const holder = outdirs.find((o) => within(cli.real, o.real) && cli.real !== o.real);
  if (holder) throw new BlueprintError(cliIssue(cli.shown, `the cdk8s CLI's \`output:\` lies inside the outdir ${holder.shown}`));
  if (outdirs.some((o) => within(o.real, cli.real))) return undefined;
  try {
    fs.accessSync(cli.existing, fs.constants.W_OK);
  } catch (e) {
    throw new BlueprintError(cliIssue(cli.shown, `cannot be written (${cli.existing}: ${(e as Error).message})`));
  }
  return cli;
}

function cliIssue(value: string, message: string): BlueprintIssue {
  const fix =
    'set the `output:` of cdk8s.yaml to a directory of its own outside every outdir, which this process can write (e.g. .cdk8s-out)';
  return outdirIssue(value, message, fix, '$CDK8S_OUTDIR');
}

/** Copies each written file into the CLI's directory, at its outdir's place relative to the outdirs' common parent. */
function copyForCli(scratch: Outdir, results: readonly SynthesizeResult[]): void {
  const base = results.map((r) => r.outdir).reduce(commonParent);
  for (const r of results) {
    const dir = path.join(scratch.shown, path.relative(base, r.outdir));
    try {
      fs.mkdirSync(dir, { recursive: true });
      for (const f of r.files) fs.copyFileSync(path.join(r.outdir, f), path.join(dir, f));
    } catch (e) {
      throw new BlueprintError({
        code: 'OUTDIR_WRITE_FAILED',
        path: '',
        field: '$CDK8S_OUTDIR',
        value: scratch.shown,
        message: `could not receive the copies the cdk8s CLI lists (${(e as Error).message}); every outdir was written`,
        fix: 'point the `output:` of cdk8s.yaml at a directory this process can write (e.g. .cdk8s-out), then synthesize again',
      });
    }
  }
}

/** The nearest directory that holds both `a` and `b` (either one, when it holds the other). */
function commonParent(a: string, b: string): string {
  let d = a;
  while (!within(b, d)) d = path.dirname(d);
  return d;
}

/** The nearest directory from `dir` up that holds a package.json, else `dir`. */
function projectRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json'))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}

/** Where each outdir really is (symbolic links resolved), refusing one that cannot be a directory or is unsafe to write. */
function inspectAll(given: readonly string[], root: string): Outdir[] {
  const issues: BlueprintIssue[] = [];
  const outdirs = given.map((o) => unreadable(o, issues, () => inspectOutdir(o, issues)));
  if (issues.length > 0) throw new BlueprintError(issues);
  const dirs = outdirs as Outdir[];
  const realRoot = realPath(root);
  const unsafe = (dir: string, message: string, fix: string) =>
    issues.push({ code: 'OUTDIR_UNSAFE', path: '', field: 'outdir', value: dir, message, fix });
  dirs.forEach(({ shown, real }, i) => {
    const system = systemDir(real);
    if (system)
      unsafe(shown, `is in ${system}, a view of the kernel, not a place for files`, "write to a directory of its own, e.g. 'dist'");
    if (within(realRoot, real))
      unsafe(shown, `is the project root ${path.resolve(root)} or a parent of it`, "write to a directory of its own, e.g. 'dist'");
    const other = dirs.findIndex((d, j) => j !== i && within(real, d.real) && (j < i || d.real !== real));
    if (other >= 0)
      unsafe(
        shown,
        `overlaps the outdir ${dirs[other].shown} of another app of the same call`,
        'give every app its own directory, side by side (dist/dev, dist/prod)',
      );
  });
  if (issues.length > 0) throw new BlueprintError(issues);
  return dirs;
}

/** Runs a read-only look at `outdir`; a file system error (no permission…) becomes an issue, never a plain Error. */
function unreadable<T>(outdir: string, issues: BlueprintIssue[], look: () => T): T | undefined {
  try {
    return look();
  } catch (e) {
    issues.push({
      code: 'OUTPUT_PATH_INVALID',
      path: '',
      field: 'outdir',
      value: outdir,
      message: `cannot be read: ${(e as Error).message}`,
      fix: 'choose an outdir this process can read and write',
    });
    return undefined;
  }
}

/** Every file must be a plain name directly inside its outdir, and no two files the same. */
function fileNameIssues(files: readonly PlannedFile[], extension: string): BlueprintIssue[] {
  const issues: BlueprintIssue[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const problem = fileNameProblem(f.name) ?? (seen.has(f.name) ? 'is the name of two files of this app' : undefined);
    seen.add(f.name);
    if (problem)
      issues.push({
        code: 'OUTPUT_PATH_INVALID',
        path: '',
        field: 'outputFileExtension',
        value: extension,
        message: `makes the file name ${JSON.stringify(f.name)}, which ${problem}`,
        fix: "use a plain extension such as '.k8s.yaml' (no '/', no NUL)",
      });
  }
  return issues;
}
