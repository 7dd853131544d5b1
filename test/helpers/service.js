// Helpers for tests that drive real service programs: temp dirs, running an
// action as a real process, waiting for conditions, and ending what we started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export const FIXTURE = fileURLToPath(new URL('../fixtures/service.js', import.meta.url));
export const isRoot = process.getuid?.() === 0;

/** A temp dir with pid and log paths for one service under test. */
export function makeSandbox(prefix = 'initgen-test-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    pidfile: join(dir, 'run', 'fixture.pid'),
    logfile: join(dir, 'log', 'fixture.log'),
    lockfile: join(dir, 'lock', 'fixture'),
    env(extra = {}) {
      return {
        PATH: process.env.PATH,
        FIXTURE_PIDFILE: this.pidfile,
        FIXTURE_LOGFILE: this.logfile,
        ...extra,
      };
    },
    readPid() {
      try {
        return Number(readFileSync(this.pidfile, 'utf8'));
      } catch {
        return undefined;
      }
    },
    log() {
      return existsSync(this.logfile) ? readFileSync(this.logfile, 'utf8') : '';
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Run `node SCRIPT ACTION...` to completion; resolves { code, stdout, stderr }. */
export function runAction(args, { env, script = FIXTURE, ...options } = {}) {
  return runToEnd(process.execPath, [script, ...args], { env, ...options });
}

/** Run `command` with stdin closed to completion; resolves { code, signal, stdout, stderr }. */
export function runToEnd(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runActionSync(args, { env, script = FIXTURE } = {}) {
  const r = spawnSync(process.execPath, [script, ...args], { env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** State letter of a pid from /proc, or undefined when it does not exist. */
export function procState(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

export function isAlive(pid) {
  const state = procState(pid);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** Poll until `condition()` is truthy; throws with `what` after timeoutMs. */
export async function waitFor(condition, what = 'condition', timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let pause = 5;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(pause);
    pause = Math.min(pause * 2, 100);
  }
}

/** SIGKILL a pid (and its group when it leads one) if it still runs; used in cleanups. */
export function killHard(pid) {
  if (!pid || pid <= 1) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {}
  }
}

/** A long-lived unrelated process (sleep), for pid files that name someone else. */
export function spawnUnrelated(seconds = 60) {
  const child = spawn('sleep', [String(seconds)], { stdio: 'ignore', detached: true });
  child.unref();
  return child.pid;
}

/**
 * A zombie: `sh` forks a short-lived child and execs `sleep`, which never reaps it.
 * Returns { zombie, parent }; kill `parent` to end both.
 */
export async function spawnZombie() {
  const parent = spawn('sh', ['-c', 'true & exec sleep 60'], { stdio: 'ignore', detached: true });
  parent.unref();
  const zombie = await waitFor(() => {
    try {
      const children = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean).map(Number);
      return children.find((pid) => procState(pid) === 'Z');
    } catch {
      return undefined;
    }
  }, 'a zombie child');
  return { zombie, parent: parent.pid };
}
