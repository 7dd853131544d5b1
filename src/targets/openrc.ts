// OpenRC service script: openrc-run's start-stop-daemon backgrounds `NODE SCRIPT run`
// and owns the pid file; settings use openrc-run's own variables.
import { shQuote } from '../render/sh.js';
import { clashesWithRunner, openrcDependency } from '../render/openrc.js';
import { commentLine } from '../render/lsb.js';
import type { Target } from './types.js';

/** contract §4: after the stop timeout, SIGKILL and wait up to 5 s more */
const KILL_WAIT = 5;

export const target: Target = {
  name: 'openrc',
  title: 'OpenRC service script (openrc-run, start-stop-daemon)',
  fields: {
    name: { support: 'mapped', how: 'file name etc/init.d/NAME and name=' },
    description: { support: 'mapped', how: 'description= (one line)' },
    longDescription: { support: 'ignored', how: 'OpenRC shows only the one-line description' },
    script: { support: 'mapped', how: 'command_args: SCRIPT run [-- ARGS]' },
    args: { support: 'mapped', how: 'command_args, each a variable expanded as one word by eval' },
    node: { support: 'mapped', how: 'command= (start-stop-daemon --exec; must be a plain path)' },
    user: { support: 'mapped', how: 'command_user=USER[:GROUP]' },
    group: { support: 'mapped', how: 'command_user=USER:GROUP, or --group when no user is set' },
    cwd: { support: 'mapped', how: 'directory=' },
    env: { support: 'mapped', how: 'export in the service script; names openrc-run reads itself are refused' },
    umask: { support: 'mapped', how: 'umask=' },
    pidfile: { support: 'mapped', how: 'pidfile=, written by start-stop-daemon (run mode writes none)' },
    logfile: {
      support: 'mapped',
      how: 'output_log= and error_log=; --output with dpkg\'s start-stop-daemon (Debian)',
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
    nice: { support: 'mapped', how: 'start_stop_daemon_args=--nicelevel N' },
    nofile: { support: 'mapped', how: 'rc_ulimit="-n N"' },
    launchd: { support: 'ignored', how: 'launchd only' },
    smf: { support: 'ignored', how: 'SMF only' },
    hardening: { support: 'unsupported', how: 'no sandboxing with Debian\'s start-stop-daemon (OpenRC\'s own has capabilities= and no_new_privs=)' },
  },

  render(config, ctx) {
    for (const field of ['runlevels', 'respawn', 'readiness', 'startTimeout'] as const) {
      if (config.given.has(field)) ctx.warn(field, `cannot be expressed for OpenRC: ${this.fields[field].how}`);
    }
    // start-stop-daemon.sh uses command and pidfile unquoted when stopping
    if (shQuote(config.node) !== config.node) {
      ctx.warn('node', 'OpenRC splits command= on whitespace when stopping: use a path without special characters');
    }
    let pidfile = config.pidfile;
    if (shQuote(pidfile) !== pidfile) {
      pidfile = `/run/${config.name}.pid`;
      ctx.warn('pidfile', `OpenRC splits pidfile= on whitespace when stopping: using ${pidfile}`);
    }

    const vars: { name: string; value: string }[] = [];
    const ref = (name: string, value: string): string => {
      vars.push({ name, value: shQuote(value) });
      return `"$${name}"`;
    };
    const argv = [ref('initgen_script', config.script), 'run'];
    if (config.args.length) argv.push('--', ...config.args.map((a, i) => ref(`initgen_arg${i}`, a)));
    ref('initgen_cwd', config.cwd);
    ref('initgen_logfile', config.logfile);

    const user = config.user === undefined ? undefined : config.user + (config.group ? `:${config.group}` : '');
    const ssdArgs: string[] = [];
    if (config.nice !== undefined) ssdArgs.push(`--nicelevel ${config.nice}`);
    if (user === undefined && config.group !== undefined) ssdArgs.push(`--group ${ref('initgen_group', config.group)}`);
    const commandUser = user === undefined ? '' : ref('initgen_user', user);

    const exports: string[] = [];
    for (const [key, value] of Object.entries(config.env)) {
      if (clashesWithRunner(key)) ctx.warn('env', `${key} is a variable openrc-run reads itself; not exported`);
      else exports.push(`${key}=${shQuote(value)}`);
    }
    const deps: { word: string; service: string }[] = config.dependencies.map(openrcDependency);
    // node, the script and the log file must be reachable: as SysV's $remote_fs, without a hard network need
    deps.unshift({ word: 'need', service: 'localmount' }, { word: 'after', service: 'netmount' });
    const depend = (['need', 'use', 'after'] as const).flatMap((word) => {
      const services = [...new Set(deps.filter((d) => d.word === word).map((d) => d.service))];
      return services.length ? [`${word} ${services.join(' ')}`] : [];
    });

    const content = ctx.template('service', {
      name: config.name,
      nameQ: shQuote(config.name),
      descriptionQ: shQuote(commentLine(config.description) || config.name),
      vars,
      commandQ: shQuote(config.node),
      commandArgsQ: shQuote(argv.join(' ')),
      pidfileQ: pidfile,
      commandUserQ: commandUser && shQuote(commandUser),
      umask: config.umask,
      retry: `TERM/${config.stopTimeout}/KILL/${KILL_WAIT}`,
      rcUlimit: config.nofile === undefined ? '' : shQuote(`-n ${config.nofile}`),
      ssdArgsQ: ssdArgs.length ? shQuote(ssdArgs.join(' ')) : '',
      exports,
      depend,
    });
    return [{ installPath: `etc/init.d/${config.name}`, outPath: config.name, mode: 0o755, content }];
  },
};
