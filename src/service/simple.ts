// init.simple(): the command line of a service program. Parses the action,
// runs it, prints, and turns the named outcome into the LSB exit code (contract §1).
import { ACTION_CODES, STATUS_CODES, isAction, usageLine, type Action } from '../lsb.js';
import { util } from './builtins.js';
import { DAEMON_ENV, resolveOptions, type ServiceOptions } from './options.js';
import { failed, type ActionResult } from './outcome.js';
import { createService, type Service } from './service.js';
import { writeLine } from '../write-line.js';

/** Actions that may carry `-- ARGS...` for the program. */
const TAKES_PROGRAM_ARGS: ReadonlySet<Action> = new Set(['start', 'restart', 'try-restart', 'force-reload', 'run']);

type Parsed =
  | { action: Exclude<Action, 'logs'>; args: string[] }
  | { action: 'logs'; lines: number; follow: boolean }
  | { usage: string };

export function parseCommandLine(argv: readonly string[]): Parsed {
  const [word, ...rest] = argv;
  if (word === undefined) return { usage: 'no action given' };
  if (!isAction(word)) return { usage: `unknown action \`${word}\`` };
  if (word === 'logs') {
    try {
      const { values } = util.parseArgs({
        args: rest as string[],
        options: { lines: { type: 'string', short: 'n' }, follow: { type: 'boolean', short: 'f' } },
        strict: true,
      });
      const lines = values.lines === undefined ? 10 : Number(values.lines);
      if (!Number.isInteger(lines) || lines < 0) return { usage: `invalid line count \`${values.lines}\`` };
      return { action: 'logs', lines, follow: values.follow ?? false };
    } catch (error) {
      return { usage: (error as Error).message.split('\n')[0]! };
    }
  }
  if (rest.length === 0) return { action: word, args: [] };
  if (rest[0] === '--' && TAKES_PROGRAM_ARGS.has(word)) return { action: word, args: rest.slice(1) };
  return { usage: `unexpected argument \`${rest[0]}\` after \`${word}\`` };
}

function say(fd: 1 | 2, text: string | undefined): void {
  if (text) writeLine(fd, text);
}

function finish(result: ActionResult): never {
  say(1, result.message);
  say(2, result.error);
  process.exit(ACTION_CODES[result.outcome]);
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
  const argv = process.argv.slice(2);
  if (process.env[DAEMON_ENV] === '1') {
    // We are the daemon `start` spawned: the variable must not leak into the program's children.
    delete process.env[DAEMON_ENV];
    const resolved = resolveOptions(options);
    const parsed = parseCommandLine(argv);
    void import('./run.js').then(({ runService }) => runService(resolved, 'args' in parsed ? parsed.args : [], { daemon: true }));
    return;
  }
  let service: Service;
  try {
    service = createService(options);
  } catch (error) {
    const name = typeof options?.name === 'string' ? `${options.name}: ` : '';
    finish({ ...failed(error), error: `${name}${(error as Error).message}` });
  }
  const parsed = parseCommandLine(argv);
  if ('usage' in parsed) {
    finish({ outcome: 'invalidArgument', error: `${service.options.name}: ${parsed.usage}\n${usageLine(service.options.name)}` });
  }
  if (parsed.action === 'status') {
    const result = service.status();
    say(1, result.message);
    say(2, result.error);
    process.exit(STATUS_CODES[result.outcome]);
  }
  if (parsed.action === 'logs') {
    import('./logs.js')
      .then(({ showLogs }) => showLogs(service.options, parsed.lines, parsed.follow))
      .then(finish, (error: unknown) => finish(failed(error)));
    return;
  }
  if (parsed.action === 'run') {
    import('./run.js')
      .then(({ runService }) => runService(service.options, parsed.args, { daemon: false }))
      .catch((error: unknown) => finish(failed(error)));
    return;
  }
  act(service, parsed.action, parsed.args).then(finish, (error: unknown) =>
    finish(failed(error)),
  );
}
