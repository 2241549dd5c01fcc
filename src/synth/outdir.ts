import * as fs from 'fs';
import * as path from 'path';
import { KUSTOMIZATION_MARK } from './files';
import { fileSystemError, FileSystemError, shownPath } from './fs-errors';
import { awaitUnlocked, LockOptions, lockPathOf, readHolder, describeHolder } from './lock';

/**
 * The directories of one swap: the new tree is built in `staging`, then `target` is renamed to
 * `backup` and `staging` to `target`, and `backup` is removed. All three are siblings, so that
 * the renames stay on one file system.
 */
export interface SwapPaths {
  /** The output directory, symbolic links followed. */
  readonly target: string;
  readonly staging: string;
  readonly backup: string;
}

/** The swap directories of `outdir`; when `outdir` is a symbolic link, those of the directory it points to. */
export function swapPaths(outdir: string): SwapPaths {
  const target = followLinks(outdir);
  return { target, staging: `${target}.netiso-tmp`, backup: `${target}.netiso-old` };
}

// Renaming a symbolic link would replace the link, not the tree it points to.
function followLinks(outdir: string): string {
  let p = path.resolve(outdir);
  for (let hops = 0; hops < 40; hops++) {
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!stat?.isSymbolicLink()) return p;
    p = path.resolve(path.dirname(p), fs.readlinkSync(p));
  }
  throw new FileSystemError(`${shownPath(outdir)}: too many levels of symbolic links; fix the link that points back at itself`, outdir);
}

/**
 * A run that died between the two renames left only the backup (put it back); one that died
 * after them left both (the new tree is complete: drop the backup, or the next swap could not
 * rename onto it). Only the lock holder may call this.
 */
export function recoverInterruptedSwap({ target, backup }: SwapPaths): void {
  if (!fs.existsSync(backup)) return;
  try {
    if (fs.existsSync(target)) fs.rmSync(backup, { recursive: true, force: true });
    else fs.renameSync(backup, target);
  } catch (e) {
    throw fileSystemError(e, { action: 'recover the interrupted swap at', path: backup, fix: `remove ${shownPath(backup)} by hand if ${shownPath(target)} is complete, else move it back to ${shownPath(target)}` });
  }
}

/**
 * Gets an output directory ready to be read without writing to it (`synth --check`, `gitops`,
 * `diff` of a directory): waits while a synth holds its lock, then refuses a tree that an
 * interrupted swap left in the backup. A swap that completed but did not remove its backup
 * leaves a complete tree, which is read.
 * @returns the directory to read (symbolic links followed).
 * @throws FileSystemError for an interrupted swap or a lock held past `waitMs`.
 */
export function prepareToRead(outdir: string, lock: LockOptions = {}): string {
  const paths = swapPaths(outdir);
  awaitUnlocked(paths.target, lock);
  if (!fs.existsSync(paths.target) && fs.existsSync(paths.backup)) {
    const holder = readHolder(lockPathOf(paths.target));
    throw new FileSystemError(
      `${shownPath(outdir)} is missing: ${holder ? describeHolder(holder) : 'a netiso synth'} was interrupted while replacing it, and the previous tree is in ${shownPath(paths.backup)}; `
      + `run \`netiso synth\` to restore and update it (or move ${shownPath(paths.backup)} back to ${shownPath(outdir)})`,
      paths.backup,
    );
  }
  return paths.target;
}

/** How many top-level entries a refusal names before it says "and N more". */
const NAMED = 5;

/**
 * Why `target` does not look like a directory netiso writes, or undefined when it does. It does
 * when it does not exist, is empty, or holds only cluster directories (each with netiso's
 * `kustomization.yaml`, or left with hand-placed files only after its cluster was removed) and
 * hidden files such as `.gitkeep`, with at least one netiso cluster directory. So a mistyped
 * `--outdir` (`.`, `src`, a cluster directory `dist/demo`) is refused before anything is moved.
 * @throws FileSystemError when `target` is a file.
 */
export function outputDirectoryProblem(target: string): string | undefined {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return undefined;
  if (!stat.isDirectory()) throw new FileSystemError(`${shownPath(target)} is a file, not a directory; move it away or choose another output directory`, target);
  let clusters = 0;
  const foreign: string[] = [];
  const entries = fs.readdirSync(target, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name === 'kustomization.yaml' && isNetisoKustomization(path.join(target, entry.name))) {
      return `${shownPath(target)} holds a kustomization.yaml netiso wrote for a cluster or project: it is a directory inside a netiso output directory, not one itself`;
    }
    if (entry.isDirectory()) {
      if (isNetisoKustomization(path.join(target, entry.name, 'kustomization.yaml'))) clusters++;
    } else if (!entry.name.startsWith('.')) {
      foreign.push(entry.name);
    }
  }
  if (foreign.length) {
    const named = foreign.slice(0, NAMED).join(', ') + (foreign.length > NAMED ? ` and ${foreign.length - NAMED} more` : '');
    return `${shownPath(target)} does not look like a netiso output directory: it holds ${named}, which netiso did not write (netiso writes only <cluster>/ directories there)`;
  }
  if (clusters === 0 && entries.some((e) => !e.name.startsWith('.'))) {
    return `${shownPath(target)} does not look like a netiso output directory: none of its directories is a cluster directory netiso wrote`;
  }
  return undefined;
}

/** True when `file` is a `kustomization.yaml` netiso wrote (it starts with netiso's mark). */
export function isNetisoKustomization(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const head = Buffer.alloc(KUSTOMIZATION_MARK.length);
      fs.readSync(fd, head, 0, head.length, 0);
      return head.toString('utf8') === KUSTOMIZATION_MARK;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** True when `inner` is `outer` or below it. */
export function contains(outer: string, inner: string): boolean {
  const rel = path.relative(path.resolve(outer), path.resolve(inner));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Refuses before anything is moved what would make the swap fail half-way: a directory of the old
 * tree that cannot be modified (its backup could not be removed, and every later run would fail
 * on it), an output directory that is a mount point (it cannot be renamed), and a file system
 * that is (nearly) full.
 * @param dirs the directories below `target` in the old tree, relative to it.
 */
export function checkBeforeWriting(target: string, dirs: Iterable<string>): void {
  const outcome = `${shownPath(target)} was left as it was`;
  const parent = path.dirname(target);
  const targetStat = fs.statSync(target, { throwIfNoEntry: false });
  if (targetStat && targetStat.dev !== fs.statSync(parent).dev) {
    throw new FileSystemError(`${shownPath(target)} is a mount point, which netiso cannot replace (it swaps in the new tree by renaming); write to a directory inside it, or to a plain directory; ${outcome}`, target);
  }
  let count = 0;
  for (const rel of targetStat ? ['', ...dirs] : []) {
    count++;
    const dir = path.join(target, rel);
    try {
      fs.accessSync(dir, fs.constants.W_OK);
    } catch (e) {
      const mode = (fs.statSync(dir).mode & 0o777).toString(8).padStart(4, '0');
      throw fileSystemError(e, {
        action: 'modify',
        path: dir,
        fix: `netiso replaces the files under ${shownPath(target)} and must be able to remove the old ones (mode ${mode}): make it writable (chmod -R u+w ${shownPath(target)}) or choose another output directory`,
        outcome,
      });
    }
  }
  // A lower bound: every directory of the tree needs a block and an inode again (unchanged files
  // are hard-linked, changed ones need their size, which is not known before they are rendered).
  const fsStat = fs.statfsSync(fs.existsSync(target) ? target : parent);
  const needBytes = 1024 * 1024 + count * fsStat.bsize;
  const freeBytes = fsStat.bavail * fsStat.bsize;
  const fix = `free some space on that file system and run again; ${outcome}`;
  if (freeBytes < needBytes) {
    throw new FileSystemError(`not enough space to write ${shownPath(target)}: ${mb(freeBytes)} free, at least ${mb(needBytes)} needed; ${fix}`, target);
  }
  // Some file systems (btrfs) have no inode limit and report 0 inodes in total.
  if (fsStat.files > 0 && fsStat.ffree < count + 100) {
    throw new FileSystemError(`not enough free inodes to write ${shownPath(target)}: ${fsStat.ffree} free, at least ${count + 100} needed; ${fix}`, target);
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
