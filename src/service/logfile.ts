// The log file (contract §3): opened for append, created 0640, handed to the
// daemon as its fd 1 and 2 so that everything it and its children write lands there.
import { fs } from './builtins.js';
import { dirname } from 'node:path';
import { ServiceFailure } from './outcome.js';

export function openLogForAppend(path: string): number {
  fs.mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  assertRoomFor(path);
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | noFollowForRoot(path);
  try {
    const fd = fs.openSync(path, flags | fs.constants.O_EXCL, 0o640);
    fs.fchmodSync(fd, 0o640); // the umask must not make a new log file wider or narrower than documented
    return fd;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      return fs.openSync(path, flags, 0o640);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'ELOOP') throw again;
      throw new ServiceFailure('insufficientPrivilege', `refusing to open log file ${path}: it is a symbolic link in a directory other users can write`);
    }
  }
}

/**
 * Contract §2 for the log file: as root, in a directory another user can write (a
 * service's own log directory often is), a symlink there may point anywhere: do not follow it.
 */
function noFollowForRoot(path: string): number {
  if (process.geteuid?.() !== 0) return 0;
  try {
    const dir = fs.statSync(dirname(path));
    const othersCanWrite = dir.uid !== 0 || (dir.mode & 0o002) !== 0 || ((dir.mode & 0o020) !== 0 && dir.gid !== 0);
    return othersCanWrite ? fs.constants.O_NOFOLLOW : 0;
  } catch {
    return 0;
  }
}

/**
 * A daemon's console ignores write errors, so on a full disk it would run on and
 * drop every line in silence: refuse to start instead, saying why.
 */
function assertRoomFor(path: string): void {
  let free: number;
  try {
    const stats = fs.statfsSync(dirname(path));
    free = process.geteuid?.() === 0 ? stats.bfree : stats.bavail; // root may use the reserved blocks
  } catch {
    return; // no statfs here: find out by writing
  }
  if (free === 0) throw new ServiceFailure('genericError', `cannot write log file ${path}: no space left on device`);
}

export function logSize(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * The last `count` lines of a file (after byte `from`) and the size they end at,
 * read backwards in blocks so a large log costs little.
 */
export function lastLines(path: string, count: number, from = 0): { lines: string[]; end: number } {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return { lines: [], end: 0 };
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (count <= 0) return { lines: [], end: size };
    const block = 64 * 1024;
    let position = size;
    let text = '';
    const start = from <= size ? from : 0; // a log truncated since then: read it all
    while (position > start) {
      const length = Math.min(block, position - start);
      position -= length;
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, position);
      text = buffer.toString('utf8') + text;
      if (text.split('\n').length > count + 1) break;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return { lines: lines.slice(-count), end: size };
  } finally {
    fs.closeSync(fd);
  }
}
