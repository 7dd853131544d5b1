// contract §5: a bad config is rejected with one line per problem naming the field and what is wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configProblems, validateConfig } from '../../dist/config/validate.js';

const ok = { name: 'hello', script: '/opt/hello/app.js' };

test('a valid config has no problems, including cwd "/"', async () => {
  assert.deepEqual(await configProblems({ ...ok, cwd: '/', $schema: 'x' }), []);
});

test('the messages say what is expected and what was given', async () => {
  const cases = [
    [{ ...ok, pidfile: 'run/app.pid' }, 'Invalid `pidfile`: expected an absolute path, got `run/app.pid`'],
    [{ ...ok, pidFile: '/x' }, 'Unknown field `pidFile`; did you mean `pidfile`?'],
    [{ script: '/a.js' }, 'Missing field `name`'],
    [{ ...ok, name: 'my app' }, 'Invalid `name`: expected a service name (letters, digits, _ . @ -), got `my app`'],
    [{ ...ok, nice: 40 }, 'Invalid `nice`: expected an integer from -20 to 19, got `40`'],
    [{ ...ok, nofile: 0 }, 'Invalid `nofile`: expected an integer of at least 1, got `0`'],
    [{ ...ok, stopTimeout: '10' }, 'Invalid `stopTimeout`: expected an integer, got `10` (a string)'],
    [{ ...ok, umask: 22 }, 'Invalid `umask`: expected a string (quote it: "022"), got `22` (a number)'],
    [{ ...ok, readiness: 'now' }, 'Invalid `readiness`: expected one of `run`, `explicit`, got `now`'],
    [{ ...ok, dependencies: ['network', 'network'] }, 'Invalid `dependencies`: `network` appears twice'],
    [{ ...ok, env: { '1X': 'a' } }, 'Invalid name `1X` in `env`: expected an environment variable name (letters, digits, _; not starting with a digit)'],
    [{ ...ok, respawn: { count: -1 } }, 'Invalid `respawn.count`: expected an integer of at least 1, got `-1`'],
    [{ ...ok, pidfile: '/' }, 'Invalid `pidfile`: expected a file path, not `/`, got `/`'],
    [{ ...ok, description: 'a\u0000b' }, 'Invalid `description`: contains a NUL byte, which cannot pass through argv or the environment'],
  ];
  for (const [config, line] of cases) assert.deepEqual(await configProblems(config), [line]);
});

test('every problem is reported, each once', async () => {
  const problems = await configProblems({ name: 'a b', script: 'x', nice: 1.5, bogus: true });
  assert.equal(problems.length, 4, problems.join('\n'));
});

test('validateConfig names the file on each line', async () => {
  await assert.rejects(validateConfig({ script: 'x' }, 'initgen.json'), (err) => {
    assert.deepEqual(err.problems, ['initgen.json: Missing field `name`', 'initgen.json: Invalid `script`: expected an absolute path, got `x`']);
    return true;
  });
});
