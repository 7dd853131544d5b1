// `start` (docs/contract.md §1, §4): spawn the daemon unless one runs, and wait until it
// is ready, has failed, or `start` is interrupted. The caller holds the service's lock
// (service.ts); this resolves to a named outcome and neither prints nor exits.
import { spawnDaemon } from './detach.js';
import { catchInterrupts } from './interrupt.js';
import { createLockfile, prepareLockfile } from './lockfile.js';
import { lastLines, logSize } from './logfile.js';
import type { ResolvedOptions } from './options.js';
import { cannotReadPidfile, ServiceFailure, type ActionResult } from './outcome.js';
import { assertSafeForRoot, ensureDirectory, inspectPidfile, removePidfile } from './pidfile.js';
import { assertCanSwitch, needsSwitch, switchedEnvironment, targetIdentity } from './privileges.js';
import { daemonWords, type Settings } from './settings.js';
import { terminate } from './terminate.js';

const FAILURE_LOG_LINES = 20;
/** At most this long a failed start waits for the log writer to write the daemon's last lines (a child may hold its input). */
const WRITER_DRAIN_MS = 2000;

/** The program `start` re-runs as the daemon, and the setting words it was given (passed on). */
export interface Program {
  script: string;
  settings: Settings;
}

export async function start(o: ResolvedOptions, program: Program, args: readonly string[]): Promise<ActionResult> {
  const state = inspectPidfile(o.pidfile);
  if (state.kind === 'running') return { outcome: 'success', message: `${o.name} is already running (pid ${state.pid})`, pid: state.pid };
  if (state.kind === 'unreadable') throw cannotReadPidfile(o.name, state);
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
  const interrupt = catchInterrupts();
  try {
    const logOffset = logSize(o.logfile) ?? 0; // where this start's lines begin
    const spawned = await spawnDaemon({
      script: program.script,
      args: [...args],
      logfile: o.logfile,
      startTimeoutMs: o.startTimeoutMs,
      settleMs: o.readiness === 'run' ? o.settleTimeMs : 0,
      interrupt,
      words: daemonWords(o, program.settings),
      env,
      ...(o.logRotation === 'writer' && { writer: { name: o.name, maxSize: o.logMaxSize, keep: o.logKeep } }),
    });
    if (spawned.kind === 'ready') {
      const now = inspectPidfile(o.pidfile);
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
      const winner = inspectPidfile(o.pidfile);
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
