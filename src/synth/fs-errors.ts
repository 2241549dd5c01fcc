import * as path from 'path';

/**
 * A file-system problem or a refused write: one line that names the path and the fix. The CLI
 * prints the message alone (no stack trace) and exits 2, unlike invalid definitions (exit 1).
 */
export class FileSystemError extends Error {
  constructor(message: string, public readonly path?: string) {
    super(message);
    this.name = 'FileSystemError';
  }
}

/**
 * An error from Node's `fs`, carrying `code` (`ENOSPC`) and usually `path` and `syscall`. Not
 * checked with `instanceof Error`: errors from another realm (a vm context, as under jest) fail it.
 */
export function isErrnoException(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof e === 'object' && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && typeof (e as Error).message === 'string';
}

/** What an errno code means, and what to do about it unless the caller knows better. */
const CAUSES: Readonly<Record<string, { readonly problem: string; readonly fix: string }>> = {
  ENOSPC: { problem: 'no space left on the device', fix: 'free some space on that file system and run again' },
  EDQUOT: { problem: 'disk quota exceeded', fix: 'free some space or raise the quota and run again' },
  EACCES: { problem: 'permission denied', fix: 'make it writable for this user (e.g. chmod u+w) or choose another path' },
  EPERM: { problem: 'operation not permitted', fix: 'make it writable for this user (e.g. chmod u+w) or choose another path' },
  EROFS: { problem: 'the file system is read-only', fix: 'choose a path on a writable file system' },
  ENOTDIR: { problem: 'a part of the path is a file, not a directory', fix: 'move that file away or choose another path' },
  EISDIR: { problem: 'it is a directory', fix: 'move the directory away or choose another path' },
  ENOENT: { problem: 'no such file or directory', fix: 'check the path' },
  EEXIST: { problem: 'something is already there', fix: 'move it away and run again' },
  ENOTEMPTY: { problem: 'the directory is not empty', fix: 'move its contents away and run again' },
  ELOOP: { problem: 'too many levels of symbolic links', fix: 'fix the symbolic link that points back at itself' },
  ENAMETOOLONG: { problem: 'the path is too long', fix: 'choose a shorter path' },
  EMFILE: { problem: 'too many open files', fix: 'raise the limit (ulimit -n) and run again' },
  ENFILE: { problem: 'too many open files in the system', fix: 'close other programs or raise the limit and run again' },
  EBUSY: { problem: 'the path is busy (a mount point?)', fix: 'use a plain directory that is not a mount point' },
  EXDEV: { problem: 'the rename crosses file systems (a mount point?)', fix: 'use a plain directory that is not a mount point' },
  EIO: { problem: 'input/output error', fix: 'check the disk' },
};

/** How messages show a path: relative to the current directory when below it, else absolute. */
export function shownPath(p: string): string {
  const abs = path.resolve(p);
  const rel = path.relative(process.cwd(), abs);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

/** The verb for a failed system call, so that `cannot <verb> <path>` reads naturally. */
const VERBS: Readonly<Record<string, string>> = {
  open: 'write', write: 'write', copyfile: 'copy', link: 'link', symlink: 'link', mkdir: 'create', rename: 'rename',
  unlink: 'remove', rmdir: 'remove', rm: 'remove', scandir: 'read', read: 'read', stat: 'read', lstat: 'read', readlink: 'read',
  chmod: 'change the mode of', utime: 'set the time of', futime: 'set the time of', access: 'write to', statfs: 'check the free space of',
};

/** Options of {@link fileSystemError}. */
export interface FileSystemErrorOptions {
  /** What was being done, e.g. `create the lock`; by default derived from the failed system call. */
  readonly action?: string;
  /** The path to name when the error carries none (or a less useful one). */
  readonly path?: string;
  /** Replaces the default fix of the error's code. */
  readonly fix?: string;
  /** Appended after the fix, e.g. `dist was left as it was`. */
  readonly outcome?: string;
}

/**
 * Turns an error of Node's `fs` into a one-line {@link FileSystemError}:
 * `cannot write dist.netiso-tmp/a.yaml: no space left on the device (ENOSPC); free some space …`.
 * Any other error is returned unchanged, so that bugs keep their stack trace.
 */
export function fileSystemError(e: unknown, options: FileSystemErrorOptions = {}): unknown {
  if (e instanceof FileSystemError || !isErrnoException(e)) return e;
  const code = e.code!;
  const action = options.action ?? VERBS[e.syscall ?? ''] ?? 'use';
  const where = options.path ?? e.path;
  const cause = CAUSES[code] ?? { problem: e.message.replace(/^E[A-Z0-9]+: /, '').replace(/, \w+ '.*'$/, ''), fix: 'check the path and run again' };
  const parts = [`cannot ${action}${where ? ` ${shownPath(where)}` : ''}: ${cause.problem} (${code})`, options.fix ?? cause.fix];
  if (options.outcome) parts.push(options.outcome);
  return new FileSystemError(parts.join('; '), where);
}
