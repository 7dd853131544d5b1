// daemontools service directories (svscan(8), supervise(8), svc(8), multilog(8)).
// Static checks as for runit. At run time (root, unless static): svscan on a
// scratch scan directory (supervise alone does not pipe ./run into ./log):
// svok, ./run up with one pid, multilog writes log/.../current, `svc -d` stops
// it leaving no process behind, `svc -dx` ends both supervise processes.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CLEAN_PATH, Report, alive, killAll, pidsIn, poll, processTree, run, scratch } from './lib.js';
import { serviceDirsOf, staticChecks } from './service-dir.js';
import { STEADY_SECONDS, findLogged } from './runit.js';

export const description = 'daemontools service directory';
/** Tools the static checks need; runTools and root too for the runtime check. */
export const tools = ['dash', 'busybox', 'shellcheck', 'svscan', 'supervise', 'svc', 'svstat', 'svok', 'multilog', 'setuidgid'];
export const runTools = ['ps'];
export const usage = '[--static] DIR [NAME=VALUE...]';
export const subjectsOf = serviceDirsOf;
export const goldenOptions = { static: true };

export async function check(dir, { static: staticOnly = false, env = {} } = {}) {
  dir = dir.replace(/\/+$/, '');
  const r = new Report(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return r.fail('no such directory'), r;
  if (!r.need(...tools)) return r;
  staticChecks(r, dir, 'svscan');
  if (staticOnly || r.failures.length) return r;
  if (!r.needRoot('svscan starts the service as root, as at boot') || !r.need(...runTools)) return r;
  const work = scratch('daemontools');
  const scan = join(work.dir, 'scan');
  const svc = join(scan, basename(dir));
  mkdirSync(scan);
  cpSync(dir, svc, { recursive: true, preserveTimestamps: true });
  const svscan = spawn('svscan', [scan], { cwd: scan, env: { PATH: CLEAN_PATH, ...env }, stdio: 'ignore', detached: true });
  const supervisors = () => run('ps', ['-o', 'pid=,stat=', '--ppid', String(svscan.pid)]).stdout.split('\n')
    .map((l) => l.trim().split(/\s+/)).filter(([p, s]) => p && !s.startsWith('Z')).map(([p]) => Number(p));
  try {
    if (await poll(() => run('svok', [svc]).status === 0, 10_000)) r.ok('svscan started supervise for it (svok)');
    else return r.fail('supervise is not running for it (svok fails)'), r;
    const status = () => run('svstat', [svc]).out;
    const up = (s) => /: up \(pid (\d+)\) (\d+) seconds/.exec(s);
    const first = await poll(() => up(status()), 5000);
    const steady = first && (await poll(() => {
      const now = up(status());
      if (!now || now[1] !== first[1]) return 'restarted';
      return Number(now[2]) >= STEADY_SECONDS && 'steady';
    }, (STEADY_SECONDS + 3) * 1000));
    if (steady === 'steady') r.ok(`supervise keeps it running: ${status().trim()}`);
    else return r.fail('supervise cannot keep ./run running (it exits or restarts)', status()), r;
    const pid = Number(first[1]);
    if (existsSync(join(svc, 'log'))) {
      const lst = run('svstat', [join(svc, 'log')]).out;
      if (/: up \(pid /.test(lst)) r.ok(`log/run runs under supervise: ${lst.trim()}`);
      else r.fail(`log/run is not running: ${lst.trim()}`);
      // multilog ends on TERM only after the next newline: wait for the program's first line
      const logged = await poll(() => findLogged(join(svc, 'log'), 'current'), 15_000);
      if (logged) r.ok(`the service's output reached ${logged.slice(svc.length + 1)}`);
      else r.warn('nothing reached a log file under log/ (the program printed nothing, or log/run drops it)');
    }
    const tree = processTree(pid);
    run('svc', ['-d', svc]);
    const down = await poll(() => / down /.test(status()), 7000);
    if (down) r.ok(`svc -d stops it: ${status().trim()}`);
    else r.fail(`svc -d does not stop it within 7 s: ${status().trim()}`);
    const left = await poll(() => {
      const sup = supervisors();
      const still = [...tree.filter(alive), ...pidsIn(svc).filter((p) => !sup.includes(p))];
      return still.length === 0 ? [] : undefined;
    }, 3000);
    if (left) r.ok('no process of the service survives the stop');
    else r.fail('processes of the service survive svc -d (a run script without exec?)', run('ps', ['-o', 'pid=,args=', '-p', [...tree, ...pidsIn(svc)].join(',')]).out);
    run('svc', ['-dx', svc]);
    if (existsSync(join(svc, 'log'))) run('svc', ['-dx', join(svc, 'log')]);
    if (await poll(() => supervisors().length === 0, 20_000)) r.ok('svc -dx ends supervise for the service and its log');
    else r.fail('supervise does not exit on svc -dx (its log service still has writers: leftover processes)');
  } finally {
    await killAll([svscan.pid, ...supervisors(), ...pidsIn(work.dir, { below: true })].filter(alive));
    work.remove();
  }
  return r;
}
