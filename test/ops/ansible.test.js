// examples/ansible (issue 14, fleet): the playbook run for real against this host
// (`-c local -i localhost,`): it installs examples/hello as a SysV service, the
// service answers, a second run changes nothing (changed=0), `--check` finds no
// drift, a changed port is drift that `--check` reports (and leaves alone), and
// remove.yml takes it all away. A unique service name, port and directories per run.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isAlive, killHard, waitFor } from '../helpers/service.js';
import { hasCommand, isRoot, run } from './lib.js';
import { freePort } from '../helpers/free-port.js';

const DIR = fileURLToPath(new URL('../../examples/ansible/', import.meta.url));
const skip =
  (!isRoot && 'needs root: the playbook installs a SysV service') ||
  (!hasCommand('ansible-playbook') && 'needs ansible-playbook (Debian package ansible-core)') ||
  (!hasCommand('update-rc.d') && 'needs update-rc.d (Debian package init-system-helpers)') ||
  false;

/** PLAY RECAP's counters for the one host. */
function recap(output) {
  const line = /^localhost\s+:\s+(.*)$/m.exec(output);
  assert.ok(line, output);
  return { line: line[0].replace(/\s+/g, ' '), ...Object.fromEntries([...line[1].matchAll(/(\w+)=(\d+)/g)].map(([, k, v]) => [k, Number(v)])) };
}

test('examples/ansible: installs hello, idempotent on the second run, --check as the drift test, remove.yml cleans up', { skip, timeout: 600_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'initgen-ansible-'));
  chmodSync(work, 0o755); // the service user (nobody) reaches its cwd inside
  const name = `initgen-ans-${process.pid}`;
  const pidfile = join(work, 'run', `${name}.pid`);
  const vars = {
    service_name: name,
    service_user: 'nobody',
    service_group: 'nogroup',
    manage_user: false,
    app_dir: join(work, 'app'),
    node: process.execPath,
    hello_port: await freePort(),
    pidfile,
    logfile: join(work, 'log', `${name}.log`),
  };
  const playbook = (file, extra = {}, ...flags) =>
    run('ansible-playbook', ['-c', 'local', '-i', 'localhost,', '-e', JSON.stringify({ ...vars, ...extra }), ...flags, join(DIR, file)], {
      env: { PATH: process.env.PATH, HOME: work, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(work, '.ansible-tmp'), ANSIBLE_REMOTE_TEMP: join(work, '.ansible-tmp'), LANG: 'C.UTF-8' },
      cwd: DIR,
    });
  after(async () => {
    // whatever happened above: no service, script or boot link left behind
    await playbook('remove.yml');
    const pid = Number(existsSync(pidfile) ? readFileSync(pidfile, 'utf8') : 0);
    if (pid && isAlive(pid)) killHard(pid);
  });
  const get = () => fetch(`http://127.0.0.1:${vars.hello_port}/`).then((r) => r.text(), () => undefined);
  const recaps = {};

  const first = await playbook('site.yml');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  recaps.first = recap(first.stdout);
  assert.ok(recaps.first.changed > 0);
  assert.equal(recaps.first.failed, 0);
  await waitFor(async () => (await get()) === 'hello\n', 'hello to answer on its port');
  assert.ok(existsSync(`/etc/init.d/${name}`));
  const status = await run(`/etc/init.d/${name}`, ['status']);
  assert.equal(status.code, 0, status.stdout + status.stderr);

  const second = await playbook('site.yml');
  assert.equal(second.code, 0, second.stdout + second.stderr);
  recaps.second = recap(second.stdout);
  assert.equal(recaps.second.changed, 0, second.stdout);

  const check = await playbook('site.yml', {}, '--check');
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.equal(recap(check.stdout).changed, 0, 'no drift');

  // drift: the config on the host no longer matches what the playbook says
  const moved = await freePort();
  const drift = await playbook('site.yml', { hello_port: moved }, '--check');
  assert.equal(drift.code, 0, drift.stdout + drift.stderr);
  assert.ok(recap(drift.stdout).changed > 0, 'a changed port is drift');
  assert.equal(await get(), 'hello\n', '--check changed nothing');

  const removed = await playbook('remove.yml');
  assert.equal(removed.code, 0, removed.stdout + removed.stderr);
  recaps.remove = recap(removed.stdout);
  assert.equal(existsSync(`/etc/init.d/${name}`), false);
  assert.equal(existsSync(pidfile), false);
  await waitFor(async () => (await get()) === undefined, 'hello to stop answering');
  t.diagnostic(JSON.stringify(recaps));
});
