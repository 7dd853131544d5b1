// The one table of LSB actions and exit codes. Every other view (the dispatcher,
// the generated shell scripts, docs/exit-codes.md) is derived from these objects.
// Source: LSB Core, "Init Script Actions"; docs/contract.md §1.

/** Actions a service answers, in the order the usage line names them. */
export const ACTIONS = [
  'start',
  'stop',
  'restart',
  'try-restart',
  'reload',
  'force-reload',
  'status',
  'run',
  'logs',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Operations actions (issue 14): answered by the program itself, outside LSB's list,
 * so the init-script actions (and what a generated script delegates) stay as they were.
 * `check` and `metrics` speak to monitoring; `configtest` says whether the config is valid.
 */
export const OPERATION_ACTIONS = ['configtest', 'check', 'metrics'] as const;
export type OperationAction = (typeof OPERATION_ACTIONS)[number];

export function isAction(word: string): word is Action {
  return (ACTIONS as readonly string[]).includes(word);
}

export function isOperationAction(word: string): word is OperationAction {
  return (OPERATION_ACTIONS as readonly string[]).includes(word);
}

/** Exit codes of `status` (LSB: status has its own vocabulary). */
export const STATUS_CODES = {
  running: 0,
  deadWithPidfile: 1,
  deadWithLockfile: 2,
  notRunning: 3,
  unknown: 4,
} as const;
export type StatusOutcome = keyof typeof STATUS_CODES;

/** Exit codes of every action other than `status`. */
export const ACTION_CODES = {
  success: 0,
  genericError: 1,
  invalidArgument: 2,
  unimplemented: 3,
  insufficientPrivilege: 4,
  notInstalled: 5,
  notConfigured: 6,
  notRunning: 7,
} as const;
export type ActionOutcome = keyof typeof ACTION_CODES;

/** Human meaning of each code, for usage text and docs. */
export const STATUS_MEANINGS: Record<StatusOutcome, string> = {
  running: 'program is running or service is OK',
  deadWithPidfile: 'program is dead and the pid file exists',
  deadWithLockfile: 'program is dead and the lock file exists',
  notRunning: 'program is not running',
  unknown: 'program or service status is unknown',
};

export const ACTION_MEANINGS: Record<ActionOutcome, string> = {
  success: 'success',
  genericError: 'generic or unspecified error',
  invalidArgument: 'invalid or excess argument(s)',
  unimplemented: 'unimplemented feature',
  insufficientPrivilege: 'user had insufficient privilege',
  notInstalled: 'program is not installed',
  notConfigured: 'program is not configured',
  notRunning: 'program is not running',
};

/**
 * Exit codes of `check`: the Monitoring Plugins' return codes, not LSB's. There a
 * stopped service is CRITICAL, and UNKNOWN means the check itself could not tell.
 */
export const PLUGIN_CODES = {
  ok: 0,
  warning: 1,
  critical: 2,
  unknown: 3,
} as const;
export type PluginOutcome = keyof typeof PLUGIN_CODES;

export const PLUGIN_LABELS: Record<PluginOutcome, string> = {
  ok: 'OK',
  warning: 'WARNING',
  critical: 'CRITICAL',
  unknown: 'UNKNOWN',
};

export function usageLine(program: string): string {
  return `Usage: ${program} {${ACTIONS.join('|')}}`;
}
