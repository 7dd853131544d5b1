// Security finding 4 (docs/contract.md §5): `detect --root DIR` ran DIR's own initctl
// as root, and install/uninstall with --root and no --target detect first. Detection
// reads files only: a program planted in a tree another user owns is never run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const NOBODY = 65534;
const scratch = mkdtempSync(join(tmpdir(), 'initgen-sec-detect-'));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));

function initgen(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('finding 4: detect, install and uninstall with --root never run the tree\'s initctl (or any of its programs)', () => {
  const tree = join(scratch, 'tree');
  const marker = join(scratch, 'ran');
  for (const dir of ['sbin', 'usr/bin', 'bin']) {
    mkdirSync(join(tree, dir), { recursive: true });
    // every tool detection looks for, each leaving a trace when run
    for (const tool of ['initctl', 'openrc-run', 'launchctl', 'svcadm', 'update-rc.d', 'chkconfig', 'insserv']) {
      writeFileSync(join(tree, dir, tool), `#!/bin/sh\necho "$0" >> ${marker}\necho "initctl (upstart 1.12.1)"\n`, { mode: 0o755 });
    }
  }
  if (process.getuid() === 0) for (const dir of ['', 'sbin', 'usr', 'usr/bin', 'bin']) chownSync(join(tree, dir), NOBODY, NOBODY);
  const config = join(scratch, 'initgen.json');
  writeFileSync(config, JSON.stringify({ name: 'sec', script: '/opt/sec/app.js', node: '/usr/bin/node' }));

  const d = initgen(['detect', '--verbose', '--root', tree]);
  // still recognised, from the file's bytes
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.stdout.split('\n')[0], 'upstart');
  assert.match(d.stdout, /upstart\tinitctl mentions upstart: \/usr\/bin\/initctl is upstart's/);
  const i = initgen(['install', '-c', config, '--root', tree, '--no-path-check']);
  assert.equal(i.code, 0, i.stderr);
  assert.match(i.stdout, /^installed sec for upstart/);
  const u = initgen(['uninstall', '-c', config, '--root', tree]);
  assert.equal(u.code, 0, u.stderr);
  assert.equal(existsSync(marker), false, `root ran the tree's programs during detection`);
});
