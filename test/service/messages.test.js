// Issue 12: every failure is one line `NAME: what failed: why` with the right LSB
// code (4 for permission problems), never a raw Node error such as
// "EACCES: permission denied, mkdir ..." or "kill EPERM" or "Command failed: id -g".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { writeProgram } from '../helpers/program.js';
import { isAlive, isRoot, killHard, makeSandbox } from '../helpers/service.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const NOBODY = 65534;
const pids = [];
const boxes = [];
after(() => {
  pids.forEach(killHard);
  boxes.forEach((b) => b.remove());
});

/** A program whose pid directory lies in a root-owned 0755 directory; a log directory everyone may write. */
function setup() {
  const box = makeSandbox('initgen-messages-');
  boxes.push(box);
  chmodSync(box.dir, 0o755);
  const rootOnly = join(box.dir, 'root-only');
  mkdirSync(rootOnly, { mode: 0o755 });
  mkdirSync(join(box.dir, 'log'), { mode: 0o777 });
  chmodSync(join(box.dir, 'log'), 0o777);
  const pidfile = join(rootOnly, 'run', 'msgapp.pid');
  const logfile = join(box.dir, 'log', 'msgapp.log');
  const app = writeProgram(box.dir, {
    body: `import init from 'initgen';
init.simple({ name: 'msgapp', pidfile: ${JSON.stringify(pidfile)}, logfile: ${JSON.stringify(logfile)}, run() { setInterval(() => {}, 1 << 30); }, reload() {} });\n`,
  });
  const node = (args, asNobody = false) => {
    const r = spawnSync(process.execPath, [app, ...args], { env: { PATH }, encoding: 'utf8', timeout: 60_000, ...(asNobody && { uid: NOBODY, gid: NOBODY }) });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const started = (args) => {
    const r = node(['start', ...args]);
    assert.equal(r.code, 0, r.stderr);
    const pid = Number(/\(pid (\d+)\)/.exec(r.stdout)[1]);
    pids.push(pid);
    return pid;
  };
  return { rootOnly, pidfile, logfile, node, started };
}

const CASES = [
  {
    what: 'a pid directory the caller cannot create',
    run: (s) => ({ r: s.node(['start'], true), expect: [4, `msgapp: cannot create directory ${s.rootOnly}/run for lock file ${s.pidfile}.lock: permission denied\n`] }),
  },
  {
    what: 'a pid directory the caller may not write (the daemon reports it)',
    run: (s) => {
      mkdirSync(dirname(s.pidfile), { mode: 0o755 });
      // the controllers' lock is the caller's own file there, so only the pid file itself fails
      writeFileSync(`${s.pidfile}.lock`, '', { mode: 0o600 });
      chownSync(`${s.pidfile}.lock`, NOBODY, NOBODY);
      const r = s.node(['start'], true);
      // the daemon's own line follows, as the last lines of the log
      const log = `last lines of ${s.logfile}:\nmsgapp: cannot write pid file ${s.pidfile}: permission denied\n`;
      return { r, expect: [4, `msgapp failed to start: cannot write pid file ${s.pidfile}: permission denied\n${log}`] };
    },
  },
  {
    what: 'reload as a user who may not signal the daemon',
    run: (s) => {
      const pid = s.started([]);
      return { r: s.node(['reload'], true), expect: [4, `msgapp: cannot signal pid ${pid}: operation not permitted\n`], alive: pid };
    },
  },
  {
    what: 'an unknown user',
    run: (s) => ({ r: s.node(['start', '--initgen-user=initgen-no-such-user']), expect: [6, 'msgapp: cannot switch to user initgen-no-such-user: no such user\n'] }),
  },
  {
    what: 'an unknown group',
    run: (s) => ({ r: s.node(['start', '--initgen-group=initgen-no-such-group']), expect: [6, 'msgapp: cannot switch to group initgen-no-such-group: no such group\n'] }),
  },
  {
    what: 'a bad setting value names the setting word',
    run: (s) => ({ r: s.node(['start', '--initgen-umask=99x']), expect: [6, 'msgapp: Invalid setting `--initgen-umask`: expected an octal mode such as "022" or 0o022, got `99x`\n'] }),
  },
  {
    what: 'stop as the service\'s own user, under root\'s pid directory',
    run: (s) => {
      const pid = s.started(['--initgen-user=nobody']);
      return { r: s.node(['stop', '--initgen-user=nobody'], true), expect: [4, `msgapp: cannot remove pid file ${s.pidfile}: permission denied; not stopped\n`], alive: pid };
    },
  },
];

for (const { what, run } of CASES) {
  test(`${what}: one line NAME: what failed: why, and the LSB code`, { skip: !isRoot && 'needs root: runs actions as nobody over root-owned directories' }, () => {
    const { r, expect, alive } = run(setup());
    assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: expect[0], stdout: '', stderr: expect[1] });
    if (alive) assert.ok(isAlive(alive), 'the daemon was not touched');
  });
}
