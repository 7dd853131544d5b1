// Stopping a process (contract §4): SIGTERM to its process group, poll with
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

/** Live (non-zombie) members of a process group; zombies wait for a reaper, not for us. */
function groupMembers(pgid: number): number[] {
  if (!hasProc()) return [];
  const members: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const info = readProc(pid);
    if (info && info.pgrp === pgid && !isDead(info)) members.push(pid);
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

export async function terminate(pid: number, startTicks: number | undefined, stopTimeoutMs: number): Promise<TerminateResult> {
  // Signal the whole group when the daemon leads it, so children it spawned do not outlive it.
  const group = readProc(pid)?.pgrp === pid;
  const target = group ? -pid : pid;
  const stopped = (): boolean => isGone(pid, startTicks) && (!group || groupMembers(pid).length === 0);

  const sent = send(target, 'SIGTERM');
  if (sent === 'permission') return 'permission';
  if (sent === 'gone' || (await waitUntil(stopped, Date.now() + stopTimeoutMs))) return 'gone';
  if (send(target, 'SIGKILL') === 'permission') return 'permission';
  return (await waitUntil(stopped, Date.now() + KILL_GRACE_MS)) ? 'gone' : 'survived';
}
