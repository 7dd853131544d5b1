// runit target (contract §5): ./run, ./log/run and env/ for runsv, checked with
// runit.sh and run under a real runsv.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCase } from '../golden/harness.js';
import { serviceDirSuite } from './service-dir-suite.js';
import { render, runsv } from './supervise-harness.js';

serviceDirSuite('runit', { supervisor: runsv, root: 'etc/sv', canSetGroup: true, supervisorTools: ['runsv', 'sv', 'svlogd', 'chpst', 'env'] });

test('contract §5: runit: env -i, then one chpst sets env/, user:group and nice; ulimit sets the open-file limit', async () => {
  const { files } = await render('runit', await loadCase('full'));
  const run = files.find((f) => f.outPath === 'hello/run').content;
  assert.match(run, /\nexec env -i PATH=\/usr\/local\/sbin:\/usr\/local\/bin:\/usr\/sbin:\/usr\/bin:\/sbin:\/bin chpst -e "\$svdir\/env" -u daemon:daemon -n 5 \/usr\/bin\/node \/opt\/hello\/app\.js run -- --port 8080 --verbose\n/);
  assert.match(run, /\numask 027\ncd \/opt\/hello \|\| exit\n.*\nulimit -n 65536 \|\| exit\n/);
  assert.match(files.find((f) => f.outPath === 'hello/log/run').content, /\nexec chpst -u daemon:daemon svlogd -tt "\$dir"\n/);
});

test('contract §5: runit: a group without a user is chpst -u root:GROUP', async () => {
  const { files } = await render('runit', { name: 'x', script: '/x.js', group: 'staff' });
  assert.match(files.find((f) => f.outPath === 'x/run').content, / chpst -u root:staff /);
});
