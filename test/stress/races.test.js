// Issue 4.1, contract §2: racing controllers. 50 simultaneous starts make one
// daemon; 4 callers issuing random actions never leave two daemons, a status that
// disagrees with the processes, or an orphan.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';
import { daemonsOf, sandboxes } from '../helpers/daemons.js';
import { runAction } from '../helpers/service.js';
import { processesWith, record, scaled, snapshot } from './lib.js';

const { fixture: script } = snapshot();

const STARTS = scaled(Number(process.env.STRESS_STARTS ?? 50), 2);
const CALLERS = 4;
const ACTIONS = scaled(Number(process.env.STRESS_ACTIONS ?? 200), 8);
const SEED = Number(process.env.STRESS_SEED ?? Date.now() % 1e9);
const figures = {};
after(() => record('races', figures));

const sandbox = sandboxes('initgen-stress-');

const reportedPid = (stdout) => Number(/\(pid (\d+)\)/.exec(stdout)?.[1]);

test(`${STARTS} simultaneous starts → exactly one daemon, all exit 0 naming it (contract §2)`, async () => {
  const box = sandbox();
  const env = box.env();
  const results = await Promise.all(Array.from({ length: STARTS }, () => runAction(['start'], { env, script })));
  const daemons = daemonsOf(box);
  figures.concurrentStarts = {
    starts: STARTS,
    exit0: results.filter((r) => r.code === 0).length,
    daemons: daemons.length,
    namingTheDaemon: results.filter((r) => reportedPid(r.stdout) === daemons[0]).length,
  };
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(daemons.length, 1, `daemons: ${daemons.join(', ')}`);
  assert.equal(figures.concurrentStarts.namingTheDaemon, STARTS);
  assert.equal(box.readPid(), daemons[0]);
  assert.equal((await runAction(['stop'], { env, script })).code, 0);
  assert.deepEqual(processesWith(`FIXTURE_PIDFILE=${box.pidfile}`), [], 'no orphan');
});

/** mulberry32: a small seeded generator, so a failing run can be replayed with STRESS_SEED. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// contract §1: what each action may exit with while others race it (the fixture has a reload handler,
// so force-reload is reload: 7 when not running)
const ALLOWED = { start: [0], stop: [0], restart: [0], 'try-restart': [0], 'force-reload': [0, 7], status: [0, 3] };

test(`${CALLERS} callers, ${ACTIONS} random actions: at every idle point ≤ 1 daemon and status agrees (seed in figures)`, async () => {
  const box = sandbox();
  const env = box.env();
  const next = random(SEED);
  const names = Object.keys(ALLOWED);
  const counts = Object.fromEntries(names.map((n) => [n, 0]));
  const unexpected = [];
  const disagreements = [];
  let issued = 0;
  let checkpoints = 0;
  let maxSeen = 0;
  // a sampler between checkpoints: two daemons must never exist, not even for a moment
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxSeen = Math.max(maxSeen, daemonsOf(box).length);
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  while (issued < ACTIONS) {
    const batches = Array.from({ length: CALLERS }, () => {
      const batch = [];
      for (let k = Math.floor(next() * 4); k > 0 && issued < ACTIONS; k--, issued++) batch.push(names[Math.floor(next() * names.length)]);
      return batch;
    });
    await Promise.all(
      batches.map(async (batch) => {
        for (const action of batch) {
          counts[action]++;
          const r = await runAction([action], { env, script });
          if (!ALLOWED[action].includes(r.code)) unexpected.push(`${action} → ${r.code}: ${r.stderr.trim()}`);
        }
      }),
    );
    checkpoints++;
    const daemons = daemonsOf(box);
    const status = await runAction(['status'], { env, script });
    const agrees =
      (status.code === 0 && daemons.length === 1 && reportedPid(status.stdout) === daemons[0] && box.readPid() === daemons[0]) ||
      (status.code === 3 && daemons.length === 0 && !existsSync(box.pidfile));
    if (!agrees) disagreements.push(`checkpoint ${checkpoints}: status ${status.code} ${status.stdout.trim()}, daemons [${daemons}]`);
  }
  sampling = false;
  await sampler;
  assert.equal((await runAction(['stop'], { env, script })).code, 0);
  const orphans = processesWith(`FIXTURE_PIDFILE=${box.pidfile}`);
  figures.randomActions = { seed: SEED, callers: CALLERS, actions: issued, counts, checkpoints, maxDaemonsSampled: maxSeen, unexpectedCodes: unexpected.length, statusDisagreements: disagreements.length, orphans: orphans.length };
  assert.deepEqual(unexpected, []);
  assert.deepEqual(disagreements, []);
  assert.ok(maxSeen <= 1, `saw ${maxSeen} daemons at once`);
  assert.deepEqual(orphans, [], 'no orphan after the final stop');
});
