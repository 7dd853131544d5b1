// contract §5: values are escaped for their format. The real logrotate must read
// back exactly the path we wrote, for every awkward character a path may hold.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { logrotatePath } from '../../dist/render/logrotate.js';

const haveLogrotate = spawnSync('logrotate', ['--version']).status === 0;

test('plain paths stay bare; others are single-quoted with glob characters escaped', () => {
  assert.equal(logrotatePath('/var/log/hello.log'), '/var/log/hello.log');
  assert.equal(logrotatePath('/var/log/a b.log'), `'/var/log/a b.log'`);
  assert.equal(logrotatePath(`/l/it's*[1]?.log`), `'/l/it'\\''s\\*\\[1\\]\\?.log'`);
});

test('braces and line breaks cannot be written', () => {
  for (const bad of ['/l/a{b}.log', '/l/a}.log', '/l/a\nb.log', '/l/a\rb.log']) assert.equal(logrotatePath(bad), undefined);
});

test('logrotate reads each escaped path back byte for byte', { skip: !haveLogrotate && 'needs logrotate (Debian package logrotate)' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'initgen-lr-'));
  try {
    const names = ['a b.log', `it's "q".log`, 'd$x`id`.log', 'star*.log', 'br[1].log', 'q?.log', 'back\\slash.log', 'h#a.log', 'ü ✓.log', 'a&b<c>.log'];
    const paths = names.map((n) => join(dir, n));
    // decoys that an unescaped glob would also match
    for (const p of [...paths, join(dir, 'starX.log'), join(dir, 'br1.log'), join(dir, 'qX.log')]) writeFileSync(p, 'x\n');
    const conf = join(dir, 'conf');
    writeFileSync(conf, paths.map((p) => `${logrotatePath(p)} {\n\tweekly\n}\n`).join(''));
    const run = spawnSync('logrotate', ['-d', '-s', join(dir, 'state'), conf], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const considered = [...run.stderr.matchAll(/^considering log (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(considered.sort(), [...paths].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
