// How long typical early failures of a service take, from entering run() to the
// process's exit: what the default settle window (docs/design.md "The settle
// window") has to cover. Run by hand: `node test/probes/early-failures.js [RUNS]`.
// Each program runs in a temporary directory and exits by itself; spawnSync waits for it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.argv[2] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'early-failures-'));
const program = join(dir, 'fail.mjs');
writeFileSync(
  program,
  `import net from 'node:net';
import { readFile } from 'node:fs/promises';
const entered = performance.now();
process.on('exit', () => process.stdout.write(String(performance.now() - entered)));
const [kind, port] = process.argv.slice(2);
switch (kind) {
  case 'ECONNREFUSED': net.connect(Number(port), '127.0.0.1'); break;
  case 'EADDRINUSE': net.createServer().listen(Number(port), '127.0.0.1'); break;
  case 'missing module': import('no-such-module-' + process.pid); break;
  case 'ENOENT': readFile('/nonexistent/config.json'); break;
  case 'ENOTFOUND': net.connect(5432, 'db.invalid'); break;
}
setInterval(() => {}, 1 << 30); // a service: only the failure ends it
`,
);

const listening = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const busy = net.createServer();
const busyPort = await listening(busy);
const closed = net.createServer();
const closedPort = await listening(closed);
await new Promise((resolve) => closed.close(resolve));

console.log(`| failure | median | slowest |  (${RUNS} runs each, node ${process.version})`);
for (const kind of ['ECONNREFUSED', 'EADDRINUSE', 'missing module', 'ENOENT', 'ENOTFOUND']) {
  const port = kind === 'EADDRINUSE' ? busyPort : closedPort;
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [program, kind, String(port)], { encoding: 'utf8', timeout: 60_000 });
    ms.push(Number(r.stdout));
  }
  ms.sort((a, b) => a - b);
  console.log(`| ${kind} | ${ms[Math.floor(RUNS / 2)].toFixed(1)} ms | ${ms[RUNS - 1].toFixed(1)} ms |`);
}
busy.close();
rmSync(dir, { recursive: true, force: true });
