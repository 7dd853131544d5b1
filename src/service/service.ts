// createService(): every LSB action as an async method resolving to a named
// outcome. Nothing here exits the process or prints; simple.ts does that.
import { dirname } from 'node:path';
import { fs } from './builtins.js';
import type { Lock } from './lock.js';
import { createLockfile, prepareLockfile, removeLockfile } from './lockfile.js';
import { resolveOptions, type ResolvedOptions, type ServiceOptions } from './options.js';
import { failed, ServiceFailure, type ActionResult, type StatusResult } from './outcome.js';
import { assertCanSwitch, needsSwitch, switchedEnvironment, targetIdentity } from './privileges.js';
import { daemonWords, noSettings, type Settings } from './settings.js';
import { assertSafeForRoot, assertTrustedForRoot, ensureDirectory, inspectPidfile, removePidfile, trustedForRoot, type PidfileState } from './pidfile.js';

const FAILURE_LOG_LINES = 20;
/** At most this long a failed start waits for the log writer to write the daemon's last lines (a child may hold its input). */
const WRITER_DRAIN_MS = 2000;

export interface Service {
  readonly options: ResolvedOptions;
  start(args?: string[]): Promise<ActionResult>;
  stop(): Promise<ActionResult>;
  restart(args?: string[]): Promise<ActionResult>;
  tryRestart(args?: string[]): Promise<ActionResult>;
  reload(): Promise<ActionResult>;
  forceReload(args?: string[]): Promise<ActionResult>;
  status(): StatusResult;
}

function exists(path: string | undefined): boolean {
  return path !== undefined && fs.existsSync(path);
}

/**
 * `script`: the program to re-run as the daemon (default: the running main script);
 * `settings`: the setting words of its command line, which win over `options`.
 */
export function createService(options: ServiceOptions, script: string = process.argv[1] ?? '', settings: Settings = noSettings()): Service {
  const o = resolveOptions(options, settings, script);
  const inspect = (): PidfileState => inspectPidfile(o.pidfile);
  const lockTimeout = o.startTimeoutMs + o.settleTimeMs + o.stopTimeoutMs + 10_000;

  // Loaded on first use, not at the top: `status` must not pay for sockets or child processes.
  // All at once, so the module loads overlap the wait for the lock.
  const controlModules = () => Promise.all([import('./lock.js'), import('./detach.js'), import('./terminate.js'), import('./logfile.js'), import('./interrupt.js')]);

  async function locked(action: () => Promise<ActionResult>): Promise<ActionResult> {
    let lock: Lock | undefined;
    try {
      const [{ acquireLock }] = await controlModules();
      lock = await acquireLock(o.pidfile, lockTimeout);
      return await action();
    } catch (error) {
      return failed(error);
    } finally {
      await lock?.release();
    }
  }

  function unreadable(state: { path: string; reason: string }): ServiceFailure {
    return new ServiceFailure('insufficientPrivilege', `${o.name}: cannot read pid file ${state.path}: ${state.reason}`);
  }

  function notAllowedToSignal(pid: number): ServiceFailure {
    return new ServiceFailure('insufficientPrivilege', `${o.name}: cannot signal pid ${pid}: operation not permitted`);
  }

  /**
   * `stop` as a user who may signal the daemon (its own) but not remove root's pid
   * file: refuse before signalling, so no stopped service is left with a pid file.
   */
  function assertMayRemove(): void {
    if (process.geteuid?.() === 0) return;
    try {
      fs.lstatSync(o.pidfile);
    } catch {
      return; // no pid file: nothing to remove
    }
    try {
      fs.accessSync(dirname(o.pidfile), fs.constants.W_OK | fs.constants.X_OK);
    } catch {
      throw new ServiceFailure('insufficientPrivilege', `${o.name}: cannot remove pid file ${o.pidfile}: permission denied; not stopped`);
    }
  }

  function dropLockfile(): void {
    if (o.lockfile) removeLockfile(o.lockfile);
  }

  async function startUnlocked(args: string[]): Promise<ActionResult> {
    const state = inspect();
    if (state.kind === 'running') return { outcome: 'success', message: `${o.name} is already running (pid ${state.pid})`, pid: state.pid };
    if (state.kind === 'unreadable') throw unreadable(state);
    ensureDirectory(o.pidfile);
    assertSafeForRoot(o.pidfile);
    removePidfile(o.pidfile); // stale, or only an identity record left by a daemon that died publishing
    // an unknown user or group is found here (6), not in a daemon that then dies
    const identity = targetIdentity(o.user, o.group, o.name);
    assertCanSwitch(identity, o.name);
    // daemon(7): nothing of root's environment crosses the switch to another user
    const env = identity?.account && needsSwitch(identity) ? switchedEnvironment(identity.account, o.keepEnv) : process.env;
    if (o.lockfile) prepareLockfile(o.lockfile); // refuse before spawning, not after
    // From here until it returns, a Ctrl-C (SIGINT, SIGTERM, SIGHUP) makes this start fail
    // and stop its daemon, rather than kill `start` and leave the daemon half started (§4).
    const [, { spawnDaemon }, { terminate }, { lastLines, logSize }, { catchInterrupts }] = await controlModules();
    const interrupt = catchInterrupts();
    try {
      const logOffset = logSize(o.logfile);
      const spawned = await spawnDaemon({
        script,
        args,
        logfile: o.logfile,
        startTimeoutMs: o.startTimeoutMs,
        settleMs: o.readiness === 'run' ? o.settleTimeMs : 0,
        interrupt,
        words: daemonWords(o, settings),
        env,
        ...(o.logRotation === 'writer' && { writer: { name: o.name, maxSize: o.logMaxSize, keep: o.logKeep } }),
      });
      if (spawned.kind === 'ready') {
        const now = inspect();
        if (now.kind !== 'running' || now.pid !== spawned.pid) {
          throw new ServiceFailure('genericError', `${o.name} started but its pid file ${o.pidfile} does not name it`);
        }
        if (o.lockfile) {
          try {
            createLockfile(o.lockfile);
          } catch (error) {
            await terminate(spawned.pid, undefined, o.stopTimeoutMs); // a refused start leaves no daemon behind
            removePidfile(o.pidfile, spawned.pid);
            throw error;
          }
        }
        return { outcome: 'success', message: `${o.name} started (pid ${spawned.pid})`, pid: spawned.pid };
      }
      if (spawned.kind === 'taken') {
        const winner = inspect();
        if (winner.kind === 'running') return { outcome: 'success', message: `${o.name} is already running (pid ${winner.pid})`, pid: winner.pid };
        // The daemon that stepped aside exits by itself; one that said so and stayed must not linger.
        if (spawned.daemon) await terminate(spawned.daemon.pid, spawned.daemon.startTicks, o.stopTimeoutMs);
        throw new ServiceFailure('genericError', `${o.name}: another daemon took the pid file and died`);
      }
      let reason = spawned.reason;
      if (spawned.daemon !== undefined) {
        // A daemon that did not start must not linger: SIGTERM to its group, SIGKILL after the stop timeout, then give up.
        const { pid, startTicks } = spawned.daemon;
        const ended = await terminate(pid, startTicks, o.stopTimeoutMs);
        if (ended === 'gone') {
          removePidfile(o.pidfile, pid);
          if (interrupt.signal) reason += `; stopped the daemon (pid ${pid})`;
        } else {
          reason += ended === 'survived' ? `; its daemon (pid ${pid}) is still alive after SIGKILL` : `; not allowed to stop its daemon (pid ${pid})`;
        }
      }
      // Through a log writer, the daemon's last lines reach the file once the writer has read them.
      if (spawned.logWriter) await spawned.logWriter.drained(WRITER_DRAIN_MS);
      const tail = lastLines(o.logfile, FAILURE_LOG_LINES, logOffset, o.user).lines;
      const detail = tail.length ? `\nlast lines of ${o.logfile}:\n${tail.join('\n')}` : '';
      return { outcome: spawned.outcome, error: `${o.name} failed to start: ${reason}${detail}` };
    } finally {
      interrupt.dispose();
    }
  }

  async function stopUnlocked(): Promise<ActionResult> {
    const state = inspect();
    if (state.kind === 'unreadable') throw unreadable(state);
    if (state.kind !== 'running') {
      // LSB: stopping a stopped service succeeds. A stale pid file is removed, and no
      // process it names is signalled; but the workers of a daemon proven to have died
      // (its record matched) are still in its process group, and stop ends them (§4).
      let ended = '';
      // (as root, only when no other user could have written the files that name the group)
      const dead = state.kind === 'stale' ? state.deadDaemon : undefined;
      if (state.kind === 'stale' && dead && state.pid !== undefined && trustedForRoot(dead.file, dead.record)) {
        const [, , { endProcessGroup }] = await controlModules();
        const { result, members } = await endProcessGroup(state.pid, dead.startTicks, o.stopTimeoutMs);
        if (result === 'permission') throw new ServiceFailure('insufficientPrivilege', `not allowed to signal the processes left in ${o.name}'s process group (${members.join(' ')})`);
        if (result === 'survived') throw new ServiceFailure('genericError', `processes left in ${o.name}'s process group are still alive after SIGKILL (${members.join(' ')})`);
        if (members.length) ended = `; ended the processes left in its process group: ${members.join(' ')}`;
      }
      if (state.kind === 'stale') removePidfile(o.pidfile);
      dropLockfile();
      const note = state.kind === 'stale' ? ` (removed stale pid file: ${state.reason}${ended})` : '';
      return { outcome: 'success', message: `${o.name} is not running${note}` };
    }
    assertTrustedForRoot(o.pidfile, state.file, state.record);
    assertMayRemove();
    const [, , { terminate }] = await controlModules();
    const result = await terminate(state.pid, state.startTicks, o.stopTimeoutMs);
    if (result === 'permission') throw notAllowedToSignal(state.pid);
    if (result === 'survived') throw new ServiceFailure('genericError', `${o.name} (pid ${state.pid}) is still alive after SIGKILL`);
    removePidfile(o.pidfile, state.pid);
    dropLockfile();
    return { outcome: 'success', message: `${o.name} stopped (pid ${state.pid})` };
  }

  async function restartUnlocked(args: string[]): Promise<ActionResult> {
    const stopped = await stopUnlocked();
    if (stopped.outcome !== 'success') return stopped;
    return startUnlocked(args);
  }

  const service: Service = {
    options: o,
    start: (args = []) => locked(() => startUnlocked(args)),
    // checked before the lock too: the caller may not be able to take it in that directory either
    stop: () => {
      try {
        assertMayRemove();
      } catch (error) {
        return Promise.resolve(failed(error));
      }
      return locked(stopUnlocked);
    },
    restart: (args = []) => locked(() => restartUnlocked(args)),
    tryRestart: (args = []) =>
      locked(async () => {
        const state = inspect();
        if (state.kind === 'unreadable') throw unreadable(state);
        if (state.kind !== 'running') return { outcome: 'success', message: `${o.name} is not running; not restarted` };
        return restartUnlocked(args);
      }),
    async reload() {
      if (!o.reload) return { outcome: 'unimplemented', error: `${o.name}: reload is not implemented (no reload handler)` };
      const state = inspect();
      if (state.kind === 'unreadable') return failed(unreadable(state));
      if (state.kind !== 'running') return { outcome: 'notRunning', error: `${o.name} is not running` };
      try {
        assertTrustedForRoot(o.pidfile, state.file, state.record);
        process.kill(state.pid, 'SIGHUP');
      } catch (error) {
        return failed((error as NodeJS.ErrnoException).code === 'EPERM' ? notAllowedToSignal(state.pid) : error);
      }
      return { outcome: 'success', message: `${o.name} reloaded (pid ${state.pid})`, pid: state.pid };
    },
    forceReload: (args = []) => (o.reload ? service.reload() : service.tryRestart(args)),
    status() {
      const state = inspect();
      switch (state.kind) {
        case 'running':
          return { outcome: 'running', message: `${o.name} is running (pid ${state.pid})`, pid: state.pid };
        case 'stale':
          return { outcome: 'deadWithPidfile', message: `${o.name} is dead, but pid file ${o.pidfile} exists` };
        case 'unreadable':
          return { outcome: 'unknown', error: `${o.name}: cannot read pid file ${state.path}: ${state.reason}` };
        case 'missing':
          return exists(o.lockfile)
            ? { outcome: 'deadWithLockfile', message: `${o.name} is dead, but lock file ${o.lockfile} exists` }
            : { outcome: 'notRunning', message: `${o.name} is not running` };
      }
    },
  };
  return service;
}
