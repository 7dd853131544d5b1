// Security finding 5: the LSB lock file (`lockfile`, e.g. /var/lock/subsys/NAME) was
// created with mkdir -p and an open for append, following symbolic links: a user who
// made the missing directory under a world-writable /run/lock and planted NAME -> a
// path of its choice had root's start create that file. It now gets the pid file's
// protections (src/service/lockfile.ts).
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonsOf } from '../helpers/daemons.js';
import { SECRET, needsRoot, runFixture, securitySandboxes, shAsNobody } from './lib.js';

const sandbox = securitySandboxes('initgen-sec-lockfile-');

/** A sandbox with a root-owned 1777 directory, as /run/lock is. */
function withRunLock() {
  const box = sandbox();
  const runLock = join(box.dir, 'run-lock');
  mkdirSync(runLock);
  chmodSync(runLock, 0o1777);
  const target = join(box.dir, 'etc', 'nologin'); // where the attacker wants a root-made file
  mkdirSync(join(box.dir, 'etc'), { mode: 0o755 });
  return { box, runLock, target };
}

async function startRefused(box, lockfile, extra = {}) {
  const env = box.secEnv({ SEC_LOCKFILE: lockfile, ...extra });
  const start = await runFixture(['start'], { env });
  assert.equal(start.code, 4, `root start: ${start.stdout}${start.stderr}`);
  assert.match(start.stderr, /^fixture: refusing to create lock file .*\n$/);
  assert.deepEqual(daemonsOf(box), [], 'a refused start leaves no daemon');
  assert.equal(existsSync(box.pidfile), false);
  return start;
}

test('a user-made lock directory under a 1777 /run/lock holding NAME -> elsewhere: root start refuses (4), creates nothing', { skip: needsRoot, timeout: 120_000 }, async () => {
  const { box, runLock, target } = withRunLock();
  shAsNobody('mkdir "$1/subsys" && ln -s "$2" "$1/subsys/fixture"', runLock, target);
  const start = await startRefused(box, join(runLock, 'subsys', 'fixture'));
  assert.match(start.stderr, /directory .*subsys is writable by other users/);
  assert.equal(existsSync(target), false, `root's start created ${target} through nobody's symlink`);
});

test('a symlink planted at the lock file in the sticky directory itself: root start refuses (4), creates nothing', { skip: needsRoot, timeout: 120_000 }, async () => {
  const { box, runLock, target } = withRunLock();
  shAsNobody('ln -s "$2" "$1/fixture"', runLock, target);
  const start = await startRefused(box, join(runLock, 'fixture'));
  assert.match(start.stderr, /it is a symbolic link/);
  assert.equal(existsSync(target), false);
});

test('a symlinked lock directory (subsys -> a root directory) planted by a user: root start refuses (4), creates nothing', { skip: needsRoot, timeout: 120_000 }, async () => {
  const { box, runLock, target } = withRunLock();
  shAsNobody('ln -s "$2" "$1/subsys"', runLock, join(box.dir, 'etc'));
  const start = await startRefused(box, join(runLock, 'subsys', 'fixture'));
  assert.match(start.stderr, /subsys is a symbolic link owned by uid 65534/);
  assert.equal(existsSync(join(box.dir, 'etc', 'fixture')), false);
});

test('a symlink the service user plants at the lock file while starting: root refuses after ready and stops the daemon', { skip: needsRoot, timeout: 120_000 }, async () => {
  const { box, runLock } = withRunLock();
  const start = await startRefused(box, join(runLock, 'fixture'), { SEC_USER: 'nobody', SEC_BEHAVIOUR: 'plant-lockfile' });
  assert.match(start.stderr, /it is a symbolic link/);
  assert.equal(readFileSync(box.victim, 'utf8'), SECRET);
});

test('the lock file in a fresh directory under a 1777 /run/lock: created 0644 by root, removed by stop', { skip: needsRoot, timeout: 120_000 }, async () => {
  const { box, runLock } = withRunLock();
  const lockfile = join(runLock, 'subsys', 'fixture');
  const env = box.secEnv({ SEC_LOCKFILE: lockfile });
  const start = await runFixture(['start'], { env });
  assert.equal(start.code, 0, start.stderr);
  const dir = statSync(join(runLock, 'subsys'));
  assert.equal(dir.uid, 0);
  assert.equal(dir.mode & 0o777, 0o755);
  const file = lstatSync(lockfile);
  assert.ok(file.isFile());
  assert.equal(file.uid, 0);
  const stop = await runFixture(['stop'], { env });
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(existsSync(lockfile), false);
});
