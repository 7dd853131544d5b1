// Issue 12 (docs/contract.md §1, §2): the generated SysV script's status (pure sh)
// and the library's status say the same thing, code and message, for the pid file
// in every state, as root and as an unprivileged caller (nobody).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { killHard, spawnUnrelated, spawnZombie } from '../helpers/service.js';
import { NOBODY, identSandboxes, pidIn, startTicks } from './ident-helpers.js';

const sandbox = identSandboxes('initgen-agree-');
const isRoot = process.getuid() === 0;
const started = [];
after(() => started.forEach(killHard));

/** A pid that is not running now (a process that has exited and been reaped). */
function deadPid() {
  const r = spawnSync('sh', ['-c', 'echo $$']);
  return Number(String(r.stdout).trim());
}

const record = (box, pid, ticks = startTicks(pid)) => writeFileSync(box.idfile, `${pid} ${ticks}\n`);

/** Each state: set the files up; `expect`: the status code as root (and as nobody unless `asNobody` says). */
const STATES = {
  'absent': { expect: 3, setup: () => {} },
  'empty': { expect: 1, setup: (box) => writeFileSync(box.pidfile, '') },
  'garbage': { expect: 1, setup: (box) => writeFileSync(box.pidfile, 'not a pid\n') },
  'more than one line': { expect: 1, setup: (box) => writeFileSync(box.pidfile, `${process.pid}\n${process.pid}\n`) },
  'pid of a dead process, with a record': {
    expect: 1,
    setup: (box) => {
      const pid = deadPid();
      writeFileSync(box.pidfile, `${pid}\n`);
      writeFileSync(box.idfile, `${pid} 12345\n`);
    },
  },
  'pid of a live foreign process, no record': {
    expect: 1,
    setup: (box) => {
      const pid = spawnUnrelated();
      started.push(pid);
      writeFileSync(box.pidfile, `${pid}\n`);
    },
  },
  'pid of a live foreign process, record with another start time': {
    expect: 1,
    setup: (box) => {
      const pid = spawnUnrelated();
      started.push(pid);
      writeFileSync(box.pidfile, `${pid}\n`);
      record(box, pid, Number(startTicks(pid)) + 1);
    },
  },
  'live and ours': { expect: 0, daemon: true, setup: () => {} },
  'a zombie, with its record': {
    expect: 1,
    setup: async (box) => {
      const { zombie, parent } = await spawnZombie();
      started.push(parent);
      writeFileSync(box.pidfile, `${zombie}\n`);
      record(box, zombie);
    },
  },
  'a dangling symbolic link': { expect: 1, setup: (box) => symlinkSync(join(box.dir, 'nowhere'), box.pidfile) },
  'a symbolic link to an unreadable file': {
    expect: 1,
    daemon: true,
    setup: (box) => {
      const real = join(box.dir, 'real.pid');
      writeFileSync(real, `${pidIn(box.pidfile)}\n`, { mode: 0o600 });
      rmSync(box.pidfile);
      symlinkSync(real, box.pidfile);
    },
  },
  'an unreadable pid file': { expect: 0, asNobody: 4, daemon: true, setup: (box) => chmodSync(box.pidfile, 0o600), error: (box) => `ident-app: cannot read pid file ${box.pidfile}: permission denied\n` },
  'a directory': { expect: 1, setup: (box) => mkdirSync(box.pidfile) },
  'a FIFO': { expect: 1, setup: (box) => assert.equal(spawnSync('mkfifo', [box.pidfile]).status, 0) },
  'record missing': { expect: 1, daemon: true, setup: (box) => rmSync(box.idfile) },
  'record naming another pid': { expect: 1, daemon: true, setup: (box) => record(box, process.pid) },
  'record with another start time': { expect: 1, daemon: true, setup: (box) => record(box, pidIn(box.pidfile), Number(startTicks(pidIn(box.pidfile))) - 1) },
  'record garbage': { expect: 1, daemon: true, setup: (box) => writeFileSync(box.idfile, 'x y\n') },
  'record a symbolic link': {
    expect: 1,
    daemon: true,
    setup: (box) => {
      const real = join(box.dir, 'real.id');
      writeFileSync(real, `${pidIn(box.pidfile)} ${startTicks(pidIn(box.pidfile))}\n`);
      rmSync(box.idfile);
      symlinkSync(real, box.idfile);
    },
  },
  'record unreadable': { expect: 0, asNobody: 4, daemon: true, setup: (box) => chmodSync(box.idfile, 0o600), error: (box) => `ident-app: cannot read pid file ${box.idfile}: permission denied\n` },
  'record only, no pid file': { expect: 3, setup: (box) => record(box, process.pid) },
  'lock file only': { expect: 2, setup: (box) => writeFileSync(box.lockfile, '') },
};

for (const [state, spec] of Object.entries(STATES)) {
  test(`status agrees (library and generated SysV script) with the pid file ${state}`, async (t) => {
    const box = sandbox();
    mkdirSync(dirname(box.lockfile), { recursive: true });
    const lock = { IDENT_LOCKFILE: box.lockfile };
    if (spec.daemon) {
      const start = await box.act(['start'], { more: lock });
      assert.equal(start.code, 0, start.stderr);
    } else {
      mkdirSync(dirname(box.pidfile), { recursive: true });
    }
    await spec.setup(box);
    const callers = [['caller', undefined]];
    if (isRoot) callers.push(['nobody', NOBODY]);
    else t.diagnostic('only as the current user: running it as nobody too needs root');
    for (const [who, uid] of callers) {
      const library = await box.act(['status'], { uid, more: lock });
      const sysv = box.sysvStatus({ uid, lockfile: box.lockfile });
      const expected = uid === NOBODY && spec.asNobody !== undefined ? spec.asNobody : spec.expect;
      const label = `${state}, as ${who}`;
      assert.deepEqual(
        { code: sysv.code, stdout: sysv.stdout, stderr: sysv.stderr },
        { code: library.code, stdout: library.stdout, stderr: library.stderr },
        `${label}: the SysV script (actual) differs from the library (expected)`,
      );
      assert.equal(library.code, expected, `${label}: ${library.stdout}${library.stderr}`);
      if (expected === 4) assert.equal(library.stderr, spec.error(box), label);
    }
  });
}
