// The CLI's exit codes, and how any failure becomes one line per problem on stderr.
import { ConfigError } from '../config/load.js';
import { CliError, EXIT, type ExitCode } from './exit.js';

export { CliError, EXIT, type ExitCode } from './exit.js';

export function usageError(message: string): CliError {
  return new CliError([`initgen: ${message} (see initgen --help)`], EXIT.usage);
}

/** Never a stack trace: the lines to print and the exit code. */
export function failureReport(err: unknown): { lines: string[]; code: ExitCode } {
  if (err instanceof CliError) return { lines: err.lines, code: err.code };
  if (err instanceof ConfigError) return { lines: err.problems.map((p) => `initgen: ${p}`), code: EXIT.usage };
  const message = err instanceof Error ? err.message : String(err);
  return { lines: [`initgen: ${message.split('\n')[0]}`], code: EXIT.failure };
}
