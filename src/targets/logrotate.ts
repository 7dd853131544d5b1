// logrotate snippet for the service's log file (contract §3: copytruncate keeps working).
import { isPlainAccountName, logrotatePath } from '../render/logrotate.js';
import { ignored, type Target } from './types.js';

const notRun = ignored('rotation does not start the program');

export const target: Target = {
  name: 'logrotate',
  title: 'logrotate snippet that rotates the log file (copytruncate)',
  fields: {
    name: { support: 'mapped', how: 'file name /etc/logrotate.d/NAME' },
    description: ignored('not used by logrotate'),
    longDescription: ignored('not used by logrotate'),
    script: notRun,
    args: notRun,
    node: notRun,
    user: { support: 'mapped', how: '`su USER GROUP` when group is set too' },
    group: { support: 'mapped', how: '`su USER GROUP` when user is set too' },
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
    nice: notRun,
    nofile: notRun,
    launchd: ignored('launchd only'),
    smf: ignored('SMF only'),
  },
  render(config, ctx) {
    const path = logrotatePath(config.logfile);
    if (path === undefined) {
      ctx.warn('logfile', 'a path with `{`, `}` or a line break cannot be written in a logrotate config; no snippet generated');
      return [];
    }
    const { user, group } = config;
    let su = '';
    if (user !== undefined && group !== undefined && isPlainAccountName(user) && isPlainAccountName(group)) {
      su = `${user} ${group}`;
    } else if (user !== undefined || group !== undefined) {
      const field = user !== undefined && (group === undefined || isPlainAccountName(user)) ? 'user' : 'group';
      ctx.warn(field, 'logrotate `su` needs a plain user and group name, both set; rotating as root without `su`');
    }
    return [
      {
        installPath: `etc/logrotate.d/${config.name}`,
        outPath: `${config.name}.logrotate`,
        mode: 0o644,
        content: ctx.template('logrotate.mustache', { name: config.name, path, su }),
      },
    ];
  },
};
