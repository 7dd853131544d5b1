// docs/monitoring.md's monit block, as published: `monit -t` accepts it, and monit
// running on it reads `check`'s exit status: 2 (CRITICAL) for a stopped service, 0 once
// it runs. monit writes each state change to its log: the test waits for those lines.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlive, killHard, waitFor } from '../helpers/service.js';
import { hasCommand, monitoringBlock, opsBox, serviceCommand } from './lib.js';

const skip = !hasCommand('monit') && 'needs monit (Debian package monit)';

test('the monit block of docs/monitoring.md: monit -t accepts it and monit reads check\'s exit status', { skip }, async (t) => {
  const box = opsBox();
  const block = monitoringBlock('monit');
  assert.match(block, /\/usr\/bin\/node \/opt\/hello\/app\.js check/);
  // The published command, pointed at this test's service and its paths.
  const command = serviceCommand(box);
  const log = join(box.dir, 'monit.log');
  const rc = join(box.dir, 'monitrc');
  writeFileSync(
    rc,
    [
      'set daemon 1',
      `set pidfile ${join(box.dir, 'monit.pid')}`,
      `set idfile ${join(box.dir, 'monit.id')}`,
      `set statefile ${join(box.dir, 'monit.state')}`,
      `set logfile ${log}`,
      block.replaceAll('/usr/bin/node /opt/hello/app.js', command),
    ].join('\n'),
  );
  chmodSync(rc, 0o600); // monit refuses a control file others can read
  const syntax = spawnSync('monit', ['-t', '-c', rc], { encoding: 'utf8' });
  assert.equal(syntax.status, 0, syntax.stdout + syntax.stderr);
  assert.match(syntax.stdout, /Control file syntax OK/);

  const monit = spawn('monit', ['-I', '-c', rc], { stdio: 'ignore' });
  t.after(() => {
    if (isAlive(monit.pid)) killHard(monit.pid);
  });
  const logText = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  await waitFor(() => /'hello' status failed \(2\) -- opsapp CRITICAL - not running/.test(logText()), 'monit to see CRITICAL (2)', 30_000);
  assert.equal((await box.run(['start'])).code, 0);
  await waitFor(() => /'hello' status succeeded \(0\) -- opsapp OK - running/.test(logText()), 'monit to see OK (0)', 30_000);
  t.diagnostic(logText().split('\n').filter((l) => /'hello'/.test(l)).join(' / '));
  monit.kill('SIGTERM');
  assert.equal((await box.run(['stop'])).code, 0);
});
