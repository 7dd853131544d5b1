// Issue 10, finding 16 (docs/contract.md §2): the daemon's identity is its pid and its
// exact start time, recorded in PIDFILE.id when it publishes its pid file; not its
// title or argv, which the daemon itself controls.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { isAlive, killHard, waitFor } from '../helpers/service.js';
import { IDENT_APP, identSandboxes, pidIn, startTicks } from '../service/ident-helpers.js';

const sandbox = identSandboxes('initgen-ident-');
const noProc = !existsSync('/proc/self/stat') && 'needs /proc: identity is a start time read from /proc/PID/stat';

test('a daemon that sets another process title is still this service: status 0, stop ends it, start starts no second copy', { skip: noProc }, async () => {
  const box = sandbox({ IDENT_BEHAVIOUR: 'retitle' });
  const start = await box.act(['start']);
  assert.equal(start.code, 0, start.stderr);
  const pid = pidIn(box.pidfile);
  await waitFor(() => readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('something-else'), 'the daemon to retitle itself');
  const status = await box.act(['status']);
  assert.deepEqual({ code: status.code, stdout: status.stdout }, { code: 0, stdout: `ident-app is running (pid ${pid})\n` });
  const sysv = box.sysvStatus();
  assert.deepEqual({ code: sysv.code, stdout: sysv.stdout }, { code: 0, stdout: `ident-app is running (pid ${pid})\n` }, sysv.stderr);
  const again = await box.act(['start']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, `ident-app is already running (pid ${pid})\n`);
  assert.deepEqual(box.processes(), [pid], 'exactly one daemon');
  const stop = await box.act(['stop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(stop.stdout, `ident-app stopped (pid ${pid})\n`);
  assert.ok(!isAlive(pid), 'the retitled daemon was stopped');
  assert.ok(!existsSync(box.pidfile) && !existsSync(box.idfile), 'pid file and record removed together');
});

test('the record: "PID STARTTICKS\\n" with field 22 of the daemon\'s /proc/PID/stat, mode 0644, published and removed with the pid file', { skip: noProc }, async () => {
  const box = sandbox();
  assert.equal((await box.act(['start'])).code, 0);
  const pid = pidIn(box.pidfile);
  assert.equal(readFileSync(box.pidfile, 'utf8'), `${pid}\n`, 'the pid file holds only the pid');
  assert.equal(readFileSync(box.idfile, 'utf8'), `${pid} ${startTicks(pid)}\n`);
  assert.equal(statSync(box.idfile).mode & 0o7777, 0o644);
  assert.equal((await box.act(['stop'])).code, 0);
  assert.ok(!existsSync(box.idfile));
});

test('a pid file without its record (by hand, or an older initgen) proves nothing: status 1, stop signals nothing and removes it', { skip: noProc }, async (t) => {
  const box = sandbox();
  // a live process whose argv holds the program, as an admin's `node app.js logs -f` does
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', IDENT_APP], { stdio: 'ignore', detached: true });
  other.unref();
  t.after(() => killHard(other.pid));
  mkdirSync(dirname(box.pidfile), { recursive: true });
  writeFileSync(box.pidfile, `${other.pid}\n`);
  const status = await box.act(['status']);
  assert.equal(status.code, 1, status.stdout);
  assert.equal(box.sysvStatus().code, 1);
  const stop = await box.act(['stop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /^ident-app is not running \(removed stale pid file: no identity record .* proves process \d+ is this service\)\n$/);
  assert.ok(isAlive(other.pid), 'never signalled');
  assert.ok(!existsSync(box.pidfile));
});

test('a record whose start time differs by one tick (a reused pid) is stale: status 1, stop signals nothing', { skip: noProc }, async (t) => {
  const box = sandbox();
  const other = spawn('sleep', ['120'], { stdio: 'ignore', detached: true });
  other.unref();
  t.after(() => killHard(other.pid));
  mkdirSync(dirname(box.pidfile), { recursive: true });
  writeFileSync(box.pidfile, `${other.pid}\n`);
  writeFileSync(box.idfile, `${other.pid} ${Number(startTicks(other.pid)) + 1}\n`);
  assert.equal((await box.act(['status'])).code, 1);
  assert.equal(box.sysvStatus().code, 1);
  const stop = await box.act(['stop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, /the pid was reused/);
  assert.ok(isAlive(other.pid), 'never signalled');
  // with the right start time it is taken for the service: the record alone decides
  writeFileSync(box.pidfile, `${other.pid}\n`);
  writeFileSync(box.idfile, `${other.pid} ${startTicks(other.pid)}\n`);
  assert.equal((await box.act(['status'])).code, 0);
  assert.equal(box.sysvStatus().code, 0);
});

test('an identity record left alone (the daemon died between publishing it and its pid file) does not block the next start', { skip: noProc }, async () => {
  const box = sandbox();
  mkdirSync(dirname(box.pidfile), { recursive: true });
  writeFileSync(box.idfile, `${process.pid} ${startTicks(process.pid)}\n`);
  assert.equal((await box.act(['status'])).code, 3, 'no pid file: not running');
  const start = await box.act(['start']);
  assert.equal(start.code, 0, start.stderr);
  const pid = pidIn(box.pidfile);
  assert.equal(readFileSync(box.idfile, 'utf8'), `${pid} ${startTicks(pid)}\n`);
  assert.equal((await box.act(['stop'])).code, 0);
});
