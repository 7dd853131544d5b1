// Issue 14, admin overrides for systemd: the unit reads /etc/default/NAME and
// /etc/sysconfig/NAME as optional EnvironmentFile= (systemd reads them itself, as
// root; the manager's clean environment is D2 already), after the config's Environment=.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));

test('systemd: the unit names /etc/default/NAME and /etc/sysconfig/NAME as optional EnvironmentFile=, after the config\'s Environment=, and systemd-analyze accepts it', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'initgen-ops-unit-'));
  after(() => rmSync(work, { recursive: true, force: true }));
  writeFileSync(join(work, 'initgen.json'), JSON.stringify({ name: 'opsunit', script: '/opt/opsunit/app.js', env: { PORT: '1' } }));
  const r = spawnSync(process.execPath, [CLI, '--target', 'systemd', '--config', join(work, 'initgen.json'), '--stdout'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const at = (line) => lines.indexOf(line);
  const environment = lines.findIndex((line) => /^Environment="?PORT=1"?$/.test(line));
  assert.ok(environment >= 0, r.stdout);
  assert.ok(at('EnvironmentFile=-/etc/default/opsunit') > environment, r.stdout);
  assert.ok(at('EnvironmentFile=-/etc/sysconfig/opsunit') > at('EnvironmentFile=-/etc/default/opsunit'));
  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  if (analyze.status !== 0) return t.skip('needs systemd-analyze (Debian package systemd)');
  const unit = join(work, 'opsunit.service');
  writeFileSync(unit, r.stdout.replace('/opt/opsunit/app.js', process.argv[1]).replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
  const verify = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8' });
  assert.doesNotMatch(verify.stderr, /EnvironmentFile/, verify.stderr);
});
