// Issue 12: a drop-in for node-init (the npm `init` module). Its README example,
// pasted unchanged, exited 6 (`command` unknown), then 6 again (no `name`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveOptions } from '../../dist/service/options.js';
import { readableRoot } from '../helpers/readable-tree.js';
import { isAlive, killHard, makeSandbox, waitFor } from '../helpers/service.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// node-init's README, "For the impatient", byte for byte (indentation included)
const README_EXAMPLE = `
    init = require('init');

    init.simple({
        pidfile : '/var/run/myprog.pid',
        logfile : '/var/log/myprog.log',
        command : process.argv[3],
        run     : function () {
            doWhateverMyDaemonDoes();
        }
    })
`;

/** The example as a program, with initgen installed under node-init's name (npm i init@npm:initgen). */
function program(t, source) {
  const box = makeSandbox('initgen-node-init-');
  chmodSync(box.dir, 0o755);
  mkdirSync(join(box.dir, 'node_modules'));
  symlinkSync(readableRoot(), join(box.dir, 'node_modules', 'init'));
  const app = join(box.dir, 'myprog.js');
  writeFileSync(app, source);
  t.after(() => {
    killHard(box.readPid());
    box.remove();
  });
  // the example's paths are system paths: the test gives its own, as a generated wrapper does
  const words = [`--initgen-pidfile=${box.pidfile}`, `--initgen-logfile=${box.logfile}`];
  const run = (action, extra = words) => {
    const r = spawnSync(process.execPath, [app, action, ...extra], { env: { PATH }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { box, run };
}

test('node-init\'s README example runs unchanged: start, status, stop', async (t) => {
  const { box, run } = program(t, `function doWhateverMyDaemonDoes() {\n  setInterval(() => {}, 1 << 30);\n}\n${README_EXAMPLE}`);
  const start = run('start');
  assert.equal(start.code, 0, start.stderr);
  const pid = box.readPid();
  assert.equal(start.stdout, `myprog started (pid ${pid})\n`, 'the name comes from the pid file the program gives');
  assert.deepEqual(run('status'), { code: 0, stdout: `myprog is running (pid ${pid})\n`, stderr: '' });
  assert.deepEqual(run('stop'), { code: 0, stdout: `myprog stopped (pid ${pid})\n`, stderr: '' });
  await waitFor(() => !isAlive(pid), 'the daemon to be gone');
  assert.equal(run('status').code, 3);
});

test('`command` names the action when the command line does not', (t) => {
  const { run } = program(t, `require('init').simple({ pidfile: '/var/run/myprog.pid', logfile: '/var/log/myprog.log', command: 'status', run() {} });\n`);
  assert.deepEqual(run('--verbose', []), { code: 3, stdout: 'myprog is not running\n', stderr: '' });
});

test('every option problem at once, one line each, exit 6', (t) => {
  const { run } = program(t, `const init = require('init');
init.simple({ pidfile: 'run/myprog.pid', logfile: '/var/log/myprog.log', command: 7, killer: () => {}, colour: 'blue', stopTimeout: 3 });\n`);
  const r = run('status', []);
  assert.equal(r.code, 6);
  assert.equal(
    r.stderr,
    [
      'myprog: Unknown option `colour`',
      'myprog: Invalid option `run`: expected a function, got `undefined`',
      'myprog: Invalid option `pidfile`: expected an absolute path, got `run/myprog.pid`',
      'myprog: Invalid option `command`: expected an action name, got `7`',
      'myprog: Invalid option `killer`: expected init.hardKiller(ms) or init.softKiller(ms), got a function',
      '',
    ].join('\n'),
  );
});

test('init.hardKiller(ms) and init.softKiller(ms) map onto the stop timeout; exported by the package', () => {
  const init = createRequire(import.meta.url)('../../dist/initgen.cjs');
  const base = { pidfile: '/run/x.pid', logfile: '/var/log/x.log', run() {} };
  assert.equal(resolveOptions({ ...base, killer: init.hardKiller(100) }).stopTimeoutMs, 300, 'TERM, INT, QUIT 100 ms apart, then KILL');
  assert.equal(resolveOptions({ ...base, killer: init.hardKiller() }).stopTimeoutMs, 6000, 'node-init\'s default delay is 2000 ms');
  assert.equal(resolveOptions({ ...base, killer: init.softKiller(100) }).stopTimeoutMs, 10_000, 'soft: SIGTERM, then the stop timeout');
  assert.equal(resolveOptions({ ...base, killer: init.softKiller(), stopTimeout: 2 }).stopTimeoutMs, 2000);
  assert.throws(() => resolveOptions({ ...base, killer: init.hardKiller(100), stopTimeout: 2 }), /Conflicting options `killer` \(init.hardKiller\) and `stopTimeout`: give one/);
  assert.equal(resolveOptions({ ...base }).name, 'x', 'derived from the pid file');
  assert.equal(resolveOptions({ ...base, pidfile: '/run/x y.pid' }, undefined, '/opt/app/server.js').name, 'server', 'else from the script');
});
