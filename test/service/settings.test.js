// Decision D1: settings are `--initgen-KEY=VALUE` words after the action, and they
// win over the program's options, its name included (issue 12: a config named igweb
// over a program named ighttp made the generated script's status call it dead).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { target } from '../../dist/targets/sysv.js';
import { writeProgram } from '../helpers/program.js';
import { isAlive, killHard, makeSandbox, waitFor } from '../helpers/service.js';
import { writeScript } from '../targets/sysv-harness.js';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const USAGE = 'Usage: ighttp {start|stop|restart|try-restart|reload|force-reload|status|run|logs}';

function setup(t) {
  const box = makeSandbox('initgen-settings-');
  chmodSync(box.dir, 0o755);
  const app = writeProgram(box.dir, { options: { name: 'ighttp', pidfile: '/nonexistent/ighttp.pid', logfile: '/nonexistent/ighttp.log' } });
  t.after(() => {
    killHard(box.readPid());
    box.remove();
  });
  const node = (args) => {
    const r = spawnSync(process.execPath, [app, ...args], { env: { PATH }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { box, app, node };
}

test('generated SysV script over a program of another name: status 0 while running, stop stops it', async (t) => {
  const { box, app } = setup(t);
  const config = { name: 'igweb', script: app, node: process.execPath, pidfile: box.pidfile, logfile: box.logfile };
  const script = writeScript(target, config, box.dir, 'igweb');
  const sh = (action) => {
    const r = spawnSync(script, [action], { env: { PATH }, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const start = sh('start');
  assert.equal(start.code, 0, start.stderr);
  const pid = box.readPid();
  assert.equal(start.stdout, `igweb started (pid ${pid})\n`, 'the config name is the program\'s name');
  assert.deepEqual(sh('status'), { code: 0, stdout: `igweb is running (pid ${pid})\n`, stderr: '' });
  const stop = sh('stop');
  assert.deepEqual(stop, { code: 0, stdout: `igweb stopped (pid ${pid})\n`, stderr: '' });
  await waitFor(() => !isAlive(pid), 'the daemon to be gone');
  assert.equal(sh('status').code, 3);
});

test('every action takes the settings, logs and status included', (t) => {
  const { box, node } = setup(t);
  mkdirSync(dirname(box.logfile), { recursive: true });
  writeFileSync(box.logfile, 'one\ntwo\n');
  const words = [`--initgen-pidfile=${box.pidfile}`, `--initgen-logfile=${box.logfile}`];
  assert.deepEqual(node(['logs', ...words, '-n', '1']), { code: 0, stdout: 'two\n', stderr: '' });
  assert.deepEqual(node(['status', ...words]), { code: 3, stdout: 'ighttp is not running\n', stderr: '' });
  assert.deepEqual(node(['status', ...words, '--initgen-name=other']), { code: 3, stdout: 'other is not running\n', stderr: '' });
  assert.equal(node(['stop', ...words]).code, 0);
});

test('a wrong setting word → 2 with the usage line; a wrong value → 6 naming the word', (t) => {
  const { node } = setup(t);
  for (const [args, line] of [
    [['status', '--initgen-pidfil=/x'], 'unknown setting `--initgen-pidfil`'],
    [['stop', '--initgen-pidfile'], 'setting `--initgen-pidfile` needs a value (--initgen-pidfile=VALUE)'],
    [['stop', '--initgen-user=a', '--initgen-user=b'], 'setting `--initgen-user` given twice'],
    // settings come right after the action: later, they are the action's own (unknown) options
    [['logs', '-n', '1', '--initgen-logfile=/x'], "Unknown option '--initgen-logfile'"],
  ]) {
    const r = node(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, `ighttp: ${line}\n${USAGE}\n`);
  }
  const bad = node(['status', '--initgen-umask=999', '--initgen-stop-timeout=0', '--initgen-env=1BAD']);
  assert.equal(bad.code, 6);
  assert.equal(
    bad.stderr,
    [
      'ighttp: Invalid setting `--initgen-umask`: expected an octal mode such as "022" or 0o022, got `999`',
      'ighttp: Invalid setting `--initgen-env`: expected an environment variable name, got `1BAD`',
      'ighttp: Invalid setting `--initgen-stop-timeout`: expected a number of seconds greater than 0, got `0`',
      '',
    ].join('\n'),
  );
});
