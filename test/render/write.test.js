// contract §5: output is written atomically, and --check tells what differs.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileDrift, writeFileAtomic, writeFileAtomicSync } from '../../dist/render/write.js';

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

test('build output (--out): same steps synchronously; mode applied despite the umask; no temporary file', () => {
  const path = join(dir, 'sync/c/run');
  const old = process.umask(0o077);
  try {
    assert.equal(writeFileAtomicSync(path, 'one\n', 0o755), true);
  } finally {
    process.umask(old);
  }
  assert.equal(readFileSync(path, 'utf8'), 'one\n');
  assert.equal(statSync(path).mode & 0o7777, 0o755);
  assert.deepEqual(readdirSync(join(dir, 'sync/c')), ['run']);
});

test('build output: an identical file is left alone (inode and mtime kept); other bytes or mode rewrite it', () => {
  const path = join(dir, 'sync/same');
  writeFileAtomicSync(path, 'same\n', 0o644);
  const past = new Date('2020-01-01T00:00:00Z');
  utimesSync(path, past, past);
  const before = statSync(path);
  assert.equal(writeFileAtomicSync(path, 'same\n', 0o644), false);
  const after = statSync(path);
  assert.equal(after.ino, before.ino);
  assert.equal(after.mtimeMs, past.getTime());
  assert.equal(writeFileAtomicSync(path, 'same\n', 0o755), true, 'a mode change is a change');
  assert.equal(statSync(path).mode & 0o7777, 0o755);
  assert.notEqual(statSync(path).mtimeMs, past.getTime());
  assert.equal(writeFileAtomicSync(path, 'other\n', 0o755), true);
  assert.equal(readFileSync(path, 'utf8'), 'other\n');
});

test('build output: a failed write leaves the old file and no temporary file', () => {
  const path = join(dir, 'sync/keep');
  writeFileAtomicSync(path, 'old\n', 0o644);
  // a directory where the file should go: the rename fails after the temporary file was written
  const blocked = join(dir, 'sync/blocked');
  writeFileAtomicSync(join(blocked, 'inside'), 'x', 0o644);
  assert.throws(() => writeFileAtomicSync(blocked, 'new\n', 0o644), /EISDIR|ENOTEMPTY|EEXIST/);
  assert.deepEqual(readdirSync(join(dir, 'sync')).filter((f) => f.endsWith('.tmp')), []);
  assert.equal(readFileSync(path, 'utf8'), 'old\n');
});

test('finding 3: inside a tree, links resolve as in a chroot; created directories are reported; a link at the destination is replaced, not written through', async () => {
  const { mkdirSync, symlinkSync, readlinkSync, lstatSync } = await import('node:fs');
  const { insideTree, readFileIn } = await import('../../dist/render/write.js');
  const tree = join(dir, 'tree');
  const outside = join(dir, 'outside');
  mkdirSync(join(outside, 'x'), { recursive: true });
  mkdirSync(tree);
  symlinkSync(outside, join(tree, 'abs')); // an absolute target: TREE + target
  const created = [];
  await writeFileAtomic(join(tree, 'abs/x/f'), 'in\n', 0o640, tree, created);
  assert.deepEqual(readdirSync(join(outside, 'x')), []);
  assert.equal(readFileSync(join(tree, outside, 'x/f'), 'utf8'), 'in\n');
  assert.equal(statSync(join(tree, outside, 'x/f')).mode & 0o7777, 0o640);
  assert.deepEqual(created, outside.split('/').filter(Boolean).map((_, i, all) => `/${all.slice(0, i + 1).join('/')}`).concat(`${outside}/x`));

  writeFileSync(join(outside, 'target'), 'keep\n');
  symlinkSync(join(outside, 'target'), join(tree, 'link'));
  assert.equal(writeFileAtomicSync(join(tree, 'link'), 'new\n', 0o644, tree), true);
  assert.equal(readFileSync(join(outside, 'target'), 'utf8'), 'keep\n');
  assert.equal(lstatSync(join(tree, 'link')).isFile(), true);

  symlinkSync(join(outside, 'target'), join(tree, 'link2'));
  assert.deepEqual(readFileIn(tree, join(tree, 'link2')), { kind: 'other' });
  assert.equal(readlinkSync(join(tree, 'link2')), join(outside, 'target'));
  assert.throws(() => insideTree(tree, outside), /is not inside/);
  assert.throws(() => insideTree(tree, tree), /is not inside/);
});

test('finding 3: a FIFO where a file is read does not hang the reader', async (t) => {
  const { spawnSync } = await import('node:child_process');
  const fifo = join(dir, 'fifo');
  if (spawnSync('mkfifo', [fifo]).status !== 0) {
    t.skip('needs mkfifo (coreutils)');
    return;
  }
  assert.equal(await fileDrift(fifo, 'x', 0o644, dir), 'not a regular file');
});
