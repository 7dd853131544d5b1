// Whether only root can change what a directory holds, judged on the whole path:
// a root-owned directory reached through a symbolic link another user planted
// (/run/lock/subsys -> /etc, made in a world-writable /run/lock) is not root's
// choice, and neither is one whose parent another user can rename it in.
import { dirname, isAbsolute, join, sep } from 'node:path';
import { fs } from './builtins.js';
import { makeDirectory } from './directory.js';

const MAX_LINKS = 40; // as the kernel's own limit on symbolic links in one lookup

/** Another user can write it: the other write bit, or the group's for a group other than root's. */
export function othersCanWrite(stat: import('node:fs').Stats): boolean {
  return (stat.mode & 0o002) !== 0 || ((stat.mode & 0o020) !== 0 && stat.gid !== 0);
}

/**
 * Undefined when every directory from / down to `dir` is root's: owned by root and
 * writable by no one else, and every symbolic link on the way is owned by root.
 * Otherwise the reason. A sticky directory (/tmp) counts as root's above `dir`, since
 * there no one else can rename or remove what root made, and for `dir` itself when
 * `sticky` allows it. Throws the lstat error of a missing part.
 */
function untrustedDirectory(dir: string, { sticky = false } = {}): string | undefined {
  if (!isAbsolute(dir)) return `${dir} is not an absolute path`;
  let resolved = '/';
  const pending = dir.split(sep).filter(Boolean);
  let links = 0;
  for (;;) {
    const here = fs.statSync(resolved);
    const last = pending.length === 0;
    const writable = othersCanWrite(here) && !((sticky || !last) && (here.mode & 0o1000) !== 0);
    if (here.uid !== 0 || writable) return `directory ${resolved} is writable by other users`;
    const part = pending.shift();
    if (part === undefined) return undefined;
    if (part === '.') continue;
    if (part === '..') {
      resolved = join(resolved, '..');
      continue;
    }
    const next = join(resolved, part);
    const stat = fs.lstatSync(next);
    if (stat.isSymbolicLink()) {
      if (stat.uid !== 0) return `${next} is a symbolic link owned by uid ${stat.uid}`;
      if (++links > MAX_LINKS) return `${dir} has too many symbolic links`;
      const target = fs.readlinkSync(next);
      pending.unshift(...target.split(sep).filter(Boolean));
      if (isAbsolute(target)) resolved = '/';
      continue;
    }
    if (!stat.isDirectory()) return `${next} is not a directory`;
    resolved = next;
  }
}

/**
 * Create `dir` (0755, with its missing parents) and judge it. As root, the deepest
 * part that exists is judged before anything is created in it, so mkdir never follows
 * a link another user planted; then `dir` itself. Undefined, or the reason it is not root's.
 */
export function ensureTrustedDirectory(dir: string, { sticky = false } = {}): string | undefined {
  const asRoot = process.geteuid?.() === 0;
  let existing = dir;
  while (!fs.existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (existing !== dir) {
    // root's new directory inside a sticky one is safe: no one else may rename it
    const problem = asRoot ? untrustedDirectory(existing, { sticky: true }) : undefined;
    if (problem) return problem;
    makeDirectory(dir, 0o755); // 0755 whatever the umask (docs/contract.md §2)
  }
  return asRoot ? untrustedDirectory(dir, { sticky }) : undefined;
}
