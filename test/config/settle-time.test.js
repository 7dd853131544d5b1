// The settleTime field (docs/contract.md §4): seconds, fractions allowed, 0 turns the window off.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalize } from '../../dist/config/normalize.js';
import { configProblems } from '../../dist/config/validate.js';
import { DEFAULTS } from '../../dist/defaults.js';

const ok = { name: 'hello', script: '/opt/hello/app.js' };

test('settleTime accepts 0, fractions and whole seconds', async () => {
  for (const settleTime of [0, 0.25, 1, 86400]) assert.deepEqual(await configProblems({ ...ok, settleTime }), [], String(settleTime));
});

test('settleTime below 0, above a day, or not a number is one clear problem', async () => {
  assert.deepEqual(await configProblems({ ...ok, settleTime: -1 }), ['Invalid `settleTime`: expected a number from 0 to 86400, got `-1`']);
  assert.equal((await configProblems({ ...ok, settleTime: 86401 })).length, 1);
  assert.deepEqual(await configProblems({ ...ok, settleTime: '1' }), ['Invalid `settleTime`: expected a number, got `1` (a string)']);
});

test('settleTime defaults to the library\'s own default', () => {
  assert.equal(normalize(ok).settleTime, DEFAULTS.settleTime);
  assert.equal(normalize({ ...ok, settleTime: 0 }).settleTime, 0);
});
