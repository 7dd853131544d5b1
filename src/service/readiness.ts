// How a started process tells whoever waits for it that it is ready: the
// controlling `start` through a pipe on fd 3, or systemd through systemd-notify.
import { ACTION_CODES } from '../lsb.js';
import { fs } from './builtins.js';
import type { FailureOutcome } from './outcome.js';

/** fd of the pipe `start` reads, in the daemon it spawned */
export const READY_FD = 3;

/**
 * The most `start` reads from the pipe, newline included: a daemon that sends more
 * is a failed start, so root's `start` never buffers without bound (finding 15).
 * A `failed` message is cut to fit (encode), so the library's own words always do.
 */
export const READY_LINE_MAX = 4096;

export type ReadyMessage =
  | { kind: 'ready' }
  | { kind: 'taken' }
  | { kind: 'failed'; outcome: FailureOutcome; message: string };

function isFailureOutcome(word: string): word is FailureOutcome {
  return word !== 'success' && Object.hasOwn(ACTION_CODES, word);
}

/** Cut UTF-8 text to at most `bytes` bytes, never inside a character. */
function cutToBytes(text: string, bytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= bytes) return text;
  let end = bytes;
  while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end--;
  return buffer.subarray(0, end).toString('utf8');
}

function encode(message: ReadyMessage): string {
  switch (message.kind) {
    case 'ready':
      return 'ready\n';
    case 'taken':
      return 'taken\n';
    case 'failed': {
      const head = `failed ${message.outcome} `;
      const room = READY_LINE_MAX - Buffer.byteLength(head) - 1;
      return `${head}${cutToBytes(message.message.replace(/\n/g, ' '), room)}\n`;
    }
  }
}

/**
 * Only the exact words the library sends are understood; anything else (an unknown
 * word, `failed success ...`, trailing text) is undefined, which `start` takes as a
 * failed start. The message of `failed` reaches root's terminal: control characters
 * and the invisible characters that reorder or hide text (bidi controls) become spaces.
 */
// eslint-disable-next-line no-control-regex
export const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069]/g;

export function decode(line: string): ReadyMessage | undefined {
  if (line === 'ready') return { kind: 'ready' };
  if (line === 'taken') return { kind: 'taken' };
  const failed = /^failed ([A-Za-z]+) (.*)$/s.exec(line);
  if (failed && isFailureOutcome(failed[1]!)) {
    return { kind: 'failed', outcome: failed[1], message: failed[2]!.replace(UNPRINTABLE, ' ') };
  }
  return undefined;
}

/** Send once to the waiting `start` (if any) and close the pipe, so the daemon keeps no tie to it. */
export function tellController(message: ReadyMessage): void {
  try {
    fs.writeSync(READY_FD, encode(message));
    fs.closeSync(READY_FD);
  } catch {
    // the controller is gone (killed): nobody is waiting
  }
}

/** Type=notify under systemd: sd_notify needs a datagram socket Node lacks, so systemd-notify sends it. */
export async function notifySystemd(): Promise<void> {
  if (!process.env.NOTIFY_SOCKET) return;
  const { spawn } = await import('node:child_process');
  const child = spawn('systemd-notify', ['--ready', `--pid=${process.pid}`], { stdio: 'ignore' });
  child.on('error', () => {});
  child.unref();
}
