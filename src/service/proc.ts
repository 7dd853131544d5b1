// What the kernel says about a pid, read from /proc (Linux). Used to decide
// whether a pid file still names this service (docs/contract.md §2) and which processes
// are left in its process group.
import { fs } from './builtins.js';

const { readFileSync } = fs;

let procMounted: boolean | undefined;
/** Asked only once a pid is at hand: a `status` with no pid file never pays for it. */
export function hasProc(): boolean {
  procMounted ??= fs.existsSync('/proc/self/stat');
  return procMounted;
}

export interface ProcInfo {
  /** one-letter state: R, S, D, Z, X, T, ... */
  state: string;
  /** process group id */
  pgrp: number;
  /** session id */
  session: number;
  /** start time in clock ticks since boot: unchanged for the life of a pid, so it tells reuse apart */
  startTicks: number;
}

/** null when no such process (or no /proc). */
export function readProc(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name in parentheses may itself hold spaces and ')': fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTicks = Number(fields[19]);
  return {
    state: fields[0] ?? '?',
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
    startTicks,
  };
}

/** Without /proc: signal 0 asks the kernel whether the pid exists (EPERM: it does, not ours). */
export function existsBySignal(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Dead includes zombies: PID 1 in a container may reap late, and kill(pid, 0) succeeds on a zombie. */
export function isDead(info: ProcInfo | null): boolean {
  return info === null || info.state === 'Z' || info.state === 'X';
}

export function pidMax(): number {
  try {
    return Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim()) || 4194304;
  } catch {
    return 4194304;
  }
}
