// src/service/start.ts on its own, without the lock or the command line around it
// (docs/contract.md §1, §4): a real daemon (test/fixtures/service.js), started and
// stopped by the two steps alone.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { resolveOptions } from '../../../dist/service/options.js';
import { inspectPidfile } from '../../../dist/service/pidfile.js';
import { noSettings } from '../../../dist/service/settings.js';
import { start } from '../../../dist/service/start.js';
import { stop } from '../../../dist/service/stop.js';
import { sandboxes } from '../../helpers/daemons.js';
import { FIXTURE, isAlive } from '../../helpers/service.js';

const sandbox = sandboxes('initgen-unit-start-');
const noProc = !existsSync('/proc/self/stat') && 'needs /proc (Linux)';

/**
 * The fixture's options, as its own process resolves them. The daemon inherits this
 * process's environment: FIXTURE_PIDFILE marks it as the sandbox's for the cleanup.
 */
function fixture(box, behaviour = 'normal') {
  process.env.FIXTURE_PIDFILE = box.pidfile;
  process.env.FIXTURE_LOGFILE = box.logfile;
  process.env.FIXTURE_BEHAVIOUR = behaviour;
  process.env.FIXTURE_RECORD = `${box.dir}/record`;
  return resolveOptions({ name: 'fixture', pidfile: box.pidfile, logfile: box.logfile, run() {}, stopTimeout: 5 }, undefined, FIXTURE);
}
const program = { script: FIXTURE, settings: noSettings() };

test('start spawns the daemon with the program\'s arguments and returns once the pid file names it; a second start finds it', { skip: noProc }, async () => {
  const box = sandbox();
  const o = fixture(box);
  const result = await start(o, program, ['a b', '--x']);
  assert.equal(result.outcome, 'success', result.error);
  assert.equal(result.message, `fixture started (pid ${result.pid})`);
  const state = inspectPidfile(o.pidfile);
  assert.equal(state.kind, 'running');
  assert.equal(state.pid, result.pid);
  const seen = JSON.parse(readFileSync(`${box.dir}/record`, 'utf8'));
  assert.deepEqual(seen, { pid: result.pid, args: ['a b', '--x'], cwd: '/' });
  assert.deepEqual(await start(o, program, []), { outcome: 'success', message: `fixture is already running (pid ${result.pid})`, pid: result.pid });
  assert.deepEqual(await stop(o), { outcome: 'success', message: `fixture stopped (pid ${result.pid})` });
  assert.equal(isAlive(result.pid), false);
});

test('a daemon that dies during start: the failure, its outcome and its last log lines; no pid file left', { skip: noProc }, async () => {
  const box = sandbox();
  const o = fixture(box, 'crash-at-start');
  const result = await start(o, program, []);
  assert.equal(result.outcome, 'genericError');
  assert.match(result.error, /^fixture failed to start: /);
  assert.match(result.error, new RegExp(`\\nlast lines of ${box.logfile}:\\n(.*\\n)*fixture: cannot open the database`));
  assert.equal(inspectPidfile(o.pidfile).kind, 'missing');
});
