// A service program for the operations tests (issue 14). Everything it is asked to do
// comes from OPS_* variables the test sets: paths, the config option, what to record.
//   OPS_PIDFILE, OPS_LOGFILE   where its pid and log files are
//   OPS_CONFIG                 unset: no config option; "schema": with a schema; "plain": config: { files }
//   OPS_CONFIG_FILES           system-wide config files to look for (colon-separated)
//   OPS_RECORD                 file each run()/reload() appends one JSON line to
//   OPS_VERSION                the version option
//   OPS_HOLD_MIB               MiB the daemon allocates and touches (an RSS to see)
//   OPS_RECORD_ENV             set: run() records its environment too
// Under a generated script (env -i, setting words) only the config's env reaches it:
// the paths then come as setting words, and the options it has no value for are left out.
import { appendFileSync } from 'node:fs';
import init from 'initgen';

const env = process.env;
const record = (entry) => env.OPS_RECORD && appendFileSync(env.OPS_RECORD, JSON.stringify({ pid: process.pid, ...entry }) + '\n');
const schema = {
  type: 'object',
  required: ['port'],
  properties: { port: { type: 'integer', minimum: 1, maximum: 65535 }, greeting: { type: 'string' } },
};
let held;

init.simple({
  name: 'opsapp',
  ...(env.OPS_PIDFILE && { pidfile: env.OPS_PIDFILE }),
  ...(env.OPS_LOGFILE && { logfile: env.OPS_LOGFILE }),
  ...(env.OPS_VERSION && { version: env.OPS_VERSION }),
  ...(env.OPS_CONFIG && {
    config: { files: (env.OPS_CONFIG_FILES ?? '').split(':').filter(Boolean), ...(env.OPS_CONFIG === 'schema' && { schema }) },
  }),
  run({ config }) {
    if (env.OPS_HOLD_MIB) held = Buffer.alloc(Number(env.OPS_HOLD_MIB) * 1024 * 1024, 1);
    record({ event: 'run', config, ...(env.OPS_RECORD_ENV && { env: { ...process.env }, uid: process.getuid() }) });
    setInterval(() => held?.length, 1 << 30);
  },
  reload(config, oldConfig) {
    record({ event: 'reload', config, oldConfig });
  },
});
