// The service's own process: `run` in the foreground for supervisors, or the
// detached daemon that `start` spawned (docs/contract.md §4). Sets identity, then hands over to user code.
import { ACTION_CODES } from '../lsb.js';
import { DEFAULTS, DEFAULT_UMASK } from '../defaults.js';
import { configArgument } from './config-files.js';
import type { ResolvedOptions, RunContext } from './options.js';
import { errnoReason, failed, ServiceFailure, withName } from './outcome.js';
import { publishPidfile, removePidfile } from './pidfile.js';
import { dropPrivileges, needsSwitch, replaceEnvironment, switchedEnvironment, targetIdentity } from './privileges.js';
import { notifySystemd, tellController, type ReadyMessage } from './readiness.js';

export interface RunMode {
  /** spawned by `start`: owns the pid file and reports readiness over a pipe */
  daemon: boolean;
}

function log(options: ResolvedOptions, text: string): void {
  process.stderr.write(`${withName(options.name, text)}\n`);
}

/**
 * Installed before the pid file exists: from then on `reload` may signal us, and
 * SIGHUP's default action would kill a daemon that has no handler yet. Until run()
 * is entered there is nothing to reload or to stop gracefully.
 */
function installSignalHandlers(options: ResolvedOptions, daemon: boolean, running: () => boolean): void {
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      if (running()) await options.stop?.();
    } catch (error) {
      log(options, `stop handler failed: ${(error as Error).stack ?? String(error)}`);
    }
    // Best effort: after dropping root the daemon may not be allowed to; `stop` removes it then.
    if (daemon) {
      try {
        removePidfile(options.pidfile, process.pid);
      } catch {}
    }
    process.exit(ACTION_CODES.success);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  // SIGHUP would kill the process by default; a daemon must survive it with or without a reload handler.
  process.on('SIGHUP', () => {
    if (!options.reload) return log(options, 'SIGHUP ignored: no reload handler');
    if (!running()) return log(options, 'SIGHUP ignored: still starting');
    Promise.resolve()
      .then(() => options.reload!())
      .catch((error: unknown) => log(options, `reload failed: ${(error as Error).stack ?? String(error)}`));
  });
}

function becomeTheService(options: ResolvedOptions, daemon: boolean): void {
  process.title = options.name;
  if (daemon) {
    process.umask(options.umask ?? DEFAULT_UMASK);
    process.chdir(options.cwd ?? DEFAULTS.cwd);
  } else {
    // Under a supervisor, cwd and umask are the supervisor's to set unless the program asks.
    if (options.umask !== undefined) process.umask(options.umask);
    if (options.cwd !== undefined) process.chdir(options.cwd);
  }
}

/** The pid file, named as the caller knows it (not the temporary file it is written through). */
function publish(options: ResolvedOptions, args: readonly string[]): boolean {
  try {
    // the `--config FILE` start was given, for reload's config test (written as root, like the pid file)
    return publishPidfile(options.pidfile, process.pid, configArgument(args));
  } catch (error) {
    const reason = errnoReason(error);
    if (reason === undefined) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const outcome = code === 'EACCES' || code === 'EPERM' ? 'insufficientPrivilege' : 'genericError';
    throw new ServiceFailure(outcome, `cannot write pid file ${options.pidfile}: ${reason}`);
  }
}

/** Never returns control to the caller's module code in a way that matters: the service now runs. */
export async function runService(options: ResolvedOptions, args: string[], mode: RunMode): Promise<void> {
  const report = (message: ReadyMessage): void => {
    if (mode.daemon) tellController(message);
    else if (message.kind === 'ready') void notifySystemd();
  };
  let entered = false;
  installSignalHandlers(options, mode.daemon, () => entered);
  try {
    becomeTheService(options, mode.daemon);
    // Published before the privilege drop, so the pid file and its record are root's: were they the service user's, root's stop would not trust them (docs/contract.md §2).
    if (mode.daemon && !publish(options, args)) {
      // Another daemon published first (its controller lost its lock by dying): it wins, we leave.
      report({ kind: 'taken' });
      process.exit(ACTION_CODES.success);
    }
    const identity = targetIdentity(options.user, options.group, options.name);
    const switching = needsSwitch(identity) && identity?.account;
    dropPrivileges(identity, options.name);
    // `start` spawned the daemon with this environment already; `run` (as root) builds it here
    if (switching) replaceEnvironment(switchedEnvironment(switching, options.keepEnv));
  } catch (error) {
    // EACCES/EPERM (a pid directory this user may not write) is LSB 4, as in the controller
    const { outcome, error: text = '' } = failed(error);
    log(options, text);
    // the controller says "NAME failed to start: …" itself
    const message = text.startsWith(`${options.name}: `) ? text.slice(options.name.length + 2) : text;
    if (mode.daemon) removePidfile(options.pidfile, process.pid);
    report({ kind: 'failed', outcome, message });
    process.exit(ACTION_CODES[outcome]);
  }
  let readyOnce = false;
  const ready = (): void => {
    if (readyOnce) return;
    readyOnce = true;
    report({ kind: 'ready' });
  };
  const context: RunContext = { args, ready };
  const crashed = (error: unknown): never => {
    // a failure that knows its LSB outcome (the config read as the service's user: 6) is
    // reported as that, in one line, as the same failure before run() is
    if (error instanceof ServiceFailure) {
      log(options, error.message);
      report({ kind: 'failed', outcome: error.outcome, message: error.message });
      process.exit(ACTION_CODES[error.outcome]);
    }
    process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    report({ kind: 'failed', outcome: 'genericError', message: `run() failed: ${(error as Error)?.message ?? String(error)}` });
    process.exit(ACTION_CODES.genericError);
  };
  try {
    entered = true;
    const result = options.run(context) as Promise<unknown> | undefined;
    if (result && typeof result.then === 'function') result.then(undefined, crashed);
  } catch (error) {
    crashed(error);
  }
  if (options.readiness === 'run') {
    // Errors of a listen() and the like arrive asynchronously: give them a turn to surface first.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    ready();
  }
}
