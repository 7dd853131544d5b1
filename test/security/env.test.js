// Security finding 10 (decisions D1, D2): the caller's environment is no channel for
// settings. As root, `INITGEN_PIDFILE=/any/file app stop` removed that file as a
// "stale pid file"; INITGEN_DAEMON=1 made `stop` run the service in the foreground;
// the SysV script passed NODE_OPTIONS (its --require code ran as root) and HOME=/root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { target } from '../../dist/targets/sysv.js';
import { writeProgram } from '../helpers/program.js';
import { isAlive, killHard, makeSandbox, waitFor } from '../helpers/service.js';
import { writeScript } from '../targets/sysv-harness.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function setup(t) {
  const box = makeSandbox('initgen-env-');
  chmodSync(box.dir, 0o755);
  const app = writeProgram(box.dir, { options: { name: 'envapp', pidfile: box.pidfile, logfile: box.logfile } });
  const victim = join(box.dir, 'victim');
  // what a stale pid file looks like: a number no live process has
  writeFileSync(victim, '4194303\n', { mode: 0o600 });
  t.after(() => {
    killHard(box.readPid());
    box.remove();
  });
  const node = (args, env = {}) => {
    // a timeout, so the old behaviour (a foreground service) fails the test instead of hanging it
    const r = spawnSync(process.execPath, [app, ...args], { env: { PATH, ...env }, encoding: 'utf8', timeout: 30_000 });
    return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  };
  return { box, app, victim, node };
}

test('INITGEN_PIDFILE in the caller\'s environment is no setting: stop leaves that file alone', (t) => {
  const { victim, node } = setup(t);
  const r = node(['stop'], { INITGEN_PIDFILE: victim });
  assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 0, stdout: 'envapp is not running\n', stderr: '' });
  assert.equal(readFileSync(victim, 'utf8'), '4194303\n', 'the file the variable named is untouched');
});

test('INITGEN_DAEMON=1 has no effect: stop and status answer, nothing runs in the foreground', (t) => {
  const { box, node } = setup(t);
  // the pid directory exists, so a `stop` that took the marker would publish its pid
  // and run the service in the foreground (the finding), not fail on a missing directory
  mkdirSync(dirname(box.pidfile), { recursive: true, mode: 0o755 });
  for (const action of ['stop', 'status']) {
    const r = node([action], { INITGEN_DAEMON: '1' });
    assert.equal(r.signal, null, `${action} ran as a foreground service until the timeout`);
    assert.equal(r.code, action === 'stop' ? 0 : 3, r.stderr);
    assert.equal(r.stdout, 'envapp is not running\n');
    assert.equal(existsSync(box.pidfile), false);
  }
});

test('--initgen-daemon on the command line, without start\'s pipe on fd 3 → 2, nothing runs', (t) => {
  const { box, node } = setup(t);
  const r = node(['run', '--initgen-daemon']);
  assert.equal(r.signal, null);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^envapp: `--initgen-daemon` is only for the daemon `start` spawns\nUsage: envapp /);
  assert.equal(existsSync(box.pidfile), false);
  assert.equal(node(['stop', '--initgen-daemon']).code, 2);
});

test('SysV script (D2): NODE_OPTIONS, INITGEN_* and HOME of the caller never reach node; the config env does', async (t) => {
  const { box, app, victim } = setup(t);
  const evil = join(box.dir, 'evil.cjs');
  const ran = join(box.dir, 'evil-ran');
  writeFileSync(evil, `require('node:fs').writeFileSync(${JSON.stringify(ran)}, String(process.pid));\n`);
  const config = { name: 'envapp', script: app, node: process.execPath, pidfile: box.pidfile, logfile: box.logfile, env: { GREETING: 'hi there' } };
  const script = writeScript(target, config, box.dir, 'envapp-init');
  const hostile = { PATH, NODE_OPTIONS: `--require ${evil}`, INITGEN_PIDFILE: victim, INITGEN_DAEMON: '1', HOME: '/root', SECRET_TOKEN: 'root-only' };
  const sh = (action) => spawnSync(script, [action], { env: hostile, encoding: 'utf8', timeout: 60_000 });
  const start = sh('start');
  assert.equal(start.status, 0, start.stderr);
  const pid = box.readPid();
  await waitFor(() => isAlive(pid), 'the daemon');
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).sort();
  assert.deepEqual(environ, ['GREETING=hi there', `PATH=${PATH}`]);
  assert.equal(sh('status').status, 0);
  const stop = sh('stop');
  assert.equal(stop.status, 0, stop.stderr);
  assert.equal(isAlive(pid), false);
  assert.equal(existsSync(ran), false, 'the NODE_OPTIONS --require code never ran');
  assert.equal(readFileSync(victim, 'utf8'), '4194303\n');
});
