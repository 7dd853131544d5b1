// Issue 4.7, contract §2: an unprivileged user who can write where the pid file
// or log file live cannot make root's start write through a symlink it planted,
// nor make root's stop signal a process it names.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { daemonsOf, sandboxes } from '../helpers/daemons.js';
import { isAlive, runAction, waitFor } from '../helpers/service.js';
import { isRoot, record, snapshot } from './lib.js';

const NOBODY = 65534;
const skip = !isRoot && 'needs root: the attacks are on a root start/stop by another user';
const { fixture: script } = snapshot();
const figures = {};
const sandbox = sandboxes('initgen-stress-');
after(() => record('privilege', figures));

/** A sandbox whose `dir` (run or log) belongs to nobody, and a root-only victim file. */
function attackable(dir) {
  const box = sandbox();
  chmodSync(box.dir, 0o755);
  for (const d of ['run', 'log']) mkdirSync(join(box.dir, d), { mode: 0o755 });
  chownSync(join(box.dir, dir), NOBODY, NOBODY);
  const victim = join(box.dir, 'victim');
  writeFileSync(victim, 'root only\n', { mode: 0o600 });
  return { box, victim };
}

test('a symlink planted at the pid file: root start refuses (4) and writes nothing through it (contract §2)', { skip }, async () => {
  const { box, victim } = attackable('run');
  symlinkSync(victim, box.pidfile);
  const start = await runAction(['start'], { env: box.env(), script });
  figures.pidSymlink = { start: start.code, victimUnchanged: readFileSync(victim, 'utf8') === 'root only\n', daemons: daemonsOf(box).length };
  assert.equal(start.code, 4, start.stdout);
  assert.match(start.stderr, /refusing to (write pid file|use lock file .*: directory .* is writable by other users)/);
  assert.ok(figures.pidSymlink.victimUnchanged);
  assert.equal(figures.pidSymlink.daemons, 0);
});

test('a symlink planted at the log file: root start writes nothing through it (contract §2, §3)', { skip }, async () => {
  const { box, victim } = attackable('log');
  symlinkSync(victim, box.logfile);
  const start = await runAction(['start'], { env: box.env(), script });
  figures.logSymlink = { start: start.code, victimUnchanged: readFileSync(victim, 'utf8') === 'root only\n', error: start.stderr.split('\n')[0] };
  await runAction(['stop'], { env: box.env(), script });
  assert.ok(figures.logSymlink.victimUnchanged, `root's start appended to ${victim} through nobody's symlink`);
  assert.equal(start.code, 4, start.stdout);
});

test("a pid file another user can write: root stop and reload signal nothing it names (contract §2)", { skip }, async () => {
  const { box } = attackable('run');
  // a root process whose argv holds the service's script, as an admin's `logs -f` does
  const bystander = spawn(process.execPath, [script, 'logs', '-f'], { env: box.env(), stdio: 'ignore', detached: true });
  bystander.unref();
  sandbox.track(bystander.pid);
  await waitFor(() => isAlive(bystander.pid) && readFileSync(`/proc/${bystander.pid}/cmdline`, 'utf8').includes(script), 'the bystander');
  writeFileSync(box.pidfile, `${bystander.pid}\n`);
  // with a record that names the bystander's true start time, so only the owner check stops root
  const stat = readFileSync(`/proc/${bystander.pid}/stat`, 'latin1');
  writeFileSync(`${box.pidfile}.id`, `${bystander.pid} ${stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]}\n`);
  chownSync(box.pidfile, NOBODY, NOBODY); // as if nobody had written them
  chownSync(`${box.pidfile}.id`, NOBODY, NOBODY);
  const reload = await runAction(['reload'], { env: box.env(), script });
  const stop = await runAction(['stop'], { env: box.env(), script });
  figures.pidfileByOtherUser = { reload: reload.code, stop: stop.code, bystanderAlive: isAlive(bystander.pid), error: stop.stderr.trim() };
  assert.ok(isAlive(bystander.pid), "root's stop killed a process named in a pid file another user wrote");
  assert.equal(stop.code, 4, stop.stdout);
  assert.equal(reload.code, 4, reload.stdout);
  assert.match(stop.stderr, /refusing to (signal|use lock file .*: directory .* is writable by other users)/);
});
