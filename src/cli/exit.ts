// The CLI's exit codes, in one place: commands return them, install and uninstall
// failures carry them (src/install/plan.ts), main() hands them to the launcher.
export const EXIT = {
  ok: 0,
  /** I/O failure, or --check found a file that differs */
  failure: 1,
  /** usage error or invalid config: nothing was written */
  usage: 2,
  /** not privileged enough for the paths or tools an install needs */
  privilege: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure with the lines to print on stderr and its exit code: the CLI's, and install's and uninstall's. */
export class CliError extends Error {
  constructor(
    readonly lines: string[],
    readonly code: ExitCode,
  ) {
    super(lines.join('\n'));
    this.name = 'CliError';
  }
}
