// contract §5: every golden file passes the real tools that read its format,
// through the format checks in test/formats/ (one per target, found through the
// target registry). A target without a format check fails here: a new target can
// never go unchecked. A check that cannot run here (a tool missing) skips with
// the tool and the command that installs it; strict mode (CI) fails on that.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { cannotCheck, formatCheck, subjects } from '../formats/index.js';
import { GOLDEN_DIR, readGolden, RECORDS, targets, CASES } from './harness.js';

const { available, missing } = await targets();

for (const name of missing) {
  test(`validate ${name}: the target module exists`, () => assert.fail(`${name} is in the target registry but has no module`));
}

for (const { name } of available) {
  const mod = await formatCheck(name);
  if (!mod) {
    test(`validate ${name}: a format check exists`, () => {
      assert.fail(`target ${name} has no format check: write test/formats/${name}.js (see test/formats/index.js)`);
    });
    continue;
  }
  const cannot = await cannotCheck(name);
  for (const caseName of CASES) {
    test(`validate ${name}/${caseName}: ${mod.description}`, { skip: cannot }, async (t) => {
      const paths = [...readGolden(name, caseName).keys()].filter((p) => !RECORDS.includes(p));
      const picked = subjects(mod, paths).map((p) => join(GOLDEN_DIR, name, caseName, p));
      assert.ok(picked.length > 0, `no golden ${name} file for ${caseName} that the format check takes (${paths.join(', ')})`);
      const reports = name === 'systemd'
        ? [await mod.check(picked, mod.goldenOptions)]
        : await Promise.all(picked.map((s) => mod.check(s, mod.goldenOptions)));
      for (const r of reports) {
        assert.notEqual(r.status, 1, r.output);
        if (r.status === 3) return t.skip(r.cannot);
      }
    });
  }
}
