// The log file (docs/contract.md §3): opened for append, created 0640, handed to the
// daemon as its fd 1 and 2 so that everything it and its children write lands there.
//
// Root opens it (at start, for `logs`, for the tail of a failed start) in a directory
// the service user often owns, so every open here is O_NOFOLLOW (a symbolic link is
// refused, never followed to a root-only file) and O_NONBLOCK (a FIFO cannot hang
// open() while we hold the lock), and what was opened is checked on the descriptor:
// a regular file with one link, owned by root, by us, by the directory's owner (who
// could replace it anyway) or by the service user, or any file in a directory only
// root can write. And every read is bounded
// (docs/design.md, "Logs"): a daemon can make its log any size, sparse, or one line.
import { fs, requireBuiltin } from './builtins.js';
import { dirname } from 'node:path';
import { ServiceFailure } from './outcome.js';
import { makeDirectory } from './directory.js';
import { othersCanWrite } from './trusted-path.js';

/** At most this much of the log's end is read to find the last lines. */
const MAX_TAIL_BYTES = 1024 * 1024;
/** A longer line is cut here, and says by how much. */
const MAX_LINE_BYTES = 4096;
const BLOCK = 64 * 1024;

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'no such file or directory';
  // "EIO: i/o error, read" -> "i/o error"
  return /^[A-Z0-9]+: ([^,]+)/.exec((error as Error).message)?.[1] ?? (error as Error).message;
}

/** Why an open failed, as the LSB outcome it is. Missing is `genericError`, with `missing` set. */
export class LogFailure extends ServiceFailure {
  constructor(
    outcome: 'insufficientPrivilege' | 'genericError',
    message: string,
    readonly missing = false,
  ) {
    super(outcome, message);
  }
}

function openFailure(path: string, error: unknown, verb: string): LogFailure {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return new LogFailure('insufficientPrivilege', `refusing to ${verb} log file ${path}: it is a symbolic link`);
  // ENXIO: a FIFO without a reader (O_WRONLY|O_NONBLOCK); EISDIR: a directory opened for writing
  if (code === 'ENXIO' || code === 'EISDIR') return new LogFailure('insufficientPrivilege', `refusing to ${verb} log file ${path}: it is not a regular file`);
  if (code === 'ENOENT') return new LogFailure('genericError', `no log file at ${path}`, true);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new LogFailure('insufficientPrivilege', `cannot ${verb} log file ${path}: ${reason(error)}`);
  return new LogFailure('genericError', `cannot ${verb} log file ${path}: ${reason(error)}`);
}

/** The uid of a user name or number, through NSS (`id`), or undefined. */
function uidOf(user: string): number | undefined {
  if (/^\d+$/.test(user)) return Number(user);
  try {
    const { execFileSync } = requireBuiltin<typeof import('node:child_process')>('node:child_process');
    const out = execFileSync('id', ['-u', '--', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
    return Number(out.trim());
  } catch {
    return undefined;
  }
}

/** Check what `fd` (opened at `path`) is; closes it and throws when it is not ours to use. */
function checkOpened(fd: number, path: string, verb: string, serviceUser: string | undefined): number {
  let problem: string | undefined;
  try {
    const stat = fs.fstatSync(fd);
    // A daemon may log to /dev/null: appending to a device is fine (no one but root
    // can make one), reading one (/dev/zero) would never end.
    if (verb === 'open' && stat.isCharacterDevice()) return fd;
    if (!stat.isFile()) problem = 'it is not a regular file';
    else if (stat.nlink !== 1) problem = `it has ${stat.nlink} links`;
    else if (stat.uid !== 0 && stat.uid !== process.geteuid?.()) {
      // Whoever owns the directory could replace the file anyway; in a directory only
      // root can write, root put it there (logrotate's `create 0640 app adm`, say).
      let dir: import('node:fs').Stats | undefined;
      try {
        dir = fs.statSync(dirname(path));
      } catch {}
      const rootOnly = dir !== undefined && dir.uid === 0 && !othersCanWrite(dir);
      const allowed = rootOnly || stat.uid === dir?.uid || (serviceUser !== undefined && stat.uid === uidOf(serviceUser));
      if (!allowed) problem = `it is owned by uid ${stat.uid}, not root or the service's user`;
    }
  } catch (error) {
    fs.closeSync(fd);
    throw openFailure(path, error, verb);
  }
  if (problem) {
    fs.closeSync(fd);
    throw new LogFailure('insufficientPrivilege', `refusing to ${verb} log file ${path}: ${problem}`);
  }
  return fd;
}

/** Open the log file for reading, or throw a LogFailure saying why not. */
export function openLogForReading(path: string, serviceUser?: string): number {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    throw openFailure(path, error, 'read');
  }
  return checkOpened(fd, path, 'read', serviceUser);
}

export function openLogForAppend(path: string, serviceUser?: string): number {
  try {
    makeDirectory(dirname(path), 0o755);
  } catch (error) {
    const failure = openFailure(dirname(path), error, 'create');
    throw new ServiceFailure(failure.outcome, `cannot create directory ${dirname(path)} for log file ${path}: ${reason(error)}`);
  }
  assertRoomFor(path);
  const c = fs.constants;
  const flags = c.O_WRONLY | c.O_APPEND | c.O_CREAT | c.O_NOFOLLOW | c.O_NONBLOCK;
  let fd: number;
  try {
    fd = fs.openSync(path, flags | c.O_EXCL, 0o640);
    fs.fchmodSync(fd, 0o640); // the umask must not make a new log file wider or narrower than documented
    return fd;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw openFailure(path, error, 'open');
  }
  try {
    fd = fs.openSync(path, flags, 0o640);
  } catch (error) {
    throw openFailure(path, error, 'open');
  }
  return checkOpened(fd, path, 'open', serviceUser);
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

/** The log's size now, without following a symbolic link; null when no regular file is there. */
export function logSize(path: string): number | null {
  try {
    const stat = fs.lstatSync(path);
    return stat.isFile() ? stat.size : null;
  } catch {
    return null;
  }
}

/**
 * Text safe to echo to a terminal: no control characters but tab (and newline when
 * asked), so a log cannot move the cursor, retitle the window or answer for the user.
 */
export function printable(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g : /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, '');
}

export interface TailOptions {
  /** byte where the lines start being of interest (what an earlier size said); default 0 */
  from?: number;
  /** strip control characters (for a terminal or stderr) */
  printable?: boolean;
}

export interface Tail {
  lines: string[];
  /** the size the lines end at: where following goes on */
  end: number;
}

/**
 * A line cut to MAX_LINE_BYTES: its first bytes, and how many more there were. A line
 * whose start lies before what was read (`partial`) shows its last bytes instead.
 */
function cut(line: Buffer, partial: boolean): string {
  if (partial) return `[…] ${line.subarray(Math.max(0, line.length - MAX_LINE_BYTES)).toString('utf8')}`;
  if (line.length <= MAX_LINE_BYTES) return line.toString('utf8');
  return `${line.subarray(0, MAX_LINE_BYTES).toString('utf8')} […${line.length - MAX_LINE_BYTES} more bytes]`;
}

/**
 * The last `count` lines of the open file `fd` (after byte `from`). Reads backwards in
 * blocks, counting newlines in each block, and never more than MAX_TAIL_BYTES: a line
 * whose start lies beyond that begins with "[…]" and shows its end; a longer line than
 * MAX_LINE_BYTES is cut.
 */
export function tailOf(fd: number, count: number, options: TailOptions = {}): Tail {
  const size = fs.fstatSync(fd).size;
  if (count <= 0) return { lines: [], end: size };
  const from = options.from !== undefined && options.from <= size ? options.from : 0; // truncated since then: from 0
  const floor = Math.max(from, size - MAX_TAIL_BYTES);
  const blocks: Buffer[] = [];
  let position = size;
  let newlines = 0;
  // count + 1 newlines: the one ending the last line, and the one before the first wanted line
  while (position > floor && newlines <= count) {
    const length = Math.min(BLOCK, position - floor);
    const block = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = fs.readSync(fd, block, got, length - got, position - length + got);
      if (n === 0) break; // shrunk while we read: what we have is what there is
      got += n;
    }
    position -= length;
    blocks.unshift(block.subarray(0, got));
    for (let at = block.indexOf(10, 0); at !== -1 && at < got; at = block.indexOf(10, at + 1)) newlines++;
  }
  const data = Buffer.concat(blocks);
  const parts: Buffer[] = [];
  for (let start = 0; start <= data.length; ) {
    const at = data.indexOf(10, start);
    const stop = at === -1 ? data.length : at;
    parts.push(data.subarray(start, stop));
    start = stop + 1;
  }
  if (parts.length > 0 && parts[parts.length - 1]!.length === 0) parts.pop(); // the last line's newline
  const firstIsPartial = position > from; // we stopped before the beginning: its start is not ours
  const kept = parts.slice(-count);
  const lines = kept.map((part, i) => {
    const line = cut(part, firstIsPartial && i === 0 && kept.length === parts.length);
    return options.printable ? printable(line) : line;
  });
  return { lines, end: size };
}

function isDevice(path: string): boolean {
  try {
    return fs.lstatSync(path).isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * The last `count` lines of the log at `path` for the tail a failed start prints on
 * stderr (so always printable). A log that is missing gives none; one that cannot be
 * used safely gives the reason as its only line.
 */
export function lastLines(path: string, count: number, from = 0, serviceUser?: string): Tail {
  let fd: number;
  try {
    fd = openLogForReading(path, serviceUser);
  } catch (error) {
    if (error instanceof LogFailure && error.missing) return { lines: [], end: 0 };
    if (isDevice(path)) return { lines: [], end: 0 }; // logging to /dev/null: nothing to show, nothing to explain
    return { lines: [`(not shown: ${printable((error as Error).message)})`], end: 0 };
  }
  try {
    return tailOf(fd, count, { from, printable: true });
  } finally {
    fs.closeSync(fd);
  }
}
