// Issue 4.5 and 15, contract §3: the daemon and two children write numbered lines
// while the log is rotated about 49 times, by three designs side by side:
//   copytruncate: the log is the daemon's fd 1/2, the real logrotate copies and truncates every 100 ms;
//   writer+logrotate: logRotation "writer", the real logrotate renames (no copytruncate) every 100 ms;
//   writer+size: logRotation "writer" with logMaxSize, the writer renames by itself.
// Every line is counted across the rotated files: lost, duplicated and torn lines, and
// the writer's cost, are the figures docs/reliability.md quotes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { daemonsOf } from '../helpers/daemons.js';
import { lostAndDuplicated } from '../helpers/line-census.js';
import { isAlive, killHard, makeSandbox, runAction, waitFor } from '../helpers/service.js';
import { killAllWith, record, scaled, snapshot } from './lib.js';

const LINES = scaled(Number(process.env.STRESS_LOG_LINES ?? 100_000), 300);
const SECONDS = Math.max(2, Math.round(10 * Math.min(1, LINES / 100_000)));
const INTERVAL_MS = Number(process.env.STRESS_ROTATE_MS ?? 100);
const NO_LOGROTATE = spawnSync('logrotate', ['--version']).error && 'needs logrotate (Debian package logrotate)';
const { writer: script } = snapshot();
const boxes = [];
after(() => {
  for (const box of boxes) {
    daemonsOf(box, 'writer').forEach(killHard);
    logWriters(box).forEach(killHard);
    killAllWith(`FIXTURE_PIDFILE=${box.pidfile}`);
    box.remove();
  }
});

/** The log writer processes of a sandbox: fd 2 (the log it started with, never closed) a file in its log directory, titled "writer log writer". */
function logWriters(box) {
  const dir = join(box.dir, 'log') + '/';
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/fd/2`).startsWith(dir) && readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith('writer log writer');
    } catch {
      return false;
    }
  });
}

/** CPU time (ms, user + system) and peak RSS (KiB) of a live pid. */
function costOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
  const hwm = Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))[1]);
  return { cpuMs: ticks * 10, peakRssKiB: hwm }; // USER_HZ is 100 on Linux
}

const DESIGNS = {
  copytruncate: { rotation: 'copytruncate', logrotate: 'copytruncate\n' },
  'writer+logrotate': { rotation: 'writer', logrotate: '' },
  // about 50 files for ~1 MB of lines, like the logrotate cadence gives
  'writer+size': { rotation: 'writer', maxSize: Math.max(4096, Math.round((LINES * 9.3) / 50)) },
};

for (const [design, how] of Object.entries(DESIGNS)) {
  const skip = how.logrotate !== undefined && NO_LOGROTATE;
  test(`${design}: ${LINES} lines from a daemon and two children, about 49 rotations: lost and duplicated lines measured (contract §3)`, { skip }, async () => {
    const box = makeSandbox('initgen-stress-');
    boxes.push(box);
    const env = box.env({
      WRITER_LINES: String(LINES),
      WRITER_SECONDS: String(SECONDS),
      FIXTURE_LOG_ROTATION: how.rotation,
      ...(how.maxSize && { FIXTURE_LOG_MAX_SIZE: String(how.maxSize) }),
    });
    const conf = join(box.dir, 'logrotate.conf');
    // the snippet docs/reliability.md offers, with a rotation count large enough to keep every file
    if (how.logrotate !== undefined) writeFileSync(conf, `${box.logfile} {\n  ${how.logrotate}rotate 100000\n  missingok\n  nocompress\n  notifempty\n}\n`);
    const state = join(box.dir, 'logrotate.state');
    assert.equal((await runAction(['start'], { env, script })).code, 0);
    const writers = logWriters(box);
    assert.equal(writers.length, how.rotation === 'writer' ? 1 : 0, 'log writer processes');
    const log = () => readdirSync(join(box.dir, 'log')).map((f) => readFileSync(join(box.dir, 'log', f), 'utf8')).join('');
    let rotations = 0;
    let failures = 0;
    const begun = Date.now();
    // the workload's clock: logrotate -f at a fixed cadence until the three writers say "done"
    for (;;) {
      if (how.logrotate !== undefined) {
        const r = spawnSync('logrotate', ['-f', '-s', state, conf], { encoding: 'utf8' });
        if (r.status === 0) rotations++;
        else failures++;
      }
      const text = log(); // "done" may already sit in a rotated file
      if (/^w0 done$/m.test(text) && /^w1 done$/m.test(text) && /^w2 done$/m.test(text)) break;
      if (Date.now() - begun > 120_000) break;
      await sleep(INTERVAL_MS);
    }
    const cost = writers.length ? costOf(writers[0]) : undefined;
    assert.equal((await runAction(['stop'], { env, script })).code, 0);
    await waitFor(() => writers.every((pid) => !isAlive(pid)), 'the log writer to drain and exit', 60_000);

    const per = Math.ceil(LINES / 3);
    const seen = new Map();
    let torn = 0;
    for (const line of log().split('\n')) {
      const m = /^w([012]) (\d+)$/.exec(line);
      if (m) seen.set(line, (seen.get(line) ?? 0) + 1);
      else if (line !== '' && !/^w[012] done$/.test(line) && !/^writer:|^fixture:/.test(line)) torn++;
    }
    const { lost, duplicated } = lostAndDuplicated(seen, 3, per);
    const files = readdirSync(join(box.dir, 'log')).length;
    if (how.maxSize) rotations = files - 1;
    const elapsedMs = Date.now() - begun;
    const figures = {
      lines: per * 3, seconds: SECONDS, elapsedMs, intervalMs: INTERVAL_MS, rotations, rotateFailures: failures, files,
      lost, lostPercent: +((100 * lost) / (per * 3)).toFixed(3), lostPerRotation: +(lost / Math.max(1, rotations)).toFixed(2), duplicated, tornLines: torn,
      extraProcesses: writers.length,
      ...(cost && { writerCpuMs: cost.cpuMs, writerCpuUsPerLine: +((1000 * cost.cpuMs) / (per * 3)).toFixed(2), writerPeakRssMiB: +(cost.peakRssKiB / 1024).toFixed(1) }),
      ...(how.maxSize && { maxSize: how.maxSize }),
    };
    record(design === 'copytruncate' ? 'rotation' : `rotation ${design}`, figures);
    assert.ok(rotations > 0, 'the log was rotated');
    assert.equal(duplicated, 0, 'each line is written at most once');
    if (how.rotation === 'writer') {
      assert.equal(lost, 0, 'the writer loses no line');
      assert.equal(torn, 0, 'the writer tears no line');
    }
    // contract §3 asks that rotation keep working: the writers' later lines must still arrive after many rotations
    assert.ok(lost < per * 3, 'lines keep arriving after rotations');
  });
}
