// Issue 12: every failure of `logs` and of opening the log at start is one line
// `NAME: what failed: why` (start: `what failed: why`) with its LSB code, never a
// stack trace and never silence (docs/exit-codes.md, `logs`).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { daemonsOf, sandboxes } from '../helpers/daemons.js';
import { FIXTURE, isRoot, killHard, runAction, waitFor } from '../helpers/service.js';
import { readablePath } from '../helpers/readable-tree.js';

const sandbox = sandboxes('initgen-logs-');
const asNobody = { uid: 65534, gid: 65534, script: readablePath('test/fixtures/service.js') };

function assertOneLine(stderr) {
  assert.match(stderr, /^[^\n]+\n$/, `not one line: ${JSON.stringify(stderr)}`);
}

test('`logs` with no log file: 1, `NAME: no log file at PATH`', async () => {
  const box = sandbox();
  const r = await runAction(['logs'], { env: box.env() });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.equal(r.stderr, `fixture: no log file at ${box.logfile}\n`);
  assert.equal(r.stdout, '');
});

test('`logs` when the log path is a directory: 4, one line, no stack trace', async () => {
  const box = sandbox();
  mkdirSync(box.logfile, { recursive: true });
  const r = await runAction(['logs', '-n', '3'], { env: box.env() });
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.equal(r.stderr, `fixture: refusing to read log file ${box.logfile}: it is not a regular file\n`);
});

test('`logs -f` before there is a log: says so once, then prints the file when it appears', async () => {
  const box = sandbox();
  const child = spawn(process.execPath, [FIXTURE, 'logs', '-f'], { env: box.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  sandbox.track(child.pid);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  try {
    await waitFor(() => err !== '', 'the note on stderr');
    assert.equal(err, `fixture: no log file at ${box.logfile} yet; waiting for it\n`);
    mkdirSync(dirname(box.logfile), { recursive: true });
    appendFileSync(box.logfile, 'first\n');
    await waitFor(() => out.includes('first\n'), 'the follower to print the new file');
  } finally {
    killHard(child.pid);
  }
});

test('unprivileged `logs` of a log it may not read: 4, `NAME: cannot read log file PATH: permission denied`', { skip: !isRoot && 'needs root: to run logs as nobody over a root-only log' }, async () => {
  const box = sandbox();
  chmodSync(box.dir, 0o755);
  mkdirSync(dirname(box.logfile), { mode: 0o755 });
  writeFileSync(box.logfile, 'root only\n', { mode: 0o600 });
  const r = await runAction(['logs'], { env: box.env(), ...asNobody });
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.equal(r.stderr, `fixture: cannot read log file ${box.logfile}: permission denied\n`);
});

test('unprivileged start that may not open the log file: 4, one line naming the file, no raw EACCES', { skip: !isRoot && 'needs root: to run start as nobody over a root-only log' }, async () => {
  const box = sandbox();
  chmodSync(box.dir, 0o755);
  mkdirSync(dirname(box.pidfile), { mode: 0o777 });
  chmodSync(dirname(box.pidfile), 0o777);
  mkdirSync(dirname(box.logfile), { mode: 0o755 });
  writeFileSync(box.logfile, 'root only\n', { mode: 0o600 });
  const r = await runAction(['start'], { env: box.env(), ...asNobody });
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assertOneLine(r.stderr);
  assert.match(r.stderr, new RegExp(`cannot open log file ${box.logfile}: permission denied\\n$`));
  assert.doesNotMatch(r.stderr, /EACCES/);
  assert.deepEqual(daemonsOf(box), []);
});

test('unprivileged start that may not create the log directory: 4, one line naming it', { skip: !isRoot && 'needs root: to run start as nobody under a root-only directory' }, async () => {
  const box = sandbox();
  chmodSync(box.dir, 0o755);
  mkdirSync(dirname(box.pidfile), { mode: 0o777 });
  chmodSync(dirname(box.pidfile), 0o777);
  const r = await runAction(['start'], { env: box.env(), ...asNobody });
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assertOneLine(r.stderr);
  assert.match(r.stderr, new RegExp(`cannot create directory ${dirname(box.logfile)} for log file ${box.logfile}: permission denied\\n$`));
  assert.equal(existsSync(dirname(box.logfile)), false);
});

test('a log file that is /dev/null: start and stop work (appending to a device is allowed); `logs` refuses to read it (4)', async () => {
  const box = sandbox();
  const env = box.env({ FIXTURE_LOGFILE: '/dev/null' });
  const start = await runAction(['start'], { env });
  assert.equal(start.code, 0, start.stderr);
  const logs = await runAction(['logs'], { env });
  assert.equal(logs.code, 4, logs.stdout + logs.stderr);
  assert.equal(logs.stderr, 'fixture: refusing to read log file /dev/null: it is not a regular file\n');
  assert.equal((await runAction(['stop'], { env })).code, 0);
  // a failed start has no tail to show, and says nothing about not showing one
  const failed = await runAction(['start'], { env: { ...env, FIXTURE_BEHAVIOUR: 'crash-at-start' } });
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /^fixture failed to start: [^\n]*\n$/);
});
