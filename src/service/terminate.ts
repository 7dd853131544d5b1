// Stopping a process (contract §4): SIGTERM to its process group, poll with
// short first intervals so a prompt exit costs milliseconds, SIGKILL after the
// timeout, then wait a little more.
import { setTimeout as sleep } from 'node:timers/promises';
import { isDead, readProc } from './proc.js';

export type TerminateResult = 'gone' | 'permission' | 'survived';
const KILL_GRACE_MS = 5000;

function isGone(pid: number, startTicks: number | undefined): boolean {
  const info = readProc(pid);
  // A different start time means the pid now belongs to someone else: ours is gone.
  return isDead(info) || (startTicks !== undefined && info!.startTicks !== startTicks);
}

async function waitGone(pid: number, startTicks: number | undefined, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let pause = 1;
  for (;;) {
    if (isGone(pid, startTicks)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
    pause = Math.min(pause * 2, 50);
  }
}

/** Signal the whole group when the daemon leads it, so children it spawned do not outlive it. */
function send(pid: number, signal: NodeJS.Signals): 'sent' | 'permission' | 'gone' {
  const leadsGroup = readProc(pid)?.pgrp === pid;
  try {
    process.kill(leadsGroup ? -pid : pid, signal);
    return 'sent';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM') return 'permission';
    return 'gone';
  }
}

export async function terminate(pid: number, startTicks: number | undefined, stopTimeoutMs: number): Promise<TerminateResult> {
  const sent = send(pid, 'SIGTERM');
  if (sent === 'permission') return 'permission';
  if (sent === 'gone' || (await waitGone(pid, startTicks, stopTimeoutMs))) return 'gone';
  if (send(pid, 'SIGKILL') === 'permission') return 'permission';
  return (await waitGone(pid, startTicks, KILL_GRACE_MS)) ? 'gone' : 'survived';
}
