// issue 6.1: `initgen detect` names the init system from evidence, strongest first;
// each case is a fake root holding only that evidence.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { detect } from '../../dist/install/detect.js';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'initgen-detect-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** A fake root: keys ending in / are directories, `->` values are symlinks, `#!` values are executables. */
function root(entries) {
  const r = join(scratch, String(n++));
  mkdirSync(r);
  for (const [path, value] of Object.entries(entries)) {
    const full = join(r, path);
    if (path.endsWith('/')) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    mkdirSync(dirname(full), { recursive: true });
    if (value.startsWith('->')) symlinkSync(value.slice(2), full);
    else {
      writeFileSync(full, value);
      if (value.startsWith('#!')) chmodSync(full, 0o755);
    }
  }
  return r;
}

const TOOL = '#!/bin/sh\nexit 0\n';
const CASES = [
  ['systemd: /run/systemd/system', { 'run/systemd/system/': '' }, 'systemd'],
  ['systemd: pid 1 exe', { 'proc/1/comm': 'init\n', 'proc/1/exe': '->/lib/systemd/systemd' }, 'systemd'],
  ['upstart: pid 1 exe', { 'proc/1/comm': 'init\n', 'proc/1/exe': '->/sbin/upstart' }, 'upstart'],
  ['upstart: initctl version', { 'proc/1/comm': 'init\n', 'sbin/initctl': '#!/bin/sh\necho "initctl (upstart 1.12.1)"\n' }, 'upstart'],
  ['openrc: openrc-run', { 'sbin/openrc-run': TOOL, 'etc/init.d/': '' }, 'openrc'],
  ['launchd: launchctl', { 'bin/launchctl': TOOL }, 'launchd'],
  ['smf: svcadm', { 'usr/sbin/svcadm': TOOL }, 'smf'],
  ['runit: runsvdir running', { 'proc/412/comm': 'runsvdir\n', 'etc/init.d/': '', 'usr/sbin/update-rc.d': TOOL }, 'runit'],
  ['runit: pid 1', { 'proc/1/comm': 'runit\n', 'proc/1/exe': '->/sbin/runit' }, 'runit'],
  ['daemontools: svscan running', { 'proc/77/comm': 'svscan\n' }, 'daemontools'],
  ['sysv with Debian tools', { 'etc/init.d/': '', 'usr/sbin/update-rc.d': TOOL, 'proc/1/comm': 'init\n' }, 'sysv-debian'],
  ['sysv with RHEL tools', { 'etc/init.d/': '', 'sbin/chkconfig': TOOL }, 'sysv-rhel'],
  // strongest first: a booted systemd wins over a runsvdir it happens to run
  ['systemd beats runsvdir', { 'run/systemd/system/': '', 'proc/300/comm': 'runsvdir\n' }, 'systemd'],
  ['initctl without upstart is no evidence', { 'sbin/initctl': '#!/bin/sh\necho "initctl 0.1"\n', 'etc/init.d/': '', 'sbin/chkconfig': TOOL }, 'sysv-rhel'],
];

for (const [title, entries, expected] of CASES) {
  test(`issue 6.1: detect ${title}`, async () => {
    const { system, evidence } = await detect(root(entries));
    assert.equal(system, expected, JSON.stringify(evidence));
  });
}

test('issue 6.1: nothing recognised: exit 1 and say so', () => {
  const r = spawnSync(process.execPath, [BIN, 'detect', '--root', root({ 'etc/': '' })], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no init system recognised; pass --target/);
});

test('issue 6.1: --verbose shows the evidence, strongest first', () => {
  const r = spawnSync(process.execPath, [BIN, 'detect', '--verbose', '--root', root({ 'proc/9/comm': 'svscan\n', 'etc/init.d/': '', 'sbin/chkconfig': TOOL })], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'daemontools');
  assert.match(lines[1], /\/run\/systemd\/system: absent/);
  assert.match(lines.find((l) => l.includes('svscan')), /^ {2}daemontools\trunsvdir or svscan running: svscan is pid 9$/);
  assert.match(lines.at(-1), /^ {2}sysv-rhel\t\/etc\/init\.d with update-rc\.d or chkconfig: \/etc\/init\.d and chkconfig$/);
});
