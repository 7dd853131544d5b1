// daemontools target (contract §5): ./run, ./log/run and env/ for supervise, checked
// with daemontools.sh and run under a real svscan.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { loadCase } from '../golden/harness.js';
import { serviceDirSuite } from './service-dir-suite.js';
import { exited, render, waitFor } from './supervise-harness.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const supervised = (dir) => spawnSync('svok', [dir]).status === 0;

// svscan, not supervise alone: only svscan pipes ./run into ./log/run
const svscan = {
  up: (svc, { env = {}, stderr = 'ignore' } = {}) =>
    spawn('svscan', [dirname(svc)], { cwd: dirname(svc), stdio: ['ignore', 'ignore', stderr], env: { PATH, ...env } }),
  async down(svc, child) {
    spawnSync('svc', ['-dx', svc]);
    spawnSync('svc', ['-dx', `${svc}/log`]);
    await waitFor(() => !supervised(svc) && !supervised(`${svc}/log`), 'supervise to exit', 10000).catch(() => {});
    if (child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    await exited(child);
  },
};

serviceDirSuite('daemontools', { supervisor: svscan, root: 'etc/service', canSetGroup: false, supervisorTools: ['svscan', 'supervise', 'svc', 'svok', 'multilog', 'setuidgid', 'envdir', 'env'] });

test('contract §5: daemontools: env -i, envdir, nice and setuidgid chain into the program; ulimit sets the open-file limit', async () => {
  const { files, warnings } = await render('daemontools', await loadCase('full'));
  const run = files.find((f) => f.outPath === 'hello/run').content;
  assert.match(run, /\nexec env -i PATH=\/usr\/local\/sbin:\/usr\/local\/bin:\/usr\/sbin:\/usr\/bin:\/sbin:\/bin envdir "\$svdir\/env" nice -n 5 setuidgid daemon \/usr\/bin\/node \/opt\/hello\/app\.js run -- --port 8080 --verbose\n/);
  assert.match(run, /\nulimit -n 65536 \|\| exit\n/);
  assert.match(files.find((f) => f.outPath === 'hello/log/run').content, /\nexec setuidgid daemon multilog t "\$dir"\n/);
  // setuidgid always takes the user's primary group
  assert.ok(warnings.some((w) => w.field === 'group'));
});
