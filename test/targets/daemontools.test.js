// daemontools target (contract §5): ./run, ./log/run and env/ for supervise, checked
// with daemontools.sh and run under a real svscan.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCase } from '../golden/harness.js';
import { serviceDirSuite } from './service-dir-suite.js';
import { render, svscan } from './supervise-harness.js';

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
