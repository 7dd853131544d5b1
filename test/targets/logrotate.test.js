// contract §3: rotation by logrotate with copytruncate keeps working, and the
// generator offers the snippet. Checked with the real logrotate.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate } from '../../dist/generate.js';
import { normalize } from '../../dist/config/normalize.js';
import { CASES, readGolden } from '../golden/harness.js';

const haveLogrotate = spawnSync('logrotate', ['--version']).status === 0;
const noTool = !haveLogrotate && 'needs logrotate (Debian package logrotate)';

for (const caseName of CASES) {
  test(`logrotate -d accepts the golden ${caseName} snippet`, { skip: noTool }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'initgen-lr-'));
    try {
      for (const [path, file] of readGolden('logrotate', caseName)) {
        if (!path.endsWith('.logrotate')) continue;
        const run = spawnSync('logrotate', ['-d', '-s', join(dir, 'state'), file.abs], { encoding: 'utf8' });
        assert.equal(run.status, 0, run.stderr);
        assert.doesNotMatch(run.stderr, /^error:/m);
        assert.match(run.stderr, /Handling 1 logs/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a forced rotation copies the log and truncates it in place', { skip: noTool }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-lr-'));
  try {
    const log = join(dir, 'hello world.log');
    writeFileSync(log, 'line 1\nline 2\n');
    const config = normalize({ name: 'hello', script: '/opt/hello/app.js', logfile: log }, '/usr/bin/node');
    const warnings = [];
    const [file] = await generate(config, 'logrotate', (m) => warnings.push(m));
    assert.deepEqual(warnings, []);
    assert.equal(file.installPath, 'etc/logrotate.d/hello');
    assert.equal(file.mode, 0o644);
    const conf = join(dir, 'hello.conf');
    writeFileSync(conf, file.content, { mode: 0o644 });
    const inode = statSync(log).ino;
    const run = spawnSync('logrotate', ['-f', '-s', join(dir, 'state'), conf], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    // copytruncate: the daemon's open file is the same inode, now empty
    assert.equal(statSync(log).ino, inode);
    assert.equal(statSync(log).size, 0);
    // delaycompress: the newest rotation stays plain text
    assert.equal(readFileSync(`${log}.1`, 'utf8'), 'line 1\nline 2\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// issue 12: with user and group set the snippet said `su USER GROUP`, and logrotate,
// as that user, could neither read the root-owned log nor write its directory: no
// rotation ever. Every combination of user/group and of who owns the file and the
// directory must rotate, with the real logrotate, once rotation is due.
const ACCOUNTS = { none: {}, user: { user: 'daemon' }, group: { group: 'daemon' }, both: { user: 'daemon', group: 'daemon' } };
const PLACES = {
  // the library (sysv, SMF contract) creates the file as root in a root directory
  'root file in a root directory': { dirOwner: [0, 0], fileOwner: [0, 0] },
  // systemd, openrc and upstart open it as the service's user
  "the user's file in a root directory": { dirOwner: [0, 0], fileOwner: [1, 1] },
  // a directory an admin gave the service
  "the user's file in the user's directory": { dirOwner: [1, 1], fileOwner: [1, 1] },
};
for (const [accounts, fields] of Object.entries(ACCOUNTS)) {
  for (const [place, { dirOwner, fileOwner }] of Object.entries(PLACES)) {
    test(`logrotate rotates with ${accounts === 'none' ? 'no user or group' : `${accounts} set`}: ${place}`, { skip: noTool || (process.getuid() !== 0 && 'needs root: logrotate as root, files owned by daemon') }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'initgen-lr-own-'));
      try {
        chmodSync(dir, 0o755);
        const logs = join(dir, 'logs');
        mkdirSync(logs, { mode: 0o755 });
        chownSync(logs, ...dirOwner);
        const log = join(logs, 'app.log');
        const lines = 'a line the service wrote\n'.repeat(1000);
        writeFileSync(log, lines, { mode: 0o640 });
        chownSync(log, ...fileOwner);
        const config = normalize({ name: 'app', script: '/opt/app/app.js', logfile: log, ...fields }, '/usr/bin/node');
        const [file] = await generate(config, 'logrotate', () => {});
        const conf = join(dir, 'app.conf');
        writeFileSync(conf, file.content, { mode: 0o644 });
        // last rotated long ago: the weekly rotation is due now
        const state = join(dir, 'state');
        writeFileSync(state, `logrotate state -- version 2\n"${log}" 2000-1-1-0:0:0\n`);
        const run = spawnSync('logrotate', ['-v', '-s', state, conf], { encoding: 'utf8' });
        assert.equal(run.status, 0, run.stderr);
        assert.doesNotMatch(run.stderr, /^error:/m);
        assert.equal(readFileSync(`${log}.1`, 'utf8'), lines, 'rotated copy');
        assert.equal(statSync(log).size, 0, 'truncated in place');
        assert.deepEqual([statSync(log).uid, statSync(log).gid], fileOwner, 'the log keeps its owner');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

test('a log path logrotate cannot express is reported, not written', async () => {
  const warnings = [];
  const config = normalize({ name: 'hello', script: '/a.js', logfile: '/var/log/{x}.log' }, '/usr/bin/node');
  assert.deepEqual(await generate(config, 'logrotate', (m) => warnings.push(m)), []);
  assert.match(warnings[0], /field `logfile`/);
});
