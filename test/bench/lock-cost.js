// `node test/bench/lock-cost.js [N]`: what one uncontended acquire + release of the
// start/stop lock costs, flock(2) through util-linux `flock` (a process spawned per
// acquisition) against the abstract-socket lock it replaced, N times each (default 300),
// alternating in rounds of 50 so that both see the same machine load. Prints medians.
// Not a test: timings are never asserted. Needs a built dist/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, acquireSocketLock } from '../../dist/service/lock.js';

const N = Number(process.argv[2] ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'initgen-lock-cost-'));
const pidfile = join(dir, 'bench.pid');
const samples = { flock: [], socket: [] };

async function once(kind) {
  const start = process.hrtime.bigint();
  const lock = kind === 'flock' ? await acquireLock(pidfile, 10_000) : await acquireSocketLock(pidfile, 10_000);
  await lock.release();
  samples[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

try {
  await once('flock'); // warm up: the first spawn loads child_process
  await once('socket');
  samples.flock.length = samples.socket.length = 0;
  for (let done = 0; done < N; done += 50) {
    for (let i = 0; i < Math.min(50, N - done); i++) await once('flock');
    for (let i = 0; i < Math.min(50, N - done); i++) await once('socket');
  }
  for (const kind of ['flock', 'socket']) {
    console.log(`${kind.padEnd(6)} n=${samples[kind].length} median ${median(samples[kind]).toFixed(2)} ms, p90 ${pct(samples[kind], 0.9).toFixed(2)} ms`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
