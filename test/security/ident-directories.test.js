// Issue 10, finding 8 (docs/contract.md §2): as root, the pid file is written only
// into a directory no other user can write (an ACL granting write counts) and below
// ancestors no other user can swap; the daemon checks again where it writes, by
// descriptor. Issue 12: created directories get 0755 whatever the umask.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { waitFor } from '../helpers/service.js';
import { pauseDir, pauseEnv, pausedAt, release } from '../stress/lib.js';
import { IDENT_APP, NOBODY, identSandboxes, pidIn } from '../service/ident-helpers.js';

const sandbox = identSandboxes('initgen-dirs-');
const isRoot = process.getuid() === 0;
const notRoot = !isRoot && 'needs root: the checks apply to root only';
const hasSetfacl = spawnSync('setfacl', ['--version'], { stdio: 'ignore' }).status === 0;

/** `sh -c` as nobody, in dir. */
function asNobody(command, dir) {
  const r = spawnSync('sh', ['-c', command], { cwd: dir, uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

test('a pid directory whose ACL grants another user write: root start refuses (4) and starts nothing', { skip: notRoot || (!hasSetfacl && 'needs setfacl (Debian package acl)') }, async (t) => {
  const box = sandbox();
  const run = join(box.dir, 'run');
  mkdirSync(run, { mode: 0o755 });
  const acl = spawnSync('setfacl', ['-m', `u:${NOBODY}:rwx`, run], { encoding: 'utf8' });
  if (acl.status !== 0) return t.skip(`needs a file system with POSIX ACLs for ${box.dir}: ${acl.stderr.trim()}`);
  // nobody could now plant anything there, e.g. a pid file's hard link or its record
  asNobody('touch planted && rm planted', run);
  const start = await box.act(['start']);
  assert.equal(start.code, 4, start.stdout);
  assert.equal(start.stderr, `ident-app: refusing to write pid file ${box.pidfile}: directory ${run} is writable by other users (group or other write bit, or an ACL granting write)\n`);
  assert.deepEqual(box.processes(), []);
});

test('an ancestor another user owns (it could swap the pid directory): root start refuses (4) naming it', { skip: notRoot }, async () => {
  const box = sandbox();
  const parent = join(box.dir, 'users');
  mkdirSync(join(parent, 'run'), { recursive: true, mode: 0o755 });
  chownSync(parent, NOBODY, NOBODY);
  const pidfile = join(parent, 'run', 'ident-app.pid');
  const start = await box.act(['start'], { more: { IDENT_PIDFILE: pidfile } });
  assert.equal(start.code, 4, start.stdout);
  // the lock file beside the pid file is checked first, by the same rule
  assert.match(start.stderr, new RegExp(`^ident-app: refusing to (write pid file|use lock file) ${pidfile}(\\.lock)?: directory ${parent} is (owned by uid ${NOBODY}|writable by other users)\n$`));
  assert.ok(!existsSync(pidfile));
});

test('the swap race: nobody renames the checked pid directory away and puts its own in place before the daemon publishes; root writes nothing into it', { skip: notRoot }, async () => {
  const box = sandbox();
  const parent = join(box.dir, 'users');
  const run = join(parent, 'run');
  mkdirSync(run, { recursive: true, mode: 0o755 });
  chownSync(parent, NOBODY, NOBODY); // nobody may rename entries of `users`, not write in `run`
  const pidfile = join(run, 'ident-app.pid');
  const dir = pauseDir();
  const controller = spawn(process.execPath, [IDENT_APP, 'start'], {
    env: box.identEnv({ IDENT_PIDFILE: pidfile, ...pauseEnv(dir, 'after-spawn') }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  controller.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => controller.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  // the daemon exists, its pid file is not written yet (or the controller refused first)
  const paused = await waitFor(() => done || pausedAt(dir, 'after-spawn'), 'the daemon to pause or start to end');
  if (paused !== true) {
    asNobody('mv run run.checked && mkdir run && chmod 777 run', parent);
    release(dir, 'after-spawn');
  }
  const code = await exited;
  rmSync(dir, { recursive: true, force: true });
  const owned = existsSync(run) ? readdirSync(run).filter((name) => statSync(join(run, name)).uid === 0) : [];
  if (existsSync(join(parent, 'run.checked'))) renameSync(join(parent, 'run.checked'), join(parent, 'run.old'));
  assert.deepEqual(owned, [], "root wrote into the directory nobody swapped in");
  assert.equal(code, 4, stderr);
  assert.deepEqual(box.processes(), []);
});

test('the daemon checks again where it writes: publishPidfile as root refuses a directory below another user\'s', { skip: notRoot }, async () => {
  const { publishPidfile } = await import('../../dist/service/pidfile.js');
  const box = sandbox();
  const parent = join(box.dir, 'users');
  mkdirSync(join(parent, 'run'), { recursive: true, mode: 0o755 });
  chownSync(parent, NOBODY, NOBODY);
  const pidfile = join(parent, 'run', 'x.pid');
  assert.throws(() => publishPidfile(pidfile, process.pid), (error) => error.outcome === 'insufficientPrivilege' && /is owned by uid 65534/.test(error.message));
  assert.deepEqual(readdirSync(join(parent, 'run')), [], 'no file, no temporary file');
});

test('a symbolic link in a trusted directory is followed (as /var/run → /run); the files land in its target', { skip: notRoot }, async () => {
  const box = sandbox();
  mkdirSync(join(box.dir, 'real'), { mode: 0o755 });
  symlinkSync('real', join(box.dir, 'link'));
  const pidfile = join(box.dir, 'link', 'ident-app.pid');
  const start = await box.act(['start'], { more: { IDENT_PIDFILE: pidfile } });
  assert.equal(start.code, 0, start.stderr);
  assert.ok(existsSync(join(box.dir, 'real', 'ident-app.pid')) && existsSync(join(box.dir, 'real', 'ident-app.pid.id')));
  assert.equal((await box.act(['stop'], { more: { IDENT_PIDFILE: pidfile } })).code, 0);
});

test('under umask 077, start creates the pid directory 0755 and the pid file and record 0644 (contract §2)', async () => {
  const box = sandbox();
  const pidfile = join(box.dir, 'run', 'deeper', 'ident-app.pid');
  const r = spawnSync('sh', ['-c', 'umask 077 && exec "$@"', 'sh', process.execPath, IDENT_APP, 'start'], { env: box.identEnv({ IDENT_PIDFILE: pidfile }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const mode = (path) => (statSync(path).mode & 0o7777).toString(8);
  assert.deepEqual(
    [mode(join(box.dir, 'run')), mode(join(box.dir, 'run', 'deeper')), mode(pidfile), mode(`${pidfile}.id`)],
    ['755', '755', '644', '644'],
  );
  assert.ok(pidIn(pidfile));
  assert.equal((await box.act(['stop'], { more: { IDENT_PIDFILE: pidfile } })).code, 0);
});
