// init.simple(): the command line of a service program. Parses the action, runs its
// handler from one table, prints what the handler answers and turns its named outcome
// into the exit code (docs/contract.md §1): answer() is the one place that does.
import {
  ACTION_CODES,
  PLUGIN_CODES,
  STATUS_CODES,
  isAction,
  isOperationAction,
  usageLine,
  type Action,
  type OperationAction,
} from '../lsb.js';
import { fs, util } from './builtins.js';
import { closeInheritedDescriptors } from './descriptors.js';
import { derivedName, resolveOptions, type ResolvedOptions, type ServiceOptions } from './options.js';
import { failed, withName, type ActionResult, type Reply } from './outcome.js';
import { READY_FD, tellController } from './readiness.js';
import { createService, type Service } from './service.js';
import { DAEMON_WORD, noSettings, takeSettings, type Settings } from './settings.js';
import { writeLine } from './write-line.js';

/** What a command line can ask for: an action of src/lsb.ts, `status --json`, or a usage error. */
type Command = Action | OperationAction | 'status-json' | 'usage';

/** Actions that may carry `-- ARGS...` for the program. */
const TAKES_PROGRAM_ARGS: ReadonlySet<Command> = new Set(['start', 'restart', 'try-restart', 'force-reload', 'run']);

interface CommandLine {
  command: Command;
  /** after `--`: the program's arguments; for `logs` and the operations actions: their own words */
  args: string[];
  settings: Settings;
  /** with `usage`: what is wrong with the command line */
  problem?: string;
}

const usageError = (problem: string, settings = noSettings()): CommandLine => ({ command: 'usage', args: [], settings, problem });

/**
 * `ACTION [--initgen-KEY=VALUE...] [ARGS]`. `command` is node-init's option: it names
 * the action only when the command line's first word does not (node-init's README
 * passes process.argv[3], which is the word after the action).
 */
function parseCommandLine(argv: readonly string[], command?: unknown): CommandLine {
  const [first, ...others] = argv;
  let word: Action | OperationAction;
  let rest: string[] = others;
  if (first !== undefined && (isAction(first) || isOperationAction(first))) word = first;
  else if (typeof command === 'string' && isAction(command)) {
    word = command;
    rest = []; // the command line is the program's own
  } else return usageError(first === undefined ? 'no action given' : `unknown action \`${first}\``);
  const taken = takeSettings(rest);
  if ('usage' in taken) return usageError(taken.usage);
  const { settings } = taken;
  rest = taken.rest;
  if (settings.daemon && word !== 'run') return usageError(`\`${DAEMON_WORD}\` is only for the daemon \`start\` spawns`, settings);
  // issue 14: the operations actions parse their own words (operations.ts), as `logs` does
  if (isOperationAction(word) || word === 'logs') return { command: word, args: rest, settings };
  if (word === 'status' && rest.length === 1 && rest[0] === '--json') return { command: 'status-json', args: [], settings };
  if (rest.length === 0) return { command: word, args: [], settings };
  if (rest[0] === '--' && TAKES_PROGRAM_ARGS.has(word)) return { command: word, args: rest.slice(1), settings };
  return usageError(`unexpected argument \`${rest[0]}\` after \`${word}\``, settings);
}

/** One command line and what its handler may need; the service is created on first use. */
interface Call extends CommandLine {
  readonly options: ServiceOptions;
  /** the program's main script: what `start` re-runs as the daemon */
  readonly script: string;
  /** throws (→ the one error path) when the options are wrong */
  service(): Service;
  /** the name to put before a message, also when the options themselves are wrong */
  name(): string;
}

type Handler = (call: Call) => Reply | Promise<Reply>;
type Operations = typeof import('./operations.js');

const RUNNING: Reply = { kind: 'running' };
const action = (result: ActionResult): Reply => ({ kind: 'action', result });

function usage(call: Call, problem: string): Reply {
  const name = call.name();
  return action({ outcome: 'invalidArgument', error: `${name}: ${problem}\n${usageLine(name)}` });
}

/**
 * LSB 6 before anything starts or reloads (issue 14): the config is tested first, as
 * `nginx -t`. Without the `config` option operations.ts is not even loaded.
 */
function configTested(act: (call: Call, operations?: Operations) => Promise<Reply>): Handler {
  return (call) => {
    const service = call.service();
    if (call.options.config === undefined) return act(call);
    return import('./operations.js').then((operations) => {
      const problem = operations.testConfig(service, call.options, call.args, isAction(call.command) ? call.command : undefined);
      return problem ? action(problem) : act(call, operations);
    });
  };
}

/** The operations actions: loaded only for themselves, so the plain `status` never pays for them. */
function operation(act: (operations: Operations, service: Service, call: Call) => Reply): Handler {
  return (call) => {
    const service = call.service();
    return import('./operations.js').then((operations) => act(operations, service, call));
  };
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

/** The daemon `start` spawned: its controller waits on fd 3 for how it went, failures included. */
function runAsDaemon(call: Call): Reply | Promise<Reply> {
  if (!hasReadinessPipe()) return usage(call, `\`${DAEMON_WORD}\` is only for the daemon \`start\` spawns`);
  // daemon(7): before anything of the program's runs on: nothing inherited but 0-3
  closeInheritedDescriptors(READY_FD);
  const tell = (error: unknown): Reply => {
    const result = failed(error);
    tellController({ kind: 'failed', outcome: result.outcome, message: result.error ?? '' });
    return action(result);
  };
  let resolved: ResolvedOptions;
  try {
    resolved = resolveOptions(call.options, call.settings, call.script);
  } catch (error) {
    return tell(error);
  }
  return Promise.all([import('./run.js'), import('./operations.js')])
    .then(([{ runService }, { configured }]) => runService(configured(resolved, call.options), call.args, { daemon: true }))
    .then(() => RUNNING, tell);
}

/** `run` under a supervisor: the service in this process, after the config test. */
const runInForeground = configTested(async (call, operations) => {
  const { runService } = await import('./run.js');
  const { options } = call.service();
  await runService(operations ? operations.configured(options, call.options) : options, call.args, { daemon: false });
  return RUNNING;
});

/** `logs [-n N] [-f]`'s own words. */
function logsWords(words: string[]): { lines: number; follow: boolean } | { problem: string } {
  try {
    const { values } = util.parseArgs({
      args: words,
      options: { lines: { type: 'string', short: 'n' }, follow: { type: 'boolean', short: 'f' } },
      strict: true,
    });
    const lines = values.lines === undefined ? 10 : Number(values.lines);
    if (!Number.isInteger(lines) || lines < 0) return { problem: `invalid line count \`${values.lines}\`` };
    return { lines, follow: values.follow ?? false };
  } catch (error) {
    return { problem: (error as Error).message.split('\n')[0]! };
  }
}

/**
 * Every command, one handler each. Only `status` and a usage error run without a dynamic
 * import: what the others load (sockets, child processes, the config reader) `status`
 * never pays for.
 */
const HANDLERS: Record<Command, Handler> = {
  start: configTested((call) => call.service().start(call.args).then(action)),
  stop: (call) => call.service().stop().then(action),
  restart: configTested((call) => call.service().restart(call.args).then(action)),
  'try-restart': configTested((call) => call.service().tryRestart(call.args).then(action)),
  reload: configTested((call) => call.service().reload().then(action)),
  'force-reload': configTested((call) => call.service().forceReload(call.args).then(action)),
  status: (call) => ({ kind: 'status', result: call.service().status() }),
  'status-json': operation((operations, service, call) => operations.statusJson(service, call.options, call.script)),
  check: operation((operations, service, call) => operations.check(service, call.options, call.script, call.args)),
  metrics: operation((operations, service, call) => operations.metrics(service, call.options, call.script, call.args)),
  configtest: operation((operations, service, call) => operations.configtest(service, call.options, call.args)),
  run: (call) => (call.settings.daemon ? runAsDaemon(call) : runInForeground(call)),
  logs: (call) => {
    const words = logsWords(call.args);
    if ('problem' in words) return usage(call, words.problem);
    const { options } = call.service();
    return import('./logs.js').then(({ showLogs }) => showLogs(options, words.lines, words.follow)).then(action);
  },
  usage: (call) => usage(call, call.problem ?? ''),
};

function say(fd: 1 | 2, text: string | undefined): void {
  if (text) writeLine(fd, text);
}

/** The one place a named outcome becomes an exit code. */
function answer(name: string, reply: Reply): void {
  switch (reply.kind) {
    case 'running':
      return;
    case 'plugin':
      say(1, reply.line);
      process.exit(PLUGIN_CODES[reply.outcome]);
    case 'status':
      say(1, reply.result.message);
      if (reply.result.error) say(2, withName(name, reply.result.error));
      process.exit(STATUS_CODES[reply.result.outcome]);
    case 'action':
      say(1, reply.result.message);
      if (reply.result.error) say(2, withName(name, reply.result.error));
      process.exit(ACTION_CODES[reply.result.outcome]);
  }
}

/** The name to put before a message when the options themselves may be wrong. */
function nameOf(options: ServiceOptions, settings: Settings, script: string): string {
  const given = settings.values.get('name')?.value ?? (options as Partial<ServiceOptions> | null)?.name;
  return typeof given === 'string' && given !== '' && !/[\s\0]/.test(given) ? given : derivedName(options?.pidfile, script);
}

/** Turn this program into an LSB init script: `node app.js ACTION`. */
export function simple(options: ServiceOptions): void {
  const script = process.argv[1] ?? '';
  const line = parseCommandLine(process.argv.slice(2), (options as Partial<ServiceOptions> | null)?.command);
  let service: Service | undefined;
  const call: Call = {
    ...line,
    options,
    script,
    service: () => (service ??= createService(options, script, line.settings)),
    name: () => service?.options.name ?? nameOf(options, line.settings, script),
  };
  // The one error path: whatever a handler throws is a failure with its LSB outcome.
  // A handler that answers at once (status, a usage error) exits before simple() returns.
  const fail = (error: unknown): Reply => action(failed(error));
  let reply: Reply | Promise<Reply>;
  try {
    reply = HANDLERS[line.command](call);
  } catch (error) {
    reply = fail(error);
  }
  if (reply instanceof Promise) void reply.then(undefined, fail).then((settled) => answer(call.name(), settled));
  else answer(call.name(), reply);
}
