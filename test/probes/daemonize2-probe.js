// Measures daemonize2 against the initgen contract (sections 2-4): why initgen
// detaches by itself. Run by hand: `node test/probes/daemonize2-probe.js` (Linux,
// about 20 s). Everything runs in a temporary directory; every process it starts
// carries a tag in its environment and is killed by pid at the end.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const D2 = require.resolve('daemonize2');
const D2_VERSION = require('daemonize2/package.json').version;
const TAG = `d2probe-${process.pid}`;
const STUBBORN_WAIT_MS = 15_000;
const RACE_ROUNDS = 5;
const dir = fs.mkdtempSync(join(tmpdir(), 'd2probe-'));

// --- fixtures, written at run time -------------------------------------------

const HEADER = `'use strict';
const fs = require('fs');
const path = require('path');
const here = path.dirname(process.env.D2PROBE_INFO);
const info = (o) => { const p = process.env.D2PROBE_INFO; fs.writeFileSync(p + '.tmp', JSON.stringify(o)); fs.renameSync(p + '.tmp', p); };
const keepAlive = () => setInterval(() => {}, 1 << 30);
`;
const FIXTURES = {
  // daemonize2's own shape: a control script calling setup() and one action.
  'ctl.cjs': `'use strict';
const [d2, action, main, pidfile, name] = process.argv.slice(2);
const daemon = require(d2).setup({ main, pidfile, name, silent: true, argv: [] });
let t0;
const out = (event, extra) => process.stdout.write(JSON.stringify({ event, ms: Date.now() - t0, ...extra }) + '\\n');
for (const e of ['started', 'running', 'stopped', 'notrunning']) daemon.on(e, (pid) => out(e, { pid }));
daemon.on('error', (err) => out('error', { message: err.message }));
// D2PROBE_AT: act at this epoch ms, so that two control processes really start together.
while (Date.now() < Number(process.env.D2PROBE_AT ?? 0));
t0 = Date.now();
if (action === 'status') out('status', { pid: daemon.status() });
else daemon[action]();
`,
  'chatty.cjs': `${HEADER}
for (let i = 1; i <= 100; i++) console.log('D2PROBE-STDOUT ' + i);
for (let i = 1; i <= 100; i++) console.error('D2PROBE-STDERR ' + i);
require('child_process').spawnSync('sh', ['-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do echo D2PROBE-CHILD $i; done'], { stdio: 'inherit' });
info({ pid: process.pid, fd1: fs.readlinkSync('/proc/self/fd/1'), fd2: fs.readlinkSync('/proc/self/fd/2') });
keepAlive();
`,
  'crash.cjs': `${HEADER}
info({ pid: process.pid });
setTimeout(() => { throw new Error('D2PROBE-CRASH 500 ms after start'); }, 500);
`,
  'umask.cjs': `${HEADER}
const created = path.join(here, 'created-by-daemon');
fs.writeFileSync(created, 'x');
info({ pid: process.pid, umask: process.umask(), mode: fs.statSync(created).mode & 0o777, cwd: process.cwd() });
keepAlive();
`,
  'prompt.cjs': `${HEADER}
const child = require('child_process').spawn('sleep', ['300'], { stdio: 'ignore' });
process.on('SIGTERM', () => process.exit(0));
info({ pid: process.pid, child: child.pid });
keepAlive();
`,
  'stubborn.cjs': `${HEADER}
process.on('SIGTERM', () => fs.appendFileSync(path.join(here, 'sigterms'), 'x'));
info({ pid: process.pid });
keepAlive();
`,
  'keep.cjs': `${HEADER}
fs.appendFileSync(process.env.D2PROBE_INFO, process.pid + '\\n');
keepAlive();
`,
};

// --- helpers -------------------------------------------------------------------

const env = (info, extra = {}) => ({ ...process.env, D2PROBE_TAG: TAG, D2PROBE_INFO: info, ...extra });
const yes = (b) => (b ? 'yes' : 'no');
const octal = (n) => n.toString(8).padStart(4, '0');

function state(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}
/** A zombie is dead: where nobody reaps, kill(pid, 0) still succeeds on it. */
const alive = (pid) => pid > 0 && ![undefined, 'Z', 'X'].includes(state(pid));

async function until(condition, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let pause = 1;
  for (;;) {
    const value = condition();
    if (value || Date.now() >= deadline) return value;
    await sleep(pause);
    pause = Math.min(pause * 2, 20);
  }
}

function readJson(path) {
  try {
    return JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
const readText = (path) => {
  try {
    return fs.readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
};

/** One daemonize2 action in its own control process; `events` collects its JSON lines. */
function control(action, { main, pidfile, info, name = TAG, at }) {
  const child = spawn(process.execPath, [join(dir, 'ctl.cjs'), D2, action, join(dir, main), pidfile, name], {
    env: env(info, at ? { D2PROBE_AT: String(at) } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, events: [], output: '', done: false };
  child.stdout.on('data', (d) => {
    run.output += d;
    run.events = run.output.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  });
  child.stderr.on('data', (d) => (run.output += d));
  child.on('close', () => (run.done = true));
  return run;
}
const firstEvent = async (run, ms) => (await until(() => run.events[0] ?? (run.done && { event: 'exited' }), ms)) || { event: 'none' };

function everyFile(root) {
  return fs.readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !(e.name in FIXTURES)) // the fixtures' source holds the markers
    .map((e) => join(e.parentPath ?? e.path, e.name));
}
function countMarker(marker, extraText = '') {
  const texts = everyFile(dir).map((f) => readText(f) ?? '').concat(extraText);
  return new Set(texts.flatMap((t) => t.match(new RegExp(`${marker} \\d+`, 'g')) ?? [])).size;
}

/** Every process carrying our tag, found through its environment. */
function ourProcesses() {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid).map(Number).filter((pid) => {
    const environ = readText(`/proc/${pid}/environ`);
    return environ !== undefined && environ.split('\0').includes(`D2PROBE_TAG=${TAG}`) && alive(pid);
  });
}

function caseDir(name) {
  const d = join(dir, name);
  fs.mkdirSync(d);
  return { pidfile: join(d, 'app.pid'), info: join(d, 'info') };
}

// --- measurements --------------------------------------------------------------

async function logFile() {
  const c = caseDir('log');
  const run = control('start', { main: 'chatty.cjs', ...c });
  await firstEvent(run, 5000);
  const info = await until(() => readJson(c.info), 5000);
  await until(() => run.done, 2000);
  console.log('§3 log file (daemonize2 has no log option)');
  console.log(`  daemon's fd 1 / fd 2: ${info?.fd1} / ${info?.fd2}`);
  console.log(`  stdout lines reaching any file or the start command's output: ${countMarker('D2PROBE-STDOUT', run.output)} of 100`);
  console.log(`  stderr lines reaching any file or the start command's output: ${countMarker('D2PROBE-STDERR', run.output)} of 100`);
  console.log(`  lines of a child process reaching any file: ${countMarker('D2PROBE-CHILD', run.output)} of 10`);
}

async function crashAfterStart() {
  const c = caseDir('crash');
  const run = control('start', { main: 'crash.cjs', ...c });
  const event = await firstEvent(run, 5000);
  const reportedAt = Date.now();
  const pid = readJson(c.info)?.pid ?? event.pid;
  await until(() => !alive(pid) || Date.now() - reportedAt >= 1000, 1500);
  const aliveAfter1s = alive(pid);
  const status = control('status', { main: 'crash.cjs', ...c });
  const reported = await firstEvent(status, 5000);
  console.log('§4 start of an app that throws 500 ms after it was loaded');
  console.log(`  start callback reported started: ${yes(event.event === 'started')} (after ${event.ms} ms, pid ${event.pid})`);
  console.log(`  daemon alive 1 s later: ${yes(aliveAfter1s)} (process state now: ${state(pid) ?? 'gone'})`);
  console.log(`  pid file still names it: ${yes(readText(c.pidfile) === `${pid}\n`)}`);
  console.log(`  its stack trace reaching any file: ${yes(countMarker('D2PROBE-CRASH', run.output) > 0)}`);
  console.log(`  daemonize2 status() afterwards: ${reported.pid ? `running (pid ${reported.pid})` : 'not running'}`);
}

async function umask() {
  const c = caseDir('umask');
  const run = control('start', { main: 'umask.cjs', ...c });
  await firstEvent(run, 5000);
  const info = await until(() => readJson(c.info), 5000);
  console.log('§4 umask and cwd');
  console.log(`  umask of daemon: ${octal(info.umask)} (of the start command: ${octal(process.umask())})`);
  console.log(`  a file the daemon created with the default mode 0666 got mode: ${octal(info.mode)}`);
  console.log(`  cwd of daemon: ${info.cwd}`);
}

async function promptStop() {
  const c = caseDir('prompt');
  await firstEvent(control('start', { main: 'prompt.cjs', ...c }), 5000);
  const info = await until(() => readJson(c.info), 5000);
  const begun = Date.now();
  const stop = control('stop', { main: 'prompt.cjs', ...c });
  const event = await firstEvent(stop, 10_000);
  console.log('§4 stop of a daemon that exits at once on SIGTERM');
  console.log(`  stop reported ${event.event} after: ${event.ms ?? Date.now() - begun} ms (daemon gone: ${yes(!alive(info.pid))})`);
  console.log(`  a child the daemon spawned still alive after stop returned: ${yes(alive(info.child))}`);
}

async function stubbornStop() {
  const c = caseDir('stubborn');
  await firstEvent(control('start', { main: 'stubborn.cjs', ...c }), 5000);
  const info = await until(() => readJson(c.info), 5000);
  const stop = control('stop', { main: 'stubborn.cjs', ...c });
  await until(() => stop.events.length > 0 && stop.done, STUBBORN_WAIT_MS);
  const terms = readText(join(dirname(c.info), 'sigterms'))?.length ?? 0;
  return () => {
    console.log(`§4 stop of a daemon ignoring SIGTERM (waited ${STUBBORN_WAIT_MS / 1000} s)`);
    console.log(`  still alive after ${STUBBORN_WAIT_MS / 1000} s: ${yes(alive(info.pid))}`);
    console.log(`  stop command returned: ${yes(stop.done)}; SIGTERMs the daemon received: ${terms}; SIGKILL sent: ${yes(!alive(info.pid))}`);
  };
}

async function pidfileWrite() {
  const c = caseDir('atomic');
  const exited = spawn('true');
  await new Promise((r) => exited.on('exit', r));
  fs.writeFileSync(c.pidfile, `${exited.pid}\n`); // a stale pid file, as after a crash
  fs.linkSync(c.pidfile, `${c.pidfile}.witness`);
  const run = control('start', { main: 'keep.cjs', ...c });
  // Busy-read the pid file while start runs, as a concurrent `status` would.
  const seen = new Map();
  let reads = 0;
  let bad = 0;
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const text = readText(c.pidfile);
    reads += 1;
    if (text === undefined || !/^[1-9][0-9]*\n$/.test(text)) {
      bad += 1;
      seen.set(JSON.stringify(text ?? '(missing)'), true);
    } else if (text !== `${exited.pid}\n`) break;
  }
  await firstEvent(run, 5000);
  console.log('§2 pid file writing');
  console.log(`  written through the old file's inode (not a temp file renamed into place): ${yes(readText(`${c.pidfile}.witness`) === readText(c.pidfile))}`);
  console.log(`  reads during start that found no pid in it: ${bad} of ${reads}${seen.size ? ` (content seen: ${[...seen.keys()].join(', ')})` : ''}`);
}

async function concurrentStarts() {
  let two = 0;
  let orphans = 0;
  for (let round = 1; round <= RACE_ROUNDS; round += 1) {
    const c = caseDir(`race${round}`);
    const at = Date.now() + 500; // both control processes are up by then
    const runs = [control('start', { main: 'keep.cjs', at, ...c }), control('start', { main: 'keep.cjs', at, ...c })];
    const events = await Promise.all(runs.map((r) => firstEvent(r, 5000)));
    await until(() => (readText(c.info) ?? '').split('\n').filter(Boolean).length >= 2, 1000);
    const pids = (readText(c.info) ?? '').split('\n').filter(Boolean).map(Number).filter(alive);
    const named = Number(readText(c.pidfile));
    if (pids.length >= 2) two += 1;
    orphans += pids.filter((p) => p !== named).length;
    if (round === 1) console.log(`§2 two starts at the same moment (${RACE_ROUNDS} rounds)`);
    console.log(`  round ${round}: ${events.map((e) => `${e.event} ${e.pid ?? ''}`.trim()).join(', ')}; daemons alive: ${pids.length}; pid file names: ${named}`);
  }
  console.log(`  rounds that left two daemons running: ${two} of ${RACE_ROUNDS}; daemons the pid file does not name (stop cannot reach them): ${orphans}`);
}

async function identity() {
  const c = caseDir('identity');
  const bystander = spawn('sleep', ['300'], { env: env(c.info), stdio: 'ignore' });
  fs.writeFileSync(c.pidfile, `${bystander.pid}\n`); // e.g. a stale pid file whose pid was reused
  const start = await firstEvent(control('start', { main: 'keep.cjs', ...c }), 5000);
  const stop = await firstEvent(control('stop', { main: 'keep.cjs', ...c }), 10_000);
  await until(() => !alive(bystander.pid), 3000);
  console.log('§2 pid file naming an unrelated process (sleep 300)');
  console.log(`  start reported: ${start.event}${start.pid ? ` (pid ${start.pid})` : ''}; stop reported: ${stop.event}; unrelated process killed: ${yes(!alive(bystander.pid))}`);
}

// --- main ------------------------------------------------------------------------

async function cleanup() {
  await until(() => {
    for (const pid of ourProcesses()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    return ourProcesses().length === 0;
  }, 5000);
  const left = ourProcesses();
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`cleanup: processes left running: ${left.length}`);
}

if (process.platform !== 'linux') {
  console.error('this probe reads /proc: run it on Linux');
  process.exit(2);
}
try {
  for (const [file, text] of Object.entries(FIXTURES)) fs.writeFileSync(join(dir, file), text);
  console.log(`daemonize2 ${D2_VERSION} measured against the initgen contract (node ${process.version}, ${process.getuid?.() === 0 ? 'root' : 'not root'})`);
  const stubborn = stubbornStop(); // runs its 15 s wait while the others measure
  await logFile();
  await crashAfterStart();
  await umask();
  await promptStop();
  await pidfileWrite();
  await concurrentStarts();
  await identity();
  (await stubborn)();
} finally {
  await cleanup();
}
