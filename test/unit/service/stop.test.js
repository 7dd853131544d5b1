// src/service/stop.ts on its own, without the lock or the command line around it
// (docs/contract.md §2, §4): what it signals, what it leaves alone, what it removes.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveOptions } from '../../../dist/service/options.js';
import { stop } from '../../../dist/service/stop.js';
import { isAlive, waitFor } from '../../helpers/service.js';
import { scratch, spawnGroup } from '../../helpers/process-group.js';

const noProc = !existsSync('/proc/self/stat') && 'needs /proc (Linux)';
const { started, dir: freshDir } = scratch('initgen-unit-stop-');

function service(extra = {}) {
  const dir = freshDir();
  return resolveOptions({ name: 'app', pidfile: join(dir, 'app.pid'), logfile: join(dir, 'app.log'), run() {}, stopTimeout: 1, ...extra }, undefined, 'app.js');
}

/** The pid file and identity record the daemon would have published. */
function record(o, pid, ticks) {
  writeFileSync(o.pidfile, `${pid}\n`);
  writeFileSync(`${o.pidfile}.id`, `${pid} ${ticks}\n`);
}

test('nothing running: success, nothing to do', async () => {
  assert.deepEqual(await stop(service()), { outcome: 'success', message: 'app is not running' });
});

test('the recorded daemon: SIGTERM, then its files and the LSB lock file are removed', { skip: noProc }, async () => {
  const o = service({ lockfile: join(freshDir(), 'lock') });
  writeFileSync(o.lockfile, '');
  const d = await spawnGroup('echo up; exec sleep 60', started);
  record(o, d.pid, d.ticks);
  assert.deepEqual(await stop(o), { outcome: 'success', message: `app stopped (pid ${d.pid})` });
  assert.equal(await d.exit, 'SIGTERM');
  for (const file of [o.pidfile, `${o.pidfile}.id`, o.lockfile]) assert.equal(existsSync(file), false, file);
});

test('a pid file naming a live process it cannot prove is ours: removed, and the process is not signalled', { skip: noProc }, async () => {
  const o = service();
  const d = await spawnGroup('echo up; exec sleep 60', started);
  writeFileSync(o.pidfile, `${d.pid}\n`); // no identity record
  const result = await stop(o);
  assert.equal(result.outcome, 'success');
  assert.match(result.message, /^app is not running \(removed stale pid file: no identity record .* proves process \d+ is this service\)$/);
  assert.equal(existsSync(o.pidfile), false);
  assert.equal(isAlive(d.pid), true);
});

test('a dead daemon\'s workers left in its process group are ended, and named', { skip: noProc }, async () => {
  const o = service();
  const d = await spawnGroup('sleep 60 & echo $!', started);
  record(o, d.pid, d.ticks);
  await d.exit;
  await waitFor(() => !isAlive(d.pid), 'the daemon to be reaped');
  const result = await stop(o);
  assert.equal(result.outcome, 'success');
  assert.equal(result.message, `app is not running (removed stale pid file: process ${d.pid} is dead; ended the processes left in its process group: ${d.pids[0]})`);
  assert.equal(isAlive(d.pids[0]), false);
  assert.equal(existsSync(o.pidfile), false);
});
