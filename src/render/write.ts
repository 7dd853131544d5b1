// Atomic file writes (temporary file in the same directory, rename), so a crash or a
// full disk never leaves a half-written service file behind. Files written into a
// system (install, --root) are also fsynced, so they survive a power cut; build
// output (--out) is not, like any compiler's: it waited 10 ms per run on fsync.
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink, chmod } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Makes temporary names unique within this process; the pid makes them unique across processes. */
let written = 0;

function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${++written}.tmp`);
}

/** Into a system: durable once it resolves. */
export async function writeFileAtomic(path: string, content: string, mode: number): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = tempName(path);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    await chmod(temp, mode); // the umask may have cleared bits that `mode` asks for
    await rename(temp, path);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/**
 * Build output: atomic but not fsynced, and synchronous (a dozen small files: no
 * thread-pool round trips). A file that already holds these bytes with this mode is
 * left alone, mtime and all, so a rebuild does not look like a change to make or rsync.
 * Returns whether it wrote.
 */
export function writeFileAtomicSync(path: string, content: string, mode: number): boolean {
  if (sameFileSync(path, content, mode)) return false;
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempName(path);
  const fd = openSync(temp, 'wx', mode);
  let closed = false;
  try {
    writeFileSync(fd, content);
    closeSync(fd);
    closed = true;
    chmodSync(temp, mode); // the umask may have cleared bits that `mode` asks for
    renameSync(temp, path);
  } catch (err) {
    if (!closed) closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  return true;
}

function sameFileSync(path: string, content: string, mode: number): boolean {
  try {
    const stat = lstatSync(path);
    if (!stat.isFile() || (stat.mode & 0o7777) !== mode || stat.size !== Buffer.byteLength(content)) return false;
    return readFileSync(path).equals(Buffer.from(content));
  } catch {
    return false;
  }
}

// POSIX: the rename is durable only once the directory itself is synced.
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

/** Why the file on disk is not what would be written, or undefined when it is. */
export async function fileDrift(path: string, content: string, mode: number): Promise<string | undefined> {
  let actual: Buffer;
  try {
    actual = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
  if (!actual.equals(Buffer.from(content))) return 'differs';
  const bits = (await stat(path)).mode & 0o7777;
  if (bits !== mode) return `mode is ${octal(bits)}, expected ${octal(mode)}`;
  return undefined;
}

export function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
