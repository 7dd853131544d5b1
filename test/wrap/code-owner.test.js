// Issue 16 and finding 6: a plain program's service runs initgen's wrapper (and the
// library file beside it) as root at every action. When the wrapper comes from the
// generating initgen (the program has no initgen of its own), a copy another user can
// change — an npx cache in their home — is code that user runs as root: install refuses.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const NOBODY = 65534;
const skip = process.getuid() !== 0 && 'needs root: the generating initgen belongs to another user, root installs';

test('issue 16: install refuses a plain program whose wrapper another user can change (exit 2, naming it); root\'s own copy passes', { skip }, (t) => {
  const d = mkdtempSync(join(tmpdir(), 'initgen-wrap-owner-'));
  chmodSync(d, 0o755);
  t.after(() => rmSync(d, { recursive: true, force: true }));
  // initgen as npx would leave it in a user's cache: bin, dist and package.json are all it runs
  const copy = (owner) => {
    const gen = join(d, `gen-${owner}`);
    mkdirSync(gen, { mode: 0o755 });
    for (const part of ['bin', 'dist', 'package.json']) cpSync(join(REPO, part), join(gen, part), { recursive: true });
    if (owner !== 0) spawnSync('chown', ['-R', `${owner}:${owner}`, gen]);
    return join(gen, 'bin/initgen.js');
  };
  const app = join(d, 'app');
  mkdirSync(app, { mode: 0o755 });
  writeFileSync(join(app, 'server.js'), 'setInterval(() => {}, 1 << 30);\n', { mode: 0o644 });
  const cfg = join(d, 'initgen.json');
  writeFileSync(cfg, JSON.stringify({ name: 'wrapowner', script: join(app, 'server.js'), program: 'plain', node: process.execPath }));
  const install = (bin) => spawnSync(process.execPath, [bin, 'install', '-c', cfg, '--target', 'sysv', '--dry-run'], { encoding: 'utf8' });

  const theirs = install(copy(NOBODY));
  assert.equal(theirs.status, 2, theirs.stdout + theirs.stderr);
  assert.match(theirs.stderr, /`program` wrapper \S+\/gen-65534\/dist\/wrap\.mjs: \S+\/dist\/wrap\.mjs can be changed by its owner, uid 65534 \(nobody\)/);

  const ours = install(copy(0));
  assert.equal(ours.status, 0, ours.stdout + ours.stderr);
});
