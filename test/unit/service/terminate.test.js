// src/service/terminate.ts on its own (docs/contract.md §4): SIGTERM to the process
// group, SIGKILL after the stop timeout, and what a dead daemon left in its group.
// Real processes and real signals; nothing here asserts how long anything took.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';
import { endProcessGroup, terminate } from '../../../dist/service/terminate.js';
import { isAlive, killHard, waitFor } from '../../helpers/service.js';
import { spawnGroup, startTicksOf } from '../../helpers/process-group.js';

const noProc = !existsSync('/proc/self/stat') && 'needs /proc (Linux)';
const started = [];
after(() => started.forEach(killHard));

test('a daemon that exits on SIGTERM: gone, by SIGTERM', { skip: noProc }, async () => {
  const { pid, exit } = await spawnGroup('echo up; exec sleep 60', started);
  assert.equal(await terminate(pid, startTicksOf(pid), 10_000), 'gone');
  assert.equal(await exit, 'SIGTERM');
});

test('a daemon that ignores SIGTERM: SIGKILL once the stop timeout is over, then gone', { skip: noProc }, async () => {
  // trap '' makes SIGTERM ignored, and an ignored signal stays ignored across exec
  const { pid, exit } = await spawnGroup("trap '' TERM; echo up; exec sleep 60", started);
  assert.equal(await terminate(pid, startTicksOf(pid), 300), 'gone');
  assert.equal(await exit, 'SIGKILL');
});

test('the whole process group goes, workers that ignore SIGTERM included', { skip: noProc }, async () => {
  const { pid, pids, exit } = await spawnGroup("sleep 60 & w1=$!; (trap '' TERM; exec sleep 60) & w2=$!; echo $w1 $w2; wait", started);
  assert.equal(pids.length, 2);
  await waitFor(() => pids.every(isAlive), 'the workers to start');
  assert.equal(await terminate(pid, startTicksOf(pid), 300), 'gone');
  await exit;
  for (const worker of pids) assert.equal(isAlive(worker), false, `worker ${worker}`);
});

test('a pid that is now another process (another start time) is not signalled: ours is gone', { skip: noProc }, async () => {
  const { pid } = await spawnGroup('echo up; exec sleep 60', started);
  assert.equal(await terminate(pid, startTicksOf(pid) + 1, 10_000), 'gone');
  assert.equal(isAlive(pid), true);
  killHard(pid);
});

test('a dead daemon\'s workers: endProcessGroup ends what is left of its group, and names them', { skip: noProc }, async () => {
  // the leader exits at once; its worker stays in the group it led
  const { pid, ticks, pids, exit } = await spawnGroup('sleep 60 & echo $!', started);
  await exit;
  await waitFor(() => !isAlive(pid), 'the leader to be reaped');
  assert.equal(isAlive(pids[0]), true);
  const ended = await endProcessGroup(pid, ticks, 10_000);
  assert.deepEqual(ended, { result: 'gone', members: pids });
  assert.equal(isAlive(pids[0]), false);
  // terminate() on the dead daemon does the same: nothing left now
  assert.equal(await terminate(pid, ticks, 10_000), 'gone');
});

test('endProcessGroup signals nothing while the group\'s leader lives: then it is not a leftover group', { skip: noProc }, async () => {
  const { pid, pids } = await spawnGroup('sleep 60 & echo $!; exec sleep 60', started);
  assert.deepEqual(await endProcessGroup(pid, startTicksOf(pid), 10_000), { result: 'gone', members: [] });
  assert.equal(isAlive(pid), true);
  assert.equal(isAlive(pids[0]), true);
  killHard(pid);
});

test('endProcessGroup leaves a process that started before the daemon (it cannot be the daemon\'s worker)', { skip: noProc }, async () => {
  const { pid, pids, exit } = await spawnGroup('sleep 60 & echo $!', started);
  await exit;
  await waitFor(() => !isAlive(pid), 'the leader to be reaped');
  // as if the recorded daemon had started after the worker
  const ended = await endProcessGroup(pid, startTicksOf(pids[0]) + 1, 10_000);
  assert.deepEqual(ended, { result: 'gone', members: [] });
  assert.equal(isAlive(pids[0]), true);
});
