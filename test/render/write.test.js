// contract §5: output is written atomically, and --check tells what differs.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileDrift, writeFileAtomic } from '../../dist/render/write.js';

const dir = mkdtempSync(join(tmpdir(), 'initgen-write-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('creates parent directories, applies the mode despite the umask, leaves no temporary file', async () => {
  const path = join(dir, 'a/b/run');
  const old = process.umask(0o077);
  try {
    await writeFileAtomic(path, 'one\n', 0o755);
  } finally {
    process.umask(old);
  }
  assert.equal(readFileSync(path, 'utf8'), 'one\n');
  assert.equal(statSync(path).mode & 0o7777, 0o755);
  await writeFileAtomic(path, 'two\n', 0o644);
  assert.equal(readFileSync(path, 'utf8'), 'two\n');
  assert.deepEqual(readdirSync(join(dir, 'a/b')), ['run']);
});

test('fileDrift: missing, differs, mode, or nothing', async () => {
  const path = join(dir, 'f');
  assert.equal(await fileDrift(path, 'x', 0o644), 'missing');
  writeFileSync(path, 'y');
  chmodSync(path, 0o644);
  assert.equal(await fileDrift(path, 'x', 0o644), 'differs');
  assert.equal(await fileDrift(path, 'y', 0o644), undefined);
  assert.equal(await fileDrift(path, 'y', 0o755), 'mode is 0644, expected 0755');
});
