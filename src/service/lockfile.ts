// The LSB lock file (the `lockfile` option, e.g. /var/lock/subsys/NAME): an empty
// file that says "started by its init script", which `status` reports as 2 when the
// pid file is gone. Not the controllers' lock (lock.ts).
//
// Root creates it, often under a world-writable /run/lock, so it gets the pid file's
// protections (docs/contract.md §2): its directory is created only when missing and must be
// root's all the way from / (trusted-path.ts; a root-owned sticky directory such as
// /run/lock itself counts, since no one else can rename or remove what root creates
// there); the file is opened without following
// a symbolic link and without blocking on a FIFO, and checked on the descriptor.
import { dirname } from 'node:path';
import { fs } from './builtins.js';
import { ServiceFailure } from './outcome.js';
import { ensureTrustedDirectory } from './trusted-path.js';

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return /^[A-Z0-9]+: ([^,]+)/.exec((error as Error).message)?.[1] ?? (error as Error).message;
}

function failure(error: unknown, what: string): ServiceFailure {
  if (error instanceof ServiceFailure) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const outcome = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'insufficientPrivilege' : 'genericError';
  return new ServiceFailure(outcome, `${what}: ${reason(error)}`);
}

const refuse = (path: string, why: string): ServiceFailure =>
  new ServiceFailure('insufficientPrivilege', `refusing to create lock file ${path}: ${why}`);

/**
 * Before the daemon is spawned: the lock file's directory exists (created 0755 when
 * missing) and, as root, only root can replace what is in it; what is at the path,
 * if anything, is a regular file of ours. Throws ServiceFailure. createLockfile()
 * checks again on the descriptor: this early look only spares spawning a daemon.
 */
export function prepareLockfile(path: string): void {
  const dir = dirname(path);
  let problem: string | undefined;
  try {
    problem = ensureTrustedDirectory(dir, { sticky: true });
  } catch (error) {
    throw failure(error, `cannot create directory ${dir} for lock file ${path}`);
  }
  if (problem) throw refuse(path, problem);
  const found = existing(path);
  if (found?.isSymbolicLink()) throw refuse(path, 'it is a symbolic link');
  if (found && !found.isFile()) throw refuse(path, 'it is not a regular file');
  const euid = process.geteuid?.();
  if (found && euid !== undefined && found.uid !== euid) throw refuse(path, `it is owned by uid ${found.uid}`);
}

function existing(path: string): import('node:fs').Stats | undefined {
  try {
    return fs.lstatSync(path);
  } catch {
    return undefined;
  }
}

/** After a successful start: create the lock file (0644), or find ours there. */
export function createLockfile(path: string): void {
  prepareLockfile(path);
  const c = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(path, c.O_WRONLY | c.O_CREAT | c.O_NOFOLLOW | c.O_NONBLOCK, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // EACCES, not ELOOP, where fs.protected_symlinks guards a sticky directory
    if (code === 'ELOOP' || existing(path)?.isSymbolicLink()) throw refuse(path, 'it is a symbolic link');
    if (code === 'ENXIO' || code === 'EISDIR') throw refuse(path, 'it is not a regular file');
    throw failure(error, `cannot create lock file ${path}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    const euid = process.geteuid?.();
    if (!stat.isFile()) throw refuse(path, 'it is not a regular file');
    if (euid !== undefined && stat.uid !== euid) throw refuse(path, `it is owned by uid ${stat.uid}`);
    if (stat.nlink !== 1) throw refuse(path, `it has ${stat.nlink} links`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Remove the lock file; unlink never follows a symbolic link, and a directory put there is left alone. */
export function removeLockfile(path: string): void {
  try {
    if (fs.lstatSync(path).isDirectory()) return;
    fs.unlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw failure(error, `cannot remove lock file ${path}`);
  }
}
