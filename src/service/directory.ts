// Directories the service writes into (docs/contract.md §2, §3): created with the documented
// mode whatever the umask, and, as root, trusted only when no other user could
// swap them or anything above them.
import { fs } from './builtins.js';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ServiceFailure } from './outcome.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;
/** Symbolic links followed while walking one path, as the kernel's own limit (MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * mkdir -p, with `mode` set by descriptor on every directory it creates: the umask
 * (077 under many config-management tools) must not make a directory narrower or wider
 * than documented (docs/contract.md §2: 0755). Existing directories are left alone.
 */
export function makeDirectory(path: string, mode: number): void {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if (fs.existsSync(dir) || dirname(dir) === dir) break;
    missing.unshift(dir);
  }
  for (const dir of missing) {
    try {
      fs.mkdirSync(dir, { mode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue; // someone else made it: not ours to chmod
      throw error;
    }
    // By descriptor, and only if what is there is the directory we just made, as us.
    const fd = fs.openSync(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isDirectory() || stat.uid !== process.geteuid?.()) {
        throw new ServiceFailure('insufficientPrivilege', `refusing to set the mode of ${dir}: it was replaced while being created`);
      }
      fs.fchmodSync(fd, mode);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** A path that names the directory open on `fd`, whatever happens to its name meanwhile. */
export function viaDescriptor(fd: number, name = ''): string {
  return name ? `/proc/self/fd/${fd}/${name}` : `/proc/self/fd/${fd}`;
}

/** Linux with /proc mounted: paths can be resolved relative to an open directory (an openat() stand-in). */
export function canOpenRelative(): boolean {
  return process.platform === 'linux' && fs.existsSync('/proc/self/fd');
}

/**
 * Why root must not trust this directory, or undefined when it may. A directory is safe
 * when owned by root and not writable by group or others. With a POSIX ACL the group
 * bits are the ACL mask (acl(5)), the most any named user or group entry grants: a
 * mask without write means no entry grants write, so reading the mode is enough and
 * no xattr (which Node cannot read) is needed. Ancestors may also be sticky and
 * root-owned (/tmp): there others cannot rename or remove what they do not own.
 */
function unsafeBecause(stat: import('node:fs').Stats, isAncestor: boolean): string | undefined {
  if (stat.uid !== 0) return `owned by uid ${stat.uid}`;
  const sticky = (stat.mode & 0o1000) !== 0;
  if ((stat.mode & 0o022) !== 0 && !(isAncestor && sticky)) return 'writable by other users (group or other write bit, or an ACL granting write)';
  return undefined;
}

/**
 * Open `dir` as root may trust it: walk from / one component at a time, each opened
 * O_DIRECTORY|O_NOFOLLOW relative to its verified parent and checked with fstat on that
 * descriptor (OpenSSH's safe_path rule, applied as the kernel resolves, not beforehand).
 * A symbolic link is followed only when the directory holding it is itself trusted.
 * Returns the open descriptor of `dir`; files created through viaDescriptor(fd, name)
 * land in the directory that was checked, even if its path is swapped after the check.
 */
export function openTrustedDirectory(dir: string, what: string): number {
  const refuse = (path: string, why: string): never => {
    throw new ServiceFailure('insufficientPrivilege', `refusing to write ${what}: directory ${path} is ${why}`);
  };
  if (!isAbsolute(dir)) dir = resolve(dir);
  let fd = fs.openSync('/', O_RDONLY | O_DIRECTORY);
  let at = '/';
  try {
    const rootProblem = unsafeBecause(fs.fstatSync(fd), true);
    if (rootProblem) refuse('/', rootProblem);
    let pending = dir.split('/').filter(Boolean);
    let links = 0;
    while (pending.length) {
      const name = pending.shift()!;
      if (name === '.') continue;
      if (name === '..') {
        // Only after a symlink target: go up from what was verified, never by name lookup.
        const up = dirname(at);
        const next = fs.openSync(up, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        fs.closeSync(fd);
        fd = next;
        at = up;
        const problem = pending.length ? undefined : unsafeBecause(fs.fstatSync(fd), false);
        if (problem) refuse(up, problem);
        continue;
      }
      const path = at === '/' ? `/${name}` : `${at}/${name}`;
      let next: number;
      try {
        next = fs.openSync(viaDescriptor(fd, name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ELOOP' && code !== 'ENOTDIR') throw error;
        let target: string;
        try {
          target = fs.readlinkSync(viaDescriptor(fd, name));
        } catch {
          throw error; // not a symlink: a file where a directory should be
        }
        if (++links > MAX_LINKS) refuse(path, 'behind too many symbolic links');
        // the link lives in a verified directory, so root (or the system) made it
        const rest = target.split('/').filter(Boolean);
        if (target.startsWith('/')) {
          fs.closeSync(fd);
          fd = fs.openSync('/', O_RDONLY | O_DIRECTORY);
          at = '/';
        }
        pending = [...rest, ...pending];
        continue;
      }
      fs.closeSync(fd);
      fd = next;
      at = path;
      const problem = unsafeBecause(fs.fstatSync(fd), pending.length > 0);
      if (problem) refuse(path, problem);
    }
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}
