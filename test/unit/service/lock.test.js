// src/service/lock.ts on its own: the start/stop lock (docs/contract.md §2), between
// real processes. test/security/lock.test.js has the attacks on it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, linkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { acquireLock, acquireSocketLock } from '../../../dist/service/lock.js';
import { scratch } from '../../helpers/process-group.js';

const LOCK = new URL('../../../dist/service/lock.js', import.meta.url).href;
const noFlock = !['/usr/bin/flock', '/bin/flock'].some((p) => existsSync(p)) && 'needs util-linux flock (Debian package util-linux)';
const BUSY = /another start or stop of this service is still in progress/;
const { started, dir: freshDir } = scratch('initgen-unit-lock-');

function pidfile() {
  return join(freshDir(), 'app.pid');
}

/** Another process that takes the lock, says `locked` and holds it until it dies. */
async function holder(path, how = 'acquireLock') {
  const program = `const lock = await import(${JSON.stringify(LOCK)}); await lock.${how}(${JSON.stringify(path)}, 10000); process.stdout.write('locked\\n'); setInterval(() => {}, 1e9);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child.pid);
  const said = await new Promise((resolve) => {
    child.stdout.once('data', (d) => resolve(String(d)));
    child.once('exit', () => resolve('exited'));
  });
  assert.equal(said, 'locked\n');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, kill: () => (child.kill('SIGKILL'), exited) };
}

test('two holders in one process: the second waits out its timeout, then gets it once the first releases', { skip: noFlock }, async () => {
  const path = pidfile();
  const first = await acquireLock(path, 10_000);
  await assert.rejects(acquireLock(path, 200), (error) => error.outcome === 'genericError' && BUSY.test(error.message));
  await first.release();
  await first.release(); // twice is harmless
  await (await acquireLock(path, 10_000)).release();
  assert.equal(statSync(`${path}.lock`).mode & 0o777, 0o600, 'PIDFILE.lock, 0600; it stays after use');
});

test('a waiter is granted the lock only after the holder lets go, without waiting out its timeout', { skip: noFlock }, async () => {
  const path = pidfile();
  const first = await acquireLock(path, 10_000);
  let released = false;
  const second = acquireLock(path, 600_000).then((lock) => ({ lock, whileHeld: !released }));
  await new Promise((resolve) => setTimeout(resolve, 100)); // give it a chance to be wrongly granted
  released = true;
  await first.release();
  const { lock, whileHeld } = await second;
  await lock.release();
  assert.equal(whileHeld, false);
});

test('another process holding the lock keeps us out; its death, even by SIGKILL, releases it', { skip: noFlock }, async () => {
  const path = pidfile();
  const other = await holder(path);
  await assert.rejects(acquireLock(path, 200), BUSY);
  await other.kill();
  await (await acquireLock(path, 10_000)).release();
});

test('a lock file writable by others, or with a second link, is refused (LSB 4)', { skip: noFlock }, async () => {
  const path = pidfile();
  writeFileSync(`${path}.lock`, '', { mode: 0o600 });
  chmodSync(`${path}.lock`, 0o666);
  await assert.rejects(acquireLock(path, 1000), {
    outcome: 'insufficientPrivilege',
    message: `refusing to use lock file ${path}.lock: it is writable by other users`,
  });
  chmodSync(`${path}.lock`, 0o600);
  linkSync(`${path}.lock`, `${path}.other`);
  await assert.rejects(acquireLock(path, 1000), {
    outcome: 'insufficientPrivilege',
    message: `refusing to use lock file ${path}.lock: it has 2 links`,
  });
});

test('the socket fallback (no flock): one holder at a time, released by release() and by death', { skip: process.platform !== 'linux' && 'needs Linux (abstract sockets)' }, async () => {
  const path = pidfile();
  const first = await acquireSocketLock(path, 10_000);
  await assert.rejects(acquireSocketLock(path, 200), BUSY);
  await first.release();
  await (await acquireSocketLock(path, 10_000)).release();
  const other = await holder(path, 'acquireSocketLock');
  await assert.rejects(acquireSocketLock(path, 200), BUSY);
  await other.kill();
  await (await acquireSocketLock(path, 10_000)).release();
});
