// Issue 15: logRotation "writer", a log writer process between the daemon and its
// log file (src/service/log-writer.ts). Real daemons, real signals, real files: it
// rotates by size without losing, repeating or tearing a line; it drains what a
// daemon killed mid-burst, its orphaned child and an uncaught exception wrote; it
// follows a rename by logrotate; on a full disk it counts what it drops and says so
// once there is room again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonsOf, sandboxes } from '../helpers/daemons.js';
import { isAlive, isRoot, killHard, procState, runAction, waitFor } from '../helpers/service.js';
import { NOBODY, SECRET, shAsNobody } from '../security/lib.js';

const sandbox = sandboxes('initgen-logs-writer-');

/** Live processes whose fd 2 is a file in the sandbox's log directory: its log writers (whose fd 2 is the log they started with) and, without one, the daemon. */
function logHolders(box) {
  const dir = join(box.dir, 'log') + '/';
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((pid) => {
      const state = procState(pid);
      if (state === undefined || state === 'Z') return false;
      try {
        return readlinkSync(`/proc/${pid}/fd/2`).startsWith(dir);
      } catch {
        return false;
      }
    });
}

function writersOf(box) {
  return logHolders(box).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('fixture log writer'));
}

/** Every log file of the sandbox, oldest first (FILE.N ... FILE.1, FILE). */
function allLogs(box) {
  const dir = join(box.dir, 'log');
  const rank = (f) => (f === 'fixture.log' ? 0 : Number(f.slice('fixture.log.'.length)));
  return readdirSync(dir)
    .filter((f) => f.startsWith('fixture.log'))
    .sort((a, b) => rank(b) - rank(a))
    .map((f) => ({ name: f, path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

function start(box, extra) {
  return runAction(['start'], { env: box.env({ FIXTURE_LOG_ROTATION: 'writer', ...extra }) });
}

async function cleanup(box) {
  daemonsOf(box).forEach(killHard);
  logHolders(box).forEach(killHard);
}

test('writer: size rotation keeps every line of the daemon, its stderr and its child once and whole; no file passes logMaxSize', { timeout: 120_000 }, async () => {
  const box = sandbox();
  try {
    const lines = 3000;
    const max = 5_000;
    assert.equal((await start(box, { FIXTURE_BEHAVIOUR: 'chatty', FIXTURE_LINES: String(lines), FIXTURE_LOG_MAX_SIZE: String(max), FIXTURE_LOG_KEEP: '1000' })).code, 0);
    await waitFor(() => allLogs(box).some((f) => f.text.includes('fixture: child done\n')), 'the chatty fixture and its child to finish', 60_000);
    assert.equal((await runAction(['stop'], { env: box.env() })).code, 0);
    await waitFor(() => writersOf(box).length === 0, 'the writer to drain and exit');
    const files = allLogs(box);
    assert.ok(files.length > 10, `rotated by size (${files.length} files)`);
    const seen = new Map();
    for (const file of files) {
      assert.ok(statSync(file.path).size <= max, `${file.name} is ${statSync(file.path).size} bytes, over ${max}`);
      assert.ok(file.text === '' || file.text.endsWith('\n'), `${file.name} ends mid-line`);
      assert.equal(statSync(file.path).mode & 0o777, 0o640, `${file.name} mode`);
      for (const line of file.text.split('\n')) if (line) seen.set(line, (seen.get(line) ?? 0) + 1);
    }
    for (const kind of ['out', 'err', 'child']) {
      for (let i = 0; i < lines; i++) assert.equal(seen.get(`${kind} ${i}`), 1, `${kind} ${i}`);
    }
  } finally {
    await cleanup(box);
  }
});

test('writer: logKeep bounds the rotated files (FILE.1 ... FILE.N)', { timeout: 120_000 }, async () => {
  const box = sandbox();
  try {
    assert.equal((await start(box, { FIXTURE_BEHAVIOUR: 'chatty', FIXTURE_LINES: '3000', FIXTURE_LOG_MAX_SIZE: '10000', FIXTURE_LOG_KEEP: '2' })).code, 0);
    await waitFor(() => allLogs(box).some((f) => f.text.includes('fixture: child done\n')), 'the chatty fixture and its child to finish', 60_000);
    assert.equal((await runAction(['stop'], { env: box.env() })).code, 0);
    await waitFor(() => writersOf(box).length === 0, 'the writer to drain and exit');
    assert.deepEqual(allLogs(box).map((f) => f.name), ['fixture.log.2', 'fixture.log.1', 'fixture.log']);
  } finally {
    await cleanup(box);
  }
});

/** Lines "b N" must be 0..k, each once, in order; only the very last may be cut short (killed mid-write). */
function assertContiguous(text) {
  const lines = text.split('\n').filter((l) => /^b /.test(l));
  const last = lines.length - 1;
  let expect = 0;
  lines.forEach((line, i) => {
    if (i === last && !new RegExp(`^b ${expect}$`).test(line)) return assert.ok(`b ${expect}`.startsWith(line), `last line torn oddly: ${line}`);
    assert.equal(line, `b ${expect}`, 'a gap or a repeat');
    expect++;
  });
  return expect;
}

for (const mode of ['writer', 'copytruncate']) {
  test(`${mode}: a daemon SIGKILLed mid-burst loses nothing it wrote, and its orphaned child's later line lands`, { timeout: 120_000 }, async () => {
    const box = sandbox();
    try {
      const env = box.env({ FIXTURE_BEHAVIOUR: 'burst', FIXTURE_LOG_ROTATION: mode });
      assert.equal((await runAction(['start'], { env })).code, 0);
      const pid = box.readPid();
      // by size, not by reading the log: on a slow machine the burst outruns full reads
      await waitFor(() => existsSync(box.logfile) && statSync(box.logfile).size > 200_000, 'the burst to be under way', 60_000);
      process.kill(pid, 'SIGKILL'); // the daemon only: its child lives on, orphaned
      await waitFor(() => !isAlive(pid), 'the daemon to die');
      // the writer exits when the last holder of its input (the orphan) is gone; without one, the orphan's line is the sign
      if (mode === 'writer') await waitFor(() => writersOf(box).length === 0, 'the writer to drain and exit', 30_000);
      else await waitFor(() => box.log().includes('orphan: parent gone\n'), "the orphan's line", 30_000);
      const text = box.log();
      // killed mid-write, the daemon's last line may be cut short, and the orphan's line then follows it on the same line
      assert.match(text, /orphan: parent gone$/m);
      assert.ok(assertContiguous(text.replace('orphan: parent gone\n', '\n')) > 20000);
    } finally {
      await cleanup(box);
    }
  });
}

test("writer: an uncaught exception's stack lands in the log", { timeout: 120_000 }, async () => {
  const box = sandbox();
  try {
    assert.equal((await start(box, { FIXTURE_BEHAVIOUR: 'throw-on-usr2' })).code, 0);
    process.kill(box.readPid(), 'SIGUSR2');
    await waitFor(() => writersOf(box).length === 0 && !isAlive(box.readPid() ?? 0), 'the daemon to crash and the writer to drain', 30_000);
    assert.match(box.log(), /Error: fixture: uncaught boom\n\s+at /);
  } finally {
    await cleanup(box);
  }
});

test("writer: a start that fails prints the daemon's last lines, which went through the writer", { timeout: 120_000 }, async () => {
  const box = sandbox();
  try {
    const r = await start(box, { FIXTURE_BEHAVIOUR: 'crash-at-start' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /fixture: cannot open the database/);
  } finally {
    await cleanup(box);
  }
});

test('writer: logrotate renaming the file (no copytruncate) loses and repeats nothing; the writer goes on in the new file', { skip: spawnSync('logrotate', ['--version']).error && 'logrotate is not installed (Debian package logrotate)', timeout: 120_000 }, async () => {
  const box = sandbox();
  try {
    assert.equal((await start(box, { FIXTURE_BEHAVIOUR: 'burst' })).code, 0);
    const conf = join(box.dir, 'logrotate.conf');
    writeFileSync(conf, `${box.logfile} {\n  rotate 1000\n  missingok\n  nocompress\n}\n`);
    for (let i = 0; i < 5; i++) {
      const r = spawnSync('logrotate', ['-f', '-s', join(box.dir, 'state'), conf], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      // the writer noticed: the new file grows
      await waitFor(() => /^b \d+$/m.test(box.log()), 'lines in the new file', 30_000);
    }
    assert.equal((await runAction(['stop'], { env: box.env() })).code, 0);
    await waitFor(() => writersOf(box).length === 0, 'the writer to drain and exit', 30_000);
    const files = allLogs(box);
    assert.equal(files.length, 6);
    assertContiguous(files.map((f) => f.text).join(''));
  } finally {
    await cleanup(box);
  }
});

/** Bytes the process has read so far (/proc/PID/io rchar). */
function bytesRead(pid) {
  return Number(/^rchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))[1]);
}

test('writer: a disk that fills drops lines, counted, and says so once in the log when there is room again', { skip: !isRoot && 'mounting a tmpfs needs root (CAP_SYS_ADMIN)', timeout: 120_000 }, async (t) => {
  const box = sandbox();
  const dir = join(box.dir, 'log');
  mkdirSync(dir, { recursive: true });
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'initgen-test', dir], { encoding: 'utf8' });
  if (mount.status !== 0) return t.skip(`cannot mount a tmpfs (CAP_SYS_ADMIN in this namespace): ${mount.stderr.trim()}`);
  try {
    const burst = 2000;
    assert.equal((await start(box, { FIXTURE_BURST_ON_USR2: String(burst) })).code, 0);
    const pid = box.readPid();
    const [writer] = writersOf(box);
    assert.ok(writer, 'a log writer runs');
    // fill the file system to the last byte
    const filler = join(dir, 'filler');
    const fd = openSync(filler, 'w');
    const block = Buffer.alloc(4096, 120);
    try {
      for (;;) writeSync(fd, block);
    } catch (error) {
      assert.equal(error.code, 'ENOSPC');
    }
    try {
      for (;;) writeSync(fd, block, 0, 1);
    } catch {}
    closeSync(fd);
    const before = bytesRead(writer);
    const bytes = burst * `u 0 ${'.'.repeat(64)}\n`.length + Array.from({ length: burst }, (_, i) => String(i).length - 1).reduce((a, b) => a + b, 0);
    process.kill(pid, 'SIGUSR2');
    await waitFor(() => bytesRead(writer) - before >= bytes, 'the writer to read the burst', 30_000);
    rmSync(filler);
    assert.equal((await runAction(['reload'], { env: box.env() })).code, 0); // one more line, now that there is room
    await waitFor(() => box.log().includes('fixture: reloaded\n'), 'the line after the disk had room again', 30_000);
    const text = box.log();
    const notes = [...text.matchAll(/^fixture: log writer: (\d+) lines \((\d+) bytes\) dropped: no space left on device$/gm)];
    assert.equal(notes.length, 1, text.slice(-500));
    const landed = text.split('\n').filter((l) => /^u \d+ \.{64}$/.test(l)).length;
    assert.ok(Number(notes[0][1]) > 0, 'something was dropped');
    assert.equal(landed + Number(notes[0][1]), burst, 'every line either landed or was counted');
    assert.ok(text.indexOf('log writer:') < text.indexOf('fixture: reloaded'), 'the note comes before what follows it');
  } finally {
    await cleanup(box);
    await waitFor(() => spawnSync('umount', [dir]).status === 0 || spawnSync('mountpoint', ['-q', dir]).status !== 0, 'the tmpfs to unmount', 30_000);
  }
});

test('a wrong logRotation is "not configured" (6), one line naming it', { timeout: 60_000 }, async () => {
  const box = sandbox();
  const r = await runAction(['start'], { env: box.env({ FIXTURE_LOG_ROTATION: 'bogus' }) });
  assert.equal(r.code, 6);
  assert.equal(r.stderr, 'fixture: Invalid option `logRotation`: expected "copytruncate" or "writer", got `bogus`\n');
});

test("writer (root): the service user renaming the log and planting a symlink to a root-only file is refused at reopen; the writer writes on to the file it has", { skip: !isRoot && 'needs root: the attack is by another user (nobody) on a root log writer', timeout: 120_000 }, async () => {
  const box = sandbox();
  try {
    chmodSync(box.dir, 0o755); // nobody may reach the log directory it owns
    const dir = join(box.dir, 'log');
    mkdirSync(dir);
    chownSync(dir, NOBODY, NOBODY);
    const victim = join(box.dir, 'victim');
    writeFileSync(victim, SECRET, { mode: 0o600 });
    assert.equal((await start(box, {})).code, 0);
    // the writer reopens within moments of a rename: stopped, it cannot win the race the attacker might lose
    const [writer] = writersOf(box);
    process.kill(writer, 'SIGSTOP');
    try {
      shAsNobody('mv "$1" "$1.1" && ln -s "$2" "$1"', box.logfile, victim);
    } finally {
      process.kill(writer, 'SIGCONT');
    }
    const old = `${box.logfile}.1`;
    await waitFor(() => readFileSync(old, 'utf8').includes('log writer: cannot open'), 'the writer to notice the rename and refuse the link', 30_000);
    assert.equal((await runAction(['reload'], { env: box.env() })).code, 0);
    await waitFor(() => readFileSync(old, 'utf8').includes('fixture: reloaded\n'), 'the next line in the file the writer has', 30_000);
    assert.match(readFileSync(old, 'utf8'), new RegExp(`^fixture: log writer: cannot open ${box.logfile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: it is a symbolic link; still writing to the previous file$`, 'm'));
    assert.equal(readFileSync(victim, 'utf8'), SECRET, 'the root-only file is untouched');
  } finally {
    await cleanup(box);
  }
});

test('setting words: --initgen-log-rotation=writer, --initgen-log-max-size and --initgen-log-keep start the writer with those limits (the SysV script passes them)', { timeout: 120_000 }, async () => {
  const box = sandbox();
  try {
    const words = ['--initgen-log-rotation=writer', '--initgen-log-max-size=5000', '--initgen-log-keep=2'];
    const r = await runAction(['start', ...words], { env: box.env({ FIXTURE_BEHAVIOUR: 'chatty', FIXTURE_LINES: '3000' }) });
    assert.equal(r.code, 0, r.stderr);
    await waitFor(() => allLogs(box).some((f) => f.text.includes('fixture: child done\n')), 'the chatty fixture and its child to finish', 60_000);
    assert.equal(writersOf(box).length, 1, 'a log writer runs');
    assert.equal((await runAction(['stop', ...words], { env: box.env() })).code, 0);
    await waitFor(() => writersOf(box).length === 0, 'the writer to drain and exit');
    const files = allLogs(box);
    assert.deepEqual(files.map((f) => f.name), ['fixture.log.2', 'fixture.log.1', 'fixture.log']);
    for (const f of files) assert.ok(statSync(f.path).size <= 5000);
    const bad = await runAction(['status', '--initgen-log-keep=-1'], { env: box.env() });
    assert.equal(bad.code, 6);
    assert.match(bad.stderr, /^fixture: Invalid setting `--initgen-log-keep`: expected a whole number, 0 or more, got `-1`$/m);
  } finally {
    await cleanup(box);
  }
});

test('the SysV script passes the log fields as setting words, only when the config sets them', async () => {
  const { render } = await import('../targets/supervise-harness.js');
  const withFields = (await render('sysv', { name: 'app', script: '/srv/app.js', logRotation: 'writer', logMaxSize: 10485760, logKeep: 5 })).files[0].content;
  for (const word of ['--initgen-log-rotation=writer', '--initgen-log-max-size=10485760', '--initgen-log-keep=5']) assert.match(withFields, new RegExp(`^\\s+${word} \\\\$`, 'm'));
  const without = (await render('sysv', { name: 'app', script: '/srv/app.js' })).files[0].content;
  assert.doesNotMatch(without, /--initgen-log-/);
});
