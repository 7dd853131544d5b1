// Start and stop of daemons that misbehave (contract §1 "our choices", §4), the
// lock file convention, option and usage errors.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isAlive, killHard, makeSandbox, runAction, waitFor } from '../helpers/service.js';

const started = new Set();
after(() => started.forEach(killHard));

async function withBox(extraEnv, body) {
  const box = makeSandbox();
  const env = box.env(extraEnv);
  try {
    await body(box, env);
  } finally {
    const pid = box.readPid();
    if (pid) started.add(pid);
    await runAction(['stop'], { env });
    box.remove();
  }
}

test('a daemon that dies during start → 1, its last log lines on stderr, no pid file left (contract §1)', () =>
  withBox({ FIXTURE_BEHAVIOUR: 'crash-at-start' }, async (box, env) => {
    const r = await runAction(['start'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /fixture failed to start: died during start: exited with code 3/);
    assert.match(r.stderr, /fixture: cannot open the database/, 'the log tail explains why');
    assert.ok(!existsSync(box.pidfile), 'no pid file is left behind');
    assert.equal((await runAction(['status'], { env })).code, 3);
  }));

test('an uncaught exception in run() → start 1 with the stack trace in the log (contract §3)', () =>
  withBox({ FIXTURE_BEHAVIOUR: 'throw-uncaught', FIXTURE_START_TIMEOUT: '5' }, async (box, env) => {
    // throw-uncaught throws 50 ms after run() returns: after readiness, inside the settle window
    const r = await runAction(['start'], { env });
    assert.equal(r.code, 1, r.stdout);
    // (on a machine too busy to send `ready` within 50 ms it dies before: then during start, as before)
    assert.match(r.stderr, /^fixture failed to start: died (within the 0\.5 s settle window|during start): exited with code 1\n/);
    assert.match(r.stderr, /Error: fixture: uncaught boom\n\s+at /, 'the stack trace, from the log');
    assert.match(box.log(), /Error: fixture: uncaught boom\n\s+at /);
    assert.ok(!existsSync(box.pidfile), 'no pid file is left behind');
    assert.equal((await runAction(['status'], { env })).code, 3);
  }));

test('a daemon ignoring SIGTERM is killed after stopTimeout → stop 0 (contract §4)', () =>
  withBox({ FIXTURE_BEHAVIOUR: 'ignore-term', FIXTURE_STOP_TIMEOUT: '0.3' }, async (box, env) => {
    assert.equal((await runAction(['start'], { env })).code, 0);
    const pid = box.readPid();
    started.add(pid);
    const r = await runAction(['stop'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!isAlive(pid), 'SIGKILL ended it');
    assert.match(box.log(), /fixture: SIGTERM ignored/, 'SIGTERM came first');
    assert.ok(!existsSync(box.pidfile));
  }));

test('a daemon that exits slowly is waited for, not killed (contract §4)', () =>
  withBox({ FIXTURE_BEHAVIOUR: 'slow-exit' }, async (box, env) => {
    assert.equal((await runAction(['start'], { env })).code, 0);
    const pid = box.readPid();
    started.add(pid);
    const r = await runAction(['stop'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `fixture stopped (pid ${pid})\n`);
    assert.ok(!isAlive(pid));
  }));

test('explicit readiness: start waits for a late ready() (contract §4)', () =>
  withBox({ FIXTURE_BEHAVIOUR: 'late-ready' }, async (box, env) => {
    const r = await runAction(['start'], { env });
    assert.equal(r.code, 0, r.stderr);
    const pid = box.readPid();
    started.add(pid);
    assert.ok(isAlive(pid));
    assert.equal((await runAction(['status'], { env })).code, 0);
  }));

test('explicit readiness never reached → 1 after startTimeout, and no daemon is left (contract §4)', () =>
  withBox({ FIXTURE_BEHAVIOUR: 'never-ready', FIXTURE_START_TIMEOUT: '0.5', FIXTURE_RECORD: '' }, async (box, env) => {
    const record = join(box.dir, 'record.jsonl');
    const r = await runAction(['start'], { env: { ...env, FIXTURE_RECORD: record } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not ready within 0.5 s/);
    const { pid } = JSON.parse(readFileSync(record, 'utf8'));
    started.add(pid);
    assert.ok(!isAlive(pid), 'the unready daemon was stopped');
    assert.ok(!existsSync(box.pidfile));
  }));

test('arguments after -- reach run() of the daemon unchanged', () =>
  withBox({}, async (box, env) => {
    const record = join(box.dir, 'record.jsonl');
    const args = ['a b', "it's", '$HOME', '`x`', 'line\nbreak', 'ünï', '--', '-n'];
    const r = await runAction(['start', '--', ...args], { env: { ...env, FIXTURE_RECORD: record } });
    assert.equal(r.code, 0, r.stderr);
    started.add(box.readPid());
    assert.deepEqual(JSON.parse(readFileSync(record, 'utf8')).args, args);
  }));

test('lock file: created by start, removed by stop; status 2 when it outlives the daemon (contract §1)', () =>
  withBox({}, async (box, env) => {
    const lockEnv = { ...env, FIXTURE_LOCKFILE: box.lockfile };
    assert.equal((await runAction(['start'], { env: lockEnv })).code, 0);
    started.add(box.readPid());
    assert.ok(existsSync(box.lockfile), 'start creates the lock file');
    assert.equal((await runAction(['stop', `--initgen-lockfile=${box.lockfile}`], { env })).code, 0, 'as a setting word too');
    assert.ok(!existsSync(box.lockfile), 'stop removes it');
    mkdirSync(join(box.dir, 'lock'), { recursive: true });
    writeFileSync(box.lockfile, '');
    const status = await runAction(['status'], { env: lockEnv });
    assert.equal(status.code, 2);
    assert.equal(status.stdout, `fixture is dead, but lock file ${box.lockfile} exists\n`);
    assert.equal((await runAction(['status'], { env })).code, 3, 'without a lock file configured, 3');
  }));

test('usage errors → 2 with the usage line on stderr (contract §1)', () =>
  withBox({}, async (box, env) => {
    for (const argv of [[], ['bogus'], ['status', 'extra'], ['stop', '--', 'x'], ['logs', '-x'], ['logs', '-n', 'many']]) {
      const r = await runAction(argv, { env });
      assert.equal(r.code, 2, `argv ${JSON.stringify(argv)}`);
      assert.match(r.stderr, /^fixture: .+\nUsage: fixture \{start\|stop\|restart\|try-restart\|reload\|force-reload\|status\|run\|logs\}\n$/);
      assert.equal(r.stdout, '');
    }
  }));

test('a wrong setting word → 6 naming the word, one line, no stack trace', () =>
  withBox({}, async (box, env) => {
    for (const word of ['--initgen-pidfile=run/app.pid', '--initgen-umask=999', '--initgen-stop-timeout=-1', '--initgen-cwd=relative']) {
      const r = await runAction(['status', word], { env });
      assert.equal(r.code, 6, `${word}: ${r.stderr}`);
      const [key, value] = word.split('=');
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.ok(r.stderr.startsWith(`fixture: Invalid setting \`${key}\`: expected `), r.stderr);
      assert.ok(r.stderr.endsWith(`, got \`${value}\`\n`), r.stderr);
    }
  }));

test('a wrong option in the program itself → 6 (contract §1: not configured)', async () => {
  const box = makeSandbox();
  try {
    const script = join(box.dir, 'bad.js');
    writeFileSync(script, "import init from 'initgen';\ninit.simple({ name: 'x', pidfile: '/p', logfile: '/l', run() {}, pidFile: '/oops' });\n");
    // the program lives outside the package: resolve initgen through NODE_PATH-free self-link
    const link = join(box.dir, 'node_modules');
    mkdirSync(link);
    (await import('node:fs')).symlinkSync(new URL('../..', import.meta.url).pathname, join(link, 'initgen'));
    const r = await runAction(['start'], { script, env: { PATH: process.env.PATH } });
    assert.equal(r.code, 6);
    assert.equal(r.stderr, 'x: Unknown option `pidFile`\n');
  } finally {
    box.remove();
  }
});
