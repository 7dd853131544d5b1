// src/service/proc.ts on its own: what /proc says about real processes (the start
// time that proves a pid is the daemon, docs/contract.md §2, and the group it leads).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { existsBySignal, hasProc, isDead, pidMax, readProc } from '../../../dist/service/proc.js';
import { readablePath } from '../../helpers/readable-tree.js';
import { isAlive, killHard, spawnZombie, waitFor } from '../../helpers/service.js';

const noProc = !existsSync('/proc/self/stat') && 'needs /proc (Linux)';
const started = [];
after(() => started.forEach(killHard));

/** The fields of /proc/PID/stat after the command name, read here by hand. */
function fields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** A child that leads its own session and group (setsid), as the daemon does. */
async function leader(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'], detached: true });
  started.push(child.pid);
  await new Promise((resolve) => child.stdout.once('data', resolve));
  return child;
}

test('hasProc says whether /proc is there', () => {
  assert.equal(hasProc(), existsSync('/proc/self/stat'));
});

test('readProc of this process: its state, group, session and start time', { skip: noProc }, () => {
  const info = readProc(process.pid);
  const f = fields(process.pid);
  assert.ok(['R', 'S'].includes(info.state), info.state);
  assert.equal(info.pgrp, Number(f[2]));
  assert.equal(info.session, Number(f[3]));
  assert.equal(info.startTicks, Number(f[19]));
  assert.ok(Number.isSafeInteger(info.startTicks) && info.startTicks > 0);
  assert.equal(isDead(info), false);
});

test('readProc of a child that called setsid: it leads its group and session, and started after us', { skip: noProc }, async () => {
  const child = await leader(process.execPath, ['-e', 'process.stdout.write("up\\n"); setInterval(() => {}, 1e9)']);
  const info = readProc(child.pid);
  assert.equal(info.pgrp, child.pid);
  assert.equal(info.session, child.pid);
  assert.ok(info.startTicks >= readProc(process.pid).startTicks);
  killHard(child.pid);
});

test('readProc reads past a command name holding spaces and ")", which any user can choose', { skip: noProc }, async () => {
  // the title is the command name (comm, 15 bytes) /proc/PID/stat puts in parentheses
  const title = 'x) S 1 1 1 (y';
  const child = await leader(process.execPath, ['-e', `process.title = ${JSON.stringify(title)}; process.stdout.write("up\\n"); setInterval(() => {}, 1e9)`]);
  await waitFor(() => readFileSync(`/proc/${child.pid}/stat`, 'latin1').includes('(x) S 1 1 1 (y)'), 'the title to reach /proc');
  const info = readProc(child.pid);
  assert.equal(info.pgrp, child.pid, 'not the 1 the name holds');
  assert.equal(info.session, child.pid);
  assert.equal(info.startTicks, Number(fields(child.pid)[19]));
  killHard(child.pid);
});

test('a reaped process: readProc is null, isDead, and signal 0 says it does not exist', { skip: noProc }, async () => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  started.push(child.pid);
  await waitFor(() => isAlive(child.pid), 'sleep to start');
  assert.equal(existsBySignal(child.pid), true);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  assert.equal(readProc(child.pid), null);
  assert.equal(isDead(readProc(child.pid)), true);
  assert.equal(existsBySignal(child.pid), false);
});

test('a zombie: its pid still exists for signal 0, but isDead', { skip: noProc }, async () => {
  const { zombie, parent } = await spawnZombie();
  started.push(parent);
  assert.equal(existsBySignal(zombie), true);
  const info = readProc(zombie);
  assert.equal(info.state, 'Z');
  assert.equal(isDead(info), true);
});

test('existsBySignal as another user: a process it may not signal still exists (EPERM)', { skip: process.getuid?.() !== 0 && 'needs root (to run the check as nobody)' }, () => {
  const proc = pathToFileURL(readablePath('dist/service/proc.js')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const { existsBySignal } = await import(${JSON.stringify(proc)}); process.stdout.write(String(existsBySignal(${process.pid})));`], {
    uid: 65534,
    gid: 65534,
    cwd: '/',
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'true');
});

test('pidMax is the kernel\'s pid_max', { skip: noProc }, () => {
  assert.equal(pidMax(), Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8')));
});
