// Security findings 7 and 15: the log file, which the service user can often replace.
// Root's `logs`, `logs -f` and the tail a failed `start` prints opened it by path and
// followed a symbolic link to a root-only file; a FIFO there hung root's start in
// open() while it held the lock; and reading the tail was unbounded (quadratic,
// endless on a log without newlines or a 100 GB sparse file). Now every open is
// O_NOFOLLOW|O_NONBLOCK and fstat-checked, and every read is bounded (logfile.ts).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { daemonsOf } from '../helpers/daemons.js';
import { killHard, waitFor } from '../helpers/service.js';
import { FIXTURE, NOBODY, SECRET, needsRoot, runFixture, securitySandboxes, shAsNobody } from './lib.js';

const sandbox = securitySandboxes('initgen-sec-logs-');
const MAX_LINE = 4096;

/** A sandbox whose log directory nobody owns, holding a log nobody wrote. */
function serviceUserLog() {
  const box = sandbox({ owned: ['log'] });
  writeFileSync(box.logfile, 'line 1\nline 2\n');
  chownSync(box.logfile, NOBODY, NOBODY);
  return box;
}

test("root `logs`: a symlink to a root-only file swapped in by the service user is refused (4), not printed", { skip: needsRoot, timeout: 120_000 }, async () => {
  const box = serviceUserLog();
  shAsNobody('mv "$1" "$1.1" && ln -s "$2" "$1"', box.logfile, box.victim);
  const logs = await runFixture(['logs', '-n', '5'], { env: box.secEnv() });
  assert.doesNotMatch(logs.stdout + logs.stderr, /the secret/);
  assert.equal(logs.code, 4, logs.stdout + logs.stderr);
  assert.equal(logs.stderr, `fixture: refusing to read log file ${box.logfile}: it is a symbolic link\n`);
});

test("root `logs -f`: a rotation onto a symlink to a root-only file ends the follow (4), nothing of it printed", { skip: needsRoot, timeout: 120_000 }, async () => {
  const box = serviceUserLog();
  const child = spawn(process.execPath, [FIXTURE, 'logs', '-f', '-n', '5'], { env: box.secEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  sandbox.track(child.pid);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  const exited = new Promise((done) => child.on('close', (code) => done(code)));
  try {
    await waitFor(() => out.includes('line 2\n'), '`logs -f` to print the last lines');
    // the follower is listening once it prints what is appended
    let probe = 0;
    await waitFor(() => (shAsNobody('echo "probe $2" >> "$1"', box.logfile, String(++probe)), out.includes('probe ')), 'the follower to follow');
    shAsNobody('mv "$1" "$1.1" && ln -s "$2" "$1"', box.logfile, box.victim);
    const code = await exited;
    assert.doesNotMatch(out, /the secret/, "root's follower printed the root-only file");
    assert.equal(code, 4, out + err);
    assert.equal(err, `fixture: refusing to read log file ${box.logfile}: it is a symbolic link\n`);
  } finally {
    killHard(child.pid);
  }
});

test('the tail a failed root start prints: the service user swapping its log for a symlink shows nothing of the target', { skip: needsRoot, timeout: 120_000 }, async () => {
  const box = sandbox({ owned: ['log'] });
  const start = await runFixture(['start'], { env: box.secEnv({ SEC_USER: 'nobody', SEC_BEHAVIOUR: 'swap-log-and-die' }) });
  assert.doesNotMatch(start.stdout + start.stderr, /the secret/, "root's failed start printed the root-only file");
  assert.equal(start.code, 1, start.stderr);
  assert.match(start.stderr, /\(not shown: refusing to read log file .*: it is a symbolic link\)/);
  assert.deepEqual(daemonsOf(box), []);
});

test('a FIFO planted as the log file: root start and root `logs` refuse (4) instead of hanging in open()', { skip: needsRoot, timeout: 120_000 }, async () => {
  const box = sandbox({ owned: ['log'] });
  shAsNobody('mkfifo "$1"', box.logfile);
  const env = box.secEnv();
  const start = await runFixture(['start'], { env, limitMs: 60_000 });
  assert.equal(start.signal, null, 'root start hung on the FIFO (killed after 60 s)');
  assert.equal(start.code, 4, start.stdout + start.stderr);
  assert.match(start.stderr, /refusing to open log file .*: it is not a regular file/);
  assert.deepEqual(daemonsOf(box), []);
  const logs = await runFixture(['logs'], { env, limitMs: 60_000 });
  assert.equal(logs.signal, null, 'root logs hung on the FIFO (killed after 60 s)');
  assert.equal(logs.code, 4, logs.stdout + logs.stderr);
  assert.equal(logs.stderr, `fixture: refusing to read log file ${box.logfile}: it is not a regular file\n`);
  // the refused start let go of the lock: the next action proceeds
  assert.equal((await runFixture(['stop'], { env: box.secEnv({ SEC_START_TIMEOUT: '1', SEC_STOP_TIMEOUT: '1' }) })).code, 0);
});

test("a log file owned by a user who is neither root, the directory's owner nor the service's user: root `logs` refuses (4)", { skip: needsRoot, timeout: 120_000 }, async () => {
  const box = serviceUserLog();
  chownSync(box.logfile, 4242, 4242);
  const logs = await runFixture(['logs'], { env: box.secEnv() });
  assert.equal(logs.code, 4, logs.stdout + logs.stderr);
  assert.equal(logs.stderr, `fixture: refusing to read log file ${box.logfile}: it is owned by uid 4242, not root or the service's user\n`);
});

test('a 100 GB sparse log without a final newline: `logs -n 5` prints a bounded tail and ends', { timeout: 180_000 }, async (t) => {
  const box = sandbox();
  mkdirSync(dirname(box.logfile), { recursive: true });
  writeFileSync(box.logfile, 'first line\n');
  const grow = spawnSync('truncate', ['-s', '100G', box.logfile]);
  if (grow.status !== 0) return t.skip(`needs a file system with 100 GB sparse files: truncate: ${grow.stderr}`);
  appendFileSync(box.logfile, 'the end, without a newline');
  const logs = await runFixture(['logs', '-n', '5'], { env: box.secEnv() });
  assert.equal(logs.signal, null, '`logs -n 5` never ended (killed)');
  assert.equal(logs.code, 0, logs.stderr);
  assert.ok(logs.stdout.length <= MAX_LINE + 64, `${logs.stdout.length} bytes printed`);
  // the line's start lies a hundred gigabytes back: its end is shown, the holes' NULs are bytes like any other
  assert.match(logs.stdout, /^\[…\] \0*the end, without a newline\n$/);
});

test('a log without newlines: `logs -n 5` prints one line cut to 4 KiB with its end', { timeout: 120_000 }, async () => {
  const box = sandbox();
  mkdirSync(dirname(box.logfile), { recursive: true });
  writeFileSync(box.logfile, `${'x'.repeat(3 * 1024 * 1024)}END`);
  const logs = await runFixture(['logs', '-n', '5'], { env: box.secEnv() });
  assert.equal(logs.code, 0, logs.stderr);
  assert.equal(logs.stdout, `[…] ${'x'.repeat(MAX_LINE - 3)}END\n`);
  // complete lines longer than 4 KiB keep their start and say how much was cut
  writeFileSync(box.logfile, `short\n${'y'.repeat(10_000)}\n`);
  const long = await runFixture(['logs', '-n', '5'], { env: box.secEnv() });
  assert.equal(long.stdout, `short\n${'y'.repeat(MAX_LINE)} […${10_000 - MAX_LINE} more bytes]\n`);
});

test('a daemon that makes its log 100 GB of holes and dies: the failed start ends, with a bounded tail on stderr', { skip: needsRoot, timeout: 180_000 }, async () => {
  const box = sandbox();
  const start = await runFixture(['start'], { env: box.secEnv({ SEC_BEHAVIOUR: 'sparse-and-die' }) });
  assert.equal(start.signal, null, 'root start never ended (killed)');
  assert.equal(start.code, 1, start.stderr);
  assert.ok(start.stderr.length < 2 * MAX_LINE, `${start.stderr.length} bytes on stderr`);
  // stderr is for people: the NULs of the holes are stripped
  assert.match(start.stderr, /\nlast lines of .*:\n\[…\] fixture: the last words, without a newline\n$/);
  assert.deepEqual(daemonsOf(box), []);
  assert.ok(existsSync(box.logfile));
});

test('the tail a failed start prints has no control characters (escape sequences stripped)', { timeout: 120_000 }, async () => {
  const box = sandbox();
  const start = await runFixture(['start'], { env: box.secEnv({ SEC_BEHAVIOUR: 'crash-noisy' }) });
  assert.equal(start.code, 1, start.stderr);
  assert.match(start.stderr, /fixture: \]0;owned\[2Jcannot start\n/);
  assert.doesNotMatch(start.stderr, /[\x00-\x08\x0b-\x1f\x7f]/);
  assert.ok(readFileSync(box.logfile, 'utf8').includes('\x1b]0;owned\x07'), 'the log itself keeps every byte');
});

test('`logs` to a terminal strips control characters; to a pipe it keeps them', { skip: spawnSync('script', ['--version']).status !== 0 && 'needs util-linux script(1) for a pseudo-terminal', timeout: 120_000 }, async () => {
  const box = sandbox();
  mkdirSync(dirname(box.logfile), { recursive: true });
  writeFileSync(box.logfile, 'plain\n\x1b]0;owned\x07title\n');
  const piped = await runFixture(['logs'], { env: box.secEnv() });
  assert.equal(piped.stdout, 'plain\n\x1b]0;owned\x07title\n');
  const command = `'${process.execPath}' '${FIXTURE}' logs`;
  const tty = spawnSync('script', ['-qec', command, '/dev/null'], { env: box.secEnv(), encoding: 'utf8' });
  assert.equal(tty.status, 0, tty.stderr);
  assert.equal(tty.stdout.replace(/\r\n/g, '\n'), 'plain\n]0;ownedtitle\n');
});

test("a log file another user pre-created in a sticky world-writable directory: root's start refuses (4) and appends nothing, whatever fs.protected_regular says", { skip: needsRoot, timeout: 120_000 }, async () => {
  const box = sandbox();
  mkdirSync(dirname(box.logfile), { recursive: true });
  spawnSync('chmod', ['1777', dirname(box.logfile)]);
  writeFileSync(box.logfile, 'planted\n');
  chownSync(box.logfile, 4242, 4242);
  const start = await runFixture(['start'], { env: box.secEnv() });
  assert.equal(start.code, 4, start.stdout + start.stderr);
  assert.match(start.stderr, /log file/);
  assert.equal(readFileSync(box.logfile, 'utf8'), 'planted\n', "root appended to another user's file");
  assert.deepEqual(daemonsOf(box), []);
});
