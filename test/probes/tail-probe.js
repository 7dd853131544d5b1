// Measures the `tail` package (node_modules/tail) against contract §3: `logs -f`
// must follow new lines across copytruncate and rename rotation and lose none.
// Run by hand: node test/probes/tail-probe.js
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pkg from 'tail';

const { Tail } = pkg;
const ROUNDS = 20;

async function trial(name, rotate) {
  const dir = mkdtempSync(join(tmpdir(), 'tail-probe-'));
  const log = join(dir, 'app.log');
  writeFileSync(log, 'start\n');
  const seen = [];
  const tail = new Tail(log, { follow: true });
  tail.on('line', (line) => seen.push(line));
  tail.on('error', () => {});
  await sleep(100);
  const written = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < 5; i++) {
      const line = `r${round} l${i}`;
      appendFileSync(log, `${line}\n`);
      written.push(line);
    }
    await sleep(50);
    rotate(log, round);
    const line = `r${round} after`;
    appendFileSync(log, `${line}\n`);
    written.push(line);
    await sleep(50);
  }
  await sleep(1500);
  tail.unwatch();
  rmSync(dir, { recursive: true, force: true });
  const lost = written.filter((l) => !seen.includes(l)).length;
  const foreign = seen.filter((l) => !written.includes(l)).length;
  console.log(`${name}: lines written ${written.length}, lost ${lost}, garbled or foreign ${foreign}`);
}

await trial('appends only', () => {});
await trial('copytruncate (copy, then truncate in place)', (log) => truncateSync(log, 0));
await trial('rename rotation (mv app.log app.log.N; new app.log)', (log, round) => {
  renameSync(log, `${log}.${round}`);
  writeFileSync(log, '');
});
