// contract §5: output is deterministic (same input, same bytes) and matches the
// reviewed golden files, including which fields each target warns about.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CASES, readGolden, RECORDS, renderCase, targets } from './harness.js';

const { available } = await targets();

for (const { name } of available) {
  for (const caseName of CASES) {
    test(`golden ${name}/${caseName}: rendering equals the golden files byte for byte`, async () => {
      const golden = readGolden(name, caseName);
      assert.ok(golden.size > 0, `no golden files for ${name}/${caseName}: run npm run golden -- ${name}, then review the diff`);
      const { files, records } = await renderCase(name, caseName);
      const expected = [...files.map((f) => f.outPath), ...RECORDS].sort();
      assert.deepEqual([...golden.keys()].sort(), expected, 'golden file set differs (npm run golden)');
      for (const file of files) {
        const { bytes, mode } = golden.get(file.outPath);
        assert.equal(Buffer.from(file.content).toString('utf8'), bytes.toString('utf8'), `${file.outPath} differs`);
        assert.ok(Buffer.from(file.content).equals(bytes), `${file.outPath} differs in bytes`);
        // git keeps only the executable bit; install.txt records the exact mode
        assert.equal((mode & 0o111) !== 0, (file.mode & 0o111) !== 0, `${file.outPath}: executable bit differs`);
      }
      for (const [record, text] of Object.entries(records)) {
        assert.equal(golden.get(record).bytes.toString('utf8'), text, `${record} differs`);
      }
    });

    test(`golden ${name}/${caseName}: rendering twice gives identical bytes`, async () => {
      const first = await renderCase(name, caseName);
      const second = await renderCase(name, caseName);
      assert.deepEqual(second, first);
    });
  }
}
