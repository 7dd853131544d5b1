// A service program written into a temp dir, with its options in the code (it reads
// no environment variable), importing the package through a node_modules link.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readableRoot } from './readable-tree.js';

/**
 * Writes DIR/NAME.mjs calling init.simple({ ...options, run }) with `run` keeping the
 * process alive; `body` replaces the whole program when given. Returns its path.
 */
export function writeProgram(dir, { file = 'app.mjs', options = {}, body } = {}) {
  const modules = join(dir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  try {
    symlinkSync(readableRoot(), join(modules, 'initgen'));
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  const path = join(dir, file);
  const source =
    body ??
    `import init from 'initgen';\ninit.simple({ ...${JSON.stringify(options)}, run() { setInterval(() => {}, 1 << 30); } });\n`;
  writeFileSync(path, source, { mode: 0o644 });
  return path;
}
