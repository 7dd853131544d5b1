// Issue 16: run an unmodified Node program as an initgen service.
//
//   node --import=initgen/wrap PROGRAM ACTION [SETTINGS...] [-- ARGS]
//
// Node loads this module before its main module and awaits it. Here the command
// line goes to init.simple() exactly as if PROGRAM had called it: every action,
// exit code, pid-file, log, readiness and stop rule is the library's own
// (docs/contract.md §1, §4). Only inside run() (the daemon `start` spawned, or
// `run` under a supervisor) is the wait released, and Node then loads PROGRAM as
// its real main module: process.argv[1] is its path, require.main is its module,
// its exit codes and uncaught errors are its own and reach the log. For control
// actions the wait never ends: the action exits the process and PROGRAM never runs.
import { basename, dirname, extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simple } from '../service/simple.js';
import { defaultLogfile, defaultPidfile } from '../defaults.js';
import { ACTION_CODES } from '../lsb.js';

const SELF = import.meta.url;

/** Our own `--import` words: the program's children (cluster workers, fork()) must not load the wrapper. */
function withoutSelf(execArgv: readonly string[]): string[] {
  const isSelf = (value: string | undefined): boolean => {
    if (value === undefined) return false;
    if (value === SELF) return true;
    try {
      return import.meta.resolve(value) === SELF;
    } catch {
      return false;
    }
  };
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const word = execArgv[i]!;
    if (word.startsWith('--import=') && isSelf(word.slice('--import='.length))) continue;
    if (word === '--import' && isSelf(execArgv[i + 1])) {
      i++;
      continue;
    }
    kept.push(word);
  }
  return kept;
}

const program = process.argv[1];
if (program === undefined) {
  process.stderr.write(`initgen/wrap: no program: start it as node --import=initgen/wrap PROGRAM ACTION\n`);
  process.exit(ACTION_CODES.invalidArgument);
}
if (fileURLToPath(SELF) === program) {
  process.stderr.write(`initgen/wrap: load it with --import before the program, not as the program\n`);
  process.exit(ACTION_CODES.invalidArgument);
}
const name = basename(program, extname(program));

await new Promise<void>((release) => {
  simple({
    name,
    // defaults for a hand-typed command line; generated files always give the settings
    pidfile: defaultPidfile(name),
    logfile: defaultLogfile(name),
    cwd: dirname(program),
    run({ args }) {
      // The program sees the command line it would have had when started directly.
      process.argv.splice(2, process.argv.length - 2, ...args);
      process.execArgv.splice(0, process.execArgv.length, ...withoutSelf(process.execArgv));
      release();
    },
    // SIGTERM: a program with its own handler decides (an ignored SIGTERM ends in
    // SIGKILL after stopTimeout, as for any service); without one it ends, as Node's default would.
    stop: () => (process.listenerCount('SIGTERM') > 1 ? new Promise<never>(() => {}) : undefined),
  });
});
