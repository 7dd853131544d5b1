// contract §3: rotation by logrotate with copytruncate keeps working, and the
// generator offers the snippet. Checked with the real logrotate.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate } from '../../dist/generate.js';
import { normalize } from '../../dist/config/normalize.js';
import { CASES, readGolden } from '../golden/harness.js';

const haveLogrotate = spawnSync('logrotate', ['--version']).status === 0;
const noTool = !haveLogrotate && 'needs logrotate (Debian package logrotate)';

// with `su USER GROUP`, logrotate switches to that user even in debug mode
const needsRoot = (caseName) => process.getuid() !== 0 && [...readGolden('logrotate', caseName)]
  .some(([path, file]) => path.endsWith('.logrotate') && /^\s*su\s/m.test(file.bytes.toString()))
  && 'needs root: logrotate -d switches to the su user of the snippet even in debug mode';

for (const caseName of CASES) {
  test(`logrotate -d accepts the golden ${caseName} snippet`, { skip: noTool || needsRoot(caseName) }, () => {
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

test('su needs both user and group: otherwise a warning names the field', async () => {
  const warnings = [];
  const config = normalize({ name: 'hello', script: '/opt/hello/app.js', user: 'daemon' }, '/usr/bin/node');
  const [file] = await generate(config, 'logrotate', (m) => warnings.push(m));
  assert.doesNotMatch(file.content, /\bsu\b/);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^initgen: logrotate: field `user`: /);
});

test('a log path logrotate cannot express is reported, not written', async () => {
  const warnings = [];
  const config = normalize({ name: 'hello', script: '/a.js', logfile: '/var/log/{x}.log' }, '/usr/bin/node');
  assert.deepEqual(await generate(config, 'logrotate', (m) => warnings.push(m)), []);
  assert.match(warnings[0], /field `logfile`/);
});
