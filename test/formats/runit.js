// runit service directories (runsv(8), sv(8), svlogd(8)). Static: ./run,
// ./finish and ./log/run are executable scripts with a #! line and pass the sh
// battery. At run time (root, unless static): runsv really supervises a scratch
// copy: ./run stays up with one pid, the output reaches svlogd's files,
// `sv down` stops it leaving no process behind (a run script without exec
// fails here), and `sv exit` ends runsv and the log service.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CLEAN_PATH, Report, alive, killAll, pidsIn, poll, processTree, run, scratch } from './lib.js';
import { serviceDirsOf, staticChecks } from './service-dir.js';

export const description = 'runit service directory';
/** Tools the static checks need; runTools and root too for the runtime check. */
export const tools = ['dash', 'busybox', 'shellcheck', 'runsv', 'sv', 'svlogd', 'chpst'];
export const runTools = ['ps'];
export const usage = '[--static] DIR [NAME=VALUE...]';
export const subjectsOf = serviceDirsOf;
export const goldenOptions = { static: true };
/** Seconds ./run must stay up with one pid to count as supervised, not restarting. */
export const STEADY_SECONDS = 2;

export async function check(dir, { static: staticOnly = false, env = {} } = {}) {
  dir = dir.replace(/\/+$/, '');
  const r = new Report(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return r.fail('no such directory'), r;
  if (!r.need(...tools)) return r;
  staticChecks(r, dir, 'runsvdir');
  if (staticOnly || r.failures.length) return r;
  if (!r.needRoot('runsv starts the service as root, as runsvdir does') || !r.need(...runTools)) return r;
  const work = scratch('runit');
  const svc = join(work.dir, 'sv', basename(dir));
  mkdirSync(join(work.dir, 'sv'));
  cpSync(dir, svc, { recursive: true, preserveTimestamps: true });
  const runsv = spawn('runsv', [svc], { env: { PATH: CLEAN_PATH, ...env }, stdio: 'ignore', detached: true });
  const sv = (...args) => run('sv', args);
  try {
    await poll(() => existsSync(join(svc, 'supervise', 'control')), 5000);
    const status = () => sv('status', svc).out;
    const up = (s) => /^run: [^(]*\(pid (\d+)\) (\d+)s/.exec(s);
    const first = await poll(() => up(status()), 5000);
    const steady = first && (await poll(() => {
      const now = up(status());
      if (!now || now[1] !== first[1]) return 'restarted';
      return Number(now[2]) >= STEADY_SECONDS && 'steady';
    }, (STEADY_SECONDS + 3) * 1000));
    const st = status();
    if (steady === 'steady') r.ok(`runsv keeps it running: ${st.trim()}`);
    else return r.fail('runsv cannot keep ./run running (it exits or restarts)', st), r;
    const pid = Number(first[1]);
    if (existsSync(join(svc, 'log'))) {
      if (/; run: log: \(pid \d+\)/.test(st)) r.ok('log/run runs under runsv');
      else r.fail(`log/run is not running: ${st.trim()}`);
      const logged = await poll(() => findLogged(join(svc, 'log')), 15_000);
      if (logged) r.ok(`the service's output reached ${logged.slice(svc.length + 1)}`);
      else r.warn('nothing reached a log file under log/ (the program printed nothing, or log/run drops it)');
    }
    const tree = processTree(pid);
    const down = sv('-w', '7', 'down', svc);
    if (down.status === 0) r.ok('sv down stops it');
    else r.fail('sv -w 7 down does not stop it', down.out);
    const left = await poll(() => {
      const still = [...tree.filter(alive), ...pidsIn(svc).filter((p) => p !== runsv.pid)];
      return still.length === 0 ? [] : undefined;
    }, 3000);
    if (left) r.ok('no process of the service survives the stop');
    else r.fail('processes of the service survive sv down (a run script without exec?)', run('ps', ['-o', 'pid=,args=', '-p', [...tree, ...pidsIn(svc)].join(',')]).out);
    sv('exit', svc);
    const exited = await poll(() => runsv.exitCode !== null || runsv.signalCode !== null, 20_000);
    if (exited) r.ok('sv exit ends runsv and its log service');
    else r.fail('runsv does not exit on sv exit (its log service still has writers: leftover processes)');
  } finally {
    if (runsv.exitCode === null && runsv.signalCode === null) {
      sv('exit', svc);
      if (existsSync(join(svc, 'log'))) sv('exit', join(svc, 'log'));
    }
    await killAll([runsv.pid, ...pidsIn(work.dir, { below: true })].filter(alive));
    work.remove();
  }
  return r;
}

/** A non-empty log file under a log service dir, not its supervise/ state. */
export function findLogged(logDir, name) {
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && e.name !== 'supervise') {
        const found = walk(p);
        if (found) return found;
      } else if (e.isFile() && (!name || e.name === name) && statSync(p).size > 0 && readFileSync(p).length > 0) return p;
    }
    return undefined;
  };
  return walk(logDir);
}
