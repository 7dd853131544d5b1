// The operations actions (issue 14): `status --json`, `check`, `metrics`, `configtest`,
// and the config test that start, restart, reload and run pass first. simple.ts loads
// this module only for them: the plain `status` never does. Each answers a Reply;
// simple.ts prints it and exits with its code.
import type { Action } from '../lsb.js';
import { checkService, parseCheckArgs } from './check.js';
import { loadConfig, normalizeConfigOption, withConfig } from './config-files.js';
import type { ResolvedOptions, ServiceOptions } from './options.js';
import { failed, type ActionResult, type Reply } from './outcome.js';
import { inspectPidfile, readConfigRecord } from './pidfile.js';
import type { Service } from './service.js';
import { metricsText, statusReport } from './status-json.js';

/** The config test, as `configtest` and before the actions that start or reload (simple.ts): undefined when valid. */
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

/** `status --json`: one JSON object on stdout, and the `status` code. */
export function statusJson(service: Service, options: ServiceOptions, script: string): Reply {
  const report = statusReport(service, script, options.version);
  return { kind: 'status', result: { outcome: report.status.outcome, message: JSON.stringify(report) } };
}

export function metrics(service: Service, options: ServiceOptions, script: string, args: readonly string[]): Reply {
  if (args.length) return usage(service, `unexpected argument \`${args[0]}\` after \`metrics\``);
  return { kind: 'action', result: { outcome: 'success', message: metricsText(statusReport(service, script, options.version)) } };
}

export function check(service: Service, options: ServiceOptions, script: string, args: readonly string[]): Reply {
  let limits;
  try {
    limits = parseCheckArgs(args);
  } catch (error) {
    // The guidelines: a check that cannot run as asked is UNKNOWN.
    return { kind: 'plugin', outcome: 'unknown', line: `${service.options.name} UNKNOWN - ${(error as Error).message}` };
  }
  return { kind: 'plugin', ...checkService(statusReport(service, script, options.version), limits) };
}

export function configtest(service: Service, options: ServiceOptions, args: readonly string[]): Reply {
  if (options.config === undefined) {
    return { kind: 'action', result: { outcome: 'success', message: `${service.options.name}: no config files to test (the program has no \`config\` option)` } };
  }
  if (args.length && args[0] !== '--') return usage(service, `unexpected argument \`${args[0]}\` after \`configtest\``);
  const problem = testConfig(service, options, args.slice(1));
  return { kind: 'action', result: problem ?? { outcome: 'success', message: `${service.options.name}: config is valid` } };
}

function usage(service: Service, text: string): Reply {
  return { kind: 'action', result: { outcome: 'invalidArgument', error: `${service.options.name}: ${text}` } };
}
