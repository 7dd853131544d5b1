// Issue 4.2, contract §2: a pid file naming a process that is not this service
// (someone else's, root's, pid 1, a zombie, a look-alike without an identity record)
// is stale: nothing is signalled, status → 1, stop → 0, start starts the real daemon.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonsOf } from '../helpers/daemons.js';
import { isAlive, killHard, makeSandbox, procState, runAction, spawnZombie, waitFor } from '../helpers/service.js';
import { isRoot, record, snapshot } from './lib.js';

const { fixture: script } = snapshot();
const started = new Set();
const figures = { cases: {} };
after(() => {
  started.forEach(killHard);
  record('identity', figures);
});

/** A process that writes every catchable signal it receives to `file`, so "never signalled" is observed. */
function canary(file, options = {}) {
  const code = `for (const s of ['SIGTERM','SIGHUP','SIGINT','SIGUSR1','SIGUSR2','SIGQUIT']) process.on(s, () => require('fs').appendFileSync(${JSON.stringify(file)}, s + '\\n')); setInterval(() => {}, 1e9); require('fs').writeFileSync(${JSON.stringify(file)}, '')`;
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore', detached: true, ...options });
  child.unref();
  started.add(child.pid);
  return child.pid;
}

const signalsOf = (file) => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

const CASES = {
  'an unrelated process of the same user': async (dir) => {
    const log = join(dir, 'signals');
    const pid = canary(log);
    await waitFor(() => readFileSafe(log) !== undefined, 'the canary to install its handlers');
    return { pid, signals: () => signalsOf(log) };
  },
  "an unrelated process of another user (nobody)": async (dir) => {
    if (!isRoot) return { skip: 'needs root to start a process as another user' };
    const log = join(dir, 'signals');
    const pid = canary(log, { uid: 65534, gid: 65534 });
    await waitFor(() => readFileSafe(log) !== undefined, 'the canary to install its handlers');
    return { pid, signals: () => signalsOf(log) };
  },
  "a process of root": async () => {
    if (!isRoot) {
      const pid = rootProcess();
      return pid ? { pid } : { skip: 'no root process visible besides pid 1' };
    }
    const child = spawn('sleep', ['120'], { stdio: 'ignore', detached: true });
    child.unref();
    started.add(child.pid);
    return { pid: child.pid };
  },
  'pid 1': async () => ({ pid: 1 }),
  'a zombie': async () => {
    const { zombie, parent } = await spawnZombie();
    started.add(parent);
    return { pid: zombie, zombie: true };
  },
  // Titled like the service, its script in argv: before the identity record this
  // passed for the daemon; without a record naming its start time it proves nothing.
  'a look-alike titled like the service, with its script in argv, and no identity record': async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', script], { argv0: 'fixture', stdio: 'ignore', detached: true });
    child.unref();
    started.add(child.pid);
    await waitFor(() => readFileSafe(`/proc/${child.pid}/cmdline`)?.includes(script), 'the look-alike to start');
    return { pid: child.pid };
  },
};

function readFileSafe(path) {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** A live root-owned process other than pid 1, for runs as an ordinary user. */
function rootProcess() {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e) && e !== '1')) {
    if (/^Uid:\s+0\s/m.test(readFileSafe(`/proc/${entry}/status`) ?? '') && isAlive(Number(entry))) return Number(entry);
  }
  return undefined;
}

for (const [label, make] of Object.entries(CASES)) {
  test(`pid file naming ${label}: never signalled, status 1, stop 0, start starts the real daemon (contract §2)`, async (t) => {
    const box = makeSandbox('initgen-stress-');
    const env = box.env();
    // the canary of another user must reach its signals file
    chmodSync(box.dir, 0o755);
    mkdirSync(join(box.dir, 'canary'), { mode: 0o777 });
    chmodSync(join(box.dir, 'canary'), 0o777);
    const made = await make(join(box.dir, 'canary'));
    if (made.skip) return t.skip(made.skip);
    const { pid } = made;
    const healthy = () => (made.zombie ? procState(pid) === 'Z' : isAlive(pid) && procState(pid) !== 'T');
    const plant = () => {
      mkdirSync(join(box.dir, 'run'), { recursive: true });
      writeFileSync(box.pidfile, `${pid}\n`);
    };
    const result = { pid, codes: {} };
    try {
      plant();
      const status = await runAction(['status'], { env, script });
      const reload = await runAction(['reload'], { env, script });
      const stop = await runAction(['stop'], { env, script });
      plant();
      const start = await runAction(['start'], { env, script });
      Object.assign(result.codes, { status: status.code, reload: reload.code, stop: stop.code, start: start.code });
      const daemons = daemonsOf(box);
      result.signals = made.signals?.() ?? [];
      result.untouched = healthy();
      result.realDaemonStarted = daemons.length === 1 && box.readPid() === daemons[0] && daemons[0] !== pid;
      assert.equal(status.code, 1, status.stdout);
      assert.equal(reload.code, 7, 'contract §1: reload when not running → 7');
      assert.equal(stop.code, 0, stop.stderr);
      assert.equal(start.code, 0, start.stderr);
      assert.ok(result.realDaemonStarted, `daemons ${daemons}, pid file ${box.readPid()}`);
      assert.ok(result.untouched, `pid ${pid} was disturbed (state ${procState(pid)})`);
      assert.deepEqual(result.signals, [], 'no signal reached it');
    } finally {
      figures.cases[label] = result;
      await runAction(['stop'], { env, script });
      daemonsOf(box).forEach(killHard);
      box.remove();
    }
  });
}
