// What install and uninstall do besides writing files: each step is data, so that
// --dry-run prints exactly what a real run would do, and a failure can say what was done.
import { spawn } from 'node:child_process';
import { shQuoteAll } from '../render/sh.js';
import { closeDir, hasProcFd, insideTree, openDirIn, removeIn, renameIn, symlinkIn, type OpenDir } from '../render/write.js';

export type Action =
  /**
   * run a tool; `tolerate`: failing is expected when there is nothing to stop (a warning,
   * not an error). `dirs`: directories under the root the tool works in, handed to it
   * open (see `perform`).
   */
  | { kind: 'run'; argv: string[]; tolerate?: boolean; dirs?: string[] }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'unlink'; path: string }
  | { kind: 'rename'; from: string; to: string }
  /** run ARGV until it fails (the supervisor has exited), for at most SECONDS */
  | { kind: 'waitFail'; argv: string[]; seconds: number; dirs?: string[] };

/** The action as a shell command line. */
export function describe(a: Action): string {
  switch (a.kind) {
    case 'run':
      return shQuoteAll(a.argv) + (a.tolerate ? ' || true' : '');
    case 'symlink':
      return shQuoteAll(['ln', '-sfn', a.target, a.path]);
    case 'unlink':
      return shQuoteAll(['rm', '-f', a.path]);
    case 'rename':
      return shQuoteAll(['mv', a.from, a.to]);
    case 'waitFail':
      return `while ${shQuoteAll(a.argv)} >/dev/null 2>&1; do sleep 1; done`;
  }
}

/**
 * Run one action; a tolerated failure returns its message instead of throwing. Paths
 * are host paths inside ROOT, and the file actions stay inside it (src/render/write.ts).
 */
export async function perform(a: Action, root: string): Promise<string | undefined> {
  switch (a.kind) {
    case 'run': {
      const { code, output } = await runIn(root, a.argv, a.dirs);
      if (code === 0) return undefined;
      const why = `\`${shQuoteAll(a.argv)}\` exited ${code}${output ? `: ${output.split('\n').filter(Boolean).pop()}` : ''}`;
      if (a.tolerate) return why;
      throw new Error(why);
    }
    case 'symlink':
      symlinkIn(root, a.target, a.path);
      return undefined;
    case 'unlink':
      removeIn(root, a.path);
      return undefined;
    case 'rename':
      renameIn(root, a.from, a.to);
      return undefined;
    case 'waitFail': {
      const deadline = Date.now() + a.seconds * 1000;
      while ((await runIn(root, a.argv, a.dirs)).code === 0) {
        if (Date.now() > deadline) return `\`${shQuoteAll(a.argv)}\` still succeeds after ${a.seconds} s`;
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    }
  }
}

/**
 * Under --root, a host tool given DIR/etc/sv/NAME would follow a link planted there
 * (DIR/etc -> /etc) and stop the host's service. So each of DIRS is opened inside the
 * root (src/render/write.ts) and handed to the tool as fd 3, 4, ...; the arguments name
 * it /proc/self/fd/N, which the kernel resolves to that open directory, not by name.
 */
async function runIn(root: string, argv: string[], dirs: string[] = []): Promise<{ code: number; output: string }> {
  if (root === '/' || dirs.length === 0 || !hasProcFd()) return runTool(argv, []);
  const open: OpenDir[] = [];
  try {
    for (const dir of dirs) {
      const d = openDirIn(root, insideTree(root, dir));
      if (d === undefined) return { code: 1, output: `${dir}: no such directory` };
      open.push(d);
    }
    // longest first, so DIR/etc/init.d is not taken for DIR/etc + /init.d
    const order = dirs.map((dir, i) => ({ dir, fd: `/proc/self/fd/${3 + i}` })).sort((x, y) => y.dir.length - x.dir.length);
    const args = argv.map((arg) => {
      const hit = order.find(({ dir }) => arg === dir || arg.startsWith(`${dir}/`));
      return hit === undefined ? arg : hit.fd + arg.slice(hit.dir.length);
    });
    return await runTool(args, open.map((d) => d.fd));
  } finally {
    for (const d of open) closeDir(d);
  }
}

function runTool(argv: string[], fds: number[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe', ...fds] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => done({ code: 127, output: err.message }));
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), output: output.trim() }));
  });
}
