// issue 13: the program's command line, NODE [NODE-ARGS] SCRIPT ACTION [WORDS] [-- ARGS],
// has one home (src/command-line.ts) for every target and for the library's `start`.
// That each reaches the program as written is shown end to end by the targets' tests
// (test/targets/*) and test/service/lifecycle.test.js "arguments after -- reach run()".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { programArgs, runCommand } from '../../dist/command-line.js';
import { normalize } from '../../dist/config/normalize.js';

test('issue 13: words follow the action, the program\'s arguments follow "--", and no "--" without them', () => {
  assert.deepEqual(programArgs({ nodeArgs: ['--import=w'], script: '/a.js', action: 'run', words: ['--initgen-daemon'], args: ['--', 'x'] }), [
    '--import=w', '/a.js', 'run', '--initgen-daemon', '--', '--', 'x',
  ]);
  assert.deepEqual(programArgs({ nodeArgs: [], script: '/a.js', action: 'stop', args: [] }), ['/a.js', 'stop']);
});

test('issue 13: runCommand is what a supervisor runs: NODE SCRIPT run -- ARGS', () => {
  const config = normalize({ name: 'a', script: '/opt/a.js', args: ['run', '-x'] }, '/usr/bin/node');
  assert.deepEqual(runCommand(config), ['/usr/bin/node', '/opt/a.js', 'run', '--', 'run', '-x']);
  assert.deepEqual(runCommand({ ...config, args: [] }), ['/usr/bin/node', '/opt/a.js', 'run']);
});
