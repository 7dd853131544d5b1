// npm run golden [-- TARGET...]: rewrite test/golden/<target>/<case>/ and docs/targets.md.
// Review the diff: the golden files are the expected output, byte for byte.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTargetsDoc } from '../../dist/cli/docs.js';
import { CASES, GOLDEN_DIR, renderCase, targets } from './harness.js';

const only = process.argv.slice(2);
const { available } = await targets();

for (const { name } of available) {
  if (only.length > 0 && !only.includes(name)) continue;
  for (const caseName of CASES) {
    const dir = join(GOLDEN_DIR, name, caseName);
    const { files, records } = await renderCase(name, caseName);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const file of files) {
      const path = join(dir, file.outPath);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
      chmodSync(path, file.mode);
    }
    for (const [record, text] of Object.entries(records)) writeFileSync(join(dir, record), text);
  }
  console.log(`${name}: ${CASES.length} cases written`);
}

const docs = fileURLToPath(new URL('../../docs/targets.md', import.meta.url));
writeFileSync(docs, renderTargetsDoc(available.map((a) => a.target)));
console.log(`docs/targets.md: ${available.length} targets`);
