// A CLI command: a declarative object; its handler's result is the exit code.
import type { Argv } from 'yargs';
import type { ExitCode } from '../errors.js';

export interface Command {
  command: string | readonly string[];
  describe: string;
  builder?: (yargs: Argv) => Argv;
  run(argv: Record<string, unknown>): Promise<ExitCode>;
}
