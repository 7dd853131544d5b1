// logrotate snippet for the service's log file (docs/contract.md §3: copytruncate keeps working).
import { DEFAULTS } from '../defaults.js';
import { logrotatePath } from '../render/logrotate.js';
import { generatedLine } from '../render/marker.js';
import { escapeRegExp, ignored, type Target } from './types.js';

const notRun = ignored('rotation does not start the program');

export const target: Target = {
  name: 'logrotate',
  title: 'logrotate snippet that rotates the log file (copytruncate, or by rename for the log writer)',
  unit: (config) => config.name,
  installPaths: (name) => new RegExp(`^etc/logrotate\\.d/${escapeRegExp(name)}$`),
  rootRuns: 'never',
  // logrotate reads /etc/logrotate.d on its next run: nothing to enable.
  enabler: { privileged: false, enable: () => [], disable: () => [] },
  fields: {
    name: { support: 'mapped', how: 'file name /etc/logrotate.d/NAME' },
    description: ignored('not used by logrotate'),
    longDescription: ignored('not used by logrotate'),
    script: notRun,
    args: notRun,
    node: notRun,
    user: ignored('root rotates (no `su`): copytruncate works whoever owns the file'),
    group: ignored('root rotates (no `su`): copytruncate works whoever owns the file'),
    cwd: notRun,
    env: notRun,
    umask: notRun,
    pidfile: ignored('copytruncate needs no signal, so no pid'),
    logfile: { support: 'mapped', how: 'the rotated file: weekly, 8 kept, compressed, copytruncate' },
    lockfile: notRun,
    dependencies: notRun,
    runlevels: notRun,
    respawn: notRun,
    readiness: notRun,
    startTimeout: notRun,
    stopTimeout: notRun,
    settleTime: notRun,
    program: notRun,
    nice: notRun,
    nofile: notRun,
    launchd: ignored('launchd only'),
    smf: ignored('SMF only'),
    hardening: notRun,
    logRotation: { support: 'mapped', how: '"copytruncate": copytruncate; "writer": rotation by rename (no copytruncate), which the log writer follows' },
    logMaxSize: { support: 'mapped', how: 'maxsize SIZE: rotated before the week is out when larger (0: none)' },
    logKeep: { support: 'mapped', how: 'rotate NUM (default 8)' },
  },
  render(config, ctx) {
    const path = logrotatePath(config.logfile);
    if (path === undefined) {
      ctx.warn('logfile', 'a path with `{`, `}` or a line break cannot be written in a logrotate config; no snippet generated');
      return [];
    }
    // No `su USER GROUP` (issue 12): the log file and its directory are root's as
    // the library and the generated files create them, so as USER logrotate could
    // not even read them. Root can rotate whoever owns the file, and logrotate
    // itself refuses a directory a group or others can write, as the generated files do.
    return [
      {
        installPath: `etc/logrotate.d/${config.name}`,
        outPath: `${config.name}.logrotate`,
        mode: 0o644,
        content: ctx.template('logrotate.mustache', {
          marker: generatedLine(config.name),
          path,
          copytruncate: config.logRotation === 'copytruncate',
          keep: config.logKeep ?? DEFAULTS.logrotateKeep,
          maxsize: config.logMaxSize ? String(config.logMaxSize) : '',
        }),
      },
    ];
  },
};
