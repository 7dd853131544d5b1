// Issue 10, finding 17 (docs/contract.md §4): the daemon's workers do not outlive
// stop. They stay in its process group after it dies; while the group has members
// the kernel does not reuse its id, so stop can still end them by the group.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlive, waitFor } from '../helpers/service.js';
import { statFields } from '../helpers/daemons.js';
import { identSandboxes, pidIn } from './ident-helpers.js';

const sandbox = identSandboxes('initgen-group-');
const noProc = !existsSync('/proc/self/stat') && 'needs /proc: process groups are found by scanning /proc/*/stat';

test('a daemon that crashed leaving a worker: stop ends the worker (by its group) and says so; then status 3', { skip: noProc }, async () => {
  const box = sandbox({ IDENT_BEHAVIOUR: 'worker' });
  const workerFile = join(box.dir, 'worker.pid');
  const start = await box.act(['start'], { more: { IDENT_WORKER_FILE: workerFile } });
  assert.equal(start.code, 0, start.stderr);
  const daemon = pidIn(box.pidfile);
  const worker = await waitFor(() => pidIn(workerFile), 'the worker pid');
  assert.equal(Number(statFields(worker)[2]), daemon, 'the worker is in the daemon\'s process group');
  process.kill(daemon, 'SIGUSR2'); // the daemon crashes; its worker runs on
  await waitFor(() => !isAlive(daemon), 'the daemon to die');
  assert.ok(isAlive(worker), 'the worker outlived the daemon');
  assert.equal((await box.act(['status'])).code, 1, 'dead, pid file exists');
  const stop = await box.act(['stop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.ok(!isAlive(worker), `stop left the worker ${worker} running: ${stop.stdout}`);
  assert.equal(stop.stdout, `ident-app is not running (removed stale pid file: process ${daemon} is dead; ended the processes left in its process group: ${worker})\n`);
  assert.equal((await box.act(['status'])).code, 3);
});

test('a daemon that spawns a worker and then fails during start: start → 1 and no worker is left', { skip: noProc }, async () => {
  const box = sandbox({ IDENT_BEHAVIOUR: 'worker-fail' });
  const workerFile = join(box.dir, 'worker.pid');
  const start = await box.act(['start'], { more: { IDENT_WORKER_FILE: workerFile } });
  assert.equal(start.code, 1, start.stdout);
  const worker = pidIn(workerFile);
  assert.ok(worker, 'the worker was spawned');
  assert.ok(!isAlive(worker), `the failed start left its worker ${worker} running`);
  assert.deepEqual(box.processes(), []);
});

test('a stale pid file whose pid now leads someone else\'s group: nothing in that group is signalled', { skip: noProc }, async () => {
  const box = sandbox({ IDENT_BEHAVIOUR: 'worker' });
  const workerFile = join(box.dir, 'worker.pid');
  assert.equal((await box.act(['start'], { more: { IDENT_WORKER_FILE: workerFile } })).code, 0);
  const daemon = pidIn(box.pidfile);
  const worker = await waitFor(() => pidIn(workerFile), 'the worker pid');
  // the record now names another start time: the pid is not proven to be the daemon's
  const [pid, ticks] = readFileSync(box.idfile, 'utf8').trim().split(' ');
  writeFileSync(box.idfile, `${pid} ${Number(ticks) + 1}\n`);
  const stop = await box.act(['stop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.ok(isAlive(daemon) && isAlive(worker), 'a process not proven to be the service, and its group, are never signalled');
});
