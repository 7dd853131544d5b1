// An unmodified program (no init.simple(): run through initgen/wrap) for the admin
// overrides test: records its environment and uid, then stays up.
const { appendFileSync } = require('node:fs');

appendFileSync(process.env.OPS_RECORD, JSON.stringify({ pid: process.pid, event: 'run', env: { ...process.env }, uid: process.getuid() }) + '\n');
setInterval(() => {}, 1 << 30);
