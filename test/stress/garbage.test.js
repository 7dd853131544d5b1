// Issue 4.3, contract §2: whatever a pid file holds or is, status, stop and start
// never hang and never signal anything; status says 1 (4 when it cannot be read).
// Canary processes (group leaders) record any signal; garbage is built around their pids.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { daemonsOf } from '../helpers/daemons.js';
import { isAlive, killHard, makeSandbox, runAction, waitFor } from '../helpers/service.js';
import { isRoot, record, scaled, snapshot } from './lib.js';

const { fixture: script } = snapshot();
const RUNS = scaled(Number(process.env.STRESS_GARBAGE_RUNS ?? 150), 10);
const HANG_MS = 15_000;
const box = makeSandbox('initgen-stress-');
chmodSync(box.dir, 0o755);
const env = box.env();
const canaries = [];
const figures = { kinds: {}, codes: {}, hangs: 0, signalled: 0 };

before(async () => {
  for (let i = 0; i < 2; i++) {
    const file = join(box.dir, `canary-${i}`);
    const code = `for (const s of ['SIGTERM','SIGHUP','SIGINT','SIGUSR1','SIGUSR2','SIGQUIT']) process.on(s, () => require('fs').appendFileSync(${JSON.stringify(file)}, s + '\\n')); setInterval(() => {}, 1e9); require('fs').writeFileSync(${JSON.stringify(file)}, '')`;
    const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore', detached: true }); // detached: a group leader
    child.unref();
    canaries.push({ pid: child.pid, file });
    await waitFor(() => existsSync(file), 'a canary');
  }
});
after(() => {
  canaries.forEach((c) => killHard(c.pid));
  daemonsOf(box).forEach(killHard);
  record('garbage', figures);
  box.remove();
});

const signals = () => canaries.flatMap((c) => readFileSync(c.file, 'utf8').split('\n').filter(Boolean));
const canariesAlive = () => canaries.every((c) => isAlive(c.pid));
const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'latin1'));

// Text built around a live pid: the near misses a careless parser would accept.
const nearMiss = fc
  .tuple(
    fc.constantFrom(0, 1),
    fc.constantFrom('', ' ', '+', '-', '0', '00', '\t', '\n', 'x', '\r', '0x'),
    fc.constantFrom('', '\n\n', ' ', '\r\n', '\t', ' \n', '\n1', '\n-1', 'x', '.0', 'e0', '\0', '\n\0'),
  )
  .map(([i, pre, post]) => ({ kind: 'near-miss', bytes: (pid) => Buffer.from(`${pre}${pid(i)}${post}`) }));
const numbers = fc
  .oneof(
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
    fc.constantFrom(0n, 1n, -1n, -2n, BigInt(pidMax), BigInt(pidMax) + 1n, 2n ** 31n, 2n ** 32n + 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n + 1n),
  )
  .map((n) => ({ kind: 'number', bytes: () => Buffer.from(`${n}\n`) }));
const wrapped = fc.constantFrom(
  // values that wrap to a canary's pid in 32-bit, 64-bit or double arithmetic
  { kind: 'wraps-to-pid', bytes: (pid) => Buffer.from(`${2n ** 32n + BigInt(pid(0))}\n`) },
  { kind: 'wraps-to-pid', bytes: (pid) => Buffer.from(`${2n ** 64n + BigInt(pid(0))}\n`) },
  { kind: 'wraps-to-pid', bytes: (pid) => Buffer.from(`${pid(0)}.4\n`) },
  { kind: 'wraps-to-pid', bytes: (pid) => Buffer.from(`${pid(0)}e0\n`) },
);
const bytes = fc.uint8Array({ maxLength: 80 }).map((b) => ({ kind: 'random-bytes', bytes: () => Buffer.from(b) }));
const spaces = fc.stringMatching(/^[ \t\n\r\v\f]{0,20}$/).map((s) => ({ kind: 'whitespace', bytes: () => Buffer.from(s) }));
const lines = fc
  .array(fc.oneof(fc.integer({ min: -5, max: 5_000_000 }).map(String), fc.constant('')), { minLength: 2, maxLength: 6 })
  .map((parts) => ({ kind: 'several-lines', bytes: (pid) => Buffer.from([pid(0), ...parts].join('\n')) }));
const huge = fc.integer({ min: 33, max: 200_000 }).map((n) => ({ kind: 'huge-file', bytes: (pid) => Buffer.from(`${pid(0)}\n`.padEnd(n, '7')) }));
const empty = fc.constant({ kind: 'empty', bytes: () => Buffer.alloc(0) });
const content = fc.oneof(nearMiss, numbers, wrapped, bytes, spaces, lines, huge, empty);

// Things that are not a regular file holding text.
const SHAPES = {
  directory: () => mkdirSync(box.pidfile),
  fifo: () => assert.equal(spawnSync('mkfifo', [box.pidfile]).status, 0),
  'symlink to another file': () => {
    writeFileSync(join(box.dir, 'other.pid'), `${canaries[0].pid}\n`);
    symlinkSync(join(box.dir, 'other.pid'), box.pidfile);
  },
  'symlink to the live daemon\'s own pid file': null, // set up in its test
  'dangling symlink': () => symlinkSync(join(box.dir, 'nowhere'), box.pidfile),
};

function clear() {
  rmSync(box.pidfile, { recursive: true, force: true });
  mkdirSync(join(box.dir, 'run'), { recursive: true, mode: 0o755 });
}

async function act(action, extra = {}) {
  const r = await runAction([action], { env, script, timeout: HANG_MS, ...extra });
  if (r.signal) figures.hangs++;
  figures.codes[`${action} ${r.code}`] = (figures.codes[`${action} ${r.code}`] ?? 0) + 1;
  return r;
}

test(`${RUNS} garbage pid files: status 1 and stop 0, nothing signalled, nothing hangs (contract §2)`, async () => {
  await fc.assert(
    fc.asyncProperty(content, async ({ kind, bytes }) => {
      clear();
      writeFileSync(box.pidfile, bytes((i) => canaries[i].pid));
      figures.kinds[kind] = (figures.kinds[kind] ?? 0) + 1;
      const status = await act('status');
      assert.equal(status.code, 1, `${kind}: ${status.stdout}${status.stderr}`);
      const stop = await act('stop');
      assert.equal(stop.code, 0, stop.stderr);
      assert.equal(existsSync(box.pidfile), false, 'stop removes a stale pid file');
      assert.deepEqual(signals(), []);
      assert.ok(canariesAlive());
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
  figures.signalled = signals().length;
});

for (const [shape, make] of Object.entries(SHAPES)) {
  test(`pid file that is a ${shape}: status 1, stop 0, start runs the real daemon or says why (contract §2)`, async () => {
    clear();
    let target;
    if (make) make();
    else {
      // a second, real daemon of the same service elsewhere: its pid file must not be borrowed
      const other = makeSandbox('initgen-stress-');
      assert.equal((await runAction(['start'], { env: other.env(), script })).code, 0);
      target = other;
      symlinkSync(other.pidfile, box.pidfile);
    }
    try {
      figures.kinds[shape] = (figures.kinds[shape] ?? 0) + 1;
      assert.equal((await act('status')).code, 1);
      const stop = await act('stop');
      assert.equal(stop.code, 0, stop.stderr);
      if (target) assert.ok(isAlive(target.readPid()), 'the other daemon was not stopped');
      const start = await act('start');
      if (shape === 'directory') {
        // a directory is never removed, so it cannot be replaced: start fails and says so
        assert.equal(start.code, 1, start.stdout);
        assert.ok(lstatSync(box.pidfile).isDirectory());
      } else {
        assert.equal(start.code, 0, start.stderr);
        assert.equal(daemonsOf(box).length, 1);
        assert.equal((await act('stop')).code, 0);
      }
      assert.deepEqual(signals(), []);
      assert.ok(canariesAlive());
    } finally {
      if (target) {
        await runAction(['stop'], { env: target.env(), script });
        target.remove();
      }
      daemonsOf(box).forEach(killHard);
    }
  });
}

test('an unreadable pid file: status 4 for a user who cannot read it, nothing signalled (contract §1, §2)', { skip: !isRoot && 'needs root: to make a pid file another user cannot read' }, async () => {
  clear();
  writeFileSync(box.pidfile, `${canaries[0].pid}\n`, { mode: 0o600 });
  chmodSync(box.pidfile, 0o600);
  const asNobody = { uid: 65534, gid: 65534 };
  const status = await act('status', asNobody);
  assert.equal(status.code, 4, status.stdout);
  assert.match(status.stderr, /cannot read pid file .*: permission denied/);
  const stop = await act('stop', asNobody);
  assert.equal(stop.code, 4, stop.stdout);
  figures.kinds.unreadable = 1;
  assert.deepEqual(signals(), []);
  assert.ok(canariesAlive());
});
