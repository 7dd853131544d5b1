// Running a host tool for install and uninstall, confined to the install root.
import { spawn } from 'node:child_process';
import { closeDir, hasProcFd, insideTree, openDirIn, type OpenDir } from '../render/write.js';

/**
 * Under --root, a host tool given DIR/etc/sv/NAME would follow a link planted there
 * (DIR/etc -> /etc) and stop the host's service. So each of DIRS is opened inside the
 * root (src/render/write.ts) and handed to the tool as fd 3, 4, ...; the arguments name
 * it /proc/self/fd/N, which the kernel resolves to that open directory, not by name.
 */
export async function runIn(root: string, argv: string[], dirs: string[] = []): Promise<{ code: number; output: string }> {
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
