// The log file (contract §3): opened for append, created 0640, handed to the
// daemon as its fd 1 and 2 so that everything it and its children write lands there.
import * as fs from 'node:fs';
import { dirname } from 'node:path';

export function openLogForAppend(path: string): number {
  fs.mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT;
  try {
    const fd = fs.openSync(path, flags | fs.constants.O_EXCL, 0o640);
    fs.fchmodSync(fd, 0o640); // the umask must not make a new log file wider or narrower than documented
    return fd;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fs.openSync(path, flags, 0o640);
  }
}

export function logSize(path: string): number {
  try {
    return fs.statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * The last `count` lines of a file (after byte `from`), read backwards in blocks
 * so a large log costs little.
 */
export function lastLines(path: string, count: number, from = 0): string[] {
  if (count <= 0) return [];
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fs.fstatSync(fd).size;
    const block = 64 * 1024;
    let position = size;
    let text = '';
    const start = from <= size ? from : 0; // a log truncated since then: read it all
    while (position > start) {
      const length = Math.min(block, position - start);
      position -= length;
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, position);
      text = buffer.toString('utf8') + text;
      if (text.split('\n').length > count + 1) break;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(-count);
  } finally {
    fs.closeSync(fd);
  }
}
