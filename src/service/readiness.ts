// How a started process tells whoever waits for it that it is ready: the
// controlling `start` through a pipe on fd 3, or systemd through systemd-notify.
import { fs } from './builtins.js';
import { DAEMON_ENV } from './options.js';

/** fd of the pipe `start` reads, in the daemon it spawned */
export const READY_FD = 3;
export { DAEMON_ENV };

export type ReadyMessage =
  | { kind: 'ready' }
  | { kind: 'taken' }
  | { kind: 'failed'; outcome: string; message: string };

export function encode(message: ReadyMessage): string {
  switch (message.kind) {
    case 'ready':
      return 'ready\n';
    case 'taken':
      return 'taken\n';
    case 'failed':
      return `failed ${message.outcome} ${message.message.replace(/\n/g, ' ')}\n`;
  }
}

export function decode(line: string): ReadyMessage | undefined {
  if (line === 'ready') return { kind: 'ready' };
  if (line === 'taken') return { kind: 'taken' };
  const failed = /^failed (\w+) (.*)$/.exec(line);
  if (failed) return { kind: 'failed', outcome: failed[1]!, message: failed[2]! };
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
