// Contract §3: the log file gets everything the daemon and its children write,
// loses nothing across stop, restart and crash, and `logs` reads and follows it.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { after, test } from 'node:test';
import { sandboxes } from '../helpers/daemons.js';
import { FIXTURE, killHard, runAction, waitFor } from '../helpers/service.js';

const LINES = 5000;
const sandbox = sandboxes('initgen-logfile-');

function count(lines, wanted) {
  return lines.filter((line) => line === wanted).length;
}

test('every line of the daemon, its stderr and its child lands once; restart appends; new log is 0640 in a created directory', async () => {
  const box = sandbox();
  const env = box.env({ FIXTURE_BEHAVIOUR: 'chatty', FIXTURE_LINES: String(LINES) });
  // A narrow umask in the caller must not change the documented mode (contract §3: created with mode 0640).
  const start = spawnSync('sh', ['-c', 'umask 077; exec "$0" "$@"', process.execPath, FIXTURE, 'start'], { env, encoding: 'utf8' });
  assert.equal(start.status, 0, start.stderr);
  assert.equal(statSync(dirname(box.logfile)).isDirectory(), true, 'the log directory is created');
  // issue 12: the umask must not narrow it either (contract §3: created 0755)
  assert.equal(statSync(dirname(box.logfile)).mode & 0o777, 0o755, 'the created log directory is 0755 under umask 077');
  assert.equal(statSync(box.logfile).mode & 0o777, 0o640);

  await waitFor(() => box.log().includes('fixture: child done\n'), 'the child to finish writing', 30_000);
  const stop = await runAction(['stop'], { env });
  assert.equal(stop.code, 0, stop.stderr);

  const seen = new Map();
  for (const line of box.log().split('\n')) seen.set(line, (seen.get(line) ?? 0) + 1);
  const wrong = [];
  for (let i = 0; i < LINES; i++) {
    for (const line of [`out ${i}`, `err ${i}`, `child ${i}`]) if (seen.get(line) !== 1) wrong.push(`${line} ×${seen.get(line) ?? 0}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} lines not present exactly once`);

  // contract §3: nothing is lost on restart; the log is appended to, not replaced
  const normal = box.env();
  assert.equal((await runAction(['start'], { env: normal })).code, 0);
  await waitFor(() => box.log().includes('fixture: running (normal)'), 'the second daemon to log');
  const before = box.log();
  const restart = await runAction(['restart'], { env: normal });
  assert.equal(restart.code, 0, restart.stderr);
  await waitFor(() => count(box.log().split('\n'), 'fixture: running (normal)') === 2, 'the restarted daemon to log');
  assert.equal(box.log().startsWith(before), true, 'the previous content is kept');
  assert.equal(statSync(box.logfile).mode & 0o777, 0o640);
  assert.equal((await runAction(['stop'], { env: normal })).code, 0);
});

test('an uncaught exception lands in the log with its stack, and status then says dead with pid file', async () => {
  const box = sandbox();
  const env = box.env({ FIXTURE_BEHAVIOUR: 'throw-on-usr2' });
  const start = await runAction(['start'], { env });
  assert.equal(start.code, 0, start.stderr);
  const pid = box.readPid();
  process.kill(pid, 'SIGUSR2');
  // contract §1: status 1 = program is dead and the pid file exists
  await waitFor(async () => (await runAction(['status'], { env })).code === 1, 'status to report the crash', 15_000);
  const log = box.log();
  assert.match(log, /Error: fixture: uncaught boom\n\s+at /, `no stack trace in the log:\n${log}`);
  assert.equal(box.readPid(), pid, 'the pid file still names the dead daemon');
  assert.equal((await runAction(['stop'], { env })).code, 0);
});

test('logs -n N prints exactly the last N lines', async () => {
  const box = sandbox();
  mkdirSync(dirname(box.logfile), { recursive: true });
  writeFileSync(box.logfile, Array.from({ length: 300 }, (_, i) => `line ${i}\n`).join(''));
  for (const n of [1, 7, 300]) {
    const r = await runAction(['logs', '-n', String(n)], { env: box.env() });
    assert.equal(r.code, 0, r.stderr);
    const want = Array.from({ length: n }, (_, i) => `line ${300 - n + i}\n`).join('');
    assert.equal(r.stdout, want, `logs -n ${n}`);
  }
  const more = await runAction(['logs', '-n', '1000'], { env: box.env() });
  assert.equal(more.stdout.split('\n').length - 1, 300, 'asking for more lines than exist prints them all');
});

/** `logs -f -n 1` as a child over a log holding two lines; `onData` sees each chunk before it is kept. */
function spawnFollower(box, onData = () => {}) {
  mkdirSync(dirname(box.logfile), { recursive: true });
  writeFileSync(box.logfile, 'a longer old line 1\na longer old line 2\n');
  const child = spawn(process.execPath, [FIXTURE, 'logs', '-f', '-n', '1'], { env: box.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  sandbox.track(child.pid);
  const f = { pid: child.pid, out: '' };
  f.lines = () => f.out.split('\n');
  f.seen = (line) => f.lines().includes(line);
  f.waitFor = (line) =>
    waitFor(() => f.seen(line), `\`logs -f\` to print "${line}"`).catch((error) => {
      throw new Error(`${error.message}; it printed:\n${f.out}`);
    });
  child.stdout.setEncoding('utf8').on('data', (d) => {
    onData(f.out + d);
    f.out += d;
  });
  return f;
}

/** A follower that has printed its last line and is known to be following. */
async function follower(box) {
  const f = spawnFollower(box);
  await f.waitFor('a longer old line 2');
  assert.equal(f.seen('a longer old line 1'), false, '-n 1 prints one line');
  // Following on from where printing ended is tested on its own above; here a probe line
  // makes sure the follower listens, so each test below checks only its own case.
  let probe = 0;
  await waitFor(() => (appendFileSync(box.logfile, `probe ${++probe}\n`), f.out.includes('probe ')), 'the follower to pick up appends');
  return f;
}

test('logs -f loses no line appended just after it printed the last ones', async () => {
  const box = sandbox();
  let appended = false;
  const f = spawnFollower(box, (out) => {
    // Append the moment the last line arrives. contract §3: "prints the last N lines and
    // follows new ones": following must start where printing ended, not wherever the file ends later.
    if (!appended && out.includes('a longer old line 2\n')) {
      appended = true;
      appendFileSync(box.logfile, 'right after\n');
    }
  });
  try {
    await f.waitFor('right after');
  } finally {
    killHard(f.pid);
  }
});

test('logs -f follows appended lines', async () => {
  const box = sandbox();
  const f = await follower(box);
  try {
    appendFileSync(box.logfile, 'appended 1\nappended 2\n');
    await f.waitFor('appended 2');
    assert.equal(count(f.lines(), 'appended 1'), 1);
  } finally {
    killHard(f.pid);
  }
});

test('logs -f continues after a copytruncate-style truncation', async () => {
  const box = sandbox();
  const f = await follower(box);
  try {
    // logrotate copytruncate: copy away, truncate in place; the daemon writes on through its O_APPEND fd at once
    truncateSync(box.logfile, 0);
    appendFileSync(box.logfile, 'after truncate\n');
    await f.waitFor('after truncate');
    appendFileSync(box.logfile, 'later\n');
    await f.waitFor('later');
    assert.equal(count(f.lines(), 'after truncate'), 1);
  } finally {
    killHard(f.pid);
  }
});

test('logs -f continues after a rename rotation onto a fresh file of the same name', async () => {
  const box = sandbox();
  const f = await follower(box);
  try {
    renameSync(box.logfile, `${box.logfile}.1`);
    writeFileSync(box.logfile, 'fresh 1\n');
    appendFileSync(box.logfile, 'fresh 2\n');
    await f.waitFor('fresh 2');
    appendFileSync(box.logfile, 'fresh 3\n');
    await f.waitFor('fresh 3');
    for (const line of ['fresh 1', 'fresh 2', 'fresh 3']) assert.equal(count(f.lines(), line), 1, `${line} printed once`);
  } finally {
    killHard(f.pid);
  }
});
