// src/service/pidfile.ts on its own (docs/contract.md §2): real files in a temp dir,
// real processes. The actions that use it are tested end to end in test/service/.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspectPidfile, publishPidfile, removePidfile } from '../../../dist/service/pidfile.js';
import { isAlive, spawnZombie, waitFor } from '../../helpers/service.js';
import { scratch, startTicksOf } from '../../helpers/process-group.js';

const hasProc = existsSync('/proc/self/stat');
const noProc = !hasProc && 'needs /proc (Linux): pid identity is the start time read there';
const noBash = spawnSync('bash', ['-c', 'true']).status !== 0 && 'needs bash (exec -a names a process)';
const { started, dir: freshDir } = scratch('initgen-unit-pidfile-');

/** A fresh directory (0755, as a pid directory is) and a pid file path in it. */
function place() {
  const dir = freshDir();
  return { dir, pidfile: join(dir, 'app.pid'), record: join(dir, 'app.pid.id') };
}

/** A live process of our own that is not this service: `sleep`, titled as we like. */
async function sleeper(title = 'sleep') {
  // bash: dash's exec has no -a
  const child = spawn('bash', ['-c', `exec -a '${title}' sleep 60`], { stdio: 'ignore', detached: true });
  child.unref();
  started.push(child.pid);
  await waitFor(() => isAlive(child.pid) && readFileSync(`/proc/${child.pid}/cmdline`, 'latin1').startsWith(title), 'the sleeper to exec');
  return child.pid;
}

test('publish, then inspect: "PID\\n" and "PID STARTTICKS\\n", 0644 whatever the umask, and the publisher is running', { skip: noProc }, () => {
  const { pidfile, record } = place();
  const old = process.umask(0o077);
  try {
    assert.equal(publishPidfile(pidfile, process.pid), true);
  } finally {
    process.umask(old);
  }
  assert.equal(readFileSync(pidfile, 'latin1'), `${process.pid}\n`);
  assert.equal(readFileSync(record, 'latin1'), `${process.pid} ${startTicksOf(process.pid)}\n`);
  assert.equal(statSync(pidfile).mode & 0o777, 0o644);
  assert.equal(statSync(record).mode & 0o777, 0o644);
  const state = inspectPidfile(pidfile);
  assert.equal(state.kind, 'running');
  assert.equal(state.pid, process.pid);
  assert.equal(state.startTicks, startTicksOf(process.pid));
});

test('publish is exclusive: a second publisher gets false and the first one\'s files stay', { skip: noProc }, () => {
  const { dir, pidfile } = place();
  assert.equal(publishPidfile(pidfile, process.pid), true);
  assert.equal(publishPidfile(pidfile, process.pid + 1), false);
  assert.equal(readFileSync(pidfile, 'latin1'), `${process.pid}\n`);
  assert.equal(inspectPidfile(pidfile).kind, 'running');
  assert.deepEqual(
    spawnSync('ls', ['-A', dir], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).sort(),
    ['app.pid', 'app.pid.id'],
    'no temporary file is left behind',
  );
});

test('no pid file is "missing"; a record alone is still "missing"', () => {
  const { pidfile, record } = place();
  assert.deepEqual(inspectPidfile(pidfile), { kind: 'missing' });
  writeFileSync(record, `${process.pid} 1\n`);
  assert.deepEqual(inspectPidfile(pidfile), { kind: 'missing' });
});

for (const [what, text] of [
  ['empty', ''],
  ['letters', 'abc\n'],
  ['pid 0', '0\n'],
  ['pid 1', '1\n'],
  ['a negative pid', '-5\n'],
  ['a sign', '+123\n'],
  ['a leading space', ' 123\n'],
  ['a leading zero', '0123\n'],
  ['two numbers', '123 456\n'],
  ['two lines', '123\n456\n'],
  ['beyond pid_max', '99999999999\n'],
  ['a NUL byte', '123\0\n'],
]) {
  test(`a pid file holding ${what} is stale and names no pid`, () => {
    const { pidfile } = place();
    writeFileSync(pidfile, text);
    const state = inspectPidfile(pidfile);
    assert.equal(state.kind, 'stale');
    assert.equal(state.pid, undefined);
    assert.equal(state.reason, 'the pid file does not hold a valid pid');
  });
}

test('a pid file larger than a pid is stale without being read whole', () => {
  const { pidfile } = place();
  writeFileSync(pidfile, `${process.pid}\n${' '.repeat(4096)}`);
  assert.deepEqual(inspectPidfile(pidfile), { kind: 'stale', reason: 'the pid file holds more than a pid' });
});

test('a symbolic link is never followed, to a valid pid file or not', { skip: noProc }, () => {
  const real = place();
  assert.equal(publishPidfile(real.pidfile, process.pid), true);
  const { pidfile, record } = place();
  symlinkSync(real.pidfile, pidfile);
  symlinkSync(real.record, record);
  assert.deepEqual(inspectPidfile(pidfile), { kind: 'stale', reason: 'the pid file is a symbolic link' });
  // the pid file real, its record a link to a matching one: the record is not trusted either
  rmSync(pidfile);
  writeFileSync(pidfile, `${process.pid}\n`);
  assert.deepEqual(inspectPidfile(pidfile), { kind: 'stale', pid: process.pid, reason: 'the identity record is a symbolic link' });
});

test('a FIFO at the path is stale at once (opened without blocking)', () => {
  const { pidfile } = place();
  assert.equal(spawnSync('mkfifo', [pidfile]).status, 0);
  assert.deepEqual(inspectPidfile(pidfile), { kind: 'stale', reason: 'the pid file is not a regular file' });
});

test('a directory at the path is stale, and removePidfile leaves it alone', () => {
  const { pidfile } = place();
  mkdirSync(pidfile);
  assert.deepEqual(inspectPidfile(pidfile), { kind: 'stale', reason: 'the pid file is not a regular file' });
  removePidfile(pidfile);
  assert.ok(statSync(pidfile).isDirectory());
});

test('LSB\'s "unfortunately-named" process: a live process named like the service, without the record that proves it, is not the service', { skip: noProc || noBash }, async () => {
  const { pidfile, record } = place();
  const pid = await sleeper('app');
  writeFileSync(pidfile, `${pid}\n`);
  const state = inspectPidfile(pidfile);
  assert.equal(state.kind, 'stale');
  assert.equal(state.pid, pid);
  assert.equal(state.reason, `no identity record ${record} proves process ${pid} is this service`);
  assert.equal(state.deadDaemon, undefined, 'nothing proves it ever was the daemon');
});

test('a record naming another pid, or garbage, proves nothing', { skip: noProc || noBash }, async () => {
  const { pidfile, record } = place();
  const pid = await sleeper();
  writeFileSync(pidfile, `${pid}\n`);
  writeFileSync(record, `${process.pid} ${startTicksOf(process.pid)}\n`);
  assert.equal(inspectPidfile(pidfile).reason, `the identity record ${record} names process ${process.pid}, not ${pid}`);
  for (const text of [`${pid}\n`, `${pid} x\n`, `${pid} ${startTicksOf(pid)}`, `${pid}  ${startTicksOf(pid)}\n`]) {
    writeFileSync(record, text);
    const state = inspectPidfile(pidfile);
    assert.equal(state.kind, 'stale', JSON.stringify(text));
    assert.equal(state.reason, `the identity record ${record} is not "PID STARTTICKS"`);
  }
});

test('a reused pid: the process lives but started at another time than recorded', { skip: noProc || noBash }, async () => {
  const { pidfile, record } = place();
  const pid = await sleeper();
  writeFileSync(pidfile, `${pid}\n`);
  writeFileSync(record, `${pid} ${startTicksOf(pid) - 1}\n`);
  const state = inspectPidfile(pidfile);
  assert.equal(state.kind, 'stale');
  assert.match(state.reason, /is not the one recorded \(it started at another time: the pid was reused\)/);
  assert.equal(state.deadDaemon, undefined, 'its group is not ours to end');
  // with the right start time it is running
  writeFileSync(record, `${pid} ${startTicksOf(pid)}\n`);
  assert.equal(inspectPidfile(pidfile).kind, 'running');
});

test('a recorded daemon that died is stale, and known dead (its process group may outlive it)', { skip: noProc }, async () => {
  const { pidfile, record } = place();
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  started.push(child.pid);
  await waitFor(() => isAlive(child.pid), 'sleep to start');
  const ticks = startTicksOf(child.pid);
  writeFileSync(pidfile, `${child.pid}\n`);
  writeFileSync(record, `${child.pid} ${ticks}\n`);
  assert.equal(inspectPidfile(pidfile).kind, 'running');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited; // reaped: the pid is gone
  const state = inspectPidfile(pidfile);
  assert.equal(state.kind, 'stale');
  assert.equal(state.reason, `process ${child.pid} is dead`);
  assert.equal(state.deadDaemon?.startTicks, ticks);
});

test('a zombie is dead, not running (kill(pid, 0) would still succeed)', { skip: noProc }, async () => {
  const { pidfile, record } = place();
  const { zombie, parent } = await spawnZombie();
  started.push(parent);
  process.kill(zombie, 0); // the kernel still has the pid
  writeFileSync(pidfile, `${zombie}\n`);
  writeFileSync(record, `${zombie} ${startTicksOf(zombie)}\n`);
  const state = inspectPidfile(pidfile);
  assert.equal(state.kind, 'stale');
  assert.equal(state.reason, `process ${zombie} is dead`);
});

test('removePidfile with a pid removes only files that still name it, the pid file first', { skip: noProc }, () => {
  const { pidfile, record } = place();
  assert.equal(publishPidfile(pidfile, process.pid), true);
  removePidfile(pidfile, process.pid + 1);
  assert.ok(existsSync(pidfile) && existsSync(record), 'another daemon\'s files stay');
  removePidfile(pidfile, process.pid);
  assert.ok(!existsSync(pidfile) && !existsSync(record));
  // without a pid: whatever is there (a stale file), never through a link
  const other = place();
  const victim = join(other.dir, 'victim');
  writeFileSync(victim, 'precious\n');
  writeFileSync(other.pidfile, 'garbage\n');
  symlinkSync(victim, other.record);
  removePidfile(other.pidfile);
  assert.ok(!existsSync(other.pidfile));
  assert.throws(() => lstatSync(other.record), { code: 'ENOENT' }, 'the link itself is removed');
  assert.equal(readFileSync(victim, 'latin1'), 'precious\n', 'not what it points to');
});

test('a hard link planted as the pid file is replaced, not written through, by the next publish', { skip: noProc }, () => {
  const { dir, pidfile } = place();
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'precious\n');
  // a stale temporary file name a publisher would use, linked to the victim
  linkSync(victim, join(dir, `.app.pid.${process.pid}.tmp`));
  assert.equal(publishPidfile(pidfile, process.pid), true);
  assert.equal(readFileSync(victim, 'latin1'), 'precious\n');
  assert.equal(readFileSync(pidfile, 'latin1'), `${process.pid}\n`);
});
