// `logs [-n N] [-f]` (contract §3): the last N lines, then new ones as they come,
// across copytruncate (the file shrinks: read again from 0) and rotation by rename
// (the path names a new inode: finish the old file, then read the new one from 0).
// The `tail` package loses lines in both cases (see docs/design.md), so this reads by fd.
import { dirname } from 'node:path';
import { fs } from './builtins.js';
import { lastLines } from './logfile.js';

const POLL_MS = 250;
const CHUNK = 64 * 1024;

export function printLastLines(path: string, count: number): number {
  const { lines, end } = lastLines(path, count);
  for (const line of lines) fs.writeSync(1, `${line}\n`);
  return end;
}

function inodeOf(path: string): number | undefined {
  try {
    return fs.statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Print what is appended to `path` from byte `offset` on; never resolves. */
export function follow(path: string, offset: number): Promise<never> {
  let fd: number | undefined;
  let inode: number | undefined;
  const buffer = Buffer.alloc(CHUNK);

  const drain = (): void => {
    if (fd === undefined) return;
    for (;;) {
      const length = fs.readSync(fd, buffer, 0, CHUNK, offset);
      if (length === 0) break;
      fs.writeSync(1, buffer, 0, length);
      offset += length;
    }
  };
  const reopen = (): void => {
    try {
      fd = fs.openSync(path, 'r');
      inode = fs.fstatSync(fd).ino;
    } catch {
      fd = inode = undefined; // not there (yet): the next check tries again
    }
  };
  const check = (): void => {
    if (fd === undefined) {
      reopen();
      offset = 0;
    }
    if (fd === undefined) return;
    if (fs.fstatSync(fd).size < offset) offset = 0; // truncated in place (copytruncate)
    drain();
    const now = inodeOf(path);
    if (now !== undefined && now !== inode) {
      drain(); // lines the writer put in the old file before it moved
      fs.closeSync(fd);
      reopen();
      offset = 0;
      drain();
    }
  };

  reopen();
  check();
  // The directory watch sees writes, truncation and renames at once; the timer covers
  // file systems where inotify says nothing (NFS) and a directory created later.
  try {
    fs.watch(dirname(path), { persistent: true }, () => check());
  } catch {}
  setInterval(check, POLL_MS);
  return new Promise<never>(() => {});
}
