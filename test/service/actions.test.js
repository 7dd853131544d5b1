// Every action of contract §1 from every starting state, with exact exit codes,
// against a real detached daemon and real pid files (contract §2).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, describe, test } from 'node:test';
import { isAlive, killHard, makeSandbox, runAction, spawnUnrelated, spawnZombie } from '../helpers/service.js';

const started = new Set();
after(() => started.forEach(killHard));

function deadPid() {
  const child = spawnSync('sh', ['-c', 'echo $$']);
  return Number(String(child.stdout).trim());
}

function writePidfile(box, content) {
  mkdirSync(dirname(box.pidfile), { recursive: true });
  writeFileSync(box.pidfile, content);
}

/** Starting states. Each returns what it made: { pid (of our daemon), bystander (a pid that must survive) }. */
const STATES = {
  stopped: async () => ({}),
  running: async (box, env) => {
    const r = await runAction(['start'], { env });
    assert.equal(r.code, 0, r.stderr);
    const pid = box.readPid();
    started.add(pid);
    return { pid };
  },
  'dead with pid file': async (box) => (writePidfile(box, `${deadPid()}\n`), {}),
  'pid file naming an unrelated live process': async (box) => {
    const bystander = spawnUnrelated();
    started.add(bystander);
    writePidfile(box, `${bystander}\n`);
    return { bystander };
  },
  'zombie': async (box) => {
    const { zombie, parent } = await spawnZombie();
    started.add(parent);
    writePidfile(box, `${zombie}\n`);
    return { bystander: parent, zombie };
  },
  'empty pid file': async (box) => (writePidfile(box, ''), {}),
  'text pid file': async (box) => (writePidfile(box, 'hello\n'), {}),
  'negative pid': async (box) => (writePidfile(box, '-1\n'), {}),
  'pid 0': async (box) => (writePidfile(box, '0\n'), {}),
  'pid 1': async (box) => (writePidfile(box, '1\n'), {}),
  'huge pid': async (box) => (writePidfile(box, '99999999999999999999\n'), {}),
  'two numbers': async (box) => (writePidfile(box, `${process.pid}\n${process.pid}\n`), {}),
};
const STALE = Object.keys(STATES).filter((s) => s !== 'stopped' && s !== 'running');

/** Expected outcome of each action by state class (contract §1: the LSB rows and our choices). */
const EXPECT = {
  status: { stopped: [3, 'stopped'], running: [0, 'same'], stale: [1, 'untouched'] },
  start: { stopped: [0, 'new'], running: [0, 'same'], stale: [0, 'new'] },
  stop: { stopped: [0, 'stopped'], running: [0, 'stopped'], stale: [0, 'stopped'] },
  restart: { stopped: [0, 'new'], running: [0, 'replaced'], stale: [0, 'new'] },
  'try-restart': { stopped: [0, 'stopped'], running: [0, 'replaced'], stale: [0, 'untouched'] },
  reload: { stopped: [7, 'stopped'], running: [0, 'reloaded'], stale: [7, 'untouched'] },
  'force-reload': { stopped: [7, 'stopped'], running: [0, 'reloaded'], stale: [7, 'untouched'] },
  'reload (no handler)': { stopped: [3, 'stopped'], running: [3, 'same'], stale: [3, 'untouched'] },
  'force-reload (no handler)': { stopped: [0, 'stopped'], running: [0, 'replaced'], stale: [0, 'untouched'] },
};

for (const [label, byClass] of Object.entries(EXPECT)) {
  const action = label.split(' ')[0];
  const noReload = label.includes('no handler');
  describe(`${label}`, () => {
    for (const state of Object.keys(STATES)) {
      const stateClass = STALE.includes(state) ? 'stale' : state;
      const [code, after] = byClass[stateClass];
      test(`from ${state} → ${code} (${after})`, async () => {
        const box = makeSandbox();
        const env = box.env(noReload ? { FIXTURE_NO_RELOAD: '1' } : {});
        try {
          const before = await STATES[state](box, env);
          const result = await runAction([action], { env });
          assert.equal(result.code, code, `exit code of ${action}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
          const pid = box.readPid();
          if (pid) started.add(pid);
          switch (after) {
            case 'stopped':
              assert.ok(!existsSync(box.pidfile), 'no pid file is left');
              if (before.pid) assert.ok(!isAlive(before.pid), 'the daemon is gone');
              break;
            case 'same':
            case 'reloaded':
              assert.equal(pid, before.pid, 'the same daemon runs');
              assert.ok(isAlive(pid));
              break;
            case 'new':
            case 'replaced':
              assert.ok(pid && isAlive(pid), 'a daemon runs and the pid file names it');
              assert.match(result.stdout, new RegExp(`started \\(pid ${pid}\\)`));
              if (before.pid) assert.ok(!isAlive(before.pid), 'the old daemon is gone');
              break;
            case 'untouched':
              assert.ok(existsSync(box.pidfile), 'the stale pid file is left for the admin to see');
              break;
          }
          if (after === 'reloaded') {
            const { waitFor } = await import('../helpers/service.js');
            await waitFor(() => box.log().includes('fixture: reloaded'), 'the reload handler to run');
          }
          // contract §2: never signal a pid the pid file does not prove to be ours
          if (before.bystander) assert.ok(isAlive(before.bystander), 'the unrelated process was not signalled');
          if (before.zombie) assert.equal((await import('../helpers/service.js')).procState(before.zombie), 'Z');
        } finally {
          await runAction(['stop'], { env: box.env() });
          box.remove();
        }
      });
    }
  });
}
