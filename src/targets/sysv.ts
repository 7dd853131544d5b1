// SysV init script: an LSB header for insserv, chkconfig and systemd-sysv-generator,
// and a POSIX sh body that hands every action but status to the program itself.
import { abstractDependency, type AbstractDependency } from '../config/schema.js';
import { SERVICE_PATH } from '../defaults.js';
import type { Action } from '../install/actions.js';
import { exists, findTool, inRoot, isDir } from '../install/rootfs.js';
import { ACTIONS, ACTION_CODES, OPERATION_ACTIONS, STATUS_CODES, usageLine } from '../lsb.js';
import { adminDefaultsFunction, ASSIGNED_NAMES } from '../render/admin-overrides.js';
import { generatedLine } from '../render/marker.js';
import { shQuote } from '../render/sh.js';
import { idfileOf } from '../service/pidfile.js';
import { at, live, PlanError, type Evidence, type Site } from './host.js';
import { commentLine, commentLines, lsbHeader } from './lsb-header.js';
import { settingWords } from './settings.js';
import { escapeRegExp, type Target } from './types.js';

/** Actions that may start the daemon, so the nice value and open-file limit must be applied first. */
const SPAWNING = new Set(['start', 'restart', 'try-restart', 'force-reload', 'run']);

/** chkconfig priorities: late start, early stop (chkconfig uses them only without an LSB header). */
const CHKCONFIG_START = 80;
const CHKCONFIG_STOP = 20;

/** The LSB system facilities; any other name is another script's Provides. */
export const FACILITIES: Record<AbstractDependency, string> = {
  network: '$network',
  'remote-fs': '$remote_fs',
  'local-fs': '$local_fs',
  syslog: '$syslog',
  time: '$time',
};

const lsbFacility = (dep: string): string => {
  const abstract = abstractDependency(dep);
  return abstract === undefined ? dep : FACILITIES[abstract];
};

export const target: Target = {
  name: 'sysv',
  title: 'SysV init script with an LSB header (POSIX sh)',
  unit: (config) => config.name,
  installPaths: (name) => new RegExp(`^etc/init\\.d/${escapeRegExp(name)}$`),
  // the script runs node as root for every action; the daemon drops privileges itself
  rootRuns: 'always',
  enabler: {
    privileged: true,
    enable,
    disable,
    startHint: (s) => `/etc/init.d/${s.name} start`,
    look,
  },
  detection: { probes: [{ rank: 80, probe: initScripts }], flavours: ['sysv-debian', 'sysv-rhel'] },
  fields: {
    name: { support: 'mapped', how: 'file name etc/init.d/NAME, LSB Provides, --initgen-name (the program takes this name)' },
    description: { support: 'mapped', how: 'LSB Short-Description and chkconfig "# description:" (one line)' },
    longDescription: { support: 'mapped', how: 'LSB Description, continued on "#  " lines' },
    script: { support: 'mapped', how: 'NODE SCRIPT ACTION' },
    args: { support: 'mapped', how: 'after "--", each argument single-quoted for sh' },
    node: { support: 'mapped', how: 'the interpreter every action but status runs; missing → exit 5' },
    user: { support: 'mapped', how: '--initgen-user: the library drops privileges' },
    group: { support: 'mapped', how: '--initgen-group: the library drops privileges' },
    cwd: { support: 'mapped', how: '--initgen-cwd: the daemon changes to it' },
    env: { support: 'mapped', how: 'the only environment node gets (env -i, with a fixed PATH), through env(1) so no name can clash with the script; each name as --initgen-env, kept across the switch to user' },
    umask: { support: 'mapped', how: '--initgen-umask' },
    pidfile: { support: 'mapped', how: '--initgen-pidfile, "# pidfile:" hint; the sh status reads it and PIDFILE.id (pid and start time)' },
    logfile: { support: 'mapped', how: '--initgen-logfile' },
    lockfile: { support: 'mapped', how: '--initgen-lockfile; status 2 when only the lock file is left' },
    dependencies: {
      support: 'mapped',
      how: 'Required-Start/Stop: network→$network, remote-fs→$remote_fs, local-fs→$local_fs, syslog→$syslog, time→$time, others as script names; $remote_fs always (node, the script and /var/log may be on it)',
    },
    runlevels: { support: 'mapped', how: 'Default-Start/Default-Stop and the "# chkconfig:" levels' },
    respawn: { support: 'unsupported', how: 'SysV init does not restart a daemon that dies' },
    readiness: { support: 'ignored', how: 'the library\'s start waits for ready() when the program calls it' },
    startTimeout: { support: 'mapped', how: '--initgen-start-timeout' },
    stopTimeout: { support: 'mapped', how: '--initgen-stop-timeout' },
    settleTime: { support: 'mapped', how: '--initgen-settle-time' },
    program: { support: 'mapped', how: 'plain: NODE --import=WRAPPER SCRIPT ACTION' },
    nice: { support: 'mapped', how: '"renice -n N -p $$" before starting (relative to the caller, 0 under init)' },
    nofile: { support: 'mapped', how: '"prlimit --nofile=N --pid $$" (util-linux) before starting: POSIX ulimit sets only -f' },
    launchd: { support: 'ignored', how: 'launchd only' },
    smf: { support: 'ignored', how: 'SMF only' },
    hardening: { support: 'unsupported', how: 'a SysV script has no sandboxing' },
    logRotation: { support: 'mapped', how: '--initgen-log-rotation ("writer": the library\'s log writer)' },
    logMaxSize: { support: 'mapped', how: '--initgen-log-max-size (the log writer\'s size limit; the logrotate target maps it too)' },
    logKeep: { support: 'mapped', how: '--initgen-log-keep (the log writer\'s count; the logrotate target maps it too)' },
  },

  render(config, ctx) {
    if (config.given.has('respawn') && config.respawn.enabled) {
      ctx.warn('respawn', 'SysV init does not restart a daemon that dies; use a supervised target for respawn');
    }
    const required = unique(['$remote_fs', ...config.dependencies.map(lsbFacility)]);
    const should = required.includes('$time') ? [] : ['$time'];
    const header = lsbHeader([
      ['Provides', config.name],
      ['Required-Start', required.join(' ')],
      ['Required-Stop', required.join(' ')],
      ['Should-Start', should.join(' ')],
      ['Should-Stop', should.join(' ')],
      ['Default-Start', config.runlevels.start.join(' ')],
      ['Default-Stop', config.runlevels.stop.join(' ')],
      ['Short-Description', commentLine(config.description) || config.name],
      ['Description', nonEmpty(commentLines(config.longDescription), config.name)],
    ]);
    const levels = config.runlevels.start.filter((l) => l !== 'S').join('') || '-';
    const pidfileHint = commentLine(config.pidfile) === config.pidfile ? config.pidfile : '';
    if (!pidfileHint) ctx.warn('pidfile', 'has whitespace or control characters: no "# pidfile:" hint line');

    // D2: env -i, then only the fixed PATH and the config's env (a config PATH wins: it comes later)
    const envWords = [`PATH=${SERVICE_PATH}`, ...Object.entries(config.env).map(([k, v]) => `${k}=${v}`)].map(shQuote);
    const delegated = ACTIONS.filter((a) => a !== 'status' && a !== 'logs');

    const content = ctx.template('init', {
      header,
      chkconfig: `${levels} ${CHKCONFIG_START} ${CHKCONFIG_STOP}`,
      descriptionHint: commentLine(config.description) || config.name,
      pidfileHint,
      marker: generatedLine(config.name),
      nameQ: shQuote(config.name),
      nodeQ: shQuote(config.node),
      scriptQ: shQuote(config.script),
      nodeArgsQ: config.nodeArgs.map((a) => `${shQuote(a)} `).join(''),
      pidfileQ: shQuote(config.pidfile),
      pathQ: shQuote(SERVICE_PATH),
      idfileQ: shQuote(idfileOf(config.pidfile)),
      lockfileQ: shQuote(config.lockfile ?? ''),
      settingWords: settingWords(config).map(shQuote),
      usage: usageLine('$0'),
      action: ACTION_CODES,
      status: STATUS_CODES,
      envWords,
      argsTail: config.args.length ? ` -- ${config.args.map(shQuote).join(' ')}` : '',
      spawning: delegated.filter((a) => SPAWNING.has(a)).join(' | '),
      plain: delegated.filter((a) => !SPAWNING.has(a)).join(' | '),
      // issue 14: the operations actions, handed to node with this script's settings
      monitoring: OPERATION_ACTIONS.filter((a) => a !== 'configtest').join(' | '),
      nofile: config.nofile,
      nice: config.nice,
      // docs/packaging.md, "Admin overrides": the rule the OpenRC script applies too
      adminDefaults: adminDefaultsFunction({ fn: 'admin_defaults', name: '$NAME', fail: 'fail', notConfigured: ACTION_CODES.notConfigured }),
      assignedNames: ASSIGNED_NAMES,
    });
    return [{ installPath: `etc/init.d/${config.name}`, outPath: config.name, mode: 0o755, content }];
  },
};

function unique(words: string[]): string[] {
  return [...new Set(words)];
}

function nonEmpty(lines: string[], fallback: string): string[] {
  return lines.length ? lines : [fallback];
}

/** Debian (update-rc.d, insserv) or RHEL (chkconfig) tools, for enabling a script. */
async function flavour(root: string): Promise<'debian' | 'rhel' | undefined> {
  if ((await findTool(root, 'update-rc.d')) !== undefined || (await findTool(root, 'insserv')) !== undefined) return 'debian';
  if ((await findTool(root, 'chkconfig')) !== undefined) return 'rhel';
  return undefined;
}

async function look(root: string): Promise<Record<string, string>> {
  // an empty staging root has no tools of its own: enable it the way this host would
  const found = (await flavour(root)) ?? (root === '/' ? undefined : await flavour('/'));
  // Debian's update-rc.d calls /usr/lib/insserv/insserv; the package also links it into sbin.
  const insserv = (await findTool('/', 'insserv')) ?? ((await exists('/usr/lib/insserv/insserv')) ? '/usr/lib/insserv/insserv' : undefined);
  return { ...(found !== undefined && { flavour: found }), ...(insserv !== undefined && { insserv }) };
}

function insservArgs(s: Site): string[] {
  const insserv = s.tools.insserv;
  if (insserv === undefined) throw new PlanError(`enabling a SysV script under --root needs insserv on this host; use --no-enable`);
  const initd = at(s, '/etc/init.d');
  // -i keeps insserv's .depend.* files inside the root too; -f because a build root lacks the scripts that provide $remote_fs etc.
  return [insserv, '-f', '-p', initd, '-i', initd, '-c', at(s, '/etc/insserv.conf'), '-o', at(s, '/etc/insserv/overrides')];
}

/** The directories insserv works in, handed to it open (src/install/run-tool.ts): it creates DIR/etc/rcN.d next to init.d. */
const insservDirs = (s: Site): string[] => [at(s, '/etc/init.d'), at(s, '/etc')];

function enable(s: Site): Action[] {
  if (s.tools.flavour === 'rhel') {
    if (!live(s)) throw new PlanError('chkconfig cannot work under --root; use --no-enable and run `chkconfig --add NAME` on the installed system');
    return [{ kind: 'run', argv: ['chkconfig', '--add', s.name] }];
  }
  if (s.tools.flavour === undefined) throw new PlanError('found neither update-rc.d, insserv nor chkconfig to enable the script; use --no-enable');
  return [live(s) ? { kind: 'run', argv: ['update-rc.d', s.name, 'defaults'] } : { kind: 'run', argv: [...insservArgs(s), s.name], dirs: insservDirs(s) }];
}

function disable(s: Site): Action[] {
  if (!live(s)) return s.tools.flavour === 'debian' && s.tools.insserv !== undefined ? [{ kind: 'run', argv: [...insservArgs(s), '-r', s.name], tolerate: true, dirs: insservDirs(s) }] : [];
  const stop: Action = { kind: 'run', argv: [`/etc/init.d/${s.name}`, 'stop'], tolerate: true };
  if (s.tools.flavour === 'rhel') return [stop, { kind: 'run', argv: ['chkconfig', '--del', s.name], tolerate: true }];
  return [stop, { kind: 'run', argv: ['update-rc.d', '-f', s.name, 'remove'], tolerate: true }];
}

async function initScripts(root: string): Promise<Evidence> {
  const check = '/etc/init.d with update-rc.d or chkconfig';
  if (!(await isDir(inRoot(root, '/etc/init.d')))) return { check, seen: 'no /etc/init.d' };
  if ((await findTool(root, 'update-rc.d')) !== undefined) return { check, seen: '/etc/init.d and update-rc.d', system: 'sysv-debian' };
  if ((await findTool(root, 'chkconfig')) !== undefined) return { check, seen: '/etc/init.d and chkconfig', system: 'sysv-rhel' };
  return { check, seen: '/etc/init.d but neither update-rc.d nor chkconfig' };
}
