// Pid files (docs/contract.md §2): read without trusting, trust only a live process that
// is this service, publish atomically and exclusively, refuse unsafe places as root.
//
// Identity (docs/contract.md §2): next to PIDFILE the daemon publishes PIDFILE.id,
// "PID STARTTICKS\n", STARTTICKS being field 22 of its own /proc/PID/stat (clock
// ticks since boot, fixed for the life of a pid). A pid is this service's iff that
// process is alive, not a zombie, and started at exactly that tick. The daemon
// cannot change its start time, unlike its title or argv, and a reused pid cannot
// have the same one. This is how the LSB rule against killing "unfortunately-named"
// processes is kept (docs/contract.md §1): no process is ever matched by its name or
// its script, which any user can give their own process; only the start time the
// daemon itself recorded can name it.
import { fs } from './builtins.js';
import { basename, dirname, join } from 'node:path';
import { canOpenRelative, makeDirectory, openTrustedDirectory, viaDescriptor } from './directory.js';
import { existsBySignal, hasProc, isDead, pidMax, readProc } from './proc.js';
import { ServiceFailure } from './outcome.js';

export type PidfileState =
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string; path: string }
  | {
      kind: 'stale';
      reason: string;
      pid?: number;
      /** the recorded daemon is proven to have existed and is now dead: its process group may outlive it */
      deadDaemon?: { startTicks: number; file: FileOwner; record: FileOwner };
    }
  | { kind: 'running'; pid: number; startTicks?: number; file: FileOwner; record?: FileOwner };

/** Who could have written the pid file, as read together with its content. */
export interface FileOwner {
  uid: number;
  mode: number;
}

const MAX_PIDFILE_BYTES = 32;
/** A path as JSON after the pid: PATH_MAX (4096) bytes, each escaped at most six times over. */
const MAX_CONFIG_RECORD_BYTES = 32 + 6 * 4096;

/** The identity record published with a pid file. */
export function idfileOf(pidfile: string): string {
  return `${pidfile}.id`;
}

/**
 * The config record published with a pid file: "PID JSON-PATH", the `--config FILE`
 * the daemon was started with, so `reload` can test the file the daemon will re-read.
 */
function configRecordOf(pidfile: string): string {
  return `${pidfile}.config`;
}

/** The `--config` file of the daemon `pid`, from its record; undefined when it has none (or none root can trust). */
export function readConfigRecord(pidfile: string, pid: number): string | undefined {
  const read = readSmallRegularFile(configRecordOf(pidfile), 'the config record', MAX_CONFIG_RECORD_BYTES);
  if (typeof read !== 'object' || !('text' in read) || !trustedForRoot(read.file)) return undefined;
  // read as bytes (latin1), as the pid file is; the path is UTF-8
  const match = /^(\d+) ("[^\n]*")\n$/.exec(Buffer.from(read.text, 'latin1').toString('utf8'));
  if (!match || Number(match[1]) !== pid) return undefined;
  try {
    const file: unknown = JSON.parse(match[2]!);
    return typeof file === 'string' ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Parse "1234\n"; anything else (sign, spaces, two numbers, 0, 1, beyond pid_max) is not a pid. */
function parsePid(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,9})\n?$/.exec(text);
  if (!match) return undefined;
  const pid = Number(match[1]);
  return pid > 1 && pid <= pidMax() ? pid : undefined;
}

/** Parse "PID STARTTICKS\n", exactly as the daemon writes it. */
function parseRecord(text: string): { pid: number; startTicks: number } | undefined {
  const match = /^([1-9][0-9]{0,9}) (0|[1-9][0-9]{0,19})\n$/.exec(text);
  return match ? { pid: Number(match[1]), startTicks: Number(match[2]) } : undefined;
}

type PidfileRead = { text: string; mtimeMs: number; ino: number; file: FileOwner };
type FileRead = PidfileRead | 'missing' | { unreadable: string } | { notPid: string };

function readSmallRegularFile(path: string, what = 'the pid file', maxBytes = MAX_PIDFILE_BYTES): FileRead {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at the path must not hang us; O_NOFOLLOW: a symlink is not our pid file.
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'EACCES' || code === 'EPERM') return { unreadable: 'permission denied' };
    if (code === 'ELOOP' || code === 'EMLINK') return { notPid: `${what} is a symbolic link` };
    if (code === 'ENOTDIR') return 'missing';
    return { unreadable: (error as Error).message };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { notPid: `${what} is not a regular file` };
    if (stat.size > maxBytes) return { notPid: `${what} holds more than a pid` };
    const buffer = Buffer.alloc(maxBytes + 1);
    const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, length).toString('latin1'), mtimeMs: stat.mtimeMs, ino: stat.ino, file: { uid: stat.uid, mode: stat.mode } };
  } catch (error) {
    return { unreadable: (error as Error).message };
  } finally {
    fs.closeSync(fd);
  }
}

/** The same file is still at `path`: not removed or replaced since it was read. */
function stillThere(path: string, read: FileRead): boolean {
  if (typeof read !== 'object' || !('text' in read)) return true;
  try {
    const now = fs.lstatSync(path);
    return now.ino === read.ino && now.mtimeMs === read.mtimeMs;
  } catch {
    return false;
  }
}

/**
 * A daemon that exits while we look removes its pid file first, then its record,
 * then exits: a process found dead or foreign is judged against the files as they
 * are now, so `status` does not report "dead, but pid file exists" for a file that is
 * already gone (or replaced by a new daemon's).
 */
export function inspectPidfile(path: string): PidfileState {
  for (let attempt = 0; ; attempt++) {
    const read = readSmallRegularFile(path);
    if (typeof read !== 'object' || !('text' in read)) return judge(path, read, 'missing');
    const record = readSmallRegularFile(idfileOf(path), 'the identity record');
    const verdict = judge(path, read, record);
    // At most three readings: one retry covers a daemon that exits while we look, a
    // second one a new daemon publishing right after; files that keep changing (a
    // restart loop, another user rewriting them) must not keep `status` spinning.
    if (verdict.kind !== 'stale' || attempt === 2) return verdict;
    if (stillThere(path, read) && stillThere(idfileOf(path), record)) return verdict;
  }
}

function judge(path: string, read: FileRead, recordRead: FileRead): PidfileState {
  if (read === 'missing') return { kind: 'missing' };
  if ('unreadable' in read) return { kind: 'unreadable', reason: read.unreadable, path };
  if ('notPid' in read) return { kind: 'stale', reason: read.notPid };
  const pid = parsePid(read.text);
  if (pid === undefined) return { kind: 'stale', reason: 'the pid file does not hold a valid pid' };
  if (!hasProc()) {
    // No start times to compare: the record cannot prove anything (docs/design.md, Limits).
    return existsBySignal(pid) ? { kind: 'running', pid, file: read.file } : { kind: 'stale', pid, reason: `process ${pid} is dead` };
  }
  const idfile = idfileOf(path);
  if (recordRead === 'missing') {
    // Written by hand or by an older initgen: nothing proves who the pid is, so it is
    // never signalled (stop removes the file; start replaces it).
    return { kind: 'stale', pid, reason: `no identity record ${idfile} proves process ${pid} is this service` };
  }
  if ('unreadable' in recordRead) return { kind: 'unreadable', reason: recordRead.unreadable, path: idfile };
  if ('notPid' in recordRead) return { kind: 'stale', pid, reason: recordRead.notPid };
  const record = parseRecord(recordRead.text);
  if (record === undefined) return { kind: 'stale', pid, reason: `the identity record ${idfile} is not "PID STARTTICKS"` };
  if (record.pid !== pid) return { kind: 'stale', pid, reason: `the identity record ${idfile} names process ${record.pid}, not ${pid}` };
  const info = readProc(pid);
  if (isDead(info)) {
    return { kind: 'stale', pid, reason: `process ${pid} is dead`, deadDaemon: { startTicks: record.startTicks, file: read.file, record: recordRead.file } };
  }
  if (info!.startTicks !== record.startTicks) {
    return { kind: 'stale', pid, reason: `process ${pid} is not the one recorded (it started at another time: the pid was reused)` };
  }
  return { kind: 'running', pid, startTicks: record.startTicks, file: read.file, record: recordRead.file };
}

/**
 * Contract §2: as root, never write through a symlink or into a directory other users
 * can write, nor below one they could swap (every ancestor is checked: directory.ts).
 */
export function assertSafeForRoot(path: string): void {
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return;
  const what = `pid file ${path}`;
  if (!canOpenRelative()) return assertSafeByPath(path);
  const dirFd = openTrustedDirectory(dirname(path), what);
  try {
    for (const name of [basename(path), basename(idfileOf(path))]) {
      let isLink = false;
      try {
        isLink = fs.lstatSync(viaDescriptor(dirFd, name)).isSymbolicLink();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      if (isLink) throw new ServiceFailure('insufficientPrivilege', `refusing to write ${what}: ${join(dirname(path), name)} is a symbolic link`);
    }
  } finally {
    fs.closeSync(dirFd);
  }
}

/** Without /proc/self/fd (not Linux): the immediate directory only, by path. */
function assertSafeByPath(path: string): void {
  const dir = dirname(path);
  if (fs.lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new ServiceFailure('insufficientPrivilege', `refusing to write pid file ${path}: it is a symbolic link`);
  }
  const stat = fs.statSync(dir);
  if (stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new ServiceFailure('insufficientPrivilege', `refusing to write pid file ${path}: directory ${dir} is writable by other users`);
  }
}

/**
 * Contract §2: as root, signal only a pid read from files no other user could have
 * written (the pid file and its identity record), or any user could make root's stop
 * or reload signal a process of its choice. Judged on the owners read with the pid,
 * not on the path again: a concurrent stop may have removed the files since.
 */
export function assertTrustedForRoot(path: string, ...files: (FileOwner | undefined)[]): void {
  if (!trustedForRoot(...files)) {
    throw new ServiceFailure(
      'insufficientPrivilege',
      `refusing to signal the process named in ${path}: the pid file is owned or writable by another user`,
    );
  }
}

export function trustedForRoot(...files: (FileOwner | undefined)[]): boolean {
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return true;
  return files.every((file) => file === undefined || (file.uid === 0 && (file.mode & 0o022) === 0));
}

/** Create the pid file's directory when missing: 0755 whatever the umask (docs/contract.md §2). */
export function ensureDirectory(path: string): void {
  makeDirectory(dirname(path), 0o755);
}

/** Write `text` to a new file at `path` (never through a link), mode set by descriptor. */
function writeNewFile(path: string, text: string): void {
  removeIfThere(path); // a leftover of a daemon that had our pid before
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644);
  try {
    fs.fchmodSync(fd, 0o644); // the umask must not narrow it: monitors read pid files as other users
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

function linkExclusive(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Publish "PID\n" and its identity record atomically and exclusively: fully written
 * temporary files are hard-linked into place, which fails if a file already exists,
 * so two daemons can never both believe they own it. The record goes first, so a pid
 * file is never seen without it. As root, the directory is opened and checked here,
 * in the daemon, and the files are created relative to that descriptor: a directory
 * swapped after the controller's check cannot receive them. Returns false when a
 * pid file (or another daemon's record) exists.
 */
export function publishPidfile(path: string, pid: number, configFile?: string): boolean {
  const dir = dirname(path);
  const asRoot = process.geteuid?.() === 0;
  const relative = canOpenRelative();
  if (asRoot && !relative) assertSafeByPath(path);
  const dirFd = relative ? (asRoot ? openTrustedDirectory(dir, `pid file ${path}`) : fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY)) : undefined;
  const at = (name: string): string => (dirFd === undefined ? join(dir, name) : viaDescriptor(dirFd, name));
  const base = basename(path);
  const idName = basename(idfileOf(path));
  const pidTemporary = at(`.${base}.${pid}.tmp`);
  const idTemporary = at(`.${idName}.${pid}.tmp`);
  const startTicks = hasProc() ? readProc(process.pid)?.startTicks : undefined;
  try {
    writeNewFile(pidTemporary, `${pid}\n`);
    if (startTicks !== undefined) {
      writeNewFile(idTemporary, `${pid} ${startTicks}\n`);
      if (!linkExclusive(idTemporary, at(idName))) return false;
    }
    if (linkExclusive(pidTemporary, at(base))) {
      // ours now: the config record is replaced, not raced for (a stale one is a dead daemon's)
      publishConfigRecord(at, `.${base}.config.${pid}.tmp`, basename(configRecordOf(path)), pid, configFile);
      return true;
    }
    if (startTicks !== undefined) fs.unlinkSync(at(idName)); // ours: linked just above, in a directory no one else can write
    return false;
  } finally {
    for (const temporary of [pidTemporary, idTemporary]) fs.rmSync(temporary, { force: true });
    if (dirFd !== undefined) fs.closeSync(dirFd);
  }
}

function publishConfigRecord(at: (name: string) => string, temporary: string, name: string, pid: number, configFile: string | undefined): void {
  if (configFile === undefined) {
    removeIfThere(at(name));
    return;
  }
  try {
    writeNewFile(at(temporary), `${pid} ${JSON.stringify(configFile)}\n`);
    fs.renameSync(at(temporary), at(name));
  } finally {
    fs.rmSync(at(temporary), { force: true });
  }
}

function removeIfThere(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Remove a stale pid file, or ours, then its identity record (in that order: a pid
 * file is never left without its record); never a directory someone put in their place.
 * With `onlyIfPid`, each file is removed only while it still names that pid.
 */
export function removePidfile(path: string, onlyIfPid?: number): void {
  const names = (text: string): number | undefined => parsePid(text) ?? parseRecord(text)?.pid ?? parsePid(text.split(' ')[0] ?? '');
  const files: [string, number][] = [[path, MAX_PIDFILE_BYTES], [idfileOf(path), MAX_PIDFILE_BYTES], [configRecordOf(path), MAX_CONFIG_RECORD_BYTES]];
  for (const [file, maxBytes] of files) {
    try {
      if (onlyIfPid !== undefined) {
        const read = readSmallRegularFile(file, file, maxBytes);
        if (typeof read !== 'object' || !('text' in read) || names(read.text) !== onlyIfPid) continue;
      }
      const stat = fs.lstatSync(file);
      if (stat.isDirectory()) continue;
      fs.unlinkSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EISDIR') throw error;
    }
  }
}
