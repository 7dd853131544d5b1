// Diagnostics go to fd 2 directly: the first use of process.stderr on a pipe (as
// under a build system) loads Node's socket and stream modules, 2 ms of every run.
import { writeSync } from 'node:fs';

export function errorLine(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    // a non-blocking pipe that is full (EAGAIN): the stream queues it
    process.stderr.write(`${line}\n`);
  }
}
