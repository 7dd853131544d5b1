// Issue 14: the generated SysV script hands `status --json`, `check`, `metrics` and
// `configtest` to node with its own settings (the config's pid file, not the program's
// default), so a monitor can run /etc/init.d/NAME check. The plain `status` stays
// built-ins. Real script, real daemon, in a temp dir.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isAlive, killHard } from '../helpers/service.js';
import { APP, run } from './lib.js';

const CLI = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));

test('SysV: status --json, check, metrics and configtest reach node with the config\'s settings', async () => {
  const work = mkdtempSync(join(tmpdir(), 'initgen-ops-sysv-'));
  chmodSync(work, 0o755);
  const name = `initgen-opsv-${process.pid}`;
  const pidfile = join(work, 'run', `${name}.pid`);
  after(() => {
    const pid = existsSync(pidfile) ? Number(readFileSync(pidfile, 'utf8')) : 0;
    if (pid && isAlive(pid)) killHard(pid);
    rmSync(work, { recursive: true, force: true });
  });
  const config = { name, script: APP, node: process.execPath, pidfile, logfile: join(work, 'log', `${name}.log`) };
  writeFileSync(join(work, 'initgen.json'), JSON.stringify(config));
  const r = spawnSync(process.execPath, [CLI, '--target', 'sysv', '--config', join(work, 'initgen.json'), '--out', join(work, 'out')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const script = join(work, 'out', name);
  const sh = (...args) => run('sh', [script, ...args], { env: { PATH: process.env.PATH } });

  const stopped = await sh('check');
  assert.equal(stopped.code, 2, stopped.stdout + stopped.stderr);
  assert.equal(stopped.stdout, `${name} CRITICAL - not running\n`);
  assert.equal((await sh('start')).code, 0);
  const pid = Number(readFileSync(pidfile, 'utf8'));
  const ok = await sh('check', '--crit-rss', '4G');
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, new RegExp(`^${name} OK - running \\(pid ${pid}\\)`));
  const json = await sh('status', '--json');
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual([JSON.parse(json.stdout).pid, JSON.parse(json.stdout).pidfile], [pid, pidfile]);
  const metrics = await sh('metrics');
  assert.equal(metrics.code, 0);
  assert.match(metrics.stdout, new RegExp(`^initgen_up\\{service="${name}"\\} 1$`, 'm'));
  const configtest = await sh('configtest');
  assert.equal(configtest.code, 0, configtest.stderr);
  assert.equal((await sh('status')).code, 0);
  assert.equal((await sh('status', '--other')).code, 2, 'only --json goes to node');
  assert.equal((await sh('stop')).code, 0);
  assert.equal((await sh('status', '--json')).code, 3);
});
