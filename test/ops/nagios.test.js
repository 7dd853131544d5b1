// docs/monitoring.md's Nagios block, as published, under Nagios Core 4: `nagios4 -v`
// accepts it, and Nagios running on it records `check`'s state and parses its
// perfdata: CRITICAL "not running" for a stopped service, OK with uptime and rss once
// it runs. Nagios drops to nagios_user before it runs a check, so that user (Debian's
// nagios4-common creates `nagios`) must reach the service's pid file: the default 0644
// gives it, once the test's private directory lets it in.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { missingReason, which } from '../formats/lib.js';
import { isAlive, killHard, waitFor } from '../helpers/service.js';
import { monitoringAccount, monitoringBlock, opsBox, serviceCommand } from './lib.js';

const NAGIOS = which('nagios4');
// As root Nagios setuid()s to nagios_user; as anyone else it runs as that user.
const account = monitoringAccount('nagios');
const skip = (!NAGIOS && missingReason(['nagios4'])) || (!account && 'needs the nagios user (Debian package nagios4-common)');

// The smallest world the published block needs: its generic-service template, the
// localhost host, a time period and a contact that is never notified. Intervals are
// in seconds (interval_length=1) and checks start at once (delay method n).
function objects(block) {
  return `define timeperiod {
    timeperiod_name 24x7
    alias           always
    sunday          00:00-24:00
    monday          00:00-24:00
    tuesday         00:00-24:00
    wednesday       00:00-24:00
    thursday        00:00-24:00
    friday          00:00-24:00
    saturday        00:00-24:00
}
define command {
    command_name    check_true
    command_line    /bin/true
}
define contact {
    contact_name                    nobody
    host_notifications_enabled      0
    service_notifications_enabled   0
    host_notification_period        24x7
    service_notification_period     24x7
    host_notification_options       n
    service_notification_options    n
    host_notification_commands      check_true
    service_notification_commands   check_true
}
define host {
    host_name           localhost
    address             127.0.0.1
    check_command       check_true
    max_check_attempts  1
    check_interval      1
    check_period        24x7
    contacts            nobody
}
define service {
    name                generic-service
    register            0
    max_check_attempts  1
    check_interval      1
    retry_interval      1
    check_period        24x7
    notification_period 24x7
    contacts            nobody
}
${block}`;
}

function mainConfig(dir) {
  return [
    `log_file=${dir}/nagios.log`,
    `cfg_file=${dir}/objects.cfg`,
    `status_file=${dir}/status.dat`,
    `object_cache_file=${dir}/objects.cache`,
    `precached_object_file=${dir}/objects.precache`,
    `temp_file=${dir}/nagios.tmp`,
    `temp_path=${dir}`,
    `lock_file=${dir}/nagios.lock`,
    `check_result_path=${dir}/checkresults`,
    `state_retention_file=${dir}/retention.dat`,
    `query_socket=${dir}/nagios.qh`,
    'retain_state_information=0',
    'check_external_commands=0',
    `nagios_user=${account.user}`,
    `nagios_group=${account.group}`,
    'status_update_interval=1',
    'interval_length=1',
    'service_inter_check_delay_method=n',
    'host_inter_check_delay_method=n',
    'enable_notifications=0',
    'use_syslog=0',
    'illegal_macro_output_chars=`~$&|\'"<>',
    '',
  ].join('\n');
}

/** The hello service's entry of status.dat: { current_state, plugin_output, performance_data, ... }. */
function serviceStatus(statusFile) {
  let text;
  try {
    text = readFileSync(statusFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const block of text.matchAll(/servicestatus \{\n([\s\S]*?)\n\s*\}/g)) {
    const fields = Object.fromEntries(block[1].split('\n').map((l) => l.trim().split(/=(.*)/s).slice(0, 2)));
    if (fields.service_description === 'hello') return fields;
  }
  return undefined;
}

test('the Nagios block of docs/monitoring.md: nagios4 -v accepts it and Nagios records check\'s state and perfdata', { skip }, async (t) => {
  const box = opsBox();
  const block = monitoringBlock('nagios');
  assert.match(block, /\/usr\/bin\/node \/opt\/hello\/app\.js check/);
  // Nagios's own files: a directory its user owns, inside the box.
  const dir = join(box.dir, 'nagios');
  mkdirSync(join(dir, 'checkresults'), { recursive: true });
  writeFileSync(join(dir, 'objects.cfg'), objects(block.replaceAll('/usr/bin/node /opt/hello/app.js', serviceCommand(box))));
  writeFileSync(join(dir, 'nagios.cfg'), mainConfig(dir));
  for (const path of [dir, join(dir, 'checkresults'), join(dir, 'objects.cfg'), join(dir, 'nagios.cfg')]) chownSync(path, account.uid, account.gid);
  chmodSync(box.dir, 0o755); // the check, as nagios_user, reads the pid file below it

  const verify = spawnSync(NAGIOS, ['-v', join(dir, 'nagios.cfg')], { encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /Total Warnings: 0\n\s*Total Errors:\s+0/);

  // In the foreground and leading its own group, so its check workers end with it.
  const nagios = spawn(NAGIOS, [join(dir, 'nagios.cfg')], { stdio: 'ignore', detached: true, env: { PATH: process.env.PATH } });
  t.after(() => {
    if (isAlive(nagios.pid)) killHard(nagios.pid);
  });
  const statusFile = join(dir, 'status.dat');
  const stopped = await waitFor(() => {
    const s = serviceStatus(statusFile);
    return s?.has_been_checked === '1' && s;
  }, 'Nagios to check the stopped service', 30_000);
  assert.equal(stopped.current_state, '2', JSON.stringify(stopped));
  assert.equal(stopped.plugin_output, 'opsapp CRITICAL - not running');
  assert.equal(stopped.performance_data, '');

  assert.equal((await box.run(['start'])).code, 0);
  const running = await waitFor(() => {
    const s = serviceStatus(statusFile);
    return s?.current_state === '0' && s;
  }, 'Nagios to see the service OK', 30_000);
  assert.match(running.plugin_output, /^opsapp OK - running \(pid \d+\), up /);
  assert.match(running.performance_data, /^uptime=\d+s;;;0; rss=\d+B;209715200;524288000;0;$/);
  const log = existsSync(join(dir, 'nagios.log')) ? readFileSync(join(dir, 'nagios.log'), 'utf8') : '';
  assert.match(log, /SERVICE ALERT: localhost;hello;CRITICAL;HARD;1;opsapp CRITICAL - not running/);
  assert.match(log, /SERVICE ALERT: localhost;hello;OK;HARD;1;opsapp OK - running/);
  t.diagnostic(`status.dat: plugin_output=${running.plugin_output} performance_data=${running.performance_data}`);
  t.diagnostic(log.split('\n').filter((l) => /SERVICE ALERT/.test(l)).join(' / '));

  process.kill(nagios.pid, 'SIGTERM');
  await waitFor(() => nagios.exitCode !== null || nagios.signalCode !== null, 'Nagios to shut down', 30_000);
  assert.equal((await box.run(['stop'])).code, 0);
});
