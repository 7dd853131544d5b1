// OpenRC service scripts (openrc-run(8)): dependency words and the variables
// openrc-run reads, which a service script must not clobber.

/**
 * Abstract dependency names → OpenRC services (Gentoo/Alpine names). network,
 * remote-fs and local-fs are hard `need`s; syslog and time are `use`: a machine
 * without a logger or an NTP client still boots, as with LSB's optional $syslog/$time.
 */
const OPENRC_DEPENDENCIES: Readonly<Record<string, { word: 'need' | 'use'; service: string }>> = {
  network: { word: 'need', service: 'net' },
  'remote-fs': { word: 'need', service: 'netmount' },
  'local-fs': { word: 'need', service: 'localmount' },
  syslog: { word: 'use', service: 'logger' },
  time: { word: 'use', service: 'ntp-client' },
};

export function openrcDependency(dependency: string): { word: 'need' | 'use'; service: string } {
  return Object.hasOwn(OPENRC_DEPENDENCIES, dependency)
    ? OPENRC_DEPENDENCIES[dependency]!
    : { word: 'need', service: dependency };
}

/** Variables openrc-run.sh itself reads (openrc-run(8)); exporting one of these would change the runner. */
const RUNNER_VARIABLES = new Set([
  'name', 'description', 'command', 'command_args', 'command_args_background', 'command_args_foreground',
  'command_background', 'command_progress', 'command_user', 'procname', 'pidfile', 'directory', 'chroot',
  'umask', 'output_log', 'error_log', 'output_logger', 'error_logger', 'stopsig', 'retry',
  'start_stop_daemon_args', 'supervisor', 'supervise_daemon_args', 'respawn_delay', 'respawn_max',
  'respawn_period', 'healthcheck_delay', 'healthcheck_timer', 'required_dirs', 'required_files',
  'start_inactive', 'in_background', 'in_background_fake', 'extra_commands', 'extra_started_commands',
  'extra_stopped_commands', 'opts', 'capabilities', 'secbits', 'no_new_privs', 'notify',
  'PATH', 'IFS', 'SVCNAME',
]);
const RUNNER_PREFIXES = ['rc_', 'RC_', 'EINFO_', '_', 'description_', 'initgen_'];

export function clashesWithRunner(variable: string): boolean {
  return RUNNER_VARIABLES.has(variable) || RUNNER_PREFIXES.some((p) => variable.startsWith(p));
}
