// Named outcomes of the service's actions. Only the outermost layer (simple.ts)
// turns them into exit codes, through the table in ../lsb.ts.
import type { ActionOutcome, PluginOutcome, StatusOutcome } from '../lsb.js';

export interface ActionResult {
  outcome: ActionOutcome;
  /** for stdout */
  message?: string;
  /** for stderr: one line, or a line followed by the daemon's last log lines */
  error?: string;
  pid?: number;
}

export interface StatusResult {
  outcome: StatusOutcome;
  message?: string;
  error?: string;
  pid?: number;
}

/**
 * What a handler of simple()'s table answers: an action's result, a status (which has
 * its own codes), a Monitoring Plugins line (`check`), or `running` when the program
 * now runs as the service and nothing is to be printed or exited.
 */
export type Reply =
  | { kind: 'action'; result: ActionResult }
  | { kind: 'status'; result: StatusResult }
  | { kind: 'plugin'; outcome: PluginOutcome; line: string }
  | { kind: 'running' };

/** Every action outcome but success: what a failure (and a daemon's failed start) may be. */
export type FailureOutcome = Exclude<ActionOutcome, 'success'>;

/** A failure that already knows which LSB outcome it is. */
export class ServiceFailure extends Error {
  constructor(
    readonly outcome: FailureOutcome,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceFailure';
  }
}

/** The pid file or its identity record cannot be read (LSB 4): no action may guess what it holds. */
export function cannotReadPidfile(name: string, state: { path: string; reason: string }): ServiceFailure {
  return new ServiceFailure('insufficientPrivilege', `${name}: cannot read pid file ${state.path}: ${state.reason}`);
}

/** kill(2) said EPERM (LSB 4). */
export function cannotSignal(name: string, pid: number): ServiceFailure {
  return new ServiceFailure('insufficientPrivilege', `${name}: cannot signal pid ${pid}: operation not permitted`);
}

/** What a system call was doing, for "cannot VERB PATH: why" instead of Node's "EACCES: ..., mkdir '...'". */
const DOING: Record<string, string> = {
  mkdir: 'create directory',
  open: 'open',
  unlink: 'remove',
  rmdir: 'remove directory',
  rename: 'rename',
  link: 'create',
  kill: 'signal the process',
  chmod: 'change the mode of',
  fchmod: 'change the mode of',
  chown: 'change the owner of',
  write: 'write',
  read: 'read',
};

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  ESRCH: 'no such process',
};

/** "permission denied" for a failed system call's EACCES, its code for others; undefined for other errors. */
export function errnoReason(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return error instanceof Error && typeof code === 'string' ? (REASONS[code] ?? code) : undefined;
}

/** One readable clause for a failed system call; the error's own message otherwise. */
function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException | null;
  if (!(error instanceof Error) || typeof e?.code !== 'string' || typeof e.syscall !== 'string') {
    return error instanceof Error ? error.message : String(error);
  }
  const doing = DOING[e.syscall] ?? e.syscall;
  return `cannot ${doing}${e.path ? ` ${e.path}` : ''}: ${errnoReason(error)}`;
}

/** "NAME: text" unless the text already starts with the name (one line per failure, docs/contract.md §1). */
export function withName(name: string, text: string): string {
  return text === name || text.startsWith(`${name}:`) || text.startsWith(`${name} `) ? text : `${name}: ${text}`;
}

export function failed(error: unknown): ActionResult & { outcome: FailureOutcome } {
  if (error instanceof ServiceFailure) return { outcome: error.outcome, error: error.message };
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return { outcome: 'insufficientPrivilege', error: describeError(error) };
  }
  return { outcome: 'genericError', error: describeError(error) };
}
