// OpenRC service script: openrc-run's start-stop-daemon backgrounds `NODE SCRIPT run`
// and owns the pid file; settings use openrc-run's own variables.
import { generatedLine } from '../render/marker.js';
import { programArgs } from '../command-line.js';
import { abstractDependency, type AbstractDependency } from '../config/schema.js';
import { defaultPidfile } from '../defaults.js';
import { shQuote } from '../render/sh.js';
import { logPrepareLines, OPEN_LOG } from '../render/log-prepare.js';
import { ACTION_CODES } from '../lsb.js';
import { ADMIN_WORDS, adminDefaultsFunction, EXPORTED_NAMES, rootsAloneFunction } from '../render/admin-overrides.js';
import { at, live, toolProbe } from './host.js';
import { commentLine } from './lsb-header.js';
import { CLEAN_PATH } from './supervise.js';
import { escapeRegExp, type Target } from './types.js';

/** docs/contract.md §4: after the stop timeout, SIGKILL and wait up to 5 s more */
const KILL_WAIT = 5;

/**
 * OpenRC services (Gentoo/Alpine names). network, remote-fs and local-fs are hard
 * `need`s; syslog and time are `use`: a machine without a logger or an NTP client still
 * boots, as with LSB's optional $syslog/$time. Another service's name is a `need`.
 */
export const DEPENDENCIES: Record<AbstractDependency, { word: 'need' | 'use'; service: string }> = {
  network: { word: 'need', service: 'net' },
  'remote-fs': { word: 'need', service: 'netmount' },
  'local-fs': { word: 'need', service: 'localmount' },
  syslog: { word: 'use', service: 'logger' },
  time: { word: 'use', service: 'ntp-client' },
};

function openrcDependency(dep: string): { word: 'need' | 'use'; service: string } {
  const abstract = abstractDependency(dep);
  return abstract === undefined ? { word: 'need', service: dep } : DEPENDENCIES[abstract];
}

export const target: Target = {
  name: 'openrc',
  title: 'OpenRC service script (openrc-run, start-stop-daemon)',
  unit: (config) => config.name,
  installPaths: (name) => new RegExp(`^etc/init\\.d/${escapeRegExp(name)}$`),
  rootRuns: 'withoutUser',
  // rc-update add is a symlink in /etc/runlevels/default; under --root, make it directly.
  enabler: {
    privileged: true,
    enable: (s) =>
      live(s)
        ? [{ kind: 'run', argv: ['rc-update', 'add', s.name, 'default'] }]
        : [{ kind: 'symlink', path: at(s, `/etc/runlevels/default/${s.name}`), target: `/etc/init.d/${s.name}` }],
    disable: (s) =>
      live(s)
        ? [
            { kind: 'run', argv: ['rc-service', s.name, 'stop'], tolerate: true },
            { kind: 'run', argv: ['rc-update', 'del', s.name, 'default'], tolerate: true },
          ]
        : [{ kind: 'unlink', path: at(s, `/etc/runlevels/default/${s.name}`) }],
    startHint: (s) => `rc-service ${s.name} start`,
  },
  detection: { pid1: /(^|\/)openrc-init$/, probes: [{ rank: 40, probe: toolProbe('openrc-run', 'openrc') }] },
  fields: {
    name: { support: 'mapped', how: 'file name etc/init.d/NAME and name=' },
    description: { support: 'mapped', how: 'description= (one line)' },
    longDescription: { support: 'ignored', how: 'OpenRC shows only the one-line description' },
    script: { support: 'mapped', how: 'command_args: env -i PATH=... [KEY=VALUE...] /bin/sh -c OPEN-LOG LOGFILE NODE SCRIPT run [-- ARGS]' },
    args: { support: 'mapped', how: 'command_args, each a variable expanded as one word by eval' },
    node: { support: 'mapped', how: 'command_args (command= is env); stop and reload match /proc/PID/exe against it' },
    user: { support: 'mapped', how: 'command_user=USER[:GROUP]' },
    group: { support: 'mapped', how: 'command_user=USER:GROUP, or --group when no user is set' },
    cwd: { support: 'mapped', how: 'directory=' },
    env: { support: 'mapped', how: 'KEY=VALUE words after env -i in command_args: node sees PATH, these, then the admin\'s overrides (/etc/default or /etc/sysconfig, then what /etc/conf.d/NAME exports)' },
    umask: { support: 'mapped', how: 'umask=' },
    pidfile: { support: 'mapped', how: 'pidfile=, written by start-stop-daemon (run mode writes none)' },
    logfile: {
      support: 'mapped',
      how: 'start_pre (root) creates it when missing, owned by the user, and refuses a link or another user\'s file; sh opens it after the switch to command_user',
    },
    lockfile: { support: 'ignored', how: 'OpenRC keeps its own service state' },
    dependencies: {
      support: 'mapped',
      how: 'depend(): need net (network), need netmount (remote-fs), need localmount (local-fs), use logger (syslog), use ntp-client (time), need NAME otherwise; always need localmount and after netmount',
    },
    runlevels: { support: 'unsupported', how: 'OpenRC runlevels are chosen with rc-update add NAME LEVEL' },
    respawn: { support: 'unsupported', how: 'start-stop-daemon does not restart a dead daemon (supervise-daemon would)' },
    readiness: { support: 'unsupported', how: 'start-stop-daemon --background returns without waiting for ready()' },
    startTimeout: { support: 'unsupported', how: 'start-stop-daemon does not wait for readiness' },
    stopTimeout: { support: 'mapped', how: `retry=TERM/N/KILL/${KILL_WAIT}` },
    settleTime: { support: 'ignored', how: 'start-stop-daemon --background does not wait for the program' },
    program: { support: 'mapped', how: 'plain: command_args --import=WRAPPER SCRIPT run' },
    nice: { support: 'mapped', how: 'start_stop_daemon_args=--nicelevel N' },
    nofile: { support: 'mapped', how: 'rc_ulimit="-n N" (soft and hard)' },
    launchd: { support: 'ignored', how: 'launchd only' },
    smf: { support: 'ignored', how: 'SMF only' },
    hardening: { support: 'unsupported', how: 'no sandboxing with Debian\'s start-stop-daemon (OpenRC\'s own has capabilities= and no_new_privs=)' },
    logRotation: { support: 'unsupported', how: 'the log file is the service\'s stdout itself: rotate it with the logrotate target (copytruncate)' },
    logMaxSize: { support: 'ignored', how: 'the logrotate target maps it (maxsize)' },
    logKeep: { support: 'ignored', how: 'the logrotate target maps it (rotate)' },
  },

  render(config, ctx) {
    // start-stop-daemon.sh uses pidfile unquoted
    let pidfile = config.pidfile;
    if (shQuote(pidfile) !== pidfile) {
      pidfile = defaultPidfile(config.name);
      ctx.warn('pidfile', `OpenRC splits pidfile= on whitespace when stopping: using ${pidfile}`);
    }

    const vars: { name: string; value: string }[] = [];
    const ref = (name: string, value: string): string => {
      vars.push({ name, value: shQuote(value) });
      return `"$${name}"`;
    };
    // D2: node starts with the fixed PATH and the config's variables only (env -i),
    // and docs/contract.md §3: sh opens the log after start-stop-daemon switched to
    // command_user (its --output/--stdout would open it as root, following links).
    const node = ref('initgen_node', config.node);
    const envWords = Object.entries(config.env).map(([key, value], i) => ref(`initgen_env${i}`, `${key}=${value}`));
    // env's assignments, then (start_pre) the admin's overrides, then the command
    const envArgs = ['-i', ref('initgen_path', CLEAN_PATH), ...envWords];
    const argv = ['/bin/sh', '-c', ref('initgen_open_log', OPEN_LOG)];
    const logfile = ref('initgen_logfile', config.logfile);
    const nodeArgs = config.nodeArgs.map((a, i) => ref(`initgen_node_arg${i}`, a));
    const script = ref('initgen_script', config.script);
    argv.push(logfile, node, ...programArgs({ nodeArgs, script, action: 'run', args: config.args.map((a, i) => ref(`initgen_arg${i}`, a)) }));
    ref('initgen_cwd', config.cwd);
    ref('initgen_admin_words', ADMIN_WORDS);

    const user = config.user === undefined ? undefined : config.user + (config.group ? `:${config.group}` : '');
    const ssdArgs: string[] = [];
    if (config.nice !== undefined) ssdArgs.push(`--nicelevel ${config.nice}`);
    if (user === undefined && config.group !== undefined) ssdArgs.push(`--group ${ref('initgen_group', config.group)}`);
    const commandUser = user === undefined ? '' : ref('initgen_user', user);
    ref('initgen_account', config.user ?? '');
    ref('initgen_owner', config.user === undefined ? '' : `${config.user}:${config.group ?? ''}`);

    const deps: { word: string; service: string }[] = config.dependencies.map(openrcDependency);
    // node, the script and the log file must be reachable: as SysV's $remote_fs, without a hard network need
    deps.unshift({ word: 'need', service: 'localmount' }, { word: 'after', service: 'netmount' });
    const depend = (['need', 'use', 'after'] as const).flatMap((word) => {
      const services = [...new Set(deps.filter((d) => d.word === word).map((d) => d.service))];
      return services.length ? [`${word} ${services.join(' ')}`] : [];
    });

    const overrideWords = { name: '$name', fail: 'initgen_fail', notConfigured: ACTION_CODES.notConfigured };
    const content = ctx.template('service', {
      marker: generatedLine(config.name),
      nameQ: shQuote(config.name),
      descriptionQ: shQuote(commentLine(config.description) || config.name),
      vars,
      envArgsQ: shQuote(envArgs.join(' ')),
      runArgsQ: shQuote(argv.join(' ')),
      // docs/packaging.md, "Admin overrides": the SysV script's rule, and OpenRC's conf.d
      adminDefaults: adminDefaultsFunction({ ...overrideWords, fn: 'initgen_admin_defaults' }),
      rootsAlone: rootsAloneFunction({ ...overrideWords, fn: 'initgen_roots_alone' }),
      exportedNames: EXPORTED_NAMES,
      notConfigured: ACTION_CODES.notConfigured,
      prepareLog: logPrepareLines('\t\t'),
      pidfileQ: pidfile,
      commandUserQ: commandUser && shQuote(commandUser),
      umask: config.umask,
      retry: `TERM/${config.stopTimeout}/KILL/${KILL_WAIT}`,
      rcUlimit: config.nofile === undefined ? '' : shQuote(`-n ${config.nofile}`),
      ssdArgsQ: ssdArgs.length ? shQuote(ssdArgs.join(' ')) : '',
      depend,
    });
    return [{ installPath: `etc/init.d/${config.name}`, outPath: config.name, mode: 0o755, content }];
  },
};
