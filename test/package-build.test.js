// `npm run build` from a checkout whose path holds a space: the build locates its files
// through file URLs, and a URL's pathname spells the space %20.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));

test('npm run build works from a directory whose path contains a space', (t) => {
  const work = mkdtempSync(join(tmpdir(), 'initgen build-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const copy = join(work, 'my checkout');
  for (const part of ['package.json', 'tsconfig.json', 'src', 'templates', 'bin']) cpSync(join(REPO, part), join(copy, part), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(copy, 'node_modules'));
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: copy, encoding: 'utf8' });
  assert.equal(r.status, 0, `npm run build exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  for (const file of ['dist/initgen.cjs', 'dist/initgen.mjs', 'dist/bundle/initgen-cli.cjs', 'dist/bundle/yaml.cjs', 'dist/types/initgen.d.ts', 'dist/types/initgen.d.cts']) {
    assert.ok(existsSync(join(copy, file)), `${file} was not built`);
  }
  const cli = spawnSync(process.execPath, [join(copy, 'bin/initgen.js'), 'targets'], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, /sysv/);
});
