// Issue 16: unmodified programs (no init.simple()) as services, through the
// wrapper (node --import=initgen/wrap), under the generated SysV script and
// under real runsv and daemontools supervise. docs/unmodified.md.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runsv, superviseOnce, svscan, waitFor, alive } from '../targets/supervise-harness.js';
import { CANNOT, LIBRARY_MISSING, NOT_ROOT, writeScript } from '../targets/sysv-harness.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const WRAPPER = fileURLToPath(new URL('../../dist/wrap.mjs', import.meta.url));
const NO_WRAPPER = !existsSync(WRAPPER) && 'dist/wrap.mjs is not built (npm run build)';
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const skipSysv = CANNOT.sysvRun || LIBRARY_MISSING || NO_WRAPPER;

function box(t) {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-wrap-'));
  chmodSync(dir, 0o755);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, pidfile: join(dir, 'run', 'svc.pid'), logfile: join(dir, 'log', 'svc.log'), rec: join(dir, 'seen.json') };
}

/** Render the SysV script for a plain program; returns run(action, ...args) -> { status, stdout, stderr }. */
async function sysv(t, b, fixture, extra = {}) {
  const { target } = await import('../../dist/targets/sysv.js');
  const config = { name: 'wrapsvc', script: join(FIXTURES, fixture), program: 'plain', pidfile: b.pidfile, logfile: b.logfile, env: { REC: b.rec }, ...extra };
  const script = writeScript(target, config, b.dir, 'wrapsvc');
  const run = (...args) => spawnSync(script, args, { env: { PATH }, encoding: 'utf8', timeout: 60_000 });
  t.after(() => {
    // end whatever a failed assertion left running, by pid
    const seen = existsSync(b.rec) ? JSON.parse(readFileSync(b.rec, 'utf8')) : undefined;
    for (const pid of [seen?.pid, ...(seen?.workers ?? [])]) if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  });
  return run;
}

const seen = (b) => JSON.parse(readFileSync(b.rec, 'utf8'));

for (const fixture of ['argv.cjs', 'argv.mjs']) {
  test(`issue 16: sysv: an unmodified ${fixture.endsWith('.mjs') ? 'ES module' : 'CommonJS'} program sees its own argv, is its main module, and every action holds`, { skip: skipSysv }, async (t) => {
    const b = box(t);
    const run = await sysv(t, b, fixture, { args: ['--port', '8080', 'two words'] });
    const start = run('start');
    assert.equal(start.status, 0, start.stderr);
    const s = seen(b);
    assert.deepEqual(s.argv.slice(1), [join(FIXTURES, fixture), '--port', '8080', 'two words']);
    assert.equal(s.main, true);
    assert.deepEqual(s.execArgv, [], 'the wrapper is not passed on to the program\'s children');
    assert.equal(s.cwd, dirname(join(FIXTURES, fixture)), 'default cwd of a plain program: its own directory');
    assert.equal(readFileSync(b.pidfile, 'utf8'), `${s.pid}\n`);
    assert.equal(run('status').status, 0, 'the pure-sh status recognises the wrapped daemon');
    assert.equal(run('start').status, 0, 'start when running: 0');
    const stop = run('stop');
    assert.equal(stop.status, 0, stop.stderr);
    assert.equal(alive(s.pid), false);
    assert.equal(run('status').status, 3);
    assert.match(readFileSync(b.logfile, 'utf8'), /up with \["--port","8080","two words"\]/);
  });
}

test('issue 16: sysv: a program that calls process.exit(3) at start is a failed start (1), its line in the log', { skip: skipSysv }, async (t) => {
  const b = box(t);
  const run = await sysv(t, b, 'exit3.mjs');
  const start = run('start');
  assert.equal(start.status, 1, `${start.stdout}${start.stderr}`);
  assert.match(readFileSync(b.logfile, 'utf8'), /exit3: cannot open my configuration/);
  assert.equal(existsSync(b.pidfile), false, 'no pid file is left');
  assert.equal(run('status').status, 3);
});

test('issue 16: sysv: a program that ignores SIGTERM is stopped by SIGKILL after stopTimeout', { skip: skipSysv }, async (t) => {
  const b = box(t);
  const run = await sysv(t, b, 'stubborn.cjs', { stopTimeout: 1 });
  assert.equal(run('start').status, 0);
  const { pid } = seen(b);
  const stop = run('stop');
  assert.equal(stop.status, 0, stop.stderr);
  assert.equal(alive(pid), false);
  assert.match(readFileSync(b.logfile, 'utf8'), /stubborn: SIGTERM ignored/, 'the program\'s own handler ran');
  assert.equal(run('status').status, 3);
});

test('issue 16: sysv: a cluster program\'s workers stop with it', { skip: skipSysv }, async (t) => {
  const b = box(t);
  const run = await sysv(t, b, 'cluster.cjs');
  assert.equal(run('start').status, 0);
  const s = await waitFor(() => existsSync(b.rec) && seen(b), 'the cluster record', 20_000);
  assert.equal(s.workers.length, 2);
  for (const w of s.workers) assert.equal(alive(w), true);
  assert.equal(run('stop').status, 0);
  await waitFor(() => s.workers.every((w) => !alive(w)), 'the workers to end', 20_000);
  assert.equal(alive(s.pid), false);
});


for (const [target, supervisor, tools] of [
  ['runit', runsv, ['runsv', 'sv', 'chpst']],
  ['daemontools', svscan, ['svscan', 'supervise', 'svc', 'svok']],
]) {
  const missing = tools.find((tool) => !has(tool));
  const skip = NOT_ROOT || NO_WRAPPER || (missing && `needs ${missing} (${target})`);
  for (const fixture of ['argv.cjs', 'argv.mjs']) {
    test(`issue 16: ${target}: an unmodified ${fixture} runs under the real supervisor with its own argv`, { skip }, async () => {
      const script = join(FIXTURES, fixture);
      const { seen: s } = await superviseOnce(target, supervisor, { name: 'wrapsvc', script, program: 'plain', args: ['-v', 'x y'] });
      assert.deepEqual(s.argv.slice(1), [script, '-v', 'x y']);
      assert.equal(s.main, true);
      assert.deepEqual(s.execArgv, []);
      assert.equal(s.cwd, FIXTURES.replace(/\/$/, ''));
    });
  }
}

for (const [target, supervisor, tools] of [
  ['runit', runsv, ['runsv', 'sv', 'chpst']],
  ['daemontools', svscan, ['svscan', 'supervise', 'svc', 'svok']],
]) {
  const missing = tools.find((tool) => !has(tool));
  const skip = NOT_ROOT || NO_WRAPPER || (missing && `needs ${missing} (${target})`);
  test(`issue 16: ${target}: a cluster program's workers stop when the supervisor stops it`, { skip }, async () => {
    const { seen: s } = await superviseOnce(target, supervisor, { name: 'wrapsvc', script: join(FIXTURES, 'cluster.cjs'), program: 'plain' });
    assert.equal(s.workers.length, 2);
    try {
      await waitFor(() => !alive(s.pid) && s.workers.every((w) => !alive(w)), 'the primary and its workers to end', 20_000);
    } finally {
      for (const w of s.workers) if (alive(w)) process.kill(w, 'SIGKILL');
    }
  });
}

// runsv's ./finish gets the exit code of ./run as $1; plain daemontools has no finish,
// so there only the restarts are observable.
const finishing = (finished) => ({
  ...runsv,
  up(svc) {
    writeFileSync(join(svc, 'finish'), `#!/bin/sh\necho "$1 $2" >> '${finished}'\n`, { mode: 0o755 });
    return runsv.up(svc);
  },
});

for (const [target, supervisor, tools] of [
  ['runit', runsv, ['runsv', 'sv', 'chpst']],
  ['daemontools', svscan, ['svscan', 'supervise', 'svc', 'svok']],
]) {
  const missing = tools.find((tool) => !has(tool));
  const skip = NOT_ROOT || NO_WRAPPER || (missing && `needs ${missing} (${target})`);
  test(`issue 16: ${target}: a program that calls process.exit(3) at start is restarted by the supervisor`, { skip }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'initgen-wrap-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const finished = join(dir, 'finished');
    let starts = [];
    let codes = [];
    await superviseOnce(target, target === 'runit' ? finishing(finished) : supervisor, { name: 'wrapsvc', script: join(FIXTURES, 'exit3-again.cjs'), program: 'plain' }, {
      async upAlso(svc) {
        const file = `${readFileSync(join(svc, 'env', 'SUPERVISE_RECORD'), 'utf8').trim()}.starts`;
        starts = await waitFor(() => {
          const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
          return lines.length >= 2 && lines;
        }, `${target}: the second start`, 20_000);
        if (target === 'runit') {
          codes = await waitFor(() => existsSync(finished) && readFileSync(finished, 'utf8').split('\n').filter(Boolean), `${target}: ./finish`, 20_000);
        }
      },
    });
    assert.ok(starts.length >= 2, `started ${starts.length} times`);
    assert.notEqual(starts[0], starts[1], 'a new process each time');
    for (const pid of starts) assert.equal(alive(Number(pid)), false);
    if (target === 'runit') assert.equal(codes[0], '3 0', 'runsv saw exit code 3 (no signal)');
  });
}

const runitSkip = NOT_ROOT || NO_WRAPPER || (['runsv', 'sv'].find((tool) => !has(tool)) && 'needs runsv and sv (runit)');
test('issue 16: runit: a program that ignores SIGTERM is ended by sv force-stop\'s SIGKILL', { skip: runitSkip }, async () => {
  let pid;
  await superviseOnce('runit', runsv, { name: 'wrapsvc', script: join(FIXTURES, 'stubborn.cjs'), program: 'plain' }, {
    async upAlso(svc, s) {
      pid = s.pid;
      spawnSync('sv', ['-w', '2', 'force-stop', svc], { env: { PATH } });
      await waitFor(() => !alive(pid), 'SIGKILL to end the program', 20_000);
    },
  });
  assert.equal(alive(pid), false);
});

// openrc-run in a private mount namespace with a fresh /run (as test/targets/openrc.test.js):
// the machine's OpenRC state is untouched.
const OPENRC = `
mount --make-rprivate / 2>/dev/null
mount -t tmpfs initgen-test /run || exit 90
mkdir -p /run/openrc && cd /run/openrc && mkdir -p daemons exclusive failed hotplugged inactive options \
  scheduled started starting stopping tmp wasinactive && touch softlevel || exit 91
svc=$1 record=$2
wait_for() { i=0; until eval "$1"; do i=$((i + 1)); [ $i -lt 400 ] || return 1; sleep 0.05; done; }
"$svc" --nodeps start >/dev/null 2>&1; echo "start $?"
wait_for '[ -s "$record" ]'; echo "running $?"
"$svc" --nodeps status >/dev/null 2>&1; echo "status $?"
"$svc" --nodeps stop >/dev/null 2>&1; echo "stop $?"
"$svc" --nodeps status >/dev/null 2>&1; echo "stopped $?"
`;
const openrcSkip = NOT_ROOT || NO_WRAPPER || (['openrc-run', 'start-stop-daemon', 'unshare', 'mount'].find((tool) => !has(tool)) && 'needs openrc-run, start-stop-daemon, unshare and mount (openrc)');
for (const [fixture, extra] of [['argv.mjs', {}], ['stubborn.cjs', { stopTimeout: 1 }]]) {
  test(`issue 16: openrc: an unmodified ${fixture} starts, reports and stops under openrc-run`, { skip: openrcSkip }, async (t) => {
    const b = box(t);
    const { target } = await import('../../dist/targets/openrc.js');
    const config = { name: 'wrapsvc', script: join(FIXTURES, fixture), program: 'plain', args: ['a b'], pidfile: b.pidfile, logfile: b.logfile, env: { REC: b.rec }, ...extra };
    const svc = writeScript(target, config, b.dir, 'wrapsvc');
    t.after(() => {
      const s = existsSync(b.rec) ? seen(b) : undefined;
      if (s && alive(s.pid)) process.kill(s.pid, 'SIGKILL');
    });
    const run = spawnSync('unshare', ['-m', 'sh', '-c', OPENRC, 'sh', svc, b.rec], { encoding: 'utf8', timeout: 120_000 });
    const steps = Object.fromEntries(run.stdout.trim().split('\n').map((l) => l.split(' ')));
    assert.deepEqual(steps, { start: '0', running: '0', status: '0', stop: '0', stopped: '3' }, run.stdout + run.stderr);
    const s = seen(b);
    assert.deepEqual(s.argv.slice(1), [join(FIXTURES, fixture), 'a b']);
    assert.equal(alive(s.pid), false);
  });
}
