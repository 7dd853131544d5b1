// How initgen starts a service's program: NODE [NODE-ARGS] SCRIPT ACTION [WORDS] [-- ARGS].
// The generated files (src/targets/) and the library's `start`
// (src/service/detach.ts, the daemon's argv) build it here, so that the program always
// parses one shape. No imports but types: the library's `start` path loads it.
import type { NormalizedConfig } from './config/types.js';

interface ProgramCall {
  /** words between NODE and SCRIPT (the wrapper's --import, or start's own execArgv) */
  nodeArgs: readonly string[];
  script: string;
  action: string;
  /** setting words after the action (--initgen-...) */
  words?: readonly string[];
  /** the program's own arguments */
  args: readonly string[];
}

/**
 * Everything after NODE. The program's arguments follow `--`, so one that looks like
 * an action or a setting word stays the program's; with none, no `--` is written.
 */
export function programArgs(call: ProgramCall): string[] {
  const tail = call.args.length > 0 ? ['--', ...call.args] : [];
  return [...call.nodeArgs, call.script, call.action, ...(call.words ?? []), ...tail];
}

/** NODE SCRIPT run -- ARGS: what a supervisor runs in the foreground. */
export function runCommand(config: Pick<NormalizedConfig, 'node' | 'nodeArgs' | 'script' | 'args'>): string[] {
  return [config.node, ...programArgs({ nodeArgs: config.nodeArgs, script: config.script, action: 'run', args: config.args })];
}
