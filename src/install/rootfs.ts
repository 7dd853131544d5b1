// Paths inside an install root (`--root DIR`, default /): symlinks resolve within the
// root, tools are looked up in the root's own bin directories.
import { constants } from 'node:fs';
import { access, lstat, open, readlink, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';

const BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

/** The host path of PATH (absolute, as seen inside ROOT). */
export function inRoot(root: string, path: string): string {
  return root === '/' ? posix.normalize(path) : join(root, path);
}

export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

export async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The host path of the first executable TOOL in ROOT's bin directories. */
export async function findTool(root: string, tool: string): Promise<string | undefined> {
  for (const dir of BIN_DIRS) {
    const path = inRoot(root, `${dir}/${tool}`);
    if (await access(path, constants.X_OK).then(() => true, () => false)) {
      if ((await stat(path)).isFile()) return path;
    }
  }
  return undefined;
}

/** The nearest ancestor of PATH (or PATH itself) that exists. */
export async function existingAncestor(path: string): Promise<string> {
  let p = path;
  while (!(await exists(p)) && p !== posix.dirname(p)) p = posix.dirname(p);
  return p;
}

/**
 * Each directory on the way to PATH, and PATH itself, with symlinks followed inside
 * ROOT (an absolute link target means ROOT + target). Fails with ENOENT like open(2).
 */
export async function walk(root: string, path: string): Promise<{ dirs: string[]; file: string }> {
  const pending = path.split('/').filter(Boolean);
  const dirs: string[] = ['/'];
  let here = '/';
  for (let hops = 0; pending.length > 0; ) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      here = posix.dirname(here);
      continue;
    }
    const next = posix.join(here, part);
    const info = await lstat(inRoot(root, next));
    if (info.isSymbolicLink()) {
      if (++hops > 40) throw Object.assign(new Error(`${path}: too many levels of symbolic links`), { code: 'ELOOP' });
      const target = await readlink(inRoot(root, next));
      pending.unshift(...target.split('/').filter(Boolean));
      if (target.startsWith('/')) here = '/';
      continue;
    }
    here = next;
    if (pending.length > 0) dirs.push(here);
  }
  return { dirs, file: here };
}

/**
 * The first MAX bytes of a regular file as text, '' when it is anything else: with
 * --root DIR the file is DIR's owner's, and a FIFO planted there must not hang root.
 */
export async function readSmall(path: string, max = 4096): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (handle === undefined) return '';
  try {
    const st = await handle.stat();
    // /proc files report size 0 and are read to the end all the same
    if (!st.isFile()) return '';
    const buf = Buffer.alloc(max);
    let got = 0;
    for (let n = -1; n !== 0 && got < max; got += n) n = (await handle.read(buf, got, max - got, got)).bytesRead;
    return buf.subarray(0, got).toString('latin1');
  } catch {
    return '';
  } finally {
    await handle.close();
  }
}
