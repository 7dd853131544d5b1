// src/service/terminate.ts on its own (docs/contract.md §4): SIGTERM to the process
// group, SIGKILL after the stop timeout, and what a dead daemon left in its group.
// Real processes and real signals; nothing here asserts how long anything took.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { endProcessGroup, terminate } from '../../../dist/service/terminate.js';
import { isAlive, killHard, waitFor } from '../../helpers/service.js';

const noProc = !existsSync('/proc/self/stat') && 'needs /proc (Linux)';
const started = [];
after(() => started.forEach(killHard));

function startTicksOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
}

/**
 * `sh -c SCRIPT` in a session and group of its own (as the daemon is), which prints
 * the pids it wants known on its first line. Resolves { pid, pids, exit }.
 */
async function group(script) {
  const child = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  started.push(child.pid);
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const line = await new Promise((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', () => resolve(out));
  });
  const pids = line.split(' ').filter((word) => /^\d+$/.test(word)).map(Number);
  pids.forEach((pid) => started.push(pid));
  return { pid: child.pid, pids, exit };
}

test('a daemon that exits on SIGTERM: gone, by SIGTERM', { skip: noProc }, async () => {
  const { pid, exit } = await group('echo up; exec sleep 60');
  assert.equal(await terminate(pid, startTicksOf(pid), 10_000), 'gone');
  assert.equal(await exit, 'SIGTERM');
});

test('a daemon that ignores SIGTERM: SIGKILL once the stop timeout is over, then gone', { skip: noProc }, async () => {
  // trap '' makes SIGTERM ignored, and an ignored signal stays ignored across exec
  const { pid, exit } = await group("trap '' TERM; echo up; exec sleep 60");
  assert.equal(await terminate(pid, startTicksOf(pid), 300), 'gone');
  assert.equal(await exit, 'SIGKILL');
});

test('the whole process group goes, workers that ignore SIGTERM included', { skip: noProc }, async () => {
  const { pid, pids, exit } = await group("sleep 60 & w1=$!; (trap '' TERM; exec sleep 60) & w2=$!; echo $w1 $w2; wait");
  assert.equal(pids.length, 2);
  await waitFor(() => pids.every(isAlive), 'the workers to start');
  assert.equal(await terminate(pid, startTicksOf(pid), 300), 'gone');
  await exit;
  for (const worker of pids) assert.equal(isAlive(worker), false, `worker ${worker}`);
});

test('a pid that is now another process (another start time) is not signalled: ours is gone', { skip: noProc }, async () => {
  const { pid } = await group('echo up; exec sleep 60');
  assert.equal(await terminate(pid, startTicksOf(pid) + 1, 10_000), 'gone');
  assert.equal(isAlive(pid), true);
  killHard(pid);
});

test('a dead daemon\'s workers: endProcessGroup ends what is left of its group, and names them', { skip: noProc }, async () => {
  // the leader exits at once; its worker stays in the group it led
  const { pid, pids, exit } = await group('sleep 60 & echo $!');
  const ticks = startTicksOf(pid);
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
  const { pid, pids } = await group('sleep 60 & echo $!; exec sleep 60');
  assert.deepEqual(await endProcessGroup(pid, startTicksOf(pid), 10_000), { result: 'gone', members: [] });
  assert.equal(isAlive(pid), true);
  assert.equal(isAlive(pids[0]), true);
  killHard(pid);
});

test('endProcessGroup leaves a process that started before the daemon (it cannot be the daemon\'s worker)', { skip: noProc }, async () => {
  const { pid, pids, exit } = await group('sleep 60 & echo $!');
  await exit;
  await waitFor(() => !isAlive(pid), 'the leader to be reaped');
  // as if the recorded daemon had started after the worker
  const ended = await endProcessGroup(pid, startTicksOf(pids[0]) + 1, 10_000);
  assert.deepEqual(ended, { result: 'gone', members: [] });
  assert.equal(isAlive(pids[0]), true);
});
