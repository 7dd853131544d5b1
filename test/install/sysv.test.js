// issue 6.6: the SysV flavour enabled with the real insserv, which Debian's update-rc.d
// calls, inside a temporary root; the rc links follow the LSB header; uninstall removes
// them. This machine's /etc/init.d and /etc/rc?.d are never touched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const APP = fileURLToPath(new URL('../fixtures/install-app.js', import.meta.url));
const insserv = ['/usr/sbin/insserv', '/sbin/insserv', '/usr/lib/insserv/insserv'].find((p) => existsSync(p));
const scratch = mkdtempSync(join(tmpdir(), 'initgen-sysv-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function initgen(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** rcN.d entries naming NAME, as "N/LINK -> TARGET". */
function links(root, name) {
  const found = [];
  for (const level of ['0', '1', '2', '3', '4', '5', '6', 'S']) {
    const dir = join(root, 'etc', `rc${level}.d`);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).filter((e) => e.endsWith(name)).sort()) found.push(`${level}/${entry} -> ${readlinkSync(join(dir, entry))}`);
  }
  return found;
}

// The host's .depend files are what a stray insserv (without -i) would rewrite.
const hostDepend = () => ['boot', 'start', 'stop'].map((s) => `/etc/init.d/.depend.${s}`).filter(existsSync).map((p) => `${p} ${statSync(p).mtimeMs}`);

test('issue 6.6: sysv enabled with the real insserv under --root: rc links from the LSB header', { skip: !insserv && 'needs insserv (Debian package insserv)' }, () => {
  const root = join(scratch, 'root');
  const cfg = join(scratch, 'initgen.json');
  writeFileSync(cfg, JSON.stringify({ name: 'igsysv', script: APP, node: process.execPath, runlevels: { start: ['2', '3', '5'], stop: ['0', '6'] } }));
  const before = hostDepend();
  const r = initgen(['install', '-c', cfg, '--target', 'sysv', '--root', root, '--no-path-check']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`enabled with: \\S*insserv -f -p ${root}/etc/init.d -i ${root}/etc/init.d `));
  assert.equal(statSync(join(root, 'etc/init.d/igsysv')).mode & 0o7777, 0o755);
  assert.deepEqual(
    links(root, 'igsysv').map((l) => l.replace(/[SK]\d\d/, (m) => m[0])),
    ['0/Kigsysv -> ../init.d/igsysv', '2/Sigsysv -> ../init.d/igsysv', '3/Sigsysv -> ../init.d/igsysv', '5/Sigsysv -> ../init.d/igsysv', '6/Kigsysv -> ../init.d/igsysv'],
  );
  const u = initgen(['uninstall', '-c', cfg, '--root', root]);
  assert.equal(u.code, 0, u.stderr);
  assert.deepEqual(links(root, 'igsysv'), []);
  assert.equal(existsSync(join(root, 'etc/init.d/igsysv')), false);
  assert.deepEqual(hostDepend(), before);
});

test('issue 6.6: the real update-rc.d itself', {
  skip: 'update-rc.d has no root option: with DPKG_ROOT it still calls insserv on /etc/init.d, so it can only run on this machine\'s own /etc; the test above drives the insserv it calls, rooted with -p/-i/-c/-o',
}, () => {});

test('issue 6.2: sysv with RHEL tools cannot be enabled under --root: exit 2 with the reason', () => {
  const root = join(scratch, 'rhel');
  const cfg = join(scratch, 'rhel.json');
  writeFileSync(cfg, JSON.stringify({ name: 'igsysv', script: APP, node: process.execPath }));
  spawnSync('mkdir', ['-p', join(root, 'sbin')]);
  writeFileSync(join(root, 'sbin/chkconfig'), '#!/bin/sh\n', { mode: 0o755 });
  const r = initgen(['install', '-c', cfg, '--target', 'sysv', '--root', root, '--no-path-check']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /chkconfig cannot work under --root; use --no-enable/);
  assert.equal(initgen(['install', '-c', cfg, '--target', 'sysv', '--root', root, '--no-path-check', '--no-enable']).code, 0);
  assert.equal(existsSync(join(root, 'etc/init.d/igsysv')), true);
});
