// Security finding 11 (docs/contract.md §5): under --root DIR the install record
// DIR/var/lib/initgen/NAME/TARGET.json is DIR's owner's to write. Root's uninstall checks
// every field, removes only files the recorded target renders for that name, and only
// inside DIR; a record that fails the checks is refused (exit 2) before anything is done.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generate } from '../../dist/generate.js';
import { normalize } from '../../dist/config/normalize.js';
import { validateConfig } from '../../dist/config/validate.js';
import { loadTarget, TARGET_NAMES } from '../../dist/targets/registry.js';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const NOBODY = 65534;
const scratch = mkdtempSync(join(tmpdir(), 'initgen-sec-manifest-'));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

const sha = (text) => createHash('sha256').update(text).digest('hex');
const VICTIM_TEXT = 'an admin file, no marker\n';

let n = 0;
/** A tree nobody owns holding a record nobody wrote, and a root-owned victim file outside it. */
function setup(record) {
  const d = join(scratch, String(n++));
  mkdirSync(d, { mode: 0o755 });
  const tree = join(d, 'tree');
  mkdirSync(join(tree, 'var/lib/initgen/sec'), { recursive: true });
  for (const p of ['', 'var', 'var/lib', 'var/lib/initgen', 'var/lib/initgen/sec']) chownSync(join(tree, p), NOBODY, NOBODY);
  const victim = join(d, 'victim');
  mkdirSync(join(victim, 'init.d'), { recursive: true });
  writeFileSync(join(victim, 'init.d/sec'), VICTIM_TEXT);
  const file = join(tree, 'var/lib/initgen/sec/sysv.json');
  writeFileSync(file, JSON.stringify(record({ tree, victim, d })));
  chownSync(file, NOBODY, NOBODY);
  return { tree, victim, d };
}

const base = { name: 'sec', target: 'sysv', dirs: [], enabled: false };

function uninstall(tree, ...extra) {
  const r = spawnSync(process.execPath, [BIN, 'uninstall', '--name', 'sec', '--root', tree, ...extra], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('finding 11: a recorded path climbing out of the root (with the victim\'s sha256) is refused, exit 2, the victim kept', () => {
  const { tree, victim } = setup(({ tree: t, victim: v }) => ({
    ...base,
    files: [{ path: `${'../'.repeat(t.split('/').length)}${v.slice(1)}/init.d/sec`, mode: 0o755, sha256: sha(VICTIM_TEXT) }],
  }));
  const r = uninstall(tree, '--force');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^initgen: .*\/var\/lib\/initgen\/sec\/sysv\.json: not a record initgen wrote: file ".*" is not a plain relative path$/m);
  assert.equal(readFileSync(join(victim, 'init.d/sec'), 'utf8'), VICTIM_TEXT);
  assert.ok(existsSync(join(tree, 'var/lib/initgen/sec/sysv.json')), 'nothing is done, not even removing the record');
});

test('finding 11: a file the target does not install for that name, a foreign name, a directory not on the way: refused', () => {
  for (const [record, why] of [
    [{ ...base, files: [{ path: 'etc/passwd', mode: 0o644, sha256: sha('x') }] }, /file "etc\/passwd" is not a file sysv installs for sec/],
    [{ ...base, name: 'sec;touch x', files: [] }, /`name` is "sec;touch x", not the service name "sec" of its directory/],
    [{ ...base, target: 'systemd', files: [] }, /`target` is "systemd", not the target "sysv"/],
    [{ ...base, files: [{ path: 'etc/init.d/sec', mode: 0o755, sha256: sha('x') }], dirs: ['/usr'] }, /directory "\/usr" is not one on the way to a recorded file/],
  ]) {
    const { tree } = setup(() => record);
    const r = uninstall(tree);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, why);
  }
});

test('finding 11: a symlinked component under the root (DIR/etc -> the victim\'s directory) removes nothing outside DIR', () => {
  const { tree, victim } = setup(() => ({ ...base, files: [{ path: 'etc/init.d/sec', mode: 0o755, sha256: sha(VICTIM_TEXT) }] }));
  symlinkSync(victim, join(tree, 'etc'));
  lchownSync(join(tree, 'etc'), NOBODY, NOBODY);
  const r = uninstall(tree, '--force');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(victim, 'init.d/sec'), 'utf8'), VICTIM_TEXT);
});

test('finding 11: a bad --name is refused before any path is made from it', () => {
  const r = spawnSync(process.execPath, [BIN, 'uninstall', '--name', '../../etc', '--root', scratch], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, 'initgen: refusing to use the service name `../../etc` (letters, digits, _ . @ -)\ninitgen: nothing was done; if that record is not initgen\'s, move it away\n');
});

test("finding 11: the record's path rules accept every file each target renders (kept in step with the targets)", async () => {
  const config = normalize(
    await validateConfig(
      { name: 'sec', script: '/opt/sec/app.js', node: '/usr/bin/node', env: { PORT: '1', MODE: 'x' }, logfile: '/var/log/sec.log', launchd: { label: 'org.example.sec' } },
      'test',
    ),
  );
  for (const target of TARGET_NAMES) {
    const own = (await loadTarget(target)).installPaths('sec');
    for (const f of await generate(config, target, () => undefined)) assert.ok(own.test(f.installPath), `${target}: ${f.installPath}`);
    assert.equal(own.test('etc/shadow'), false);
  }
});

const have = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const running = (dir) => /^run: /.test(spawnSync('sv', ['status', dir], { encoding: 'utf8' }).stdout);

test('findings 3, 11: uninstall --root never stops or removes a service outside the root through DIR/etc -> elsewhere (real runsvdir)', { skip: (!have('runsvdir') && 'needs runsvdir (Debian package runit)') || (process.getuid() !== 0 && 'needs root: the tree is another user\'s'), timeout: 60_000 }, async () => {
  // a service outside the tree, supervised for real: the "host" whose /etc the link names
  const d = join(scratch, String(n++));
  const host = join(d, 'host');
  const run = '#!/bin/sh\nexec sleep 1000\n';
  mkdirSync(join(host, 'etc/sv/sec'), { recursive: true });
  writeFileSync(join(host, 'etc/sv/sec/run'), run, { mode: 0o755 });
  mkdirSync(join(host, 'service'));
  symlinkSync(join(host, 'etc/sv/sec'), join(host, 'service/sec'));
  const sup = spawn('runsvdir', [join(host, 'service')], { cwd: '/', detached: true, stdio: 'ignore' });
  const exited = new Promise((r) => sup.once('exit', r));
  try {
    for (let i = 0; !running(join(host, 'etc/sv/sec')); i++) {
      if (i > 600) throw new Error('the host service never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    // nobody's tree: a valid record of a runit install, and DIR/etc pointing at the host's
    const tree = join(d, 'tree');
    mkdirSync(join(tree, 'var/lib/initgen/sec'), { recursive: true });
    for (const p of ['', 'var', 'var/lib', 'var/lib/initgen', 'var/lib/initgen/sec']) chownSync(join(tree, p), NOBODY, NOBODY);
    const record = { name: 'sec', target: 'runit', scanDir: '/etc/service', files: [{ path: 'etc/sv/sec/run', mode: 0o755, sha256: sha(run) }], dirs: [], enabled: true };
    writeFileSync(join(tree, 'var/lib/initgen/sec/runit.json'), JSON.stringify(record));
    chownSync(join(tree, 'var/lib/initgen/sec/runit.json'), NOBODY, NOBODY);
    symlinkSync(join(host, 'etc'), join(tree, 'etc'));
    lchownSync(join(tree, 'etc'), NOBODY, NOBODY);

    const r = uninstall(tree, '--force');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(running(join(host, 'etc/sv/sec')), `root's uninstall --root stopped a service outside the root: ${r.stderr}`);
    assert.equal(readFileSync(join(host, 'etc/sv/sec/run'), 'utf8'), run);
  } finally {
    process.kill(sup.pid, 'SIGHUP'); // runsvdir: TERM to each runsv, which stops its service
    await exited;
    try {
      process.kill(-sup.pid, 'SIGKILL');
    } catch {
      // the group is already empty
    }
  }
});
