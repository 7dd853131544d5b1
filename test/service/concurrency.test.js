// Racing controllers: contract §2 "two `start` calls at the same moment start
// exactly one daemon; the loser exits 0 reporting the winner's pid".
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { daemonsOf, sandboxes } from '../helpers/daemons.js';
import { isAlive, runAction } from '../helpers/service.js';

const sandbox = sandboxes('initgen-concurrency-');

const reportedPid = (stdout) => Number(/\(pid (\d+)\)/.exec(stdout)?.[1]);

test('10 simultaneous starts: all exit 0, one daemon, one pid reported by all', async () => {
  const box = sandbox();
  const env = box.env();
  const results = await Promise.all(Array.from({ length: 10 }, () => runAction(['start'], { env })));
  for (const r of results) assert.equal(r.code, 0, `start failed: ${r.stderr}`);

  const daemons = daemonsOf(box);
  assert.equal(daemons.length, 1, `expected one daemon, found pids ${daemons.join(', ')}`);
  const [pid] = daemons;
  // contract §2: the loser reports the winner's pid
  assert.deepEqual(results.map((r) => reportedPid(r.stdout)), Array(10).fill(pid), results.map((r) => r.stdout).join(''));
  assert.equal(box.readPid(), pid, 'the pid file names the one daemon');

  const status = await runAction(['status'], { env });
  assert.equal(status.code, 0, status.stdout);
  const stop = await runAction(['stop'], { env });
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(isAlive(pid), false);
  assert.deepEqual(daemonsOf(box), []);
});

test('racing starts and stops leave a consistent state: running ⇔ the pid file names the live daemon', async () => {
  const box = sandbox();
  const env = box.env();
  for (let round = 0; round < 3; round++) {
    const actions = ['start', 'stop', 'start', 'start', 'stop', 'start', 'stop', 'stop', 'start', round % 2 ? 'stop' : 'start'];
    const results = await Promise.all(actions.map((action) => runAction([action], { env })));
    // contract §1: start when running and stop when stopped are both success
    results.forEach((r, i) => assert.equal(r.code, 0, `round ${round}: ${actions[i]} failed: ${r.stderr}`));

    const daemons = daemonsOf(box);
    const status = await runAction(['status'], { env });
    if (status.code === 0) {
      assert.equal(daemons.length, 1, `round ${round}: running, but daemons are ${daemons.join(', ')}`);
      assert.equal(box.readPid(), daemons[0], `round ${round}: the pid file names the daemon`);
      assert.equal(reportedPid(status.stdout), daemons[0]);
    } else {
      assert.equal(status.code, 3, `round ${round}: status ${status.code}: ${status.stdout}${status.stderr}`);
      assert.deepEqual(daemons, [], `round ${round}: not running, but daemons exist`);
      assert.equal(existsSync(box.pidfile), false, `round ${round}: not running, but the pid file remains`);
    }
  }
  const stop = await runAction(['stop'], { env });
  assert.equal(stop.code, 0, stop.stderr);
  assert.deepEqual(daemonsOf(box), []);
});
