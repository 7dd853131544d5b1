// `logs [-n N] [-f]` (contract §3): the last N lines, then new ones as they come.
// The `tail` package follows appends and copytruncate; after a rotation by rename it
// keeps reading the renamed file, so we watch the path's inode and start over on the new file.
import * as fs from 'node:fs';
import { lastLines } from './logfile.js';

const ROTATION_CHECK_MS = 250;

function inode(path: string): number | undefined {
  try {
    return fs.statSync(path).ino;
  } catch {
    return undefined;
  }
}

export function printLastLines(path: string, count: number, out: NodeJS.WritableStream = process.stdout): void {
  for (const line of lastLines(path, count)) out.write(`${line}\n`);
}

/** Follows until the process is signalled; resolves never. */
export async function follow(path: string, out: NodeJS.WritableStream = process.stdout): Promise<never> {
  const { Tail } = await import('tail');
  type Watcher = InstanceType<typeof Tail>;
  let current: Watcher | undefined;
  let watched: number | undefined;
  const open = (fromBeginning: boolean): void => {
    current?.unwatch();
    watched = inode(path);
    if (watched === undefined) return void (current = undefined);
    current = new Tail(path, { fromBeginning, follow: false, flushAtEOF: true });
    current.on('line', (line: string) => out.write(`${line}\n`));
    current.on('error', () => {});
  };
  open(false);
  setInterval(() => {
    const now = inode(path);
    if (now !== undefined && now !== watched) open(true); // rotated (or created): read the new file whole
  }, ROTATION_CHECK_MS);
  return new Promise<never>(() => {});
}
