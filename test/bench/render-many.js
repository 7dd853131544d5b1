// Renders N configs (default 1000) for every target in this one process and
// prints one JSON line: what `initgen` costs per file once Node is up.
import { validateConfig } from '../../dist/config/validate.js';
import { normalize } from '../../dist/config/normalize.js';
import { generate } from '../../dist/generate.js';
import { TARGET_NAMES } from '../../dist/targets/registry.js';

const count = Number(process.argv[2] ?? 1000);
const configOf = (i) => ({
  name: `svc${i}`,
  description: `Service number ${i}`,
  script: `/opt/svc${i}/app.js`,
  node: '/usr/bin/node',
  args: ['--port', String(8000 + i), 'it\'s "quoted"'],
  user: 'svc',
  cwd: `/opt/svc${i}`,
  env: { PORT: String(8000 + i), MODE: 'production' },
  pidfile: `/run/svc${i}.pid`,
  logfile: `/var/log/svc${i}.log`,
  dependencies: ['network'],
  stopTimeout: 10,
});

const ignore = () => {};
const start = process.hrtime.bigint();
let files = 0;
for (let i = 0; i < count; i++) {
  const config = normalize(await validateConfig(configOf(i), `svc${i}.json`));
  for (const target of TARGET_NAMES) files += (await generate(config, target, ignore)).length;
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(`${JSON.stringify({ configs: count, files, ms })}\n`);
