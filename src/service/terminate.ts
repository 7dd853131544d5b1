// Stopping a process (docs/contract.md §4): SIGTERM to its process group, poll with
// short first intervals so a prompt exit costs milliseconds, SIGKILL after the
// timeout, then wait a little more. Children left in the group are held to the same deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import { fs } from './builtins.js';
import { existsBySignal, hasProc, isDead, readProc } from './proc.js';

export type TerminateResult = 'gone' | 'permission' | 'survived';
const KILL_GRACE_MS = 5000;

function isGone(pid: number, startTicks: number | undefined): boolean {
  if (!hasProc()) return !existsBySignal(pid);
  const info = readProc(pid);
  // A different start time means the pid now belongs to someone else: ours is gone.
  return isDead(info) || (startTicks !== undefined && info!.startTicks !== startTicks);
}

/**
 * Live (non-zombie) members of the daemon's process group: pgrp and session both equal
 * to the daemon's pid (it called setsid), started no earlier than the daemon. Zombies
 * wait for a reaper, not for us. While the group has members the kernel does not give
 * its id to a new process, so after the daemon's death they are still its workers.
 */
function groupMembers(pgid: number, sinceTicks?: number): number[] {
  if (!hasProc()) return [];
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const info = readProc(pid);
    if (!info || isDead(info) || info.pgrp !== pgid || info.session !== pgid) continue;
    if (sinceTicks !== undefined && info.startTicks < sinceTicks) continue;
    members.push(pid);
  }
  return members;
}

async function waitUntil(done: () => boolean, deadline: number): Promise<boolean> {
  let pause = 1;
  for (;;) {
    if (done()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
    pause = Math.min(pause * 2, 50);
  }
}

function send(target: number, signal: NodeJS.Signals): 'sent' | 'permission' | 'gone' {
  try {
    process.kill(target, signal);
    return 'sent';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'permission' : 'gone';
  }
}

export interface GroupEnded {
  result: TerminateResult;
  /** the members found when it started, none of which is left unless result says so */
  members: number[];
}

/**
 * End what is left of a daemon's process group after the daemon itself died (a crash,
 * or a failed start): SIGTERM to the group, wait up to stopTimeoutMs, SIGKILL, wait up
 * to the kill grace. `sinceTicks`: the daemon's recorded start time, when known.
 * Signals nothing while the pid `pgid` itself is alive: then it is not a leftover group.
 */
export async function endProcessGroup(pgid: number, sinceTicks: number | undefined, stopTimeoutMs: number): Promise<GroupEnded> {
  if (!isDead(readProc(pgid))) return { result: 'gone', members: [] };
  const members = groupMembers(pgid, sinceTicks);
  if (members.length === 0) return { result: 'gone', members };
  return { result: await signalAndWait(-pgid, () => groupMembers(pgid, sinceTicks).length === 0, stopTimeoutMs), members };
}

async function signalAndWait(target: number, stopped: () => boolean, stopTimeoutMs: number): Promise<TerminateResult> {
  const sent = send(target, 'SIGTERM');
  if (sent === 'permission') return 'permission';
  if (sent === 'gone' || (await waitUntil(stopped, Date.now() + stopTimeoutMs))) return 'gone';
  if (send(target, 'SIGKILL') === 'permission') return 'permission';
  return (await waitUntil(stopped, Date.now() + KILL_GRACE_MS)) ? 'gone' : 'survived';
}

/**
 * Stop the daemon `pid` and its process group. When the daemon is already dead (a
 * crash, a failed start), what is left of its group is ended all the same: workers
 * must not outlive stop (docs/contract.md §4).
 */
export async function terminate(pid: number, startTicks: number | undefined, stopTimeoutMs: number): Promise<TerminateResult> {
  const info = hasProc() ? readProc(pid) : undefined;
  if (info !== undefined && isDead(info)) return (await endProcessGroup(pid, startTicks, stopTimeoutMs)).result;
  // A different start time means the pid now belongs to someone else: ours is gone, and so is its group.
  if (info && startTicks !== undefined && info.startTicks !== startTicks) return 'gone';
  // Signal the whole group when the daemon leads it, so children it spawned do not outlive it.
  const group = info?.pgrp === pid;
  const stopped = (): boolean => isGone(pid, startTicks) && (!group || groupMembers(pid, startTicks).length === 0);
  return signalAndWait(group ? -pid : pid, stopped, stopTimeoutMs);
}
