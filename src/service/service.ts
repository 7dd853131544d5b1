// createService(): every LSB action as an async method resolving to a named
// outcome. Nothing here exits the process or prints; simple.ts does that. `start` and
// `stop` are steps of their own (start.ts, stop.ts), composed here under the lock.
import { fs } from './builtins.js';
import type { Lock } from './lock.js';
import { resolveOptions, type ResolvedOptions, type ServiceOptions } from './options.js';
import { cannotReadPidfile, cannotSignal, failed, type ActionResult, type StatusResult } from './outcome.js';
import { assertTrustedForRoot, inspectPidfile, type PidfileState } from './pidfile.js';
import { noSettings, type Settings } from './settings.js';
import type { Program } from './start.js';

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

/** start and stop for one service, run while its lock is held. */
interface Steps {
  start(args: readonly string[]): Promise<ActionResult>;
  stop(): Promise<ActionResult>;
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
  const program: Program = { script, settings };
  const inspect = (): PidfileState => inspectPidfile(o.pidfile);
  const lockTimeout = o.startTimeoutMs + o.settleTimeMs + o.stopTimeoutMs + 10_000;

  // start.ts and stop.ts (and the lock, sockets and child processes they need) are
  // loaded on first use, all at once: `status` must not pay for them.
  async function locked(action: (steps: Steps) => Promise<ActionResult>): Promise<ActionResult> {
    let lock: Lock | undefined;
    try {
      const [{ acquireLock }, { start }, { stop }] = await Promise.all([import('./lock.js'), import('./start.js'), import('./stop.js')]);
      lock = await acquireLock(o.pidfile, lockTimeout);
      return await action({ start: (args) => start(o, program, args), stop: () => stop(o) });
    } catch (error) {
      return failed(error);
    } finally {
      await lock?.release();
    }
  }

  async function restart(steps: Steps, args: string[]): Promise<ActionResult> {
    const stopped = await steps.stop();
    if (stopped.outcome !== 'success') return stopped;
    return steps.start(args);
  }

  const service: Service = {
    options: o,
    start: (args = []) => locked((steps) => steps.start(args)),
    async stop() {
      // checked before the lock too: the caller may not be able to take it in that directory either
      try {
        (await import('./stop.js')).assertMayRemove(o);
      } catch (error) {
        return failed(error);
      }
      return locked((steps) => steps.stop());
    },
    restart: (args = []) => locked((steps) => restart(steps, args)),
    tryRestart: (args = []) =>
      locked(async (steps) => {
        const state = inspect();
        if (state.kind === 'unreadable') throw cannotReadPidfile(o.name, state);
        if (state.kind !== 'running') return { outcome: 'success', message: `${o.name} is not running; not restarted` };
        return restart(steps, args);
      }),
    async reload() {
      if (!o.reload) return { outcome: 'unimplemented', error: `${o.name}: reload is not implemented (no reload handler)` };
      const state = inspect();
      if (state.kind === 'unreadable') return failed(cannotReadPidfile(o.name, state));
      if (state.kind !== 'running') return { outcome: 'notRunning', error: `${o.name} is not running` };
      try {
        assertTrustedForRoot(o.pidfile, state.file, state.record);
        process.kill(state.pid, 'SIGHUP');
      } catch (error) {
        return failed((error as NodeJS.ErrnoException).code === 'EPERM' ? cannotSignal(o.name, state.pid) : error);
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
          return { outcome: 'unknown', error: cannotReadPidfile(o.name, state).message };
        case 'missing':
          return exists(o.lockfile)
            ? { outcome: 'deadWithLockfile', message: `${o.name} is dead, but lock file ${o.lockfile} exists` }
            : { outcome: 'notRunning', message: `${o.name} is not running` };
      }
    },
  };
  return service;
}
