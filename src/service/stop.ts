// `stop` (docs/contract.md §1, §4): end the daemon the pid file proves is ours and its
// process group, then remove the pid file, its record and the LSB lock file. The caller
// holds the service's lock (service.ts); this resolves to a named outcome.
import { dirname } from 'node:path';
import { fs } from './builtins.js';
import { removeLockfile } from './lockfile.js';
import type { ResolvedOptions } from './options.js';
import { cannotReadPidfile, cannotSignal, ServiceFailure, type ActionResult } from './outcome.js';
import { assertTrustedForRoot, inspectPidfile, removePidfile, trustedForRoot } from './pidfile.js';
import { endProcessGroup, terminate } from './terminate.js';

/**
 * `stop` as a user who may signal the daemon (its own) but not remove root's pid
 * file: refuse before signalling, so no stopped service is left with a pid file.
 */
export function assertMayRemove(o: ResolvedOptions): void {
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

function dropLockfile(o: ResolvedOptions): void {
  if (o.lockfile) removeLockfile(o.lockfile);
}

export async function stop(o: ResolvedOptions): Promise<ActionResult> {
  const state = inspectPidfile(o.pidfile);
  if (state.kind === 'unreadable') throw cannotReadPidfile(o.name, state);
  if (state.kind !== 'running') {
    // LSB: stopping a stopped service succeeds. A stale pid file is removed, and no
    // process it names is signalled; but the workers of a daemon proven to have died
    // (its record matched) are still in its process group, and stop ends them (§4).
    let ended = '';
    // (as root, only when no other user could have written the files that name the group)
    const dead = state.kind === 'stale' ? state.deadDaemon : undefined;
    if (state.kind === 'stale' && dead && state.pid !== undefined && trustedForRoot(dead.file, dead.record)) {
      const { result, members } = await endProcessGroup(state.pid, dead.startTicks, o.stopTimeoutMs);
      if (result === 'permission') throw new ServiceFailure('insufficientPrivilege', `not allowed to signal the processes left in ${o.name}'s process group (${members.join(' ')})`);
      if (result === 'survived') throw new ServiceFailure('genericError', `processes left in ${o.name}'s process group are still alive after SIGKILL (${members.join(' ')})`);
      if (members.length) ended = `; ended the processes left in its process group: ${members.join(' ')}`;
    }
    if (state.kind === 'stale') removePidfile(o.pidfile);
    dropLockfile(o);
    const note = state.kind === 'stale' ? ` (removed stale pid file: ${state.reason}${ended})` : '';
    return { outcome: 'success', message: `${o.name} is not running${note}` };
  }
  assertTrustedForRoot(o.pidfile, state.file, state.record);
  assertMayRemove(o);
  const result = await terminate(state.pid, state.startTicks, o.stopTimeoutMs);
  if (result === 'permission') throw cannotSignal(o.name, state.pid);
  if (result === 'survived') throw new ServiceFailure('genericError', `${o.name} (pid ${state.pid}) is still alive after SIGKILL`);
  removePidfile(o.pidfile, state.pid);
  dropLockfile(o);
  return { outcome: 'success', message: `${o.name} stopped (pid ${state.pid})` };
}
