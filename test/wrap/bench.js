// Issue 16: the hidden costs of the wrapper. The same HTTP server, once calling
// init.simple() itself (test/bench/app.cjs) and once unmodified under the wrapper
// (test/bench/plain.cjs, "program": "plain"), each run by its generated SysV script
// with settleTime 0 (the window is the same for both): `start` and `stop` wall time
// and the daemon's RSS, medians of ROUNDS rounds. Run as root: node test/wrap/bench.js [ROUNDS]
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeScript } from '../targets/sysv-harness.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ROUNDS = Number(process.argv[2] ?? 15);
const bench = (file) => fileURLToPath(new URL(`../bench/${file}`, import.meta.url));
const { target } = await import('../../dist/targets/sysv.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'initgen-wrap-bench-'));
chmodSync(dir, 0o755);
const rows = [];
try {
  for (const [label, script, program, port] of [
    ['init.simple() in the program', bench('app.cjs'), 'initgen', 5391],
    ['unmodified, "program": "plain"', bench('plain.cjs'), 'plain', 5392],
  ]) {
    const name = `wb${program}`;
    const pidfile = join(dir, `${name}.pid`);
    const sh = writeScript(target, { name, script, program, settleTime: 0, pidfile, logfile: join(dir, `${name}.log`), env: { PORT: String(port) } }, dir, name);
    const timed = (action) => {
      const t0 = process.hrtime.bigint();
      const r = spawnSync(sh, [action], { env: { PATH }, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${label}: ${action} exited ${r.status}: ${r.stderr}`);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const start = [], stop = [], rss = [];
    for (let i = 0; i < ROUNDS; i++) {
      start.push(timed('start'));
      const pid = readFileSync(pidfile, 'utf8').trim();
      rss.push(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024);
      stop.push(timed('stop'));
    }
    rows.push(`| ${label} | ${median(start).toFixed(0)} ms | ${median(stop).toFixed(0)} ms | ${median(rss).toFixed(1)} MiB |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`| program (${ROUNDS} rounds, medians) | start | stop | daemon RSS |\n|---|---|---|---|\n${rows.join('\n')}`);
