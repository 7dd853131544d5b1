// What install and uninstall do besides writing files: each step is data, so that
// --dry-run prints exactly what a real run would do, and a failure can say what was done.
import { spawn } from 'node:child_process';
import { shQuoteAll } from '../render/sh.js';
import { removeIn, renameIn, symlinkIn } from '../render/write.js';

export type Action =
  /** run a tool; `tolerate`: failing is expected when there is nothing to stop (a warning, not an error) */
  | { kind: 'run'; argv: string[]; tolerate?: boolean }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'unlink'; path: string }
  | { kind: 'rename'; from: string; to: string }
  /** run ARGV until it fails (the supervisor has exited), for at most SECONDS */
  | { kind: 'waitFail'; argv: string[]; seconds: number };

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
      const { code, output } = await runTool(a.argv);
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
      while ((await runTool(a.argv)).code === 0) {
        if (Date.now() > deadline) return `\`${shQuoteAll(a.argv)}\` still succeeds after ${a.seconds} s`;
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    }
  }
}

function runTool(argv: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (err) => done({ code: 127, output: err.message }));
    child.on('close', (code, signal) => done({ code: code ?? (signal ? 128 : 1), output: output.trim() }));
  });
}
