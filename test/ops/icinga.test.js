// docs/monitoring.md's Icinga 2 block, as published, under Icinga 2: `icinga2 daemon -C`
// validates it, and the daemon running on it schedules `check` and records its state,
// output and parsed perfdata: CRITICAL "not running" for a stopped service, OK with
// uptime and rss once it runs. What Icinga recorded is read from its PerfdataWriter's
// files (the format Graphite/PNP feeders consume). As root Icinga drops to RunAsUser
// (Debian's is `nagios`), so that user must reach the service's pid file.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { missingReason, which } from '../formats/lib.js';
import { isAlive, killHard, waitFor } from '../helpers/service.js';
import { monitoredApp, monitoringAccount, monitoringBlock, opsBox } from './lib.js';

const ICINGA = which('icinga2');
const account = monitoringAccount('nagios');
const skip = (!ICINGA && missingReason(['icinga2'])) || (!account && 'needs the nagios user (Debian package icinga2-common)');
const DIRS = ['lib', 'log', 'cache', 'spool', 'run', 'perfdata'];

// What the published block leaves to the site: NodeName, a host of that name, a checker,
// and (test only) intervals of a second through a default template, so the first
// check comes at once. The PerfdataWriter rotates its file every second; each rotated
// file holds one line per check result.
function config(dir, block) {
  const perf = join(dir, 'perfdata');
  return `const NodeName = "localhost"
object CheckerComponent "checker" { }
object PerfdataWriter "perfdata" {
  service_perfdata_path = "${perf}/service"
  service_temp_path = "${perf}/service.tmp"
  host_perfdata_path = "${perf}/host"
  host_temp_path = "${perf}/host.tmp"
  rotation_interval = 1s
  service_format_template = "SERVICEDESC::$service.name$\\tSERVICESTATE::$service.state$\\tSERVICEOUTPUT::$service.output$\\tSERVICEPERFDATA::$service.perfdata$"
}
object CheckCommand "true" {
  command = [ "/bin/true" ]
}
object Host NodeName {
  check_command = "true"
}
template Service "test-intervals" default {
  check_interval = 1s
  retry_interval = 1s
}
${block}`;
}

/** The check results Icinga wrote for the hello service, oldest first: [{ state, output, perfdata }]. */
function results(dir) {
  const perf = join(dir, 'perfdata');
  let names;
  try {
    names = readdirSync(perf).filter((n) => /^service\.\d+$/.test(n)).sort();
  } catch {
    return [];
  }
  return names
    .flatMap((n) => readFileSync(join(perf, n), 'utf8').split('\n'))
    .map((line) => Object.fromEntries(line.split('\t').map((f) => f.split(/::(.*)/s).slice(0, 2))))
    .filter((r) => r.SERVICEDESC === 'hello')
    .map((r) => ({ state: r.SERVICESTATE, output: r.SERVICEOUTPUT.trim(), perfdata: r.SERVICEPERFDATA }));
}

test('the Icinga 2 block of docs/monitoring.md: icinga2 daemon -C validates it and Icinga records check\'s state and perfdata', { skip }, async (t) => {
  const box = opsBox();
  const block = monitoringBlock('icinga2');
  const published = '"/usr/bin/node", "/opt/hello/app.js"';
  assert.ok(block.includes(published), block);
  const ours = ['/usr/bin/env', `OPS_PIDFILE=${box.pidfile}`, `OPS_LOGFILE=${box.logfile}`, process.execPath, monitoredApp()].map((a) => JSON.stringify(a)).join(', ');
  const dir = join(box.dir, 'icinga2');
  for (const sub of ['', ...DIRS]) {
    mkdirSync(join(dir, sub), { recursive: true });
    chownSync(join(dir, sub), account.uid, account.gid);
  }
  const file = join(dir, 'icinga2.conf');
  writeFileSync(file, config(dir, block.replace(published, ours)));
  chmodSync(box.dir, 0o755); // the check, as RunAsUser, reads the pid file below it
  const args = [
    '-c', file,
    `-DDataDir=${dir}/lib`, `-DStateDir=${dir}/lib`, `-DLogDir=${dir}/log`, `-DCacheDir=${dir}/cache`,
    `-DSpoolDir=${dir}/spool`, `-DInitRunDir=${dir}/run`, `-DPidPath=${dir}/run/icinga2.pid`,
    `-DRunAsUser=${account.user}`, `-DRunAsGroup=${account.group}`,
  ];

  const validate = spawnSync(ICINGA, ['daemon', '-C', ...args], { encoding: 'utf8' });
  assert.equal(validate.status, 0, validate.stdout + validate.stderr);
  assert.match(validate.stdout, /Finished validating the configuration file/);
  assert.doesNotMatch(validate.stdout, /warning\//);

  // In the foreground and leading its own group, so the process it forks ends with it.
  const icinga = spawn(ICINGA, ['daemon', ...args], { stdio: 'ignore', detached: true, env: { PATH: process.env.PATH } });
  t.after(() => {
    if (isAlive(icinga.pid)) killHard(icinga.pid);
  });
  const stopped = await waitFor(() => results(dir)[0], 'Icinga to check the stopped service', 30_000);
  assert.deepEqual(stopped, { state: 'CRITICAL', output: 'opsapp CRITICAL - not running', perfdata: '' });

  assert.equal((await box.run(['start'])).code, 0);
  const running = await waitFor(() => results(dir).find((r) => r.state === 'OK'), 'Icinga to see the service OK', 30_000);
  assert.match(running.output, /^opsapp OK - running \(pid \d+\), up /);
  // Icinga parses the perfdata and writes it back in its own normal form.
  assert.match(running.perfdata, /^uptime=\d+s;;;0; rss=\d+B;209715200;524288000;0;$/);
  t.diagnostic(`stopped: ${JSON.stringify(stopped)} / running: ${JSON.stringify(running)}`);

  process.kill(icinga.pid, 'SIGTERM');
  await waitFor(() => icinga.exitCode !== null || icinga.signalCode !== null, 'Icinga to shut down', 30_000);
  assert.equal((await box.run(['stop'])).code, 0);
});
