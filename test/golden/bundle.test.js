// The published `initgen` runs a bundle (dist/bundle/initgen-cli.cjs, with templates
// parsed at build time), not the modules golden.test.js renders through: its output
// must be the same golden files, byte for byte and mode for mode (contract §5).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CASES, CASES_DIR, readGolden, RECORDS, targets } from './harness.js';

const BIN = fileURLToPath(new URL('../../bin/initgen.js', import.meta.url));
const { available } = await targets();

for (const caseName of CASES) {
  test(`bundled initgen --target all renders golden ${caseName} byte for byte`, (t) => {
    const out = mkdtempSync(join(tmpdir(), 'initgen-bundle-'));
    t.after(() => rmSync(out, { recursive: true, force: true }));
    const r = spawnSync(process.execPath, [BIN, '--target', 'all', '--config', join(CASES_DIR, `${caseName}.json`), '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const warnings = [];
    for (const { name } of available) {
      const golden = readGolden(name, caseName);
      assert.ok(golden.size > 0, `no golden files for ${name}/${caseName}`);
      for (const [path, { bytes }] of golden) {
        if (RECORDS.includes(path)) continue;
        const written = join(out, name, path);
        assert.ok(readFileSync(written).equals(bytes), `${name}/${path} differs from the golden file`);
      }
      warnings.push(...golden.get('warnings.txt').bytes.toString('utf8').split('\n').filter(Boolean));
      // install.txt records each file's exact mode
      for (const line of golden.get('install.txt').bytes.toString('utf8').split('\n').filter(Boolean)) {
        const [mode, , , outPath] = line.split(' ');
        assert.equal((statSync(join(out, name, outPath)).mode & 0o7777).toString(8).padStart(4, '0'), mode, `${name}/${outPath}: mode`);
      }
    }
    assert.deepEqual(r.stderr.split('\n').filter(Boolean), warnings, 'warnings on stderr differ from the golden warnings.txt files');
  });
}
