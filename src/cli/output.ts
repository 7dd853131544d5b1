// The CLI's diagnostics: one line on stderr in one write(2), straight to fd 2. The first
// use of process.stderr on a pipe builds a socket stream, which every package build that
// runs initgen would pay for; the stream is the fallback for a full non-blocking pipe
// (EAGAIN). The library has its own writer for `status` (src/service/write-line.ts).
import { writeSync } from 'node:fs';

export function err(line: string): void {
  try {
    writeSync(2, `${line}\n`);
  } catch {
    process.stderr.write(`${line}\n`);
  }
}
