// Design (b) of issue 15, measured and not shipped: logrotate `create` with a
// `postrotate` that sends SIGUSR2, and the daemon reopening its fd 1 on the signal the
// only way Node can (close(1), then open(), which returns the lowest free fd). The
// daemon writes "w0 N" itself; two children it started write "w1 N" and "w2 N" on the
// fd 1 they inherited. Counted across the files, as test/stress/rotation.test.js does:
// lines lost and duplicated, reopens that did not get fd 1 back, and children's lines
// that landed in a file renamed away before they were written (still there while
// logrotate keeps it; gone once `rotate N` removes it).
// Run by hand: node test/probes/reopen-probe.js  (needs logrotate)
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lostAndDuplicated } from '../helpers/line-census.js';

const LINES = Number(process.env.PROBE_LINES ?? 100_000);
const SECONDS = 10;
const per = Math.ceil(LINES / 3);
const dir = mkdtempSync(join(tmpdir(), 'reopen-probe-'));
const log = join(dir, 'app.log');
const marks = join(dir, 'rotations');

const writer = (k) => `
const count = ${per}, perTick = Math.max(1, Math.ceil(count / (${SECONDS} * 100)));
let n = 0;
const t = setInterval(() => {
  let chunk = '';
  for (let i = 0; i < perTick && n < count; i++, n++) chunk += 'w${k} ' + n + '\\n';
  fs.writeSync(1, chunk);
  if (n >= count) { clearInterval(t); fs.writeSync(1, 'w${k} done\\n'); }
}, 10);`;

const daemonSource = `
const { spawn } = require('node:child_process');
let misses = 0;
process.on('SIGUSR2', () => {
  fs.closeSync(1);
  const fd = fs.openSync(${JSON.stringify(log)}, 'a');
  if (fd !== 1) misses++;
  fs.appendFileSync(${JSON.stringify(join(dir, 'misses'))}, misses + '\\n');
});
for (const k of [1, 2]) spawn(process.execPath, ['-e', "const fs = require('node:fs');" + ${JSON.stringify(writer(1))}.replace(/w1/g, 'w' + k)], { stdio: ['ignore', 'inherit', 'inherit'] });
${writer(0)}
setInterval(() => {}, 1 << 30);`;

const fd = openSync(log, 'a');
const daemon = spawn(process.execPath, ['-e', "const fs = require('node:fs');" + daemonSource], { stdio: ['ignore', fd, fd], detached: true });
closeSync(fd);
const conf = join(dir, 'logrotate.conf');
writeFileSync(conf, `${log} {\n  create\n  rotate 100000\n  missingok\n  nocompress\n  notifempty\n  postrotate\n    kill -USR2 ${daemon.pid}\n  endscript\n}\n`);
const all = () => readdirSync(dir).filter((f) => f.startsWith('app.log')).map((f) => readFileSync(join(dir, f), 'utf8')).join('');
let rotations = 0;
const begun = Date.now();
for (;;) {
  if (spawnSync('logrotate', ['-f', '-s', join(dir, 'state'), conf]).status === 0) {
    rotations++;
    writeFileSync(marks, `${rotations}\n`, { flag: 'a' });
  }
  const text = all();
  if (/^w0 done$/m.test(text) && /^w1 done$/m.test(text) && /^w2 done$/m.test(text)) break;
  if (Date.now() - begun > 120_000) break;
  await sleep(100);
}
try { process.kill(-daemon.pid, "SIGKILL"); } catch {}
if (process.env.PROBE_DEBUG) console.log(all().slice(0, 2000));

const seen = new Map();
for (const line of all().split('\n')) if (/^w[012] \d+$/.test(line)) seen.set(line, (seen.get(line) ?? 0) + 1);
const { lost, duplicated } = lostAndDuplicated(seen, 3, per);
// The children never reopen: every line they wrote after the first rotation is in the first file, renamed away.
const oldest = readdirSync(dir).filter((f) => /^app\.log\.\d+$/.test(f)).sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()))[0];
const inOldest = oldest ? readFileSync(join(dir, oldest), 'utf8').split('\n').filter((l) => /^w[12] \d+$/.test(l)).length : 0;
let misses = 0;
try {
  misses = Math.max(0, ...readFileSync(join(dir, 'misses'), 'utf8').trim().split('\n').map(Number));
} catch {}
console.log(JSON.stringify({ lines: per * 3, rotations, lost, duplicated, reopenMissedFd1: misses, childLinesInTheFirstFile: inOldest, childLines: 2 * per, seconds: +((Date.now() - begun) / 1000).toFixed(1) }));
rmSync(dir, { recursive: true, force: true });
