// Code a test runs as another user (nobody, a test account) must be readable by
// that user. A checkout may sit in a directory only its owner can enter (a CI
// runner's temporary clone does): then those tests run a world-readable copy.
import { chmodSync, cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PARTS = ['package.json', 'dist', 'bin', 'templates', 'examples', 'test/fixtures', 'test/ops', 'node_modules'];

/** Every directory from `path` up to / lets others through (x for "other"). */
function othersCanEnter(path) {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

let root;

/** The repository itself when others can read it, else a copy made once per test process. */
export function readableRoot() {
  if (root) return root;
  if (othersCanEnter(REPO)) return (root = REPO);
  const copy = mkdtempSync(join(tmpdir(), 'initgen-readable-'));
  chmodSync(copy, 0o755);
  for (const part of PARTS) cpSync(join(REPO, part), join(copy, part), { recursive: true });
  process.on('exit', () => rmSync(copy, { recursive: true, force: true }));
  return (root = copy);
}

/** A file of the repository, as another user can reach it. */
export function readablePath(relative) {
  return join(readableRoot(), relative);
}
