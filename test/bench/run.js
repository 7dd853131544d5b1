// `npm run bench`: what monitoring (status every few seconds) and packaging
// (initgen in every build) pay, as medians of whole processes, each set against
// a baseline measured in the same run. Prints one table; a figure that misses
// its budget prints `over budget` and the exit code is 1. Not a test: timings
// are never asserted by `npm test`.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_ENV, alive, freePort, killOwned, launch, listening, median, own, parallel, readPid, rssMiB, sample, timed, title, waitFor } from './measure.js';

const REPS = Number(process.env.BENCH_REPS ?? 20);
// BENCH_ONLY=status: the status figures alone (a quick check while working on that path);
// BENCH_ONLY=start: the status figures and start/stop
const ONLY = process.env.BENCH_ONLY;
const PARALLEL = 100;
const RENDER_CONFIGS = 1000;
const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const NODE = process.execPath;
// The budgets hold for a CommonJS program; an ES module program pays Node's ES module
// loader on top (an empty ES module: EMPTY_ESM), reported beside them.
const APP = here('./app.cjs');
const APP_ESM = here('./app.mjs');
const EMPTY_ESM = here('./empty.mjs');
const PLAIN = here('./plain.cjs');
const LSB = here('./sysv-baseline.sh');
// Debian's own `status`: status_of_proc from /lib/lsb/init-functions (sysvinit-utils;
// lsb-base on older releases). Its rows are skipped, with this reason, where it is missing.
const STATUS_OF_PROC = here('./status-of-proc.sh');
const INIT_FUNCTIONS = '/lib/lsb/init-functions';
const NO_STATUS_OF_PROC = existsSync(INIT_FUNCTIONS) ? undefined : `${INIT_FUNCTIONS} is missing (package sysvinit-utils or lsb-base)`;
const CLI = here('../../bin/initgen.js');
const EXAMPLE = here('../../examples/hello/initgen.json');
const NAME = 'benchapp';
// Why each budget is where it is: docs/benchmarks.md, "Why the budgets are where they are".
const STATUS_BUDGET = { times: 1.20 };
const SYSV_STATUS_BUDGET = { times: 1 };

const work = mkdtempSync(join(tmpdir(), 'initgen-bench-'));
const path = (...p) => join(work, ...p);
const baseEnv = BASE_ENV;
const appEnv = (pidfile, extra = {}) => ({ ...baseEnv, INITGEN_PIDFILE: pidfile, INITGEN_LOGFILE: path('log', 'app.log'), ...extra });
// The service's pid and log files reach it as a generated wrapper passes them: setting
// words after the action (docs/contract.md §6). A library from before the words read them
// from the environment instead; which one this build has is probed once, at the start.
let settingWords = true;
function probeSettingWords() {
  const words = [`--initgen-pidfile=${path('probe', 'app.pid')}`, `--initgen-logfile=${path('probe', 'app.log')}`];
  settingWords = spawnSync(NODE, [APP, 'status', ...words], { env: baseEnv }).status !== 2;
}
/** `node SCRIPT ACTION` for the service whose pid file is `pidfile`: { args, env } for timed(). */
function call(script, action, pidfile, extra = {}) {
  if (!settingWords) return { args: [script, action], env: appEnv(pidfile, extra) };
  return { args: [script, action, `--initgen-pidfile=${pidfile}`, `--initgen-logfile=${path('log', 'app.log')}`], env: { ...baseEnv, ...extra } };
}
const timedCall = (script, action, pidfile, { expect, ...extra } = {}) => {
  const { args, env } = call(script, action, pidfile, extra);
  return timed(NODE, args, { env, ...(expect && { expect }) });
};
const lsbEnv = (pidfile, extra = {}) => ({ ...baseEnv, BENCH_NODE: NODE, BENCH_SCRIPT: APP, BENCH_PIDFILE: pidfile, BENCH_LOGFILE: path('log', 'lsb.log'), ...extra });
const bare = () => timed(NODE, ['-e', '0']);
const rows = [];
let failed = false;

function row(figure, value, baseline, budget) {
  rows.push({ figure, value, baseline, budget });
}

/**
 * Time a subject and its floor back to back, in alternating order, so that both see the
 * machine's load of the same moment; besides both times, the probe returns their ratio,
 * named `subject/floor`. A budget in times its floor is checked on the median of these
 * per-pair ratios, which a loaded machine (other jobs, other test runs) moves far less
 * than it moves the ratio of two medians taken apart; PAIRS_PER_ROUND pairs a round, so a
 * budget rests on 60 pairs at the default 20 rounds.
 */
const PAIRS_PER_ROUND = 3;
let pairOrder = false;
function paired(subjectName, subject, floorName, floor) {
  const times = { s: [], f: [], ratio: [] };
  for (let i = 0; i < PAIRS_PER_ROUND; i++) {
    pairOrder = !pairOrder;
    let s, f;
    if (pairOrder) {
      s = subject();
      f = floor();
    } else {
      f = floor();
      s = subject();
    }
    times.s.push(s);
    times.f.push(f);
    times.ratio.push(s / f);
  }
  return { [subjectName]: median(times.s), [floorName]: median(times.f), [`${subjectName}/${floorName}`]: median(times.ratio) };
}

/** A row that could not be measured here, and why. */
function skipped(figure, reason) {
  rows.push({ figure, skipped: reason });
}

/** The generated SysV script for a service whose pid file is `pidfile`. */
async function sysvScript(file, pidfile) {
  const { validateConfig } = await import('../../dist/config/validate.js');
  const { normalize } = await import('../../dist/config/normalize.js');
  const { generate } = await import('../../dist/generate.js');
  const raw = { name: NAME, script: APP, node: NODE, pidfile, logfile: path('log', 'app.log') };
  const [script] = await generate(normalize(await validateConfig(raw, 'bench.json')), 'sysv', () => {});
  writeFileSync(file, script.content);
  chmodSync(file, 0o755);
  return file;
}

function expectRunning(pidfile) {
  const pid = readPid(pidfile);
  if (!pid || !alive(pid) || title(pid) !== NAME) throw new Error(`pid file ${pidfile} does not name a live ${NAME}`);
  return pid;
}

/**
 * Floors, measured in the same run. Any `require('pkg')` of a package with an `exports`
 * map (initgen has one, so that ES module programs get a facade) makes Node compile its
 * export-target checks; floor-status.cjs is the least a correct status can do.
 */
function floorPackage() {
  const pkg = path('floor', 'node_modules', 'floorpkg');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'floorpkg', exports: { '.': { import: './empty.mjs', require: './index.cjs' } } }));
  writeFileSync(join(pkg, 'index.cjs'), readFileSync(here('./floor-status.cjs')));
  writeFileSync(join(pkg, 'empty.mjs'), '');
  writeFileSync(path('floor', 'require-only.cjs'), "require('floorpkg');\n");
  writeFileSync(path('floor', 'status.cjs'), `require('floorpkg').simple({ name: ${JSON.stringify(NAME)}, pidfile: '/nonexistent' });\n`);
  return { requireOnly: path('floor', 'require-only.cjs'), status: path('floor', 'status.cjs') };
}

async function statusFigures() {
  const running = path('run', 'app.pid');
  const stopped = path('none', 'app.pid');
  const lsbRunning = path('run', 'lsb.pid');
  timedCall(APP, 'start', running, { PORT: String(await freePort()) });
  own(expectRunning(running));
  timed('sh', [LSB, 'start'], { env: lsbEnv(lsbRunning, { PORT: String(await freePort()) }) });
  await waitFor('the baseline daemon', () => alive(readPid(lsbRunning)) && title(readPid(lsbRunning)) === NAME);
  own(readPid(lsbRunning));
  const floor = floorPackage();
  const genRunning = await sysvScript(path('sysv-running'), running);
  const genStopped = await sysvScript(path('sysv-stopped'), stopped);
  const debian = NO_STATUS_OF_PROC === undefined;
  const m = await sample(REPS, {
    bare,
    // each budgeted figure is timed back to back with its floor (paired(), below)
    running: () =>
      paired('nodeRunning', () => timedCall(APP, 'status', running), 'floorRunning', () => timedCall(floor.status, 'status', running)),
    stopped: () =>
      paired('nodeStopped', () => timedCall(APP, 'status', stopped, { expect: [3] }), 'floorStopped', () => timedCall(floor.status, 'status', stopped, { expect: [3] })),
    emptyEsm: () => timed(NODE, [EMPTY_ESM]),
    exportsFloor: () => timed(NODE, [floor.requireOnly]),
    esmRunning: () => timedCall(APP_ESM, 'status', running),
    esmStopped: () => timedCall(APP_ESM, 'status', stopped, { expect: [3] }),
    // status_of_proc reads the same pid files as the generated script
    sysvRunning: () =>
      debian
        ? paired('sysvRunning', () => timed('sh', [genRunning, 'status']), 'debianRunning', () => timed('sh', [STATUS_OF_PROC, running, NODE, NAME]))
        : timed('sh', [genRunning, 'status']),
    sysvStopped: () =>
      debian
        ? paired('sysvStopped', () => timed('sh', [genStopped, 'status'], { expect: [3] }), 'debianStopped', () => timed('sh', [STATUS_OF_PROC, stopped, NODE, NAME], { expect: [3] }))
        : timed('sh', [genStopped, 'status'], { expect: [3] }),
    lsbRunning: () => timed('sh', [LSB, 'status'], { env: lsbEnv(lsbRunning) }),
    lsbStopped: () => timed('sh', [LSB, 'status'], { env: lsbEnv(stopped), expect: [3] }),
  });
  const bareNode = ['bare `node -e 0`', m.bare];
  // Budgets against floors of the same run (docs/benchmarks.md, "Why the budgets are
  // where they are"): initgen's status against the least a correct status does in Node,
  // loaded the same way; the generated script against Debian's own status_of_proc.
  const floorRunning = ['floor-status.cjs', m.floorRunning];
  const floorStopped = ['floor-status.cjs', m.floorStopped];
  row('`node app.js status`, running', m.nodeRunning, floorRunning, { ...STATUS_BUDGET, paired: m['nodeRunning/floorRunning'] });
  row('`node app.js status`, stopped', m.nodeStopped, floorStopped, { ...STATUS_BUDGET, paired: m['nodeStopped/floorStopped'] });
  row('`node app.js status`, running', m.nodeRunning, bareNode, {});
  row('`node app.js status`, stopped', m.nodeStopped, bareNode, {});
  const esmFloor = ['`node empty.mjs`', m.emptyEsm];
  row('`node app.mjs status` (ES module program), running', m.esmRunning, esmFloor, {});
  row('`node app.mjs status` (ES module program), stopped', m.esmStopped, esmFloor, {});
  row('`node empty.mjs` (Node\'s ES module loader alone)', m.emptyEsm, bareNode, {});
  row('floor: a CommonJS program that only requires an empty package with an `exports` map', m.exportsFloor, bareNode, {});
  row('floor: a 30-line status without initgen (floor-status.cjs), running', m.floorRunning, bareNode, {});
  row('floor: a 30-line status without initgen (floor-status.cjs), stopped', m.floorStopped, bareNode, {});
  if (debian) {
    row('Debian `status_of_proc` (status-of-proc.sh), running', m.debianRunning, bareNode, {});
    row('Debian `status_of_proc` (status-of-proc.sh), stopped', m.debianStopped, bareNode, {});
    row('generated SysV `status`, running', m.sysvRunning, ['status_of_proc', m.debianRunning], { ...SYSV_STATUS_BUDGET, paired: m['sysvRunning/debianRunning'] });
    row('generated SysV `status`, stopped', m.sysvStopped, ['status_of_proc', m.debianStopped], { ...SYSV_STATUS_BUDGET, paired: m['sysvStopped/debianStopped'] });
  } else {
    for (const state of ['running', 'stopped']) skipped(`generated SysV \`status\`, ${state}, against Debian \`status_of_proc\``, NO_STATUS_OF_PROC);
  }
  row('start-stop-daemon script `status`, running', m.lsbRunning, bareNode, {});
  row('start-stop-daemon script `status`, stopped', m.lsbStopped, bareNode, {});
  row('generated SysV `status`, running', m.sysvRunning, ['`node app.js status`', m.nodeRunning], {});
  row('generated SysV `status`, stopped', m.sysvStopped, ['`node app.js status`', m.nodeStopped], {});
  return { running, lsbRunning };
}

async function lifecycleFigures() {
  const pidfile = path('cycle', 'app.pid');
  const lsbPidfile = path('cycle', 'lsb.pid');
  const m = await sample(REPS, {
    bare,
    async initgen() {
      const port = String(await freePort());
      const start = timedCall(APP, 'start', pidfile, { PORT: port });
      const pid = own(expectRunning(pidfile)); // `start` returned: the pid file must already name it
      await listening(Number(port));
      const rss = rssMiB(pid);
      const stop = timedCall(APP, 'stop', pidfile, { PORT: port });
      if (alive(pid)) throw new Error('`stop` returned while the daemon is alive');
      await killOwned(pid);
      return { start, stop, rss };
    },
    async noSettle() {
      const extra = { PORT: String(await freePort()), BENCH_SETTLE_TIME: '0' };
      const start = timedCall(APP, 'start', pidfile, extra);
      const pid = own(expectRunning(pidfile));
      await listening(Number(extra.PORT));
      timedCall(APP, 'stop', pidfile, extra);
      await killOwned(pid);
      return { startNoSettle: start };
    },
    async lsb() {
      const env = lsbEnv(lsbPidfile, { PORT: String(await freePort()) });
      const t0 = process.hrtime.bigint();
      timed('sh', [LSB, 'start'], { env });
      await waitFor('the baseline daemon', () => alive(readPid(lsbPidfile)) && title(readPid(lsbPidfile)) === NAME);
      const start = Number(process.hrtime.bigint() - t0) / 1e6;
      const pid = own(readPid(lsbPidfile));
      await listening(Number(env.PORT));
      const stop = timed('sh', [LSB, 'stop'], { env });
      await killOwned(pid);
      return { lsbStart: start, lsbStop: stop };
    },
    async plain() {
      const port = await freePort();
      const pid = launch(NODE, [PLAIN], { ...baseEnv, PORT: String(port) });
      await listening(port);
      const rss = rssMiB(pid);
      await killOwned(pid);
      return { plainRss: rss };
    },
  });
  const bareNode = ['bare `node -e 0`', m.bare];
  // `start` waits the settle window (docs/design.md) on top of two Node start-ups: the budget
  // is the one `start` had before the window, plus the window. The row without it shows the rest did not grow.
  const { DEFAULTS } = await import('../../dist/defaults.js');
  const settleMs = DEFAULTS.settleTime * 1000;
  row(`\`node app.js start\` (until the pid file names it; ${settleMs} ms settle window included)`, m.start, bareNode, { times: 2, plus: 30 + settleMs });
  row('`node app.js start` with `settleTime: 0`', m.startNoSettle, bareNode, { times: 2, plus: 30 });
  row('`node app.js stop` (daemon exits at once on SIGTERM)', m.stop, bareNode, { times: 1, plus: 30 });
  row('start-stop-daemon script `start`', m.lsbStart, bareNode, {});
  row('start-stop-daemon script `stop`', m.lsbStop, bareNode, {});
  row('RSS of the daemon (MiB)', m.rss, ['same program without initgen', m.plainRss], { times: 1, plus: 5, unit: 'MiB' });
}

async function generatorFigures() {
  const out = path('out');
  const generateInto = (dir) => timed(NODE, [CLI, '--target', 'all', '--config', EXAMPLE, '--out', dir]);
  let fresh = 0;
  const m = await sample(REPS, {
    bare,
    // a clean build tree: every file is created
    all: () => generateInto(path(`fresh${++fresh}`)),
    // a rebuild: every file is already there, identical, and left alone
    again: () => generateInto(out),
  });
  row('`initgen --target all` for examples/hello, into an empty directory', m.all, ['bare `node -e 0`', m.bare], { times: 3 });
  row('the same again, every file already up to date', m.again, ['bare `node -e 0`', m.bare], {});
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(NODE, [here('./render-many.js'), String(RENDER_CONFIGS)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`render-many failed: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout));
  }
  const perFile = median(runs.map((r) => r.ms / r.files));
  row(`rendering ${RENDER_CONFIGS} configs × all targets (${runs[0].files} files), one process`, perFile, null, { unit: 'ms/file' });
}

async function parallelFigures({ running }) {
  const pid = readPid(running);
  const copies = [];
  const scripts = [];
  mkdirSync(path('many'), { recursive: true });
  for (let i = 0; i < PARALLEL; i++) {
    // Each copy with the daemon's identity record, so each passes the check: 100 running services, one process.
    const pidfile = path('many', `svc${i}.pid`);
    writeFileSync(pidfile, `${pid}\n`);
    copyFileSync(`${running}.id`, `${pidfile}.id`);
    copies.push(pidfile);
    scripts.push(await sysvScript(path('many', `svc${i}.sh`), pidfile));
  }
  const jobs = (make) => copies.map((pidfile, i) => make(pidfile, i));
  const m = await sample(REPS, {
    bare: () => parallel(jobs(() => ({ command: NODE, args: ['-e', '0'] }))),
    node: () => parallel(jobs((pidfile) => ({ command: NODE, ...call(APP, 'status', pidfile) }))),
    sysv: () => parallel(jobs((_, i) => ({ command: 'sh', args: [scripts[i], 'status'] }))),
    lsb: () => parallel(jobs((pidfile) => ({ command: 'sh', args: [LSB, 'status'], env: lsbEnv(pidfile) }))),
  });
  const base = [`${PARALLEL} × bare node`, m.bare];
  row(`\`node app.js status\` × ${PARALLEL} in parallel (total)`, m.node, base, { perCall: PARALLEL });
  row(`generated SysV \`status\` × ${PARALLEL} in parallel (total)`, m.sysv, [`${PARALLEL} × start-stop-daemon script`, m.lsb], { perCall: PARALLEL });
}

function budgetOf({ times, plus = 0, unit = 'ms' }, baseline) {
  if (times === undefined || !baseline) return undefined;
  const limit = times * baseline[1] + plus;
  const words = `${times === 1 ? 'baseline' : `${times} ×`}${plus ? ` + ${plus} ${unit}` : ''}`;
  return { limit, words: `≤ ${words} (${limit.toFixed(1)})` };
}

function printTable() {
  const lines = rows.map(({ figure, value, baseline, budget, skipped: reason }) => {
    if (reason !== undefined) return [figure, '-', '-', '-', '-', `skipped: ${reason}`];
    const unit = budget.unit ?? 'ms';
    const limit = budgetOf(budget, baseline);
    // a paired budget (times the floor, no plus) is checked on the median per-pair ratio
    const ratio = budget.paired ?? (baseline ? value / baseline[1] : undefined);
    const over = limit !== undefined && !(budget.paired !== undefined ? budget.paired <= budget.times : value <= limit.limit);
    if (over) failed = true;
    const shown = `${value.toFixed(unit === 'ms/file' ? 3 : 1)} ${unit}${budget.perCall ? ` (${(value / budget.perCall).toFixed(1)}/call)` : ''}`;
    return [
      figure,
      shown,
      baseline ? `${baseline[0]}: ${baseline[1].toFixed(1)}` : '-',
      ratio !== undefined ? `${ratio.toFixed(2)} ×${budget.paired !== undefined ? ' (paired)' : ''}` : '-',
      budget.paired !== undefined ? `≤ ${budget.times} ×, per pair` : limit?.words ?? 'report',
      limit === undefined ? '' : over ? 'over budget' : 'ok',
    ];
  });
  const header = ['figure', 'median', 'baseline', 'ratio', 'budget', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const l of [header, widths.map((w) => '-'.repeat(w)), ...lines]) {
    console.log(`| ${l.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`);
  }
}

const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
console.log(`initgen bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${REPS} repetitions per figure`);
console.log(`load average at start: ${load()}`);
// A machine busier than its CPUs queues every process the bench starts: paired budgets
// hold up better than the rest, but no figure of such a run describes initgen.
if (loadavg()[0] > cpus().length) console.log(`note: load average ${loadavg()[0].toFixed(2)} on ${cpus().length} CPUs: figures are not representative`);
if (REPS < 20) console.log(`note: fewer than 20 repetitions (BENCH_REPS=${REPS}): figures are indicative only`);
let code = 0;
try {
  probeSettingWords();
  const services = await statusFigures();
  if (ONLY === 'start') await lifecycleFigures();
  else if (ONLY !== 'status') {
    await lifecycleFigures();
    await generatorFigures();
    await parallelFigures(services);
  }
} catch (error) {
  console.error(`bench failed: ${error.stack ?? error}`);
  code = 1;
} finally {
  for (const pidfile of [path('run', 'app.pid'), path('run', 'lsb.pid')]) {
    const pid = readPid(pidfile);
    if (pid) await killOwned(pid);
  }
  rmSync(work, { recursive: true, force: true });
}
printTable();
console.log(`load average at end: ${load()}`);
if (failed) console.log('over budget: at least one figure missed its budget (see the table)');
process.exit(failed || code ? 1 : 0);
