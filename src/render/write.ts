// Atomic file writes (temporary file in the same directory, rename), so a crash or a
// full disk never leaves a half-written service file behind. Files written into a
// system (install, --root) are also fsynced, so they survive a power cut; build
// output (--out) is not, like any compiler's: every run waited on fsync (docs/benchmarks.md).
//
// Every path is confined to a tree (the --root or --out directory, "/" for the live
// system), which may belong to someone else: whoever owns it can plant symlinks and
// swap directories while root writes (docs/contract.md §5). So each directory on the
// way is opened by itself, without following a link, and the next name is looked up
// in that open directory (through /proc/self/fd/N, Linux's openat for a path-based
// API); a symlink is resolved by us, inside the tree, as chroot(2) would (an absolute
// target starts again at the tree, `..` stops at it), so DIR/etc -> /etc never leads
// to the host's /etc. The temporary file is created O_EXCL|O_NOFOLLOW and its mode
// set on the descriptor (fchmod), never by path. Without /proc (not Linux) the same
// walk uses plain paths, which a concurrent swap can still race; docs/install.md says so.
import { closeSync, constants, existsSync, fchmodSync, fstatSync, fsync, lstatSync, mkdirSync, openSync, readlinkSync, readSync, renameSync, rmSync, rmdirSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { posix, relative, resolve, sep } from 'node:path';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY, O_NONBLOCK } = constants;

/** Makes temporary names unique within this process; the pid makes them unique across processes. */
let written = 0;

/** A path that cannot be used safely inside its tree (a loop of links, a file where a directory should be). */
class UnsafePathError extends Error {
  readonly code = 'EUNSAFE';
}

let procFd: boolean | undefined;
export const hasProcFd = (): boolean => (procFd ??= existsSync(`/proc/self/fd`));

/** An open directory inside a tree. */
export interface OpenDir {
  fd: number;
  /** how to name an entry of it: /proc/self/fd/N, or its host path without /proc */
  at: string;
  /** as seen inside the tree */
  path: string;
}

const entry = (d: OpenDir, name: string): string => `${d.at}/${name}`;

function openDirAt(at: string, path: string): OpenDir {
  const fd = openSync(at, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  return { fd, at: hasProcFd() ? `/proc/self/fd/${fd}` : at, path };
}

export function closeDir(d: OpenDir): void {
  closeSync(d.fd);
}

/** Where PATH (a host path) lies inside TREE, as an absolute path; throws when it is outside. */
export function insideTree(tree: string, path: string): string {
  const rel = relative(resolve(tree), resolve(path));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`)) throw new UnsafePathError(`${path} is not inside ${tree}`);
  return posix.join('/', rel.split(sep).join('/'));
}

/**
 * Open directory DIR (as seen inside TREE), resolving symlinks inside TREE; with
 * CREATED, create missing directories one at a time and record them (as seen inside
 * TREE, outermost first). Undefined when a directory is missing (or a file
 * stands in its place) and CREATED is not given.
 */
export function openDirIn(tree: string, dir: string, created?: string[]): OpenDir | undefined {
  // the tree itself is what the caller named (--root, --out): it may be a symlink
  if (created !== undefined) mkdirSync(tree, { recursive: true });
  let rootFd: number;
  try {
    rootFd = openSync(tree, O_RDONLY | O_DIRECTORY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const stack: OpenDir[] = [{ fd: rootFd, at: hasProcFd() ? `/proc/self/fd/${rootFd}` : resolve(tree), path: '/' }];
  const pending = dir.split('/').filter(Boolean);
  let hops = 0;
  let made = 0;
  try {
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '.') continue;
      if (part === '..') {
        if (stack.length > 1) closeDir(stack.pop() as OpenDir);
        continue;
      }
      const top = stack.at(-1) as OpenDir;
      const name = entry(top, part);
      const inside = posix.join(top.path, part);
      try {
        stack.push(openDirAt(name, inside));
        continue;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          if (created === undefined) return undefined;
          // bounded: someone removing each directory as soon as it is made must not keep root here
          if (++made > 256) throw new UnsafePathError(`${inside} under ${tree} keeps disappearing`);
          try {
            mkdirSync(name);
            created.push(inside);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          }
          pending.unshift(part); // open what is there now, whoever made it
          continue;
        }
        if (code !== 'ELOOP' && code !== 'ENOTDIR' && code !== 'EMLINK') throw err;
        if (!lstatSync(name).isSymbolicLink()) {
          // looking up: a file where a directory should be means nothing is there, as for open(2)
          if (created === undefined) return undefined;
          throw new UnsafePathError(`${inside} under ${tree} is not a directory`);
        }
        if (++hops > 40) throw new UnsafePathError(`${posix.join('/', dir)} under ${tree}: too many levels of symbolic links`);
        const target = readlinkSync(name);
        if (target.startsWith('/')) while (stack.length > 1) closeDir(stack.pop() as OpenDir);
        pending.unshift(...target.split('/').filter(Boolean));
      }
    }
    const found = stack.pop() as OpenDir;
    return found;
  } finally {
    for (const d of stack) closeDir(d);
  }
}

function splitIn(tree: string, path: string): { dir: string; base: string } {
  const inside = insideTree(tree, path);
  return { dir: posix.dirname(inside), base: posix.basename(inside) };
}

function tempName(base: string): string {
  return `.${base}.${process.pid}.${++written}.tmp`;
}

function openDirFor(tree: string, path: string, created?: string[]): { dir: OpenDir; base: string } {
  const { dir, base } = splitIn(tree, path);
  return { dir: openDirIn(tree, dir, created ?? []) as OpenDir, base };
}

/** Into a system: durable once it resolves. PATH is a host path inside TREE; missing directories are created (and listed in CREATED). */
export async function writeFileAtomic(path: string, content: string, mode: number, tree = '/', created?: string[]): Promise<void> {
  const { dir, base } = openDirFor(tree, path, created);
  try {
    const temp = entry(dir, tempName(base));
    const handle = await open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(content);
      await handle.chmod(mode); // by descriptor: the umask may have cleared bits that `mode` asks for
      await handle.sync();
      await handle.close();
      await rename(temp, entry(dir, base));
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    // POSIX: the rename is durable only once the directory itself is synced (off the
    // main thread, so that overlapping writes overlap their syncs; some file systems
    // cannot sync a directory, which is not an error).
    await new Promise<void>((done) => fsync(dir.fd, () => done()));
  } finally {
    closeDir(dir);
  }
}

/**
 * Build output: atomic but not fsynced, and synchronous (a dozen small files: no
 * thread-pool round trips). A file that already holds these bytes with this mode is
 * left alone, mtime and all, so a rebuild does not look like a change to make or rsync.
 * Returns whether it wrote.
 */
export function writeFileAtomicSync(path: string, content: string, mode: number, tree = '/'): boolean {
  const { dir, base } = openDirFor(tree, path);
  try {
    if (sameFileSync(entry(dir, base), content, mode)) return false;
    const temp = entry(dir, tempName(base));
    const fd = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    let closed = false;
    try {
      writeSync(fd, content);
      fchmodSync(fd, mode); // by descriptor: the umask may have cleared bits that `mode` asks for
      closeSync(fd);
      closed = true;
      renameSync(temp, entry(dir, base));
    } catch (err) {
      if (!closed) closeSync(fd);
      rmSync(temp, { force: true });
      throw err;
    }
    return true;
  } finally {
    closeDir(dir);
  }
}

function sameFileSync(at: string, content: string, mode: number): boolean {
  const found = readAt(at);
  return found.kind === 'file' && (found.mode & 0o7777) === mode && found.content.equals(Buffer.from(content));
}

/** What is at a path: a regular file (read from the descriptor that was checked), something else, or nothing. */
export type Found = { kind: 'missing' } | { kind: 'other' } | { kind: 'file'; content: Buffer; mode: number; uid: number };

const MAX_READ = 16 * 1024 * 1024;

function readAt(at: string): Found {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted here must not hang root
    fd = openSync(at, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'ENXIO') return { kind: 'other' };
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_READ) return { kind: 'other' };
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return { kind: 'file', content: buf.subarray(0, got), mode: st.mode, uid: st.uid };
  } finally {
    closeSync(fd);
  }
}

/** Read PATH (a host path inside TREE) without following a link at any step outside TREE, nor at PATH itself. */
export function readFileIn(tree: string, path: string): Found {
  const { dir, base } = splitIn(tree, path);
  const d = openDirIn(tree, dir);
  if (d === undefined) return { kind: 'missing' };
  try {
    return readAt(entry(d, base));
  } finally {
    closeDir(d);
  }
}

/** Remove PATH inside TREE (a symlink there is removed, not followed); RECURSIVE for a directory tree. False when absent. */
export function removeIn(tree: string, path: string, recursive = false): boolean {
  const { dir, base } = splitIn(tree, path);
  const d = openDirIn(tree, dir);
  if (d === undefined) return false;
  try {
    const at = entry(d, base);
    if (recursive) {
      if (!existsLink(at)) return false;
      rmSync(at, { recursive: true, force: true });
      return true;
    }
    unlinkSync(at);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  } finally {
    closeDir(d);
  }
}

/** rmdir PATH inside TREE when it is empty; false otherwise. */
export function removeDirIn(tree: string, path: string): boolean {
  const { dir, base } = splitIn(tree, path);
  const d = openDirIn(tree, dir);
  if (d === undefined) return false;
  try {
    rmdirSync(entry(d, base));
    return true;
  } catch {
    return false;
  } finally {
    closeDir(d);
  }
}

/** ln -sfn TARGET PATH inside TREE, creating PATH's directory (the link's own target is not followed here). */
export function symlinkIn(tree: string, target: string, path: string): void {
  const { dir, base } = openDirFor(tree, path);
  try {
    rmSync(entry(dir, base), { force: true });
    symlinkSync(target, entry(dir, base));
  } finally {
    closeDir(dir);
  }
}

/** mv FROM TO, both inside TREE, in one directory or two. */
export function renameIn(tree: string, from: string, to: string): void {
  const a = splitIn(tree, from);
  const src = openDirIn(tree, a.dir);
  if (src === undefined) throw Object.assign(new Error(`${from}: no such file or directory`), { code: 'ENOENT' });
  try {
    const dst = openDirFor(tree, to);
    try {
      renameSync(entry(src, a.base), entry(dst.dir, dst.base));
    } finally {
      closeDir(dst.dir);
    }
  } finally {
    closeDir(src);
  }
}

function existsLink(at: string): boolean {
  try {
    lstatSync(at);
    return true;
  } catch {
    return false;
  }
}

/** Why the file on disk is not what would be written, or undefined when it is. */
export async function fileDrift(path: string, content: string, mode: number, tree = '/'): Promise<string | undefined> {
  const found = readFileIn(tree, path);
  if (found.kind === 'missing') return 'missing';
  if (found.kind === 'other') return 'not a regular file';
  if (!found.content.equals(Buffer.from(content))) return 'differs';
  const bits = found.mode & 0o7777;
  if (bits !== mode) return `mode is ${octal(bits)}, expected ${octal(mode)}`;
  return undefined;
}

const WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'a directory is in the way',
  ENOTEMPTY: 'a directory is in the way',
  EEXIST: 'something is in the way',
};

/** An error of these functions as words, without the /proc/self/fd/N names they use. */
export function whyFailed(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return (e.code !== undefined && WORDS[e.code]) || (e.message ?? String(err)).replace(/\/proc\/self\/fd\/\d+\/?/g, '');
}

export function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
