// Security finding 2: the start/stop lock. It was an abstract-namespace socket, which
// has no permissions: any user could bind its name first (root's start and stop then
// waited out the whole lock timeout and exited 1) or connect to it while root held it
// (root's stop then never exited). Now flock(2) on PIDFILE.lock, 0600 in the trusted
// pid directory (docs/design.md, "Lock").
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { daemonsOf } from '../helpers/daemons.js';
import { isAlive, isRoot, killHard, waitFor } from '../helpers/service.js';
import { asNobody, needsRoot, runFixture, securitySandboxes } from './lib.js';

const sandbox = securitySandboxes('initgen-sec-lock-');
// Lock timeout = start + stop timeout + 10 s: a lock that is never granted fails in ~12 s.
const SHORT = { SEC_START_TIMEOUT: '1', SEC_STOP_TIMEOUT: '1' };

/** The abstract socket name (without its leading NUL) the lock had before (FNV-1a 64 of the resolved pid file path). */
function oldLockAddress(pidfile) {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(resolve(pidfile))) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return `initgen/${hash.toString(16).padStart(16, '0')}`; // after the leading NUL
}

/**
 * Nobody's attack, as a real process: bind the old lock name (or, with `connect`, keep
 * connecting to it and hold every connection open), and try to open and flock the new
 * lock file. Prints one JSON line of what it managed once it is in position.
 */
const ATTACKER = `
const net = require('node:net'), fs = require('node:fs'), { spawnSync } = require('node:child_process');
const [name, lockfile, mode] = process.argv.slice(1);
const address = '\\0' + name;
const report = {};
try {
  const fd = fs.openSync(lockfile, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  report.lockfile = spawnSync('flock', ['-n', '-s', '3'], { stdio: ['ignore', 'ignore', 'ignore', fd] }).status === 0 ? 'locked' : 'busy';
} catch (error) { report.lockfile = error.code; }
const held = [];
if (mode === 'bind') {
  net.createServer((c) => held.push(c)).listen(address, () => { report.bound = true; console.log(JSON.stringify(report)); });
} else {
  const connect = () => {
    const s = net.connect(address);
    s.on('connect', () => { held.push(s); if (!report.connected) { report.connected = true; console.log(JSON.stringify(report)); } connect(); });
    s.on('error', () => setTimeout(connect, 2));
  };
  connect();
  console.log(JSON.stringify({ ...report, started: true }));
}
setInterval(() => {}, 1 << 30);
`;

function attacker(box, mode) {
  const child = spawn(process.execPath, ['-e', ATTACKER, oldLockAddress(box.pidfile), `${box.pidfile}.lock`, mode], { ...asNobody, stdio: ['ignore', 'pipe', 'inherit'] });
  sandbox.track(child.pid);
  const a = { pid: child.pid, reports: [] };
  child.stdout.setEncoding('utf8').on('data', (d) => a.reports.push(...d.trim().split('\n').map((l) => JSON.parse(l))));
  return a;
}

test('a user who takes the lock name first cannot block root start or stop', { skip: needsRoot, timeout: 120_000 }, async () => {
  const box = sandbox();
  const env = box.secEnv(SHORT);
  assert.equal((await runFixture(['stop'], { env })).code, 0, 'root creates the pid directory and lock file');
  const a = attacker(box, 'bind');
  try {
    await waitFor(() => a.reports.length > 0, 'the attacker to bind the old lock name');
    // the lock file is root's 0600: nobody cannot even open it, let alone flock it
    assert.equal(a.reports[0].lockfile, 'EACCES');
    assert.equal(statSync(`${box.pidfile}.lock`).mode & 0o777, 0o600);
    const start = await runFixture(['start'], { env });
    assert.equal(start.code, 0, `root start: ${start.stderr}`);
    const stop = await runFixture(['stop'], { env });
    assert.equal(stop.code, 0, `root stop: ${stop.stderr}`);
    assert.deepEqual(daemonsOf(box), []);
  } finally {
    killHard(a.pid);
  }
});

test("a user who connects to root's lock while root holds it cannot keep root's start from returning", { skip: needsRoot, timeout: 120_000 }, async () => {
  const box = sandbox();
  const env = box.secEnv();
  assert.equal((await runFixture(['stop'], { env })).code, 0);
  const a = attacker(box, 'connect');
  try {
    await waitFor(() => a.reports.length > 0, 'the attacker to start connecting');
    // a start takes a moment to become ready; the attacker connects to whatever lock listens meanwhile
    const start = await runFixture(['start'], { env, limitMs: 60_000 });
    assert.equal(start.signal, null, `root start never returned (killed after 60 s): ${start.stderr}`);
    assert.equal(start.code, 0, start.stderr);
    const stop = await runFixture(['stop'], { env, limitMs: 60_000 });
    assert.equal(stop.signal, null, "root stop never returned (killed after 60 s)");
    assert.equal(stop.code, 0, stop.stderr);
  } finally {
    killHard(a.pid);
  }
});

/** A root `start` that holds the lock (its daemon never gets ready), and the daemon. */
async function holder(box, pidfile = box.pidfile) {
  const env = box.secEnv({ SEC_PIDFILE: pidfile, SEC_BEHAVIOUR: 'never-ready', SEC_START_TIMEOUT: '300' });
  const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures/service.js'), 'start'], { env, stdio: 'ignore' });
  sandbox.track(child.pid);
  const exited = new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
  // its daemon published the pid file: from spawning it until it gives up, the controller holds the lock
  const daemon = await waitFor(() => daemonsOf(box)[0], 'the never-ready daemon');
  sandbox.track(daemon);
  return { pid: child.pid, daemon, exited };
}

test('a controller killed by SIGKILL while holding the lock: the next stop proceeds at once', { skip: needsRoot, timeout: 120_000 }, async () => {
  const box = sandbox();
  const h = await holder(box);
  process.kill(h.pid, 'SIGKILL');
  assert.equal((await h.exited).signal, 'SIGKILL');
  // were the lock left behind, this stop would wait its 12 s out and exit 1
  const stop = await runFixture(['stop'], { env: box.secEnv(SHORT) });
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(isAlive(h.daemon), false, 'the stop stopped the daemon the killed start left');
  const start = await runFixture(['start'], { env: box.secEnv(SHORT) });
  assert.equal(start.code, 0, start.stderr);
  assert.equal((await runFixture(['stop'], { env: box.secEnv(SHORT) })).code, 0);
});

test('the pid file through a symlinked directory (/var/run -> /run) is the same lock', { skip: process.platform !== 'linux' && 'needs Linux', timeout: 120_000 }, async () => {
  const box = sandbox();
  mkdirSync(dirname(box.pidfile), { recursive: true, mode: 0o755 });
  const alias = join(box.dir, 'var-run');
  symlinkSync(dirname(box.pidfile), alias);
  const h = await holder(box);
  try {
    // the holder's daemon is up but not ready: a start through the alias must wait for the
    // lock, not see a running service; the lock is never granted, so it gives up with 1
    const viaAlias = await runFixture(['start'], { env: box.secEnv({ ...SHORT, SEC_PIDFILE: join(alias, 'fixture.pid') }) });
    assert.equal(viaAlias.code, 1, viaAlias.stdout + viaAlias.stderr);
    assert.match(viaAlias.stderr, /another start or stop of this service is still in progress/);
  } finally {
    killHard(h.pid);
    killHard(h.daemon);
  }
});

test('the lock file: created 0600, refused when it is a symbolic link or a FIFO (no hang)', { skip: process.platform !== 'linux' && 'needs Linux', timeout: 120_000 }, async () => {
  const { acquireLock } = await import('../../dist/service/lock.js');
  // docs/contract.md §2: the lock is PIDFILE.lock
  const lockPath = (pidfile) => `${pidfile}.lock`;
  const box = sandbox();
  mkdirSync(dirname(box.pidfile), { recursive: true, mode: 0o755 });
  const first = await acquireLock(box.pidfile, 10_000);
  assert.equal(statSync(lockPath(box.pidfile)).mode & 0o777, 0o600);
  // one process, two open file descriptions: flock(2) makes the second wait, then give up
  await assert.rejects(acquireLock(box.pidfile, 100), /another start or stop of this service is still in progress/);
  await first.release();
  await (await acquireLock(box.pidfile, 10_000)).release();

  const linked = join(dirname(box.pidfile), 'linked.pid');
  symlinkSync(box.victim, lockPath(linked));
  await assert.rejects(acquireLock(linked, 10_000), (error) => error.outcome === 'insufficientPrivilege' && /symbolic link/.test(error.message));
  const fifo = join(dirname(box.pidfile), 'fifo.pid');
  assert.equal(spawnSync('mkfifo', [lockPath(fifo)]).status, 0);
  await assert.rejects(acquireLock(fifo, 10_000), (error) => error.outcome === 'insufficientPrivilege' && /not a regular file/.test(error.message));
});

test('a flock(1) without -w (BusyBox): the lock is asked for with -n until it is free or the time is up', { skip: (!isRoot && 'needs root: to bind-mount a stand-in over /usr/bin/flock in a private mount namespace') || (spawnSync('unshare', ['-m', 'true']).status !== 0 && 'needs unshare -m (mount namespaces)'), timeout: 120_000 }, async () => {
  const box = sandbox();
  mkdirSync(dirname(box.pidfile), { recursive: true, mode: 0o755 });
  const real = join(box.dir, 'real-flock');
  copyFileSync('/usr/bin/flock', real);
  chmodSync(real, 0o755);
  const fake = join(box.dir, 'flock-without-w');
  // as BusyBox answers an unknown option: usage on stderr, exit 1
  const calls = join(box.dir, 'calls');
  writeFileSync(fake, `#!/bin/sh\necho "$*" >> '${calls}'\nfor a; do [ "$a" = -w ] && { echo "flock: invalid option -- 'w'" >&2; exit 1; }; done\nexec '${real}' "$@"\n`, { mode: 0o755 });
  const probe = `
    const { acquireLock } = await import(${JSON.stringify(new URL('../../dist/service/lock.js', import.meta.url).href)});
    const pidfile = ${JSON.stringify(box.pidfile)};
    const first = await acquireLock(pidfile, 10_000);
    const second = await acquireLock(pidfile, 300).then(() => 'granted', (e) => e.message);
    await first.release();
    const third = await acquireLock(pidfile, 10_000).then(() => 'granted', (e) => e.message);
    console.log(JSON.stringify({ second, third }));
    process.exit(0);
  `;
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'for f in /usr/bin/flock /bin/flock; do mount --bind "$1" "$f" 2>/dev/null; done; exec "$2" --input-type=module -e "$3"', 'sh', fake, process.execPath, probe], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { second: 'another start or stop of this service is still in progress', third: 'granted' });
  const asked = readFileSync(calls, 'utf8').split('\n').filter(Boolean);
  assert.match(asked[0], /^-x -w /, 'the stand-in was used');
  assert.ok(asked.slice(1).every((a) => a === '-x -w 0.300 3' || a === '-x -w 10.000 3' || a === '-x -n 3'), asked.join('\n'));
  assert.ok(asked.filter((a) => a === '-x -n 3').length >= 3, 'the second acquisition polled with -n');
});
