// issue 13: the service's own sh opens its log (docs/contract.md §3) with one command,
// openLogThen() in src/render/log-prepare.ts, for systemd, OpenRC and launchd. Run by
// a real /bin/sh: output and errors are appended, the file is not truncated, and
// sh becomes the program (same pid), so the supervisor's signals reach it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLogThen } from '../../dist/render/log-prepare.js';

test('issue 13: sh -c OPEN_LOG LOGFILE ARGV appends stdout and stderr, then is ARGV', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-openlog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'a log $HOME');
  writeFileSync(log, 'before\n');
  const program = 'console.log(`out ${process.pid}`); console.error("err", process.argv.slice(1).join("|"))';
  const [sh, ...args] = openLogThen(log, [process.execPath, '-e', program, '--', 'a b', '$x']);
  const r = spawnSync(sh, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout + r.stderr, '');
  const [first, out, err] = readFileSync(log, 'utf8').split('\n');
  assert.equal(first, 'before');
  assert.equal(out, `out ${r.pid}`, 'exec: node has the pid sh had');
  assert.equal(err, 'err a b|$x');
});
