// Issue 4.4 and 4.8, contract §1, §2, §4: a controlling start or stop killed at
// each phase (SIGKILL, SIGTERM, SIGINT to it or to its process group), the log
// directory removed, a full disk, a pid directory it may not write.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonsOf, sandboxes } from '../helpers/daemons.js';
import { killHard, runAction, waitFor } from '../helpers/service.js';
import { interruptAt, isRoot, record, snapshot } from './lib.js';

const { fixture: script } = snapshot();
const figures = { interruptions: [], faults: {} };
const sandbox = sandboxes('initgen-stress-');
after(() => record('faults', figures));

const reportedPid = (stdout) => Number(/\(pid (\d+)\)/.exec(stdout)?.[1]);

/** contract §2: running ⇔ one daemon named by the pid file; stopped ⇔ no daemon, no pid file. */
async function consistent(box, env) {
  const status = await runAction(['status'], { env, script });
  const daemons = daemonsOf(box);
  const running = status.code === 0 && daemons.length === 1 && box.readPid() === daemons[0] && reportedPid(status.stdout) === daemons[0];
  const stopped = status.code === 3 && daemons.length === 0 && !existsSync(box.pidfile);
  return { ok: running || stopped, state: running ? 'running' : stopped ? 'stopped' : `status ${status.code}, daemons [${daemons}], pid file ${existsSync(box.pidfile)}` };
}

const PHASES = { start: ['before-spawn', 'after-spawn', 'after-pidfile'], stop: ['before-signal', 'after-signal'] };
const HOW = [
  { signal: 'SIGKILL' },
  { signal: 'SIGTERM' },
  { signal: 'SIGINT', group: true }, // Ctrl-C on a terminal: the controller's whole process group
];

for (const { signal, group } of HOW) {
  for (const [action, phases] of Object.entries(PHASES)) {
    for (const phase of phases) {
      test(`${action} ${group ? 'group ' : ''}${signal}ed ${phase}: the next status agrees, start and stop recover (contract §2, §4)`, async () => {
        const box = sandbox();
        const env = box.env();
        if (action === 'stop') assert.equal((await runAction(['start'], { env, script })).code, 0);
        const seen = await interruptAt({ script, env, box, action, phase, signal, group, waitFor });
        const after = await consistent(box, env);
        const start = await runAction(['start'], { env, script });
        const afterStart = await consistent(box, env);
        const stop = await runAction(['stop'], { env, script });
        const afterStop = await consistent(box, env);
        figures.interruptions.push({ action, ...seen, group, stateAfter: after.state, nextStart: start.code, nextStop: stop.code, consistent: after.ok && afterStart.ok && afterStop.ok });
        assert.ok(after.ok, after.state);
        assert.equal(start.code, 0, start.stderr);
        assert.equal(afterStart.state, 'running');
        assert.equal(stop.code, 0, stop.stderr);
        assert.equal(afterStop.state, 'stopped');
      });
    }
  }
}

test('start killed after spawning, and a new start before the orphan publishes: one daemon (contract §2)', async () => {
  const box = sandbox();
  const env = box.env();
  // the orphan is held before its pid file; a second start runs meanwhile; then the orphan goes on and must step aside
  const { pauseDir, pauseEnv, pausedAt, release } = await import('./lib.js');
  const dir = pauseDir();
  const { spawn } = await import('node:child_process');
  const controller = spawn(process.execPath, [script, 'start'], { env: { ...env, ...pauseEnv(dir, 'after-spawn') }, stdio: 'ignore' });
  const orphan = await waitFor(() => pausedAt(dir, 'after-spawn'), 'the orphan');
  controller.kill('SIGKILL');
  const second = await runAction(['start'], { env, script });
  assert.equal(second.code, 0, second.stderr);
  release(dir, 'after-spawn');
  await waitFor(() => daemonsOf(box).length === 1 && !daemonsOf(box).includes(orphan), 'the orphan to leave');
  const state = await consistent(box, env);
  figures.faults.orphanRace = { secondStart: second.code, daemons: daemonsOf(box).length, state: state.state };
  assert.equal(state.state, 'running');
  assert.equal((await runAction(['stop'], { env, script })).code, 0);
  rmSync(dir, { recursive: true, force: true });
});

test('log directory removed while running: status, stop and start still work, start recreates it (contract §3)', async () => {
  const box = sandbox();
  const env = box.env();
  assert.equal((await runAction(['start'], { env, script })).code, 0);
  rmSync(join(box.dir, 'log'), { recursive: true, force: true });
  const status = await runAction(['status'], { env, script });
  const restart = await runAction(['restart'], { env, script });
  const recreated = existsSync(box.logfile) && /fixture: running/.test(readFileSync(box.logfile, 'utf8'));
  const stop = await runAction(['stop'], { env, script });
  figures.faults.logDirRemoved = { status: status.code, restart: restart.code, logRecreated: recreated, stop: stop.code };
  assert.equal(status.code, 0);
  assert.equal(restart.code, 0, restart.stderr);
  assert.ok(recreated, 'the restarted daemon writes to a new log file');
  assert.equal(stop.code, 0);
});

test('log file on a full disk: start fails with a clear error, the lines already written are kept (contract §1, §3)', { skip: !isRoot && 'needs root: to mount a small tmpfs' }, async (t) => {
  const box = sandbox();
  const env = box.env();
  const logdir = join(box.dir, 'log');
  mkdirSync(logdir);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', logdir], { encoding: 'utf8' });
  if (mount.status !== 0) return t.skip(`needs mount(2) of a tmpfs (root with CAP_SYS_ADMIN): ${mount.stderr.trim()}`);
  try {
    let written = 0;
    for (;;) {
      try {
        appendFileSync(box.logfile, `kept ${written}\n`);
        written++;
      } catch (error) {
        assert.equal(error.code, 'ENOSPC');
        break;
      }
    }
    const start = await runAction(['start'], { env, script });
    const expected = Array.from({ length: written }, (_, i) => `kept ${i}\n`).join('');
    const lines = readFileSync(box.logfile, 'utf8').startsWith(expected) ? written : 0;
    figures.faults.fullDisk = { linesBefore: written, linesKept: lines, start: start.code, error: start.stderr.split('\n')[0] };
    assert.equal(lines, written, 'every line written before is still there');
    assert.equal(start.code, 1, `start on a full log disk: ${start.stdout}`);
    assert.match(start.stderr, /no space left/i);
    assert.equal((await consistent(box, env)).state, 'stopped');
  } finally {
    daemonsOf(box).forEach(killHard);
    spawnSync('umount', [logdir]);
  }
});

test('pid directory not writable → start 4 with the reason, nothing left running (contract §1)', { skip: !isRoot && 'needs root: to run start as a user who cannot write the pid directory' }, async () => {
  const box = sandbox();
  const env = box.env();
  chmodSync(box.dir, 0o755);
  mkdirSync(join(box.dir, 'run'), { mode: 0o755 });
  mkdirSync(join(box.dir, 'log'), { mode: 0o777 });
  chmodSync(join(box.dir, 'log'), 0o777);
  const asNobody = { uid: 65534, gid: 65534 };
  const start = await runAction(['start'], { env, script, ...asNobody });
  figures.faults.pidDirNotWritable = { start: start.code, error: start.stderr.split('\n')[0] };
  assert.equal(start.code, 4, start.stderr);
  assert.match(start.stderr, /permission denied/);
  assert.deepEqual(daemonsOf(box), []);
});
