// One line straight to fd 1 or 2, for `status` and the other actions. The first use
// of process.stdout or process.stderr on a pipe builds a socket stream (net and the
// stream modules), which would cost every monitoring poll more than the
// line itself; the stream is the fallback for a full non-blocking pipe (EAGAIN).
import { fs } from './builtins.js';

export function writeLine(fd: 1 | 2, line: string): void {
  try {
    fs.writeSync(fd, `${line}\n`);
  } catch {
    (fd === 1 ? process.stdout : process.stderr).write(`${line}\n`);
  }
}
