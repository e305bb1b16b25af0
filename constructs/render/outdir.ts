import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { BlueprintError, BlueprintIssue } from '../core/errors';

/*
 * The disk side of synthesize: where an outdir really is, what is in the way
 * there, and the write itself as one transaction over every outdir.
 *
 * Kill-safety: before creating anything, a run writes the journal
 * `.cluster-blueprints-journal` in the outdir, naming its pid, a random token
 * and every temporary file and backup it will create (each name carries the
 * token). The next run removes exactly those names (regular files only) when
 * that pid is dead, so it never removes a file it cannot prove it created.
 * Files are swapped in by rename, so a reader never sees a half-written file,
 * and the written list is first the union of the old and the new names, so a
 * run killed part-way leaves no file of ours unlisted (which would block the
 * next run as a foreign file).
 *
 * Directories: a failed run removes the ones it created (the outdir and its
 * missing parents, each recorded as it is made), when they are still empty.
 * The journal, kept inside the outdir, names files only: the directories a
 * killed run made hold its journal, and are where the next run writes.
 */

/**
 * The list of files synthesize wrote into an outdir, kept in that outdir. Not
 * a .yaml/.json file, so `kubectl apply -f`, Argo CD and Flux ignore it.
 */
export const WRITTEN_LIST = '.cluster-blueprints-written';
const JOURNAL = '.cluster-blueprints-journal';
const JOURNAL_HEADER = '# cluster-blueprints synthesize is writing here';
/** Longest file name of most file systems (NAME_MAX), in bytes. */
const NAME_MAX = 255;
/** What a temporary or backup name adds to a file name: `.` + `.cb-tmp-` + the token. */
const TEMP_EXTRA = 1 + '.cb-tmp-'.length + 32;
/** Pseudo-file systems: writing there is never meant, and mkdir can loop forever in /proc. */
const SYSTEM_DIRS = ['/proc', '/sys', '/dev'];

/** An outdir as the user named it (`shown`, for messages and results) and as it really is on disk (`real`, for every check and write). */
export interface Outdir {
  readonly shown: string;
  readonly real: string;
  readonly exists: boolean;
  /** The real path of the outdir's nearest existing ancestor (itself when it exists): where it will be created. */
  readonly existing: string;
}

/** A file to write: its name, and its text, made when it is written. */
export interface PlannedFile {
  readonly name: string;
  readonly text: () => string;
}

export interface DirPlan {
  readonly outdir: Outdir;
  readonly files: readonly PlannedFile[];
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

function kind(file: string): 'none' | 'file' | 'a directory' | 'a symbolic link' | 'not a regular file' {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (e) {
    if (errno(e) === 'ENOENT') return 'none';
    throw e;
  }
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export function outdirIssue(value: string, message: string, fix: string, field = 'outdir'): BlueprintIssue {
  return { code: 'OUTPUT_PATH_INVALID', path: '', field, value, message, fix };
}

/**
 * Where `outdir` really is: the real path of its nearest existing ancestor
 * (symbolic links resolved) plus the rest, without creating anything. An
 * outdir that cannot be a directory is an issue.
 */
export function inspectOutdir(outdir: string, issues: BlueprintIssue[]): Outdir | undefined {
  if (outdir.includes('\0')) {
    issues.push(outdirIssue(outdir, 'contains a NUL character, which no file system accepts in a path', 'remove it'));
    return undefined;
  }
  // A shell expands a leading ~, Node does not: '~/dist' would create a directory named '~' in the current directory.
  if (/^~(?:[/\\]|$)/.test(outdir)) {
    issues.push(
      outdirIssue(
        outdir,
        "starts with '~', which only a shell expands: it would create a directory named '~' in the current directory",
        "expand it (path.join(os.homedir(), ...)), or write './~' if a directory named '~' is meant",
      ),
    );
    return undefined;
  }
  const shown = path.resolve(outdir);
  const rest: string[] = [];
  for (let existing = shown; ; existing = path.dirname(existing)) {
    let real: string;
    try {
      real = fs.realpathSync(existing);
    } catch (failure) {
      let e = failure;
      let code = errno(e);
      let found: ReturnType<typeof kind> | undefined;
      if (code === 'ENOENT')
        try {
          found = kind(existing);
        } catch (k) {
          // A whole path over the system's limit (PATH_MAX): lstat says so where realpath, walking it, did not.
          [code, e] = [errno(k), k];
        }
      if ((code === 'ENOENT' || code === 'ENOTDIR') && path.dirname(existing) !== existing) {
        if (found === 'a symbolic link') {
          issues.push(
            outdirIssue(
              outdir,
              `is, or is under, ${existing}: a symbolic link to a missing path`,
              'point the link at a directory, or choose another outdir',
            ),
          );
          return undefined;
        }
        rest.unshift(path.basename(existing));
        continue;
      }
      const tooLong = code === 'ENAMETOOLONG';
      issues.push(
        outdirIssue(
          outdir,
          tooLong
            ? `is too long for the file system (a name over ${NAME_MAX} bytes, or the whole path too long)`
            : `cannot be used: ${(e as Error).message}`,
          tooLong ? 'choose a shorter outdir' : 'choose an outdir this process can read and write',
        ),
      );
      return undefined;
    }
    if (!fs.statSync(real).isDirectory()) {
      issues.push(
        outdirIssue(
          outdir,
          rest.length === 0 ? 'is a file, not a directory' : `is inside ${existing}, which is a file, not a directory`,
          'choose a directory (it is created when missing), or move the file away',
        ),
      );
      return undefined;
    }
    // Checked before anything is created: mkdir would fail only at the long name, after creating the ones before it.
    const long = rest.find((name) => Buffer.byteLength(name) > NAME_MAX);
    if (long !== undefined) {
      issues.push(
        outdirIssue(
          outdir,
          `is too long for the file system: the name ${JSON.stringify(long.slice(0, 40) + '…')} is ${Buffer.byteLength(long)} bytes, over ${NAME_MAX}`,
          'choose a shorter outdir',
        ),
      );
      return undefined;
    }
    return { shown, real: path.join(real, ...rest), exists: rest.length === 0, existing: real };
  }
}

/** The real path of `dir` where it exists (symbolic links resolved), else `dir` resolved. */
export function realPath(dir: string): string {
  const out = inspectOutdir(dir, []);
  return out ? out.real : path.resolve(dir);
}

export function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A pseudo-file system (/proc, /sys, /dev) that `real` is in, if any. */
export function systemDir(real: string): string | undefined {
  return process.platform === 'win32' ? undefined : SYSTEM_DIRS.find((d) => within(real, d));
}

/** Why `name` cannot be a file directly inside an outdir, if it cannot. */
export function fileNameProblem(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL character';
  if (/[/\\]/.test(name)) return 'contains a path separator, so the file would land outside the outdir';
  if (name === '' || name === '.' || name === '..') return 'is not a file name';
  if (Buffer.byteLength(name) + TEMP_EXTRA > NAME_MAX) return `is longer than ${NAME_MAX - TEMP_EXTRA} bytes, too long for the file system`;
  return undefined;
}

function foreignIssue(shown: string, message: string): BlueprintIssue {
  return {
    code: 'OUTDIR_FOREIGN_FILE',
    path: '',
    field: 'outdir',
    value: shown,
    message,
    fix: `move or delete ${shown}, or write to another outdir (synthesize replaces only the files listed in ${WRITTEN_LIST})`,
  };
}

function alive(pid: number): boolean {
  if (pid === process.pid) return false; // our own leftovers cannot be in use: this run has not started writing
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

interface Journal {
  readonly pid?: number;
  readonly token?: string;
  readonly names: readonly string[];
}

/** The journal of an earlier run in `dir`, `undefined` if none, `'foreign'` if that name holds something we did not write. */
function readJournal(dir: string): Journal | 'foreign' | undefined {
  const file = path.join(dir, JOURNAL);
  const k = kind(file);
  if (k === 'none') return undefined;
  if (k !== 'file') return 'foreign';
  const text = fs.readFileSync(file, 'utf8');
  // Empty: the run was killed between creating it and writing it, before it created anything else.
  if (text !== '' && !text.startsWith(JOURNAL_HEADER)) return 'foreign';
  const lines = text.split('\n');
  const pid = lines.map((l) => /^pid (\d+)$/.exec(l)).find(Boolean)?.[1];
  const token = lines.map((l) => /^token ([0-9a-f]{32})$/.exec(l)).find(Boolean)?.[1];
  return { pid: pid === undefined ? undefined : Number(pid), token, names: lines };
}

function readWritten(dir: string): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, WRITTEN_LIST), 'utf8');
  } catch {
    return new Set();
  }
  // Only plain file names: a tampered list must not reach outside the outdir.
  return new Set(text.split('\n').filter((n) => n && !n.startsWith('#') && !fileNameProblem(n)));
}

function writtenList(files: Iterable<string>): string {
  return `# Files written here by cluster-blueprints' synthesize(); it replaces or deletes only these.\n${[...files].sort().join('\n')}\n`;
}

/** What is in an outdir now, and what the write will do there. */
interface DirState {
  readonly plan: DirPlan;
  /** Our files that exist (regular files) and will be replaced. */
  readonly replaced: ReadonlySet<string>;
  /** Our files of an earlier run that this one no longer writes (regular files), to delete. */
  readonly stale: readonly string[];
  readonly previous: ReadonlySet<string>;
  readonly listExists: boolean;
}

/**
 * Checks, without changing anything, that every file the plan writes or
 * deletes is ours: a target that exists must be a regular file listed in the
 * written list (or identical to what we would write), and so must every
 * stale file to delete. Everything else is in the way, with its path.
 */
export function checkOutdir(plan: DirPlan, issues: BlueprintIssue[]): DirState | undefined {
  const { real, shown, exists } = plan.outdir;
  const found: BlueprintIssue[] = [];
  const replaced = new Set<string>();
  const stale: string[] = [];
  let previous = new Set<string>();
  let listExists = false;
  if (exists) {
    const journal = readJournal(real);
    if (journal === 'foreign')
      found.push(foreignIssue(path.join(shown, JOURNAL), `holds something synthesize did not write, under the name of its journal`));
    else if (journal?.pid !== undefined && alive(journal.pid))
      found.push({
        code: 'OUTDIR_UNSAFE',
        path: '',
        field: 'outdir',
        value: shown,
        message: `is being written by another synthesize (pid ${journal.pid}, see ${path.join(shown, JOURNAL)})`,
        fix: `wait for it to finish; if no synthesize is running, delete ${path.join(shown, JOURNAL)}`,
      });
    const listKind = kind(path.join(real, WRITTEN_LIST));
    listExists = listKind === 'file';
    if (listKind !== 'none' && !listExists)
      found.push(foreignIssue(path.join(shown, WRITTEN_LIST), `is ${listKind}, where synthesize keeps the list of the files it wrote`));
    previous = readWritten(real);
    const names = new Set(plan.files.map((f) => f.name));
    for (const f of plan.files) {
      const k = kind(path.join(real, f.name));
      if (k === 'file' && (previous.has(f.name) || fs.readFileSync(path.join(real, f.name), 'utf8') === f.text())) replaced.add(f.name);
      else if (k === 'file')
        found.push(
          foreignIssue(path.join(shown, f.name), 'holds a file that synthesize did not write, where it would write one of its own'),
        );
      else if (k !== 'none') found.push(foreignIssue(path.join(shown, f.name), `is ${k}, where synthesize would write one of its files`));
    }
    for (const old of previous) {
      if (names.has(old)) continue;
      const k = kind(path.join(real, old));
      if (k === 'file') stale.push(old);
      else if (k !== 'none')
        found.push(
          foreignIssue(path.join(shown, old), `is ${k}, where synthesize wrote a file it would now delete (listed in ${WRITTEN_LIST})`),
        );
    }
  }
  issues.push(...found);
  return found.length ? undefined : { plan, replaced, stale, previous, listExists };
}

/**
 * Writes every planned outdir as one transaction: everything is written under
 * temporary names first, then swapped in; any failure undoes every step of
 * every outdir and fails with `OUTDIR_WRITE_FAILED`.
 *
 * Returns, per state, what the call could not clean up once the new files were
 * in place (`OUTDIR_CLEANUP_INCOMPLETE`): old copies kept aside that could not
 * be removed stay listed in the outdir's journal, so the next run removes them.
 */
export function writeAll(states: readonly DirState[]): BlueprintIssue[][] {
  const token = randomBytes(16).toString('hex');
  const temp = (name: string) => `.${name}.cb-tmp-${token}`;
  const backup = (name: string) => `.${name}.cb-old-${token}`;
  const midList = `.${WRITTEN_LIST}.cb-mid-${token}`;
  const undo: (() => void)[] = [];
  const madeDirs: string[] = []; // directories this run created, parents first, removed on failure when still empty
  const ours: string[] = []; // temporaries and backups we created, removed at the end
  const journals: string[] = [];
  let current = states[0]?.plan.outdir.shown;
  try {
    for (const s of states) {
      const { real, shown } = s.plan.outdir;
      current = shown;
      makeDirs(s.plan.outdir, madeDirs);
      removeLeftovers(real);
      const names = s.plan.files.map((f) => f.name);
      const created = [
        ...names.map(temp),
        temp(WRITTEN_LIST),
        midList,
        temp(JOURNAL), // the journal's own successor, should settle() need one
        ...[...s.replaced, ...s.stale, ...(s.listExists ? [WRITTEN_LIST] : [])].map(backup),
      ];
      const journal = path.join(real, JOURNAL);
      const fd = fs.openSync(journal, 'wx');
      // Ours from here: a write that fails (a full disk) must not leave it behind, empty, in an outdir said to be as it was.
      journals.push(journal);
      try {
        writeFully(
          fd,
          `${JOURNAL_HEADER}; if it dies, the next run removes the files below.\npid ${process.pid}\ntoken ${token}\n${created.join('\n')}\n`,
        );
      } finally {
        fs.closeSync(fd);
      }
      const write = (name: string, text: string) => {
        ours.push(path.join(real, name));
        fs.writeFileSync(path.join(real, name), text, { flag: 'wx' });
      };
      for (const f of s.plan.files) write(temp(f.name), f.text());
      write(temp(WRITTEN_LIST), writtenList(names));
      write(midList, writtenList(new Set([...names, ...s.previous])));
    }
    for (const s of states) {
      const { real, shown } = s.plan.outdir;
      current = shown;
      const at = (name: string) => path.join(real, name);
      // Puts `from` in place of `name`, keeping the old `name` as its backup until the whole call succeeded.
      const swap = (from: string, name: string, existed: boolean) => {
        if (existed) {
          keep(at(name), at(backup(name)));
          ours.push(at(backup(name)));
        }
        fs.renameSync(at(from), at(name));
        undo.push(existed ? () => fs.renameSync(at(backup(name)), at(name)) : () => fs.unlinkSync(at(name)));
      };
      swap(midList, WRITTEN_LIST, s.listExists);
      for (const f of s.plan.files) swap(temp(f.name), f.name, s.replaced.has(f.name));
      for (const old of s.stale) {
        ours.push(at(backup(old)));
        fs.renameSync(at(old), at(backup(old)));
        undo.push(() => fs.renameSync(at(backup(old)), at(old)));
      }
      fs.renameSync(at(temp(WRITTEN_LIST)), at(WRITTEN_LIST)); // undone by the first swap's undo
    }
  } catch (e) {
    const failures: string[] = [];
    for (const step of undo.reverse())
      try {
        step();
      } catch (u) {
        failures.push((u as Error).message);
      }
    // The backups are the only copy of a file whose restore failed: they stay, listed in the journal.
    // A file of ours that cannot be removed stays listed: the journals stay with it, for the next run to remove it.
    const ourKept = failures.length === 0 ? removeAll(ours) : [];
    const kept = failures.length === 0 && ourKept.length === 0 ? removeAll(journals) : ourKept;
    // Deepest first; rmdir removes only an empty directory, so one that still holds a kept backup, or anything
    // written there meanwhile by someone else, stays (and so do its parents).
    for (const dir of madeDirs.reverse())
      try {
        fs.rmdirSync(dir);
      } catch {
        // not empty: kept
      }
    throw new BlueprintError({
      code: 'OUTDIR_WRITE_FAILED',
      path: '',
      field: 'outdir',
      value: current,
      message:
        `could not be written (${(e as Error).message}); ` +
        (failures.length
          ? `restoring the previous files failed too (${failures.join('; ')}): they are kept beside as .<name>.cb-old-${token}, which the next synthesize removes`
          : kept.length
            ? `every outdir was left as it was, but for files of this call that could not be removed: ${keptText(kept)}`
            : 'every outdir was left as it was'),
      fix: 'check that this process may write there and that the disk has room, then synthesize again',
    });
  }
  const kept = removeAll(ours);
  return states.map((s, i) => settle(s.plan.outdir, journals[i], token, kept));
}

/**
 * Ends the call's journal in `outdir` once the new files are in place: removed when every file of the call
 * is gone, else rewritten to name only what is left, without this process's pid (a later run of any process
 * removes them, and is not held off as by a run in progress). Returns the warning that says what is left.
 */
function settle(outdir: Outdir, journal: string, token: string, kept: readonly Kept[]): BlueprintIssue[] {
  const left = kept.filter((k) => path.dirname(k.file) === outdir.real);
  if (left.length === 0) {
    const stuck = removeAll([journal]);
    return stuck.length
      ? [
          cleanupIssue(
            outdir,
            `was written, but its journal could not be removed: ${keptText(stuck, outdir.real)}`,
            `delete ${path.join(outdir.shown, JOURNAL)}`,
          ),
        ]
      : [];
  }
  // Named in the journal it replaces: a kill between the write and the rename leaves nothing unlisted.
  const next = path.join(outdir.real, `.${JOURNAL}.cb-tmp-${token}`);
  let listed = true;
  try {
    const names = left.map((k) => path.basename(k.file));
    fs.writeFileSync(next, `${JOURNAL_HEADER}; the next run removes the files below.\ntoken ${token}\n${names.join('\n')}\n`, {
      flag: 'wx',
    });
    fs.renameSync(next, journal);
  } catch {
    // The journal as first written stays: it names them too, under this process's pid.
    removeAll([next]);
    listed = false;
  }
  const remove = `or delete the files named .*.cb-old-${token} in ${outdir.shown}`;
  return [
    cleanupIssue(
      outdir,
      `was written, but the previous copies kept aside could not be removed: ${keptText(left, outdir.real)}`,
      listed
        ? `nothing is needed: its journal lists them, and the next synthesize into it removes them (${remove})`
        : `the next synthesize into it, once this process has ended, removes them (${remove})`,
    ),
  ];
}

function cleanupIssue(outdir: Outdir, message: string, fix: string): BlueprintIssue {
  return { code: 'OUTDIR_CLEANUP_INCOMPLETE', path: '', field: 'outdir', value: outdir.shown, message, fix };
}

/** A file of ours that could not be removed, and why. */
interface Kept {
  readonly file: string;
  readonly error: string;
}

const keptText = (kept: readonly Kept[], from = '') =>
  kept.map((k) => `${from ? path.relative(from, k.file) : k.file} (${k.error})`).join('; ');

/** Writes all of `text` to `fd` (one writeSync may write part of it). */
function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length;) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/** Keeps the current `file` as `copy` (a hard link, else a copy), for the rollback. */
function keep(file: string, copy: string): void {
  try {
    fs.linkSync(file, copy);
  } catch {
    fs.copyFileSync(file, copy, fs.constants.COPYFILE_EXCL);
  }
}

/**
 * Removes the files we created (ours to remove; the journal last, so a kill here still leaves them listed).
 * Returns those that could not be removed.
 */
function removeAll(files: readonly string[]): Kept[] {
  const kept: Kept[] = [];
  for (const f of files)
    try {
      fs.unlinkSync(f);
    } catch (e) {
      // ENOENT: already renamed into place or away, nothing of ours is left under that name
      if (errno(e) !== 'ENOENT') kept.push({ file: f, error: (e as Error).message });
    }
  return kept;
}

/**
 * Creates the missing directories of `outdir` one by one, from its nearest
 * existing ancestor down, recording each right after it is made: a
 * recursive mkdir that fails part-way (a name too long, no space, no
 * permission) says nothing about the parents it already created.
 * A directory that appeared meanwhile is used, but not recorded: it is not ours.
 */
function makeDirs(outdir: Outdir, made: string[]): void {
  if (outdir.exists) return;
  let dir = outdir.existing;
  for (const name of path.relative(outdir.existing, outdir.real).split(path.sep)) {
    dir = path.join(dir, name);
    try {
      fs.mkdirSync(dir);
    } catch (e) {
      if (errno(e) === 'EEXIST' && kind(dir) === 'a directory') continue;
      throw e;
    }
    made.push(dir);
  }
}

/** Removes what a killed run left in `dir`: exactly the files its journal names, which carry its token. */
function removeLeftovers(dir: string): void {
  const journal = readJournal(dir);
  if (journal === undefined || journal === 'foreign') return;
  // Started since this call checked the outdir: its files are not leftovers.
  if (journal.pid !== undefined && alive(journal.pid)) throw new Error(`another synthesize (pid ${journal.pid}) started writing here`);
  const token = journal.token;
  if (token)
    for (const name of journal.names) {
      if (!new RegExp(`^\\.[^/\\\\\\0]+\\.cb-(tmp|old|mid)-${token}$`).test(name)) continue;
      const file = path.join(dir, name);
      if (kind(file) === 'file') fs.unlinkSync(file);
    }
  fs.unlinkSync(path.join(dir, JOURNAL));
}
