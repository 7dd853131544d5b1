// Named outcomes of the service's actions. Only the outermost layer (simple.ts)
// turns them into exit codes, through the table in ../lsb.ts.
import type { ActionOutcome, StatusOutcome } from '../lsb.js';

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

/** Every action outcome but success: what a failure (and a daemon's failed start) may be. */
export type FailureOutcome = Exclude<ActionOutcome, 'success'>;

/** A failure that already knows which LSB outcome it is. */
export class ServiceFailure extends Error {
  constructor(
    readonly outcome: FailureOutcome,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceFailure';
  }
}

export function failed(error: unknown): ActionResult & { outcome: FailureOutcome } {
  if (error instanceof ServiceFailure) return { outcome: error.outcome, error: error.message };
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return { outcome: 'insufficientPrivilege', error: (error as Error).message };
  }
  return { outcome: 'genericError', error: error instanceof Error ? error.message : String(error) };
}
