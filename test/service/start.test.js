// The start flow (docs/contract.md §4, issue 12, findings 12 and 15): the settle
// window, an interrupted start, and what `start` accepts from the daemon on fd 3.
// Each test writes its own program with its settings in the code, runs real
// `start`s against it, and checks the daemon by its pid.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { killAllWith } from '../helpers/daemons.js';
import { isAlive, killHard, runAction, waitFor } from '../helpers/service.js';

const LIBRARY = new URL('../../dist/initgen.mjs', import.meta.url).href;
const NAME = 'lib-start';
const boxes = [];

after(() => {
  for (const box of boxes) {
    killHard(box.daemonPid());
    killAllWith(box.marker);
    rmSync(box.dir, { recursive: true, force: true });
  }
});

/**
 * A service program in a fresh temp dir. `options`: source of extra init.simple() options;
 * `run`: source of run()'s body (ctx is `ctx`). Every daemon records its pid first thing in run().
 */
function program({ options = '', run = '' } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-start-'));
  const paths = { pidfile: join(dir, 'run', `${NAME}.pid`), logfile: join(dir, 'log', `${NAME}.log`), record: join(dir, 'daemon-pid') };
  const script = join(dir, 'app.mjs');
  writeFileSync(
    script,
    `import fs from 'node:fs';
import init from ${JSON.stringify(LIBRARY)};
init.simple({
  name: ${JSON.stringify(NAME)},
  pidfile: ${JSON.stringify(paths.pidfile)},
  logfile: ${JSON.stringify(paths.logfile)},
  ${options}
  run(ctx) {
    fs.writeFileSync(${JSON.stringify(paths.record)}, String(process.pid));
    ${run}
    setInterval(() => {}, 1 << 30);
  },
});
`,
  );
  const marker = `INITGEN_START_TEST=${dir}`;
  const env = { PATH: process.env.PATH, INITGEN_START_TEST: dir };
  const box = {
    dir,
    ...paths,
    marker,
    daemonPid: () => (existsSync(paths.record) ? Number(readFileSync(paths.record, 'utf8')) : undefined),
    log: () => (existsSync(paths.logfile) ? readFileSync(paths.logfile, 'utf8') : ''),
    action: (...args) => runAction(args, { env, script }),
    /** `start` as a child we can signal; resolves { child, done } */
    spawnStart() {
      const child = spawn(process.execPath, [script, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const done = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
      return { child, done };
    },
  };
  boxes.push(box);
  return box;
}

/** The daemon is gone and nothing says it runs: status 3, no pid file. */
async function assertNothingLeft(box, pid) {
  assert.ok(pid > 1, 'the daemon recorded its pid');
  await waitFor(() => !isAlive(pid), `daemon ${pid} to be gone`);
  assert.ok(!existsSync(box.pidfile), 'no pid file is left');
  const status = await box.action('status');
  assert.equal(status.code, 3, status.stdout + status.stderr);
}

// 1. The settle window (contract §4, issue 12)

for (const ms of [20, 200]) {
  test(`a daemon that exits ${ms} ms after run() is a failed start: 1, why, its last log lines; nothing left`, async () => {
    const box = program({ run: `console.log('about to fail'); setTimeout(() => process.exit(1), ${ms});` });
    const r = await box.action('start');
    assert.equal(r.code, 1, r.stdout);
    // (at 20 ms it may even die before saying ready: then it died during start, as before)
    assert.match(r.stderr, new RegExp(`^${NAME} failed to start: died (within the 0\\.5 s settle window|during start): exited with code 1\\n`));
    assert.match(r.stderr, /last lines of .*\nabout to fail\n$/);
    assert.equal(r.stdout, '');
    await assertNothingLeft(box, box.daemonPid());
  });
}

test('a healthy daemon outlives the settle window: start 0, status 0, stop 0', async () => {
  const box = program();
  const r = await box.action('start');
  assert.equal(r.code, 0, r.stderr);
  const pid = box.daemonPid();
  assert.equal(r.stdout, `${NAME} started (pid ${pid})\n`);
  assert.ok(isAlive(pid));
  assert.equal((await box.action('status')).code, 0);
  assert.equal((await box.action('stop')).code, 0);
  assert.ok(!isAlive(pid));
});

test('settleTime: 0 turns the window off: the same early exit is reported as started', async () => {
  const box = program({ options: 'settleTime: 0,', run: 'setTimeout(() => process.exit(1), 200);' });
  const r = await box.action('start');
  assert.equal(r.code, 0, r.stderr);
  const pid = box.daemonPid();
  await waitFor(() => !isAlive(pid), 'the daemon to exit');
  assert.equal((await box.action('status')).code, 1, 'dead, and the pid file exists');
});

test('explicit readiness needs no settle window: a settleTime of an hour does not delay start', async () => {
  const box = program({ options: "readiness: 'explicit', settleTime: 3600,", run: 'ctx.ready();' });
  const r = await box.action('start');
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await box.action('stop')).code, 0);
});

test('a settleTime that is not a number of seconds ≥ 0 is an option error: 6', async () => {
  const box = program({ options: 'settleTime: -1,' });
  const r = await box.action('status');
  assert.equal(r.code, 6);
  assert.equal(r.stderr, `${NAME}: Invalid option \`settleTime\`: expected a number of seconds, 0 or more, got \`-1\`\n`);
});

// 2. An interrupted start leaves nothing (contract §4, issue 12)

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  test(`${signal} to start while the daemon waits to be ready: the daemon is stopped, 1, status 3`, async () => {
    const box = program({ options: "readiness: 'explicit',", run: "console.log('never ready');" });
    const { child, done } = box.spawnStart();
    const pid = await waitFor(() => box.daemonPid(), 'the daemon to enter run()');
    await waitFor(() => existsSync(box.pidfile), 'the daemon to publish its pid file');
    child.kill(signal);
    const r = await done;
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^${NAME} failed to start: interrupted by ${signal}; stopped the daemon \\(pid ${pid}\\)\\n`));
    await assertNothingLeft(box, pid);
  });
}

test('SIGINT to start inside the settle window: the daemon is stopped, 1, status 3', async () => {
  const box = program({ options: 'settleTime: 3600,' });
  const { child, done } = box.spawnStart();
  const pid = await waitFor(() => box.daemonPid(), 'the daemon to enter run()');
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`interrupted by SIGINT; stopped the daemon \\(pid ${pid}\\)`));
  await assertNothingLeft(box, pid);
});

// 3. Only the exact words, and every wait bounded (finding 12)

test('`failed success ...` from a daemon that stays up: a failed start (1), the daemon killed, no hang', async () => {
  const box = program({ options: "readiness: 'explicit', startTimeout: 3600,", run: "fs.writeSync(3, 'failed success all is well\\n');" });
  const r = await box.action('start');
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, new RegExp(`^${NAME} failed to start: sent an unknown readiness message "failed success all is well"`));
  await assertNothingLeft(box, box.daemonPid());
});

for (const word of ['Ready', 'ready ', 'readyX', 'taken please', 'failed nosuchoutcome x', 'failed genericError']) {
  test(`readiness word ${JSON.stringify(word)} is not understood: a failed start (1)`, async () => {
    const box = program({ options: "readiness: 'explicit', startTimeout: 3600,", run: `fs.writeSync(3, ${JSON.stringify(`${word}\n`)});` });
    const r = await box.action('start');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /failed to start: sent an unknown readiness message/);
    await assertNothingLeft(box, box.daemonPid());
  });
}

test('a daemon that says `taken` and stays up while no other daemon runs: 1, and it is stopped', async () => {
  const box = program({ options: "readiness: 'explicit',", run: "fs.rmSync(process.env.INITGEN_START_TEST + '/run', { recursive: true }); fs.writeSync(3, 'taken\\n');" });
  const r = await box.action('start');
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.stderr, `${NAME}: another daemon took the pid file and died\n`);
  await assertNothingLeft(box, box.daemonPid());
});

test('a daemon that reports a failure but neither exits nor heeds SIGTERM: SIGKILL after stopTimeout, 1', async () => {
  const box = program({
    options: "readiness: 'explicit', startTimeout: 3600, stopTimeout: 0.3,",
    run: "process.removeAllListeners('SIGTERM'); process.on('SIGTERM', () => console.log('SIGTERM ignored')); fs.writeSync(3, 'failed notConfigured no database\\n');",
  });
  const r = await box.action('start');
  assert.equal(r.code, 6, 'the outcome it reported: not configured');
  assert.match(r.stderr, new RegExp(`^${NAME} failed to start: no database\\n`));
  await assertNothingLeft(box, box.daemonPid());
});

test('control and bidi characters in a reported failure reach the terminal as spaces', async () => {
  const box = program({ options: "readiness: 'explicit',", run: "fs.writeSync(3, 'failed genericError bad\\u001b[2Jthing\\u202eevil\\n');" });
  const r = await box.action('start');
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, new RegExp(`^${NAME} failed to start: bad \\[2Jthing evil\\n`));
  await assertNothingLeft(box, box.daemonPid());
});

test('a daemon that closes its readiness pipe without a word and stays up: 1 after startTimeout, stopped', async () => {
  const box = program({ options: "readiness: 'explicit', startTimeout: 0.5,", run: 'fs.closeSync(3);' });
  const r = await box.action('start');
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /failed to start: closed its readiness pipe without a message and did not exit within 0\.5 s/);
  await assertNothingLeft(box, box.daemonPid());
});

// 4. A bounded readiness message (finding 15)

test('an endless readiness message: 1 at once, the daemon killed', async () => {
  const box = program({
    options: "readiness: 'explicit', startTimeout: 3600,",
    run: "const chunk = Buffer.alloc(65536, 0x61); const pump = () => fs.write(3, chunk, (error) => { if (!error) pump(); }); pump();",
  });
  const r = await box.action('start');
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, new RegExp(`^${NAME} failed to start: sent a readiness message longer than 4096 bytes\\n`));
  await assertNothingLeft(box, box.daemonPid());
});

test('the library\'s own long failure message is cut to fit, not refused', async () => {
  const box = program({ run: "throw new Error('x'.repeat(10000) + ' end');" });
  const r = await box.action('start');
  assert.equal(r.code, 1, r.stdout);
  const first = r.stderr.split('\n')[0];
  assert.match(first, new RegExp(`^${NAME} failed to start: run\\(\\) failed: x+$`));
  assert.ok(Buffer.byteLength(first) < 4200, 'the reason is at most one readiness line long');
  await assertNothingLeft(box, box.daemonPid());
});
