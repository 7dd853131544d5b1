// The operations actions (issue 14): `status --json`, `check`, `metrics`, `configtest`,
// and the config test that start, restart, reload and run pass first. simple.ts loads
// this module only for them: the plain `status` never does.
import { ACTION_CODES, PLUGIN_CODES, STATUS_CODES, type Action, type OperationAction } from '../lsb.js';
import { checkService, parseCheckArgs } from './check.js';
import { loadConfig, normalizeConfigOption, withConfig } from './config-files.js';
import type { ResolvedOptions, ServiceOptions } from './options.js';
import { inspectPidfile, readConfigRecord } from './pidfile.js';
import { failed, type ActionResult } from './outcome.js';
import type { Service } from './service.js';
import { metricsText, statusReport } from './status-json.js';
import { writeLine } from '../write-line.js';

/** Actions that start or reload the program: its config must be valid first (LSB 6). */
export const TESTS_CONFIG: ReadonlySet<Action> = new Set(['start', 'restart', 'try-restart', 'reload', 'force-reload', 'run']);

/** The config test, as `configtest` and before the actions above: undefined when valid. */
export function testConfig(service: Service, options: ServiceOptions, args: readonly string[], action?: Action): ActionResult | undefined {
  try {
    const option = normalizeConfigOption(options.config);
    if (!option) return undefined;
    const { name, user, group } = service.options;
    loadConfig({ name, option, args: reloading(service, action) ? [...args, ...startedWith(service)] : args, ...(user !== undefined && { user }), ...(group !== undefined && { group }) });
    return undefined;
  } catch (error) {
    const result = failed(error);
    return { ...result, error: `${service.options.name}: ${result.error}` };
  }
}

/** reload, and force-reload when it reloads: the daemon re-reads the files it started with. */
function reloading(service: Service, action: Action | undefined): boolean {
  return action === 'reload' || (action === 'force-reload' && service.options.reload !== undefined);
}

/** `--config FILE` as the running daemon's `start` was given it (its config record), or nothing. */
function startedWith(service: Service): string[] {
  const state = inspectPidfile(service.options.pidfile);
  const file = state.kind === 'running' ? readConfigRecord(service.options.pidfile, state.pid) : undefined;
  return file === undefined ? [] : ['--config', file];
}

/** The resolved options with the config handed to run() and reload(), when the program asks for one. */
export function configured(resolved: ResolvedOptions, options: ServiceOptions): ResolvedOptions {
  const option = normalizeConfigOption(options.config);
  return option ? withConfig(resolved, option) : resolved;
}

function out(text: string): void {
  writeLine(1, text);
}

/** Runs one operations action and exits with its code. */
export function operate(service: Service, options: ServiceOptions, action: OperationAction | 'status-json', args: string[]): never {
  const script = process.argv[1] ?? '';
  switch (action) {
    case 'status-json': {
      const report = statusReport(service, script, options.version);
      out(JSON.stringify(report));
      process.exit(STATUS_CODES[report.status.outcome]);
    }
    case 'metrics': {
      if (args.length) return usage(service, `unexpected argument \`${args[0]}\` after \`metrics\``);
      out(metricsText(statusReport(service, script, options.version)));
      process.exit(ACTION_CODES.success);
    }
    case 'check': {
      let limits;
      try {
        limits = parseCheckArgs(args);
      } catch (error) {
        // The guidelines: a check that cannot run as asked is UNKNOWN.
        out(`${service.options.name} UNKNOWN - ${(error as Error).message}`);
        process.exit(PLUGIN_CODES.unknown);
      }
      const result = checkService(statusReport(service, script, options.version), limits);
      out(result.line);
      process.exit(PLUGIN_CODES[result.outcome]);
    }
    case 'configtest': {
      if (options.config === undefined) {
        out(`${service.options.name}: no config files to test (the program has no \`config\` option)`);
        process.exit(ACTION_CODES.success);
      }
      const programArgs = args[0] === '--' ? args.slice(1) : args;
      if (args.length && args[0] !== '--') return usage(service, `unexpected argument \`${args[0]}\` after \`configtest\``);
      const problem = testConfig(service, options, programArgs);
      if (problem) {
        writeLine(2, problem.error ?? '');
        process.exit(ACTION_CODES[problem.outcome]);
      }
      out(`${service.options.name}: config is valid`);
      process.exit(ACTION_CODES.success);
    }
  }
}

function usage(service: Service, text: string): never {
  writeLine(2, `${service.options.name}: ${text}`);
  process.exit(ACTION_CODES.invalidArgument);
}
