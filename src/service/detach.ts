// `start`'s half of detaching (contract §4): spawn the daemon in its own session
// with the log file as fd 1 and 2, then wait until it says it is ready or dies.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { ActionOutcome } from '../lsb.js';
import { fs } from './builtins.js';
import { openLogForAppend } from './logfile.js';
import { DAEMON_ENV, READY_FD, decode, type ReadyMessage } from './readiness.js';

export type SpawnResult =
  | { kind: 'ready'; pid: number }
  | { kind: 'taken' }
  | { kind: 'failed'; outcome: ActionOutcome; reason: string; pid?: number };

export interface SpawnRequest {
  script: string;
  args: string[];
  logfile: string;
  startTimeoutMs: number;
}

function firstLine(stream: Readable): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) resolve(text.slice(0, end));
    });
    stream.on('end', () => resolve(undefined));
    stream.on('error', () => resolve(undefined));
  });
}

function exited(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`));
    child.once('error', (error) => resolve(`could not be spawned: ${error.message}`));
  });
}

export async function spawnDaemon(request: SpawnRequest): Promise<SpawnResult> {
  const logFd = openLogForAppend(request.logfile);
  const argv = [...process.execArgv, request.script, 'run', ...(request.args.length ? ['--', ...request.args] : [])];
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, argv, {
      detached: true, // setsid(): its own session, no controlling terminal
      stdio: ['ignore', logFd, logFd, 'pipe'],
      cwd: '/',
      env: { ...process.env, [DAEMON_ENV]: '1' },
    });
  } finally {
    fs.closeSync(logFd);
  }
  const pipe = child.stdio[READY_FD] as Readable;
  const death = exited(child);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), request.startTimeoutMs);
  });
  const line = await Promise.race([firstLine(pipe), timeout]);
  clearTimeout(timer);
  const message: ReadyMessage | undefined = line === 'timeout' || line === undefined ? undefined : decode(line);
  pipe.destroy();
  if (message?.kind === 'ready' || message?.kind === 'taken') {
    child.unref(); // it lives on without us; keep the handle only while we may still await its exit
    return message.kind === 'ready' ? { kind: 'ready', pid: child.pid! } : { kind: 'taken' };
  }
  if (message?.kind === 'failed') {
    await death;
    return { kind: 'failed', outcome: message.outcome as ActionOutcome, reason: message.message, pid: child.pid! };
  }
  if (line === 'timeout') {
    child.unref(); // the caller stops it by pid
    return { kind: 'failed', outcome: 'genericError', reason: `not ready within ${request.startTimeoutMs / 1000} s`, ...(child.pid && { pid: child.pid }) };
  }
  return { kind: 'failed', outcome: 'genericError', reason: `died during start: ${await death}`, ...(child.pid && { pid: child.pid }) };
}
