// init.simple(): the command line of a service program. Parses the action,
// runs it, prints, and turns the named outcome into the LSB exit code (docs/contract.md §1).
import { ACTION_CODES, STATUS_CODES, isAction, isOperationAction, usageLine, type Action, type OperationAction } from '../lsb.js';
import { fs, util } from './builtins.js';
import { closeInheritedDescriptors } from './descriptors.js';
import { derivedName, resolveOptions, type ResolvedOptions, type ServiceOptions } from './options.js';
import { failed, withName, type ActionResult } from './outcome.js';
import { READY_FD, tellController } from './readiness.js';
import { createService, type Service } from './service.js';
import { DAEMON_WORD, noSettings, takeSettings, type Settings } from './settings.js';
import { writeLine } from '../write-line.js';

/** Actions that may carry `-- ARGS...` for the program. */
const TAKES_PROGRAM_ARGS: ReadonlySet<Action> = new Set(['start', 'restart', 'try-restart', 'force-reload', 'run']);

type Parsed = (
  | { action: Exclude<Action, 'logs'>; args: string[] }
  | { action: 'logs'; lines: number; follow: boolean }
  | { operation: OperationAction | 'status-json'; args: string[] }
  | { usage: string }
) & { settings?: Settings };

/**
 * `ACTION [--initgen-KEY=VALUE...] [ARGS]`. `command` is node-init's option: it names
 * the action only when the command line's first word does not (node-init's README
 * passes process.argv[3], which is the word after the action).
 */
export function parseCommandLine(argv: readonly string[], command?: unknown): Parsed {
  const [first, ...others] = argv;
  let word: Action | OperationAction;
  let rest: string[] = others;
  if (first !== undefined && (isAction(first) || isOperationAction(first))) word = first;
  else if (typeof command === 'string' && isAction(command)) {
    word = command;
    rest = []; // the command line is the program's own
  } else return { usage: first === undefined ? 'no action given' : `unknown action \`${first}\`` };
  const taken = takeSettings(rest);
  if ('usage' in taken) return taken;
  const { settings } = taken;
  rest = taken.rest;
  if (settings.daemon && word !== 'run') return { usage: `\`${DAEMON_WORD}\` is only for the daemon \`start\` spawns`, settings };
  // issue 14: the operations actions parse their own words (operations.ts)
  if (isOperationAction(word)) return { operation: word, args: rest, settings };
  if (word === 'status' && rest.length === 1 && rest[0] === '--json') return { operation: 'status-json', args: [], settings };
  if (word === 'logs') {
    try {
      const { values } = util.parseArgs({
        args: rest,
        options: { lines: { type: 'string', short: 'n' }, follow: { type: 'boolean', short: 'f' } },
        strict: true,
      });
      const lines = values.lines === undefined ? 10 : Number(values.lines);
      if (!Number.isInteger(lines) || lines < 0) return { usage: `invalid line count \`${values.lines}\``, settings };
      return { action: 'logs', lines, follow: values.follow ?? false, settings };
    } catch (error) {
      return { usage: (error as Error).message.split('\n')[0]!, settings };
    }
  }
  if (rest.length === 0) return { action: word, args: [], settings };
  if (rest[0] === '--' && TAKES_PROGRAM_ARGS.has(word)) return { action: word, args: rest.slice(1), settings };
  return { usage: `unexpected argument \`${rest[0]}\` after \`${word}\``, settings };
}

function say(fd: 1 | 2, text: string | undefined): void {
  if (text) writeLine(fd, text);
}

function finish(name: string, result: ActionResult): never {
  say(1, result.message);
  if (result.error) say(2, withName(name, result.error));
  process.exit(ACTION_CODES[result.outcome]);
}

/** The name to put before a message when the options themselves may be wrong. */
function nameOf(options: ServiceOptions, settings: Settings, script: string): string {
  const given = settings.values.get('name')?.value ?? (options as Partial<ServiceOptions> | null)?.name;
  return typeof given === 'string' && given !== '' && !/[\s\0]/.test(given) ? given : derivedName(options?.pidfile, script);
}

/** `start` spawns its daemon with the readiness pipe as fd 3 (readiness.ts): a socket pair, as libuv makes it. */
function hasReadinessPipe(): boolean {
  try {
    const stat = fs.fstatSync(READY_FD);
    return stat.isSocket() || stat.isFIFO();
  } catch {
    return false;
  }
}

/** The daemon `start` spawned: its controller waits on fd 3 for how it went. */
function runAsDaemon(options: ServiceOptions, settings: Settings, args: string[], script: string): void {
  // daemon(7): before anything of the program's runs on: nothing inherited but 0-3
  closeInheritedDescriptors(READY_FD);
  let resolved: ResolvedOptions;
  try {
    resolved = resolveOptions(options, settings, script);
  } catch (error) {
    const { outcome, error: message = '' } = failed(error);
    say(2, message);
    tellController({ kind: 'failed', outcome, message });
    process.exit(ACTION_CODES[outcome]);
  }
  void Promise.all([import('./run.js'), import('./operations.js')]).then(([{ runService }, { configured }]) =>
    runService(configured(resolved, options), args, { daemon: true }),
  );
}

async function act(service: Service, action: Exclude<Action, 'logs' | 'run' | 'status'>, args: string[]): Promise<ActionResult> {
  switch (action) {
    case 'start':
      return service.start(args);
    case 'stop':
      return service.stop();
    case 'restart':
      return service.restart(args);
    case 'try-restart':
      return service.tryRestart(args);
    case 'reload':
      return service.reload();
    case 'force-reload':
      return service.forceReload(args);
  }
}

/** Turn this program into an LSB init script: `node app.js ACTION`. */
export function simple(options: ServiceOptions): void {
  const script = process.argv[1] ?? '';
  const parsed = parseCommandLine(process.argv.slice(2), (options as Partial<ServiceOptions> | null)?.command);
  const settings = parsed.settings ?? noSettings();
  if ('usage' in parsed) {
    const name = nameOf(options, settings, script);
    finish(name, { outcome: 'invalidArgument', error: `${name}: ${parsed.usage}\n${usageLine(name)}` });
  }
  if (settings.daemon) {
    if (!hasReadinessPipe()) {
      const name = nameOf(options, settings, script);
      finish(name, { outcome: 'invalidArgument', error: `${name}: \`${DAEMON_WORD}\` is only for the daemon \`start\` spawns\n${usageLine(name)}` });
    }
    runAsDaemon(options, settings, 'args' in parsed ? parsed.args : [], script);
    return;
  }
  let service: Service;
  try {
    service = createService(options, script, settings);
  } catch (error) {
    finish(nameOf(options, settings, script), failed(error));
  }
  const name = service.options.name;
  if ('operation' in parsed) {
    import('./operations.js')
      .then(({ operate }) => operate(service, options, parsed.operation, parsed.args))
      .catch((error: unknown) => finish(name, failed(error)));
    return;
  }
  if (parsed.action === 'status') {
    const result = service.status();
    say(1, result.message);
    if (result.error) say(2, withName(name, result.error));
    process.exit(STATUS_CODES[result.outcome]);
  }
  if (parsed.action === 'logs') {
    import('./logs.js')
      .then(({ showLogs }) => showLogs(service.options, parsed.lines, parsed.follow))
      .then(
        (result) => finish(name, result),
        (error: unknown) => finish(name, failed(error)),
      );
    return;
  }
  const action = parsed.action;
  // LSB 6 before anything starts or reloads (issue 14): the config is tested first, as `nginx -t`.
  const tested = options.config === undefined ? Promise.resolve(undefined) : import('./operations.js');
  if (action === 'run') {
    Promise.all([import('./run.js'), tested])
      .then(([{ runService }, operations]) => {
        const problem = operations?.testConfig(service, options, parsed.args);
        if (problem) finish(name, problem);
        return runService(operations ? operations.configured(service.options, options) : service.options, parsed.args, { daemon: false });
      })
      .catch((error: unknown) => finish(name, failed(error)));
    return;
  }
  tested
    .then((operations) => {
      const problem = operations?.TESTS_CONFIG.has(action) ? operations.testConfig(service, options, parsed.args, action) : undefined;
      return problem ?? act(service, action, parsed.args);
    })
    .then(
      (result) => finish(name, result),
      (error: unknown) => finish(name, failed(error)),
    );
}
