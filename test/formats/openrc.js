// The OpenRC service script format (openrc-run(8)): a sh script run by openrc-run.
// Real readers: dash -n, busybox sh -n, shellcheck, and OpenRC's own openrc-run
// running the script's `describe` and `depend`. Own check (openrc-run(8)): the
// script defines `command=` or a start() function, else there is nothing to start.
// With { run: true } (root): status/start/status/stop/status for real, in a private
// mount namespace with a fresh /run so the machine's OpenRC state is untouched.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Report, alive, hardNofile, killAll, nofilePrefix, run, scratch, shChecks } from './lib.js';

export const description = 'OpenRC service script (openrc-run)';
/** Tools the static checks need; runTools and root too for the runtime check. */
export const tools = ['dash', 'busybox', 'shellcheck', 'openrc-run'];
export const runTools = ['unshare'];
export const usage = '[--run] FILE';
export const picks = (path) => !path.includes('/') && !path.endsWith('.txt');

export async function check(file, { run: lifecycle = false } = {}) {
  const r = new Report(file);
  if (!existsSync(file)) return r.fail('no such file'), r;
  if (!r.need(...tools)) return r;
  const name = basename(file);
  const first = readFileSync(file, 'utf8').split('\n')[0];
  const shebang = first === '#!/sbin/openrc-run' || first === '#!/usr/sbin/openrc-run';
  if (shebang) r.ok(`shebang ${first}`);
  else r.fail(`first line must be #!/sbin/openrc-run, found ${JSON.stringify(first)}`);
  if (!(statSync(file).mode & 0o100)) r.warn('not executable (an installed service script is mode 755)');
  // openrc-run reads the variables the script sets (command, pidfile, ...), which
  // shellcheck cannot know: SC2034 "appears unused" is expected
  shChecks(r, file, 'sh', ['SC2034']);

  const work = scratch('openrc');
  try {
    const copy = join(work.dir, 'init.d', name);
    mkdirSync(join(work.dir, 'init.d'));
    copyFileSync(file, copy);
    chmodSync(copy, 0o755);
    const defines = run('dash', ['-c', `for f in need use want before after provide keyword config; do eval "$f() { :; }"; done
. "$1" >/dev/null 2>&1
if [ -n "\${command:-}" ]; then echo command; elif command -v start >/dev/null 2>&1; then echo start; fi`, 'sh', copy], { cwd: work.dir, env: { PATH: process.env.PATH, RC_SVCNAME: name } });
    if (defines.stdout.trim()) r.ok(`defines what to start: ${defines.stdout.trim()}`);
    else r.fail('defines neither command= nor start(): openrc-run has nothing to start');
    // openrc-run applies rc_ulimit before every action, even describe: a limit above
    // this process's hard limit is raised for the tool (as root), else it cannot run here
    // this process's hard limit is raised for the tool (prlimit, as root). Where even
    // root cannot raise it (no CAP_SYS_RESOURCE), openrc-run reads a copy whose -n is
    // lowered to the hard limit: everything else it reads is the script's own.
    const nofile = Number(/^rc_ulimit=.*-n\s*(\d+)/m.exec(readFileSync(file, 'utf8'))?.[1] ?? 0);
    const limit = nofilePrefix(nofile);
    if (limit.reason) {
      const hard = hardNofile();
      writeFileSync(copy, readFileSync(file, 'utf8').replace(/^(rc_ulimit=.*-n\s*)(\d+)/m, `$1${hard}`));
      r.warn(`rc_ulimit -n ${nofile} read as -n ${hard} by openrc-run here: ${limit.reason}`);
      limit.prefix = [];
    }
    if (shebang) {
      for (const action of ['describe', 'depend']) {
        const a = limit.prefix.length ? run(limit.prefix[0], [...limit.prefix.slice(1), copy, '--nocolor', action]) : run(copy, ['--nocolor', action]);
        // " * " lines are openrc-run's own informational output
        const errors = a.stderr.split('\n').filter((l) => l && !l.startsWith(' * '));
        if (a.status === 0 && errors.length === 0) r.ok(`openrc-run '${action}'`);
        else r.fail(`openrc-run '${action}' exits ${a.status}`, `${a.stdout}${errors.join('\n')}`.replaceAll(`${work.dir}/init.d/`, ''));
      }
    }
    if (lifecycle && r.failures.length === 0 && r.needRoot('--run starts the service') && r.need(...runTools)) await runLifecycle(r, copy, work.dir);
  } finally {
    work.remove();
  }
  return r;
}

const DRIVE = `
mount --make-rprivate / 2>/dev/null
mount -t tmpfs initgen-format /run || exit 90
mkdir -p /run/openrc && cd /run/openrc && mkdir -p daemons exclusive failed hotplugged inactive options \\
  scheduled started starting stopping tmp wasinactive && touch softlevel || exit 91
svc=$1
step() { timeout 20 "$svc" --nocolor --nodeps "$1" >/run/initgen-format.out 2>&1; r=$?; printf '%s %s ' "$1" "$r"; tr '\\n' ' ' </run/initgen-format.out; echo; }
step status; step start; step status; step stop; step status
timeout 20 "$svc" --nodeps stop >/dev/null 2>&1
for f in /run/openrc/daemons/*/*; do
  [ -f "$f" ] || continue
  pf=$(sed -n 's/^pidfile=//p' "$f")
  [ -n "$pf" ] && [ -f "$pf" ] && kill -9 "$(cat "$pf")" 2>/dev/null
done
"$svc" --nodeps zap >/dev/null 2>&1
`;

async function runLifecycle(r, copy, dir) {
  const d = run('unshare', ['-m', 'sh', '-c', DRIVE, 'sh', copy], { timeout: 150_000 });
  const lines = d.stdout.split('\n');
  const want = [['status', 3], ['start', 0], ['status', 0], ['stop', 0], ['status', 3]];
  want.forEach(([action, code], i) => {
    const line = lines[i] ?? '';
    if (line.startsWith(`${action} ${code} `)) r.ok(`run: '${action}' exits ${code}`);
    else r.fail(`run: '${action}' should exit ${code}, got: ${line || 'no result'}`, d.stderr);
  });
  // anything the run left behind in the scratch tree is ended by pid
  const left = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'latin1').includes(dir) && alive(p);
    } catch {
      return false;
    }
  });
  await killAll(left);
}
