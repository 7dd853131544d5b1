// The defaults of a service's settings: one table for the generator (config/normalize.ts
// and the schema's descriptions), the library (service/options.ts, service/run.ts) and
// uninstall, because a generated file and the program it starts must agree on them.
// No imports: the library's `status` path loads it.

export const DEFAULTS = {
  /** where a daemon runs (docs/contract.md §1); under a supervisor the config's default too */
  cwd: '/',
  /** octal, as a config writes it */
  umask: '022',
  runlevels: { start: ['2', '3', '4', '5'], stop: ['0', '1', '6'] },
  respawn: { enabled: true, count: 10, seconds: 5 },
  readiness: 'run',
  /** seconds `start` waits for readiness */
  startTimeout: 30,
  /** seconds between SIGTERM and SIGKILL */
  stopTimeout: 10,
  /** seconds (docs/design.md "The settle window" says why this many) */
  settleTime: 0.5,
  logRotation: 'copytruncate',
  /** bytes the library's log writer lets the log reach; 0: rotated only when renamed */
  logMaxSize: 0,
  /** rotated files the library's log writer keeps */
  logKeep: 5,
  /** rotated files the logrotate snippet keeps */
  logrotateKeep: 8,
} as const;

/** The umask as a number, for process.umask(). */
export const DEFAULT_UMASK = Number.parseInt(DEFAULTS.umask, 8);

/**
 * service(8)'s PATH: what a generated file starts node with (docs/contract.md §5, D2),
 * the SysV script's own, and a service's after the library switched its user.
 */
export const SERVICE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The pid file of service NAME when none is given. */
export const defaultPidfile = (name: string): string => `/run/${name}.pid`;

/** The log file of service NAME when none is given. */
export const defaultLogfile = (name: string): string => `/var/log/${name}.log`;
