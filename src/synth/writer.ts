import * as fs from 'fs';
import * as path from 'path';
import { MANAGED_BY } from '../render/model';
import { KUSTOMIZATION_MARK } from './files';
import { listFiles } from '../k8s/files';
import { fileSystemError, FileSystemError, shownPath } from './fs-errors';
import { acquireLock, LockOptions } from './lock';
import { checkBeforeWriting, contains, outputDirectoryProblem, prepareToRead, recoverInterruptedSwap, SwapPaths, swapPaths } from './outdir';

/** What a write did, by relative path; each list sorted. */
export interface WriteReport {
  readonly written: string[];
  readonly unchanged: string[];
  readonly removed: string[];
  /** Files in the output directory that netiso did not generate: kept, never deleted. */
  readonly foreign: string[];
}

/** Options of {@link writeTree}. */
export interface WriteOptions {
  /** Only compare: report what a write would do and touch nothing (`netiso synth --check`). */
  readonly dryRun?: boolean;
  /**
   * Write into an existing directory that does not look like netiso's output (see
   * {@link outputDirectoryProblem}). Files netiso did not write are still kept.
   * @default false
   */
  readonly force?: boolean;
  /** Waiting for another run that writes the same directory. @default fail at once */
  readonly lock?: LockOptions;
}

/**
 * Replaces the generated files under `outdir` with `files` (`[relative path, content]`, e.g. a
 * `Map` or a `streamTree()`, consumed once), all or nothing: the new tree is built
 * in a sibling staging directory and swapped in with renames, so a failure leaves the previous
 * tree as it was. Unchanged files are hard-linked (their mtime is kept), stale generated files
 * disappear, and files netiso did not generate are carried over and reported.
 *
 * Before anything is moved it takes the directory's lock (`<outdir>.netiso-lock`), refuses a
 * directory that is not netiso's output (unless `force`), one that contains the current
 * directory, and one it could not replace (read-only, a mount point, a full disk).
 * When `outdir` is a symbolic link, the directory it points to is replaced and the link is kept.
 * A run interrupted at any point (even killed) is repaired by the next one.
 * @throws FileSystemError with a one-line message naming the path and the fix.
 */
export function writeTree(outdir: string, files: Iterable<readonly [string, string]>, options: WriteOptions = {}): WriteReport {
  const paths = swapPaths(outdir);
  if (contains(paths.target, process.cwd())) {
    throw new FileSystemError(`${shownPath(outdir)} contains the current directory; netiso replaces its output directory as a whole, so give it a directory of its own (e.g. dist)`, paths.target);
  }
  if (options.dryRun) {
    prepareToRead(outdir, options.lock);
    refuseForeignDirectory(paths.target, options.force);
    try {
      return compareAndStage(paths, files, undefined);
    } catch (e) {
      throw fileSystemError(e);
    }
  }
  try {
    fs.mkdirSync(path.dirname(paths.target), { recursive: true });
  } catch (e) {
    throw fileSystemError(e);
  }
  const lock = acquireLock(paths.target, options.lock);
  try {
    recoverInterruptedSwap(paths);
    refuseForeignDirectory(paths.target, options.force);
    return replace(paths, files, () => lock.refresh());
  } finally {
    lock.release();
  }
}

function refuseForeignDirectory(target: string, force = false): void {
  const problem = force ? undefined : outputDirectoryProblem(target);
  if (problem) throw new FileSystemError(`${problem}; check the output directory, or pass --force to write into it anyway (files netiso did not write are kept)`, target);
}

/** Stages the new tree, swaps it in, removes the old one. Only the lock holder calls this. */
function replace(paths: SwapPaths, files: Iterable<readonly [string, string]>, alive: () => void): WriteReport {
  const { target, staging, backup } = paths;
  const outcome = `${shownPath(target)} was left as it was`;
  let report: WriteReport;
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    const targetStat = fs.statSync(target, { throwIfNoEntry: false });
    report = compareAndStage(paths, files, alive);
    if (targetStat) {
      // Last, so that a read-only mode does not stop the staging writes.
      fs.chmodSync(staging, targetStat.mode & 0o7777);
      fs.renameSync(target, backup);
    }
    fs.renameSync(staging, target);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    recoverInterruptedSwap(paths);
    throw fileSystemError(e, { outcome });
  }
  try {
    fs.rmSync(backup, { recursive: true, force: true });
  } catch (e) {
    throw fileSystemError(e, {
      fix: `the new tree is in place, but the previous one is left in ${shownPath(backup)}: remove it by hand (chmod -R u+w ${shownPath(backup)} && rm -rf ${shownPath(backup)})`,
    });
  }
  return report;
}

/**
 * Sorts every file into written, unchanged, removed or foreign, comparing `files` with the tree
 * on disk. With `alive` (a real write) it also builds the staging directory; without (a dry run)
 * it touches nothing.
 */
function compareAndStage({ target, staging }: SwapPaths, files: Iterable<readonly [string, string]>, alive: (() => void) | undefined): WriteReport {
  const dryRun = alive === undefined;
  const report: WriteReport = { written: [], unchanged: [], removed: [], foreign: [] };
  const old = new Set(fs.existsSync(target) ? listFiles(target) : []);
  if (!dryRun) checkBeforeWriting(target, directoriesOf(old));
  // One mkdir per directory, not per file: a project directory holds a dozen files.
  const made = new Set<string>();
  const ensureParent = (rel: string) => {
    const dir = path.posix.dirname(rel);
    if (made.has(dir)) return;
    fs.mkdirSync(path.join(staging, dir), { recursive: true });
    made.add(dir);
  };
  // In a dry run every staging operation is skipped; the classification is the same.
  const stage = (op: () => void) => { if (!dryRun) op(); };
  stage(() => fs.mkdirSync(staging, { recursive: true }));
  const generated = new Set<string>();
  const generatedDirs = new Set<string>();
  for (const [rel, content] of files) {
    // Validation makes paths unique; a repeat would silently drop a manifest.
    if (generated.has(rel)) throw new Error(`internal error: ${rel} is generated twice`);
    generated.add(rel);
    for (let dir = path.posix.dirname(rel); dir !== '.' && !generatedDirs.has(dir); dir = path.posix.dirname(dir)) generatedDirs.add(dir);
    const from = path.join(target, rel);
    const to = path.join(staging, rel);
    alive?.();
    stage(() => ensureParent(rel));
    if (old.has(rel) && hasContent(from, content)) {
      stage(() => linkOrCopy(from, to));
      report.unchanged.push(rel);
    } else {
      stage(() => fs.writeFileSync(to, content));
      report.written.push(rel);
    }
  }
  for (const rel of old) {
    if (generated.has(rel)) continue;
    if (isGenerated(path.join(target, rel))) {
      report.removed.push(rel);
      continue;
    }
    const clash = clashWithGenerated(rel, generated, generatedDirs);
    if (clash) {
      throw new FileSystemError(`${shownPath(path.join(target, rel))} was not written by netiso, and ${clash}; move it out of ${shownPath(target)} and run again; ${shownPath(target)} was left as it was`, path.join(target, rel));
    }
    stage(() => {
      ensureParent(rel);
      carryOver(path.join(target, rel), path.join(staging, rel));
    });
    report.foreign.push(rel);
  }
  return sorted(report);
}

/**
 * Why a kept file cannot stay where it is: netiso now writes a directory of that name (e.g. a
 * symbolic link in place of a project directory), or a file in place of one of its parents.
 */
function clashWithGenerated(rel: string, generated: ReadonlySet<string>, generatedDirs: ReadonlySet<string>): string | undefined {
  if (generatedDirs.has(rel)) return 'netiso writes a directory of that name';
  for (let dir = path.posix.dirname(rel); dir !== '.'; dir = path.posix.dirname(dir)) {
    if (generated.has(dir)) return `netiso writes a file at ${dir}`;
  }
  return undefined;
}

/** The directories holding `files`, below their root. */
function directoriesOf(files: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const rel of files) {
    for (let dir = path.posix.dirname(rel); dir !== '.' && !dirs.has(dir); dir = path.posix.dirname(dir)) dirs.add(dir);
  }
  return dirs;
}

// Sorted so the report does not depend on definition order.
function sorted(report: WriteReport): WriteReport {
  for (const list of Object.values(report)) list.sort();
  return report;
}

// The label every generated manifest carries, as one YAML line; derived so the two cannot drift.
const MANAGED_BY_LINE = new RegExp(`^\\s+${Object.entries(MANAGED_BY).map(([k, v]) => `${k}: ${v}`.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))[0]}$`, 'm');

/** True when netiso wrote the file: a manifest with its managed-by label, or its kustomization. */
export function isGenerated(file: string): boolean {
  const name = path.basename(file);
  if (!/\.ya?ml$/.test(name) || !fs.lstatSync(file).isFile()) return false;
  const text = fs.readFileSync(file, 'utf8');
  if (name === 'kustomization.yaml') return text.startsWith(KUSTOMIZATION_MARK);
  return MANAGED_BY_LINE.test(text);
}

function hasContent(file: string, content: string): boolean {
  const stat = fs.lstatSync(file);
  // A size mismatch settles most changed files without reading them.
  return stat.isFile() && stat.size === Buffer.byteLength(content) && fs.readFileSync(file, 'utf8') === content;
}

// A user's symbolic link is carried over as a link; copying it would turn it into a file.
function carryOver(from: string, to: string): void {
  if (fs.lstatSync(from).isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else linkOrCopy(from, to);
}

function linkOrCopy(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
    const { atime, mtime } = fs.statSync(from);
    fs.utimesSync(to, atime, mtime);
  }
}
