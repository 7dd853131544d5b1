// The options of init.simple() / createService(): their types, defaults, the
// INITGEN_* environment overrides a generated wrapper sets, and validation.
// A wrong option is LSB "program is not configured" (6).
import { isAbsolute } from 'node:path';
import { ServiceFailure } from './outcome.js';

export interface RunContext {
  /** arguments given after `--` on the command line */
  args: string[];
  /** with readiness "explicit": tell `start` (or systemd) that the service is ready */
  ready(): void;
}

export interface ServiceOptions {
  name: string;
  pidfile: string;
  logfile: string;
  run(context: RunContext): unknown;
  reload?: () => unknown;
  /** graceful shutdown on SIGTERM; the process exits when it settles */
  stop?: () => unknown;
  lockfile?: string;
  user?: string;
  group?: string;
  cwd?: string;
  /** number (0o022) or octal string ("022") */
  umask?: number | string;
  /** seconds between SIGTERM and SIGKILL */
  stopTimeout?: number;
  /** seconds `start` waits for readiness */
  startTimeout?: number;
  readiness?: 'run' | 'explicit';
  /** seconds a daemon with readiness "run" must stay alive after run() to count as started; 0: none */
  settleTime?: number;
}

export interface ResolvedOptions {
  name: string;
  pidfile: string;
  logfile: string;
  run: ServiceOptions['run'];
  reload?: () => unknown;
  stop?: () => unknown;
  lockfile?: string;
  user?: string;
  group?: string;
  /** undefined: the default ("/", 022) for a daemon; left as inherited under a supervisor */
  cwd?: string;
  umask?: number;
  stopTimeoutMs: number;
  startTimeoutMs: number;
  readiness: 'run' | 'explicit';
  settleTimeMs: number;
}

const KNOWN = new Set([
  'name', 'pidfile', 'logfile', 'run', 'reload', 'stop', 'lockfile', 'user', 'group',
  'cwd', 'umask', 'stopTimeout', 'startTimeout', 'readiness',
  'settleTime',
]);

/** Set by `start` in the environment of the daemon it spawns. */
export const DAEMON_ENV = 'INITGEN_DAEMON';

/** Environment variables a generated wrapper sets, so one config file drives both. */
const ENV_OVERRIDES = {
  INITGEN_PIDFILE: 'pidfile',
  INITGEN_LOGFILE: 'logfile',
  INITGEN_LOCKFILE: 'lockfile',
  INITGEN_USER: 'user',
  INITGEN_GROUP: 'group',
  INITGEN_CWD: 'cwd',
  INITGEN_UMASK: 'umask',
  INITGEN_STOP_TIMEOUT: 'stopTimeout',
  INITGEN_START_TIMEOUT: 'startTimeout',
} as const;

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

function invalid(option: string, expected: string, got: unknown): ServiceFailure {
  const shown = typeof got === 'function' ? 'a function' : `\`${String(got)}\``;
  return new ServiceFailure('notConfigured', `Invalid option \`${option}\`: expected ${expected}, got ${shown}`);
}

function withEnvOverrides(options: ServiceOptions, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...options };
  for (const [variable, option] of Object.entries(ENV_OVERRIDES)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    merged[option] = value;
  }
  return merged;
}

function parseUmask(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o777) return value;
  if (typeof value === 'string' && /^0?[0-7]{3}$/.test(value)) return parseInt(value, 8);
  throw invalid('umask', 'an octal mode such as "022" or 0o022', value);
}

function seconds(option: string, given: unknown, fallback: number): number {
  if (given === undefined) return fallback * 1000;
  // from the environment a number arrives as text
  const value = typeof given === 'string' && /^\d+(\.\d+)?$/.test(given) ? Number(given) : given;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 86400) {
    throw invalid(option, 'a number of seconds greater than 0', given);
  }
  return Math.round(value * 1000);
}

/** Seconds (docs/design.md "The settle window" says why this many). */
export const DEFAULT_SETTLE_TIME = 0.5;

/** Like the timeouts, but 0 (no settle window) is allowed. */
function settleTime(given: unknown): number {
  if (given === undefined) return DEFAULT_SETTLE_TIME * 1000;
  const value = typeof given === 'string' && /^\d+(\.\d+)?$/.test(given) ? Number(given) : given;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 86400) {
    throw invalid('settleTime', 'a number of seconds, 0 or more', given);
  }
  return Math.round(value * 1000);
}

function absolutePath(option: string, value: unknown): string {
  if (typeof value !== 'string' || !isAbsolute(value) || value.includes('\0')) {
    throw invalid(option, 'an absolute path', value);
  }
  return value;
}

function optionalName(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || /[\s:\0]/.test(value)) {
    throw invalid(option, 'a user or group name (or numeric id)', value);
  }
  return value;
}

function optionalFunction(option: string, value: unknown): (() => unknown) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw invalid(option, 'a function', value);
  return value as () => unknown;
}

/** Throws ServiceFailure('notConfigured') naming the first wrong option. */
export function resolveOptions(options: ServiceOptions, env: NodeJS.ProcessEnv = process.env): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new ServiceFailure('notConfigured', 'init.simple() needs an options object');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) throw new ServiceFailure('notConfigured', `Unknown option \`${key}\``);
  }
  const o = withEnvOverrides(options, env);
  if (typeof o.name !== 'string' || !SERVICE_NAME.test(o.name)) {
    throw invalid('name', 'a service name (letters, digits, _ . @ -; at most 64)', o.name);
  }
  if (typeof o.run !== 'function') throw invalid('run', 'a function', o.run);
  const readiness = o.readiness ?? 'run';
  if (readiness !== 'run' && readiness !== 'explicit') throw invalid('readiness', '"run" or "explicit"', readiness);
  const lockfile = o.lockfile === undefined ? undefined : absolutePath('lockfile', o.lockfile);
  const user = optionalName('user', o.user);
  const group = optionalName('group', o.group);
  const reload = optionalFunction('reload', o.reload);
  const stop = optionalFunction('stop', o.stop);
  return {
    name: o.name,
    pidfile: absolutePath('pidfile', o.pidfile),
    logfile: absolutePath('logfile', o.logfile),
    run: o.run as ServiceOptions['run'],
    ...(reload && { reload }),
    ...(stop && { stop }),
    ...(lockfile !== undefined && { lockfile }),
    ...(user !== undefined && { user }),
    ...(group !== undefined && { group }),
    ...(o.cwd !== undefined && { cwd: absolutePath('cwd', o.cwd) }),
    ...(o.umask !== undefined && { umask: parseUmask(o.umask) }),
    stopTimeoutMs: seconds('stopTimeout', o.stopTimeout, 10),
    startTimeoutMs: seconds('startTimeout', o.startTimeout, 30),
    readiness,
    settleTimeMs: settleTime(o.settleTime),
  };
}
