// Timing and process helpers for the benchmark: wall-clock medians of whole
// processes, free ports, RSS from /proc, and a register of every pid we start
// so that each one is killed, by pid, however the run ends.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive as alive } from '../helpers/service.js';
export { freePort } from '../helpers/free-port.js';

/**
 * Every process we time gets this environment unless told otherwise: variables
 * such as NODE_EXTRA_CA_CERTS or NODE_OPTIONS change Node's start-up cost, and
 * must weigh on baselines and subjects alike or not at all.
 */
export const BASE_ENV = { PATH: process.env.PATH };

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Run a command to completion; returns its wall time in ms. Throws when its exit code is not expected. */
export function timed(command, args, { env = BASE_ENV, expect = [0] } = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw r.error;
  if (!expect.includes(r.status)) {
    throw new Error(`${command} ${args.join(' ')} exited ${r.status ?? r.signal}, expected ${expect.join('|')}\n${r.stdout}${r.stderr}`);
  }
  return ms;
}

/**
 * Repeat `rounds` times; each round runs every probe once, in an order that
 * rotates, so drifting machine load falls on baselines and subjects alike.
 * One warm-up round (page cache, first compile) is not counted.
 */
export async function sample(rounds, probes) {
  const names = Object.keys(probes);
  const times = {};
  for (let round = -1; round < rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + 1 + k) % names.length];
      const value = await probes[name]();
      // a probe returns one figure, or several by name
      if (round < 0) continue;
      for (const [key, v] of Object.entries(typeof value === 'number' ? { [name]: value } : value)) (times[key] ??= []).push(v);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([key, list]) => [key, median(list)]));
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitFor(what, condition, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pause);
  }
}

export const listening = (port) => waitFor(`port ${port}`, () => accepts(port));


/** Alive and not a zombie: the test helpers' reading of /proc. */
export { isAlive as alive } from '../helpers/service.js';

export function title(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
  } catch {
    return undefined;
  }
}

/** Resident set size in MiB. */
export function rssMiB(pid) {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return Number(line[1]) / 1024;
}

export function readPid(path) {
  try {
    return Number(readFileSync(path, 'latin1').trim()) || undefined;
  } catch {
    return undefined;
  }
}

const started = new Set();

/** Remember a pid we are responsible for ending. */
export function own(pid) {
  if (pid) started.add(pid);
  return pid;
}

export async function killOwned(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
  started.delete(pid);
  await waitFor(`pid ${pid} to exit`, () => !alive(pid));
}

process.on('exit', () => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

/** Spawn a long-running process (not waited for); it is killed at exit if still ours. */
export function launch(command, args, env = BASE_ENV) {
  const child = spawn(command, args, { env, stdio: 'ignore', detached: true });
  child.unref();
  return own(child.pid);
}

/** Run many commands at once; wall time in ms until the last exits. */
export function parallel(jobs) {
  const start = process.hrtime.bigint();
  return Promise.all(
    jobs.map(
      ({ command, args, env = BASE_ENV, expect = [0] }) =>
        new Promise((resolve, reject) => {
          const child = spawn(command, args, { env, stdio: 'ignore' });
          child.once('error', reject);
          child.once('exit', (code) => (expect.includes(code) ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`))));
        }),
    ),
  ).then(() => Number(process.hrtime.bigint() - start) / 1e6);
}
