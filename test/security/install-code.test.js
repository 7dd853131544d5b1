// Security finding 6 (docs/contract.md §5): a SysV wrapper runs `node SCRIPT ACTION` as
// root, so whoever can change the script, a directory on its way, a module it loads or
// node itself runs code as root at the next stop. The service user nobody owns the
// program tree here and really can edit it; install refuses (also with --dry-run),
// plain generation warns and exits 0, and a target that starts node as the user directly
// is not refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const NOBODY = 65534;
const skip = process.getuid() !== 0 && 'needs root: the program tree belongs to another user, root installs';
const scratch = mkdtempSync(join(tmpdir(), 'initgen-sec-code-'));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** /…/N/app/app.js and its node_modules, all root's and 0755/0644. */
function program() {
  const d = join(scratch, String(n++));
  const app = join(d, 'app');
  mkdirSync(join(app, 'node_modules/dep'), { recursive: true, mode: 0o755 });
  chmodSync(d, 0o755);
  writeFileSync(join(app, 'app.js'), '// the service\n', { mode: 0o644 });
  writeFileSync(join(app, 'node_modules/dep/index.js'), 'module.exports = 1;\n', { mode: 0o644 });
  return { d, app, script: join(app, 'app.js') };
}

function config(d, script, extra = {}) {
  const file = join(d, 'initgen.json');
  writeFileSync(file, JSON.stringify({ name: 'seccode', script, node: process.execPath, user: 'nobody', ...extra }));
  return file;
}

function initgen(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** nobody, as the real user, appends to FILE: the premise of the attack. */
function nobodyEdits(file) {
  return spawnSync('sh', ['-c', 'echo "require(\'child_process\').execSync(\'id\')" >> "$1"', 'sh', file], { uid: NOBODY, gid: NOBODY }).status === 0;
}

test('finding 6: the service user owns the program tree: install --target sysv refuses (exit 2, naming the path and who), even --dry-run', { skip }, () => {
  const { d, app, script } = program();
  chownSync(app, NOBODY, NOBODY);
  // app.js is still root's, but its directory is nobody's: nobody can put another app.js there
  assert.equal(spawnSync('sh', ['-c', 'echo "// mine" > "$1.new" && mv "$1.new" "$1"', 'sh', script], { uid: NOBODY, gid: NOBODY }).status, 0);
  const cfg = config(d, script);
  for (const extra of [['--dry-run'], ['--root', join(d, 'tree'), '--no-enable']]) {
    const r = initgen(['install', '-c', cfg, '--target', 'sysv', ...extra]);
    if (extra[0] === '--root') {
      // under --root the paths are looked up inside the tree, where the program is not: the path check says so first
      assert.equal(r.code, 2, r.stderr);
      continue;
    }
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, -1), [
      `initgen: refusing to install: \`script\` ${script}: ${app} can be changed by its owner, uid 65534 (nobody)`,
      `initgen: refusing to install: \`script\` ${script}: ${script} can be changed by its owner, uid 65534 (nobody)`,
    ]);
    assert.match(lines.at(-1), /^initgen: root runs this code \(the sysv wrapper runs node as root for every action\); make it root's and writable by no one else/);
    assert.equal(r.stdout, '', 'a refused --dry-run prints no plan');
  }
});

test('finding 6: a module the script loads, or the script itself, writable by the service user: refused; nobody really can edit it', { skip }, () => {
  const { d, app, script } = program();
  chownSync(join(app, 'node_modules/dep/index.js'), NOBODY, NOBODY);
  assert.ok(nobodyEdits(join(app, 'node_modules/dep/index.js')));
  const r = initgen(['install', '-c', config(d, script), '--target', 'sysv', '--dry-run']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^initgen: refusing to install: modules of \`script\` in ${app}/node_modules: ${app}/node_modules/dep/index\\.js can be changed by its owner, uid 65534 \\(nobody\\)$`, 'm'));

  const other = program();
  chmodSync(other.script, 0o666);
  assert.ok(nobodyEdits(other.script));
  const w = initgen(['install', '-c', config(other.d, other.script), '--target', 'sysv', '--dry-run']);
  assert.equal(w.code, 2, w.stderr);
  assert.match(w.stderr, new RegExp(`^initgen: refusing to install: \`script\` ${other.script}: ${other.script} can be changed by everyone$`, 'm'));
});

test('finding 6: root\'s own tree installs; systemd with `user` starts node as that user and is not refused; without `user` it is', { skip }, () => {
  const { d, app, script } = program();
  const ok = initgen(['install', '-c', config(d, script), '--target', 'sysv', '--dry-run']);
  assert.equal(ok.code, 0, ok.stderr);
  chownSync(app, NOBODY, NOBODY);
  const systemd = initgen(['install', '-c', config(d, script), '--target', 'systemd', '--dry-run']);
  assert.equal(systemd.code, 0, systemd.stderr);
  const asRoot = initgen(['install', '-c', config(d, script, { user: undefined }), '--target', 'systemd', '--dry-run']);
  assert.equal(asRoot.code, 2, asRoot.stderr);
  assert.match(asRoot.stderr, /root runs this code \(no `user` is set\)/);
});

test('finding 6: plain generation warns, names the path, and exits 0', { skip }, () => {
  const { d, app, script } = program();
  chownSync(app, NOBODY, NOBODY);
  const r = initgen(['--target', 'sysv', '-c', config(d, script), '--out', join(d, 'out')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^initgen: warning: sysv would run as root code that others can change: \`script\` ${script}: ${app} can be changed by its owner, uid 65534 \\(nobody\\); \`initgen install\` refuses this`, 'm'));
});
