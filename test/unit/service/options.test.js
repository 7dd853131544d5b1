// src/service/options.ts on its own: the defaults, and every validation message
// ("Invalid option `x`: expected …, got `v`"), each a line of LSB 6 (docs/api.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hardKiller, softKiller } from '../../../dist/service/killers.js';
import { derivedName, resolveOptions } from '../../../dist/service/options.js';
import { takeSettings } from '../../../dist/service/settings.js';

const run = () => {};
const base = { pidfile: '/run/app.pid', logfile: '/var/log/app.log', run };
const SCRIPT = '/opt/app/server.js';

/** The lines resolveOptions throws for these options (and setting words), as ServiceFailure('notConfigured'). */
function problems(options, words = []) {
  const taken = takeSettings(words);
  assert.ok('settings' in taken, taken.usage);
  try {
    resolveOptions(options, taken.settings, SCRIPT);
  } catch (error) {
    assert.equal(error.name, 'ServiceFailure');
    assert.equal(error.outcome, 'notConfigured');
    return error.message.split('\n');
  }
  assert.fail('resolveOptions accepted them');
}

test('defaults', () => {
  assert.deepEqual(resolveOptions(base, undefined, SCRIPT), {
    name: 'app',
    pidfile: '/run/app.pid',
    logfile: '/var/log/app.log',
    run,
    stopTimeoutMs: 10_000,
    startTimeoutMs: 30_000,
    readiness: 'run',
    keepEnv: [],
    settleTimeMs: 500,
    logRotation: 'copytruncate',
    logMaxSize: 0,
    logKeep: 5,
  });
});

test('every option given, in code', () => {
  const reload = () => {};
  const stop = () => {};
  const o = resolveOptions(
    {
      ...base,
      name: 'web@1',
      reload,
      stop,
      lockfile: '/var/lock/subsys/web',
      user: 'www-data',
      group: '33',
      cwd: '/srv/web',
      umask: '027',
      stopTimeout: 2.5,
      startTimeout: 60,
      readiness: 'explicit',
      settleTime: 0,
      env: ['NODE_ENV', 'PORT'],
      logRotation: 'writer',
      logMaxSize: 1048576,
      logKeep: 0,
      version: '1.2.3',
      config: true,
      command: 'start',
    },
    undefined,
    SCRIPT,
  );
  assert.equal(o.name, 'web@1');
  assert.equal(o.reload, reload);
  assert.equal(o.stop, stop);
  assert.equal(o.umask, 0o027);
  assert.equal(o.stopTimeoutMs, 2500);
  assert.equal(o.startTimeoutMs, 60_000);
  assert.equal(o.settleTimeMs, 0);
  assert.deepEqual(o.keepEnv, ['NODE_ENV', 'PORT']);
  assert.deepEqual([o.lockfile, o.user, o.group, o.cwd, o.readiness, o.logRotation, o.logMaxSize, o.logKeep], ['/var/lock/subsys/web', 'www-data', '33', '/srv/web', 'explicit', 'writer', 1048576, 0]);
  assert.equal(resolveOptions({ ...base, umask: 0o077 }, undefined, SCRIPT).umask, 0o077);
});

test('the name: given, else the pid file\'s base name, else the script\'s, else "service"', () => {
  assert.equal(derivedName('/run/myprog.pid', SCRIPT), 'myprog');
  assert.equal(derivedName('/run/my prog.pid', SCRIPT), 'server');
  assert.equal(derivedName(undefined, '/opt/x/-bad.js'), 'service');
  assert.equal(resolveOptions({ ...base, pidfile: '/run/.pid' }, undefined, SCRIPT).name, 'server');
});

for (const [option, value, line] of [
  ['pidfile', 'run/app.pid', 'Invalid option `pidfile`: expected an absolute path, got `run/app.pid`'],
  ['pidfile', undefined, 'Invalid option `pidfile`: expected an absolute path, got `undefined`'],
  ['logfile', '/var/log/a\0b', 'Invalid option `logfile`: expected an absolute path, got `/var/log/a\0b`'],
  ['lockfile', 'lock', 'Invalid option `lockfile`: expected an absolute path, got `lock`'],
  ['cwd', '.', 'Invalid option `cwd`: expected an absolute path, got `.`'],
  ['run', 'main', 'Invalid option `run`: expected a function, got `main`'],
  ['reload', true, 'Invalid option `reload`: expected a function, got `true`'],
  ['stop', {}, 'Invalid option `stop`: expected a function, got `an object`'],
  ['name', 'my app', 'Invalid option `name`: expected a service name (letters, digits, _ . @ -; at most 64), got `my app`'],
  ['name', 'x'.repeat(65), `Invalid option \`name\`: expected a service name (letters, digits, _ . @ -; at most 64), got \`${'x'.repeat(65)}\``],
  ['user', 'a:b', 'Invalid option `user`: expected a user or group name (or numeric id), got `a:b`'],
  ['group', '', 'Invalid option `group`: expected a user or group name (or numeric id), got ``'],
  ['umask', '0999', 'Invalid option `umask`: expected an octal mode such as "022" or 0o022, got `0999`'],
  ['umask', 0o1000, 'Invalid option `umask`: expected an octal mode such as "022" or 0o022, got `512`'],
  ['stopTimeout', 0, 'Invalid option `stopTimeout`: expected a number of seconds greater than 0, got `0`'],
  ['startTimeout', 86401, 'Invalid option `startTimeout`: expected a number of seconds greater than 0, got `86401`'],
  ['startTimeout', '30s', 'Invalid option `startTimeout`: expected a number of seconds greater than 0, got `30s`'],
  ['settleTime', -1, 'Invalid option `settleTime`: expected a number of seconds, 0 or more, got `-1`'],
  ['readiness', 'ready', 'Invalid option `readiness`: expected "run" or "explicit", got `ready`'],
  ['env', ['OK', 'NOT-OK'], 'Invalid option `env`: expected an array of environment variable names, got `OK,NOT-OK`'],
  ['env', 'PATH', 'Invalid option `env`: expected an array of environment variable names, got `PATH`'],
  ['command', 7, 'Invalid option `command`: expected an action name, got `7`'],
  ['killer', 'hard', 'Invalid option `killer`: expected init.hardKiller(ms) or init.softKiller(ms), got `hard`'],
  ['logRotation', 'daily', 'Invalid option `logRotation`: expected "copytruncate" or "writer", got `daily`'],
  ['logMaxSize', 1.5, 'Invalid option `logMaxSize`: expected a whole number, 0 or more, got `1.5`'],
  ['logKeep', -1, 'Invalid option `logKeep`: expected a whole number, 0 or more, got `-1`'],
]) {
  test(`${option} = ${JSON.stringify(value) ?? 'undefined'}: "${line}"`, () => {
    // the name before each line: the given one when valid, else derived (from the pid file, else the script)
    const name = derivedName(option === 'pidfile' ? value : base.pidfile, SCRIPT);
    assert.deepEqual(problems({ ...base, [option]: value }), [`${name}: ${line}`]);
  });
}

test('every problem at once, one line each, in option order; an unknown option is named', () => {
  assert.deepEqual(problems({ pidfile: 'x.pid', logfile: 'y.log', run: 1, colour: 'blue' }), [
    'x: Unknown option `colour`',
    'x: Invalid option `run`: expected a function, got `1`',
    'x: Invalid option `pidfile`: expected an absolute path, got `x.pid`',
    'x: Invalid option `logfile`: expected an absolute path, got `y.log`',
  ]);
});

test('no options object at all', () => {
  assert.throws(() => resolveOptions(undefined, undefined, SCRIPT), { outcome: 'notConfigured', message: 'server: init.simple() needs an options object' });
});

test('a setting word wins over the option, and a bad value names the word, not the option', () => {
  const taken = takeSettings(['--initgen-stop-timeout=3', '--initgen-name=other', '--initgen-env=PORT', 'rest']);
  const o = resolveOptions({ ...base, stopTimeout: 20, env: ['HOME'] }, taken.settings, SCRIPT);
  assert.equal(o.stopTimeoutMs, 3000);
  assert.equal(o.name, 'other');
  assert.deepEqual(o.keepEnv, ['HOME', 'PORT']);
  assert.deepEqual(taken.rest, ['rest']);
  assert.deepEqual(problems(base, ['--initgen-stop-timeout=soon', '--initgen-umask=8']), [
    'app: Invalid setting `--initgen-umask`: expected an octal mode such as "022" or 0o022, got `8`',
    'app: Invalid setting `--initgen-stop-timeout`: expected a number of seconds greater than 0, got `soon`',
  ]);
  assert.deepEqual(problems(base, ['--initgen-env=A-B']), ['app: Invalid setting `--initgen-env`: expected an environment variable name, got `A-B`']);
});

test('node-init\'s killers: hardKiller(ms) stops after three delays; with stopTimeout too, a conflict', () => {
  assert.equal(resolveOptions({ ...base, killer: hardKiller(1000) }, undefined, SCRIPT).stopTimeoutMs, 3000);
  assert.equal(resolveOptions({ ...base, killer: softKiller(1000) }, undefined, SCRIPT).stopTimeoutMs, 10_000);
  assert.deepEqual(problems({ ...base, killer: hardKiller(), stopTimeout: 5 }), ['app: Conflicting options `killer` (init.hardKiller) and `stopTimeout`: give one']);
  // a setting word's stop timeout wins over the killer, as every setting does
  const taken = takeSettings(['--initgen-stop-timeout=7']);
  assert.equal(resolveOptions({ ...base, killer: hardKiller(), stopTimeout: 5 }, taken.settings, SCRIPT).stopTimeoutMs, 7000);
  assert.throws(() => hardKiller(0), { name: 'TypeError', message: 'init.hardKiller(): expected a delay in milliseconds greater than 0, got `0`' });
});
