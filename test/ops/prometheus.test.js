// docs/monitoring.md's cron line, as published, feeding Prometheus's node_exporter:
// the command (run by /bin/sh, as cron runs it) leaves one complete hello.prom in the
// textfile directory and no temporary file, and node_exporter's textfile collector
// exports our series from it without a scrape error: initgen_up 0 and no memory series
// for a stopped service, initgen_up 1 with the daemon's memory and start time once it
// runs.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { missingReason, which } from '../formats/lib.js';
import { isAlive, killHard, waitFor } from '../helpers/service.js';
import { freePort, monitoringBlock, opsBox, serviceCommand } from './lib.js';

const EXPORTER = which('prometheus-node-exporter');
const skip = !EXPORTER && missingReason(['prometheus-node-exporter']);
const PUBLISHED_DIR = '/var/lib/node_exporter/textfile';

/** The body of GET url, or undefined while nothing answers. */
function fetchText(url) {
  return new Promise((resolve) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 ? body : undefined));
    }).on('error', () => resolve(undefined));
  });
}

/** node_exporter with only the textfile collector, on a free port: { child, url }. */
async function startExporter(t, textdir) {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      EXPORTER,
      ['--collector.disable-defaults', '--collector.textfile', `--collector.textfile.directory=${textdir}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: 'ignore', detached: true },
    );
    t.after(() => {
      if (isAlive(child.pid)) killHard(child.pid);
    });
    const url = `http://127.0.0.1:${port}/metrics`;
    // Either it answers, or it exited (someone took the port between our close and its bind).
    const up = await waitFor(async () => ((await fetchText(url)) !== undefined ? 'up' : child.exitCode !== null && 'exited'), 'node_exporter to listen', 30_000);
    if (up === 'up') return { child, url };
    if (attempt === 4) assert.fail(`node_exporter exited ${child.exitCode} on five free ports`);
  }
}

/** The samples of an exposition text: { 'name{labels}': number }. */
function samples(text) {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => {
        const at = l.lastIndexOf(' ');
        return [l.slice(0, at), Number(l.slice(at + 1))];
      }),
  );
}

test('the cron line of docs/monitoring.md writes hello.prom atomically and node_exporter\'s textfile collector exports it', { skip }, async (t) => {
  const box = opsBox();
  const line = monitoringBlock('crontab').trim();
  // A system crontab line: five time fields, the user, then the command for /bin/sh.
  const command = /^(?:\S+\s+){6}(.*)$/.exec(line)?.[1];
  assert.ok(command, line);
  assert.ok(!command.includes('%'), 'cron turns % into a newline'); // crontab(5)
  assert.ok(command.includes(PUBLISHED_DIR), command);
  const textdir = join(box.dir, 'textfile');
  mkdirSync(textdir);
  const ours = command.replaceAll('/usr/bin/node /opt/hello/app.js', serviceCommand(box)).replaceAll(PUBLISHED_DIR, textdir);
  const cron = () => {
    const r = spawnSync('/bin/sh', ['-c', ours], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(textdir), ['hello.prom'], 'one complete file, no temporary left');
  };
  const { child, url } = await startExporter(t, textdir);
  const service = '{service="opsapp"}';

  cron();
  const stopped = samples(await fetchText(url));
  assert.equal(stopped['node_textfile_scrape_error'], 0);
  assert.equal(stopped[`initgen_up${service}`], 0);
  assert.equal(stopped[`initgen_status_code${service}`], 3);
  assert.equal(stopped[`initgen_resident_memory_bytes${service}`], undefined, 'left out when it cannot be known');

  assert.equal((await box.run(['start'])).code, 0);
  cron();
  const text = await fetchText(url);
  const running = samples(text);
  assert.equal(running['node_textfile_scrape_error'], 0);
  assert.equal(running[`initgen_up${service}`], 1);
  assert.equal(running[`initgen_status_code${service}`], 0);
  assert.ok(running[`initgen_resident_memory_bytes${service}`] > 0, text);
  assert.ok(Math.abs(running[`initgen_start_time_seconds${service}`] - Date.now() / 1000) < 600, text);
  assert.ok(Object.keys(running).some((k) => /^initgen_info\{service="opsapp",version="[^"]+"\}$/.test(k)), text);
  t.diagnostic(text.split('\n').filter((l) => /^(initgen_|node_textfile_scrape_error)/.test(l)).join(' / '));

  process.kill(child.pid, 'SIGTERM');
  await waitFor(() => child.exitCode !== null || child.signalCode !== null, 'node_exporter to exit', 30_000);
  assert.equal((await box.run(['stop'])).code, 0);
});
