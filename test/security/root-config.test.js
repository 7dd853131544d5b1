// Security finding 13 (docs/contract.md §5): root running `initgen install` with no
// --config in a directory others can write rendered and installed their initgen.json.
// As root, a config nobody named must be root's alone (file, its directory and the
// directories above it); --config FILE still takes any file root names.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readablePath } from '../helpers/readable-tree.js';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const NOBODY = 65534;
const skip = process.getuid() !== 0 && 'needs root: the rule applies to root only, the attacker is another user';
const scratch = mkdtempSync(join(tmpdir(), 'initgen-sec-config-'));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

const EVIL = JSON.stringify({ name: 'evil', script: '/tmp/evil.js', node: '/usr/bin/node' });
const GOOD = JSON.stringify({ name: 'good', script: '/opt/good/app.js', node: '/usr/bin/node' });

let n = 0;
function fresh(mode = 0o755) {
  const d = join(scratch, String(n++));
  mkdirSync(d);
  chmodSync(d, mode);
  return d;
}

function initgen(args, cwd, opts = {}) {
  const bin = opts.uid === undefined ? BIN : readablePath('bin/initgen.js');
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', ...opts });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** nobody writes FILE in DIR, as the real user. */
function asNobody(dir, file, text) {
  const r = spawnSync('sh', ['-c', `printf '%s' "$1" > "$2"`, 'sh', text, join(dir, file)], { uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('finding 13: root in a directory anyone can write: install refuses the initgen.json another user put there (exit 2)', { skip }, () => {
  for (const mode of [0o777, 0o1777]) {
    const cwd = fresh(mode);
    asNobody(cwd, 'initgen.json', EVIL);
    const tree = join(fresh(), 'tree');
    const r = initgen(['install', '--target', 'logrotate', '--root', tree, '--no-path-check'], cwd);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /^initgen: .*: refusing to look for a config here: mode 1?0?777; as root, a config found in the current directory must be owned by root and writable by no one else; pass --config FILE to use it anyway\n$/);
    assert.equal(existsSync(tree), false);
    // the generator too
    const g = initgen(['--target', 'logrotate'], cwd);
    assert.equal(g.code, 2, g.stderr);
    assert.doesNotMatch(g.stdout, /evil/);
  }
});

test('finding 13: a discovered config another user owns, or others can write, or a symlink: refused; named with --config: used', { skip }, () => {
  const owned = fresh();
  chownSync(owned, NOBODY, NOBODY);
  asNobody(owned, 'package.json', JSON.stringify({ initgen: JSON.parse(EVIL) }));
  chownSync(owned, 0, 0); // root's directory, nobody's file
  const r1 = initgen(['--target', 'logrotate'], owned);
  assert.equal(r1.code, 2, r1.stderr);
  assert.match(r1.stderr, /^initgen: package\.json: refusing it: owned by uid 65534; as root, /);

  const writable = fresh();
  writeFileSync(join(writable, 'initgen.yaml'), 'name: evil\nscript: /tmp/evil.js\n');
  chmodSync(join(writable, 'initgen.yaml'), 0o666);
  const r2 = initgen(['--target', 'logrotate'], writable);
  assert.equal(r2.code, 2, r2.stderr);
  assert.match(r2.stderr, /^initgen: initgen\.yaml: refusing it: mode 0666; /);

  const linked = fresh();
  writeFileSync(join(linked, 'elsewhere.json'), GOOD);
  symlinkSync('elsewhere.json', join(linked, 'initgen.json'));
  const r3 = initgen(['--target', 'logrotate'], linked);
  assert.equal(r3.code, 2, r3.stderr);
  assert.match(r3.stderr, /^initgen: initgen\.json: refusing a symbolic link; /);
  const named = initgen(['--target', 'logrotate', '--config', 'initgen.json'], linked);
  assert.equal(named.code, 0, named.stderr);
  assert.match(named.stdout, /good/);

  // a directory above that another user owns could be renamed and replaced
  const theirs = fresh();
  chownSync(theirs, NOBODY, NOBODY);
  const inside = join(theirs, 'app');
  mkdirSync(inside, { mode: 0o755 });
  writeFileSync(join(inside, 'initgen.json'), GOOD);
  const r4 = initgen(['--target', 'logrotate'], inside);
  assert.equal(r4.code, 2, r4.stderr);
  assert.match(r4.stderr, new RegExp(`^initgen: ${theirs}: refusing to look for a config here: owned by uid 65534; `));
});

test('finding 13: root\'s own config in root\'s own directory is found as before; other users are not affected', { skip }, () => {
  const mine = fresh();
  writeFileSync(join(mine, 'initgen.json'), GOOD);
  const r = initgen(['--target', 'logrotate'], mine);
  assert.equal(r.code, 0, r.stderr);
  const theirs = fresh(0o777);
  asNobody(theirs, 'initgen.json', GOOD);
  const u = initgen(['--target', 'logrotate'], theirs, { uid: NOBODY, gid: NOBODY });
  assert.equal(u.code, 0, u.stderr);
});
