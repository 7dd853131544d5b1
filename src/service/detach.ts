// `start`'s half of detaching (docs/contract.md §4): spawn the daemon in its own session
// with the log file as fd 1 and 2, then wait until it says it is ready or dies.
// Every wait here is bounded (finding 12): by the start timeout, by the settle
// window, by a short grace for the last word of a daemon that died, or by a signal
// to `start` itself. Whatever this returns with a pid still alive, the caller stops.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { programArgs } from '../command-line.js';
import { fs } from './builtins.js';
import type { Interrupt } from './interrupt.js';
import { openLogForAppend } from './logfile.js';
import { startLogWriter, type LogWriter } from './log-writer.js';
import type { FailureOutcome } from './outcome.js';
import { readProc } from './proc.js';
import { READY_FD, READY_LINE_MAX, UNPRINTABLE, decode } from './readiness.js';
import { DAEMON_WORD } from './settings.js';

/** The daemon `start` spawned: its start time tells it apart from a later process given the same pid. */
export interface Spawned {
  pid: number;
  startTicks: number | undefined;
}

export type SpawnResult =
  | { kind: 'ready'; pid: number }
  | { kind: 'taken'; daemon?: Spawned }
  | { kind: 'failed'; outcome: FailureOutcome; reason: string; daemon?: Spawned; logWriter?: LogWriter };

export interface SpawnRequest {
  script: string;
  args: string[];
  logfile: string;
  startTimeoutMs: number;
  /** how long a daemon that said `ready` must stay alive to count as started (0: not at all) */
  settleMs: number;
  interrupt: Interrupt;
  /** setting words for the daemon (settings.ts daemonWords) */
  words: string[];
  /** its environment: the caller's, or the switched user's (privileges.ts) */
  env: NodeJS.ProcessEnv;
  /** logRotation "writer": a log writer process between the daemon and the file (log-writer.ts) */
  writer?: { name: string; maxSize: number; keep: number };
}

/**
 * After the daemon died, how long its pipe may take to deliver its last word (a
 * `failed` carrying its outcome): the exit and the pipe's data arrive in either
 * order. A descendant holding the pipe open cannot make it longer.
 */
const LAST_WORD_GRACE_MS = 1000;

type Event =
  | { kind: 'line'; line: string }
  | { kind: 'overflow' }
  | { kind: 'eof' }
  | { kind: 'exit'; how: string }
  | { kind: 'timeout' }
  | { kind: 'interrupt'; signal: NodeJS.Signals };

/** The first line on the pipe, read as bytes and never more than READY_LINE_MAX of them. */
function firstLine(stream: Readable): Promise<Event> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (event: Event): void => {
      stream.removeAllListeners('data');
      stream.destroy();
      resolve(event);
    };
    stream.on('data', (chunk: Buffer) => {
      const end = chunk.indexOf(0x0a);
      if (end >= 0 && size + end + 1 <= READY_LINE_MAX) {
        chunks.push(chunk.subarray(0, end));
        return done({ kind: 'line', line: Buffer.concat(chunks).toString('utf8') });
      }
      size += chunk.length;
      if (end >= 0 || size >= READY_LINE_MAX) return done({ kind: 'overflow' });
      chunks.push(chunk);
    });
    stream.on('end', () => resolve({ kind: 'eof' }));
    stream.on('error', () => resolve({ kind: 'eof' }));
  });
}

function exited(child: ChildProcess): Promise<Event> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ kind: 'exit', how: signal ? `killed by ${signal}` : `exited with code ${code}` }));
    child.once('error', (error) => resolve({ kind: 'exit', how: `could not be spawned: ${error.message}` }));
  });
}

/** Timers that are all cleared once `start` has decided, so none keeps a library caller's process alive. */
function timers() {
  const pending = new Set<NodeJS.Timeout>();
  return {
    after(ms: number): Promise<Event> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(timer);
          resolve({ kind: 'timeout' });
        }, Math.max(0, ms));
        pending.add(timer);
      });
    },
    clear() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/** A readiness line as it may be shown on root's terminal: quoted, escaped and short. */
function shown(line: string): string {
  const quoted = JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}...` : line);
  return quoted.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export async function spawnDaemon(request: SpawnRequest): Promise<SpawnResult> {
  const { interrupt } = request;
  if (interrupt.signal) return { kind: 'failed', outcome: 'genericError', reason: `interrupted by ${interrupt.signal}; no daemon was spawned` };
  const logFd = openLogForAppend(request.logfile);
  const argv = programArgs({ nodeArgs: process.execArgv, script: request.script, action: 'run', words: [DAEMON_WORD, ...request.words], args: request.args });
  let child: ChildProcess;
  let writer: LogWriter | undefined;
  try {
    if (request.writer) writer = startLogWriter({ ...request.writer, logfile: request.logfile, logFd });
    const out = writer?.input ?? logFd;
    child = spawn(process.execPath, argv, {
      detached: true, // setsid(): its own session, no controlling terminal
      stdio: ['ignore', out, out, 'pipe'],
      cwd: '/',
      env: request.env,
    });
  } finally {
    writer?.input.destroy(); // the daemon (and its children) now hold the only write ends
    fs.closeSync(logFd);
  }
  // uv_spawn returns once the child has exec'd (or failed to): its start time is readable now.
  const daemon: Spawned | undefined = child.pid === undefined ? undefined : { pid: child.pid, startTicks: readProc(child.pid)?.startTicks };
  const pipe = child.stdio[READY_FD] as Readable;
  const line = firstLine(pipe);
  const death = exited(child);
  const interrupted = interrupt.received.then((signal): Event => ({ kind: 'interrupt', signal }));
  const clock = timers();
  const fail = (reason: string, outcome: FailureOutcome = 'genericError'): SpawnResult => ({ kind: 'failed', outcome, reason, ...(daemon && { daemon }), ...(writer && { logWriter: writer }) });

  try {
    const deadline = Date.now() + request.startTimeoutMs;
    let event = await Promise.race([line, death, clock.after(request.startTimeoutMs), interrupted]);
    if (event.kind === 'exit') {
      // It died: its last word may still be in the pipe, and tells more than the exit code.
      const last = await Promise.race([line, clock.after(LAST_WORD_GRACE_MS)]);
      if (last.kind === 'line' || last.kind === 'overflow') event = last;
    } else if (event.kind === 'eof') {
      // It closed the pipe without a word: wait (bounded as before) for it to die.
      event = await Promise.race([death, clock.after(deadline - Date.now()), interrupted]);
      if (event.kind === 'timeout') return fail(`closed its readiness pipe without a message and did not exit within ${seconds(request.startTimeoutMs)}`);
    }
    switch (event.kind) {
      case 'interrupt':
        return fail(`interrupted by ${event.signal}`);
      case 'timeout':
        return fail(`not ready within ${seconds(request.startTimeoutMs)}`);
      case 'exit':
        return fail(`died during start: ${event.how}`);
      case 'eof':
        return fail('died during start');
      case 'overflow':
        return fail(`sent a readiness message longer than ${READY_LINE_MAX} bytes`);
    }
    const message = decode(event.line);
    if (message === undefined) return fail(`sent an unknown readiness message ${shown(event.line)}`);
    if (message.kind === 'failed') return fail(message.message, message.outcome);
    if (message.kind === 'ready' && request.settleMs > 0) {
      // The settle window (docs/contract.md §4): a daemon that exits this soon after run() did not start.
      const settled = await Promise.race([death, clock.after(request.settleMs), interrupted]);
      if (settled.kind === 'interrupt') return fail(`interrupted by ${settled.signal}`);
      if (settled.kind === 'exit') return fail(`died within the ${seconds(request.settleMs)} settle window: ${settled.how}`);
    }
    child.unref(); // it lives on without us
    return message.kind === 'ready' ? { kind: 'ready', pid: child.pid! } : { kind: 'taken', ...(daemon && { daemon }) };
  } finally {
    clock.clear();
    pipe.destroy();
  }
}
