// Issue 14, monitoring: `status --json` (docs/monitoring.md schema), `metrics`, and
// `check` against the Monitoring Plugins development guidelines, on real daemons.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chmodSync, readFileSync } from 'node:fs';
import { APP, isRoot, opsBox, run } from './lib.js';
import { readablePath } from '../helpers/readable-tree.js';

const NOBODY = 65534;

const packageVersion = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
const FIELDS = ['format', 'name', 'status', 'pid', 'startedAt', 'uptimeSeconds', 'rssBytes', 'pidfile', 'logfile', 'version', 'error'];

/**
 * The plugin output grammar, written from the Monitoring Plugins development guidelines
 * (section "Plugin Output" and "Performance data"): one line, `SERVICE STATE - text`,
 * then optionally `|` and space-separated 'label'=value[UOM];[warn];[crit];[min];[max],
 * values of [-0-9.], UOM one of s ms us % B KB MB TB c (or none), thresholds ranges
 * of the form [@][start:][end] with ~ for minus infinity.
 */
const NUMBER = String.raw`-?[0-9]+(?:\.[0-9]+)?`;
const RANGE = String.raw`@?(?:(?:~|${NUMBER})?:)?(?:${NUMBER})?`;
const LABEL = String.raw`(?:'(?:[^'=]|'')+'|[^\s'=|]+)`;
const PERF = new RegExp(String.raw`^(${LABEL})=(${NUMBER})(s|ms|us|%|B|KB|MB|TB|c)?(?:;(${RANGE})(?:;(${RANGE})(?:;(${NUMBER})?(?:;(${NUMBER})?)?)?)?)?$`);
function parsePluginLine(output) {
  const lines = output.split('\n').filter((l, i, all) => !(l === '' && i === all.length - 1));
  assert.equal(lines.length, 1, `one line of output: ${JSON.stringify(output)}`);
  const [text, perfdata = ''] = lines[0].split('|');
  const head = /^(\S+) (OK|WARNING|CRITICAL|UNKNOWN) - (.+?)\s*$/.exec(text);
  assert.ok(head, `SERVICE STATE - text: ${lines[0]}`);
  const perf = {};
  // items are separated by spaces; a quoted label may hold spaces itself
  const items = perfdata.trim() === '' ? [] : perfdata.trim().match(new RegExp(String.raw`${LABEL}=\S*|\S+`, 'g'));
  for (const item of items) {
    const m = PERF.exec(item);
    assert.ok(m, `perfdata item follows 'label'=value[UOM];[warn];[crit];[min];[max]: ${item}`);
    perf[m[1]] = { value: Number(m[2]), uom: m[3] ?? '', warn: m[4] ?? '', crit: m[5] ?? '', min: m[6] ?? '' };
  }
  return { service: head[1], state: head[2], text: head[3], perf };
}

test('the grammar parser accepts the guidelines examples and refuses malformed perfdata', () => {
  assert.equal(parsePluginLine("x OK - fine | 'load 1'=4.7;5;10;0; time=0.897ms;20;40;; pl=0%\n").perf['time'].uom, 'ms');
  assert.equal(parsePluginLine('x WARNING - up | uptime=10s;60:;;0;').perf.uptime.warn, '60:');
  assert.throws(() => parsePluginLine('x OK - fine | rss=12 MB'));
  assert.throws(() => parsePluginLine('x OK - fine | rss=12XB;;;'));
  assert.throws(() => parsePluginLine('x FINE - what'));
  assert.throws(() => parsePluginLine('x OK - a\nsecond line'));
});

test('status --json: the schema for a stopped and a running service; the plain status unchanged', async () => {
  const box = opsBox({ OPS_VERSION: '2.5.1' });
  const stopped = await box.run(['status', '--json']);
  assert.equal(stopped.code, 3, stopped.stderr);
  const s = JSON.parse(stopped.stdout);
  assert.deepEqual(Object.keys(s), FIELDS);
  assert.deepEqual(s.status, { code: 3, outcome: 'notRunning', meaning: 'program is not running' });
  assert.equal(s.pid, null);
  assert.equal(s.version, '2.5.1');

  assert.equal((await box.run(['start'])).code, 0);
  const running = await box.run(['status', '--json']);
  assert.equal(running.code, 0, running.stderr);
  const r = JSON.parse(running.stdout);
  assert.deepEqual(Object.keys(r), FIELDS);
  assert.equal(r.format, 'initgen-status/1');
  assert.equal(r.name, 'opsapp');
  assert.equal(r.pid, box.pid());
  assert.ok(r.uptimeSeconds >= 0 && Number.isInteger(r.uptimeSeconds));
  assert.ok(Math.abs(Date.parse(r.startedAt) - Date.now()) < 3600_000, r.startedAt);
  assert.ok(r.rssBytes > 0 && Number.isInteger(r.rssBytes));
  assert.deepEqual(r.logfile, { path: box.logfile, sizeBytes: readFileSync(box.logfile).length });
  assert.equal(r.pidfile, box.pidfile);
  const plain = await box.run(['status']);
  assert.equal(plain.code, 0);
  assert.equal(plain.stdout, `opsapp is running (pid ${r.pid})\n`);
  assert.equal((await box.run(['stop'])).code, 0);
});

test('status --json: without a version option, the version of the nearest package.json', async () => {
  const box = opsBox();
  const r = await box.run(['status', '--json']);
  assert.equal(JSON.parse(r.stdout).version, packageVersion);
});

test('check: OK running, CRITICAL stopped, WARNING/CRITICAL over the RSS limits, WARNING under the minimum uptime, UNKNOWN for bad arguments', async (t) => {
  const box = opsBox({ OPS_HOLD_MIB: '64' });
  const lines = {};
  const stopped = await box.run(['check']);
  lines.stopped = stopped.stdout.trim();
  assert.equal(stopped.code, 2, 'a stopped service is CRITICAL, not UNKNOWN');
  assert.deepEqual(parsePluginLine(stopped.stdout), { service: 'opsapp', state: 'CRITICAL', text: 'not running', perf: {} });

  assert.equal((await box.run(['start'])).code, 0);
  const pid = box.pid();
  const ok = await box.run(['check', '--warn-rss', '4G', '--crit-rss', '8G']);
  lines.running = ok.stdout.trim();
  assert.equal(ok.code, 0, ok.stdout);
  const okLine = parsePluginLine(ok.stdout);
  assert.equal(okLine.state, 'OK');
  assert.match(okLine.text, new RegExp(`^running \\(pid ${pid}\\), up \\d+s$`));
  assert.equal(okLine.perf.uptime.uom, 's');
  assert.equal(okLine.perf.rss.uom, 'B');
  assert.ok(okLine.perf.rss.value >= 64 * 1024 * 1024, 'the held 64 MiB show in the RSS');
  assert.equal(okLine.perf.rss.warn, String(4 * 1024 ** 3));
  assert.equal(okLine.perf.rss.crit, String(8 * 1024 ** 3));
  assert.equal(okLine.perf.rss.min, '0');

  const warn = await box.run(['check', '--warn-rss', '32M', '--crit-rss', '8G']);
  assert.equal(warn.code, 1, warn.stdout);
  assert.equal(parsePluginLine(warn.stdout).state, 'WARNING');
  const crit = await box.run(['check', '--warn-rss', '16M', '--crit-rss', '32M']);
  lines.overRss = crit.stdout.trim();
  assert.equal(crit.code, 2, crit.stdout);
  assert.match(parsePluginLine(crit.stdout).text, /RSS [\d.]+ MiB > 32\.0 MiB/);

  const young = await box.run(['check', '--min-uptime', '86400']);
  assert.equal(young.code, 1, young.stdout);
  assert.equal(parsePluginLine(young.stdout).perf.uptime.warn, '86400:');

  for (const bad of [['--warn-rss', 'lots'], ['--min-uptime', '-1'], ['--nope'], ['extra']]) {
    const r = await box.run(['check', ...bad]);
    assert.equal(r.code, 3, `${bad}: ${r.stdout}`);
    assert.equal(parsePluginLine(r.stdout).state, 'UNKNOWN');
  }
  assert.equal((await box.run(['stop'])).code, 0);
  const dead = await box.run(['check']);
  assert.equal(dead.code, 2);
  t.diagnostic(JSON.stringify(lines));
});

test('check: a pid file naming a dead process is CRITICAL (dead, pid file exists)', async () => {
  const box = opsBox();
  assert.equal((await box.run(['start'])).code, 0);
  const pid = box.pid();
  process.kill(pid, 'SIGKILL');
  const { waitFor, isAlive } = await import('../helpers/service.js');
  await waitFor(() => !isAlive(pid), 'the daemon to die');
  const r = await box.run(['check']);
  assert.equal(r.code, 2, r.stdout);
  assert.match(parsePluginLine(r.stdout).text, /^dead, but pid file .* exists$/);
});

test('check and status --json by a user who may not read the pid file: UNKNOWN (3) and LSB 4, with the reason', { skip: !isRoot && 'needs root: the reader is another user (nobody)' }, async () => {
  const box = opsBox();
  chmodSync(box.dir, 0o755);
  assert.equal((await box.run(['start'])).code, 0);
  chmodSync(box.pidfile, 0o600);
  // a checkout may be private (a CI runner's clone is often 0700): nobody runs a readable copy
  const asNobody = (args) => run(process.execPath, [readablePath('test/ops/app.js'), ...args], { env: box.env(), uid: NOBODY, gid: NOBODY });
  const check = await asNobody(['check']);
  assert.equal(check.code, 3, check.stdout + check.stderr);
  assert.deepEqual(parsePluginLine(check.stdout), { service: 'opsapp', state: 'UNKNOWN', text: `cannot read pid file ${box.pidfile}: permission denied`, perf: {} });
  const json = await asNobody(['status', '--json']);
  assert.equal(json.code, 4);
  const report = JSON.parse(json.stdout);
  assert.equal(report.status.outcome, 'unknown');
  assert.match(report.error, /cannot read pid file .*: permission denied/);
  assert.equal((await box.run(['stop'])).code, 0);
});

test('metrics: node_exporter textfile format, one series per metric labelled with the service', async () => {
  const box = opsBox({ OPS_VERSION: '1.0.0' });
  assert.equal((await box.run(['start'])).code, 0);
  const r = await box.run(['metrics']);
  assert.equal(r.code, 0, r.stderr);
  const samples = {};
  for (const line of r.stdout.trim().split('\n')) {
    if (line.startsWith('#')) {
      assert.match(line, /^# (HELP [a-z_]+ .+|TYPE [a-z_]+ gauge)$/);
      continue;
    }
    const m = /^([a-z_]+)\{service="opsapp"(?:,version="([^"]*)")?\} (-?[0-9.e+]+)$/.exec(line);
    assert.ok(m, line);
    samples[m[1]] = Number(m[3]);
  }
  assert.equal(samples.initgen_up, 1);
  assert.equal(samples.initgen_status_code, 0);
  assert.ok(samples.initgen_resident_memory_bytes > 0);
  assert.equal(samples.initgen_info, 1);
  assert.equal((await box.run(['stop'])).code, 0);
  const after = await box.run(['metrics']);
  assert.match(after.stdout, /^initgen_up\{service="opsapp"\} 0$/m);
});
