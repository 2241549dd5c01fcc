import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import { fileSystemError, FileSystemError, shownPath } from './fs-errors';

/** Who holds an output directory's lock, as written in `<dir>.netiso-lock`. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** Tells two holders with the same pid apart (a reused pid, another container). */
  readonly nonce: string;
}

/** Options of {@link acquireLock} and {@link awaitUnlocked}. */
export interface LockOptions {
  /** How long to wait for a live holder before giving up. @default 0 (fail at once) */
  readonly waitMs?: number;
  /**
   * A lock from another host whose holder has not refreshed it for this long is stale (a process
   * there cannot be checked). On this host a lock is stale as soon as its process is gone.
   * @default 600000 (10 minutes)
   */
  readonly staleMs?: number;
  /** Called once when the lock is held by someone else and waiting starts. */
  readonly onWait?: (holder: LockHolder | undefined, lockPath: string) => void;
}

/** Path of the lock of output directory `target`: a sibling, so that it is never part of the tree. */
export function lockPathOf(target: string): string {
  return `${target}.netiso-lock`;
}

/**
 * An exclusive lock on one output directory, taken by creating `<dir>.netiso-lock` with `O_EXCL`:
 * two synths never write the same tree at once. {@link OutputLock.refresh} keeps the lock's
 * mtime current while the holder works, so a lock whose holder died on another host ages out.
 */
export class OutputLock {
  private lastRefresh = Date.now();

  /** @internal use {@link acquireLock} */
  constructor(public readonly path: string, private readonly fd: number, public readonly holder: LockHolder) {}

  /** Marks the lock as alive; cheap enough to call per file (it touches the file at most once a second). */
  public refresh(): void {
    const now = Date.now();
    if (now - this.lastRefresh < 1000) return;
    this.lastRefresh = now;
    fs.futimesSync(this.fd, new Date(now), new Date(now));
  }

  /** Releases the lock, unless another process broke it and holds its own. */
  public release(): void {
    fs.closeSync(this.fd);
    if (readHolder(this.path)?.nonce === this.holder.nonce) fs.rmSync(this.path, { force: true });
  }
}

/**
 * Takes the lock of output directory `target`, waiting up to `waitMs` for a live holder and
 * breaking a stale one (see {@link LockOptions.staleMs}).
 * @throws FileSystemError when the lock stays held, or cannot be created (read-only, no permission).
 */
export function acquireLock(target: string, options: LockOptions = {}): OutputLock {
  const lockPath = lockPathOf(target);
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), nonce: randomBytes(8).toString('hex') };
  const deadline = Date.now() + (options.waitMs ?? 0);
  let waiting = false;
  for (;;) {
    let fd: number;
    try {
      fd = fs.openSync(lockPath, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw fileSystemError(e, { action: 'create the lock', path: lockPath, fix: `netiso needs write access to the directory that holds ${shownPath(target)}` });
      }
      const current = readHolder(lockPath);
      if (isStale(lockPath, current, options.staleMs)) {
        breakLock(lockPath, current);
        continue;
      }
      if (Date.now() >= deadline) throw lockedError(target, lockPath, current);
      if (!waiting) options.onWait?.(current, lockPath);
      waiting = true;
      sleep(Math.min(200, Math.max(1, deadline - Date.now())));
      continue;
    }
    try {
      fs.writeSync(fd, `${JSON.stringify(holder)}\n`);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(lockPath, { force: true });
      throw fileSystemError(e, { action: 'write the lock', path: lockPath });
    }
    return new OutputLock(lockPath, fd, holder);
  }
}

/**
 * Waits until nobody holds the lock of `target` (readers: `--check`, `netiso gitops`, `netiso
 * diff`), so that they never read a tree in the middle of its swap. A stale lock counts as free.
 * @throws FileSystemError when a live holder keeps it past `waitMs`.
 */
export function awaitUnlocked(target: string, options: LockOptions = {}): void {
  const lockPath = lockPathOf(target);
  const deadline = Date.now() + (options.waitMs ?? 0);
  let waiting = false;
  for (;;) {
    if (!fs.existsSync(lockPath)) return;
    const current = readHolder(lockPath);
    if (isStale(lockPath, current, options.staleMs)) return;
    if (Date.now() >= deadline) throw lockedError(target, lockPath, current);
    if (!waiting) options.onWait?.(current, lockPath);
    waiting = true;
    sleep(Math.min(200, Math.max(1, deadline - Date.now())));
  }
}

/** The holder written in a lock file; undefined when it is gone or unreadable (being written). */
export function readHolder(lockPath: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.nonce === 'string') return parsed as LockHolder;
  } catch {
    // Missing, or caught between its creation and the write of its content.
  }
  return undefined;
}

/** How a holder reads in messages: `netiso (pid 4242 on build-1, since 2026-01-01T10:00:00.000Z)`. */
export function describeHolder(holder: LockHolder | undefined): string {
  return holder ? `netiso (pid ${holder.pid} on ${holder.host}, since ${holder.since})` : 'another netiso run';
}

function lockedError(target: string, lockPath: string, holder: LockHolder | undefined): FileSystemError {
  return new FileSystemError(
    `${shownPath(target)} is being written by ${describeHolder(holder)}; run again when it has finished `
    + `(if no such process exists any more, remove ${shownPath(lockPath)})`,
    lockPath,
  );
}

function isStale(lockPath: string, holder: LockHolder | undefined, staleMs = 600_000): boolean {
  const stat = fs.statSync(lockPath, { throwIfNoEntry: false });
  if (!stat) return false;
  // A lock without content is being written right now, unless it has been like that for a while.
  if (!holder) return Date.now() - stat.mtimeMs > 5000;
  if (holder.host === os.hostname()) return holder.pid === process.pid || !isAlive(holder.pid);
  return Date.now() - stat.mtimeMs > staleMs;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock. Renaming first makes the removal atomic: of two runs that found the same
 * stale lock, one renames it and the other gets ENOENT. If what was renamed is no longer the stale
 * lock (a third run took the lock in between), it is put back.
 */
function breakLock(lockPath: string, stale: LockHolder | undefined): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fileSystemError(e, { action: 'remove the stale lock', path: lockPath });
  }
  const taken = readHolder(aside);
  if (taken && stale && taken.nonce !== stale.nonce) {
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // Someone holds a newer lock already; theirs stands.
    }
  }
  fs.rmSync(aside, { force: true });
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
