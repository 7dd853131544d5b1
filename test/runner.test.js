// test/run.js: the skip summary after the run, the closing "N passed, N failed,
// N skipped" line, and strict mode, on a sample file with known skips.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('run.js', import.meta.url));
const SAMPLE = 'test/fixtures/skips.js';

function runSample(extraEnv, sample = SAMPLE) {
  const env = { ...process.env, ...extraEnv };
  delete env.CI;
  delete env.INITGEN_TEST_STRICT;
  // a runner inside a test would otherwise report to the outer runner, not print
  delete env.NODE_TEST_CONTEXT;
  Object.assign(env, extraEnv);
  const r = spawnSync(process.execPath, [RUN, sample], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: r.stdout };
}

test('every skip is listed once, with its reason and what would run it', () => {
  const { status, out } = runSample({});
  assert.equal(status, 0, out);
  const summary = out.slice(out.indexOf('Skipped tests (3):'));
  assert.match(summary, /- needs frobnicate \(Debian package frobnicate\)[^\n]*\n {4}to run them: bash test\/tools\/install-deps\.sh \(as root\)\n {4}test\/fixtures\/skips\.js: needs a tool\n/);
  assert.match(summary, /- not applicable on this platform\n {4}test\/fixtures\/skips\.js: by design\n/);
  assert.match(summary, /- needs root: to try it\n {4}to run them: run the suite as root \(sudo npm test\)\n {4}test\/fixtures\/skips\.js: skips at run time\n/);
  assert.match(out, /\n1 passed, 0 failed, 3 skipped\n$/);
});

for (const [name, env] of [['CI=true', { CI: 'true' }], ['INITGEN_TEST_STRICT=1', { INITGEN_TEST_STRICT: '1' }]]) {
  test(`strict mode (${name}): a skip for a missing tool or root fails the run; a skip by design does not`, () => {
    const { status, out } = runSample(env);
    assert.equal(status, 1, out);
    assert.match(out, /- FAIL \(strict mode\) needs frobnicate/);
    assert.match(out, /- FAIL \(strict mode\) needs root: to try it/);
    assert.match(out, /- not applicable on this platform/);
    assert.match(out, /\n1 passed, 2 failed, 1 skipped\n$/);
  });
}

test('a run that changes the mode of the shared temporary directory fails, naming it', (t) => {
  // its own sticky directory as TMPDIR: the guard watches tmpdir() as well as /tmp
  const shared = mkdtempSync(join(tmpdir(), 'initgen-runner-tmp-'));
  t.after(() => rmSync(shared, { recursive: true, force: true }));
  chmodSync(shared, 0o1777);
  const { status, out } = runSample({ TMPDIR: shared }, 'test/fixtures/chmods-tmpdir.js');
  assert.equal(statSync(shared).mode & 0o7777, 0o755, 'the sample did narrow it');
  assert.equal(status, 1, out);
  assert.match(out, new RegExp(`The mode of ${shared} changed during the run: 1777 -> 755`));
  assert.match(out, /\n1 passed, 1 failed, 0 skipped\n$/);
});
