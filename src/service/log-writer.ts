// The log writer (logRotation "writer", docs/design.md "Logs"): a small process
// between the daemon and its log file, the way multilog and svlogd sit behind a
// daemontools/runit service. The daemon's fd 1 and 2 are a socket to the writer, and
// only the writer has the file open, so:
//   - rotation never loses or repeats a line: the writer renames the file itself when
//     it reaches `logMaxSize`, and follows a rename done by logrotate (no copytruncate)
//     at once (inotify on the directory), within a second (a timer) or on SIGHUP;
//     lines written before it reopens land, whole, in the renamed file;
//   - what the daemon's children, an uncaught exception's stack or a daemon being
//     killed wrote is in the socket, and the writer drains it before it exits (it exits
//     when the last writer of the socket closes it, not when the daemon dies);
//   - a write error (ENOSPC) is seen: what could not be written is counted, and said
//     in the log once it can be written again.
//
// It is `node -e SOURCE`: no file to find next to a bundle, no user module loaded, an
// environment of nothing (NODE_OPTIONS of the caller never reaches it). It runs as the
// controller (root), so it reopens the log the way logfile.ts opens it: O_NOFOLLOW,
// O_NONBLOCK, created O_EXCL 0640 with the previous file's owner, an existing file
// only when fstat says it is a regular file with one link and an owner allowed there.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';

/** How often the writer checks that the path still names the file it writes (logrotate renamed it). */
const REOPEN_CHECK_MS = 1000;

// Plain JavaScript (not compiled): it runs as `node -e`, in CommonJS, with only `require`.
// argv: NAME LOGFILE MAXBYTES KEEP CHECK_MS (MAXBYTES 0: never rotate by size)
const SOURCE = String.raw`'use strict';
const fs = require('node:fs');
const path = require('node:path');
const [name, file, maxArg, keepArg, checkArg] = process.argv.slice(1);
const max = Number(maxArg) || 0;
const keep = Number(keepArg) || 0;
const C = fs.constants;
const APPEND = C.O_WRONLY | C.O_APPEND | C.O_CREAT | C.O_NOFOLLOW | C.O_NONBLOCK;
process.title = name + ' log writer';
process.chdir('/');
let fd = 1; // opened and checked by the controller (logfile.ts)
const first = fs.fstatSync(fd);
const owner = { uid: first.uid, gid: first.gid };
const isFile = first.isFile();
let size = first.size;
let last = 10; // the last byte written: a note starts on a line of its own
let dropped = { lines: 0, bytes: 0, why: '' };
let skipping = false; // dropping the rest of a line
let refused; // the inode at the path the writer would not open
function note(text) {
  // a line the error cut short is marked as such, so it is not taken for a whole one
  const b = Buffer.from((last === 10 ? '' : '[…]\n') + name + ': log writer: ' + text + '\n');
  try { size += fs.writeSync(fd, b); last = 10; return true; } catch { return false; }
}
function reason(e) {
  if (e && e.code === 'ENOSPC') return 'no space left on device';
  if (e && e.code === 'EDQUOT') return 'disk quota exceeded';
  if (e && e.code === 'ELOOP') return 'it is a symbolic link';
  if (e && e.code === 'ENXIO') return 'it is not a regular file';
  return String((e && e.code) || e);
}
function allowed(st) {
  if (st.isCharacterDevice()) return true;
  if (!st.isFile() || st.nlink !== 1) return false;
  if (st.uid === 0 || st.uid === process.geteuid() || st.uid === owner.uid) return true;
  try { return fs.statSync(path.dirname(file)).uid === st.uid; } catch { return false; }
}
// The file the path names now, opened safely; undefined when it cannot be used.
function open() {
  let n;
  try {
    n = fs.openSync(file, APPEND | C.O_EXCL, 0o640);
    try { fs.fchmodSync(n, 0o640); fs.fchownSync(n, owner.uid, owner.gid); } catch {}
    return n;
  } catch (e) {
    if (e.code !== 'EEXIST') { note('cannot open ' + file + ': ' + reason(e) + '; still writing to the previous file'); return undefined; }
  }
  try { n = fs.openSync(file, APPEND, 0o640); } catch (e) { note('cannot open ' + file + ': ' + reason(e) + '; still writing to the previous file'); return undefined; }
  if (!allowed(fs.fstatSync(n))) { fs.closeSync(n); note('refusing to open ' + file + ': not a regular file of its owner; still writing to the previous file'); return undefined; }
  return n;
}
function switchTo(n) {
  if (n === undefined) return;
  fs.closeSync(fd);
  fd = n;
  size = fs.fstatSync(fd).size;
  last = 10;
}
// logrotate (or a person) renamed or removed the file: write on in a new one
function followRename() {
  if (!isFile) return;
  let now;
  try { now = fs.lstatSync(file); } catch { now = undefined; }
  const mine = fs.fstatSync(fd);
  if (now && now.ino === mine.ino && now.dev === mine.dev) return;
  if (now && now.ino === refused) return; // said once already; a new inode there is looked at again
  const n = open();
  refused = n === undefined && now ? now.ino : undefined;
  switchTo(n);
}
// FILE.1 ... FILE.KEEP, like logrotate's names; what is past KEEP is removed
function rotate() {
  try {
    if (keep === 0) fs.unlinkSync(file);
    else {
      // shift only the files there are (FILE.1 up to the first gap), not KEEP names
      const there = (i) => { try { fs.lstatSync(file + '.' + i); return true; } catch { return false; } };
      let n = 1;
      while (n < keep && there(n)) n++;
      if (n === keep) { try { fs.unlinkSync(file + '.' + keep); } catch {} }
      for (let i = n - 1; i >= 1; i--) fs.renameSync(file + '.' + i, file + '.' + (i + 1));
      fs.renameSync(file, file + '.' + 1);
    }
  } catch (e) {
    note('cannot rotate ' + file + ': ' + reason(e));
    size = 0; // do not try again for every chunk: once more after another MAXBYTES
    return;
  }
  switchTo(open());
}
function emit(b) {
  if (dropped.bytes) {
    // the rest of a line whose start was dropped is dropped too: no fragment after the note
    if (skipping) {
      const nl = b.indexOf(10);
      const upto = nl < 0 ? b.length : nl + 1;
      dropped.bytes += upto;
      if (nl >= 0) { dropped.lines++; skipping = false; }
      b = b.subarray(upto);
      if (skipping) return;
    }
    if (!note(dropped.lines + ' lines (' + dropped.bytes + ' bytes) dropped: ' + dropped.why)) return drop(b, dropped.why);
    dropped = { lines: 0, bytes: 0, why: '' };
  }
  let off = 0;
  while (off < b.length) {
    try {
      const n = fs.writeSync(fd, b, off, b.length - off);
      off += n; size += n; last = b[off - 1];
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      return drop(b.subarray(off), reason(e));
    }
  }
}
// A line counts as dropped when its end (its newline) was: each line is either whole in the file or counted here.
function drop(b, why) {
  if (!b.length) return;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) dropped.lines++;
  dropped.bytes += b.length; dropped.why = why;
  skipping = b[b.length - 1] !== 10;
}
function put(b) {
  while (b.length) {
    if (max > 0 && isFile && size + b.length > max) {
      const room = max - size;
      const nl = room > 0 ? b.lastIndexOf(10, room - 1) : -1;
      if (nl >= 0) { emit(b.subarray(0, nl + 1)); b = b.subarray(nl + 1); rotate(); continue; }
      if (size > 0) { rotate(); continue; }
      // one line longer than MAXBYTES: it gets a file of its own
      const end = b.indexOf(10);
      const upto = end < 0 ? b.length : end + 1;
      emit(b.subarray(0, upto)); b = b.subarray(upto);
      continue;
    }
    emit(b);
    return;
  }
}
process.on('SIGTERM', () => {}); // ends with its input, so the daemon's last words land
process.on('SIGINT', () => {});
process.on('SIGHUP', followRename);
// inotify sees logrotate's rename at once; the timer covers file systems where it says nothing
try { fs.watch(path.dirname(file), { persistent: false }, followRename).on('error', () => {}); } catch {}
const timer = setInterval(() => {
  followRename();
  if (dropped.bytes) emit(Buffer.alloc(0));
}, Number(checkArg) || 1000);
process.stdin.on('data', put);
process.stdin.on('end', () => {
  if (skipping) { dropped.lines++; skipping = false; } // the input ended mid-line
  if (dropped.bytes) emit(Buffer.alloc(0));
  clearInterval(timer);
  process.exit(0);
});
process.stdin.on('error', () => process.exit(0));
`;

export interface LogWriterRequest {
  name: string;
  logfile: string;
  /** the log, opened and checked by the controller (openLogForAppend); the writer's fd 1 */
  logFd: number;
  /** rotate when the file would grow past this many bytes; 0: never by size */
  maxSize: number;
  /** rotated files kept (FILE.1 ... FILE.KEEP) */
  keep: number;
}

export interface LogWriter {
  /** the writer's input: give it to the daemon as its fd 1 and 2, then destroy() it here */
  input: Writable;
  pid: number;
  /** resolves when the writer has written everything and exited, or after `ms` */
  drained(ms: number): Promise<void>;
}

/** Start the writer in its own session; it outlives the controller and the daemon. */
export function startLogWriter(request: LogWriterRequest): LogWriter {
  const child: ChildProcess = spawn(
    process.execPath,
    ['-e', SOURCE, request.name, request.logfile, String(request.maxSize), String(request.keep), String(REOPEN_CHECK_MS)],
    { detached: true, stdio: ['pipe', request.logFd, request.logFd], cwd: '/', env: {} },
  );
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  child.unref();
  const drained = async (ms: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  };
  return { input: child.stdin!, pid: child.pid!, drained };
}
