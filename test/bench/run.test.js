// The bench's status section runs to completion and checks its budgets (docs/benchmarks.md):
// every budgeted row says ok or over budget, the exit code says whether any missed, and
// the status_of_proc rows are measured or skipped with the reason. No timing is asserted:
// one round only, and which way a budget goes is the bench's business, not the suite's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('./run.js', import.meta.url));

test('npm run bench (status section, one round) prints its budgeted rows and exits by them', () => {
  const r = spawnSync(process.execPath, [RUN], { encoding: 'utf8', env: { ...process.env, BENCH_ONLY: 'status', BENCH_REPS: '1' } });
  assert.doesNotMatch(r.stderr, /bench failed/, r.stderr);
  const rows = r.stdout.split('\n').filter((line) => line.startsWith('| '));
  const budgeted = rows.filter((line) => /\| (ok|over budget) +\|$/.test(line));
  const names = budgeted.map((line) => line.split('|')[1].trim());
  const debian = existsSync('/lib/lsb/init-functions');
  assert.deepEqual(names, [
    '`node app.js status`, running',
    '`node app.js status`, stopped',
    ...(debian ? ['generated SysV `status`, running', 'generated SysV `status`, stopped'] : []),
  ], r.stdout);
  for (const line of budgeted.slice(0, 2)) assert.match(line, /floor-status\.cjs: [\d.]+ +\| [\d.]+ × \(paired\) +\| ≤ [\d.]+ ×, per pair/);
  if (!debian) assert.match(r.stdout, /skipped: \/lib\/lsb\/init-functions is missing/);
  const missed = budgeted.some((line) => line.includes('over budget'));
  assert.equal(r.status, missed ? 1 : 0, r.stdout);
});
