// The options of init.simple() / createService(): their types, defaults (src/defaults.ts), the
// settings words a generated wrapper passes (settings.ts), and validation.
// A wrong option is LSB "program is not configured" (6); every problem is reported, one line each.
import { basename, extname, isAbsolute } from 'node:path';
import { isKiller, killerTimeoutMs, type Killer } from './killers.js';
import { ServiceFailure } from './outcome.js';
import { noSettings, type Settings } from './settings.js';
import { DEFAULTS } from '../defaults.js';
import { ACCOUNT, ENV_NAME, SERVICE_NAME, UMASK } from '../patterns.js';

export interface RunContext {
  /** arguments given after `--` on the command line */
  args: string[];
  /** with readiness "explicit": tell `start` (or systemd) that the service is ready */
  ready(): void;
  /** with the `config` option: the merged config files (docs/api.md "Configuration files") */
  config?: ServiceConfig;
}

/** A config as read from JSON or YAML: the program knows its shape (or gives a schema). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ServiceConfig = Record<string, any>;

export interface ServiceOptions {
  /** default: the pid file's base name without ".pid", else the script's (as node-init programs give none) */
  name?: string;
  pidfile: string;
  logfile: string;
  run(context: RunContext): unknown;
  /** with the `config` option it is given the re-read config and the one it replaces */
  reload?: (config: ServiceConfig, oldConfig: ServiceConfig) => unknown;
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
  /** names of environment variables the service keeps when it switches to `user` */
  env?: string[];
  /** node-init: the action; the command line's first word wins when it is one */
  command?: string;
  /** node-init: init.hardKiller(ms) or init.softKiller(ms) */
  killer?: Killer;
  /**
   * "copytruncate" (default): the log file is the daemon's fd 1 and 2; "writer": a log
   * writer process between them that rotates without losing a line (docs/design.md, "Logs").
   */
  logRotation?: 'copytruncate' | 'writer';
  /** with "writer": rotate when the log would grow past this many bytes (0: only when renamed) */
  logMaxSize?: number;
  /** with "writer": rotated files kept, FILE.1 ... FILE.N (default 5) */
  logKeep?: number;
  /** issue 14: config files read for run() and reload(): true, or { schema, files, required } */
  config?: boolean | { schema?: object; files?: string[]; required?: boolean };
  /** the version `status --json`, `check` and `metrics` report (default: the nearest package.json's) */
  version?: string;
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
  /** environment variable names kept across the switch to `user` */
  keepEnv: string[];
  logRotation: 'copytruncate' | 'writer';
  logMaxSize: number;
  logKeep: number;
}

const KNOWN = new Set([
  'name', 'pidfile', 'logfile', 'run', 'reload', 'stop', 'lockfile', 'user', 'group',
  'cwd', 'umask', 'stopTimeout', 'startTimeout', 'readiness',
  'settleTime',
  'env', 'command', 'killer',
  'logRotation', 'logMaxSize', 'logKeep',
  'config', 'version',
]);

class Problem extends Error {}

/**
 * Collects every problem instead of stopping at the first (a program pasted from
 * node-init should learn all it must change at once). Values from a setting word
 * are named by that word, since the wrapper, not the program, is where to fix them.
 */
class Checker {
  readonly problems: string[] = [];
  constructor(private readonly words: ReadonlyMap<string, string>) {}

  invalid(option: string, expected: string, got: unknown): Problem {
    const shown = typeof got === 'function' ? 'a function' : `\`${typeof got === 'object' && got !== null ? 'an object' : String(got)}\``;
    const word = this.words.get(option);
    const what = word ? `Invalid setting \`${word}\`` : `Invalid option \`${option}\``;
    return new Problem(`${what}: expected ${expected}, got ${shown}`);
  }

  /** The value `check` returns, or undefined after recording its problem. */
  take<T>(check: () => T): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      this.problems.push(error.message);
      return undefined;
    }
  }

  note(problem: string): void {
    this.problems.push(problem);
  }
}

function parseUmask(c: Checker, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0o777) return value;
  if (typeof value === 'string' && UMASK.test(value)) return parseInt(value, 8);
  throw c.invalid('umask', 'an octal mode such as "022" or 0o022', value);
}

function seconds(c: Checker, option: string, given: unknown, fallback: number): number {
  if (given === undefined) return fallback * 1000;
  // from a setting word a number arrives as text
  const value = typeof given === 'string' && /^\d+(\.\d+)?$/.test(given) ? Number(given) : given;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 86400) {
    throw c.invalid(option, 'a number of seconds greater than 0', given);
  }
  return Math.round(value * 1000);
}

/** Like the timeouts, but 0 (no settle window) is allowed. */
function settleTime(c: Checker, given: unknown): number {
  if (given === undefined) return DEFAULTS.settleTime * 1000;
  const value = typeof given === 'string' && /^\d+(\.\d+)?$/.test(given) ? Number(given) : given;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 86400) {
    throw c.invalid('settleTime', 'a number of seconds, 0 or more', given);
  }
  return Math.round(value * 1000);
}

function absolutePath(c: Checker, option: string, value: unknown): string {
  if (typeof value !== 'string' || !isAbsolute(value) || value.includes('\0')) {
    throw c.invalid(option, 'an absolute path', value);
  }
  return value;
}

function optionalName(c: Checker, option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !ACCOUNT.test(value) || value.includes('\0')) {
    throw c.invalid(option, 'a user or group name (or numeric id)', value);
  }
  return value;
}

function optionalFunction(c: Checker, option: string, value: unknown): (() => unknown) | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw c.invalid(option, 'a function', value);
  return value as () => unknown;
}

function envNames(c: Checker, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((n) => typeof n === 'string' && ENV_NAME.test(n))) {
    throw c.invalid('env', 'an array of environment variable names', Array.isArray(value) ? value.join(',') : value);
  }
  return value as string[];
}

/**
 * node-init's programs give no name: the pid file's base name ("/var/run/myprog.pid"
 * → "myprog"), else the script's, else "service".
 */
export function derivedName(pidfile: unknown, script: string): string {
  const candidates = [
    typeof pidfile === 'string' ? basename(pidfile, '.pid') : '',
    basename(script, extname(script)),
  ];
  return candidates.find((n) => SERVICE_NAME.test(n)) ?? 'service';
}

/**
 * Options given in code, overridden by setting words. Throws ServiceFailure('notConfigured')
 * with one line per problem, each starting with the service name.
 */
export function resolveOptions(options: ServiceOptions, settings: Settings = noSettings(), script: string = process.argv[1] ?? ''): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new ServiceFailure('notConfigured', `${derivedName(undefined, script)}: init.simple() needs an options object`);
  }
  const merged: Record<string, unknown> = { ...options };
  const words = new Map<string, string>();
  for (const [option, { value, word }] of settings.values) {
    merged[option] = value;
    words.set(option, word);
  }
  const c = new Checker(words);
  const given = (key: string): boolean => merged[key] !== undefined;
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) c.note(`Unknown option \`${key}\``);
  }
  // derived from the program's own pid file, so a wrapper's path does not rename it
  let name = merged.name;
  if (name === undefined) name = derivedName(options.pidfile, script);
  else if (typeof name !== 'string' || !SERVICE_NAME.test(name)) {
    c.note(c.invalid('name', 'a service name (letters, digits, _ . @ -; at most 64)', name).message);
    name = derivedName(options.pidfile, script);
  }
  if (typeof merged.run !== 'function') c.note(c.invalid('run', 'a function', merged.run).message);
  const readiness = merged.readiness ?? DEFAULTS.readiness;
  if (readiness !== 'run' && readiness !== 'explicit') c.note(c.invalid('readiness', '"run" or "explicit"', readiness).message);
  const pidfile = c.take(() => absolutePath(c, 'pidfile', merged.pidfile));
  const logfile = c.take(() => absolutePath(c, 'logfile', merged.logfile));
  const lockfile = given('lockfile') ? c.take(() => absolutePath(c, 'lockfile', merged.lockfile)) : undefined;
  const cwd = given('cwd') ? c.take(() => absolutePath(c, 'cwd', merged.cwd)) : undefined;
  const user = c.take(() => optionalName(c, 'user', merged.user));
  const group = c.take(() => optionalName(c, 'group', merged.group));
  const umask = given('umask') ? c.take(() => parseUmask(c, merged.umask)) : undefined;
  const reload = c.take(() => optionalFunction(c, 'reload', merged.reload));
  const stop = c.take(() => optionalFunction(c, 'stop', merged.stop));
  const keepEnv = [...(c.take(() => envNames(c, merged.env)) ?? [])];
  for (const n of settings.env) {
    if (!ENV_NAME.test(n)) c.note(`Invalid setting \`--initgen-env\`: expected an environment variable name, got \`${n}\``);
    else if (!keepEnv.includes(n)) keepEnv.push(n);
  }
  // node-init's README passes process.argv[3], often no action at all: simple.ts uses it only when it is one
  if (merged.command !== undefined && typeof merged.command !== 'string') c.note(c.invalid('command', 'an action name', merged.command).message);
  let stopTimeoutMs = c.take(() => seconds(c, 'stopTimeout', merged.stopTimeout, DEFAULTS.stopTimeout));
  if (merged.killer !== undefined) {
    if (!isKiller(merged.killer)) {
      c.note(c.invalid('killer', 'init.hardKiller(ms) or init.softKiller(ms)', merged.killer).message);
    } else {
      const fromKiller = killerTimeoutMs(merged.killer);
      // a stop timeout given as a setting word wins, as every setting does
      if (fromKiller !== undefined && options.stopTimeout !== undefined && !words.has('stopTimeout')) {
        c.note(`Conflicting options \`killer\` (init.${merged.killer.kind}) and \`stopTimeout\`: give one`);
      } else if (fromKiller !== undefined && !words.has('stopTimeout')) {
        stopTimeoutMs = fromKiller;
      }
    }
  }
  const startTimeoutMs = c.take(() => seconds(c, 'startTimeout', merged.startTimeout, DEFAULTS.startTimeout));
  const settleTimeMs = c.take(() => settleTime(c, merged.settleTime));
  const logRotation = merged.logRotation ?? DEFAULTS.logRotation;
  if (logRotation !== 'copytruncate' && logRotation !== 'writer') c.note(c.invalid('logRotation', '"copytruncate" or "writer"', logRotation).message);
  const logMaxSize = c.take(() => count(c, 'logMaxSize', merged.logMaxSize, DEFAULTS.logMaxSize));
  const logKeep = c.take(() => count(c, 'logKeep', merged.logKeep, DEFAULTS.logKeep));
  if (c.problems.length > 0) {
    throw new ServiceFailure('notConfigured', c.problems.map((p) => `${name}: ${p}`).join('\n'));
  }
  return {
    name: name as string,
    pidfile: pidfile!,
    logfile: logfile!,
    run: merged.run as ServiceOptions['run'],
    ...(reload && { reload }),
    ...(stop && { stop }),
    ...(lockfile !== undefined && { lockfile }),
    ...(user !== undefined && { user }),
    ...(group !== undefined && { group }),
    ...(cwd !== undefined && { cwd }),
    ...(umask !== undefined && { umask }),
    stopTimeoutMs: stopTimeoutMs!,
    startTimeoutMs: startTimeoutMs!,
    readiness: readiness as ResolvedOptions['readiness'],
    keepEnv,
    settleTimeMs: settleTimeMs!,
    logRotation: logRotation as ResolvedOptions['logRotation'],
    logMaxSize: logMaxSize!,
    logKeep: logKeep!,
  };
}

/** logMaxSize, logKeep (docs/api.md): a whole number, 0 or more; from a setting word as text */
function count(c: Checker, option: string, given: unknown, fallback: number): number {
  if (given === undefined) return fallback;
  const value = typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : given;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw c.invalid(option, 'a whole number, 0 or more', given);
  return value;
}
