// `logs [-n N] [-f]` (docs/contract.md §3): the last N lines, then new ones as they come,
// across copytruncate (the file shrinks: read again from 0) and rotation by rename
// (the path names a new inode: finish the old file, then read the new one from 0).
// The `tail` package loses lines in both cases (see docs/design.md), so this reads by fd.
// Every open, the first and each after a rotation, goes through openLogForReading:
// no symbolic link, no FIFO, a file of the expected owner (logfile.ts).
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { isatty } from 'node:tty';
import { fs } from './builtins.js';
import { LogFailure, openLogForReading, printable, tailOf } from './logfile.js';
import type { ResolvedOptions } from './options.js';
import type { ActionResult } from './outcome.js';
import { writeLine } from './write-line.js';

const POLL_MS = 250;
const CHUNK = 64 * 1024;

/** One line `NAME: what failed: why` and its outcome (docs/exit-codes.md, `logs`). */
function refused(options: ResolvedOptions, error: unknown): ActionResult {
  if (error instanceof LogFailure) return { outcome: error.outcome, error: `${options.name}: ${error.message}` };
  throw error;
}

/**
 * `logs`: resolves with the outcome when not following (or when following must stop:
 * the path now names something it must not read); with `-f` otherwise never resolves.
 */
export async function showLogs(options: ResolvedOptions, count: number, followToo: boolean): Promise<ActionResult> {
  const path = options.logfile;
  const toTerminal = isatty(1); // what reaches a terminal has its control characters removed
  let fd: number;
  try {
    fd = openLogForReading(path, options.user);
  } catch (error) {
    if (!(followToo && error instanceof LogFailure && error.missing)) return refused(options, error);
    // `-f` before the first start: wait for the file, as `tail -F` does
    writeLine(2, `${options.name}: ${error.message} yet; waiting for it`);
    return follow(options, 0, toTerminal);
  }
  let end: number;
  try {
    const tail = tailOf(fd, count, { printable: toTerminal });
    for (const line of tail.lines) fs.writeSync(1, `${line}\n`);
    end = tail.end;
  } finally {
    fs.closeSync(fd);
  }
  if (!followToo) return { outcome: 'success' };
  return follow(options, end, toTerminal);
}

function inodeOf(path: string): number | undefined {
  try {
    return fs.lstatSync(path).ino; // a symbolic link swapped in is a new inode: reopen, and be refused
  } catch {
    return undefined;
  }
}

/** Print what is appended to the log from byte `offset` on; resolves only with a refusal. */
function follow(options: ResolvedOptions, offset: number, toTerminal: boolean): Promise<ActionResult> {
  const path = options.logfile;
  let fd: number | undefined;
  let inode: number | undefined;
  const buffer = Buffer.alloc(CHUNK);
  const decoder = new StringDecoder('utf8');
  let stop: (result: ActionResult) => void = () => {};
  const stopped = new Promise<ActionResult>((resolve) => (stop = resolve));

  const drain = (): void => {
    if (fd === undefined) return;
    for (;;) {
      const length = fs.readSync(fd, buffer, 0, CHUNK, offset);
      if (length === 0) break;
      if (toTerminal) fs.writeSync(1, printable(decoder.write(buffer.subarray(0, length)), true));
      else fs.writeSync(1, buffer, 0, length);
      offset += length;
    }
  };
  const reopen = (): void => {
    try {
      fd = openLogForReading(path, options.user);
      inode = fs.fstatSync(fd).ino;
    } catch (error) {
      fd = inode = undefined;
      // not there (yet): the next check tries again; anything else ends the follow
      if (!(error instanceof LogFailure && error.missing)) stop(refused(options, error));
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
      fd = undefined;
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
  return stopped;
}
