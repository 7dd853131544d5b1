// Pid files (contract §2): read without trusting, trust only a live process that
// is this service, publish atomically and exclusively, refuse unsafe places as root.
import { fs } from './builtins.js';
import { basename, dirname, join } from 'node:path';
import { existsBySignal, hasProc, isDead, pidMax, readCmdline, readProc } from './proc.js';
import { ServiceFailure } from './outcome.js';

export type PidfileState =
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string }
  | { kind: 'stale'; reason: string; pid?: number }
  | { kind: 'running'; pid: number; startTicks?: number; file: FileOwner };

/** Who could have written the pid file, as read together with its content. */
export interface FileOwner {
  uid: number;
  mode: number;
}

export interface Identity {
  name: string;
  /** the program's script path: its argv before the process title is set */
  script: string;
}

const MAX_PIDFILE_BYTES = 32;
/** /proc start times derive from a whole-second btime, so they may read up to 1 s early. */
const START_TIME_SLACK_MS = 1000;

/** Parse "1234\n"; anything else (sign, spaces, two numbers, 0, 1, beyond pid_max) is not a pid. */
export function parsePid(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,9})\n?$/.exec(text);
  if (!match) return undefined;
  const pid = Number(match[1]);
  return pid > 1 && pid <= pidMax() ? pid : undefined;
}

type PidfileRead = { text: string; mtimeMs: number; ino: number; file: FileOwner };

function readSmallRegularFile(path: string): PidfileRead | 'missing' | { unreadable: string } | { notPid: string } {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted at the path must not hang us; O_NOFOLLOW: a symlink is not our pid file.
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'EACCES' || code === 'EPERM') return { unreadable: 'permission denied' };
    if (code === 'ELOOP' || code === 'EMLINK') return { notPid: 'the pid file is a symbolic link' };
    if (code === 'ENOTDIR') return 'missing';
    return { unreadable: (error as Error).message };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { notPid: 'the pid file is not a regular file' };
    if (stat.size > MAX_PIDFILE_BYTES) return { notPid: 'the pid file holds more than a pid' };
    const buffer = Buffer.alloc(MAX_PIDFILE_BYTES + 1);
    const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return { text: buffer.subarray(0, length).toString('latin1'), mtimeMs: stat.mtimeMs, ino: stat.ino, file: { uid: stat.uid, mode: stat.mode } };
  } catch (error) {
    return { unreadable: (error as Error).message };
  } finally {
    fs.closeSync(fd);
  }
}

function isThisService(pid: number, identity: Identity): boolean {
  const argv = readCmdline(pid);
  return argv[0] === identity.name || argv.includes(identity.script);
}

/** The same pid file is still at `path`: not removed or replaced since it was read. */
function stillThere(path: string, read: PidfileRead): boolean {
  try {
    const now = fs.lstatSync(path);
    return now.ino === read.ino && now.mtimeMs === read.mtimeMs;
  } catch {
    return false;
  }
}

/**
 * A daemon that exits while we look removes its pid file first, then its argv
 * vanishes before it becomes a zombie: a process found dead or foreign is judged
 * against the pid file as it is now, so `status` does not report "dead, but pid
 * file exists" for a file that is already gone (or replaced by a new daemon's).
 */
export function inspectPidfile(path: string, identity: Identity): PidfileState {
  for (let attempt = 0; ; attempt++) {
    const read = readSmallRegularFile(path);
    if (typeof read !== 'object' || !('text' in read)) return judge(read, identity);
    const verdict = judge(read, identity);
    if (verdict.kind !== 'stale' || verdict.pid === undefined || stillThere(path, read) || attempt === 2) return verdict;
  }
}

function judge(read: ReturnType<typeof readSmallRegularFile>, identity: Identity): PidfileState {
  if (read === 'missing') return { kind: 'missing' };
  if ('unreadable' in read) return { kind: 'unreadable', reason: read.unreadable };
  if ('notPid' in read) return { kind: 'stale', reason: read.notPid };
  const pid = parsePid(read.text);
  if (pid === undefined) return { kind: 'stale', reason: 'the pid file does not hold a valid pid' };
  if (!hasProc()) {
    return existsBySignal(pid) ? { kind: 'running', pid, file: read.file } : { kind: 'stale', pid, reason: `process ${pid} is dead` };
  }
  const info = readProc(pid);
  if (isDead(info)) return { kind: 'stale', pid, reason: `process ${pid} is dead` };
  if (info!.startedAtMs > read.mtimeMs + START_TIME_SLACK_MS) {
    return { kind: 'stale', pid, reason: `process ${pid} started after the pid file was written` };
  }
  if (!isThisService(pid, identity)) {
    return { kind: 'stale', pid, reason: `process ${pid} is not ${identity.name}` };
  }
  return { kind: 'running', pid, startTicks: info!.startTicks, file: read.file };
}

/** Contract §2: as root, never write through a symlink or into a directory other users can write. */
export function assertSafeForRoot(path: string): void {
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return;
  const dir = dirname(path);
  try {
    if (fs.lstatSync(path).isSymbolicLink()) {
      throw new ServiceFailure('insufficientPrivilege', `refusing to write pid file ${path}: it is a symbolic link`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const stat = fs.statSync(dir);
  const othersCanWrite = (stat.mode & 0o002) !== 0 || ((stat.mode & 0o020) !== 0 && stat.gid !== 0) || stat.uid !== 0;
  if (othersCanWrite) {
    throw new ServiceFailure(
      'insufficientPrivilege',
      `refusing to write pid file ${path}: directory ${dir} is writable by other users`,
    );
  }
}

/**
 * Contract §2: as root, signal only a pid read from a file no other user could have
 * written, or any user could make root's stop or reload signal a process of its choice.
 * Judged on the owner read with the pid, not on the path again: a concurrent stop may
 * have removed the file since (an unlocked reload then failed with ENOENT).
 */
export function assertTrustedForRoot(path: string, file: FileOwner): void {
  if (typeof process.geteuid !== 'function' || process.geteuid() !== 0) return;
  if (file.uid !== 0 || (file.mode & 0o022) !== 0) {
    throw new ServiceFailure(
      'insufficientPrivilege',
      `refusing to signal the process named in ${path}: the pid file is owned or writable by another user`,
    );
  }
}

/** Create the pid file's directory (0755) when missing. */
export function ensureDirectory(path: string): void {
  fs.mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
}

/**
 * Publish "PID\n" atomically and exclusively: a fully written temporary file is
 * hard-linked into place, which fails if a pid file already exists, so two
 * daemons can never both believe they own it. Returns false when one exists.
 */
export function publishPidfile(path: string, pid: number): boolean {
  const temporary = join(dirname(path), `.${basename(path)}.${pid}.tmp`);
  fs.rmSync(temporary, { force: true });
  fs.writeFileSync(temporary, `${pid}\n`, { mode: 0o644, flag: 'wx' });
  try {
    fs.chmodSync(temporary, 0o644);
    fs.linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Remove a stale pid file, or ours; never a directory someone put in its place. */
export function removePidfile(path: string, onlyIfPid?: number): void {
  try {
    if (onlyIfPid !== undefined) {
      const read = readSmallRegularFile(path);
      if (typeof read !== 'object' || !('text' in read) || parsePid(read.text) !== onlyIfPid) return;
    }
    const stat = fs.lstatSync(path);
    if (stat.isDirectory()) return;
    fs.unlinkSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR') throw error;
  }
}
